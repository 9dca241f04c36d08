//! The decoder: `#ata` bytes → the original's text form.
//!
//! The record walk, the text of every value and pseudo record, the stderr lines and where the
//! walk gives up follow Cisco's `cfgfmt` 2.3 (recorded facts in the tests below and in
//! `formats/cfgfmt.md`). The original read each value with a fixed width whatever the record's
//! length said, so a short record shows bytes of the records after it: we print the same,
//! with a warning. Where it read past the end of the file (bytes of its memory), overran its
//! line buffer, or gave up with `corrupted profile` after writing part of the text, we print
//! its lines, then an error saying what it would have done, and write nothing.

use super::layout::{self, MAGIC, RawRecord};
use crate::codec;
use crate::crypto::{StrongKey, WeakKey};
use crate::diag::{DiagKind, Diagnostic, Error, Result};
use crate::table::{Descriptor, Protocols, TagTable, fmt_bits as F};

/// Largest binary the modern tools (inspect, doctor) read.
pub const MAX_BINARY_BYTES: usize = 1 << 20;
/// The original refused inputs shorter than this (`error: bad input size N`).
pub const MIN_INPUT: usize = 5;
/// … and longer than this, text or binary alike.
pub const MAX_INPUT: usize = 120_000;
/// Strong files: the 8 mask bytes and at least one more (`error: input too small`).
pub const MIN_STRONG_INPUT: usize = 9;
/// The original built each value's text in a buffer of this many bytes, NUL included.
pub const LINE_BUFFER: usize = 512;
/// Characters the original's decoder copied of an upgrade record's name and of `tftpurl2`.
const UPGRADE_NAME_CHARS: usize = 31;
/// … and of an `upgradelogo`/`upgradexml` name.
const LOGO_NAME_CHARS: usize = 127;
/// Format bit the original's decoder knew and the tables never use: six dotted bytes.
const SIX_BYTES: u16 = 0x0001;

#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// The protocols whose table lines name the records (`-h323 -sip -mgcp -sccp`).
    pub protocols: Protocols,
    /// `-v`: print the header as `#sum_len:checksum,length`.
    pub verbose: bool,
    /// `-e`: the weak key.
    pub weak_key: Option<WeakKey>,
    /// `-x`: the strong key (wins over the weak one).
    pub strong_key: Option<StrongKey>,
    /// Print text that compiles back to the same bytes: upgrade IPs in stored order (the
    /// original printed them reversed), over-long values whole (it cut them) and the
    /// `EncryptKeyEx` key (it printed `#EncryptKeyEx:<secret>`).
    pub reencodable: bool,
    /// The input's name as typed, for messages.
    pub input_name: String,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            protocols: Protocols::ALL,
            verbose: false,
            weak_key: None,
            strong_key: None,
            reencodable: false,
            input_name: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: Vec<u8>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What sits before the records once any encryption is removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framing {
    /// `#ata` magic then records (plain, or weak-encrypted on disk).
    Magic,
    /// Strong files: records only, no magic.
    Bare,
}

/// The input as the original held it after decryption: the whole file (a strong file keeps
/// its 8 mask bytes at the end), and where the records lie in it.
#[derive(Debug, Clone)]
struct Buffer {
    bytes: Vec<u8>,
    start: usize,
    end: usize,
    framing: Framing,
}

/// Removes encryption: the original's in-memory buffer and the record range.
fn unwrap_buffer(input: &[u8], opts: &DecodeOptions) -> Result<Buffer> {
    if input.len() < MIN_INPUT || input.len() > MAX_INPUT {
        return Err(Error::BadInputSize(input.len()));
    }
    let mut bytes = input.to_vec();
    if let Some(key) = &opts.strong_key {
        if bytes.len() < MIN_STRONG_INPUT {
            return Err(Error::InputTooSmall);
        }
        key.rc4().apply(&mut bytes);
        let end = bytes.len() - 8;
        let mut mask = [0u8; 8];
        mask.copy_from_slice(bytes.get(end..).unwrap_or_default());
        if let Some(body) = bytes.get_mut(..end) {
            for (b, m) in body.iter_mut().zip(mask.iter().cycle()) {
                *b ^= m;
            }
        }
        return Ok(Buffer {
            bytes,
            start: 0,
            end,
            framing: Framing::Bare,
        });
    }
    if let Some(key) = &opts.weak_key {
        key.rc4().apply(&mut bytes);
    }
    if !bytes.starts_with(MAGIC) {
        return Err(Error::UnknownOrEncrypted);
    }
    let end = bytes.len();
    Ok(Buffer {
        bytes,
        start: MAGIC.len(),
        end,
        framing: Framing::Magic,
    })
}

