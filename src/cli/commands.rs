//! Subcommands, parsed with `clap`.

use std::ffi::OsString;
use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};

use super::batch::{BatchConfig, PrefixArg};
use super::failure::{self, Failure};
use super::job::{self, Direction, Job, JobBuilder, Switch, TableSource, read_key_file};
use cfgfmt::batch::BatchOptions;
use cfgfmt::crypto::{StrongKey, WeakKey};
use cfgfmt::profile::CompileOptions;
use cfgfmt::table::Protocol;

const AFTER_HELP: &str = "\
The original command line works as it did with Cisco's cfgfmt:
  cfgfmt-rs [-t<table>] [-sip|-h323|-mgcp|-sccp] [-g] [-split] [-e<key>] [-x<key>] [-E] [-X] [-v] INPUT OUTPUT
  cfgfmt-rs -tsip_ptag7912.dat gkdefault.txt gkdefault.cfg
An INPUT starting with #txt is compiled to a binary profile; any other INPUT is decoded to text.
Tables: -t<path>, or a built-in one: -tbuiltin:7912 (7905G/7912G SIP), -tbuiltin:ata186 (ATA 186/188).
Without -t, ptag.dat in the working directory is used, as the original did.
Keys can come from files so they stay out of the process list: --key-file F, --xkey-file F.
--strict fails (exit 2, nothing written) on any warning.";

#[derive(Parser, Debug)]
#[command(name = "cfgfmt-rs", version, about = "Toolkit for the provisioning files of Cisco's legacy IP phones: a byte-exact cfgfmt (profile compiler and decoder), firmware inspector, conversion assistant, fleet provisioning (lint, provision) and a read-only TFTP server (serve)", after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compile a #txt text profile into a binary profile (as `cfgfmt in out`).
    Compile(CompileArgs),
    /// Decode a binary profile to text (to stdout when OUTPUT is omitted).
    Decode(DecodeArgs),
    /// Summarise a profile or firmware file (or a folder of them), with findings.
    Inspect(InspectArgs),
    /// Annotated hex view: every byte with what it is (--raw for a plain hexdump).
    Dump(DumpArgs),
    /// Write a signed file's payload without its signed header (.sbn -> .bin).
    Strip { input: PathBuf, output: PathBuf },
    /// Extract the regions of a kup1 package (.sbin/.zup), or a bundle's members.
    Extract { input: PathBuf, dir: PathBuf },
    /// Compile one profile per device: a template plus each CSV row's values, written as
    /// DIR/<prefix><mac>.
    Batch(BatchArgs),
    /// List the built-in tag tables.
    Tables,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) on stdout.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on stdout: `cfgfmt-rs manpage > cfgfmt-rs.1`;
    /// `cfgfmt-rs manpage serve > cfgfmt-rs-serve.1` for one subcommand's page.
    Manpage {
        /// A subcommand: its own page (`cfgfmt-rs-serve(1)`).
        subcommand: Option<String>,
    },
    /// Check a TFTP root against Cisco's SCCP/SIP conversion guide (exit 1 on errors).
    Doctor(super::assist::DoctorArgs),
    /// The ordered steps to convert a phone from one load to another.
    Plan(super::assist::PlanArgs),
    /// The upgradecode line for a 7905G/7912G/ATA image (--write puts it into gkdefault.txt).
    Upgradecode(super::assist::UpgradecodeArgs),
    /// Read TFTP server logs (Cisco, tftpd-hpa, dnsmasq): one timeline per phone, with
    /// findings (exit 1 when a phone shows a problem).
    Tftplog(super::tftp::TftplogArgs),
    /// Fetch from a TFTP server what a phone would, following the names in each file
    /// (read-only; exit 1 on problems).
    Probe(super::tftp::ProbeArgs),
    /// Serve a TFTP root read-only (and the files an inventory renders, from memory),
    /// printing every transfer and the guide's findings live.
    Serve(super::serve::ServeArgs),
    /// Check configuration files (.cnf, .cnf.xml, #txt) or a whole TFTP root against Cisco's
    /// parameter definitions (exit 1 on errors).
    #[command(after_help = super::lint::AFTER_HELP)]
    Lint(super::lint::LintArgs),
    /// Render every file each phone of an inventory (CSV) reads, show what would change in a
    /// TFTP root, and --apply it atomically with an undo journal.
    Provision(super::provision::ProvisionArgs),
}

#[derive(Args, Debug)]
struct InspectArgs {
    #[command(flatten)]
    common: TableArgs,
    /// One JSON document on stdout, for scripts.
    #[arg(long)]
    json: bool,
    /// Show passwords and keys instead of <hidden>.
    #[arg(long)]
    show_secrets: bool,
    /// PEM certificate (or public key) to verify signed files with.
    #[arg(long, value_name = "PEM")]
    cert: Option<PathBuf>,
    /// Check a .loads file's set against this folder (default: the file's own folder).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// File or folder.
    path: PathBuf,
}

