//! Pick the inspector by content (magic and structure), not by extension. The file name is
//! only used for `OS79XX.TXT`, whose content is a bare load name.
use super::{image, kup, loads, sgn, tlv};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FileKind {
    /// `.loads` manifest (signed).
    Loads,
    /// `.sbn`: signed UAL loader.
    SignedLoader,
    /// `.sb2`: signed application image.
    SignedApplication,
    /// `.sbin`: signed `kup1` package.
    SignedKup,
    /// `.tlv`: CTL/ITL trust list.
    TrustList,
    /// Any other signed file (`.sgn`, `.cop.sgn`, 79x1 `.sbn`, …).
    SignedOther,
    /// `.bin`: unsigned UAL loader.
    Loader,
    /// Unsigned application image (an `.sb2` payload).
    Application,
    /// `.zup`: unsigned `kup1` package.
    Kup,
    /// `.zip` firmware bundle.
    Bundle,
    Os79xxTxt,
    SipConfig,
    XmlConfig,
    Unknown,
}

impl FileKind {
    pub fn describe(&self) -> &'static str {
        match self {
            FileKind::Loads => "7940/7960 load manifest (.loads)",
            FileKind::SignedLoader => "signed UAL loader (.sbn)",
            FileKind::SignedApplication => "signed application image (.sb2)",
            FileKind::SignedKup => "signed kup1 package (.sbin)",
            FileKind::TrustList => "trust list (.tlv CTL/ITL)",
            FileKind::SignedOther => "signed file (SGN header)",
            FileKind::Loader => "unsigned UAL loader (.bin)",
            FileKind::Application => "unsigned application image",
            FileKind::Kup => "kup1 package (.zup)",
            FileKind::Bundle => "firmware bundle (.zip)",
            FileKind::Os79xxTxt => "OS79XX.TXT",
            FileKind::SipConfig => "SIP configuration (.cnf)",
            FileKind::XmlConfig => "SCCP XML configuration",
            FileKind::Unknown => "unknown",
        }
    }
}

fn payload_kind(payload: &[u8], signed: &sgn::SignedFile<'_>) -> FileKind {
    if kup::looks_like_kup(payload) {
        return FileKind::SignedKup;
    }
    if image::looks_like_image(payload) {
        return match image::parse(payload, 0) {
            Ok(img) if img.kind == image::ImageKind::Loader => FileKind::SignedLoader,
            Ok(_) => FileKind::SignedApplication,
            Err(_) => FileKind::SignedOther,
        };
    }
    if loads::looks_like_body(payload) {
        return FileKind::Loads;
    }
    if signed.header.signer_version.is_some() || tlv::looks_like_records(payload) {
        return FileKind::TrustList;
    }
    FileKind::SignedOther
}

pub fn detect(name: &str, bytes: &[u8]) -> FileKind {
    if sgn::looks_signed(bytes) {
        return match sgn::parse(bytes) {
            Ok(signed) => payload_kind(signed.payload(), &signed),
            Err(_) => FileKind::SignedOther,
        };
    }
    if kup::looks_like_kup(bytes) {
        return FileKind::Kup;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return FileKind::Bundle;
    }
    if image::looks_like_image(bytes) {
        return match image::parse(bytes, 0) {
            Ok(img) if img.kind == image::ImageKind::Application => FileKind::Application,
            _ => FileKind::Loader,
        };
    }
    let is_text = !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if !is_text {
        return FileKind::Unknown;
    }
    let text = String::from_utf8_lossy(bytes);
    if text.contains("<loadInformation") {
        return FileKind::XmlConfig;
    }
    if text.lines().any(|l| {
        l.trim_start()
            .to_ascii_lowercase()
            .starts_with("image_version")
    }) {
        return FileKind::SipConfig;
    }
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let one_name = bytes.len() <= 64
        && text.trim().lines().count() == 1
        && super::names::parse(text.trim()).is_some();
    if base.eq_ignore_ascii_case("OS79XX.TXT") || one_name {
        return FileKind::Os79xxTxt;
    }
    FileKind::Unknown
}
