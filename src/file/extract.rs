//! `extract` and `strip`: what a file holds, written out.
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::folder::read_capped;
use super::{AnyFile, File, FileKind, Payload};
use crate::pkg::error::{PkgError, Result};
use crate::pkg::{bundle, kup, sgn};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StripSummary {
    pub header_length: usize,
    pub payload_len: usize,
    pub embedded_name: Option<String>,
}

/// Write `output` atomically: a temp file in the same folder, then rename over the target.
pub fn write_atomic(output: &Path, data: &[u8]) -> Result<()> {
    folder_exists(output)?;
    crate::io::write_atomic(output, data).map_err(|e| write_error(output, e))
}

/// The folder `output` goes into must exist (the error names it, not a temporary file).
fn folder_exists(output: &Path) -> Result<()> {
    match output.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) if !dir.is_dir() => Err(PkgError::Unsupported(format!(
            "cannot write {}: the folder {} does not exist (create it first)",
            output.display(),
            dir.display()
        ))),
        _ => Ok(()),
    }
}

fn write_error(fallback: &Path, e: crate::diag::Error) -> PkgError {
    match e {
        crate::diag::Error::Write { path, source } => PkgError::io(&path, source),
        other => PkgError::io(fallback, std::io::Error::other(other.to_string())),
    }
}

/// `strip IN OUT`: the payload without the signed header (e.g. `.sbn` → `.bin`).
pub fn strip(input: &Path, output: &Path) -> Result<StripSummary> {
    let bytes = read_capped(input)?;
    if !sgn::looks_signed(&bytes) {
        // "bad magic for SGN header" would leave the user guessing: say what the file is.
        let name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let what = if bytes.is_empty() {
            "it is empty".to_string()
        } else {
            let kind = crate::pkg::detect::detect(&name, &bytes);
            let is = match kind {
                crate::pkg::detect::FileKind::Unknown => String::new(),
                k => format!(" ({})", k.describe()),
            };
            format!("it has no signed header: it is already unsigned{is}")
        };
        return Err(PkgError::Unsupported(format!(
            "nothing to strip from {}: {what}",
            input.display()
        )));
    }
    let s = sgn::parse(&bytes)?;
    write_atomic(output, s.payload())?;
    Ok(StripSummary {
        header_length: s.payload_offset(),
        payload_len: s.payload().len(),
        embedded_name: s.header.filename.clone(),
    })
}

/// A member's path inside the output folder: its folders kept, nothing that could leave the
/// folder (`..`, absolute paths, drive letters). `None` for folder entries and unsafe names.
fn safe_member_path(name: &str) -> Option<PathBuf> {
    if name.ends_with('/') || name.ends_with('\\') {
        return None;
    }
    let mut out = PathBuf::new();
    for part in name.split(['/', '\\']) {
        if part.is_empty() || part == "." {
            continue;
        }
        if part == ".." || part.contains(':') {
            return None;
        }
        out.push(part);
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// `extract IN DIR`: a kup1 package's regions (and the rebuilt bank), a bundle's members, or a
/// signed file's payload. Returns the files written.
pub fn extract(input: &Path, out_dir: &Path) -> Result<Vec<PathBuf>> {
    let bytes = read_capped(input)?;
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = File::open(&name, &bytes, &Default::default());
    // Everything is read and checked first; nothing is written unless all of it is sound.
    let files = match &file.parsed {
        Ok(parsed) => contents(&file, parsed)?,
        Err(_) if sgn::looks_signed(&bytes) => {
            // A signed header whose payload is damaged: the parse error says where.
            sgn::parse(&bytes)?;
            return Err(nothing(&file));
        }
        Err(e) if matches!(file.kind, FileKind::Kup | FileKind::Bundle) => {
            return Err(PkgError::Unsupported(e.to_string()));
        }
        Err(_) => return Err(nothing(&file)),
    };
    write_out(out_dir, &files)
}

/// The files inside an opened file, named as `extract` writes them.
fn contents(file: &File<'_>, parsed: &AnyFile<'_>) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    match parsed {
        AnyFile::Kup(pkg) => kup_regions(pkg),
        AnyFile::Signed {
            payload: Ok(Payload::Kup(pkg)),
            ..
        } => kup_regions(pkg),
        AnyFile::Signed {
            payload: Err(e), ..
        } if file.kind == FileKind::SignedKup => Err(PkgError::Unsupported(e.to_string())),
        AnyFile::Bundle(members) => bundle_members(members),
        AnyFile::Signed { signed, .. } => {
            let name = file.name.as_str();
            let stem = name.rsplit_once('.').map(|(a, _)| a).unwrap_or(name);
            Ok(vec![(
                PathBuf::from(format!("{stem}.payload")),
                signed.payload().to_vec(),
            )])
        }
        _ => Err(nothing(file)),
    }
}

fn nothing(file: &File<'_>) -> PkgError {
    PkgError::Unsupported(format!("nothing to extract from {}", file.kind.describe()))
}

fn kup_regions(pkg: &kup::KupPackage<'_>) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    for r in &pkg.regions {
        let (out, check) = pkg.region_output(r)?;
        if let Some(e) = check.error {
            return Err(PkgError::Decompress {
                offset: pkg.base + r.data_offset,
                what: format!("region {}: {e}", r.index),
            });
        }
        let kind = if r.compressed { "deflate" } else { "raw" };
        files.push((
            PathBuf::from(format!("region-{:02}-{kind}-{:#07x}.bin", r.index, r.dest)),
            out,
        ));
    }
    // The rebuilt bank is a convenience; overlapping regions have none.
    if let Ok(bank) = pkg.bank() {
        files.push((PathBuf::from("bank.bin"), bank));
    }
    Ok(files)
}

fn bundle_members(members: &[bundle::Member]) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for m in members {
        if m.truncated {
            return Err(PkgError::TooLarge {
                offset: 0,
                what: "zip member",
                limit: bundle::MAX_MEMBER,
            });
        }
        if let Some(n) = safe_member_path(&m.name) {
            if files.iter().any(|(f, _)| *f == n) {
                return Err(PkgError::Unsupported(format!(
                    "two members are named {}: extract would overwrite one",
                    n.display()
                )));
            }
            files.push((n, m.data.clone()));
        }
    }
    Ok(files)
}

/// Write every file under `out_dir` (folders created), all or nothing.
fn write_out(out_dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out_dir).map_err(|e| PkgError::io(out_dir, e))?;
    let paths: Vec<(PathBuf, &[u8])> = files
        .iter()
        .map(|(n, d)| (out_dir.join(n), d.as_slice()))
        .collect();
    for (p, _) in &paths {
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| PkgError::io(parent, e))?;
        }
    }
    crate::io::write_all_atomic(&paths).map_err(|e| write_error(out_dir, e))?;
    Ok(paths.into_iter().map(|(p, _)| p).collect())
}
