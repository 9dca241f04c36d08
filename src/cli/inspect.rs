//! `inspect`, `dump`, `strip`, `extract`: profiles are handled here, everything else by
//! the package inspectors, chosen by content.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::failure::Failure;
use super::job::{Job, TableSource};
use cfgfmt::file::{self, FileKind};
use cfgfmt::profile::inspect::{InspectOptions, Inspection};
use cfgfmt::report::{self, DumpStyle};

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

/// The table asked for: `-t`, else `./ptag.dat` if present (the original's default); `None`
/// leaves the choice to the file model (a `*ptag*.dat` beside the input, else a built-in).
fn explicit_table(job: &Job) -> Result<Option<file::ProfileTable>, Failure> {
    match &job.table {
        TableSource::Default if !Path::new("ptag.dat").is_file() => Ok(None),
        source => {
            let (t, _) = source.load()?;
            let name = match source {
                TableSource::Builtin(b) => format!("builtin:{}", b.name),
                TableSource::Path(p) => p.display().to_string(),
                TableSource::Default => "ptag.dat".into(),
            };
            Ok(Some((t, name)))
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

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    Ok(cfgfmt::text::read_bounded(
        path,
        cfgfmt::io::Limit::FIRMWARE,
    )?)
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
            let _ = writeln!(out, "  {}", finding_line(f));
        }
    }
    out.replace("Error at", "error at")
        .replace("Warning at", "warning at")
        .replace("Info at", "info at")
}

/// `inspect FILE|DIR`: the exit status, or why nothing could be inspected.
pub fn run_inspect(
    job: &Job,
    path: &Path,
    json: bool,
    show_secrets: bool,
    cert: Option<PathBuf>,
    dir: Option<PathBuf>,
) -> Result<i32, Failure> {
    let opts = options(job, show_secrets);
    let table = explicit_table(job)?;
    if path.is_file() && !json {
        // One binary profile: its own view, every record.
        let bytes = read(path)?;
        let kind = file::recognise(&file_name(path), &bytes, &opts);
        if kind == FileKind::Profile {
            let table = file::table_for(path, kind, table.clone());
            let ctx = file::Context {
                key: None,
                table: table.as_ref(),
                profile: opts.clone(),
            };
            let f = file::File::open(&file_name(path), &bytes, &ctx);
            if let Ok(file::AnyFile::Profile(ins)) = &f.parsed {
                print!("{}", render_profile(&path.display().to_string(), ins));
                return Ok(i32::from(ins.has_errors()));
            }
        }
    }
    let with_dir = dir.is_some();
    let popts = file::InspectOptions {
        cert,
        json,
        dir,
        profile: opts,
        table,
    };
    let report = file::inspect_path(path, &popts)?;
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
            .is_some_and(|f| f.kind == FileKind::Bundle);
    let ok = if whole {
        report.all_ok()
    } else {
        report.files_ok()
    };
    Ok(i32::from(!ok))
}

/// `dump FILE`: the exit status, or why the file could not be read.
pub fn run_dump(
    job: &Job,
    path: &Path,
    raw: bool,
    color: ColorChoice,
    show_secrets: bool,
) -> Result<i32, Failure> {
    let style = DumpStyle {
        color: color.enabled(),
    };
    let bytes = read(path)?;
    if raw {
        print!("{}", report::render_raw(&bytes, &style));
        return Ok(0);
    }
    let opts = options(job, show_secrets);
    let name = file_name(path);
    let kind = file::recognise(&name, &bytes, &opts);
    let table = file::table_for(path, kind, explicit_table(job)?);
    let ctx = file::Context {
        key: None,
        table: table.as_ref(),
        profile: opts,
    };
    let f = file::File::open(&name, &bytes, &ctx);
    Ok(match file::dump(&f) {
        Ok(d) if !d.spans.is_empty() || f.kind == FileKind::Profile => {
            println!("# {}: {}", path.display(), d.summary);
            for n in &d.notes {
                println!("# {n}");
            }
            print!("{}", report::render_annotated(&d.view, &d.spans, &style));
            for x in &d.findings {
                println!("# {}", finding_line(x));
            }
            i32::from(cfgfmt::finding::has_errors(&d.findings))
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
    })
}

/// `warning at offset 7: …`, or `info: …` for a finding about the whole file.
fn finding_line(f: &cfgfmt::finding::Finding) -> String {
    match f.place() {
        p if p.is_empty() => format!("{}: {}", f.severity, f.message),
        p => format!("{} at {p}: {}", f.severity, f.message),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub fn run_strip(input: &Path, output: &Path) -> Result<i32, Failure> {
    let s = file::strip(input, output)?;
    let name = s
        .embedded_name
        .as_deref()
        .map(|n| format!(", signed name {n:?}"))
        .unwrap_or_default();
    println!(
        "wrote {} payload bytes (header {} bytes{name})",
        s.payload_len, s.header_length
    );
    Ok(0)
}

pub fn run_extract(input: &Path, dir: &Path) -> Result<i32, Failure> {
    for f in file::extract(input, dir)? {
        println!("{}", f.display());
    }
    Ok(0)
}
