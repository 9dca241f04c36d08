//! The one findings vocabulary: profile inspection, package inspection, `doctor`, the TFTP
//! log reader and probe (and any other check) say what they found with [`Finding`], graded
//! by [`Severity`]. JSON is kebab-case, field names and values alike.
//!
//! Every finding code is a [`Check`] of a catalogue: each module that reports findings
//! declares its checks once with the crate-internal `catalogue!` macro (one constant per
//! check, and the module's `CHECKS` slice listing them all) and builds findings from the
//! constants, so a misspelt check is a compile error, not an unknown code in the JSON.
//! [`CATALOGUES`] lists every module's catalogue; a test keeps the ids unique and kebab-case
//! across all of them, and the manual documents each catalogue.

use serde::Serialize;

/// How bad a finding (or a compiler diagnostic) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Information (the compiler's progress lines `#i: …`): never a failure.
    Info,
    Warning,
    /// Something the phone (or the original tool) gets wrong.
    Error,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Where in its file a finding is: a 1-based line of a text file, or a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Location {
    Line(usize),
    Offset(usize),
}

/// Something wrong (or notable) about a file, a place in it, or a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Finding {
    /// Stable id of the check (`os79xx-has-bin-suffix`, `bad-checksum`).
    pub code: String,
    pub severity: Severity,
    /// The file it is about, relative to what was inspected (`.` for the folder itself;
    /// empty when the subject is the one file inspected).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// What is wrong.
    pub message: String,
    /// Why it matters: what the phone does.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub why: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub fix: String,
    /// The rule of the conversion guide it comes from (`R4`), for the assistant's checks.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub rule: String,
}

impl Finding {
    pub fn new(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            code: code.into(),
            severity,
            file: String::new(),
            location: None,
            message: message.into(),
            why: String::new(),
            fix: String::new(),
            rule: String::new(),
        }
    }
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }
    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }
    pub fn info(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Info, message)
    }
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = file.into();
        self
    }
    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }
    pub fn at_offset(self, offset: usize) -> Self {
        self.at(Some(Location::Offset(offset)))
    }
    pub fn at_line(self, line: Option<usize>) -> Self {
        self.at(line.map(Location::Line))
    }
    pub fn why(mut self, why: impl Into<String>) -> Self {
        self.why = why.into();
        self
    }
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = fix.into();
        self
    }
    pub fn rule(mut self, rule: impl Into<String>) -> Self {
        self.rule = rule.into();
        self
    }

    /// The 1-based line, for findings in text files.
    pub fn line(&self) -> Option<usize> {
        match self.location {
            Some(Location::Line(l)) => Some(l),
            _ => None,
        }
    }

    /// The byte offset, for findings in binary files.
    pub fn offset(&self) -> Option<usize> {
        match self.location {
            Some(Location::Offset(o)) => Some(o),
            _ => None,
        }
    }

    /// `file:line`, `file` or `file at offset N` (no file: only the place).
    pub fn place(&self) -> String {
        match (self.file.is_empty(), self.location) {
            (false, Some(Location::Line(l))) => format!("{}:{l}", self.file),
            (false, Some(Location::Offset(o))) => format!("{} at offset {o}", self.file),
            (false, None) => self.file.clone(),
            (true, Some(Location::Line(l))) => format!("line {l}"),
            (true, Some(Location::Offset(o))) => format!("offset {o}"),
            (true, None) => String::new(),
        }
    }
}

/// One check of a catalogue: a stable id, its severity, the conversion-guide rules it
/// implements (none for the file checks of `inspect`), what it looks for and why it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Check {
    /// Stable kebab-case id, the `code` of its findings (`os79xx-has-bin-suffix`).
    pub id: &'static str,
    /// The rules of `conversion-rules.md` it implements (`R4`), most specific first.
    pub rules: &'static [&'static str],
    /// The severity of its findings (a few checks lower it case by case, and say so).
    pub severity: Severity,
    /// What the check looks for (one line, for the documentation tables).
    pub title: &'static str,
    /// The symptom on the phone: why it matters.
    pub why: &'static str,
    /// Whether the fact behind it is inferred rather than stated by Cisco.
    pub inferred: bool,
}

impl Check {
    /// A finding of this check: its id and severity, with the message given (no `why`, no
    /// rule: callers add what their report shows).
    pub fn finding(&self, message: impl Into<String>) -> Finding {
        Finding::new(self.id, self.severity, message)
    }
}

