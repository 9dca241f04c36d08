//! The report `inspect` gives about files of every kind (sections of labelled fields, the
//! findings, the parse result for `--json`), and its rendering as text.

use serde::Serialize;

use super::{AnyFile, File, FileKind, Payload};
use crate::finding::{Finding, Location, Severity};
use crate::pkg::bundle::{self, Check};
use crate::pkg::error::{PkgError, Result};
use crate::pkg::sgn::{self, SignedFile, VerifyingKey};
use crate::pkg::{image, kup, loads, names, sig78, textfiles, tlv};
use crate::profile::inspect::Inspection;
use crate::report::Status;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
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
#[serde(rename_all = "kebab-case")]
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

/// What `inspect` says about one file, whatever its kind.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FileReport {
    pub name: String,
    pub kind: FileKind,
    pub size: usize,
    pub sections: Vec<Section>,
    /// Problems and notes, in the one findings vocabulary (a file that cannot be parsed has
    /// a `parse-error` finding).
    pub findings: Vec<Finding>,
    /// For files no inspector knows: what the file probably is, and why it is not inspected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The typed parse result (header fields, image fields, regions, records…) for `--json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

/// What `inspect` says about a file, a bundle or a folder: every file in one list, then the
/// checks across them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PkgReport {
    pub path: String,
    pub files: Vec<FileReport>,
    pub checks: Vec<Check>,
}

/// Code of the finding a file that cannot be parsed gets.
pub const PARSE_ERROR: &str = crate::pkg::checks::PARSE_ERROR.id;

impl FileReport {
    /// The first error, if any: the reason the file is not sound.
    pub fn error(&self) -> Option<&str> {
        self.findings
            .iter()
            .find(|f| f.severity == Severity::Error)
            .map(|f| f.message.as_str())
    }
    /// Every warning and note.
    pub fn warnings(&self) -> Vec<&str> {
        self.findings
            .iter()
            .filter(|f| f.severity != Severity::Error)
            .map(|f| f.message.as_str())
            .collect()
    }
    pub(crate) fn warn(&mut self, message: impl Into<String>) {
        self.findings
            .push(crate::pkg::checks::PACKAGE_WARNING.finding(message));
    }
    pub(crate) fn fail(&mut self, e: &PkgError) {
        self.findings.push(
            crate::pkg::checks::PARSE_ERROR
                .finding(e.to_string())
                .at(e.offset().map(Location::Offset)),
        );
    }
}

fn status_word(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::Ok) => "OK  ",
        Some(Status::Bad) => "BAD ",
        _ => "    ",
    }
}

