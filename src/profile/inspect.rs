//! A look inside a binary profile: every record with its offset, the header checked, and
//! the checks the original never made (findings). Serves `inspect`, `dump` and `--json`.

use serde::Serialize;

use super::decode::{DecodeOptions, MAX_BINARY_BYTES, record_line};
use super::layout::{self, MAGIC, RawRecord};
use crate::codec::Codec;
use crate::crypto::{self, Rc4};
use crate::report::{Span, Status};
use crate::table::{BUILTIN_PREFIX, BUILTIN_TABLES, TagTable, fmt_bits};

/// How the file was protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encryption {
    None,
    Weak,
    Strong,
}

pub use crate::finding::{Finding, Location, Severity};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
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
#[serde(rename_all = "kebab-case")]
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
#[serde(rename_all = "kebab-case")]
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
        crate::finding::has_errors(&self.findings)
    }
}

#[derive(Debug, Clone, Default)]
pub struct InspectOptions {
    pub filter: u16,
    pub weak_key: Option<Vec<u8>>,
    pub strong_key: Option<Vec<u8>>,
    pub show_secrets: bool,
}

/// The checks `inspect`, `dump` and `decode` make on a binary profile, one constant each
/// (documented in `docs/profiles.md`).
pub mod checks {
    use crate::finding::catalogue;

    catalogue! {
        /// Every check of a binary profile.
        pub const CHECKS;
        NO_PROFILE = "no-profile", [], Error,
            "no #ata magic, and no key given that decrypts the file to a profile",
            "Not a profile, or encrypted: nothing else can be checked without the key.";
        TOO_LARGE = "too-large", [], Error,
            "the file is larger than any profile can be (1 MiB)",
            "No phone reads a profile that large; the file is not read further.";
        NO_HEADER = "no-header", [], Error,
            "the #ata magic (or decrypted data) has no header record after it",
            "The phone finds no checksum and length to verify and rejects the profile.";
        NO_HEADER_FIRST = "no-header-first", [], Error,
            "the first record is not a header (tag 0x7ffe, 4 bytes)",
            "The phone rejects a profile that does not start with its header.";
        BAD_CHECKSUM = "bad-checksum", [], Error,
            "the header's checksum is not the checksum of the records after it",
            "The phone rejects the profile and keeps its old settings.";
        BAD_LENGTH = "bad-length", [], Error,
            "the header's length is not the number of bytes after it",
            "The phone rejects the profile and keeps its old settings.";
        RECORDS_PAST_LENGTH = "records-past-length", [], Error,
            "records run past the length the header declares",
            "Those records lie outside the checked payload: the file was damaged or written by hand.";
        CORRUPTED = "corrupted", [], Error,
            "the record stream breaks: a tag or length cut short, or a value running past the end",
            "The phone rejects the profile (or stops at the damaged record).";
        REPEATED_TAG = "repeated-tag", [], Warning,
            "the same tag appears twice or more",
            "The phone keeps one of the values: the other setting is lost.";
        UNKNOWN_TAG = "unknown-tag", [], Warning,
            "a record's tag is not in the tag table given",
            "A phone using that table ignores the record; often the wrong table was given.";
        VALUE_TOO_LONG = "value-too-long", [], Warning,
            "a value is longer than the table's size for its tag",
            "The phone may cut the value to the table's size.";
        OTHER_TABLE = "other-table", [], Info,
            "a built-in table explains records the table given does not know",
            "The profile was probably compiled for another model: give that table with -t.";
        MORE_FINDINGS = "more-findings", [], Info,
            "more findings than are listed (200 at most)",
            "Nothing on the phone: the report is cut, the file is badly damaged.";
    }
}
pub use checks::CHECKS;

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

/// Picks the built-in table that explains the most of the file's records (a record is
/// explained when the table knows its tag and its value fits the table's size). A tie goes
/// to the table of the device the profile's upgrade image is for (`CP7912…`, `ata18x…`),
/// else to the first table.
pub fn guess_table(bytes: &[u8], opts: &InspectOptions) -> (TagTable, String) {
    let filter = effective_filter(opts.filter);
    let mut best: Option<((usize, bool), TagTable, String)> = None;
    for b in BUILTIN_TABLES {
        let (table, _) = TagTable::parse(b.text.as_bytes());
        let ins = inspect_records(bytes, &table, opts);
        let explained = explained(&ins.records, &table, filter);
        let score = (explained, image_device(&ins.records) == Some(b.name));
        if best.as_ref().is_none_or(|(k, _, _)| score > *k) {
            best = Some((
                score,
                table,
                format!(
                    "{BUILTIN_PREFIX}{} (guessed: knows {explained} of the tags)",
                    b.name
                ),
            ));
        }
    }
    best.map(|(_, t, n)| (t, n)).unwrap_or_default()
}

