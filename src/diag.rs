//! Diagnostics and fatal errors, worded as the original tool worded them.
//!
//! Parsing never prints: it returns diagnostics, and the caller decides how to show them
//! (the original's stderr lines, `--strict`, JSON). Messages never carry a value, so keys
//! and passwords cannot leak through them.

use std::fmt;
use std::path::PathBuf;

/// Where a diagnostic belongs: a line of the top profile (`file` is `None`) or of an
/// included file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Shared: every line of an included file points at one name.
    pub file: Option<std::sync::Arc<str>>,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Progress lines (`#i: …`, `i: …`): never a failure, even under `--strict`.
    Info,
    Warning,
    /// Printed with `error:` by the original but not fatal: the run goes on.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiagKind {
    InvalidPtagEntry,
    UnknownAttribute,
    EmptyValue,
    IncludeTooDeep,
    InvalidTone,
    BadUpgradeArgument,
    BadTftpIp,
    BadUpgradeLogoArgument,
    TooManyPseudo,
    EncryptKeyExNotHex,
    /// C ignored characters after a number (`5060x` is 5060).
    TrailingIgnored {
        name: String,
    },
    /// A leading `0` made C read the number as octal (`010` is 8).
    OctalNumber {
        name: String,
    },
    /// The number did not fit 32 bits and C clamped it.
    Clamped {
        name: String,
    },
    /// Values beyond the array's capacity were dropped.
    SurplusValues {
        name: String,
        kept: usize,
    },
    ForcedSplit,
    AutoSplit,
    Splitting,
    InputLenOverKnown {
        len: usize,
        known: usize,
    },
    Verbose(String),
    /// Our own warning about a decoded record, worded in full by the decoder (never a value).
    DecodeWarning(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub kind: DiagKind,
    pub location: Option<Location>,
}

impl Diagnostic {
    pub fn new(kind: DiagKind, location: Option<Location>) -> Self {
        Diagnostic { kind, location }
    }

    pub fn severity(&self) -> Severity {
        use DiagKind::*;
        match self.kind {
            ForcedSplit | AutoSplit | Splitting | Verbose(_) => Severity::Info,
            IncludeTooDeep
            | InvalidTone
            | BadUpgradeArgument
            | BadTftpIp
            | BadUpgradeLogoArgument => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DiagKind::*;
        let line = self.location.as_ref().map_or(0, |l| l.line);
        match &self.kind {
            InvalidPtagEntry => write!(f, "warning: invalid ptag entry at line {line}")?,
            UnknownAttribute => write!(f, "warning: unknown attribute at line {line}")?,
            EmptyValue => write!(f, "warning: empty attribute value at line {line}")?,
            IncludeTooDeep => f.write_str("error: include nested too deep")?,
            InvalidTone => f.write_str("error: invalid tone specification")?,
            BadUpgradeArgument => f.write_str("error: bad argument for upgrade tag")?,
            BadTftpIp => f.write_str("error: invalid tftp IP address")?,
            BadUpgradeLogoArgument => f.write_str("error: bad argument for upgradelogo tag")?,
            TooManyPseudo => f.write_str("warning: too many pseudo parameter.")?,
            EncryptKeyExNotHex => f.write_str(
                "WARNING: EncryptKeyEx in input text profile must all be Hex characters!\n \
                 !!! Using non-Hex characters will reduce the strength of profile encryption !!!",
            )?,
            TrailingIgnored { name } => write!(
                f,
                "warning: characters after the number ignored in {name} at line {line}"
            )?,
            OctalNumber { name } => write!(
                f,
                "warning: leading 0 makes the number octal in {name} at line {line}"
            )?,
            Clamped { name } => write!(
                f,
                "warning: number out of range, clamped in {name} at line {line}"
            )?,
            SurplusValues { name, kept } => write!(
                f,
                "warning: {name} holds {kept} values, the rest ignored at line {line}"
            )?,
            ForcedSplit => f.write_str("#i: force output binary file splitting")?,
            AutoSplit => f.write_str("#i: output binary file too big")?,
            Splitting => f.write_str("#i: splitting output binary file into 2 files")?,
            InputLenOverKnown { len, known } => {
                write!(f, "warning: input len > known len ({len}>{known})")?
            }
            Verbose(text) | DecodeWarning(text) => f.write_str(text)?,
        }
        // The original named no file; we add it for lines of included files.
        if let Some(Location {
            file: Some(file),
            line,
        }) = &self.location
        {
            match self.kind {
                IncludeTooDeep
                | InvalidTone
                | BadUpgradeArgument
                | BadTftpIp
                | BadUpgradeLogoArgument
                | TooManyPseudo
                | EncryptKeyExNotHex => write!(f, " (line {line} of {file})")?,
                _ => write!(f, " (in {file})")?,
            }
        }
        Ok(())
    }
}

/// Fatal errors: nothing is written when one of these occurs.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("error: cannot open ptag file")]
    CannotOpenTable { path: PathBuf },
    #[error("error: bad input size {0}")]
    BadInputSize(usize),
    #[error("error: input file too large ({size} bytes, limit {limit})")]
    InputTooLarge { size: u64, limit: u64 },
    #[error("error: unknown or encrypted file: '{file}'")]
    UnknownOrEncrypted { file: String },
    /// The original's line; the note says where and what we did instead.
    #[error("corrupted profile")]
    Corrupted {
        file: String,
        offset: usize,
        what: &'static str,
    },
    /// A binary we refuse to decode where the original printed memory or overran a buffer;
    /// the text is complete, with its `(cfgfmt 2.3 would …)` clause.
    #[error("{0}")]
    DecodeRefused(String),
    #[error("error: input too small")]
    InputTooSmall,
    #[error("error: cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("error: cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("error: line {line}{} is longer than 1023 bytes", in_file(.file))]
    LineTooLong { file: Option<String>, line: usize },
    #[error("error: value of {name} at line {line}{} is {len} bytes; 511 is the most a profile can hold", in_file(.file))]
    ValueTooLong {
        file: Option<String>,
        line: usize,
        name: String,
        len: usize,
    },
    #[error("error: cannot open include file {path} at line {line}{}", in_file(.file))]
    IncludeMissing {
        file: Option<String>,
        line: usize,
        path: String,
    },
    #[error("error: included files add up to more than {limit} bytes")]
    IncludesTooLarge { limit: usize },
    #[error("error: profile too large: {len} bytes of records, the header holds at most 65535")]
    ProfileTooLarge { len: usize },
    #[error("error: file name too long for the extended-file pointer ({len} bytes)")]
    PointerNameTooLong { len: usize },
    #[error("error: {count} warning(s) and --strict is set; no output written")]
    Strict { count: usize },
    #[error("error: {0}")]
    Usage(String),
}

