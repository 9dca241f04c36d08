//! Firmware package inspectors, one module per format.
//!
//! Every parser borrows the file bytes (`&[u8]`) and returns typed structures or a
//! [`PkgError`] naming the byte offset where the input stopped making sense. Untrusted input
//! never panics: the lints of `Cargo.toml` (`[lints.clippy]`) forbid the usual ways to get it wrong.
pub mod bundle;
pub mod bytes;
pub mod detect;
pub mod error;
pub mod image;
pub mod kup;
pub mod loads;
pub mod names;
pub mod sgn;
pub mod sig78;
pub mod textfiles;
pub mod tlv;

pub use error::PkgError;

/// The checks `inspect` makes on a firmware package file, one constant each (documented in
/// `docs/firmware.md`).
pub mod checks {
    use crate::finding::catalogue;

    catalogue! {
        /// Every check of a package file.
        pub const CHECKS;
        PARSE_ERROR = "parse-error", [], Error,
            "the file does not parse as the format it was recognised as (the message gives the offset)",
            "The phone rejects the file: \"Image Authentication Failed\" or \"Protocol Application Invalid\".";
        PACKAGE_WARNING = "package-warning", [], Warning,
            "the file parses, with something unusual in it: the message says what (an encrypted profile, a layout problem, a text file's odd line)",
            "Often harmless; the message says what a phone may make of it.";
        UNREADABLE = "unreadable", [], Error,
            "the file could not be read (permissions, a folder, too large)",
            "Nothing was checked.";
    }
}
pub use checks::CHECKS;

/// Upper bound for anything we inflate or read from an archive member (zip-bomb guard).
pub const MAX_OUTPUT: usize = crate::io::Limit::FIRMWARE.bytes as usize;