/// The records of `bytes` read with `table`, without the hint about other tables.
fn inspect_records(bytes: &[u8], table: &TagTable, opts: &InspectOptions) -> Inspection {
    inspect_with(bytes, table, "", opts, false)
}

/// The protocols a filter of switch bits means (the rule "none is all" lives in
/// [`Protocols::from_bits`]).
fn effective_filter(filter: u16) -> u16 {
    crate::table::Protocols::from_bits(filter).bits()
}

/// Records whose tag `table` knows and whose value fits the table's size.
fn explained(records: &[RecordInfo], table: &TagTable, filter: u16) -> usize {
    records
        .iter()
        .filter(|r| {
            table
                .by_tag(r.tag, filter)
                .is_some_and(|d| d.size == 0 || r.length <= usize::from(d.size))
        })
        .count()
}

/// The built-in table of the device an `upgradecode`/`upgradelogo` image name is for.
fn image_device(records: &[RecordInfo]) -> Option<&'static str> {
    records
        .iter()
        .filter(|r| matches!(r.tag, layout::TAG_UPGRADECODE | layout::TAG_UPGRADELOGO))
        .find_map(|r| {
            let name = r.value.rsplit(',').next()?.to_ascii_lowercase();
            if name.starts_with("cp7912") || name.starts_with("cp7905") {
                Some("7912")
            } else if name.starts_with("ata") {
                Some("ata186")
            } else {
                None
            }
        })
}

/// The built-in table (other than the one used) that would explain the most of the records
/// `table` leaves unexplained: its name and how many.
fn better_builtin(
    records: &[RecordInfo],
    table: &TagTable,
    filter: u16,
) -> Option<(String, usize)> {
    let unknown: Vec<&RecordInfo> = records
        .iter()
        .filter(|r| r.name.is_none() && table.by_tag(r.tag, filter).is_none())
        .collect();
    if unknown.is_empty() {
        return None;
    }
    BUILTIN_TABLES
        .iter()
        .map(|b| {
            let (t, _) = TagTable::parse(b.text.as_bytes());
            let n = unknown
                .iter()
                .filter(|r| t.by_tag(r.tag, filter).is_some())
                .count();
            (format!("{BUILTIN_PREFIX}{}", b.name), n)
        })
        .filter(|(_, n)| *n > 0)
        .max_by_key(|(_, n)| *n)
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
    findings.push(checks::NO_PROFILE.finding(message).at_offset(0));
    (bytes.to_vec(), Encryption::None, bytes.len())
}

/// Inspects a binary profile. Never fails: what cannot be read becomes a finding; records
/// the table does not know get a finding naming the built-in table that would explain them.
pub fn inspect(
    bytes: &[u8],
    table: &TagTable,
    table_name: &str,
    opts: &InspectOptions,
) -> Inspection {
    inspect_with(bytes, table, table_name, opts, true)
}

