//! `inspect`, `dump`, `strip`, `extract`: profiles are handled here, everything else by
//! the package inspectors, chosen by content.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::failure::Failure;
use super::job::{Job, TableSource};
use super::out::{self, ColorChoice};
use cfgfmt::file::{self, FileKind};
use cfgfmt::io::{Limit, ReadError};
use cfgfmt::profile::inspect::{InspectOptions, Inspection};
use cfgfmt::report;

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

/// A read failure in the words of `text::read_bounded` (`can't open X for reading`).
fn read_failure(path: &Path, e: ReadError) -> Failure {
    match e {
        ReadError::Io { source, .. } => Failure::Core(cfgfmt::diag::Error::Read {
            path: path.to_path_buf(),
            source,
        }),
        ReadError::TooLarge(t) => Failure::Core(cfgfmt::diag::Error::InputTooLarge(t)),
    }
}

/// Writes what `write` makes to buffered standard output, then flushes it.
fn emit(
    mut out: Box<dyn Write>,
    write: impl FnOnce(&mut Box<dyn Write>) -> std::io::Result<()>,
) -> Result<(), Failure> {
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(Failure::Output)
}

/// Human-readable report of a profile, written line by line.
pub fn write_profile(out: &mut impl Write, name: &str, ins: &Inspection) -> std::io::Result<()> {
    // Severity words start lower case, as everywhere else.
    let mut line = |text: String| {
        let text = text
            .replace("Error at", "error at")
            .replace("Warning at", "warning at")
            .replace("Info at", "info at");
        writeln!(out, "{text}")
    };
    line(format!(
        "{name}: {}, {} bytes, table {}",
        ins.kind, ins.size, ins.table
    ))?;
    if let Some(h) = &ins.header {
        let ok = |b: bool| if b { "OK" } else { "BAD" };
        line(format!(
            "header: checksum 0x{:04x} {} (computed 0x{:04x}), length {} {} (actual {})",
            h.stored_checksum,
            ok(h.checksum_ok),
            h.computed_checksum,
            h.stored_length,
            ok(h.length_ok),
            h.actual_length
        ))?;
    }
    if let Some(ext) = &ins.extended {
        line(format!("extended file: {ext}"))?;
    }
    line(format!("records: {}", ins.records.len()))?;
    if !ins.records.is_empty() {
        line(format!(
            "  {:<8} {:<7} {:<22} {:>4}  value",
            "offset", "tag", "name", "len"
        ))?;
    }
    for r in &ins.records {
        line(format!(
            "  0x{:06x} 0x{:<5x} {:<22} {:>4}  {}",
            r.offset,
            r.tag,
            r.name.as_deref().unwrap_or("?"),
            r.length,
            r.value
        ))?;
    }
    if ins.findings.is_empty() {
        line("findings: none".into())?;
    } else {
        line(format!("findings: {}", ins.findings.len()))?;
        for f in &ins.findings {
            line(format!("  {}", finding_line(f)))?;
        }
    }
    Ok(())
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
        // One binary profile: its own view, every record. A file of no known kind is not
        // read whole here: the report below streams it.
        let fail = |e| read_failure(path, e);
        let mut input = cfgfmt::io::open_bounded(path, Limit::FIRMWARE).map_err(fail)?;
        let head = input.read_head(file::HEAD_BYTES).map_err(fail)?;
        let bytes = if file::unknown_by_head(&file_name(path), &head, &opts) {
            Vec::new()
        } else {
            input.read_rest(head).map_err(fail)?
        };
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
                let name = path.display().to_string();
                emit(out::plain(), |o| write_profile(o, &name, ins))?;
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
    emit(out::plain(), |o| {
        if json {
            report.write_json(o)
        } else {
            report.write_text(o)
        }
    })?;
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
    if raw {
        return dump_raw(path, color);
    }
    let opts = options(job, show_secrets);
    let name = file_name(path);
    let fail = |e| read_failure(path, e);
    let mut input = cfgfmt::io::open_bounded(path, Limit::FIRMWARE).map_err(fail)?;
    let head = input.read_head(file::HEAD_BYTES).map_err(fail)?;
    if input.size_hint().is_some() && file::unknown_by_head(&name, &head, &opts) {
        // No structure to show: the raw rows stream as they are read (a regular file
        // only: a device or a FIFO could be endless). A bad -t still fails first.
        explicit_table(job)?;
        let (mut o, style) = out::stdout(color);
        let header = writeln!(o, "# {}: no structure known; raw bytes", path.display());
        header.map_err(Failure::Output)?;
        let stream_name = input.name().to_string();
        let mut whole = std::io::Read::chain(head.as_slice(), &mut input);
        let streamed = report::write_raw_from(&mut o, &mut whole, &style).map_err(|e| match e {
            report::StreamError::Read(e) => fail(ReadError::from_io(&stream_name, e)),
            report::StreamError::Write(e) => Failure::Output(e),
        });
        let flushed = o.flush().map_err(Failure::Output);
        return streamed.and(flushed).map(|()| 0);
    }
    let bytes = input.read_rest(head).map_err(fail)?;
    let kind = file::recognise(&name, &bytes, &opts);
    let table = file::table_for(path, kind, explicit_table(job)?);
    let ctx = file::Context {
        key: None,
        table: table.as_ref(),
        profile: opts,
    };
    let f = file::File::open(&name, &bytes, &ctx);
    let (mut o, style) = out::stdout(color);
    let dumped = file::dump(&f);
    if let Err(e) = &dumped {
        // Before the bytes, as it was: the dump follows on stdout.
        let _ = writeln!(std::io::stderr(), "error: {e}");
    }
    let status = match &dumped {
        Ok(d) if !d.spans.is_empty() || f.kind == FileKind::Profile => {
            i32::from(cfgfmt::finding::has_errors(&d.findings))
        }
        Ok(_) => 0,
        Err(_) => 1,
    };
    let written = (|| -> std::io::Result<()> {
        match &dumped {
            Ok(d) if !d.spans.is_empty() || f.kind == FileKind::Profile => {
                writeln!(o, "# {}: {}", path.display(), d.summary)?;
                for n in &d.notes {
                    writeln!(o, "# {n}")?;
                }
                report::write_annotated(&mut o, &d.view, &d.spans, &style)?;
                for x in &d.findings {
                    writeln!(o, "# {}", finding_line(x))?;
                }
            }
            Ok(_) => {
                writeln!(o, "# {}: no structure known; raw bytes", path.display())?;
                report::write_raw(&mut o, &bytes, 0, &style)?;
            }
            Err(_) => report::write_raw(&mut o, &bytes, 0, &style)?,
        }
        o.flush()
    })();
    written.map_err(Failure::Output)?;
    Ok(status)
}

