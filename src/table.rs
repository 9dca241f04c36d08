//! Tag tables (`ptag.dat`, `sip_ptag.dat`): which tag, value format and size each
//! parameter name has, in which protocol context.

use std::fmt;

use crate::cnum::{Signedness, parse_c_int};

/// Format bits of a descriptor (`tagFmtBit`).
pub mod fmt_bits {
    pub const IPV4: u16 = 0x0002;
    pub const INT: u16 = 0x0004;
    pub const DIGITS: u16 = 0x0008;
    pub const STRING: u16 = 0x0010;
    pub const BOOL: u16 = 0x0020;
    pub const SHORTS: u16 = 0x0040;
    pub const EXT_IP: u16 = 0x0080;
    pub const OLD_TONE: u16 = 0x0100;
    pub const UNSIGNED: u16 = 0x0200;
    pub const HEX: u16 = 0x0400;
    pub const SENSITIVE: u16 = 0x4000;
    pub const EXTENDED: u16 = 0x8000;
}

/// Protocol context bits, also the values of the `-h323 -sip -mgcp -sccp` filter switches.
pub mod context {
    pub const H323: u16 = 0x1;
    pub const SIP: u16 = 0x2;
    pub const MGCP: u16 = 0x4;
    pub const SCCP: u16 = 0x8;
    /// Every bit: a line without a context field, and the set when no protocol switch is
    /// given.
    pub const ALL: u16 = 0xFFFF;
}

/// One of the protocols a `-h323 -sip -mgcp -sccp` switch names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    H323,
    Sip,
    Mgcp,
    Sccp,
}

impl Protocol {
    /// Its context bit in a table line.
    pub const fn context(self) -> u16 {
        match self {
            Protocol::H323 => context::H323,
            Protocol::Sip => context::SIP,
            Protocol::Mgcp => context::MGCP,
            Protocol::Sccp => context::SCCP,
        }
    }
}

/// The protocols whose table lines a run sees: a set of context bits. The default is all
/// of them, so lines of any context, even bits no switch names, are seen; the switches
/// narrow it to the protocols given (and then a line with only other bits is not).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Protocols(u16);

impl Default for Protocols {
    fn default() -> Self {
        Protocols::ALL
    }
}

impl Protocols {
    /// What a run without protocol switches sees.
    pub const ALL: Protocols = Protocols(context::ALL);

    /// The set the protocol switches select: those given, or all when none is. This is
    /// the one place where "no switch" means "every protocol".
    pub fn from_switches(given: impl IntoIterator<Item = Protocol>) -> Protocols {
        Protocols::from_bits(given.into_iter().fold(0, |bits, p| bits | p.context()))
    }

    /// From the switches' context bits ORed, as the original kept them (0, no switch,
    /// is all).
    pub const fn from_bits(bits: u16) -> Protocols {
        if bits == 0 {
            Protocols::ALL
        } else {
            Protocols(bits)
        }
    }

    /// The context bits, never 0.
    pub const fn bits(self) -> u16 {
        self.0
    }

    /// Whether no switch narrowed the set.
    pub const fn is_all(self) -> bool {
        self.0 == context::ALL
    }

    pub const fn contains(self, protocol: Protocol) -> bool {
        self.0 & protocol.context() != 0
    }

    /// Whether a table line of this context is seen.
    pub const fn intersects(self, context: u16) -> bool {
        self.0 & context != 0
    }
}

impl From<Protocol> for Protocols {
    fn from(p: Protocol) -> Self {
        Protocols(p.context())
    }
}

/// Context bits as callers that still hold them pass them ([`Protocols::from_bits`]).
impl From<u16> for Protocols {
    fn from(bits: u16) -> Self {
        Protocols::from_bits(bits)
    }
}

impl fmt::Debug for Protocols {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("Protocols(all)");
        }
        let names: Vec<String> = [
            Protocol::H323,
            Protocol::Sip,
            Protocol::Mgcp,
            Protocol::Sccp,
        ]
        .into_iter()
        .filter(|p| self.contains(*p))
        .map(|p| format!("{p:?}"))
        .collect();
        write!(f, "Protocols({}; 0x{:x})", names.join("|"), self.0)
    }
}

/// Tags below this are "small": one record each, written in ascending order.
pub const FIRST_BIG_TAG: u16 = 0xFF;
/// Largest tag table read, far above any real one (Cisco's are a few KiB).
pub const MAX_TABLE_BYTES: usize = 1 << 20;