impl PkgReport {
    /// The report as text, into a string ([`PkgReport::write_text`]).
    pub fn render_text(&self) -> String {
        let mut out = Vec::new();
        let _ = self.write_text(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The report as text, written as it is made.
    pub fn write_text(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        for f in &self.files {
            writeln!(
                out,
                "== {} ({} bytes): {}",
                f.name,
                f.size,
                f.kind.describe()
            )?;
            for s in &f.sections {
                writeln!(out, "  [{}]", s.title)?;
                for fld in &s.fields {
                    let g = if fld.guess { "  (guess)" } else { "" };
                    writeln!(
                        out,
                        "    {}{:<26} {}{g}",
                        status_word(fld.status),
                        fld.label,
                        fld.value
                    )?;
                }
            }
            if let Some(h) = &f.hint {
                writeln!(out, "  hint: {h}")?;
            }
            let (errors, notes): (Vec<&Finding>, Vec<&Finding>) = f
                .findings
                .iter()
                .partition(|x| x.severity == Severity::Error);
            for x in notes.into_iter().chain(errors) {
                match x.offset().filter(|_| x.code != PARSE_ERROR) {
                    Some(o) => {
                        writeln!(out, "  {}: offset {o}: {}", x.severity, x.message)?;
                    }
                    None => {
                        writeln!(out, "  {}: {}", x.severity, x.message)?;
                    }
                }
            }
        }
        if !self.checks.is_empty() {
            writeln!(out, "== checks")?;
            for c in &self.checks {
                writeln!(
                    out,
                    "  {}{}: {}",
                    status_word(Some(c.status)),
                    c.name,
                    c.detail
                )?;
            }
        }
        Ok(())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// [`PkgReport::to_json`] and a line end, written as it is made.
    pub fn write_json(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        writeln!(out)
    }

    /// True when no file failed to parse and no check is bad.
    pub fn all_ok(&self) -> bool {
        self.files_ok() && self.checks.iter().all(|c| c.status != Status::Bad)
    }

    /// True when no file failed to parse (set checks aside: single-file inspection).
    pub fn files_ok(&self) -> bool {
        self.files.iter().all(|f| f.error().is_none())
    }

    /// Files by kind: (recognised, unknown, with an error).
    pub fn counts(&self) -> (usize, usize, usize) {
        let unknown = self
            .files
            .iter()
            .filter(|f| f.kind == FileKind::Unknown)
            .count();
        let errors = self.files.iter().filter(|f| f.error().is_some()).count();
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
            .map(|t| format!("{t} ({})", super::utc_date(t)))
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

/// A `kup1` package: its header, the `+kxz` container, its regions and the rebuilt bank.
fn kup_report(rep: &mut FileReport, pkg: &kup::KupPackage<'_>) {
    rep.sections.push(kup_header_section(pkg));
    rep.sections.push(kxz_section(pkg));
    let (regions, problem) = regions_section(pkg);
    rep.sections.push(regions);
    problem.into_iter().for_each(|w| rep.warn(w));
    pkg.layout_problems().into_iter().for_each(|w| rep.warn(w));
    if let Ok(bank) = pkg.bank() {
        rep.sections.push(bank_section(pkg, &bank));
    }
}

fn kup_header_section(pkg: &kup::KupPackage<'_>) -> Section {
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
    hs
}

fn kxz_section(pkg: &kup::KupPackage<'_>) -> Section {
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
    ks
}

/// The regions, checked; the reason they could not be checked, if so.
fn regions_section(pkg: &kup::KupPackage<'_>) -> (Section, Option<String>) {
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
    (rs, checks.err().map(|e| e.to_string()))
}

/// The 512 KiB bank the regions rebuild: its section check, launch tables and `+kbz` blocks.
fn bank_section(pkg: &kup::KupPackage<'_>, bank: &[u8]) -> Section {
    let mut bs = Section::new("bank (512 KiB)");
    match kup::section_check(bank) {
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
    for t in kup::launch_tables_guess(bank) {
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
    for (i, k) in kup::scan_kbz_in(bank, &ranges).iter().enumerate() {
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
    bs
}

/// A file listed with the reason it could not be read.
pub fn unreadable_report(name: &str, size: u64, reason: &str) -> FileReport {
    FileReport {
        name: name.to_string(),
        kind: FileKind::Unknown,
        size: usize::try_from(size).unwrap_or(usize::MAX),
        details: None,
        sections: Vec::new(),
        findings: vec![crate::pkg::checks::UNREADABLE.finding(format!("cannot read it: {reason}"))],
        hint: None,
    }
}

/// Whether bytes read as text for [`unknown_hint`] (UTF-8 and Latin-1 bytes count).
pub fn hint_text(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace() || *b >= 0x80)
}

/// What a file no inspector knows probably is (by extension and first bytes).
pub fn unknown_hint(name: &str, bytes: &[u8]) -> String {
    unknown_hint_of(name, bytes, !bytes.is_empty() && hint_text(bytes))
}

/// The report of a file no inspector knows, from its `size`, its first bytes and whether
/// all of it is text ([`hint_text`]): what `inspect` says without holding the file.
pub fn unknown_report(name: &str, size: usize, head: &[u8], text: bool) -> FileReport {
    FileReport {
        name: name.to_string(),
        kind: FileKind::Unknown,
        size,
        details: None,
        sections: Vec::new(),
        findings: Vec::new(),
        hint: Some(unknown_hint_of(name, head, text)),
    }
}

/// [`unknown_hint`] from the first bytes (512 are looked at) and whether all are text.
fn unknown_hint_of(name: &str, bytes: &[u8], text: bool) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let lower = base.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let head = String::from_utf8_lossy(bytes.get(..bytes.len().min(512)).unwrap_or_default());
    if bytes.is_empty() {
        return "an empty file (0 bytes); a phone that fetches it gets nothing".into();
    }
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

/// The report of one opened file: one match over what it is.
pub fn report(file: &File<'_>, key: Option<&VerifyingKey>) -> FileReport {
    let mut rep = FileReport {
        name: file.name.clone(),
        kind: file.kind,
        size: file.bytes.len(),
        details: None,
        sections: Vec::new(),
        findings: Vec::new(),
        hint: None,
    };
    let base = file.base_name();
    if let Some(n) = names::parse(base).filter(|_| is_package(file.kind)) {
        rep.sections.push(name_section(&n));
    }
    let parsed = match &file.parsed {
        Ok(p) => p,
        Err(e) => {
            rep.fail(e);
            return rep;
        }
    };
    if let Err(e) = fill(&mut rep, file, parsed, key) {
        rep.fail(&e);
    }
    rep
}

/// Package kinds (the ones a load name in the file name says something about).
fn is_package(kind: FileKind) -> bool {
    !matches!(
        kind,
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
}

fn fill(
    rep: &mut FileReport,
    file: &File<'_>,
    parsed: &AnyFile<'_>,
    key: Option<&VerifyingKey>,
) -> Result<()> {
    let (bytes, base) = (file.bytes, file.base_name());
    match parsed {
        AnyFile::Signed { signed, payload } => {
            let (sec, w) = header_section(signed, base, key);
            rep.sections.push(sec);
            w.into_iter().for_each(|w| rep.warn(w));
            match payload {
                Ok(p) => signed_payload(rep, signed, p),
                Err(e) => rep.fail(e),
            }
        }
        AnyFile::Signed78 { signed, list } => signed78(rep, signed, list.as_ref(), base)?,
        AnyFile::CipcManifest => rep.sections.push(cipc_section(bytes)),
        AnyFile::Profile(ins) => profile(rep, ins),
        AnyFile::TextProfile => text_profile(rep, bytes, base),
        AnyFile::PlainTextProfile => {
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
        AnyFile::EncryptedProfile => rep.warn(
            "no #ata magic: an encrypted profile (inspect it with --key-file or --xkey-file), or not a profile",
        ),
        AnyFile::Image(img) => {
            rep.sections.push(image_section(img));
            rep.details = details(vec![("image", serde_json::to_value(img))]);
        }
        AnyFile::Kup(pkg) => {
            kup_report(rep, pkg);
            rep.details = details(vec![("kup", serde_json::to_value(pkg))]);
        }
        AnyFile::Bundle(members) => rep.sections.push(members_section(members)),
        AnyFile::Os79xx(os) => {
            let mut sec = Section::new("OS79XX.TXT");
            sec.add("load", &os.name);
            rep.sections.push(sec);
            if let Some(n) = &os.parsed {
                rep.sections.push(name_section(n));
            }
            rep.details = serde_json::to_value(os).ok();
            os.warnings.iter().for_each(|w| rep.warn(w.clone()));
        }
        AnyFile::SipConfig(lines) => sip_config(rep, lines),
        AnyFile::XmlConfig { loads, .. } => {
            let mut sec = Section::new("loadInformation");
            for li in loads {
                sec.add(&load_information_label(li), &li.value);
            }
            rep.sections.push(sec);
        }
        AnyFile::Unknown => rep.hint = Some(unknown_hint(&file.name, bytes)),
    }
    Ok(())
}

/// What a signed file carries, once its header is shown.
fn signed_payload(rep: &mut FileReport, s: &SignedFile<'_>, payload: &Payload<'_>) {
    let header = || serde_json::to_value(&s.header);
    match payload {
        Payload::Loads(lf) => {
            let mut sec = Section::new("load manifest");
            sec.add("loader", lf.loader_name());
            sec.add("application", lf.application_name());
            sec.add("LA_VERSION", lf.la_version_value());
            rep.sections.push(sec);
            lf.warnings().into_iter().for_each(|w| rep.warn(w));
            rep.details = serde_json::to_value(lf).ok();
        }
        Payload::List(list) => {
            rep.sections.push(list_section(list));
            rep.details = details(vec![
                ("header", header()),
                ("manifest", serde_json::to_value(list)),
            ]);
        }
        Payload::Image(img) => {
            rep.sections.push(image_section(img));
            rep.details = details(vec![
                ("header", header()),
                ("image", serde_json::to_value(img)),
            ]);
        }
        Payload::Kup(pkg) => {
            kup_report(rep, pkg);
            rep.details = details(vec![
                ("header", header()),
                ("kup", serde_json::to_value(pkg)),
            ]);
        }
        Payload::TrustList(t) => {
            rep.sections.extend(trust_list_sections(t));
            t.warnings().into_iter().for_each(|w| rep.warn(w));
            rep.details = serde_json::to_value(t).ok();
        }
        Payload::Other => {
            signed_other(rep, s.payload());
            rep.details = details(vec![("header", header())]);
        }
    }
}

fn signed_other(rep: &mut FileReport, payload: &[u8]) {
    if payload.starts_with(b"CNU_File_Archive") {
        rep.warn("payload is a 79x1 CNU_File_Archive (not inspected further)");
    }
    if let Some(lines) = text_lines(payload) {
        // 79x1 `.loads` and 7921 `.LOADS` are text manifests of another shape.
        let mut sec = Section::new("text payload");
        for (i, l) in lines.iter().take(40).enumerate() {
            sec.add(&format!("line {}", i + 1), l);
        }
        rep.sections.push(sec);
    }
    if payload.starts_with(&[0x1f, 0x8b]) {
        rep.warn("payload is gzip (a .cop.sgn package: strip gives .tar.gz)");
    }
}

fn trust_list_sections(t: &tlv::TrustList<'_>) -> Vec<Section> {
    let mut out = Vec::new();
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
        out.push(sec);
    }
    out
}

fn signed78(
    rep: &mut FileReport,
    s: &sig78::Signed78<'_>,
    list: Option<&Result<loads::FileList>>,
    base: &str,
) -> Result<()> {
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
        rep.warn(format!(
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
    match list {
        Some(Err(e)) => rep.fail(e),
        Some(Ok(list)) => {
            rep.sections.push(list_section(list));
            rep.details = details(vec![
                ("header", serde_json::to_value(s)),
                ("manifest", serde_json::to_value(list)),
            ]);
        }
        None => rep.details = details(vec![("header", serde_json::to_value(s))]),
    }
    Ok(())
}

fn cipc_section(bytes: &[u8]) -> Section {
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
    sec
}

/// A binary profile in a file list: its header, its first records, its findings.
fn profile(rep: &mut FileReport, ins: &Inspection) {
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
    rep.findings.extend(ins.findings.iter().cloned());
    // The findings are the report's own; the details hold the rest of the inspection.
    rep.details = serde_json::to_value(ins).ok().map(|mut v| {
        if let Some(o) = v.as_object_mut() {
            o.remove("findings");
        }
        v
    });
}

fn text_profile(rep: &mut FileReport, bytes: &[u8], base: &str) {
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

fn members_section(members: &[bundle::Member]) -> Section {
    let mut sec = Section::new("members");
    for m in members {
        let k = crate::pkg::detect::detect(m.basename(), &m.data);
        let mut v = format!("{} bytes, {}", m.data.len(), k.describe());
        if m.truncated {
            v.push_str(" (read capped)");
        }
        if let Some(e) = &m.error {
            v.push_str(&format!(" (error: {e})"));
        }
        sec.add(&m.name, v);
    }
    sec
}

fn sip_config(rep: &mut FileReport, lines: &[textfiles::ImageVersion]) {
    let mut sec = Section::new("image_version");
    for iv in lines {
        sec.add(&format!("line {}", iv.line), &iv.value);
        if let Some(n) = &iv.parsed {
            sec.add(
                "  load",
                format!("{} {} {}", n.protocol_label(), n.family, n.version),
            );
        }
        for w in &iv.warnings {
            rep.warn(format!("line {}: {w}", iv.line));
        }
    }
    rep.sections.push(sec);
}

fn load_information_label(li: &textfiles::LoadInformation) -> String {
    match li.device_type {
        Some(n) => format!(
            "loadInformation{n} ({})",
            crate::device::load_id_name(n).unwrap_or("?")
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
