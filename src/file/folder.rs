//! The folder walk of `inspect`: every file of a folder (or a bundle's members) opened with
//! the one file model, listed in one report, then the checks across them.
use std::path::{Path, PathBuf};

use super::report::{FileReport, PkgReport, report, unreadable_report};
use super::{Context, File, FileKind, ProfileTable, recognise};
use crate::io::ReadError;
use crate::pkg::MAX_OUTPUT;
use crate::pkg::bundle::{self, Check};
use crate::pkg::error::{PkgError, Result};
use crate::pkg::sgn::{self, VerifyingKey};
use crate::profile::inspect::InspectOptions as ProfileOptions;
use crate::report::Status;
use crate::table::TagTable;

#[derive(Debug, Clone, Default)]
pub struct InspectOptions {
    /// PEM certificate or public key for signature verification.
    pub cert: Option<PathBuf>,
    pub json: bool,
    /// Check the set of files in this folder (default: the inspected file's folder, for `.loads`).
    pub dir: Option<PathBuf>,
    /// Keys, protocol filter and secrets for binary profiles.
    pub profile: ProfileOptions,
    /// The tag table for binary profiles; `None`: a `*ptag*.dat` beside them, else the
    /// built-in table that explains most of their records.
    pub table: Option<ProfileTable>,
}
/// Bytes of a folder held at once for the cross-file checks.
pub const MAX_DIR_TOTAL: usize = 4 * MAX_OUTPUT;

/// Any file `inspect`, `dump`, `strip`, `extract` read, up to [`crate::io::Limit::FIRMWARE`].
pub(crate) fn read_capped(path: &Path) -> Result<Vec<u8>> {
    Ok(crate::io::read_bounded(path, crate::io::Limit::FIRMWARE)?)
}

fn load_key(opts: &InspectOptions) -> Result<Option<VerifyingKey>> {
    opts.cert
        .as_deref()
        .map(sgn::load_verifying_key_file)
        .transpose()
}

/// A file of the folder that was not read: (name, size, reason).
pub type Unread = (String, u64, String);
/// A file of the folder that was read: (name, bytes).
pub type ReadFile = (String, Vec<u8>);

/// Regular files directly inside `dir`, sorted, with their bytes; the files that could not be
/// read (or were over a limit) come back apart, with the reason.
fn read_dir_files(dir: &Path) -> Result<(Vec<ReadFile>, Vec<Unread>)> {
    let mut out = Vec::new();
    let mut unread = Vec::new();
    let mut total = 0usize;
    let mut listed: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| PkgError::io(dir, e))? {
        let entry = entry.map_err(|e| PkgError::io(dir, e))?;
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        listed.push((entry.file_name().to_string_lossy().into_owned(), path));
    }
    listed.sort();
    for (name, path) in listed {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        match read_capped(&path) {
            Ok(bytes) => {
                // A TFTP root can be large: stop holding files past the folder budget.
                if total.saturating_add(bytes.len()) > MAX_DIR_TOTAL {
                    unread.push((
                        name,
                        size,
                        format!("not read: the folder holds more than {MAX_DIR_TOTAL} bytes"),
                    ));
                    continue;
                }
                total += bytes.len();
                out.push((name, bytes));
            }
            Err(PkgError::Read(ReadError::TooLarge(t))) => {
                let limit = t.limit.bytes;
                unread.push((name, size, format!("over the {limit}-byte read limit")));
            }
            Err(e) => {
                let reason = match e {
                    PkgError::Read(ReadError::Io { source, .. }) => source.to_string(),
                    other => other.to_string(),
                };
                unread.push((name, size, reason));
            }
        }
    }
    Ok((out, unread))
}

/// Is this the name of a tag table (`ptag.dat`, Cisco's `sip_ptag7912.dat`)?
pub fn is_table_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("ptag") && lower.ends_with(".dat")
}

/// A tag table beside the profiles: `*ptag*.dat` in the folder (Cisco's tree has
/// `sip_ptag7912.dat`).
fn folder_table(files: &[(String, Vec<u8>)]) -> Option<ProfileTable> {
    files.iter().find_map(|(n, b)| {
        if !is_table_name(n) {
            return None;
        }
        let (t, _) = TagTable::parse(b);
        (!t.entries().is_empty()).then(|| (t, n.clone()))
    })
}

/// Folder inspection: every file (unreadable ones with their reason), then the set checks.
fn inspect_folder(
    files: &[(String, Vec<u8>)],
    unread: &[Unread],
    key: Option<&VerifyingKey>,
    opts: &InspectOptions,
) -> (Vec<FileReport>, Vec<Check>) {
    let found = opts.table.is_none().then(|| folder_table(files)).flatten();
    let ctx = Context {
        key,
        table: opts.table.as_ref().or(found.as_ref()),
        profile: opts.profile.clone(),
    };
    let mut reports: Vec<FileReport> = files
        .iter()
        .map(|(name, bytes)| report(&File::open(name, bytes, &ctx), key))
        .collect();
    let big = |r: &str| r.starts_with("over the") || r.starts_with("not read:");
    for (name, size, reason) in unread {
        let mut rep = unreadable_report(name, *size, reason);
        if big(reason) {
            rep.findings.clear();
            rep.hint = Some(format!("{reason}: not inspected"));
        }
        reports.push(rep);
    }
    reports.sort_by(|a, b| a.name.cmp(&b.name));
    let set: Vec<bundle::SetFile<'_>> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let mut checks = bundle::check_set(&set);
    // A file that is here but could not be read is not "missing".
    for c in &mut checks {
        if c.status != Status::Bad {
            continue;
        }
        if let Some((n, _, reason)) = unread
            .iter()
            .find(|(n, _, _)| c.name == format!("{n} present") || c.detail.contains(n.as_str()))
        {
            c.detail = format!("{n} is here but was not read: {reason}");
            if big(reason) {
                c.status = Status::Info;
            }
        }
    }
    (reports, checks)
}

