//! The typed parameter catalogue: every setting a phone reads from its configuration files,
//! with its type, default, scope, firmware line and source. The data lives under
//! `formats/params/` (tab-separated, one file per file kind; `formats/params/README.md`
//! describes the columns) and is compiled in; the 7905G/7912G and ATA parameters come from
//! the built-in tag tables ([`crate::table`]).
//!
//! `lint` checks files against it; `provision` renders from it.
//!
//! ```
//! use cfgfmt::catalogue::Catalogue;
//! use cfgfmt::device::ConfigKind;
//!
//! let cat = Catalogue::builtin();
//! let p = cat.lookup(ConfigKind::SipCnf, "start_media_port").unwrap();
//! assert!(p.check("16384").is_ok());
//! let e = p.check("16348").unwrap_err();
//! assert!(e.message.contains("16384 to 32766"), "{}", e.message);
//! assert_eq!(cat.suggest(ConfigKind::SipCnf, "timer_registry_delta"), vec!["timer_register_delta"]);
//! let paris = cat.zone("Europe/Paris").unwrap();
//! assert_eq!(paris.xml_name, "Romance Standard/Daylight Time");
//! ```
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;

use crate::device::ConfigKind;
use crate::table::{TagTable, builtin, fmt_bits};

const SOURCES: &str = include_str!("../formats/params/sources.tsv");
const SIP_CNF: &str = include_str!("../formats/params/sip-cnf.tsv");
const SEP_XML: &str = include_str!("../formats/params/sep-cnf-xml.tsv");
const XML_DEFAULT: &str = include_str!("../formats/params/xmldefault.tsv");
const MODEL_IDS: &str = include_str!("../formats/params/model-ids.tsv");
const CISCO_ZONES: &str = include_str!("../formats/params/cisco-timezones.tsv");
const ZONES: &str = include_str!("../formats/params/timezones.tsv");

/// What values a parameter takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum ValueType {
    /// `0` or `1` (the `.cnf` and profile booleans).
    Bool,
    /// `true` or `false` (also `1`/`0`): the XML booleans.
    XmlBool,
    /// A decimal integer in `min..=max`.
    Int { min: i64, max: i64 },
    /// A decimal integer from 0 to 4294967295 (Cisco names no narrower range).
    Uint,
    /// One of these values, exactly (case included).
    Enum { values: Vec<String> },
    /// Text of at most `max` characters (`None`: Cisco names no limit).
    Str { max: Option<usize> },
    /// Like [`ValueType::Str`], and the value is never shown in a message.
    Secret { max: Option<usize> },
    /// A dotted IPv4 address only.
    Ipv4,
    /// A DNS name or a dotted IPv4 address.
    Host,
    /// An `http://` or `https://` URL.
    Url,
    /// A firmware load name, without extension (`P0S3-8-12-00`, `SIP41.8-5-4S`).
    Load,
    /// `1`–`12`, or an English month name or its three-letter abbreviation, capitalised.
    Month,
    /// `1`–`7` (1 = Sunday), or `Sun` … `Sat` / `Sunday` … `Saturday`, capitalised.
    Weekday,
    /// `hh`, `hh:mm` or `hh/mm`.
    Clock,
    /// A time-zone name of the XML phones (`cisco-timezones.tsv`).
    CiscoZone,
    /// An XML element that holds other elements, no text.
    Node,
}

impl ValueType {
    /// Reads the `type` column: `bool`, `int 1..65535`, `enum a|b`, `str 11`, …
    pub fn parse(s: &str) -> Result<ValueType, String> {
        let (word, arg) = match s.split_once(' ') {
            Some((w, a)) => (w, Some(a.trim())),
            None => (s, None),
        };
        let max = |a: Option<&str>| -> Result<Option<usize>, String> {
            a.map(|a| a.parse().map_err(|_| format!("bad length {a:?}")))
                .transpose()
        };
        Ok(match (word, arg) {
            ("bool", None) => ValueType::Bool,
            ("xbool", None) => ValueType::XmlBool,
            ("uint", None) => ValueType::Uint,
            ("int", Some(r)) => {
                let (a, b) = r
                    .split_once("..")
                    .ok_or_else(|| format!("bad range {r:?}"))?;
                let min = a.parse().map_err(|_| format!("bad minimum {a:?}"))?;
                let max = b.parse().map_err(|_| format!("bad maximum {b:?}"))?;
                if min > max {
                    return Err(format!("empty range {r:?}"));
                }
                ValueType::Int { min, max }
            }
            ("enum", Some(v)) => ValueType::Enum {
                values: v.split('|').map(str::to_string).collect(),
            },
            ("str", a) => ValueType::Str { max: max(a)? },
            ("secret", a) => ValueType::Secret { max: max(a)? },
            ("ipv4", None) => ValueType::Ipv4,
            ("host", None) => ValueType::Host,
            ("url", None) => ValueType::Url,
            ("load", None) => ValueType::Load,
            ("month", None) => ValueType::Month,
            ("weekday", None) => ValueType::Weekday,
            ("clock", None) => ValueType::Clock,
            ("tzname", None) => ValueType::CiscoZone,
            ("node", None) => ValueType::Node,
            _ => return Err(format!("unknown type {s:?}")),
        })
    }

    /// What the type allows, for messages: `an integer from 16384 to 32766`.
    pub fn describe(&self) -> String {
        match self {
            ValueType::Bool => "0 or 1".into(),
            ValueType::XmlBool => "true or false".into(),
            ValueType::Int { min, max } => format!("an integer from {min} to {max}"),
            ValueType::Uint => "a whole number (0 or more)".into(),
            ValueType::Enum { values } => one_of(values),
            ValueType::Str { max: Some(n) } | ValueType::Secret { max: Some(n) } => {
                format!("text of at most {n} characters")
            }
            ValueType::Str { max: None } | ValueType::Secret { max: None } => "text".into(),
            ValueType::Ipv4 => "a dotted IPv4 address (no host name)".into(),
            ValueType::Host => "a host name or a dotted IPv4 address".into(),
            ValueType::Url => "an http:// or https:// URL".into(),
            ValueType::Load => "a load name without extension (P0S3-8-12-00)".into(),
            ValueType::Month => "1 to 12, or a month name (Mar, March)".into(),
            ValueType::Weekday => {
                "1 to 7 (1 = Sunday), or Sun … Sat, Sunday … Saturday as written here".into()
            }
            ValueType::Clock => "hh, hh:mm or hh/mm".into(),
            ValueType::CiscoZone => {
                "one of Cisco's time-zone names (\"Central Europe Standard/Daylight Time\")".into()
            }
            ValueType::Node => "elements, no text".into(),
        }
    }