/// `dump --raw FILE`: a regular file streams through a block at a time, so the dump costs
/// the same memory whatever its size; a device, FIFO or stdin is read whole first (up to
/// the limit), so an endless one ends in the limit's error, not in 64 MiB of rows.
fn dump_raw(path: &Path, color: ColorChoice) -> Result<i32, Failure> {
    let fail = |e| read_failure(path, e);
    let mut input = cfgfmt::io::open_bounded(path, Limit::FIRMWARE).map_err(fail)?;
    let name = input.name().to_string();
    let held = match input.size_hint() {
        Some(_) => None,
        None => Some(input.read_all().map_err(fail)?),
    };
    let (mut o, style) = out::stdout(color);
    let streamed = match &held {
        Some(bytes) => report::write_raw(&mut o, bytes, 0, &style).map_err(Failure::Output),
        None => report::write_raw_from(&mut o, &mut input, &style).map_err(|e| match e {
            report::StreamError::Read(e) => fail(ReadError::from_io(&name, e)),
            report::StreamError::Write(e) => Failure::Output(e),
        }),
    };
    // What was dumped reaches the reader even when the input failed half-way.
    let flushed = o.flush().map_err(Failure::Output);
    streamed.and(flushed).map(|()| 0)
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
    out::println(&format!(
        "wrote {} payload bytes (header {} bytes{name})",
        s.payload_len, s.header_length
    ))?;
    Ok(0)
}

pub fn run_extract(input: &Path, dir: &Path) -> Result<i32, Failure> {
    let written = file::extract(input, dir)?;
    emit(out::plain(), |o| {
        written
            .iter()
            .try_for_each(|f| writeln!(o, "{}", f.display()))
    })?;
    Ok(0)
}
