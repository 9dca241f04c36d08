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
use crate::crypto::{self, Rc4};
use crate::diag::{DiagKind, Diagnostic, Error, Result};
use crate::table::{Descriptor, TagTable, context, fmt_bits as F};

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
/// Format bit the original's decoder knew and the tables never use: six dotted bytes.
const SIX_BYTES: u16 = 0x0001;

#[derive(Debug, Clone)]
pub struct DecodeOptions {
    pub filter: u16,
    /// `-v`: print the header as `#sum_len:checksum,length`.
    pub verbose: bool,
    /// `-e`: weak key as hex text.
    pub weak_key: Option<Vec<u8>>,
    /// `-x`: strong key as hex text.
    pub strong_key: Option<Vec<u8>>,
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
            filter: context::ALL,
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
        Rc4::new(&crypto::strong_key_bytes(key)).apply(&mut bytes);
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
        Rc4::new(&crypto::weak_key_bytes(key)).apply(&mut bytes);
    }
    if !bytes.starts_with(MAGIC) {
        return Err(Error::UnknownOrEncrypted {
            file: opts.input_name.clone(),
        });
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
    weak_key: Option<&[u8]>,
    strong_key: Option<&[u8]>,
) -> Result<(Vec<u8>, Framing)> {
    let opts = DecodeOptions {
        weak_key: weak_key.map(<[u8]>::to_vec),
        strong_key: strong_key.map(<[u8]>::to_vec),
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
            let (name, used) = text_at(mem, at + 19, at + len, codec::MAX_UPGRADE_NAME, opts)?;
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
            let (name, used) = text_at(mem, at + 8, at + len, codec::MAX_LOGO_NAME, opts)?;
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
            let (url, used) = text_at(mem, at, at + len, codec::MAX_UPGRADE_NAME, opts)?;
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
    if let Some(desc) = table.by_tag(record.tag, opts.filter) {
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
        return ([desc.name.as_bytes(), b":", &text].concat(), warning);
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
    diags.push(Diagnostic::new(DiagKind::DecodeWarning(text), None));
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
            let (name, shown) = match table.by_tag(tag, opts.filter) {
                Some(desc) => {
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
                    let shown = descriptor_value(desc, mem, at, n).map(|(shown, hex)| {
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
                    });
                    (Some(desc.name.as_str()), shown)
                }
                None => (None, pseudo(tag, mem, at, len, opts)),
            };
            let what = name.map_or_else(|| format!("tag 0x{tag:x}"), str::to_string);
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
                        fault = Some(Error::DecodeRefused(format!(
                            "error: {}{what} at offset 0x{offset:x} decodes to {limit} bytes of \
                             text; nothing written (cfgfmt 2.3 would overrun its {LINE_BUFFER}-byte \
                             line buffer)",
                            named(opts)
                        )));
                    }
                    if let Some(name) = name {
                        text.extend_from_slice(name.as_bytes());
                        text.push(b':');
                    }
                    text.extend_from_slice(&shown.text);
                    text.push(b'\n');
                }
                Err(PastEnd) => {
                    if fault.is_none() {
                        fault = Some(Error::DecodeRefused(format!(
                            "error: {}{what} at offset 0x{offset:x} is shorter than its format \
                             reads and ends the file; nothing written (cfgfmt 2.3 would print \
                             bytes from its memory past the end of the file)",
                            named(opts)
                        )));
                    }
                }
            }
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
    let mut wrong = Vec::new();
    if be(sum) != u32::from(kind.of(payload)) {
        wrong.push("checksum");
    }
    if be(len) as usize != payload.len() {
        wrong.push("length");
    }
    if !wrong.is_empty() {
        warn(
            diags,
            format!(
                "warning: {}the header's {} does not match the records (cfgfmt 2.3 does not \
                 check it; a phone may refuse the file)",
                named(opts),
                wrong.join(" and ")
            ),
        );
    }
}

/// Decodes a binary profile to the original's text form.
pub fn decode(input: &[u8], table: &TagTable, opts: &DecodeOptions) -> Result<Decoded> {
    let (diagnostics, text) = decode_with_diagnostics(input, table, opts);
    Ok(Decoded {
        text: text?,
        diagnostics,
    })
}
