//! Value codecs, one per format bit: text → bytes for the compiler, bytes → text for the
//! decoder, in the original's selection order.

use std::fmt::Write as _;

use crate::cnum::{CInt, Signedness, atof, parse_c_int};
use crate::crypto;
use crate::diag::DiagKind;
use crate::table::{Descriptor, fmt_bits as F};

/// The longest value a profile line may store: the original copied values into a
/// 512-byte stack buffer and crashed beyond it.
pub const MAX_VALUE: usize = 511;
/// Longest file name in `upgradecode`/`upgradelang` and in `upgradelogo`/`upgradexml`.
pub const MAX_UPGRADE_NAME: usize = 31;
pub const MAX_LOGO_NAME: usize = 127;

/// Something C accepted silently that the user should hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    Trailing,
    Octal,
    Clamped,
    Surplus { kept: usize },
}

impl Note {
    pub fn into_kind(self, name: &str) -> DiagKind {
        let name = name.to_string();
        match self {
            Note::Trailing => DiagKind::TrailingIgnored { name },
            Note::Octal => DiagKind::OctalNumber { name },
            Note::Clamped => DiagKind::Clamped { name },
            Note::Surplus { kept } => DiagKind::SurplusValues { name, kept },
        }
    }
}

/// What became of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encoded {
    Value(Vec<u8>),
    /// An obsolete `*Freq` tone that did not parse: the original stored zeros anyway and
    /// printed `error: invalid tone specification`.
    InvalidTone(Vec<u8>),
}

/// The value did not parse: the original reported an unknown attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unparsable;

/// Which codec a format selects when encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Bool,
    Ipv4,
    Hex,
    ExtIp,
    Int { unsigned: bool },
    ObsoleteTone,
    Shorts,
    String,
    Raw,
}

impl Codec {
    /// The first format bit of `order` that `fmt` has picks the codec.
    fn select(fmt: u16, order: &[u16]) -> Codec {
        let bit = order.iter().copied().find(|&b| fmt & b != 0).unwrap_or(0);
        match bit {
            F::BOOL => Codec::Bool,
            F::IPV4 => Codec::Ipv4,
            F::HEX => Codec::Hex,
            F::EXT_IP => Codec::ExtIp,
            F::INT => Codec::Int {
                unsigned: fmt & F::UNSIGNED != 0,
            },
            F::OLD_TONE => Codec::ObsoleteTone,
            F::SHORTS => Codec::Shorts,
            0 => Codec::Raw,
            _ => Codec::String,
        }
    }

    pub fn for_encoding(fmt: u16) -> Codec {
        const ORDER: [u16; 8] = [
            F::BOOL,
            F::IPV4,
            F::HEX,
            F::EXT_IP,
            F::INT,
            F::OLD_TONE,
            F::SHORTS,
            F::DIGITS | F::STRING,
        ];
        Codec::select(fmt, &ORDER)
    }

    /// The decoder tests the bits in another order, and has no obsolete-tone decoder.
    pub fn for_decoding(fmt: u16) -> Codec {
        const ORDER: [u16; 7] = [
            F::BOOL,
            F::IPV4,
            F::EXT_IP,
            F::INT,
            F::HEX,
            F::SHORTS,
            F::DIGITS | F::STRING,
        ];
        Codec::select(fmt, &ORDER)
    }

    pub fn name(self) -> &'static str {
        match self {
            Codec::Bool => "bool",
            Codec::Ipv4 => "ipv4",
            Codec::Hex => "hex",
            Codec::ExtIp => "ip.port",
            Codec::Int { unsigned: false } => "int",
            Codec::Int { unsigned: true } => "uint",
            Codec::ObsoleteTone => "tone-freq",
            Codec::Shorts => "shorts",
            Codec::String => "string",
            Codec::Raw => "raw",
        }
    }
}

fn trim_end_space(text: &[u8]) -> &[u8] {
    let end = text
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    text.get(..end).unwrap_or_default()
}

