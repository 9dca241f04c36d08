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
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::crypto;
use crate::diag::{self, Diagnostic, Location, Severity};
use crate::io::Staged;
use crate::profile::encode::is_keyword;
use crate::profile::{CompileOptions, CompileOutput, compile_items};
use crate::table::TagTable;
use crate::text::{self, FsLoader, IncludeLoader, Item, TEXT_MAGIC};

/// Largest devices file read: room for over 100,000 devices of 60 parameters.
pub const MAX_DEVICES_BYTES: u64 = 64 << 20;
/// Most columns in a devices file: far above any table's parameter count.
pub const MAX_COLUMNS: usize = 1024;
/// Most device rows: bounds the memory held for rows and their reports.
pub const MAX_ROWS: usize = 1_000_000;
/// The column that names each device.
pub const MAC_COLUMN: &str = "mac";

/// The file-name prefix a device type requests (spec §k).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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

/// Fatal problems: no device is compiled (or written) when one occurs.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("error: template {path}: {}", bare(.source))]
    Template { path: String, source: diag::Error },
    #[error("error: template {path} does not start with #txt")]
    TemplateNotText { path: String },
    #[error("error: template {path} has {count} error(s); no device compiled")]
    TemplateErrors { path: String, count: usize },
    #[error("error: devices file {path}: {}", bare(.source))]
    DevicesRead { path: String, source: diag::Error },
    #[error("error: {path} line {line}: {message}")]
    Csv {
        path: String,
        line: u64,
        message: String,
    },
    #[error("error: {path} has no header row")]
    NoHeader { path: String },
    #[error("error: {path} has no `mac` column")]
    NoMacColumn { path: String },
    #[error("error: {path} has {count} columns; at most {limit} are accepted")]
    TooManyColumns {
        path: String,
        count: usize,
        limit: usize,
    },
    #[error("error: {path} has more than {limit} device rows")]
    TooManyRows { path: String, limit: usize },
    #[error("error: {path}: column {column} has no name")]
    EmptyColumnName { path: String, column: usize },
    #[error("error: {path}: column {} appears twice (columns {first} and {second})", shown(.name))]
    DuplicateColumn {
        path: String,
        name: String,
        first: usize,
        second: usize,
    },
    #[error(
        "error: {path}: {} of the table{}, nor a compiler keyword; no device compiled",
        list_columns(.columns),
        filter_note(*.filter)
    )]
    UnknownColumns {
        path: String,
        /// Name and 1-based column number.
        columns: Vec<(String, usize)>,
        filter: u16,
    },
    #[error("error: cannot create output folder {}: {source}", .path.display())]
    OutDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("error: cannot start worker threads: {0}")]
    Threads(String),
}

/// A message of the core library without its `error: ` lead, to nest it in ours.
fn bare(e: &diag::Error) -> String {
    let text = e.to_string();
    text.strip_prefix("error: ")
        .map(str::to_string)
        .unwrap_or(text)
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

fn filter_note(filter: u16) -> &'static str {
    if filter == crate::table::context::ALL {
        ""
    } else {
        " under the protocol filter"
    }
}

/// A header name as text: bytes pass through as Latin-1, as the compiler reads names.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Parses a MAC written as `00:07:0E:36:E5:7B`, `00-07-0e-36-e5-7b`, `00070e36e57b` or
/// `0007.0e36.e57b` into 12 lower-case hex digits.
pub fn normalize_mac(text: &str) -> Option<String> {
    let text = text.trim();
    let groups: Vec<&str> = match text.len() {
        12 => vec![text],
        17 => {
            // One separator throughout: `00:07-0e…` is a typo, not a MAC.
            let sep = text.chars().nth(2).filter(|c| matches!(c, ':' | '-'))?;
            text.split(sep).collect()
        }
        14 => text.split('.').collect(),
        _ => return None,
    };
    let want = match groups.len() {
        1 => 12,
        3 => 4,
        6 => 2,
        _ => return None,
    };
    if groups
        .iter()
        .any(|g| g.len() != want || !g.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return None;
    }
    Some(groups.concat().to_ascii_lowercase())
}

/// The compiled template: its items (shared by every row) and what compiling it alone said.
#[derive(Debug, Clone)]
pub struct Template {
    /// How messages name the template.
    pub name: String,
    items: Vec<Item>,
    /// Every diagnostic of the template alone, in the compiler's order.
    diagnostics: Vec<Diagnostic>,
    /// The located ones: they come first in every row's diagnostics, which drop them.
    item_diagnostics: Vec<Diagnostic>,
}

