//! The `upgradecode:` line of 7905G/7912G and ATA profiles (rule R32):
//! `upgradecode:3,<platform>,0x0400,<0x0100 | 0x0200>,<tftp ip>,69,<date code>,<image file>`.
//!
//! The platform comes from the image's `kup1` header, the date code from its name; the other
//! fields are the guide's fixed values. [`rewrite`] puts the line into a `gkdefault.txt`.
use crate::pkg::detect::{FileKind, detect};
use crate::pkg::{kup, names, sgn};
use serde::Serialize;
use std::path::Path;

/// Platform codes of R32 (and of the `kup1` header).
pub const PLATFORM_ATA: u32 = 0x301;
pub const PLATFORM_7905: u32 = 0x501;
pub const PLATFORM_7912: u32 = 0x601;
/// Fixed fields of R32.
pub const KIND: u8 = 3;
pub const FIELD_0400: u16 = 0x0400;
pub const TFTP_PORT: u16 = 69;
/// Longer image names overran cfgfmt 2.3's buffer (`codec::MAX_UPGRADE_NAME`).
pub const MAX_NAME: usize = crate::codec::MAX_UPGRADE_NAME;
/// Largest image read.
pub const MAX_IMAGE: u64 = 64 << 20;

/// The fourth field: 0x0100 for 7905/7912, 0x0200 for ATA (R32); `None` for other platforms.
pub fn fourth_field(platform: u32) -> Option<u16> {
    match platform {
        PLATFORM_7905 | PLATFORM_7912 => Some(0x0100),
        PLATFORM_ATA => Some(0x0200),
        _ => None,
    }
}

/// The platform a name implies: `CP7905…` 0x501, `CP7912…` 0x601, `ATA…` 0x301.
pub fn platform_of_name(name: &names::LoadName) -> Option<u32> {
    match name.family {
        names::Family::Cp(7905) => Some(PLATFORM_7905),
        names::Family::Cp(7912) => Some(PLATFORM_7912),
        names::Family::Ata => Some(PLATFORM_ATA),
        _ => None,
    }
}

/// The date code of an image name as a number: `…060111A.sbin` → 0x060111a. Names the
/// load-name parser knows give it directly; otherwise a trailing `yymmdd` + letter before the
/// extension is accepted (older ATA names such as `ata18x-v2-15-020927a.zup`).
pub fn date_code_of(file: &str) -> Option<u32> {
    let text = match names::parse(file).and_then(|n| n.upgradecode_date()) {
        Some(code) => code.trim_start_matches("0x").to_string(),
        None => {
            let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
            let tail: Vec<char> = stem.chars().rev().take(8).collect();
            let (letter, digits) = tail.split_first()?;
            let digits: String = digits.iter().take(6).rev().collect();
            let before = tail.get(7);
            if !letter.is_ascii_alphabetic()
                || digits.len() != 6
                || !digits.chars().all(|c| c.is_ascii_digit())
                || before.is_some_and(char::is_ascii_digit)
            {
                return None;
            }
            format!("{digits}{}", letter.to_ascii_lowercase())
        }
    };
    // The build letter is a hex digit in every known name (A–F); anything else has no code.
    u32::from_str_radix(&text, 16).ok()
}

/// The eight fields of an `upgradecode` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct UpgradeCode {
    pub kind: u8,
    pub platform: u32,
    pub field3: u16,
    pub field4: u16,
    pub tftp: [u8; 4],
    pub port: u16,
    pub date: u32,
    pub file: String,
}

impl UpgradeCode {
    /// Reads the binary record value the compiler writes (`codec::encode_upgrade`):
    /// u8, u32, u16, u16, 4-byte IP, u16, u32 (all big-endian), NUL-terminated name.
    pub fn from_record(value: &[u8]) -> Option<UpgradeCode> {
        let be = |from: usize, len: usize| -> Option<u32> {
            let b = value.get(from..from + len)?;
            Some(b.iter().fold(0u32, |a, &x| (a << 8) | u32::from(x)))
        };
        let name = value.get(19..)?;
        let name = name.split(|&b| b == 0).next().unwrap_or_default();
        Some(UpgradeCode {
            kind: *value.first()?,
            platform: be(1, 4)?,
            field3: u16::try_from(be(5, 2)?).ok()?,
            field4: u16::try_from(be(7, 2)?).ok()?,
            tftp: value.get(9..13)?.try_into().ok()?,
            port: u16::try_from(be(13, 2)?).ok()?,
            date: be(15, 4)?,
            file: String::from_utf8_lossy(name).into_owned(),
        })
    }

