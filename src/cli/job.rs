//! One run of the original tool: load the table, read the input, compile or decode by its
//! first bytes, print diagnostics, write outputs atomically.

use std::io::{Read as _, Write};
use std::path::{Path, PathBuf};

use super::failure::Failure;
use cfgfmt::crypto::{StrongKey, WeakKey};
use cfgfmt::diag::{DiagKind, Diagnostic, Error, Result, Severity};
use cfgfmt::io::{Limit, TooLarge};
use cfgfmt::profile::decode::MAX_INPUT;
use cfgfmt::profile::{self, CompileOptions, DecodeOptions};
use cfgfmt::table::{
    self, BUILTIN_PREFIX, BUILTIN_TABLES, Protocol, Protocols, TableWarning, TagTable,
};
use cfgfmt::text::{self, FsLoader, TEXT_MAGIC};

/// Where the tag table comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TableSource {
    /// The original's default: `ptag.dat` in the working directory.
    #[default]
    Default,
    Path(PathBuf),
    Builtin(&'static table::BuiltinTable),
}

impl TableSource {
    /// `-t<value>` / `--table <value>`: `builtin:<name>` or a path.
    pub fn parse(value: &str) -> std::result::Result<TableSource, Failure> {
        match value.strip_prefix(BUILTIN_PREFIX) {
            Some(name) => table::builtin(name)
                .map(TableSource::Builtin)
                .ok_or_else(|| Failure::UnknownTable(name.to_string())),
            None => Ok(TableSource::Path(PathBuf::from(value))),
        }
    }

    /// `-t<bytes>`: the path exactly as typed.
    pub fn parse_bytes(value: &[u8]) -> std::result::Result<TableSource, Failure> {
        match std::str::from_utf8(value) {
            Ok(text) => TableSource::parse(text),
            Err(_) => Ok(TableSource::Path(text::path_from_bytes(value))),
        }
    }

    /// Loads the table; bad lines become warnings.
    pub fn load(&self) -> Result<(TagTable, Vec<TableWarning>)> {
        let path = match self {
            TableSource::Builtin(b) => return Ok(TagTable::parse(b.text.as_bytes())),
            TableSource::Default => PathBuf::from("ptag.dat"),
            TableSource::Path(p) => p.clone(),
        };
        match text::read_bounded(&path, Limit::TAG_TABLE) {
            Ok(bytes) => Ok(TagTable::parse(&bytes)),
            Err(e @ Error::InputTooLarge(_)) => Err(e),
            Err(_) => Err(Error::CannotOpenTable { path }),
        }
    }
}

/// Which way to convert: the original chose by the input's first bytes; the subcommands
/// say it and refuse the other kind of input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Direction {
    #[default]
    Auto,
    Compile,
    Decode,
}

/// Everything one run needs, whatever spelling the command line used: the library's own
/// options for either direction, built by [`JobBuilder`].
#[derive(Debug, Clone)]
pub struct Job {
    pub direction: Direction,
    pub table: TableSource,
    pub input: PathBuf,
    pub output: Option<PathBuf>,
    /// Its `output_name` is the output argument as typed (the split pointer record).
    pub compile: CompileOptions,
    pub decode: DecodeOptions,
    pub strict: bool,
    /// `decode --force`: write over an existing text profile.
    pub force: bool,
    /// `--sync`: wait for the disk before returning.
    pub durability: cfgfmt::io::Durability,
}

/// What one switch means, in either spelling (`-sip` or `--sip`, `-e<key>` or
/// `--key-file`): both command lines map their arguments to these, and [`JobBuilder`]
/// turns them into the library's options in one place.
#[derive(Debug, Clone)]
pub enum Switch {
    Table(TableSource),
    /// `-h323 -sip -mgcp -sccp`: limit to these protocols (none given: all).
    Protocol(Protocol),
    WeakKey(WeakKey),
    StrongKey(StrongKey),
    /// `-E`: not the profile's own `EncryptKey`.
    IgnoreProfileKey,
    /// `-X`: not the profile's own `EncryptKeyEx`.
    IgnoreProfileKeyEx,
    /// `-g`
    OmitSensitive,
    /// `-split`
    Split,
    /// `-v`
    Verbose,
    Reencodable,
    Strict,
    Force,
    Sync,
}

