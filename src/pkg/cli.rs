//! Command implementations for `inspect`, `dump`, `strip` and `extract`, as plain functions the
//! CLI layer calls.
use super::bundle::{self, Check};
use super::detect::{FileKind, detect as detect_kind};
use super::error::{PkgError, Result};
use super::sgn::{self, SignedFile, VerifyingKey};
use super::{MAX_OUTPUT, image, kup, loads, names, sig78, textfiles, tlv};
use crate::profile::inspect as pinspect;
use crate::report::{Span, Status};
use crate::table::TagTable;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Identify a file by content; `Unknown` when nothing matches.
pub fn detect(name: &str, bytes: &[u8]) -> FileKind {
    detect_kind(name, bytes)
}

#[derive(Debug, Clone, Default)]
pub struct InspectOptions {
    /// PEM certificate or public key for signature verification.
    pub cert: Option<PathBuf>,
    pub json: bool,
    /// Check the set of files in this folder (default: the inspected file's folder, for `.loads`).
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub label: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The meaning of this field is inferred, not established.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub guess: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub title: String,
    pub fields: Vec<Field>,
}

impl Section {
    fn new(title: impl Into<String>) -> Self {
        Section {
            title: title.into(),
            fields: Vec::new(),
        }
    }
    fn add(&mut self, label: &str, value: impl ToString) -> &mut Self {
        self.fields.push(Field {
            label: label.into(),
            value: value.to_string(),
            status: None,
            guess: false,
        });
        self
    }
    fn check(&mut self, label: &str, ok: bool, value: impl ToString) -> &mut Self {
        self.fields.push(Field {
            label: label.into(),
            value: value.to_string(),
            status: Some(if ok { Status::Ok } else { Status::Bad }),
            guess: false,
        });
        self
    }
    fn guess(&mut self, label: &str, value: impl ToString) -> &mut Self {
        self.fields.push(Field {
            label: label.into(),
            value: value.to_string(),
            status: None,
            guess: true,
        });
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub name: String,
    pub kind: FileKind,
    pub size: usize,
    pub sections: Vec<Section>,
    pub warnings: Vec<String>,
    pub error: Option<String>,
    /// For files no inspector knows: what the file probably is, and why it is not inspected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The typed parse result (header fields, image fields, regions, records…) for `--json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PkgReport {
    pub path: String,
    pub files: Vec<FileReport>,
    pub checks: Vec<Check>,
}

fn status_word(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::Ok) => "OK  ",
        Some(Status::Bad) => "BAD ",
        _ => "    ",
    }
}

impl PkgReport {
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            let _ = writeln!(
                out,
                "== {} ({} bytes): {}",
                f.name,
                f.size,
                f.kind.describe()
            );
            for s in &f.sections {
                let _ = writeln!(out, "  [{}]", s.title);
                for fld in &s.fields {
                    let g = if fld.guess { "  (guess)" } else { "" };
                    let _ = writeln!(
                        out,
                        "    {}{:<26} {}{g}",
                        status_word(fld.status),
                        fld.label,
                        fld.value
                    );
                }
            }
            if let Some(h) = &f.hint {
                let _ = writeln!(out, "  hint: {h}");
            }
            for w in &f.warnings {
                let _ = writeln!(out, "  warning: {w}");
            }
            if let Some(e) = &f.error {
                let _ = writeln!(out, "  error: {e}");
            }
        }
        if !self.checks.is_empty() {
            let _ = writeln!(out, "== checks");
            for c in &self.checks {
                let _ = writeln!(
                    out,
                    "  {}{}: {}",
                    status_word(Some(c.status)),
                    c.name,
                    c.detail
                );
            }
        }
        out
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// True when no file failed to parse and no check is bad.
    pub fn all_ok(&self) -> bool {
        self.files_ok() && self.checks.iter().all(|c| c.status != Status::Bad)
    }

    /// True when no file failed to parse (set checks aside: single-file inspection).
    pub fn files_ok(&self) -> bool {
        self.files.iter().all(|f| f.error.is_none())
    }

    /// Files by kind: (recognised, unknown, with an error).
    pub fn counts(&self) -> (usize, usize, usize) {
        let unknown = self
            .files
            .iter()
            .filter(|f| f.kind == FileKind::Unknown)
            .count();
        let errors = self.files.iter().filter(|f| f.error.is_some()).count();
        (self.files.len() - unknown, unknown, errors)
    }
}

fn header_section(
    s: &SignedFile<'_>,
    name: &str,
    key: Option<&VerifyingKey>,
) -> (Section, Vec<String>) {
    let h = &s.header;
    let mut sec = Section::new("signed header");
    sec.add("version", format!("{}.{}", h.version.0, h.version.1));
    sec.add("header length", h.header_length);
    if let Some((a, b)) = h.signer_version {
        sec.add("signer version", format!("{a}.{b}"));
    }
    sec.add("signer", h.signer.as_deref().unwrap_or("-"));
    sec.add("serial", h.serial_hex().unwrap_or_else(|| "-".into()));
    sec.add("issuer", h.issuer.as_deref().unwrap_or("-"));
    sec.add(
        "hash",
        h.hash.map(|x| x.describe()).unwrap_or_else(|| "-".into()),
    );
    sec.add(
        "signature",
        match (&h.signature, h.modulus_bits()) {
            (Some(sig), Some(bits)) => format!("{} bytes, RSA-{bits} (tag 11)", sig.len),
            (Some(sig), None) => format!("{} bytes", sig.len),
            (None, _) => "none".into(),
        },
    );
    match (h.filename.as_deref(), h.filename_matches(name)) {
        (Some(f), Some(m)) => {
            sec.check(
                "embedded name",
                m,
                if m {
                    format!("{f:?} (matches)")
                } else {
                    format!("{f:?} (file is named {name:?})")
                },
            );
        }
        _ => {
            sec.add("embedded name", "-");
        }
    }
    sec.add(
        "timestamp",
        h.timestamp
            .map(|t| format!("{t} ({})", utc_date(t)))
            .unwrap_or_else(|| "none".into()),
    );
    sec.add(
        "payload",
        format!(
            "offset {} ({:#x}), {} bytes",
            s.payload_offset(),
            s.payload_offset(),
            s.payload().len()
        ),
    );
    if h.is_cisco_placeholder() {
        sec.add(
            "signer identity",
            "Cisco firmware placeholder (serial 1234567890abcdef)",
        );
    }
    let check = sgn::verify(s, key);
    let ok = match check {
        sgn::SignatureCheck::Valid(_) => Some(Status::Ok),
        sgn::SignatureCheck::Invalid(_) => Some(Status::Bad),
        _ => None,
    };
    sec.fields.push(Field {
        label: "signature check".into(),
        value: check.describe(),
        status: ok,
        guess: false,
    });
    let mut w = h.warnings.clone();
    if h.filename_matches(name) == Some(false) {
        w.push(format!(
            "embedded name {:?} differs from the file name (renamed?)",
            h.filename.clone().unwrap_or_default()
        ));
    }
    (sec, w)
}

