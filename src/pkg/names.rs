//! Load-name grammar (fact sheet §6.1): `P0S30203`, `P0S3-07-4-00`, `P00307020300`,
//! `P0030801SR02`, `P003-8-12-00`, `CP7912080000SIP060111A.sbin`, `ATA030100SIP040211A.zup`,
//! `SIP41.8-5-4S`. Field widths are not enforced (Cisco itself mixes `08` and `8`).
use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    Sccp,
    Sip,
    Mgcp,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// `P0?3`: the 7940/7960 processor.
    Phone7940_7960,
    /// `P0?4`.
    Phone7910,
    /// `CP<model>`: 7902/7905/7912.
    Cp(u16),
    /// `ATAvvrrbb…`.
    Ata,
    /// `SIP41.…`, `SCCP41.…`, `TERM41.…`: 79x1 family.
    Cnu(u8),
    Other(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// `P0S3xxyy` (8.3 era, SIP ≤ 2.3 / early SCCP).
    Short,
    /// `P0S3-xx-y-zz` (SIP ≥ 3.0, MGCP, and the `P003-…` universal loader).
    Dashed,
    /// `P003xxyyzzww`.
    Sccp12,
    /// `P003xxyySRnn`.
    ServiceRelease,
    /// `CP<model><VV><vv><RR><proto><yymmdd><letter>`.
    Cp,
    /// `ATA<vv><rr><bb><proto><yymmdd><letter>`.
    Ata,
    /// `SIP41.8-5-4S` etc.
    Cnu,
}

/// A release number. Ordering: numeric fields left to right; a service-release name (which drops
/// the maintenance number, `P0030801SR02` = 8.1(2)SR2) sorts after every plain release of the
/// same major.minor — see [`Version::cmp`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Version {
    pub major: u16,
    pub minor: u16,
    pub maint: u16,
    pub build: u16,
    pub service_release: Option<u16>,
}

impl Version {
    pub fn new(major: u16, minor: u16, maint: u16, build: u16) -> Self {
        Version {
            major,
            minor,
            maint,
            build,
            service_release: None,
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        // Guess (ORDER_SR_AFTER_PLAIN_SAME_MINOR): SR names hide the maintenance number, so
        // they are placed after all plain releases of their major.minor.
        let key = |v: &Version| {
            (
                v.major,
                v.minor,
                v.service_release.is_some(),
                v.maint,
                v.build,
                v.service_release,
            )
        };
        key(self).cmp(&key(other))
    }
}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.service_release {
            Some(sr) => write!(f, "{}.{}SR{}", self.major, self.minor, sr),
            None if self.maint == 0 && self.build == 0 => {
                write!(f, "{}.{}", self.major, self.minor)
            }
            None if self.build != 0 => write!(
                f,
                "{}.{}({}.{})",
                self.major, self.minor, self.maint, self.build
            ),
            None => write!(f, "{}.{}({})", self.major, self.minor, self.maint),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LoadName {
    /// The name as given (extension included).
    pub raw: String,
    /// Without extension.
    pub stem: String,
    pub extension: Option<String>,
    pub protocol: Protocol,
    pub family: Family,
    pub scheme: Scheme,
    pub version: Version,
    /// `P003-…` dashed names are universal application loaders (SIP ≥ 7 ships `P003-8-12-00`).
    pub is_loader: bool,
    /// `yymmdd` + build letter for `CP…`/`ATA…` names.
    pub build_date: Option<String>,
}

impl LoadName {
    /// The protocol as shown to the user: a `P003-…` universal loader runs no protocol of its
    /// own (the SIP release's OS79XX.TXT names it as much as the SCCP one's).
    pub fn protocol_label(&self) -> String {
        if self.is_loader {
            "universal loader (SIP or SCCP)".to_string()
        } else {
            self.protocol.to_string()
        }
    }

    /// The `upgradecode` date code: `0x` + yymmdd + lowercase build letter (`0x060111a`).
    pub fn upgradecode_date(&self) -> Option<String> {
        self.build_date
            .as_ref()
            .map(|d| format!("0x{}", d.to_ascii_lowercase()))
    }
}

const EXTENSIONS: &[&str] = &["loads", "sbn", "bin", "sb2", "sbin", "zup", "kup", "txt"];

fn split_extension(name: &str) -> (&str, Option<&str>) {
    if let Some((stem, ext)) = name.rsplit_once('.')
        && EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext))
    {
        return (stem, Some(ext));
    }
    (name, None)
}

fn num(s: &str) -> Option<u16> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn protocol_from(c: u8) -> Option<Protocol> {
    match c {
        b'0' => Some(Protocol::Sccp),
        b'S' => Some(Protocol::Sip),
        b'M' => Some(Protocol::Mgcp),
        _ => None,
    }
}

fn protocol_word(s: &str) -> Option<Protocol> {
    match s {
        "SIP" => Some(Protocol::Sip),
        "SCCP" => Some(Protocol::Sccp),
        "MGCP" => Some(Protocol::Mgcp),
        _ => None,
    }
}

/// Parse a load or image name (with or without extension). `None` if no scheme fits.
pub fn parse(name: &str) -> Option<LoadName> {
    let name = name.trim();
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = split_extension(base);
    let parsed = parse_p0(stem)
        .or_else(|| parse_cp(stem))
        .or_else(|| parse_ata(stem))
        .or_else(|| parse_cnu(stem))?;
    let (protocol, family, scheme, version, is_loader, build_date) = parsed;
    Some(LoadName {
        raw: base.to_string(),
        stem: stem.to_string(),
        extension: ext.map(str::to_string),
        protocol,
        family,
        scheme,
        version,
        is_loader,
        build_date,
    })
}