/// Collects switches in the order given (a later key or table wins) and builds the job.
#[derive(Debug, Clone, Default)]
pub struct JobBuilder {
    table: TableSource,
    protocols: Vec<Protocol>,
    weak_key: Option<WeakKey>,
    strong_key: Option<StrongKey>,
    ignore_profile_key: bool,
    ignore_profile_key_ex: bool,
    omit_sensitive: bool,
    force_split: bool,
    verbose: bool,
    reencodable: bool,
    strict: bool,
    force: bool,
    durability: cfgfmt::io::Durability,
}

impl JobBuilder {
    pub fn switch(&mut self, switch: Switch) -> &mut Self {
        match switch {
            Switch::Table(t) => self.table = t,
            Switch::Protocol(p) => self.protocols.push(p),
            Switch::WeakKey(k) => self.weak_key = Some(k),
            Switch::StrongKey(k) => self.strong_key = Some(k),
            Switch::IgnoreProfileKey => self.ignore_profile_key = true,
            Switch::IgnoreProfileKeyEx => self.ignore_profile_key_ex = true,
            Switch::OmitSensitive => self.omit_sensitive = true,
            Switch::Split => self.force_split = true,
            Switch::Verbose => self.verbose = true,
            Switch::Reencodable => self.reencodable = true,
            Switch::Strict => self.strict = true,
            Switch::Force => self.force = true,
            Switch::Sync => self.durability = cfgfmt::io::Durability::Flush,
        }
        self
    }

    pub fn switches(&mut self, switches: impl IntoIterator<Item = Switch>) -> &mut Self {
        for s in switches {
            self.switch(s);
        }
        self
    }

    /// The job: `output_name` is the output as typed (empty for stdout), `input_name` the
    /// input's.
    pub fn build(&self, direction: Direction, input: PathBuf, output: Option<PathBuf>) -> Job {
        let protocols = Protocols::from_switches(self.protocols.iter().copied());
        let output_name = output
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let compile = CompileOptions {
            protocols,
            omit_sensitive: self.omit_sensitive,
            force_split: self.force_split,
            weak_key: self.weak_key.clone(),
            strong_key: self.strong_key.clone(),
            ignore_profile_key: self.ignore_profile_key,
            ignore_profile_key_ex: self.ignore_profile_key_ex,
            output_name,
            verbose: self.verbose,
            rand8: None,
        };
        let decode = DecodeOptions {
            protocols,
            verbose: self.verbose,
            weak_key: self.weak_key.clone(),
            strong_key: self.strong_key.clone(),
            reencodable: self.reencodable,
            input_name: input.to_string_lossy().into_owned(),
        };
        Job {
            direction,
            table: self.table.clone(),
            input,
            output,
            compile,
            decode,
            strict: self.strict,
            force: self.force,
            durability: self.durability,
        }
    }
}

/// Reads a key from a file: the first line, surrounding white space removed.
pub fn read_key_file(path: &Path) -> Result<Vec<u8>> {
    let bytes = text::read_bounded(path, Limit::KEY)?;
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let start = line
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |p| p + 1);
    let key = line.get(start..end).unwrap_or_default();
    if key.is_empty() {
        // An empty key would silently encrypt with a zero byte.
        return Err(Error::Usage(format!(
            "key file {} holds no key on its first line",
            path.display()
        )));
    }
    Ok(key.to_vec())
}

/// The hint printed after `cannot open ptag file` when the default table is missing.
pub fn builtin_hint() -> String {
    let names: Vec<String> = BUILTIN_TABLES
        .iter()
        .map(|t| {
            format!(
                "-t{BUILTIN_PREFIX}{} ({}, Cisco's {})",
                t.name, t.description, t.vendor_file
            )
        })
        .collect();
    format!(
        "hint: no ptag.dat in this folder; use -t<file> or a built-in table: {}",
        names.join(", ")
    )
}

