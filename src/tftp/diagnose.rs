//! Transfers → one timeline per client, what the client is, and the guide's findings.
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::log::{LogModel, Outcome, Server, Transfer};
use super::names::{self, DeviceKind, Requested};
use super::{check_def, checks as check, finding};
use crate::assist::{Finding, Severity};
use crate::pkg::textfiles;

/// Extensions under which a load can sit in the folder.
const LOAD_EXTENSIONS: &[&str] = &["loads", "sbn", "bin", "sb2", "sbin", "zup"];
/// Folder entries read for `--root`.
pub const MAX_ROOT_ENTRIES: usize = 10_000;
/// OS79XX.TXT fetches without progress that make a boot loop.
pub const BOOT_LOOP_FETCHES: usize = 3;

/// What `--root` holds: file names, and the load OS79XX.TXT names.
#[derive(Debug, Clone, Default)]
pub struct RootIndex {
    pub shown: String,
    pub files: Vec<String>,
    pub os79xx: Option<String>,
}

impl RootIndex {
    /// Lists a TFTP root (top level, at most [`MAX_ROOT_ENTRIES`] names).
    pub fn read(dir: &Path) -> Result<RootIndex, std::io::Error> {
        let mut files = Vec::new();
        for e in std::fs::read_dir(dir)?.take(MAX_ROOT_ENTRIES) {
            let e = e?;
            files.push(e.file_name().to_string_lossy().into_owned());
        }
        files.sort();
        let mut os79xx = None;
        if files.iter().any(|f| f == "OS79XX.TXT") {
            let path = dir.join("OS79XX.TXT");
            // A FIFO there would block the open: read regular files only.
            if path.is_file() {
                let buf = crate::io::read_bounded(&path, crate::io::Limit::OS79XX)
                    .map_err(std::io::Error::other)?;
                os79xx = textfiles::parse_os79xx(&buf).ok().map(|o| o.name);
            }
        }
        Ok(RootIndex {
            shown: dir.display().to_string(),
            files,
            os79xx,
        })
    }

    fn has(&self, name: &str) -> bool {
        self.files.iter().any(|f| f == name)
    }

    fn other_case(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.as_str() != name && f.eq_ignore_ascii_case(name))
            .map(String::as_str)
    }

    fn has_load(&self, stem: &str) -> bool {
        LOAD_EXTENSIONS
            .iter()
            .any(|e| self.has(&format!("{stem}.{e}")))
    }
}

/// One line of a client's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Entry {
    pub time: Option<String>,
    pub file: String,
    #[serde(flatten)]
    pub outcome: Outcome,
    pub server: Server,
    pub log: String,
    pub line: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub client_assumed: bool,
}

/// Everything about one client address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ClientReport {
    pub client: String,
    /// What the names it asked for say it is, in order of appearance (a phone being
    /// converted shows both protocols).
    pub kinds: Vec<DeviceKind>,
    pub mac: Option<crate::device::Mac>,
    /// Loads it asked for (stems, in order, once each).
    pub loads_requested: Vec<String>,
    /// The load it wants: the last one it asked for, or what the root's OS79XX.TXT names.
    pub wants: Option<String>,
    /// The load it runs, where the log shows it (it fetched OS79XX.TXT and went on to its
    /// configuration without asking for the image named there).
    pub runs: Option<String>,
    pub timeline: Vec<Entry>,
    pub findings: Vec<Finding>,
}