/// One line of a tag table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor {
    pub tag: u16,
    pub fmt: u16,
    pub name: String,
    pub size: u16,
    pub context: u16,
    /// 1-based line in the table file.
    pub line: usize,
}

impl Descriptor {
    /// The name's bytes as the table file held them (each character of `name` stands for
    /// one byte): what a profile's name is compared with, as the original compared
    /// the two C strings.
    pub fn raw_name(&self) -> std::borrow::Cow<'_, [u8]> {
        if self.name.is_ascii() {
            std::borrow::Cow::Borrowed(self.name.as_bytes())
        } else {
            std::borrow::Cow::Owned(self.name.chars().map(|c| c as u32 as u8).collect())
        }
    }

    pub fn is_big(&self) -> bool {
        self.tag >= FIRST_BIG_TAG
    }
    pub fn is_sensitive(&self) -> bool {
        self.fmt & fmt_bits::SENSITIVE != 0
    }
}

/// What the original did not like about one table line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TableWarningKind {
    /// Fewer than four fields: the line is skipped. `text` is the piece the original read
    /// (at most 79 bytes, with its line feed), up to any NUL, as it printed it.
    BadPtag { text: Vec<u8> },
    /// A field of 32 or more characters: the original overran a 32-byte buffer and crashed;
    /// the line is kept with the whole field (a deliberate difference).
    LongField { field: &'static str },
}

/// A problem with one table line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableWarning {
    /// The original's line number: it counted pieces of at most 79 bytes, so a longer
    /// line counts twice or more.
    pub line: usize,
    pub kind: TableWarningKind,
}

impl TableWarning {
    /// The message for stderr: as [`fmt::Display`] shows it, but bytes of the line that are
    /// not UTF-8 stay as they were (the original printed the line raw), not U+FFFD.
    pub fn to_bytes(&self) -> Vec<u8> {
        let TableWarningKind::BadPtag { text } = &self.kind else {
            return self.to_string().into_bytes();
        };
        let mut out = format!("warning: line {}, bad ptag ", self.line).into_bytes();
        for chunk in text.utf8_chunks() {
            for c in chunk.valid().chars() {
                push_shown(&mut out, c);
            }
            out.extend_from_slice(chunk.invalid());
        }
        out
    }
}

/// A character of a bad table line: control characters other than TAB, CR and LF escaped
/// (`\x1b`), so a table cannot drive the terminal.
fn push_shown(out: &mut Vec<u8>, c: char) {
    if c.is_control() && !matches!(c, '\t' | '\r' | '\n') {
        out.extend_from_slice(format!("\\x{:02x}", u32::from(c)).as_bytes());
    } else {
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

impl fmt::Display for TableWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            // The piece keeps its line feed, so the original printed an empty line after it.
            // Control characters other than TAB, CR and LF are shown escaped (`\x1b`), so
            // a table cannot drive the terminal; the original printed them raw.
            TableWarningKind::BadPtag { text } => {
                write!(f, "warning: line {}, bad ptag ", self.line)?;
                for c in String::from_utf8_lossy(text).chars() {
                    if c.is_control() && !matches!(c, '\t' | '\r' | '\n') {
                        write!(f, "\\x{:02x}", u32::from(c))?;
                    } else {
                        write!(f, "{c}")?;
                    }
                }
                Ok(())
            }
            TableWarningKind::LongField { field } => write!(
                f,
                "warning: line {} of the ptag file: {field} has 32 or more characters and is \
                 kept whole (cfgfmt 2.3 would overrun a 32-byte buffer and crash)",
                self.line
            ),
        }
    }
}

/// A loaded tag table with its name and tag indexes.
///
/// The indexes find entries by the hash of their folded name (a hash map, then a chain
/// back through earlier entries of the same hash) and by tag (sorted, searched by
/// bisection, file order kept within a tag): built once with a few allocations, none per
/// lookup (a table is loaded on every run of the compiler, and a name looked up on every
/// line compiled).
#[derive(Debug, Clone, Default)]
pub struct TagTable {
    entries: Vec<Descriptor>,
    /// The last entry whose folded name has this hash (names are compared on lookup, so
    /// a hash shared by two names is harmless).
    by_name: NameMap,
    /// Per entry: its folded name's key, and the entry before it with the same hash.
    keys: Vec<FoldedKey>,
    same_hash: Vec<u32>,
    by_tag: Vec<u32>,
}

