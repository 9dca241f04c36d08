//! A read-only TFTP client: RFC 1350 read requests (octet mode) with the RFC 2347 option
//! extension, `blksize` (RFC 2348) and `tsize` (RFC 2349).
//!
//! Everything is bounded: the file size ([`ClientOptions::max_size`], checked against
//! `tsize` before the transfer and against the bytes received during it), the number of
//! blocks, each wait ([`ClientOptions::timeout`], with [`ClientOptions::retries`]
//! retransmissions) and the whole transfer ([`ClientOptions::deadline`]). It sends only
//! RRQ, ACK and ERROR packets: it never writes to the server.
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use serde::Serialize;

const RRQ: u16 = 1;
const DATA: u16 = 3;
const ACK: u16 = 4;
const ERROR: u16 = 5;
const OACK: u16 = 6;

/// Largest block size asked for (fits an Ethernet frame with IP and UDP headers).
pub const DEFAULT_BLKSIZE: u16 = 1428;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// Block size to ask for (RFC 2348: 8–65464); `None` asks for no options at all.
    pub blksize: Option<u16>,
    /// Ask for the size first (RFC 2349).
    pub tsize: bool,
    /// Wait for one packet.
    pub timeout: Duration,
    /// Retransmissions of the last packet before giving up.
    pub retries: u32,
    /// The whole transfer.
    pub deadline: Duration,
    /// Largest file accepted.
    pub max_size: u64,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            blksize: Some(DEFAULT_BLKSIZE),
            tsize: true,
            timeout: Duration::from_secs(2),
            retries: 3,
            deadline: Duration::from_secs(120),
            max_size: 64 << 20,
        }
    }
}

/// How a read ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
#[non_exhaustive]
pub enum Fetch {
    Fetched {
        #[serde(skip)]
        bytes: Vec<u8>,
        size: u64,
        /// Block size used (512 when the server ignored the options).
        blksize: u16,
        /// The size the server announced, if it did.
        tsize: Option<u64>,
    },
    /// TFTP error 1.
    NotFound { message: String },
    /// TFTP error 2.
    AccessViolation { message: String },
    /// Any other TFTP error packet.
    ServerError { code: u16, message: String },
    /// No answer after the retries.
    Timeout { waited_ms: u64 },
    /// Larger than [`ClientOptions::max_size`] (announced or received).
    TooLarge { limit: u64 },
    /// The server broke the protocol (bad packet, block out of order, …).
    Protocol { what: String },
    /// The socket failed (name resolution, unreachable network, …).
    Network { what: String },
}

impl Fetch {
    pub fn label(&self) -> String {
        match self {
            Fetch::Fetched { size, .. } => format!("fetched, {size} bytes"),
            Fetch::NotFound { message } => format!("not found ({message})"),
            Fetch::AccessViolation { message } => format!("access violation ({message})"),
            Fetch::ServerError { code, message } => format!("server error {code} ({message})"),
            Fetch::Timeout { waited_ms } => format!("timeout (no answer in {waited_ms} ms)"),
            Fetch::TooLarge { limit } => format!("too large (over {limit} bytes)"),
            Fetch::Protocol { what } => format!("protocol error ({what})"),
            Fetch::Network { what } => format!("network error ({what})"),
        }
    }
}

/// Builds a read request (octet mode) with the options asked for.
pub fn rrq(file: &str, opts: &ClientOptions) -> Vec<u8> {
    let mut p = RRQ.to_be_bytes().to_vec();
    for s in [file, "octet"] {
        p.extend_from_slice(s.as_bytes());
        p.push(0);
    }
    if let Some(b) = opts.blksize {
        for s in ["blksize", &b.to_string()] {
            p.extend_from_slice(s.as_bytes());
            p.push(0);
        }
    }
    if opts.blksize.is_some() && opts.tsize {
        for s in ["tsize", "0"] {
            p.extend_from_slice(s.as_bytes());
            p.push(0);
        }
    }
    p
}

fn ack(block: u16) -> Vec<u8> {
    let mut p = ACK.to_be_bytes().to_vec();
    p.extend_from_slice(&block.to_be_bytes());
    p
}

fn error_packet(code: u16, msg: &str) -> Vec<u8> {
    let mut p = ERROR.to_be_bytes().to_vec();
    p.extend_from_slice(&code.to_be_bytes());
    p.extend_from_slice(msg.as_bytes());
    p.push(0);
    p
}

