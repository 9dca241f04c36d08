//! A look inside a binary profile: every record with its offset, the header checked, and
//! the checks the original never made (findings). Serves `inspect`, `dump` and `--json`.

use serde::Serialize;

use super::decode::{DecodeOptions, MAX_BINARY_BYTES, record_line};
use super::layout::{self, MAGIC, RawRecord};
use crate::codec::Codec;
use crate::crypto::{self, Rc4};
use crate::report::{Span, Status};
use crate::table::{BUILTIN_PREFIX, BUILTIN_TABLES, TagTable, context, fmt_bits};

/// How the file was protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encryption {
    None,
    Weak,
    Strong,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingLevel {
    Info,
    Warning,
    Error,
}

impl std::fmt::Display for FindingLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FindingLevel::Info => "info",
            FindingLevel::Warning => "warning",
            FindingLevel::Error => "error",
        })
    }
}

/// Something wrong (or notable) at a place in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub level: FindingLevel,
    pub offset: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderCheck {
    pub offset: usize,
    pub stored_checksum: u16,
    pub computed_checksum: u16,
    pub checksum_ok: bool,
    pub stored_length: u16,
    pub actual_length: usize,
    pub length_ok: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordInfo {
    /// Offset of the record in the file (decrypted view; same offsets as on disk).
    pub offset: usize,
    pub tag: u16,
    /// The table's name, or the tool's keyword for pseudo tags; `None` when unknown.
    pub name: Option<String>,
    pub format: String,
    pub length: usize,
    /// The table's size for this tag, when known.
    pub known_size: Option<usize>,
    /// Decoded value as the original printed it; `"<hidden>"` for secrets unless shown.
    pub value: String,
    pub sensitive: bool,
    /// Bytes of the tag and length varints (a writer may use two where one would do).
    #[serde(skip)]
    pub head_len: usize,
}

/// Everything `inspect` reports about a profile.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub kind: &'static str,
    pub size: usize,
    pub encryption: Encryption,
    pub table: String,
    pub header: Option<HeaderCheck>,
    pub records: Vec<RecordInfo>,
    /// The extended file a split base file points to.
    pub extended: Option<String>,
    pub findings: Vec<Finding>,
    /// The decrypted bytes, at the file's offsets (for the hex view).
    #[serde(skip)]
    pub plain: Vec<u8>,
    /// Where the record stream starts in `plain`.
    #[serde(skip)]
    pub records_start: usize,
    /// Where the record stream broke, if it did.
    #[serde(skip)]
    pub corrupt_from: Option<usize>,
}

impl Inspection {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.level == FindingLevel::Error)
    }
}

#[derive(Debug, Clone, Default)]
pub struct InspectOptions {
    pub filter: u16,
    pub weak_key: Option<Vec<u8>>,
    pub strong_key: Option<Vec<u8>>,
    pub show_secrets: bool,
}

/// Findings listed at most; the rest are counted.
pub const MAX_FINDINGS: usize = 200;

/// What a hidden value shows.
pub const HIDDEN: &str = "<hidden>";

/// Repeated-tag findings listed at most (a damaged file can repeat a tag thousands of times).
pub const MAX_REPEAT_FINDINGS: usize = 100;

/// Whether bytes look like a binary profile we can read without a key.
pub fn looks_like_profile(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

fn is_secret(tag: u16, fmt: u16, name: Option<&str>) -> bool {
    fmt & fmt_bits::SENSITIVE != 0
        || tag == layout::TAG_ENCRYPT_KEY_EX
        || name.is_some_and(|n| n.eq_ignore_ascii_case("EncryptKey"))
}

fn pseudo_name(tag: u16) -> Option<&'static str> {
    Some(match tag {
        layout::TAG_HEADER => "header",
        layout::TAG_UPGRADECODE => "upgradecode",
        layout::TAG_UPGRADELANG => "upgradelang",
        layout::TAG_TFTPURL2 => "tftpurl2",
        layout::TAG_UPGRADELOGO => "upgradelogo",
        layout::TAG_UPGRADEXML => "upgradexml",
        layout::TAG_ENCRYPT_KEY_EX => "EncryptKeyEx",
        layout::TAG_EXTENDED => "extended-file pointer",
        _ => return None,
    })
}

