//! Value codecs, one per format bit: text → bytes for the compiler, in the original's
//! selection order. Bytes → text is the decoder's ([`mod@crate::profile::decode`]); only the
//! `EncryptKeyEx` unwrapping lives here, beside its wrapping.
//!
//! The encoders follow cfgfmt 2.3 as its binary behaves (recorded with the original and
//! checked against its disassembly). Where the original stored bytes the text did not give
//! (leftovers of an earlier value in its scratch buffer, stack bytes) we store zeros and
//! say so in a [`Note::Deliberate`]; where it stored something the text probably did not
//! mean, we keep its bytes and say so in a [`Note::Surprise`].

use std::fmt::Write as _;

use crate::cnum::{Signedness, atof, parse_c_int};
use crate::crypto;
use crate::diag::DiagKind;
use crate::table::{Descriptor, fmt_bits as F};

/// The longest value a profile line may store: the original copied values into a
/// 512-byte stack buffer and overwrote the name behind it beyond that.
pub const MAX_VALUE: usize = 511;
/// Longest file name in `upgradecode`/`upgradelang`: a longer one overwrote the record's
/// last number in the original.
pub const MAX_UPGRADE_NAME: usize = 35;
/// Longest file name in `upgradelogo`/`upgradexml`: a longer one overwrote the record's
/// tag in the original (and from 40 characters its first number, from 44 its IP).
pub const MAX_LOGO_NAME: usize = 31;
/// The original's buffer for one token of an upgrade line held 31 characters.
const MAX_TOKEN: usize = 31;
/// From this length an upgradelogo/upgradexml name overran the original's address token.
pub const LOGO_NAME_REACHES_IP: usize = 44;
/// A number token of this many characters overflowed the original's 32-byte token buffer
/// and crashed it.
pub const MAX_NUMBER_TOKEN: usize = 31;

/// The phrase every deliberate difference carries.
pub const MARKER: &str = "(cfgfmt 2.3 would ";

/// Something about a value the user should hear about. The text names no secret: callers
/// pass `reveal = false` for sensitive attributes and the value is then not quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Note {
    /// cfgfmt 2.3 stored this too, but the text probably meant something else.
    Surprise(String),
    /// We store something other than cfgfmt 2.3 did; the text ends with
    /// `(cfgfmt 2.3 would …)`.
    Deliberate(String),
}

impl Note {
    pub fn into_kind(self, name: &str) -> DiagKind {
        let text = match self {
            Note::Surprise(t) | Note::Deliberate(t) => t,
        };
        DiagKind::ValueNote {
            name: name.to_string(),
            text,
        }
    }
}

/// What [`encode_into`] appended: a value, or the zeros of an invalid tone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    Value,
    InvalidTone,
}

/// Whether a value may be quoted in messages: not for sensitive attributes (format bit
/// 0x4000) nor names that look like passwords, keys or user ids.
pub fn reveals(fmt: u16, name: &str) -> bool {
    let contains = |part: &[u8]| {
        name.as_bytes()
            .windows(part.len())
            .any(|w| w.eq_ignore_ascii_case(part))
    };
    fmt & F::SENSITIVE == 0
        && ![&b"pwd"[..], b"passw", b"key", b"uid"]
            .iter()
            .any(|p| contains(p))
}

/// A format with none of the bits the original knew: it stopped with
/// `internal error: unhandled attribute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unhandled;

/// Which codec a format selects when encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Codec {
    Bool,
    Ipv4,
    /// Format bit 0x01: six dotted decimal bytes.
    Dotted6,
    Hex,
    ExtIp,
    Int {
        unsigned: bool,
    },
    ObsoleteTone,
    Shorts,
    String,
    Raw,
}

/// Format bit 0x01, which only the original's encoder knew.
const DOTTED6: u16 = 0x0001;

