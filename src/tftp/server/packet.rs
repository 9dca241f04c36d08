//! The server's side of the wire format: what a client may send (RRQ, WRQ, ACK, ERROR) parsed
//! by one pure function, and the packets the server sends (DATA, OACK, ERROR) built.
//!
//! [`parse`] takes any bytes: it never panics and allocates at most a few small strings,
//! each bounded ([`MAX_NAME`], [`MAX_OPTIONS`]). Fuzzed by `fuzz/fuzz_targets/tftp_packet.rs`.
use std::fmt;

pub const RRQ: u16 = 1;
pub const WRQ: u16 = 2;
pub const DATA: u16 = 3;
pub const ACK: u16 = 4;
pub const ERROR: u16 = 5;
pub const OACK: u16 = 6;

/// Longest file name accepted (tftpd-hpa's limit is its 512-byte packet; phones use < 64).
pub const MAX_NAME: usize = 255;
/// Options read from one request at most; later ones are ignored.
pub const MAX_OPTIONS: usize = 8;
/// RFC 2348's block size range.
pub const MIN_BLKSIZE: u16 = 8;
pub const MAX_BLKSIZE: u16 = 65_464;

/// TFTP error codes (RFC 1350, RFC 2347).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    NotDefined = 0,
    NotFound = 1,
    AccessViolation = 2,
    IllegalOperation = 4,
    UnknownTid = 5,
    BadOptions = 8,
}

/// The options a read request asked for, as understood (unknown or malformed ones are
/// left out, as RFC 2347 says: the server ignores what it does not support).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub blksize: Option<u16>,
    /// `tsize` asked for (a read request sends 0).
    pub tsize: bool,
    /// Seconds, 1–255.
    pub timeout: Option<u8>,
    /// RFC 7440: 1–65535.
    pub windowsize: Option<u16>,
}

impl Options {
    pub fn any(&self) -> bool {
        self.blksize.is_some() || self.tsize || self.timeout.is_some() || self.windowsize.is_some()
    }
}

impl fmt::Display for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(b) = self.blksize {
            parts.push(format!("blksize={b}"));
        }
        if self.tsize {
            parts.push("tsize".to_string());
        }
        if let Some(t) = self.timeout {
            parts.push(format!("timeout={t}"));
        }
        if let Some(w) = self.windowsize {
            parts.push(format!("windowsize={w}"));
        }
        f.write_str(&parts.join(","))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Octet,
    /// `netascii`: served as octet (the files phones read are binary or already CR LF-free
    /// text that they parse either way), as tftpd-hpa does with `-r`-less defaults for
    /// non-text files; logged.
    Netascii,
    Mail,
}

/// A request: a read or write of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub write: bool,
    /// The name as sent, lossily decoded (bytes above 0x7f become U+FFFD, which no safe
    /// name contains).
    pub file: String,
    pub mode: Mode,
    pub options: Options,
}

/// A packet from a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    Request(Request),
    Ack(u16),
    Error {
        code: u16,
        message: String,
    },
    /// DATA or OACK: only a server sends them.
    Unexpected(u16),
}

/// Why a datagram is not a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformed {
    TooShort,
    UnknownOpcode(u16),
    /// A request without its NUL-terminated name or mode.
    Unterminated,
    NameTooLong,
    EmptyName,
    BadMode,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::TooShort => f.write_str("shorter than its fixed fields"),
            Malformed::UnknownOpcode(o) => write!(f, "unknown opcode {o}"),
            Malformed::Unterminated => {
                f.write_str("request without a NUL-terminated name and mode")
            }
            Malformed::NameTooLong => write!(f, "file name over {MAX_NAME} bytes"),
            Malformed::EmptyName => f.write_str("empty file name"),
            Malformed::BadMode => f.write_str("mode is not octet, netascii or mail"),
        }
    }
}

fn u16_at(p: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*p.get(i)?, *p.get(i + 1)?]))
}

/// Decodes one datagram from a client.
pub fn parse(p: &[u8]) -> Result<Packet, Malformed> {
    let op = u16_at(p, 0).ok_or(Malformed::TooShort)?;
    let rest = p.get(2..).unwrap_or_default();
    match op {
        RRQ | WRQ => parse_request(op == WRQ, rest).map(Packet::Request),
        ACK => u16_at(rest, 0).map(Packet::Ack).ok_or(Malformed::TooShort),
        ERROR => {
            let code = u16_at(rest, 0).ok_or(Malformed::TooShort)?;
            let msg = rest.get(2..).unwrap_or_default();
            let msg = msg.split(|&b| b == 0).next().unwrap_or_default();
            let msg = msg.get(..msg.len().min(200)).unwrap_or_default();
            Ok(Packet::Error {
                code,
                message: String::from_utf8_lossy(msg).into_owned(),
            })
        }
        DATA | OACK => Ok(Packet::Unexpected(op)),
        other => Err(Malformed::UnknownOpcode(other)),
    }
}