    /// The line as the guide writes it: `upgradecode:3,0x601,0x0400,0x0100,0.0.0.0,69,0x060111a,F`.
    pub fn line(&self) -> String {
        let [a, b, c, d] = self.tftp;
        format!(
            "upgradecode:{},{:#x},{:#06x},{:#06x},{a}.{b}.{c}.{d},{},{:#09x},{}",
            self.kind, self.platform, self.field3, self.field4, self.port, self.date, self.file
        )
    }

    /// What is wrong with the fixed fields (empty when they are the guide's).
    pub fn field_problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if self.kind != KIND {
            p.push(format!("first field is {}, the guide's is 3", self.kind));
        }
        match fourth_field(self.platform) {
            None => p.push(format!(
                "platform {:#x} is none of 0x301 (ATA 186/188), 0x501 (7905G), 0x601 (7912G)",
                self.platform
            )),
            Some(want) if want != self.field4 => p.push(format!(
                "fourth field is {:#06x}; platform {:#x} needs {want:#06x}",
                self.field4, self.platform
            )),
            Some(_) => {}
        }
        if self.field3 != FIELD_0400 {
            p.push(format!("third field is {:#06x}, not 0x0400", self.field3));
        }
        if self.port != TFTP_PORT {
            p.push(format!("TFTP port is {}, not 69", self.port));
        }
        if self.file.is_empty() {
            p.push("no image file name".into());
        }
        p
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum UpgradeError {
    #[error("{0}")]
    Image(String),
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} holds no upgradecode line to replace and is not a text profile (no #txt)")]
    NotTextProfile { path: String },
}

/// Platform (and whether the package is intact) from the image's `kup1` header.
pub fn image_platform(name: &str, bytes: &[u8]) -> Result<u32, String> {
    let (payload, base) = match detect(name, bytes) {
        FileKind::SignedKup => {
            let s = sgn::parse(bytes).map_err(|e| format!("signed header: {e}"))?;
            (s.payload(), s.payload_offset())
        }
        FileKind::Kup => (bytes, 0),
        other => {
            return Err(format!(
                "not a kup1 package (.sbin/.zup) but {}",
                other.describe()
            ));
        }
    };
    let pkg = kup::parse(payload, base).map_err(|e| format!("kup1 package: {e}"))?;
    if !pkg.checksum_ok() {
        return Err(format!(
            "kup1 package checksum {:#010x} stored, {:#010x} computed: the image is damaged",
            pkg.checksum_stored, pkg.checksum_computed
        ));
    }
    match pkg.verify_regions() {
        Ok(v) if v.iter().all(|r| r.ok()) => Ok(pkg.header.platform),
        Ok(_) => Err("a kup1 region fails its CRC: the image is damaged".into()),
        Err(e) => Err(format!("kup1 regions: {e}")),
    }
}

/// The line for an image: platform from its `kup1` header, date code from its name.
pub fn for_image(file_name: &str, bytes: &[u8], tftp: [u8; 4]) -> Result<UpgradeCode, String> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    if base.len() > MAX_NAME {
        return Err(format!(
            "{base:?} is {} characters; the profile holds at most {MAX_NAME}",
            base.len()
        ));
    }
    let platform = image_platform(base, bytes)?;
    let field4 = fourth_field(platform).ok_or_else(|| {
        format!(
            "platform {platform:#x} ({}) is not one the guide gives an upgradecode for (0x301, 0x501, 0x601)",
            kup::platform_name(platform)
        )
    })?;
    if let Some(from_name) = names::parse(base).as_ref().and_then(platform_of_name)
        && from_name != platform
    {
        return Err(format!(
            "the name says platform {from_name:#x} but the kup1 header says {platform:#x}"
        ));
    }
    let date = date_code_of(base).ok_or_else(|| {
        format!("{base:?} carries no date code (yymmdd and a build letter before the extension)")
    })?;
    Ok(UpgradeCode {
        kind: KIND,
        platform,
        field3: FIELD_0400,
        field4,
        tftp,
        port: TFTP_PORT,
        date,
        file: base.to_string(),
    })
}

