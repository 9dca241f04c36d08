//! The compiler: text profile items → `#ata` files.

use std::path::Path;

use super::layout::{self, Checksum, MAGIC};
use crate::codec::{self, Appended, MAX_VALUE};
use crate::crypto::{self, StrongKey, WeakKey, WeakKeyProblem};
use crate::diag::{DiagKind, Diagnostic, Error, Location, Result};
use crate::table::{FIRST_BIG_TAG, Protocols, TagTable, fmt_bits};
use crate::text::{IncludeLoader, Item, ItemSink, TEXT_MAGIC, read_profile_into};

/// Estimated size at which the original split its output on its own (by its own, flawed
/// estimate of the file's size, which the compiler reproduces).
pub const AUTO_SPLIT_AT: usize = 2001;
/// The original built each file in a stack buffer: bytes from this offset on overwrote the
/// output name it used next (the extended file's name and the split pointer).
const NAME_OVERRUN: usize = 2048;
/// From this offset on the buffer overlapped the RC4 state set up to encrypt it.
const RC4_OVERRUN: usize = 2176;
/// Files longer than this overran the stack frame: the original crashed.
const CRASH_OVERRUN: usize = 2436;
pub use crate::crypto::MAX_WEAK_KEY;
/// Most distinct big/pseudo tags the original kept.
pub const MAX_BIG_TAGS: usize = 255;

/// How to compile: the original's switches.
#[derive(Debug, Clone)]
pub struct CompileOptions {
    /// The protocols whose table lines name the parameters (`-h323 -sip -mgcp -sccp`).
    pub protocols: Protocols,
    /// `-g`: leave out sensitive (0x4000) parameters.
    pub omit_sensitive: bool,
    /// `-split`: always write an extended file.
    pub force_split: bool,
    /// `-e`: the weak key (the profile's own `EncryptKey` wins unless `-E`).
    pub weak_key: Option<WeakKey>,
    /// `-x`: the strong key (the profile's own `EncryptKeyEx` wins unless `-X`).
    pub strong_key: Option<StrongKey>,
    /// `-E`: do not encrypt with the profile's own `EncryptKey`.
    pub ignore_profile_key: bool,
    /// `-X`: do not write strong files for the profile's own `EncryptKeyEx`.
    pub ignore_profile_key_ex: bool,
    /// The output path as typed: the split pointer record names `<output>.ex`.
    pub output_name: String,
    /// `-v`: progress lines.
    pub verbose: bool,
    /// The strong scheme's random mask, one per file; drawn from the OS when `None`.
    pub rand8: Option<[u8; 8]>,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            protocols: Protocols::ALL,
            omit_sensitive: false,
            force_split: false,
            weak_key: None,
            strong_key: None,
            ignore_profile_key: false,
            ignore_profile_key_ex: false,
            output_name: String::new(),
            verbose: false,
            rand8: None,
        }
    }
}

/// One file to write: `<output>` + `suffix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// `""`, `".ex"`, `".x"` or `".xex"`.
    pub suffix: &'static str,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileOutput {
    pub files: Vec<OutputFile>,
    /// In the order the original printed them.
    pub diagnostics: Vec<Diagnostic>,
    /// The key the strong files (`.x`, `.xex`) were encrypted with, if any were written:
    /// lets a caller compare them with files on disk, whose random mask differs.
    pub strong_key: Option<[u8; 32]>,
}

/// A stored value: its bytes are `len` bytes at `start` of the store's one buffer.
#[derive(Debug, Clone, Copy)]
struct Record {
    tag: u16,
    /// The descriptor's format: decides `-g` and splitting. Zero for tool-made tags.
    fmt: u16,
    start: u32,
    len: u32,
}

/// Unused bytes the value buffer may hold before it is compacted.
const COMPACT_FROM: usize = 64 * 1024;

/// A record with its value, as the file stages read them.
#[derive(Debug, Clone, Copy)]
struct Entry<'s> {
    tag: u16,
    fmt: u16,
    value: &'s [u8],
}

/// Records by tag: small tags sorted, big ones in first-seen order, last value wins.
/// Every value lives in one buffer (a later value for a tag leaves the earlier one
/// unused there): a compile allocates per profile, not per line. When the unused bytes
/// outweigh the live ones the buffer is compacted, so a profile that sets one tag over
/// and over (a value can be as long as the table's size field, 65,535 bytes) needs no
/// more than about twice what it keeps.
struct Store {
    bytes: Vec<u8>,
    /// Bytes of `bytes` that belong to replaced values.
    dead: usize,
    /// Small records in the order first seen; `slot` finds them by tag.
    small: Vec<Record>,
    /// Per small tag, its place in `small` plus one (0: none yet).
    slot: [u8; FIRST_BIG_TAG as usize],
    /// One bit per small tag: a profile sets a few dozen of the 255, and the file
    /// stages visit just those, in tag order.
    present: [u64; 4],
    /// At most [`MAX_BIG_TAGS`], and few in practice: searched in place.
    big: Vec<Record>,
}

impl Store {
    fn new() -> Self {
        Store {
            bytes: Vec::with_capacity(2048),
            dead: 0,
            small: Vec::with_capacity(64),
            slot: [0; FIRST_BIG_TAG as usize],
            present: [0; 4],
            big: Vec::new(),
        }
    }

    /// Stores the value appended to `bytes` since `start`; `false` (and the value
    /// dropped) when a new big tag does not fit.
    fn put(&mut self, tag: u16, fmt: u16, start: usize) -> bool {
        let len = self.bytes.len().saturating_sub(start);
        // At most 510 tags of at most 65,535 bytes live, and compaction keeps the unused
        // bytes below the live ones: offsets stay far below 4 GiB.
        let (Ok(start32), Ok(len)) = (u32::try_from(start), u32::try_from(len)) else {
            self.bytes.truncate(start);
            return false;
        };
        let record = Record {
            tag,
            fmt,
            start: start32,
            len,
        };
        if let Some(slot) = self.slot.get_mut(usize::from(tag)) {
            match self.small.get_mut(usize::from(*slot).wrapping_sub(1)) {
                Some(earlier) => {
                    self.dead += earlier.len as usize;
                    *earlier = record;
                    self.compact_if_wasteful();
                }
                None => {
                    self.small.push(record);
                    // At most 255 small tags: the place fits.
                    *slot = u8::try_from(self.small.len()).unwrap_or(0);
                }
            }
            if let Some(word) = self.present.get_mut(usize::from(tag / 64)) {
                *word |= 1 << (tag % 64);
            }
            return true;
        }
        if let Some(slot) = self.big.iter_mut().find(|r| r.tag == tag) {
            self.dead += slot.len as usize;
            *slot = record;
            self.compact_if_wasteful();
            return true;
        }
        if self.big.len() >= MAX_BIG_TAGS {
            self.bytes.truncate(start);
            return false;
        }
        self.big.push(record);
        true
    }

