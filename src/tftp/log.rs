//! TFTP server logs → transfers. Three formats, in any mix, line by line:
//!
//! - Cisco's TFTP server: `Mon Sep 11 17:15:26 2000: Sending 'SIPDefault.cnf' file to
//!   10.1.1.10` … `in binary mode` … `###` … `Mon Sep 11 17:15:26 2000: Successful.` (or
//!   `Failed ( State Error ).`): the outcome closes the transfer opened before it;
//! - tftpd-hpa (`in.tftpd[pid]: RRQ from IP filename NAME`, then on failure `sending NAK
//!   (code, text) to IP` from the same process); it logs no success, so a request without
//!   a NAK is [`Outcome::Requested`];
//! - dnsmasq (`dnsmasq-tftp[pid]: sent PATH to IP`, `file PATH not found [for IP]`,
//!   `cannot access PATH: why`, `failed sending PATH to IP`, `error N text received from IP`).
//!
//! Syslog lines may carry the classic stamp (`Nov 30 08:01:12 host`) or an RFC 3339 one.
//! Other programs' lines are skipped; nothing panics on any input.
use serde::Serialize;

/// Largest log read (each file, stdin included).
pub const MAX_LOG_BYTES: u64 = crate::io::Limit::LOG.bytes;
/// Longer lines are cut (and counted in [`LogModel::long_lines`]).
pub const MAX_LINE: usize = 16 << 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Server {
    Cisco,
    TftpdHpa,
    Dnsmasq,
    /// `cfgfmt-rs serve`'s live events.
    Serve,
}

impl Server {
    pub fn label(self) -> &'static str {
        match self {
            Server::Cisco => "cisco",
            Server::TftpdHpa => "tftpd-hpa",
            Server::Dnsmasq => "dnsmasq",
            Server::Serve => "cfgfmt-rs serve",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "outcome", content = "detail")]
pub enum Outcome {
    /// The server says the file was sent.
    Sent,
    /// tftpd-hpa logged the request and no error: most likely sent.
    Requested,
    NotFound,
    AccessViolation,
    /// Any other failure, with the server's words (`State Error`).
    Failed(String),
    /// The log ends before the outcome.
    Unfinished,
}

impl Outcome {
    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Sent | Outcome::Requested)
    }
    pub fn label(&self) -> String {
        match self {
            Outcome::Sent => "sent".into(),
            Outcome::Requested => "requested (no error logged)".into(),
            Outcome::NotFound => "not found".into(),
            Outcome::AccessViolation => "access violation".into(),
            Outcome::Failed(why) => format!("failed ({why})"),
            Outcome::Unfinished => "unfinished (log ends)".into(),
        }
    }
}

/// A time stamp as far as the log gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stamp {
    /// As written in the log.
    pub text: String,
    #[serde(skip)]
    pub year: Option<u16>,
    #[serde(skip)]
    pub month: u8,
    #[serde(skip)]
    pub day: u8,
    #[serde(skip)]
    pub seconds: u32,
}

impl Stamp {
    /// Sort key; the year only when `with_year`.
    pub fn key(&self, with_year: bool) -> (u16, u8, u8, u32) {
        let y = if with_year { self.year.unwrap_or(0) } else { 0 };
        (y, self.month, self.day, self.seconds)
    }
}

/// One transfer (or request) found in a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Transfer {
    pub client: String,
    /// True when the line did not name the client (dnsmasq's `file … not found`): the last
    /// client seen from the same server process is assumed.
    pub client_assumed: bool,
    /// The name requested (the last path component of dnsmasq's full paths).
    pub file: String,
    /// The name exactly as logged.
    pub logged_name: String,
    pub server: Server,
    #[serde(flatten)]
    pub outcome: Outcome,
    pub time: Option<Stamp>,
    /// Log file and 1-based line of the request.
    pub log: String,
    pub line: usize,
}

/// What the logs hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LogModel {
    pub transfers: Vec<Transfer>,
    /// Lines read, all files.
    pub lines: usize,
    /// Lines of a TFTP server that were not understood (file:line: text), at most 50.
    pub unknown: Vec<String>,
    pub unknown_count: usize,
    pub long_lines: usize,
}

