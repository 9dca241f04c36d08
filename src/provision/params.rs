//! The parameters an inventory column may set beyond the standard ones, per file kind, with
//! their types. Every check of an extra column goes through [`check`], so that the shared
//! typed catalogue can replace this list in one place.
//!
//! Sources: Cisco's SIP 7.x/8.x administration guides (Configurable Parameters appendix) for
//! the `.cnf` names and ranges; the element tree of the XML phones' `SEP<MAC>.cnf.xml` as
//! Cisco's release trees write it; the built-in tag tables for the binary profiles.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::catalogue::{Catalogue, Lookup};
use crate::device::ConfigKind;
use crate::profile::{CompileOptions, compile};
use crate::table::{Protocol as TableProtocol, Protocols, TagTable, builtin};
use crate::text::NoIncludes;

/// What a value may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// `0` or `1` (the `.cnf` booleans; `on`/`off` make phones loop).
    Bool01,
    /// `true` or `false` (XML booleans).
    BoolXml,
    Int(i64, i64),
    /// One of these, in this case.
    Enum(&'static [&'static str]),
    /// Text of at most this many bytes.
    Text(usize),
    /// A host name or dotted IP address.
    Host,
    /// A dotted IPv4 address only.
    Ip,
}

/// One parameter a column may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub ty: Type,
    /// The value written when neither the row nor the fleet sets one (`None`: not written).
    pub default: Option<&'static str>,
    /// Holds a secret: never shown.
    pub secret: bool,
}

const fn p(name: &'static str, ty: Type, default: Option<&'static str>) -> Param {
    Param {
        name,
        ty,
        default,
        secret: false,
    }
}

use Type::*;

const TRI: Type = Int(0, 3);
const PORT: Type = Int(1, 65535);

/// `SIPDefault.cnf` / `SIP<MAC>.cnf` (7940/7960 SIP). Defaults are written to SIPDefault.cnf.
pub const CNF: &[Param] = &[
    p("proxy_register", Bool01, Some("1")),
    p("timer_register_expires", Int(1, 3_932_100), Some("3600")),
    p("timer_register_delta", Int(0, 32767), None),
    p("timer_t1", Int(100, 64000), None),
    p("timer_t2", Int(100, 64000), None),
    p("sip_retx", Int(1, 10), None),
    p("sip_invite_retx", Int(1, 6), None),
    p("timer_invite_expires", Int(1, 3600), None),
    p(
        "preferred_codec",
        Enum(&["g711ulaw", "g711alaw", "g729a", "none"]),
        Some("g711ulaw"),
    ),
    p("tos_media", Int(0, 5), None),
    p("enable_vad", Bool01, None),
    p("dtmf_inband", Bool01, None),
    p(
        "dtmf_outofband",
        Enum(&["none", "avt", "avt_always"]),
        Some("avt"),
    ),
    p("dtmf_db_level", Int(1, 5), None),
    p("dtmf_avt_payload", Int(96, 127), None),
    p("dial_template", Text(32), None),
    p("tftp_cfg_dir", Text(64), None),
    p(
        "sntp_mode",
        Enum(&["unicast", "multicast", "anycast", "directedbroadcast"]),
        None,
    ),
    p("time_format_24hr", Int(0, 3), None),
    p(
        "date_format",
        Enum(&["M/D/Y", "D/M/Y", "Y/M/D", "Y/D/M", "Y-M-D", "YY-M-D"]),
        None,
    ),
    p("dnd_control", TRI, None),
    p("callerid_blocking", TRI, None),
    p("anonymous_call_block", TRI, None),
    p("call_hold_ringback", TRI, None),
    p("call_waiting", TRI, None),
    p("cnf_join_enable", Bool01, None),
    p("semi_attended_transfer", Bool01, None),
    p("local_cfwd_enable", Bool01, None),
    p("remote_party_id", Bool01, None),
    p("stutter_msg_waiting", Bool01, None),
    p("call_stats", Bool01, None),
    p("user_info", Enum(&["none", "phone", "ip"]), None),
    p("autocomplete", Bool01, None),
    p("telnet_level", Int(0, 2), None),
    p("phone_label", Text(11), None),
    p("phone_prompt", Text(15), None),
    Param {
        secret: true,
        ..p("phone_password", Text(31), None)
    },
    p("messages_uri", Text(32), None),
    p("services_url", Text(255), None),
    p("directory_url", Text(255), None),
    p("logo_url", Text(255), None),
    p("proxy_backup", Host, None),
    p("proxy_backup_port", PORT, None),
    p("proxy_emergency", Host, None),
    p("proxy_emergency_port", PORT, None),
    p("outbound_proxy", Host, None),
    p("outbound_proxy_port", PORT, None),
    p("nat_enable", Bool01, None),
    p("nat_received_processing", Bool01, None),
    p("nat_address", Host, None),
    p("voip_control_port", Int(1025, 65535), None),
    p("start_media_port", Int(16384, 32766), Some("16384")),
    p("end_media_port", Int(16384, 32766), Some("32766")),
    p(
        "network_media_type",
        Enum(&["Auto", "Full100", "Half100", "Full10", "Half10"]),
        Some("Auto"),
    ),
    p("network_port2_type", Enum(&["Hub/Switch", "PC"]), None),
    p("http_proxy_addr", Ip, None),
    p("http_proxy_port", PORT, None),
    p("dyn_dns_addr_1", Ip, None),
    p("dyn_dns_addr_2", Ip, None),
    p("dyn_tftp_addr", Ip, None),
    p("sync", Text(32), None),
    p("auto_answer", Int(0, 63), None),
];

