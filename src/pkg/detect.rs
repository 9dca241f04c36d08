//! Pick the inspector by content (magic and structure), not by extension. The file name is
//! only used for `OS79XX.TXT`, whose content is a bare load name.
use super::{image, kup, loads, sgn, sig78, tlv};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FileKind {
    /// `.loads` manifest (signed).
    Loads,
    /// Signed file-list manifest of the newer phones (79x1, 69xx, 7921G/7925G `.loads`).
    LoadsList,
    /// 78xx signed file (`cd 34 12 ab` header) holding a manifest.
    Loads78xx,
    /// 78xx signed file (`cd 34 12 ab` header): an image.
    Signed78xx,
    /// IP Communicator `CIPC_Locale.loads` (`<AutoUpdateManifest>` XML).
    CipcManifest,
    /// Compiled profile (`#ata`): `gkdefault.cfg`, `gk<mac>`, `ld<mac>`, ATA profiles.
    Profile,
    /// Text profile (`#txt`), the compiler's input.
    TextProfile,
    /// A file named like a profile (`gkdefault.cfg`, `gk<mac>`…) holding plain text: no `#txt`,
    /// no `#ata`. The phone rejects it.
    PlainTextProfile,
    /// A file named like a profile without `#ata`, not text: encrypted, or not a profile.
    EncryptedProfile,
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
    /// XML configuration of a SIP phone (`<sipProfile>`, `<deviceProtocol>SIP`, or naming
    /// SIP loads only).
    SipXmlConfig,
    Unknown,
}

impl FileKind {
    pub fn describe(&self) -> &'static str {
        match self {
            FileKind::Loads => "7940/7960 load manifest (.loads)",
            FileKind::LoadsList => "load manifest, file list (79x1/69xx/792x .loads)",
            FileKind::Loads78xx => "78xx load manifest (.loads, 78xx signed header)",
            FileKind::Signed78xx => "78xx signed image (78xx signed header)",
            FileKind::CipcManifest => "IP Communicator locale manifest (AutoUpdateManifest XML)",
            FileKind::Profile => "compiled profile (#ata)",
            FileKind::TextProfile => "text profile (#txt)",
            FileKind::PlainTextProfile => "plain text under a profile name (no #txt, no #ata)",
            FileKind::EncryptedProfile => {
                "profile name, no #ata: encrypted profile or not a profile"
            }
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
            FileKind::SipXmlConfig => "SIP XML configuration (79x1/69xx/78xx)",
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
    if loads::looks_like_file_list(payload) {
        return FileKind::LoadsList;
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
    if sig78::looks_signed78(bytes) {
        return match sig78::parse(bytes) {
            Ok(s) if loads::looks_like_file_list(s.payload()) => FileKind::Loads78xx,
            _ => FileKind::Signed78xx,
        };
    }
    if kup::looks_like_kup(bytes) {
        return FileKind::Kup;
    }
    if bytes.starts_with(b"#ata") {
        return FileKind::Profile;
    }
    if bytes.starts_with(b"#txt") {
        return FileKind::TextProfile;
    }
    let lower = name.to_ascii_lowercase();
    let java = lower.ends_with(".jar");
    if !java && (bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")) {
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
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if !is_text {
        if profile_name(base) && !bytes.is_empty() {
            return FileKind::EncryptedProfile;
        }
        return FileKind::Unknown;
    }
    if profile_name(base) {
        return FileKind::PlainTextProfile;
    }
    let text = String::from_utf8_lossy(bytes);
    if text.contains("<AutoUpdateManifest") {
        return FileKind::CipcManifest;
    }
    if text.contains("<loadInformation") || text.contains("<sipProfile") {
        return if xml_is_sip(&text) {
            FileKind::SipXmlConfig
        } else {
            FileKind::XmlConfig
        };
    }
    if text.lines().any(|l| {
        l.trim_start()
            .to_ascii_lowercase()
            .starts_with("image_version")
    }) {
        return FileKind::SipConfig;
    }
    let one_name = bytes.len() <= 64
        && text.trim().lines().count() == 1
        && super::names::parse(text.trim()).is_some();
    if base.eq_ignore_ascii_case("OS79XX.TXT") || one_name {
        return FileKind::Os79xxTxt;
    }
    FileKind::Unknown
}

/// Names the phones fetch profiles by: `gkdefault.cfg`, `lddefault.cfg`, `gk<mac>`, `ld<mac>`
/// (any case; the case itself is doctor's business).
pub fn profile_name(base: &str) -> bool {
    use crate::device::{BootFileKind, classify_boot_file};
    // Only the file name itself: `classify_boot_file` would read the last path component.
    !base.contains(['/', '\\'])
        && matches!(
            classify_boot_file(base),
            Some((BootFileKind::ProfileDefault | BootFileKind::ProfileMac, _))
        )
}

/// Is this XML configuration a SIP phone's? `<sipProfile>`, `<deviceProtocol>SIP`, or every
/// load its `loadInformation` elements name (that we can read) is a SIP load.
pub fn xml_is_sip(text: &str) -> bool {
    if text.contains("<sipProfile") || text.contains("<deviceProtocol>SIP") {
        return true;
    }
    let loads: Vec<_> = super::textfiles::parse_load_information(text.as_bytes())
        .into_iter()
        .filter_map(|li| li.parsed)
        .collect();
    !loads.is_empty()
        && loads
            .iter()
            .all(|n| n.protocol == super::names::Protocol::Sip)
}