/// The table's bad lines as the diagnostics the original printed for them.
pub fn table_diagnostics(warnings: &[TableWarning]) -> Vec<Diagnostic> {
    warnings
        .iter()
        .map(|w| Diagnostic::new(cfgfmt::diag::DiagKind::Table(w.clone()), None))
        .collect()
}

fn print_diagnostics(diags: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        print_diagnostic(&mut err, d, b"");
    }
}

/// One diagnostic line as the original printed it: names that are not UTF-8 as their bytes.
pub fn print_diagnostic(out: &mut impl Write, d: &Diagnostic, prefix: &[u8]) {
    let _ = out.write_all(prefix);
    let _ = out.write_all(&d.to_bytes());
    let _ = out.write_all(b"\n");
}

fn counts_against_strict(d: &Diagnostic) -> bool {
    d.severity() >= Severity::Warning
}

/// Runs a job; messages go to stderr. Returns the process exit status.
pub fn run(job: &Job) -> i32 {
    match run_inner(job) {
        Ok(()) => 0,
        // Decoding to stdout and the reader went away (`| head`).
        Err(e) if super::out::is_broken_pipe(&e) => super::out::BROKEN_PIPE_STATUS,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            if let Error::Refused { diagnostics, .. } = &e {
                for d in diagnostics {
                    print_diagnostic(&mut err, d, b"");
                }
            }
            let _ = writeln!(err, "{}", message(&e, job));
            if let Some(note) = e.note() {
                let _ = writeln!(err, "{}", super::failure::note_line(&note));
            }
            if matches!(e, Error::CannotOpenTable { .. }) && job.table == TableSource::Default {
                let _ = writeln!(err, "{}", builtin_hint());
            }
            if let Some(marker) = left_empty(&e, job) {
                let _ = writeln!(err, "{marker}");
            }
            if let Some(hint) = input_hint(&e, job) {
                let _ = writeln!(err, "{hint}");
            }
            e.exit_code()
        }
    }
}

/// The error line, with the input's name where the original printed it.
fn message(e: &Error, job: &Job) -> String {
    match e {
        Error::UnknownOrEncrypted => format!("{}{e}: '{}'", e.lead(), job.input.display()),
        _ => format!("{}{e}", e.lead()),
    }
}

/// What the input is, where the error alone would point the wrong way: an empty file, a
/// firmware image given to the compiler, a text saved with a byte-order mark or without its
/// `#txt` line. Only the first bytes are read again.
fn input_hint(e: &Error, job: &Job) -> Option<String> {
    let compile_refused = matches!(e, Error::Usage(m) if m.contains("does not start with #txt"));
    if !matches!(e, Error::BadInputSize(_) | Error::UnknownOrEncrypted) && !compile_refused {
        return None;
    }
    let name = job.input.display();
    let mut head = Vec::new();
    // A regular file only: a FIFO read once is gone, and opening it again waits for a
    // writer that never comes.
    if !job.input.is_file() {
        return None;
    }
    std::fs::File::open(&job.input)
        .ok()?
        .take(512)
        .read_to_end(&mut head)
        .ok()?;
    match e {
        Error::BadInputSize(0) => Some(format!("note: {name} is empty (0 bytes)")),
        Error::BadInputSize(n) if *n > MAX_INPUT => {
            let file = job.input.file_name()?.to_string_lossy();
            let kind = cfgfmt::pkg::detect::detect(&file, &head);
            let what = match kind {
                cfgfmt::pkg::detect::FileKind::Unknown if looks_text(&head) => {
                    "a text file".to_string()
                }
                cfgfmt::pkg::detect::FileKind::Unknown => "not a profile".to_string(),
                k => {
                    let d = k.describe();
                    let an = d.starts_with(['a', 'e', 'i', 'o', 'u']);
                    format!("{} {d}", if an { "an" } else { "a" })
                }
            };
            Some(format!(
                "note: {name} is {what} ({n} bytes); a profile, text or compiled, is at most {MAX_INPUT} bytes (the original's limit){}",
                if looks_text(&head) {
                    ""
                } else {
                    ": give the compiler a #txt profile"
                }
            ))
        }
        // 1 to 4 bytes: the original's message says it (docs/compiler.md).
        Error::BadInputSize(_) => None,
        _ => text_hint(&head, &name.to_string()),
    }
}