fn parse_request(write: bool, rest: &[u8]) -> Result<Request, Malformed> {
    let mut fields = rest.split(|&b| b == 0);
    // A request must end with NUL: the last split piece is then empty.
    if rest.last() != Some(&0) || rest.iter().filter(|&&b| b == 0).count() < 2 {
        return Err(Malformed::Unterminated);
    }
    let name = fields.next().ok_or(Malformed::Unterminated)?;
    let mode = fields.next().ok_or(Malformed::Unterminated)?;
    if name.is_empty() {
        return Err(Malformed::EmptyName);
    }
    if name.len() > MAX_NAME {
        return Err(Malformed::NameTooLong);
    }
    let mode = match mode.to_ascii_lowercase().as_slice() {
        b"octet" => Mode::Octet,
        b"netascii" => Mode::Netascii,
        b"mail" => Mode::Mail,
        _ => return Err(Malformed::BadMode),
    };
    let mut options = Options::default();
    let mut seen = 0;
    while let (Some(k), Some(v)) = (fields.next(), fields.next()) {
        if k.is_empty() || seen >= MAX_OPTIONS {
            break;
        }
        seen += 1;
        let num = std::str::from_utf8(v)
            .ok()
            .filter(|s| !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse::<u64>().ok());
        match k.to_ascii_lowercase().as_slice() {
            b"blksize" => {
                // RFC 2348: a larger request may be answered with a smaller size; a smaller
                // than 8 one is ignored.
                options.blksize = num
                    .filter(|&n| n >= u64::from(MIN_BLKSIZE))
                    .map(|n| u16::try_from(n.min(u64::from(MAX_BLKSIZE))).unwrap_or(MAX_BLKSIZE));
            }
            b"tsize" => options.tsize = num.is_some(),
            b"timeout" => {
                options.timeout = num
                    .filter(|n| (1..=255).contains(n))
                    .and_then(|n| u8::try_from(n).ok())
            }
            b"windowsize" => {
                options.windowsize = num
                    .filter(|n| (1..=65_535).contains(n))
                    .and_then(|n| u16::try_from(n).ok())
            }
            _ => {}
        }
    }
    Ok(Request {
        write,
        file: String::from_utf8_lossy(name).into_owned(),
        mode,
        options,
    })
}

/// A DATA packet header (the payload follows it in the same buffer).
pub fn data_header(block: u16) -> [u8; 4] {
    let [a, b] = DATA.to_be_bytes();
    let [c, d] = block.to_be_bytes();
    [a, b, c, d]
}

pub fn error(code: ErrorCode, message: &str) -> Vec<u8> {
    let mut p = ERROR.to_be_bytes().to_vec();
    p.extend_from_slice(&(code as u16).to_be_bytes());
    p.extend(message.bytes().filter(|&b| b != 0).take(200));
    p.push(0);
    p
}

