//! What a requested file name says about the phone that asked for it.
use crate::device::{self, BootFileKind, Mac};
use crate::pkg::names::{self, LoadName, Protocol};
use serde::Serialize;

/// The kinds of device `tftplog` tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceKind {
    /// 7940/7960 asking for SIP files (`OS79XX.TXT`, `SIPDefault.cnf`, `SIP<MAC>.cnf`, `RINGLIST.DAT`).
    Sip7940,
    /// 7940/7960 (or another CallManager phone) asking for `SEP<MAC>.cnf.xml`.
    Sccp7940,
    /// 7912G (`gkdefault.cfg`, `gk<mac>`).
    Phone7912,
    /// 7905G (`lddefault.cfg`, `ld<mac>`).
    Phone7905,
}

impl DeviceKind {
    pub fn label(self) -> &'static str {
        match self {
            DeviceKind::Sip7940 => "7940/7960 SIP",
            DeviceKind::Sccp7940 => "7940/7960 SCCP",
            DeviceKind::Phone7912 => "7912G",
            DeviceKind::Phone7905 => "7905G",
        }
    }
}

/// One requested name, recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requested {
    Os79xx,
    SipDefault,
    /// `SIP<MAC>.cnf`.
    SipMac(Mac),
    RingList,
    /// `SEP<MAC>.cnf.xml`.
    SepMac(Mac),
    XmlDefault,
    /// `CTLSEP<MAC>.tlv` / `ITLSEP<MAC>.tlv`.
    TrustList(Mac),
    /// `gkdefault.cfg` (`true`) or `lddefault.cfg` (`false`).
    GkDefault {
        gk: bool,
    },
    /// `gk<mac>` / `ld<mac>`.
    GkMac {
        gk: bool,
        mac: Mac,
    },
    /// A firmware file (`.bin`, `.sbn`, `.loads`, `.sb2`, `.sbin`, `.zup`).
    Load(Box<LoadName>),
    /// A firmware file name (by its extension) that is no known load name.
    Image,
    /// Files a phone may ask for and do without: rings, dial plans, locales, XML lists.
    Optional,
    Other,
}

/// The last path component, without a leading `/` or `\`.
pub fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// `POS30300.bin` (letter O, as printed in Cisco's guide) read as `P0S30300.bin`.
fn letter_o_fixed(base: &str) -> Option<LoadName> {
    let rest = base.strip_prefix("PO")?;
    names::parse(&format!("P0{rest}"))
}

/// Whether the name has the letter O where load names have a zero (`POS3…`).
pub fn has_letter_o(name: &str) -> bool {
    let base = base_name(name);
    names::parse(base).is_none() && letter_o_fixed(base).is_some()
}

/// Recognises a requested name (case-insensitively, so that a wrongly cased request still
/// says what the phone is).
pub fn classify(name: &str) -> Requested {
    let base = base_name(name.trim());
    let lower = base.to_ascii_lowercase();
    // The boot files: one recognition for probe, plan, doctor and this log reader.
    if let Some((kind, mac)) = device::classify_boot_file(base) {
        let gk = lower.starts_with("gk");
        match (kind, mac) {
            (BootFileKind::Os79xx, _) => return Requested::Os79xx,
            (BootFileKind::SipDefault, _) => return Requested::SipDefault,
            (BootFileKind::RingList, _) => return Requested::RingList,
            (BootFileKind::XmlDefault, _) => return Requested::XmlDefault,
            (BootFileKind::ProfileDefault, _) => return Requested::GkDefault { gk },
            (BootFileKind::SipMac, Some(m)) => return Requested::SipMac(m),
            (BootFileKind::SepMac, Some(m)) => return Requested::SepMac(m),
            (BootFileKind::TrustList, Some(m)) => return Requested::TrustList(m),
            (BootFileKind::ProfileMac, Some(m)) => return Requested::GkMac { gk, mac: m },
            _ => {}
        }
    }
    // The identity trust list of the newer phones.
    if let Some(m) = lower
        .strip_prefix("itlsep")
        .and_then(|r| r.strip_suffix(".tlv"))
        .filter(|m| m.len() == 12)
        .and_then(|m| Mac::parse(m).ok())
    {
        return Requested::TrustList(m);
    }
    const LOAD_EXT: &[&str] = &[".bin", ".sbn", ".loads", ".sb2", ".sbin", ".zup"];
    if LOAD_EXT.iter().any(|e| lower.ends_with(e)) {
        if let Some(n) = names::parse(base).or_else(|| letter_o_fixed(base)) {
            return Requested::Load(Box::new(n));
        }
        return Requested::Image;
    }
    if lower.ends_with(".pcm")
        || lower.ends_with(".raw")
        || lower.starts_with("dialplan")
        || lower.ends_with(".xml")
        || lower.ends_with(".jar")
        || lower.ends_with(".tlv")
        || lower.contains("locale")
        || lower.ends_with(".cnf")
    {
        return Requested::Optional;
    }
    Requested::Other
}