/// Picks the built-in table that knows the most of the file's tags.
pub fn guess_table(bytes: &[u8], opts: &InspectOptions) -> (TagTable, String) {
    let mut best: Option<(usize, TagTable, String)> = None;
    for b in BUILTIN_TABLES {
        let (table, _) = TagTable::parse(b.text.as_bytes());
        let filter = if opts.filter == 0 {
            context::ALL
        } else {
            opts.filter
        };
        let known = inspect(bytes, &table, "", opts)
            .records
            .iter()
            .filter(|r| table.by_tag(r.tag, filter).is_some())
            .count();
        if best.as_ref().is_none_or(|(k, _, _)| known > *k) {
            best = Some((
                known,
                table,
                format!(
                    "{BUILTIN_PREFIX}{} (guessed: knows {known} of the tags)",
                    b.name
                ),
            ));
        }
    }
    best.map(|(_, t, n)| (t, n)).unwrap_or_default()
}

fn decrypt_view(
    bytes: &[u8],
    opts: &InspectOptions,
    findings: &mut Vec<Finding>,
) -> (Vec<u8>, Encryption, usize) {
    if bytes.starts_with(MAGIC) {
        return (bytes.to_vec(), Encryption::None, MAGIC.len());
    }
    if let Some(key) = &opts.weak_key {
        let mut plain = bytes.to_vec();
        Rc4::new(&crypto::weak_key_bytes(key)).apply(&mut plain);
        if plain.starts_with(MAGIC) {
            return (plain, Encryption::Weak, MAGIC.len());
        }
    }
    let strong = opts
        .strong_key
        .as_ref()
        .and_then(|key| crypto::strong_decrypt(bytes, &crypto::strong_key_bytes(key)));
    if let Some(mut plain) = strong.filter(|p| p.starts_with(&[0xff, 0xfe, 0x04])) {
        // Keep the 8 mask bytes so offsets stay the file's.
        plain.extend_from_slice(
            bytes
                .get(bytes.len().saturating_sub(8)..)
                .unwrap_or_default(),
        );
        return (plain, Encryption::Strong, 0);
    }
    let message = if opts.weak_key.is_some() || opts.strong_key.is_some() {
        "no #ata profile, and the key given does not decrypt it to one"
    } else {
        "no #ata magic: not a profile, or encrypted (give --key-file or --xkey-file)"
    };
    findings.push(Finding {
        level: FindingLevel::Error,
        offset: 0,
        message: message.into(),
    });
    (bytes.to_vec(), Encryption::None, bytes.len())
}

