//! `doctor DIR`: reads a TFTP root and reports the traps of Cisco's conversion guide.
//!
//! The folder is read with bounds: at most [`DoctorOptions::max_entries`] entries, no file
//! over [`DoctorOptions::max_file`], subfolders listed one level deep only (to tell "missing"
//! from "left in the folder the zip unpacked to"), symlinks followed only while they stay
//! inside the folder. Nothing in the files can make it panic: every parser it calls returns
//! errors, and those become findings.
use super::upgradecode::{self, UpgradeCode};
use super::{Finding, Severity, check_def};
use crate::pkg::detect::{FileKind, detect};
use crate::pkg::names::{self, Family, LoadName, Protocol, Scheme, Version};
use crate::pkg::{kup, loads, sgn, sig78, textfiles};
use crate::profile::{self, layout};
use crate::table::{TagTable, builtin};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

mod configs;
mod folder;
mod images;
mod lint;
mod manifests;
mod os79xx;
mod profiles;

use folder::{Entry, Folder, Kind};

/// SIP 2.x "buffer full" threshold for SIPDefault.cnf (R23). Cisco gives no number; 4 KiB is
/// an inferred, conservative guess (test `sip2_size_threshold_is_inferred`).
pub const SIP2_CNF_LIMIT: u64 = 4096;
/// Largest text/configuration file read.
pub const MAX_TEXT: u64 = 1 << 20;

#[derive(Debug, Clone)]
pub struct DoctorOptions {
    pub max_entries: usize,
    pub max_file: u64,
}

