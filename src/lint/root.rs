//! A whole TFTP root: every configuration file below it (bounded walk, symlinks not
//! followed), names in the wrong case, and loads the XML files name that are not there.
use std::collections::BTreeSet;
use std::path::Path;

use super::checks;
use super::{FileRole, LintError, MAX_CONFIG_BYTES, MAX_ENTRIES, finding, lint_file, read_config};
use crate::device::{BootFileKind, canonical_name, classify_boot_file};
use crate::finding::Finding;

/// Subfolders walked below the root (Cisco trees keep locales and ring tones one or two
/// levels down).
const MAX_DEPTH: usize = 4;
use crate::device::LOAD_FILE_EXTENSIONS as LOAD_EXTENSIONS;

/// A configuration file whose name is the phone's in another case.
pub(crate) fn name_case(name: &str) -> Option<Finding> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (kind, _) = classify_boot_file(base)?;
    if !matches!(
        kind,
        BootFileKind::SipDefault
            | BootFileKind::SipMac
            | BootFileKind::SepMac
            | BootFileKind::XmlDefault
    ) {
        return None;
    }
    let want = canonical_name(base)?;
    (want != base).then(|| {
        finding(
            &checks::CONFIG_FILE_NAME_CASE,
            name,
            None,
            format!("the phone asks for \"{want}\", not \"{base}\""),
            format!("Rename \"{base}\" to \"{want}\"."),
        )
    })
}

/// Files below `dir` (relative paths with `/`), bounded.
fn walk(dir: &Path) -> Result<(Vec<String>, Vec<Finding>), LintError> {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new(), 0usize)];
    let mut entries = 0usize;
    while let Some((path, rel, depth)) = stack.pop() {
        let rd = std::fs::read_dir(&path).map_err(|source| LintError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let mut names: Vec<(String, std::fs::FileType)> = rd
            .filter_map(Result::ok)
            .filter_map(|e| {
                Some((
                    e.file_name().to_string_lossy().into_owned(),
                    e.file_type().ok()?,
                ))
            })
            .collect();
        names.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, ft) in names {
            entries += 1;
            if entries > MAX_ENTRIES {
                notes.push(finding(
                    &checks::FILE_UNREADABLE,
                    ".",
                    None,
                    format!("more than {MAX_ENTRIES} entries: the rest was not checked"),
                    "Lint the folders one by one.".into(),
                ));
                return Ok((files, notes));
            }
            let r = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if ft.is_dir() && depth < MAX_DEPTH && !name.starts_with('.') {
                stack.push((path.join(&name), r, depth + 1));
            } else if ft.is_file() {
                files.push(r);
            }
        }
    }
    files.sort();
    Ok((files, notes))
}

fn head(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut buf = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(4).read_to_end(&mut buf);
    }
    buf
}

/// Lints every configuration file below `dir`: returns how many were read and the findings
/// (file names relative to `dir`).
pub(crate) fn lint_root(dir: &Path) -> Result<(usize, Vec<Finding>), LintError> {
    let (files, mut findings) = walk(dir)?;
    let mut read = Vec::new();
    for rel in &files {
        let path = dir.join(rel);
        let name_only = FileRole::of(rel, b"");
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        // A #txt profile is told by its first bytes: look only at small files.
        let role = name_only.or_else(|| {
            (size <= MAX_CONFIG_BYTES)
                .then(|| FileRole::of(rel, &head(&path)))
                .flatten()
        });
        if role.is_none() {
            continue;
        }
        match read_config(&path) {
            Ok(bytes) => {
                findings.extend(lint_file(rel, &bytes));
                read.push((rel.clone(), bytes));
            }
            Err(f) => findings.push((*f).in_file(rel.clone())),
        }
    }
    let top: BTreeSet<String> = files.iter().filter(|f| !f.contains('/')).cloned().collect();
    for (rel, bytes) in &read {
        if FileRole::of(rel, bytes) == Some(FileRole::Xml) {
            findings.extend(missing_loads(rel, bytes, &top));
        }
    }
    Ok((read.len(), findings))
}

/// Lints the configuration files a caller already read (doctor): contents only; the
/// caller checks names and loads itself.
pub fn lint_root_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<Finding> {
    files
        .into_iter()
        .filter(|(name, bytes)| FileRole::of(name, bytes).is_some())
        .flat_map(|(name, bytes)| {
            let mut f = lint_file(name, bytes);
            f.retain(|f| f.code != checks::CONFIG_FILE_NAME_CASE.id);
            f
        })
        .collect()
}

/// `xml-load-missing` findings: loads an XML configuration names that have no file among
/// `root_files` (the names at the top of the TFTP root).
pub fn missing_loads(file: &str, bytes: &[u8], root_files: &BTreeSet<String>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (load, line) in super::xml::load_names(bytes) {
        let candidates: Vec<String> = std::iter::once(load.clone())
            .chain(LOAD_EXTENSIONS.iter().map(|e| format!("{load}.{e}")))
            .collect();
        if candidates.iter().any(|c| root_files.contains(c)) {
            continue;
        }
        let other_case = root_files
            .iter()
            .find(|f| candidates.iter().any(|c| c.eq_ignore_ascii_case(f)));
        let stem = load
            .split(['.', '-'])
            .next()
            .unwrap_or(&load)
            .to_ascii_lowercase();
        let similar: Vec<&String> = root_files
            .iter()
            .filter(|f| f.to_ascii_lowercase().starts_with(&stem) && f.ends_with(".loads"))
            .take(3)
            .collect();
        let (message, fix) = match other_case {
            Some(f) => (
                format!("the load {load} is on the root only as \"{f}\" (another case)"),
                format!("Rename \"{f}\" to the case the file names."),
            ),
            None => {
                let near = if similar.is_empty() {
                    String::new()
                } else {
                    let s: Vec<String> = similar.iter().map(|s| format!("\"{s}\"")).collect();
                    format!(" (the root has {})", s.join(", "))
                };
                (
                    format!(
                        "the load {load} has no file on the root ({load}.loads, .bin, .sbn …){near}"
                    ),
                    "Copy the load's files to the root, or name a load that is there.".into(),
                )
            }
        };
        out.push(finding(
            &checks::XML_LOAD_MISSING,
            file,
            Some(line),
            message,
            fix,
        ));
    }
    out
}