/// Inspects a binary profile. Never fails: what cannot be read becomes a finding.
pub fn inspect(
    bytes: &[u8],
    table: &TagTable,
    table_name: &str,
    opts: &InspectOptions,
) -> Inspection {
    let mut findings = Vec::new();
    if bytes.len() > MAX_BINARY_BYTES {
        findings.push(Finding {
            level: FindingLevel::Error,
            offset: MAX_BINARY_BYTES,
            message: format!(
                "{} bytes: larger than any profile ({MAX_BINARY_BYTES} at most)",
                bytes.len()
            ),
        });
        return Inspection {
            kind: "unknown",
            size: bytes.len(),
            encryption: Encryption::None,
            table: table_name.to_string(),
            header: None,
            records: Vec::new(),
            extended: None,
            findings,
            plain: Vec::new(),
            records_start: 0,
            corrupt_from: None,
        };
    }
    let (plain, encryption, start) = decrypt_view(bytes, opts, &mut findings);
    let stream_end = if encryption == Encryption::Strong {
        plain.len().saturating_sub(8)
    } else {
        plain.len()
    };
    let stream = plain.get(..stream_end).unwrap_or_default();
    let (raw, corruption) = if start < stream.len() {
        layout::walk(stream, start)
    } else {
        (Vec::new(), None)
    };
    let filter = if opts.filter == 0 {
        context::ALL
    } else {
        opts.filter
    };
    let decode_opts = DecodeOptions {
        protocols: filter.into(),
        ..DecodeOptions::default()
    };

    let mut header = None;
    if let Some(first) = raw.first() {
        if first.tag == layout::TAG_HEADER && first.value.len() == 4 {
            let payload = stream.get(first.end()..).unwrap_or_default();
            let checksum = if encryption == Encryption::Strong {
                layout::Checksum::Internet
            } else {
                layout::Checksum::Simple
            };
            let word = |i: usize| {
                first
                    .value
                    .get(i..i + 2)
                    .map_or(0, |w| w.iter().fold(0u16, |a, &b| a << 8 | u16::from(b)))
            };
            let (stored_checksum, stored_length) = (word(0), word(2));
            let computed_checksum = checksum.of(payload);
            let h = HeaderCheck {
                offset: first.offset,
                stored_checksum,
                computed_checksum,
                checksum_ok: stored_checksum == computed_checksum,
                stored_length,
                actual_length: payload.len(),
                length_ok: usize::from(stored_length) == payload.len(),
            };
            if !h.checksum_ok {
                findings.push(Finding {
                    level: FindingLevel::Error,
                    offset: first.offset + 3,
                    message: format!("checksum 0x{stored_checksum:04x} stored, 0x{computed_checksum:04x} computed"),
                });
            }
            if !h.length_ok {
                findings.push(Finding {
                    level: FindingLevel::Error,
                    offset: first.offset + 5,
                    message: format!(
                        "length field says {stored_length} payload bytes, the file has {}",
                        payload.len()
                    ),
                });
                let declared_end = first.end() + usize::from(stored_length);
                if let Some(r) = raw.iter().skip(1).find(|r| r.end() > declared_end) {
                    findings.push(Finding {
                        level: FindingLevel::Error,
                        offset: r.offset,
                        message: "records run past the declared length".into(),
                    });
                }
            }
            header = Some(h);
        } else {
            findings.push(Finding {
                level: FindingLevel::Error,
                offset: first.offset,
                message: "the first record is not a header (tag 0x7ffe, 4 bytes)".into(),
            });
        }
    } else if start <= stream.len() && encryption != Encryption::None || bytes.starts_with(MAGIC) {
        findings.push(Finding {
            level: FindingLevel::Error,
            offset: start,
            message: "no header record".into(),
        });
    }

    let mut records = Vec::new();
    let mut seen: std::collections::HashMap<u16, usize> = std::collections::HashMap::new();
    let mut repeats = 0;
    let mut extended = None;
    for r in raw
        .iter()
        .filter(|r| r.tag != layout::TAG_HEADER || r.offset != start)
    {
        records.push(record_info(
            r,
            table,
            &decode_opts,
            opts.show_secrets,
            &mut findings,
        ));
        if let Some(first) = seen
            .insert(r.tag, r.offset)
            .filter(|_| repeats < MAX_REPEAT_FINDINGS)
        {
            repeats += 1;
            findings.push(Finding {
                level: FindingLevel::Warning,
                offset: r.offset,
                message: format!(
                    "tag 0x{:x} again (first at offset {first}); the phone keeps one",
                    r.tag
                ),
            });
        }
        if r.tag == layout::TAG_EXTENDED {
            extended = Some(
                String::from_utf8_lossy(r.value.split(|&b| b == 0).next().unwrap_or_default())
                    .into_owned(),
            );
        }
    }
    if let Some(c) = corruption {
        findings.push(Finding {
            level: FindingLevel::Error,
            offset: c.offset,
            message: format!("corrupted profile: {}", c.what),
        });
    }
    if findings.len() > MAX_FINDINGS {
        let more = findings.len() - MAX_FINDINGS;
        findings.truncate(MAX_FINDINGS);
        findings.push(Finding {
            level: FindingLevel::Info,
            offset: findings.last().map_or(0, |f| f.offset),
            message: format!("{more} more findings not listed"),
        });
    }
    let kind = match (encryption, extended.is_some()) {
        _ if findings
            .iter()
            .any(|f| f.offset == 0 && f.level == FindingLevel::Error && header.is_none())
            && raw.is_empty() =>
        {
            "unknown"
        }
        (Encryption::Strong, true) => "strong-encrypted profile (split base)",
        (Encryption::Strong, false) => "strong-encrypted profile",
        (Encryption::Weak, true) => "weak-encrypted profile (split base)",
        (Encryption::Weak, false) => "weak-encrypted profile",
        (Encryption::None, true) => "profile (split base)",
        (Encryption::None, false) => "profile",
    };
    Inspection {
        kind,
        size: bytes.len(),
        encryption,
        table: table_name.to_string(),
        header,
        records,
        extended,
        findings,
        plain,
        records_start: start,
        corrupt_from: corruption.map(|c| c.offset),
    }
}

