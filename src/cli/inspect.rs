//! `inspect`, `dump`, `strip`, `extract`: profiles are handled here, everything else by
//! the package inspectors, chosen by content.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::failure::{self, Failure};
use super::job::{Job, TableSource};
use cfgfmt::pkg;
use cfgfmt::profile::inspect::{self as pinspect, InspectOptions, Inspection};
use cfgfmt::report::{self, DumpStyle};
use cfgfmt::table::TagTable;
use cfgfmt::text::TEXT_MAGIC;

/// Largest file `inspect`/`dump` read.
pub const MAX_INSPECT_BYTES: u64 = pkg::MAX_OUTPUT as u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }
}

/// The table to read a profile with: the one asked for, else `./ptag.dat` if present, else
/// the built-in table that knows most of the file's tags.
fn profile_table(
    job: &Job,
    bytes: &[u8],
    opts: &InspectOptions,
) -> Result<(TagTable, String), Failure> {
    match &job.table {
        TableSource::Default if !Path::new("ptag.dat").is_file() => {
            Ok(pinspect::guess_table(bytes, opts))
        }
        source => {
            let (t, _) = source.load()?;
            let name = match source {
                TableSource::Builtin(b) => format!("builtin:{}", b.name),
                TableSource::Path(p) => p.display().to_string(),
                TableSource::Default => "ptag.dat".into(),
            };
            Ok((t, name))
        }
    }
}

fn options(job: &Job, show_secrets: bool) -> InspectOptions {
    InspectOptions {
        filter: job.decode.protocols.bits(),
        weak_key: job.decode.weak_key.as_ref().map(|k| k.text().to_vec()),
        strong_key: job.decode.strong_key.as_ref().map(|k| k.text().to_vec()),
        show_secrets,
    }
}

/// Compiled profiles go to the profile inspector; so does anything when a key is given (an
/// encrypted profile has no magic to recognise it by). Everything else, files nobody knows
/// included, goes to the package inspectors, which say what the file is.
fn is_profile(bytes: &[u8], opts: &InspectOptions) -> bool {
    pinspect::looks_like_profile(bytes) || opts.weak_key.is_some() || opts.strong_key.is_some()
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    Ok(cfgfmt::text::read_bounded(path, MAX_INSPECT_BYTES)?)
}

/// Human-readable report of a profile.
pub fn render_profile(name: &str, ins: &Inspection) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{name}: {}, {} bytes, table {}",
        ins.kind, ins.size, ins.table
    );
    if let Some(h) = &ins.header {
        let ok = |b: bool| if b { "OK" } else { "BAD" };
        let _ = writeln!(
            out,
            "header: checksum 0x{:04x} {} (computed 0x{:04x}), length {} {} (actual {})",
            h.stored_checksum,
            ok(h.checksum_ok),
            h.computed_checksum,
            h.stored_length,
            ok(h.length_ok),
            h.actual_length
        );
    }
    if let Some(ext) = &ins.extended {
        let _ = writeln!(out, "extended file: {ext}");
    }
    let _ = writeln!(out, "records: {}", ins.records.len());
    if !ins.records.is_empty() {
        let _ = writeln!(
            out,
            "  {:<8} {:<7} {:<22} {:>4}  value",
            "offset", "tag", "name", "len"
        );
    }
    for r in &ins.records {
        let _ = writeln!(
            out,
            "  0x{:06x} 0x{:<5x} {:<22} {:>4}  {}",
            r.offset,
            r.tag,
            r.name.as_deref().unwrap_or("?"),
            r.length,
            r.value
        );
    }
    if ins.findings.is_empty() {
        let _ = writeln!(out, "findings: none");
    } else {
        let _ = writeln!(out, "findings: {}", ins.findings.len());
        for f in &ins.findings {
            let _ = writeln!(out, "  {} at offset {}: {}", f.level, f.offset, f.message);
        }
    }
    out.replace("Error at", "error at")
        .replace("Warning at", "warning at")
        .replace("Info at", "info at")
}