/// Why a read failed, without the `error: cannot read PATH:` the caller adds itself.
fn read_reason(e: crate::diag::Error) -> String {
    match e {
        crate::diag::Error::Read { source, .. } => source.to_string(),
        crate::diag::Error::InputTooLarge(t) => t.reason(),
        other => {
            let s = other.to_string();
            s.strip_prefix("error: ").unwrap_or(&s).to_string()
        }
    }
}

/// The `-t` argument to compile a profile holding this upgradecode: the ATA table for ATA
/// images, else a `sip_ptag*.dat` in `dir` (Cisco's SIP tree ships `sip_ptag7912.dat`), else
/// the built-in 7905G/7912G table.
pub fn table_arg(image: &str, dir: &Path) -> String {
    if names::parse(image).is_some_and(|n| n.family == names::Family::Ata) {
        return "-tbuiltin:ata186".into();
    }
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_file())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| {
                    let l = n.to_ascii_lowercase();
                    l.starts_with("sip_ptag") && l.ends_with(".dat")
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort_by_key(|n| (n.len(), n.clone()));
    match found.first() {
        Some(n) => format!("-t{n}"),
        None => "-tbuiltin:7912".into(),
    }
}

/// Reads an image (bounded) and makes its line.
pub fn for_image_path(path: &Path, tftp: [u8; 4]) -> Result<UpgradeCode, UpgradeError> {
    let bytes = crate::text::read_bounded(path, crate::io::Limit::FIRMWARE.at_most(MAX_IMAGE))
        .map_err(|e| UpgradeError::Read {
            path: path.display().to_string(),
            reason: read_reason(e),
        })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for_image(&name, &bytes, tftp).map_err(|e| UpgradeError::Image(format!("{name}: {e}")))
}

/// Parses a dotted IPv4 address.
pub fn parse_ip(text: &str) -> Option<[u8; 4]> {
    let addr: std::net::Ipv4Addr = text.trim().parse().ok()?;
    Some(addr.octets())
}

/// What [`rewrite`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Edit {
    /// Lines (1-based) replaced.
    Replaced(Vec<usize>),
    /// Appended as this line.
    Added(usize),
    /// The line was already there.
    Unchanged(usize),
}

/// Is this line of a text profile an `upgradecode` setting? The reader's grammar: lines
/// starting with `#` are comments; the name follows any `:`, space or tab, and ends at one.
fn is_upgradecode_line(line: &[u8]) -> bool {
    if line.first() == Some(&b'#') {
        return false;
    }
    let delim = |b: &u8| matches!(b, b':' | b' ' | b'\t');
    let start = line.iter().position(|b| !delim(b)).unwrap_or(line.len());
    let rest = line.get(start..).unwrap_or_default();
    let end = rest.iter().position(delim).unwrap_or(rest.len());
    let name = rest.get(..end).unwrap_or_default();
    let name = name.strip_suffix(b"\r").unwrap_or(name);
    name.eq_ignore_ascii_case(b"upgradecode")
}

