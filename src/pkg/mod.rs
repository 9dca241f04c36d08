//! Firmware package inspectors, one module per format.
//!
//! Every parser borrows the file bytes (`&[u8]`) and returns typed structures or a
//! [`PkgError`] naming the byte offset where the input stopped making sense. Untrusted input
//! never panics: the crate-wide lints in `lib.rs` forbid the usual ways to get it wrong.
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

/// Upper bound for anything we inflate or read from an archive member (zip-bomb guard).
pub const MAX_OUTPUT: usize = crate::io::Limit::FIRMWARE.bytes as usize;