type Parts = (Protocol, Family, Scheme, Version, bool, Option<String>);

fn parse_p0(stem: &str) -> Option<Parts> {
    let b = stem.as_bytes();
    if b.len() < 8 || !stem.is_ascii() || b.first() != Some(&b'P') || b.get(1) != Some(&b'0') {
        return None;
    }
    let protocol = protocol_from(*b.get(2)?)?;
    let family = match b.get(3)? {
        b'3' => Family::Phone7940_7960,
        b'4' => Family::Phone7910,
        _ => return None,
    };
    let rest = stem.get(4..)?;
    if let Some(dashed) = rest.strip_prefix('-') {
        let fields: Vec<&str> = dashed.split('-').collect();
        let [maj, min, maint] = fields.as_slice() else {
            return None;
        };
        let version = Version::new(num(maj)?, num(min)?, num(maint)?, 0);
        return Some((
            protocol,
            family,
            Scheme::Dashed,
            version,
            protocol == Protocol::Sccp,
            None,
        ));
    }
    match rest.len() {
        4 => {
            let v = Version::new(num(rest.get(0..2)?)?, num(rest.get(2..4)?)?, 0, 0);
            Some((protocol, family, Scheme::Short, v, false, None))
        }
        8 => {
            let (maj, min) = (num(rest.get(0..2)?)?, num(rest.get(2..4)?)?);
            if rest.get(4..6) == Some("SR") {
                let v = Version {
                    major: maj,
                    minor: min,
                    maint: 0,
                    build: 0,
                    service_release: Some(num(rest.get(6..8)?)?),
                };
                return Some((protocol, family, Scheme::ServiceRelease, v, false, None));
            }
            let v = Version::new(maj, min, num(rest.get(4..6)?)?, num(rest.get(6..8)?)?);
            Some((protocol, family, Scheme::Sccp12, v, false, None))
        }
        _ => None,
    }
}

/// Split `<digits><PROTO><yymmdd><letter>` after a fixed prefix.
fn proto_date(s: &str) -> Option<(&str, Protocol, String)> {
    let pos = s.find(|c: char| c.is_ascii_alphabetic())?;
    let (digits, tail) = s.split_at(pos);
    let letters = tail.find(|c: char| c.is_ascii_digit())?;
    let (word, date) = tail.split_at(letters);
    let protocol = protocol_word(word)?;
    let db = date.as_bytes();
    if db.len() != 7
        || !db.get(..6)?.iter().all(u8::is_ascii_digit)
        || !db.get(6)?.is_ascii_alphabetic()
    {
        return None;
    }
    Some((digits, protocol, date.to_string()))
}

fn parse_cp(stem: &str) -> Option<Parts> {
    let rest = stem.strip_prefix("CP")?;
    let model = num(rest.get(0..4)?)?;
    let (digits, protocol, date) = proto_date(rest.get(4..)?)?;
    if digits.len() != 6 {
        return None;
    }
    let v = Version::new(
        num(digits.get(0..2)?)?,
        num(digits.get(2..4)?)?,
        num(digits.get(4..6)?)?,
        0,
    );
    Some((
        protocol,
        Family::Cp(model),
        Scheme::Cp,
        v,
        false,
        Some(date),
    ))
}

fn parse_ata(stem: &str) -> Option<Parts> {
    let rest = stem.strip_prefix("ATA")?;
    let (digits, protocol, date) = proto_date(rest)?;
    if digits.len() != 6 {
        return None;
    }
    let v = Version::new(
        num(digits.get(0..2)?)?,
        num(digits.get(2..4)?)?,
        num(digits.get(4..6)?)?,
        0,
    );
    Some((protocol, Family::Ata, Scheme::Ata, v, false, Some(date)))
}

/// 79x1 names (`SIP41.8-5-4S`, `SCCP41.9-4-2SR1-1S`, `TERM41.…`): best effort, version digits only.
fn parse_cnu(stem: &str) -> Option<Parts> {
    let upper = stem.to_ascii_uppercase();
    let (protocol, rest) = if let Some(r) = upper.strip_prefix("SCCP") {
        (Protocol::Sccp, r)
    } else if let Some(r) = upper.strip_prefix("SIP") {
        (Protocol::Sip, r)
    } else if let Some(r) = upper.strip_prefix("TERM") {
        (Protocol::Unknown, r)
    } else {
        return None;
    };
    let (fam, ver) = rest.split_once('.')?;
    let family = u8::try_from(num(fam)?).ok()?;
    let mut fields = ver.split(['-', '.']).map(|f| {
        let digits: String = f.chars().take_while(char::is_ascii_digit).collect();
        num(&digits)
    });
    let major = fields.next()??;
    let minor = fields.next().flatten().unwrap_or(0);
    let maint = fields.next().flatten().unwrap_or(0);
    Some((
        protocol,
        Family::Cnu(family),
        Scheme::Cnu,
        Version::new(major, minor, maint, 0),
        false,
        None,
    ))
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Sccp => "SCCP",
            Protocol::Sip => "SIP",
            Protocol::Mgcp => "MGCP",
            Protocol::Unknown => "unknown",
        })
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Family::Phone7940_7960 => f.write_str("7940/7960"),
            Family::Phone7910 => f.write_str("7910"),
            Family::Cp(model) => write!(f, "{model}"),
            Family::Ata => f.write_str("ATA 186/188"),
            Family::Cnu(n) => write!(f, "79x1 ({n})"),
            Family::Other(s) => f.write_str(s),
        }
    }
}