fn record_info(
    r: &RawRecord<'_>,
    table: &TagTable,
    opts: &DecodeOptions,
    show_secrets: bool,
    findings: &mut Vec<Finding>,
) -> RecordInfo {
    let desc = table.by_tag(r.tag, opts.protocols);
    let name = desc
        .map(|d| d.name.clone())
        .or_else(|| pseudo_name(r.tag).map(str::to_string));
    let format = match desc {
        Some(d) => format!("{} (0x{:04x})", Codec::for_decoding(d.fmt).name(), d.fmt),
        None => "pseudo".into(),
    };
    let known_size = desc.map(|d| usize::from(d.size));
    if desc.is_none() && pseudo_name(r.tag).is_none() {
        findings.push(Finding {
            level: FindingLevel::Warning,
            offset: r.offset,
            message: format!("tag 0x{:x} is not in the table", r.tag),
        });
    }
    if let Some(size) = known_size.filter(|&s| r.value.len() > s) {
        findings.push(Finding {
            level: FindingLevel::Warning,
            offset: r.offset,
            message: format!(
                "{} is {} bytes, the table's size is {size}; the phone may cut it",
                name.as_deref().unwrap_or("value"),
                r.value.len()
            ),
        });
    }
    let sensitive = is_secret(r.tag, desc.map_or(0, |d| d.fmt), name.as_deref());
    let value = if sensitive && !show_secrets {
        HIDDEN.to_string()
    } else {
        let (line, _) = record_line(r, table, opts);
        let line = String::from_utf8_lossy(&line).into_owned();
        // The line is `Name:value` for table tags and pseudo keywords alike.
        match line.split_once(':') {
            Some((_, v))
                if desc.is_some()
                    || matches!(r.tag, 0x1100..=0x1105)
                    || r.tag == layout::TAG_EXTENDED =>
            {
                v.to_string()
            }
            _ => line,
        }
    };
    RecordInfo {
        offset: r.offset,
        tag: r.tag,
        name,
        format,
        length: r.value.len(),
        known_size,
        value,
        sensitive,
        head_len: r.head_len,
    }
}

/// The decrypted bytes with every hidden value's bytes replaced by `*` (0x2a), so a hex
/// view shows no password that the annotation hides.
pub fn masked_view(ins: &Inspection) -> Vec<u8> {
    let mut view = ins.plain.clone();
    for r in ins
        .records
        .iter()
        .filter(|r| r.sensitive && r.value == HIDDEN)
    {
        let start = r.offset + r.head_len;
        if let Some(value) = view.get_mut(start..start + r.length) {
            value.fill(b'*');
        }
    }
    view
}

