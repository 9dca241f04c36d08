//! Devices: MAC addresses, phone models and their families, protocols, and the files each
//! model asks for when it boots. One place for facts that `plan`, `doctor`, `tftplog`,
//! `probe`, `batch`, `provision` and `serve` all need.
//!
//! Model IDs (`loadInformationNNN` in `XMLDefault.cnf.xml`) are the device-type numbers of
//! Cisco CallManager, as Cisco's own release trees write them (`staskobzar/cisco_prov`,
//! `sccp/XMLDefault.cnf.xml`: 7 = 7960, 8 = 7940, 307 = 7911, 115 = 7941, 30018 = 7961 …).
use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A MAC address. Parsed from every common form; printed in the spelling a file name needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mac([u8; 6]);

/// Why a text is not a MAC address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{text:?} is not a MAC address: {why} (write twelve hex digits: 0014F28DD38A, 00:14:f2:8d:d3:8a, 00-14-F2-8D-D3-8A or 0014.f28d.d38a)"
)]
pub struct MacError {
    pub text: String,
    pub why: &'static str,
}

impl Mac {
    pub const fn from_bytes(bytes: [u8; 6]) -> Mac {
        Mac(bytes)
    }

    pub const fn bytes(&self) -> [u8; 6] {
        self.0
    }

    /// Parses `00:14:F2:8D:D3:8A`, `00-14-f2-8d-d3-8a`, `0014.f28d.d38a` or `0014F28DD38A`
    /// (any case, surrounding blanks ignored). A separator must be used throughout and in its
    /// places: `00:14-f2…` or `001:4f2…` are typos, not addresses.
    pub fn parse(text: &str) -> Result<Mac, MacError> {
        let err = |why| MacError {
            text: text.to_string(),
            why,
        };
        let t = text.trim();
        if t.is_empty() {
            return Err(err("it is empty"));
        }
        let (groups, width): (Vec<&str>, usize) = match t.len() {
            12 => (vec![t], 12),
            17 => {
                let sep = t.as_bytes().get(2).copied().unwrap_or(0);
                if sep != b':' && sep != b'-' {
                    return Err(err("17 characters, but no ':' or '-' after the first two"));
                }
                (t.split(char::from(sep)).collect(), 2)
            }
            14 => (t.split('.').collect(), 4),
            n if n < 12 => return Err(err("too short")),
            _ => return Err(err("not one of the forms below")),
        };
        if groups.len() * width != 12 || groups.iter().any(|g| g.len() != width) {
            return Err(err("separators out of place"));
        }
        let hex: String = groups.concat();
        let mut out = [0u8; 6];
        hex::decode_to_slice(&hex, &mut out).map_err(|_| err("a character is not a hex digit"))?;
        Ok(Mac(out))
    }

    /// `0014F28DD38A`: `SIP<MAC>.cnf`, `SEP<MAC>.cnf.xml`, `CTLSEP<MAC>.tlv`.
    pub fn upper(&self) -> String {
        hex::encode_upper(self.0)
    }

    /// `0014f28dd38a`: `gk<mac>`, `ld<mac>`, `ata<mac>`.
    pub fn lower(&self) -> String {
        hex::encode(self.0)
    }

    /// `00:14:F2:8D:D3:8A`, for people.
    pub fn colons(&self) -> String {
        let [a, b, c, d, e, f] = self.0;
        format!("{a:02X}:{b:02X}:{c:02X}:{d:02X}:{e:02X}:{f:02X}")
    }
}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.upper())
    }
}

impl FromStr for Mac {
    type Err = MacError;
    fn from_str(s: &str) -> Result<Mac, MacError> {
        Mac::parse(s)
    }
}

impl Serialize for Mac {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.upper())
    }
}

/// The call-control protocol a phone's firmware speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    Sip,
    Sccp,
}