fn image_section(img: &image::UalImage) -> Section {
    let mut sec = Section::new(match img.kind {
        image::ImageKind::Loader => "UAL loader image",
        image::ImageKind::Application => "application image",
    });
    sec.check(
        "ARM vectors",
        img.arm_vectors,
        "eight B instructions at 0x00",
    );
    sec.add("load name", &img.load_name);
    if let Some(n) = names::parse(&img.load_name) {
        sec.add(
            "load",
            format!("{} {} {}", n.protocol_label(), n.family, n.version),
        );
    }
    sec.add("version tag", &img.version_tag);
    sec.guess(
        "field 0x118",
        format!("{} (3 in every sample; meaning unknown)", img.field_118),
    );
    sec.guess(
        "checksum? 0x128",
        format!("{:#x} (algorithm unknown)", img.checksum_guess),
    );
    match img.kind {
        image::ImageKind::Loader => {
            sec.guess("unpacked size? 0x12c", img.field_12c);
            sec.check(
                "code length 0x138",
                true,
                format!("{:#x} = length − 0x20", img.code_length.unwrap_or(0)),
            );
        }
        image::ImageKind::Application => {
            sec.check(
                "ARM length 0x12c",
                true,
                format!("{:#x} (= DSP block offset)", img.field_12c),
            );
            if let Some(d) = &img.dsp {
                sec.add("DSP name", &d.name);
                sec.check(
                    "DSP length",
                    true,
                    format!("{} (ends the image)", d.total_len),
                );
                sec.guess("DSP checksum? +0x1c", format!("{:#x}", d.field_1c_guess));
            }
        }
    }
    sec
}

fn name_section(n: &names::LoadName) -> Section {
    let mut sec = Section::new("load name");
    sec.add("name", &n.stem);
    sec.add("protocol", n.protocol_label());
    sec.add("family", &n.family);
    sec.add("scheme", format!("{:?}", n.scheme));
    sec.add("version", &n.version);
    if n.is_loader {
        sec.add("role", "universal application loader");
    }
    if let Some(d) = n.upgradecode_date() {
        sec.add("upgradecode date", d);
    }
    sec
}

fn kup_sections(pkg: &kup::KupPackage<'_>) -> (Vec<Section>, Vec<String>) {
    let mut w = Vec::new();
    let mut hs = Section::new("kup1 header");
    hs.add("name", format!("{:?}", pkg.header.name));
    hs.add("base type", pkg.header.base_type);
    hs.add(
        "platform",
        format!(
            "{:#x} {}",
            pkg.header.platform,
            kup::platform_name(pkg.header.platform)
        ),
    );
    hs.add(
        "protocol",
        format!(
            "{:#x} {}",
            pkg.header.protocol,
            kup::protocol_name(pkg.header.protocol)
        ),
    );
    hs.add(
        "version",
        format!(
            "{:#06x} ({}.{})",
            pkg.header.version,
            pkg.header.version >> 8,
            pkg.header.version & 0xff
        ),
    );
    let mut ks = Section::new("+kxz package");
    ks.check(
        "checksum",
        pkg.checksum_ok(),
        format!(
            "{:#010x} (computed {:#010x})",
            pkg.checksum_stored, pkg.checksum_computed
        ),
    );
    ks.check("inner length", true, pkg.inner_length);
    ks.add(
        "map table",
        format!("offset {:#x}, version {}", pkg.map_offset, pkg.map_version),
    );
    ks.add("gap tag", format!("{:?}", pkg.gap_tag));
    ks.guess(
        "stored size",
        if pkg.stored_size_includes_trailer {
            "counts the 8-byte trailer (decided from layout)"
        } else {
            "excludes the 8-byte trailer (decided from layout)"
        },
    );
    let mut rs = Section::new("regions");
    let checks = pkg.verify_regions();
    for r in &pkg.regions {
        let label = format!(
            "#{} {}",
            r.index,
            if r.compressed { "deflate" } else { "raw" }
        );
        let c = checks
            .as_ref()
            .ok()
            .and_then(|v| v.iter().find(|c| c.index == r.index));
        match (r.compressed, c) {
            (false, _) => {
                rs.add(&label, format!("bank {:#07x} size {:#x}", r.dest, r.size));
            }
            (true, Some(c)) => {
                let detail = format!(
                    "bank {:#07x} size {:#x} stored {:#x} crc {:#010x}{}",
                    r.dest,
                    r.size,
                    r.stored,
                    c.crc_stored,
                    c.error
                        .as_ref()
                        .map(|e| format!(": {e}"))
                        .unwrap_or_default()
                );
                rs.check(&label, c.ok(), detail);
            }
            (true, None) => {
                rs.check(&label, false, "could not be checked");
            }
        }
    }
    if let Err(e) = &checks {
        w.push(e.to_string());
    }
    w.extend(pkg.layout_problems());
    let mut secs = vec![hs, ks, rs];
    if let Ok(bank) = pkg.bank() {
        let mut bs = Section::new("bank (512 KiB)");
        match kup::section_check(&bank) {
            Some(sc) => {
                bs.check(
                    "section check",
                    sc.stored == sc.computed,
                    format!(
                        "{} ranges, stored {:#010x} computed {:#010x}",
                        sc.count, sc.stored, sc.computed
                    ),
                );
            }
            None => {
                bs.add("section check", "no 0x1234000N header at bank 0x40000");
            }
        }
        for t in kup::launch_tables_guess(&bank) {
            bs.guess(
                &format!("launch table @{:#x}", t.header_offset),
                format!(
                    "{} records at {:#010x} (bank {:#x}); types 1–13: {}; last is type 3: {} (ATA-derived semantics)",
                    t.records.len(),
                    t.table_address,
                    t.table_offset,
                    if t.types_in_range { "yes" } else { "no" },
                    if t.ends_with_type_3 { "yes" } else { "no" }
                ),
            );
        }
        let ranges: Vec<(usize, usize)> = pkg
            .regions
            .iter()
            .map(|r| (r.dest as usize, r.size as usize))
            .collect();
        for (i, k) in kup::scan_kbz_in(&bank, &ranges).iter().enumerate() {
            match k {
                Ok(k) => {
                    bs.check(
                        &format!("+kbz #{i} at {:#x}", k.offset),
                        k.ok(),
                        format!(
                            "v{} stored {} → {} bytes, crc {}, sums {}/{}{}",
                            k.version,
                            k.stored_len,
                            k.output_len,
                            if k.crc_ok { "ok" } else { "BAD" },
                            if k.stored_sum_ok { "ok" } else { "BAD" },
                            if k.output_sum_ok { "ok" } else { "BAD" },
                            k.error
                                .as_ref()
                                .map(|e| format!(": {e}"))
                                .unwrap_or_default()
                        ),
                    );
                }
                Err(e) => {
                    bs.check(&format!("+kbz #{i}"), false, e);
                }
            }
        }
        secs.push(bs);
    }
    (secs, w)
}