fn in_file(file: &Option<String>) -> String {
    file.as_ref()
        .map(|f| format!(" of {f}"))
        .unwrap_or_default()
}

impl Error {
    /// A second line with details the original did not print.
    pub fn note(&self) -> Option<String> {
        match self {
            Error::Corrupted { file, offset, what } => Some(format!(
                "error: {}record at offset 0x{offset:x}: {what}; nothing written (cfgfmt 2.3 \
                 would write a partial text and exit 0)",
                if file.is_empty() {
                    String::new()
                } else {
                    format!("{file}: ")
                }
            )),
            Error::BadInputSize(_) => Some(
                "note: nothing written (cfgfmt 2.3 would crash here and leave an empty output \
                 file)"
                    .into(),
            ),
            Error::UnknownOrEncrypted { .. } | Error::InputTooSmall => {
                Some("note: nothing written (cfgfmt 2.3 would leave an empty output file)".into())
            }
            Error::CannotOpenTable { path } => Some(format!("note: tried {}", path.display())),
            _ => None,
        }
    }

    /// Exit status: 2 for `--strict` refusals, 1 for every other fatal error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Strict { .. } => 2,
            _ => 1,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn original_wording() {
        let at = |line| Some(Location { file: None, line });
        assert_eq!(
            Diagnostic::new(DiagKind::UnknownAttribute, at(3)).to_string(),
            "warning: unknown attribute at line 3"
        );
        assert_eq!(
            Diagnostic::new(DiagKind::EmptyValue, at(2)).to_string(),
            "warning: empty attribute value at line 2"
        );
        assert_eq!(
            Diagnostic::new(DiagKind::InvalidTone, at(2)).to_string(),
            "error: invalid tone specification"
        );
        assert_eq!(
            Diagnostic::new(DiagKind::InputLenOverKnown { len: 40, known: 32 }, None).to_string(),
            "warning: input len > known len (40>32)"
        );
        assert_eq!(
            Error::BadInputSize(3).to_string(),
            "error: bad input size 3"
        );
        assert_eq!(
            Error::Corrupted {
                file: "in.cfg".into(),
                offset: 8,
                what: "x"
            }
            .to_string(),
            "corrupted profile"
        );
    }

    #[test]
    fn included_files_are_named() {
        let loc = Some(Location {
            file: Some("inc.txt".into()),
            line: 4,
        });
        assert_eq!(
            Diagnostic::new(DiagKind::UnknownAttribute, loc.clone()).to_string(),
            "warning: unknown attribute at line 4 (in inc.txt)"
        );
        assert_eq!(
            Diagnostic::new(DiagKind::IncludeTooDeep, loc).to_string(),
            "error: include nested too deep (line 4 of inc.txt)"
        );
    }

    #[test]
    fn severities() {
        assert_eq!(
            Diagnostic::new(DiagKind::ForcedSplit, None).severity(),
            Severity::Info
        );
        assert_eq!(
            Diagnostic::new(DiagKind::InvalidTone, None).severity(),
            Severity::Error
        );
        assert_eq!(
            Diagnostic::new(DiagKind::EmptyValue, None).severity(),
            Severity::Warning
        );
    }
}