/// Declares a catalogue: one `pub const` [`Check`] per entry and a slice naming them all, so
/// the slice cannot miss a check the code uses.
///
/// ```text
/// catalogue! {
///     /// Every check `lint` runs.
///     pub const CHECKS;
///     UNKNOWN_NAME = "unknown-name", ["R5"], Error,
///         "what it looks for", "what the phone does";
///     RENAMED = "renamed", ["R29"], Warning, "…", "…", inferred;
/// }
/// ```
macro_rules! catalogue {
    (
        $(#[$meta:meta])*
        $vis:vis const $all:ident;
        $(
            $(#[$cmeta:meta])*
            $name:ident = $id:literal, [$($rule:literal),*], $sev:ident, $title:literal, $why:literal $(, $inferred:ident)?;
        )+
    ) => {
        $(
            $(#[$cmeta])*
            #[doc = concat!("Check `", $id, "`.")]
            $vis const $name: $crate::finding::Check = $crate::finding::Check {
                id: $id,
                rules: &[$($rule),*],
                severity: $crate::finding::Severity::$sev,
                title: $title,
                why: $why,
                inferred: $crate::finding::catalogue!(@inferred $($inferred)?),
            };
        )+
        $(#[$meta])*
        $vis const $all: &[$crate::finding::Check] = &[$($name),+];
    };
    (@inferred) => { false };
    (@inferred inferred) => { true };
}
pub(crate) use catalogue;

/// Every catalogue of the library: `doctor`'s, `tftplog`/`probe`'s, `inspect`'s (profiles,
/// then packages) and `lint`'s. A module with new checks adds its slice here.
pub const CATALOGUES: &[(&str, &[Check])] = &[
    #[cfg(feature = "firmware")]
    ("doctor", crate::assist::CHECKS),
    #[cfg(feature = "firmware")]
    ("tftp", crate::tftp::CHECKS),
    ("inspect-profile", crate::profile::inspect::CHECKS),
    #[cfg(feature = "firmware")]
    ("inspect-package", crate::pkg::CHECKS),
    #[cfg(feature = "firmware")]
    ("lint", crate::lint::LINT_CHECKS),
    #[cfg(all(feature = "firmware", feature = "batch"))]
    ("provision", crate::provision::checks::PROVISION_CHECKS),
];

/// The check of an id, in any catalogue.
pub fn check(id: &str) -> Option<&'static Check> {
    CATALOGUES
        .iter()
        .flat_map(|(_, checks)| checks.iter())
        .find(|c| c.id == id)
}

/// The documentation table of a catalogue without rules (`inspect`'s): id, severity, what
/// it reports and why it matters (the manual holds this text; a test keeps them equal).
pub fn checks_table(checks: &[Check]) -> String {
    use std::fmt::Write as _;
    // Markdown would take `<MAC>` for an HTML tag.
    let esc = |s: &str| s.replace('<', "&lt;").replace('>', "&gt;");
    let mut out = String::from(
        "| code | severity | what it reports | why it matters |\n| --- | --- | --- | --- |\n",
    );
    for c in checks {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            c.id,
            c.severity,
            esc(c.title),
            esc(c.why)
        );
    }
    out
}

/// True when any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_kebab_case() {
        let f = Finding::error("bad-checksum", "checksum 0x0001 stored")
            .in_file("gk.cfg")
            .at_offset(7);
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["severity"], "error");
        assert_eq!(v["location"]["offset"], 7);
        assert_eq!(v["code"], "bad-checksum");
        assert!(v.get("why").is_none());
        assert_eq!(f.place(), "gk.cfg at offset 7");
    }

    #[test]
    fn check_ids_are_unique_and_kebab_case_across_catalogues() {
        let mut seen = std::collections::BTreeMap::new();
        for (name, checks) in CATALOGUES {
            assert!(!checks.is_empty(), "{name}");
            for c in *checks {
                let kebab = !c.id.is_empty()
                    && !c.id.starts_with('-')
                    && !c.id.ends_with('-')
                    && !c.id.contains("--")
                    && c.id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                assert!(kebab, "{name}: {:?} is not kebab-case", c.id);
                if let Some(other) = seen.insert(c.id, *name) {
                    panic!("{:?} is in both {other} and {name}", c.id);
                }
                assert!(!c.title.is_empty() && !c.why.is_empty(), "{}", c.id);
                assert!(c.rules.iter().all(|r| r.starts_with('R')), "{}", c.id);
                assert_eq!(check(c.id), Some(c));
            }
        }
        assert_eq!(check("no-such-check"), None);
    }

    #[test]
    fn a_check_makes_findings_of_its_id_and_severity() {
        crate::finding::catalogue! {
            const ALL;
            ONE = "one-thing", ["R1"], Warning, "looks for one thing", "the phone does two";
            TWO = "two-things", [], Info, "looks for two", "nothing", inferred;
        }
        assert_eq!(ALL, &[ONE, TWO]);
        assert_eq!((ONE.inferred, TWO.inferred), (false, true));
        assert_eq!(TWO.rules, &[] as &[&str]);
        let f = ONE.finding("found it");
        assert_eq!(
            (f.code.as_str(), f.severity),
            ("one-thing", Severity::Warning)
        );
        assert_eq!(f.message, "found it");
    }
}