/// Removes encryption and the magic: the record stream, and the framing it had.
pub fn unwrap_input(
    input: &[u8],
    weak_key: Option<&WeakKey>,
    strong_key: Option<&StrongKey>,
) -> Result<(Vec<u8>, Framing)> {
    let opts = DecodeOptions {
        weak_key: weak_key.cloned(),
        strong_key: strong_key.cloned(),
        ..DecodeOptions::default()
    };
    let buf = unwrap_buffer(input, &opts)?;
    let records = buf
        .bytes
        .get(buf.start..buf.end)
        .unwrap_or_default()
        .to_vec();
    Ok((records, buf.framing))
}

/// A read the original made past the end of its copy of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PastEnd;

/// The original's copy of the file, read the way it read it.
#[derive(Clone, Copy)]
struct Mem<'a>(&'a [u8]);

impl<'a> Mem<'a> {
    /// `n` bytes at `at`, whatever the record's length.
    fn fixed(self, at: usize, n: usize) -> std::result::Result<&'a [u8], PastEnd> {
        self.0.get(at..at + n).ok_or(PastEnd)
    }

    /// A C string at `at` copied with at most `max` characters: its bytes, and how many
    /// bytes the copy read (the NUL included when it was reached).
    fn c_str(self, at: usize, max: usize) -> std::result::Result<(&'a [u8], usize), PastEnd> {
        let rest = self.0.get(at..).unwrap_or_default();
        let window = rest.get(..max.min(rest.len())).unwrap_or_default();
        match window.iter().position(|&b| b == 0) {
            Some(n) => Ok((window.get(..n).unwrap_or_default(), n + 1)),
            None if window.len() == max => Ok((window, max)),
            None => Err(PastEnd),
        }
    }
}

/// One record's text and how many bytes from its value's start the original read for it.
struct Shown {
    text: Vec<u8>,
    reach: usize,
}

impl Shown {
    fn new(text: impl Into<Vec<u8>>, reach: usize) -> Self {
        Shown {
            text: text.into(),
            reach,
        }
    }
}