/// Inspect one file's bytes; never fails — parse errors land in `FileReport::error`.
pub fn inspect_bytes(name: &str, bytes: &[u8], key: Option<&VerifyingKey>) -> FileReport {
    inspect_bytes_with(name, bytes, key, None)
}

/// A tag table to read profiles with, and the name to show for it.
pub type ProfileTable = (TagTable, String);

/// [`inspect_bytes`], reading compiled profiles with `table` (default: the built-in table
/// that knows most of the file's tags).
pub fn inspect_bytes_with(
    name: &str,
    bytes: &[u8],
    key: Option<&VerifyingKey>,
    table: Option<&ProfileTable>,
) -> FileReport {
    let kind = detect_kind(name, bytes);
    let mut rep = FileReport {
        name: name.to_string(),
        kind,
        size: bytes.len(),
        details: None,
        sections: Vec::new(),
        warnings: Vec::new(),
        error: None,
        hint: None,
    };
    if let Err(e) = fill(&mut rep, name, bytes, key, table) {
        rep.error = Some(e.to_string());
    }
    rep
}

/// A file listed with the reason it could not be read.
pub fn unreadable_report(name: &str, size: u64, reason: &str) -> FileReport {
    FileReport {
        name: name.to_string(),
        kind: FileKind::Unknown,
        size: usize::try_from(size).unwrap_or(usize::MAX),
        details: None,
        sections: Vec::new(),
        warnings: Vec::new(),
        error: Some(format!("cannot read it: {reason}")),
        hint: None,
    }
}

/// What a file no inspector knows probably is (by extension and first bytes).
pub fn unknown_hint(name: &str, bytes: &[u8]) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let lower = base.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let text = !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace() || *b >= 0x80);
    let head = String::from_utf8_lossy(bytes.get(..bytes.len().min(512)).unwrap_or_default());
    let what = if head.contains("<CiscoIPPhoneRingList") {
        "a ring list (XML) for the newer phones"
    } else if head.contains("<DIALTEMPLATE") {
        "a dial plan (XML)"
    } else if head.contains("<CiscoIPPhone") || head.contains("<List>") {
        "a Cisco IP phone XML object"
    } else if ext == "raw" {
        "a ring tone (raw audio)"
    } else if ext == "jar" || (bytes.starts_with(b"PK") && ext != "zip") {
        "a Java archive (locale or application)"
    } else if ext == "png" || bytes.starts_with(b"\x89PNG") {
        "a PNG picture (background or thumbnail)"
    } else if ext == "logo" {
        "a 7905G/7912G logo (bmp2logo output)"
    } else if ext == "dat" && lower.contains("ptag") {
        "a tag table (use it with -t)"
    } else if ext == "dat" || ext == "font" {
        "a locale data file"
    } else if bytes.starts_with(b"MZ") {
        "a Windows program"
    } else if bytes.starts_with(b"\x7fELF") {
        "a Linux program"
    } else if ext == "cnf" && text {
        "a SIP configuration without image_version (a template?)"
    } else if ext == "xml" && text {
        "an XML file that is not a phone configuration"
    } else if text {
        "text (notes or a template)"
    } else if ext == "cfg" {
        "binary data named like a profile, without #ata: an encrypted profile? (inspect it with --key-file or --xkey-file)"
    } else {
        "binary data (an encrypted profile? inspect it with --key-file or --xkey-file)"
    };
    format!("{what} (by its name and content); not inspected")
}