impl Template {
    /// Reads a template file and everything it includes.
    pub fn load(
        path: &Path,
        table: &TagTable,
        opts: &CompileOptions,
    ) -> Result<Template, BatchError> {
        let name = path.display().to_string();
        let bytes = text::read_bounded(path, text::MAX_PROFILE_BYTES as u64).map_err(|e| {
            BatchError::Template {
                path: name.clone(),
                source: e,
            }
        })?;
        Template::from_bytes(&bytes, &name, path, &mut FsLoader, table, opts)
    }

    /// A template from memory; includes come from `loader`.
    pub fn from_bytes<L: IncludeLoader>(
        bytes: &[u8],
        name: &str,
        path: &Path,
        loader: &mut L,
        table: &TagTable,
        opts: &CompileOptions,
    ) -> Result<Template, BatchError> {
        let err = |source| BatchError::Template {
            path: name.to_string(),
            source,
        };
        if !bytes.starts_with(TEXT_MAGIC) {
            return Err(BatchError::TemplateNotText {
                path: name.to_string(),
            });
        }
        let items = text::read_profile(bytes, path, loader).map_err(err)?;
        // Compiling the template alone catches its fatal errors once, not once per row.
        let out = compile_items(&items, table, &row_options(opts, "template")).map_err(err)?;
        let item_diagnostics = out
            .diagnostics
            .iter()
            .filter(|d| d.location.is_some())
            .cloned()
            .collect();
        Ok(Template {
            name: name.to_string(),
            items,
            diagnostics: out.diagnostics,
            item_diagnostics,
        })
    }

    /// What compiling the template alone reported (warnings are shown once, not per row).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

/// The per-row compile options: the caller's, named for the device, never verbose (the
/// compiler's progress lines would repeat for every row).
fn row_options(base: &CompileOptions, output_name: &str) -> CompileOptions {
    CompileOptions {
        output_name: output_name.to_string(),
        verbose: false,
        ..base.clone()
    }
}

#[derive(Debug, Clone)]
struct Column {
    name: Vec<u8>,
    /// What diagnostics name as the "file": `devices.csv, column UID`.
    label: std::sync::Arc<str>,
}

#[derive(Debug, Clone)]
struct Row {
    line: u64,
    record: csv::ByteRecord,
}

/// A parsed devices file whose header was checked against the table.
#[derive(Debug, Clone)]
pub struct Devices {
    /// How messages name the file.
    pub name: String,
    columns: Vec<Column>,
    mac_column: usize,
    rows: Vec<Row>,
}

impl Devices {
    /// Reads a devices file (at most [`MAX_DEVICES_BYTES`]).
    pub fn load(path: &Path, table: &TagTable, filter: u16) -> Result<Devices, BatchError> {
        let name = path.display().to_string();
        let bytes = text::read_bounded(path, MAX_DEVICES_BYTES).map_err(|source| {
            BatchError::DevicesRead {
                path: name.clone(),
                source,
            }
        })?;
        Devices::parse(&bytes, &name, table, filter)
    }

