//! `batch`: one template profile and a CSV of devices in, one compiled profile per device
//! out (`<prefix><mac>`, as the devices request them over TFTP).
//!
//! Each row's cells become `Name:Value` assignments placed after the template's, so the row
//! wins and every codec, warning and limit of the compiler applies unchanged. Rows compile
//! in parallel; each device's files are written atomically, and only when their bytes
//! differ from what is on disk.
//!
//! Strong (`.x`, `.xex`) files carry a fresh random mask on every compile, so their bytes
//! never repeat: they count as unchanged when the file on disk decrypts, under the key this
//! run uses, to the same header and records as the new one. A changed key therefore
//! rewrites them, an unchanged profile does not.

//!
//! The module is the data side of the `batch` subcommand: [`devices`] reads the CSV,
//! [`template`] compiles the shared profile once, [`engine`] compiles (and writes) the rows
//! in parallel and returns a [`BatchReport`]. Printing and the progress bar belong to the
//! binary.

pub mod devices;
pub mod engine;
pub mod report;
pub mod template;

use std::path::PathBuf;

use crate::diag;
use crate::profile::CompileOptions;

pub use devices::{Devices, MAC_COLUMN, MAX_COLUMNS, MAX_DEVICES_BYTES, MAX_ROWS};
pub use engine::{Batch, NoProgress, Progress};
pub use report::{BatchReport, Counts, RowReport, RowStatus};
pub use template::Template;

/// The file-name prefix a device type requests (spec §k).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// ATA 186/188: `ata<mac>`.
    Ata,
    /// 7912G: `gk<mac>`.
    Gk,
    /// 7905G: `ld<mac>`.
    Ld,
    /// The bare MAC.
    None,
}

impl Prefix {
    pub fn as_str(self) -> &'static str {
        match self {
            Prefix::Ata => "ata",
            Prefix::Gk => "gk",
            Prefix::Ld => "ld",
            Prefix::None => "",
        }
    }
}

/// Fatal problems: no device is compiled (or written) when one occurs. The front end
/// leads the message with `error: `.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    #[error("template {path}: {}", nested(.source))]
    Template { path: String, source: diag::Error },
    #[error("template {path} does not start with #txt")]
    TemplateNotText { path: String },
    #[error("template {path} has {count} error(s); no device compiled")]
    TemplateErrors { path: String, count: usize },
    #[error("devices file {path}: {}", nested(.source))]
    DevicesRead { path: String, source: diag::Error },
    #[error("{path} line {line}: {message}")]
    Csv {
        path: String,
        line: u64,
        message: String,
    },
    #[error("{path} has no header row")]
    NoHeader { path: String },
    #[error("{path} has no `mac` column")]
    NoMacColumn { path: String },
    #[error("{path} has {count} columns; at most {limit} are accepted")]
    TooManyColumns {
        path: String,
        count: usize,
        limit: usize,
    },
    #[error("{path} has more than {limit} device rows")]
    TooManyRows { path: String, limit: usize },
    #[error("{path}: column {column} has no name")]
    EmptyColumnName { path: String, column: usize },
    #[error("{path}: column {} appears twice (columns {first} and {second})", shown(.name))]
    DuplicateColumn {
        path: String,
        name: String,
        first: usize,
        second: usize,
    },
    #[error(
        "{path}: {} of the table{}, nor a compiler keyword; no device compiled",
        list_columns(.columns),
        filter_note(*.protocols)
    )]
    UnknownColumns {
        path: String,
        /// Name and 1-based column number.
        columns: Vec<(String, usize)>,
        protocols: crate::table::Protocols,
    },
    #[error("cannot create output folder {}: {source}", .path.display())]
    OutDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "cannot write into the output folder {}: {reason}; no profile written",
        .path.display()
    )]
    FolderRefused { path: PathBuf, reason: String },
    #[error(
        "interrupted after compiling {compiled} of {total} devices: no profile written, the temporary files removed (the output folder is as it was){}",
        leftovers_note(*.leftovers_removed)
    )]
    Interrupted {
        compiled: usize,
        total: usize,
        leftovers_removed: usize,
    },
    #[error("cannot start worker threads: {0}")]
    Threads(#[source] rayon::ThreadPoolBuildError),
}

fn leftovers_note(n: usize) -> String {
    match n {
        0 => String::new(),
        n => format!("; {n} leftover(s) of an earlier killed run were removed first"),
    }
}

/// A library error nested in ours: its own lead only where it is not the plain `error: `
/// the front end puts before the whole line.
fn nested(e: &diag::Error) -> String {
    if let diag::Error::InputTooLarge(t) = e {
        // The message names the file already.
        return t.reason();
    }
    let text = match e.lead() {
        "error: " => e.to_string(),
        lead => format!("{lead}{e}"),
    };
    // A file that cannot be read says why (no such file, permission denied).
    match e {
        diag::Error::Read { source, .. } => format!("{text}: {source}"),
        _ => text,
    }
}

/// A header name for a message: quoted, control characters escaped, and cut short, since
/// a malformed file can hold a name of megabytes.
fn shown(name: &str) -> String {
    const MAX: usize = 64;
    match name.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}…", name.get(..cut).unwrap_or_default()),
        None => format!("{name:?}"),
    }
}

fn list_columns(columns: &[(String, usize)]) -> String {
    let names: Vec<String> = columns
        .iter()
        .map(|(n, i)| format!("column {} (column {i})", shown(n)))
        .collect();
    let verb = if columns.len() == 1 {
        "is not a parameter"
    } else {
        "are not parameters"
    };
    format!("{} {verb}", names.join(", "))
}

fn filter_note(protocols: crate::table::Protocols) -> &'static str {
    if protocols.is_all() {
        ""
    } else {
        " under the protocol filter"
    }
}

/// What batch does with its rows beyond compiling them.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// The compiler's switches; `output_name` and `verbose` are set per row.
    pub compile: CompileOptions,
    pub prefix: Prefix,
    /// Rewrite files even when their contents are unchanged.
    pub force: bool,
    /// `Flush`: one `syncfs` makes every staged file durable before any is renamed.
    pub durability: crate::io::Durability,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_column_names_are_cut_in_messages() {
        assert_eq!(shown("UID"), "\"UID\"");
        assert_eq!(shown("a\tb"), "\"a\\tb\"");
        let long = shown(&"x".repeat(10_000));
        assert_eq!(long, format!("{:?}…", "x".repeat(64)));
    }
}
