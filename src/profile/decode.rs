//! The decoder: `#ata` bytes → the original's text form.

use super::layout::{self, MAGIC, RawRecord};
use crate::codec;
use crate::crypto::{self, Rc4};
use crate::diag::{DiagKind, Diagnostic, Error, Result};
use crate::table::{TagTable, context};

/// Largest binary profile read: a header holds at most 0xFFFF payload bytes.
pub const MAX_BINARY_BYTES: usize = 1 << 20;
/// The original refused inputs shorter than this.
pub const MIN_INPUT: usize = 5;

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
    /// original printed them reversed) and over-long values whole (it cut them).
    pub reencodable: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            filter: context::ALL,
            verbose: false,
            weak_key: None,
            strong_key: None,
            reencodable: false,
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

/// Removes encryption and the magic: the record stream, and the framing it had.
pub fn unwrap_input(
    input: &[u8],
    weak_key: Option<&[u8]>,
    strong_key: Option<&[u8]>,
) -> Result<(Vec<u8>, Framing)> {
    if input.len() < MIN_INPUT {
        return Err(Error::BadInputSize(input.len()));
    }
    if input.len() > MAX_BINARY_BYTES {
        return Err(Error::InputTooLarge {
            size: input.len() as u64,
            limit: MAX_BINARY_BYTES as u64,
        });
    }
    if let Some(key) = strong_key {
        let plain = crypto::strong_decrypt(input, &crypto::strong_key_bytes(key))
            .ok_or(Error::InputTooSmall)?;
        return Ok((plain, Framing::Bare));
    }
    let mut bytes = input.to_vec();
    if let Some(key) = weak_key {
        Rc4::new(&crypto::weak_key_bytes(key)).apply(&mut bytes);
    }
    if !bytes.starts_with(MAGIC) {
        return Err(Error::UnknownOrEncrypted);
    }
    bytes.drain(..MAGIC.len());
    Ok((bytes, Framing::Magic))
}

/// The text line for one record, and any warning it raises.
pub fn record_line(
    record: &RawRecord<'_>,
    table: &TagTable,
    opts: &DecodeOptions,
) -> (Vec<u8>, Option<DiagKind>) {
    let value = record.value;
    if let Some(desc) = table.by_tag(record.tag, opts.filter) {
        let size = usize::from(desc.size);
        let mut warning = None;
        let shown = if value.len() > size {
            warning = Some(DiagKind::InputLenOverKnown {
                len: value.len(),
                known: size,
            });
            if opts.reencodable {
                value
            } else {
                value.get(..size).unwrap_or(value)
            }
        } else {
            value
        };
        let mut line = desc.name.bytes().collect::<Vec<u8>>();
        line.push(b':');
        line.extend(codec::decode(desc, shown));
        return (line, warning);
    }
    let faithful = opts.reencodable;
    let line = match record.tag {
        layout::TAG_HEADER => {
            if opts.verbose {
                let word = |i: usize| {
                    value
                        .get(i..i + 2)
                        .map_or(0, |w| w.iter().fold(0u16, |a, &b| a << 8 | u16::from(b)))
                };
                format!("#sum_len:{},{}", word(0), word(2)).into_bytes()
            } else {
                Vec::new()
            }
        }
        layout::TAG_UPGRADECODE => {
            codec::decode_upgrade("upgradecode", record.tag, value, faithful)
        }
        layout::TAG_UPGRADELANG => {
            codec::decode_upgrade("upgradelang", record.tag, value, faithful)
        }
        layout::TAG_UPGRADELOGO => codec::decode_logo("upgradelogo", record.tag, value, faithful),
        layout::TAG_UPGRADEXML => codec::decode_logo("upgradexml", record.tag, value, faithful),
        layout::TAG_TFTPURL2 => [b"tftpurl2:", until_nul(value)].concat(),
        layout::TAG_EXTENDED => [b"#extended:", until_nul(value)].concat(),
        layout::TAG_ENCRYPT_KEY_EX => codec::decode_encrypt_key_ex(value).unwrap_or_else(|| {
            format!(
                "#EncryptKeyEx: cannot unwrap ({} bytes; prefix or checksum wrong)",
                value.len()
            )
            .into_bytes()
        }),
        tag => format!("#unknownTag: 0x{tag:x}").into_bytes(),
    };
    (line, None)
}

fn until_nul(bytes: &[u8]) -> &[u8] {
    bytes.split(|&b| b == 0).next().unwrap_or_default()
}

/// Decodes a binary profile to the original's text form.
pub fn decode(input: &[u8], table: &TagTable, opts: &DecodeOptions) -> Result<Decoded> {
    let (body, framing) =
        unwrap_input(input, opts.weak_key.as_deref(), opts.strong_key.as_deref())?;
    let (records, corruption) = layout::walk(&body, 0);
    if let Some(c) = corruption {
        let magic = if framing == Framing::Magic {
            MAGIC.len()
        } else {
            0
        };
        return Err(Error::Corrupted {
            offset: c.offset + magic,
            what: c.what,
        });
    }
    let mut text = b"#txt\n".to_vec();
    let mut diagnostics = Vec::new();
    for record in &records {
        let (line, warning) = record_line(record, table, opts);
        if let Some(kind) = warning {
            diagnostics.push(Diagnostic::new(kind, None));
        }
        text.extend_from_slice(&line);
        text.push(b'\n');
    }
    Ok(Decoded { text, diagnostics })
}
