//! The parallel engine: compiles every row against the template and, for a run, stages
//! and commits each device's changed files. Returns a [`BatchReport`]; prints nothing.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use super::devices::{Devices, Row, latin1};
use super::report::{BatchReport, RowReport, RowStatus};
use super::template::{Template, row_options};
use super::{BatchError, BatchOptions};
use crate::crypto;
use crate::diag::{Location, Severity};
use crate::io::{NewFolder, Staged};
use crate::profile::{CompileOutput, compile_items};
use crate::table::TagTable;
use crate::text::{self, Item};

/// Called as rows finish, from worker threads.
pub trait Progress: Sync {
    fn start(&self, _what: &'static str, _total: u64) {}
    fn inc(&self) {}
    fn finish(&self) {}
}

/// No progress display.
pub struct NoProgress;
impl Progress for NoProgress {}

/// A row problem found before or instead of compiling. Never carries a cell's value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RowError {
    FieldCount { got: usize, want: usize },
    BadMac,
    DuplicateMac { mac: String, first: u64 },
    MultiLine { column: String },
    Nul { column: String },
}

impl RowError {
    fn render(&self, file: &str, line: u64) -> String {
        match self {
            RowError::FieldCount { got, want } => {
                format!("error: {file} line {line}: {got} fields, the header has {want}")
            }
            RowError::BadMac => format!(
                "error: {file} line {line}, column mac: not a MAC address \
                 (12 hex digits, e.g. 00:07:0E:36:E5:7B, 0007.0e36.e57b)"
            ),
            RowError::DuplicateMac { mac, first } => format!(
                "error: {file} line {line}, column mac: duplicate MAC {mac}, \
                 first on line {first}"
            ),
            RowError::MultiLine { column } => format!(
                "error: {file} line {line}, column {column}: the value spans several lines; \
                 a profile value is one line"
            ),
            RowError::Nul { column } => {
                format!("error: {file} line {line}, column {column}: the value holds a NUL byte")
            }
        }
    }
}

/// A library error as the one line a row's report holds, led as the front end leads it.
/// File errors carry their reason (`Permission denied`, `No space left on device`).
fn error_line(e: &crate::diag::Error) -> String {
    use crate::diag::Error as E;
    match e {
        E::Read { source, .. } | E::Write { source, .. } | E::MoveIn { source, .. } => {
            format!("{}{e}: {}", e.lead(), io_reason(source))
        }
        _ => format!("{}{e}", e.lead()),
    }
}

/// An I/O error's reason without the temporary file's name tempfile appends
/// (`… at path "/tftp/.cfgfmt-123-AbCdEf"`): that name means nothing to the user.
fn io_reason(source: &std::io::Error) -> String {
    let text = source.to_string();
    match text.split_once(" at path ") {
        Some((reason, _)) => reason.to_string(),
        None => text,
    }
}

/// A write error that no other device can escape: the folder itself refuses files.
fn folder_wide(e: &crate::diag::Error) -> Option<String> {
    use std::io::ErrorKind as K;
    match e {
        crate::diag::Error::Write { source, .. }
            if matches!(
                source.kind(),
                K::PermissionDenied | K::ReadOnlyFilesystem | K::StorageFull | K::QuotaExceeded
            ) =>
        {
            Some(io_reason(source))
        }
        _ => None,
    }
}

/// Text-profile value grammar: a run of `:` and space before the value is skipped (a TAB
/// is part of the value, as in cfgfmt 2.3).
/// A row a stopped run did not compile (the run reports an error, not these rows).
fn skipped(line: u64) -> RowReport {
    RowReport {
        line,
        mac: None,
        status: RowStatus::Failed,
        files: Vec::new(),
        warnings: 0,
        errors: 0,
        messages: Vec::new(),
        info: Vec::new(),
    }
}

fn cell_value(cell: &[u8]) -> &[u8] {
    let start = cell
        .iter()
        .position(|b| !matches!(b, b':' | b' '))
        .unwrap_or(cell.len());
    cell.get(start..).unwrap_or_default()
}