impl Codec {
    /// The first format bit of `order` that `fmt` has picks the codec.
    fn select(fmt: u16, order: &[u16]) -> Codec {
        let bit = order.iter().copied().find(|&b| fmt & b != 0).unwrap_or(0);
        match bit {
            F::BOOL => Codec::Bool,
            F::IPV4 => Codec::Ipv4,
            DOTTED6 => Codec::Dotted6,
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
        const ORDER: [u16; 9] = [
            F::BOOL,
            F::IPV4,
            DOTTED6,
            F::HEX,
            F::EXT_IP,
            F::INT,
            F::OLD_TONE,
            F::SHORTS,
            F::DIGITS | F::STRING,
        ];
        Codec::select(fmt, &ORDER)
    }

    /// The decoder tests the bits in another order, and has no obsolete-tone decoder
    /// (`inspect` names the codec with this).
    pub fn for_decoding(fmt: u16) -> Codec {
        const ORDER: [u16; 8] = [
            F::BOOL,
            F::IPV4,
            F::EXT_IP,
            F::INT,
            DOTTED6,
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
            Codec::Dotted6 => "dotted6",
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

/// A value as messages show it: quoted, control and non-ASCII bytes escaped.
pub fn quote(text: &[u8]) -> String {
    let mut s = String::from("'");
    for &b in text {
        match b {
            b'\t' => s.push_str("\\t"),
            b'\'' => s.push_str("\\'"),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(char::from(b)),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
    }
    s.push('\'');
    s
}

/// Builds note texts, quoting values only when they may be shown.
struct Notes<'n> {
    out: &'n mut Vec<Note>,
    reveal: Reveal<'n>,
}

/// Whether notes may quote the value: decided by the descriptor only once a note is
/// made, since most values get none.
#[derive(Clone, Copy)]
enum Reveal<'d> {
    Given(bool),
    ByDescriptor(&'d Descriptor),
}

impl Notes<'_> {
    fn reveal(&self) -> bool {
        match self.reveal {
            Reveal::Given(r) => r,
            Reveal::ByDescriptor(d) => reveals(d.fmt, &d.name),
        }
    }

    /// `'text'`, or `the value` for a sensitive attribute.
    fn shown(&self, text: &[u8]) -> String {
        if self.reveal() {
            quote(text)
        } else {
            "the value".to_string()
        }
    }
    /// `'text': ` before a remark, or nothing for a sensitive attribute.
    fn lead(&self, text: &[u8]) -> String {
        if self.reveal() {
            format!("{}: ", quote(text))
        } else {
            String::new()
        }
    }
    fn surprise(&mut self, text: String) {
        self.out.push(Note::Surprise(text));
    }
    fn deliberate(&mut self, text: String) {
        self.out.push(Note::Deliberate(text));
    }
}

/// The original's tokenizer for lists: runs of `,` and space separate (a TAB does not).
fn tokens(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&b| matches!(b, b',' | b' '))
        .filter(|t| !t.is_empty())
}

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// A number token as the original read list elements: `strtoul(token, NULL, 0)`.
/// `what` names the element in notes (`element 3`, `the port`).
fn token_number(token: &[u8], what: impl std::fmt::Display, n: &mut Notes<'_>) -> u32 {
    let c = parse_c_int(token, Signedness::Unsigned);
    let value = c.map_or(0, |c| c.value);
    if token.len() > MAX_NUMBER_TOKEN {
        n.deliberate(format!(
            "{what} has {} characters; stored {value} {MARKER}crash: its token buffer holds 31)",
            token.len()
        ));
        return value;
    }
    match c {
        None => n.surprise(format!(
            "{what} {} is not a number; stored 0",
            n.shown(token)
        )),
        Some(c) => {
            let rest = token.get(c.consumed..).unwrap_or_default();
            if rest.iter().any(|&b| !is_c_space(b)) {
                n.surprise(format!(
                    "{what} {}: characters after the number ignored; stored {value}",
                    n.shown(token)
                ));
            } else if c.octal {
                n.surprise(format!(
                    "{what} {}: a leading 0 makes it octal; stored {value}",
                    n.shown(token)
                ));
            } else if c.clamped {
                n.surprise(format!(
                    "{what} {}: out of range; stored {value}",
                    n.shown(token)
                ));
            }
        }
    }
    value
}

/// How the original's dotted-decimal reader fared with a text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Dotted {
    /// The field bytes (6 for `a.b.c.d.port`), the first `len` used; unwritten bytes
    /// are zero.
    field: [u8; 6],
    len: usize,
    /// The leading bytes it wrote; the rest it left as they were.
    written: usize,
    /// Whether it reported success (an `IP.PORT` with one dot too few succeeds
    /// with the port's low byte unwritten).
    ok: bool,
}

/// The original's reader for `n` dotted decimal fields (`n == 5`: four bytes and a
/// 16-bit port). A field is at most 3 characters (the port 5); a non-digit ends it and is
/// skipped; a field without digits, or one too long, fails; each field is read with
/// `atoi` and kept modulo 256. The text `0` alone is all zeros.
fn read_dotted(text: &[u8], n: usize) -> Dotted {
    let len = if n == 5 { 6 } else { n.min(6) };
    let mut out = Dotted {
        field: [0; 6],
        len,
        written: 0,
        ok: false,
    };
    if text == b"0" {
        out.written = len;
        out.ok = true;
        return out;
    }
    let mut pos = 0;
    let mut max_field = 3;
    let mut dots = 0;
    let mut i = 0;
    while i < n {
        let mut count = 0;
        let mut digits: u32 = 0;
        let mut any = false;
        while let Some(&c) = text.get(pos) {
            pos += 1;
            count += 1;
            if c == b'.' {
                dots += 1;
                break;
            }
            if count > max_field {
                return out;
            }
            if !c.is_ascii_digit() {
                break;
            }
            any = true;
            digits = digits * 10 + u32::from(c - b'0');
        }
        if !any {
            return out;
        }
        if n == 5 {
            if max_field == 5 {
                if let Some(port) = out.field.get_mut(i..i + 2) {
                    port.copy_from_slice(&(digits as u16).to_be_bytes());
                }
                out.written = i + 2;
                out.ok = true;
                return out;
            }
            if dots == 4 {
                max_field = 5;
            }
        }
        if let Some(b) = out.field.get_mut(i).filter(|_| i < len) {
            *b = digits as u8;
        }
        i += 1;
        out.written = i;
    }
    out.ok = true;
    out
}

impl Dotted {
    fn bytes(&self) -> &[u8] {
        self.field.get(..self.len).unwrap_or_default()
    }
}

/// Dotted bytes as text: `a.b.c.d`, six fields, or `a.b.c.d.port`.
fn render_dotted(bytes: &[u8], n: usize) -> String {
    if let ([a, b, c, d, p0, p1], 5) = (bytes, n) {
        return format!("{a}.{b}.{c}.{d}.{}", u16::from_be_bytes([*p0, *p1]));
    }
    dotted(bytes)
}

/// An IP (n = 4), six dotted bytes (n = 6) or `IP.PORT` (n = 5) as the original stored it.
/// Whether `text` is exactly how `bytes` print (checked without allocating: most values are).
fn prints_as(text: &[u8], bytes: &[u8], n: usize) -> bool {
    /// Strips `value` in decimal from the front of `text` (no leading zeros).
    fn decimal(text: &[u8], value: u16) -> Option<&[u8]> {
        let mut digits = [0u8; 5];
        let mut v = value;
        let mut start = digits.len();
        loop {
            start -= 1;
            *digits.get_mut(start)? = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        text.strip_prefix(digits.get(start..)?)
    }
    let mut rest = text;
    let fields: &mut dyn Iterator<Item = u16> = match (bytes, n) {
        ([a, b, c, d, p0, p1], 5) => &mut [
            u16::from(*a),
            u16::from(*b),
            u16::from(*c),
            u16::from(*d),
            u16::from_be_bytes([*p0, *p1]),
        ]
        .into_iter(),
        _ => &mut bytes.iter().map(|&b| u16::from(b)),
    };
    for (i, value) in fields.enumerate() {
        if i > 0 {
            let Some(after) = rest.strip_prefix(b".") else {
                return false;
            };
            rest = after;
        }
        let Some(after) = decimal(rest, value) else {
            return false;
        };
        rest = after;
    }
    rest.is_empty()
}

fn encode_dotted(text: &[u8], n: usize, n_: &mut Notes<'_>, out: &mut Vec<u8>) {
    let d = read_dotted(text, n);
    out.extend_from_slice(d.bytes());
    if d.written >= d.len && (text == b"0" || prints_as(text, d.bytes(), n)) {
        return;
    }
    let shown = render_dotted(d.bytes(), n);
    let kind = match n {
        4 => "an IP address",
        5 => "an IP.PORT address",
        _ => "six dotted numbers",
    };
    if d.written < d.len {
        let missing = d.len - d.written;
        if d.written == 0 {
            n_.deliberate(format!(
                "{} is not {kind}; stored {shown} {MARKER}store leftover bytes of an earlier value)",
                n_.shown(text)
            ));
        } else {
            n_.deliberate(format!(
                "{} is not a complete {}; stored {shown} {MARKER}take the last {missing} byte(s) from an earlier value)",
                n_.shown(text),
                kind.trim_start_matches("an ").trim_start_matches("six ")
            ));
        }
    } else if text != b"0" && text != shown.as_bytes() {
        n_.surprise(format!("{} read as {shown}", n_.shown(text)));
    }
}

/// Hex digits into `size` bytes as the original did (a non-hex character is 0, an odd
/// last digit fills a high nibble); it then stored 6 bytes whatever the size.
fn encode_hex(text: &[u8], size: usize, n: &mut Notes<'_>, out: &mut Vec<u8>) {
    const STORED: usize = 6;
    let start = out.len();
    out.resize(start + size, 0);
    if let Some(field) = out.get_mut(start..) {
        crypto::hex_into(text, field);
    }
    let used = text.len().min(2 * size);
    let used_text = text.get(..used).unwrap_or_default();
    if used_text.iter().any(|b| !b.is_ascii_hexdigit()) {
        n.surprise(format!(
            "{}: characters that are not hex digits read as 0",
            n.shown(text)
        ));
    }
    if text.len() > 2 * size.min(STORED) {
        n.surprise(format!(
            "{}: only the first {} hex digits are stored",
            n.shown(text),
            2 * size.min(STORED)
        ));
    } else if text.len() % 2 == 1 {
        n.surprise(format!(
            "{}: an odd number of hex digits; the last one is a high nibble",
            n.shown(text)
        ));
    }
    out.resize(start + STORED, 0);
    if size < STORED {
        n.deliberate(format!(
            "stored 6 bytes for a size of {size}, the last {} zero {MARKER}take them from an earlier value)",
            STORED - size
        ));
    }
}

fn encode_int(text: &[u8], unsigned: bool, n: &mut Notes<'_>, out: &mut Vec<u8>) {
    let sign = if unsigned {
        Signedness::Unsigned
    } else {
        Signedness::Signed
    };
    let c = parse_c_int(text, sign);
    let value = c.map_or(0, |c| c.value);
    // Remarks are rare: their texts are made only when one is due.
    let shown_value = || {
        if unsigned {
            value.to_string()
        } else {
            (value as i32).to_string()
        }
    };
    match c {
        None => {
            let lead = n.lead(text);
            n.surprise(format!("{lead}no number; stored 0"));
        }
        Some(c) if c.octal || c.clamped || !is_c_blank(text.get(c.consumed..)) => {
            let (lead, shown_value) = (n.lead(text), shown_value());
            let rest = text.get(c.consumed..).unwrap_or_default();
            if rest.iter().any(|&b| !is_c_space(b)) {
                n.surprise(format!(
                    "{lead}characters after the number ignored; stored {shown_value}"
                ));
            }
            if c.octal {
                n.surprise(format!(
                    "{lead}a leading 0 makes it octal; stored {shown_value}"
                ));
            }
            if c.clamped {
                n.surprise(format!("{lead}out of range; stored {shown_value}"));
            }
        }
        Some(_) => {}
    }
    out.extend_from_slice(&value.to_be_bytes());
}

/// Whether what follows a number is only C white space (or nothing).
fn is_c_blank(rest: Option<&[u8]>) -> bool {
    rest.unwrap_or_default().iter().all(|&b| is_c_space(b))
}

fn encode_bool(text: &[u8], n: &mut Notes<'_>, out: &mut Vec<u8>) {
    let off = text == b"0" || text.eq_ignore_ascii_case(b"false");
    if !off && text != b"1" && !text.eq_ignore_ascii_case(b"true") {
        n.surprise(format!(
            "{} is neither 0 nor false; stored 1",
            n.shown(text)
        ));
    }
    out.push(u8::from(!off));
}

/// Whether a number as `strtoul` returned it fits a 16-bit word, signed or not.
fn fits_16(value: u32) -> bool {
    value <= 0xFFFF || (value as i32) >= -0x8000
}

/// "value N" in remarks, written only when one is made.
#[derive(Clone, Copy)]
struct Value(usize);

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "value {}", self.0)
    }
}