/// `.cnf` names provision derives from the standard columns: a column of that name is refused.
pub const CNF_DERIVED: &[(&str, &str)] = &[
    ("image_version", "load"),
    ("proxy1_address", "proxy"),
    ("proxy1_port", "proxy_port"),
    ("time_zone", "timezone"),
    ("sntp_server", "ntp"),
    ("line1_name", "number"),
    ("line1_authname", "auth_name"),
    ("line1_password", "password"),
    ("line1_displayname", "display_name"),
    ("line1_shortname", "label"),
];

/// `<sipCallFeatures>` of `SEP<MAC>.cnf.xml`, in Cisco's order.
pub const XML_CALL_FEATURES: &[Param] = &[
    p("cnfJoinEnabled", BoolXml, Some("true")),
    p(
        "callForwardURI",
        Text(128),
        Some("x-cisco-serviceuri-cfwdall"),
    ),
    p(
        "callPickupURI",
        Text(128),
        Some("x-cisco-serviceuri-pickup"),
    ),
    p(
        "callPickupListURI",
        Text(128),
        Some("x-cisco-serviceuri-opickup"),
    ),
    p(
        "callPickupGroupURI",
        Text(128),
        Some("x-cisco-serviceuri-gpickup"),
    ),
    p(
        "meetMeServiceURI",
        Text(128),
        Some("x-cisco-serviceuri-meetme"),
    ),
    p(
        "abbreviatedDialURI",
        Text(128),
        Some("x-cisco-serviceuri-abbrdial"),
    ),
    p("rfc2543Hold", BoolXml, Some("false")),
    p("callHoldRingback", TRI, Some("2")),
    p("localCfwdEnable", BoolXml, Some("true")),
    p("semiAttendedTransfer", BoolXml, Some("true")),
    p("anonymousCallBlock", TRI, Some("2")),
    p("callerIdBlocking", TRI, Some("2")),
    p("dndControl", TRI, Some("0")),
    p("remoteCcEnable", BoolXml, Some("true")),
];

/// `<sipStack>`, in Cisco's order.
pub const XML_SIP_STACK: &[Param] = &[
    p("sipInviteRetx", Int(1, 6), Some("6")),
    p("sipRetx", Int(1, 10), Some("10")),
    p("timerInviteExpires", Int(1, 3600), Some("180")),
    p("timerRegisterExpires", Int(1, 3_932_100), Some("3600")),
    p("timerRegisterDelta", Int(0, 32767), Some("5")),
    p("timerKeepAliveExpires", Int(1, 3600), Some("120")),
    p("timerSubscribeExpires", Int(1, 3600), Some("120")),
    p("timerSubscribeDelta", Int(0, 32767), Some("5")),
    p("timerT1", Int(100, 64000), Some("500")),
    p("timerT2", Int(100, 64000), Some("4000")),
    p("maxRedirects", Int(0, 100), Some("70")),
    p("remotePartyID", BoolXml, Some("true")),
    p("userInfo", Enum(&["None", "Phone", "IP"]), Some("None")),
];

