//! Plays a phone against a TFTP server: asks for the files the given phone would, in its
//! order, parses each with the project's parsers and follows the names they hold
//! (`OS79XX.TXT` → `.loads` → loader and application; `SIPDefault.cnf`/`SIP<MAC>.cnf`
//! `image_version`; `RINGLIST.DAT` → ring files; `SEP<MAC>.cnf.xml` `loadInformation` →
//! `.loads` → the files it lists; `gk<mac>`/`gkdefault.cfg`/`ata<mac>` → the `upgradecode`
//! image). Reads only.
//!
//! The server is reached through [`Transport`], so the logic is tested without a network;
//! [`crate::tftp::client::UdpClient`] is the real one.
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::client::{Fetch, UdpClient};
use super::{checks as check, finding};
use crate::assist::upgradecode::UpgradeCode;
use crate::assist::{Finding, Severity};
use crate::device::{BootFile, BootFileKind, Family, Mac, Model, Need, Protocol};
use crate::pkg::names::{self, Scheme};
use crate::pkg::{loads, textfiles};

/// Ring files followed from RINGLIST.DAT at most.
pub const MAX_RINGS: usize = 32;
/// Steps at most (every name followed counts).
pub const MAX_STEPS: usize = 128;

/// One read through the transport: its outcome and how long it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub result: Fetch,
    pub elapsed: Duration,
}

/// The server as the probe sees it.
pub trait Transport {
    fn read(&mut self, file: &str) -> Read;
    /// How to name the server in the report.
    fn describe(&self) -> String;
}