impl Protocol {
    /// `sip`, `SCCP` … (any case).
    pub fn parse(s: &str) -> Option<Protocol> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sip" => Some(Protocol::Sip),
            "sccp" | "skinny" => Some(Protocol::Sccp),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Protocol::Sip => "SIP",
            Protocol::Sccp => "SCCP",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Models that share firmware and configuration files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Family {
    /// 7940G/7960G: `OS79XX.TXT`, `SIPDefault.cnf` + `SIP<MAC>.cnf` for SIP, XML for SCCP.
    P7940,
    /// 7905G/7912G: binary `#ata` profiles `ld…`/`gk…` made by cfgfmt for SIP; the XML
    /// files of CallManager for SCCP (Cisco's `sccp/XMLDefault.cnf.xml` names the 7912G's
    /// SCCP image in `loadInformation30007`).
    P7905,
    /// ATA 186/188: binary `ata<mac>` profiles.
    Ata,
    /// 7911G/7906G: `SEP<MAC>.cnf.xml`, SIP or SCCP.
    P7911,
    /// 7941G/7961G (and their -GE variants).
    P7941,
    /// 7942G/7962G.
    P7942,
    /// 7945G/7965G.
    P7945,
    /// 7970G/7971G.
    P7970,
    /// 6900 series (6921/6941/6945/6961).
    P69xx,
    /// 7920/7921G/7925G/7926G wireless phones.
    P792x,
    /// 7800 series (7821/7841/7861).
    P78xx,
}

impl Family {
    /// The file kinds a phone of this family reads its settings from, for `protocol`.
    pub fn config_kind(self, protocol: Protocol) -> ConfigKind {
        match (self, protocol) {
            (Family::P7940, Protocol::Sip) => ConfigKind::SipCnf,
            (Family::P7905, Protocol::Sip) => ConfigKind::Profile7905,
            (Family::Ata, _) => ConfigKind::ProfileAta,
            (_, Protocol::Sccp) => ConfigKind::SccpXml,
            (_, Protocol::Sip) => ConfigKind::SipXml,
        }
    }
}

/// How a phone is configured: which files, in which syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ConfigKind {
    /// `SIPDefault.cnf` + `SIP<MAC>.cnf` (`name: value` lines), `OS79XX.TXT`.
    SipCnf,
    /// `SEP<MAC>.cnf.xml` / `XMLDefault.cnf.xml` with a `<callManagerGroup>` (SCCP).
    SccpXml,
    /// `SEP<MAC>.cnf.xml` with a `<sipProfile>` (SIP firmware of the XML phones).
    SipXml,
    /// 7905G `ld<mac>`/`lddefault.cfg`, compiled `#txt` profiles.
    Profile7905,
    /// ATA 186/188 `ata<mac>`, compiled `#txt` profiles.
    ProfileAta,
}

macro_rules! models {
    ($( $v:ident, $name:literal, $label:literal, $family:ident, $id:expr, $lines:literal, [$($p:ident),+]; )+) => {
        /// A phone or adapter model.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Model { $( $v, )+ }

        impl Model {
            /// Every model, in catalogue order.
            pub const ALL: &'static [Model] = &[ $( Model::$v, )+ ];

            /// The short name used on command lines and in inventories (`7940`, `ata186`).
            pub fn name(self) -> &'static str {
                match self { $( Model::$v => $name, )+ }
            }
            /// Cisco's name for people (`7912G`, `ATA 186`).
            pub fn label(self) -> &'static str {
                match self { $( Model::$v => $label, )+ }
            }
            pub fn family(self) -> Family {
                match self { $( Model::$v => Family::$family, )+ }
            }
            /// The device-type number of `loadInformationNNN` in `XMLDefault.cnf.xml`;
            /// `None` where Cisco defines none (ATA).
            pub fn load_id(self) -> Option<u32> {
                match self { $( Model::$v => $id, )+ }
            }
            /// Line keys (ports, for an ATA) the model has.
            pub fn lines(self) -> u8 {
                match self { $( Model::$v => $lines, )+ }
            }
            /// The protocols its firmware exists for.
            pub fn protocols(self) -> &'static [Protocol] {
                match self { $( Model::$v => &[$(Protocol::$p),+], )+ }
            }
        }
    };
}