/// "element N" in remarks, written only when one is made.
#[derive(Clone, Copy)]
struct Element(usize);

impl std::fmt::Display for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "element {}", self.0)
    }
}

fn encode_shorts(text: &[u8], size: usize, n: &mut Notes<'_>, value: &mut Vec<u8>) {
    let capacity = size / 2;
    let start = value.len();
    value.resize(start + size, 0);
    let out = value.get_mut(start..).unwrap_or_default();
    let mut count = 0;
    for token in tokens(text) {
        let what = Element(count + 1);
        let v = token_number(token, what, n);
        if !fits_16(v) {
            n.surprise(format!("{what} does not fit 16 bits; stored {}", v as u16));
        }
        if let Some(slot) = out
            .get_mut(count * 2..count * 2 + 2)
            .filter(|_| count < capacity)
        {
            slot.copy_from_slice(&(v as u16).to_be_bytes());
        }
        count += 1;
    }
    if count > capacity {
        n.surprise(format!(
            "{count} values for {capacity} places; the rest ignored"
        ));
    }
    if count < capacity {
        n.deliberate(format!(
            "{count} of {capacity} values given; stored zeros for the rest {MARKER}store leftover bytes of an earlier value there)"
        ));
    } else if size % 2 == 1 {
        n.deliberate(format!(
            "odd size {size}: stored a zero in the last byte {MARKER}take it from an earlier value)"
        ));
    }
}

/// 2π as the original's constant had it.
#[allow(clippy::approx_constant)]
const TWO_PI: f64 = 6.28318530717958;

/// The C conversion the original used (`fistp` with truncation), then its clamp to the
/// signed 16-bit range; NaN is the x87 "integer indefinite" and clamps to -32768.
fn dsp_word(x: f64) -> u16 {
    let v: i64 = if (-2_147_483_648.0..2_147_483_648.0).contains(&x) {
        x.trunc() as i64
    } else {
        i64::from(i32::MIN)
    };
    v.clamp(-0x8000, 0x7FFF) as i16 as u16
}

/// One tone segment: frequency (Hz, 0–4000) and gain (dB, -60–10) to the DSP's cosine
/// and scaled sine words.
fn tone_words(freq_text: &[u8], gain_text: &[u8]) -> (u16, u16) {
    // `clamp` keeps NaN, as the original's comparisons did.
    let freq = atof(freq_text).clamp(0.0, 4000.0);
    let gain = atof(gain_text).clamp(-60.0, 10.0);
    let w = freq * TWO_PI / 8000.0;
    let amp = 10f64.powf((gain - 10.0) * 0.05);
    (
        dsp_word(w.cos() * 32768.0),
        dsp_word(amp * 32768.0 * w.sin()),
    )
}

