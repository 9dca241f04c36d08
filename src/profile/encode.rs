//! The compiler: text profile items → `#ata` files.

use std::collections::HashMap;
use std::path::Path;

use super::layout::{self, Checksum, MAGIC};
use crate::codec::{self, Encoded, MAX_VALUE};
use crate::crypto::{self, Rc4};
use crate::diag::{DiagKind, Diagnostic, Error, Location, Result};
use crate::table::{FIRST_BIG_TAG, TagTable, context, fmt_bits};
use crate::text::{IncludeLoader, Item, TEXT_MAGIC, read_profile};

/// Estimated size at which the original split its output on its own.
pub const AUTO_SPLIT_AT: usize = 2001;
/// Most distinct big/pseudo tags the original kept.
pub const MAX_BIG_TAGS: usize = 255;

/// How to compile: the original's switches.
#[derive(Debug, Clone)]
pub struct CompileOptions {
    /// Protocol filter (`-h323 -sip -mgcp -sccp` ORed), `context::ALL` without one.
    pub filter: u16,
    /// `-g`: leave out sensitive (0x4000) parameters.
    pub omit_sensitive: bool,
    /// `-split`: always write an extended file.
    pub force_split: bool,
    /// `-e`: weak key as hex text.
    pub weak_key: Option<Vec<u8>>,
    /// `-x`: strong key as hex text.
    pub strong_key: Option<Vec<u8>>,
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
            filter: context::ALL,
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

#[derive(Debug, Clone)]
struct Record {
    tag: u16,
    /// The descriptor's format: decides `-g` and splitting. Zero for tool-made tags.
    fmt: u16,
    value: Vec<u8>,
}

/// Records by tag: small tags sorted, big ones in first-seen order, last value wins.
#[derive(Default)]
struct Store {
    small: Vec<Option<Record>>,
    big: Vec<Record>,
    big_index: HashMap<u16, usize>,
}

impl Store {
    fn new() -> Self {
        Store {
            small: vec![None; usize::from(FIRST_BIG_TAG)],
            ..Store::default()
        }
    }

    /// Stores a record; `false` when a new big tag does not fit.
    fn put(&mut self, record: Record) -> bool {
        if let Some(slot) = self.small.get_mut(usize::from(record.tag)) {
            *slot = Some(record);
            return true;
        }
        if let Some(&i) = self.big_index.get(&record.tag) {
            if let Some(slot) = self.big.get_mut(i) {
                *slot = record;
            }
            return true;
        }
        if self.big.len() >= MAX_BIG_TAGS {
            return false;
        }
        self.big_index.insert(record.tag, self.big.len());
        self.big.push(record);
        true
    }

    /// Every record in file order: big first, then small ascending.
    fn in_order(&self) -> impl Iterator<Item = &Record> {
        self.big.iter().chain(self.small.iter().flatten())
    }
}

struct Compiler<'a> {
    table: &'a TagTable,
    opts: &'a CompileOptions,
    store: Store,
    diags: Vec<Diagnostic>,
    /// The profile's weak key text, once an `EncryptKey` other than `0` selected one: the
    /// last stored `EncryptKey` value from then on (a later `0` is then the key `0`).
    profile_key: Option<Vec<u8>>,
    /// The original's buffer for `EncryptKey` (tag 61): each value overwrote its start
    /// only, so a shorter value left the end of a longer one behind. Its warnings and its
    /// `0` test looked at this buffer as a C string.
    key_slot: Vec<u8>,
    profile_key_ex: Option<Vec<u8>>,
}

/// The tag the original treated as the profile's weak key, whatever its name.
const TAG_ENCRYPT_KEY: u16 = 61;
/// The longest profile `EncryptKey` the original survived.
const MAX_PROFILE_KEY: usize = 63;

/// Whether a value may be quoted in messages: not for sensitive attributes (format bit
/// 0x4000) nor names that look like passwords, keys or user ids.
fn reveals(fmt: u16, name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    fmt & fmt_bits::SENSITIVE == 0
        && !["pwd", "passw", "key", "uid"]
            .iter()
            .any(|s| lower.contains(s))
}

const KEYWORDS: [(&str, u16); 6] = [
    ("upgradecode", layout::TAG_UPGRADECODE),
    ("upgradelang", layout::TAG_UPGRADELANG),
    ("upgradelogo", layout::TAG_UPGRADELOGO),
    ("upgradexml", layout::TAG_UPGRADEXML),
    ("tftpurl2", layout::TAG_TFTPURL2),
    ("encryptkeyex", layout::TAG_ENCRYPT_KEY_EX),
];