models! {
    M7940, "7940", "7940G", P7940, Some(8), 2, [Sip, Sccp];
    M7960, "7960", "7960G", P7940, Some(7), 6, [Sip, Sccp];
    M7905, "7905", "7905G", P7905, Some(20000), 1, [Sip, Sccp];
    M7912, "7912", "7912G", P7905, Some(30007), 1, [Sip, Sccp];
    Ata186, "ata186", "ATA 186", Ata, None, 2, [Sip, Sccp];
    Ata188, "ata188", "ATA 188", Ata, None, 2, [Sip, Sccp];
    M7906, "7906", "7906G", P7911, Some(369), 1, [Sip, Sccp];
    M7911, "7911", "7911G", P7911, Some(307), 1, [Sip, Sccp];
    M7941, "7941", "7941G", P7941, Some(115), 2, [Sip, Sccp];
    M7941GE, "7941ge", "7941G-GE", P7941, Some(309), 2, [Sip, Sccp];
    M7961, "7961", "7961G", P7941, Some(30018), 6, [Sip, Sccp];
    M7961GE, "7961ge", "7961G-GE", P7941, Some(308), 6, [Sip, Sccp];
    M7942, "7942", "7942G", P7942, Some(434), 2, [Sip, Sccp];
    M7962, "7962", "7962G", P7942, Some(404), 6, [Sip, Sccp];
    M7945, "7945", "7945G", P7945, Some(435), 2, [Sip, Sccp];
    M7965, "7965", "7965G", P7945, Some(436), 6, [Sip, Sccp];
    M7970, "7970", "7970G", P7970, Some(30006), 8, [Sip, Sccp];
    M7971, "7971", "7971G-GE", P7970, Some(119), 8, [Sip, Sccp];
    M6921, "6921", "6921", P69xx, Some(495), 2, [Sip, Sccp];
    M6941, "6941", "6941", P69xx, Some(496), 4, [Sip, Sccp];
    M6945, "6945", "6945", P69xx, Some(564), 4, [Sip, Sccp];
    M6961, "6961", "6961", P69xx, Some(497), 12, [Sip, Sccp];
    M7920, "7920", "7920", P792x, Some(30002), 6, [Sccp];
    M7921, "7921", "7921G", P792x, Some(365), 6, [Sccp];
    M7925, "7925", "7925G", P792x, Some(484), 6, [Sccp];
    M7926, "7926", "7926G", P792x, Some(577), 6, [Sccp];
    M7821, "7821", "7821", P78xx, Some(621), 2, [Sip];
    M7841, "7841", "7841", P78xx, Some(622), 4, [Sip];
    M7861, "7861", "7861", P78xx, Some(623), 16, [Sip];
}