fn fill(
    rep: &mut FileReport,
    name: &str,
    bytes: &[u8],
    key: Option<&VerifyingKey>,
    table: Option<&ProfileTable>,
) -> Result<()> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if let Some(n) = names::parse(base)
        && !matches!(
            rep.kind,
            FileKind::Bundle
                | FileKind::SipConfig
                | FileKind::XmlConfig
                | FileKind::SipXmlConfig
                | FileKind::CipcManifest
                | FileKind::Profile
                | FileKind::TextProfile
                | FileKind::PlainTextProfile
                | FileKind::EncryptedProfile
                | FileKind::Unknown
        )
    {
        rep.sections.push(name_section(&n));
    }
    let signed_header = |rep: &mut FileReport| -> Result<SignedFile<'_>> {
        let s = sgn::parse(bytes)?;
        let (sec, w) = header_section(&s, base, key);
        rep.sections.push(sec);
        rep.warnings.extend(w);
        Ok(s)
    };
    match rep.kind {
        FileKind::Loads => {
            let s = signed_header(rep)?;
            let lf = loads::from_signed(s)?;
            let mut sec = Section::new("load manifest");
            sec.add("loader", lf.loader_name());
            sec.add("application", lf.application_name());
            sec.add("LA_VERSION", lf.la_version_value());
            rep.sections.push(sec);
            rep.warnings.extend(lf.warnings());
            rep.details = serde_json::to_value(&lf).ok();
        }
        FileKind::LoadsList => {
            let s = signed_header(rep)?;
            let list = loads::parse_file_list(s.payload(), s.payload_offset())?;
            rep.sections.push(list_section(&list));
            rep.details = details(vec![
                ("header", serde_json::to_value(&s.header)),
                ("manifest", serde_json::to_value(&list)),
            ]);
        }
        FileKind::Loads78xx | FileKind::Signed78xx => {
            let s = sig78::parse(bytes)?;
            let mut sec = Section::new("78xx signed header");
            sec.add("header length", s.header_length);
            sec.add(
                "payload",
                format!("offset {:#x}, {} bytes", s.header_length, s.payload_length),
            );
            sec.check(
                "SHA-256 of payload",
                s.sha256_ok,
                if s.sha256_ok {
                    format!("{} (matches)", s.sha256_stored)
                } else {
                    format!("{} (does not match: damaged or cut short)", s.sha256_stored)
                },
            );
            let matches = s.filename == base;
            sec.check(
                "embedded name",
                matches,
                if matches {
                    format!("{:?} (matches)", s.filename)
                } else {
                    format!("{:?} (file is named {base:?})", s.filename)
                },
            );
            sec.guess(
                "signature",
                format!(
                    "{} bytes (RSA-{} by its size; not verified)",
                    s.signature_len,
                    s.signature_len * 8
                ),
            );
            rep.sections.push(sec);
            if !matches {
                rep.warnings.push(format!(
                    "embedded name {:?} differs from the file name (renamed?)",
                    s.filename
                ));
            }
            if !s.sha256_ok {
                return Err(PkgError::invalid(
                    0x14,
                    "the payload's SHA-256 is not the one in the header (damaged or cut short)",
                ));
            }
            if rep.kind == FileKind::Loads78xx {
                let list = loads::parse_file_list(s.payload(), s.header_length)?;
                rep.sections.push(list_section(&list));
                rep.details = details(vec![
                    ("header", serde_json::to_value(&s)),
                    ("manifest", serde_json::to_value(&list)),
                ]);
            } else {
                rep.details = details(vec![("header", serde_json::to_value(&s))]);
            }
        }
        FileKind::CipcManifest => {
            let text = String::from_utf8_lossy(bytes);
            let mut sec = Section::new("AutoUpdateManifest");
            let attr = |tag: &str, key: &str| -> Vec<String> {
                text.split(tag)
                    .skip(1)
                    .filter_map(|t| {
                        let (_, v) = t.split_once(&format!("{key}=\""))?;
                        v.split_once('"').map(|(v, _)| v.to_string())
                    })
                    .collect()
            };
            for c in attr("<component", "name") {
                sec.add("component", c);
            }
            for a in attr("<archive", "name") {
                sec.add("archive", a);
            }
            sec.add("files listed", attr("<file ", "path").len());
            rep.sections.push(sec);
        }
        FileKind::Profile => {
            let opts = pinspect::InspectOptions::default();
            let guessed;
            let (t, tname) = match table {
                Some((t, n)) => (t, n.as_str()),
                None => {
                    guessed = pinspect::guess_table(bytes, &opts);
                    (&guessed.0, guessed.1.as_str())
                }
            };
            let ins = pinspect::inspect(bytes, t, tname, &opts);
            let mut sec = Section::new("profile");
            sec.add("kind", ins.kind);
            sec.add("table", &ins.table);
            if let Some(h) = &ins.header {
                sec.check(
                    "header checksum",
                    h.checksum_ok,
                    format!(
                        "{:#06x} (computed {:#06x})",
                        h.stored_checksum, h.computed_checksum
                    ),
                );
                sec.check(
                    "header length",
                    h.length_ok,
                    format!("{} (actual {})", h.stored_length, h.actual_length),
                );
            }
            sec.add("records", ins.records.len());
            for r in ins.records.iter().take(40) {
                sec.add(
                    &format!("{:#06x} {}", r.offset, r.name.as_deref().unwrap_or("?")),
                    &r.value,
                );
            }
            rep.sections.push(sec);
            let mut first_error = None;
            for f in &ins.findings {
                let line = format!("{}: {}", f.place(), f.message);
                if f.severity == crate::finding::Severity::Error {
                    first_error.get_or_insert(line);
                } else {
                    rep.warnings.push(line);
                }
            }
            if let Some(e) = first_error {
                rep.error = Some(format!("{e} (details: cfgfmt-rs inspect {base})"));
            }
        }
        FileKind::TextProfile => {
            let text = String::from_utf8_lossy(bytes);
            let mut sec = Section::new("text profile");
            let settings = text
                .lines()
                .filter(|l| {
                    let t = l.trim();
                    !t.is_empty() && !t.starts_with('#')
                })
                .count();
            sec.add("lines", text.lines().count());
            sec.add("settings", settings);
            for (i, l) in text.lines().enumerate() {
                if l.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("upgradecode")
                {
                    sec.add(&format!("line {}", i + 1), l.trim());
                }
            }
            rep.sections.push(sec);
            rep.hint = Some(format!(
                "the compiler's input: compile it with cfgfmt-rs -t{} {base} <profile>.cfg",
                if text.contains("sip_ptag") || text.to_ascii_lowercase().contains("7912") {
                    "builtin:7912"
                } else {
                    "<table>"
                }
            ));
        }
        FileKind::PlainTextProfile => {
            let txt = match base.rsplit_once('.') {
                Some((stem, _)) => format!("{stem}.txt"),
                None => format!("{base}.txt"),
            };
            return Err(PkgError::Unsupported(format!(
                "{base} is plain text: the phone expects a compiled profile (#ata) and rejects it. \
                 Save the text as {txt} with #txt as its first line, then compile it: \
                 cfgfmt-rs -tbuiltin:7912 {txt} {base}"
            )));
        }
        FileKind::EncryptedProfile => {
            rep.warnings.push(
                "no #ata magic: an encrypted profile (inspect it with --key-file or --xkey-file), or not a profile"
                    .into(),
            );
        }
        FileKind::SipXmlConfig => {
            let mut sec = Section::new("loadInformation");
            for li in textfiles::parse_load_information(bytes) {
                sec.add(&load_information_label(&li), &li.value);
            }
            rep.sections.push(sec);
        }
        FileKind::SignedLoader | FileKind::SignedApplication => {
            let s = signed_header(rep)?;
            let img = image::parse(s.payload(), s.payload_offset())?;
            rep.sections.push(image_section(&img));
            rep.details = details(vec![
                ("header", serde_json::to_value(&s.header)),
                ("image", serde_json::to_value(&img)),
            ]);
        }
        FileKind::Loader | FileKind::Application => {
            let img = image::parse(bytes, 0)?;
            rep.sections.push(image_section(&img));
            rep.details = details(vec![("image", serde_json::to_value(&img))]);
        }
        FileKind::SignedKup => {
            let s = signed_header(rep)?;
            let pkg = kup::parse(s.payload(), s.payload_offset())?;
            let (secs, w) = kup_sections(&pkg);
            rep.sections.extend(secs);
            rep.warnings.extend(w);
            rep.details = details(vec![
                ("header", serde_json::to_value(&s.header)),
                ("kup", serde_json::to_value(&pkg)),
            ]);
        }
        FileKind::Kup => {
            let pkg = kup::parse(bytes, 0)?;
            let (secs, w) = kup_sections(&pkg);
            rep.sections.extend(secs);
            rep.warnings.extend(w);
            rep.details = details(vec![("kup", serde_json::to_value(&pkg))]);
        }
        FileKind::TrustList => {
            let s = signed_header(rep)?;
            let t = tlv::from_signed(s)?;
            for (i, r) in t.records.iter().enumerate() {
                let mut sec = Section::new(format!("record {i} at {:#x}", r.offset));
                sec.add(
                    "role",
                    r.role
                        .map(|x| format!("{x} {}", tlv::role_name(x)))
                        .unwrap_or_else(|| "-".into()),
                );
                if let Some(d) = &r.dns_name {
                    sec.add("DNS name", d);
                }
                sec.add("subject", r.subject.as_deref().unwrap_or("-"));
                sec.add("issuer", r.issuer.as_deref().unwrap_or("-"));
                sec.add("serial", r.serial.as_deref().unwrap_or("-"));
                if let Some(c) = &r.certificate {
                    sec.add("cert subject", &c.subject);
                    sec.add("cert issuer", &c.issuer);
                    sec.add("cert serial", &c.serial);
                    sec.add("valid", format!("{} .. {}", c.not_before, c.not_after));
                    sec.add("key", &c.key);
                }
                rep.sections.push(sec);
            }
            rep.warnings.extend(t.warnings());
            rep.details = serde_json::to_value(&t).ok();
        }
        FileKind::SignedOther => {
            let s = signed_header(rep)?;
            if s.payload().starts_with(b"CNU_File_Archive") {
                rep.warnings
                    .push("payload is a 79x1 CNU_File_Archive (not inspected further)".into());
            }
            if let Some(lines) = text_lines(s.payload()) {
                // 79x1 `.loads` and 7921 `.LOADS` are text manifests of another shape.
                let mut sec = Section::new("text payload");
                for (i, l) in lines.iter().take(40).enumerate() {
                    sec.add(&format!("line {}", i + 1), l);
                }
                rep.sections.push(sec);
            }
            if s.payload().starts_with(&[0x1f, 0x8b]) {
                rep.warnings
                    .push("payload is gzip (a .cop.sgn package: strip gives .tar.gz)".into());
            }
            rep.details = details(vec![("header", serde_json::to_value(&s.header))]);
        }
        FileKind::Bundle => {
            let members = bundle::read_zip(bytes)?;
            let mut sec = Section::new("members");
            for m in &members {
                let k = detect_kind(m.basename(), &m.data);
                let mut v = format!("{} bytes, {}", m.data.len(), k.describe());
                if m.truncated {
                    v.push_str(" (read capped)");
                }
                if let Some(e) = &m.error {
                    v.push_str(&format!(" (error: {e})"));
                }
                sec.add(&m.name, v);
            }
            rep.sections.push(sec);
        }
        FileKind::Os79xxTxt => {
            let os = textfiles::parse_os79xx(bytes)?;
            let mut sec = Section::new("OS79XX.TXT");
            sec.add("load", &os.name);
            rep.sections.push(sec);
            if let Some(n) = &os.parsed {
                rep.sections.push(name_section(n));
            }
            rep.details = serde_json::to_value(&os).ok();
            rep.warnings.extend(os.warnings);
        }
        FileKind::SipConfig => {
            let mut sec = Section::new("image_version");
            for iv in textfiles::parse_image_version(bytes) {
                sec.add(&format!("line {}", iv.line), &iv.value);
                if let Some(n) = &iv.parsed {
                    sec.add(
                        "  load",
                        format!("{} {} {}", n.protocol_label(), n.family, n.version),
                    );
                }
                rep.warnings
                    .extend(iv.warnings.iter().map(|w| format!("line {}: {w}", iv.line)));
            }
            rep.sections.push(sec);
        }
        FileKind::XmlConfig => {
            let mut sec = Section::new("loadInformation");
            for li in textfiles::parse_load_information(bytes) {
                sec.add(&load_information_label(&li), &li.value);
            }
            rep.sections.push(sec);
        }
        FileKind::Unknown => {
            rep.hint = Some(unknown_hint(name, bytes));
        }
    }
    Ok(())
}