/// A C integer that must fill the whole token (but for trailing blanks).
fn strict_int(token: &[u8], sign: Signedness, notes: &mut Vec<Note>) -> Result<u32, Unparsable> {
    let token = trim_end_space(token);
    let c = parse_c_int(token, sign).ok_or(Unparsable)?;
    if c.has_trailing(token) {
        return Err(Unparsable);
    }
    note_quirks(&c, notes);
    Ok(c.value)
}

/// A C integer as `strtol` read it: trailing characters ignored (and noted).
fn lenient_int(token: &[u8], sign: Signedness, notes: &mut Vec<Note>) -> Result<u32, Unparsable> {
    let token = trim_end_space(token);
    let c = parse_c_int(token, sign).ok_or(Unparsable)?;
    if c.has_trailing(token) {
        notes.push(Note::Trailing);
    }
    note_quirks(&c, notes);
    Ok(c.value)
}

fn note_quirks(c: &CInt, notes: &mut Vec<Note>) {
    if c.octal {
        notes.push(Note::Octal);
    }
    if c.clamped {
        notes.push(Note::Clamped);
    }
}

/// `a.b.c.d`, or the single text `0`.
pub fn parse_ipv4(text: &[u8], notes: &mut Vec<Note>) -> Result<[u8; 4], Unparsable> {
    let text = trim_end_space(text);
    if text == b"0" {
        return Ok([0; 4]);
    }
    let mut out = [0u8; 4];
    let mut parts = text.split(|&b| b == b'.');
    for slot in &mut out {
        let part = parts.next().ok_or(Unparsable)?;
        if part.first().is_some_and(|b| !b.is_ascii_digit()) {
            return Err(Unparsable);
        }
        let v = strict_int(part, Signedness::Signed, notes)?;
        *slot = u8::try_from(v).map_err(|_| Unparsable)?;
    }
    if parts.next().is_some() {
        return Err(Unparsable);
    }
    Ok(out)
}

fn encode_ext_ip(text: &[u8], size: usize, notes: &mut Vec<Note>) -> Result<Vec<u8>, Unparsable> {
    let text = trim_end_space(text);
    let mut out = vec![0u8; 6];
    if text != b"0" {
        let dot = text.iter().rposition(|&b| b == b'.').ok_or(Unparsable)?;
        let (ip, port) = (
            text.get(..dot).unwrap_or_default(),
            text.get(dot + 1..).unwrap_or_default(),
        );
        let ip = parse_ipv4(ip, notes)?;
        if port.first().is_some_and(|b| !b.is_ascii_digit()) {
            return Err(Unparsable);
        }
        let port =
            u16::try_from(strict_int(port, Signedness::Signed, notes)?).map_err(|_| Unparsable)?;
        out = [&ip[..], &port.to_be_bytes()].concat();
    }
    out.resize(size, 0);
    Ok(out)
}

fn tokens(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&b| matches!(b, b',' | b' ' | b'\t'))
        .filter(|t| !t.is_empty())
}

fn encode_shorts(text: &[u8], size: usize, notes: &mut Vec<Note>) -> Result<Vec<u8>, Unparsable> {
    let capacity = size / 2;
    let mut out = vec![0u8; size];
    let mut count = 0;
    for token in tokens(text) {
        let v = lenient_int(token, Signedness::Signed, notes)?;
        if let Some(slot) = out
            .get_mut(count * 2..count * 2 + 2)
            .filter(|_| count < capacity)
        {
            slot.copy_from_slice(&(v as u16).to_be_bytes());
        }
        count += 1;
    }
    if count == 0 {
        return Err(Unparsable);
    }
    if count > capacity {
        notes.push(Note::Surplus { kept: capacity });
    }
    Ok(out)
}

/// 2π as the original's constant had it (fewer digits than `TAU`, so results match).
#[allow(clippy::approx_constant)]
const TWO_PI: f64 = 6.28318530717958;

fn round_half_away(x: f64) -> i16 {
    x.round().clamp(f64::from(i16::MIN), f64::from(i16::MAX)) as i16
}

