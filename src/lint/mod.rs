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
use crate::finding::{Check, Finding, Severity};

mod checks;
mod cnf;
mod profile;
mod root;
mod xml;

pub use checks::{LINT_CHECKS, lint_check};
pub use root::{lint_root_files, missing_loads};

/// Largest configuration file read (Cisco's are a few KiB).
pub const MAX_CONFIG_BYTES: u64 = crate::io::Limit::CONFIG.bytes;
/// Most entries read from a folder tree.
pub const MAX_ENTRIES: usize = 10_000;
/// Findings of one check in one file before the rest are summed up in one more.
pub const MAX_PER_CHECK: usize = 100;
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
    check: &Check,
    file: &str,
    line: Option<usize>,
    message: String,
    fix: String,
) -> Finding {
    check
        .finding(message)
        .in_file(file)
        .at_line(line)
        .why(check.why)
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
    let check = if short == "callForwardURI" {
        &checks::CALL_FORWARD_URI
    } else {
        match problem.kind {
            ProblemKind::OutOfRange => &checks::VALUE_OUT_OF_RANGE,
            ProblemKind::NotANumber => &checks::VALUE_NOT_A_NUMBER,
            ProblemKind::NotAllowed | ProblemKind::TextInNode if short == "time_zone" => {
                &checks::UNKNOWN_TIME_ZONE
            }
            ProblemKind::NotAllowed | ProblemKind::TextInNode => &checks::VALUE_NOT_ALLOWED,
            ProblemKind::WrongCase => &checks::VALUE_WRONG_CASE,
            ProblemKind::OnOff => &checks::ON_OFF_BOOLEAN,
            ProblemKind::TooLong => &checks::TEXT_TOO_LONG,
            ProblemKind::HostNotIp => &checks::HOST_NAME_NOT_IP,
            ProblemKind::BadAddress => &checks::BAD_ADDRESS,
            ProblemKind::UnknownZone => &checks::UNKNOWN_TIME_ZONE,
        }
    };
    let fix = match (&problem.suggestion, p.is_secret()) {
        (Some(s), false) => format!("Write \"{s}\"."),
        _ => format!("Write {}.", p.kind.describe()),
    };
    finding(check, file, line, problem.message, fix)
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
                &checks::PARAMETER_NAME_CASE,
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
            // Suggestions cost a comparison with every name: a file that is mostly unknown
            // names gets them for its first ones only.
            let suggest = out.len() < MAX_PER_CHECK;
            out.push(unknown_name(cat, kind, name, file, line, suggest));
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
    suggest: bool,
) -> Finding {
    let near = if suggest {
        cat.suggest(kind, name)
    } else {
        Vec::new()
    };
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
    finding(&checks::UNKNOWN_PARAMETER, file, line, message, fix)
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
        let shown = if p.is_secret() {
            "a placeholder".to_string()
        } else {
            format!("\"{value}\"")
        };
        out.push(finding(
            &checks::TEMPLATE_PLACEHOLDER,
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
    cap(out)
}

/// Keeps the first [`MAX_PER_CHECK`] findings of each check; one more says how many were left.
fn cap(findings: Vec<Finding>) -> Vec<Finding> {
    let mut count: std::collections::HashMap<String, usize> = Default::default();
    let mut out = Vec::with_capacity(findings.len().min(4 * MAX_PER_CHECK));
    for f in findings {
        let n = count.entry(f.code.clone()).or_default();
        *n += 1;
        if *n <= MAX_PER_CHECK {
            out.push(f);
        }
    }
    let mut over: Vec<(String, usize)> = count
        .into_iter()
        .filter(|&(_, n)| n > MAX_PER_CHECK)
        .collect();
    over.sort();
    for (code, n) in over {
        // The summary is a finding of the same check (same severity and why).
        let Some(mut f) = out.iter().find(|f| f.code == code).cloned() else {
            continue;
        };
        f.location = None;
        f.message = format!(
            "{} more {code} findings in this file (only the first {MAX_PER_CHECK} are listed)",
            n - MAX_PER_CHECK
        );
        f.fix = "Fix the ones listed and lint the file again.".into();
        out.push(f);
    }
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
                Ok(bytes) if FileRole::of(&shown, &bytes).is_none() => {
                    findings.push(not_a_config_file(&shown, &bytes));
                }
                Ok(bytes) => findings.extend(lint_file(&shown, &bytes)),
                Err(f) => findings.push((*f).in_file(shown.clone())),
            }
        }
    }
    let shown = paths.iter().map(|p| p.display().to_string()).collect();
    Ok(LintReport::new(shown, files, findings))
}

/// A file named on the command line that lint cannot tell as a configuration file: without
/// this, `lint /etc/passwd` would report "0 errors" about a file it never checked.
fn not_a_config_file(name: &str, bytes: &[u8]) -> Finding {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (message, fix) = match bytes.strip_prefix(BOM) {
        Some(rest) if rest.starts_with(crate::text::TEXT_MAGIC) => (
            "starts with a UTF-8 byte order mark before #txt (as Notepad saves)".to_string(),
            "Save the file without the byte order mark (\"UTF-8\", not \"UTF-8 with BOM\").".to_string(),
        ),
        _ => (
            "not a configuration file lint reads: its name is not .cnf, .cnf.xml or .cfg.xml \
             and it does not start with #txt"
                .to_string(),
            "Name the phone's configuration files (SIPDefault.cnf, SIP<MAC>.cnf, SEP<MAC>.cnf.xml, \
             #txt profiles), or the TFTP root."
                .to_string(),
        ),
    };
    finding(&checks::NOT_A_CONFIG_FILE, name, None, message, fix)
}

/// Reads a configuration file, bounded; a problem is a `file-unreadable` finding.
pub(crate) fn read_config(path: &Path) -> Result<Vec<u8>, Box<Finding>> {
    crate::text::read_bounded(path, crate::io::Limit::CONFIG).map_err(|e| {
        Box::new(finding(
            &checks::FILE_UNREADABLE,
            "",
            None,
            e.to_string(),
            "Check the file.".into(),
        ))
    })
}

#[cfg(test)]
mod tests;