fn inspect_with(
    bytes: &[u8],
    table: &TagTable,
    table_name: &str,
    opts: &InspectOptions,
    hint: bool,
) -> Inspection {
    let mut findings = Vec::new();
    if bytes.len() > MAX_BINARY_BYTES {
        findings.push(
            checks::TOO_LARGE
                .finding(format!(
                    "{} bytes: larger than any profile ({MAX_BINARY_BYTES} at most)",
                    bytes.len()
                ))
                .at_offset(MAX_BINARY_BYTES),
        );
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
    let filter = effective_filter(opts.filter);
    let header = match raw.first() {
        Some(first) => check_header(first, &raw, stream, encryption, &mut findings),
        None => {
            if start <= stream.len() && encryption != Encryption::None || bytes.starts_with(MAGIC) {
                findings.push(
                    checks::NO_HEADER
                        .finding("no header record")
                        .at_offset(start),
                );
            }
            None
        }
    };
    let (records, extended) = read_records(&raw, start, table, filter, opts, &mut findings);
    if let Some(c) = corruption {
        findings.push(
            checks::CORRUPTED
                .finding(format!("corrupted profile: {}", c.what))
                .at_offset(c.offset),
        );
    }
    if hint && let Some((name, n)) = better_builtin(&records, table, filter) {
        findings.push(checks::OTHER_TABLE.finding(format!(
            "{n} record{} this table does not know {} explained by {name} (give -t{name})",
            if n == 1 { "" } else { "s" },
            if n == 1 { "is" } else { "are" }
        )));
    }
    limit_findings(&mut findings);
    let unreadable = raw.is_empty()
        && header.is_none()
        && findings
            .iter()
            .any(|f| f.offset() == Some(0) && f.severity == Severity::Error);
    Inspection {
        kind: kind_name(unreadable, encryption, extended.is_some()),
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

/// The header record checked: checksum and length against the payload after it.
fn check_header(
    first: &RawRecord<'_>,
    raw: &[RawRecord<'_>],
    stream: &[u8],
    encryption: Encryption,
    findings: &mut Vec<Finding>,
) -> Option<HeaderCheck> {
    if first.tag != layout::TAG_HEADER || first.value.len() != 4 {
        findings.push(
            checks::NO_HEADER_FIRST
                .finding("the first record is not a header (tag 0x7ffe, 4 bytes)")
                .at_offset(first.offset),
        );
        return None;
    }
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
        findings.push(
            checks::BAD_CHECKSUM
                .finding(format!(
                    "checksum 0x{stored_checksum:04x} stored, 0x{computed_checksum:04x} computed"
                ))
                .at_offset(first.offset + 3),
        );
    }
    if !h.length_ok {
        findings.push(
            checks::BAD_LENGTH
                .finding(format!(
                    "length field says {stored_length} payload bytes, the file has {}",
                    payload.len()
                ))
                .at_offset(first.offset + 5),
        );
        let declared_end = first.end() + usize::from(stored_length);
        if let Some(r) = raw.iter().skip(1).find(|r| r.end() > declared_end) {
            findings.push(
                checks::RECORDS_PAST_LENGTH
                    .finding("records run past the declared length")
                    .at_offset(r.offset),
            );
        }
    }
    Some(h)
}

/// Every record after the header, decoded, with the repeated tags and the extended-file
/// pointer noted.
fn read_records(
    raw: &[RawRecord<'_>],
    start: usize,
    table: &TagTable,
    filter: u16,
    opts: &InspectOptions,
    findings: &mut Vec<Finding>,
) -> (Vec<RecordInfo>, Option<String>) {
    let decode_opts = DecodeOptions {
        protocols: filter.into(),
        ..DecodeOptions::default()
    };
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
            findings,
        ));
        if let Some(first) = seen
            .insert(r.tag, r.offset)
            .filter(|_| repeats < MAX_REPEAT_FINDINGS)
        {
            repeats += 1;
            findings.push(
                checks::REPEATED_TAG
                    .finding(format!(
                        "tag 0x{:x} again (first at offset {first}); the phone keeps one",
                        r.tag
                    ))
                    .at_offset(r.offset),
            );
        }
        if r.tag == layout::TAG_EXTENDED {
            extended = Some(
                String::from_utf8_lossy(r.value.split(|&b| b == 0).next().unwrap_or_default())
                    .into_owned(),
            );
        }
    }
    (records, extended)
}

/// At most [`MAX_FINDINGS`], and a count of the rest.
fn limit_findings(findings: &mut Vec<Finding>) {
    if findings.len() > MAX_FINDINGS {
        let more = findings.len() - MAX_FINDINGS;
        findings.truncate(MAX_FINDINGS);
        let at = findings.last().and_then(Finding::offset).unwrap_or(0);
        findings.push(
            checks::MORE_FINDINGS
                .finding(format!("{more} more findings not listed"))
                .at_offset(at),
        );
    }
}

fn kind_name(unreadable: bool, encryption: Encryption, split: bool) -> &'static str {
    match (encryption, split) {
        _ if unreadable => "unknown",
        (Encryption::Strong, true) => "strong-encrypted profile (split base)",
        (Encryption::Strong, false) => "strong-encrypted profile",
        (Encryption::Weak, true) => "weak-encrypted profile (split base)",
        (Encryption::Weak, false) => "weak-encrypted profile",
        (Encryption::None, true) => "profile (split base)",
        (Encryption::None, false) => "profile",
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
        findings.push(
            checks::UNKNOWN_TAG
                .finding(format!("tag 0x{:x} is not in the table", r.tag))
                .at_offset(r.offset),
        );
    }
    if let Some(size) = known_size.filter(|&s| r.value.len() > s) {
        findings.push(
            checks::VALUE_TOO_LONG
                .finding(format!(
                    "{} is {} bytes, the table's size is {size}; the phone may cut it",
                    name.as_deref().unwrap_or("value"),
                    r.value.len()
                ))
                .at_offset(r.offset),
        );
    }
    let sensitive = is_secret(r.tag, desc.map_or(0, |d| d.fmt), name.as_deref());
    let value = if sensitive && !show_secrets {
        HIDDEN.to_string()
    } else {
        // Upgrade addresses as the device reads them (the original printed them reversed).
        let stored_order = DecodeOptions {
            reencodable: true,
            ..opts.clone()
        };
        let upgrade = matches!(
            r.tag,
            layout::TAG_UPGRADECODE
                | layout::TAG_UPGRADELANG
                | layout::TAG_UPGRADELOGO
                | layout::TAG_UPGRADEXML
        );
        let (line, _) = record_line(r, table, if upgrade { &stored_order } else { opts });
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
            .map(|f| (f.offset().unwrap_or(0), f.message.as_str()))
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

    fn compiled(text: &str, table: &TagTable) -> Vec<u8> {
        use crate::profile::{CompileOptions, compile};
        use crate::text::NoIncludes;
        let out = compile(
            text.as_bytes(),
            std::path::Path::new("p.txt"),
            &mut NoIncludes,
            table,
            &CompileOptions::default(),
        )
        .unwrap();
        out.files[0].bytes.clone()
    }

    fn sip7912() -> TagTable {
        TagTable::parse(BUILTIN_TABLES[1].text.as_bytes()).0
    }

    #[test]
    fn upgrade_addresses_read_as_the_device_reads_them() {
        let bytes = compiled(
            "#txt\nupgradecode:3,0x601,0x0400,0x0100,10.130.8.100,69,0x060111a,CP7912080000SIP060111A.sbin\nupgradelogo:0xa,10.130.8.100,logo.logo\n",
            &sip7912(),
        );
        // Stored in the order the device reads: 0a 82 08 64.
        assert!(bytes.windows(4).any(|w| w == [0x0a, 0x82, 0x08, 0x64]));
        let ins = inspect(&bytes, &sip7912(), "7912", &InspectOptions::default());
        let values: Vec<&str> = ins.records.iter().map(|r| r.value.as_str()).collect();
        assert!(values[0].contains(",10.130.8.100,"), "{values:?}");
        assert!(values[1].contains(",10.130.8.100,"), "{values:?}");
        // The legacy decoder keeps Cisco's reversed print.
        let (line, _) = record_line(
            &layout::walk(&bytes, 4).0[1],
            &sip7912(),
            &DecodeOptions::default(),
        );
        assert!(String::from_utf8_lossy(&line).contains(",100.8.130.10,"));
    }

    #[test]
    fn a_tie_goes_to_the_device_the_upgrade_image_is_for() {
        // Cisco's SIP gkdefault.cfg for the 7912 holds one record both tables know
        // (UIPassword) and an upgradecode naming a CP7912 image.
        let bytes = compiled(
            "#txt\nupgradecode:3,0x601,0x0400,0x0100,0.0.0.0,69,0x060111a,CP7912080000SIP060111A.sbin\nUIPassword:1234\n",
            &sip7912(),
        );
        let (_, name) = guess_table(&bytes, &InspectOptions::default());
        assert!(name.starts_with("builtin:7912"), "{name}");
        // The same records with an ATA image go to the ATA table.
        let bytes = compiled(
            "#txt\nupgradecode:3,0x301,0x0400,0x0200,0.0.0.0,69,0x020514a,ata18x-v2-15-020927a.zup\nUIPassword:1234\n",
            &sip7912(),
        );
        let (_, name) = guess_table(&bytes, &InspectOptions::default());
        assert!(name.starts_with("builtin:ata186"), "{name}");
    }

    #[test]
    fn the_guess_counts_records_explained_not_tags_known() {
        // Tag 1006 (DisplayName, 7912) twice and tag 0x17 once: the 7912 table explains all.
        let mut payload = Vec::new();
        layout::put_record(&mut payload, 1006, b"Lobby");
        layout::put_record(&mut payload, 1006, b"Hall");
        layout::put_record(&mut payload, 0x17, b"1234");
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&layout::header(&payload, layout::Checksum::Simple));
        bytes.extend_from_slice(&payload);
        let (_, name) = guess_table(&bytes, &InspectOptions::default());
        assert!(name.starts_with("builtin:7912"), "{name}");
    }

    #[test]
    fn unexplained_records_name_the_table_that_explains_them() {
        let bytes = compiled(
            "#txt\nDisplayName:Lobby\nShortName:L\nUseTftp:1\n",
            &sip7912(),
        );
        let ins = inspect(&bytes, &ata(), "builtin:ata186", &InspectOptions::default());
        let hint = ins
            .findings
            .iter()
            .find(|f| f.code == "other-table")
            .expect("a hint");
        assert_eq!(hint.severity, Severity::Info);
        assert!(hint.message.contains("builtin:7912"), "{}", hint.message);
        assert!(hint.message.starts_with("2 records"), "{}", hint.message);
        // Read with the right table, no hint.
        let ins = inspect(
            &bytes,
            &sip7912(),
            "builtin:7912",
            &InspectOptions::default(),
        );
        assert!(ins.findings.iter().all(|f| f.code != "other-table"));
    }
}
