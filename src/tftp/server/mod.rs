//! A read-only TFTP server that answers from a [`source::FileSource`] (a folder, files the
//! inventory renders, or both) and reports every transfer as an [`Event`] in the model
//! `tftplog` uses ([`crate::tftp::log::Transfer`]), so the same checks run live
//! ([`watch::Watch`]).
//!
//! Shape: one thread reads requests on the listening socket; each accepted read gets its
//! own socket (a new port: its transfer id, RFC 1350) and a worker thread with a small
//! stack. At most [`ServerConfig::max_transfers`] run at once and
//! [`ServerConfig::per_client`] per client address; requests over the limits are dropped
//! unanswered (the client sends its request again after its timeout), so memory stays
//! bounded whatever the number of clients: one block buffer per transfer. Files are read
//! block by block at their offset, never whole.
//!
//! Write requests get TFTP error 2 and nothing is created. Signals, printing and exit codes
//! are the binary's (`cfgfmt-rs serve`).
pub mod only;
pub mod packet;
pub mod source;
pub mod transfer;
pub mod watch;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;

use crate::device::Mac;
use crate::tftp::log::{Outcome, Server, Stamp, Transfer};
use only::{Neighbours, Only};
use packet::{ErrorCode, Packet};
use source::{FileSource, Origin, Refusal};
use transfer::{End, TransferLimits};

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Transfers running at once, all clients.
    pub max_transfers: usize,
    /// Transfers running at once for one client address.
    pub per_client: usize,
    pub limits: TransferLimits,
    /// Who gets the files that convert a phone (`None`: everyone).
    pub only: Option<Only>,
    /// On stop, how long running transfers may finish before they are aborted.
    pub grace: Duration,
    /// Worker thread stack size.
    pub stack: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_transfers: 512,
            per_client: 8,
            limits: TransferLimits::default(),
            only: None,
            grace: Duration::from_secs(5),
            stack: 128 << 10,
        }
    }
}

/// Asks a running server to stop (`stop`), or to stop at once (`abort`).
#[derive(Debug, Default)]
pub struct Control {
    pub stop: Arc<AtomicBool>,
    pub abort: Arc<AtomicBool>,
}

/// One request and how it ended: a line of the live log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Event {
    /// 1, 2, … in the order requests arrived.
    pub seq: u64,
    /// UTC, RFC 3339, milliseconds.
    pub time: String,
    /// The client's address and port.
    pub client: String,
    /// From the file name, an earlier request of the same address, or the neighbour table.
    pub mac: Option<String>,
    pub file: String,
    /// The name served when it differs from the request (`--fold-case`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub served_as: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Options as asked (`blksize=1428,tsize`).
    pub options: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Bytes acknowledged by the client.
    pub bytes: u64,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Why it was refused or failed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub duration_ms: u64,
    pub retransmits: u64,
}

impl Event {
    pub fn ip(&self) -> &str {
        self.client
            .rsplit_once(':')
            .map_or(self.client.as_str(), |(ip, _)| ip)
            .trim_matches(['[', ']'])
    }

    /// The same transfer in `tftplog`'s model (log `live`, line = sequence number).
    pub fn to_transfer(&self) -> Transfer {
        Transfer {
            client: self.ip().to_string(),
            client_assumed: false,
            file: self.file.clone(),
            logged_name: self.file.clone(),
            server: Server::Serve,
            outcome: self.outcome.clone(),
            time: Some(Stamp {
                text: self.time.clone(),
                year: None,
                month: 0,
                day: 0,
                seconds: 0,
            }),
            log: "live".into(),
            line: usize::try_from(self.seq).unwrap_or(usize::MAX),
        }
    }

    /// One log line.
    pub fn line(&self) -> String {
        let mut s = format!("{} {}", self.time, self.client);
        if let Some(m) = &self.mac {
            s.push_str(&format!(" [{m}]"));
        }
        s.push_str(&format!(" RRQ {}", self.file));
        if let Some(a) = &self.served_as {
            s.push_str(&format!(" (served {a})"));
        }
        if !self.options.is_empty() {
            s.push_str(&format!(" {{{}}}", self.options));
        }
        s.push_str(&format!(": {}", self.outcome.label()));
        if self.outcome.is_success() {
            s.push_str(&format!(
                ", {} bytes in {} ms",
                self.bytes, self.duration_ms
            ));
            if self.retransmits > 0 {
                s.push_str(&format!(", {} resent", self.retransmits));
            }
        }
        if let Some(n) = &self.note {
            s.push_str(&format!(" — {n}"));
        }
        s
    }
}