/// Bytes of the obsolete tone layout: count, cos₀, cos₁, sin₀, sin₁, four words.
const TONE_BYTES: usize = 18;

/// The obsolete `*Freq` tone: `count, freq₀, freq₁, gain₀, gain₁, w₁, w₂, w₃, w₄` (all
/// nine always needed), stored as the words `count, cos₀, cos₁, sin₀, sin₁, w₁…w₄`; the
/// count is at most 2, and a segment beyond the count is not computed. `None` when parts
/// are missing.
fn encode_obsolete_tone(text: &[u8], size: usize, n: &mut Notes<'_>) -> Option<Vec<u8>> {
    let toks: Vec<&[u8]> = tokens(text).collect();
    if toks.len() < 9 {
        return None;
    }
    let part = |i: usize| toks.get(i).copied().unwrap_or_default();
    let given = token_number(part(0), "the count", n);
    let count = given.min(2) as usize;
    if given > 2 {
        n.surprise(format!("count {given} read as 2"));
    }
    for i in 1..5 {
        if part(i).len() > 32 {
            n.deliberate(format!(
                "value {} has {} characters, read whole {MARKER}split it after 32 characters)",
                i + 1,
                part(i).len()
            ));
        }
    }
    let mut words = [0u16; 9];
    words[0] = count as u16;
    for seg in 0..count {
        let (c, s) = tone_words(part(1 + seg), part(3 + seg));
        if let Some(w) = words.get_mut(1 + seg) {
            *w = c;
        }
        if let Some(w) = words.get_mut(3 + seg) {
            *w = s;
        }
    }
    if count < 2 {
        n.deliberate(format!(
            "count {count}: stored zeros for the unused segment words {MARKER}store leftover stack bytes there)"
        ));
    }
    for (k, slot) in words.iter_mut().skip(5).enumerate() {
        *slot = token_number(part(5 + k), Value(6 + k), n) as u16;
    }
    if toks.len() > 9 {
        n.surprise(format!(
            "{} values; those after the 9th ignored",
            toks.len()
        ));
    }
    let mut out: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes()).collect();
    if size > TONE_BYTES {
        n.deliberate(format!(
            "size {size}: stored zeros after the 18 tone bytes {MARKER}store leftover bytes of an earlier value there)"
        ));
    }
    out.resize(size, 0);
    Some(out)
}

fn encode_string(desc: &Descriptor, text: &[u8], n: &mut Notes<'_>, out: &mut Vec<u8>) {
    if text.first() == Some(&b'\t') {
        n.surprise(
            "the value starts with a TAB, which is stored (only ':' and space separate \
             name and value)"
                .to_string(),
        );
    }
    if text.len() > usize::from(desc.size) {
        n.surprise(format!(
            "{} bytes, more than the table's size {}; stored all of them",
            text.len(),
            desc.size
        ));
    }
    out.extend_from_slice(text);
}

/// Encodes one value for its descriptor, appending it to `out` (the compiler's one buffer
/// for all values). The caller handles empty values and limits. Notes quote the value
/// only where [`reveals`] allows it.
pub fn encode_into(
    desc: &Descriptor,
    text: &[u8],
    notes: &mut Vec<Note>,
    out: &mut Vec<u8>,
) -> Result<Appended, Unhandled> {
    let n = &mut Notes {
        out: notes,
        reveal: Reveal::ByDescriptor(desc),
    };
    encode_with(desc, text, n, out)
}

fn encode_with(
    desc: &Descriptor,
    text: &[u8],
    n: &mut Notes<'_>,
    out: &mut Vec<u8>,
) -> Result<Appended, Unhandled> {
    let size = usize::from(desc.size);
    match Codec::for_encoding(desc.fmt) {
        Codec::Bool => encode_bool(text, n, out),
        Codec::Ipv4 => encode_dotted(text, 4, n, out),
        Codec::Dotted6 => encode_dotted(text, 6, n, out),
        Codec::Hex => encode_hex(text, size, n, out),
        Codec::ExtIp => encode_dotted(text, 5, n, out),
        // Numbers are never quoted: a password typed into the wrong line stays unseen.
        Codec::Int { unsigned } => encode_int(
            text,
            unsigned,
            &mut Notes {
                out: n.out,
                reveal: Reveal::Given(false),
            },
            out,
        ),
        Codec::ObsoleteTone => {
            return Ok(match encode_obsolete_tone(text, size, n) {
                Some(v) => {
                    out.extend_from_slice(&v);
                    Appended::Value
                }
                None => {
                    n.deliberate(format!(
                        "stored {size} zero bytes {MARKER}store leftover bytes of an earlier value)"
                    ));
                    out.resize(out.len() + size, 0);
                    Appended::InvalidTone
                }
            });
        }
        Codec::Shorts => encode_shorts(text, size, n, out),
        Codec::String => encode_string(desc, text, n, out),
        Codec::Raw => return Err(Unhandled),
    }
    Ok(Appended::Value)
}