fn looks_text(head: &[u8]) -> bool {
    !head.is_empty()
        && head
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\r' | b'\n'))
}

/// A text profile the compiler does not take: a byte-order mark before `#txt`, or no `#txt`.
fn text_hint(head: &[u8], name: &str) -> Option<String> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if let Some(rest) = head.strip_prefix(BOM) {
        let then = if rest.starts_with(TEXT_MAGIC) {
            "then #txt"
        } else {
            "then text"
        };
        return Some(format!(
            "note: {name} starts with a UTF-8 byte-order mark (bytes EF BB BF, {then}), as Notepad saves \"UTF-8 with BOM\": save it as UTF-8 without BOM (or ANSI) so that its first line is #txt"
        ));
    }
    if !looks_text(head) {
        return None;
    }
    let first = String::from_utf8_lossy(head);
    let first = first.lines().next().unwrap_or("").trim_end();
    let first: String = first.chars().take(40).collect();
    Some(format!(
        "note: {name} is text, but its first line is {first:?}: a text profile starts with the line #txt (add it to compile this file)"
    ))
}

/// The original created (or emptied) the output before it read the input: errors from
/// then on left an empty output file. We leave it as it was, and say so.
fn left_empty(e: &Error, job: &Job) -> Option<String> {
    let out = job.output.as_ref()?.display();
    let what = match e {
        Error::BadInputSize(_) => "crash and leave",
        Error::InputTooSmall | Error::UnknownOrEncrypted => "leave",
        _ => return None,
    };
    Some(format!(
        "warning: nothing written to '{out}' (cfgfmt 2.3 would {what} an empty '{out}')"
    ))
}

/// `decode` given no table, with no `ptag.dat` here: a `*ptag*.dat` beside the input, else
/// the built-in table that explains most of its records; a note says which. (Cisco's
/// command line keeps the original's `ptag.dat` default and its error.)
fn decode_table(job: &Job) -> Option<(TagTable, Vec<TableWarning>)> {
    if job.direction != Direction::Decode
        || job.table != TableSource::Default
        || Path::new("ptag.dat").is_file()
    {
        return None;
    }
    let dir = job
        .input
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let (table, name) = match cfgfmt::file::folder::table_beside(dir) {
        Some((t, name)) => (t, format!("{name} (beside the input)")),
        None => {
            let bytes = text::read_bounded(&job.input, Limit::PROFILE).ok()?;
            let opts = inspect_options(job);
            cfgfmt::profile::inspect::guess_table(&bytes, &opts)
        }
    };
    eprintln!("note: no --table given; reading with {name}");
    Some((table, Vec::new()))
}

/// The decode job's protocols and keys, for the profile inspector.
fn inspect_options(job: &Job) -> cfgfmt::profile::inspect::InspectOptions {
    cfgfmt::profile::inspect::InspectOptions {
        filter: job.decode.protocols.bits(),
        weak_key: job.decode.weak_key.as_ref().map(|k| k.text().to_vec()),
        strong_key: job.decode.strong_key.as_ref().map(|k| k.text().to_vec()),
        show_secrets: false,
    }
}

/// When the table left records unexplained (`#unknownTag`), the built-in table that knows
/// them, if one does.
fn other_table_hint(input: &[u8], table: &TagTable, job: &Job, text: &[u8]) -> Option<String> {
    text.windows(11)
        .any(|w| w == b"#unknownTag")
        .then_some(())?;
    let opts = inspect_options(job);
    let ins = cfgfmt::profile::inspect::inspect(input, table, "", &opts);
    let hint = ins
        .findings
        .iter()
        .find(|f| f.code == profile::inspect::checks::OTHER_TABLE.id)?;
    Some(format!("note: {}", hint.message))
}

