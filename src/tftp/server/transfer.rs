//! One read transfer, from the server's side: option negotiation (RFC 2347/2348/2349,
//! RFC 7440 windowsize), DATA blocks read from the file at their offset, retransmission on
//! timeout only (a duplicate ACK is never answered: no Sorcerer's Apprentice), a bound on
//! the whole transfer's time.
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::packet::{self, ErrorCode, Options, Packet};
use super::source::Content;

/// A transfer's own socket (connected to the client: its transfer id) or a test double.
pub trait Link {
    fn send(&mut self, buf: &[u8]) -> io::Result<()>;
    /// One datagram from the client, or `Ok(None)` once `timeout` passes.
    fn recv(&mut self, buf: &mut [u8], timeout: Duration) -> io::Result<Option<usize>>;
}

impl Link for std::net::UdpSocket {
    fn send(&mut self, buf: &[u8]) -> io::Result<()> {
        std::net::UdpSocket::send(self, buf).map(|_| ())
    }
    fn recv(&mut self, buf: &mut [u8], timeout: Duration) -> io::Result<Option<usize>> {
        self.set_read_timeout(Some(timeout.max(Duration::from_millis(1))))?;
        match std::net::UdpSocket::recv(self, buf) {
            Ok(n) => Ok(Some(n)),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Ok(None)
            }
            // The client's port is closed (ICMP port unreachable): it went away.
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferLimits {
    /// Wait for an ACK before sending again (a client's `timeout` option replaces it).
    pub timeout: Duration,
    /// Retransmissions of one window before giving up.
    pub retries: u32,
    /// The whole transfer.
    pub max_duration: Duration,
    /// Largest block size granted (RFC 2348 allows 65464; memory is one block per transfer).
    pub max_blksize: u16,
    /// Largest window granted (RFC 7440).
    pub max_window: u16,
}

impl Default for TransferLimits {
    fn default() -> Self {
        TransferLimits {
            timeout: Duration::from_secs(1),
            retries: 5,
            max_duration: Duration::from_secs(600),
            max_blksize: 8192,
            max_window: 64,
        }
    }
}

/// How a transfer ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// Every block acknowledged.
    Sent,
    /// Every block sent and all but the last acknowledged: the last ACK never came (lost,
    /// or the client did not wait to repeat it). The client most likely has the file.
    SentUnconfirmed,
    /// The client sent an error packet (code, text): it gave up or refused the options.
    ClientError(u16, String),
    /// No ACK after the retries.
    NoAck,
    /// Over [`TransferLimits::max_duration`].
    TooLong,
    /// The server is stopping.
    Aborted,
    /// Reading the file or the socket failed.
    Io(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub end: End,
    /// The options granted (none when the request had none).
    pub granted: Options,
    /// File bytes acknowledged by the client.
    pub bytes: u64,
    pub size: u64,
    /// Packets sent again after a timeout.
    pub retransmits: u64,
}

/// The options a request gets: each clamped to the limits; `tsize` answered with the size.
pub fn grant(asked: &Options, limits: &TransferLimits) -> Options {
    Options {
        blksize: asked.blksize.map(|b| {
            b.clamp(
                packet::MIN_BLKSIZE,
                limits.max_blksize.max(packet::MIN_BLKSIZE),
            )
        }),
        tsize: asked.tsize,
        timeout: asked.timeout,
        windowsize: asked
            .windowsize
            .map(|w| w.clamp(1, limits.max_window.max(1))),
    }
}

/// Sends `content` to the client behind `link`. `abort` ends it early (with an error packet
/// telling the client).
pub fn send_file(
    link: &mut dyn Link,
    content: &dyn Content,
    asked: &Options,
    limits: &TransferLimits,
    abort: &AtomicBool,
) -> Report {
    let granted = grant(asked, limits);
    let size = content.size();
    let mut r = Report {
        end: End::Sent,
        granted: granted.clone(),
        bytes: 0,
        size,
        retransmits: 0,
    };
    r.end = run(
        link,
        content,
        &granted,
        limits,
        abort,
        &mut r.retransmits,
        &mut r.bytes,
    );
    if let End::NoAck | End::TooLong | End::Aborted | End::Io(_) = &r.end {
        let why = match &r.end {
            End::Aborted => "server shutting down",
            End::Io(_) => "read error",
            _ => "transfer timed out",
        };
        let _ = link.send(&packet::error(ErrorCode::NotDefined, why));
    }
    r
}

fn run(
    link: &mut dyn Link,
    content: &dyn Content,
    granted: &Options,
    limits: &TransferLimits,
    abort: &AtomicBool,
    retransmits: &mut u64,
    acked_bytes: &mut u64,
) -> End {
    let started = Instant::now();
    let timeout = granted
        .timeout
        .map_or(limits.timeout, |t| Duration::from_secs(u64::from(t)));
    let blksize = u64::from(granted.blksize.unwrap_or(512));
    let window = u64::from(granted.windowsize.unwrap_or(1));
    let size = content.size();
    // The last block is short, empty when the size is a multiple of the block size.
    let last = size / blksize + 1;
    let mut inbuf = [0u8; 516];
    let mut out = vec![0u8; usize::try_from(blksize).unwrap_or(512) + 4];
    let mut tries = 0u32;
    let mut heard = false;

    // Options: OACK, answered by ACK 0 (or an error when the client refuses them).
    if granted.any() {
        let oack = packet::oack(granted, granted.tsize.then_some(size));
        let mut send_oack = true;
        let mut until = Instant::now();
        loop {
            if send_oack {
                if let Err(e) = link.send(&oack) {
                    return End::Io(e.to_string());
                }
                send_oack = false;
                until = Instant::now() + timeout;
            }
            match wait(link, &mut inbuf, until, started, limits, abort) {
                Wait::Packet(Packet::Ack(0)) => {
                    heard = true;
                    break;
                }
                Wait::Packet(Packet::Error { code, message }) => {
                    return End::ClientError(code, message);
                }
                // Anything else changes nothing: the OACK goes again on the timeout only.
                Wait::Packet(_) | Wait::Timeout => {}
                Wait::End(e) => return e,
            }
            if Instant::now() >= until {
                send_oack = true;
                tries += 1;
                *retransmits += 1;
                if tries > limits.retries {
                    return End::NoAck;
                }
            }
        }
    }

    // Blocks are numbered from 1 as u64; the wire carries the low 16 bits (rolling over to 0).
    let mut base = 1u64; // first block not acknowledged
    let mut next = 1u64; // next block to send
    tries = 0;
    // The retransmission timer runs from the last packet sent; what arrives meanwhile (a
    // duplicate ACK, garbage) does not restart it.
    let mut until = Instant::now() + timeout;
    loop {
        if next < base + window && next <= last {
            until = Instant::now() + timeout;
        }
        while next < base + window && next <= last {
            let offset = (next - 1) * blksize;
            let want = usize::try_from(blksize.min(size.saturating_sub(offset))).unwrap_or(0);
            let Some(body) = out.get_mut(4..4 + want) else {
                return End::Io("block buffer".into());
            };
            let n = match content.read_at(body, offset) {
                Ok(n) => n,
                Err(e) => return End::Io(e.to_string()),
            };
            if n != want {
                return End::Io("the file changed during the transfer".into());
            }
            if let Some(h) = out.get_mut(..4) {
                h.copy_from_slice(&packet::data_header((next & 0xffff) as u16));
            }
            if let Err(e) = link.send(out.get(..4 + n).unwrap_or_default()) {
                return End::Io(e.to_string());
            }
            next += 1;
        }
        let mut progress = false;
        match wait(link, &mut inbuf, until, started, limits, abort) {
            Wait::Packet(Packet::Ack(n)) => {
                // The block this ACK names: between the last acknowledged one and the last sent.
                let lo = base - 1;
                let idx = lo + u64::from(n.wrapping_sub((lo & 0xffff) as u16));
                if idx >= base && idx < next {
                    progress = true;
                    heard = true;
                    *acked_bytes = (idx * blksize).min(size);
                    base = idx + 1;
                    tries = 0;
                    if base > last {
                        return End::Sent;
                    }
                    // An ACK inside the window means the client lost what followed: resend
                    // from there (RFC 7440). A duplicate ACK (idx == lo) changes nothing.
                    next = next.min(base);
                }
            }
            Wait::Packet(Packet::Error { code, message }) => {
                return End::ClientError(code, message);
            }
            Wait::Packet(_) | Wait::Timeout => {}
            Wait::End(e) => return e,
        }
        // A timeout, or packets that changed nothing until the timer ran out (a client
        // repeating its last ACK must not hold the retransmission off).
        if !progress && Instant::now() >= until {
            tries += 1;
            if tries > limits.retries {
                // Only a client heard from (an earlier ACK) counts as having the
                // rest; one that never answered did not get the file.
                if base == last && next > last && heard {
                    return End::SentUnconfirmed;
                }
                return End::NoAck;
            }
            *retransmits += next - base;
            next = base;
        }
    }
}

enum Wait {
    Packet(Packet),
    Timeout,
    End(End),
}

/// Waits for a packet until `until`.
fn wait(
    link: &mut dyn Link,
    buf: &mut [u8],
    until: Instant,
    started: Instant,
    limits: &TransferLimits,
    abort: &AtomicBool,
) -> Wait {
    loop {
        if abort.load(Ordering::Relaxed) {
            return Wait::End(End::Aborted);
        }
        if started.elapsed() > limits.max_duration {
            return Wait::End(End::TooLong);
        }
        // Wake at least every 200 ms to notice an abort; look at the socket at least once
        // before calling it a timeout.
        let slice = until
            .saturating_duration_since(Instant::now())
            .min(Duration::from_millis(200));
        match link.recv(buf, slice) {
            Ok(Some(n)) => {
                // Garbage on the transfer's port is ignored (the wait goes on).
                if let Some(Ok(p)) = buf.get(..n).map(packet::parse) {
                    return Wait::Packet(p);
                }
            }
            Ok(None) => {}
            Err(e) => return Wait::End(End::Io(e.to_string())),
        }
        if Instant::now() >= until {
            return Wait::Timeout;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tftp::server::source::Bytes;
    use std::collections::VecDeque;
    use std::sync::Arc;

    /// A scripted client: answers each DATA as `reply` says; records what the server sent.
    struct Script<F: FnMut(&[u8], &mut VecDeque<Vec<u8>>)> {
        sent: Vec<Vec<u8>>,
        inbox: VecDeque<Vec<u8>>,
        reply: F,
    }

    impl<F: FnMut(&[u8], &mut VecDeque<Vec<u8>>)> Link for Script<F> {
        fn send(&mut self, buf: &[u8]) -> io::Result<()> {
            self.sent.push(buf.to_vec());
            (self.reply)(buf, &mut self.inbox);
            Ok(())
        }
        fn recv(&mut self, buf: &mut [u8], _t: Duration) -> io::Result<Option<usize>> {
            Ok(self.inbox.pop_front().map(|p| {
                buf[..p.len()].copy_from_slice(&p);
                p.len()
            }))
        }
    }

    fn ack(n: u16) -> Vec<u8> {
        let mut p = vec![0, 4];
        p.extend_from_slice(&n.to_be_bytes());
        p
    }

    fn blocks(sent: &[Vec<u8>]) -> Vec<u16> {
        sent.iter()
            .filter(|p| p[1] == 3)
            .map(|p| u16::from_be_bytes([p[2], p[3]]))
            .collect()
    }

    fn data(len: usize) -> Bytes {
        Bytes(Arc::from(
            (0..len).map(|i| (i * 7 % 251) as u8).collect::<Vec<_>>(),
        ))
    }

    fn fast() -> TransferLimits {
        TransferLimits {
            timeout: Duration::from_millis(1),
            retries: 3,
            ..TransferLimits::default()
        }
    }

    /// Reassembles the payload from the DATA packets, in block order, first copy of each.
    fn payload(sent: &[Vec<u8>]) -> Vec<u8> {
        let mut seen = std::collections::BTreeMap::new();
        let mut wrap = 0u64;
        let mut prev = 0u16;
        for p in sent.iter().filter(|p| p[1] == 3) {
            let b = u16::from_be_bytes([p[2], p[3]]);
            if b < prev && prev - b > 30000 {
                wrap += 65536;
            }
            prev = b;
            seen.entry(wrap + u64::from(b))
                .or_insert_with(|| p[4..].to_vec());
        }
        seen.into_values().flatten().collect()
    }

    #[test]
    fn plain_transfer_acks_each_block_and_ends_on_a_short_one() {
        let c = data(1024);
        let mut s = Script {
            sent: vec![],
            inbox: VecDeque::new(),
            reply: |p: &[u8], q: &mut VecDeque<Vec<u8>>| {
                if p[1] == 3 {
                    q.push_back(ack(u16::from_be_bytes([p[2], p[3]])))
                }
            },
        };
        let r = send_file(
            &mut s,
            &c,
            &Options::default(),
            &fast(),
            &AtomicBool::new(false),
        );
        assert_eq!(r.end, End::Sent);
        // 1024 = 2 × 512: a third, empty block ends it.
        assert_eq!(blocks(&s.sent), [1, 2, 3]);
        assert_eq!(s.sent[2].len(), 4);
        assert_eq!(payload(&s.sent), c.0.to_vec());
        assert_eq!(r.bytes, 1024);
    }

    #[test]
    fn duplicate_acks_are_not_answered() {
        // The client ACKs every block twice (a delayed duplicate): the server must send each
        // block once, not once per ACK (the Sorcerer's Apprentice bug doubles them).
        let c = data(512 * 20 + 1);
        let mut s = Script {
            sent: vec![],
            inbox: VecDeque::new(),
            reply: |p: &[u8], q: &mut VecDeque<Vec<u8>>| {
                if p[1] == 3 {
                    q.push_back(ack(u16::from_be_bytes([p[2], p[3]])));
                    q.push_back(ack(u16::from_be_bytes([p[2], p[3]])));
                }
            },
        };
        let r = send_file(
            &mut s,
            &c,
            &Options::default(),
            &fast(),
            &AtomicBool::new(false),
        );
        assert_eq!(r.end, End::Sent);
        assert_eq!(blocks(&s.sent), (1..=21).collect::<Vec<u16>>());
        assert_eq!(r.retransmits, 0);
    }

    #[test]
    fn options_oack_then_blocks_and_lost_acks_retransmit() {
        let c = data(3000);
        let mut n = 0;
        let mut s = Script {
            sent: vec![],
            inbox: VecDeque::new(),
            reply: |p: &[u8], q: &mut VecDeque<Vec<u8>>| {
                n += 1;
                match p[1] {
                    6 => q.push_back(ack(0)),
                    // Every third DATA is "lost": no ACK, the server times out and resends.
                    3 if n % 3 != 0 => q.push_back(ack(u16::from_be_bytes([p[2], p[3]]))),
                    _ => {}
                }
            },
        };
        let asked = Options {
            blksize: Some(1000),
            tsize: true,
            timeout: None,
            windowsize: None,
        };
        let r = send_file(&mut s, &c, &asked, &fast(), &AtomicBool::new(false));
        assert_eq!(r.end, End::Sent);
        assert_eq!(s.sent[0], packet::oack(&asked, Some(3000)));
        assert_eq!(payload(&s.sent), c.0.to_vec());
        assert!(r.retransmits > 0);
    }

    #[test]
    fn window_of_four_and_a_gap_restarts_after_the_last_in_order_block() {
        let c = data(100 * 10 + 50);
        // An RFC 7440 receiver: ACKs after 4 blocks in order or the last one; on a gap it
        // ACKs the last block in order, once, and waits. Block 6 is lost once.
        let (mut expected, mut count, mut dropped, mut gap_acked) = (1u16, 0, false, false);
        let mut s = Script {
            sent: vec![],
            inbox: VecDeque::new(),
            reply: |p: &[u8], q: &mut VecDeque<Vec<u8>>| {
                if p[1] == 6 {
                    q.push_back(ack(0));
                    return;
                }
                let b = u16::from_be_bytes([p[2], p[3]]);
                if b == 6 && !dropped {
                    dropped = true;
                    return;
                }
                if b != expected {
                    if !gap_acked {
                        q.push_back(ack(expected - 1));
                        gap_acked = true;
                        count = 0;
                    }
                    return;
                }
                gap_acked = false;
                expected += 1;
                count += 1;
                if count == 4 || p.len() < 104 {
                    q.push_back(ack(b));
                    count = 0;
                }
            },
        };
        let asked = Options {
            blksize: Some(100),
            windowsize: Some(4),
            ..Options::default()
        };
        let r = send_file(&mut s, &c, &asked, &fast(), &AtomicBool::new(false));
        assert_eq!(r.end, End::Sent);
        assert_eq!(payload(&s.sent), c.0.to_vec());
        let b = blocks(&s.sent);
        assert_eq!(&b[..8], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(
            &b[8..12],
            &[6, 7, 8, 9],
            "resent from the block after the one acknowledged: {b:?}"
        );
        assert_eq!(r.retransmits, 0, "no timeout was needed");
    }

    #[test]
    fn block_numbers_roll_over() {
        let c = data(8 * 70_000);
        let mut s = Script {
            sent: vec![],
            inbox: VecDeque::new(),
            reply: |p: &[u8], q: &mut VecDeque<Vec<u8>>| match p[1] {
                6 => q.push_back(ack(0)),
                3 => q.push_back(ack(u16::from_be_bytes([p[2], p[3]]))),
                _ => {}
            },
        };
        let asked = Options {
            blksize: Some(8),
            ..Options::default()
        };
        let r = send_file(&mut s, &c, &asked, &fast(), &AtomicBool::new(false));
        assert_eq!(r.end, End::Sent);
        assert_eq!(payload(&s.sent), c.0.to_vec());
        let b = blocks(&s.sent);
        assert_eq!(b.len(), 70_001, "{:?}", r);
        assert_eq!((b[65_534], b[65_535], b[65_536]), (65_535, 0, 1));
    }

    #[test]
    fn silence_ends_in_no_ack_and_an_error_packet_and_abort_stops() {
        let c = data(10);
        let mut s = Script {
            sent: vec![],
            inbox: VecDeque::new(),
            reply: |_: &[u8], _: &mut VecDeque<Vec<u8>>| {},
        };
        let r = send_file(
            &mut s,
            &c,
            &Options::default(),
            &fast(),
            &AtomicBool::new(false),
        );
        assert_eq!(r.end, End::NoAck);
        assert_eq!(blocks(&s.sent), [1, 1, 1, 1]);
        assert_eq!(s.sent.last().unwrap()[1], 5);
        let mut s = Script {
            sent: vec![],
            inbox: VecDeque::new(),
            reply: |_: &[u8], _: &mut VecDeque<Vec<u8>>| {},
        };
        let r = send_file(
            &mut s,
            &c,
            &Options::default(),
            &fast(),
            &AtomicBool::new(true),
        );
        assert_eq!(r.end, End::Aborted);
        let mut s = Script {
            sent: vec![],
            inbox: VecDeque::new(),
            reply: |p: &[u8], q: &mut VecDeque<Vec<u8>>| {
                if p[1] == 6 {
                    q.push_back(b"\x00\x05\x00\x08no\x00".to_vec())
                }
            },
        };
        let r = send_file(
            &mut s,
            &c,
            &Options {
                tsize: true,
                ..Options::default()
            },
            &fast(),
            &AtomicBool::new(false),
        );
        assert_eq!(r.end, End::ClientError(8, "no".into()));
    }

    #[test]
    fn granted_options_are_clamped() {
        let l = TransferLimits {
            max_blksize: 1468,
            max_window: 16,
            ..TransferLimits::default()
        };
        let g = grant(
            &Options {
                blksize: Some(65464),
                tsize: false,
                timeout: Some(3),
                windowsize: Some(1000),
            },
            &l,
        );
        assert_eq!(
            (g.blksize, g.windowsize, g.timeout),
            (Some(1468), Some(16), Some(3))
        );
    }

    #[test]
    fn a_lost_final_ack_is_sent_unconfirmed() {
        let c = data(1000);
        let mut s = Script {
            sent: vec![],
            inbox: VecDeque::new(),
            reply: |p: &[u8], q: &mut VecDeque<Vec<u8>>| {
                // Block 1 is acknowledged; the client goes away after the last one.
                if p[1] == 3 && p[3] == 1 {
                    q.push_back(ack(1))
                }
            },
        };
        let r = send_file(
            &mut s,
            &c,
            &Options::default(),
            &fast(),
            &AtomicBool::new(false),
        );
        assert_eq!(r.end, End::SentUnconfirmed);
        assert_eq!(r.bytes, 512);
        // No error packet to a client that is gone.
        assert_eq!(s.sent.last().unwrap()[1], 3);
    }

    /// A client that repeats its last ACK every 2 ms while it waits (RFC 1350 receivers
    /// re-ACK on their own timeout); DATA 3 is lost once.
    struct Chatty {
        sent: Vec<Vec<u8>>,
        last_ack: Option<u16>,
        lost: bool,
        fresh: VecDeque<Vec<u8>>,
    }

    impl Link for Chatty {
        fn send(&mut self, buf: &[u8]) -> io::Result<()> {
            self.sent.push(buf.to_vec());
            let b = u16::from_be_bytes([buf[2], buf[3]]);
            if b == 3 && !self.lost {
                self.lost = true;
                return Ok(());
            }
            self.last_ack = Some(b);
            self.fresh.push_back(ack(b));
            Ok(())
        }
        fn recv(&mut self, buf: &mut [u8], _t: Duration) -> io::Result<Option<usize>> {
            let p = match self.fresh.pop_front() {
                Some(p) => p,
                None => {
                    std::thread::sleep(Duration::from_millis(2));
                    ack(self.last_ack.unwrap_or(0))
                }
            };
            buf[..4].copy_from_slice(&p);
            Ok(Some(4))
        }
    }

    #[test]
    fn duplicate_acks_do_not_hold_off_the_retransmission() {
        let c = data(512 * 5 + 10);
        let mut link = Chatty {
            sent: vec![],
            last_ack: None,
            lost: false,
            fresh: VecDeque::new(),
        };
        let limits = TransferLimits {
            timeout: Duration::from_millis(30),
            max_duration: Duration::from_secs(3),
            ..TransferLimits::default()
        };
        let t = Instant::now();
        let r = send_file(
            &mut link,
            &c,
            &Options::default(),
            &limits,
            &AtomicBool::new(false),
        );
        assert_eq!(
            r.end,
            End::Sent,
            "a stream of duplicate ACKs must not stop the timer"
        );
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
        assert_eq!(blocks(&link.sent), [1, 2, 3, 3, 4, 5, 6]);
        assert_eq!(payload(&link.sent), c.0.to_vec());
    }
}