impl LogModel {
    /// Why the logs cannot answer anything: not one line of a TFTP server among them (a
    /// wrong file, or a server that does not log its requests). `None` when some line is a
    /// TFTP server's, understood or not.
    pub fn no_tftp_lines(&self, logs: &[String]) -> Option<String> {
        if !self.transfers.is_empty() || self.unknown_count > 0 {
            return None;
        }
        Some(format!(
            "no TFTP server line in {} ({} line{} read). tftplog reads the logs of Cisco's TFTP server, of tftpd-hpa (in.tftpd) and of dnsmasq, as syslog writes them. tftpd-hpa logs requests only with -v (Debian/Ubuntu: TFTP_OPTIONS=\"--secure -v\" in /etc/default/tftpd-hpa, restart it, then read journalctl -t in.tftpd or /var/log/syslog); dnsmasq logs TFTP transfers unless quiet-tftp is set (lines from dnsmasq-tftp[pid])",
            logs.join(", "),
            self.lines,
            if self.lines == 1 { "" } else { "s" }
        ))
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month(s: &str) -> Option<u8> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(s))
        .and_then(|i| u8::try_from(i + 1).ok())
}

fn hms(s: &str) -> Option<u32> {
    let mut it = s.split(':');
    let h: u32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let sec = it.next()?;
    let sec: u32 = sec.get(..2.min(sec.len()))?.parse().ok()?;
    if it.next().is_some() || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    Some(h * 3600 + m * 60 + sec)
}

/// `Mon Sep 11 17:15:26 2000: rest` → (stamp, rest).
fn cisco_stamp(line: &str) -> Option<(Stamp, &str)> {
    let (head, rest) = line.split_once(": ")?;
    let f: Vec<&str> = head.split_whitespace().collect();
    let [_wd, mon, day, time, year] = f.as_slice() else {
        return None;
    };
    let stamp = Stamp {
        text: head.to_string(),
        year: Some(year.parse().ok()?),
        month: month(mon)?,
        day: day.parse().ok().filter(|d| (1..=31).contains(d))?,
        seconds: hms(time)?,
    };
    Some((stamp, rest))
}

/// A syslog line: stamp, host, program (without `[pid]`), pid, message.
struct Syslog<'a> {
    stamp: Stamp,
    program: &'a str,
    pid: &'a str,
    message: &'a str,
}

fn syslog(line: &str) -> Option<Syslog<'_>> {
    let line = line.trim_start();
    // Classic `Nov 30 08:01:12 host prog[pid]: msg`, or `2026-11-30T08:01:12+00:00 host …`.
    let (stamp, rest) = if line.get(4..5) == Some("-") && line.get(10..11) == Some("T") {
        let (ts, rest) = line.split_once(' ')?;
        let year = ts.get(0..4)?.parse().ok()?;
        let month = ts.get(5..7)?.parse().ok()?;
        let day = ts.get(8..10)?.parse().ok()?;
        let seconds = hms(ts.get(11..19)?)?;
        (
            Stamp {
                text: ts.to_string(),
                year: Some(year),
                month,
                day,
                seconds,
            },
            rest,
        )
    } else {
        let mut it = line.split_whitespace();
        let mon = month(it.next()?)?;
        let day: u8 = it.next()?.parse().ok().filter(|d| (1..=31).contains(d))?;
        let time = it.next()?;
        let seconds = hms(time)?;
        let at = line.find(time)? + time.len();
        let text = line.get(..at)?.to_string();
        (
            Stamp {
                text,
                year: None,
                month: mon,
                day,
                seconds,
            },
            line.get(at..)?.trim_start(),
        )
    };
    let (_host, rest) = rest.split_once(' ')?;
    let (tag, message) = rest.split_once(": ")?;
    let (program, pid) = match tag.split_once('[') {
        Some((p, pid)) => (p, pid.trim_end_matches(']')),
        None => (tag, ""),
    };
    Some(Syslog {
        stamp,
        program,
        pid,
        message: message.trim_end(),
    })
}

fn outcome_of(text: &str) -> Outcome {
    let lower = text.to_ascii_lowercase();
    if lower.contains("not found") || lower.contains("no such file") {
        Outcome::NotFound
    } else if lower.contains("access violation") || lower.contains("permission denied") {
        Outcome::AccessViolation
    } else {
        Outcome::Failed(text.trim().to_string())
    }
}