/// Puts `line` into a text profile: replaces every `upgradecode` line (keeping each line's
/// ending), or appends it. Line endings follow the file's (CRLF if its first line has one).
pub fn rewrite(text: &[u8], line: &str) -> (Vec<u8>, Edit) {
    let crlf = text
        .split(|&b| b == b'\n')
        .next()
        .is_some_and(|l| l.ends_with(b"\r"));
    let mut out = Vec::with_capacity(text.len() + line.len() + 2);
    let mut replaced = Vec::new();
    let mut unchanged = None;
    let pieces: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    let last = pieces.len().saturating_sub(1);
    for (i, piece) in pieces.iter().enumerate() {
        if is_upgradecode_line(piece) {
            let cr = piece.ends_with(b"\r");
            let body = piece.strip_suffix(b"\r").unwrap_or(piece);
            if body == line.as_bytes() {
                unchanged.get_or_insert(i + 1);
            } else {
                replaced.push(i + 1);
            }
            out.extend_from_slice(line.as_bytes());
            if cr {
                out.push(b'\r');
            }
        } else {
            out.extend_from_slice(piece);
        }
        if i != last {
            out.push(b'\n');
        }
    }
    if !replaced.is_empty() {
        return (out, Edit::Replaced(replaced));
    }
    if let Some(n) = unchanged {
        return (out, Edit::Unchanged(n));
    }
    let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.extend_from_slice(eol);
    }
    let added_at = out.iter().filter(|&&b| b == b'\n').count() + 1;
    out.extend_from_slice(line.as_bytes());
    out.extend_from_slice(eol);
    (out, Edit::Added(added_at))
}

/// Rewrites `path` in place (atomically), keeping its permissions.
pub fn write_into(path: &Path, line: &str) -> Result<Edit, UpgradeError> {
    let read_err = |reason: String| UpgradeError::Read {
        path: path.display().to_string(),
        reason,
    };
    let text = crate::text::read_bounded(path, crate::io::Limit::TEXT_PROFILE)
        .map_err(|e| read_err(read_reason(e)))?;
    if !text.starts_with(crate::text::TEXT_MAGIC) {
        return Err(UpgradeError::NotTextProfile {
            path: path.display().to_string(),
        });
    }
    let (new, edit) = rewrite(&text, line);
    if matches!(edit, Edit::Unchanged(_)) {
        return Ok(edit);
    }
    // The atomic write keeps the replaced file's mode.
    crate::io::write_atomic(path, &new).map_err(|e| UpgradeError::Image(read_reason(e)))?;
    Ok(edit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_codes() {
        assert_eq!(date_code_of("CP7912080000SIP060111A.sbin"), Some(0x060111a));
        assert_eq!(
            date_code_of("CP7940080001SCCP051117A.sbin"),
            Some(0x051117a)
        );
        assert_eq!(date_code_of("ata18x-v2-15-020927a.zup"), Some(0x020927a));
        assert_eq!(date_code_of("P0S3-8-12-00.loads"), None);
        assert_eq!(date_code_of("x1234567a.zup"), None);
    }

    #[test]
    fn line_form_matches_the_guide() {
        let u = UpgradeCode {
            kind: 3,
            platform: 0x601,
            field3: 0x400,
            field4: 0x100,
            tftp: [0; 4],
            port: 69,
            date: 0x060412a,
            file: "CP7940080001SIP060412A.sbin".into(),
        };
        assert_eq!(
            u.line(),
            "upgradecode:3,0x601,0x0400,0x0100,0.0.0.0,69,0x060412a,CP7940080001SIP060412A.sbin"
        );
        assert!(u.field_problems().is_empty());
    }

    #[test]
    fn rewrite_replaces_appends_and_keeps_line_ends() {
        let (t, e) = rewrite(b"#txt\r\nupgradecode:1,2\r\nA:1\r\n", "upgradecode:X");
        assert_eq!(t, b"#txt\r\nupgradecode:X\r\nA:1\r\n");
        assert_eq!(e, Edit::Replaced(vec![2]));
        let (t, e) = rewrite(b"#txt\nA:1", "upgradecode:X");
        assert_eq!(t, b"#txt\nA:1\nupgradecode:X\n");
        assert_eq!(e, Edit::Added(3));
        let (t, e) = rewrite(
            b"#txt\n# upgradecode:old\n :UpgradeCode 1\n",
            "upgradecode:X",
        );
        assert_eq!(t, b"#txt\n# upgradecode:old\nupgradecode:X\n");
        assert_eq!(e, Edit::Replaced(vec![3]));
        let (_, e) = rewrite(b"#txt\nupgradecode:X\n", "upgradecode:X");
        assert_eq!(e, Edit::Unchanged(2));
    }
}
