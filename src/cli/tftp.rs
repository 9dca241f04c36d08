//! Glue for `tftplog` and `probe`; the work is in [`cfgfmt::tftp`].

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::failure::{self, Failure};
use super::out;

/// The models `--model` takes (any spelling `cfgfmt::device::Model::parse` reads).
pub const MODEL_NAMES: &str = "a phone model: 7940, 7960, 7905, 7912, 7906, 7911, 7941, 7961, 7942, 7962, 7945, 7965, 7970, 7971, 6921, 6941, 6945, 6961, 7920, 7921, 7925, 7926, 7821, 7841, 7861, ata186 or ata188 (7960G, CP-7960G also read)";

use cfgfmt::device::{Mac, Model, Protocol};
use cfgfmt::tftp::client::{ClientOptions, UdpClient, resolve};
use cfgfmt::tftp::diagnose::{self, RootIndex};
use cfgfmt::tftp::log::{self, LogParser};
use cfgfmt::tftp::probe::{self, ProbeOptions};

const TFTPLOG_AFTER_HELP: &str = "\
A stock tftpd-hpa logs no requests: start it with -v (Debian/Ubuntu: TFTP_OPTIONS=\"--secure -v\"
in /etc/default/tftpd-hpa), then read journalctl -t in.tftpd or /var/log/syslog. dnsmasq logs
TFTP transfers unless quiet-tftp is set.

Examples:
  cfgfmt-rs tftplog /var/log/syslog --root /srv/tftp
  journalctl -t in.tftpd --since today | cfgfmt-rs tftplog -

Exit status: 0 no phone shows a problem, 1 one does, 2 a log cannot be read or holds no TFTP
server line, or bad arguments.";

#[derive(Args, Debug)]
#[command(after_help = TFTPLOG_AFTER_HELP)]
pub struct TftplogArgs {
    /// Log files: Cisco's TFTP server log, syslog files with in.tftpd or dnsmasq-tftp
    /// lines, in any mix; `-` reads stdin.
    #[arg(required = true, value_name = "LOG")]
    logs: Vec<String>,
    /// The server's TFTP root: enables the case check (R8) and the missing-load check.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// One JSON document on stdout, for scripts.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ProtocolArg {
    Sip,
    Sccp,
}

#[derive(Args, Debug)]
pub struct ProbeArgs {
    /// The TFTP server: HOST or HOST:PORT (default port 69).
    #[arg(value_name = "HOST[:PORT]")]
    server: String,
    /// The phone's MAC address (0006D7AA2A2E, 00:06:d7:aa:2a:2e, 0006.d7aa.2a2e).
    #[arg(long, value_name = "MAC")]
    mac: String,
    /// Phone model: 7940, 7960, 7905, 7912, 7911, 7941, 7961, 7970 … (the G suffix is optional).
    #[arg(long, value_name = "MODEL", default_value = "7940")]
    model: String,
    /// Protocol the phone runs or should run.
    #[arg(long, value_enum, default_value = "sip")]
    protocol: ProtocolArg,
    /// Seconds to wait for each packet before sending again (3 retries).
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    timeout: f64,
    /// Block size to ask for (RFC 2348); 0 asks for no options (plain RFC 1350).
    #[arg(long, value_name = "BYTES", default_value_t = cfgfmt::tftp::client::DEFAULT_BLKSIZE)]
    blksize: u16,
    /// One JSON document on stdout, for scripts.
    #[arg(long)]
    json: bool,
}

/// Exit status: 0 no client shows a problem, 1 one does, 2 a log or the root cannot be read,
/// or the logs hold no TFTP server line.
pub fn run_tftplog(a: &TftplogArgs) -> i32 {
    let mut parser = LogParser::new();
    for name in &a.logs {
        let bytes = if name == "-" {
            log::read_bounded("<stdin>", std::io::stdin().lock())
        } else {
            log::read_file(std::path::Path::new(name))
        };
        match bytes {
            Ok(b) => parser.feed(if name == "-" { "<stdin>" } else { name }, &b),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    }
    let root = match &a.root {
        Some(dir) => match RootIndex::read(dir) {
            Ok(r) => Some(r),
            Err(e) => {
                eprintln!("error: cannot read folder {}: {e}", dir.display());
                return 2;
            }
        },
        None => None,
    };
    let model = parser.finish();
    if let Some(why) = model.no_tftp_lines(&a.logs) {
        eprintln!("error: {why}");
        return 2;
    }
    let report = diagnose::diagnose(&a.logs, &model, root.as_ref());
    let printed = if a.json {
        out::println(&report.to_json())
    } else {
        out::print(&report.render_text())
    };
    match printed {
        Ok(()) => i32::from(report.has_problems()),
        Err(f) => failure::report(&f),
    }
}

/// Exit status: 0 every required file fetched and parsed (information aside), 1 problems;
/// an `Err` (bad arguments, no socket) also ends in 1.
pub fn run_probe(a: &ProbeArgs) -> Result<i32, Failure> {
    let mac = Mac::parse(&a.mac).map_err(|e| Failure::Rejected {
        what: "--mac: ",
        reason: e.to_string(),
    })?;
    let model = Model::parse(&a.model).ok_or_else(|| Failure::BadValue {
        what: format!("--model {:?}", a.model),
        expected: MODEL_NAMES,
    })?;
    if !(a.timeout.is_finite() && a.timeout > 0.0 && a.timeout <= 60.0) {
        return Err(Failure::BadValue {
            what: format!("--timeout {}", a.timeout),
            expected: "0 < seconds <= 60",
        });
    }
    if a.blksize != 0 && !(8..=65464).contains(&a.blksize) {
        return Err(Failure::BadValue {
            what: format!("--blksize {}", a.blksize),
            expected: "8..65464, or 0",
        });
    }
    let server = resolve(&a.server).map_err(|reason| Failure::Rejected { what: "", reason })?;
    let options = ClientOptions {
        blksize: (a.blksize != 0).then_some(a.blksize),
        timeout: Duration::from_secs_f64(a.timeout),
        ..ClientOptions::default()
    };
    let mut client = UdpClient::new(server, options).map_err(Failure::Socket)?;
    let report = probe::probe(
        &mut client,
        &ProbeOptions {
            mac,
            model,
            protocol: match a.protocol {
                ProtocolArg::Sip => Protocol::Sip,
                ProtocolArg::Sccp => Protocol::Sccp,
            },
        },
    );
    if a.json {
        out::println(&report.to_json())?;
    } else {
        out::print(&report.render_text())?;
    }
    Ok(i32::from(report.has_problems()))
}
