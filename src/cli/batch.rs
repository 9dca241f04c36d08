//! `batch`: the progress bar, the messages on stderr and the JSON summary on stdout; the
//! work is in [`cfgfmt::batch`].

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use cfgfmt::batch::{
    Batch, BatchError, BatchOptions, BatchReport, Counts, Devices, Progress, RowReport, RowStatus,
    Template,
};
use cfgfmt::diag::{Diagnostic, Severity};
use cfgfmt::table::TagTable;

/// `--prefix`: the file-name prefix a device type requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PrefixArg {
    /// ATA 186/188: `ata<mac>`.
    Ata,
    /// 7912G: `gk<mac>`.
    Gk,
    /// 7905G: `ld<mac>`.
    Ld,
    /// The bare MAC.
    None,
}

impl From<PrefixArg> for cfgfmt::batch::Prefix {
    fn from(p: PrefixArg) -> Self {
        use cfgfmt::batch::Prefix;
        match p {
            PrefixArg::Ata => Prefix::Ata,
            PrefixArg::Gk => Prefix::Gk,
            PrefixArg::Ld => Prefix::Ld,
            PrefixArg::None => Prefix::None,
        }
    }
}

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
pub fn run(cfg: &BatchConfig) -> i32 {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = cfg.jobs {
        builder = builder.num_threads(n);
    }
    let result = builder
        .build()
        .map_err(BatchError::Threads)
        .and_then(|pool| pool.install(|| execute(cfg)));
    match result {
        Ok(code) => code,
        Err(e @ BatchError::Interrupted { .. }) => {
            eprintln!("error: {e}");
            130
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// A flag SIGINT and SIGTERM set (a second signal ends the program at once, exit 130): the
/// engine polls it, stops, and removes its temporary files itself.
fn stop_flag() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // Registration fails only for forbidden signals; then the default action stays.
        let _ = signal_hook::flag::register_conditional_shutdown(sig, 130, Arc::clone(&stop));
        let _ = signal_hook::flag::register(sig, Arc::clone(&stop));
    }
    stop
}

fn execute(cfg: &BatchConfig) -> Result<i32, BatchError> {
    let mut err = std::io::stderr().lock();
    for d in &cfg.table_warnings {
        super::job::print_diagnostic(&mut err, d, b"");
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
        let prefix = format!("{}: ", template.name);
        super::job::print_diagnostic(&mut err, d, prefix.as_bytes());
    }
    if template_errors > 0 {
        return Err(BatchError::TemplateErrors {
            path: template.name,
            count: template_errors,
        });
    }
    let devices = Devices::load(&cfg.devices, &cfg.table, cfg.options.compile.protocols)?;
    if devices.separator != b',' {
        let sep = if devices.separator == b'\t' {
            "tabs".to_string()
        } else {
            format!("'{}'", char::from(devices.separator))
        };
        let _ = writeln!(
            err,
            "note: {} separates its fields with {sep}, not commas (as spreadsheets save CSV in many locales); read so",
            devices.name
        );
    }
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
    let report = batch.run_until(&cfg.out_dir, &progress, &stop_flag())?;
    print_rows(&report, cfg.verbose);
    if report.leftovers_removed > 0 {
        eprintln!(
            "batch: removed {} leftover temporary file(s) of an earlier run that was killed",
            report.leftovers_removed
        );
    }
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
        // A closed pipe loses only the summary: the profiles are written and the exit
        // status says how the batch went.
        let _ = super::out::println(&text);
    }
}