fn load_information_label(li: &textfiles::LoadInformation) -> String {
    match li.device_type {
        Some(n) => format!(
            "loadInformation{n} ({})",
            textfiles::device_type_model(n).unwrap_or("?")
        ),
        None => "loadInformation".into(),
    }
}

fn list_section(list: &loads::FileList) -> Section {
    let mut sec = Section::new(list.style.describe());
    if let Some(r) = &list.release {
        sec.add("release", r);
    }
    for (k, v) in &list.properties {
        sec.add(k, v);
    }
    for f in &list.files {
        let mut v = f.name.clone();
        if let Some(n) = f.size {
            v.push_str(&format!(", {n} bytes"));
        }
        if let Some(d) = &f.digest {
            v.push_str(&format!(", digest {d}"));
        }
        if f.marked {
            v.push_str(" (listed with #+)");
        }
        sec.add("file", v);
    }
    sec
}

/// Bytes of a folder held at once for the cross-file checks.
pub const MAX_DIR_TOTAL: usize = 4 * MAX_OUTPUT;

fn read_capped(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| PkgError::io(path, e))?;
    if meta.len() > MAX_OUTPUT as u64 {
        return Err(PkgError::TooLarge {
            offset: 0,
            what: "input file",
            limit: MAX_OUTPUT,
        });
    }
    std::fs::read(path).map_err(|e| PkgError::io(path, e))
}