/// The `<sipProfile>` elements between `<sipStack>` and `<sipLines>` (`phoneLabel` comes from
/// the `label` column), in Cisco's order.
pub const XML_SIP_PROFILE: &[Param] = &[
    p("autoAnswerTimer", Int(0, 100), Some("1")),
    p("autoAnswerAltBehavior", BoolXml, Some("false")),
    p("autoAnswerOverride", BoolXml, Some("true")),
    p("transferOnhookEnabled", BoolXml, Some("false")),
    p("enableVad", BoolXml, Some("false")),
    p(
        "preferredCodec",
        Enum(&["none", "g711ulaw", "g711alaw", "g729a"]),
        Some("none"),
    ),
    p("dtmfAvtPayload", Int(96, 127), Some("101")),
    p("dtmfDbLevel", Int(1, 5), Some("3")),
    p(
        "dtmfOutofBand",
        Enum(&["none", "avt", "avt_always"]),
        Some("avt"),
    ),
    p("alwaysUsePrimeLine", BoolXml, Some("false")),
    p("alwaysUsePrimeLineVoiceMail", BoolXml, Some("false")),
    p("kpml", Int(0, 3), Some("3")),
    p("natEnabled", BoolXml, Some("false")),
    p("natAddress", Host, None),
    p("stutterMsgWaiting", Int(0, 1), Some("0")),
    p("callStats", BoolXml, Some("false")),
    p(
        "silentPeriodBetweenCallWaitingBursts",
        Int(1, 100),
        Some("10"),
    ),
    p("disableLocalSpeedDialConfig", BoolXml, Some("false")),
    p("startMediaPort", Int(16384, 32766), Some("16384")),
    p("stopMediaPort", Int(16384, 32766), Some("32766")),
];

/// The `<sipProfile>` elements after `<sipLines>`, in Cisco's order.
pub const XML_SIP_PROFILE_TAIL: &[Param] = &[
    p("voipControlPort", Int(1025, 65535), Some("5060")),
    p("dscpForAudio", Int(0, 255), Some("184")),
    p("ringSettingBusyStationPolicy", Int(0, 4), Some("0")),
];

/// Elements of `<device>` for both protocols.
pub const XML_DEVICE: &[Param] = &[
    p("dateTemplate", Text(16), Some("M/D/Y")),
    p("deviceSecurityMode", Int(1, 3), Some("1")),
    p("directoryURL", Text(255), None),
    p("idleURL", Text(255), None),
    p("servicesURL", Text(255), None),
];

/// Every XML group whose elements a column may set, for the given kind.
pub fn xml_groups(kind: ConfigKind) -> Vec<&'static [Param]> {
    match kind {
        ConfigKind::SipXml => vec![
            XML_DEVICE,
            XML_CALL_FEATURES,
            XML_SIP_STACK,
            XML_SIP_PROFILE,
            XML_SIP_PROFILE_TAIL,
        ],
        ConfigKind::SccpXml => vec![XML_DEVICE],
        _ => vec![],
    }
}

/// Binary-profile names provision writes from the standard columns, per kind.
pub fn profile_derived(kind: ConfigKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        ConfigKind::Profile7905 => &[
            ("UID", "number"),
            ("PWD", "password"),
            ("LoginID", "auth_name"),
            ("UseLoginID", "auth_name"),
            ("DisplayName", "display_name"),
            ("ShortName", "label"),
            ("Proxy", "proxy"),
            ("NTPIP", "ntp"),
            ("TimeZone", "timezone"),
            ("upgradecode", "load"),
            ("SIPRegOn", "number"),
        ],
        ConfigKind::ProfileAta => &[
            ("UID0", "number"),
            ("PWD0", "password"),
            ("LoginID0", "auth_name"),
            ("UseLoginID", "auth_name"),
            ("DisplayName0", "display_name"),
            ("UID1", "line2_number"),
            ("PWD1", "line2_password"),
            ("LoginID1", "line2_auth_name"),
            ("DisplayName1", "line2_display_name"),
            ("GkOrProxy", "proxy"),
            ("NTPIP", "ntp"),
            ("TimeZone", "timezone"),
            ("upgradecode", "load"),
            ("SIPRegOn", "number"),
            ("UseSIP", "protocol"),
        ],
        _ => &[],
    }
}