impl ClientReport {
    pub fn has_problem(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity >= Severity::Warning)
    }
    fn describe(&self) -> String {
        let mut s = if self.kinds.is_empty() {
            "unknown device".to_string()
        } else {
            self.kinds
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", then ")
        };
        if let Some(m) = &self.mac {
            let _ = write!(s, ", MAC {m}");
        }
        if let Some(r) = &self.runs {
            let _ = write!(s, ", runs {r}");
        }
        if let Some(w) = self
            .wants
            .as_ref()
            .filter(|w| self.runs.as_ref() != Some(*w))
        {
            let _ = write!(s, ", wants {w}");
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Report {
    pub logs: Vec<String>,
    pub root: Option<String>,
    pub lines: usize,
    pub transfers: usize,
    pub clients: Vec<ClientReport>,
    pub clients_with_problems: usize,
    /// TFTP server lines not understood (a sample) and their count.
    pub unknown_lines: Vec<String>,
    pub unknown_count: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Report {
    pub fn has_problems(&self) -> bool {
        self.clients_with_problems > 0
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for c in &self.clients {
            let _ = writeln!(out, "{}: {}", c.client, c.describe());
            let w = c.timeline.iter().map(|e| e.file.len()).max().unwrap_or(0);
            for e in &c.timeline {
                let assumed = if e.client_assumed {
                    " (client assumed)"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  {}  {:<w$}  {}{assumed}  [{}:{}]",
                    e.time.as_deref().unwrap_or("-"),
                    e.file,
                    e.outcome.label(),
                    e.log,
                    e.line
                );
            }
            for f in &c.findings {
                let _ = writeln!(
                    out,
                    "  {}[{}] {} ({})",
                    f.severity,
                    f.code,
                    f.place(),
                    f.rule
                );
                let _ = writeln!(out, "    what: {}", f.message);
                let _ = writeln!(out, "    why:  {}", f.why);
                let _ = writeln!(out, "    fix:  {}", f.fix);
            }
            out.push('\n');
        }
        if self.unknown_count > 0 {
            let _ = writeln!(
                out,
                "{} TFTP server line{} not understood, first: {}\n",
                self.unknown_count,
                if self.unknown_count == 1 { "" } else { "s" },
                self.unknown_lines.first().map(String::as_str).unwrap_or("")
            );
        }
        let _ = writeln!(
            out,
            "{} transfer{} from {} client{} ({} line{} read); {} client{} with problems: {} error{}, {} warning{}, {} info",
            self.transfers,
            s(self.transfers),
            self.clients.len(),
            s(self.clients.len()),
            self.lines,
            s(self.lines),
            self.clients_with_problems,
            s(self.clients_with_problems),
            self.errors,
            s(self.errors),
            self.warnings,
            s(self.warnings),
            self.infos
        );
        out
    }
}

fn s(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Groups the transfers by client (in order of first appearance), orders each timeline by
/// time (with the year only when every entry has one; log order breaks ties) and runs the
/// checks. `root` enables the case and missing-load checks.
pub fn diagnose(logs: &[String], model: &LogModel, root: Option<&RootIndex>) -> Report {
    let mut order: Vec<String> = Vec::new();
    let mut by_client: BTreeMap<String, Vec<&Transfer>> = BTreeMap::new();
    for t in &model.transfers {
        if !by_client.contains_key(&t.client) {
            order.push(t.client.clone());
        }
        by_client.entry(t.client.clone()).or_default().push(t);
    }
    let mut clients = Vec::new();
    for c in order {
        let Some(mut ts) = by_client.remove(&c) else {
            continue;
        };
        let with_year = ts
            .iter()
            .all(|t| t.time.as_ref().is_some_and(|s| s.year.is_some()));
        if ts.iter().all(|t| t.time.is_some()) {
            ts.sort_by_key(|t| t.time.as_ref().map(|s| s.key(with_year)));
        }
        clients.push(client_report(c, &ts, root));
    }
    let all = clients.iter().flat_map(|c| c.findings.iter());
    let count = |sev: Severity| all.clone().filter(|f| f.severity == sev).count();
    Report {
        logs: logs.to_vec(),
        root: root.map(|r| r.shown.clone()),
        lines: model.lines,
        transfers: model.transfers.len(),
        clients_with_problems: clients.iter().filter(|c| c.has_problem()).count(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        clients,
        unknown_lines: model.unknown.clone(),
        unknown_count: model.unknown_count,
    }
}

fn stem_of(file: &str) -> &str {
    let base = names::base_name(file);
    match base.rsplit_once('.') {
        Some((stem, ext)) if LOAD_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)) => stem,
        _ => base,
    }
}

fn client_report(client: String, ts: &[&Transfer], root: Option<&RootIndex>) -> ClientReport {
    let kinds_of: Vec<Requested> = ts.iter().map(|t| names::classify(&t.file)).collect();
    let mut kinds = Vec::new();
    let mut mac = None;
    let mut loads_requested: Vec<String> = Vec::new();
    for r in &kinds_of {
        if let Some(k) = r.device()
            && !kinds.contains(&k)
        {
            kinds.push(k);
        }
        if let Some(m) = r.mac() {
            mac = Some(m);
        }
    }
    for (t, r) in ts.iter().zip(&kinds_of) {
        if r.is_image() {
            let stem = stem_of(&t.file).to_string();
            if !loads_requested.contains(&stem) {
                loads_requested.push(stem);
            }
        }
    }
    let fetched_os79xx = kinds_of.contains(&Requested::Os79xx);
    let root_os = root
        .and_then(|r| r.os79xx.clone())
        .filter(|_| fetched_os79xx);
    let wants = loads_requested.last().cloned().or_else(|| root_os.clone());
    // Runs: fetched OS79XX.TXT, then a configuration file, never asking for the load named.
    let runs = root_os.as_ref().and_then(|named| {
        let asked = loads_requested.iter().any(|l| l == named);
        let os_then_config = ts
            .iter()
            .zip(&kinds_of)
            .skip_while(|(_, r)| **r != Requested::Os79xx)
            .any(|(t, r)| {
                t.outcome.is_success()
                    && matches!(
                        r,
                        Requested::SipDefault
                            | Requested::SipMac(_)
                            | Requested::SepMac(_)
                            | Requested::XmlDefault
                    )
            });
        (!asked && os_then_config).then(|| named.clone())
    });
    let mut findings = Vec::new();
    repeated_failures(ts, &kinds_of, &mut findings);
    missing_and_refused(ts, &kinds_of, root, &mut findings);
    boot_loop(ts, &kinds_of, &mut findings);
    if let Some(root) = root {
        missing_loads(ts, &kinds_of, root, root_os.as_deref(), &mut findings);
    }
    for t in ts.iter().filter(|t| t.outcome == Outcome::Unfinished) {
        findings.push(finding(
            &check::TRANSFER_UNFINISHED,
            None,
            &t.log,
            Some(t.line),
            format!(
                "the transfer of {} to {} has no outcome in the log",
                t.file, t.client
            ),
            "Nothing to do unless the phone shows an error; read a later log.".into(),
        ));
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    ClientReport {
        client,
        kinds,
        mac,
        loads_requested,
        wants,
        runs,
        timeline: ts
            .iter()
            .map(|t| Entry {
                time: t.time.as_ref().map(|s| s.text.clone()),
                file: t.file.clone(),
                outcome: t.outcome.clone(),
                server: t.server,
                log: t.log.clone(),
                line: t.line,
                client_assumed: t.client_assumed,
            })
            .collect(),
        findings,
    }
}

fn lines_list(ts: &[&&Transfer]) -> String {
    let v: Vec<String> = ts.iter().take(10).map(|t| t.line.to_string()).collect();
    let more = if ts.len() > 10 { ", …" } else { "" };
    format!("{}{more}", v.join(", "))
}

/// The load's stem, with a letter O read as the zero load names have (`POS30300` → `P0S30300`).
fn corrected_stem(file: &str) -> String {
    let stem = stem_of(file);
    match stem.strip_prefix("PO") {
        Some(rest) if names::has_letter_o(file) => format!("P0{rest}"),
        _ => stem.to_string(),
    }
}

fn letter_o_note(file: &str) -> String {
    if names::has_letter_o(file) {
        format!(
            " ({file:?} starts with the letter O where load names have a zero: P0…; check the name)"
        )
    } else {
        String::new()
    }
}

fn repeated_failures(ts: &[&Transfer], kinds: &[Requested], out: &mut Vec<Finding>) {
    let mut files: Vec<&str> = Vec::new();
    for t in ts {
        if !files.contains(&t.file.as_str()) {
            files.push(&t.file);
        }
    }
    for file in files {
        let failed: Vec<&&Transfer> = ts
            .iter()
            .filter(|t| t.file == file && matches!(t.outcome, Outcome::Failed(_)))
            .collect();
        if failed.len() < 2 {
            continue;
        }
        let Some(first) = failed.first() else {
            continue;
        };
        let last_line = failed.last().map_or(0, |t| t.line);
        let recovered = ts.iter().any(|t| {
            t.file == file && t.outcome.is_success() && (t.log != first.log || t.line > last_line)
        });
        let is_image = ts
            .iter()
            .zip(kinds)
            .any(|(t, r)| t.file == file && r.is_image());
        let state_error = failed.iter().all(|t| {
            matches!(&t.outcome, Outcome::Failed(w) if w.to_ascii_lowercase().contains("state error"))
        });
        let sev = recovered.then_some(Severity::Warning);
        let tail = if recovered {
            "; a later transfer succeeded"
        } else {
            ""
        };
        if state_error && is_image {
            out.push(finding(
                &check::IMAGE_STATE_ERROR,
                sev,
                &first.log,
                Some(first.line),
                format!(
                    "the transfer of {file} to {} ended in \"State Error\" {} times (lines {}){tail}{}",
                    first.client,
                    failed.len(),
                    lines_list(&failed),
                    letter_o_note(file)
                ),
                {
                    let target = corrected_stem(file);
                    format!(
                        "Convert to SIP 2.3 first (rule R11): put P0S30203.bin in the TFTP root, write P0S30203 into OS79XX.TXT and reset the phone; once it runs SIP 2.3, name {target} again. `cfgfmt-rs plan --from <its load> --to {target}` lists the steps."
                    )
                },
            ));
        } else {
            let why = match &first.outcome {
                Outcome::Failed(w) => w.clone(),
                _ => String::new(),
            };
            out.push(finding(
                &check::TRANSFER_FAILED_REPEATEDLY,
                sev,
                &first.log,
                Some(first.line),
                format!(
                    "the transfer of {file} to {} failed {} times (lines {}; first: {why}){tail}",
                    first.client,
                    failed.len(),
                    lines_list(&failed)
                ),
                "Check the network path and the server (block size, timeouts); `cfgfmt-rs probe` fetches the files as the phone does.".into(),
            ));
        }
    }
}

fn missing_and_refused(
    ts: &[&Transfer],
    kinds: &[Requested],
    root: Option<&RootIndex>,
    out: &mut Vec<Finding>,
) {
    let mut seen: Vec<(&str, bool)> = Vec::new();
    for (t, r) in ts.iter().zip(kinds) {
        let refused = match t.outcome {
            Outcome::NotFound => false,
            Outcome::AccessViolation => true,
            _ => continue,
        };
        if seen.contains(&(t.file.as_str(), refused)) {
            continue;
        }
        seen.push((&t.file, refused));
        let times = times_note(ts, t);
        if refused {
            out.push(access_violation(t, is_optional(ts, t, r), &times));
        } else if let Some(f) = missing_file(ts, t, r, root, &times) {
            out.push(f);
        }
    }
}

/// The file is one the phone does without, or it was served later.
/// A missing file that is one form of several (`SEP<MAC>.cnf.xml`), whose fallback the same
/// client then got (`XMLDefault.cnf.xml`): the phone's normal path, as `probe` treats it
/// (both read `device::BootFileKind::fallback`).
fn fallback_sent(ts: &[&Transfer], t: &Transfer) -> Option<&'static str> {
    let (kind, _) = crate::device::classify_boot_file(&t.file)?;
    let fallback = kind.fallback()?;
    let sent = ts.iter().any(|u| {
        u.outcome.is_success()
            && crate::device::classify_boot_file(&u.file).is_some_and(|(k, _)| k == fallback)
    });
    sent.then_some(match fallback {
        crate::device::BootFileKind::XmlDefault => {
            " (one form of several: XMLDefault.cnf.xml, the phone's fallback, was sent)"
        }
        _ => " (one form of several: the default profile, the phone's fallback, was sent)",
    })
}

fn is_optional(ts: &[&Transfer], t: &Transfer, r: &Requested) -> bool {
    r.is_optional()
        || ts
            .iter()
            .any(|u| u.file == t.file && u.outcome.is_success())
}

/// " (N times)" when the same file ended the same way more than once.
fn times_note(ts: &[&Transfer], t: &Transfer) -> String {
    let times = ts
        .iter()
        .filter(|u| u.file == t.file && u.outcome == t.outcome)
        .count();
    if times > 1 {
        format!(" ({times} times)")
    } else {
        String::new()
    }
}

fn access_violation(t: &Transfer, optional: bool, times: &str) -> Finding {
    finding(
        &check::ACCESS_VIOLATION,
        optional.then_some(Severity::Info),
        &t.log,
        Some(t.line),
        format!(
            "the server refused {} to {}{times}: access violation",
            t.file, t.client
        ),
        format!(
            "Make {} readable by the server's user (chmod a+r; tftpd-hpa sends only world-readable files) and keep it inside the server's root.",
            t.file
        ),
    )
}

/// A file not found: a name in the wrong case, or missing (`None` when `load-not-in-root`
/// reports it).
fn missing_file(
    ts: &[&Transfer],
    t: &Transfer,
    r: &Requested,
    root: Option<&RootIndex>,
    times: &str,
) -> Option<Finding> {
    // Another extension of the same load was served: the phone tried the forms in turn.
    let sibling_served = r.is_image()
        && ts.iter().any(|u| {
            u.file != t.file && stem_of(&u.file) == stem_of(&t.file) && u.outcome.is_success()
        });
    if let Some(root) = root {
        if let Some(other) = root.other_case(&t.file) {
            return Some(name_case(t, root, other, times));
        }
        if r.is_image() && !root.has_load(stem_of(&t.file)) && !sibling_served {
            return None; // reported once by `load-not-in-root`
        }
    }
    let (sev, note) = if sibling_served {
        (
            Some(Severity::Info),
            " (another form of the same load was sent)",
        )
    } else if let Some(sent) = fallback_sent(ts, t) {
        (Some(Severity::Info), sent)
    } else if is_optional(ts, t, r) {
        (
            Some(Severity::Info),
            " (optional: the phone does without it)",
        )
    } else {
        (None, "")
    };
    let mut f = finding(
        &check::REQUESTED_FILE_MISSING,
        sev,
        &t.log,
        Some(t.line),
        format!(
            "{} asked for {}{times}: not found{note}{}",
            t.client,
            t.file,
            letter_o_note(&t.file)
        ),
        missing_fix(t, r, sev.is_some()),
    );
    f.rule = names::rule_for(&t.file).into();
    Some(f)
}

/// The file is in the root under another case (`other`).
fn name_case(t: &Transfer, root: &RootIndex, other: &str, times: &str) -> Finding {
    let expected = names::expected_case(&t.file)
        .filter(|e| *e != t.file)
        .map(|e| format!(" (the phone's own spelling is {e}: check what points to it)"))
        .unwrap_or_default();
    finding(
        &check::REQUESTED_NAME_CASE,
        None,
        &t.log,
        Some(t.line),
        format!(
            "{} asked for {}{times}, which is not in {}; {other} is, in another case",
            t.client, t.file, root.shown
        ),
        format!("Rename {other} to {}{expected}.", t.file),
    )
}

fn missing_fix(t: &Transfer, r: &Requested, informational: bool) -> String {
    match r {
        Requested::GkMac { gk, .. } => format!(
            "Nothing to do: the phone falls back to {}. For settings of its own, copy that file to {} (rule R31).",
            if *gk {
                "gkdefault.cfg"
            } else {
                "lddefault.cfg"
            },
            t.file
        ),
        _ if informational => format!(
            "Nothing to do unless the phone should have it: then put {} into the TFTP root.",
            t.file
        ),
        _ => format!(
            "Put {} into the TFTP root (names are case-sensitive), or correct the name that points to it.",
            t.file
        ),
    }
}

fn boot_loop(ts: &[&Transfer], kinds: &[Requested], out: &mut Vec<Finding>) {
    let mut run: Vec<&Transfer> = Vec::new();
    let mut worst: Vec<&Transfer> = Vec::new();
    for (t, r) in ts.iter().zip(kinds) {
        if *r == Requested::Os79xx {
            run.push(t);
            if run.len() > worst.len() {
                worst = run.clone();
            }
        } else if r.is_progress() && t.outcome.is_success() {
            run.clear();
        }
    }
    if worst.len() < BOOT_LOOP_FETCHES {
        return;
    }
    let Some(first) = worst.first() else { return };
    let refs: Vec<&&Transfer> = worst.iter().collect();
    let failed_images: Vec<&str> = ts
        .iter()
        .zip(kinds)
        .filter(|(t, r)| r.is_image() && !t.outcome.is_success())
        .map(|(t, _)| t.file.as_str())
        .collect();
    let hint = match failed_images.first() {
        Some(f) => format!(" Its image transfers fail ({f}): fix that first."),
        None => String::new(),
    };
    out.push(finding(
        &check::BOOT_LOOP,
        None,
        &first.log,
        Some(first.line),
        format!(
            "{} fetched OS79XX.TXT {} times (lines {}) without getting a configuration file or an image in between",
            first.client,
            worst.len(),
            lines_list(&refs)
        ),
        format!("Check that OS79XX.TXT holds only the bare load name (`cfgfmt-rs doctor` on the TFTP root) and that the load's files are there.{hint}"),
    ));
}

fn missing_loads(
    ts: &[&Transfer],
    kinds: &[Requested],
    root: &RootIndex,
    root_os: Option<&str>,
    out: &mut Vec<Finding>,
) {
    let mut done: Vec<String> = Vec::new();
    for (t, r) in ts.iter().zip(kinds) {
        let stem = stem_of(&t.file).to_string();
        if !r.is_image() || t.outcome.is_success() || done.contains(&stem) {
            continue;
        }
        if root.has_load(&stem) || root.other_case(&t.file).is_some() {
            continue;
        }
        let served = ts
            .iter()
            .any(|u| stem_of(&u.file) == stem && u.outcome.is_success());
        if served {
            continue;
        }
        done.push(stem.clone());
        out.push(finding(
            &check::LOAD_NOT_IN_ROOT,
            None,
            &t.log,
            Some(t.line),
            format!(
                "{} asked for {}; {} holds no file of the load {stem} (.loads, .sbn, .bin, .sb2){}",
                t.client,
                t.file,
                root.shown,
                letter_o_note(&t.file)
            ),
            format!("Unpack the release that holds {stem} into the TFTP root (rule R29), or name a load that is there."),
        ));
    }
    if let Some(named) = root_os
        && !root.has_load(named)
        && !done.iter().any(|d| d == named)
        && let Some(t) = ts
            .iter()
            .zip(kinds)
            .find(|(_, r)| **r == Requested::Os79xx)
            .map(|(t, _)| t)
    {
        out.push(finding(
            &check::LOAD_NOT_IN_ROOT,
            None,
            &t.log,
            Some(t.line),
            format!(
                "{} fetched OS79XX.TXT, which names {named}; {} holds no file of that load",
                t.client, root.shown
            ),
            format!("Put the files of {named} into the TFTP root, or write a load that is there into OS79XX.TXT."),
        ));
    }
}

/// For the documentation test: every check id `tftplog`/`probe` may emit is catalogued.
pub fn catalogued(id: &str) -> bool {
    check_def(id).is_some()
}