/// `inspect FILE|DIR`: for a folder every file plus the cross-file checks; for a `.loads`
/// (or with `--dir`) the checks of its folder; for a zip its members and their checks.
pub fn inspect_path(path: &Path, opts: &InspectOptions) -> Result<PkgReport> {
    let key = load_key(opts)?;
    let mut out = PkgReport {
        path: path.display().to_string(),
        files: Vec::new(),
        checks: Vec::new(),
    };
    if path.is_dir() {
        let (files, unread) = read_dir_files(path)?;
        let (reports, checks) = inspect_folder(&files, &unread, key.as_ref(), opts);
        out.files = reports;
        out.checks = checks;
        return Ok(out);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut input = crate::io::open_bounded(path, crate::io::Limit::FIRMWARE)?;
    let head = input.read_head(super::HEAD_BYTES)?;
    if opts.dir.is_none() && super::unknown_by_head(&name, &head, &opts.profile) {
        // Nothing to parse: count and classify the rest as it streams past.
        let (size, text) = scan_rest(&head, &mut input)?;
        out.files
            .push(super::unknown_report(&name, size, &head, text));
        return Ok(out);
    }
    let bytes = input.read_rest(head)?;
    let kind = recognise(&name, &bytes, &opts.profile);
    let found = opts
        .table
        .is_none()
        .then(|| table_for(path, kind, None))
        .flatten();
    let ctx = Context {
        key: key.as_ref(),
        table: opts.table.as_ref().or(found.as_ref()),
        profile: opts.profile.clone(),
    };
    let file = File::open(&name, &bytes, &ctx);
    let kind = file.kind;
    out.files.push(report(&file, key.as_ref()));
    if kind == FileKind::Bundle {
        let members = bundle::read_zip(&bytes)?;
        let ctx = Context { table: None, ..ctx };
        for m in &members {
            out.files
                .push(report(&File::open(&m.name, &m.data, &ctx), key.as_ref()));
        }
        let set: Vec<bundle::SetFile<'_>> = members
            .iter()
            .map(|m| (m.basename(), m.data.as_slice()))
            .collect();
        out.checks = bundle::check_set(&set);
    } else if kind == FileKind::Loads || opts.dir.is_some() {
        let dir = match &opts.dir {
            Some(d) => d.clone(),
            None => path
                .parent()
                .map(Path::to_path_buf)
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or_else(|| PathBuf::from(".")),
        };
        let (files, unread) = read_dir_files(&dir)?;
        let (_, checks) = inspect_folder(&files, &unread, key.as_ref(), opts);
        out.checks = checks;
    }
    Ok(out)
}

/// The size of an input and whether all of it is text ([`super::hint_text`]), `head`
/// being what was read of it already; the rest is read a block at a time, never held.
fn scan_rest(head: &[u8], input: &mut crate::io::Bounded<std::fs::File>) -> Result<(usize, bool)> {
    use std::io::Read;
    let mut size = head.len();
    let mut text = !head.is_empty() && super::hint_text(head);
    let mut block = vec![0u8; 64 << 10];
    loop {
        let n = match input.read(&mut block) {
            Ok(0) => return Ok((size, text)),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(crate::io::ReadError::from_io(input.name(), e).into()),
        };
        size = size.saturating_add(n);
        text = text && super::hint_text(block.get(..n).unwrap_or_default());
    }
}

/// `*ptag*.dat` in `dir`, parsed (the first, by name, that holds entries).
pub fn table_beside(dir: &Path) -> Option<ProfileTable> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .is_some_and(|n| is_table_name(&n))
        })
        .collect();
    names.sort();
    names.into_iter().find_map(|p| {
        let bytes = crate::io::read_bounded(&p, crate::io::Limit::TAG_TABLE).ok()?;
        let (t, _) = TagTable::parse(&bytes);
        (!t.entries().is_empty()).then(|| (t, p.display().to_string()))
    })
}

/// The table to read the file at `path` with: `explicit` if given, else for a binary profile
/// a `*ptag*.dat` beside it (`None`: the built-in table that explains most).
pub fn table_for(
    path: &Path,
    kind: FileKind,
    explicit: Option<ProfileTable>,
) -> Option<ProfileTable> {
    if explicit.is_some() || kind != FileKind::Profile {
        return explicit;
    }
    let beside = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    table_beside(beside)
}