/// Whether `name` is one of the compiler's own keywords (`upgradecode`, `EncryptKeyEx`, …),
/// which are handled before the tag table and so are valid in any table.
pub fn is_keyword(name: &[u8]) -> bool {
    KEYWORDS
        .iter()
        .any(|(k, _)| name.eq_ignore_ascii_case(k.as_bytes()))
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

    fn store(&mut self, record: Record, at: &Location) {
        if !self.store.put(record) {
            self.diag(DiagKind::TooManyPseudo, at);
        }
    }

    fn assign(&mut self, name: &[u8], value: &[u8], at: &Location) -> Result<()> {
        let keyword = KEYWORDS
            .iter()
            .find(|(k, _)| name.eq_ignore_ascii_case(k.as_bytes()));
        let name_text: String = String::from_utf8_lossy(name).into_owned();
        if value.len() > MAX_VALUE {
            return Err(Error::ValueTooLong {
                file: at.file.as_deref().map(str::to_string),
                line: at.line,
                name: name_text,
                len: value.len(),
            });
        }
        // Keywords come first and have no empty-value warning: each reads its value.
        if let Some(&(keyword, tag)) = keyword {
            self.pseudo(keyword, tag, value, at);
            return Ok(());
        }
        let Some(desc) = self.table.by_name(&name_text, self.opts.filter) else {
            self.diag(DiagKind::UnknownAttribute { name: name_text }, at);
            return Ok(());
        };
        if value.is_empty() {
            // The earlier value, if any, stays.
            self.diag(DiagKind::EmptyValue { name: name_text }, at);
            return Ok(());
        }
        let mut notes = Vec::new();
        let reveal = reveals(desc.fmt, &desc.name);
        let encoded = codec::encode(desc, value, reveal, &mut notes);
        let (tag, fmt, desc_name) = (desc.tag, desc.fmt, desc.name.clone());
        let value = match encoded {
            Ok(Encoded::Value(v)) => v,
            Ok(Encoded::InvalidTone(zeros)) => {
                self.diag(DiagKind::InvalidTone, at);
                zeros
            }
            Err(codec::Unhandled) => return Err(Error::Unhandled { tag, fmt }),
        };
        if tag == TAG_ENCRYPT_KEY {
            self.encrypt_key(&value, at)?;
        }
        self.notes(notes, &desc_name, at);
        self.store(Record { tag, fmt, value }, at);
        Ok(())
    }

    /// The original's handling of a stored `EncryptKey` (tag 61): a value other than `0`
    /// is checked for hex digits (one warning a character) and, without `-E`, makes the
    /// profile encrypted with the key buffer's text.
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
        let seen: Vec<u8> = self
            .key_slot
            .split(|&b| b == 0)
            .next()
            .unwrap_or_default()
            .to_vec();
        if seen != b"0" {
            // Counted on the buffer as the original saw it: only a count is printed.
            for _ in seen.iter().filter(|b| !b.is_ascii_hexdigit()) {
                self.diag(DiagKind::EncryptKeyNotHex, at);
            }
            if !self.opts.ignore_profile_key && seen.len() > MAX_PROFILE_KEY {
                return Err(Error::EncryptKeyTooLong {
                    file: at.file.as_deref().map(str::to_string),
                    line: at.line,
                    len: seen.len(),
                });
            }
            if !self.opts.ignore_profile_key {
                self.profile_key = Some(Vec::new());
            }
        }
        if self.profile_key.is_some() {
            self.profile_key = Some(value.to_vec());
            if seen != value {
                self.diag(
                    DiagKind::ValueNote {
                        name: "EncryptKey".to_string(),
                        text: format!(
                            "shorter than an earlier EncryptKey; the key is this value \
                             {}use it followed by the earlier value's last characters)",
                            codec::MARKER
                        ),
                    },
                    at,
                );
            }
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
                let (value, not_hex) = codec::encode_encrypt_key_ex(text);
                for _ in 0..not_hex {
                    self.diag(DiagKind::EncryptKeyExNotHex, at);
                }
                self.profile_key_ex = Some(codec::split_key_mac(text).0.to_vec());
                Ok(value)
            }
        };
        match value {
            Ok(value) => {
                self.notes(notes, keyword, at);
                let crashes = matches!(tag, layout::TAG_TFTPURL2 | layout::TAG_ENCRYPT_KEY_EX);
                if !self.store.put(Record { tag, fmt: 0, value }) {
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
            Err(kind) => self.diag(kind, at),
        }
    }
}

fn payload(records: &[&Record], pointer: Option<&str>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for r in records {
        layout::put_record(&mut out, r.tag, &r.value);
    }
    if let Some(name) = pointer {
        let value = [name.as_bytes(), &[0]].concat();
        if value.len() > MAX_VALUE {
            return Err(Error::PointerNameTooLong { len: name.len() });
        }
        layout::put_record(&mut out, layout::TAG_EXTENDED, &value);
    }
    if out.len() > 0xFFFF {
        return Err(Error::ProfileTooLarge { len: out.len() });
    }
    Ok(out)
}