/// A packet received, decoded.
#[derive(Debug, PartialEq, Eq)]
pub enum Packet<'a> {
    Data { block: u16, data: &'a [u8] },
    Error { code: u16, message: String },
    Oack(Vec<(String, String)>),
    Other(u16),
}

/// Decodes a packet; `None` when it is shorter than its fixed fields.
pub fn decode(p: &[u8]) -> Option<Packet<'_>> {
    let op = u16::from_be_bytes([*p.first()?, *p.get(1)?]);
    let rest = p.get(2..)?;
    Some(match op {
        DATA => Packet::Data {
            block: u16::from_be_bytes([*rest.first()?, *rest.get(1)?]),
            data: rest.get(2..)?,
        },
        ERROR => {
            let code = u16::from_be_bytes([*rest.first()?, *rest.get(1)?]);
            let msg = rest.get(2..)?;
            let msg = msg.split(|&b| b == 0).next().unwrap_or_default();
            Packet::Error {
                code,
                message: String::from_utf8_lossy(msg).chars().take(200).collect(),
            }
        }
        OACK => {
            let mut fields = rest
                .split(|&b| b == 0)
                .map(|f| String::from_utf8_lossy(f).into_owned());
            let mut opts = Vec::new();
            while let (Some(k), Some(v)) = (fields.next(), fields.next()) {
                if k.is_empty() {
                    break;
                }
                opts.push((k.to_ascii_lowercase(), v));
                if opts.len() > 16 {
                    break;
                }
            }
            Packet::Oack(opts)
        }
        other => Packet::Other(other),
    })
}

/// Where datagrams go: a UDP socket, or a script in tests.
pub trait Datagrams {
    fn send_to(&mut self, buf: &[u8], to: SocketAddr) -> std::io::Result<()>;
    /// One datagram, or `Ok(None)` when `timeout` passes first.
    fn recv_from(
        &mut self,
        buf: &mut [u8],
        timeout: Duration,
    ) -> std::io::Result<Option<(usize, SocketAddr)>>;
}