/// The tag table of a binary-profile kind, parsed once.
pub fn table(kind: ConfigKind) -> Option<&'static TagTable> {
    static T7912: OnceLock<TagTable> = OnceLock::new();
    static TATA: OnceLock<TagTable> = OnceLock::new();
    let (cell, name) = match kind {
        ConfigKind::Profile7905 => (&T7912, "7912"),
        ConfigKind::ProfileAta => (&TATA, "ata186"),
        _ => return None,
    };
    Some(cell.get_or_init(|| {
        builtin(name)
            .map(|b| TagTable::parse(b.text.as_bytes()).0)
            .unwrap_or_default()
    }))
}

/// The protocols the profiles are compiled for (the tables' SIP lines).
pub fn profile_protocols() -> Protocols {
    Protocols::from_switches([TableProtocol::Sip])
}

/// A column's parameter as the file kind spells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub name: String,
    pub secret: bool,
}

/// Why a column or value is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a parameter of this kind; the closest name, if any is close.
    Unknown(Option<String>),
    /// Provision writes it itself from a standard column.
    Derived(&'static str),
    /// The value does not fit the type.
    Value(String),
}

/// The parameter a column names for a file kind (any case), or why it is not one.
pub fn lookup(kind: ConfigKind, column: &str) -> Result<Known, Refusal> {
    let derived: &[(&str, &str)] = match kind {
        ConfigKind::SipCnf => CNF_DERIVED,
        k => profile_derived(k),
    };
    if let Some((_, from)) = derived.iter().find(|(n, _)| n.eq_ignore_ascii_case(column)) {
        return Err(Refusal::Derived(from));
    }
    match kind {
        ConfigKind::SipCnf => {
            let cat = Catalogue::builtin();
            match cat.find(kind, column) {
                Lookup::Exact(p) | Lookup::OtherCase(p) => Ok(Known {
                    name: p.name.clone(),
                    secret: p.is_secret(),
                }),
                Lookup::Unknown => Err(Refusal::Unknown(
                    cat.suggest(kind, column).first().map(|s| s.to_string()),
                )),
            }
        }
        ConfigKind::SipXml | ConfigKind::SccpXml => {
            find(xml_groups(kind).into_iter().flatten(), column)
        }
        k => {
            let Some(t) = table(k) else {
                return Err(Refusal::Unknown(None));
            };
            let names = t.entries().iter().map(|d| d.name.as_str());
            match names
                .clone()
                .find(|n| n.eq_ignore_ascii_case(column))
                .and_then(|n| t.by_name(n, profile_protocols()))
            {
                // The tables flag some secrets only (not the 7912G's EncryptKey).
                Some(d) => Ok(Known {
                    name: d.name.clone(),
                    secret: d.is_sensitive() || crate::catalogue::looks_secret(&d.name),
                }),
                None => Err(Refusal::Unknown(closest(column, names).map(String::from))),
            }
        }
    }
}

fn find<'a>(
    mut params: impl Iterator<Item = &'a Param> + Clone,
    column: &str,
) -> Result<Known, Refusal> {
    let all = params.clone();
    match params.find(|p| p.name.eq_ignore_ascii_case(column)) {
        Some(p) => Ok(Known {
            name: p.name.to_string(),
            secret: p.secret || crate::catalogue::looks_secret(p.name),
        }),
        None => Err(Refusal::Unknown(
            closest(column, all.map(|p| p.name)).map(String::from),
        )),
    }
}

/// The typed parameter of a `.cnf` or XML kind.
pub fn param(kind: ConfigKind, name: &str) -> Option<&'static Param> {
    match kind {
        ConfigKind::SipCnf => CNF.iter().find(|p| p.name == name),
        ConfigKind::SipXml | ConfigKind::SccpXml => xml_groups(kind)
            .into_iter()
            .flatten()
            .find(|p| p.name == name),
        _ => None,
    }
}