/// Whether the original's text for `input` is also the re-encodable one, i.e. compiling it
/// gives the same records back.
fn compiles_back(input: &[u8], table: &TagTable, job: &Job, text: &[u8]) -> bool {
    let faithful = profile::DecodeOptions {
        reencodable: true,
        ..job.decode.clone()
    };
    match profile::decode::decode_with_diagnostics(input, table, &faithful).1 {
        Ok(exact) => exact == text,
        Err(_) => true,
    }
}

/// What a run produced, before anything is written.
enum Produced {
    /// Compiled profiles: `<output>` plus suffixes, readable by a TFTP server.
    Profiles(Vec<(PathBuf, Vec<u8>)>),
    /// Decoded text, which holds passwords in clear: written for its owner only.
    Text(Vec<u8>),
}

fn run_inner(job: &Job) -> Result<()> {
    let (table, table_warnings) = match decode_table(job) {
        Some(found) => found,
        None => job.table.load()?,
    };
    let mut diags = table_diagnostics(&table_warnings);
    // Table lines print before the input is even opened, as in the original.
    print_diagnostics(&diags);
    let printed = diags.len();
    let produced = produce(job, &table, &mut diags);
    // Warnings print even when the run then fails, in the order they arose.
    print_diagnostics(diags.get(printed..).unwrap_or_default());
    let produced = produced?;
    let strict_count = diags.iter().filter(|d| counts_against_strict(d)).count();
    if job.strict && strict_count > 0 {
        return Err(Error::Strict {
            count: strict_count,
        });
    }
    match (produced, &job.output) {
        (Produced::Profiles(files), _) => {
            let refs: Vec<(PathBuf, &[u8])> = files
                .iter()
                .map(|(p, b)| (p.clone(), b.as_slice()))
                .collect();
            cfgfmt::io::write_all_atomic_with(&refs, job.durability)?;
            // Cisco's command line is silent on success, as the original was; `compile`
            // (ours) says what it wrote, so a first run shows it worked.
            if job.direction == Direction::Compile {
                let list: Vec<String> = files
                    .iter()
                    .map(|(p, b)| format!("{} ({} bytes)", p.display(), b.len()))
                    .collect();
                eprintln!(
                    "compiled {}: wrote {}",
                    job.input.display(),
                    list.join(", ")
                );
            }
            Ok(())
        }
        (Produced::Text(text), Some(path)) => {
            cfgfmt::io::write_private_atomic(path, &text, job.durability)
        }
        (Produced::Text(text), None) => {
            let mut out = std::io::stdout().lock();
            out.write_all(&text)
                .and_then(|()| out.flush())
                .map_err(|source| Error::Write {
                    path: PathBuf::from("-"),
                    source,
                })
        }
    }
}

/// The original opened the output right after the input: a folder, or a name in a
/// folder that does not exist, fails before the input is read.
fn check_output(job: &Job) -> Result<()> {
    let Some(out) = &job.output else {
        return Ok(());
    };
    let unwritable = |kind: std::io::ErrorKind, what: &str| Error::Write {
        path: out.clone(),
        source: std::io::Error::new(kind, what.to_string()),
    };
    if out.is_dir() {
        return Err(unwritable(
            std::io::ErrorKind::IsADirectory,
            "is a directory",
        ));
    }
    let folder = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(unwritable(
            std::io::ErrorKind::NotFound,
            "its folder does not exist",
        ));
    }
    // The original emptied the output before reading: the same file as input came out empty.
    if same_file(&job.input, out) {
        return Err(Error::Usage(format!(
            "{} is both the input and the output; nothing written (cfgfmt 2.3 would \
             empty it and crash)",
            out.display()
        )));
    }
    Ok(())
}