/// A hash of a name folded to lower case, eight bytes at a time: names are short, and a
/// table holds at most a few thousand (its size is bounded), so a simple fixed hash
/// beats SipHash, and folding as it hashes needs no copy of the name. Every name is
/// looked up on every line compiled.
fn folded_hash(name: &[u8]) -> FoldedKey {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = name.len() as u64;
    let mut head = [0u64; 2];
    let mut at = 0;
    while at < name.len() {
        let word = lower8(word_at(name, at));
        if let Some(w) = head.get_mut(at / 8) {
            *w = word;
        }
        h = (h ^ word).wrapping_mul(K).rotate_left(23);
        at += 8;
    }
    FoldedKey {
        hash: h ^ (h >> 29),
        head,
        len: name.len(),
    }
}

/// A name's hash, and its first sixteen bytes folded: names that long or shorter (most)
/// are told apart by these alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FoldedKey {
    hash: u64,
    head: [u64; 2],
    len: usize,
}

/// No earlier entry in [`TagTable::same_hash`].
const NO_ENTRY: u32 = u32::MAX;

/// The map's keys are already hashes: used as they are.
#[derive(Default, Clone, Copy)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used (the keys are `u64`); any other input still hashes.
        self.0 = bytes
            .iter()
            .fold(self.0, |h, &b| h.rotate_left(8) ^ u64::from(b));
    }
    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }
}

type NameMap = std::collections::HashMap<u64, u32, std::hash::BuildHasherDefault<Prehashed>>;

/// Whether two names are equal but for ASCII case (`eq_ignore_ascii_case`), eight bytes
/// at a time.
fn eq_folded(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut at = 0;
    while at < a.len() {
        if lower8(word_at(a, at)) != lower8(word_at(b, at)) {
            return false;
        }
        at += 8;
    }
    true
}

/// The eight bytes from `at` as a little-endian word, zeros past the end. A short last
/// word is read as overlapping loads (the same bytes land on the same places), not byte
/// by byte: every line compiled looks its name up.
fn word_at(bytes: &[u8], at: usize) -> u64 {
    fn load<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
        bytes.get(at..at + N)?.try_into().ok()
    }
    let len = bytes.len();
    let rest = len.saturating_sub(at);
    let word = |at| load::<8>(bytes, at).map_or(0, u64::from_le_bytes);
    let half = |at| load::<4>(bytes, at).map_or(0, |b| u64::from(u32::from_le_bytes(b)));
    let quarter = |at| load::<2>(bytes, at).map_or(0, |b| u64::from(u16::from_le_bytes(b)));
    match rest {
        0 => 0,
        8.. => word(at),
        // The last eight bytes, those before `at` shifted out.
        _ if len >= 8 => word(len - 8) >> (64 - 8 * rest),
        4..=7 => half(at) | half(len - 4) << (8 * (rest - 4)),
        2..=3 => quarter(at) | quarter(len - 2) << (8 * (rest - 2)),
        _ => bytes.get(at).map_or(0, |&b| u64::from(b)),
    }
}

/// Eight bytes with ASCII capitals made small, as `to_ascii_lowercase` would, at once: a
/// byte's low seven bits plus 0x3f reach its top bit from `A` on, plus 0x25 from past
/// `Z`; bytes of 0x80 and above stay.
fn lower8(x: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const TOP: u64 = 0x8080_8080_8080_8080;
    let low7 = x & LOW7;
    let from_a = low7 + 0x3f3f_3f3f_3f3f_3f3f;
    let past_z = low7 + 0x2525_2525_2525_2525;
    let capital = from_a & !past_z & !x & TOP;
    x | (capital >> 2)
}

/// The original read tables with `fgets` into an 80-byte buffer: pieces of at most 79
/// bytes, each ending at a line feed if one comes first.
const PIECE: usize = 79;

/// Splits a table into the pieces `fgets` returned.
fn pieces(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let window = rest.get(..PIECE.min(rest.len())).unwrap_or(rest);
        let len = crate::text::find_byte(b'\n', window).map_or(window.len(), |p| p + 1);
        let (piece, tail) = rest.split_at(len);
        rest = tail;
        Some(piece)
    })
}

/// The piece as a C string: up to its first NUL.
fn c_string(piece: &[u8]) -> &[u8] {
    match crate::text::find_byte(0, piece) {
        Some(end) => piece.get(..end).unwrap_or_default(),
        None => piece,
    }
}