/// The shared catalogue's entry: a `.cnf` name, or the XML element whose path ends in
/// `name`.
fn catalogue_param(kind: ConfigKind, name: &str) -> Option<&'static crate::catalogue::Param> {
    let cat = Catalogue::builtin();
    match kind {
        ConfigKind::SipCnf => cat.lookup(kind, name),
        ConfigKind::SipXml | ConfigKind::SccpXml => cat
            .params_of(kind)
            .into_iter()
            .find(|p| p.name.rsplit('/').next() == Some(name)),
        _ => None,
    }
}

/// Whether a `.cnf` parameter belongs in the per-phone file only (the catalogue's scope).
pub fn per_phone_only(name: &str) -> bool {
    catalogue_param(ConfigKind::SipCnf, name)
        .is_some_and(|p| p.scope == crate::catalogue::Scope::Phone)
}

/// Checks one value of a known parameter. Messages never repeat a secret's value.
pub fn check(kind: ConfigKind, name: &str, value: &str) -> Result<(), Refusal> {
    match kind {
        ConfigKind::Profile7905 | ConfigKind::ProfileAta => check_profile(kind, name, value),
        _ => match (catalogue_param(kind, name), param(kind, name)) {
            (Some(p), _) => p.check(value).map_err(|e| Refusal::Value(e.message)),
            (None, Some(p)) => check_type(p.ty, value).map_err(Refusal::Value),
            (None, None) => Err(Refusal::Unknown(None)),
        },
    }
}

/// Checks a value against a type; the message names the value.
pub fn check_type(ty: Type, value: &str) -> Result<(), String> {
    match ty {
        Bool01 => match value {
            "0" | "1" => Ok(()),
            v if is_word_bool(v) => Err(format!("{v:?} is not 0 or 1 (write 1 for on, 0 for off)")),
            v => Err(format!("{v:?} is not 0 or 1")),
        },
        BoolXml => match value {
            "true" | "false" => Ok(()),
            v if is_word_bool(v) || v == "0" || v == "1" => {
                Err(format!("{v:?} is not true or false (write true or false)"))
            }
            v => Err(format!("{v:?} is not true or false")),
        },
        Int(lo, hi) => match value.parse::<i64>() {
            Ok(n) if (lo..=hi).contains(&n) => Ok(()),
            Ok(n) => Err(format!("{n} is out of range {lo}–{hi}")),
            Err(_) => Err(format!("{value:?} is not a whole number ({lo}–{hi})")),
        },
        Enum(values) => {
            if values.contains(&value) {
                Ok(())
            } else if let Some(v) = values.iter().find(|v| v.eq_ignore_ascii_case(value)) {
                Err(format!("{value:?} is in the wrong case: write {v}"))
            } else {
                Err(format!("{value:?} is not one of {}", values.join(", ")))
            }
        }
        Text(max) => {
            if value.len() > max {
                Err(format!("{} bytes, at most {max}", value.len()))
            } else if value.contains(['"', '\n', '\r']) {
                Err("holds a double quote or a line break".into())
            } else {
                Ok(())
            }
        }
        Host => {
            if !value.is_empty()
                && value.len() <= 255
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            {
                Ok(())
            } else {
                Err(format!("{value:?} is not a host name or IP address"))
            }
        }
        Ip => {
            if value.parse::<std::net::Ipv4Addr>().is_ok() {
                Ok(())
            } else {
                Err(format!(
                    "{value:?} is not a dotted IP address (a host name does not work here)"
                ))
            }
        }
    }
}

fn is_word_bool(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "on" | "off" | "yes" | "no" | "true" | "false" | "enabled" | "disabled"
    )
}

