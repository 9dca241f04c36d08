//! The one error type of the package inspectors; every parse error names a byte offset.
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkgError {
    #[error("offset {offset:#x}: truncated {what}: need {needed} bytes, {available} available")]
    Truncated {
        offset: usize,
        what: &'static str,
        needed: usize,
        available: usize,
    },
    #[error("offset {offset:#x}: bad magic for {what}: expected {expected}, found {found}")]
    BadMagic {
        offset: usize,
        what: &'static str,
        expected: &'static str,
        found: String,
    },
    #[error("offset {offset:#x}: {what}")]
    Invalid { offset: usize, what: String },
    #[error("offset {offset:#x}: {what} exceeds the {limit}-byte limit")]
    TooLarge {
        offset: usize,
        what: &'static str,
        limit: usize,
    },
    #[error("offset {offset:#x}: compressed region: {what}")]
    Decompress { offset: usize, what: String },
    #[error("certificate: {0}")]
    Certificate(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Unsupported(String),
    /// An input that could not be read, or was over its limit.
    #[error(transparent)]
    Read(#[from] crate::io::ReadError),
}

impl PkgError {
    pub(crate) fn invalid(offset: usize, what: impl Into<String>) -> Self {
        PkgError::Invalid {
            offset,
            what: what.into(),
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        PkgError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The byte offset the error names, if it is a parse error.
    pub fn offset(&self) -> Option<usize> {
        match self {
            PkgError::Truncated { offset, .. }
            | PkgError::BadMagic { offset, .. }
            | PkgError::Invalid { offset, .. }
            | PkgError::TooLarge { offset, .. }
            | PkgError::Decompress { offset, .. } => Some(*offset),
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, PkgError>;