    pub fn is_secret(&self) -> bool {
        matches!(self, ValueType::Secret { .. })
    }
}

fn one_of(values: &[String]) -> String {
    let shown: Vec<String> = values.iter().take(12).map(|v| format!("\"{v}\"")).collect();
    let more = if values.len() > 12 { ", …" } else { "" };
    match shown.len() {
        1 => shown.concat(),
        _ => format!("one of {}{more}", shown.join(", ")),
    }
}

/// Where a parameter may be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// The default file or the per-phone file.
    Any,
    /// Only the per-phone file (`SIP<MAC>.cnf`): one phone's identity or credentials.
    Phone,
}

/// Which firmware of an XML phone reads an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProtocolScope {
    Both,
    Sip,
    Sccp,
}

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Param {
    /// The parameter name (`.cnf`, profiles) or the element path below the root
    /// (`sipProfile/sipStack/timerT1`; `…/member@priority` for an attribute).
    pub name: String,
    pub kind: ValueType,
    /// Empty when the phone's default is "unset".
    pub default: String,
    pub scope: Scope,
    pub protocol: ProtocolScope,
    /// The firmware versions the source documents it for (`all`, `8.0+`).
    pub firmware: String,
    /// Keys of `formats/params/sources.tsv`.
    pub source: Vec<String>,
}

/// What is wrong with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// Not a number where a number is needed.
    NotANumber,
    /// A number outside the allowed range.
    OutOfRange,
    /// Not one of the allowed values.
    NotAllowed,
    /// One of the allowed values, but in another case (`auto` for `Auto`).
    WrongCase,
    /// `on`/`off`/`yes`/`no`/`true`/`false` where `0`/`1` (or `true`/`false`) is required.
    OnOff,
    /// Longer than the maximum length.
    TooLong,
    /// A host name where only a dotted IPv4 address works.
    HostNotIp,
    /// Not an address at all.
    BadAddress,
    /// A time-zone name the phones do not know.
    UnknownZone,
    /// Text in an element that only holds elements.
    TextInNode,
}

/// Why a value is refused: what it is, what is allowed, and the likely intended value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ValueProblem {
    pub kind: ProblemKind,
    /// Says what is allowed. Never holds a secret's value.
    pub message: String,
    /// The value the writer most likely meant (`Auto` for `auto`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

fn is_on_off(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "on" | "off"
            | "yes"
            | "no"
            | "true"
            | "false"
            | "enable"
            | "disable"
            | "enabled"
            | "disabled"
    )
}

fn truthy(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "on" | "yes" | "true" | "enable" | "enabled"
    )
}

/// A dotted-quad IPv4 address (`10.0.0.1`).
pub fn is_ipv4(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) && {
                p.parse::<u16>().is_ok_and(|n| n <= 255)
            }
        })
}

/// A DNS name: labels of letters, digits and hyphens, at most 253 characters.
pub fn is_host_name(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 253
        && v.trim_end_matches('.').split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn in_words<'a>(v: &str, words: &'a [&'a str]) -> Result<(), Option<String>> {
    for w in words {
        let short = w.get(..3).unwrap_or(w);
        if v == *w || v == short {
            return Ok(());
        }
        if v.eq_ignore_ascii_case(w) {
            return Err(Some((*w).to_string()));
        }
        if v.eq_ignore_ascii_case(short) {
            return Err(Some(short.to_string()));
        }
    }
    Err(None)
}

fn clock_ok(v: &str) -> bool {
    let v = v.strip_prefix('-').unwrap_or(v);
    let num = |s: &str, max: u32| {
        !s.is_empty()
            && s.len() <= 2
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|n| n <= max)
    };
    match v.split_once([':', '/']) {
        Some((h, m)) => num(h, 23) && num(m, 59),
        None => num(v, 23),
    }
}

impl Param {
    /// Its values are never shown: typed as a secret, or named like one (`EncryptKey`).
    pub fn is_secret(&self) -> bool {
        self.kind.is_secret() || looks_secret(&self.name)
    }