fn load_key(opts: &InspectOptions) -> Result<Option<VerifyingKey>> {
    opts.cert
        .as_deref()
        .map(sgn::load_verifying_key_file)
        .transpose()
}

/// A file of the folder that was not read: (name, size, reason).
pub type Unread = (String, u64, String);
/// A file of the folder that was read: (name, bytes).
pub type ReadFile = (String, Vec<u8>);

/// Regular files directly inside `dir`, sorted, with their bytes; the files that could not be
/// read (or were over a limit) come back apart, with the reason.
fn read_dir_files(dir: &Path) -> Result<(Vec<ReadFile>, Vec<Unread>)> {
    let mut out = Vec::new();
    let mut unread = Vec::new();
    let mut total = 0usize;
    let mut listed: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| PkgError::io(dir, e))? {
        let entry = entry.map_err(|e| PkgError::io(dir, e))?;
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        listed.push((entry.file_name().to_string_lossy().into_owned(), path));
    }
    listed.sort();
    for (name, path) in listed {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        match read_capped(&path) {
            Ok(bytes) => {
                // A TFTP root can be large: stop holding files past the folder budget.
                if total.saturating_add(bytes.len()) > MAX_DIR_TOTAL {
                    unread.push((
                        name,
                        size,
                        format!("not read: the folder holds more than {MAX_DIR_TOTAL} bytes"),
                    ));
                    continue;
                }
                total += bytes.len();
                out.push((name, bytes));
            }
            Err(PkgError::TooLarge { limit, .. }) => {
                unread.push((name, size, format!("over the {limit}-byte read limit")));
            }
            Err(e) => {
                let reason = match e {
                    PkgError::Io { source, .. } => source.to_string(),
                    other => other.to_string(),
                };
                unread.push((name, size, reason));
            }
        }
    }
    Ok((out, unread))
}

/// A tag table beside the profiles: `sip_ptag*.dat` in the folder (Cisco's tree has
/// `sip_ptag7912.dat`).
fn folder_table(files: &[(String, Vec<u8>)]) -> Option<ProfileTable> {
    files.iter().find_map(|(n, b)| {
        let lower = n.to_ascii_lowercase();
        if !(lower.starts_with("sip_ptag") && lower.ends_with(".dat")) {
            return None;
        }
        let (t, _) = TagTable::parse(b);
        (!t.entries().is_empty()).then(|| (t, n.clone()))
    })
}

/// Folder inspection: every file (unreadable ones with their reason), then the set checks.
fn inspect_folder(
    files: &[(String, Vec<u8>)],
    unread: &[Unread],
    key: Option<&VerifyingKey>,
) -> (Vec<FileReport>, Vec<Check>) {
    let table = folder_table(files);
    let mut reports: Vec<FileReport> = files
        .iter()
        .map(|(name, bytes)| inspect_bytes_with(name, bytes, key, table.as_ref()))
        .collect();
    let big = |r: &str| r.starts_with("over the") || r.starts_with("not read:");
    for (name, size, reason) in unread {
        let mut rep = unreadable_report(name, *size, reason);
        if big(reason) {
            rep.error = None;
            rep.hint = Some(format!("{reason}: not inspected"));
        }
        reports.push(rep);
    }
    reports.sort_by(|a, b| a.name.cmp(&b.name));
    let set: Vec<bundle::SetFile<'_>> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let mut checks = bundle::check_set(&set);
    // A file that is here but could not be read is not "missing".
    for c in &mut checks {
        if c.status != Status::Bad {
            continue;
        }
        if let Some((n, _, reason)) = unread
            .iter()
            .find(|(n, _, _)| c.name == format!("{n} present") || c.detail.contains(n.as_str()))
        {
            c.detail = format!("{n} is here but was not read: {reason}");
            if big(reason) {
                c.status = Status::Info;
            }
        }
    }
    (reports, checks)
}