impl Transport for UdpClient {
    fn read(&mut self, file: &str) -> Read {
        let started = Instant::now();
        let result = UdpClient::read(self, file);
        Read {
            result,
            elapsed: started.elapsed(),
        }
    }
    fn describe(&self) -> String {
        self.server.to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeOptions {
    pub mac: Mac,
    pub model: Model,
    pub protocol: Protocol,
}

/// One request, what came back, and what was learned from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Step {
    pub file: String,
    /// Why the phone asks for it.
    pub reason: String,
    pub need: Need,
    #[serde(flatten)]
    pub result: Fetch,
    pub millis: u64,
    /// What the file says (the names followed from it).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ProbeReport {
    pub server: String,
    pub model: Model,
    pub protocol: Protocol,
    pub mac: Mac,
    pub steps: Vec<Step>,
    pub findings: Vec<Finding>,
    /// Why the probe stopped early (the server does not answer).
    pub stopped: Option<String>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl ProbeReport {
    /// Errors or warnings: what makes `probe` exit 1.
    pub fn has_problems(&self) -> bool {
        self.errors + self.warnings > 0
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Sets every time to zero (for stable test output).
    pub fn without_times(mut self) -> Self {
        for s in &mut self.steps {
            s.millis = 0;
        }
        self
    }

    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let proto = self.protocol.label();
        let _ = writeln!(
            out,
            "probe {} as a {} {proto} phone, MAC {}",
            self.server,
            self.model.label(),
            self.mac
        );
        let w = self.steps.iter().map(|s| s.file.len()).max().unwrap_or(0);
        for (i, s) in self.steps.iter().enumerate() {
            let fetched = matches!(s.result, Fetch::Fetched { .. });
            let need = match s.need {
                Need::Alternative if !fetched => " (one form of several)",
                Need::Optional => " (optional)",
                _ => "",
            };
            let result = match &s.result {
                Fetch::Fetched {
                    size,
                    blksize,
                    tsize,
                    ..
                } => {
                    let ts = if tsize.is_some() { ", tsize" } else { "" };
                    format!(
                        "fetched {size} bytes in {} ms (blksize {blksize}{ts})",
                        s.millis
                    )
                }
                other => other.label(),
            };
            let _ = writeln!(out, "{:>3}. {:<w$}  {result}{need}", i + 1, s.file);
            let _ = writeln!(out, "       asked: {}", s.reason);
            for n in &s.notes {
                let _ = writeln!(out, "       {n}");
            }
        }
        if let Some(why) = &self.stopped {
            let _ = writeln!(out, "stopped: {why}");
        }
        out.push('\n');
        for f in &self.findings {
            let _ = writeln!(out, "{}[{}] {} ({})", f.severity, f.code, f.file, f.rule);
            let _ = writeln!(out, "  what: {}", f.message);
            let _ = writeln!(out, "  why:  {}", f.why);
            let _ = writeln!(out, "  fix:  {}", f.fix);
        }
        let fetched = self
            .steps
            .iter()
            .filter(|s| matches!(s.result, Fetch::Fetched { .. }))
            .count();
        let _ = writeln!(
            out,
            "{}: {} request{}, {fetched} fetched; {} error{}, {} warning{}, {} info",
            self.server,
            self.steps.len(),
            if self.steps.len() == 1 { "" } else { "s" },
            self.errors,
            if self.errors == 1 { "" } else { "s" },
            self.warnings,
            if self.warnings == 1 { "" } else { "s" },
            self.infos
        );
        out
    }
}

struct Prober<'a> {
    t: &'a mut dyn Transport,
    opts: &'a ProbeOptions,
    steps: Vec<Step>,
    findings: Vec<Finding>,
    stopped: Option<String>,
    loads_done: Vec<String>,
}

fn fix_for(file: &str, result: &Fetch) -> String {
    match result {
        Fetch::NotFound { .. } => format!("Put {file} into the server's root (names are case-sensitive), or correct the name that points to it."),
        Fetch::AccessViolation { .. } => format!("Make {file} readable by the server's user (chmod a+r: tftpd-hpa sends only world-readable files) and keep it inside the server's root."),
        Fetch::Timeout { .. } | Fetch::Network { .. } => "Check that the server runs and is reachable on that address and port (firewall, --address), then probe again.".into(),
        Fetch::TooLarge { .. } => format!("{file} is larger than any file a phone fetches: check it is the right file."),
        _ => "Check the server's log for this request.".into(),
    }
}

impl Prober<'_> {
    /// Reads `file`; the bytes when fetched.
    fn get(&mut self, file: &str, reason: String, need: Need) -> Option<Vec<u8>> {
        if self.stopped.is_some() {
            return None;
        }
        if self.steps.len() >= MAX_STEPS {
            self.stopped = Some(format!(
                "{MAX_STEPS} requests made; the rest is not followed"
            ));
            return None;
        }
        let r = self.t.read(file);
        let millis = u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX);
        let bytes = match &r.result {
            Fetch::Fetched { bytes, .. } => Some(bytes.clone()),
            _ => None,
        };
        if matches!(r.result, Fetch::Timeout { .. } | Fetch::Network { .. }) {
            self.stopped = Some(format!(
                "the server did not answer the request for {file}: {}",
                r.result.label()
            ));
        }
        if bytes.is_none() && need != Need::Alternative {
            let (check, sev) = match (need, &r.result) {
                (Need::Optional, Fetch::NotFound { .. }) => (&check::PROBE_OPTIONAL_FILE, None),
                (Need::Optional, _) => (&check::PROBE_OPTIONAL_FILE, Some(Severity::Warning)),
                _ => (&check::PROBE_REQUIRED_FILE, None),
            };
            let mut f = finding(
                check,
                sev,
                file,
                None,
                format!("{file} ({reason}): {}", r.result.label()),
                fix_for(file, &r.result),
            );
            f.rule = if matches!(r.result, Fetch::AccessViolation { .. }) {
                "R8".into() // "The files must be readable by the TFTP server."
            } else {
                super::names::rule_for(file).into()
            };
            self.findings.push(f);
        }
        self.steps.push(Step {
            file: file.to_string(),
            reason,
            need,
            result: r.result,
            millis,
            notes: Vec::new(),
        });
        bytes
    }

    fn note(&mut self, text: String) {
        if let Some(s) = self.steps.last_mut() {
            s.notes.push(text);
        }
    }

    fn unparsable(&mut self, file: &str, message: String, fix: &str) {
        self.note(format!("does not parse: {message}"));
        self.findings.push(finding(
            &check::PROBE_UNPARSABLE,
            None,
            file,
            None,
            format!("{file}: {message}"),
            fix.to_string(),
        ));
    }

    fn warn(&mut self, file: &str, sev: Severity, message: String, fix: &str) {
        self.note(format!("{sev}: {message}"));
        self.findings.push(finding(
            &check::PROBE_NOTE,
            Some(sev),
            file,
            None,
            format!("{file}: {message}"),
            fix.to_string(),
        ));
    }

    /// Tries the forms in turn; the first fetched (name, bytes). When none is there, one
    /// finding names them all.
    fn first_of(&mut self, forms: &[String], reason: &str) -> Option<(String, Vec<u8>)> {
        for (i, f) in forms.iter().enumerate() {
            let last = i + 1 == forms.len();
            let need = if last && forms.len() == 1 {
                Need::Required
            } else {
                Need::Alternative
            };
            if let Some(b) = self.get(f, reason.to_string(), need) {
                return Some((f.clone(), b));
            }
            if self.stopped.is_some() {
                return None;
            }
        }
        if forms.len() > 1 {
            let last = self.steps.last().map(|s| s.result.clone());
            let list = forms.join(", ");
            self.findings.push(finding(
                &check::PROBE_REQUIRED_FILE,
                None,
                forms.first().map(String::as_str).unwrap_or(""),
                None,
                format!("none of {list} could be fetched ({reason})"),
                match last {
                    Some(Fetch::AccessViolation { .. }) => "Make the files readable by the server's user (chmod a+r) and keep them inside its root.".into(),
                    _ => format!("Put one of {list} into the server's root (unpack the release zip there), or name a load that is there."),
                },
            ));
        }
        None
    }

    /// A 7940/7960 load: its `.loads` manifest (then loader and application), or the
    /// loader/image itself.
    fn load_7940(&mut self, name: &str, why: &str) {
        let name = name.trim();
        if name.is_empty() || self.loads_done.iter().any(|d| d == name) {
            return;
        }
        self.loads_done.push(name.to_string());
        let parsed = names::parse(name);
        let stem = parsed
            .as_ref()
            .map_or(name, |p| p.stem.as_str())
            .to_string();
        let forms: Vec<String> = match &parsed {
            Some(p) if p.extension.is_some() => vec![name.to_string()],
            Some(p) if p.scheme == Scheme::Short => vec![format!("{stem}.bin")],
            Some(p) if p.is_loader => vec![format!("{stem}.sbn"), format!("{stem}.bin")],
            _ => vec![
                format!("{stem}.loads"),
                format!("{stem}.sbn"),
                format!("{stem}.bin"),
            ],
        };
        let Some((file, bytes)) = self.first_of(&forms, why) else {
            return;
        };
        if !file.ends_with(".loads") {
            return;
        }
        let parsed = loads::parse(&bytes).map(|l| {
            (
                l.loader_name().to_string(),
                l.application_name().to_string(),
                l.warnings(),
            )
        });
        match parsed {
            Ok((loader, app, warnings)) => {
                self.note(format!("names loader {loader} and application {app}"));
                for w in warnings {
                    self.note(format!("warning: {w}"));
                }
                let reason = format!("named by {file}");
                for f in [loader, app] {
                    self.get(&f, reason.clone(), Need::Required);
                }
            }
            Err(e) => self.unparsable(
                &file,
                e.to_string(),
                "Unpack the release zip again (rule R29); do not edit or rename .loads files.",
            ),
        }
    }

    /// Asks for the model's boot files in the order `device::Model::boot_files` gives (the
    /// order `plan` and `doctor` rely on), following what each names.
    fn boot(&mut self) {
        let files = self
            .opts
            .model
            .boot_files(self.opts.protocol, &self.opts.mac);
        let mut state = SipState::default();
        let mut k = 0;
        while k < files.len() && self.stopped.is_none() {
            // A run of alternatives and the file they fall back to.
            let end = files
                .get(k..)
                .unwrap_or_default()
                .iter()
                .position(|f| f.need != Need::Alternative)
                .map_or(files.len(), |p| k + p + 1);
            let group = files.get(k..end).unwrap_or_default();
            k = end;
            let Some(first) = group.first() else { break };
            match first.kind {
                BootFileKind::Os79xx => self.os79xx(first, &mut state),
                BootFileKind::SipDefault | BootFileKind::SipMac => {
                    self.sip_config(first, &mut state);
                    if first.kind == BootFileKind::SipMac {
                        self.follow_image_version(&mut state);
                    }
                }
                BootFileKind::RingList => self.ringlist(first),
                BootFileKind::TrustList => {
                    self.get(
                        &first.name,
                        "certificate trust list (secure SCCP only)".into(),
                        first.need,
                    );
                }
                BootFileKind::SepMac | BootFileKind::XmlDefault => self.xml_config(group),
                BootFileKind::ProfileMac | BootFileKind::AtaMac => self.profile(group),
                _ => {
                    for f in group {
                        self.get(&f.name, "asked for at boot".into(), f.need);
                    }
                }
            }
        }
        if let Some(d) = state.dial_template.take() {
            let file = if d.to_ascii_lowercase().ends_with(".xml") {
                d.clone()
            } else {
                format!("{d}.xml")
            };
            self.get(&file, format!("dial_template {d}"), Need::Optional);
        }
    }

    fn os79xx(&mut self, f: &BootFile, state: &mut SipState) {
        let os = self.get(
            &f.name,
            "first file of a 7940/7960 boot: which image to run".into(),
            f.need,
        );
        if let Some(bytes) = os {
            match textfiles::parse_os79xx(&bytes) {
                Ok(o) => {
                    self.note(format!("names {}", o.name));
                    for w in &o.warnings {
                        let sev = if w.starts_with("trailing whitespace") {
                            Severity::Info
                        } else {
                            Severity::Warning
                        };
                        self.warn("OS79XX.TXT", sev, w.clone(), "Write the bare load name alone, without extension (rule R4, R28); `cfgfmt-rs doctor` checks the folder.");
                    }
                    state.os_load = Some(o.name);
                }
                Err(e) => self.unparsable(
                    "OS79XX.TXT",
                    e.to_string(),
                    "Write the bare load name alone (P0S3-8-12-00, P003-8-12-00), without extension (rules R4, R28).",
                ),
            }
        }
        if let Some(l) = state.os_load.clone() {
            self.load_7940(&l, &format!("OS79XX.TXT names {l}"));
        }
    }

    fn sip_config(&mut self, f: &BootFile, state: &mut SipState) {
        let reason = if f.kind == BootFileKind::SipDefault {
            "SIP settings for every phone (rule R3)".to_string()
        } else {
            "this phone's SIP settings and lines (rule R8)".to_string()
        };
        let Some(bytes) = self.get(&f.name, reason, f.need) else {
            return;
        };
        for iv in textfiles::parse_image_version(&bytes) {
            self.note(format!("line {}: image_version {}", iv.line, iv.value));
            for w in &iv.warnings {
                self.warn(
                    &f.name,
                    Severity::Warning,
                    format!("line {}: image_version: {w}", iv.line),
                    "Write image_version: <bare load name> (rule R25).",
                );
            }
            state.image_version = Some(iv.value);
        }
        if let Some(d) = setting(&bytes, "dial_template") {
            state.dial_template = Some(d);
        }
    }

    fn follow_image_version(&mut self, state: &mut SipState) {
        if let Some(iv) = state.image_version.take()
            && Some(&iv) != state.os_load.as_ref()
        {
            self.load_7940(&iv, &format!("image_version names {iv}"));
        }
    }

    fn ringlist(&mut self, f: &BootFile) {
        if let Some(bytes) = self.get(&f.name, "list of ring tones (rule R9)".into(), f.need) {
            let rings = ring_files(&bytes);
            self.note(format!("lists {} ring file(s)", rings.len()));
            for r in rings.into_iter().take(MAX_RINGS) {
                self.get(&r, "listed in RINGLIST.DAT".into(), Need::Optional);
            }
        }
    }

    /// `SEP<MAC>.cnf.xml`, else `XMLDefault.cnf.xml`, then the load named for this model.
    fn xml_config(&mut self, group: &[BootFile]) {
        let forms: Vec<String> = group.iter().map(|f| f.name.clone()).collect();
        let Some((file, bytes)) = self.first_of(
            &forms,
            "SCCP configuration: this phone's, else the default one",
        ) else {
            return;
        };
        let model = self.opts.model;
        let infos = textfiles::parse_load_information(&bytes);
        let chosen = infos
            .iter()
            .find(|i| i.device_type.is_some() && i.device_type == model.load_id())
            .or_else(|| infos.iter().find(|i| i.device_type.is_none()));
        let Some(li) = chosen.cloned() else {
            self.note("names no load for this model (the phone keeps its image)".into());
            return;
        };
        self.note(format!("loadInformation names {}", li.value));
        let why = format!("{file} names {}", li.value);
        match model.family() {
            Family::P7940 => self.load_7940(&li.value, &why),
            Family::P7905 => {
                let forms = if li.value.contains('.') {
                    vec![li.value.clone()]
                } else {
                    vec![format!("{}.sbin", li.value), format!("{}.zup", li.value)]
                };
                self.first_of(&forms, &why);
            }
            _ => {
                // The newer phones' manifest (SCCP41.….loads, CP7921G-….LOADS).
                let forms = if li.value.contains('.')
                    && names::parse(&li.value).is_some_and(|n| n.extension.is_some())
                {
                    vec![li.value.clone()]
                } else {
                    vec![format!("{}.loads", li.value), format!("{}.LOADS", li.value)]
                };
                if let Some((file, bytes)) = self.first_of(&forms, &why) {
                    self.manifest_files(&file, &bytes);
                }
            }
        }
    }

    /// The files a newer phone's manifest lists (or a manifest in the 7940/7960 shape
    /// names): the phone fetches each of them.
    fn manifest_files(&mut self, file: &str, bytes: &[u8]) {
        let listed: Result<Vec<String>, String> =
            match crate::assist::doctor::file_list(file, bytes) {
                Some(Ok(list)) => Ok(list.files.into_iter().map(|f| f.name).collect()),
                Some(Err(e)) => Err(e),
                None => loads::parse(bytes)
                    .map(|l| {
                        vec![
                            l.loader_name().to_string(),
                            l.application_name().to_string(),
                        ]
                    })
                    .map_err(|e| e.to_string()),
            };
        match listed {
            Ok(names) => {
                self.note(format!("lists {} file(s)", names.len()));
                let reason = format!("listed in {file}");
                for n in names {
                    self.get(&n, reason.clone(), Need::Required);
                }
            }
            Err(e) => self.unparsable(
                file,
                e,
                "Unpack the release zip again (rule R29); do not edit or rename .loads files.",
            ),
        }
    }

    /// A 7905G/7912G (or ATA) profile: its own, else the default one, then its upgradecode.
    fn profile(&mut self, group: &[BootFile]) {
        let (Some(own), Some(default)) = (group.first(), group.get(1)) else {
            return;
        };
        let (own, default) = (own.name.clone(), default.name.clone());
        let mut got = self
            .get(
                &own,
                "this phone's profile (rule R31)".into(),
                Need::Alternative,
            )
            .map(|b| (own.clone(), b));
        if got.is_none() && self.stopped.is_none() {
            self.findings.push(with_rule("R31", finding(
                &check::PROBE_OPTIONAL_FILE,
                None,
                &own,
                None,
                format!("{own} is not on the server; the phone falls back to {default}"),
                format!("Nothing to do, unless this phone needs settings of its own: copy {default} to {own} (rule R31)."),
            )));
            got = self
                .get(
                    &default,
                    format!("default profile, as {own} is missing (rule R31)"),
                    Need::Required,
                )
                .map(|b| (default.clone(), b));
        }
        let Some((file, bytes)) = got else { return };
        let table = if self.opts.model.family() == Family::Ata {
            "ata186"
        } else {
            "7912"
        };
        let stem = default.strip_suffix(".cfg").unwrap_or(&default);
        let compile = format!("cfgfmt-rs -tbuiltin:{table} {stem}.txt {default}");
        match upgradecodes(&bytes, table) {
            // An ATA's profile is often encrypted on purpose (EncryptKey): said, not a problem.
            Err(ProfileProblem::Encrypted) => self.warn(
                &file,
                if table == "ata186" {
                    Severity::Info
                } else {
                    Severity::Warning
                },
                "no #ata magic: encrypted (EncryptKey) or not a compiled profile; its upgradecode is not followed".into(),
                &format!("If it is not encrypted on purpose, compile it again: {compile}"),
            ),
            Err(ProfileProblem::Damaged(why)) => self.unparsable(
                &file,
                why,
                &format!("Compile it again from its text: {compile}"),
            ),
            Ok(codes) if codes.is_empty() => {
                self.note("no upgradecode: the phone keeps its image".into())
            }
            Ok(codes) => {
                for c in codes {
                    self.note(c.line());
                    if c.tftp != [0, 0, 0, 0] {
                        let [a, b, cc, d] = c.tftp;
                        self.note(format!(
                            "the phone fetches the image from {a}.{b}.{cc}.{d}; probed here"
                        ));
                    }
                    self.get(
                        &c.file,
                        format!("upgradecode in {file} (rule R32)"),
                        Need::Required,
                    );
                }
            }
        }
    }
}