impl Datagrams for UdpSocket {
    fn send_to(&mut self, buf: &[u8], to: SocketAddr) -> std::io::Result<()> {
        UdpSocket::send_to(self, buf, to).map(|_| ())
    }
    fn recv_from(
        &mut self,
        buf: &mut [u8],
        timeout: Duration,
    ) -> std::io::Result<Option<(usize, SocketAddr)>> {
        self.set_read_timeout(Some(timeout.max(Duration::from_millis(1))))?;
        match UdpSocket::recv_from(self, buf) {
            Ok(x) => Ok(Some(x)),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

/// Reads `file` from `server` over `net`.
pub fn read_file(
    net: &mut dyn Datagrams,
    server: SocketAddr,
    file: &str,
    opts: &ClientOptions,
) -> Fetch {
    let first = transfer(net, server, file, opts);
    // A server that refuses the options (error 8) gets a plain RFC 1350 request.
    if matches!(first, Fetch::ServerError { code: 8, .. }) && opts.blksize.is_some() {
        let plain = ClientOptions {
            blksize: None,
            ..opts.clone()
        };
        return transfer(net, server, file, &plain);
    }
    first
}

fn transfer(
    net: &mut dyn Datagrams,
    server: SocketAddr,
    file: &str,
    opts: &ClientOptions,
) -> Fetch {
    let started = Instant::now();
    let request = rrq(file, opts);
    let mut read = ReadState::new(started, request.clone(), server);
    let mut buf = vec![0u8; 65_536];
    if let Err(e) = net.send_to(&request, server) {
        return net_err(e);
    }
    loop {
        if started.elapsed() > opts.deadline {
            return timed_out(started);
        }
        let got = match net.recv_from(&mut buf, opts.timeout) {
            Ok(g) => g,
            Err(e) => return net_err(e),
        };
        let Some((n, from)) = got else {
            if let ControlFlow::Break(end) = read.retransmit(net, opts) {
                return end;
            }
            continue;
        };
        // The server answers from a new port (its transfer id); it must keep that one, and
        // come from the address asked.
        if from.ip() != server.ip() || read.peer.is_some_and(|p| p != from) {
            let _ = net.send_to(&error_packet(5, "Unknown transfer ID"), from);
            continue;
        }
        let Some(packet) = buf.get(..n).and_then(decode) else {
            return Fetch::Protocol {
                what: format!("{n}-byte packet too short"),
            };
        };
        if let ControlFlow::Break(end) = read.handle(net, from, packet, opts) {
            return end;
        }
    }
}

fn net_err(e: std::io::Error) -> Fetch {
    Fetch::Network {
        what: e.to_string(),
    }
}

fn timed_out(started: Instant) -> Fetch {
    Fetch::Timeout {
        waited_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

/// Sends a packet; a socket failure ends the transfer.
fn send(net: &mut dyn Datagrams, packet: &[u8], to: SocketAddr) -> ControlFlow<Fetch> {
    match net.send_to(packet, to) {
        Ok(()) => ControlFlow::Continue(()),
        Err(e) => ControlFlow::Break(net_err(e)),
    }
}

/// What an error packet from the server means.
fn server_error(code: u16, message: String) -> Fetch {
    // tftpd-hpa reports a file it may not open as error 0 with strerror's
    // "Permission denied" rather than error 2.
    let denied = message.to_ascii_lowercase().contains("permission denied");
    match code {
        1 => Fetch::NotFound { message },
        2 => Fetch::AccessViolation { message },
        0 if denied => Fetch::AccessViolation { message },
        _ => Fetch::ServerError { code, message },
    }
}

/// One read in progress: what was last sent (to send again on a timeout) and what arrived.
struct ReadState {
    started: Instant,
    last_sent: Vec<u8>,
    last_to: SocketAddr,
    peer: Option<SocketAddr>,
    blksize: u16,
    tsize: Option<u64>,
    expected: u16,
    data: Vec<u8>,
    tries: u32,
}

impl ReadState {
    fn new(started: Instant, request: Vec<u8>, server: SocketAddr) -> ReadState {
        ReadState {
            started,
            last_sent: request,
            last_to: server,
            peer: None,
            blksize: 512,
            tsize: None,
            expected: 1,
            data: Vec::new(),
            tries: 0,
        }
    }

    /// Nothing arrived in time: sends the last packet again, or gives up after the retries.
    fn retransmit(&mut self, net: &mut dyn Datagrams, opts: &ClientOptions) -> ControlFlow<Fetch> {
        self.tries += 1;
        if self.tries > opts.retries {
            return ControlFlow::Break(timed_out(self.started));
        }
        send(net, &self.last_sent, self.last_to)
    }

    /// Sends `packet` as the one to repeat on a timeout.
    fn send_and_keep(
        &mut self,
        net: &mut dyn Datagrams,
        packet: Vec<u8>,
        to: SocketAddr,
    ) -> ControlFlow<Fetch> {
        self.last_sent = packet;
        self.last_to = to;
        self.tries = 0;
        send(net, &self.last_sent, to)
    }

    fn handle(
        &mut self,
        net: &mut dyn Datagrams,
        from: SocketAddr,
        packet: Packet<'_>,
        opts: &ClientOptions,
    ) -> ControlFlow<Fetch> {
        match packet {
            Packet::Error { code, message } => ControlFlow::Break(server_error(code, message)),
            Packet::Oack(options) if self.peer.is_none() => self.on_oack(net, from, options, opts),
            Packet::Data { block, data: chunk } => {
                if self.peer.is_none() {
                    // No OACK: the server ignored the options (RFC 2347), plain 512 blocks.
                    self.peer = Some(from);
                }
                if block == self.expected {
                    self.on_expected_block(net, from, block, chunk, opts)
                } else if block == self.expected.wrapping_sub(1) {
                    // Our ACK was lost: send it again (once per duplicate).
                    send(net, &self.last_sent, from)
                } else {
                    ControlFlow::Continue(())
                }
            }
            Packet::Oack(_) => ControlFlow::Continue(()),
            Packet::Other(op) => ControlFlow::Break(Fetch::Protocol {
                what: format!("unexpected opcode {op}"),
            }),
        }
    }

    /// The server's answer to the options: takes its block size and the announced size.
    fn on_oack(
        &mut self,
        net: &mut dyn Datagrams,
        from: SocketAddr,
        options: Vec<(String, String)>,
        opts: &ClientOptions,
    ) -> ControlFlow<Fetch> {
        self.peer = Some(from);
        for (k, v) in options {
            match k.as_str() {
                "blksize" => match v.parse::<u16>() {
                    Ok(b) if (8..=opts.blksize.unwrap_or(512).max(512)).contains(&b) => {
                        self.blksize = b
                    }
                    _ => {
                        let _ = net.send_to(&error_packet(8, "bad blksize"), from);
                        return ControlFlow::Break(Fetch::Protocol {
                            what: format!("server chose blksize {v:?}"),
                        });
                    }
                },
                "tsize" => self.tsize = v.parse::<u64>().ok(),
                _ => {}
            }
        }
        if self.tsize.is_some_and(|t| t > opts.max_size) {
            let _ = net.send_to(&error_packet(3, "file too large"), from);
            return ControlFlow::Break(Fetch::TooLarge {
                limit: opts.max_size,
            });
        }
        self.send_and_keep(net, ack(0), from)
    }

    /// The next block: checks its size and the file's, keeps it and acknowledges it; a
    /// short block ends the file.
    fn on_expected_block(
        &mut self,
        net: &mut dyn Datagrams,
        from: SocketAddr,
        block: u16,
        chunk: &[u8],
        opts: &ClientOptions,
    ) -> ControlFlow<Fetch> {
        let blksize = self.blksize;
        if chunk.len() > usize::from(blksize) {
            let _ = net.send_to(&error_packet(4, "block too large"), from);
            return ControlFlow::Break(Fetch::Protocol {
                what: format!(
                    "block {block} holds {} bytes, more than the block size {blksize}",
                    chunk.len()
                ),
            });
        }
        if self.data.len() as u64 + chunk.len() as u64 > opts.max_size {
            let _ = net.send_to(&error_packet(3, "file too large"), from);
            return ControlFlow::Break(Fetch::TooLarge {
                limit: opts.max_size,
            });
        }
        self.data.extend_from_slice(chunk);
        self.send_and_keep(net, ack(block), from)?;
        if chunk.len() < usize::from(blksize) {
            let bytes = std::mem::take(&mut self.data);
            let size = bytes.len() as u64;
            return ControlFlow::Break(Fetch::Fetched {
                bytes,
                size,
                blksize,
                tsize: self.tsize,
            });
        }
        // Block numbers wrap after 65535 (as most servers do); the size limit bounds the
        // transfer.
        self.expected = self.expected.wrapping_add(1);
        ControlFlow::Continue(())
    }
}

/// A TFTP server address: `HOST`, `HOST:PORT` (default port 69), `[v6]:PORT`.
pub fn resolve(target: &str) -> Result<SocketAddr, String> {
    let with_port = if target.parse::<SocketAddr>().is_ok()
        || (!target.starts_with('[') && target.matches(':').count() == 1)
    {
        target.to_string()
    } else if let Ok(ip) = target.trim_matches(['[', ']']).parse::<std::net::IpAddr>() {
        SocketAddr::new(ip, 69).to_string()
    } else {
        format!("{target}:69")
    };
    with_port
        .to_socket_addrs()
        .map_err(|e| format!("{target}: {e}"))?
        .next()
        .ok_or_else(|| format!("{target}: no address"))
}

/// A client bound to a local UDP port, talking to one server.
pub struct UdpClient {
    socket: UdpSocket,
    pub server: SocketAddr,
    pub options: ClientOptions,
}

impl UdpClient {
    pub fn new(server: SocketAddr, options: ClientOptions) -> std::io::Result<UdpClient> {
        let local: SocketAddr = if server.is_ipv4() {
            ([0, 0, 0, 0], 0).into()
        } else {
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
        };
        Ok(UdpClient {
            socket: UdpSocket::bind(local)?,
            server,
            options,
        })
    }

    /// A client on a socket already bound (to a chosen source address, say).
    pub fn from_socket(socket: UdpSocket, server: SocketAddr, options: ClientOptions) -> UdpClient {
        UdpClient {
            socket,
            server,
            options,
        }
    }

    pub fn read(&mut self, file: &str) -> Fetch {
        read_file(&mut self.socket, self.server, file, &self.options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// Replies scripted per packet sent.
    struct Script {
        server: SocketAddr,
        tid: SocketAddr,
        file: Vec<u8>,
        blksize: usize,
        sent: Vec<Vec<u8>>,
        queue: VecDeque<Vec<u8>>,
        oack: bool,
    }

    impl Datagrams for Script {
        fn send_to(&mut self, buf: &[u8], _to: SocketAddr) -> std::io::Result<()> {
            self.sent.push(buf.to_vec());
            let op = u16::from_be_bytes([buf[0], buf[1]]);
            let data = |b: usize| {
                let mut p = vec![0, 3];
                p.extend_from_slice(&(b as u16).to_be_bytes());
                let from = (b - 1) * self.blksize;
                p.extend_from_slice(
                    &self.file
                        [from.min(self.file.len())..(from + self.blksize).min(self.file.len())],
                );
                p
            };
            match op {
                1 if self.oack => {
                    let mut p = vec![0, 6];
                    p.extend_from_slice(
                        format!("blksize\0{}\0tsize\0{}\0", self.blksize, self.file.len())
                            .as_bytes(),
                    );
                    self.queue.push_back(p);
                }
                1 => self.queue.push_back(data(1)),
                4 => {
                    let b = usize::from(u16::from_be_bytes([buf[2], buf[3]]));
                    if b * self.blksize <= self.file.len() {
                        self.queue.push_back(data(b + 1));
                    }
                }
                _ => {}
            }
            let _ = self.server;
            Ok(())
        }
        fn recv_from(
            &mut self,
            buf: &mut [u8],
            _t: Duration,
        ) -> std::io::Result<Option<(usize, SocketAddr)>> {
            Ok(self.queue.pop_front().map(|p| {
                buf[..p.len()].copy_from_slice(&p);
                (p.len(), self.tid)
            }))
        }
    }

    fn script(len: usize, blksize: usize, oack: bool) -> Script {
        Script {
            server: "127.0.0.1:69".parse().unwrap(),
            tid: "127.0.0.1:40000".parse().unwrap(),
            file: (0..len).map(|i| i as u8).collect(),
            blksize,
            sent: Vec::new(),
            queue: VecDeque::new(),
            oack,
        }
    }

    #[test]
    fn tftp_reads_with_and_without_options() {
        for (len, blk, oack) in [
            (0, 512, false),
            (1024, 512, false),
            (3000, 1428, true),
            (2856, 1428, true),
        ] {
            let mut s = script(len, blk, oack);
            let server = s.server;
            let got = read_file(&mut s, server, "f", &ClientOptions::default());
            match got {
                Fetch::Fetched {
                    bytes,
                    blksize,
                    tsize,
                    ..
                } => {
                    assert_eq!(bytes, s.file);
                    assert_eq!(usize::from(blksize), blk);
                    assert_eq!(tsize.is_some(), oack);
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn tftp_size_limit_and_timeout() {
        let mut s = script(5000, 1428, true);
        let server = s.server;
        let opts = ClientOptions {
            max_size: 4000,
            ..Default::default()
        };
        assert_eq!(
            read_file(&mut s, server, "f", &opts),
            Fetch::TooLarge { limit: 4000 }
        );
        let mut s = script(5000, 512, false);
        let opts = ClientOptions {
            max_size: 1000,
            ..Default::default()
        };
        assert_eq!(
            read_file(&mut s, server, "f", &opts),
            Fetch::TooLarge { limit: 1000 }
        );
        // Nobody answers: retries, then a timeout.
        struct Silent(usize);
        impl Datagrams for Silent {
            fn send_to(&mut self, _: &[u8], _: SocketAddr) -> std::io::Result<()> {
                self.0 += 1;
                Ok(())
            }
            fn recv_from(
                &mut self,
                _: &mut [u8],
                _: Duration,
            ) -> std::io::Result<Option<(usize, SocketAddr)>> {
                Ok(None)
            }
        }
        let mut silent = Silent(0);
        let opts = ClientOptions {
            retries: 2,
            ..Default::default()
        };
        assert!(matches!(
            read_file(&mut silent, server, "f", &opts),
            Fetch::Timeout { .. }
        ));
        assert_eq!(silent.0, 3);
    }

    #[test]
    fn tftp_decode_never_panics() {
        for p in [
            &b""[..],
            b"\0",
            b"\0\x03",
            b"\0\x05\0",
            b"\0\x06blksize",
            b"\0\x06\0\0\0",
            b"\xff\xff",
        ] {
            let _ = decode(p);
        }
        assert_eq!(
            decode(b"\0\x05\0\x01File not found\0"),
            Some(Packet::Error {
                code: 1,
                message: "File not found".into()
            })
        );
    }

    #[test]
    fn tftp_rrq_layout() {
        assert_eq!(
            rrq("OS79XX.TXT", &ClientOptions::default()),
            b"\0\x01OS79XX.TXT\0octet\0blksize\x001428\0tsize\x000\0"
        );
        let plain = ClientOptions {
            blksize: None,
            ..Default::default()
        };
        assert_eq!(rrq("a", &plain), b"\0\x01a\0octet\0");
    }
}
