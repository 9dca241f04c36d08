//! Glue for `doctor`, `plan` and `upgradecode`; the work is in [`cfgfmt::assist`].

use std::path::PathBuf;

use clap::Args;

use super::failure::{self, Failure};
use super::out;
use cfgfmt::assist::{doctor, plan, upgradecode};

#[derive(Args, Debug)]
pub struct DoctorArgs {
    /// One JSON document on stdout, for scripts.
    #[arg(long)]
    json: bool,
    /// Show only findings of this severity or worse (the exit status follows what is shown).
    #[arg(long, value_enum, default_value = "info")]
    severity: SeverityArg,
    /// Show only this check (repeatable; ids as printed in brackets, e.g. gkdefault-stale).
    #[arg(long = "check", value_name = "ID")]
    checks: Vec<String>,
    /// The TFTP root to check.
    dir: PathBuf,
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// The load the phone runs: a load name (P0S3-8-12-00, P00308010200,
    /// CP7912080000SIP060111A.sbin) or PROTOCOL-VERSION (SIP-8.12, SCCP-8.1(2)).
    #[arg(long, value_name = "LOAD")]
    from: String,
    /// The load to convert to (same forms).
    #[arg(long, value_name = "LOAD")]
    to: String,
    /// Phone model: 7940, 7960, 7905, 7912, 7911, 7941, 7961, 7942, 7945, 7970 … (default:
    /// what the load names say, else 7940/7960; without it a plan names the load for every
    /// model that shares it).
    #[arg(long, value_name = "MODEL")]
    model: Option<String>,
    /// An intermediate load to use where the guide names only a version (the latest SCCP
    /// 4.x, SCCP 5.x, SCCP 6.3); repeatable.
    #[arg(long, value_name = "LOAD")]
    via: Vec<String>,
    /// One JSON document on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct UpgradecodeArgs {
    /// The image: a 7905G/7912G .sbin (or an ATA/7905G .zup).
    image: PathBuf,
    /// TFTP server the phone downloads the image from (default 0.0.0.0: the server that
    /// served the profile).
    #[arg(long, value_name = "IP")]
    tftp: Option<String>,
    /// Put the line into this text profile (replacing its upgradecode line, or adding one),
    /// atomically.
    #[arg(long, value_name = "GKDEFAULT_TXT")]
    write: Option<PathBuf>,
}

/// Exit status: 0 no error findings, 1 error findings, 2 the folder cannot be read.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum SeverityArg {
    Error,
    Warning,
    Info,
}

pub fn run_doctor(a: &DoctorArgs) -> i32 {
    // Doctor reports its own checks and, through lint, lint's.
    let known = || {
        cfgfmt::assist::CHECKS
            .iter()
            .chain(cfgfmt::lint::LINT_CHECKS)
            .map(|d| d.id)
    };
    for c in &a.checks {
        if !known().any(|id| id == c) {
            let mut near: Vec<(f64, &str)> = known()
                .map(|id| (strsim::jaro_winkler(id, c), id))
                .filter(|(score, id)| *score > 0.8 || id.contains(c.as_str()))
                .collect();
            near.sort_by(|a, b| b.0.total_cmp(&a.0));
            let near: Vec<&str> = near.into_iter().take(3).map(|(_, id)| id).collect();
            let hint = if near.is_empty() {
                "docs/assistant.md and docs/lint.md list the checks".to_string()
            } else {
                format!("did you mean {}?", near.join(", "))
            };
            eprintln!("error: --check {c:?} is no doctor check; {hint}");
            return 2;
        }
    }
    let min = match a.severity {
        SeverityArg::Error => cfgfmt::assist::Severity::Error,
        SeverityArg::Warning => cfgfmt::assist::Severity::Warning,
        SeverityArg::Info => cfgfmt::assist::Severity::Info,
    };
    match doctor::doctor(&a.dir, &doctor::DoctorOptions::default()) {
        Ok(report) => {
            let report = report.filtered(min, &a.checks);
            let printed = if a.json {
                out::println(&report.to_json())
            } else {
                out::print(&report.render_text())
            };
            match printed {
                Ok(()) => i32::from(report.has_errors()),
                Err(f) => failure::report(&f),
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

pub fn run_plan(a: &PlanArgs) -> Result<i32, Failure> {
    let model = match &a.model {
        Some(m) => Some(
            cfgfmt::device::Model::parse(m).ok_or_else(|| Failure::BadValue {
                what: format!("--model {m:?}"),
                expected: super::tftp::MODEL_NAMES,
            })?,
        ),
        None => None,
    };
    let p = plan::plan(&a.from, &a.to, model, &a.via)?;
    if a.json {
        out::println(&p.to_json())?;
    } else {
        out::print(&p.render_text())?;
    }
    Ok(0)
}

pub fn run_upgradecode(a: &UpgradecodeArgs) -> Result<i32, Failure> {
    let tftp = match &a.tftp {
        Some(t) => upgradecode::parse_ip(t).ok_or_else(|| Failure::BadValue {
            what: format!("--tftp {t:?}"),
            expected: "an IPv4 address",
        })?,
        None => [0; 4],
    };
    let code = upgradecode::for_image_path(&a.image, tftp)?;
    let line = code.line();
    out::println(&line)?;
    if let Some(path) = &a.write {
        let shown = path.display();
        match upgradecode::write_into(path, &line)? {
            upgradecode::Edit::Replaced(lines) => {
                let list: Vec<String> = lines.iter().map(usize::to_string).collect();
                eprintln!(
                    "{shown}: upgradecode line replaced (line {})",
                    list.join(", ")
                );
            }
            upgradecode::Edit::Added(n) => eprintln!("{shown}: upgradecode line added (line {n})"),
            upgradecode::Edit::Unchanged(n) => {
                eprintln!("{shown}: line {n} already holds this upgradecode line")
            }
        }
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        let image = a
            .image
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let t = upgradecode::table_arg(&image, dir);
        // The default profile the phones of this image's platform ask for (R31).
        let profile = match code.platform {
            upgradecode::PLATFORM_7905 => "lddefault.cfg",
            upgradecode::PLATFORM_ATA => "atadefault.cfg",
            _ => "gkdefault.cfg",
        };
        let out = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(p) => p.join(profile).display().to_string(),
            None => profile.to_string(),
        };
        eprintln!(
            "now compile it: cfgfmt-rs {t} {shown} {out} (or to gk<mac>/ld<mac>/ata<mac> for one phone)"
        );
    }
    Ok(0)
}