/// Whether two paths name one file: the same canonical path, or (hard links) the same
/// device and inode.
pub fn same_file(a: &Path, b: &Path) -> bool {
    if let (Ok(x), Ok(y)) = (std::fs::canonicalize(a), std::fs::canonicalize(b))
        && x == y
    {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    false
}

/// Refuses to write a file over its own source (nothing is written).
pub fn refuse_same_file(input: &Path, output: &Path) -> Result<()> {
    if same_file(input, output) {
        return Err(Error::Usage(format!(
            "{} is both the input and the output; nothing written",
            output.display()
        )));
    }
    Ok(())
}

/// Decoding over a text profile would lose its comments, includes and layout for good.
fn check_not_text_profile(job: &Job) -> Result<()> {
    let Some(out) = job.output.as_ref().filter(|_| !job.force) else {
        return Ok(());
    };
    let mut head = [0u8; 4];
    // A regular file only: opening a FIFO to look would wait for a writer.
    let is_text = out.is_file()
        && std::fs::File::open(out)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok()
        && head.as_slice() == TEXT_MAGIC;
    if is_text {
        return Err(Error::Usage(format!(
            "{} is a text profile (#txt); decoding would replace it, nothing written \
             (--force overwrites it) (cfgfmt 2.3 would empty it or write the decoded text over it)",
            out.display()
        )));
    }
    Ok(())
}

/// A weak key the original could not use: empty (division by zero) or 64+ characters
/// (overran its key buffer).
fn check_weak_key(job: &Job) -> Result<()> {
    let Some(problem) = job.decode.weak_key.as_ref().and_then(WeakKey::problem) else {
        return Ok(());
    };
    let out = job.compile.output_name.as_str();
    Err(Error::Usage(format!(
        "the -e key {problem}; nothing written (cfgfmt 2.3 would crash and leave an empty \
         '{out}')"
    )))
}

fn produce(job: &Job, table: &TagTable, diags: &mut Vec<Diagnostic>) -> Result<Produced> {
    let input = match text::read_bounded(&job.input, Limit::PROFILE) {
        Ok(bytes) => bytes,
        // A regular file: the original's words, with its size. A device or a FIFO keeps
        // ours (`more than 120000 bytes; not a profile`): it has no size to give.
        Err(Error::InputTooLarge(TooLarge {
            size: Some(size), ..
        })) => {
            check_output(job)?;
            return Err(Error::BadInputSize(
                usize::try_from(size).unwrap_or(usize::MAX),
            ));
        }
        Err(e) => return Err(e),
    };
    check_output(job)?;
    if input.len() <= 4 {
        return Err(Error::BadInputSize(input.len()));
    }
    let is_text = input.starts_with(TEXT_MAGIC);
    match job.direction {
        Direction::Compile if !is_text => {
            return Err(Error::Usage(
                "INPUT is not a text profile (it does not start with #txt); use decode".into(),
            ));
        }
        Direction::Decode if is_text => {
            return Err(Error::Usage(
                "INPUT is a text profile (#txt); use compile".into(),
            ));
        }
        _ => {}
    }
    if is_text {
        let out = profile::compile(&input, &job.input, &mut FsLoader, table, &job.compile)?;
        diags.extend(out.diagnostics);
        let base = job
            .output
            .clone()
            .unwrap_or_else(|| PathBuf::from(&job.compile.output_name));
        let files = out
            .files
            .into_iter()
            .map(|f| {
                let mut path = base.clone().into_os_string();
                path.push(f.suffix);
                (PathBuf::from(path), f.bytes)
            })
            .collect();
        Ok(Produced::Profiles(files))
    } else {
        check_not_text_profile(job)?;
        // The strong key wins; the original needed more than the 8-byte mask.
        if job.decode.strong_key.is_some() {
            if input.len() <= 8 {
                return Err(Error::InputTooSmall);
            }
        } else {
            check_weak_key(job)?;
        }
        // The original's lines print even when decoding then fails.
        let (decode_diags, text) =
            profile::decode::decode_with_diagnostics(&input, table, &job.decode);
        diags.extend(decode_diags);
        let text = text?;
        if let Some(hint) = other_table_hint(&input, table, job, &text) {
            diags.push(Diagnostic::new(DiagKind::Note(hint), None));
        }
        if !job.decode.reencodable && !compiles_back(&input, table, job, &text) {
            diags.push(Diagnostic::new(
                DiagKind::Note(
                    "note: this text does not compile back to the same bytes (Cisco's decoder \
                     prints upgrade addresses byte-reversed and cuts long values); \
                     `cfgfmt-rs decode` prints text that does"
                        .to_string(),
                ),
                None,
            ));
        }
        Ok(Produced::Text(text))
    }
}