impl Model {
    /// Reads `7940`, `7912G`, `CP-7960G`, `ATA186`, `ata 188`, `7941G-GE` … (any case).
    pub fn parse(s: &str) -> Option<Model> {
        let mut t: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '_'))
            .collect::<String>()
            .to_ascii_lowercase();
        for p in ["cisco", "cp-", "ipphone"] {
            if let Some(r) = t.strip_prefix(p) {
                t = r.to_string();
            }
        }
        let t = t.replace("g-ge", "ge");
        let t = t.trim_end_matches('g');
        let t = if t.ends_with("-ge") {
            t.replace("-ge", "ge")
        } else {
            t.to_string()
        };
        let find = |t: &str| Model::ALL.iter().copied().find(|m| m.name() == t);
        // The 7971 exists only as a -GE model, so its name has no suffix.
        find(&t).or_else(|| t.strip_suffix("ge").and_then(find))
    }

    /// The model a `loadInformationNNN` number stands for.
    pub fn from_load_id(id: u32) -> Option<Model> {
        Model::ALL.iter().copied().find(|m| m.load_id() == Some(id))
    }

    pub fn supports(self, protocol: Protocol) -> bool {
        self.protocols().contains(&protocol)
    }

    /// The `model` attribute Cisco writes beside `loadInformationNNN` (`IP Phone 7960`).
    pub fn xml_model_name(self) -> String {
        format!("IP Phone {}", self.label().trim_end_matches('G'))
    }

    /// The models that share this model's firmware and files (itself included), in
    /// catalogue order: a load named for one is the load of all.
    pub fn siblings(self) -> Vec<Model> {
        Model::ALL
            .iter()
            .copied()
            .filter(|m| m.family() == self.family())
            .collect()
    }

    /// The series number in the names of the 79x1-generation loads (`SCCP41.9-4-2SR1-1S`,
    /// `SIP11.8-5-4S`, `term45.default.loads`), as Cisco's release trees spell them;
    /// `None` for models whose loads are named otherwise.
    pub fn load_series(self) -> Option<&'static str> {
        Some(match self.family() {
            Family::P7911 => "11",
            Family::P7941 => "41",
            Family::P7942 => "42",
            Family::P7945 => "45",
            Family::P7970 => "70",
            _ => return None,
        })
    }

    /// The model a 79x1-generation series number stands for (`41` → 7941G, `61` → 7961G,
    /// `06` → 7906G; the `termNN.default.loads` of Cisco's trees use all of them).
    pub fn from_load_series(series: u8) -> Option<Model> {
        Some(match series {
            6 => Model::M7906,
            11 => Model::M7911,
            41 => Model::M7941,
            61 => Model::M7961,
            42 => Model::M7942,
            62 => Model::M7962,
            45 => Model::M7945,
            65 => Model::M7965,
            70 => Model::M7970,
            71 => Model::M7971,
            _ => return None,
        })
    }
}

/// Device-type numbers of `loadInformationNNN` for devices this catalogue does not model
/// (no configuration of theirs is read), so that a report can still name them.
const OTHER_LOAD_IDS: &[(u32, &str)] = &[(6, "7910"), (30008, "7902"), (124, "7914")];

/// The short name of the device a `loadInformationNNN` number stands for (`7` → `7960`).
pub fn load_id_name(id: u32) -> Option<&'static str> {
    Model::from_load_id(id).map(Model::name).or_else(|| {
        OTHER_LOAD_IDS
            .iter()
            .find(|(n, _)| *n == id)
            .map(|(_, name)| *name)
    })
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Model {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// How much a phone needs a file it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    /// The phone needs it.
    Required,
    /// One of several forms the phone tries in turn; missing is fine if a later one is there.
    Alternative,
    /// The phone does without it.
    Optional,
}

/// The configuration files a phone asks for at boot, before any image, as they are named
/// on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum BootFileKind {
    /// `OS79XX.TXT`: the image a 7940/7960 SIP phone runs.
    Os79xx,
    /// `SIPDefault.cnf`: settings for every 7940/7960 SIP phone.
    SipDefault,
    /// `SIP<MAC>.cnf`: this 7940/7960 SIP phone's settings.
    SipMac,
    /// `RINGLIST.DAT`: ring tones of the 7940/7960 SIP phones.
    RingList,
    /// `CTLSEP<MAC>.tlv`: certificate trust list.
    TrustList,
    /// `SEP<MAC>.cnf.xml`: this XML or SCCP phone's configuration.
    SepMac,
    /// `XMLDefault.cnf.xml`: the default configuration, with the load of each model.
    XmlDefault,
    /// `gk<mac>` / `ld<mac>`: this 7912G/7905G's profile.
    ProfileMac,
    /// `gkdefault.cfg` / `lddefault.cfg`: the 7912G/7905G default profile.
    ProfileDefault,
    /// `ata<mac>`: this ATA's profile.
    AtaMac,
    /// `atadefault.cfg`: the ATA default profile.
    AtaDefault,
}

/// One file a phone asks for, in its order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct BootFile {
    pub name: String,
    pub kind: BootFileKind,
    pub need: Need,
}

impl BootFileKind {
    /// The file a phone asks for when this one (one form of several) is missing: its own
    /// configuration falls back to the shared one. `None` for files without a fallback.
    pub fn fallback(self) -> Option<BootFileKind> {
        match self {
            BootFileKind::SepMac => Some(BootFileKind::XmlDefault),
            BootFileKind::ProfileMac => Some(BootFileKind::ProfileDefault),
            BootFileKind::AtaMac => Some(BootFileKind::AtaDefault),
            _ => None,
        }
    }

