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

/// Prints the failure on stderr; returns exit status 1.
pub fn report(f: &Failure) -> i32 {
    eprintln!("{}", f.line());
    1
}