    /// Copies the live values into a new buffer once the replaced ones outweigh them
    /// (and take more than [`COMPACT_FROM`] bytes): amortised, each byte is copied a
    /// bounded number of times.
    fn compact_if_wasteful(&mut self) {
        let live = self.bytes.len().saturating_sub(self.dead);
        if self.dead <= COMPACT_FROM || self.dead <= live {
            return;
        }
        let mut bytes = Vec::with_capacity(live.max(2048));
        for r in self.small.iter_mut().chain(self.big.iter_mut()) {
            let (start, len) = (r.start as usize, r.len as usize);
            let new_start = bytes.len();
            bytes.extend_from_slice(self.bytes.get(start..start + len).unwrap_or_default());
            r.start = u32::try_from(new_start).unwrap_or(u32::MAX);
        }
        self.bytes = bytes;
        self.dead = 0;
    }

    fn entry(&self, r: &Record) -> Entry<'_> {
        let (start, len) = (r.start as usize, r.len as usize);
        Entry {
            tag: r.tag,
            fmt: r.fmt,
            value: self.bytes.get(start..start + len).unwrap_or_default(),
        }
    }

    /// How many records there are.
    fn len(&self) -> usize {
        self.big.len() + self.small.len()
    }

    /// The small records, by ascending tag.
    fn small(&self) -> impl Iterator<Item = &Record> {
        let mut words = self.present;
        let mut word = 0;
        std::iter::from_fn(move || {
            loop {
                let bits = words.get_mut(word)?;
                if *bits == 0 {
                    word += 1;
                    continue;
                }
                let bit = bits.trailing_zeros() as usize;
                *bits &= *bits - 1;
                let slot = self.slot.get(word * 64 + bit)?;
                return self.small.get(usize::from(*slot).wrapping_sub(1));
            }
        })
    }

    /// Every record in file order: big first, then small ascending.
    fn in_order(&self) -> impl Iterator<Item = Entry<'_>> {
        self.big.iter().chain(self.small()).map(|r| self.entry(r))
    }
}

struct Compiler<'a> {
    table: &'a TagTable,
    opts: &'a CompileOptions,
    store: Store,
    diags: Vec<Diagnostic>,
    /// The weak key from the profile's last `EncryptKey`, once one selected encryption.
    profile_key: Option<(Vec<u8>, Location)>,
    /// What the original's `EncryptKey` slot held: a shorter value kept the tail of a
    /// longer earlier one.
    key_slot: Vec<u8>,
    /// The last `EncryptKeyEx` key part (unless `-X`) and its text (printed by `-v`).
    profile_key_ex: Option<[u8; 32]>,
    profile_key_ex_text: Vec<u8>,
    /// The first error met while compiling lines as they are read (see [`ItemSink`]).
    failed: Option<Error>,
}

/// The `EncryptKeyEx` value's key and MAC parts, split as the original did: fields
/// separated by `/`, space or tab, runs of them collapsing.
fn key_ex_fields(text: &[u8]) -> (&[u8], Option<&[u8]>) {
    let mut fields = text
        .split(|&b| matches!(b, b'/' | b' ' | b'\t'))
        .filter(|f| !f.is_empty());
    (fields.next().unwrap_or_default(), fields.next())
}

/// One `KeyNotHex` line per non-hex character, as the original printed them.
fn not_hex_count(text: &[u8]) -> usize {
    text.iter().filter(|b| !b.is_ascii_hexdigit()).count()
}

/// The tag the original treated as the profile's weak key, whatever its name.
const TAG_ENCRYPT_KEY: u16 = 61;
/// The longest profile `EncryptKey` the original survived.
const MAX_PROFILE_KEY: usize = 63;

const KEYWORDS: [(&str, u16); 6] = [
    ("upgradecode", layout::TAG_UPGRADECODE),
    ("upgradelang", layout::TAG_UPGRADELANG),
    ("upgradelogo", layout::TAG_UPGRADELOGO),
    ("upgradexml", layout::TAG_UPGRADEXML),
    ("tftpurl2", layout::TAG_TFTPURL2),
    ("encryptkeyex", layout::TAG_ENCRYPT_KEY_EX),
];

/// The shortest and longest keyword.
const KEYWORD_LENGTHS: std::ops::RangeInclusive<usize> = 8..=12;

/// Whether `name` is one of the compiler's own keywords (`upgradecode`, `EncryptKeyEx`, …),
/// which are handled before the tag table and so are valid in any table.
pub fn is_keyword(name: &[u8]) -> bool {
    KEYWORDS
        .iter()
        .any(|(k, _)| name.eq_ignore_ascii_case(k.as_bytes()))
}

/// Stage 1 straight from the reader: lines are compiled as they are read, never copied.
/// A compile error waits for the reading to end: an error in reading (a missing include
/// further down) wins, as it did when the whole profile was read first.
impl ItemSink for Compiler<'_> {
    fn assign(&mut self, name: &[u8], value: &[u8], at: &Location) -> Result<()> {
        if self.failed.is_none() {
            self.failed = Compiler::assign(self, name, value, at).err();
        }
        Ok(())
    }
    fn diag(&mut self, diag: Diagnostic) -> Result<()> {
        self.diags.push(diag);
        Ok(())
    }
}