fn plain_file(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(11 + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&layout::header(payload, Checksum::Simple));
    out.extend_from_slice(payload);
    out
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

/// Compiles items (from [`read_profile`]) into the output files. Any iterator of item
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
    let mut c = Compiler {
        table,
        opts,
        store: Store::new(),
        diags: Vec::new(),
        profile_key: None,
        key_slot: Vec::new(),
        profile_key_ex: None,
    };
    for item in items {
        match item {
            Item::Assign(a) => c.assign(&a.name, &a.value, &a.location)?,
            Item::Diag(d) => c.diags.push(d.clone()),
        }
    }

    let kept: Vec<&Record> = c
        .store
        .in_order()
        .filter(|r| !(opts.omit_sensitive && r.fmt & fmt_bits::SENSITIVE != 0))
        .collect();
    let stored = c.store.big.len() + c.store.small.iter().flatten().count();
    let estimate = 8
        + kept
            .iter()
            .map(|r| layout::record_len(r.tag, r.value.len()))
            .sum::<usize>()
        + 4 * stored;
    let split = opts.force_split || estimate >= AUTO_SPLIT_AT;
    if split {
        let why = if opts.force_split {
            DiagKind::ForcedSplit
        } else {
            DiagKind::AutoSplit
        };
        c.diags.push(Diagnostic::new(why, None));
        c.diags.push(Diagnostic::new(DiagKind::Splitting, None));
    }
    let (base, extended): (Vec<&Record>, Vec<&Record>) = if split {
        kept.iter().partition(|r| r.fmt & fmt_bits::EXTENDED == 0)
    } else {
        (kept.clone(), Vec::new())
    };

    let weak_key = match &opts.weak_key {
        Some(text) => Some(crypto::weak_key_bytes(text)),
        // `EncryptKey:00` is the key 0x00; only a lone `0` (before any other) means none.
        None if !opts.ignore_profile_key => c.profile_key.as_deref().map(crypto::weak_key_bytes),
        None => None,
    };
    let strong_key = match &opts.strong_key {
        Some(text) => Some(crypto::strong_key_bytes(text)),
        // Any EncryptKeyEx line selects strong files, an empty or all-zero key too.
        None if !opts.ignore_profile_key_ex => {
            c.profile_key_ex.as_deref().map(crypto::strong_key_bytes)
        }
        None => None,
    };

    let verbose = |diags: &mut Vec<Diagnostic>, text: &str| {
        if opts.verbose {
            diags.push(Diagnostic::new(DiagKind::Verbose(text.to_string()), None));
        }
    };
    let mut files = Vec::new();
    let mut plain = vec![(
        "",
        payload(
            &base,
            split.then(|| format!("{}.ex", opts.output_name)).as_deref(),
        )?,
    )];
    if split {
        plain.push((".ex", payload(&extended, None)?));
    }
    for (suffix, body) in plain {
        verbose(&mut c.diags, "i: generating output file");
        let mut bytes = plain_file(&body);
        if let Some(key) = &weak_key {
            verbose(&mut c.diags, "i: encrypting output with the weak key");
            Rc4::new(key).apply(&mut bytes);
        }
        files.push(OutputFile { suffix, bytes });
    }
    if let Some(key) = strong_key {
        let mut strong = vec![(
            ".x",
            payload(
                &base,
                split
                    .then(|| format!("{}.xex", opts.output_name))
                    .as_deref(),
            )?,
        )];
        if split {
            strong.push((".xex", payload(&extended, None)?));
        }
        for (suffix, body) in strong {
            verbose(&mut c.diags, "i: generating output file");
            verbose(&mut c.diags, "i: encrypting output with the strong key");
            let mut plain = layout::header(&body, Checksum::Internet).to_vec();
            plain.extend_from_slice(&body);
            files.push(OutputFile {
                suffix,
                bytes: crypto::strong_encrypt(&plain, &key, random8(opts)?),
            });
        }
    }
    Ok(CompileOutput {
        files,
        diagnostics: c.diags,
        strong_key,
    })
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
    let items = read_profile(text, path, loader)?;
    compile_items(&items, table, opts)
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert_eq!(e.to_string(), "error: can't open profile 'nope'");
        assert!(e.note().unwrap().contains("(cfgfmt 2.3 would "));
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
            e.to_string(),
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
            filter: context::SIP,
            ..CompileOptions::default()
        };
        assert_eq!(payload_hex("#txt\nMGCPPort:1\nUseTftp:1\n", &sip), "140101");
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

    #[test]
    fn command_line_key_wins_over_the_profile_key() {
        let opts = CompileOptions {
            weak_key: Some(b"abcd".to_vec()),
            ..CompileOptions::default()
        };
        let out = compile(
            b"#txt\nEncryptKey:1234\nUseTftp:1\n",
            Path::new("t"),
            &mut NoIncludes,
            &ata(),
            &opts,
        )
        .unwrap();
        let mut plain = out.files[0].bytes.clone();
        Rc4::new(&crypto::weak_key_bytes(b"abcd")).apply(&mut plain);
        assert!(plain.starts_with(b"#ata"));
    }
}