/// The obsolete `*Freq` tone: `count, (freq, gain) × count, then plain words`, the
/// frequencies turned into the DSP's cosine/sine words. `None` when it does not parse.
/// Number quirks go to `notes` as for every other integer codec.
fn encode_obsolete_tone(text: &[u8], size: usize, notes: &mut Vec<Note>) -> Option<Vec<u8>> {
    // Values are at most 511 bytes (checked before any codec), so this is ≤ 256 tokens.
    let toks: Vec<&[u8]> = tokens(text).collect();
    let mut scratch = Vec::new();
    let count = lenient_int(toks.first()?, Signedness::Signed, &mut scratch).ok()? as i32;
    if count < 0 {
        return None;
    }
    let count = count.min(2) as usize;
    if toks.len() < 1 + 2 * count + 4 {
        return None;
    }
    let mut words: Vec<u16> = vec![count as u16];
    for seg in 0..count {
        let mut freq = atof(toks.get(1 + 2 * seg)?);
        let mut gain = atof(toks.get(2 + 2 * seg)?);
        freq = if freq.is_nan() {
            4000.0
        } else {
            freq.clamp(0.0, 4000.0)
        };
        gain = if gain.is_nan() {
            10.0
        } else {
            gain.clamp(-60.0, 10.0)
        };
        let w = TWO_PI * freq / 8000.0;
        let amp = 10f64.powf(0.05 * (gain - 10.0));
        words.push(round_half_away(32768.0 * w.cos()) as u16);
        words.push(round_half_away(32768.0 * amp * w.sin()) as u16);
    }
    for token in toks.get(1 + 2 * count..)? {
        let v = lenient_int(token, Signedness::Signed, &mut scratch).ok()?;
        words.push(v as u16);
    }
    let mut out: Vec<u8> = words
        .iter()
        .flat_map(|w| w.to_be_bytes())
        .take(size)
        .collect();
    out.resize(size, 0);
    notes.append(&mut scratch);
    Some(out)
}

/// Encodes one value for its descriptor. The caller handles empty values and limits.
pub fn encode(
    desc: &Descriptor,
    text: &[u8],
    notes: &mut Vec<Note>,
) -> Result<Encoded, Unparsable> {
    let size = usize::from(desc.size);
    let value = match Codec::for_encoding(desc.fmt) {
        Codec::Bool => {
            let off = text == b"0" || text.eq_ignore_ascii_case(b"false");
            vec![u8::from(!off)]
        }
        Codec::Ipv4 => parse_ipv4(text, notes)?.to_vec(),
        Codec::Hex => {
            let mut out = vec![0u8; size];
            crypto::hex_into(text, &mut out);
            out
        }
        Codec::ExtIp => encode_ext_ip(text, size, notes)?,
        Codec::Int { unsigned } => {
            let sign = if unsigned {
                Signedness::Unsigned
            } else {
                Signedness::Signed
            };
            lenient_int(text, sign, notes)?.to_be_bytes().to_vec()
        }
        Codec::ObsoleteTone => {
            return Ok(match encode_obsolete_tone(text, size, notes) {
                Some(v) => Encoded::Value(v),
                None => Encoded::InvalidTone(vec![0u8; size]),
            });
        }
        Codec::Shorts => encode_shorts(text, size, notes)?,
        Codec::String | Codec::Raw => text.to_vec(),
    };
    Ok(Encoded::Value(value))
}