impl Compiler<'_> {
    fn diag(&mut self, kind: DiagKind, at: &Location) {
        self.diags.push(Diagnostic::new(kind, Some(at.clone())));
    }

    fn notes(&mut self, notes: Vec<codec::Note>, name: &str, at: &Location) {
        for n in notes {
            self.diag(n.into_kind(name), at);
        }
    }

    fn assign(&mut self, name: &[u8], value: &[u8], at: &Location) -> Result<()> {
        // Most names are no keyword: those of other lengths are not compared.
        let keyword = KEYWORDS
            .iter()
            .filter(|_| KEYWORD_LENGTHS.contains(&name.len()))
            .find(|(k, _)| name.eq_ignore_ascii_case(k.as_bytes()));
        // Only messages need the name as text.
        let name_text = || String::from_utf8_lossy(name).into_owned();
        if value.len() > MAX_VALUE {
            return Err(Error::ValueTooLong {
                file: at.file.as_deref().map(str::to_string),
                line: at.line,
                name: name_text(),
                len: value.len(),
            });
        }
        // Keywords come first and have no empty-value warning: each reads its value.
        if let Some(&(keyword, tag)) = keyword {
            self.pseudo(keyword, tag, value, at);
            return Ok(());
        }
        // The table outlives this borrow of `self`: no copy of the descriptor needed.
        let table = self.table;
        let Some(desc) = table.by_name(name, self.opts.protocols) else {
            self.diag(
                DiagKind::UnknownAttribute {
                    name: name.to_vec(),
                },
                at,
            );
            return Ok(());
        };
        if value.is_empty() {
            // The earlier value, if any, stays.
            self.diag(
                DiagKind::EmptyValue {
                    name: name.to_vec(),
                },
                at,
            );
            return Ok(());
        }
        let mut notes = Vec::new();
        let start = self.store.bytes.len();
        let encoded = codec::encode_into(desc, value, &mut notes, &mut self.store.bytes);
        let (tag, fmt, desc_name) = (desc.tag, desc.fmt, desc.name.as_str());
        match encoded {
            Ok(Appended::Value) => {}
            Ok(Appended::InvalidTone) => self.diag(DiagKind::InvalidTone, at),
            Err(codec::Unhandled) => return Err(Error::Unhandled { tag, fmt }),
        }
        if tag == TAG_ENCRYPT_KEY {
            let value = self.store.bytes.get(start..).unwrap_or_default().to_vec();
            self.encrypt_key(&value, at)?;
        }
        if !notes.is_empty() {
            self.notes(notes, desc_name, at);
        }
        if !self.store.put(tag, fmt, start) {
            self.diag(DiagKind::TooManyPseudo, at);
        }
        Ok(())
    }

    /// The original kept the tag-61 value in a fixed slot, each value overwriting its start
    /// only (a shorter value kept the tail of a longer one). Unless the slot read `0` as a
    /// C string, each non-hex character got a warning (even under `-E`) and, unless `-E`,
    /// the profile became encrypted (overriding `-e`); from then on the last value is the
    /// key, a later `0` too.
    fn encrypt_key(&mut self, value: &[u8], at: &Location) -> Result<()> {
        if value.is_empty() {
            return Ok(());
        }
        if self.key_slot.len() < value.len() {
            self.key_slot.resize(value.len(), 0);
        }
        if let Some(start) = self.key_slot.get_mut(..value.len()) {
            start.copy_from_slice(value);
        }
        let c_str = |b: &[u8]| b.split(|&c| c == 0).next().unwrap_or_default().to_vec();
        let seen = c_str(&self.key_slot);
        if seen != b"0" {
            for _ in 0..not_hex_count(&seen) {
                self.diag(
                    DiagKind::KeyNotHex {
                        what: "EncryptKey in input text profile",
                    },
                    at,
                );
            }
            if !self.opts.ignore_profile_key && seen.len() > MAX_PROFILE_KEY {
                return Err(Error::EncryptKeyTooLong {
                    file: at.file.as_deref().map(str::to_string),
                    line: at.line,
                    len: seen.len(),
                });
            }
            if !self.opts.ignore_profile_key && self.profile_key.is_none() {
                self.profile_key = Some((Vec::new(), at.clone()));
            }
        }
        if self.profile_key.is_some() {
            self.profile_key = Some((c_str(value), at.clone()));
        }
        Ok(())
    }

    fn pseudo(&mut self, keyword: &str, tag: u16, text: &[u8], at: &Location) {
        let mut notes = Vec::new();
        let value = match tag {
            layout::TAG_UPGRADECODE | layout::TAG_UPGRADELANG => {
                codec::encode_upgrade(text, &mut notes)
            }
            layout::TAG_UPGRADELOGO | layout::TAG_UPGRADEXML => {
                codec::encode_logo(text, &mut notes)
            }
            layout::TAG_TFTPURL2 => {
                let mut value = [text, &[0]].concat();
                if let Some(b) = value.get_mut(31).filter(|_| text.len() > 31) {
                    *b = 0;
                    notes.push(codec::Note::Surprise(format!(
                        "{} characters; the 32nd is stored as a NUL, so the phone reads 31",
                        text.len()
                    )));
                }
                if text.is_empty() {
                    notes.push(codec::Note::Surprise(
                        "empty; stored as a record holding only a NUL".to_string(),
                    ));
                }
                Ok(value)
            }
            _ => {
                let (value, _) = codec::encode_encrypt_key_ex(text);
                let (key, mac) = key_ex_fields(text);
                if mac.is_some() && self.opts.verbose {
                    self.diag(DiagKind::MacRestricted, at);
                }
                self.profile_key_ex_text = key.iter().take(64).copied().collect();
                for _ in 0..not_hex_count(key) {
                    self.diag(
                        DiagKind::KeyNotHex {
                            what: "EncryptKeyEx in input text profile",
                        },
                        at,
                    );
                }
                // Any EncryptKeyEx selects the strong files, an all-zero key too.
                if !self.opts.ignore_profile_key_ex {
                    self.profile_key_ex = Some(crypto::strong_key_bytes(key));
                }
                Ok(value)
            }
        };
        match value {
            Ok(value) => {
                self.notes(notes, keyword, at);
                let crashes = matches!(tag, layout::TAG_TFTPURL2 | layout::TAG_ENCRYPT_KEY_EX);
                let start = self.store.bytes.len();
                self.store.bytes.extend_from_slice(&value);
                if !self.store.put(tag, 0, start) {
                    self.diag(DiagKind::TooManyPseudo, at);
                    if crashes {
                        self.diag(
                            DiagKind::ValueNote {
                                name: keyword.to_string(),
                                text: format!("not stored {}crash)", codec::MARKER),
                            },
                            at,
                        );
                    }
                }
            }
            Err(kind) => {
                self.diag(kind, at);
                // Nothing was stored: only notes on what cfgfmt 2.3 did instead still hold.
                let deliberate = notes
                    .into_iter()
                    .filter(|n| matches!(n, codec::Note::Deliberate(_)))
                    .collect();
                self.notes(deliberate, keyword, at);
            }
        }
    }
}

/// Appends a varint as the original did: a value above 0x7FFF got `error: value too big`
/// and no bytes at all.
fn put_checked(out: &mut Vec<u8>, value: usize, diags: &mut Vec<Diagnostic>) {
    match u16::try_from(value) {
        Ok(v) if v <= layout::MAX_VARINT => layout::put_varint(out, v),
        _ => diags.push(Diagnostic::new(
            DiagKind::ValueTooBig(u32::try_from(value).unwrap_or(u32::MAX)),
            None,
        )),
    }
}

/// A file's records (its payload) behind [`HEAD_ROOM`] zero bytes, so that a plain file
/// is finished in place, its magic and header written into the room, without a copy.
struct Body(Vec<u8>);