    /// Parses CSV bytes. Every header must be `mac`, a parameter of `table` under `filter`,
    /// or a compiler keyword; anything else is refused here, before any row compiles.
    pub fn parse(
        bytes: &[u8],
        name: &str,
        table: &TagTable,
        filter: u16,
    ) -> Result<Devices, BatchError> {
        let path = name.to_string();
        // Spreadsheets often save a UTF-8 byte-order mark; it is not part of the first name.
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let csv_err = |e: csv::Error| BatchError::Csv {
            path: path.clone(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        };
        let mut header = csv::ByteRecord::new();
        if !reader.read_byte_record(&mut header).map_err(csv_err)? {
            return Err(BatchError::NoHeader { path });
        }
        if header.len() > MAX_COLUMNS {
            return Err(BatchError::TooManyColumns {
                path,
                count: header.len(),
                limit: MAX_COLUMNS,
            });
        }
        let mut columns: Vec<Column> = Vec::with_capacity(header.len());
        let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut mac_column = None;
        let mut unknown = Vec::new();
        for (index, raw) in header.iter().enumerate() {
            let number = index + 1;
            let name_bytes = raw.trim_ascii().to_vec();
            if name_bytes.is_empty() {
                return Err(BatchError::EmptyColumnName {
                    path,
                    column: number,
                });
            }
            let text = latin1(&name_bytes);
            if let Some(first) = seen.insert(name_bytes.to_ascii_lowercase(), number) {
                return Err(BatchError::DuplicateColumn {
                    path,
                    name: text,
                    first,
                    second: number,
                });
            }
            if text.eq_ignore_ascii_case(MAC_COLUMN) {
                mac_column = Some(index);
            } else if !is_keyword(&name_bytes) && table.by_name(&text, filter).is_none() {
                unknown.push((text.clone(), number));
            }
            columns.push(Column {
                label: format!("{name}, column {text}").into(),
                name: name_bytes,
            });
        }
        if !unknown.is_empty() {
            return Err(BatchError::UnknownColumns {
                path,
                columns: unknown,
                filter,
            });
        }
        let Some(mac_column) = mac_column else {
            return Err(BatchError::NoMacColumn { path });
        };
        let mut rows = Vec::new();
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).map_err(csv_err)? {
            if rows.len() >= MAX_ROWS {
                return Err(BatchError::TooManyRows {
                    path,
                    limit: MAX_ROWS,
                });
            }
            let line = record.position().map_or(0, |p| p.line());
            rows.push(Row {
                line,
                record: std::mem::take(&mut record),
            });
        }
        Ok(Devices {
            name: path,
            columns,
            mac_column,
            rows,
        })
    }

    /// Number of device rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
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

/// One row's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RowStatus {
    /// Compiled and at least one file written.
    Written,
    /// Compiled; every file on disk already held the same profile.
    Unchanged,
    /// Compiled without writing (a check pass).
    Checked,
    /// Not compiled, or compiled with errors: nothing written for this device.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowReport {
    /// Line of the devices file where the row starts.
    pub line: u64,
    /// The normalised MAC, when the row has a valid one.
    pub mac: Option<String>,
    pub status: RowStatus,
    /// File names (in the output folder) this device compiles to.
    pub files: Vec<String>,
    pub warnings: usize,
    pub errors: usize,
    /// Diagnostics and errors, one line each; they never contain a value.
    pub messages: Vec<String>,
    /// Informational lines (splitting), shown with `-v`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub info: Vec<String>,
}

/// What a run did, row by row in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    pub rows: Vec<RowReport>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Written + unchanged + checked.
    pub compiled: usize,
    pub written: usize,
    pub unchanged: usize,
    pub failed: usize,
    /// Rows that compiled with warnings.
    pub with_warnings: usize,
}

impl BatchReport {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.rows {
            match r.status {
                RowStatus::Written => c.written += 1,
                RowStatus::Unchanged => c.unchanged += 1,
                RowStatus::Checked => {}
                RowStatus::Failed => c.failed += 1,
            }
            if r.status != RowStatus::Failed {
                c.compiled += 1;
                if r.warnings > 0 {
                    c.with_warnings += 1;
                }
            }
        }
        c
    }

    /// Rows with any warning or error: what `--strict` refuses.
    pub fn strict_problems(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.status == RowStatus::Failed || r.warnings > 0 || r.errors > 0)
            .count()
    }

    /// `batch: 998 compiled (10 unchanged), 2 failed`.
    pub fn summary(&self) -> String {
        let c = self.counts();
        let mut s = format!(
            "batch: {} compiled ({} unchanged), {} failed",
            c.compiled, c.unchanged, c.failed
        );
        if c.with_warnings > 0 {
            s.push_str(&format!(", {} with warnings", c.with_warnings));
        }
        s
    }
}