/// `inspect FILE|DIR`.
pub fn run_inspect(
    job: &Job,
    path: &Path,
    json: bool,
    show_secrets: bool,
    cert: Option<PathBuf>,
    dir: Option<PathBuf>,
) -> i32 {
    let opts = options(job, show_secrets);
    if path.is_file() {
        let bytes = match read(path) {
            Ok(b) => b,
            Err(e) => return fail(e),
        };
        if is_profile(&bytes, &opts) && !bytes.starts_with(TEXT_MAGIC) {
            let (table, table_name) = match profile_table(job, &bytes, &opts) {
                Ok(t) => t,
                Err(e) => return fail(e),
            };
            let ins = pinspect::inspect(&bytes, &table, &table_name, &opts);
            if json {
                println!("{}", serde_json::to_string_pretty(&ins).unwrap_or_default());
            } else {
                print!("{}", render_profile(&path.display().to_string(), &ins));
            }
            return i32::from(ins.has_errors());
        }
    }
    let with_dir = dir.is_some();
    let popts = pkg::cli::InspectOptions { cert, json, dir };
    match pkg::cli::inspect_path(path, &popts) {
        Ok(report) => {
            if json {
                println!("{}", report.to_json());
            } else {
                print!("{}", report.render_text());
            }
            // One file: its own soundness decides; the set around it is information (folder
            // inspection and doctor judge completeness). A zip is judged with its members.
            let whole = path.is_dir()
                || with_dir
                || report
                    .files
                    .first()
                    .is_some_and(|f| f.kind == pkg::detect::FileKind::Bundle);
            let ok = if whole {
                report.all_ok()
            } else {
                report.files_ok()
            };
            i32::from(!ok)
        }
        Err(e) => fail(e),
    }
}

/// `dump FILE`.
pub fn run_dump(job: &Job, path: &Path, raw: bool, color: ColorChoice, show_secrets: bool) -> i32 {
    let style = DumpStyle {
        color: color.enabled(),
    };
    let bytes = match read(path) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    if raw {
        print!("{}", report::render_raw(&bytes, &style));
        return 0;
    }
    let opts = options(job, show_secrets);
    if is_profile(&bytes, &opts) {
        let (table, table_name) = match profile_table(job, &bytes, &opts) {
            Ok(t) => t,
            Err(e) => return fail(e),
        };
        let ins = pinspect::inspect(&bytes, &table, &table_name, &opts);
        println!(
            "# {}: {}, {} bytes, table {}",
            path.display(),
            ins.kind,
            ins.size,
            ins.table
        );
        if ins.encryption != pinspect::Encryption::None {
            println!("# decrypted view: offsets are the file's");
        }
        let view = if show_secrets {
            ins.plain.clone()
        } else {
            pinspect::masked_view(&ins)
        };
        if !show_secrets && ins.records.iter().any(|r| r.value == pinspect::HIDDEN) {
            println!("# hidden values are masked as 2a (*); --show-secrets shows them");
        }
        print!(
            "{}",
            report::render_annotated(&view, &pinspect::spans(&ins), &style)
        );
        for f in &ins.findings {
            println!("# {} at offset {}: {}", f.level, f.offset, f.message);
        }
        return i32::from(ins.has_errors());
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match pkg::cli::dump_bytes(&name, &bytes) {
        Ok(spans) if !spans.is_empty() => {
            println!(
                "# {}: {}, {} bytes",
                path.display(),
                pkg::cli::detect(&name, &bytes).describe(),
                bytes.len()
            );
            print!("{}", report::render_annotated(&bytes, &spans, &style));
            0
        }
        Ok(_) => {
            println!("# {}: no structure known; raw bytes", path.display());
            print!("{}", report::render_raw(&bytes, &style));
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            print!("{}", report::render_raw(&bytes, &style));
            1
        }
    }
}

pub fn run_strip(input: &Path, output: &Path) -> i32 {
    match pkg::cli::strip(input, output) {
        Ok(s) => {
            let name = s
                .embedded_name
                .as_deref()
                .map(|n| format!(", signed name {n:?}"))
                .unwrap_or_default();
            println!(
                "wrote {} payload bytes (header {} bytes{name})",
                s.payload_len, s.header_length
            );
            0
        }
        Err(e) => fail(e),
    }
}

pub fn run_extract(input: &Path, dir: &Path) -> i32 {
    match pkg::cli::extract(input, dir) {
        Ok(files) => {
            for f in files {
                println!("{}", f.display());
            }
            0
        }
        Err(e) => fail(e),
    }
}

fn fail(e: impl Into<Failure>) -> i32 {
    failure::report(&e.into())
}