/// The parser state across lines and files.
#[derive(Default)]
pub struct LogParser {
    model: LogModel,
    /// Cisco: index of the transfer waiting for its outcome, per log file.
    cisco_open: Option<usize>,
    /// tftpd-hpa: open request per process id (index into transfers).
    hpa_open: Vec<(String, usize)>,
    /// dnsmasq: last client per process id.
    dnsmasq_client: Vec<(String, String)>,
}

impl LogParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads one whole log (`name` is what errors and findings call it).
    pub fn feed(&mut self, name: &str, bytes: &[u8]) {
        self.cisco_open = None;
        let text = String::from_utf8_lossy(bytes);
        let count = text.split('\n').count();
        for (i, raw) in text.split('\n').enumerate() {
            let mut line = raw.strip_suffix('\r').unwrap_or(raw);
            if line.len() > MAX_LINE {
                self.model.long_lines += 1;
                let mut cut = MAX_LINE;
                while !line.is_char_boundary(cut) {
                    cut -= 1;
                }
                line = line.get(..cut).unwrap_or("");
            }
            if i + 1 == count && line.is_empty() {
                break;
            }
            self.model.lines += 1;
            self.line(name, i + 1, line);
        }
        self.cisco_open = None;
    }

    /// The model; open Cisco transfers become [`Outcome::Unfinished`].
    pub fn finish(self) -> LogModel {
        self.model
    }

    fn unknown(&mut self, name: &str, line: usize, text: &str) {
        self.model.unknown_count += 1;
        if self.model.unknown.len() < 50 {
            self.model.unknown.push(format!("{name}:{line}: {text}"));
        }
    }

    fn push(&mut self, t: Transfer) -> usize {
        self.model.transfers.push(t);
        self.model.transfers.len() - 1
    }

    fn set_outcome(&mut self, idx: usize, outcome: Outcome) {
        if let Some(t) = self.model.transfers.get_mut(idx) {
            t.outcome = outcome;
        }
    }

    fn line(&mut self, name: &str, n: usize, line: &str) {
        if let Some((stamp, rest)) = cisco_stamp(line) {
            self.cisco(name, n, stamp, rest);
            return;
        }
        let trimmed = line.trim();
        if trimmed.is_empty()
            || trimmed == "in binary mode"
            || trimmed == "in ascii mode"
            || trimmed.bytes().all(|b| b == b'#')
        {
            return;
        }
        let Some(s) = syslog(line) else { return };
        match s.program {
            "in.tftpd" | "tftpd" | "tftpd-hpa" => self.hpa(name, n, s),
            "dnsmasq-tftp" | "dnsmasq" => self.dnsmasq(name, n, s),
            _ => {}
        }
    }

    fn cisco(&mut self, name: &str, n: usize, stamp: Stamp, rest: &str) {
        let rest = rest.trim();
        if let Some(body) = rest.strip_prefix("Sending '") {
            // `Sending 'FILE' file to IP` (the mode may follow on the same line).
            let Some((file, tail)) = body.split_once('\'') else {
                return self.unknown(name, n, rest);
            };
            let client = tail
                .trim()
                .strip_prefix("file to ")
                .and_then(|t| t.split_whitespace().next())
                .unwrap_or("")
                .to_string();
            if client.is_empty() {
                return self.unknown(name, n, rest);
            }
            if let Some(open) = self.cisco_open.take() {
                self.set_outcome(open, Outcome::Unfinished);
            }
            let idx = self.push(Transfer {
                client,
                client_assumed: false,
                file: super::names::base_name(file).to_string(),
                logged_name: file.to_string(),
                server: Server::Cisco,
                outcome: Outcome::Unfinished,
                time: Some(stamp),
                log: name.to_string(),
                line: n,
            });
            self.cisco_open = Some(idx);
        } else if rest.starts_with("Successful") {
            if let Some(open) = self.cisco_open.take() {
                self.set_outcome(open, Outcome::Sent);
            }
        } else if let Some(why) = rest.strip_prefix("Failed") {
            let why = why
                .trim()
                .trim_end_matches('.')
                .trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .trim();
            let why = if why.is_empty() {
                "no reason given"
            } else {
                why
            };
            if let Some(open) = self.cisco_open.take() {
                self.set_outcome(open, outcome_of(why));
            } else {
                self.unknown(name, n, rest);
            }
        } else if !rest.starts_with("Receiving") {
            self.unknown(name, n, rest);
        }
    }

    fn hpa(&mut self, name: &str, n: usize, s: Syslog<'_>) {
        let msg = s.message;
        if let Some(rest) = msg.strip_prefix("RRQ from ") {
            let Some((client, file)) = rest.split_once(" filename ") else {
                return self.unknown(name, n, msg);
            };
            let file = file.trim();
            let idx = self.push(Transfer {
                client: client.trim().to_string(),
                client_assumed: false,
                file: super::names::base_name(file).to_string(),
                logged_name: file.to_string(),
                server: Server::TftpdHpa,
                outcome: Outcome::Requested,
                time: Some(s.stamp),
                log: name.to_string(),
                line: n,
            });
            let pid = s.pid.to_string();
            self.hpa_open.retain(|(p, _)| *p != pid);
            self.hpa_open.push((pid, idx));
            if self.hpa_open.len() > 4096 {
                self.hpa_open.remove(0);
            }
        } else if let Some(rest) = msg.strip_prefix("sending NAK (") {
            // `sending NAK (1, File not found) to 10.1.1.20`
            let (inside, to) = rest.split_once(')').unwrap_or((rest, ""));
            let text = inside.split_once(',').map_or(inside, |(_, t)| t).trim();
            let client = to.trim().strip_prefix("to ").unwrap_or("").trim();
            let idx = self
                .hpa_open
                .iter()
                .rposition(|(p, _)| p == s.pid)
                .and_then(|i| self.hpa_open.get(i).map(|(_, idx)| *idx))
                .filter(|&idx| {
                    self.model
                        .transfers
                        .get(idx)
                        .is_some_and(|t| client.is_empty() || t.client == client)
                })
                .or_else(|| {
                    self.model.transfers.iter().rposition(|t| {
                        t.server == Server::TftpdHpa
                            && t.client == client
                            && t.outcome == Outcome::Requested
                    })
                });
            match idx {
                Some(idx) => {
                    self.set_outcome(idx, outcome_of(text));
                    self.hpa_open.retain(|(_, i)| *i != idx);
                }
                None => self.unknown(name, n, msg),
            }
        } else if msg.starts_with("WRQ from ") {
            // Writes are not what phones do; nothing to record.
        } else if msg.starts_with("tftp:") || msg.starts_with("tftpd:") {
            // Transport noise (`tftpd: read: Connection refused`).
        } else {
            self.unknown(name, n, msg);
        }
    }

    fn dnsmasq(&mut self, name: &str, n: usize, s: Syslog<'_>) {
        let msg = s.message;
        let pid = s.pid.to_string();
        let (path, client, outcome) = if let Some(rest) = msg.strip_prefix("sent ") {
            match rest.rsplit_once(" to ") {
                Some((p, c)) => (p, Some(c), Outcome::Sent),
                None => return self.unknown(name, n, msg),
            }
        } else if let Some(rest) = msg.strip_prefix("failed sending ") {
            match rest.rsplit_once(" to ") {
                Some((p, c)) => (p, Some(c), Outcome::Failed("failed sending".into())),
                None => return self.unknown(name, n, msg),
            }
        } else if let Some(rest) = msg.strip_prefix("file ") {
            // `file PATH not found` or `file PATH not found for IP`
            match rest.split_once(" not found") {
                Some((p, tail)) => (
                    p,
                    tail.trim().strip_prefix("for ").map(str::trim),
                    Outcome::NotFound,
                ),
                None => return self.unknown(name, n, msg),
            }
        } else if let Some(rest) = msg.strip_prefix("cannot access ") {
            let (p, why) = rest.rsplit_once(": ").unwrap_or((rest, ""));
            (
                p,
                None,
                outcome_of(if why.is_empty() { "cannot access" } else { why }),
            )
        } else if let Some(rest) = msg.strip_prefix("error ") {
            // `error 0 Early terminate received from 10.1.1.55`: the client gave up.
            if let Some((what, c)) = rest.rsplit_once(" received from ") {
                let c = c.trim().to_string();
                let idx = self.model.transfers.iter().rposition(|t| {
                    t.server == Server::Dnsmasq && t.client == c && t.outcome.is_success()
                });
                let what = what.trim();
                let text = what.split_once(' ').map_or(what, |(_, t)| t);
                if let Some(idx) = idx {
                    self.set_outcome(idx, Outcome::Failed(format!("client: {text}")));
                }
                self.remember(pid, c);
                return;
            }
            return self.unknown(name, n, msg);
        } else {
            // Other dnsmasq lines (DHCP, DNS, start-up) are not TFTP transfers.
            if s.program == "dnsmasq-tftp" {
                self.unknown(name, n, msg);
            }
            return;
        };
        let (client, assumed) = match client {
            Some(c) => (c.trim().to_string(), false),
            None => match self.dnsmasq_client.iter().rev().find(|(p, _)| *p == pid) {
                Some((_, c)) => (c.clone(), true),
                None => ("unknown".to_string(), true),
            },
        };
        if !assumed {
            self.remember(pid, client.clone());
        }
        let path = path.trim();
        self.push(Transfer {
            client,
            client_assumed: assumed,
            file: super::names::base_name(path).to_string(),
            logged_name: path.to_string(),
            server: Server::Dnsmasq,
            outcome,
            time: Some(s.stamp),
            log: name.to_string(),
            line: n,
        });
    }

    fn remember(&mut self, pid: String, client: String) {
        self.dnsmasq_client.retain(|(p, _)| *p != pid);
        self.dnsmasq_client.push((pid, client));
    }
}