/// A binary-profile value: compiled alone with the table; any diagnostic refuses it.
/// Results are remembered, as thousands of rows repeat the same few values.
/// The most bytes a text parameter of a binary profile holds: its table line's size. The
/// compiler stores a longer value whole, as cfgfmt 2.3 did, but Cisco's decoder (and the
/// phone, whose buffer has that size) keeps only the first `size` bytes. `None` for
/// parameters that are not text (numbers, addresses, booleans, tones) or not in the table.
pub fn profile_text_limit(kind: ConfigKind, name: &str) -> Option<usize> {
    use crate::table::fmt_bits as b;
    let d = table(kind)?.by_name(name, profile_protocols())?;
    // The decoder reads these formats first, whatever text bits they carry.
    let not_text = b::BOOL | b::IPV4 | b::EXT_IP | b::INT | 0x0001 | b::HEX | b::SHORTS;
    (d.fmt & (b::DIGITS | b::STRING) != 0 && d.fmt & not_text == 0).then_some(usize::from(d.size))
}

/// Why a value is too long for a binary profile's parameter, if it is.
pub fn profile_too_long(kind: ConfigKind, name: &str, value: &str) -> Option<String> {
    let limit = profile_text_limit(kind, name)?;
    (value.len() > limit).then(|| {
        format!(
            "{} bytes, but the profile's {name} holds at most {limit} (the phone and Cisco's decoder cut the rest)",
            value.len()
        )
    })
}

fn check_profile(kind: ConfigKind, name: &str, value: &str) -> Result<(), Refusal> {
    if let Some(why) = profile_too_long(kind, name, value) {
        return Err(Refusal::Value(why));
    }
    type Memo = Mutex<HashMap<(ConfigKind, String, String), Result<(), String>>>;
    static MEMO: OnceLock<Memo> = OnceLock::new();
    let memo = MEMO.get_or_init(Default::default);
    let key = (kind, name.to_string(), value.to_string());
    if let Ok(m) = memo.lock()
        && let Some(r) = m.get(&key)
    {
        return r.clone().map_err(Refusal::Value);
    }
    let secret = lookup(kind, name).map(|k| k.secret).unwrap_or(false);
    let result = match table(kind) {
        None => Err("no table".to_string()),
        Some(t) => {
            let text = format!("#txt\n{name}:{value}\n");
            let opts = CompileOptions {
                protocols: profile_protocols(),
                ..CompileOptions::default()
            };
            match compile(
                text.as_bytes(),
                std::path::Path::new("value"),
                &mut NoIncludes,
                t,
                &opts,
            ) {
                Err(e) if secret => Err(format!(
                    "not a valid value ({})",
                    e.lead().trim_end_matches([':', ' '])
                )),
                Err(e) => Err(e.to_string()),
                Ok(out) => match out
                    .diagnostics
                    .iter()
                    .find(|d| d.severity() >= crate::finding::Severity::Warning)
                {
                    None => Ok(()),
                    Some(_) if secret => Err("not a valid value".into()),
                    Some(d) => Err(d.to_string()),
                },
            }
        }
    };
    if let Ok(mut m) = memo.lock()
        && m.len() < 100_000
    {
        m.insert(key, result.clone());
    }
    result.map_err(Refusal::Value)
}

/// The closest of `names` to `word` (case-insensitive), if it is close enough to be a typo.
pub fn closest<'a>(word: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    let limit = (w.len() / 3).clamp(1, 4);
    names
        .map(|n| (distance(&w, &n.to_ascii_lowercase()), n))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, n)| n)
}

