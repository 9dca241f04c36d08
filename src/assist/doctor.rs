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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    /// A symlink leading out of the folder: present by name, never read.
    Outside,
    Other,
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    kind: Kind,
    len: u64,
    modified: Option<SystemTime>,
    /// Unix permission bits.
    mode: Option<u32>,
}

impl Entry {
    fn is_file(&self) -> bool {
        matches!(self.kind, Kind::File | Kind::Outside)
    }
}

struct Folder {
    root: PathBuf,
    entries: Vec<Entry>,
    /// File names one level down, per subfolder.
    sub: Vec<(String, Vec<String>)>,
    max_file: u64,
}

#[cfg(unix)]
fn mode_of(m: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(m.permissions().mode())
}
#[cfg(not(unix))]
fn mode_of(_: &std::fs::Metadata) -> Option<u32> {
    None
}

impl Folder {
    fn scan(
        root: &Path,
        opts: &DoctorOptions,
        skipped: &mut Vec<Finding>,
    ) -> Result<Folder, DoctorError> {
        let folder_err = |source| DoctorError::Folder {
            path: root.display().to_string(),
            source,
        };
        let canonical = root.canonicalize().map_err(folder_err)?;
        let mut entries = Vec::new();
        let mut seen = 0usize;
        let mut truncated = false;
        for item in std::fs::read_dir(&canonical).map_err(folder_err)? {
            seen += 1;
            if seen > opts.max_entries {
                truncated = true;
                break;
            }
            let Ok(item) = item else { continue };
            // A name the phone could not ask for is not worth a finding.
            let Ok(name) = item.file_name().into_string() else {
                continue;
            };
            let Ok(meta) = std::fs::symlink_metadata(item.path()) else {
                continue;
            };
            let (kind, meta) = if meta.file_type().is_symlink() {
                match item.path().canonicalize() {
                    Ok(target) if target.starts_with(&canonical) => {
                        match std::fs::metadata(&target) {
                            Ok(m) if m.is_file() => (Kind::File, m),
                            Ok(m) if m.is_dir() => (Kind::Dir, m),
                            Ok(m) => (Kind::Other, m),
                            Err(_) => (Kind::Other, meta),
                        }
                    }
                    _ => (Kind::Outside, meta),
                }
            } else if meta.is_file() {
                (Kind::File, meta)
            } else if meta.is_dir() {
                (Kind::Dir, meta)
            } else {
                (Kind::Other, meta)
            };
            entries.push(Entry {
                name,
                kind,
                len: meta.len(),
                modified: meta.modified().ok(),
                mode: mode_of(&meta),
            });
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        if truncated {
            skipped.push(finding(
                "entry-skipped",
                "R4",
                ".",
                None,
                format!(
                    "the folder has more than {} entries; only the first {} were looked at",
                    opts.max_entries, opts.max_entries
                ),
                "Check a folder with fewer entries, or split the TFTP root.".into(),
            ));
        }
        let mut budget = opts.max_entries.saturating_sub(entries.len());
        let mut sub = Vec::new();
        for e in entries.iter().filter(|e| e.kind == Kind::Dir) {
            let mut names = Vec::new();
            if let Ok(rd) = std::fs::read_dir(canonical.join(&e.name)) {
                for item in rd.flatten() {
                    if budget == 0 {
                        break;
                    }
                    budget -= 1;
                    if let Ok(n) = item.file_name().into_string() {
                        names.push(n);
                    }
                }
            }
            names.sort();
            sub.push((e.name.clone(), names));
        }
        for e in &entries {
            if e.kind == Kind::Outside {
                skipped.push(finding(
                    "entry-skipped",
                    "R4",
                    &e.name,
                    None,
                    "a symlink leading out of the folder: doctor does not follow it, so its content is not checked".into(),
                    "Nothing to fix if the target is right; check the target yourself.".into(),
                ));
            } else if e.kind == Kind::File && e.len > opts.max_file {
                skipped.push(finding(
                    "entry-skipped",
                    "R4",
                    &e.name,
                    None,
                    format!(
                        "{} bytes, over the {}-byte limit: not read",
                        e.len, opts.max_file
                    ),
                    "No phone file is this large; remove it if it does not belong here.".into(),
                ));
            }
        }
        Ok(Folder {
            root: canonical,
            entries,
            sub,
            max_file: opts.max_file,
        })
    }

    fn exact(&self, name: &str) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| e.name.as_str().cmp(name))
            .ok()
            .and_then(|i| self.entries.get(i))
            .filter(|e| e.is_file())
    }

    /// A file whose name differs from `name` only in case.
    fn other_case(&self, name: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.is_file() && e.name != name && e.name.eq_ignore_ascii_case(name))
    }

    /// The exact file, else one in another case.
    fn any_case(&self, name: &str) -> Option<&Entry> {
        self.exact(name).or_else(|| self.other_case(name))
    }

    fn files(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.is_file())
    }

    /// Reads a file of the folder, bounded.
    fn read(&self, e: &Entry, limit: u64) -> Result<Vec<u8>, String> {
        match e.kind {
            Kind::File => {}
            Kind::Outside => return Err("a symlink out of the folder (not followed)".into()),
            Kind::Dir | Kind::Other => return Err("not a regular file".into()),
        }
        let limit = limit.min(self.max_file);
        crate::text::read_bounded(&self.root.join(&e.name), limit).map_err(|err| err.to_string())
    }

    /// Why a file is missing, when we can tell: another case, or a subfolder.
    fn missing_detail(&self, name: &str) -> String {
        if let Some(e) = self.other_case(name) {
            return format!("; \"{}\" exists, but TFTP names are case-sensitive", e.name);
        }
        for (dir, files) in &self.sub {
            if files.iter().any(|f| f == name) {
                return format!(
                    "; it is in the subfolder \"{dir}/\": files must be in the TFTP root itself (unpack the release zip into the root)"
                );
            }
        }
        String::new()
    }

    /// The file of a load: `<stem>.loads`, `.sbn`, `.bin`, `.sbin` or `.zup`, exact case.
    fn load_files(&self, stem: &str) -> Vec<&Entry> {
        LOAD_EXTENSIONS
            .iter()
            .filter_map(|ext| self.exact(&format!("{stem}.{ext}")))
            .collect()
    }

    fn load_missing_detail(&self, stem: &str) -> String {
        for ext in LOAD_EXTENSIONS {
            let d = self.missing_detail(&format!("{stem}.{ext}"));
            if !d.is_empty() {
                return d;
            }
        }
        String::new()
    }
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

    fn fixed_name_case(&mut self) {
        for (name, rule) in FIXED_NAMES {
            if self.folder.exact(name).is_none()
                && let Some(e) = self.folder.other_case(name)
            {
                let other = e.name.clone();
                self.push(
                    "file-name-case",
                    rule,
                    &other,
                    None,
                    format!("the phone asks for \"{name}\"; this folder has \"{other}\""),
                    format!("Rename \"{other}\" to \"{name}\"."),
                );
            }
        }
    }

    fn os79xx(&mut self) {
        let Some(entry) = self.folder.any_case("OS79XX.TXT") else {
            return;
        };
        let file = entry.name.clone();
        self.refer(&file);
        let bytes = match self.folder.read(entry, MAX_TEXT) {
            Ok(b) => b,
            Err(e) => {
                self.push(
                    "os79xx-unreadable",
                    "R28",
                    &file,
                    None,
                    format!("cannot read it: {e}"),
                    "Write the bare image name into OS79XX.TXT.".into(),
                );
                return;
            }
        };
        if let Err(e) = textfiles::parse_os79xx(&bytes) {
            self.push(
                "os79xx-unreadable",
                "R28",
                &file,
                None,
                format!("no image name can be read from it: {e}"),
                "Write the bare image name, one line, e.g. P0S3-8-12-00 or P00308010200.".into(),
            );
            return;
        }
        let text = String::from_utf8_lossy(&bytes);
        let mut lines = text.split('\n');
        let first = lines.next().unwrap_or_default();
        let first = first.strip_suffix('\r').unwrap_or(first);
        let name = first.trim();
        let mut extra = Vec::new();
        if first.len() != first.trim_start().len() {
            extra.push("whitespace before the name".to_string());
        }
        if name.contains(char::is_whitespace) {
            extra.push(format!("whitespace inside {name:?}"));
        }
        let mut extra_line = None;
        for (i, l) in lines.enumerate() {
            if !l.trim().is_empty() {
                extra_line.get_or_insert(i + 2);
                extra.push(format!(
                    "line {} holds {:?}",
                    i + 2,
                    l.trim_end_matches('\r')
                ));
            }
        }
        let bare = name.split_whitespace().next().unwrap_or_default();
        if !extra.is_empty() {
            self.push(
                "os79xx-extra-content",
                "R28",
                &file,
                extra_line.or(Some(1)),
                format!(
                    "OS79XX.TXT must hold only the image name: {}",
                    extra.join("; ")
                ),
                format!("Make the file one line holding only the name: {bare}"),
            );
            if name.contains(char::is_whitespace) {
                return;
            }
        }
        if first.len() != first.trim_end().len() {
            self.push(
                "os79xx-trailing-space",
                "R28",
                &file,
                Some(1),
                format!("whitespace after {name:?}"),
                format!("Optional: remove it, leaving just {name}."),
            );
        }
        let lower = name.to_ascii_lowercase();
        let mut stem = name;
        for ext in [".bin", ".sbn", ".loads", ".sb2"] {
            if lower.ends_with(ext) {
                stem = name.get(..name.len() - ext.len()).unwrap_or(name);
                self.push(
                    "os79xx-has-bin-suffix",
                    "R4",
                    &file,
                    Some(1),
                    format!("OS79XX.TXT names {name:?} with its extension {ext}"),
                    format!("Write the name without the extension: {stem}"),
                );
                break;
            }
        }
        let Some(parsed) = names::parse(stem).filter(|p| p.extension.is_none()) else {
            let upper = names::parse(&stem.to_ascii_uppercase());
            let (message, fix) = match upper {
                Some(u) if u.stem != stem => (
                    format!("{stem:?} is a load name in the wrong case (names are case-sensitive)"),
                    format!("Write it as {}", u.stem),
                ),
                _ => (
                    format!(
                        "{stem:?} is not a load name (SIP ≤ 2.3: P0S3xxyy, SIP ≥ 3.0: P0S3-xx-y-zz, SCCP: P003aabbccdd)"
                    ),
                    "Write the name of the image to load, as the release names it.".into(),
                ),
            };
            self.push("os79xx-unknown-name", "R5", &file, Some(1), message, fix);
            return;
        };
        if parsed.family != Family::Phone7940_7960 {
            self.push(
                "os79xx-not-7940",
                "R5",
                &file,
                Some(1),
                format!("{stem:?} is not a 7940/7960 load (7940/7960 names start P0S3, P003 or P0M3)"),
                "Name a 7940/7960 load; other models are configured elsewhere (7905G/7912G: upgradecode in gkdefault.cfg/lddefault.cfg).".into(),
            );
            return;
        }
        if let Some(why) = expected_form(&parsed) {
            self.push(
                "os79xx-wrong-form",
                "R5",
                &file,
                Some(1),
                format!("{stem:?}: {why}"),
                "Write the name in the form its version uses (see the release's file names)."
                    .into(),
            );
            return;
        }
        self.os79xx = Some(parsed.clone());
        self.named.push(parsed);
        let found: Vec<String> = self
            .folder
            .load_files(stem)
            .iter()
            .map(|e| e.name.clone())
            .collect();
        if found.is_empty() {
            let detail = self.folder.load_missing_detail(stem);
            self.push(
                "os79xx-image-missing",
                "R4",
                &file,
                Some(1),
                format!("OS79XX.TXT names {stem:?} but none of {stem}.bin, {stem}.sbn, {stem}.loads is in the folder{detail}"),
                format!("Put the image ({stem}.bin/.sbn, or the release's files) into the TFTP root, or name an image that is there."),
            );
            return;
        }
        for f in &found {
            self.refer(f);
        }
        // R6: a UAL release names the loader in OS79XX.TXT, not the load.
        let loads_name = format!("{stem}.loads");
        if let Some(e) = self.folder.exact(&loads_name)
            && let Ok(bytes) = self.folder.read(e, MAX_TEXT)
            && let Ok(lf) = loads::parse(&bytes)
        {
            let loader = lf.loader_name();
            let loader_stem = loader.strip_suffix(".sbn").unwrap_or(loader);
            if !loader_stem.is_empty() && loader_stem != stem {
                self.push(
                    "os79xx-names-load-not-loader",
                    "R6",
                    &file,
                    Some(1),
                    format!("OS79XX.TXT names the load {stem:?}; its {loads_name} lists the loader {loader:?}"),
                    format!("Write the loader's name, as the release's own OS79XX.TXT does: {loader_stem}"),
                );
            }
        }
    }

    fn loads_files(&mut self) {
        let list: Vec<Entry> = self
            .folder
            .files()
            .filter(|e| e.name.to_ascii_lowercase().ends_with(".loads"))
            .cloned()
            .collect();
        for e in list {
            let file = e.name.clone();
            let bytes = match self.folder.read(&e, MAX_TEXT) {
                Ok(b) => b,
                Err(err) => {
                    self.push(
                        "loads-unreadable",
                        "R25",
                        &file,
                        None,
                        format!("cannot read it: {err}"),
                        "Unpack the release zip into the TFTP root again.".into(),
                    );
                    continue;
                }
            };
            let lf = match loads::parse(&bytes) {
                Ok(lf) => lf,
                Err(err) => {
                    match file_list(&file, &bytes) {
                        Some(Ok(list)) => self.listed_files(&file, &list),
                        Some(Err(e)) => self.push("loads-unreadable", "R25", &file, None, format!("not a valid .loads manifest: {e}"), "Unpack the release zip (or the phone's COP/zip) into the TFTP root again; do not edit .loads files.".into()),
                        None if looks_xml(&bytes) => {}
                        None => self.push("loads-unreadable", "R25", &file, None, format!("not a valid .loads manifest: {err}"), "Unpack the release zip into the TFTP root again; do not edit .loads files.".into()),
                    }
                    continue;
                }
            };
            let items = [
                (lf.loader_name().to_string(), "loader"),
                (lf.application_name().to_string(), "application image"),
            ];
            for (name, what) in items {
                if self.folder.exact(&name).is_some() {
                    self.refer(&name);
                } else {
                    let detail = self.folder.missing_detail(&name);
                    self.push(
                        "loads-file-missing",
                        "R6",
                        &file,
                        None,
                        format!("{file} names the {what} {name:?}, which is not in the folder{detail}"),
                        format!("Unpack the whole release zip (all its files) into the TFTP root so that {name} is there."),
                    );
                }
            }
            let loader = lf.loader_name();
            if let Some(stem) = loader.strip_suffix(".sbn") {
                let bin = format!("{stem}.bin");
                if self.folder.exact(&bin).is_none() {
                    self.push(
                        "loads-bin-missing",
                        "R6",
                        &file,
                        None,
                        format!("the unsigned loader {bin:?} is not beside {loader:?}"),
                        format!("Only phones below 5.x need it; copy {bin} from the release if you have such phones."),
                    );
                }
            }
        }
    }

    /// The files a newer phone's manifest lists: present, and of the size it gives.
    fn listed_files(&mut self, file: &str, list: &loads::FileList) {
        let mut missing = Vec::new();
        let mut detail = String::new();
        for f in &list.files {
            if self.folder.exact(&f.name).is_some() {
                self.refer(&f.name);
            } else {
                if detail.is_empty() {
                    detail = self.folder.missing_detail(&f.name);
                }
                missing.push(f.name.clone());
            }
        }
        if missing.is_empty() {
            return;
        }
        let release = list
            .release
            .as_deref()
            .map(|r| format!(" (release {r})"))
            .unwrap_or_default();
        self.push(
            "loads-list-file-missing",
            "R29",
            file,
            None,
            format!(
                "{file}{release} lists {} file{} not in the folder: {}{detail}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            ),
            format!("If phones load {file}, unpack its whole release into the TFTP root; if none does, remove {file}."),
        );
    }

    /// Checks an `image_version` / `loadInformation` value; returns nothing.
    fn named_load(
        &mut self,
        check_missing: &str,
        file: &str,
        line: usize,
        value: &str,
        parsed: &LoadName,
        rule: &str,
    ) {
        let stem = parsed.stem.clone();
        let found: Vec<String> = self
            .folder
            .load_files(&stem)
            .iter()
            .map(|e| e.name.clone())
            .collect();
        if found.is_empty() {
            let detail = self.folder.load_missing_detail(&stem);
            self.push(
                check_missing,
                rule,
                file,
                Some(line),
                format!("{value:?} is named here but no {stem}.loads, .sbn, .bin, .sbin or .zup is in the folder{detail}"),
                format!("Unpack the release of {stem} into the TFTP root, or name a load that is there."),
            );
        }
        for f in found {
            self.refer(&f);
        }
    }

    fn sip_configs(&mut self) -> Vec<String> {
        let mut configs = Vec::new();
        if let Some(e) = self.folder.any_case("SIPDefault.cnf") {
            configs.push(e.name.clone());
        }
        let macs: Vec<(String, String)> = self
            .folder
            .files()
            .filter_map(|e| sip_mac_cnf(&e.name).map(|m| (e.name.clone(), m.to_string())))
            .collect();
        for (name, mac) in macs {
            let canonical = format!("SIP{}.cnf", mac.to_ascii_uppercase());
            if name != canonical {
                self.push(
                    "sip-mac-cnf-case",
                    "R8",
                    &name,
                    None,
                    format!("the phone asks for \"{canonical}\" (SIP and the MAC in upper case, .cnf in lower case)"),
                    format!("Rename \"{name}\" to \"{canonical}\"."),
                );
            }
            configs.push(name);
        }
        for name in configs.clone() {
            self.refer(&name);
            let Some(e) = self.folder.exact(&name).cloned() else {
                continue;
            };
            let Ok(bytes) = self.folder.read(&e, MAX_TEXT) else {
                continue;
            };
            let raw_lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
            for iv in textfiles::parse_image_version(&bytes) {
                self.any_image_version = true;
                let raw = raw_lines
                    .get(iv.line.saturating_sub(1))
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .unwrap_or_default();
                let mut problems = Vec::new();
                let after = raw.split_once(':').map_or("", |(_, v)| v);
                let quotes = after
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .matches('"')
                    .count();
                if let Some(inner) = after.trim().strip_prefix('"') {
                    match inner.split_once('"') {
                        Some((q, _)) if q != q.trim() => {
                            problems.push(format!("spaces inside the quotes ({q:?})"))
                        }
                        None => problems.push("an unterminated quote".to_string()),
                        _ => {}
                    }
                } else if quotes % 2 == 1 {
                    problems.push("an unterminated quote".to_string());
                }
                let value = iv.value.clone();
                match &iv.parsed {
                    _ if value.is_empty() => problems.push("no value".to_string()),
                    None => match names::parse(&value.to_ascii_uppercase()) {
                        Some(u) => problems.push(format!(
                            "{value:?} is a load name in the wrong case (write {})",
                            u.stem
                        )),
                        None => problems.push(format!("{value:?} is not a load name")),
                    },
                    Some(p) if p.extension.is_some() => problems.push(format!(
                        "{value:?} carries an extension (name the load without it: {})",
                        p.stem
                    )),
                    Some(p) => {
                        if let Some(why) = expected_form(p) {
                            problems.push(why);
                        }
                    }
                }
                if !problems.is_empty() {
                    self.push(
                        "image-version-syntax",
                        "R25",
                        &name,
                        Some(iv.line),
                        format!("image_version: {}", problems.join("; ")),
                        "Write the bare load name: image_version: P0S3-8-12-00 (quotes optional, no spaces inside them, no extension).".into(),
                    );
                    continue;
                }
                if let Some(p) = iv.parsed.clone() {
                    self.named.push(p.clone());
                    self.named_load(
                        "image-version-missing-file",
                        &name,
                        iv.line,
                        &value,
                        &p,
                        "R25",
                    );
                }
            }
        }
        configs
    }

    fn sccp_configs(&mut self) -> Vec<String> {
        let mut configs: Vec<String> = Vec::new();
        if let Some(e) = self.folder.any_case("XMLDefault.cnf.xml") {
            configs.push(e.name.clone());
        }
        configs.extend(
            self.folder
                .files()
                .filter(|e| sep_mac_xml(&e.name))
                .map(|e| e.name.clone()),
        );
        let mut sccp = Vec::new();
        for name in configs {
            self.refer(&name);
            let Some(e) = self.folder.exact(&name).cloned() else {
                sccp.push(name);
                continue;
            };
            let Ok(bytes) = self.folder.read(&e, MAX_TEXT) else {
                sccp.push(name);
                continue;
            };
            // XMLDefault.cnf.xml / SEP<MAC>.cnf.xml also configure SIP phones (79x1 and later:
            // <sipProfile>, or only SIP loads named): those are not the SCCP side of R12.
            if !crate::pkg::detect::xml_is_sip(&String::from_utf8_lossy(&bytes)) {
                sccp.push(name.clone());
            }
            for li in textfiles::parse_load_information(&bytes) {
                self.any_load_information = true;
                let Some(p) = li.parsed.clone() else { continue };
                // Only the families this tool knows the files of; other models' loads are
                // someone else's business.
                let ours = matches!(
                    p.family,
                    Family::Phone7940_7960 | Family::Cp(7905) | Family::Cp(7912)
                );
                if ours {
                    let line = line_of(&bytes, li.offset);
                    self.named_load(
                        "load-information-missing-file",
                        &name,
                        line,
                        &li.value,
                        &p,
                        "R12",
                    );
                }
            }
        }
        sccp
    }

    fn cross_config(&mut self, sip: &[String], sccp: &[String]) {
        if !sip.is_empty() && !sccp.is_empty() {
            let list = |v: &[String]| {
                let mut s = v.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
                if v.len() > 3 {
                    s.push_str(&format!(" and {} more", v.len() - 3));
                }
                s
            };
            self.push(
                "both-protocol-configs",
                "R12",
                ".",
                None,
                format!("SIP configuration ({}) and SCCP configuration ({}) are both here", list(sip), list(sccp)),
                "When converting, remove the configuration files of the protocol you are leaving (or serve the two kinds of phone from different TFTP roots).".into(),
            );
        }
        let os = self.folder.any_case("OS79XX.TXT").is_some();
        if !sip.is_empty() && !os {
            self.push(
                "os79xx-missing",
                "R10",
                ".",
                None,
                "SIP configuration files are here but OS79XX.TXT is not".into(),
                "Write OS79XX.TXT holding the bare name of the SIP image (for SIP ≥ 7.x, the loader, as in the release zip).".into(),
            );
        }
        if (!sip.is_empty() || !sccp.is_empty())
            && !os
            && !self.any_image_version
            && !self.any_load_information
        {
            self.push(
                "no-load-specified",
                "R27",
                ".",
                None,
                "7940/7960 configuration files are here, but no OS79XX.TXT, image_version or loadInformation names an image".into(),
                "Name the image: OS79XX.TXT, image_version in SIPDefault.cnf (SIP), or loadInformation (SCCP).".into(),
            );
        }
        let os_is_sip = self.os79xx.as_ref().is_some_and(|n| self.is_sip_load(n));
        if os_is_sip && self.folder.any_case("SIPDefault.cnf").is_none() {
            let name = self
                .os79xx
                .as_ref()
                .map(|n| n.stem.clone())
                .unwrap_or_default();
            self.push(
                "sipdefault-missing",
                "R10",
                "OS79XX.TXT",
                Some(1),
                format!("OS79XX.TXT names the SIP image {name:?} but there is no SIPDefault.cnf"),
                "Provide SIPDefault.cnf (and SIP<MAC>.cnf per phone), with image_version naming the SIP load.".into(),
            );
        }
        let sip2 = self
            .named
            .iter()
            .find(|n| {
                n.protocol == Protocol::Sip
                    && n.family == Family::Phone7940_7960
                    && n.version.major <= 2
            })
            .map(|n| n.stem.clone());
        if let (Some(load), Some(e)) = (sip2, self.folder.any_case("SIPDefault.cnf"))
            && e.len > SIP2_CNF_LIMIT
        {
            let (name, len) = (e.name.clone(), e.len);
            self.push(
                "sipdefault-too-large-for-sip2",
                "R23",
                &name,
                None,
                format!("{name} is {len} bytes and the SIP 2.x image {load:?} is named; SIP 2.x phones fail on large files (the exact limit is not published; doctor warns above {SIP2_CNF_LIMIT} bytes, an inferred threshold)"),
                format!("For the upgrade, reduce SIPDefault.cnf to the single line \"image_version: {load}\" (and OS79XX.TXT to the bare name); restore the full file afterwards."),
            );
        }
    }

    /// SIP protocol, or a loader whose `.loads` in the folder is a SIP load.
    fn is_sip_load(&self, n: &LoadName) -> bool {
        if n.protocol == Protocol::Sip {
            return true;
        }
        if !n.is_loader {
            return false;
        }
        let loader = format!("{}.sbn", n.stem);
        self.folder
            .files()
            .filter(|e| e.name.ends_with(".loads"))
            .any(|e| {
                names::parse(&e.name).is_some_and(|l| l.protocol == Protocol::Sip)
                    && self
                        .folder
                        .read(e, MAX_TEXT)
                        .ok()
                        .and_then(|b| loads::parse(&b).ok().map(|lf| lf.loader_name() == loader))
                        .unwrap_or(false)
            })
    }

    fn ringlist(&mut self) {
        let Some(e) = self.folder.any_case("RINGLIST.DAT").cloned() else {
            return;
        };
        self.refer(&e.name);
        let Ok(bytes) = self.folder.read(&e, MAX_TEXT) else {
            return;
        };
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // "<display name><tab><file>": the file is the last field.
            let Some(ring) = line.split_whitespace().last() else {
                continue;
            };
            if self.folder.exact(ring).is_some() {
                self.refer(ring);
            } else {
                let detail = self.folder.missing_detail(ring);
                self.push(
                    "ringlist-file-missing",
                    "R9",
                    &e.name,
                    Some(i + 1),
                    format!("RINGLIST.DAT lists {ring:?}, which is not in the folder{detail}"),
                    format!("Copy {ring} into the TFTP root, or remove the line."),
                );
            }
        }
    }

    fn profiles(&mut self) {
        let mut list: Vec<(String, &'static str)> = Vec::new();
        for (name, prefix) in [("gkdefault.cfg", "gk"), ("lddefault.cfg", "ld")] {
            if let Some(e) = self.folder.any_case(name) {
                list.push((e.name.clone(), prefix));
            }
        }
        let macs: Vec<(String, &'static str)> = self
            .folder
            .files()
            .filter_map(|e| gk_mac(&e.name).map(|p| (e.name.clone(), p)))
            .collect();
        for (name, prefix) in macs {
            let canonical = name.to_ascii_lowercase();
            if name != canonical {
                self.push(
                    "gk-mac-case",
                    "R31",
                    &name,
                    None,
                    format!(
                        "the phone asks for \"{canonical}\" ({prefix} and the MAC in lower case)"
                    ),
                    format!("Rename \"{name}\" to \"{canonical}\"."),
                );
            }
            list.push((name, prefix));
        }
        for (name, prefix) in list {
            self.refer(&name);
            self.profile(&name, prefix);
        }
        self.profile_sources();
    }

    fn profile(&mut self, name: &str, prefix: &str) {
        let Some(e) = self.folder.exact(name).cloned() else {
            return;
        };
        let Ok(bytes) = self
            .folder
            .read(&e, profile::decode::MAX_BINARY_BYTES as u64)
        else {
            return;
        };
        let (txt, cfg) = self.profile_source(name, prefix);
        let t = self.table_arg.clone();
        if !profile::inspect::looks_like_profile(&bytes) {
            self.bad_profiles.insert(name.to_string());
            let text = !bytes.is_empty()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
            if text {
                let what = if bytes.starts_with(b"#txt") {
                    "a text profile (#txt), not compiled"
                } else {
                    "plain text (no #ata, no #txt)"
                };
                self.push(
                    "gk-profile-text",
                    "R31",
                    name,
                    None,
                    format!("{name} is {what}: the phone reads only compiled profiles"),
                    format!("Save the settings as {txt} with #txt as its first line and compile it: cfgfmt-rs {t} {txt} {cfg}"),
                );
                return;
            }
            self.push(
                "gk-profile-encrypted",
                "R31",
                name,
                None,
                "no #ata magic: the profile is encrypted (EncryptKey), or it is not a compiled profile".into(),
                format!("If it is encrypted on purpose, check it with `cfgfmt-rs inspect --key-file`; otherwise compile it again: cfgfmt-rs {t} {txt} {cfg}"),
            );
            return;
        }
        let ins = profile::inspect::inspect(&bytes, &self.table, "", &Default::default());
        if let Some(f) = ins.findings.iter().find(|f| f.severity == Severity::Error) {
            self.bad_profiles.insert(name.to_string());
            self.push(
                "gk-profile-undecodable",
                "R31",
                name,
                None,
                format!(
                    "the profile is damaged at offset {:#x}: {}",
                    f.offset().unwrap_or(0),
                    f.message
                ),
                format!("Compile it again from its text: cfgfmt-rs {t} {txt} {cfg}"),
            );
            return;
        }
        let (records, _) = layout::walk(&ins.plain, ins.records_start.min(ins.plain.len()));
        let codes: Vec<Option<UpgradeCode>> = records
            .iter()
            .filter(|r| r.tag == layout::TAG_UPGRADECODE)
            .map(|r| UpgradeCode::from_record(r.value))
            .collect();
        for code in codes {
            match code {
                Some(code) => self.upgradecode(name, prefix, &code),
                None => self.push(
                    "upgradecode-fields",
                    "R32",
                    name,
                    None,
                    "the upgradecode record is shorter than its eight fields".into(),
                    "Write the line with all eight fields and compile again (cfgfmt-rs upgradecode IMAGE prints it).".into(),
                ),
            }
        }
    }

    /// The text a profile is compiled from, and the profile: `gkdefault.txt` → `gkdefault.cfg`;
    /// a per-phone `gk<mac>` from `gk<mac>.txt`.
    fn profile_source(&self, name: &str, prefix: &str) -> (String, String) {
        let lower = name.to_ascii_lowercase();
        if lower == "gkdefault.cfg" || lower == "lddefault.cfg" {
            return (format!("{prefix}default.txt"), name.to_string());
        }
        (format!("{name}.txt"), name.to_string())
    }

    fn upgradecode(&mut self, profile: &str, prefix: &str, code: &UpgradeCode) {
        let problems = code.field_problems();
        if !problems.is_empty() {
            self.push(
                "upgradecode-fields",
                "R32",
                profile,
                None,
                format!("upgradecode {}: {}", code.line(), problems.join("; ")),
                format!("Use the guide's fields; `cfgfmt-rs upgradecode {}` prints the line for the image.", code.file),
            );
        }
        if code.file.is_empty() {
            return;
        }
        let Some(image) = self.folder.exact(&code.file).cloned() else {
            let detail = self.folder.missing_detail(&code.file);
            self.push(
                "upgradecode-image-missing",
                "R32",
                profile,
                None,
                format!(
                    "upgradecode names {:?}, which is not in the folder{detail}",
                    code.file
                ),
                format!(
                    "Copy {} into the TFTP root, or name the image that is there.",
                    code.file
                ),
            );
            return;
        };
        self.refer(&image.name);
        if let Some(want) = upgradecode::date_code_of(&code.file)
            && want != code.date
        {
            self.push(
                "upgradecode-date-mismatch",
                "R32",
                profile,
                None,
                format!("upgradecode's date code is {:#09x}; the image {:?} says {want:#09x}", code.date, code.file),
                format!("Write the date code {want:#09x} (yymmdd and build letter of the name) and compile again."),
            );
        }
        let parsed = names::parse(&code.file);
        let header = self
            .folder
            .read(&image, self.folder.max_file)
            .ok()
            .and_then(|bytes| kup_platform(&image.name, &bytes));
        let (expected, source) = match (
            header,
            parsed.as_ref().and_then(upgradecode::platform_of_name),
        ) {
            (Some(p), _) => (Some(p), "its kup1 header"),
            (None, Some(p)) => (Some(p), "its name"),
            (None, None) => (None, ""),
        };
        let model_clash = match (prefix, parsed.as_ref().map(|p| &p.family)) {
            ("gk", Some(Family::Cp(7905))) => {
                Some("gk profiles are read by 7912G phones; this is a 7905G image")
            }
            ("ld", Some(Family::Cp(7912))) => {
                Some("ld profiles are read by 7905G phones; this is a 7912G image")
            }
            _ => None,
        };
        if let Some(want) = expected
            && want != code.platform
        {
            self.push(
                "upgradecode-platform-mismatch",
                "R32",
                profile,
                None,
                format!("upgradecode says platform {:#x}; the image {:?} is for {want:#x} ({}), by {source}", code.platform, code.file, kup::platform_name(want)),
                format!("Write platform {want:#x} (or name the image for this platform) and compile again."),
            );
        } else if let Some(why) = model_clash {
            self.push(
                "upgradecode-platform-mismatch",
                "R32",
                profile,
                None,
                format!("upgradecode in {profile} names {:?}: {why}", code.file),
                "Name the image of the phone model that reads this profile.".into(),
            );
        }
    }

    /// gkdefault.txt / lddefault.txt against their compiled profiles, and SIP images with no
    /// profile at all.
    fn profile_sources(&mut self) {
        for (txt, cfg, prefix, model) in [
            ("gkdefault.txt", "gkdefault.cfg", "gk", 7912u16),
            ("lddefault.txt", "lddefault.cfg", "ld", 7905u16),
        ] {
            let has_cfg = self.folder.any_case(cfg).is_some();
            if let Some(t) = self.folder.exact(txt).cloned() {
                match self.folder.exact(cfg).cloned() {
                    Some(c) => self.stale(&t, &c),
                    None if !has_cfg => self.push(
                        "gkdefault-missing",
                        "R31",
                        txt,
                        None,
                        format!("{txt} is here but {cfg} is not: the phones download the compiled {cfg}, not the text"),
                        format!("Compile it: cfgfmt-rs {} {txt} {cfg}", self.table_arg),
                    ),
                    None => {}
                }
                continue;
            }
            let has_mac = self.folder.files().any(|e| gk_mac(&e.name) == Some(prefix));
            if has_cfg || has_mac {
                continue;
            }
            let image = self
                .folder
                .files()
                .find(|e| {
                    names::parse(&e.name).is_some_and(|n| {
                        n.family == Family::Cp(model) && n.protocol == Protocol::Sip
                    })
                })
                .map(|e| e.name.clone());
            if let Some(image) = image {
                self.push(
                    "gkdefault-missing",
                    "R31",
                    &image,
                    None,
                    format!("the {model}G SIP image {image:?} is here but no {cfg} or {prefix}<mac> profile is"),
                    format!("Write {txt} (with its upgradecode line naming {image}) and compile it: cfgfmt-rs {} {txt} {cfg}", self.table_arg),
                );
            }
        }
    }

    fn stale(&mut self, txt: &Entry, cfg: &Entry) {
        if self.bad_profiles.contains(&cfg.name) {
            return;
        }
        let Ok(text) = self.folder.read(txt, crate::text::MAX_PROFILE_BYTES as u64) else {
            return;
        };
        let Ok(compiled) = self
            .folder
            .read(cfg, profile::decode::MAX_BINARY_BYTES as u64)
        else {
            return;
        };
        let opts = profile::CompileOptions {
            output_name: cfg.name.clone(),
            ..Default::default()
        };
        // A second of slack: files written one after the other are not "older".
        let older = match (txt.modified, cfg.modified) {
            (Some(t), Some(c)) => t
                .duration_since(c)
                .is_ok_and(|d| d >= std::time::Duration::from_secs(1)),
            _ => false,
        };
        // Includes are not followed (they could name any file); a profile with includes is
        // judged by modification times alone.
        let result = profile::compile(
            &text,
            Path::new(&txt.name),
            &mut crate::text::NoIncludes,
            &self.table,
            &opts,
        );
        let fix = format!(
            "Compile it again: cfgfmt-rs {} {} {}",
            self.table_arg, txt.name, cfg.name
        );
        match result {
            Err(crate::diag::Error::IncludeMissing { .. }) => {
                if older {
                    self.push(
                        "gkdefault-stale",
                        "R31",
                        &cfg.name,
                        None,
                        format!("{} is older than {} (which uses includes, so it was not compiled here to compare)", cfg.name, txt.name),
                        fix,
                    );
                }
            }
            Err(e) => self.push(
                "gkdefault-txt-invalid",
                "R31",
                &txt.name,
                None,
                format!("{} does not compile: {e}", txt.name),
                format!("Fix {} and compile it again.", txt.name),
            ),
            Ok(out) => {
                if let Some(d) = out
                    .diagnostics
                    .iter()
                    .find(|d| d.severity() == crate::diag::Severity::Error)
                {
                    let line = d.location.as_ref().map(|l| l.line);
                    self.push(
                        "gkdefault-txt-invalid",
                        "R32",
                        &txt.name,
                        line,
                        format!("compiling {} reports \"{d}\": that line is left out of {}", txt.name, cfg.name),
                        format!("Correct the line (for upgradecode: `cfgfmt-rs upgradecode IMAGE --write {}`) and compile again.", txt.name),
                    );
                    return;
                }
                let main = out.files.iter().find(|f| f.suffix.is_empty());
                if main.is_some_and(|m| m.bytes != compiled) {
                    let when = if older { ", and it is older" } else { "" };
                    self.push(
                        "gkdefault-stale",
                        "R31",
                        &cfg.name,
                        None,
                        format!("{} is not what {} compiles to{when}: it was not compiled again after the last change", cfg.name, txt.name),
                        fix,
                    );
                }
            }
        }
    }

    /// Referenced images: signed headers parse, kup1 packages are intact, embedded names match.
    fn images(&mut self) {
        let names: Vec<String> = self.referenced.iter().cloned().collect();
        for name in names {
            let lower = name.to_ascii_lowercase();
            let signed = [".sbn", ".sb2", ".sbin", ".loads"]
                .iter()
                .any(|x| lower.ends_with(x));
            // kup1 is known for 7902/7905/7912 and ATA images only; the CP7940 .sbin of R18's
            // example is of unknown layout, so only its signed header is checked.
            let kup_family = names::parse(&name)
                .is_none_or(|n| matches!(n.family, Family::Cp(7902 | 7905 | 7912) | Family::Ata));
            let kup_ext = (lower.ends_with(".zup") || lower.ends_with(".sbin")) && kup_family;
            if !signed && !kup_ext {
                continue;
            }
            let Some(e) = self.folder.exact(&name).cloned() else {
                continue;
            };
            let Ok(bytes) = self.folder.read(&e, self.folder.max_file) else {
                continue;
            };
            if signed && sig78::looks_signed78(&bytes) {
                // 78xx files: their own header (SHA-256 of the payload, embedded name).
                match sig78::parse(&bytes) {
                    Err(err) => self.push(
                        "image-damaged",
                        "R26",
                        &name,
                        None,
                        format!("the 78xx signed header does not parse: {err}"),
                        "Unpack the image from the release again (downloads cut short are the usual cause).".into(),
                    ),
                    Ok(s) if !s.sha256_ok => self.push(
                        "image-damaged",
                        "R26",
                        &name,
                        None,
                        "the payload's SHA-256 is not the one in the 78xx header: damaged or cut short".into(),
                        "Unpack the image from the release again (downloads cut short are the usual cause).".into(),
                    ),
                    Ok(s) if s.filename != name => self.push(
                        "image-renamed",
                        "R29",
                        &name,
                        None,
                        format!("the signed header was made for {:?}", s.filename),
                        format!("Use the file under its own name ({}) as unpacked from the release.", s.filename),
                    ),
                    Ok(_) => {}
                }
                continue;
            }
            if signed {
                match sgn::parse(&bytes) {
                    Err(err) => {
                        // .loads parse failures are reported by loads-unreadable already.
                        if !lower.ends_with(".loads") {
                            self.push(
                                "image-damaged",
                                "R26",
                                &name,
                                None,
                                format!("the signed header does not parse: {err}"),
                                "Unpack the image from the release zip again (downloads cut short or transferred as text are the usual cause).".into(),
                            );
                        }
                        continue;
                    }
                    Ok(s) => {
                        if s.header.filename_matches(&name) == Some(false) {
                            let embedded = s.header.filename.clone().unwrap_or_default();
                            self.push(
                                "image-renamed",
                                "R29",
                                &name,
                                None,
                                format!("the signed header was made for {embedded:?}"),
                                format!("Use the file under its own name ({embedded}) as unpacked from the release zip."),
                            );
                        }
                    }
                }
            }
            if kup_ext && let Err(err) = upgradecode::image_platform(&name, &bytes) {
                self.push(
                    "image-damaged",
                    "R26",
                    &name,
                    None,
                    err,
                    "Unpack the image from the release zip again.".into(),
                );
            }
        }
    }

    fn permissions(&mut self) {
        let mut names: BTreeSet<String> = self.referenced.clone();
        for (n, _) in FIXED_NAMES {
            if let Some(e) = self.folder.any_case(n) {
                names.insert(e.name.clone());
            }
        }
        for name in names {
            let Some(e) = self.folder.exact(&name) else {
                continue;
            };
            if e.kind != Kind::File {
                continue;
            }
            if let Some(mode) = e.mode
                && mode & 0o004 == 0
            {
                let name = e.name.clone();
                self.push(
                    "not-world-readable",
                    "R8",
                    &name,
                    None,
                    format!(
                        "permissions {:o}: other users (such as the TFTP server's) cannot read it",
                        mode & 0o777
                    ),
                    format!("chmod a+r {name}"),
                );
            }
        }
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
fn file_list(name: &str, bytes: &[u8]) -> Option<Result<loads::FileList, String>> {
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