impl Body {
    fn payload(&self) -> &[u8] {
        self.0.get(HEAD_ROOM..).unwrap_or_default()
    }

    /// The plain (or, once encrypted, weak) file: magic, header, payload.
    fn into_plain_file(self) -> Vec<u8> {
        let mut file = self.0;
        let at = HEAD_ROOM.min(file.len());
        let (head, payload) = file.split_at_mut(at);
        let header = layout::header(payload, Checksum::Simple);
        for (d, s) in head.iter_mut().zip(MAGIC.iter().chain(&header)) {
            *d = *s;
        }
        file
    }
}

fn body(records: &[Entry<'_>], pointer: Option<&str>, diags: &mut Vec<Diagnostic>) -> Result<Body> {
    let values: usize = records.iter().map(|r| r.value.len() + 4).sum();
    let mut out = Vec::with_capacity(HEAD_ROOM + values + pointer.map_or(0, |p| p.len() + 5));
    out.resize(HEAD_ROOM, 0);
    for r in records {
        put_checked(&mut out, usize::from(r.tag), diags);
        put_checked(&mut out, r.value.len(), diags);
        out.extend_from_slice(r.value);
    }
    if let Some(name) = pointer {
        let value = [name.as_bytes(), &[0]].concat();
        if value.len() > MAX_VALUE {
            return Err(Error::PointerNameTooLong { len: name.len() });
        }
        layout::put_record(&mut out, layout::TAG_EXTENDED, &value);
    }
    let len = out.len() - HEAD_ROOM;
    if len > 0xFFFF {
        return Err(Error::ProfileTooLarge { len });
    }
    Ok(Body(out))
}

/// Bytes before the payload in a [`Body`]: the magic and the header.
const HEAD_ROOM: usize = MAGIC.len() + 7;

/// The original's size estimate for automatic splitting, bugs included: 8, plus for
/// each big tag its value length + 3, plus for each small tag 1 + (1 or 2 when its value
/// is longer than 0x80) + the value length of the big tag at the same index (its loop
/// read the wrong table), so small tags' own lengths never count.
fn estimate(store: &Store) -> usize {
    let big: usize = store.big.iter().map(|r| r.len as usize + 3).sum();
    let small: usize = store
        .small()
        .map(|r| {
            let misread = store
                .big
                .get(usize::from(r.tag))
                .map_or(0, |b| b.len as usize);
            misread + 1 + if r.len > 0x80 { 2 } else { 1 }
        })
        .sum();
    8 + big + small
}

fn random8(opts: &CompileOptions) -> Result<[u8; 8]> {
    if let Some(r) = opts.rand8 {
        return Ok(r);
    }
    let mut r = [0u8; 8];
    // A fixed mask would make strong files comparable across runs: no randomness, no file.
    getrandom::fill(&mut r)
        .map_err(|e| Error::Usage(format!("no random numbers for the strong scheme: {e}")))?;
    Ok(r)
}

/// How a key is shown in `-v` lines: never its text.
fn shown_key(text: &[u8]) -> &'static str {
    if text.is_empty() { "" } else { "<secret>" }
}

fn note(text: String) -> Diagnostic {
    Diagnostic::new(DiagKind::Note(text), None)
}

/// Where a key was given, for messages that must not show it.
fn key_origin(at: Option<&Location>) -> String {
    match at {
        None => "the -e key".to_string(),
        Some(Location { file: None, line }) => format!("EncryptKey at line {line}"),
        Some(Location {
            file: Some(f),
            line,
        }) => format!("EncryptKey at line {line} of {f}"),
    }
}

/// The keys the files are encrypted with, the profile's and the command line's weighed.
struct Keys {
    weak: Option<WeakKey>,
    strong: Option<[u8; 32]>,
}

impl<'a> Compiler<'a> {
    fn new(table: &'a TagTable, opts: &'a CompileOptions) -> Self {
        Compiler {
            table,
            opts,
            store: Store::new(),
            diags: Vec::new(),
            profile_key: None,
            key_slot: Vec::new(),
            profile_key_ex: None,
            profile_key_ex_text: Vec::new(),
            failed: None,
        }
    }

    /// Stage 1: every item's record into the store, its diagnostics in order.
    fn collect<'i, I>(&mut self, items: I) -> Result<()>
    where
        I: IntoIterator<Item = &'i Item>,
    {
        for item in items {
            match item {
                Item::Assign(a) => self.assign(&a.name, &a.value, &a.location)?,
                Item::Diag(d) => self.diags.push(d.clone()),
            }
        }
        Ok(())
    }

    /// Stage 2: whether to write an extended file (`-split`, or the original's estimate).
    fn split_decision(&mut self) -> bool {
        let opts = self.opts;
        let split = opts.force_split || estimate(&self.store) >= AUTO_SPLIT_AT;
        if split {
            let why = if opts.force_split {
                DiagKind::ForcedSplit
            } else {
                DiagKind::AutoSplit
            };
            let out_name = opts.output_name.as_str();
            self.diags.push(Diagnostic::new(why, None));
            self.diags.push(Diagnostic::new(
                DiagKind::Splitting {
                    base: out_name.to_string(),
                    extended: format!("{out_name}.ex"),
                },
                None,
            ));
        }
        split
    }

    /// Stage 3: the keys. The profile's win over the command line's, as in the original;
    /// a weak key the original crashed on refuses the run.
    fn choose_keys(&mut self) -> Result<Keys> {
        let opts = self.opts;
        let (weak, weak_at) = match self.profile_key.take() {
            Some((text, at)) => {
                let slot = self.key_slot.split(|&b| b == 0).next().unwrap_or_default();
                if slot != text.as_slice() {
                    self.diags.push(note(format!(
                        "warning: {}: encrypted with this key (cfgfmt 2.3 would encrypt with \
                         it followed by the end of an earlier, longer EncryptKey)",
                        key_origin(Some(&at))
                    )));
                }
                (Some(WeakKey::from_text(text)), Some(at))
            }
            None => (opts.weak_key.clone(), None),
        };
        if let Some(key) = &weak {
            let origin = key_origin(weak_at.as_ref());
            if let Some(problem) = key.problem() {
                return Err(self.refuse_key(&origin, problem));
            }
            if key.overlaps() {
                self.diags.push(note(format!(
                    "warning: {origin} has more than 32 characters: as in cfgfmt 2.3, its key \
                     bytes after the 16th are not the digits typed"
                )));
            }
        }
        let strong = self
            .profile_key_ex
            .or_else(|| opts.strong_key.as_ref().map(|k| *k.bytes()));
        Ok(Keys { weak, strong })
    }