impl Requested {
    /// The device kind the name betrays, if any.
    pub fn device(&self) -> Option<DeviceKind> {
        match self {
            Requested::SipDefault | Requested::SipMac(_) | Requested::RingList => {
                Some(DeviceKind::Sip7940)
            }
            Requested::SepMac(_) | Requested::XmlDefault | Requested::TrustList(_) => {
                Some(DeviceKind::Sccp7940)
            }
            Requested::GkDefault { gk } | Requested::GkMac { gk, .. } => Some(if *gk {
                DeviceKind::Phone7912
            } else {
                DeviceKind::Phone7905
            }),
            Requested::Load(n) => match (&n.family, n.protocol) {
                (names::Family::Phone7940_7960, Protocol::Sip) => Some(DeviceKind::Sip7940),
                (names::Family::Cp(7912), _) => Some(DeviceKind::Phone7912),
                (names::Family::Cp(7905), _) => Some(DeviceKind::Phone7905),
                _ => None,
            },
            _ => None,
        }
    }

    /// The MAC address in the name.
    pub fn mac(&self) -> Option<Mac> {
        match self {
            Requested::SipMac(m)
            | Requested::SepMac(m)
            | Requested::TrustList(m)
            | Requested::GkMac { mac: m, .. } => Some(*m),
            _ => None,
        }
    }

    /// A configuration file or an image: getting one is progress in a boot.
    pub fn is_progress(&self) -> bool {
        matches!(
            self,
            Requested::SipDefault
                | Requested::SipMac(_)
                | Requested::SepMac(_)
                | Requested::XmlDefault
                | Requested::GkDefault { .. }
                | Requested::GkMac { .. }
                | Requested::Load(_)
                | Requested::Image
        )
    }

    /// A firmware image or manifest.
    pub fn is_image(&self) -> bool {
        matches!(self, Requested::Load(_) | Requested::Image)
    }

    /// Files whose absence is information, not a problem: rings, dial plans, locales,
    /// certificate lists, a per-phone 7905/7912 profile (the phone falls back to the
    /// default one).
    pub fn is_optional(&self) -> bool {
        matches!(
            self,
            Requested::RingList
                | Requested::Optional
                | Requested::TrustList(_)
                | Requested::GkMac { .. }
        )
    }
}

/// The spelling the phone uses for a boot file (for the case check's message): the
/// device module's [`device::canonical_name`], trust lists aside.
pub fn expected_case(name: &str) -> Option<String> {
    match classify(name) {
        Requested::TrustList(_) => None,
        _ => device::canonical_name(base_name(name.trim())),
    }
}

/// The rule of `conversion-rules.md` that says the phone needs this file, for findings about
/// a missing one.
pub fn rule_for(name: &str) -> &'static str {
    match classify(name) {
        Requested::SipMac(_) | Requested::SipDefault => "R8",
        Requested::RingList | Requested::Optional => "R9",
        Requested::GkDefault { .. } | Requested::GkMac { .. } => "R31",
        Requested::SepMac(_) | Requested::XmlDefault => "R12",
        _ => "R4",
    }
}