fn is_strong(suffix: &str) -> bool {
    matches!(suffix, ".x" | ".xex")
}

/// Whether `path` already holds `new`: bytes for plain and weak files, the decrypted
/// profile for strong ones. The size is checked first, so no large file is read.
fn same_on_disk(path: &Path, new: &[u8], strong: Option<&[u8; 32]>) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if !meta.is_file() || meta.len() != new.len() as u64 {
        return false;
    }
    let limit = crate::io::Limit::new(meta.len(), "changed while read");
    let Ok(old) = crate::io::read_bounded(path, limit) else {
        return false;
    };
    match strong {
        None => old == new,
        Some(key) => match (
            crypto::strong_decrypt(&old, key),
            crypto::strong_decrypt(new, key),
        ) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
    }
}

/// Where a run writes.
#[derive(Clone, Copy)]
enum Target<'a> {
    /// A folder that already existed: changed files are replaced one by one.
    Existing(&'a Path),
    /// A folder made by this run: every file is new and appears with the folder.
    New(&'a NewFolder),
}

/// Writes all of a device's files into a new folder, or none of them.
fn write_new(
    folder: &NewFolder,
    name: &str,
    out: &CompileOutput,
) -> Result<(), crate::diag::Error> {
    let names: Vec<String> = out
        .files
        .iter()
        .map(|f| format!("{name}{}", f.suffix))
        .collect();
    for (i, (f, file_name)) in out.files.iter().zip(&names).enumerate() {
        if let Err(e) = folder.write(file_name, &f.bytes) {
            names.iter().take(i).for_each(|n| folder.discard(n));
            return Err(e);
        }
    }
    Ok(())
}

/// A template and devices ready to compile.
pub struct Batch<'t> {
    table: &'t TagTable,
    template: Template,
    devices: Devices,
    options: BatchOptions,
    /// Per row: the normalised MAC, or why the row has none.
    macs: Vec<Result<String, RowError>>,
    /// Why the output folder takes no file at all (permission, read-only, full), once a
    /// device found out: the other rows stop rather than fail one by one.
    folder_failure: std::sync::Mutex<Option<String>>,
}

impl<'t> Batch<'t> {
    pub fn new(
        table: &'t TagTable,
        template: Template,
        devices: Devices,
        options: BatchOptions,
    ) -> Self {
        // Sequential: a duplicate is reported on the later row, naming the first.
        let mut first_line: HashMap<String, u64> = HashMap::new();
        let macs = devices
            .rows
            .iter()
            .map(|row| {
                let cell = row.record.get(devices.mac_column).unwrap_or_default();
                let mac = std::str::from_utf8(cell)
                    .ok()
                    .and_then(|t| crate::device::Mac::parse(t).ok())
                    .map(|m| m.lower())
                    .ok_or(RowError::BadMac)?;
                if let Some(&first) = first_line.get(&mac) {
                    return Err(RowError::DuplicateMac { mac, first });
                }
                first_line.insert(mac.clone(), row.line);
                Ok(mac)
            })
            .collect();
        Batch {
            table,
            template,
            devices,
            options,
            macs,
            folder_failure: std::sync::Mutex::new(None),
        }
    }

    fn note_folder_failure(&self, e: &crate::diag::Error) {
        if let Some(why) = folder_wide(e)
            && let Ok(mut f) = self.folder_failure.lock()
            && f.is_none()
        {
            *f = Some(why);
        }
    }

    fn folder_failed(&self) -> bool {
        self.folder_failure.lock().is_ok_and(|f| f.is_some())
    }

    pub fn template(&self) -> &Template {
        &self.template
    }

    pub fn devices(&self) -> &Devices {
        &self.devices
    }

    /// Compiles every row without writing anything.
    pub fn check(&self, progress: &dyn Progress) -> BatchReport {
        progress.start("checking", self.devices.rows.len() as u64);
        let rows = self
            .devices
            .rows
            .par_iter()
            .zip(self.macs.par_iter())
            .map(|(row, mac)| {
                let (report, _) = self.row(row, mac, None);
                progress.inc();
                report
            })
            .collect();
        progress.finish();
        BatchReport {
            rows,
            leftovers_removed: 0,
        }
    }

