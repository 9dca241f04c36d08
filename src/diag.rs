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

/// The one severity scale, shared with every finding.
pub use crate::finding::Severity;

#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiagKind {
    /// A tag table line the original complained about.
    Table(crate::table::TableWarning),
    /// No table line has this name (in the protocol filter) and it is no keyword. Names
    /// are the profile's bytes: the original printed them raw ([`Diagnostic::to_bytes`]).
    UnknownAttribute {
        name: Vec<u8>,
    },
    EmptyValue {
        name: Vec<u8>,
    },
    IncludeTooDeep,
    InvalidTone,
    BadUpgradeArgument,
    /// The IP token of an upgrade line, as written.
    BadTftpIp {
        ip: String,
    },
    BadUpgradeLogoArgument,
    TooManyPseudo,
    /// Our own note about a value (`codec::Note`): what was stored and, for deliberate
    /// differences, what cfgfmt 2.3 would have done. Never quotes a secret.
    ValueNote {
        name: String,
        text: String,
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

    /// Whether the message itself names file and line (the original's attribute lines
    /// and our value notes do; its `error:` lines do not).
    pub fn names_its_line(&self) -> bool {
        use DiagKind::*;
        matches!(
            self.kind,
            Table(_) | UnknownAttribute { .. } | EmptyValue { .. } | ValueNote { .. }
        )
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
            | BadTftpIp { .. }
            | BadUpgradeLogoArgument
            | ValueTooBig(_) => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

impl Diagnostic {
    /// The message as the original printed it, byte for byte: a name or table line that is
    /// not UTF-8 keeps its bytes (`unknown attribute 'CAF\xe9x'`), where [`fmt::Display`]
    /// (for JSON and other text) shows U+FFFD. For stderr.
    pub fn to_bytes(&self) -> Vec<u8> {
        use DiagKind::*;
        let (name, lead) = match &self.kind {
            Table(w) => return w.to_bytes(),
            UnknownAttribute { name } => (name, "warning: unknown attribute '"),
            EmptyValue { name } => (name, "warning: empty value for attribute '"),
            _ => return self.to_string().into_bytes(),
        };
        if std::str::from_utf8(name).is_ok() {
            return self.to_string().into_bytes();
        }
        // The text after the name is the Display form's, found by its length.
        let shown = self.to_string();
        let tail = shown
            .get(lead.len() + String::from_utf8_lossy(name).len()..)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(shown.len());
        out.extend_from_slice(lead.as_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(tail.as_bytes());
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DiagKind::*;
        let line = self.location.as_ref().map_or(0, |l| l.line);
        // The original named the file as typed (an included one as its `include` line
        // wrote it).
        let file = self
            .location
            .as_ref()
            .and_then(|l| l.file.as_deref())
            .unwrap_or("-");
        let of = if file == "-" {
            String::new()
        } else {
            format!(" of {file}")
        };
        match &self.kind {
            Table(w) => write!(f, "{w}")?,
            UnknownAttribute { name } => write!(
                f,
                "warning: unknown attribute '{}' @line {line} of {file}",
                String::from_utf8_lossy(name)
            )?,
            EmptyValue { name } => write!(
                f,
                "warning: empty value for attribute '{}' @line {line} of {file}",
                String::from_utf8_lossy(name)
            )?,
            IncludeTooDeep => f.write_str("error: include nested too deep")?,
            InvalidTone => f.write_str("error: invalid tone specification")?,
            BadUpgradeArgument => f.write_str("error: bad argument for upgrade tag")?,
            BadTftpIp { ip } => write!(f, "error: bad tftp ip addr: {ip}")?,
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
            ValueNote { name, text } => write!(f, "warning: {name} at line {line}{of}: {text}")?,
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
        Ok(())
    }
}

/// Fatal errors: nothing is written when one of these occurs.
///
/// The messages say what went wrong and nothing else: the front end leads each with
/// `error: ` (see [`Error::lead`]), as the original printed them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("can't open ptag file: '{}'", .path.display())]
    CannotOpenTable { path: PathBuf },
    #[error("bad input size {0}")]
    BadInputSize(usize),
    /// An input stopped at its limit (docs/robustness.md): `NAME: more than 1 MiB; not a
    /// profile`.
    #[error("{0}")]
    InputTooLarge(crate::io::TooLarge),
    /// The job names the file: `unknown or encrypted file: '<input>'`.
    #[error("unknown or encrypted file")]
    UnknownOrEncrypted,
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
    #[error("input too small")]
    InputTooSmall,
    #[error("can't open {} for reading", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("can't open {} for writing", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A new output folder's files, written out of sight, could not be moved into place
    /// (something appeared there meanwhile, or the rename failed).
    #[error("can't move the new files into {}", .path.display())]
    MoveIn {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("line {line}{} is longer than 1022 bytes with its line end; nothing written (cfgfmt 2.3 would read the rest of it as another line)", in_file(.file))]
    LineTooLong { file: Option<String>, line: usize },
    #[error("the name at line {line}{} has {len} characters; nothing written (cfgfmt 2.3 would overwrite its line counter with it and may crash)", in_file(.file))]
    NameTooLong {
        file: Option<String>,
        line: usize,
        len: usize,
    },
    #[error("value of {name} at line {line}{} is {len} bytes, 511 at most; nothing written (cfgfmt 2.3 would overwrite the attribute name with the value's end)", in_file(.file))]
    ValueTooLong {
        file: Option<String>,
        line: usize,
        name: String,
        len: usize,
    },
    /// The original's words; [`Error::note`] adds what we did instead.
    #[error("can't open profile '{path}'")]
    IncludeMissing {
        file: Option<String>,
        line: usize,
        path: String,
    },
    /// A format with no bit the original handled (the original's words, which the front
    /// end leads with `internal error: `).
    #[error("unhandled attribute: tag:{tag} fmt:0x{fmt:x})")]
    Unhandled { tag: u16, fmt: u16 },
    #[error("EncryptKey at line {line}{} has {len} characters, 63 at most; nothing written (cfgfmt 2.3 would crash)", in_file(.file))]
    EncryptKeyTooLong {
        file: Option<String>,
        line: usize,
        len: usize,
    },
    #[error("included files add up to more than {limit} bytes")]
    IncludesTooLarge { limit: usize },
    #[error("profile too large: {len} bytes of records, the header holds at most 65535")]
    ProfileTooLarge { len: usize },
    #[error("file name too long for the extended-file pointer ({len} bytes)")]
    PointerNameTooLong { len: usize },
    #[error("{count} warning(s) and --strict is set; no output written")]
    Strict { count: usize },
    #[error("{0}")]
    Usage(String),
    /// A run stopped where the original crashed or went on with bytes from memory; the
    /// diagnostics raised before that point are kept so they print in order.
    #[error("{message}")]
    Refused {
        message: String,
        diagnostics: Vec<Diagnostic>,
    },
}

/// What a note after an error is: the front end leads an [`NoteKind::Error`] note with
/// `error: ` (the original's word for what it did instead) and a [`NoteKind::Note`] with
/// `note: ` (the system's reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    Error,
    Note,
}

/// The second line [`Error::note`] gives: its kind and its text, without a lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorNote {
    pub kind: NoteKind,
    pub text: String,
}

fn in_file(file: &Option<String>) -> String {
    file.as_ref()
        .map(|f| format!(" of {f}"))
        .unwrap_or_default()
}

impl Error {
    /// A second line with details the original did not print, in pieces: the front end
    /// leads its text according to its kind.
    pub fn note(&self) -> Option<ErrorNote> {
        let (kind, text) = match self {
            Error::Corrupted { file, offset, what } => (
                NoteKind::Error,
                format!(
                    "{}record at offset 0x{offset:x}: {what}; nothing written (cfgfmt 2.3 \
                     would write a partial text and exit 0)",
                    if file.is_empty() {
                        String::new()
                    } else {
                        format!("{file}: ")
                    }
                ),
            ),
            Error::Read { source, .. }
            | Error::Write { source, .. }
            | Error::MoveIn { source, .. } => (NoteKind::Note, source.to_string()),
            Error::IncludeMissing { file, line, .. } => (
                NoteKind::Error,
                format!(
                    "include at line {line}{}: no such file; nothing written (cfgfmt 2.3 \
                     would skip the rest of {} and write the profile)",
                    in_file(file),
                    file.as_deref().unwrap_or("the file")
                ),
            ),
            Error::Unhandled { .. } => (
                NoteKind::Error,
                "nothing written (cfgfmt 2.3 would leave an empty output file)".to_string(),
            ),
            _ => return None,
        };
        Some(ErrorNote { kind, text })
    }

    /// How the front end leads the message so the line reads as the original's:
    /// `error: ` for most, `internal error: ` for [`Error::Unhandled`], nothing for
    /// [`Error::Corrupted`] (the original printed a bare `corrupted profile`).
    pub fn lead(&self) -> &'static str {
        match self {
            Error::Corrupted { .. } => "",
            Error::Unhandled { .. } => "internal error: ",
            _ => "error: ",
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
        let at = |line| {
            Some(Location {
                file: Some("in.txt".into()),
                line,
            })
        };
        // Recorded from cfgfmt 2.3.
        assert_eq!(
            Diagnostic::new(
                DiagKind::UnknownAttribute {
                    name: "FooBar".into()
                },
                at(2)
            )
            .to_string(),
            "warning: unknown attribute 'FooBar' @line 2 of in.txt"
        );
        assert_eq!(
            Diagnostic::new(
                DiagKind::EmptyValue {
                    name: "UseTftp".into()
                },
                at(2)
            )
            .to_string(),
            "warning: empty value for attribute 'UseTftp' @line 2 of in.txt"
        );
        assert_eq!(
            Diagnostic::new(DiagKind::BadTftpIp { ip: "1.2.3".into() }, at(2)).to_string(),
            "error: bad tftp ip addr: 1.2.3"
        );
        assert_eq!(
            Diagnostic::new(DiagKind::InvalidTone, at(2)).to_string(),
            "error: invalid tone specification"
        );
        assert_eq!(
            Diagnostic::new(DiagKind::InputLenOverKnown { len: 40, known: 32 }, None).to_string(),
            "warning: input len > known len (40>32)"
        );
        let line = |e: &Error| format!("{}{e}", e.lead());
        assert_eq!(line(&Error::BadInputSize(3)), "error: bad input size 3");
        assert_eq!(
            line(&Error::Corrupted {
                file: "in.cfg".into(),
                offset: 8,
                what: "x"
            }),
            "corrupted profile"
        );
        assert_eq!(
            line(&Error::Unhandled { tag: 7, fmt: 0x30 }),
            "internal error: unhandled attribute: tag:7 fmt:0x30)"
        );
    }

    #[test]
    fn included_files_are_named() {
        let loc = Some(Location {
            file: Some("inc.txt".into()),
            line: 4,
        });
        // Recorded: an included file is named as its include line wrote it.
        assert_eq!(
            Diagnostic::new(
                DiagKind::UnknownAttribute { name: "Foo".into() },
                loc.clone()
            )
            .to_string(),
            "warning: unknown attribute 'Foo' @line 4 of inc.txt"
        );
        assert_eq!(
            Diagnostic::new(DiagKind::IncludeTooDeep, loc).to_string(),
            "error: include nested too deep"
        );
    }

    /// The original printed a name that is not UTF-8 as its bytes (recorded:
    /// `warning: unknown attribute 'CAF\xe9x' @line 2 of in.txt`).
    #[test]
    fn names_that_are_not_utf8_print_raw() {
        let at = Some(Location {
            file: Some("in.txt".into()),
            line: 2,
        });
        let unknown = Diagnostic::new(
            DiagKind::UnknownAttribute {
                name: b"CAF\xe9x".to_vec(),
            },
            at.clone(),
        );
        assert_eq!(
            unknown.to_bytes(),
            b"warning: unknown attribute 'CAF\xe9x' @line 2 of in.txt"
        );
        assert_eq!(
            unknown.to_string(),
            "warning: unknown attribute 'CAF\u{fffd}x' @line 2 of in.txt"
        );
        let empty = Diagnostic::new(
            DiagKind::EmptyValue {
                name: b"\xff\xfe".to_vec(),
            },
            at.clone(),
        );
        assert_eq!(
            empty.to_bytes(),
            b"warning: empty value for attribute '\xff\xfe' @line 2 of in.txt"
        );
        // UTF-8 names and other messages: the Display text.
        let plain = Diagnostic::new(
            DiagKind::UnknownAttribute {
                name: "Café".into(),
            },
            at,
        );
        assert_eq!(plain.to_bytes(), plain.to_string().into_bytes());
        assert_eq!(
            Diagnostic::new(DiagKind::InvalidTone, None).to_bytes(),
            b"error: invalid tone specification"
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
            Diagnostic::new(DiagKind::EmptyValue { name: "X".into() }, None).severity(),
            Severity::Warning
        );
    }
}