fn dotted(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// An IP token of an upgrade line: `Err` is the original's `bad tftp ip addr` error.
fn upgrade_ip_bytes(token: &[u8], n: &mut Notes<'_>) -> Result<[u8; 4], DiagKind> {
    let d = read_dotted(token, 4);
    if !d.ok {
        return Err(DiagKind::BadTftpIp {
            ip: String::from_utf8_lossy(token).into_owned(),
        });
    }
    if token != b"0" && !prints_as(token, d.bytes(), 4) {
        let shown = dotted(d.bytes());
        n.surprise(format!("the IP {} read as {shown}", quote(token)));
    }
    let mut ip = [0u8; 4];
    ip.copy_from_slice(d.bytes().get(..4).unwrap_or(&[0; 4]));
    Ok(ip)
}

/// A number field of an upgrade line kept in `bits` bits.
fn upgrade_number(token: &[u8], what: &str, bits: u32, n: &mut Notes<'_>) -> u32 {
    let v = token_number(token, what, n);
    if bits < 32 && v >> bits != 0 {
        let kept = v & ((1 << bits) - 1);
        n.surprise(format!(
            "{what} {v} does not fit {bits} bits; stored {kept}"
        ));
        return kept;
    }
    v
}

/// `upgradecode`/`upgradelang`: `n,a,b,c,ip,port,f,name`, eight tokens separated by
/// commas and spaces; more are ignored. Numbers are read with `strtoul` (a non-number is
/// 0) and kept in n(1) a(4) b(2) c(2) port(2) f(4) bytes.
pub fn encode_upgrade(text: &[u8], notes: &mut Vec<Note>) -> Result<Vec<u8>, DiagKind> {
    let n = &mut Notes {
        out: notes,
        reveal: Reveal::Given(true),
    };
    let toks: Vec<&[u8]> = tokens(text).collect();
    let [t_n, t_a, t_b, t_c, t_ip, t_port, t_f, name] = toks.get(..8).unwrap_or_default() else {
        // Recorded: a token of 32+ characters crashed cfgfmt 2.3 before it counted them.
        if let Some(long) = toks.iter().find(|t| t.len() > MAX_TOKEN) {
            n.deliberate(format!(
                "a value has {} characters {MARKER}crash: its token buffer holds 31)",
                long.len()
            ));
        }
        return Err(DiagKind::BadUpgradeArgument);
    };
    if toks.len() > 8 {
        n.surprise(format!(
            "{} values; those after the 8th ignored",
            toks.len()
        ));
    }
    if t_ip.len() > 31 {
        n.deliberate(format!(
            "the IP token has {} characters {MARKER}overwrite the third number with its end)",
            t_ip.len()
        ));
    }
    if name.len() > MAX_UPGRADE_NAME {
        n.deliberate(format!(
            "the file name has {} characters, stored as written {MARKER}overwrite the record's last numbers with its end)",
            name.len()
        ));
    }
    let mut out = Vec::with_capacity(20 + name.len());
    out.push(upgrade_number(t_n, "the 1st value", 8, n) as u8);
    out.extend_from_slice(&upgrade_number(t_a, "the 2nd value", 32, n).to_be_bytes());
    out.extend_from_slice(&(upgrade_number(t_b, "the 3rd value", 16, n) as u16).to_be_bytes());
    out.extend_from_slice(&(upgrade_number(t_c, "the 4th value", 16, n) as u16).to_be_bytes());
    let port = upgrade_number(t_port, "the port", 16, n) as u16;
    let f = upgrade_number(t_f, "the 7th value", 32, n);
    out.extend_from_slice(&upgrade_ip_bytes(t_ip, n)?);
    out.extend_from_slice(&port.to_be_bytes());
    out.extend_from_slice(&f.to_be_bytes());
    out.extend_from_slice(name);
    out.push(0);
    Ok(out)
}

/// `upgradelogo`/`upgradexml`: `a,ip,name`; more tokens are ignored.
pub fn encode_logo(text: &[u8], notes: &mut Vec<Note>) -> Result<Vec<u8>, DiagKind> {
    let n = &mut Notes {
        out: notes,
        reveal: Reveal::Given(true),
    };
    let toks: Vec<&[u8]> = tokens(text).collect();
    let [t_a, t_ip, name] = toks.get(..3).unwrap_or_default() else {
        // Recorded: a first token of 32+ characters crashed cfgfmt 2.3.
        if let Some(long) = toks.first().filter(|t| t.len() > MAX_TOKEN) {
            n.deliberate(format!(
                "the first value has {} characters {MARKER}crash: its token buffer holds 31)",
                long.len()
            ));
        }
        return Err(DiagKind::BadUpgradeLogoArgument);
    };
    if toks.len() > 3 {
        n.surprise(format!(
            "{} values; those after the 3rd ignored",
            toks.len()
        ));
    }
    let a = upgrade_number(t_a, "the 1st value", 32, n);
    let mut out = Vec::with_capacity(9 + name.len());
    out.extend_from_slice(&a.to_be_bytes());
    let ip = upgrade_ip_bytes(t_ip, n);
    if name.len() >= LOGO_NAME_REACHES_IP {
        // Recorded: from 44 characters the name ran over the address token before the
        // original read it (`error: bad tftp ip addr: ` and the name's end, no record).
        n.deliberate(format!(
            "the file name has {} characters; the address is the one written {MARKER}read the end of the name as the address)",
            name.len()
        ));
    } else if name.len() > MAX_LOGO_NAME && ip.is_ok() {
        n.deliberate(format!(
            "the file name has {} characters, stored as written {MARKER}overwrite the record's tag and fields with its end)",
            name.len()
        ));
    }
    out.extend_from_slice(&ip?);
    out.extend_from_slice(name);
    out.push(0);
    Ok(out)
}

/// `EncryptKeyEx:key[/mac]`: the wrapped 0x1105 value, and how many characters of the key
/// are not hex digits (the original warned once for each).
pub fn encode_encrypt_key_ex(text: &[u8]) -> (Vec<u8>, usize) {
    let (key, mac) = split_key_mac(text);
    let mut inner = [0u8; crypto::ENCRYPT_KEY_EX_INNER];
    crypto::hex_into(mac, &mut inner[..6]);
    crypto::hex_into(key, &mut inner[6..]);
    let not_hex = key.iter().filter(|b| !b.is_ascii_hexdigit()).count();
    (crypto::wrap_1105(&inner), not_hex)
}

/// The key and MAC parts of an `EncryptKeyEx` value: its first two tokens, separated by
/// runs of `/`, space and TAB.
pub fn split_key_mac(text: &[u8]) -> (&[u8], &[u8]) {
    let mut parts = text
        .split(|&b| matches!(b, b'/' | b' ' | b'\t'))
        .filter(|t| !t.is_empty());
    let key = parts.next().unwrap_or_default();
    let mac = parts.next().unwrap_or_default();
    (key, mac)
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
    //! Expected bytes marked "recorded" were produced by Cisco's cfgfmt 2.3 (the stored
    //! record value, leftover bytes of the original's buffer being zero in those runs).
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

    /// What became of a value, for the assertions.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Encoded {
        Value(Vec<u8>),
        /// An obsolete `*Freq` tone with too few parts: the original printed
        /// `error: invalid tone specification` and stored whatever its buffer held; we
        /// store zeros.
        InvalidTone(Vec<u8>),
    }

    /// Encodes as the compiler does, with `reveal` given rather than read from the name.
    fn encode(
        desc: &Descriptor,
        text: &[u8],
        reveal: bool,
        notes: &mut Vec<Note>,
    ) -> Result<Encoded, Unhandled> {
        let mut value = Vec::new();
        let n = &mut Notes {
            out: notes,
            reveal: Reveal::Given(reveal),
        };
        Ok(match encode_with(desc, text, n, &mut value)? {
            Appended::Value => Encoded::Value(value),
            Appended::InvalidTone => Encoded::InvalidTone(value),
        })
    }

    fn enc(fmt: u16, size: u16, text: &str) -> Result<Encoded, Unhandled> {
        encode(&d(fmt, size), text.as_bytes(), true, &mut Vec::new())
    }

    fn val(fmt: u16, size: u16, text: &str) -> String {
        match enc(fmt, size, text) {
            Ok(Encoded::Value(v)) => hex::encode(v),
            other => panic!("{text}: {other:?}"),
        }
    }

    fn notes(fmt: u16, size: u16, text: &str) -> Vec<Note> {
        let mut n = Vec::new();
        let _ = encode(&d(fmt, size), text.as_bytes(), true, &mut n);
        n
    }

    /// Which kinds of notes a value gets: `S` surprise, `D` deliberate.
    fn kinds(fmt: u16, size: u16, text: &str) -> String {
        notes(fmt, size, text)
            .iter()
            .map(|n| match n {
                Note::Surprise(_) => 'S',
                Note::Deliberate(t) => {
                    assert!(t.contains(MARKER), "{t}");
                    'D'
                }
            })
            .collect()
    }

    #[test]
    fn selection_orders() {
        assert_eq!(Codec::for_encoding(0x0150), Codec::ObsoleteTone);
        assert_eq!(Codec::for_decoding(0x0150), Codec::Shorts);
        assert_eq!(Codec::for_encoding(0x0404), Codec::Hex);
        assert_eq!(Codec::for_decoding(0x0404), Codec::Int { unsigned: false });
        assert_eq!(Codec::for_encoding(0x020C), Codec::Int { unsigned: true });
        assert_eq!(Codec::for_encoding(0x0008), Codec::String);
        assert_eq!(Codec::for_encoding(0x0001), Codec::Dotted6);
        // The decoder prints six dotted bytes for bit 0x01, after the int bits and before hex.
        assert_eq!(Codec::for_decoding(0x0001), Codec::Dotted6);
        assert_eq!(Codec::for_decoding(0x0005), Codec::Int { unsigned: false });
        assert_eq!(Codec::for_decoding(0x0401), Codec::Dotted6);
        assert_eq!(Codec::for_encoding(0x4000), Codec::Raw);
        assert_eq!(Codec::for_encoding(0x0200), Codec::Raw);
        // Recorded: "internal error: unhandled attribute: tag:12 fmt:0x200)", exit 1.
        assert_eq!(enc(0x200, 4, "1"), Err(Unhandled));
    }

    #[test]
    fn bools() {
        // Recorded: `0`, `false` in any case are 0; everything else, `0 ` too, is 1.
        for t in ["0", "false", "False", "FALSE"] {
            assert_eq!(val(0x28, 1, t), "00", "{t}");
            assert_eq!(kinds(0x28, 1, t), "", "{t}");
        }
        for t in ["1", "true", "no", "0 ", "false ", "00", "2"] {
            assert_eq!(val(0x28, 1, t), "01", "{t}");
        }
        assert_eq!(kinds(0x28, 1, "true"), "");
        assert_eq!(kinds(0x28, 1, "no"), "S");
    }

    #[test]
    fn ipv4_as_recorded() {
        assert_eq!(val(0x06, 4, "192.0.2.170"), "c00002aa");
        assert_eq!(kinds(0x06, 4, "192.0.2.170"), "");
        assert_eq!(val(0x06, 4, "0"), "00000000");
        // Recorded: fields mod 256, decimal, a foreign character ends a field.
        assert_eq!(val(0x06, 4, "256.1.1.1"), "00010101");
        assert_eq!(val(0x06, 4, "010.1.1.1"), "0a010101");
        assert_eq!(val(0x06, 4, "1x2.3.4.5"), "01020304");
        assert_eq!(val(0x06, 4, "1.2.3.4.5.6"), "01020304");
        assert_eq!(val(0x06, 4, "1.2.3.45 "), "0102032d");
        for t in ["256.1.1.1", "010.1.1.1", "1x2.3.4.5", "1.2.3.45 "] {
            assert_eq!(kinds(0x06, 4, t), "S", "{t}");
        }
        // Recorded with a string `abcdefgh` stored before: the unread bytes were
        // `bcd`, `d` of it. We store zeros and say so.
        assert_eq!(val(0x06, 4, "1.2.3"), "01020300");
        assert_eq!(val(0x06, 4, "1.2.3.105 "), "01020300");
        assert_eq!(val(0x06, 4, "1234.1.1.1"), "00000000");
        assert_eq!(val(0x06, 4, "1..2.3"), "01000000");
        assert_eq!(val(0x06, 4, "0 "), "00000000");
        assert_eq!(val(0x06, 4, "\t1.2.3.4"), "00000000");
        assert_eq!(val(0x06, 4, "NTP_SERVER_IP_HERE"), "00000000");
        for t in [
            "1.2.3",
            "1.2.3.105 ",
            "1234.1.1.1",
            "1..2.3",
            "0 ",
            "\t1.2.3.4",
            "x",
        ] {
            assert_eq!(kinds(0x06, 4, t), "D", "{t}");
        }
    }

    #[test]
    fn secrets_are_not_quoted() {
        let mut n = Vec::new();
        let _ = encode(&d(0x4006, 4), b"hunter2", false, &mut n);
        assert_eq!(n.len(), 1);
        let Note::Deliberate(text) = &n[0] else {
            panic!()
        };
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn ints_as_recorded() {
        assert_eq!(val(0x0C, 4, "5060"), "000013c4");
        assert_eq!(val(0x0C, 4, "-5"), "fffffffb");
        assert_eq!(val(0x0C, 4, "0x1f"), "0000001f");
        assert_eq!(val(0x0C, 4, "010"), "00000008");
        assert_eq!(val(0x0C, 4, "12abc"), "0000000c");
        assert_eq!(val(0x0C, 4, "abc"), "00000000");
        assert_eq!(val(0x0C, 4, "0x"), "00000000");
        assert_eq!(val(0x0C, 4, "\t5"), "00000005");
        assert_eq!(val(0x0C, 4, "+7"), "00000007");
        assert_eq!(val(0x0C, 4, "99999999999"), "7fffffff");
        assert_eq!(val(0x0C, 4, "-99999999999"), "80000000");
        assert_eq!(val(0x20C, 4, "-1"), "ffffffff");
        assert_eq!(val(0x20C, 4, "99999999999"), "ffffffff");
        assert_eq!(val(0x20C, 4, "-99999999999"), "ffffffff");
        assert_eq!(val(0x20C, 4, "0x00140014"), "00140014");
        for t in ["5060", "-5", "0x1f", "5060 ", "0"] {
            assert_eq!(kinds(0x0C, 4, t), "", "{t}");
        }
        for t in ["010", "12abc", "abc", "99999999999"] {
            assert_eq!(kinds(0x0C, 4, t), "S", "{t}");
        }
    }

    #[test]
    fn hex_stores_six_bytes() {
        // Recorded: 6 bytes whatever the size.
        assert_eq!(val(0x400, 8, "0102030405060708"), "010203040506");
        assert_eq!(kinds(0x400, 8, "0102030405060708"), "S");
        assert_eq!(val(0x400, 6, "0102"), "010200000000");
        assert_eq!(kinds(0x400, 6, "0102"), "");
        // Recorded `01020304 0000` (and `01000000 6566` after `abcdefgh`): the bytes
        // past the size came from the buffer.
        assert_eq!(val(0x400, 4, "01020304"), "010203040000");
        assert_eq!(kinds(0x400, 4, "01020304"), "D");
        assert_eq!(val(0x400, 6, "a1b"), "a1b000000000");
        assert_eq!(val(0x400, 6, "zz11ff"), "0011ff000000");
    }

    #[test]
    fn dotted6_and_ext_ip() {
        // Recorded.
        assert_eq!(val(0x01, 6, "1.2.3.4.5.6"), "010203040506");
        assert_eq!(val(0x80, 8, "1.2.3.4.70000"), "010203041170");
        assert_eq!(val(0x80, 8, "1.2.3.4.65536"), "010203040000");
        assert_eq!(val(0x80, 6, "1.2.3.4.99999"), "01020304869f");
        assert_eq!(val(0x80, 6, "1.2.3.4.5x"), "010203040005");
        assert_eq!(val(0x80, 6, "192.168.2.170.9001"), "c0a802aa2329");
        assert_eq!(val(0x80, 4, "0"), "000000000000");
        assert_eq!(kinds(0x80, 6, "192.168.2.170.9001"), "");
        assert_eq!(kinds(0x80, 6, "1.2.3.4.70000"), "S");
        // Recorded after `abcdefgh`: `01020304 6566` (the port from the buffer).
        assert_eq!(val(0x80, 6, "1.2.3.4"), "010203040000");
        assert_eq!(val(0x80, 6, "1.2.3.4.123456"), "010203040000");
        assert_eq!(val(0x80, 6, "1.2.3.4.-5"), "010203040000");
        assert_eq!(kinds(0x80, 6, "1.2.3.4"), "D");
        // Four dots then a non-digit: the port's low byte was never written.
        assert_eq!(val(0x80, 6, "1.2.3.4x5.6"), "010203040500");
        assert_eq!(kinds(0x80, 6, "1.2.3.4x5.6"), "D");
    }

    #[test]
    fn short_arrays_as_recorded() {
        assert_eq!(
            val(0x50, 22, "2,31538,30831,1380,1740,1,0,0,1000"),
            "00027b32786f056406cc00010000000003e800000000"
        );
        assert_eq!(kinds(0x50, 22, "2,31538,30831,1380,1740,1,0,0,1000"), "D");
        assert_eq!(val(0x50, 8, "1,x,3,4,5"), "0001000000030004");
        assert_eq!(kinds(0x50, 8, "1,x,3,4,5"), "SS");
        assert_eq!(val(0x50, 8, "-1,0x10,010,99999999999"), "ffff00100008ffff");
        assert_eq!(val(0x50, 8, "1\t2,3"), "0001000300000000");
        assert_eq!(val(0x50, 8, " 1 , 2 ,,3"), "0001000200030000");
        assert_eq!(val(0x50, 8, ","), "0000000000000000");
        assert_eq!(kinds(0x50, 8, ","), "D");
        assert_eq!(val(0x50, 6, "1,2,3"), "000100020003");
        assert_eq!(kinds(0x50, 6, "1,2,3"), "");
        assert_eq!(val(0x50, 5, "1,2,3"), "0001000200");
        assert_eq!(kinds(0x50, 5, "1,2,3"), "SD");
        // Recorded: a 32-character element crashed cfgfmt 2.3 (31 did not).
        assert_eq!(val(0x50, 4, &format!("{},2", "1".repeat(31))), "ffff0002");
        assert_eq!(kinds(0x50, 4, &format!("{},2", "1".repeat(32))), "D");
    }

    #[test]
    fn obsolete_tone_as_recorded() {
        // Layout: count, freq0, freq1, gain0, gain1, four words → count, cos0, cos1,
        // sin0, sin1, four words; truncation toward zero, clamps to 16 bits.
        let cases = [
            (
                "2,350,-10,440,-10,1,0,0,1000",
                "00027b317fff22be000000010000000003e8",
            ),
            (
                "2,350,440,-10,-10,1,0,0,1000",
                "00027b31786e0379045500010000000003e8",
            ),
            (
                "5,350,440,-10,-10,1,0,0,1000",
                "00027b31786e0379045500010000000003e8",
            ),
            (
                "2,nan,nan,-10,-10,1,0,0,1000",
                "0002800080008000800000010000000003e8",
            ),
            (
                "2,1000,2000,-70,nan,1,0,0,1000",
                "00025a8200000007800000010000000003e8",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(val(0x150, 18, text), want, "{text}");
        }
        assert_eq!(kinds(0x150, 18, "2,350,440,-10,-10,1,0,0,1000"), "");
        // Recorded count 1: `00017b31 ffe8 0379 f7f5 …`, the unused segment's words
        // being stack bytes; we store zeros there.
        assert_eq!(
            val(0x150, 18, "1,350,440,-10,-10,1,0,0,1000"),
            "00017b3100000379000000010000000003e8"
        );
        assert_eq!(kinds(0x150, 18, "1,350,440,-10,-10,1,0,0,1000"), "D");
        // Too few parts: the error, and zeros (recorded zeros: nothing before it).
        assert_eq!(
            enc(0x150, 18, "2,350,440,-10"),
            Ok(Encoded::InvalidTone(vec![0; 18]))
        );
        assert_eq!(kinds(0x150, 18, "2,350,440,-10"), "D");
    }

    #[test]
    fn strings_are_stored_whole() {
        assert_eq!(val(0x10, 32, "10.0.0.2"), hex::encode("10.0.0.2"));
        assert_eq!(val(0x10, 32, "\tabc"), hex::encode("\tabc"));
        assert_eq!(kinds(0x10, 32, "\tabc"), "S");
        assert_eq!(
            val(0x10, 4, "longer than four"),
            hex::encode("longer than four")
        );
        assert_eq!(kinds(0x10, 4, "longer than four"), "S");
        assert_eq!(val(0x08, 10, "12ab"), hex::encode("12ab"));
    }

    #[test]
    fn upgradecode_as_recorded() {
        let v = encode_upgrade(
            b"3,0x301,0x0400,0x0200,192.0.2.170,69,0x020514a,ata18x-v2-15-020927a.zup",
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!(
            hex::encode(&v),
            "030000030104000200c00002aa00450020514a6174613138782d76322d31352d303230393237612e7a757000"
        );
        // Recorded: non-numbers are 0, a 9th token is ignored.
        let mut n = Vec::new();
        let v = encode_upgrade(b"a,b,c,d,1.2.3.4,e,f,n,x", &mut n).unwrap();
        assert_eq!(hex::encode(v), "000000000000000000010203040000000000006e00");
        assert!(n.iter().all(|n| matches!(n, Note::Surprise(_))));
        assert_eq!(
            encode_upgrade(b"3,0x301,0x0400,0x0200,192.0.2.170,69,0x1", &mut Vec::new()),
            Err(DiagKind::BadUpgradeArgument)
        );
        assert_eq!(
            encode_upgrade(b"", &mut Vec::new()),
            Err(DiagKind::BadUpgradeArgument)
        );
        assert_eq!(
            encode_upgrade(b"1,2,3,4,1.2.3,5,6,n", &mut Vec::new()),
            Err(DiagKind::BadTftpIp { ip: "1.2.3".into() })
        );
        // Recorded: names up to 35 characters are stored whole; from 36 on cfgfmt 2.3
        // overwrote the last number with the name's end (we store what is written).
        let name35 = "n".repeat(35);
        let mut n = Vec::new();
        let v = encode_upgrade(
            format!("1,2,3,4,1.2.3.4,5,0x01020304,{name35}").as_bytes(),
            &mut n,
        )
        .unwrap();
        assert!(n.is_empty());
        assert_eq!(
            hex::encode(&v[..19]),
            "01000000020003000401020304000501020304"
        );
        let mut n = Vec::new();
        let long = format!("1,2,3,4,1.2.3.4,5,0x01020304,{}", "n".repeat(36));
        let v = encode_upgrade(long.as_bytes(), &mut n).unwrap();
        assert_eq!(hex::encode(&v[15..19]), "01020304");
        assert!(matches!(&n[..], [Note::Deliberate(_)]));
    }

    #[test]
    fn upgradelogo_as_recorded() {
        let v = encode_logo(b"0x1234,192.0.2.1,logo.bin", &mut Vec::new()).unwrap();
        assert_eq!(hex::encode(&v), "00001234c00002016c6f676f2e62696e00");
        // Recorded.
        let v = encode_logo(b"1,1.2.3.4.5,n", &mut Vec::new()).unwrap();
        assert_eq!(hex::encode(v), "00000001010203046e00");
        let v = encode_logo(b"1,0,n,extra", &mut Vec::new()).unwrap();
        assert_eq!(hex::encode(v), "00000001000000006e00");
        assert_eq!(
            encode_logo(b"1,1.2.3.4", &mut Vec::new()),
            Err(DiagKind::BadUpgradeLogoArgument)
        );
        assert_eq!(
            encode_logo(b"1,1.2.3,n", &mut Vec::new()),
            Err(DiagKind::BadTftpIp { ip: "1.2.3".into() })
        );
        // Recorded: 31 characters are fine; at 32 cfgfmt 2.3 overwrote the tag.
        let mut n = Vec::new();
        encode_logo(format!("1,1.2.3.4,{}", "n".repeat(31)).as_bytes(), &mut n).unwrap();
        assert!(n.is_empty());
        encode_logo(format!("1,1.2.3.4,{}", "n".repeat(32)).as_bytes(), &mut n).unwrap();
        assert!(matches!(&n[..], [Note::Deliberate(_)]));
        // Recorded: from 44 characters cfgfmt 2.3 read the name's end as the address
        // (`1.2.3` then prints as `error: bad tftp ip addr: STUV` for 48 letters A…V).
        for ip in ["1.2.3", "1.2.3.4"] {
            let mut n = Vec::new();
            let name: String = (0..48u8).map(|i| char::from(b'A' + i % 26)).collect();
            let _ = encode_logo(format!("1,{ip},{name}").as_bytes(), &mut n);
            assert!(
                matches!(&n[..], [Note::Deliberate(t)] if t.contains("read the end of the name as the address")),
                "{n:?}"
            );
        }
        // Recorded: a lone first token of 32+ characters crashed it; 31 did not.
        let mut n = Vec::new();
        let _ = encode_logo("9".repeat(40).as_bytes(), &mut n);
        assert!(
            matches!(&n[..], [Note::Deliberate(t)] if t.contains("crash")),
            "{n:?}"
        );
        let mut n = Vec::new();
        let _ = encode_logo("9".repeat(31).as_bytes(), &mut n);
        assert!(n.is_empty());
        // Recorded: so did any upgradecode token of 32+ characters, with too few tokens.
        let mut n = Vec::new();
        let seven = format!("1,2,3,4,1.2.3.4,5,{}", "6".repeat(32));
        assert_eq!(
            encode_upgrade(seven.as_bytes(), &mut n),
            Err(DiagKind::BadUpgradeArgument)
        );
        assert!(
            matches!(&n[..], [Note::Deliberate(t)] if t.contains("crash")),
            "{n:?}"
        );
    }

    #[test]
    fn encrypt_key_ex() {
        let (v, not_hex) = encode_encrypt_key_ex(b"0011223344556677/020000000001");
        assert_eq!(not_hex, 0);
        assert_eq!(v.len(), 44);
        assert_eq!(
            decode_encrypt_key_ex(&v).map(|t| String::from_utf8(t).unwrap()),
            Some(format!(
                "EncryptKeyEx:0011223344556677{}/020000000001",
                "0".repeat(48)
            ))
        );
        assert_eq!(encode_encrypt_key_ex(b"xyz").1, 3);
        assert_eq!(encode_encrypt_key_ex(b"").1, 0);
        assert_eq!(
            encode_encrypt_key_ex(b"00 11").0,
            encode_encrypt_key_ex(b"00/11").0
        );
        // Recorded: `/aabb` is the key aabb (runs of separators are skipped).
        assert_eq!(split_key_mac(b"/aabb"), (&b"aabb"[..], &b""[..]));
    }

    #[test]
    fn quoting() {
        assert_eq!(quote(b"a\tb'\x01"), "'a\\tb\\'\\x01'");
    }
}