    /// Whether every phone of the family reads the same file (a change reaches them all).
    pub fn is_shared(self) -> bool {
        matches!(
            self,
            BootFileKind::Os79xx
                | BootFileKind::SipDefault
                | BootFileKind::RingList
                | BootFileKind::XmlDefault
                | BootFileKind::ProfileDefault
                | BootFileKind::AtaDefault
        )
    }
}

impl Model {
    /// `gk` (7912G) or `ld` (7905G) for the binary profile names; `None` for other models.
    pub fn profile_prefix(self) -> Option<&'static str> {
        match self {
            Model::M7912 => Some("gk"),
            Model::M7905 => Some("ld"),
            _ => None,
        }
    }

    /// The configuration files this model asks for at boot, running `protocol`, in the
    /// order it asks (images follow from what these files name).
    pub fn boot_files(self, protocol: Protocol, mac: &Mac) -> Vec<BootFile> {
        use BootFileKind as K;
        let f = |name: String, kind, need| BootFile { name, kind, need };
        let (up, low) = (mac.upper(), mac.lower());
        match (self.family(), protocol) {
            (Family::P7940, Protocol::Sip) => vec![
                f("OS79XX.TXT".into(), K::Os79xx, Need::Required),
                f("SIPDefault.cnf".into(), K::SipDefault, Need::Required),
                f(format!("SIP{up}.cnf"), K::SipMac, Need::Required),
                f("RINGLIST.DAT".into(), K::RingList, Need::Optional),
            ],
            (Family::P7905, Protocol::Sip) => {
                let p = self.profile_prefix().unwrap_or("gk");
                vec![
                    f(format!("{p}{low}"), K::ProfileMac, Need::Alternative),
                    f(format!("{p}default.cfg"), K::ProfileDefault, Need::Required),
                ]
            }
            (Family::Ata, _) => vec![
                f(format!("ata{low}"), K::AtaMac, Need::Alternative),
                f("atadefault.cfg".into(), K::AtaDefault, Need::Required),
            ],
            _ => vec![
                f(format!("CTLSEP{up}.tlv"), K::TrustList, Need::Optional),
                f(format!("SEP{up}.cnf.xml"), K::SepMac, Need::Alternative),
                f("XMLDefault.cnf.xml".into(), K::XmlDefault, Need::Required),
            ],
        }
    }
}

/// The extensions a load's file has in a TFTP root, after the load's name (`P0S3-8-12-00` →
/// `P0S3-8-12-00.loads`): manifests first (`.LOADS` is how Cisco's 7921G/7925G releases
/// spell theirs), then images (`.zz.sgn`: the 69xx). One list for `lint` and `provision`.
pub const LOAD_FILE_EXTENSIONS: &[&str] =
    &["loads", "LOADS", "bin", "sbn", "sbin", "zup", "zz.sgn"];

/// What a requested file name says: its kind and the MAC it carries. Case-insensitive, so
/// that a request in the wrong case is still recognised (see [`canonical_name`]).
pub fn classify_boot_file(name: &str) -> Option<(BootFileKind, Option<Mac>)> {
    use BootFileKind as K;
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let lower = base.to_ascii_lowercase();
    let fixed = match lower.as_str() {
        "os79xx.txt" => Some(K::Os79xx),
        "sipdefault.cnf" => Some(K::SipDefault),
        "ringlist.dat" => Some(K::RingList),
        "xmldefault.cnf.xml" => Some(K::XmlDefault),
        "gkdefault.cfg" | "lddefault.cfg" => Some(K::ProfileDefault),
        "atadefault.cfg" => Some(K::AtaDefault),
        _ => None,
    };
    if let Some(k) = fixed {
        return Some((k, None));
    }
    let mac = |s: &str| (s.len() == 12).then(|| Mac::parse(s).ok()).flatten();
    let forms: [(&str, &str, K); 6] = [
        ("sip", ".cnf", K::SipMac),
        ("sep", ".cnf.xml", K::SepMac),
        ("ctlsep", ".tlv", K::TrustList),
        ("gk", "", K::ProfileMac),
        ("ld", "", K::ProfileMac),
        ("ata", "", K::AtaMac),
    ];
    forms.iter().find_map(|(p, s, k)| {
        let m = lower.strip_prefix(p)?.strip_suffix(s)?;
        mac(m).map(|m| (*k, Some(m)))
    })
}

