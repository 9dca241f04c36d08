//! `lint`: checks the configuration files of a TFTP root against the parameter catalogue
//! ([`crate::catalogue`]): 7940/7960 SIP `.cnf` files, `SEP<MAC>.cnf.xml` and
//! `XMLDefault.cnf.xml`, and `#txt` profiles of the 7905G/7912G and ATA.
//!
//! Every finding names its check ([`LINT_CHECKS`]), the file and the line. Input is
//! untrusted: files are read up to [`MAX_CONFIG_BYTES`], XML without a DTD (so no entity is
//! ever expanded) and with a node limit, a folder up to [`MAX_ENTRIES`] entries; nothing in
//! a file can make it panic. A secret's value never appears in a finding.
//!
//! ```
//! use cfgfmt::lint::lint_file;
//! let f = lint_file("SIPDefault.cnf", b"start_media_port: \"16348\"\nline1_password: \"x\"\n");
//! let codes: Vec<&str> = f.iter().map(|f| f.code.as_str()).collect();
//! assert_eq!(codes, ["value-out-of-range", "per-phone-in-default"]);
//! assert_eq!(f[0].line(), Some(1));
//! ```
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::catalogue::{Catalogue, Lookup, Param, ProblemKind, ValueProblem};
use crate::device::ConfigKind;
use crate::finding::{Finding, Severity};

mod checks;
mod cnf;
mod profile;
mod root;
mod xml;

pub use checks::{LINT_CHECKS, LintCheck, lint_check};
pub use root::{lint_root_files, missing_loads};

/// Largest configuration file read (Cisco's are a few KiB).
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;
/// Most entries read from a folder tree.
pub const MAX_ENTRIES: usize = 10_000;
/// Most XML nodes parsed from one file.
pub const MAX_XML_NODES: u32 = 200_000;

/// What a configuration file is, from its name and first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileRole {
    /// `SIPDefault.cnf`: every 7940/7960 SIP phone reads it.
    SipDefault,
    /// `SIP<MAC>.cnf` or another `.cnf` (a template): one phone's.
    SipPhone,
    /// `SEP<MAC>.cnf.xml`, `XMLDefault.cnf.xml` or another `.cnf.xml` (told apart by the root
    /// element).
    Xml,
    /// A `#txt` profile for the 7905G/7912G.
    Profile7905,
    /// A `#txt` profile for the ATA 186/188.
    ProfileAta,
}

impl FileRole {
    /// The role of a file named `name` (any folder) whose first bytes are `head`; `None` for
    /// files lint does not read.
    pub fn of(name: &str, head: &[u8]) -> Option<FileRole> {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let lower = base.to_ascii_lowercase();
        if lower == "sipdefault.cnf" {
            Some(FileRole::SipDefault)
        } else if lower.ends_with(".cnf") {
            Some(FileRole::SipPhone)
        } else if lower.ends_with(".cnf.xml") || lower.ends_with(".cfg.xml") {
            Some(FileRole::Xml)
        } else if head.starts_with(crate::text::TEXT_MAGIC) {
            Some(if lower.starts_with("ata") {
                FileRole::ProfileAta
            } else {
                FileRole::Profile7905
            })
        } else {
            None
        }
    }
}

/// A finding of check `id` (its severity and "why" from [`LINT_CHECKS`]).
pub(crate) fn finding(
    id: &str,
    file: &str,
    line: Option<usize>,
    message: String,
    fix: String,
) -> Finding {
    let def = lint_check(id);
    Finding::new(id, def.map_or(Severity::Error, |d| d.severity), message)
        .in_file(file)
        .at_line(line)
        .why(def.map_or("", |d| d.why))
        .fix(fix)
}

/// A value left as a template placeholder (`###PROXY_IP###`).
pub(crate) fn is_placeholder(value: &str) -> bool {
    value
        .find("###")
        .is_some_and(|i| value.get(i + 3..).is_some_and(|r| r.contains("###")))
}