/// Fields are separated by comma, space and tab (not line ends: the last field keeps the
/// piece's CR/LF).
fn fields(piece: &[u8]) -> impl Iterator<Item = &[u8]> {
    let is_separator = |b: &u8| matches!(b, b',' | b' ' | b'\t');
    let mut rest = c_string(piece);
    std::iter::from_fn(move || {
        let start = rest.iter().position(|b| !is_separator(b))?;
        let field = rest.get(start..)?;
        let len = field.iter().position(is_separator).unwrap_or(field.len());
        let (field, after) = field.split_at(len);
        rest = after;
        Some(field)
    })
}

/// A number field as `strtoul(field, NULL, 0)` kept to 16 bits: leading blanks and a sign
/// allowed, anything after the digits ignored, no digits at all is 0.
fn number(field: &[u8]) -> u16 {
    parse_c_int(field, Signedness::Unsigned).map_or(0, |c| c.value as u16)
}

/// Bytes as characters of the same values (a table's names are ASCII; other bytes keep
/// their value as Latin-1).
fn latin1(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    text.extend(bytes.iter().map(|&b| char::from(b)));
    text
}

/// Longest field the original copied without overrunning its 32-byte buffers.
const MAX_FIELD: usize = 31;

fn parse_piece(piece: &[u8], line: usize, warnings: &mut Vec<TableWarning>) -> Option<Descriptor> {
    let mut tokens = fields(piece);
    let (Some(tag), Some(fmt), Some(name), Some(size)) =
        (tokens.next(), tokens.next(), tokens.next(), tokens.next())
    else {
        warnings.push(TableWarning {
            line,
            kind: TableWarningKind::BadPtag {
                text: c_string(piece).to_vec(),
            },
        });
        return None;
    };
    // A fifth field that is only the line end (`…,8 \n`, `…,8,\n`) reads as context 0:
    // a line no protocol filter reaches.
    let context = tokens.next();
    for (field, text) in [
        ("the tag", Some(tag)),
        ("the format", Some(fmt)),
        ("the name", Some(name)),
        ("the size", Some(size)),
        ("the context", context),
    ] {
        if text.is_some_and(|t| t.len() > MAX_FIELD) {
            warnings.push(TableWarning {
                line,
                kind: TableWarningKind::LongField { field },
            });
        }
    }
    Some(Descriptor {
        tag: number(tag),
        fmt: number(fmt),
        name: latin1(name),
        size: number(size),
        context: context.map_or(context::ALL, number),
        line,
    })
}

impl TagTable {
    /// Reads a table as the original did; bad lines are skipped and reported, nothing here
    /// is fatal.
    pub fn parse(text: &[u8]) -> (TagTable, Vec<TableWarning>) {
        let mut table = TagTable::default();
        let mut warnings = Vec::new();
        for (index, piece) in pieces(text).enumerate() {
            if matches!(piece.first(), Some(b'#' | b'\n' | b'\r')) {
                continue;
            }
            if let Some(d) = parse_piece(piece, index + 1, &mut warnings) {
                table.entries.push(d);
            }
        }
        table.index();
        (table, warnings)
    }

    /// Builds both indexes; each sorts by its key, then file order.
    fn index(&mut self) {
        let all = 0..u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        let n = self.entries.len();
        let mut by_name = NameMap::with_capacity_and_hasher(n, Default::default());
        let (mut keys, mut same_hash) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for i in all.clone() {
            let key = folded_hash(&self.name_of(i));
            keys.push(key);
            same_hash.push(by_name.insert(key.hash, i).unwrap_or(NO_ENTRY));
        }
        let mut by_tag: Vec<u32> = all.collect();
        // Tables usually list their tags in order: then there is nothing to sort.
        let tag_and_line = |&i: &u32| (self.entry(i).map_or(0, |d| d.tag), i);
        if !by_tag.is_sorted_by_key(tag_and_line) {
            by_tag.sort_unstable_by_key(tag_and_line);
        }
        self.by_name = by_name;
        self.keys = keys;
        self.same_hash = same_hash;
        self.by_tag = by_tag;
    }

    fn entry(&self, i: u32) -> Option<&Descriptor> {
        self.entries.get(i as usize)
    }