/// Decodes one value as the original printed it. `value` is already cut to the size.
pub fn decode(desc: &Descriptor, value: &[u8]) -> Vec<u8> {
    match Codec::for_decoding(desc.fmt) {
        Codec::Bool => {
            if value.first().is_some_and(|&b| b != 0) {
                b"1".to_vec()
            } else {
                b"0".to_vec()
            }
        }
        Codec::Ipv4 => dotted(value.get(..4).unwrap_or(value)).into_bytes(),
        Codec::ExtIp => match value {
            [a, b, c, d, p0, p1, ..] => {
                format!("{a}.{b}.{c}.{d}.{}", u16::from_be_bytes([*p0, *p1])).into_bytes()
            }
            _ => dotted(value).into_bytes(),
        },
        Codec::Int { unsigned } => match value {
            [a, b, c, d, ..] => {
                let v = u32::from_be_bytes([*a, *b, *c, *d]);
                if unsigned {
                    format!("0x{v:08x}")
                } else {
                    (v as i32).to_string()
                }
                .into_bytes()
            }
            _ => b"uimp".to_vec(),
        },
        Codec::Hex => hex::encode(value).into_bytes(),
        Codec::Shorts => {
            let mut s = String::new();
            for (i, w) in value.chunks_exact(2).enumerate() {
                if i > 0 {
                    s.push(',');
                }
                let _ = write!(s, "{}", be(w));
            }
            s.into_bytes()
        }
        Codec::String => value.split(|&b| b == 0).next().unwrap_or_default().to_vec(),
        Codec::ObsoleteTone | Codec::Raw => b"uimp".to_vec(),
    }
}

