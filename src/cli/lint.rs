//! `cfgfmt-rs lint PATH…`: prints what [`cfgfmt::lint`] finds.

use std::path::PathBuf;

use clap::Args;

use cfgfmt::lint;

#[derive(Args, Debug)]
pub struct LintArgs {
    /// One JSON document on stdout, for scripts.
    #[arg(long)]
    json: bool,
    /// Configuration files (SIPDefault.cnf, SIP<MAC>.cnf, SEP<MAC>.cnf.xml,
    /// XMLDefault.cnf.xml, #txt profiles) or TFTP roots (every such file below them).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

pub const AFTER_HELP: &str = "\
Checks each value against Cisco's parameter definitions (formats/params/): names (with the
nearest known one), duplicates, ranges, enums and their case, IP-only fields, booleans,
time zones, model IDs, per-phone keys in SIPDefault.cnf, file names in the wrong case and,
for a root, loads named in the XML files that are not there. docs/lint.md explains each check.
Exit status: 0 no error, 1 errors found, 2 a path cannot be read (or bad arguments).";

/// Exit status: 0 no error findings, 1 error findings, 2 a path cannot be read.
pub fn run_lint(a: &LintArgs) -> i32 {
    match lint::lint_paths(&a.paths) {
        Ok(report) => {
            if a.json {
                println!("{}", report.to_json());
            } else {
                print!("{}", report.render_text());
            }
            i32::from(report.has_errors())
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
