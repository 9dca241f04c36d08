//! Command-line front end, a module of the binary: the library (`cfgfmt`) returns values,
//! this prints them. `main.rs` only calls [`run`].
//!
//! Two spellings live side by side: the original's (`cfgfmt-rs -tsip_ptag.dat in out`),
//! recognised whenever the first argument is not one of our subcommands, and subcommands
//! built with `clap` (`cfgfmt-rs compile --table … IN OUT`, `dump`, `inspect`, …).

/// `eprintln!` for the whole front end, without its panic: with stderr closed
/// (`cfgfmt-rs … 2>&1 | head`) a message is lost, not the run (std's panics with "failed
/// printing to stderr", exit status 101). Defined before the modules so they all get it.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `print!`/`println!` for reports printed piece by piece (lint, provision), without std's
/// panic on a failed stdout: `cfgfmt-rs provision … | head` ends as a C tool killed by
/// SIGPIPE would (exit 141, nothing on stderr); another write error is said, exit 1. An
/// apply prints its plan before it writes and its summary after the journal's commit, so a
/// run ended here leaves a root as before or as after.
macro_rules! print {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        if let Err(e) = write!(out, $($arg)*).and_then(|()| out.flush()) {
            $crate::cli::out::stdout_failed(&e);
        }
    }};
}
macro_rules! println {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        if let Err(e) = writeln!(out, $($arg)*).and_then(|()| out.flush()) {
            $crate::cli::out::stdout_failed(&e);
        }
    }};
}

pub mod assist;
pub mod batch;
pub mod commands;
pub mod failure;
pub mod inspect;
pub mod job;
pub mod legacy;
pub mod lint;
pub mod out;
pub mod provision;
pub mod serve;
pub mod tftp;

use std::ffi::OsString;
use std::io::Write;

use cfgfmt::table::{BUILTIN_PREFIX, BUILTIN_TABLES};

/// Runs the program with its arguments (program name first); returns the exit status.
pub fn run(args: Vec<OsString>) -> i32 {
    let first = args.get(1).map(|a| a.to_string_lossy().into_owned());
    if first.as_deref().is_some_and(commands::is_subcommand) {
        return commands::run(args);
    }
    if let Some(sub) = first.as_deref().and_then(commands::did_you_mean) {
        let word = first.as_deref().unwrap_or_default();
        eprintln!(
            "error: unrecognized subcommand '{word}' (did you mean '{sub}'?); \
             cfgfmt-rs --help lists them"
        );
        return 2;
    }
    if let Some(message) = commands::unknown_subcommand(&args) {
        eprintln!("{message}");
        return 2;
    }
    // `-h` and `-V` are unknown switches to cfgfmt 2.3 (recorded in the oracle corpus, alone
    // too), so they keep its banner and exit status; the hint after it points to ours (also
    // after a first word that is neither a subcommand nor a file: `cfgfmt-rs provision`).
    let hint = args.len() <= 1
        || args.iter().skip(1).any(|a| a == "-h" || a == "-V")
        || first
            .as_deref()
            .is_some_and(commands::neither_subcommand_nor_file);
    let (parsed, messages) = legacy::parse(args.into_iter().skip(1).collect());
    {
        let mut err = std::io::stderr().lock();
        for m in &messages {
            let _ = writeln!(err, "{m}");
        }
    }
    match parsed {
        legacy::Parsed::Run(job) => job::run(&job),
        legacy::Parsed::Usage => {
            if let Err(f) = out::print(legacy::USAGE_BANNER) {
                return failure::report(&f);
            }
            if hint {
                eprintln!("{HINT}");
            }
            1
        }
        legacy::Parsed::Help => commands::print_help(),
        legacy::Parsed::ListTables => out::print(&list_tables())
            .map(|()| 0)
            .unwrap_or_else(|f| failure::report(&f)),
        legacy::Parsed::Version => out::println(&format!(
            "cfgfmt-rs {} (compatible with cfgfmt version 2.3)",
            env!("CARGO_PKG_VERSION")
        ))
        .map(|()| 0)
        .unwrap_or_else(|f| failure::report(&f)),
        legacy::Parsed::Error(e) => failure::report(&e),
    }
}

/// Printed on stderr after the original's usage banner when it was likely not what was
/// wanted (no arguments, or the `-h`/`-V` that cfgfmt 2.3 did not know).
pub const HINT: &str = "hint: cfgfmt-rs also has subcommands (compile, decode, inspect, batch, …) \
                        and --help, --version: cfgfmt-rs --help";

/// The built-in tag tables, one a line.
pub fn list_tables() -> String {
    let mut out = String::new();
    for t in BUILTIN_TABLES {
        let aliases = t.aliases.join(", ");
        out.push_str(&format!(
            "{BUILTIN_PREFIX}{:<8} {} — stands for Cisco's {} (also: {aliases})\n",
            t.name, t.description, t.vendor_file
        ));
    }
    out
}