    fn name_of(&self, i: u32) -> std::borrow::Cow<'_, [u8]> {
        self.entry(i)
            .map_or(std::borrow::Cow::Borrowed(&[][..]), Descriptor::raw_name)
    }

    /// The last entry of `run` (indexes into the entries) that the protocols see.
    fn last_in_context(
        &self,
        run: impl DoubleEndedIterator<Item = u32>,
        protocols: Protocols,
    ) -> Option<&Descriptor> {
        run.rev()
            .filter_map(|i| self.entry(i))
            .find(|d| protocols.intersects(d.context))
    }

    pub fn entries(&self) -> &[Descriptor] {
        &self.entries
    }

    /// Encoding lookup: the last line whose name matches (any case) that the protocols see
    /// (the original prepended each line to a list and took the first match).
    pub fn by_name(
        &self,
        name: impl AsRef<[u8]>,
        protocols: impl Into<Protocols>,
    ) -> Option<&Descriptor> {
        // Names match as the original matched them: ASCII letters in any case are equal.
        let name = name.as_ref();
        let key = folded_hash(name);
        let protocols = protocols.into();
        // From the last entry with this hash back to the first.
        let mut at = *self.by_name.get(&key.hash)?;
        loop {
            let i = at as usize;
            let d = self.entries.get(i)?;
            if self.keys.get(i) == Some(&key)
                && (name.len() <= 16 || eq_folded(&d.raw_name(), name))
                && protocols.intersects(d.context)
            {
                return Some(d);
            }
            at = *self.same_hash.get(i).filter(|&&p| p != NO_ENTRY)?;
        }
    }

    /// Decoding lookup: the last line with that tag that the protocols see (the original
    /// prepended each line to a list, so the last one was found first).
    pub fn by_tag(&self, tag: u16, protocols: impl Into<Protocols>) -> Option<&Descriptor> {
        let tag_of = |i: u32| self.entry(i).map_or(0, |d| d.tag);
        let start = self.by_tag.partition_point(|&i| tag_of(i) < tag);
        let rest = self.by_tag.get(start..).unwrap_or_default();
        let len = rest.partition_point(|&i| tag_of(i) == tag);
        let run = rest.get(..len).unwrap_or_default();
        self.last_in_context(run.iter().copied(), protocols.into())
    }
}

/// A tag table compiled into the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinTable {
    /// Canonical name, used as `-tbuiltin:<name>` or `--table builtin:<name>`.
    pub name: &'static str,
    /// Other accepted names.
    pub aliases: &'static [&'static str],
    pub description: &'static str,
    /// The file it stands for in Cisco's packages.
    pub vendor_file: &'static str,
    pub text: &'static str,
}

/// Prefix that selects a built-in table where a path is expected.
pub const BUILTIN_PREFIX: &str = "builtin:";

pub const BUILTIN_TABLES: &[BuiltinTable] = &[
    BuiltinTable {
        name: "ata186",
        aliases: &["ata", "ata188", "ata186-sip-3.1"],
        description: "ATA 186/188 SIP 3.1 (also H.323, MGCP, SCCP aliases)",
        vendor_file: "ptag.dat",
        text: include_str!("../formats/tables/ata186-sip-3.1.dat"),
    },
    BuiltinTable {
        name: "7912",
        aliases: &["7905", "7905-7912", "7905-7912-sip", "sip_ptag"],
        description: "7905G/7912G SIP",
        vendor_file: "sip_ptag7912.dat",
        text: include_str!("../formats/tables/7905-7912-sip.dat"),
    },
];