fn dotted(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

fn be(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

/// A table tag's value as the original printed it. `n` is the length after the cut to the
/// table's size.
fn descriptor_value(
    desc: &Descriptor,
    mem: Mem<'_>,
    at: usize,
    n: usize,
) -> std::result::Result<(Shown, bool), PastEnd> {
    let f = desc.fmt;
    let shown = if f & F::BOOL != 0 {
        let b = mem.fixed(at, 1)?.first().copied().unwrap_or(0);
        Shown::new(if b == b'0' || b == 0 { "0" } else { "1" }, 1)
    } else if f & F::IPV4 != 0 {
        Shown::new(dotted(mem.fixed(at, 4)?), 4)
    } else if f & F::EXT_IP != 0 {
        let v = mem.fixed(at, 6)?;
        let (ip, port) = v.split_at(4);
        Shown::new(format!("{}.{}", dotted(ip), be(port)), 6)
    } else if f & F::INT != 0 {
        let v = be(mem.fixed(at, 4)?);
        let text = if f & F::UNSIGNED != 0 {
            format!("0x{v:08x}")
        } else {
            (v as i32).to_string()
        };
        Shown::new(text, 4)
    } else if f & SIX_BYTES != 0 {
        Shown::new(dotted(mem.fixed(at, 6)?), 6)
    } else if f & F::HEX != 0 {
        // The original swapped the arguments of its hex printer: it printed the previous
        // line's text and wrote hex digits over the records that follow. We print the value.
        return Ok((Shown::new(hex::encode(mem.fixed(at, n)?), n), true));
    } else if f & F::SHORTS != 0 {
        let words: Vec<String> = mem
            .fixed(at, n & !1)?
            .chunks_exact(2)
            .map(|w| be(w).to_string())
            .collect();
        Shown::new(words.join(","), n)
    } else if f & (F::DIGITS | F::STRING) != 0 {
        let v = mem.fixed(at, n)?;
        let text = v.split(|&b| b == 0).next().unwrap_or_default();
        Shown::new(text, (text.len() + 1).min(n))
    } else {
        Shown::new("uimp", 0)
    };
    Ok((shown, false))
}

/// The IP of upgrade records as the original printed it: byte-reversed (it printed a
/// big-endian word from little-endian memory). `stored` keeps the stored order.
fn upgrade_ip(bytes: &[u8], stored: bool) -> String {
    if stored {
        dotted(bytes)
    } else {
        let mut v = bytes.to_vec();
        v.reverse();
        dotted(&v)
    }
}

/// A pseudo record's text field as the original copied it (at most `max` characters, up to
/// a NUL, wherever that is); with `--reencodable`, the record's own bytes up to a NUL.
fn text_at<'a>(
    mem: Mem<'a>,
    at: usize,
    end: usize,
    max: usize,
    opts: &DecodeOptions,
) -> std::result::Result<(&'a [u8], usize), PastEnd> {
    if opts.reencodable {
        let v = mem.0.get(at..end).unwrap_or_default();
        let text = v.split(|&b| b == 0).next().unwrap_or_default();
        return Ok((text, 0));
    }
    mem.c_str(at, max)
}

/// Tags the table does not know: the header and the compiler's pseudo records.
fn pseudo(
    tag: u16,
    mem: Mem<'_>,
    at: usize,
    len: usize,
    opts: &DecodeOptions,
) -> std::result::Result<Shown, PastEnd> {
    let bad_len = || Shown::new(format!("#bad len: tag 0x{tag:x}, len 0x{len:x}"), 0);
    Ok(match tag {
        layout::TAG_HEADER => {
            let v = mem.fixed(at, 4)?;
            let (sum, size) = v.split_at(2);
            let text = if opts.verbose {
                format!("#sum_len:{},{}", be(sum), be(size))
            } else {
                String::new()
            };
            Shown::new(text, 4)
        }
        layout::TAG_UPGRADECODE | layout::TAG_UPGRADELANG => {
            if len < 20 {
                return Ok(bad_len());
            }
            let v = mem.fixed(at, 19)?;
            let field = |from: usize, to: usize| be(v.get(from..to).unwrap_or_default());
            let (name, used) = text_at(mem, at + 19, at + len, UPGRADE_NAME_CHARS, opts)?;
            let keyword = if tag == layout::TAG_UPGRADECODE {
                "upgradecode"
            } else {
                "upgradelang"
            };
            let mut text = format!(
                "{keyword}:{},0x{:08x},0x{:04x},0x{:04x},{},0x{:04x},0x{:08x},",
                field(0, 1),
                field(1, 5),
                field(5, 7),
                field(7, 9),
                upgrade_ip(v.get(9..13).unwrap_or_default(), opts.reencodable),
                field(13, 15),
                field(15, 19),
            )
            .into_bytes();
            text.extend_from_slice(name);
            Shown::new(text, 19 + used)
        }
        layout::TAG_UPGRADELOGO | layout::TAG_UPGRADEXML => {
            if len < 9 {
                return Ok(bad_len());
            }
            let v = mem.fixed(at, 8)?;
            let (a, ip) = v.split_at(4);
            let (name, used) = text_at(mem, at + 8, at + len, LOGO_NAME_CHARS, opts)?;
            let which = if tag == layout::TAG_UPGRADELOGO {
                "logo"
            } else {
                "xml"
            };
            let mut text = format!(
                "upgrade{which}:0x{:08x},{},",
                be(a),
                upgrade_ip(ip, opts.reencodable)
            )
            .into_bytes();
            text.extend_from_slice(name);
            Shown::new(text, 8 + used)
        }
        layout::TAG_TFTPURL2 => {
            let (url, used) = text_at(mem, at, at + len, UPGRADE_NAME_CHARS, opts)?;
            Shown::new([b"tftpurl2:", url].concat(), used)
        }
        layout::TAG_ENCRYPT_KEY_EX => {
            let value = mem.fixed(at, len)?;
            match codec::decode_encrypt_key_ex(value).filter(|_| opts.reencodable) {
                Some(line) => Shown::new(line, len),
                // The original's text, whose own newline makes a blank line follow.
                None => Shown::new("#EncryptKeyEx:<secret>\n", 0),
            }
        }
        layout::TAG_EXTENDED => {
            let (name, used) = mem.c_str(at, usize::MAX)?;
            Shown::new([b"#extended:", name].concat(), used)
        }
        _ => Shown::new(format!("#unknownTag: 0x{tag:x}"), 0),
    })
}

/// The text line for one record on its own (no bytes around it: a value shorter than its
/// format reads is padded with zeros), and any warning it raises. For `inspect`.
pub fn record_line(
    record: &RawRecord<'_>,
    table: &TagTable,
    opts: &DecodeOptions,
) -> (Vec<u8>, Option<DiagKind>) {
    let mut mem = record.value.to_vec();
    mem.resize(record.value.len() + 64, 0);
    let mem = Mem(&mem);
    let len = record.value.len();
    if let Some(desc) = table.by_tag(record.tag, opts.protocols) {
        let size = usize::from(desc.size);
        let (n, warning) = if len > size {
            let w = DiagKind::InputLenOverKnown { len, known: size };
            (if opts.reencodable { len } else { size }, Some(w))
        } else {
            (len, None)
        };
        let text = descriptor_value(desc, mem, 0, n)
            .map(|(s, _)| s.text)
            .unwrap_or_default();
        return ([&*desc.raw_name(), b":", &text].concat(), warning);
    }
    if record.tag == layout::TAG_ENCRYPT_KEY_EX {
        let line = codec::decode_encrypt_key_ex(record.value).unwrap_or_else(|| {
            format!("#EncryptKeyEx: cannot unwrap ({len} bytes; prefix or checksum wrong)")
                .into_bytes()
        });
        return (line, None);
    }
    let text = pseudo(record.tag, mem, 0, len, opts)
        .map(|s| s.text)
        .unwrap_or_default();
    (text, None)
}

/// Why the walk stopped where the original printed `corrupted profile`.
fn corrupted(opts: &DecodeOptions, offset: usize, what: &'static str) -> Error {
    Error::Corrupted {
        file: opts.input_name.clone(),
        offset,
        what,
    }
}

fn named(opts: &DecodeOptions) -> String {
    if opts.input_name.is_empty() {
        String::new()
    } else {
        format!("{}: ", opts.input_name)
    }
}

/// Decodes a binary profile to the original's text form. The diagnostics come in the order
/// the original printed its lines; on failure they still hold what it printed before.
pub fn decode_with_diagnostics(
    input: &[u8],
    table: &TagTable,
    opts: &DecodeOptions,
) -> (Vec<Diagnostic>, Result<Vec<u8>>) {
    let mut diags = Vec::new();
    let result = walk(input, table, opts, &mut diags);
    (diags, result)
}

fn warn(diags: &mut Vec<Diagnostic>, text: String) {
    diags.push(Diagnostic::new(DiagKind::Note(text), None));
}

/// Where a decoded record stood, for its line and our messages.
#[derive(Clone, Copy)]
struct Record<'a> {
    /// The table's name as its file held the bytes; `None` for tool-made (pseudo)
    /// records, whose text is the line.
    name: Option<&'a [u8]>,
    /// The name, or `tag 0x…`, for messages.
    what: &'a str,
    len: usize,
    offset: usize,
}

