//! The one findings vocabulary: profile inspection, package inspection, `doctor`, the TFTP
//! log reader and probe (and any other check) say what they found with [`Finding`], graded
//! by [`Severity`]. JSON is kebab-case, field names and values alike.

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
}