/// Finds a built-in table by name or alias (any case).
pub fn builtin(name: &str) -> Option<&'static BuiltinTable> {
    BUILTIN_TABLES.iter().find(|t| {
        t.name.eq_ignore_ascii_case(name) || t.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> (TagTable, Vec<TableWarning>) {
        TagTable::parse(text.as_bytes())
    }

    #[test]
    fn builtin_tables_load_cleanly() {
        for b in BUILTIN_TABLES {
            let (t, w) = table(b.text);
            assert!(w.is_empty(), "{}: {w:?}", b.name);
            assert!(t.entries().len() > 70, "{}", b.name);
        }
        assert_eq!(table(BUILTIN_TABLES[0].text).0.entries().len(), 110);
    }

    #[test]
    fn separators_crlf_and_default_context() {
        let (t, w) = table("#c\r\n1 0x400 Huge 99\r\n2,\t0x10,,Name,8,0x2\n\n");
        assert!(w.is_empty());
        assert_eq!(t.entries().len(), 2);
        assert_eq!(t.entries()[0].context, 0xFFFF);
        assert_eq!(t.entries()[1].name, "Name");
        assert_eq!(t.entries()[1].context, 2);
    }

    fn bad(w: &TableWarning) -> String {
        w.to_string()
    }

    /// Recorded from cfgfmt 2.3: fewer than four fields is `bad ptag` with the line as read
    /// (its line feed included, so an empty line follows); blank lines are bad too.
    #[test]
    fn bad_lines_print_the_piece_read() {
        let (t, w) = table("1,0x10,Name\n#\n  \n\t\n5\n,0x10,Name,8\n7,0x10,Ok,4");
        assert_eq!(t.entries().len(), 1);
        let got: Vec<String> = w.iter().map(bad).collect();
        assert_eq!(
            got,
            [
                "warning: line 1, bad ptag 1,0x10,Name\n",
                "warning: line 3, bad ptag   \n",
                "warning: line 4, bad ptag \t\n",
                "warning: line 5, bad ptag 5\n",
                "warning: line 6, bad ptag ,0x10,Name,8\n",
            ]
        );
    }

    /// Recorded from cfgfmt 2.3: numbers are `strtoul` prefixes cut to 16 bits, and nothing
    /// is range-checked (`x` is tag 0, `zz` size 0, 0x10001 tag 1, 0x10002 context 2).
    #[test]
    fn numbers_are_strtoul_prefixes_cut_to_16_bits() {
        let (t, w) = table(
            "x,0x10,A,8\n1,0x10,B,zz\n0x10001,0x10,C,600\n1,0x10,D,8,0x10002\n-1,0x10,E,8\n\
             +5,0x10,F,8\x0b\n",
        );
        assert!(w.is_empty());
        let e = t.entries();
        assert_eq!((e[0].tag, e[0].size), (0, 8));
        assert_eq!(e[1].size, 0);
        assert_eq!((e[2].tag, e[2].size), (1, 600));
        assert_eq!(e[3].context, 2);
        assert_eq!(e[4].tag, 0xFFFF);
        assert_eq!((e[5].tag, e[5].size), (5, 8));
    }

    /// Recorded from cfgfmt 2.3: a fifth field that is only the line end reads as context 0,
    /// so `Name` is then an unknown attribute.
    #[test]
    fn trailing_separator_means_context_zero() {
        for text in ["1,0x10,Name,8 \n", "1,0x10,Name,8,\n", "1,0x10,Name,8,,,\n"] {
            let (t, w) = table(text);
            assert!(w.is_empty());
            assert_eq!(t.entries()[0].context, 0, "{text:?}");
            assert!(t.by_name("Name", context::ALL).is_none());
        }
        let (t, _) = table("1,0x10,Name,8\r\n");
        assert_eq!(t.entries()[0].context, 0xFFFF);
    }

    /// Recorded from cfgfmt 2.3: lines are read in pieces of 79 bytes, each counted as a
    /// line; the rest of a long comment is a line of its own.
    #[test]
    fn long_lines_are_read_in_79_byte_pieces() {
        let text = format!("#{}\n1,0x10,Name,8\nZ", "x".repeat(100));
        let (t, w) = table(&text);
        assert_eq!(t.entries().len(), 1);
        assert_eq!(t.entries()[0].line, 3);
        assert_eq!(
            bad(&w[0]),
            format!("warning: line 2, bad ptag {}\n", "x".repeat(22))
        );
        assert_eq!(bad(&w[1]), "warning: line 4, bad ptag Z");
        // 79 bytes then the line feed alone: the line feed is a skipped line of its own.
        let text = format!("#{}\n1,0x10,Name,8\n", "x".repeat(78));
        let (t, w) = table(&text);
        assert!(w.is_empty());
        assert_eq!(t.entries()[0].line, 3);
        let text = format!("1,0x10,Name,8{}\n", " ".repeat(80));
        let (t, w) = table(&text);
        assert_eq!(t.entries()[0].context, 0xFFFF);
        assert_eq!(
            bad(&w[0]),
            format!("warning: line 2, bad ptag {}\n", " ".repeat(14))
        );
    }

    #[test]
    fn a_nul_ends_the_line() {
        let (t, w) = table("1,0x10,Name,8\x00junk\n");
        assert!(w.is_empty());
        assert_eq!(t.entries()[0].size, 8);
    }

    /// cfgfmt 2.3 crashed on fields of 32+ characters; we keep them whole and say so.
    #[test]
    fn long_fields_are_kept_with_a_warning() {
        let text = format!(
            "1,0x10,{},8\n{}5,0x10,N,8\n",
            "N".repeat(32),
            "0".repeat(31)
        );
        let (t, w) = table(&text);
        assert_eq!(t.entries()[0].name.len(), 32);
        assert_eq!(t.entries()[1].tag, 5);
        assert_eq!(w.len(), 2);
        assert!(bad(&w[0]).contains("(cfgfmt 2.3 would "));
        assert!(bad(&w[0]).starts_with("warning: line 1 of the ptag file: the name"));
    }

    #[test]
    fn long_comment_lines_are_fine() {
        let text = format!("#{}\n3,0x0006,StaticIP,4\n", "-".repeat(77));
        let (t, w) = table(&text);
        assert!(w.is_empty());
        assert_eq!(t.entries().len(), 1);
    }

    #[test]
    fn tags_above_ff_and_7fff() {
        let (t, w) = table("0x2001,0x020C,RegMode,4,0x8\n0x8000,0x10,TooBig,4\n");
        assert!(w.is_empty());
        assert!(t.entries()[0].is_big());
        assert_eq!(t.entries()[1].tag, 0x8000);
    }

    #[test]
    fn ata_alias_rules() {
        let (t, _) = table(BUILTIN_TABLES[0].text);
        // Decoding: last matching line.
        assert_eq!(
            t.by_tag(21, context::ALL).map(|d| d.name.as_str()),
            Some("UseH323ID")
        );
        assert_eq!(
            t.by_tag(21, context::SIP).map(|d| d.name.as_str()),
            Some("UseLoginID")
        );
        assert_eq!(t.by_tag(21, context::MGCP), None);
        assert_eq!(
            t.by_tag(29, context::ALL).map(|d| d.name.as_str()),
            Some("CA0orCM0")
        );
        assert_eq!(
            t.by_tag(47, context::SIP).map(|d| d.name.as_str()),
            Some("ConfirmTone")
        );
        assert_eq!(
            t.by_tag(44, context::H323).map(|d| d.name.as_str()),
            Some("H323id0")
        );
        // Encoding: the last match in context, any case.
        assert_eq!(t.by_name("gateway", context::ALL).map(|d| d.tag), Some(30));
        assert_eq!(t.by_name("Gateway", context::SIP), None);
        assert_eq!(
            t.by_name("GKORPROXY", context::SIP).map(|d| d.tag),
            Some(29)
        );
    }

    /// Recorded from cfgfmt 2.3: `Name:abc` with two `Name` lines stores tag 6; with
    /// contexts 3 and 2 and `-sip`, also tag 6.
    #[test]
    fn encode_lookup_takes_last_of_duplicate_names() {
        let (t, _) = table("5,0x10,Dup,4\n6,0x10,Dup,4\n");
        assert_eq!(t.by_name("dup", context::ALL).map(|d| d.tag), Some(6));
        let (t, _) = table("5,0x10,Dup,4,3\n6,0x10,Dup,4,2\n");
        assert_eq!(t.by_name("dup", context::SIP).map(|d| d.tag), Some(6));
        assert_eq!(t.by_name("dup", context::H323).map(|d| d.tag), Some(5));
    }

    /// Found by fuzzing (`table_parse`): a line with context 0 is in no protocol, so no
    /// filter reaches it, by name or by tag.
    #[test]
    fn context_zero_is_never_found() {
        let (t, w) = table("5,0x10,Nowhere,4,0\n");
        assert!(w.is_empty());
        assert_eq!(t.entries().len(), 1);
        assert!(t.by_name("Nowhere", context::ALL).is_none());
        assert!(t.by_tag(5, context::ALL).is_none());
    }

    /// No switch is every context bit (a line of context 0x10 is seen); the four switches
    /// together are only their bits (it is not), as in the original.
    #[test]
    fn protocol_sets() {
        assert_eq!(Protocols::default(), Protocols::ALL);
        assert_eq!(Protocols::from_switches([]), Protocols::ALL);
        assert_eq!(Protocols::from_bits(0), Protocols::ALL);
        let sip = Protocols::from_switches([Protocol::Sip, Protocol::Sip]);
        assert_eq!(sip.bits(), context::SIP);
        assert!(sip.contains(Protocol::Sip) && !sip.contains(Protocol::H323));
        let four = Protocols::from_switches([
            Protocol::H323,
            Protocol::Sip,
            Protocol::Mgcp,
            Protocol::Sccp,
        ]);
        assert!(!four.is_all() && Protocols::ALL.intersects(0x10) && !four.intersects(0x10));
        let (t, _) = table("5,0x10,Other,4,0x10\n");
        assert!(t.by_name("Other", Protocols::ALL).is_some());
        assert!(t.by_name("Other", four).is_none());
        assert_eq!(format!("{sip:?}"), "Protocols(Sip; 0x2)");
    }

    #[test]
    fn builtin_lookup_by_alias() {
        assert_eq!(builtin("ATA").map(|b| b.name), Some("ata186"));
        assert_eq!(builtin("7905").map(|b| b.name), Some("7912"));
        assert!(builtin("nope").is_none());
    }

    /// The word-at-a-time fold is `to_ascii_lowercase` on every byte value, and names
    /// equal but for case hash alike whatever their length.
    #[test]
    fn folded_hash_ignores_ascii_case_only() {
        for b in 0..=255u8 {
            let word = u64::from_le_bytes([b, b'Q', 0x80, b, b'z', b'@', b'[', b]);
            let want = u64::from_le_bytes([
                b.to_ascii_lowercase(),
                b'q',
                0x80,
                b.to_ascii_lowercase(),
                b'z',
                b'@',
                b'[',
                b.to_ascii_lowercase(),
            ]);
            assert_eq!(lower8(word), want, "byte {b:#04x}");
        }
        let name = b"SIPRegInterval2-\xc9Tone";
        for len in 0..=name.len() {
            let n = &name[..len];
            assert_eq!(
                folded_hash(n),
                folded_hash(&n.to_ascii_lowercase()),
                "{len}"
            );
            assert_eq!(
                folded_hash(n),
                folded_hash(&n.to_ascii_uppercase()),
                "{len}"
            );
        }
        assert_eq!(folded_hash(b"DialTone").len, 8);
        assert_ne!(folded_hash(b"Proxy1"), folded_hash(b"Proxy2"));
        for (a, b) in [
            (&b"DialTone"[..], &b"dialtone"[..]),
            (b"SIPRegInterval2", b"sipreginterval2"),
            (b"Proxy1", b"Proxy2"),
            (b"a@", b"a`"),
            (b"Z[", b"z{"),
            (b"", b""),
            (b"abc", b"abcd"),
        ] {
            assert_eq!(eq_folded(a, b), a.eq_ignore_ascii_case(b), "{a:?} {b:?}");
        }
        assert_ne!(folded_hash(b"a"), folded_hash(b"a\0"));
        // Every length and offset reads the bytes a plain copy would.
        let bytes: Vec<u8> = (1..=40u8).map(|b| b.wrapping_mul(37)).collect();
        for len in 0..=bytes.len() {
            let b = &bytes[..len];
            for at in (0..len + 8).step_by(8) {
                let mut word = [0u8; 8];
                for (d, s) in word.iter_mut().zip(b.iter().skip(at)) {
                    *d = *s;
                }
                assert_eq!(
                    word_at(b, at),
                    u64::from_le_bytes(word),
                    "len {len} at {at}"
                );
            }
        }
    }

    /// Recorded from cfgfmt 2.3: a name with a byte above 0x7f matches the profile's name
    /// byte for byte, ASCII letters in any case (`CAF\xe9x` found `Caf\xe9X`).
    #[test]
    fn names_match_on_their_raw_bytes() {
        let (t, _) = TagTable::parse(
            b"20,0x0028,Caf\xe9X,1\n21,0x0028,Plain,1\n22,0x0010,LongerThanSixteen\xe9\xfa,8\n",
        );
        assert_eq!(
            t.by_name(b"CAF\xe9x", context::ALL).map(|d| d.tag),
            Some(20)
        );
        assert_eq!(t.by_name(b"caf\xc9x", context::ALL), None);
        assert_eq!(
            t.by_name(b"longerthansixteen\xe9\xfa", context::ALL)
                .map(|d| d.tag),
            Some(22)
        );
        assert_eq!(t.by_name(b"longerthansixteen\xe9\xfb", context::ALL), None);
        // Found by fuzzing (table_parse): a lone byte above 0x7f as the name.
        let (t2, _) = TagTable::parse(b"- 9,\x81 \n");
        let d = &t2.entries()[0];
        assert_eq!(&*d.raw_name(), b"\x81");
        assert!(t2.by_name(b"\x81", context::ALL).is_some());
        let d = t.by_name(b"Plain", context::ALL).unwrap();
        assert_eq!(&*d.raw_name(), b"Plain");
        let d = t.by_name(b"CAF\xe9X", context::ALL).unwrap();
        assert_eq!(&*d.raw_name(), b"Caf\xe9X");
    }
}