impl Default for DoctorOptions {
    fn default() -> Self {
        DoctorOptions {
            max_entries: 10_000,
            max_file: 64 << 20,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Report {
    pub root: String,
    pub findings: Vec<Finding>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }
    pub fn render_text(&self) -> String {
        super::render_findings(&self.root, &self.findings)
    }
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DoctorError {
    #[error("cannot read folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
}

const LOAD_EXTENSIONS: &[&str] = &["loads", "sbn", "bin", "sbin", "zup"];

fn finding(
    check: &str,
    rule: &str,
    file: &str,
    line: Option<usize>,
    message: String,
    fix: String,
) -> Finding {
    let def = check_def(check);
    Finding::new(check, def.map_or(Severity::Error, |d| d.severity), message)
        .in_file(file)
        .at_line(line)
        .why(def.map_or("", |d| d.why))
        .fix(fix)
        .rule(rule)
}

/// Names the phone fetches by a fixed spelling, and the rule that says so.
const FIXED_NAMES: &[(&str, &str)] = &[
    ("OS79XX.TXT", "R4"),
    ("SIPDefault.cnf", "R8"),
    ("RINGLIST.DAT", "R9"),
    ("gkdefault.cfg", "R31"),
    ("lddefault.cfg", "R31"),
    ("XMLDefault.cnf.xml", "R12"),
];

fn is_hex12(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `SIP<MAC>.cnf` in any case: returns the MAC as written.
fn sip_mac_cnf(name: &str) -> Option<&str> {
    let lower = name.to_ascii_lowercase();
    if lower.len() == 19 && lower.starts_with("sip") && lower.ends_with(".cnf") {
        let mac = name.get(3..15)?;
        return is_hex12(mac).then_some(mac);
    }
    None
}

/// `SEP<MAC>.cnf.xml` in any case.
fn sep_mac_xml(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.len() == 23
        && lower.starts_with("sep")
        && lower.ends_with(".cnf.xml")
        && lower.get(3..15).is_some_and(is_hex12)
}

/// `gk<MAC>` / `ld<MAC>` in any case (no extension): the prefix in lower case.
fn gk_mac(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if lower.len() != 14 || !lower.get(2..).is_some_and(is_hex12) {
        return None;
    }
    match lower.get(..2) {
        Some("gk") => Some("gk"),
        Some("ld") => Some("ld"),
        _ => None,
    }
}

/// The 1-based line holding byte `offset`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes
        .get(..offset.min(bytes.len()))
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The form a name of this protocol and version must have (R5).
fn expected_form(n: &LoadName) -> Option<String> {
    if n.protocol != Protocol::Sip || n.family != Family::Phone7940_7960 {
        return None;
    }
    let v = &n.version;
    let three = Version::new(3, 0, 0, 0);
    match n.scheme {
        Scheme::Short if *v >= three => Some(format!(
            "SIP {}.{} is 3.0 or later: its name is P0S3-{:02}-{}-{:02}, not the 8.3 form",
            v.major, v.minor, v.major, v.minor, v.maint
        )),
        Scheme::Dashed if *v < three => Some(format!(
            "SIP {}.{} is 2.3 or earlier: its name is the 8.3 form P0S3{:02}{:02}",
            v.major, v.minor, v.major, v.minor
        )),
        _ => None,
    }
}

struct Doctor<'a> {
    folder: &'a Folder,
    findings: Vec<Finding>,
    /// Files some configuration names (image checks and permission checks run over them).
    referenced: BTreeSet<String>,
    /// Every load named by OS79XX.TXT or image_version (for the SIP 2.x checks).
    named: Vec<LoadName>,
    os79xx: Option<LoadName>,
    any_image_version: bool,
    any_load_information: bool,
    table: TagTable,
    /// The `-t` argument that names that table in a command (`-tsip_ptag7912.dat`, or
    /// `-tbuiltin:7912` when the folder has none).
    table_arg: String,
    /// Profiles that are damaged or unreadable: already reported, not compared with their text.
    bad_profiles: BTreeSet<String>,
}

impl Doctor<'_> {
    fn push(
        &mut self,
        check: &str,
        rule: &str,
        file: &str,
        line: Option<usize>,
        message: String,
        fix: String,
    ) {
        self.findings
            .push(finding(check, rule, file, line, message, fix));
    }

    fn refer(&mut self, name: &str) {
        self.referenced.insert(name.to_string());
    }
}

fn kup_platform(name: &str, bytes: &[u8]) -> Option<u32> {
    match detect(name, bytes) {
        FileKind::SignedKup => {
            let s = sgn::parse(bytes).ok()?;
            kup::parse_outer(s.payload(), s.payload_offset())
                .ok()
                .map(|h| h.0.platform)
        }
        FileKind::Kup => kup::parse_outer(bytes, 0).ok().map(|h| h.0.platform),
        _ => None,
    }
}

/// The tag table for profiles and the `-t` argument naming it: the folder's `sip_ptag*.dat`
/// (Cisco's tree has `sip_ptag7912.dat`), else the built-in 7905G/7912G table.
fn folder_table(folder: &Folder) -> (TagTable, String) {
    let mut names: Vec<&Entry> = folder
        .files()
        .filter(|e| {
            let l = e.name.to_ascii_lowercase();
            l.starts_with("sip_ptag") && l.ends_with(".dat")
        })
        .collect();
    // The plain name first, then Cisco's per-model names.
    names.sort_by_key(|e| (e.name.len(), e.name.clone()));
    for e in names {
        if let Ok(bytes) = folder.read(e, crate::table::MAX_TABLE_BYTES as u64) {
            let (t, _) = TagTable::parse(&bytes);
            if !t.entries().is_empty() {
                return (t, format!("-t{}", e.name));
            }
        }
    }
    let t = builtin("7912")
        .map(|b| TagTable::parse(b.text.as_bytes()).0)
        .unwrap_or_default();
    (t, "-tbuiltin:7912".to_string())
}

/// A newer phone's manifest: `None` when the bytes are not one (not signed, or the 7940/7960
/// shape), else its file list or why it does not parse.
pub(crate) fn file_list(name: &str, bytes: &[u8]) -> Option<Result<loads::FileList, String>> {
    match detect(name, bytes) {
        FileKind::LoadsList => Some(
            sgn::parse(bytes)
                .and_then(|s| loads::parse_file_list(s.payload(), s.payload_offset()))
                .map_err(|e| e.to_string()),
        ),
        FileKind::Loads78xx | FileKind::Signed78xx => Some(
            sig78::parse(bytes)
                .and_then(|s| loads::parse_file_list(s.payload(), s.header_length))
                .map_err(|e| e.to_string()),
        ),
        FileKind::SignedOther => sgn::parse(bytes)
            .ok()
            .filter(|s| !s.payload().windows(11).any(|w| w == b"LA_VERSION="))
            .map(|s| {
                loads::parse_file_list(s.payload(), s.payload_offset()).map_err(|e| e.to_string())
            }),
        _ => None,
    }
}

/// IP Communicator's `CIPC_Locale.loads` and other XML: not a phone manifest.
fn looks_xml(bytes: &[u8]) -> bool {
    let t = String::from_utf8_lossy(bytes.get(..bytes.len().min(256)).unwrap_or_default());
    t.trim_start().starts_with('<')
}

/// Reads the folder and runs every check.
pub fn doctor(dir: &Path, opts: &DoctorOptions) -> Result<Report, DoctorError> {
    let mut skipped = Vec::new();
    let folder = Folder::scan(dir, opts, &mut skipped)?;
    let (table, table_arg) = folder_table(&folder);
    let mut d = Doctor {
        folder: &folder,
        findings: skipped,
        referenced: BTreeSet::new(),
        named: Vec::new(),
        os79xx: None,
        any_image_version: false,
        any_load_information: false,
        table,
        table_arg,
        bad_profiles: BTreeSet::new(),
    };
    d.fixed_name_case();
    d.os79xx();
    d.loads_files();
    let sip = d.sip_configs();
    let sccp = d.sccp_configs();
    d.cross_config(&sip, &sccp);
    d.ringlist();
    d.profiles();
    d.lint_configs();
    d.images();
    d.permissions();
    let mut findings = d.findings;
    findings.sort_by(|a, b| {
        (a.file == ".", &a.file, a.line(), &a.code).cmp(&(
            b.file == ".",
            &b.file,
            b.line(),
            &b.code,
        ))
    });
    findings.dedup();
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    Ok(Report {
        root: dir.display().to_string(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        findings,
    })
}