/// The exact spelling a phone uses for a boot file, given any spelling of it
/// (`sipdefault.CNF` → `SIPDefault.cnf`, `sep0014f28dd38a.cnf.xml` → `SEP0014F28DD38A.cnf.xml`).
pub fn canonical_name(name: &str) -> Option<String> {
    use BootFileKind as K;
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let lower = base.to_ascii_lowercase();
    let (kind, mac) = classify_boot_file(base)?;
    Some(match (kind, mac) {
        (K::Os79xx, _) => "OS79XX.TXT".into(),
        (K::SipDefault, _) => "SIPDefault.cnf".into(),
        (K::RingList, _) => "RINGLIST.DAT".into(),
        (K::XmlDefault, _) => "XMLDefault.cnf.xml".into(),
        (K::ProfileDefault | K::AtaDefault, _) => lower,
        (K::SipMac, Some(m)) => format!("SIP{}.cnf", m.upper()),
        (K::SepMac, Some(m)) => format!("SEP{}.cnf.xml", m.upper()),
        (K::TrustList, Some(m)) => format!("CTLSEP{}.tlv", m.upper()),
        (K::ProfileMac | K::AtaMac, Some(m)) => {
            format!(
                "{}{}",
                lower.get(..lower.len() - 12).unwrap_or(""),
                m.lower()
            )
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_forms() {
        for ok in [
            "0014F28DD38A",
            "0014f28dd38a",
            "00:14:F2:8D:D3:8A",
            "00-14-f2-8d-d3-8a",
            "0014.f28d.d38a",
            " 0014F28DD38A\t",
        ] {
            let m = Mac::parse(ok).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(m.upper(), "0014F28DD38A", "{ok}");
            assert_eq!(m.lower(), "0014f28dd38a");
            assert_eq!(m.colons(), "00:14:F2:8D:D3:8A");
            assert_eq!(m.to_string().parse::<Mac>(), Ok(m));
        }
        for bad in [
            "",
            "0014F28DD38",
            "0014F28DD38AA",
            "00:14-F2:8D:D3:8A",
            "001:4F2:8DD:38A:",
            "0014F28DD3G8",
            "00.14.F2.8D.D3.8A",
            "00:14:F2:8D:D3:8Aa",
            "SEP0014F28DD38A",
            "0014F28DD38é",
        ] {
            let e = Mac::parse(bad).expect_err(bad);
            assert!(e.to_string().contains("is not a MAC address"), "{e}");
        }
    }

    #[test]
    fn models_parse_their_names_and_labels() {
        for &m in Model::ALL {
            assert_eq!(Model::parse(m.name()), Some(m), "{}", m.name());
            assert_eq!(Model::parse(m.label()), Some(m), "{}", m.label());
            assert!(!m.protocols().is_empty());
            assert!(m.lines() >= 1);
            if let Some(id) = m.load_id() {
                assert_eq!(Model::from_load_id(id), Some(m), "duplicate id {id}");
            }
        }
        assert_eq!(Model::parse("CP-7960G"), Some(Model::M7960));
        assert_eq!(Model::parse("ATA 186"), Some(Model::Ata186));
        assert_eq!(Model::parse("7941G-GE"), Some(Model::M7941GE));
        assert_eq!(Model::parse("7999"), None);
        assert_eq!(Model::from_load_id(307), Some(Model::M7911));
        assert_eq!(Model::M7960.xml_model_name(), "IP Phone 7960");
    }

    #[test]
    fn boot_files_round_trip_through_classify() {
        let mac = Mac::parse("0014f28dd38a").unwrap_or_else(|e| panic!("{e}"));
        for &m in Model::ALL {
            for &p in m.protocols() {
                let files = m.boot_files(p, &mac);
                assert!(files.iter().any(|f| f.need == Need::Required), "{m} {p}");
                for f in files {
                    let (kind, got) = classify_boot_file(&f.name)
                        .unwrap_or_else(|| panic!("{} not recognised", f.name));
                    assert_eq!(kind, f.kind, "{}", f.name);
                    assert!(got.is_none() || got == Some(mac), "{}", f.name);
                    assert_eq!(
                        canonical_name(&f.name.to_ascii_lowercase()),
                        Some(f.name.clone())
                    );
                    assert_eq!(kind.is_shared(), got.is_none(), "{}", f.name);
                }
            }
        }
        assert_eq!(
            Model::M7960.boot_files(Protocol::Sip, &mac)[2].name,
            "SIP0014F28DD38A.cnf"
        );
        assert_eq!(
            Model::M7905.boot_files(Protocol::Sip, &mac)[0].name,
            "ld0014f28dd38a"
        );
        assert_eq!(classify_boot_file("readme.txt"), None);
        assert_eq!(classify_boot_file("gk0014f28dd38"), None);
    }

    #[test]
    fn the_7912_reads_xml_files_when_it_runs_sccp() {
        let mac = Mac::parse("0014f28dd38a").unwrap_or_else(|e| panic!("{e}"));
        let sccp: Vec<String> = Model::M7912
            .boot_files(Protocol::Sccp, &mac)
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(
            sccp,
            [
                "CTLSEP0014F28DD38A.tlv",
                "SEP0014F28DD38A.cnf.xml",
                "XMLDefault.cnf.xml"
            ]
        );
        assert_eq!(
            Model::M7912.boot_files(Protocol::Sip, &mac)[1].name,
            "gkdefault.cfg"
        );
        assert_eq!(
            Family::P7905.config_kind(Protocol::Sccp),
            ConfigKind::SccpXml
        );
        assert_eq!(
            Family::P7905.config_kind(Protocol::Sip),
            ConfigKind::Profile7905
        );
    }

    #[test]
    fn series_siblings_and_other_load_ids() {
        assert_eq!(Model::M7960.siblings(), [Model::M7940, Model::M7960]);
        assert_eq!(
            Model::M7961GE.siblings(),
            [Model::M7941, Model::M7941GE, Model::M7961, Model::M7961GE]
        );
        assert_eq!(Model::M7906.load_series(), Some("11"));
        assert_eq!(Model::M7965.load_series(), Some("45"));
        assert_eq!(Model::M7940.load_series(), None);
        for &m in Model::ALL {
            if let Some(s) = m.load_series() {
                let n: u8 = s.parse().unwrap_or_else(|e| panic!("{e}"));
                let back = Model::from_load_series(n).unwrap_or_else(|| panic!("{s}"));
                assert_eq!(back.family(), m.family(), "{m}");
            }
        }
        assert_eq!(Model::from_load_series(61), Some(Model::M7961));
        assert_eq!(load_id_name(7), Some("7960"));
        assert_eq!(load_id_name(30007), Some("7912"));
        assert_eq!(load_id_name(124), Some("7914"));
        assert_eq!(load_id_name(99_999), None);
    }

    /// `fallback` is the order `boot_files` gives: an alternative falls back to the next
    /// required file of its list, and only alternatives fall back.
    #[test]
    fn fallbacks_follow_the_boot_order() {
        let mac = Mac::parse("0014f28dd38a").unwrap_or_else(|e| panic!("{e}"));
        for &m in Model::ALL {
            for &p in m.protocols() {
                let files = m.boot_files(p, &mac);
                for (i, f) in files.iter().enumerate() {
                    let next_required = files
                        .iter()
                        .skip(i + 1)
                        .find(|g| g.need == Need::Required)
                        .map(|g| g.kind);
                    match f.need {
                        Need::Alternative => assert_eq!(f.kind.fallback(), next_required),
                        _ => assert_eq!(f.kind.fallback(), None, "{}", f.name),
                    }
                }
            }
        }
    }
}