/// An OACK with the options accepted (in the order RFC 2347 examples use).
pub fn oack(accepted: &Options, tsize: Option<u64>) -> Vec<u8> {
    let mut p = OACK.to_be_bytes().to_vec();
    let mut put = |k: &str, v: String| {
        p.extend_from_slice(k.as_bytes());
        p.push(0);
        p.extend_from_slice(v.as_bytes());
        p.push(0);
    };
    if let Some(b) = accepted.blksize {
        put("blksize", b.to_string());
    }
    if let Some(t) = tsize {
        put("tsize", t.to_string());
    }
    if let Some(t) = accepted.timeout {
        put("timeout", t.to_string());
    }
    if let Some(w) = accepted.windowsize {
        put("windowsize", w.to_string());
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(parts: &[&str]) -> Vec<u8> {
        let mut p = RRQ.to_be_bytes().to_vec();
        for s in parts {
            p.extend_from_slice(s.as_bytes());
            p.push(0);
        }
        p
    }

    #[test]
    fn read_request_with_options() {
        let p = req(&[
            "SIPDefault.cnf",
            "OCTET",
            "blksize",
            "1428",
            "tsize",
            "0",
            "timeout",
            "3",
            "windowsize",
            "4",
            "x",
            "y",
        ]);
        let Packet::Request(r) = parse(&p).unwrap() else {
            panic!()
        };
        assert!(!r.write);
        assert_eq!(r.file, "SIPDefault.cnf");
        assert_eq!(r.mode, Mode::Octet);
        assert_eq!(
            r.options,
            Options {
                blksize: Some(1428),
                tsize: true,
                timeout: Some(3),
                windowsize: Some(4)
            }
        );
        assert_eq!(
            r.options.to_string(),
            "blksize=1428,tsize,timeout=3,windowsize=4"
        );
    }

    #[test]
    fn out_of_range_options_are_ignored_or_clamped() {
        let p = req(&[
            "f",
            "octet",
            "blksize",
            "7",
            "timeout",
            "0",
            "windowsize",
            "70000",
            "tsize",
            "x",
        ]);
        let Packet::Request(r) = parse(&p).unwrap() else {
            panic!()
        };
        assert_eq!(r.options, Options::default());
        let p = req(&["f", "octet", "blksize", "99999"]);
        let Packet::Request(r) = parse(&p).unwrap() else {
            panic!()
        };
        assert_eq!(r.options.blksize, Some(MAX_BLKSIZE));
    }

    #[test]
    fn malformed() {
        assert_eq!(parse(&[]), Err(Malformed::TooShort));
        assert_eq!(parse(&[0]), Err(Malformed::TooShort));
        assert_eq!(parse(&[0, 4, 1]), Err(Malformed::TooShort));
        assert_eq!(parse(&[0, 9]), Err(Malformed::UnknownOpcode(9)));
        assert_eq!(
            parse(b"\x00\x01name\x00octet"),
            Err(Malformed::Unterminated)
        );
        assert_eq!(parse(b"\x00\x01name\x00"), Err(Malformed::Unterminated));
        assert_eq!(parse(b"\x00\x01\x00octet\x00"), Err(Malformed::EmptyName));
        assert_eq!(parse(&req(&["f", "binary"])), Err(Malformed::BadMode));
        assert_eq!(
            parse(&req(&[&"a".repeat(256), "octet"])),
            Err(Malformed::NameTooLong)
        );
        assert_eq!(parse(&[0, 3, 0, 1]), Ok(Packet::Unexpected(DATA)));
    }

    #[test]
    fn ack_error_and_write() {
        assert_eq!(parse(&[0, 4, 0x12, 0x34]), Ok(Packet::Ack(0x1234)));
        assert_eq!(
            parse(b"\x00\x05\x00\x08bad\x00"),
            Ok(Packet::Error {
                code: 8,
                message: "bad".into()
            })
        );
        let mut w = req(&["x", "octet"]);
        w[1] = 2;
        let Packet::Request(r) = parse(&w).unwrap() else {
            panic!()
        };
        assert!(r.write);
    }

    #[test]
    fn built_packets_read_back_with_the_client_decoder() {
        use crate::tftp::client::{Packet as C, decode};
        let o = Options {
            blksize: Some(1428),
            tsize: true,
            timeout: None,
            windowsize: Some(8),
        };
        assert_eq!(
            decode(&oack(&o, Some(1234))),
            Some(C::Oack(vec![
                ("blksize".into(), "1428".into()),
                ("tsize".into(), "1234".into()),
                ("windowsize".into(), "8".into())
            ]))
        );
        assert_eq!(
            decode(&error(ErrorCode::NotFound, "File not found")),
            Some(C::Error {
                code: 1,
                message: "File not found".into()
            })
        );
        assert_eq!(data_header(258), [0, 3, 1, 2]);
    }

    #[test]
    fn never_panics_on_random_bytes() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut requests = 0;
        for _ in 0..20_000 {
            // A valid request with a few bytes changed, cut, or extended.
            let mut p = req(&["SIPDefault.cnf", "octet", "blksize", "1428", "tsize", "0"]);
            for _ in 0..rng.gen_range(0..4) {
                let i = rng.gen_range(0..p.len());
                p[i] = rng.r#gen();
            }
            p.truncate(rng.gen_range(0..=p.len()));
            if rng.gen_bool(0.2) {
                p.extend((0..rng.gen_range(0..300)).map(|_| rng.r#gen::<u8>()));
            }
            match parse(&p) {
                Ok(Packet::Request(r)) => {
                    assert!(!r.file.is_empty() && r.file.len() <= MAX_NAME * 3, "{p:?}");
                    requests += 1;
                }
                Ok(_) => {}
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
        // The generator does reach the request parser's success path.
        assert!(requests > 0);
    }
}