    fn refuse_key(&mut self, origin: &str, problem: WeakKeyProblem) -> Error {
        let out_name = self.opts.output_name.as_str();
        Error::Refused {
            message: format!(
                "{origin} {problem}; nothing written (cfgfmt 2.3 would crash and leave an \
                 empty {out_name})"
            ),
            diagnostics: std::mem::take(&mut self.diags),
        }
    }
}

/// What the file stages share: the options, the split decision and the diagnostics.
struct Build<'o> {
    opts: &'o CompileOptions,
    split: bool,
    diags: Vec<Diagnostic>,
}

impl Build<'_> {
    fn verbose(&mut self, text: String) {
        if self.opts.verbose {
            self.diags
                .push(Diagnostic::new(DiagKind::Verbose(text), None));
        }
    }

    /// The original's buffer limits, checked per file image.
    fn overrun(&mut self, suffix: &str, len: usize, encrypted: bool, base: bool) {
        let why = if len > CRASH_OVERRUN {
            "overflow its output buffer and crash"
        } else if encrypted && len > RC4_OVERRUN {
            "encrypt it wrongly: its RC4 state overlapped the file's bytes"
        } else if self.split && base && len > NAME_OVERRUN {
            "take the extended file's name from this file's bytes"
        } else {
            return;
        };
        let out_name = self.opts.output_name.as_str();
        self.diags.push(note(format!(
            "warning: {out_name}{suffix} is {len} bytes (cfgfmt 2.3 would {why})"
        )));
    }

    /// The base file's records and, when splitting, the extended file's.
    fn parts<'r>(&self, kept: Vec<Entry<'r>>) -> Vec<Vec<Entry<'r>>> {
        if self.split {
            let (base, extended) = kept
                .into_iter()
                .partition(|r| r.fmt & fmt_bits::EXTENDED == 0);
            vec![base, extended]
        } else {
            vec![kept]
        }
    }

    /// One file's records; a split base file gets the pointer record.
    fn body(
        &mut self,
        name: &str,
        records: &[Entry<'_>],
        pointer: &str,
        base: bool,
    ) -> Result<Body> {
        self.verbose(format!("i: generating '{name}'..."));
        let ptr = (self.split && base).then_some(pointer);
        body(records, ptr, &mut self.diags)
    }

    /// Stage 4: `<output>` (and `<output>.ex`), plain or weak-encrypted; `-g` applies here.
    fn plain_files(&mut self, store: &Store, weak: Option<&WeakKey>) -> Result<Vec<OutputFile>> {
        let opts = self.opts;
        let out_name = opts.output_name.as_str();
        let mut kept = Vec::with_capacity(store.len());
        kept.extend(
            store
                .in_order()
                .filter(|r| !(opts.omit_sensitive && r.fmt & fmt_bits::SENSITIVE != 0)),
        );
        // The original printed the extended name for the base file too when splitting, and
        // its pointer named the buffer's current name.
        let extended = format!("{out_name}.ex");
        let first = if self.split {
            extended.clone()
        } else {
            out_name.to_string()
        };
        let mut files = Vec::new();
        for ((suffix, name), records) in [("", &first), (".ex", &extended)]
            .into_iter()
            .zip(self.parts(kept))
        {
            let mut bytes = self
                .body(name, &records, &first, suffix.is_empty())?
                .into_plain_file();
            if let Some(key) = weak {
                self.verbose(format!("i: Encrypt({name}, {})...", shown_key(key.text())));
                key.rc4().apply(&mut bytes);
            }
            self.overrun(suffix, bytes.len(), weak.is_some(), suffix.is_empty());
            files.push(OutputFile { suffix, bytes });
        }
        Ok(files)
    }

    /// Stage 5: `<output>.x` (and `<output>.xex`), every record kept, strong-encrypted.
    /// `key_text` is only ever shown as `<secret>` (or nothing when empty).
    fn strong_files(
        &mut self,
        store: &Store,
        key: &[u8; 32],
        key_text: &[u8],
    ) -> Result<Vec<OutputFile>> {
        let out_name = self.opts.output_name.as_str();
        let names = [format!("{out_name}.x"), format!("{out_name}.xex")];
        if self.split {
            self.diags.push(note(format!(
                "warning: {out_name}.x names itself, not {out_name}.xex, as its extended \
                 file, as cfgfmt 2.3 did"
            )));
        }
        let mut files = Vec::new();
        for ((suffix, name), records) in [".x", ".xex"]
            .into_iter()
            .zip(&names)
            .zip(self.parts(store.in_order().collect()))
        {
            let base = suffix == ".x";
            let body = self.body(name, &records, &names[0], base)?;
            self.verbose(format!("i: Encrypt({name}, {})...", shown_key(key_text)));
            let body = body.payload();
            let mut plain = layout::header(body, Checksum::Internet).to_vec();
            plain.extend_from_slice(body);
            let bytes = crypto::strong_encrypt(&plain, key, random8(self.opts)?);
            self.overrun(suffix, bytes.len(), true, base);
            files.push(OutputFile { suffix, bytes });
        }
        Ok(files)
    }
}

/// Compiles items (from [`crate::text::read_profile`]) into the output files. Any iterator of item
/// references works, so a caller can chain a shared template and per-device items
/// without copying the template.
pub fn compile_items<'i, I>(
    items: I,
    table: &TagTable,
    opts: &CompileOptions,
) -> Result<CompileOutput>
where
    I: IntoIterator<Item = &'i Item>,
{
    let mut c = Compiler::new(table, opts);
    c.collect(items)?;
    c.finish()
}

impl Compiler<'_> {
    /// Stages 2 to 5, once every item is in the store.
    fn finish(mut self) -> Result<CompileOutput> {
        let opts = self.opts;
        let split = self.split_decision();
        let keys = self.choose_keys()?;
        let mut build = Build {
            opts,
            split,
            diags: std::mem::take(&mut self.diags),
        };
        let mut files = build.plain_files(&self.store, keys.weak.as_ref())?;
        if let Some(key) = &keys.strong {
            files.extend(build.strong_files(&self.store, key, &self.profile_key_ex_text)?);
        }
        Ok(CompileOutput {
            files,
            diagnostics: build.diags,
            strong_key: keys.strong,
        })
    }
}