/// `inspect FILE|DIR`: for a folder every file plus the cross-file checks; for a `.loads`
/// (or with `--dir`) the checks of its folder; for a zip its members and their checks.
pub fn inspect_path(path: &Path, opts: &InspectOptions) -> Result<PkgReport> {
    let key = load_key(opts)?;
    let mut report = PkgReport {
        path: path.display().to_string(),
        files: Vec::new(),
        checks: Vec::new(),
    };
    if path.is_dir() {
        let (files, unread) = read_dir_files(path)?;
        let (reports, checks) = inspect_folder(&files, &unread, key.as_ref());
        report.files = reports;
        report.checks = checks;
        return Ok(report);
    }
    let bytes = read_capped(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let beside = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let table = if detect_kind(&name, &bytes) == FileKind::Profile {
        table_beside(beside)
    } else {
        None
    };
    let file = inspect_bytes_with(&name, &bytes, key.as_ref(), table.as_ref());
    let kind = file.kind;
    report.files.push(file);
    if kind == FileKind::Bundle {
        let members = bundle::read_zip(&bytes)?;
        for m in &members {
            report
                .files
                .push(inspect_bytes(&m.name, &m.data, key.as_ref()));
        }
        let set: Vec<bundle::SetFile<'_>> = members
            .iter()
            .map(|m| (m.basename(), m.data.as_slice()))
            .collect();
        report.checks = bundle::check_set(&set);
    } else if kind == FileKind::Loads || opts.dir.is_some() {
        let dir = match &opts.dir {
            Some(d) => d.clone(),
            None => path
                .parent()
                .map(Path::to_path_buf)
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or_else(|| PathBuf::from(".")),
        };
        let (files, unread) = read_dir_files(&dir)?;
        let (_, checks) = inspect_folder(&files, &unread, key.as_ref());
        report.checks = checks;
    }
    Ok(report)
}

/// `sip_ptag*.dat` in `dir`, parsed (the first, by name, that holds entries).
pub fn table_beside(dir: &Path) -> Option<ProfileTable> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .is_some_and(|n| n.starts_with("sip_ptag") && n.ends_with(".dat"))
        })
        .collect();
    names.sort();
    names.into_iter().find_map(|p| {
        let bytes = read_capped(&p).ok()?;
        let (t, _) = TagTable::parse(&bytes);
        (!t.entries().is_empty()).then(|| (t, p.display().to_string()))
    })
}