    /// Compiles every row and writes each device's changed files into `out_dir`.
    ///
    /// A folder that does not exist yet is filled out of sight and appears whole at the end
    /// ([`NewFolder`]); in an existing folder each device's changed files are staged beside
    /// their destination and renamed into place.
    pub fn run(&self, out_dir: &Path, progress: &dyn Progress) -> Result<BatchReport, BatchError> {
        self.run_until(out_dir, progress, &AtomicBool::new(false))
    }

    /// [`Batch::run`], stopping when `stop` becomes true (the binary sets it on SIGINT or
    /// SIGTERM). A run stopped before its files go into place writes nothing: every file
    /// it staged is removed and [`BatchError::Interrupted`] says how far it got; once the
    /// renames have started they finish (they take moments), and the report is complete.
    /// Leftovers of runs that were killed outright (`.cfgfmt-<pid>-…` of a process that no
    /// longer runs) are removed from the output folder (or, for a new one, its parent)
    /// first; [`BatchReport::leftovers_removed`] counts them.
    pub fn run_until(
        &self,
        out_dir: &Path,
        progress: &dyn Progress,
        stop: &AtomicBool,
    ) -> Result<BatchReport, BatchError> {
        let dir_err = |source| BatchError::OutDir {
            path: out_dir.to_path_buf(),
            source,
        };
        // Absolute once here, rather than once per file.
        let out_dir = &std::path::absolute(out_dir).map_err(dir_err)?;
        let new_folder = match std::fs::symlink_metadata(out_dir) {
            // A path ending in `..` names no new folder to rename into: it is made (or
            // found) and filled file by file.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && out_dir.file_name().is_some() => {
                Some(NewFolder::create(out_dir).map_err(|e| match e {
                    crate::diag::Error::Write { source, .. } => {
                        dir_err(std::io::Error::new(source.kind(), io_reason(&source)))
                    }
                    other => dir_err(std::io::Error::other(other.to_string())),
                })?)
            }
            _ => {
                std::fs::create_dir_all(out_dir).map_err(dir_err)?;
                None
            }
        };
        let leftovers_removed = crate::io::remove_leftovers(match &new_folder {
            Some(_) => out_dir.parent().unwrap_or(out_dir),
            None => out_dir,
        });
        let target = match &new_folder {
            Some(folder) => Target::New(folder),
            None => Target::Existing(out_dir),
        };
        let total = self.devices.rows.len();
        let done = AtomicUsize::new(0);
        progress.start("compiling", total as u64);
        let staged: Vec<(RowReport, Vec<Staged>)> = self
            .devices
            .rows
            .par_iter()
            .zip(self.macs.par_iter())
            .map(|(row, mac)| {
                if stop.load(Ordering::Relaxed) || self.folder_failed() {
                    return (skipped(row.line), Vec::new());
                }
                let out = self.row(row, mac, Some(target));
                done.fetch_add(1, Ordering::Relaxed);
                progress.inc();
                out
            })
            .collect();
        progress.finish();
        let folder_failure = self.folder_failure.lock().ok().and_then(|mut f| f.take());
        if let Some(reason) = folder_failure {
            drop(staged);
            drop(new_folder);
            return Err(BatchError::FolderRefused {
                path: out_dir.to_path_buf(),
                reason,
            });
        }
        if stop.load(Ordering::Relaxed) {
            // Dropping the staged files and the new folder removes them.
            drop(staged);
            drop(new_folder);
            return Err(BatchError::Interrupted {
                compiled: done.into_inner(),
                total,
                leftovers_removed,
            });
        }
        if let Some(folder) = new_folder {
            let mut rows: Vec<RowReport> = staged.into_iter().map(|(r, _)| r).collect();
            // Every file appears at once, or none does.
            if let Err(e) = folder.commit(self.options.durability) {
                let e = error_line(&e);
                for report in rows.iter_mut().filter(|r| r.status == RowStatus::Written) {
                    report.status = RowStatus::Failed;
                    report.errors += 1;
                    report.messages.push(e.clone());
                }
            }
            return Ok(BatchReport {
                rows,
                leftovers_removed,
            });
        }
        // With --sync every staged file's data is made durable before any is renamed into
        // place, so even a power failure never leaves a device with a truncated profile.
        let synced = match self.options.durability {
            crate::io::Durability::Flush => {
                crate::io::sync_staged(out_dir, staged.iter().flat_map(|(_, f)| f))
                    .map_err(|e| error_line(&e))
            }
            crate::io::Durability::Rename => Ok(()),
        };
        let rows = staged
            .into_par_iter()
            .map(|(mut report, files)| {
                if files.is_empty() {
                    return report;
                }
                // A device's files go into place only once all of them are durable; its
                // main file last, so it never points at a companion that did not arrive.
                let result = match &synced {
                    Ok(()) => files
                        .into_iter()
                        .rev()
                        .try_for_each(Staged::commit)
                        .map_err(|e| error_line(&e)),
                    Err(e) => Err(e.clone()),
                };
                if let Err(e) = result {
                    report.status = RowStatus::Failed;
                    report.errors += 1;
                    report.messages.push(e);
                }
                report
            })
            .collect();
        Ok(BatchReport {
            rows,
            leftovers_removed,
        })
    }

    /// Compiles one row; with an output folder, also stages the files that changed.
    fn row(
        &self,
        row: &Row,
        mac: &Result<String, RowError>,
        out_dir: Option<Target<'_>>,
    ) -> (RowReport, Vec<Staged>) {
        let mut report = RowReport {
            line: row.line,
            mac: mac.as_ref().ok().cloned(),
            status: RowStatus::Failed,
            files: Vec::new(),
            warnings: 0,
            errors: 0,
            messages: Vec::new(),
            info: Vec::new(),
        };
        let items = match self.row_items(row, mac) {
            Ok(items) => items,
            Err(problems) => {
                let file = &self.devices.name;
                report.errors = problems.len();
                report.messages = problems.iter().map(|p| p.render(file, row.line)).collect();
                return (report, Vec::new());
            }
        };
        let Some(mac) = report.mac.clone() else {
            return (report, Vec::new()); // Unreachable: a MAC error was reported above.
        };
        let name = format!("{}{mac}", self.options.prefix.as_str());
        let opts = row_options(&self.options.compile, &name);
        let all = || self.template.items.iter().chain(&items);
        let out = match compile_items(all(), self.table, &opts) {
            Ok(out) => out,
            Err(e) => {
                report.errors = 1;
                report.messages.push(error_line(&e));
                return (report, Vec::new());
            }
        };
        report.files = out
            .files
            .iter()
            .map(|f| format!("{name}{}", f.suffix))
            .collect();
        self.classify(&mut report, &out);
        if report.errors > 0 {
            return (report, Vec::new()); // The original wrote such output; a batch does not.
        }
        let Some(dir) = out_dir else {
            report.status = RowStatus::Checked;
            return (report, Vec::new());
        };
        let dir = match dir {
            Target::Existing(dir) => dir,
            Target::New(folder) => {
                return match write_new(folder, &name, &out) {
                    Ok(()) => {
                        report.status = RowStatus::Written;
                        (report, Vec::new())
                    }
                    Err(e) => {
                        self.note_folder_failure(&e);
                        report.errors += 1;
                        report.messages.push(error_line(&e));
                        (report, Vec::new())
                    }
                };
            }
        };
        match self.stage_changed(dir, &name, &out) {
            Ok(staged) => {
                report.status = if staged.is_empty() {
                    RowStatus::Unchanged
                } else {
                    RowStatus::Written
                };
                (report, staged)
            }
            Err(e) => {
                report.errors += 1;
                report.messages.push(e);
                (report, Vec::new())
            }
        }
    }

    /// The row's cells as assignments after the template's, or every problem found in it.
    fn row_items(
        &self,
        row: &Row,
        mac: &Result<String, RowError>,
    ) -> Result<Vec<Item>, Vec<RowError>> {
        let mut problems = Vec::new();
        if let Err(e) = mac {
            problems.push(e.clone());
        }
        let want = self.devices.columns.len();
        if row.record.len() != want {
            problems.push(RowError::FieldCount {
                got: row.record.len(),
                want,
            });
        }
        let line = usize::try_from(row.line).unwrap_or(usize::MAX);
        let mut items = Vec::with_capacity(want);
        for (index, (cell, column)) in row.record.iter().zip(&self.devices.columns).enumerate() {
            if index == self.devices.mac_column {
                continue;
            }
            let value = cell_value(cell);
            if value.is_empty() {
                continue; // An empty cell keeps the template's value.
            }
            let column_name = || latin1(&column.name);
            if value.iter().any(|&b| b == b'\n' || b == b'\r') {
                problems.push(RowError::MultiLine {
                    column: column_name(),
                });
                continue;
            }
            if value.contains(&0) {
                problems.push(RowError::Nul {
                    column: column_name(),
                });
                continue;
            }
            items.push(Item::Assign(text::Assignment {
                name: column.name.clone(),
                value: value.to_vec(),
                location: Location {
                    file: Some(column.label.clone()),
                    line,
                },
            }));
        }
        if problems.is_empty() {
            Ok(items)
        } else {
            Err(problems)
        }
    }

    /// Stages the compiled files that differ from those in `dir` (all of them with
    /// `--force`); on a failure, the error line.
    fn stage_changed(
        &self,
        dir: &Path,
        name: &str,
        out: &CompileOutput,
    ) -> Result<Vec<Staged>, String> {
        let mut staged = Vec::new();
        for f in &out.files {
            let path = dir.join(format!("{name}{}", f.suffix));
            if !self.options.force {
                let strong = if is_strong(f.suffix) {
                    out.strong_key.as_ref()
                } else {
                    None
                };
                // A strong file whose key cannot be told is always rewritten.
                if (strong.is_some() || !is_strong(f.suffix))
                    && same_on_disk(&path, &f.bytes, strong)
                {
                    continue;
                }
            }
            match Staged::new(&path, &f.bytes) {
                Ok(s) => staged.push(s),
                // Dropping what was staged removes it: the device keeps its old files.
                Err(e) => {
                    self.note_folder_failure(&e);
                    return Err(error_line(&e));
                }
            }
        }
        Ok(staged)
    }

    /// Sorts a row's diagnostics into the report, leaving out the template's own.
    fn classify(&self, report: &mut RowReport, out: &CompileOutput) {
        let shared = &self.template.item_diagnostics;
        // Template lines come first, so their diagnostics lead every row's: drop them.
        let own = match out.diagnostics.get(..shared.len()) {
            Some(head) if head == shared.as_slice() => {
                out.diagnostics.get(shared.len()..).unwrap_or_default()
            }
            _ => out.diagnostics.as_slice(),
        };
        for d in own {
            let text = match &d.location {
                Some(at) if !d.names_its_line() => format!(
                    "{d} (line {} of {})",
                    at.line,
                    at.file.as_deref().unwrap_or("-")
                ),
                Some(_) => d.to_string(),
                None => format!("{} line {}: {d}", self.devices.name, report.line),
            };
            match d.severity() {
                Severity::Info => report.info.push(text),
                Severity::Warning => {
                    report.warnings += 1;
                    report.messages.push(text);
                }
                Severity::Error => {
                    report.errors += 1;
                    report.messages.push(text);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_value_follows_the_text_grammar() {
        assert_eq!(cell_value(b" :5060 "), b"5060 ");
        assert_eq!(cell_value(b" \t:5060 "), b"\t:5060 ");
        assert_eq!(cell_value(b"   "), b"");
        assert_eq!(cell_value(b"a:b"), b"a:b");
    }
}