fn dotted(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// The IP as the original printed it in upgrade lines: the stored bytes reversed (it
/// printed a big-endian word from little-endian memory). `faithful` keeps stored order.
fn upgrade_ip(bytes: &[u8], faithful: bool) -> String {
    if faithful {
        dotted(bytes)
    } else {
        bytes
            .iter()
            .rev()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(".")
    }
}

fn be(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

/// `upgradecode`/`upgradelang`: `n,a,b,c,ip,port,f,name`, eight tokens.
pub fn encode_upgrade(text: &[u8], notes: &mut Vec<Note>) -> Result<Vec<u8>, DiagKind> {
    let toks: Vec<&[u8]> = tokens(text).take(9).collect();
    let [n, a, b, c, ip, port, f, name] = toks[..] else {
        return Err(DiagKind::BadUpgradeArgument);
    };
    let num = |t: &[u8], notes: &mut Vec<Note>| {
        lenient_int(t, Signedness::Unsigned, notes).map_err(|_| DiagKind::BadUpgradeArgument)
    };
    let mut out = Vec::with_capacity(20 + name.len());
    out.push(num(n, notes)? as u8);
    out.extend_from_slice(&num(a, notes)?.to_be_bytes());
    out.extend_from_slice(&(num(b, notes)? as u16).to_be_bytes());
    out.extend_from_slice(&(num(c, notes)? as u16).to_be_bytes());
    out.extend_from_slice(&parse_ipv4(ip, notes).map_err(|_| DiagKind::BadTftpIp)?);
    out.extend_from_slice(&(num(port, notes)? as u16).to_be_bytes());
    out.extend_from_slice(&num(f, notes)?.to_be_bytes());
    if name.len() > MAX_UPGRADE_NAME {
        return Err(DiagKind::BadUpgradeArgument);
    }
    out.extend_from_slice(name);
    out.push(0);
    Ok(out)
}

pub fn decode_upgrade(keyword: &str, tag: u16, value: &[u8], faithful: bool) -> Vec<u8> {
    if value.len() < 20 {
        return bad_len(tag, value);
    }
    let field = |from: usize, to: usize| value.get(from..to).unwrap_or_default();
    let mut line = format!(
        "{keyword}:{},0x{:08x},0x{:04x},0x{:04x},{},0x{:04x},0x{:08x},",
        be(field(0, 1)),
        be(field(1, 5)),
        be(field(5, 7)),
        be(field(7, 9)),
        upgrade_ip(field(9, 13), faithful),
        be(field(13, 15)),
        be(field(15, 19)),
    )
    .into_bytes();
    line.extend_from_slice(name_from(value, 19));
    line
}

/// The original's line for a pseudo record too short for its layout.
fn bad_len(tag: u16, value: &[u8]) -> Vec<u8> {
    format!("#bad len: tag 0x{tag:x}, len 0x{:x}", value.len()).into_bytes()
}

/// The NUL-terminated file name that ends an upgrade record.
fn name_from(value: &[u8], at: usize) -> &[u8] {
    value
        .get(at..)
        .unwrap_or_default()
        .split(|&b| b == 0)
        .next()
        .unwrap_or_default()
}

/// `upgradelogo`/`upgradexml`: `a,ip,name`.
pub fn encode_logo(text: &[u8], notes: &mut Vec<Note>) -> Result<Vec<u8>, DiagKind> {
    let toks: Vec<&[u8]> = tokens(text).take(4).collect();
    let [a, ip, name] = toks[..] else {
        return Err(DiagKind::BadUpgradeLogoArgument);
    };
    let a = lenient_int(a, Signedness::Unsigned, notes)
        .map_err(|_| DiagKind::BadUpgradeLogoArgument)?;
    if name.len() > MAX_LOGO_NAME {
        return Err(DiagKind::BadUpgradeLogoArgument);
    }
    let mut out = Vec::with_capacity(9 + name.len());
    out.extend_from_slice(&a.to_be_bytes());
    match parse_ipv4(ip, notes) {
        Ok(ip) => out.extend_from_slice(&ip),
        // The original stored the token's first four characters when it was no IP.
        Err(Unparsable) => {
            let mut raw = [0u8; 4];
            for (slot, b) in raw.iter_mut().zip(ip) {
                *slot = *b;
            }
            out.extend_from_slice(&raw);
        }
    }
    out.extend_from_slice(name);
    out.push(0);
    Ok(out)
}

pub fn decode_logo(keyword: &str, tag: u16, value: &[u8], faithful: bool) -> Vec<u8> {
    if value.len() < 9 {
        return bad_len(tag, value);
    }
    let field = |from: usize, to: usize| value.get(from..to).unwrap_or_default();
    let mut line = format!(
        "{keyword}:0x{:08x},{},",
        be(field(0, 4)),
        upgrade_ip(field(4, 8), faithful)
    )
    .into_bytes();
    line.extend_from_slice(name_from(value, 8));
    line
}

/// `EncryptKeyEx:key[/mac]`: the wrapped 0x1105 value, and whether the key was all hex.
pub fn encode_encrypt_key_ex(text: &[u8]) -> (Vec<u8>, bool) {
    let (key, mac) = split_key_mac(text);
    let mut inner = [0u8; crypto::ENCRYPT_KEY_EX_INNER];
    crypto::hex_into(mac, &mut inner[..6]);
    crypto::hex_into(key, &mut inner[6..]);
    (crypto::wrap_1105(&inner), crypto::is_all_hex(key))
}

/// The key part of an `EncryptKeyEx` value (before `/`, space or tab).
pub fn split_key_mac(text: &[u8]) -> (&[u8], &[u8]) {
    match text.iter().position(|&b| matches!(b, b'/' | b' ' | b'\t')) {
        Some(p) => (
            text.get(..p).unwrap_or_default(),
            text.get(p + 1..).unwrap_or_default(),
        ),
        None => (text, &[]),
    }
}

/// The text that compiles back to the same 0x1105 record; `None` if it does not unwrap.
pub fn decode_encrypt_key_ex(value: &[u8]) -> Option<Vec<u8>> {
    let inner = crypto::unwrap_1105(value)?;
    Some(
        format!(
            "EncryptKeyEx:{}/{}",
            hex::encode(&inner[6..]),
            hex::encode(&inner[..6])
        )
        .into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(fmt: u16, size: u16) -> Descriptor {
        Descriptor {
            tag: 1,
            fmt,
            name: "X".into(),
            size,
            context: 0xF,
            line: 1,
        }
    }

    fn enc(fmt: u16, size: u16, text: &str) -> Result<Encoded, Unparsable> {
        encode(&d(fmt, size), text.as_bytes(), &mut Vec::new())
    }

    fn val(fmt: u16, size: u16, text: &str) -> String {
        match enc(fmt, size, text) {
            Ok(Encoded::Value(v)) => hex::encode(v),
            other => panic!("{text}: {other:?}"),
        }
    }

    fn notes(fmt: u16, size: u16, text: &str) -> Vec<Note> {
        let mut n = Vec::new();
        let _ = encode(&d(fmt, size), text.as_bytes(), &mut n);
        n
    }

    fn dec(fmt: u16, size: u16, hex_value: &str) -> String {
        String::from_utf8(decode(&d(fmt, size), &hex::decode(hex_value).unwrap())).unwrap()
    }

    #[test]
    fn selection_orders() {
        assert_eq!(Codec::for_encoding(0x0150), Codec::ObsoleteTone);
        assert_eq!(Codec::for_decoding(0x0150), Codec::Shorts);
        assert_eq!(Codec::for_encoding(0x0404), Codec::Hex);
        assert_eq!(Codec::for_decoding(0x0404), Codec::Int { unsigned: false });
        assert_eq!(Codec::for_encoding(0x020C), Codec::Int { unsigned: true });
        assert_eq!(Codec::for_encoding(0x0008), Codec::String);
        assert_eq!(Codec::for_encoding(0x4000), Codec::Raw);
    }

    #[test]
    fn bools() {
        for t in ["0", "false", "False", "FALSE"] {
            assert_eq!(val(0x28, 1, t), "00", "{t}");
        }
        for t in ["1", "true", "yes", "0 ", "00", "2"] {
            assert_eq!(val(0x28, 1, t), "01", "{t}");
        }
        assert_eq!(dec(0x28, 1, "00"), "0");
        assert_eq!(dec(0x28, 1, "07"), "1");
        assert_eq!(dec(0x28, 1, ""), "0");
    }

    #[test]
    fn ipv4() {
        assert_eq!(val(0x06, 4, "192.0.2.170"), "c00002aa");
        assert_eq!(val(0x06, 4, "0"), "00000000");
        assert_eq!(val(0x06, 4, "10.0.0.1 "), "0a000001");
        for bad in [
            "256.0.0.1",
            "1.2.3",
            "1.2.3.4.5",
            "a.b.c.d",
            "1..2.3",
            "-1.0.0.0",
            "1.2.3.4x",
        ] {
            assert_eq!(enc(0x06, 4, bad), Err(Unparsable), "{bad}");
        }
        assert_eq!(notes(0x06, 4, "010.0.0.1"), [Note::Octal]);
        assert_eq!(val(0x06, 4, "010.0.0.1"), "08000001");
        assert_eq!(dec(0x06, 4, "c00002aa"), "192.0.2.170");
        assert_eq!(dec(0x06, 4, "c000"), "192.0");
    }

    #[test]
    fn ints() {
        assert_eq!(val(0x0C, 4, "5060"), "000013c4");
        assert_eq!(val(0x0C, 4, "-5"), "fffffffb");
        assert_eq!(val(0x20C, 4, "0x00140014"), "00140014");
        assert_eq!(val(0x20C, 4, "-1"), "ffffffff");
        assert_eq!(val(0x0C, 4, "4294967295"), "7fffffff");
        assert_eq!(notes(0x0C, 4, "4294967295"), [Note::Clamped]);
        assert_eq!(val(0x20C, 4, "4294967295"), "ffffffff");
        assert_eq!(val(0x0C, 4, "5060x"), "000013c4");
        assert_eq!(notes(0x0C, 4, "5060x"), [Note::Trailing]);
        assert_eq!(val(0x0C, 4, "02"), "00000002");
        assert_eq!(notes(0x0C, 4, "010"), [Note::Octal]);
        assert_eq!(notes(0x0C, 4, "5060 "), []);
        assert_eq!(enc(0x0C, 4, "abc"), Err(Unparsable));
        assert_eq!(dec(0x0C, 4, "fffffffb"), "-5");
        assert_eq!(dec(0x20C, 4, "00140014"), "0x00140014");
        assert_eq!(dec(0x0C, 4, "0102"), "uimp");
    }

    #[test]
    fn hex_values() {
        assert_eq!(val(0x400, 4, "a1b"), "a1b00000");
        assert_eq!(val(0x400, 2, "zz11ff"), "0011");
        assert_eq!(dec(0x400, 4, "a1b00000"), "a1b00000");
    }

    #[test]
    fn ext_ip() {
        assert_eq!(val(0x80, 6, "192.168.2.170.9001"), "c0a802aa2329");
        assert_eq!(val(0x80, 6, "0"), "000000000000");
        assert_eq!(val(0x80, 8, "1.2.3.4.5"), "0102030400050000");
        assert_eq!(val(0x80, 4, "1.2.3.4.5"), "01020304");
        for bad in ["1.2.3.4", "1.2.3.4.65536", "1.2.3.4.x", "x"] {
            assert_eq!(enc(0x80, 6, bad), Err(Unparsable), "{bad}");
        }
        assert_eq!(dec(0x80, 6, "c0a802aa2329"), "192.168.2.170.9001");
        assert_eq!(dec(0x80, 6, "c0a8"), "192.168");
    }

    #[test]
    fn short_arrays() {
        assert_eq!(
            val(0x50, 22, "2,31538,30831,1380,1740,1,0,0,1000"),
            "00027b32786f056406cc00010000000003e800000000"
        );
        assert_eq!(val(0x50, 6, "1 2, 3"), "000100020003");
        assert_eq!(val(0x50, 4, "-1,65537"), "ffff0001");
        assert_eq!(val(0x50, 4, "1,2,3"), "00010002");
        assert_eq!(notes(0x50, 4, "1,2,3"), [Note::Surplus { kept: 2 }]);
        assert_eq!(val(0x50, 5, "1,2,3"), "0001000200");
        assert_eq!(enc(0x50, 22, "1,x,3"), Err(Unparsable));
        assert_eq!(enc(0x50, 22, ",,"), Err(Unparsable));
        assert_eq!(dec(0x50, 6, "000178ee0000ff"), "1,30958,0");
    }

    #[test]
    fn obsolete_tone() {
        assert_eq!(
            val(0x150, 18, "2,350,-10,440,-10,1,0,0,1000"),
            "00027b320379786f045600010000000003e8"
        );
        // Count above 2 is clamped; its segments still need tokens.
        assert_eq!(
            enc(0x150, 18, "350,440"),
            Ok(Encoded::InvalidTone(vec![0; 18]))
        );
        assert_eq!(
            enc(0x150, 18, "-1,1,1,1,1"),
            Ok(Encoded::InvalidTone(vec![0; 18]))
        );
        assert_eq!(
            enc(0x150, 18, "1,350,-10,1,0,0,x"),
            Ok(Encoded::InvalidTone(vec![0; 18]))
        );
        // Unparsable floats are 0; out-of-range values clamp.
        // cos(0) = 1 gives 32768, clamped to the signed 16-bit range.
        assert_eq!(
            val(0x150, 18, "1,zz,-10,1,2,3,4"),
            "00017fff0000000100020003000400000000"
        );
        assert_eq!(
            val(0x150, 18, "1,99999,99,0,0,0,0"),
            val(0x150, 18, "1,4000,10,0,0,0,0")
        );
        assert_eq!(
            val(0x150, 18, "0,1,2,3,4,5,6,7,8,9,10,11"),
            "000000010002000300040005000600070008"
        );
    }

    #[test]
    fn strings_and_raw() {
        assert_eq!(val(0x10, 32, "10.0.0.2"), hex::encode("10.0.0.2"));
        assert_eq!(
            val(0x10, 4, "longer than four"),
            hex::encode("longer than four")
        );
        assert_eq!(val(0x08, 10, "12ab"), hex::encode("12ab"));
        assert_eq!(val(0x0, 10, "raw"), hex::encode("raw"));
        assert_eq!(dec(0x10, 8, "41420043"), "AB");
        assert_eq!(dec(0x0, 8, "4142"), "uimp");
    }

    #[test]
    fn upgradecode() {
        let v = encode_upgrade(
            b"3,0x301,0x0400,0x0200,192.0.2.170,69,0x020514a,ata18x-v2-15-020927a.zup",
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!(
            hex::encode(&v),
            "030000030104000200c00002aa00450020514a6174613138782d76322d31352d303230393237612e7a757000"
        );
        assert_eq!(
            String::from_utf8(decode_upgrade("upgradecode", 0x1100, &v, false)).unwrap(),
            "upgradecode:3,0x00000301,0x0400,0x0200,170.2.0.192,0x0045,0x0020514a,ata18x-v2-15-020927a.zup"
        );
        assert_eq!(
            String::from_utf8(decode_upgrade("upgradecode", 0x1100, &v, true)).unwrap(),
            "upgradecode:3,0x00000301,0x0400,0x0200,192.0.2.170,0x0045,0x0020514a,ata18x-v2-15-020927a.zup"
        );
        assert_eq!(
            encode_upgrade(b"3,0x301,0x0400,0x0200,192.0.2.170,69,0x1", &mut Vec::new()),
            Err(DiagKind::BadUpgradeArgument)
        );
        assert_eq!(
            encode_upgrade(b"3,x,0x0400,0x0200,1.2.3.4,69,0x1,f", &mut Vec::new()),
            Err(DiagKind::BadUpgradeArgument)
        );
        assert_eq!(
            encode_upgrade(b"3,1,0x0400,0x0200,1.2.3,69,0x1,f", &mut Vec::new()),
            Err(DiagKind::BadTftpIp)
        );
        let long = format!("3,1,2,3,0,69,1,{}", "n".repeat(32));
        assert_eq!(
            encode_upgrade(long.as_bytes(), &mut Vec::new()),
            Err(DiagKind::BadUpgradeArgument)
        );
        assert_eq!(
            String::from_utf8(decode_upgrade("upgradelang", 0x1101, &[0; 19], false)).unwrap(),
            "#bad len: tag 0x1101, len 0x13"
        );
    }

    #[test]
    fn upgradelogo() {
        let v = encode_logo(b"0x1234,192.0.2.1,logo.bin", &mut Vec::new()).unwrap();
        assert_eq!(hex::encode(&v), "00001234c00002016c6f676f2e62696e00");
        assert_eq!(
            String::from_utf8(decode_logo("upgradelogo", 0x1103, &v, false)).unwrap(),
            "upgradelogo:0x00001234,1.2.0.192,logo.bin"
        );
        let raw = encode_logo(b"1,ab,n", &mut Vec::new()).unwrap();
        assert_eq!(hex::encode(raw), "00000001616200006e00");
        assert_eq!(
            encode_logo(b"1,2", &mut Vec::new()),
            Err(DiagKind::BadUpgradeLogoArgument)
        );
        assert_eq!(
            encode_logo(b"x,1.2.3.4,n", &mut Vec::new()),
            Err(DiagKind::BadUpgradeLogoArgument)
        );
        assert_eq!(
            String::from_utf8(decode_logo("upgradexml", 0x1104, &[0; 8], false)).unwrap(),
            "#bad len: tag 0x1104, len 0x8"
        );
    }

    #[test]
    fn encrypt_key_ex() {
        let (v, hex_ok) = encode_encrypt_key_ex(b"0011223344556677/020000000001");
        assert!(hex_ok);
        assert_eq!(v.len(), 44);
        assert_eq!(
            decode_encrypt_key_ex(&v).map(|t| String::from_utf8(t).unwrap()),
            Some(format!(
                "EncryptKeyEx:0011223344556677{}/020000000001",
                "0".repeat(48)
            ))
        );
        assert!(!encode_encrypt_key_ex(b"xyz").1);
        assert!(!encode_encrypt_key_ex(b"").1);
        assert_eq!(
            encode_encrypt_key_ex(b"00 11").0,
            encode_encrypt_key_ex(b"00/11").0
        );
    }
}