/// The finding for a value the catalogue refuses.
pub(crate) fn value_finding(
    p: &Param,
    problem: ValueProblem,
    file: &str,
    line: Option<usize>,
) -> Finding {
    let short = p.name.rsplit('/').next().unwrap_or(&p.name);
    let id = if short == "callForwardURI" {
        "call-forward-uri"
    } else {
        match problem.kind {
            ProblemKind::OutOfRange => "value-out-of-range",
            ProblemKind::NotANumber => "value-not-a-number",
            ProblemKind::NotAllowed | ProblemKind::TextInNode if short == "time_zone" => {
                "unknown-time-zone"
            }
            ProblemKind::NotAllowed | ProblemKind::TextInNode => "value-not-allowed",
            ProblemKind::WrongCase => "value-wrong-case",
            ProblemKind::OnOff => "on-off-boolean",
            ProblemKind::TooLong => "value-too-long",
            ProblemKind::HostNotIp => "host-name-not-ip",
            ProblemKind::BadAddress => "bad-address",
            ProblemKind::UnknownZone => "unknown-time-zone",
        }
    };
    let fix = match (&problem.suggestion, p.kind.is_secret()) {
        (Some(s), false) => format!("Write \"{s}\"."),
        _ => format!("Write {}.", p.kind.describe()),
    };
    finding(id, file, line, problem.message, fix)
}

/// Checks one name (and its value) of a file of `kind`: unknown names with suggestions,
/// names in the wrong case, values. Returns the parameter when the name is known.
pub(crate) fn check_name_value<'c>(
    cat: &'c Catalogue,
    kind: ConfigKind,
    name: &str,
    value: Option<&str>,
    file: &str,
    line: Option<usize>,
    out: &mut Vec<Finding>,
) -> Option<&'c Param> {
    let p = match cat.find(kind, name) {
        Lookup::Exact(p) => p,
        Lookup::OtherCase(p) => {
            out.push(finding(
                "parameter-name-case",
                file,
                line,
                format!(
                    "\"{name}\" is written in another case than the phone's \"{}\"",
                    p.name
                ),
                format!("Write \"{}\".", p.name),
            ));
            p
        }
        Lookup::Unknown => {
            out.push(unknown_name(cat, kind, name, file, line));
            return None;
        }
    };
    if let Some(v) = value {
        check_value(p, v, file, line, out);
    }
    Some(p)
}

pub(crate) fn unknown_name(
    cat: &Catalogue,
    kind: ConfigKind,
    name: &str,
    file: &str,
    line: Option<usize>,
) -> Finding {
    let near = cat.suggest(kind, name);
    let what = match kind {
        ConfigKind::SipXml | ConfigKind::SccpXml => "element",
        _ => "parameter",
    };
    let quoted: Vec<String> = near.iter().map(|n| format!("\"{n}\"")).collect();
    let (message, fix) = if quoted.is_empty() {
        (
            format!("unknown {what} \"{name}\""),
            format!(
                "Remove it, or check its name (docs/lint.md lists where the {what}s come from)."
            ),
        )
    } else {
        (
            format!(
                "unknown {what} \"{name}\" (did you mean {}?)",
                quoted.join(" or ")
            ),
            format!("Rename it to {}.", quoted.join(" or ")),
        )
    };
    finding("unknown-parameter", file, line, message, fix)
}

/// Checks a value: placeholders first, then the catalogue's type.
pub(crate) fn check_value(
    p: &Param,
    value: &str,
    file: &str,
    line: Option<usize>,
    out: &mut Vec<Finding>,
) {
    if is_placeholder(value) {
        let shown = if p.kind.is_secret() {
            "a placeholder".to_string()
        } else {
            format!("\"{value}\"")
        };
        out.push(finding(
            "template-placeholder",
            file,
            line,
            format!("{} is still the template's {shown}", p.name),
            format!("Fill in {}: {}.", p.name, p.kind.describe()),
        ));
        return;
    }
    if let Err(problem) = p.check(value) {
        out.push(value_finding(p, problem, file, line));
    }
}