#[derive(Args, Debug)]
struct DumpArgs {
    #[command(flatten)]
    common: TableArgs,
    /// Plain 16-bytes-a-row hexdump of any file.
    #[arg(long)]
    raw: bool,
    /// Colours: auto (on a terminal), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    color: super::out::ColorChoice,
    /// Show passwords and keys instead of <hidden>.
    #[arg(long)]
    show_secrets: bool,
    path: PathBuf,
}

#[derive(Args, Debug)]
struct TableArgs {
    /// Tag table: a path, or builtin:7912 / builtin:ata186. Default: ./ptag.dat
    #[arg(long, short = 't', value_name = "TABLE")]
    table: Option<String>,
    /// Limit to SIP parameters (-sip).
    #[arg(long)]
    sip: bool,
    /// Limit to H.323 parameters (-h323).
    #[arg(long)]
    h323: bool,
    /// Limit to MGCP parameters (-mgcp).
    #[arg(long)]
    mgcp: bool,
    /// Limit to SCCP parameters (-sccp).
    #[arg(long)]
    sccp: bool,
    /// Weak (RC4) key in a file, hex text on the first line (-e).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Strong key in a file, up to 64 hex digits (-x).
    #[arg(long, value_name = "FILE")]
    xkey_file: Option<PathBuf>,
    /// Verbose (-v).
    #[arg(long, short = 'v')]
    verbose: bool,
    /// Fail with exit status 2, writing nothing, on any warning.
    #[arg(long)]
    strict: bool,
    /// Wait until the outputs are on the disk (fsync) before exiting; by default they are
    /// renamed into place complete, and the kernel writes them back within seconds.
    #[arg(long)]
    sync: bool,
}

/// The compiler's own switches, shared by `compile` and `batch`.
#[derive(Args, Debug)]
struct CompilerSwitches {
    /// Omit sensitive parameters such as passwords (-g).
    #[arg(long, short = 'g')]
    omit_sensitive: bool,
    /// Always split into OUTPUT and OUTPUT.ex (-split; automatic above the original's size threshold).
    #[arg(long)]
    split: bool,
    /// Do not encrypt with the profile's own EncryptKey (-E).
    #[arg(long)]
    no_profile_key: bool,
    /// Do not write strong files for the profile's own EncryptKeyEx (-X).
    #[arg(long)]
    no_profile_key_ex: bool,
}

#[derive(Args, Debug)]
struct CompileArgs {
    #[command(flatten)]
    common: TableArgs,
    #[command(flatten)]
    switches: CompilerSwitches,
    /// Text profile (starts with #txt).
    input: PathBuf,
    /// Binary profile to write (atomically).
    output: String,
}

#[derive(Args, Debug)]
struct DecodeArgs {
    #[command(flatten)]
    common: TableArgs,
    /// Print what Cisco's decoder printed (upgrade IPs byte-reversed, long values cut,
    /// `#EncryptKeyEx:<secret>`). By default the text compiles back to the same bytes.
    #[arg(long)]
    original: bool,
    /// The default; kept so older scripts still run.
    #[arg(long, hide = true)]
    reencodable: bool,
    /// Overwrite OUTPUT even when it is a text profile (starts with #txt).
    #[arg(long)]
    force: bool,
    /// Binary profile.
    input: PathBuf,
    /// Text file to write; stdout when omitted.
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct BatchArgs {
    #[command(flatten)]
    common: TableArgs,
    /// Text profile every device starts from (starts with #txt; includes allowed).
    #[arg(long, value_name = "FILE")]
    template: PathBuf,
    /// CSV: a `mac` column plus one column per parameter; an empty cell keeps the template's value.
    #[arg(long, value_name = "CSV")]
    devices: PathBuf,
    /// Folder for the profiles (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// File name prefix: ata (ATA 186/188), gk (7912G), ld (7905G) or none.
    #[arg(long, value_enum)]
    prefix: PrefixArg,
    #[command(flatten)]
    switches: CompilerSwitches,
    /// Rewrite every file, even those whose contents are unchanged.
    #[arg(long)]
    force: bool,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Print a JSON summary with each row's status on stdout.
    #[arg(long)]
    json: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

/// Whether `arg` names a subcommand (or `help`): clap's derived match on the names, so a new
/// subcommand can never fall through to the original's command line.
pub fn is_subcommand(arg: &str) -> bool {
    arg == "help" || Command::has_subcommand(arg)
}

/// Every subcommand's name, from the clap definition.
fn subcommand_names() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .chain(std::iter::once("help".to_string()))
        .collect()
}

/// A word that can only be meant as a subcommand: letters, digits and dashes, not a path
/// that exists (the original opened any other word as its input file).
fn bare_word(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_alphabetic())
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !std::path::Path::new(word).exists()
}