/// Called as rows finish, from worker threads.
pub trait Progress: Sync {
    fn start(&self, _what: &'static str, _total: u64) {}
    fn inc(&self) {}
    fn finish(&self) {}
}

/// No progress display.
pub struct NoProgress;
impl Progress for NoProgress {}

/// A bar on stderr, drawn only when stderr is a terminal.
pub struct TermProgress(indicatif::ProgressBar);

impl TermProgress {
    pub fn new(enabled: bool) -> Self {
        use std::io::IsTerminal;
        let bar = if enabled && std::io::stderr().is_terminal() {
            indicatif::ProgressBar::new(0)
        } else {
            indicatif::ProgressBar::hidden()
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg:>9} [{bar:40}] {pos}/{len} devices ({eta} left)",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        TermProgress(bar)
    }
}

impl Progress for TermProgress {
    fn start(&self, what: &'static str, total: u64) {
        self.0.reset();
        self.0.set_length(total);
        self.0.set_message(what);
    }
    fn inc(&self) {
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

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

/// Text-profile value grammar: a run of `:` and space before the value is skipped (a TAB
/// is part of the value, as in cfgfmt 2.3).
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
    let Ok(old) = std::fs::read(path) else {
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

/// A template and devices ready to compile.
pub struct Batch<'t> {
    table: &'t TagTable,
    template: Template,
    devices: Devices,
    options: BatchOptions,
    /// Per row: the normalised MAC, or why the row has none.
    macs: Vec<Result<String, RowError>>,
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
                    .and_then(normalize_mac)
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
        }
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
        BatchReport { rows }
    }