/// A record the table describes: its value's text, cut to the table's size as the original
/// did (with its warning), and our note when a hex value is printed as hex.
fn described_value(
    desc: &Descriptor,
    mem: Mem<'_>,
    at: usize,
    len: usize,
    offset: usize,
    opts: &DecodeOptions,
    diags: &mut Vec<Diagnostic>,
) -> std::result::Result<Shown, PastEnd> {
    let size = usize::from(desc.size);
    let mut n = len;
    if size < len {
        diags.push(Diagnostic::new(
            DiagKind::InputLenOverKnown { len, known: size },
            None,
        ));
        if !opts.reencodable {
            n = size;
        }
    }
    descriptor_value(desc, mem, at, n).map(|(shown, hex)| {
        if hex {
            warn(
                diags,
                format!(
                    "warning: {}{} at offset 0x{offset:x}: printed the value in hex \
                     (cfgfmt 2.3 would print the previous line's value instead and \
                     garble the records after it)",
                    named(opts),
                    desc.name
                ),
            );
        }
        shown
    })
}

/// Appends a record's line, or notes why nothing can be written (the first such fault wins;
/// the walk goes on so the original's messages all print).
fn append_line(
    text: &mut Vec<u8>,
    fault: &mut Option<Error>,
    r: Record<'_>,
    shown: std::result::Result<Shown, PastEnd>,
    opts: &DecodeOptions,
    diags: &mut Vec<Diagnostic>,
) {
    let (what, len, offset) = (r.what, r.len, r.offset);
    match shown {
        Ok(shown) => {
            if shown.reach > len && fault.is_none() {
                warn(
                    diags,
                    format!(
                        "warning: {}{what} at offset 0x{offset:x} holds {len} bytes and its \
                         format reads {}: the text shows bytes of the records after it, as \
                         cfgfmt 2.3 does",
                        named(opts),
                        shown.reach
                    ),
                );
            }
            // The buffer held the value's text (a pseudo record's whole line).
            let limit = shown.text.len();
            if limit >= LINE_BUFFER && fault.is_none() {
                *fault = Some(Error::DecodeRefused(format!(
                    "{}{what} at offset 0x{offset:x} decodes to {limit} bytes of \
                     text; nothing written (cfgfmt 2.3 would overrun its {LINE_BUFFER}-byte \
                     line buffer)",
                    named(opts)
                )));
            }
            if let Some(name) = r.name {
                text.extend_from_slice(name);
                text.push(b':');
            }
            text.extend_from_slice(&shown.text);
            text.push(b'\n');
        }
        Err(PastEnd) => {
            if fault.is_none() {
                *fault = Some(Error::DecodeRefused(format!(
                    "{}{what} at offset 0x{offset:x} is shorter than its format \
                     reads and ends the file; nothing written (cfgfmt 2.3 would print \
                     bytes from its memory past the end of the file)",
                    named(opts)
                )));
            }
        }
    }
}