/// The subcommand a mistyped word most likely meant: one or two letters off (one for
/// words of five letters or fewer; two letters swapped count one: `inpsect`), never for a
/// word that names an existing file.
pub fn did_you_mean(word: &str) -> Option<String> {
    if word.starts_with('-') || word.len() < 3 || std::path::Path::new(word).exists() {
        return None;
    }
    let limit = if word.len() <= 5 { 1 } else { 2 };
    subcommand_names()
        .into_iter()
        .map(|s| (strsim::osa_distance(word, &s), s))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, s)| s)
}

/// The error for a first argument that is no subcommand and cannot be the original's input
/// either: a bare word, not a file, followed by a `--` option (`provision --help`), which
/// the original's command line never had. `None` when the arguments may be the original's.
pub fn unknown_subcommand(args: &[OsString]) -> Option<String> {
    let word = args.get(1)?.to_str()?;
    if !bare_word(word)
        || !args
            .iter()
            .skip(2)
            .any(|a| a.to_string_lossy().starts_with("--"))
    {
        return None;
    }
    let names = subcommand_names();
    let near = names
        .iter()
        .map(|s| (strsim::jaro_winkler(word, s), s))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    Some(match near {
        Some((_, s)) => format!(
            "error: unrecognized subcommand '{word}' (did you mean '{s}'?); cfgfmt-rs --help lists them"
        ),
        None => format!(
            "error: unrecognized subcommand '{word}'; the subcommands are {}",
            names.join(", ")
        ),
    })
}

/// Whether the first argument is a bare word that is neither a subcommand nor a file (the
/// original's usage banner is then followed by a hint).
pub fn neither_subcommand_nor_file(word: &str) -> bool {
    bare_word(word) && !is_subcommand(word)
}

pub fn print_help() -> i32 {
    use clap::CommandFactory;
    let _ = Cli::command().print_help();
    0
}

impl TableArgs {
    /// The switches these flags spell, in the original's terms.
    fn switches(&self) -> Result<Vec<Switch>, Failure> {
        let mut switches = Vec::new();
        if let Some(t) = &self.table {
            switches.push(Switch::Table(TableSource::parse(t)?));
        }
        for (on, p) in [
            (self.sip, Protocol::Sip),
            (self.h323, Protocol::H323),
            (self.mgcp, Protocol::Mgcp),
            (self.sccp, Protocol::Sccp),
        ] {
            if on {
                switches.push(Switch::Protocol(p));
            }
        }
        if let Some(f) = &self.key_file {
            switches.push(Switch::WeakKey(WeakKey::from_text(read_key_file(f)?)));
        }
        if let Some(f) = &self.xkey_file {
            switches.push(Switch::StrongKey(StrongKey::from_text(read_key_file(f)?)));
        }
        for (on, s) in [
            (self.verbose, Switch::Verbose),
            (self.strict, Switch::Strict),
            (self.sync, Switch::Sync),
        ] {
            if on {
                switches.push(s);
            }
        }
        Ok(switches)
    }

    fn builder(&self) -> Result<JobBuilder, Failure> {
        let mut builder = JobBuilder::default();
        builder.switches(self.switches()?);
        Ok(builder)
    }

    /// A job for the commands that only read `path` (inspect, dump).
    fn reader(&self, path: &std::path::Path) -> Result<Job, Failure> {
        Ok(self
            .builder()?
            .build(Direction::Auto, path.to_path_buf(), None))
    }
}

impl CompilerSwitches {
    fn switches(&self) -> Vec<Switch> {
        [
            (self.omit_sensitive, Switch::OmitSensitive),
            (self.split, Switch::Split),
            (self.no_profile_key, Switch::IgnoreProfileKey),
            (self.no_profile_key_ex, Switch::IgnoreProfileKeyEx),
        ]
        .into_iter()
        .filter_map(|(on, s)| on.then_some(s))
        .collect()
    }
}