    /// Compiles every row and writes each device's changed files into `out_dir`.
    pub fn run(&self, out_dir: &Path, progress: &dyn Progress) -> Result<BatchReport, BatchError> {
        let dir_err = |source| BatchError::OutDir {
            path: out_dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(out_dir).map_err(dir_err)?;
        // Absolute once here, rather than once per temporary file.
        let out_dir = &std::path::absolute(out_dir).map_err(dir_err)?;
        progress.start("compiling", self.devices.rows.len() as u64);
        let staged: Vec<(RowReport, Vec<Staged>)> = self
            .devices
            .rows
            .par_iter()
            .zip(self.macs.par_iter())
            .map(|(row, mac)| {
                let out = self.row(row, mac, Some(out_dir));
                progress.inc();
                out
            })
            .collect();
        progress.finish();
        // With --sync every staged file's data is made durable before any is renamed into
        // place, so even a power failure never leaves a device with a truncated profile.
        let synced = match self.options.durability {
            crate::io::Durability::Flush => {
                crate::io::sync_staged(out_dir, staged.iter().flat_map(|(_, f)| f))
                    .map_err(|e| e.to_string())
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
                        .map_err(|e| e.to_string()),
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
        Ok(BatchReport { rows })
    }

    /// Compiles one row; with an output folder, also stages the files that changed.
    fn row(
        &self,
        row: &Row,
        mac: &Result<String, RowError>,
        out_dir: Option<&Path>,
    ) -> (RowReport, Vec<Staged>) {
        let file = &self.devices.name;
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
        if !problems.is_empty() {
            report.errors = problems.len();
            report.messages = problems.iter().map(|p| p.render(file, row.line)).collect();
            return (report, Vec::new());
        }
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
                report.messages.push(e.to_string());
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
                Err(e) => {
                    // Dropping what was staged removes it: the device keeps its old files.
                    report.errors += 1;
                    report.messages.push(e.to_string());
                    return (report, Vec::new());
                }
            }
        }
        report.status = if staged.is_empty() {
            RowStatus::Unchanged
        } else {
            RowStatus::Written
        };
        (report, staged)
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

/// Everything the `batch` subcommand was given.
pub struct BatchConfig {
    pub table: TagTable,
    /// Warnings about the table's own lines (`invalid ptag entry`).
    pub table_warnings: Vec<Diagnostic>,
    pub template: PathBuf,
    pub devices: PathBuf,
    pub out_dir: PathBuf,
    pub options: BatchOptions,
    /// Fail with status 2, writing nothing, on any warning or error.
    pub strict: bool,
    /// Per-row status lines and the compiler's informational lines.
    pub verbose: bool,
    /// No progress bar.
    pub quiet: bool,
    /// Print a JSON summary on stdout.
    pub json: bool,
    /// Worker threads; all cores when `None`.
    pub jobs: Option<usize>,
}

/// Runs `batch` as the command line does: messages on stderr, JSON on stdout, returns the
/// exit status (0 all rows written or unchanged, 1 a row failed or a fatal error, 2
/// `--strict` refused).
pub fn run_cli(cfg: &BatchConfig) -> i32 {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = cfg.jobs {
        builder = builder.num_threads(n);
    }
    let result = builder
        .build()
        .map_err(|e| BatchError::Threads(e.to_string()))
        .and_then(|pool| pool.install(|| execute(cfg)));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}

fn execute(cfg: &BatchConfig) -> Result<i32, BatchError> {
    let mut err = std::io::stderr().lock();
    for d in &cfg.table_warnings {
        let _ = writeln!(err, "{d}");
    }
    let template = Template::load(&cfg.template, &cfg.table, &cfg.options.compile)?;
    let mut template_problems = cfg.table_warnings.len();
    let mut template_errors = 0;
    for d in template.diagnostics() {
        match d.severity() {
            Severity::Info => continue,
            Severity::Warning => template_problems += 1,
            Severity::Error => template_errors += 1,
        }
        let _ = writeln!(err, "{}: {d}", template.name);
    }
    if template_errors > 0 {
        return Err(BatchError::TemplateErrors {
            path: template.name,
            count: template_errors,
        });
    }
    let devices = Devices::load(&cfg.devices, &cfg.table, cfg.options.compile.filter)?;
    let batch = Batch::new(&cfg.table, template, devices, cfg.options.clone());
    drop(err); // The progress bar and workers need stderr.
    let progress = TermProgress::new(!cfg.quiet);

    if cfg.strict {
        let check = batch.check(&progress);
        let problems = check.strict_problems() + usize::from(template_problems > 0);
        if problems > 0 {
            print_rows(&check, cfg.verbose);
            eprintln!(
                "batch: --strict: {} row(s) with warnings or errors{}; nothing written",
                check.strict_problems(),
                if template_problems > 0 {
                    ", and the template or table has warnings"
                } else {
                    ""
                }
            );
            print_json(cfg, &check, true);
            return Ok(2);
        }
    }
    let report = batch.run(&cfg.out_dir, &progress)?;
    print_rows(&report, cfg.verbose);
    eprintln!("{}", report.summary());
    print_json(cfg, &report, false);
    Ok(if report.counts().failed > 0 { 1 } else { 0 })
}

fn print_rows(report: &BatchReport, verbose: bool) {
    let mut err = std::io::stderr().lock();
    for r in &report.rows {
        if verbose {
            let status = match r.status {
                RowStatus::Written => "written",
                RowStatus::Unchanged => "unchanged",
                RowStatus::Checked => "checked",
                RowStatus::Failed => "failed",
            };
            let files = r.files.join(" ");
            let _ = writeln!(err, "line {}: {status} {files}", r.line);
            for i in &r.info {
                let _ = writeln!(err, "{i}");
            }
        }
        for m in &r.messages {
            let _ = writeln!(err, "{m}");
        }
    }
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    /// `--strict` refused: nothing was written.
    refused: bool,
    #[serde(flatten)]
    counts: Counts,
    rows: &'a [RowReport],
}

fn print_json(cfg: &BatchConfig, report: &BatchReport, refused: bool) {
    if !cfg.json {
        return;
    }
    let summary = JsonSummary {
        refused,
        counts: report.counts(),
        rows: &report.rows,
    };
    if let Ok(text) = serde_json::to_string_pretty(&summary) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_forms() {
        for ok in [
            "00:07:0E:36:E5:7B",
            "00-07-0e-36-e5-7b",
            "00070e36e57b",
            "0007.0e36.e57b",
            " 00070E36E57B ",
        ] {
            assert_eq!(normalize_mac(ok).as_deref(), Some("00070e36e57b"), "{ok}");
        }
        for bad in [
            "",
            "00070e36e57",
            "00070e36e57bb",
            "00:07-0e:36:e5:7b",
            "00:07:0e:36:e5:7g",
            "000:7:0e:36:e5:7b",
            "0007.0e36e57b.",
            "00070e36e5 7b",
            "0007:0e36:e57b",
        ] {
            assert_eq!(normalize_mac(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn long_column_names_are_cut_in_messages() {
        assert_eq!(shown("UID"), "\"UID\"");
        assert_eq!(shown("a\tb"), "\"a\\tb\"");
        let long = shown(&"x".repeat(10_000));
        assert_eq!(long, format!("{:?}…", "x".repeat(64)));
    }

    #[test]
    fn cell_value_follows_the_text_grammar() {
        assert_eq!(cell_value(b" :5060 "), b"5060 ");
        assert_eq!(cell_value(b" \t:5060 "), b"\t:5060 ");
        assert_eq!(cell_value(b"   "), b"");
        assert_eq!(cell_value(b"a:b"), b"a:b");
    }
}