fn walk(
    input: &[u8],
    table: &TagTable,
    opts: &DecodeOptions,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<u8>> {
    let buf = unwrap_buffer(input, opts)?;
    let mem = Mem(&buf.bytes);
    let byte = |i: usize| buf.bytes.get(i).copied().unwrap_or(0);
    // A varint as the original read it: one byte, or two when the first has the top bit.
    let varint = |at: usize| {
        let first = byte(at);
        if first & 0x80 == 0 {
            (usize::from(first), 1)
        } else {
            (
                usize::from(first & 0x7f) << 8 | usize::from(byte(at + 1)),
                2,
            )
        }
    };
    let mut text = b"#txt\n".to_vec();
    let mut fault: Option<Error> = None;
    let mut pos = buf.start;
    let mut left = buf.end as isize - buf.start as isize;
    let mut header: Option<(usize, usize)> = None;
    while left > 0 {
        let offset = pos;
        let (tag, tag_len) = varint(pos);
        left -= tag_len as isize;
        if left <= 0 {
            return Err(corrupted(opts, offset, "the last record has no length"));
        }
        let (len, len_len) = varint(pos + tag_len);
        left -= len_len as isize;
        if left < 0 {
            return Err(corrupted(
                opts,
                offset,
                "the last record's length is cut short",
            ));
        }
        if left < len as isize {
            return Err(corrupted(
                opts,
                offset,
                "the record runs past the end of the file",
            ));
        }
        let at = pos + tag_len + len_len;
        // The original skipped tag 0 without a word.
        if tag != 0 {
            let tag = tag as u16;
            if offset == buf.start && tag == layout::TAG_HEADER && len == 4 {
                header = Some((at, at + len));
            }
            let desc = table.by_tag(tag, opts.protocols);
            let shown = match desc {
                Some(desc) => described_value(desc, mem, at, len, offset, opts, diags),
                None => pseudo(tag, mem, at, len, opts),
            };
            let raw_name = desc.map(Descriptor::raw_name);
            let what = desc.map_or_else(|| format!("tag 0x{tag:x}"), |d| d.name.clone());
            let record = Record {
                name: raw_name.as_deref(),
                what: &what,
                len,
                offset,
            };
            append_line(&mut text, &mut fault, record, shown, opts, diags);
        }
        pos = at + len;
        left -= len as isize;
    }
    if let Some(f) = fault {
        return Err(f);
    }
    if let Some((from, to)) = header {
        check_header(&buf, from, to, opts, diags);
    }
    Ok(text)
}

/// Our own warning when the header's checksum or length does not fit the records: the
/// original never checked them.
fn check_header(
    buf: &Buffer,
    from: usize,
    to: usize,
    opts: &DecodeOptions,
    diags: &mut Vec<Diagnostic>,
) {
    let (Some(h), Some(payload)) = (buf.bytes.get(from..to), buf.bytes.get(to..buf.end)) else {
        return;
    };
    let (sum, len) = h.split_at(2);
    let kind = match buf.framing {
        Framing::Magic => layout::Checksum::Simple,
        Framing::Bare => layout::Checksum::Internet,
    };
    let sum_ok = be(sum) == u32::from(kind.of(payload));
    let len_ok = be(len) as usize == payload.len();
    let wrong = match (sum_ok, len_ok) {
        (true, true) => return,
        (false, true) => "checksum does not",
        (true, false) => "length does not",
        (false, false) => "checksum and length do not",
    };
    warn(
        diags,
        format!(
            "warning: {}the header's {wrong} match the records (cfgfmt 2.3 does not check \
             them; a phone may refuse the file)",
            named(opts)
        ),
    );
}

/// Decodes a binary profile to the original's text form.
pub fn decode(input: &[u8], table: &TagTable, opts: &DecodeOptions) -> Result<Decoded> {
    let (diagnostics, text) = decode_with_diagnostics(input, table, opts);
    Ok(Decoded {
        text: text?,
        diagnostics,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table with one line per format bit, and two lines for tag 7 (SIP / MGCP).
    const TABLE: &str = "3,0x0006,StaticIP,4,0xF\n7,0x000C,RxCodec,4,0x3\n7,0x000C,PrfCodec,4,0xC\n\
        12,0x020C,AutMethod,4,0x1\n15,0x0028,Dhcp,1,0xF\n29,0x0010,GkOrProxy,4,0x3\n\
        35,0x0080,NPrintf,6,0xF\n36,0x0150,DialToneFreq,18,0xF\n36,0x0050,DialTone,22,0xF\n\
        1,0x0001,Mac,6\n6,0x0100,Tone,6\n8,0,Raw,4\n9,0x0200,Uns,4\n10,0x0208,UnsD,4\n\
        2,0x0400,Hx,4\n";

    fn run(hex_input: &str, opts: &DecodeOptions) -> (Vec<String>, Result<String>) {
        let table = TagTable::parse(TABLE.as_bytes()).0;
        let input = hex::decode(hex_input).unwrap();
        let (diags, text) = decode_with_diagnostics(&input, &table, opts);
        (
            diags.iter().map(ToString::to_string).collect(),
            text.map(|t| String::from_utf8_lossy(&t).into_owned()),
        )
    }

    fn named() -> DecodeOptions {
        DecodeOptions {
            input_name: "in.cfg".into(),
            ..DecodeOptions::default()
        }
    }

    /// Text and stderr lines, recorded from cfgfmt 2.3 (`-tu.dat in.cfg o.txt` with TABLE).
    fn check(hex_input: &str, opts: &DecodeOptions, text: &str, original: &[&str]) -> Vec<String> {
        let (diags, out) = run(hex_input, opts);
        assert_eq!(out.unwrap(), text);
        let ours: Vec<String> = diags
            .iter()
            .filter(|d| original.iter().all(|o| o != d))
            .cloned()
            .collect();
        let theirs: Vec<&String> = diags.iter().filter(|d| !ours.contains(d)).collect();
        assert_eq!(theirs, original, "{diags:?}");
        ours
    }

    #[test]
    fn last_table_line_wins_tag_zero_is_skipped_and_short_values_read_on() {
        let walk = "23617461fffe041234001007040000000500020102070200050704800000050c04fffffffe";
        let ours = check(
            walk,
            &named(),
            "#txt\n\nPrfCodec:5\nPrfCodec:329476\nPrfCodec:-2147483643\nAutMethod:0xfffffffe\n",
            &[],
        );
        assert_eq!(
            ours[0],
            "warning: in.cfg: PrfCodec at offset 0x15 holds 2 bytes and its format reads 4: the \
             text shows bytes of the records after it, as cfgfmt 2.3 does"
        );
        assert!(ours[1].starts_with("warning: in.cfg: the header's checksum and length do not"));
        let sip = DecodeOptions {
            protocols: crate::table::Protocol::Sip.into(),
            ..named()
        };
        check(
            "23617461fffe041234001007040000000507020005070480000005",
            &sip,
            "#txt\n\nRxCodec:5\nRxCodec:329476\nRxCodec:-2147483643\n",
            &[],
        );
    }

    /// Recorded from cfgfmt 2.3 (`-tt.dat o.cfg o.txt`): a table name with a byte above
    /// 0x7f is printed as the table file held it, not in UTF-8.
    #[test]
    fn non_ascii_names_print_their_raw_bytes() {
        let (table, _) = TagTable::parse(b"20,0x0028,Caf\xe9X,1\n21,0x0028,Plain,1\n");
        let input = hex::decode("23617461fffe04002d0006140101150101").unwrap();
        let out = decode(&input, &table, &named()).unwrap();
        assert_eq!(out.text, b"#txt\n\nCaf\xe9X:1\nPlain:1\n");
        let record = layout::RawRecord {
            offset: 0,
            tag: 20,
            head_len: 2,
            value: &[1],
        };
        let line = record_line(&record, &table, &named());
        assert_eq!(line.0, b"Caf\xe9X:1");
    }

    #[test]
    fn bools_print_0_for_nul_and_ascii_zero() {
        check(
            "23617461fffe04123400100f01300f01000f01010f000f023100",
            &named(),
            "#txt\n\nDhcp:0\nDhcp:0\nDhcp:1\nDhcp:1\nDhcp:1\n",
            &["warning: input len > known len (2>1)"],
        );
    }

    #[test]
    fn every_format_bit() {
        check(
            "23617461fffe0412340010010601020304050603040102030423060102030413c406060102030405\
             060804616263640904000000010a04616200642407ffff00010002002400",
            &named(),
            "#txt\n\nMac:1.2.3.4.5.6\nStaticIP:1.2.3.4\nNPrintf:1.2.3.4.5060\nTone:uimp\n\
             Raw:uimp\nUns:uimp\nUnsD:ab\nDialTone:65535,1,2\nDialTone:\n",
            &[],
        );
    }

    #[test]
    fn values_over_the_size_are_cut_with_the_originals_warning() {
        check(
            "23617461fffe04123400101d086162636465666768230701020304000506",
            &named(),
            "#txt\n\nGkOrProxy:abcd\nNPrintf:1.2.3.4.5\n",
            &[
                "warning: input len > known len (8>4)",
                "warning: input len > known len (7>6)",
            ],
        );
    }

    #[test]
    fn pseudo_records() {
        let input = "23617461fffe041234001091022930313233343536373839303132333435363738393031323334\
            353637383930313233343536373839009100380300000501040001000a01020300450102030461626364\
            65666768696a6b6c6d6e6f707172737475767778797a30313233343536373839009103808b01020304c0\
            a80102"
            .to_string()
            + &"4c".repeat(130)
            + "0091011300000000000000000000000000000000000000910408000000000000000091052c"
            + &"00".repeat(44) + "c00005612e6578009234027a7affff00";
        let logo = "L".repeat(127);
        check(
            &input,
            &named(),
            &format!(
                "#txt\n\ntftpurl2:0123456789012345678901234567890\n\
                 upgradecode:3,0x00000501,0x0400,0x0100,3.2.1.10,0x0045,0x01020304,\
                 abcdefghijklmnopqrstuvwxyz01234\nupgradelogo:0x01020304,2.1.168.192,{logo}\n\
                 #bad len: tag 0x1101, len 0x13\n#bad len: tag 0x1104, len 0x8\n\
                 #EncryptKeyEx:<secret>\n\n#extended:a.ex\n#unknownTag: 0x1234\n\
                 #unknownTag: 0x7fff\n"
            ),
            &[],
        );
    }

    /// The value bytes `codec`'s tests record cfgfmt 2.3 storing for
    /// `upgradecode:3,0x301,0x0400,0x0200,192.0.2.170,69,0x020514a,ata18x-v2-15-020927a.zup`
    /// and `upgradelogo:0x1234,192.0.2.1,logo.bin`, as records of a file.
    const UPGRADE_RECORDS: &str = concat!(
        "23617461fffe0412340010",
        "91002c030000030104000200c00002aa00450020514a",
        "6174613138782d76322d31352d303230393237612e7a757000",
        "91031100001234c00002016c6f676f2e62696e00",
    );

    #[test]
    fn upgrade_records_print_the_ip_reversed_unless_reencodable() {
        check(
            UPGRADE_RECORDS,
            &named(),
            "#txt\n\nupgradecode:3,0x00000301,0x0400,0x0200,170.2.0.192,0x0045,0x0020514a,\
             ata18x-v2-15-020927a.zup\nupgradelogo:0x00001234,1.2.0.192,logo.bin\n",
            &[],
        );
        let reencodable = DecodeOptions {
            reencodable: true,
            ..named()
        };
        check(
            UPGRADE_RECORDS,
            &reencodable,
            "#txt\n\nupgradecode:3,0x00000301,0x0400,0x0200,192.0.2.170,0x0045,0x0020514a,\
             ata18x-v2-15-020927a.zup\nupgradelogo:0x00001234,192.0.2.1,logo.bin\n",
            &[],
        );
    }

    /// One record's line as `inspect` shows it: on its own, a value shorter than its format
    /// reads padded with zeros (a file's walk reads on into the next records instead).
    fn line(tag: u16, hex_value: &str) -> String {
        let table = TagTable::parse(TABLE.as_bytes()).0;
        let value = hex::decode(hex_value).unwrap();
        let record = RawRecord {
            offset: 0,
            tag,
            head_len: 2,
            value: &value,
        };
        let (text, _) = record_line(&record, &table, &DecodeOptions::default());
        String::from_utf8(text).unwrap()
    }

    #[test]
    fn one_value_of_each_format_on_its_own() {
        assert_eq!(line(15, "00"), "Dhcp:0");
        assert_eq!(line(15, "07"), "Dhcp:1");
        assert_eq!(line(15, ""), "Dhcp:0");
        assert_eq!(line(3, "c00002aa"), "StaticIP:192.0.2.170");
        assert_eq!(line(3, "c000"), "StaticIP:192.0.0.0");
        assert_eq!(line(7, "fffffffb"), "PrfCodec:-5");
        assert_eq!(line(7, "0102"), "PrfCodec:16908288");
        assert_eq!(line(12, "00140014"), "AutMethod:0x00140014");
        assert_eq!(line(2, "a1b00000"), "Hx:a1b00000");
        assert_eq!(line(35, "c0a802aa2329"), "NPrintf:192.168.2.170.9001");
        assert_eq!(line(35, "c0a8"), "NPrintf:192.168.0.0.0");
        // An odd last byte is no word.
        assert_eq!(line(36, "000178ee0000ff"), "DialTone:1,30958,0");
        assert_eq!(line(29, "41420043"), "GkOrProxy:AB");
        assert_eq!(line(8, "4142"), "Raw:uimp");
    }

    #[test]
    fn header_is_a_blank_line_or_sum_len_with_v() {
        let v = DecodeOptions {
            verbose: true,
            ..named()
        };
        // A 2-byte header reads on into the next record, as the original did.
        check(
            "23617461fffe020102070400000001",
            &v,
            "#txt\n#sum_len:258,1796\nPrfCodec:1\n",
            &[],
        );
        check(
            "23617461fffe0400160003070400000001",
            &named(),
            "#txt\n\nPrfCodec:1\n",
            &[],
        );
    }

    #[test]
    fn corrupted_profiles_write_nothing() {
        // The original: stderr "warning: input len > known len (8>4)\ncorrupted profile\n",
        // text "#txt\n\nGkOrProxy:abcd\n", exit 0.
        let (diags, out) = run(
            "23617461fffe04123400101d0861626364656667680304010203",
            &named(),
        );
        assert_eq!(diags[0], "warning: input len > known len (8>4)");
        let e = out.unwrap_err();
        assert_eq!(e.to_string(), "corrupted profile");
        assert_eq!(
            e.note().unwrap(),
            crate::diag::ErrorNote {
                kind: crate::diag::NoteKind::Error,
                text: "in.cfg: record at offset 0x15: the record runs past the end of the file; \
                       nothing written (cfgfmt 2.3 would write a partial text and exit 0)"
                    .to_string()
            }
        );
        // A tag with no length byte after it.
        let (_, out) = run("23617461fffe041234001003040102030403", &named());
        assert!(matches!(out, Err(Error::Corrupted { offset: 0x11, .. })));
    }

    #[test]
    fn reads_past_the_end_are_refused() {
        // The original printed `StaticIP:1.2.9.0`: two bytes of its heap.
        let (_, out) = run("23617461fffe041234001003020102", &named());
        let e = out.unwrap_err();
        let e = format!("{}{e}", e.lead());
        assert!(
            e.starts_with("error: in.cfg: StaticIP at offset 0xb is shorter"),
            "{e}"
        );
        assert!(
            e.contains("(cfgfmt 2.3 would print bytes from its memory"),
            "{e}"
        );
        // tftpurl2 without its NUL at the end of the file.
        let (_, out) = run("23617461fffe04123400109102026162", &named());
        assert!(matches!(out, Err(Error::DecodeRefused(_))));
    }

    #[test]
    fn hex_values_print_hex_with_a_warning() {
        let ours = check(
            "23617461fffe0400d8000402040a0b0c0d",
            &named(),
            "#txt\n\nHx:0a0b0c0d\n",
            &[],
        );
        assert!(ours[0].contains("(cfgfmt 2.3 would print the previous line's value"));
    }

    #[test]
    fn unknown_and_short_inputs() {
        let (_, out) = run("676172626167652d", &named());
        // The job names the file: `error: unknown or encrypted file: 'in.cfg'`.
        assert!(matches!(out, Err(Error::UnknownOrEncrypted)));
        assert!(matches!(
            run("23617461", &named()).1,
            Err(Error::BadInputSize(4))
        ));
        let x = DecodeOptions {
            strong_key: Some(StrongKey::from_text("00")),
            ..named()
        };
        let e = run("2361746100", &x).1.unwrap_err();
        assert_eq!(format!("{}{e}", e.lead()), "error: input too small");
        let big = "00".repeat(MAX_INPUT + 1);
        assert!(matches!(
            run(&big, &named()).1,
            Err(Error::BadInputSize(120_001))
        ));
    }

    #[test]
    fn line_buffer_overruns_are_refused() {
        let table = TagTable::parse(b"1,0x0010,S,512\n").0;
        let mut input = b"#ata\x01\x82\x00".to_vec();
        input.extend_from_slice(&[b'a'; 512]);
        let (_, out) = decode_with_diagnostics(&input, &table, &named());
        let e = out.unwrap_err().to_string();
        assert!(
            e.contains("(cfgfmt 2.3 would overrun its 512-byte line buffer)"),
            "{e}"
        );
        input.pop();
        input[5..7].copy_from_slice(&[0x81, 0xff]);
        assert!(decode_with_diagnostics(&input, &table, &named()).1.is_ok());
    }

    #[test]
    fn reencodable_keeps_stored_order_and_whole_values() {
        let opts = DecodeOptions {
            reencodable: true,
            ..named()
        };
        check(
            "23617461fffe04123400101d086162636465666768",
            &opts,
            "#txt\n\nGkOrProxy:abcdefgh\n",
            &["warning: input len > known len (8>4)"],
        );
    }
}