    /// Checks one value as the phone would read it (surrounding quotes already removed).
    /// An empty value always passes: the phone keeps its default.
    pub fn check(&self, value: &str) -> Result<(), ValueProblem> {
        if value.is_empty() {
            return Ok(());
        }
        let shown = if self.is_secret() {
            "the value".to_string()
        } else {
            format!("\"{}\"", value.escape_debug())
        };
        let problem = |kind, what: String| ValueProblem {
            kind,
            message: format!("{what}; {} takes {}", self.name, self.kind.describe()),
            suggestion: None,
        };
        let suggest = |mut p: ValueProblem, s: Option<String>| {
            p.suggestion = s;
            p
        };
        match &self.kind {
            ValueType::Bool => {
                if value == "0" || value == "1" {
                    Ok(())
                } else if is_on_off(value) {
                    let to = if truthy(value) { "1" } else { "0" };
                    Err(suggest(
                        problem(ProblemKind::OnOff, format!("{shown} is not 0 or 1")),
                        Some(to.into()),
                    ))
                } else {
                    Err(problem(
                        ProblemKind::NotAllowed,
                        format!("{shown} is not 0 or 1"),
                    ))
                }
            }
            ValueType::XmlBool => match value {
                "true" | "false" | "1" | "0" => Ok(()),
                v if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") => {
                    Err(suggest(
                        problem(
                            ProblemKind::WrongCase,
                            format!("{shown} is in the wrong case"),
                        ),
                        Some(v.to_ascii_lowercase()),
                    ))
                }
                v if is_on_off(v) => {
                    let to = if truthy(v) { "true" } else { "false" };
                    Err(suggest(
                        problem(ProblemKind::OnOff, format!("{shown} is not true or false")),
                        Some(to.into()),
                    ))
                }
                _ => Err(problem(
                    ProblemKind::NotAllowed,
                    format!("{shown} is not true or false"),
                )),
            },
            ValueType::Int { min, max } => {
                let Some(n) = parse_int(value) else {
                    if is_on_off(value) && *min == 0 {
                        let to = if truthy(value) { "1" } else { "0" };
                        return Err(suggest(
                            problem(ProblemKind::OnOff, format!("{shown} is not a number")),
                            Some(to.into()),
                        ));
                    }
                    return Err(problem(
                        ProblemKind::NotANumber,
                        format!("{shown} is not a number"),
                    ));
                };
                if n < *min {
                    Err(problem(
                        ProblemKind::OutOfRange,
                        format!("{n} is below {min}"),
                    ))
                } else if n > *max {
                    Err(problem(
                        ProblemKind::OutOfRange,
                        format!("{n} is above {max}"),
                    ))
                } else {
                    Ok(())
                }
            }
            ValueType::Uint => match parse_int(value) {
                Some(n) if (0..=i64::from(u32::MAX)).contains(&n) => Ok(()),
                Some(n) => Err(problem(
                    ProblemKind::OutOfRange,
                    format!("{n} is out of range"),
                )),
                None => Err(problem(
                    ProblemKind::NotANumber,
                    format!("{shown} is not a number"),
                )),
            },
            ValueType::Enum { values } => {
                if values.iter().any(|v| v == value) {
                    Ok(())
                } else if let Some(v) = values.iter().find(|v| v.eq_ignore_ascii_case(value)) {
                    Err(suggest(
                        problem(
                            ProblemKind::WrongCase,
                            format!("{shown} is in the wrong case (write \"{v}\")"),
                        ),
                        Some(v.clone()),
                    ))
                } else {
                    let near = nearest(value, values.iter().map(String::as_str));
                    Err(suggest(
                        problem(ProblemKind::NotAllowed, format!("{shown} is not allowed")),
                        near.map(str::to_string),
                    ))
                }
            }
            ValueType::Str { max: Some(n) } | ValueType::Secret { max: Some(n) }
                if value.chars().count() > *n =>
            {
                Err(problem(
                    ProblemKind::TooLong,
                    format!(
                        "{shown} has {} characters, more than {n}",
                        value.chars().count()
                    ),
                ))
            }
            ValueType::Str { .. } | ValueType::Secret { .. } => Ok(()),
            ValueType::Ipv4 => {
                if is_ipv4(value) {
                    Ok(())
                } else if is_host_name(value) && value.bytes().any(|b| b.is_ascii_alphabetic()) {
                    Err(problem(
                        ProblemKind::HostNotIp,
                        format!("{shown} is a host name; only a dotted IPv4 address works here"),
                    ))
                } else {
                    Err(problem(
                        ProblemKind::BadAddress,
                        format!("{shown} is not an IPv4 address"),
                    ))
                }
            }
            ValueType::Host => {
                if is_ipv4(value) || is_host_name(value) {
                    Ok(())
                } else {
                    Err(problem(
                        ProblemKind::BadAddress,
                        format!("{shown} is neither a host name nor an IPv4 address"),
                    ))
                }
            }
            ValueType::Url => {
                let l = value.to_ascii_lowercase();
                if (l.starts_with("http://") || l.starts_with("https://"))
                    && !value.contains(char::is_whitespace)
                {
                    Ok(())
                } else {
                    Err(problem(
                        ProblemKind::NotAllowed,
                        format!("{shown} is not a URL"),
                    ))
                }
            }
            ValueType::Load => {
                let l = value.to_ascii_lowercase();
                let ext = crate::device::LOAD_FILE_EXTENSIONS
                    .iter()
                    .map(|e| format!(".{}", e.to_ascii_lowercase()))
                    .find(|e| l.ends_with(e.as_str()));
                if let Some(e) = ext {
                    let stem = value.get(..value.len() - e.len()).unwrap_or(value);
                    Err(suggest(
                        problem(
                            ProblemKind::NotAllowed,
                            format!("{shown} ends in {e}: a load is named without extension"),
                        ),
                        Some(stem.to_string()),
                    ))
                } else if value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
                {
                    Ok(())
                } else {
                    Err(problem(
                        ProblemKind::NotAllowed,
                        format!("{shown} is not a load name"),
                    ))
                }
            }
            ValueType::Month => {
                if parse_int(value).is_some_and(|n| (1..=12).contains(&n)) {
                    return Ok(());
                }
                match in_words(value, &MONTHS) {
                    Ok(()) => Ok(()),
                    Err(Some(s)) => Err(suggest(
                        problem(
                            ProblemKind::WrongCase,
                            format!("{shown} is in the wrong case (write \"{s}\")"),
                        ),
                        Some(s),
                    )),
                    Err(None) => Err(problem(
                        ProblemKind::NotAllowed,
                        format!("{shown} is not a month"),
                    )),
                }
            }
            ValueType::Weekday => {
                if parse_int(value).is_some_and(|n| (1..=7).contains(&n)) {
                    return Ok(());
                }
                match in_words(value, &DAYS) {
                    Ok(()) => Ok(()),
                    Err(Some(s)) => Err(suggest(
                        problem(
                            ProblemKind::WrongCase,
                            format!(
                                "{shown} is in the wrong case (write \"{s}\"; the phone compares day names case-sensitively)"
                            ),
                        ),
                        Some(s),
                    )),
                    Err(None) => Err(problem(
                        ProblemKind::NotAllowed,
                        format!("{shown} is not a day of the week"),
                    )),
                }
            }
            ValueType::Clock => {
                if clock_ok(value) {
                    Ok(())
                } else {
                    Err(problem(
                        ProblemKind::NotAllowed,
                        format!("{shown} is not a time of day"),
                    ))
                }
            }
            ValueType::CiscoZone => {
                let cat = Catalogue::builtin();
                if cat.cisco_zone(value).is_some() {
                    return Ok(());
                }
                let names = cat.cisco_zones.iter().map(|z| z.name.as_str());
                if let Some(z) = cat
                    .cisco_zones
                    .iter()
                    .find(|z| z.name.eq_ignore_ascii_case(value))
                {
                    return Err(suggest(
                        problem(
                            ProblemKind::WrongCase,
                            format!("{shown} is in the wrong case (write \"{}\")", z.name),
                        ),
                        Some(z.name.clone()),
                    ));
                }
                let near = nearest(value, names).map(str::to_string);
                let hint = near
                    .as_deref()
                    .map(|n| format!(" (did you mean \"{n}\"?)"))
                    .unwrap_or_default();
                Err(suggest(
                    problem(
                        ProblemKind::UnknownZone,
                        format!("{shown} is not a time-zone name the phones know{hint}"),
                    ),
                    near,
                ))
            }
            ValueType::Node => {
                if value.trim().is_empty() {
                    Ok(())
                } else {
                    Err(problem(
                        ProblemKind::TextInNode,
                        format!("{shown} is text in an element that holds elements"),
                    ))
                }
            }
        }
    }
}