/// Annotated regions for the hex dump.
pub fn dump_bytes(name: &str, bytes: &[u8]) -> Result<Vec<Span>> {
    Ok(match detect_kind(name, bytes) {
        FileKind::Loads => loads::parse(bytes)?.spans(),
        FileKind::SignedLoader | FileKind::SignedApplication => {
            let s = sgn::parse(bytes)?;
            let mut v = s.spans();
            v.extend(image::parse(s.payload(), s.payload_offset())?.spans(s.payload_offset()));
            v
        }
        FileKind::Loader | FileKind::Application => image::parse(bytes, 0)?.spans(0),
        FileKind::SignedKup => {
            let s = sgn::parse(bytes)?;
            let mut v = s.spans();
            v.extend(kup::parse(s.payload(), s.payload_offset())?.spans());
            v
        }
        FileKind::Kup => kup::parse(bytes, 0)?.spans(),
        FileKind::TrustList => tlv::parse(bytes)?.spans(),
        FileKind::SignedOther => {
            let s = sgn::parse(bytes)?;
            let mut v = s.spans();
            v.push(Span::new(
                s.payload_offset(),
                s.payload().len(),
                "payload",
                format!("{} bytes", s.payload().len()),
            ));
            v
        }
        FileKind::Os79xxTxt => {
            let os = textfiles::parse_os79xx(bytes)?;
            vec![Span::new(
                0,
                bytes.len(),
                "OS79XX.TXT",
                format!("{:?}", os.name),
            )]
        }
        FileKind::LoadsList => {
            let s = sgn::parse(bytes)?;
            let mut v = s.spans();
            v.push(Span::new(
                s.payload_offset(),
                s.payload().len(),
                "manifest",
                "file list",
            ));
            v
        }
        FileKind::Loads78xx | FileKind::Signed78xx => {
            let s = sig78::parse(bytes)?;
            vec![
                Span::new(0, 4, "magic", "78xx signed header"),
                Span::new(4, 4, "header length", s.header_length.to_string()),
                Span::new(0x0c, 4, "payload length", s.payload_length.to_string()),
                Span::new(0x14, 32, "SHA-256", s.sha256_stored.clone()),
                Span::new(
                    0x38,
                    4.max(s.filename.len()),
                    "name",
                    format!("{:?}", s.filename),
                ),
                Span::new(
                    s.header_length,
                    s.payload_length,
                    "payload",
                    format!("{} bytes", s.payload_length),
                ),
            ]
        }
        FileKind::Bundle
        | FileKind::SipConfig
        | FileKind::XmlConfig
        | FileKind::SipXmlConfig
        | FileKind::CipcManifest
        | FileKind::Profile
        | FileKind::TextProfile
        | FileKind::PlainTextProfile
        | FileKind::EncryptedProfile
        | FileKind::Unknown => Vec::new(),
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StripSummary {
    pub header_length: usize,
    pub payload_len: usize,
    pub embedded_name: Option<String>,
}

/// Write `output` atomically: a temp file in the same folder, then rename over the target.
pub fn write_atomic(output: &Path, data: &[u8]) -> Result<()> {
    folder_exists(output)?;
    crate::io::write_atomic(output, data).map_err(|e| write_error(output, e))
}

/// The folder `output` goes into must exist (the error names it, not a temporary file).
fn folder_exists(output: &Path) -> Result<()> {
    match output.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) if !dir.is_dir() => Err(PkgError::Unsupported(format!(
            "cannot write {}: the folder {} does not exist (create it first)",
            output.display(),
            dir.display()
        ))),
        _ => Ok(()),
    }
}

fn write_error(fallback: &Path, e: crate::diag::Error) -> PkgError {
    match e {
        crate::diag::Error::Write { path, source } => PkgError::io(&path, source),
        other => PkgError::io(fallback, std::io::Error::other(other.to_string())),
    }
}

/// `strip IN OUT`: the payload without the signed header (e.g. `.sbn` → `.bin`).
pub fn strip(input: &Path, output: &Path) -> Result<StripSummary> {
    let bytes = read_capped(input)?;
    let s = sgn::parse(&bytes)?;
    write_atomic(output, s.payload())?;
    Ok(StripSummary {
        header_length: s.payload_offset(),
        payload_len: s.payload().len(),
        embedded_name: s.header.filename.clone(),
    })
}

/// A member's path inside the output folder: its folders kept, nothing that could leave the
/// folder (`..`, absolute paths, drive letters). `None` for folder entries and unsafe names.
fn safe_member_path(name: &str) -> Option<PathBuf> {
    if name.ends_with('/') || name.ends_with('\\') {
        return None;
    }
    let mut out = PathBuf::new();
    for part in name.split(['/', '\\']) {
        if part.is_empty() || part == "." {
            continue;
        }
        if part == ".." || part.contains(':') {
            return None;
        }
        out.push(part);
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// `extract IN DIR`: a kup1 package's regions (and the rebuilt bank), a bundle's members, or a
/// signed file's payload. Returns the files written.
pub fn extract(input: &Path, out_dir: &Path) -> Result<Vec<PathBuf>> {
    let bytes = read_capped(input)?;
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Everything is read and checked first; nothing is written unless all of it is sound.
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let kind = detect_kind(&name, &bytes);
    match kind {
        FileKind::Kup | FileKind::SignedKup => {
            let pkg = if kind == FileKind::Kup {
                kup::parse(&bytes, 0)?
            } else {
                let s = sgn::parse(&bytes)?;
                kup::parse(
                    bytes.get(s.payload_offset()..).unwrap_or_default(),
                    s.payload_offset(),
                )?
            };
            for r in &pkg.regions {
                let (out, check) = pkg.region_output(r)?;
                if let Some(e) = check.error {
                    return Err(PkgError::Decompress {
                        offset: pkg.base + r.data_offset,
                        what: format!("region {}: {e}", r.index),
                    });
                }
                let kind = if r.compressed { "deflate" } else { "raw" };
                files.push((
                    PathBuf::from(format!("region-{:02}-{kind}-{:#07x}.bin", r.index, r.dest)),
                    out,
                ));
            }
            // The rebuilt bank is a convenience; overlapping regions have none.
            if let Ok(bank) = pkg.bank() {
                files.push((PathBuf::from("bank.bin"), bank));
            }
        }
        FileKind::Bundle => {
            for m in bundle::read_zip(&bytes)? {
                if m.truncated {
                    return Err(PkgError::TooLarge {
                        offset: 0,
                        what: "zip member",
                        limit: bundle::MAX_MEMBER,
                    });
                }
                if let Some(n) = safe_member_path(&m.name) {
                    if files.iter().any(|(f, _)| *f == n) {
                        return Err(PkgError::Unsupported(format!(
                            "two members are named {}: extract would overwrite one",
                            n.display()
                        )));
                    }
                    files.push((n, m.data));
                }
            }
        }
        _ if sgn::looks_signed(&bytes) => {
            let s = sgn::parse(&bytes)?;
            let stem = name.rsplit_once('.').map(|(a, _)| a).unwrap_or(&name);
            files.push((
                PathBuf::from(format!("{stem}.payload")),
                s.payload().to_vec(),
            ));
        }
        other => {
            return Err(PkgError::Unsupported(format!(
                "nothing to extract from {}",
                other.describe()
            )));
        }
    }
    std::fs::create_dir_all(out_dir).map_err(|e| PkgError::io(out_dir, e))?;
    let paths: Vec<(PathBuf, &[u8])> = files
        .iter()
        .map(|(n, d)| (out_dir.join(n), d.as_slice()))
        .collect();
    for (p, _) in &paths {
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| PkgError::io(parent, e))?;
        }
    }
    crate::io::write_all_atomic(&paths).map_err(|e| write_error(out_dir, e))?;
    Ok(paths.into_iter().map(|(p, _)| p).collect())
}

/// `YYYY-MM-DD HH:MM:SS UTC` for Unix seconds (days-to-civil conversion, proleptic Gregorian).
pub fn utc_date(secs: u32) -> String {
    let secs = i64::from(secs);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The payload's lines if it is small printable text.
fn text_lines(payload: &[u8]) -> Option<Vec<String>> {
    let printable = |b: &u8| b.is_ascii_graphic() || b.is_ascii_whitespace();
    if payload.is_empty() || payload.len() > 64 * 1024 || !payload.iter().all(printable) {
        return None;
    }
    Some(
        String::from_utf8_lossy(payload)
            .lines()
            .map(|l| l.trim_end().to_string())
            .collect(),
    )
}

/// A JSON object from named parts (a part that fails to serialise is left out).
fn details(parts: Vec<(&str, serde_json::Result<serde_json::Value>)>) -> Option<serde_json::Value> {
    let map: serde_json::Map<String, serde_json::Value> = parts
        .into_iter()
        .filter_map(|(k, v)| v.ok().map(|v| (k.to_string(), v)))
        .collect();
    Some(serde_json::Value::Object(map))
}
