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
    /// A tag table line the original complained about.
    Table(crate::table::TableWarning),
    UnknownAttribute,
    EmptyValue,
    IncludeTooDeep,
    InvalidTone,
    BadUpgradeArgument,
    BadTftpIp,
    BadUpgradeLogoArgument,
    TooManyPseudo,
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
    /// The split announcement naming the two files, as the output argument was typed.
    Splitting {
        base: String,
        extended: String,
    },
    InputLenOverKnown {
        len: usize,
        known: usize,
    },
    Verbose(String),
    /// One non-hex character in a key: the original printed this once per such character.
    /// `what` names the key as it did (`Command Line EncryptKey`, `EncryptKeyEx in input
    /// text profile`, …).
    KeyNotHex {
        what: &'static str,
    },
    /// `-v` and an `EncryptKeyEx` with a MAC part.
    MacRestricted,
    /// A tag or length above 0x7FFF: the original printed this and wrote nothing for it.
    ValueTooBig(u32),
    /// Our own warning line for a deliberate difference or a surprising stored value
    /// (the text carries the `(cfgfmt 2.3 would …` marker where it applies).
    Note(String),
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
            ForcedSplit | AutoSplit | Splitting { .. } | Verbose(_) | MacRestricted => {
                Severity::Info
            }
            IncludeTooDeep
            | InvalidTone
            | BadUpgradeArgument
            | BadTftpIp
            | BadUpgradeLogoArgument
            | ValueTooBig(_) => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DiagKind::*;
        let line = self.location.as_ref().map_or(0, |l| l.line);
        match &self.kind {
            Table(w) => write!(f, "{w}")?,
            UnknownAttribute => write!(f, "warning: unknown attribute at line {line}")?,
            EmptyValue => write!(f, "warning: empty attribute value at line {line}")?,
            IncludeTooDeep => f.write_str("error: include nested too deep")?,
            InvalidTone => f.write_str("error: invalid tone specification")?,
            BadUpgradeArgument => f.write_str("error: bad argument for upgrade tag")?,
            BadTftpIp => f.write_str("error: invalid tftp IP address")?,
            BadUpgradeLogoArgument => f.write_str("error: bad argument for upgradelogo tag")?,
            TooManyPseudo => f.write_str("warning: too many pseudo parameter.")?,
            KeyNotHex { what } => write!(
                f,
                "WARNING: {what} must all be Hex characters!\n \
                 !!! Using non-Hex characters will reduce the strength of profile encryption !!!"
            )?,
            MacRestricted => f.write_str("i: mac restricted EncryptKeyEx")?,
            ValueTooBig(v) => write!(f, "error: value too big: 0x{v:x}")?,
            Note(text) => f.write_str(text)?,
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
            Splitting { base, extended } => write!(
                f,
                "#i: spliting output binary file to 2 files: '{base}' and '{extended}'"
            )?,
            InputLenOverKnown { len, known } => {
                write!(f, "warning: input len > known len ({len}>{known})")?
            }
            Verbose(text) => f.write_str(text)?,
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
                | TooManyPseudo => write!(f, " (line {line} of {file})")?,
                // Lines whose wording the original fixed exactly, or that name no line.
                KeyNotHex { .. } | MacRestricted | Note(_) | Table(_) => {}
                _ => write!(f, " (in {file})")?,
            }
        }
        Ok(())
    }
}

/// Fatal errors: nothing is written when one of these occurs.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("error: can't open ptag file: '{}'", .path.display())]
    CannotOpenTable { path: PathBuf },
    #[error("error: bad input size {0}")]
    BadInputSize(usize),
    #[error("error: input file too large ({size} bytes, limit {limit})")]
    InputTooLarge { size: u64, limit: u64 },
    /// The job names the file: `error: unknown or encrypted file: '<input>'`.
    #[error("error: unknown or encrypted file")]
    UnknownOrEncrypted,
    #[error("corrupted profile")]
    Corrupted { offset: usize, what: &'static str },
    #[error("error: input too small")]
    InputTooSmall,
    #[error("error: can't open {} for reading", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("error: can't open {} for writing", .path.display())]
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
    /// A run stopped where the original crashed or went on with bytes from memory; the
    /// diagnostics raised before that point are kept so they print in order.
    #[error("{message}")]
    Refused {
        message: String,
        diagnostics: Vec<Diagnostic>,
    },
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
            Error::Corrupted { offset, what } => Some(format!("note: {what} at offset {offset}")),
            Error::Read { source, .. } | Error::Write { source, .. } => {
                Some(format!("note: {source}"))
            }
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