fn parse_int(v: &str) -> Option<i64> {
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

/// Whether a parameter or element name looks like it holds a secret (`line1_password`,
/// `PWD0`, `authPassword`, `EncryptKey` …), for names the catalogue does not type: their
/// values are never shown either. One list for lint's messages and provision's diffs.
pub fn looks_secret(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    ["password", "passwd", "pwd", "secret", "encryptkey"]
        .iter()
        .any(|w| l.contains(w))
}

/// The candidate closest to `word` (Jaro-Winkler similarity ≥ 0.85, or a normalised edit
/// distance ≤ 0.25), if any.
pub fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    candidates
        .map(|c| {
            let l = c.to_ascii_lowercase();
            let jw = strsim::jaro_winkler(&w, &l);
            let lev = strsim::normalized_levenshtein(&w, &l);
            (c, jw.max(lev), jw >= 0.85 || lev >= 0.75)
        })
        .filter(|&(_, _, ok)| ok)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _, _)| c)
}

/// One `loadInformation<ID>` model number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelId {
    pub id: u32,
    /// The model as `cfgfmt::device::Model::parse` reads it (`7960`, `7941ge`).
    pub model: String,
    pub source: Vec<String>,
}

/// A time-zone name of the XML phones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CiscoZone {
    pub name: String,
    /// Standard time, minutes east of UTC.
    pub utc_offset_minutes: i32,
    /// Whether the name carries a daylight-saving rule ("Standard/Daylight Time").
    pub daylight: bool,
    pub source: Vec<String>,
}

/// One end of a daylight-saving period as the 7940/7960 SIP firmware takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DstPoint {
    pub month: u8,
    /// Week of the month, 1–6, or 8 for the last.
    pub week: u8,
    /// `Sun` … `Sat`.
    pub weekday: String,
    /// `hh:mm`, local standard time (as CME writes `dst_start_time`).
    pub time: String,
}

/// An IANA zone in both Cisco encodings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneMap {
    /// `Europe/Paris`.
    pub zone: String,
    /// The 7940/7960 SIP `time_zone` abbreviation (`CET`); `None` where Cisco's list has
    /// none for the offset.
    pub cnf_zone: Option<String>,
    /// `(start, stop)`; `None` for a zone without daylight saving.
    pub dst: Option<(DstPoint, DstPoint)>,
    /// The `<timeZone>` name of the XML phones.
    pub xml_name: String,
    pub source: Vec<String>,
}

impl ZoneMap {
    /// The `SIPDefault.cnf` lines for this zone, in order: `time_zone` and the DST
    /// parameters (`dst_auto_adjust` 0 for a zone without daylight saving). Empty when the
    /// 7940/7960 has no abbreviation for the zone.
    pub fn cnf_params(&self) -> Vec<(&'static str, String)> {
        let Some(tz) = &self.cnf_zone else {
            return Vec::new();
        };
        let mut out = vec![("time_zone", tz.clone())];
        match &self.dst {
            None => out.push(("dst_auto_adjust", "0".into())),
            Some((start, stop)) => {
                out.push(("dst_auto_adjust", "1".into()));
                out.push(("dst_offset", "1".into()));
                for (p, pt) in [("start", start), ("stop", stop)] {
                    let name = |s: &str| -> &'static str {
                        match (p, s) {
                            ("start", "month") => "dst_start_month",
                            ("start", "day") => "dst_start_day",
                            ("start", "dow") => "dst_start_day_of_week",
                            ("start", "week") => "dst_start_week_of_month",
                            ("start", _) => "dst_start_time",
                            (_, "month") => "dst_stop_month",
                            (_, "day") => "dst_stop_day",
                            (_, "dow") => "dst_stop_day_of_week",
                            (_, "week") => "dst_stop_week_of_month",
                            _ => "dst_stop_time",
                        }
                    };
                    out.push((name("month"), pt.month.to_string()));
                    out.push((name("day"), "0".into()));
                    out.push((name("dow"), pt.weekday.clone()));
                    out.push((name("week"), pt.week.to_string()));
                    out.push((name("time"), pt.time.clone()));
                }
            }
        }
        out
    }
}

/// How a name was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// Spelled as the catalogue spells it.
    Exact(&'a Param),
    /// Found only in another case, where the phone compares case-sensitively.
    OtherCase(&'a Param),
    Unknown,
}

/// The whole catalogue.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub sources: Vec<(String, String)>,
    pub sip_cnf: Vec<Param>,
    pub sep_xml: Vec<Param>,
    pub xml_default: Vec<Param>,
    pub profile_7905: Vec<Param>,
    pub profile_ata: Vec<Param>,
    pub model_ids: Vec<ModelId>,
    pub cisco_zones: Vec<CiscoZone>,
    pub zones: Vec<ZoneMap>,
    /// Lines of the data files that did not read (a test keeps this empty).
    pub load_errors: Vec<String>,
    /// Per kind: lower-case name -> positions in the kind's list.
    folded: HashMap<ConfigKind, HashMap<String, Vec<usize>>>,
}