/// Where events go (the binary prints them and feeds a [`watch::Watch`]).
pub trait Events: Send + Sync {
    fn event(&self, e: &Event);
}

/// What a server did, counted.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Counters {
    pub requests: AtomicU64,
    pub sent: AtomicU64,
    pub failed: AtomicU64,
    pub refused: AtomicU64,
    /// Datagrams that were not a TFTP request on the listening socket.
    pub malformed: AtomicU64,
    /// Requests dropped over the limits (the client asks again).
    pub busy: AtomicU64,
    /// A request repeated while its transfer runs (ignored).
    pub duplicates: AtomicU64,
    /// Aborted when the server stopped.
    pub aborted: AtomicU64,
    pub bytes: AtomicU64,
}

impl Counters {
    pub fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }
}

#[derive(Default)]
struct Running {
    transfers: HashMap<SocketAddr, ()>,
    per_ip: HashMap<IpAddr, usize>,
}

/// UTC time as RFC 3339 with milliseconds.
pub fn utc_stamp(t: SystemTime) -> String {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let (year, month, day) = crate::file::date::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// A requested name as the log shows it: control characters escaped (`\x0a`), so that a
/// name cannot forge a log line.
pub fn printable(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars().take(packet::MAX_NAME) {
        if c.is_control() {
            s.push_str(&format!("\\x{:02x}", u32::from(c)));
        } else {
            s.push(c);
        }
    }
    s
}

/// MACs learned from the names clients asked for, by address (bounded).
struct Learned(Mutex<HashMap<IpAddr, Mac>>);

const MAX_LEARNED: usize = 65_536;

impl Learned {
    fn note(&self, ip: IpAddr, mac: Mac) {
        if let Ok(mut m) = self.0.lock() {
            if m.len() >= MAX_LEARNED && !m.contains_key(&ip) {
                m.clear();
            }
            m.insert(ip, mac);
        }
    }
    fn get(&self, ip: IpAddr) -> Option<Mac> {
        self.0.lock().ok().and_then(|m| m.get(&ip).copied())
    }
}

/// Serves until `control.stop`: returns once every transfer has ended (finished within
/// [`ServerConfig::grace`], or aborted after it).
pub fn serve(
    socket: UdpSocket,
    source: Arc<dyn FileSource>,
    cfg: &ServerConfig,
    neighbours: Arc<dyn Neighbours>,
    events: Arc<dyn Events>,
    control: Arc<Control>,
    counters: Arc<Counters>,
) -> std::io::Result<()> {
    socket.set_read_timeout(Some(Duration::from_millis(200)))?;
    let local_ip = socket.local_addr()?.ip();
    let running = Arc::new((Mutex::new(Running::default()), Condvar::new()));
    let learned = Arc::new(Learned(Mutex::new(HashMap::new())));
    let seq = AtomicU64::new(0);
    let mut buf = vec![0u8; 1024];
    while !control.stop.load(Ordering::Relaxed) {
        let (n, from) = match socket.recv_from(&mut buf) {
            Ok(x) => x,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::ConnectionRefused
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                continue;
            }
            Err(e) => return Err(e),
        };
        let Some(Ok(Packet::Request(req))) = buf.get(..n).map(packet::parse) else {
            counters.malformed.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        counters.requests.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let ip = from.ip();
        let named_mac = crate::device::classify_boot_file(&req.file).and_then(|(_, m)| m);
        if let Some(m) = named_mac {
            learned.note(ip, m);
        }
        let mac = named_mac
            .or_else(|| learned.get(ip))
            .or_else(|| neighbours.mac_of(ip));
        let mut ev = Event {
            seq: 0,
            time: utc_stamp(SystemTime::now()),
            client: from.to_string(),
            mac: mac.map(|m| m.upper()),
            file: printable(&req.file),
            served_as: None,
            origin: None,
            options: req.options.to_string(),
            size: None,
            bytes: 0,
            outcome: Outcome::Sent,
            note: None,
            duration_ms: 0,
            retransmits: 0,
        };
        let refuse = |ev: &mut Event, code: ErrorCode, outcome: Outcome, note: String| {
            // The wire gets the usual words for a missing file; the log gets the details.
            let wire = if code == ErrorCode::NotFound {
                "File not found"
            } else {
                note.as_str()
            };
            let _ = socket.send_to(&packet::error(code, wire), from);
            ev.outcome = outcome;
            ev.note = Some(note);
            ev.seq = seq.fetch_add(1, Ordering::Relaxed) + 1;
            counters.refused.fetch_add(1, Ordering::Relaxed);
            events.event(ev);
        };
        if req.write {
            refuse(
                &mut ev,
                ErrorCode::AccessViolation,
                Outcome::AccessViolation,
                "write request refused: this server is read-only".into(),
            );
            continue;
        }
        // A repeated request while its transfer runs: that transfer answers it.
        {
            let Ok(r) = running.0.lock() else { break };
            if r.transfers.contains_key(&from) {
                counters.duplicates.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            if r.transfers.len() >= cfg.max_transfers
                || r.per_ip.get(&ip).copied().unwrap_or(0) >= cfg.per_client
            {
                counters.busy.fetch_add(1, Ordering::Relaxed);
                continue;
            }
        }
        if let Some(only) = &cfg.only
            && only::converts(&req.file)
            && !only.allows(ip, mac)
        {
            let who = mac.map_or_else(
                || format!("{ip} (MAC unknown)"),
                |m| format!("{ip} ({})", m.upper()),
            );
            refuse(
                &mut ev,
                ErrorCode::AccessViolation,
                Outcome::AccessViolation,
                format!("withheld: {who} is not in --only, and this file would convert it"),
            );
            continue;
        }
        let opened = match source.open(&req.file) {
            Ok(o) => o,
            Err(Refusal::NotFound { other_case }) => {
                let note = match other_case {
                    Some(o) => format!(
                        "file not found; the root has {o} (another case: --fold-case serves it)"
                    ),
                    None => "file not found".into(),
                };
                refuse(&mut ev, ErrorCode::NotFound, Outcome::NotFound, note);
                continue;
            }
            Err(Refusal::Denied(why)) => {
                refuse(
                    &mut ev,
                    ErrorCode::AccessViolation,
                    Outcome::AccessViolation,
                    format!("refused: {why}"),
                );
                continue;
            }
            Err(Refusal::Unreadable(why)) => {
                refuse(
                    &mut ev,
                    ErrorCode::AccessViolation,
                    Outcome::AccessViolation,
                    format!("cannot read it: {why}"),
                );
                continue;
            }
        };
        if opened.served_as != req.file {
            ev.served_as = Some(opened.served_as.clone());
            ev.note = Some(format!(
                "asked as {}, served case-folded as {}",
                req.file, opened.served_as
            ));
        }
        ev.origin = Some(opened.origin);
        ev.size = Some(opened.content.size());
        let link = match UdpSocket::bind(SocketAddr::new(local_ip, 0))
            .and_then(|s| s.connect(from).map(|()| s))
        {
            Ok(s) => s,
            Err(e) => {
                refuse(
                    &mut ev,
                    ErrorCode::NotDefined,
                    Outcome::Failed(format!("no socket: {e}")),
                    format!("server error: {e}"),
                );
                continue;
            }
        };
        ev.seq = seq.fetch_add(1, Ordering::Relaxed) + 1;
        if let Ok(mut r) = running.0.lock() {
            r.transfers.insert(from, ());
            *r.per_ip.entry(ip).or_default() += 1;
        }
        let (running2, events2, control2, counters2, limits) = (
            Arc::clone(&running),
            Arc::clone(&events),
            Arc::clone(&control),
            Arc::clone(&counters),
            cfg.limits.clone(),
        );
        let work = move || {
            let mut link = link;
            let r = transfer::send_file(
                &mut link,
                opened.content.as_ref(),
                &req.options,
                &limits,
                &control2.abort,
            );
            ev.bytes = r.bytes;
            ev.retransmits = r.retransmits;
            ev.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let failed = |why: String| Outcome::Failed(why);
            ev.outcome = match r.end {
                End::Sent => Outcome::Sent,
                End::SentUnconfirmed => {
                    ev.note = Some("every block sent; the last one's acknowledgement never came (the client most likely has the file)".into());
                    Outcome::Sent
                }
                End::ClientError(code, msg) => failed(format!(
                    "client sent error {code}: {}",
                    msg.chars().take(80).collect::<String>()
                )),
                End::NoAck => failed("timeout: no acknowledgement".into()),
                End::TooLong => failed("transfer over its time limit".into()),
                End::Aborted => failed("aborted: server stopping".into()),
                End::Io(e) => failed(e),
            };
            match &ev.outcome {
                Outcome::Sent => {
                    counters2.sent.fetch_add(1, Ordering::Relaxed);
                    counters2.bytes.fetch_add(r.bytes, Ordering::Relaxed);
                }
                Outcome::Failed(w) if w.starts_with("aborted") => {
                    counters2.aborted.fetch_add(1, Ordering::Relaxed);
                }
                _ => {
                    counters2.failed.fetch_add(1, Ordering::Relaxed);
                }
            }
            events2.event(&ev);
            let (lock, cv) = &*running2;
            if let Ok(mut run) = lock.lock() {
                run.transfers.remove(&from);
                if let Some(c) = run.per_ip.get_mut(&ip) {
                    *c = c.saturating_sub(1);
                    if *c == 0 {
                        run.per_ip.remove(&ip);
                    }
                }
            }
            cv.notify_all();
        };
        if let Err(e) = std::thread::Builder::new()
            .name("tftp-transfer".into())
            .stack_size(cfg.stack)
            .spawn(work)
        {
            // No thread: undo the bookkeeping (the closure, with it, is gone).
            if let Ok(mut r) = running.0.lock() {
                r.transfers.remove(&from);
                if let Some(c) = r.per_ip.get_mut(&ip) {
                    *c = c.saturating_sub(1);
                }
            }
            let _ = socket.send_to(&packet::error(ErrorCode::NotDefined, "server busy"), from);
            counters.busy.fetch_add(1, Ordering::Relaxed);
            let _ = e;
        }
    }
    // Stopping: running transfers get `grace` to finish, then are aborted.
    let (lock, cv) = &*running;
    let deadline = Instant::now() + cfg.grace;
    let Ok(mut r) = lock.lock() else {
        return Ok(());
    };
    while !r.transfers.is_empty() {
        let now = Instant::now();
        if now >= deadline {
            control.abort.store(true, Ordering::Relaxed);
        }
        let wait = if now >= deadline {
            Duration::from_millis(100)
        } else {
            deadline - now
        };
        match cv.wait_timeout(r, wait) {
            Ok((g, _)) => r = g,
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_stamps() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_764_754_812_345);
        assert_eq!(utc_stamp(t), "2025-12-03T09:40:12.345Z");
        assert_eq!(
            utc_stamp(SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00.000Z"
        );
    }

    #[test]
    fn names_cannot_forge_log_lines() {
        assert_eq!(printable("a\nFAKE\r\u{7f}b"), "a\\x0aFAKE\\x0d\\x7fb");
        assert_eq!(printable("SIPDefault.cnf"), "SIPDefault.cnf");
    }

    #[test]
    fn event_line_and_transfer() {
        let e = Event {
            seq: 3,
            time: "2026-12-03T09:40:12.345Z".into(),
            client: "10.0.0.7:2001".into(),
            mac: Some("0006D7AA2A2E".into()),
            file: "sip0006d7aa2a2e.cnf".into(),
            served_as: Some("SIP0006D7AA2A2E.cnf".into()),
            origin: Some(Origin::Rendered),
            options: "blksize=1428,tsize".into(),
            size: Some(120),
            bytes: 120,
            outcome: Outcome::Sent,
            note: None,
            duration_ms: 4,
            retransmits: 0,
        };
        assert_eq!(
            e.line(),
            "2026-12-03T09:40:12.345Z 10.0.0.7:2001 [0006D7AA2A2E] RRQ sip0006d7aa2a2e.cnf (served SIP0006D7AA2A2E.cnf) {blksize=1428,tsize}: sent, 120 bytes in 4 ms"
        );
        let t = e.to_transfer();
        assert_eq!(
            (t.client.as_str(), t.line, t.server),
            ("10.0.0.7", 3, Server::Serve)
        );
    }
}