pub fn run(args: Vec<OsString>) -> i32 {
    // lint and provision keep 1 for what the run found: their usage errors are 2.
    let lint = args.get(1).is_some_and(|a| a == "lint" || a == "provision");
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if !e.use_stderr() {
                0
            } else if lint {
                2
            } else {
                1
            };
        }
    };
    let result = match cli.command {
        Command::Compile(a) => a.common.builder().map(|mut b| {
            b.switches(a.switches.switches());
            let output = Some(PathBuf::from(a.output));
            job::run(&b.build(Direction::Compile, a.input, output))
        }),
        Command::Decode(a) => a.common.builder().map(|mut b| {
            let ours = [
                (!a.original || a.reencodable, Switch::Reencodable),
                (a.force, Switch::Force),
            ];
            b.switches(ours.into_iter().filter_map(|(on, s)| on.then_some(s)));
            job::run(&b.build(Direction::Decode, a.input, a.output))
        }),
        Command::Inspect(a) => a.common.reader(&a.path).and_then(|j| {
            super::inspect::run_inspect(&j, &a.path, a.json, a.show_secrets, a.cert, a.dir)
        }),
        Command::Dump(a) => a
            .common
            .reader(&a.path)
            .and_then(|j| super::inspect::run_dump(&j, &a.path, a.raw, a.color, a.show_secrets)),
        Command::Strip { input, output } => super::job::refuse_same_file(&input, &output)
            .map_err(Failure::from)
            .and_then(|()| super::inspect::run_strip(&input, &output)),
        Command::Extract { input, dir } => super::inspect::run_extract(&input, &dir),
        Command::Batch(a) => a.common.builder().map(|mut b| {
            b.switches(a.switches.switches());
            run_batch(&a, &b.build(Direction::Compile, PathBuf::new(), None))
        }),
        Command::Completions { shell } => {
            // Into memory first: `generate` panics when its writer fails (`| head`).
            let mut cmd = Cli::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "cfgfmt-rs", &mut script);
            super::out::print(&String::from_utf8_lossy(&script)).map(|()| 0)
        }
        Command::Manpage { subcommand } => {
            let mut cli = Cli::command();
            cli.build();
            let cmd = match &subcommand {
                None => cli,
                Some(name) => match cli.find_subcommand(name) {
                    // clap takes a 'static name; the process ends right after the page.
                    Some(sub) => sub
                        .clone()
                        .name(&*Box::leak(format!("cfgfmt-rs-{name}").into_boxed_str())),
                    None => {
                        return failure::report(&Failure::BadValue {
                            what: format!("manpage {name:?}"),
                            expected: "a subcommand (cfgfmt-rs --help lists them)",
                        });
                    }
                },
            };
            let page = clap_mangen::Man::new(cmd);
            let mut out = super::out::plain();
            page.render(&mut out)
                .and_then(|()| out.flush())
                .map(|()| 0)
                .map_err(Failure::Output)
        }
        Command::Tables => super::out::print(&super::list_tables()).map(|()| 0),
        Command::Doctor(a) => Ok(super::assist::run_doctor(&a)),
        Command::Plan(a) => super::assist::run_plan(&a),
        Command::Upgradecode(a) => super::assist::run_upgradecode(&a),
        Command::Tftplog(a) => Ok(super::tftp::run_tftplog(&a)),
        Command::Probe(a) => super::tftp::run_probe(&a),
        Command::Serve(a) => super::serve::run(&a),
        Command::Provision(a) => Ok(super::provision::run(&a)),
        Command::Lint(a) => Ok(super::lint::run_lint(&a)),
    };
    result.unwrap_or_else(|e| failure::report(&e))
}

fn run_batch(a: &BatchArgs, job: &Job) -> i32 {
    let (table, warnings) = match job.table.load() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}{e}", e.lead());
            if let Some(note) = e.note() {
                eprintln!("{}", failure::note_line(&note));
            }
            if job.table == TableSource::Default {
                eprintln!("{}", job::builtin_hint());
            }
            return 1;
        }
    };
    let table_warnings = job::table_diagnostics(&warnings);
    let c = &job.compile;
    let compile = CompileOptions {
        // In a batch a key file overrides every row's own key (cfgfmt 2.3 let a profile's
        // key win over `-e`/`-x`; the legacy command line keeps that).
        ignore_profile_key: c.ignore_profile_key || c.weak_key.is_some(),
        ignore_profile_key_ex: c.ignore_profile_key_ex || c.strong_key.is_some(),
        // `-v` is the batch's own; each row is named by the batch.
        verbose: false,
        output_name: String::new(),
        ..c.clone()
    };
    super::batch::run(&BatchConfig {
        table,
        table_warnings,
        template: a.template.clone(),
        devices: a.devices.clone(),
        out_dir: a.out.clone(),
        options: BatchOptions {
            compile,
            prefix: a.prefix.into(),
            force: a.force,
            durability: job.durability,
        },
        strict: job.strict,
        verbose: c.verbose,
        quiet: a.quiet,
        json: a.json,
        jobs: a.jobs.map(usize::from),
    })
}