/// Compiles a text profile. `path` locates the profile for relative includes.
pub fn compile<L: IncludeLoader>(
    text: &[u8],
    path: &Path,
    loader: &mut L,
    table: &TagTable,
    opts: &CompileOptions,
) -> Result<CompileOutput> {
    if !text.starts_with(TEXT_MAGIC) {
        return Err(Error::Usage("a text profile must start with #txt".into()));
    }
    let mut c = Compiler::new(table, opts);
    read_profile_into(text, path, loader, &mut c)?;
    if let Some(e) = c.failed.take() {
        return Err(e);
    }
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::Rc4;
    use crate::table::BUILTIN_TABLES;
    use crate::text::NoIncludes;

    fn ata() -> TagTable {
        TagTable::parse(BUILTIN_TABLES[0].text.as_bytes()).0
    }

    fn messages(text: &str) -> Vec<String> {
        let out = compile(
            text.as_bytes(),
            Path::new("t"),
            &mut NoIncludes,
            &ata(),
            &CompileOptions::default(),
        )
        .unwrap();
        out.diagnostics.iter().map(ToString::to_string).collect()
    }

    fn payload_hex(text: &str, opts: &CompileOptions) -> String {
        let out = compile(
            text.as_bytes(),
            Path::new("t"),
            &mut NoIncludes,
            &ata(),
            opts,
        )
        .unwrap();
        hex::encode(&out.files[0].bytes[11..])
    }

    /// A profile that sets one long value over and over keeps about what it stores: the
    /// replaced values are compacted away (20,000 lines of a 65,535-byte value once took
    /// 1.2 GB), and the last values are what the file holds.
    #[test]
    fn replaced_values_do_not_accumulate() {
        let (table, _) = TagTable::parse(b"1,0x0040,a,30000\n2,0x0010,b,32\n");
        let opts = CompileOptions::default();
        let mut c = Compiler::new(&table, &opts);
        let at = Location {
            file: None,
            line: 1,
        };
        for i in 0..300 {
            c.assign(b"a", b"1", &at).unwrap();
            c.assign(b"b", format!("v{i}").as_bytes(), &at).unwrap();
            let held = c.store.bytes.len();
            assert!(held <= 3 * 30_000 + COMPACT_FROM, "{held} bytes after {i}");
        }
        let out = c.finish().unwrap();
        let file = &out.files[0].bytes;
        assert!(file.len() > 30_000 && file.len() < 30_100, "{}", file.len());
        assert!(file.windows(4).any(|w| w == b"v299"));
        assert!(!file.windows(4).any(|w| w == b"v298"));
    }

    /// Recorded from cfgfmt 2.3 (`-tt.dat in.txt o.cfg`): a table name with a byte above
    /// 0x7f is found by the same bytes in the profile, letters in any case.
    #[test]
    fn non_ascii_names_compile_as_recorded() {
        let (table, _) = TagTable::parse(b"20,0x0028,Caf\xe9X,1\n21,0x0028,Plain,1\n");
        let out = compile_in(&table, b"#txt\nCAF\xe9x:1\nPlain:1\n").unwrap();
        assert_eq!(
            hex::encode(&out.files[0].bytes),
            "23617461fffe04002d0006140101150101"
        );
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    }

    #[test]
    fn keyword_lengths_cover_every_keyword() {
        for (k, _) in KEYWORDS {
            assert!(KEYWORD_LENGTHS.contains(&k.len()), "{k}");
        }
    }

    /// Messages recorded from cfgfmt 2.3 for these lines (compiled as `t`), then ours.
    #[test]
    fn every_line_message() {
        assert_eq!(
            messages("#txt\nUseTftp:\n"),
            ["warning: empty value for attribute 'UseTftp' @line 2 of t"]
        );
        assert_eq!(
            messages("#txt\nNope:1\n"),
            ["warning: unknown attribute 'Nope' @line 2 of t"]
        );
        // A TAB is no separator: the name is `\tUseTftp`.
        assert_eq!(
            messages("#txt\n\tUseTftp:1\n"),
            ["warning: unknown attribute '\tUseTftp' @line 2 of t"]
        );
        // A value that does not parse is stored anyway: no unknown attribute.
        assert_eq!(
            messages("#txt\nStaticIP:1.2.3\n"),
            [
                "warning: StaticIP at line 2 of t: '1.2.3' is not a complete IP address; stored 1.2.3.0 (cfgfmt 2.3 would take the last 1 byte(s) from an earlier value)"
            ]
        );
        assert_eq!(
            messages("#txt\nupgradecode:1,2\n"),
            ["error: bad argument for upgrade tag"]
        );
        assert_eq!(
            messages("#txt\nupgradelang:3,1,2,3,1.2.3,69,1,f\n"),
            ["error: bad tftp ip addr: 1.2.3"]
        );
        assert_eq!(
            messages("#txt\nupgradexml:1\n"),
            ["error: bad argument for upgradelogo tag"]
        );
        let tone = messages("#txt\nDialToneFreq:1\n");
        assert_eq!(tone[0], "error: invalid tone specification");
        assert!(tone[1].contains("(cfgfmt 2.3 would "), "{tone:?}");
        let not_hex = "WARNING: EncryptKeyEx in input text profile must all be Hex characters!\n !!! Using non-Hex characters will reduce the strength of profile encryption !!!";
        assert_eq!(
            messages("#txt\nEncryptKeyEx:xyz\n"),
            [not_hex, not_hex, not_hex]
        );
        assert_eq!(
            messages("#txt\nEncryptKey:1x\n"),
            [not_hex.replace("EncryptKeyEx", "EncryptKey")]
        );
        assert_eq!(
            messages("#txt\nRxCodec:010\n"),
            ["warning: RxCodec at line 2 of t: a leading 0 makes it octal; stored 8"]
        );
        // Sensitive values are never quoted.
        assert_eq!(
            messages("#txt\nPWD0:\nUID0:1\n"),
            ["warning: empty value for attribute 'PWD0' @line 2 of t"]
        );
    }

    /// Recorded: a line over 1021 characters, a name over 255 characters, a value over
    /// 511 bytes and a missing include made cfgfmt 2.3 misbehave; we refuse them.
    #[test]
    fn refusals_name_what_the_original_would_do() {
        let run = |text: &str| {
            compile(
                text.as_bytes(),
                Path::new("t"),
                &mut NoIncludes,
                &ata(),
                &CompileOptions::default(),
            )
            .map(|_| ())
            .unwrap_err()
        };
        for text in [
            format!("#txt\n{}:1\n", "N".repeat(256)),
            format!("#txt\nUID0:{}\n", "1".repeat(512)),
            format!("#txt\n#{}\n", "c".repeat(1021)),
            format!("#txt\nEncryptKey:{}\n", "1".repeat(64)),
        ] {
            let e = run(&text).to_string();
            assert!(e.contains("(cfgfmt 2.3 would "), "{e}");
            assert!(!e.contains("1111"), "{e}");
        }
        let e = run("#txt\ninclude nope\n");
        assert_eq!(
            format!("{}{e}", e.lead()),
            "error: can't open profile 'nope'"
        );
        assert!(e.note().unwrap().text.contains("(cfgfmt 2.3 would "));
        let t = TagTable::parse(b"12,0x200,Raw,4\n").0;
        let e = compile(
            b"#txt\nRaw:1\n",
            Path::new("t"),
            &mut NoIncludes,
            &t,
            &CompileOptions::default(),
        )
        .map(|_| ())
        .unwrap_err();
        assert_eq!(
            format!("{}{e}", e.lead()),
            "internal error: unhandled attribute: tag:12 fmt:0x200)"
        );
    }

    /// Recorded: `tftpurl2:` alone is a record holding a NUL; a long one gets a NUL at
    /// byte 31; the last value of a pseudo tag wins in its first place.
    #[test]
    fn tftpurl2_records() {
        let o = CompileOptions::default();
        assert_eq!(payload_hex("#txt\ntftpurl2:\n", &o), "91020100");
        assert_eq!(
            payload_hex("#txt\ntftpurl2:abc\n", &o),
            "910204616263".to_owned() + "00"
        );
        let long = "u".repeat(40);
        let mut want = vec![b'u'; 41];
        want[31] = 0;
        want[40] = 0;
        assert_eq!(
            payload_hex(&format!("#txt\ntftpurl2:{long}\n"), &o),
            format!("910229{}", hex::encode(want))
        );
    }

    #[test]
    fn too_many_pseudo_tags() {
        let table = TagTable::parse(
            (0..300)
                .map(|i| format!("{},0x10,N{i},4\n", 0x100 + i))
                .collect::<String>()
                .as_bytes(),
        )
        .0;
        let text: String = std::iter::once("#txt\n".to_string())
            .chain((0..300).map(|i| format!("N{i}:x\n")))
            .collect();
        let out = compile(
            text.as_bytes(),
            Path::new("t"),
            &mut NoIncludes,
            &table,
            &CompileOptions::default(),
        )
        .unwrap();
        let too_many: Vec<_> = out
            .diagnostics
            .iter()
            .filter(|d| d.kind == DiagKind::TooManyPseudo)
            .collect();
        assert_eq!(too_many.len(), 45);
        assert_eq!(
            too_many[0].to_string(),
            "warning: too many pseudo parameter."
        );
    }

    #[test]
    fn last_value_wins_and_big_tags_keep_first_position() {
        let t = TagTable::parse(b"1,0x10,Small,8\n300,0x10,BigA,8\n400,0x10,BigB,8\n").0;
        let out = compile(
            b"#txt\nBigB:1\nSmall:s\nBigA:2\nbigb:3\n",
            Path::new("t"),
            &mut NoIncludes,
            &t,
            &CompileOptions::default(),
        )
        .unwrap();
        // BigB (first seen) with its last value, then BigA, then the small tag.
        assert_eq!(
            hex::encode(&out.files[0].bytes[11..]),
            "81900133812c0132010173"
        );
    }

    #[test]
    fn omit_sensitive_and_filters() {
        let g = CompileOptions {
            omit_sensitive: true,
            ..CompileOptions::default()
        };
        assert_eq!(payload_hex("#txt\nPWD0:x\nUseTftp:1\n", &g), "140101");
        let sip = CompileOptions {
            protocols: crate::table::Protocol::Sip.into(),
            ..CompileOptions::default()
        };
        assert_eq!(payload_hex("#txt\nMGCPPort:1\nUseTftp:1\n", &sip), "140101");
    }

    /// `text` compiled as the file `t` with `table` and no switches.
    fn compile_in(table: &TagTable, text: &[u8]) -> Result<CompileOutput> {
        compile(
            text,
            Path::new("t"),
            &mut NoIncludes,
            table,
            &CompileOptions::default(),
        )
    }

    fn compile_with(text: &str, opts: &CompileOptions) -> CompileOutput {
        compile(
            text.as_bytes(),
            Path::new("t"),
            &mut NoIncludes,
            &ata(),
            opts,
        )
        .unwrap()
    }

    fn weak_plain(bytes: &[u8], key: &[u8]) -> Vec<u8> {
        let mut plain = bytes.to_vec();
        Rc4::new(&crypto::weak_key_bytes(key)).apply(&mut plain);
        plain
    }

    /// Recorded from cfgfmt 2.3: `EncryptKey:0` means no key, `EncryptKey:00` encrypts
    /// with key byte 0; any `EncryptKeyEx`, an all-zero one too, writes `.x`.
    #[test]
    fn profile_keys_select_encryption() {
        let d = CompileOptions::default();
        let out = compile_with("#txt\nEncryptKey:0\nUseTftp:1\n", &d);
        assert!(out.files[0].bytes.starts_with(b"#ata"));
        let out = compile_with("#txt\nUseTftp:1\nEncryptKey:00\n", &d);
        // Same plain bytes as the 7912 table gives: 1401013d023030.
        assert!(weak_plain(&out.files[0].bytes, b"00").starts_with(b"#ata"));
        let out = compile_with("#txt\nEncryptKeyEx:00/112233445566\nUseTftp:1\n", &d);
        assert_eq!(out.files.len(), 2);
        assert_eq!(out.files[1].suffix, ".x");
        assert_eq!(out.strong_key, Some([0; 32]));
    }

    /// Recorded from cfgfmt 2.3: the profile's `EncryptKey` overrides `-e` (unless `-E`),
    /// its `EncryptKeyEx` overrides `-x` (unless `-X`).
    #[test]
    fn profile_keys_win_over_the_command_line() {
        let opts = CompileOptions {
            weak_key: Some(WeakKey::from_text("abcd")),
            strong_key: Some(StrongKey::from_text("3344")),
            ..CompileOptions::default()
        };
        let text = "#txt\nEncryptKey:1234\nEncryptKeyEx:1122\nUseTftp:1\n";
        let out = compile_with(text, &opts);
        assert!(weak_plain(&out.files[0].bytes, b"1234").starts_with(b"#ata"));
        assert_eq!(out.strong_key, Some(crypto::strong_key_bytes(b"1122")));
        let ignore = CompileOptions {
            ignore_profile_key: true,
            ignore_profile_key_ex: true,
            ..opts
        };
        let out = compile_with(text, &ignore);
        assert!(weak_plain(&out.files[0].bytes, b"abcd").starts_with(b"#ata"));
        assert_eq!(out.strong_key, Some(crypto::strong_key_bytes(b"3344")));
    }

    /// cfgfmt 2.3 kept the tail of a longer earlier `EncryptKey` (`1234` then `0` encrypted
    /// with `0234`): we use the last value and say so.
    #[test]
    fn a_shorter_later_encrypt_key_is_used_alone() {
        let out = compile_with(
            "#txt\nUseTftp:1\nEncryptKey:1234\nEncryptKey:0\n",
            &CompileOptions::default(),
        );
        assert!(weak_plain(&out.files[0].bytes, b"0").starts_with(b"#ata"));
        let notes: Vec<String> = out.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(notes.len(), 1);
        assert!(notes[0].starts_with("warning: EncryptKey at line 4 of t: "));
        assert!(notes[0].contains("(cfgfmt 2.3 would "));
    }

    /// cfgfmt 2.3 crashed on an empty weak key and on one of 64+ characters.
    #[test]
    fn unusable_weak_keys_are_refused() {
        for key in [String::new(), "0".repeat(64)] {
            let opts = CompileOptions {
                weak_key: Some(WeakKey::from_text(key)),
                output_name: "out".into(),
                ..CompileOptions::default()
            };
            let err = compile(
                b"#txt\nUseTftp:1\n",
                Path::new("t"),
                &mut NoIncludes,
                &ata(),
                &opts,
            )
            .unwrap_err();
            assert!(matches!(&err, Error::Refused { .. }));
            assert!(err.to_string().contains("(cfgfmt 2.3 would crash"));
        }
    }

    /// Recorded from cfgfmt 2.3 (`-g -x0011 -split`): `-g` leaves sensitive values out of
    /// the plain files only; the strong base file's pointer names `<output>.x`.
    #[test]
    fn strong_pass_keeps_sensitive_values_and_points_at_itself() {
        let t = TagTable::parse(b"20,0x0020,UseTftp,1\n25,0x4010,UID,32\n").0;
        let opts = CompileOptions {
            omit_sensitive: true,
            force_split: true,
            strong_key: Some(StrongKey::from_text("0011")),
            output_name: "out".into(),
            rand8: Some([0; 8]),
            ..CompileOptions::default()
        };
        let out = compile(
            b"#txt\nUseTftp:1\nUID:5551234\n",
            Path::new("t"),
            &mut NoIncludes,
            &t,
            &opts,
        )
        .unwrap();
        assert_eq!(
            hex::encode(&out.files[0].bytes),
            "23617461fffe040340000d140101c000076f75742e657800"
        );
        let plain = crypto::strong_decrypt(&out.files[2].bytes, &crypto::strong_key_bytes(b"0011"));
        assert_eq!(
            hex::encode(plain.unwrap()),
            "fffe04dfb80015140101190735353531323334c000066f75742e7800"
        );
        let msgs: Vec<String> = out.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(msgs[0], "#i: force output binary file splitting");
        assert_eq!(
            msgs[1],
            "#i: spliting output binary file to 2 files: 'out' and 'out.ex'"
        );
    }

    /// Recorded from cfgfmt 2.3: 3 small tags of 10 bytes and 18 big tags of 100 bytes
    /// (1911-byte file) split on their own, while 20 small tags of 100 bytes (2051 bytes)
    /// do not: the estimate counts big tags' lengths only.
    #[test]
    fn automatic_split_uses_the_original_estimate() {
        let mut table = String::new();
        for i in 1..=20 {
            table.push_str(&format!("{i},0x10,S{i},300\n"));
        }
        for i in 0..18 {
            table.push_str(&format!("{},0x10,B{i},300\n", 0x200 + i));
        }
        let t = TagTable::parse(table.as_bytes()).0;
        let run = |text: String| {
            compile(
                text.as_bytes(),
                Path::new("t"),
                &mut NoIncludes,
                &t,
                &CompileOptions {
                    output_name: "out".into(),
                    ..CompileOptions::default()
                },
            )
            .unwrap()
        };
        let small: String = (1..=20)
            .map(|i| format!("S{i}:{}\n", "v".repeat(100)))
            .collect();
        let out = run(format!("#txt\n{small}"));
        assert_eq!(out.files.len(), 1);
        assert_eq!(out.files[0].bytes.len(), 2051);
        let mixed: String = (1..=3)
            .map(|i| format!("S{i}:{}\n", "v".repeat(10)))
            .chain((0..18).map(|i| format!("B{i}:{}\n", "w".repeat(100))))
            .collect();
        let out = run(format!("#txt\n{mixed}"));
        assert_eq!(out.files.len(), 2);
        assert_eq!(out.files[0].bytes.len(), 1911);
        assert_eq!(
            out.diagnostics[0].to_string(),
            "#i: output binary file too big"
        );
    }

    /// Recorded from cfgfmt 2.3: a tag above 0x7FFF prints `error: value too big: 0x8001`
    /// and writes no tag bytes (`03616263` is the length and value alone).
    #[test]
    fn tags_above_7fff_are_too_big() {
        let t = TagTable::parse(b"0x8001,0x10,Name,8\n").0;
        let out = compile_in(&t, b"#txt\nName:abc\n").unwrap();
        assert_eq!(
            hex::encode(&out.files[0].bytes),
            "23617461fffe040129000403616263"
        );
        assert_eq!(
            out.diagnostics[0].to_string(),
            "error: value too big: 0x8001"
        );
    }

    /// Recorded: `EncryptKey:0` alone means no encryption, `EncryptKey:00` is the key
    /// 0x00, and `a` then `0` encrypts with the key `0`; any `EncryptKeyEx`, an empty
    /// one too, writes the strong file.
    #[test]
    fn profile_keys() {
        let run = |text: &[u8]| {
            compile(
                text,
                Path::new("t"),
                &mut NoIncludes,
                &ata(),
                &CompileOptions::default(),
            )
            .unwrap()
        };
        let out = run(b"#txt\nEncryptKey:0\nUseTftp:1\n");
        assert!(out.files[0].bytes.starts_with(b"#ata"));
        for (text, key) in [
            (&b"#txt\nEncryptKey:00\nUseTftp:1\n"[..], &b"00"[..]),
            (b"#txt\nEncryptKey:a\nEncryptKey:0\nUseTftp:1\n", b"0"),
        ] {
            let out = run(text);
            let mut plain = out.files[0].bytes.clone();
            Rc4::new(&crypto::weak_key_bytes(key)).apply(&mut plain);
            assert!(plain.starts_with(b"#ata"));
        }
        let out = run(b"#txt\nEncryptKeyEx:\nUseTftp:1\n");
        assert_eq!(out.files.len(), 2);
        assert_eq!(out.strong_key, Some([0; 32]));
    }
}
