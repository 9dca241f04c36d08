//! Writing outputs atomically: a temporary file in the same folder, then a rename, so a
//! reader (a phone's TFTP server) never sees half a profile and a failure leaves the old
//! file as it was.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::{Error, Result};

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes several files; none is replaced unless every one could be staged first.
pub fn write_all_atomic(files: &[(PathBuf, &[u8])]) -> Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let mut tmp = tempfile::Builder::new()
            .prefix(".cfgfmt-")
            .tempfile_in(folder_of(path))
            .map_err(write_err(path))?;
        tmp.write_all(bytes).map_err(write_err(path))?;
        tmp.as_file().sync_all().map_err(write_err(path))?;
        staged.push((path, tmp));
    }
    for (path, tmp) in staged {
        tmp.persist(path).map_err(|e| Error::Write {
            path: path.clone(),
            source: e.error,
        })?;
    }
    Ok(())
}

/// Writes one file atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_all_atomic(&[(path.to_path_buf(), bytes)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::write(&a, b"old").unwrap();
        write_all_atomic(&[(a.clone(), b"new"), (dir.path().join("b"), b"bee")]).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2);
    }

    #[test]
    fn failure_to_stage_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::write(&a, b"old").unwrap();
        let missing = dir.path().join("no/such/dir/b");
        assert!(write_all_atomic(&[(a.clone(), b"new"), (missing, b"x")]).is_err());
        assert_eq!(std::fs::read(&a).unwrap(), b"old");
    }
}