/// What a 7940/7960 SIP boot learns on its way: the load OS79XX.TXT names, the last
/// image_version, the dial template.
#[derive(Default)]
struct SipState {
    os_load: Option<String>,
    image_version: Option<String>,
    dial_template: Option<String>,
}

fn with_rule(rule: &str, mut f: Finding) -> Finding {
    f.rule = rule.into();
    f
}

enum ProfileProblem {
    Encrypted,
    Damaged(String),
}

/// The `upgradecode` records of a binary profile (as `doctor` reads them), read with the
/// built-in table `table` (`7912`, or `ata186` for an ATA's profile).
fn upgradecodes(bytes: &[u8], table: &str) -> Result<Vec<UpgradeCode>, ProfileProblem> {
    use crate::profile::{inspect, layout};
    if !inspect::looks_like_profile(bytes) {
        return Err(ProfileProblem::Encrypted);
    }
    let table = crate::table::builtin(table)
        .map(|b| crate::table::TagTable::parse(b.text.as_bytes()).0)
        .ok_or_else(|| ProfileProblem::Damaged(format!("no built-in {table} table")))?;
    let ins = inspect::inspect(bytes, &table, "", &Default::default());
    if let Some(f) = ins
        .findings
        .iter()
        .find(|f| f.severity == crate::finding::Severity::Error)
    {
        return Err(ProfileProblem::Damaged(format!(
            "offset {:#x}: {}",
            f.offset().unwrap_or(0),
            f.message
        )));
    }
    let (records, _) = layout::walk(&ins.plain, ins.records_start.min(ins.plain.len()));
    Ok(records
        .iter()
        .filter(|r| r.tag == layout::TAG_UPGRADECODE)
        .filter_map(|r| UpgradeCode::from_record(r.value))
        .collect())
}

/// The value of `key: value` in a SIP `.cnf` (last one wins; quotes and `;` comments off).
fn setting(bytes: &[u8], key: &str) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.trim().eq_ignore_ascii_case(key)
        {
            let v = v
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"')
                .trim();
            if !v.is_empty() {
                found = Some(v.to_string());
            }
        }
    }
    found
}

/// The file names RINGLIST.DAT lists (`Display name<TAB or spaces>file.pcm`, one a line).
pub fn ring_files(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(f) = line.split_whitespace().last()
            && f.contains('.')
            && !out.iter().any(|o| o == f)
        {
            out.push(f.to_string());
        }
    }
    out
}

/// Runs the probe.
pub fn probe(t: &mut dyn Transport, opts: &ProbeOptions) -> ProbeReport {
    let server = t.describe();
    let mut p = Prober {
        t,
        opts,
        steps: Vec::new(),
        findings: Vec::new(),
        stopped: None,
        loads_done: Vec::new(),
    };
    p.boot();
    let mut findings = p.findings;
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    ProbeReport {
        server,
        model: opts.model,
        protocol: opts.protocol,
        mac: opts.mac,
        steps: p.steps,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        findings,
        stopped: p.stopped,
    }
}
