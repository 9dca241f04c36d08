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
    profile_key: Option<Vec<u8>>,
    profile_key_ex: Option<Vec<u8>>,
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
        let name_text: String = name.iter().map(|&b| char::from(b)).collect();
        if value.is_empty() {
            // Keywords and table names alike: nothing to store.
            if keyword.is_some() || self.table.by_name(&name_text, self.opts.filter).is_some() {
                self.diag(DiagKind::EmptyValue, at);
            } else {
                self.diag(DiagKind::UnknownAttribute, at);
            }
            return Ok(());
        }
        if value.len() > MAX_VALUE {
            return Err(Error::ValueTooLong {
                file: at.file.as_deref().map(str::to_string),
                line: at.line,
                name: name_text,
                len: value.len(),
            });
        }
        if let Some(&(keyword, tag)) = keyword {
            return {
                self.pseudo(keyword, tag, value, at);
                Ok(())
            };
        }
        let Some(desc) = self.table.by_name(&name_text, self.opts.filter) else {
            self.diag(DiagKind::UnknownAttribute, at);
            return Ok(());
        };
        let mut notes = Vec::new();
        let encoded = codec::encode(desc, value, &mut notes);
        let (tag, fmt, desc_name) = (desc.tag, desc.fmt, desc.name.clone());
        let value = match encoded {
            Ok(Encoded::Value(v)) => v,
            Ok(Encoded::InvalidTone(zeros)) => {
                self.diag(DiagKind::InvalidTone, at);
                zeros
            }
            Err(codec::Unparsable) => {
                self.diag(DiagKind::UnknownAttribute, at);
                return Ok(());
            }
        };
        self.notes(notes, &desc_name, at);
        if desc_name.eq_ignore_ascii_case("EncryptKey") {
            self.profile_key = Some(value.clone());
        }
        self.store(Record { tag, fmt, value }, at);
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
            layout::TAG_TFTPURL2 => Ok([text, &[0]].concat()),
            _ => {
                let (value, all_hex) = codec::encode_encrypt_key_ex(text);
                if !all_hex {
                    self.diag(DiagKind::EncryptKeyExNotHex, at);
                }
                self.profile_key_ex = Some(codec::split_key_mac(text).0.to_vec());
                Ok(value)
            }
        };
        match value {
            Ok(value) => {
                self.notes(notes, keyword, at);
                self.store(Record { tag, fmt: 0, value }, at);
            }
            Err(kind) => self.diag(kind, at),
        }
    }
}

/// Whether a key's bytes select encryption at all (`EncryptKey:0` means none).
fn is_nonzero(key: &[u8]) -> bool {
    key.iter().any(|&b| b != 0)
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
        None if !opts.ignore_profile_key => c
            .profile_key
            .as_deref()
            .map(crypto::weak_key_bytes)
            .filter(|k| is_nonzero(k)),
        None => None,
    };
    let strong_key = match &opts.strong_key {
        Some(text) => Some(crypto::strong_key_bytes(text)),
        None if !opts.ignore_profile_key_ex => c
            .profile_key_ex
            .as_deref()
            .map(crypto::strong_key_bytes)
            .filter(|k| is_nonzero(k)),
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

    #[test]
    fn every_line_message() {
        assert_eq!(
            messages("#txt\nUseTftp:\n"),
            ["warning: empty attribute value at line 2"]
        );
        assert_eq!(
            messages("#txt\nupgradecode\n"),
            ["warning: empty attribute value at line 2"]
        );
        assert_eq!(
            messages("#txt\nNope:1\n"),
            ["warning: unknown attribute at line 2"]
        );
        assert_eq!(
            messages("#txt\nStaticIP:1.2.3\n"),
            ["warning: unknown attribute at line 2"]
        );
        assert_eq!(
            messages("#txt\nupgradecode:1,2\n"),
            ["error: bad argument for upgrade tag"]
        );
        assert_eq!(
            messages("#txt\nupgradelang:3,1,2,3,1.2.3,69,1,f\n"),
            ["error: invalid tftp IP address"]
        );
        assert_eq!(
            messages("#txt\nupgradexml:1\n"),
            ["error: bad argument for upgradelogo tag"]
        );
        assert_eq!(
            messages("#txt\nDialToneFreq:1\n"),
            ["error: invalid tone specification"]
        );
        assert_eq!(
            messages("#txt\nEncryptKeyEx:xyz\n"),
            [
                "WARNING: EncryptKeyEx in input text profile must all be Hex characters!\n !!! Using non-Hex characters will reduce the strength of profile encryption !!!"
            ]
        );
        assert_eq!(
            messages("#txt\nRxCodec:010\n"),
            ["warning: leading 0 makes the number octal in RxCodec at line 2"]
        );
        assert_eq!(
            messages("#txt\nTimeZone:99999999999\n"),
            ["warning: number out of range, clamped in TimeZone at line 2"]
        );
        assert_eq!(
            messages("#txt\nRingOnOffTime:1,2,3,4\n"),
            ["warning: RingOnOffTime holds 3 values, the rest ignored at line 2"]
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

    #[test]
    fn profile_key_zero_means_no_encryption() {
        let out = compile(
            b"#txt\nEncryptKey:0\nUseTftp:1\n",
            Path::new("t"),
            &mut NoIncludes,
            &ata(),
            &CompileOptions::default(),
        )
        .unwrap();
        assert!(out.files[0].bytes.starts_with(b"#ata"));
        let out = compile(
            b"#txt\nEncryptKeyEx:00/112233445566\nUseTftp:1\n",
            Path::new("t"),
            &mut NoIncludes,
            &ata(),
            &CompileOptions::default(),
        )
        .unwrap();
        assert_eq!(
            out.files.len(),
            1,
            "an all-zero EncryptKeyEx writes no strong file"
        );
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