/// Spans for the annotated hex view of an inspected profile.
pub fn spans(ins: &Inspection) -> Vec<Span> {
    let mut out = Vec::new();
    match ins.encryption {
        Encryption::Strong => {}
        _ if ins.plain.starts_with(MAGIC) => {
            out.push(Span::new(0, 4, "magic", "#ata").with_status(Status::Ok))
        }
        _ => {}
    }
    if let Some(h) = &ins.header {
        let head = if h.offset + 3 <= ins.plain.len() {
            3
        } else {
            0
        };
        out.push(Span::new(h.offset, head, "header", "tag 0x7ffe, length 4"));
        out.push(
            Span::new(
                h.offset + 3,
                2,
                "checksum",
                format!(
                    "stored 0x{:04x}, computed 0x{:04x}",
                    h.stored_checksum, h.computed_checksum
                ),
            )
            .with_status(if h.checksum_ok {
                Status::Ok
            } else {
                Status::Bad
            }),
        );
        out.push(
            Span::new(
                h.offset + 5,
                2,
                "length",
                format!("stored {}, actual {}", h.stored_length, h.actual_length),
            )
            .with_status(if h.length_ok { Status::Ok } else { Status::Bad }),
        );
    }
    for r in &ins.records {
        let label = format!(
            "tag 0x{:x} {}",
            r.tag,
            r.name.as_deref().unwrap_or("(unknown)")
        );
        let head = r.head_len;
        let status = if r.known_size.is_some_and(|s| r.length > s) || r.name.is_none() {
            Status::Bad
        } else {
            Status::Info
        };
        out.push(
            Span::new(
                r.offset,
                head + r.length,
                label,
                format!("{}, len {}: {}", r.format, r.length, r.value),
            )
            .with_status(status),
        );
    }
    if let Some(from) = ins.corrupt_from {
        let end = if ins.encryption == Encryption::Strong {
            ins.plain.len().saturating_sub(8)
        } else {
            ins.plain.len()
        };
        out.push(
            Span::new(
                from,
                end.saturating_sub(from),
                "corrupted record",
                "runs past the end of the file",
            )
            .with_status(Status::Bad),
        );
    }
    if ins.encryption == Encryption::Strong && ins.plain.len() >= 8 {
        out.push(Span::new(
            ins.plain.len() - 8,
            8,
            "mask",
            "random mask of the strong scheme",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ata() -> TagTable {
        TagTable::parse(BUILTIN_TABLES[0].text.as_bytes()).0
    }

    #[test]
    fn clean_profile_has_no_findings() {
        let bytes = hex::decode("23617461fffe0400160003140101").unwrap();
        let ins = inspect(&bytes, &ata(), "ata", &InspectOptions::default());
        assert!(ins.findings.is_empty(), "{:?}", ins.findings);
        assert_eq!(ins.records.len(), 1);
        assert_eq!(ins.records[0].name.as_deref(), Some("UseTftp"));
        assert_eq!(ins.records[0].offset, 11);
        assert!(ins.header.as_ref().unwrap().checksum_ok);
    }

    #[test]
    fn damage_is_reported_with_offsets() {
        let bytes = hex::decode("23617461fffe0400000004899901aa").unwrap();
        let ins = inspect(&bytes, &ata(), "ata", &InspectOptions::default());
        let msgs: Vec<(usize, &str)> = ins
            .findings
            .iter()
            .map(|f| (f.offset, f.message.as_str()))
            .collect();
        assert!(
            msgs.iter()
                .any(|(o, m)| *o == 7 && m.starts_with("checksum")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|(o, m)| *o == 11 && m.contains("not in the table")),
            "{msgs:?}"
        );
    }

    #[test]
    fn secrets_are_hidden_unless_asked() {
        let bytes = hex::decode("23617461fffe0401e1000617067365637265741401").unwrap();
        let ins = inspect(&bytes, &ata(), "ata", &InspectOptions::default());
        assert!(ins.records.iter().any(|r| r.value == "<hidden>"));
        let shown = inspect(
            &bytes,
            &ata(),
            "ata",
            &InspectOptions {
                show_secrets: true,
                ..Default::default()
            },
        );
        assert!(shown.records.iter().any(|r| r.value == "secret"));
    }

    #[test]
    fn guesses_the_table_that_knows_the_tags() {
        // Tag 1006 (DisplayName) exists only in the 7905G/7912G table.
        let mut payload = Vec::new();
        layout::put_record(&mut payload, 1006, b"Lobby");
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&layout::header(&payload, layout::Checksum::Simple));
        bytes.extend_from_slice(&payload);
        let (_, name) = guess_table(&bytes, &InspectOptions::default());
        assert!(name.starts_with("builtin:7912"), "{name}");
    }
}