/// The findings about one file's contents. `name` is what findings call the file (its
/// path as given, or relative to the root walked); its base name decides the role.
pub fn lint_file(name: &str, bytes: &[u8]) -> Vec<Finding> {
    let mut out = Vec::new();
    match FileRole::of(name, bytes) {
        Some(role @ (FileRole::SipDefault | FileRole::SipPhone)) => {
            cnf::lint(name, bytes, role == FileRole::SipDefault, &mut out)
        }
        Some(FileRole::Xml) => xml::lint(name, bytes, &mut out),
        Some(FileRole::Profile7905) => {
            profile::lint(name, bytes, ConfigKind::Profile7905, &mut out)
        }
        Some(FileRole::ProfileAta) => profile::lint(name, bytes, ConfigKind::ProfileAta, &mut out),
        None => {}
    }
    out.extend(root::name_case(name));
    out
}

/// What `cfgfmt-rs lint` reports.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LintReport {
    /// The paths given.
    pub paths: Vec<String>,
    /// Configuration files read.
    pub files: usize,
    pub findings: Vec<Finding>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl LintReport {
    fn new(paths: Vec<String>, files: usize, mut findings: Vec<Finding>) -> LintReport {
        findings.sort_by(|a, b| (&a.file, a.line(), &a.code).cmp(&(&b.file, b.line(), &b.code)));
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        LintReport {
            paths,
            files,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            findings,
        }
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// One block per finding, then a summary line.
    pub fn render_text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for f in &self.findings {
            let _ = writeln!(out, "{}[{}] {}", f.severity, f.code, f.place());
            let _ = writeln!(out, "  what: {}", f.message);
            let _ = writeln!(out, "  why:  {}", f.why);
            let _ = writeln!(out, "  fix:  {}", f.fix);
            out.push('\n');
        }
        let s = |n: usize| if n == 1 { "" } else { "s" };
        let _ = writeln!(
            out,
            "{} file{} checked: {} error{}, {} warning{}, {} info",
            self.files,
            s(self.files),
            self.errors,
            s(self.errors),
            self.warnings,
            s(self.warnings),
            self.infos
        );
        out
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Findings per check id, most first (for summaries).
    pub fn counts(&self) -> Vec<(&str, usize)> {
        let mut m: std::collections::BTreeMap<&str, usize> = Default::default();
        for f in &self.findings {
            *m.entry(f.code.as_str()).or_default() += 1;
        }
        let mut v: Vec<(&str, usize)> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }
}

/// A path that cannot be linted at all.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

/// Lints files and folders: a file by its contents and name, a folder as a TFTP root
/// (every configuration file below it, file names in the wrong case, loads named by
/// the XML files that are not in it).
pub fn lint_paths(paths: &[PathBuf]) -> Result<LintReport, LintError> {
    let mut findings = Vec::new();
    let mut files = 0;
    for path in paths {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|source| LintError::Read {
            path: shown.clone(),
            source,
        })?;
        if meta.is_dir() {
            let (n, f) = root::lint_root(path)?;
            files += n;
            findings.extend(f);
        } else {
            files += 1;
            match read_config(path) {
                Ok(bytes) => findings.extend(lint_file(&shown, &bytes)),
                Err(f) => findings.push((*f).in_file(shown.clone())),
            }
        }
    }
    let shown = paths.iter().map(|p| p.display().to_string()).collect();
    Ok(LintReport::new(shown, files, findings))
}

/// Reads a configuration file, bounded; a problem is a `file-unreadable` finding.
pub(crate) fn read_config(path: &Path) -> Result<Vec<u8>, Box<Finding>> {
    crate::text::read_bounded(path, MAX_CONFIG_BYTES).map_err(|e| {
        Box::new(finding(
            "file-unreadable",
            "",
            None,
            e.to_string(),
            "Check the file.".into(),
        ))
    })
}

#[cfg(test)]
mod tests;