/// Rows of a TSV file: comments and the header skipped; `(line, fields)`.
fn rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|(i, l)| (i + 1, l.split('\t').collect()))
}

fn sources(field: &str) -> Vec<String> {
    field
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `proxy{1-6}_address` → `proxy1_address` … `proxy6_address`.
fn expand(name: &str) -> Result<Vec<String>, String> {
    let Some((head, rest)) = name.split_once('{') else {
        return Ok(vec![name.to_string()]);
    };
    let (range, tail) = rest
        .split_once('}')
        .ok_or_else(|| format!("unclosed {{ in {name:?}"))?;
    let (a, b) = range
        .split_once('-')
        .ok_or_else(|| format!("bad range in {name:?}"))?;
    let (a, b): (u32, u32) = (
        a.parse().map_err(|_| format!("bad range in {name:?}"))?,
        b.parse().map_err(|_| format!("bad range in {name:?}"))?,
    );
    Ok((a..=b).map(|n| format!("{head}{n}{tail}")).collect())
}

fn protocol_scope(s: &str) -> Result<ProtocolScope, String> {
    match s {
        "both" => Ok(ProtocolScope::Both),
        "sip" => Ok(ProtocolScope::Sip),
        "sccp" => Ok(ProtocolScope::Sccp),
        _ => Err(format!("unknown protocol {s:?}")),
    }
}

fn offset_minutes(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'-') => (-1, s.get(1..)?),
        Some(b'+') => (1, s.get(1..)?),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    Some(sign * (h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?))
}

fn dst_point(s: &str) -> Option<DstPoint> {
    let f: Vec<&str> = s.split(',').collect();
    let [month, week, weekday, time] = f.as_slice() else {
        return None;
    };
    Some(DstPoint {
        month: month.parse().ok().filter(|m| (1..=12).contains(m))?,
        week: week.parse().ok().filter(|w| matches!(w, 1..=6 | 8))?,
        weekday: DAYS
            .iter()
            .map(|d| d.get(..3).unwrap_or(d))
            .find(|d| d == weekday)?
            .to_string(),
        time: time.to_string(),
    })
}