/// Levenshtein distance with transpositions counting one (bounded: names differing in
/// length by more than 8 are 9 apart).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 8 {
        return 9;
    }
    // Three rows: two back (transpositions), one back, current.
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let at = |row: &Vec<usize>, k: usize| row.get(k).copied().unwrap_or(usize::MAX / 2);
            let mut v = (at(&prev, j + 1) + 1)
                .min(at(&cur, j) + 1)
                .min(at(&prev, j) + usize::from(ca != cb));
            if i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) {
                v = v.min(at(&prev2, j - 1) + 1);
            }
            if let Some(c) = cur.get_mut(j + 1) {
                *c = v;
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys and passwords the tag tables do not flag are secrets all the same: masked in
    /// --explain, never quoted in a refusal.
    #[test]
    fn keys_and_passwords_are_secret_in_every_kind() {
        for (kind, name) in [
            (ConfigKind::Profile7905, "EncryptKey"),
            (ConfigKind::ProfileAta, "EncryptKey"),
            (ConfigKind::Profile7905, "UIPassword"),
            (ConfigKind::SipCnf, "phone_password"),
        ] {
            let k = lookup(kind, name).unwrap_or_else(|_| panic!("{name}"));
            assert!(k.secret, "{kind:?} {name}");
        }
        assert!(
            !lookup(ConfigKind::Profile7905, "CallWaiting")
                .unwrap()
                .secret
        );
    }

    #[test]
    fn columns_are_found_in_any_case_with_suggestions() {
        assert_eq!(
            lookup(ConfigKind::SipCnf, "NAT_ENABLE").map(|k| k.name),
            Ok("nat_enable".into())
        );
        assert_eq!(
            lookup(ConfigKind::SipCnf, "timer_registry_delta"),
            Err(Refusal::Unknown(Some("timer_register_delta".into())))
        );
        assert_eq!(
            lookup(ConfigKind::SipCnf, "image_version"),
            Err(Refusal::Derived("load"))
        );
        assert_eq!(
            lookup(ConfigKind::Profile7905, "callwaiting").map(|k| k.name),
            Ok("CallWaiting".into())
        );
        assert_eq!(
            lookup(ConfigKind::SipXml, "natenabled").map(|k| k.name),
            Ok("natEnabled".into())
        );
        assert!(matches!(
            lookup(ConfigKind::SccpXml, "natEnabled"),
            Err(Refusal::Unknown(_))
        ));
    }

    #[test]
    fn values_are_typed() {
        let bad = |k, n, v| check(k, n, v).unwrap_err();
        assert!(check(ConfigKind::SipCnf, "start_media_port", "16384").is_ok());
        assert_eq!(
            bad(ConfigKind::SipCnf, "start_media_port", "16348"),
            Refusal::Value(
                "16348 is below 16384; start_media_port takes an integer from 16384 to 32766"
                    .into()
            )
        );
        assert!(
            matches!(bad(ConfigKind::SipCnf, "network_media_type", "auto"), Refusal::Value(m) if m.contains("Auto"))
        );
        assert!(matches!(
            bad(ConfigKind::SipCnf, "nat_enable", "on"),
            Refusal::Value(_)
        ));
        assert!(
            check(ConfigKind::SipXml, "natEnabled", "1").is_ok(),
            "the catalogue: XML booleans take 1/0 too"
        );
        assert!(
            matches!(bad(ConfigKind::SipCnf, "dyn_tftp_addr", "tftp.example.com"), Refusal::Value(m) if m.contains("dotted IP"))
        );
        assert!(check(ConfigKind::Profile7905, "CallWaiting", "1").is_ok());
        assert_eq!(distance("inpsect", "inspect"), 1);
        assert_eq!(distance("abc", ""), 3);
        assert!(matches!(
            bad(ConfigKind::Profile7905, "SIPPort", "notanumber"),
            Refusal::Value(_)
        ));
    }

    /// Text parameters of the profiles hold at most their table size; a longer value is
    /// refused (the compiler would store it whole, the phone and decoder cut it).
    #[test]
    fn profile_text_parameters_have_a_size() {
        let k = ConfigKind::Profile7905;
        let bad = |k, n, v: &str| check(k, n, v).unwrap_err();
        assert_eq!(profile_text_limit(k, "DisplayName"), Some(32));
        assert_eq!(profile_text_limit(k, "LoginID"), Some(52));
        assert_eq!(profile_text_limit(k, "DialPlan"), Some(200));
        assert_eq!(profile_text_limit(k, "UIPassword"), Some(10));
        for not_text in ["NTPIP", "CallWaiting", "TimeZone", "DialTone", "NoSuchName"] {
            assert_eq!(profile_text_limit(k, not_text), None, "{not_text}");
        }
        assert_eq!(
            profile_text_limit(ConfigKind::ProfileAta, "DisplayName0"),
            Some(32)
        );
        assert!(check(k, "DialPlan", &"9".repeat(200)).is_ok());
        assert!(
            matches!(bad(k, "DialPlan", &"9".repeat(201)), Refusal::Value(m) if m.contains("at most 200"))
        );
        // A secret's value is not in the message.
        let Refusal::Value(m) = bad(k, "UIPassword", "12345678901") else {
            panic!("not a value refusal")
        };
        assert!(!m.contains("12345678901"), "{m}");
    }
}