/// Parses one log held in memory.
pub fn parse(name: &str, bytes: &[u8]) -> LogModel {
    let mut p = LogParser::new();
    p.feed(name, bytes);
    p.finish()
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogError {
    #[error("{name}: {source}")]
    Io {
        name: String,
        source: std::io::Error,
    },
    /// Over [`MAX_LOG_BYTES`]: `NAME: more than 256 MiB; not a TFTP log`.
    #[error(transparent)]
    TooLarge(crate::io::TooLarge),
}

impl From<crate::io::ReadError> for LogError {
    fn from(e: crate::io::ReadError) -> Self {
        match e {
            crate::io::ReadError::Io { name, source } => LogError::Io { name, source },
            crate::io::ReadError::TooLarge(t) => LogError::TooLarge(t),
        }
    }
}

/// Reads a log from `reader` (stdin) up to [`MAX_LOG_BYTES`].
pub fn read_bounded(name: &str, reader: impl std::io::Read) -> Result<Vec<u8>, LogError> {
    Ok(crate::io::read_bounded_from(
        name,
        reader,
        crate::io::Limit::LOG,
    )?)
}

/// Reads the log file at `path` up to [`MAX_LOG_BYTES`].
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, LogError> {
    Ok(crate::io::read_bounded(path, crate::io::Limit::LOG)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tftp_syslog_stamp_forms() {
        let s = syslog("Nov  3 08:01:12 pbx in.tftpd[2213]: RRQ from 1.2.3.4 filename a").unwrap();
        assert_eq!(
            (s.stamp.month, s.stamp.day, s.program, s.pid),
            (11, 3, "in.tftpd", "2213")
        );
        assert_eq!(s.stamp.text, "Nov  3 08:01:12");
        let s = syslog("2026-11-30T08:01:12.123+00:00 pbx dnsmasq-tftp[9]: sent /x to 1.2.3.4")
            .unwrap();
        assert_eq!((s.stamp.year, s.stamp.seconds), (Some(2026), 8 * 3600 + 72));
        assert!(syslog("garbage").is_none());
        assert!(cisco_stamp("Mon Sep 11 17:15:26 2000: Successful.").is_some());
        assert!(cisco_stamp("Mon Sep 11 27:15:26 2000: Successful.").is_none());
    }

    #[test]
    fn tftp_any_bytes_do_not_panic() {
        for s in [
            "",
            "\n\n",
            ": : :",
            "Mon Sep 11 17:15:26 2000: Sending '",
            "Nov 30 08:01:12 h in.tftpd[1]: sending NAK (",
            "Nov 30 08:01:12 h dnsmasq-tftp[1]: error 0",
            "\u{ff}\u{fe}",
        ] {
            let _ = parse("x", s.as_bytes());
        }
        let _ = parse("x", &[0xff, 0xfe, b'\n', 0x80]);
    }
}
