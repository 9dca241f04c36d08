//! What can stop a subcommand, and how it is shown: one line led by `error: ` (the
//! library's messages say what went wrong; the lead is added here, once).

use cfgfmt::assist::{plan::PlanError, upgradecode::UpgradeError};
use cfgfmt::{diag, pkg::PkgError};

#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Core(#[from] diag::Error),
    #[error(transparent)]
    Pkg(#[from] PkgError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Upgrade(#[from] UpgradeError),
    /// `-tbuiltin:<name>` with a name no built-in table has.
    #[error("no built-in table {0:?}; --list-tables shows them")]
    UnknownTable(String),
    /// A long option at the end of the command line.
    #[error("{0} needs a value")]
    MissingValue(&'static str),
    /// An option value out of its range: `what` is the option and the value as typed.
    #[error("{what}: expected {expected}")]
    BadValue {
        what: String,
        expected: &'static str,
    },
    /// The library's own wording (names it cannot resolve, MACs it cannot read).
    #[error("{what}{reason}")]
    Rejected { what: &'static str, reason: String },
    #[error("cannot open a UDP socket: {0}")]
    Socket(#[source] std::io::Error),
    /// An input that could not be read, or was over its limit.
    #[error(transparent)]
    Read(#[from] cfgfmt::io::ReadError),
    /// Standard output failed (a closed pipe ends the run quietly: see [`report`]).
    #[error("cannot write to standard output: {0}")]
    Output(#[source] std::io::Error),
}

impl Failure {
    fn lead(&self) -> &'static str {
        match self {
            Failure::Core(e) => e.lead(),
            _ => "error: ",
        }
    }

    /// The line as printed.
    pub fn line(&self) -> String {
        format!("{}{self}", self.lead())
    }
}

/// The line after an error that has a note ([`diag::Error::note`]): the one place its
/// lead is added.
pub fn note_line(note: &diag::ErrorNote) -> String {
    let lead = match note.kind {
        diag::NoteKind::Error => "error: ",
        diag::NoteKind::Note => "note: ",
    };
    format!("{lead}{}", note.text)
}

/// Prints the failure on stderr; returns exit status 1, or 141 without a word when the
/// reader of standard output went away (`| head`), as C tools stop on SIGPIPE.
pub fn report(f: &Failure) -> i32 {
    if super::out::is_broken_pipe(f) {
        return super::out::BROKEN_PIPE_STATUS;
    }
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{}", f.line());
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes printed before the note came in pieces.
    #[test]
    fn note_lines_keep_their_words() {
        let corrupted = diag::Error::Corrupted {
            file: "in.cfg".into(),
            offset: 0x15,
            what: "the record runs past the end of the file",
        };
        assert_eq!(
            corrupted.note().map(|n| note_line(&n)).as_deref(),
            Some(
                "error: in.cfg: record at offset 0x15: the record runs past the end of the \
                 file; nothing written (cfgfmt 2.3 would write a partial text and exit 0)"
            )
        );
        let read = diag::Error::Read {
            path: "x".into(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        };
        assert_eq!(
            read.note().map(|n| note_line(&n)).as_deref(),
            Some("note: gone")
        );
        let unhandled = diag::Error::Unhandled { tag: 7, fmt: 0x30 };
        assert_eq!(
            unhandled.note().map(|n| note_line(&n)).as_deref(),
            Some("error: nothing written (cfgfmt 2.3 would leave an empty output file)")
        );
    }
}