impl Catalogue {
    /// The catalogue compiled into the library (read once).
    pub fn builtin() -> &'static Catalogue {
        static CAT: OnceLock<Catalogue> = OnceLock::new();
        CAT.get_or_init(Catalogue::load)
    }

    fn load() -> Catalogue {
        let mut c = Catalogue::default();
        let mut errors = Vec::new();
        for (line, f) in rows(SOURCES) {
            match f.as_slice() {
                [k, v] => c.sources.push((k.to_string(), v.to_string())),
                _ => errors.push(format!("sources.tsv:{line}: expected 2 fields")),
            }
        }
        c.model_ids = rows(MODEL_IDS)
            .filter_map(|(line, f)| match f.as_slice() {
                [id, model, src] => match id.parse() {
                    Ok(id) => Some(ModelId {
                        id,
                        model: model.to_string(),
                        source: sources(src),
                    }),
                    Err(_) => {
                        errors.push(format!("model-ids.tsv:{line}: bad id {id:?}"));
                        None
                    }
                },
                _ => {
                    errors.push(format!("model-ids.tsv:{line}: expected 3 fields"));
                    None
                }
            })
            .collect();
        c.sip_cnf = Self::params(
            "sip-cnf.tsv",
            SIP_CNF,
            &mut errors,
            |f| match f {
                [name, ty, default, scope, firmware, src] => {
                    Some((*name, *ty, *default, *scope, "both", *firmware, *src))
                }
                _ => None,
            },
            &[],
        );
        let ids: Vec<u32> = c.model_ids.iter().map(|m| m.id).collect();
        let xml = |f: &[&'static str]| match f {
            [path, ty, default, proto, firmware, src] => {
                Some((*path, *ty, *default, "any", *proto, *firmware, *src))
            }
            _ => None,
        };
        c.sep_xml = Self::params("sep-cnf-xml.tsv", SEP_XML, &mut errors, xml, &ids);
        c.xml_default = Self::params("xmldefault.tsv", XML_DEFAULT, &mut errors, xml, &ids);
        for (line, f) in rows(CISCO_ZONES) {
            match f.as_slice() {
                [name, off, src] => match offset_minutes(off) {
                    Some(m) => c.cisco_zones.push(CiscoZone {
                        name: name.to_string(),
                        utc_offset_minutes: m,
                        daylight: name.contains("Standard/Daylight"),
                        source: sources(src),
                    }),
                    None => errors.push(format!("cisco-timezones.tsv:{line}: bad offset {off:?}")),
                },
                _ => errors.push(format!("cisco-timezones.tsv:{line}: expected 3 fields")),
            }
        }
        for (line, f) in rows(ZONES) {
            let [zone, cnf, start, stop, xml, src] = f.as_slice() else {
                errors.push(format!("timezones.tsv:{line}: expected 6 fields"));
                continue;
            };
            let dst = match (*start, *stop) {
                ("-", "-") => None,
                (a, b) => match (dst_point(a), dst_point(b)) {
                    (Some(a), Some(b)) => Some((a, b)),
                    _ => {
                        errors.push(format!("timezones.tsv:{line}: bad DST rule"));
                        continue;
                    }
                },
            };
            c.zones.push(ZoneMap {
                zone: zone.to_string(),
                cnf_zone: (*cnf != "-").then(|| cnf.to_string()),
                dst,
                xml_name: xml.to_string(),
                source: sources(src),
            });
        }
        c.profile_7905 = Self::from_table("7912", "7905G/7912G SIP");
        c.profile_ata = Self::from_table("ata186", "ATA 186/188 SIP 3.1");
        c.load_errors = errors;
        c.index();
        c
    }

    #[allow(clippy::type_complexity)]
    fn params(
        file: &str,
        text: &'static str,
        errors: &mut Vec<String>,
        pick: impl Fn(
            &[&'static str],
        ) -> Option<(
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
        )>,
        ids: &[u32],
    ) -> Vec<Param> {
        let mut out = Vec::new();
        for (line, f) in rows(text) {
            let Some((name, ty, default, scope, proto, firmware, src)) = pick(&f) else {
                errors.push(format!("{file}:{line}: wrong number of fields"));
                continue;
            };
            let kind = match ValueType::parse(ty) {
                Ok(k) => k,
                Err(e) => {
                    errors.push(format!("{file}:{line}: {e}"));
                    continue;
                }
            };
            let scope = match scope {
                "any" => Scope::Any,
                "phone" => Scope::Phone,
                s => {
                    errors.push(format!("{file}:{line}: unknown scope {s:?}"));
                    continue;
                }
            };
            let protocol = match protocol_scope(proto) {
                Ok(p) => p,
                Err(e) => {
                    errors.push(format!("{file}:{line}: {e}"));
                    continue;
                }
            };
            let names = if name.contains("{ID}") {
                ids.iter()
                    .map(|id| name.replace("{ID}", &id.to_string()))
                    .collect()
            } else {
                match expand(name) {
                    Ok(n) => n,
                    Err(e) => {
                        errors.push(format!("{file}:{line}: {e}"));
                        continue;
                    }
                }
            };
            for n in names {
                out.push(Param {
                    name: n,
                    kind: kind.clone(),
                    default: default.to_string(),
                    scope,
                    protocol,
                    firmware: firmware.to_string(),
                    source: sources(src),
                });
            }
        }
        out
    }

    /// The parameters of a built-in tag table, typed from its format bits.
    fn from_table(name: &str, firmware: &str) -> Vec<Param> {
        let Some(t) = builtin(name) else {
            return Vec::new();
        };
        let (table, _) = TagTable::parse(t.text.as_bytes());
        let mut out: Vec<Param> = Vec::new();
        for d in table.entries() {
            if out.iter().any(|p| p.name.eq_ignore_ascii_case(&d.name)) {
                continue;
            }
            let max = Some(usize::from(d.size));
            let kind = if d.is_sensitive() {
                ValueType::Secret { max }
            } else if d.fmt & fmt_bits::BOOL != 0 {
                ValueType::Bool
            } else if d.fmt & fmt_bits::IPV4 != 0 && d.fmt & fmt_bits::STRING == 0 {
                ValueType::Ipv4
            } else if d.fmt & fmt_bits::STRING != 0
                && d.fmt & (fmt_bits::SHORTS | fmt_bits::OLD_TONE | fmt_bits::DIGITS) == 0
            {
                // Plain text: `size` bytes. Tones and lists count their size in numbers.
                ValueType::Str { max }
            } else {
                // Numbers, digit strings, tones, lists: the compiler checks their form.
                ValueType::Str { max: None }
            };
            out.push(Param {
                name: d.name.clone(),
                kind,
                default: String::new(),
                scope: Scope::Any,
                protocol: ProtocolScope::Both,
                firmware: firmware.to_string(),
                source: vec!["tables".into()],
            });
        }
        out
    }

    /// Every parameter of one file kind. For the XML kinds: the `SEP<MAC>.cnf.xml` elements
    /// that firmware reads ([`Catalogue::xml_default`] has `XMLDefault.cnf.xml`'s).
    pub fn params_of(&self, kind: ConfigKind) -> Vec<&Param> {
        match kind {
            ConfigKind::SipCnf => self.sip_cnf.iter().collect(),
            ConfigKind::SipXml => self
                .sep_xml
                .iter()
                .filter(|p| p.protocol != ProtocolScope::Sccp)
                .collect(),
            ConfigKind::SccpXml => self
                .sep_xml
                .iter()
                .filter(|p| p.protocol != ProtocolScope::Sip)
                .collect(),
            ConfigKind::Profile7905 => self.profile_7905.iter().collect(),
            ConfigKind::ProfileAta => self.profile_ata.iter().collect(),
        }
    }

    /// Whether the phone compares names of this kind case-sensitively: XML element names
    /// are; cfgfmt matches profile names in any case; the 7940/7960 `.cnf` names are all
    /// lower case in every Cisco file but `Domain_Name`, and we treat a different case as
    /// a mistake.
    pub fn case_sensitive(kind: ConfigKind) -> bool {
        !matches!(kind, ConfigKind::Profile7905 | ConfigKind::ProfileAta)
    }

    /// A parameter by name (element path for the XML kinds), as the phone matches it.
    pub fn lookup(&self, kind: ConfigKind, name: &str) -> Option<&Param> {
        match self.find(kind, name) {
            Lookup::Exact(p) => Some(p),
            Lookup::OtherCase(p) if !Self::case_sensitive(kind) => Some(p),
            _ => None,
        }
    }

    /// Like [`Catalogue::lookup`], telling a case mismatch apart from an unknown name.
    pub fn find(&self, kind: ConfigKind, name: &str) -> Lookup<'_> {
        let base = self.base(kind);
        let Some(hits) = self
            .folded
            .get(&kind)
            .and_then(|m| m.get(&name.to_ascii_lowercase()))
        else {
            return Lookup::Unknown;
        };
        let params = hits.iter().filter_map(|&i| base.get(i));
        if let Some(p) = params.clone().find(|p| p.name == name) {
            return Lookup::Exact(p);
        }
        match params.clone().next() {
            Some(p) if Self::case_sensitive(kind) => Lookup::OtherCase(p),
            Some(p) => Lookup::Exact(p),
            None => Lookup::Unknown,
        }
    }

    /// The list a kind's entries come from (the XML kinds share one).
    fn base(&self, kind: ConfigKind) -> &[Param] {
        match kind {
            ConfigKind::SipCnf => &self.sip_cnf,
            ConfigKind::SipXml | ConfigKind::SccpXml => &self.sep_xml,
            ConfigKind::Profile7905 => &self.profile_7905,
            ConfigKind::ProfileAta => &self.profile_ata,
        }
    }

    /// Builds the name index (lower-case name -> positions in the kind's list).
    fn index(&mut self) {
        for kind in [
            ConfigKind::SipCnf,
            ConfigKind::SipXml,
            ConfigKind::SccpXml,
            ConfigKind::Profile7905,
            ConfigKind::ProfileAta,
        ] {
            let mut m: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, p) in self.base(kind).iter().enumerate() {
                let admitted = !matches!(
                    (kind, p.protocol),
                    (ConfigKind::SipXml, ProtocolScope::Sccp)
                        | (ConfigKind::SccpXml, ProtocolScope::Sip)
                );
                if admitted {
                    m.entry(p.name.to_ascii_lowercase()).or_default().push(i);
                }
            }
            self.folded.insert(kind, m);
        }
    }

    /// An `XMLDefault.cnf.xml` element by path.
    pub fn xml_default_param(&self, path: &str) -> Option<&Param> {
        self.xml_default.iter().find(|p| p.name == path)
    }

    /// Names of that kind the writer may have meant (best first, at most three).
    pub fn suggest(&self, kind: ConfigKind, name: &str) -> Vec<&str> {
        let w = name.to_ascii_lowercase();
        let mut scored: Vec<(f64, &str)> = self
            .params_of(kind)
            .into_iter()
            .map(|p| {
                let l = p.name.to_ascii_lowercase();
                let s = strsim::jaro_winkler(&w, &l).max(strsim::normalized_levenshtein(&w, &l));
                (s, p.name.as_str())
            })
            .filter(|&(s, _)| s >= 0.85)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let best = scored.first().map_or(0.0, |s| s.0);
        scored
            .into_iter()
            .filter(|&(s, _)| s >= best - 0.02)
            .take(3)
            .map(|(_, n)| n)
            .collect()
    }

    /// The model a `loadInformation<ID>` number stands for.
    pub fn model_id(&self, id: u32) -> Option<&ModelId> {
        self.model_ids.iter().find(|m| m.id == id)
    }

    /// A Cisco `<timeZone>` name, spelled exactly.
    pub fn cisco_zone(&self, name: &str) -> Option<&CiscoZone> {
        self.cisco_zones.iter().find(|z| z.name == name)
    }

    /// An IANA zone's Cisco encodings (`Europe/Paris`; any case).
    pub fn zone(&self, iana: &str) -> Option<&ZoneMap> {
        self.zones
            .iter()
            .find(|z| z.zone.eq_ignore_ascii_case(iana.trim()))
    }

    /// The full text of a source key.
    pub fn source(&self, key: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::Model;

    fn cat() -> &'static Catalogue {
        Catalogue::builtin()
    }

    fn all_params(c: &Catalogue) -> impl Iterator<Item = &Param> {
        c.sip_cnf
            .iter()
            .chain(&c.sep_xml)
            .chain(&c.xml_default)
            .chain(&c.profile_7905)
            .chain(&c.profile_ata)
    }

    #[test]
    fn data_files_read_without_errors() {
        assert_eq!(cat().load_errors, Vec::<String>::new());
        assert!(cat().sip_cnf.len() > 100, "{}", cat().sip_cnf.len());
        assert!(cat().sep_xml.len() > 150);
        assert!(cat().profile_7905.len() > 50);
        assert!(cat().profile_ata.len() > 50);
        assert!(cat().zones.len() > 40);
        assert!(cat().cisco_zones.len() > 40);
    }

    #[test]
    fn every_entry_has_a_type_and_a_known_source_and_its_default_passes() {
        let c = cat();
        let mut count = 0;
        for p in all_params(c) {
            assert!(!p.name.is_empty());
            assert!(!p.source.is_empty(), "{} has no source", p.name);
            for s in &p.source {
                assert!(c.source(s).is_some(), "{}: unknown source {s}", p.name);
            }
            if let Err(e) = p.check(&p.default) {
                panic!(
                    "{}: default {:?} fails its own check: {e}",
                    p.name, p.default
                );
            }
            if let ValueType::Enum { values } = &p.kind {
                for v in values {
                    assert!(p.check(v).is_ok(), "{} {v}", p.name);
                }
            }
            count += 1;
        }
        assert!(count > 400, "{count}");
        for m in &c.model_ids {
            assert!(!m.source.is_empty());
            for s in &m.source {
                assert!(c.source(s).is_some(), "model id {}: {s}", m.id);
            }
        }
        for z in &c.zones {
            for s in &z.source {
                assert!(c.source(s).is_some(), "{}: {s}", z.zone);
            }
        }
    }

    #[test]
    fn names_are_unique_per_kind() {
        for list in [&cat().sip_cnf, &cat().sep_xml, &cat().xml_default] {
            let mut seen = std::collections::BTreeSet::new();
            for p in list {
                assert!(seen.insert(p.name.as_str()), "{} twice", p.name);
            }
        }
    }

    #[test]
    fn model_ids_agree_with_the_device_table() {
        let c = cat();
        for &m in Model::ALL {
            if let Some(id) = m.load_id() {
                let row = c
                    .model_id(id)
                    .unwrap_or_else(|| panic!("{m}: id {id} missing from model-ids.tsv"));
                assert_eq!(Model::parse(&row.model), Some(m), "id {id}");
            }
        }
        for row in &c.model_ids {
            if let Some(id) = Model::parse(&row.model).and_then(Model::load_id) {
                assert_eq!(id, row.id, "{} listed as {}", row.model, row.id);
            }
        }
        assert_eq!(c.model_id(495).map(|m| m.model.as_str()), Some("6921"));
        assert!(c.xml_default_param("loadInformation307").is_some());
        assert!(c.xml_default_param("loadInformation307@model").is_some());
        assert!(c.xml_default_param("loadInformation306").is_none());
    }

    #[test]
    fn checks_say_what_is_allowed() {
        let c = cat();
        let p = |n| c.lookup(ConfigKind::SipCnf, n).unwrap();
        let e = p("start_media_port").check("16348").unwrap_err();
        assert_eq!(e.kind, ProblemKind::OutOfRange);
        assert!(e.message.contains("16348 is below 16384"), "{e}");
        assert!(e.message.contains("from 16384 to 32766"), "{e}");
        let e = p("network_media_type").check("auto").unwrap_err();
        assert_eq!(e.kind, ProblemKind::WrongCase);
        assert_eq!(e.suggestion.as_deref(), Some("Auto"));
        let e = p("nat_enable").check("on").unwrap_err();
        assert_eq!(
            (e.kind, e.suggestion.as_deref()),
            (ProblemKind::OnOff, Some("1"))
        );
        let e = p("dyn_tftp_addr").check("tftp.example.com").unwrap_err();
        assert_eq!(e.kind, ProblemKind::HostNotIp);
        assert!(p("dyn_tftp_addr").check("10.1.2.3").is_ok());
        assert_eq!(
            p("dyn_tftp_addr").check("10.1.2.300").unwrap_err().kind,
            ProblemKind::BadAddress
        );
        assert!(p("proxy1_address").check("pbx.example.com").is_ok());
        assert_eq!(
            p("dst_start_day_of_week").check("sunday").unwrap_err().kind,
            ProblemKind::WrongCase
        );
        assert!(p("dst_start_day_of_week").check("Mon").is_ok());
        assert!(p("dst_start_month").check("April").is_ok());
        assert!(p("dst_start_time").check("02/00").is_ok());
        assert!(p("dst_start_time").check("25").is_err());
        assert_eq!(
            p("phone_label").check("123456789012").unwrap_err().kind,
            ProblemKind::TooLong
        );
        assert_eq!(
            p("image_version")
                .check("P0S3-8-12-00.loads")
                .unwrap_err()
                .suggestion
                .as_deref(),
            Some("P0S3-8-12-00")
        );
        assert_eq!(
            p("time_zone").check("CEST").unwrap_err().kind,
            ProblemKind::NotAllowed
        );
        // A secret's value never appears in a message.
        let e = p("phone_password")
            .check("a-very-long-secret-password-123456")
            .unwrap_err();
        assert!(!e.message.contains("a-very-long"), "{e}");
    }

    #[test]
    fn xml_checks() {
        let c = cat();
        let cfwd = c
            .lookup(
                ConfigKind::SipXml,
                "sipProfile/sipCallFeatures/callForwardURI",
            )
            .unwrap();
        assert!(cfwd.check("x-cisco-serviceuri-cfwdall").is_ok());
        let e = cfwd.check("x-serviceuri-cfwdall").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("x-cisco-serviceuri-cfwdall"));
        let tz = c
            .lookup(ConfigKind::SccpXml, "devicePool/dateTimeSetting/timeZone")
            .unwrap();
        assert!(tz.check("Central Europe Standard/Daylight Time").is_ok());
        let e = tz.check("W. Europe Standard/Daylight").unwrap_err();
        assert_eq!(e.kind, ProblemKind::UnknownZone);
        assert_eq!(
            e.suggestion.as_deref(),
            Some("W. Europe Standard/Daylight Time")
        );
        let b = c
            .lookup(ConfigKind::SipXml, "sipProfile/natEnabled")
            .unwrap();
        assert_eq!(b.check("on").unwrap_err().kind, ProblemKind::OnOff);
        assert!(b.check("false").is_ok());
        // SIP-only elements are not part of the SCCP tree.
        assert!(c.lookup(ConfigKind::SccpXml, "sipProfile").is_none());
        assert!(c.lookup(ConfigKind::SipXml, "sipProfile").is_some());
        assert!(matches!(
            c.find(ConfigKind::SipXml, "sipprofile"),
            Lookup::OtherCase(_)
        ));
    }

    #[test]
    fn profiles_come_from_the_tag_tables() {
        let c = cat();
        let p = c.lookup(ConfigKind::Profile7905, "usetftp").unwrap();
        assert_eq!(p.name, "UseTftp");
        assert_eq!(p.kind, ValueType::Bool);
        assert!(c.lookup(ConfigKind::ProfileAta, "UID0").is_some());
        assert!(
            c.lookup(ConfigKind::Profile7905, "PWD")
                .unwrap()
                .kind
                .is_secret()
        );
    }

    #[test]
    fn did_you_mean() {
        let c = cat();
        assert_eq!(
            c.suggest(ConfigKind::SipCnf, "timer_registry_delta"),
            vec!["timer_register_delta"]
        );
        assert_eq!(
            c.suggest(ConfigKind::SipCnf, "nat_enabled"),
            vec!["nat_enable"]
        );
        assert!(
            c.suggest(ConfigKind::SipCnf, "completely_unrelated_word")
                .is_empty()
        );
        assert_eq!(
            c.suggest(ConfigKind::SipXml, "sipProfile/sipStack/timerRegistryDelta"),
            vec!["sipProfile/sipStack/timerRegisterDelta"]
        );
    }

    #[test]
    fn zones_map_to_both_encodings_that_pass_their_checks() {
        let c = cat();
        let sip = |n: &str| c.lookup(ConfigKind::SipCnf, n).unwrap();
        for z in &c.zones {
            let cz = c
                .cisco_zone(&z.xml_name)
                .unwrap_or_else(|| panic!("{}: {} not a Cisco name", z.zone, z.xml_name));
            // A name with a DST rule only for zones with one, and vice versa.
            assert_eq!(cz.daylight, z.dst.is_some(), "{}", z.zone);
            for (name, value) in z.cnf_params() {
                if let Err(e) = sip(name).check(&value) {
                    panic!("{}: {name} {value}: {e}", z.zone);
                }
            }
        }
        let paris = c.zone("Europe/Paris").unwrap();
        let params = paris.cnf_params();
        let get = |n: &str| params.iter().find(|p| p.0 == n).map(|p| p.1.as_str());
        assert_eq!(get("time_zone"), Some("CET"));
        assert_eq!(get("dst_start_month"), Some("3"));
        assert_eq!(get("dst_start_week_of_month"), Some("8"));
        assert_eq!(get("dst_stop_time"), Some("03:00"));
        let phoenix = c.zone("america/phoenix").unwrap().cnf_params();
        assert_eq!(phoenix.len(), 2);
        assert!(c.zone("Asia/Shanghai").unwrap().cnf_params().is_empty());
    }
}
