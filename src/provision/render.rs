//! The files: `.cnf` text, XML, and binary profiles through the compiler.

use std::collections::BTreeMap;
use std::path::Path;

use super::inventory::{Device, Inventory, Key, LineField, Source, Std};
use super::params::{self, Param};
use super::tz;
use super::xml::Writer;
use crate::assist::upgradecode::{self, UpgradeCode};
use crate::device::{BootFileKind, ConfigKind, Family, Model};
use crate::finding::Finding;
use crate::pkg::names;
use crate::profile::{CompileOptions, compile};
use crate::text::NoIncludes;

/// The first line of every text file provision writes.
pub const CNF_HEADER: &str =
    "# Written by cfgfmt-rs provision from the inventory: change the inventory, not this file.";
const XML_COMMENT: &str =
    "Written by cfgfmt-rs provision from the inventory: change the inventory, not this file.";

/// One value placed in a file, for `--explain`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Placed {
    pub file: String,
    /// The parameter or element as the file spells it.
    pub key: String,
    /// `***` for secrets.
    pub value: String,
    pub source: Source,
}

/// Collects [`Placed`] values when asked to (explain); otherwise does nothing.
#[derive(Debug, Default)]
pub struct Trace {
    pub on: bool,
    pub placed: Vec<Placed>,
}

impl Trace {
    fn put(&mut self, file: &str, key: &str, value: &str, source: &Source, secret: bool) {
        if self.on {
            self.placed.push(Placed {
                file: file.to_string(),
                key: key.to_string(),
                value: if secret {
                    "***".into()
                } else {
                    value.to_string()
                },
                source: source.clone(),
            });
        }
    }
}

fn derived(from: &str) -> Source {
    Source::Derived {
        from: from.to_string(),
    }
}

/// The major firmware version a load name carries (`SIP41.9-4-2SR1-1S` → 9).
pub fn firmware_major(load: &str) -> Option<u32> {
    let after = load.split_once('.').map(|(_, r)| r)?;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

// ----- 7940/7960 SIP .cnf -----------------------------------------------------------------

/// A `.cnf` file being written: `name: "value"` lines.
struct Cnf<'t> {
    name: String,
    text: String,
    trace: &'t mut Trace,
}

impl Cnf<'_> {
    fn put(&mut self, key: &str, value: &str, source: &Source, secret: bool) {
        self.text.push_str(key);
        self.text.push_str(": \"");
        self.text.push_str(value);
        self.text.push_str("\"\n");
        self.trace.put(&self.name, key, value, source, secret);
    }
}

/// The `.cnf` parameters the standard columns stand for, with their values.
fn cnf_standard(key: &Key, value: &str) -> Vec<(&'static str, String)> {
    match key {
        Key::Std(Std::Load) => vec![("image_version", value.to_string())],
        Key::Std(Std::Proxy) => vec![("proxy1_address", value.to_string())],
        Key::Std(Std::ProxyPort) => vec![("proxy1_port", value.to_string())],
        Key::Std(Std::Ntp) => vec![
            ("sntp_mode", "unicast".into()),
            ("sntp_server", value.to_string()),
        ],
        Key::Std(Std::Timezone) => tz::zone(value).map(|z| z.cnf_params()).unwrap_or_default(),
        _ => vec![],
    }
}

const CNF_SHARED_KEYS: [Std; 5] = [
    Std::Load,
    Std::Proxy,
    Std::ProxyPort,
    Std::Timezone,
    Std::Ntp,
];

/// The keys a `.cnf` device may share with SIPDefault.cnf: the standard ones and the extra
/// columns the `.cnf` knows.
fn cnf_keys(inv: &Inventory) -> Vec<Key> {
    let mut keys: Vec<Key> = CNF_SHARED_KEYS.iter().map(|s| Key::Std(*s)).collect();
    keys.extend(inv.columns.iter().filter_map(|c| match &c.key {
        Key::Extra(_) if params::lookup(ConfigKind::SipCnf, &c.header).is_ok() => {
            Some(c.key.clone())
        }
        _ => None,
    }));
    keys
}

fn extra_name(inv: &Inventory, kind: ConfigKind, key: &Key) -> Option<params::Known> {
    let col = inv.columns.iter().find(|c| &c.key == key)?;
    params::lookup(kind, &col.header).ok()
}

/// What SIPDefault.cnf holds, per key: computed once for all `.cnf` devices.
pub(super) struct CnfShared<'a> {
    values: Vec<(Key, Option<(&'a str, Source)>)>,
}

impl<'a> CnfShared<'a> {
    pub(super) fn new(inv: &'a Inventory, audience: &[&'a Device]) -> Self {
        CnfShared {
            values: cnf_keys(inv)
                .into_iter()
                .map(|k| {
                    // A per-phone parameter never goes to SIPDefault.cnf.
                    let phone_only = extra_name(inv, ConfigKind::SipCnf, &k)
                        .is_some_and(|n| params::per_phone_only(&n.name));
                    let v = if phone_only {
                        None
                    } else {
                        inv.shared_value(audience, &k)
                    };
                    (k, v)
                })
                .collect(),
        }
    }
    fn get(&self, key: &Key) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_ref().map(|(s, _)| *s))
    }
}

pub(super) fn sip_default(inv: &Inventory, shared: &CnfShared, trace: &mut Trace) -> Vec<u8> {
    let mut f = Cnf {
        name: "SIPDefault.cnf".into(),
        text: format!("{CNF_HEADER}\n"),
        trace,
    };
    let mut written: Vec<String> = Vec::new();
    for (key, v) in &shared.values {
        let Some((value, src)) = v else { continue };
        match key {
            Key::Extra(_) => {
                if let Some(k) = extra_name(inv, ConfigKind::SipCnf, key) {
                    f.put(&k.name, value, src, k.secret);
                    written.push(k.name);
                }
            }
            k => {
                for (name, val) in cnf_standard(k, value) {
                    f.put(name, &val, src, false);
                }
            }
        }
    }
    for p in params::CNF {
        if let (Some(d), false) = (p.default, written.iter().any(|w| w == p.name)) {
            f.put(p.name, d, &Source::Catalogue, p.secret);
        }
    }
    f.text.into_bytes()
}

pub(super) fn sip_mac(
    inv: &Inventory,
    dev: &Device,
    shared: &CnfShared,
    name: &str,
    trace: &mut Trace,
) -> Vec<u8> {
    let mut f = Cnf {
        name: name.to_string(),
        text: format!("{CNF_HEADER}\n"),
        trace,
    };
    for (key, _) in &shared.values {
        let Some((value, src)) = inv.value(dev, key) else {
            continue;
        };
        if shared.get(key) == Some(value) {
            continue;
        }
        match key {
            Key::Extra(_) => {
                if let Some(k) = extra_name(inv, ConfigKind::SipCnf, key) {
                    f.put(&k.name, value, &src, k.secret);
                }
            }
            k => {
                for (n, val) in cnf_standard(k, value) {
                    f.put(n, &val, &src, false);
                }
            }
        }
    }
    let proxy = inv.value(dev, &Key::Std(Std::Proxy));
    let port = inv.value(dev, &Key::Std(Std::ProxyPort));
    for n in 1..=dev.model.lines() {
        let Some((number, nsrc)) = inv.value(dev, &Key::Line(n, LineField::Number)) else {
            continue;
        };
        if n > 1 {
            // Line N registers with proxyN: the device's proxy for every line it has.
            if let Some((p, psrc)) = &proxy {
                f.put(&format!("proxy{n}_address"), p, psrc, false);
            }
            if let Some((p, psrc)) = &port {
                f.put(&format!("proxy{n}_port"), p, psrc, false);
            }
        }
        f.put(&format!("line{n}_name"), number, &nsrc, false);
        let (auth, asrc) = inv
            .value(dev, &Key::Line(n, LineField::AuthName))
            .unwrap_or((number, nsrc.clone()));
        f.put(&format!("line{n}_authname"), auth, &asrc, false);
        if let Some((pw, src)) = inv.value(dev, &Key::Line(n, LineField::Password)) {
            f.put(&format!("line{n}_password"), pw, &src, true);
        }
        if let Some((d, src)) = inv.value(dev, &Key::Line(n, LineField::DisplayName)) {
            f.put(&format!("line{n}_displayname"), d, &src, false);
        }
        if let Some((l, src)) = inv.value(dev, &Key::Line(n, LineField::Label)) {
            f.put(&format!("line{n}_shortname"), l, &src, false);
        }
    }
    f.text.into_bytes()
}

/// `OS79XX.TXT`: the bare image name, one line. For a SIP load (`P0S3-…`, its `.loads`
/// manifest) that is the universal loader it names, `P003-…`, as Cisco's releases write it:
/// a phone on an older image asks for `<name>.sbn`/`.bin`.
pub(super) fn os79xx(load: &str) -> Vec<u8> {
    let name = match load.strip_prefix("P0S") {
        Some(rest) => format!("P00{rest}"),
        None => load.to_string(),
    };
    format!("{name}\r\n").into_bytes()
}

// ----- XML phones -------------------------------------------------------------------------

struct Xml<'t> {
    name: String,
    w: Writer,
    trace: &'t mut Trace,
}

impl Xml<'_> {
    fn leaf(&mut self, key: &str, value: &str, src: &Source, secret: bool) {
        self.w.leaf(key, value);
        self.trace.put(&self.name, key, value, src, secret);
    }
    /// A catalogue group: the device's value (row or fleet) for each element, else its default.
    fn group(&mut self, inv: &Inventory, dev: &Device, group: &[Param]) {
        for p in group {
            let col = inv
                .columns
                .iter()
                .find(|c| matches!(c.key, Key::Extra(_)) && c.header.eq_ignore_ascii_case(p.name));
            let value = col.and_then(|c| inv.value(dev, &c.key));
            match (value, p.default) {
                (Some((v, src)), _) => self.leaf(p.name, v, &src, p.secret),
                (None, Some(d)) => self.leaf(p.name, d, &Source::Catalogue, p.secret),
                (None, None) => {}
            }
        }
    }
}

fn call_manager_group(
    x: &mut Xml,
    proxy: Option<(&str, Source)>,
    sip_port: Option<(&str, Source)>,
    sccp_port: Option<(&str, Source)>,
    sip: bool,
) {
    x.w.open("callManagerGroup")
        .open("members")
        .open_with("member", &[("priority", "0")])
        .open("callManager");
    x.w.open("ports");
    match sccp_port {
        Some((p, s)) => x.leaf("ethernetPhonePort", p, &s, false),
        None => x.leaf("ethernetPhonePort", "2000", &Source::Catalogue, false),
    }
    match sip_port {
        Some((p, s)) => x.leaf("sipPort", p, &s, false),
        None if sip => x.leaf("sipPort", "5060", &Source::Catalogue, false),
        None => {}
    }
    x.w.close();
    if let Some((p, src)) = proxy {
        x.leaf("processNodeName", p, &src, false);
    }
    x.w.close().close().close().close();
}

/// The SCCP port of a device: its own row's `proxy_port` (the fleet row's is the SIP port).
fn sccp_port<'a>(inv: &'a Inventory, dev: &'a Device) -> Option<(&'a str, Source)> {
    match inv.value(dev, &Key::Std(Std::ProxyPort)) {
        Some((p, s @ Source::Row { .. })) => Some((p, s)),
        _ => None,
    }
}

pub(super) fn sep(inv: &Inventory, dev: &Device, name: &str, trace: &mut Trace) -> Vec<u8> {
    let sip = dev.kind() == ConfigKind::SipXml;
    let mut x = Xml {
        name: name.to_string(),
        w: Writer::new(),
        trace,
    };
    x.w.open("device");
    x.w.comment(XML_COMMENT);
    if sip {
        x.leaf("deviceProtocol", "SIP", &derived("column protocol"), false);
    }
    let device_group: Vec<Param> = params::XML_DEVICE.to_vec();
    let (date, rest) = device_group.split_at(1);
    x.w.open("devicePool").open("dateTimeSetting");
    x.group(inv, dev, date);
    if let Some((tzv, src)) = inv.value(dev, &Key::Std(Std::Timezone))
        && let Some(z) = tz::zone(tzv)
    {
        x.leaf("timeZone", &z.xml, &src, false);
    }
    // SCCP phones take the time from the call manager: no <ntps> there.
    if let (true, Some((ntp, src))) = (sip, inv.value(dev, &Key::Std(Std::Ntp))) {
        x.w.open("ntps").open("ntp");
        x.leaf("name", ntp, &src, false);
        x.leaf("ntpMode", "Unicast", &Source::Catalogue, false);
        x.w.close().close();
    }
    x.w.close();
    let proxy = inv.value(dev, &Key::Std(Std::Proxy));
    let port = inv.value(dev, &Key::Std(Std::ProxyPort));
    if sip {
        call_manager_group(&mut x, proxy.clone(), port.clone(), None, true);
    } else {
        call_manager_group(&mut x, proxy.clone(), None, sccp_port(inv, dev), false);
    }
    x.w.close();
    let load = inv.value(dev, &Key::Std(Std::Load));
    if sip {
        x.w.open("sipProfile");
        x.w.open("sipProxies");
        x.leaf("registerWithProxy", "true", &Source::Catalogue, false);
        x.w.close();
        x.w.open("sipCallFeatures");
        x.group(inv, dev, params::XML_CALL_FEATURES);
        x.w.close();
        x.w.open("sipStack");
        x.group(inv, dev, params::XML_SIP_STACK);
        x.w.close();
        // Cisco's order puts phoneLabel right after natAddress.
        let split = params::XML_SIP_PROFILE
            .iter()
            .position(|p| p.name == "natAddress")
            .map_or(0, |i| i + 1);
        let (head, tail) = params::XML_SIP_PROFILE.split_at(split);
        x.group(inv, dev, head);
        if let Some((l, src)) = inv.value(dev, &Key::Line(1, LineField::Label)) {
            x.leaf("phoneLabel", l, &src, false);
        }
        x.group(inv, dev, tail);
        // 9.x registers through the call-manager list; 8.x needs the proxy on each line.
        let use_cm = load
            .as_ref()
            .and_then(|(l, _)| firmware_major(l))
            .is_some_and(|m| m >= 9);
        x.w.open("sipLines");
        for n in 1..=dev.model.lines() {
            let Some((number, nsrc)) = inv.value(dev, &Key::Line(n, LineField::Number)) else {
                continue;
            };
            let button = n.to_string();
            x.w.open_with("line", &[("button", &button)]);
            x.leaf("featureID", "9", &Source::Catalogue, false);
            let (label, lsrc) = inv
                .value(dev, &Key::Line(n, LineField::Label))
                .unwrap_or((number, nsrc.clone()));
            x.leaf("featureLabel", label, &lsrc, false);
            match (&proxy, use_cm) {
                (_, true) => x.leaf(
                    "proxy",
                    "USECALLMANAGER",
                    &derived("the load's firmware line (9.x)"),
                    false,
                ),
                (Some((p, src)), false) => x.leaf("proxy", p, src, false),
                (None, false) => x.leaf(
                    "proxy",
                    "USECALLMANAGER",
                    &derived("no proxy column"),
                    false,
                ),
            }
            match &port {
                Some((p, src)) => x.leaf("port", p, src, false),
                None => x.leaf("port", "5060", &Source::Catalogue, false),
            }
            x.leaf("name", number, &nsrc, false);
            if let Some((d, src)) = inv.value(dev, &Key::Line(n, LineField::DisplayName)) {
                x.leaf("displayName", d, &src, false);
            }
            let (auth, asrc) = inv
                .value(dev, &Key::Line(n, LineField::AuthName))
                .unwrap_or((number, nsrc.clone()));
            x.leaf("authName", auth, &asrc, false);
            if let Some((pw, src)) = inv.value(dev, &Key::Line(n, LineField::Password)) {
                x.leaf("authPassword", pw, &src, true);
            }
            x.leaf("contact", number, &nsrc, false);
            x.w.close();
        }
        x.w.close();
        x.group(inv, dev, params::XML_SIP_PROFILE_TAIL);
        x.w.close();
    }
    if let Some((l, src)) = &load {
        x.leaf("loadInformation", l, src, false);
    }
    x.group(inv, dev, rest);
    if sip {
        x.leaf("transportLayerProtocol", "2", &Source::Catalogue, false);
    }
    x.w.finish().into_bytes()
}

/// `XMLDefault.cnf.xml`: the call manager every XML phone without a file of its own uses,
/// and one `loadInformationNNN` per model in the inventory.
pub(super) fn xml_default(inv: &Inventory, audience: &[&Device], trace: &mut Trace) -> Vec<u8> {
    let mut x = Xml {
        name: "XMLDefault.cnf.xml".into(),
        w: Writer::new(),
        trace,
    };
    x.w.open("Default");
    x.w.comment(XML_COMMENT);
    let proxy = inv.shared_value(audience, &Key::Std(Std::Proxy));
    let sip: Vec<&Device> = audience
        .iter()
        .copied()
        .filter(|d| d.kind() == ConfigKind::SipXml)
        .collect();
    let port = if sip.is_empty() {
        None
    } else {
        inv.shared_value(&sip, &Key::Std(Std::ProxyPort))
    };
    call_manager_group(&mut x, proxy, port, None, true);
    let mut models: BTreeMap<u32, (Model, Vec<&Device>)> = BTreeMap::new();
    for d in audience {
        if let Some(id) = d.model.load_id() {
            models.entry(id).or_insert((d.model, Vec::new())).1.push(d);
        }
    }
    for (id, (model, devs)) in &models {
        if let Some((load, src)) = inv.shared_value(devs, &Key::Std(Std::Load)) {
            let tag = format!("loadInformation{id}");
            x.w.leaf_with(&tag, &[("model", &model.xml_model_name())], load);
            x.trace.put(&x.name, &tag, load, &src, false);
        }
    }
    x.w.finish().into_bytes()
}

// ----- 7905G/7912G and ATA binary profiles --------------------------------------------------

/// The `upgradecode` line for a 7905G/7912G/ATA load: the image file (`.sbin` for the
/// phones, `.zup` for the ATA when the load has no extension), its platform and date code
/// from the name.
pub fn upgrade_line(load: &str, family: Family) -> Result<String, String> {
    let file = if load.contains('.') {
        load.to_string()
    } else if family == Family::Ata {
        format!("{load}.zup")
    } else {
        format!("{load}.sbin")
    };
    let parsed = names::parse(&file)
        .ok_or_else(|| format!("{file:?} is not a 7905G/7912G/ATA image name"))?;
    let platform = upgradecode::platform_of_name(&parsed)
        .ok_or_else(|| format!("{file:?} is not a 7905G/7912G/ATA image name"))?;
    let want = match family {
        Family::Ata => upgradecode::PLATFORM_ATA,
        _ => platform,
    };
    if platform != want || (family == Family::P7905 && platform == upgradecode::PLATFORM_ATA) {
        return Err(format!("{file:?} is an image for another model"));
    }
    let date =
        upgradecode::date_code_of(&file).ok_or_else(|| format!("{file:?} carries no date code"))?;
    let field4 =
        upgradecode::fourth_field(platform).ok_or_else(|| format!("{file:?}: unknown platform"))?;
    Ok(UpgradeCode {
        kind: upgradecode::KIND,
        platform,
        field3: upgradecode::FIELD_0400,
        field4,
        tftp: [0, 0, 0, 0],
        port: upgradecode::TFTP_PORT,
        date,
        file,
    }
    .line())
}

struct ProfileText<'t> {
    name: String,
    kind: ConfigKind,
    text: String,
    /// Values longer than their parameter holds: what and where from.
    too_long: Vec<String>,
    trace: &'t mut Trace,
}

impl ProfileText<'_> {
    fn put(&mut self, key: &str, value: &str, src: &Source, secret: bool) {
        if let Some(why) = params::profile_too_long(self.kind, key, value) {
            self.too_long.push(format!("{key} from {src}: {why}"));
        }
        self.text.push_str(key);
        self.text.push(':');
        self.text.push_str(value);
        self.text.push('\n');
        self.trace.put(&self.name, key, value, src, secret);
    }
}

/// The text of a device's profile (`dev` given) or of the default profile.
fn profile_text(
    inv: &Inventory,
    kind: ConfigKind,
    family: Family,
    dev: Option<&Device>,
    audience: &[&Device],
    name: &str,
    trace: &mut Trace,
) -> Result<String, String> {
    let mut t = ProfileText {
        name: name.to_string(),
        kind,
        text: "#txt\n".into(),
        too_long: Vec::new(),
        trace,
    };
    let get = |key: &Key| match dev {
        Some(d) => inv.value(d, key),
        None => inv.shared_value(audience, key),
    };
    if let Some((load, src)) = get(&Key::Std(Std::Load)) {
        let line = upgrade_line(load, family).map_err(|e| format!("column load: {e}"))?;
        let value = line
            .strip_prefix("upgradecode:")
            .unwrap_or(&line)
            .to_string();
        t.put("upgradecode", &value, &src, false);
    }
    let ata = family == Family::Ata;
    if let Some(dev) = dev {
        let lines = if ata { 2 } else { 1 };
        let mut any = false;
        for n in 1..=lines {
            let idx = |base: &str| {
                if ata {
                    format!("{base}{}", n - 1)
                } else {
                    base.to_string()
                }
            };
            let Some((number, nsrc)) = inv.value(dev, &Key::Line(n, LineField::Number)) else {
                continue;
            };
            any = true;
            t.put(&idx("UID"), number, &nsrc, true);
            if let Some((pw, src)) = inv.value(dev, &Key::Line(n, LineField::Password)) {
                t.put(&idx("PWD"), pw, &src, true);
            }
            if let Some((auth, src)) = inv.value(dev, &Key::Line(n, LineField::AuthName))
                && auth != number
            {
                t.put(&idx("LoginID"), auth, &src, false);
                t.put("UseLoginID", "1", &src, false);
            }
            if let Some((d, src)) = inv.value(dev, &Key::Line(n, LineField::DisplayName)) {
                t.put(&idx("DisplayName"), d, &src, false);
            }
            if !ata && let Some((l, src)) = inv.value(dev, &Key::Line(n, LineField::Label)) {
                t.put("ShortName", l, &src, false);
            }
        }
        if any {
            t.put("SIPRegOn", "1", &derived("column number"), false);
            if ata {
                t.put("UseSIP", "1", &derived("column protocol"), false);
            }
        }
    }
    if let Some((proxy, src)) = get(&Key::Std(Std::Proxy)) {
        let value = match get(&Key::Std(Std::ProxyPort)) {
            Some((port, _)) if port != "5060" => format!("{proxy}:{port}"),
            _ => proxy.to_string(),
        };
        t.put(if ata { "GkOrProxy" } else { "Proxy" }, &value, &src, false);
    }
    if let Some((ntp, src)) = get(&Key::Std(Std::Ntp)) {
        t.put("NTPIP", ntp, &src, false);
    }
    if let Some((zone, src)) = get(&Key::Std(Std::Timezone))
        && let Some(h) = tz::zone(zone).and_then(|z| z.hours())
    {
        t.put("TimeZone", &h.to_string(), &src, false);
    }
    let extras = match dev {
        Some(d) => inv.extras(d),
        None => inv
            .columns
            .iter()
            .filter_map(|c| {
                let Key::Extra(_) = &c.key else { return None };
                let k = params::lookup(kind, &c.header).ok()?;
                let (v, s) = inv.shared_value(audience, &c.key)?;
                Some((k.name, v, s, k.secret))
            })
            .collect(),
    };
    for (name, v, src, secret) in extras {
        t.put(&name, v, &src, secret);
    }
    if !t.too_long.is_empty() {
        return Err(t.too_long.join("; "));
    }
    Ok(t.text)
}

/// Compiles a profile text with the kind's table.
pub(super) fn profile(
    inv: &Inventory,
    kind: ConfigKind,
    family: Family,
    dev: Option<&Device>,
    audience: &[&Device],
    name: &str,
    trace: &mut Trace,
) -> Result<Vec<u8>, String> {
    let text = profile_text(inv, kind, family, dev, audience, name, trace)?;
    let table = params::table(kind).ok_or("no table")?;
    let opts = CompileOptions {
        protocols: params::profile_protocols(),
        output_name: name.to_string(),
        ..CompileOptions::default()
    };
    let out = compile(
        text.as_bytes(),
        Path::new(name),
        &mut NoIncludes,
        table,
        &opts,
    )
    .map_err(|e| e.to_string())?;
    if out.files.len() != 1 {
        return Err(format!(
            "the profile is too large for one file ({} files)",
            out.files.len()
        ));
    }
    out.files
        .into_iter()
        .next()
        .map(|f| f.bytes)
        .ok_or_else(|| "no output".to_string())
}

/// The file names of a device's own files and of the shared files it reads.
pub fn device_files(dev: &Device) -> Vec<(String, BootFileKind)> {
    dev.model
        .boot_files(dev.protocol, &dev.mac)
        .into_iter()
        .filter(|f| !matches!(f.kind, BootFileKind::RingList | BootFileKind::TrustList))
        .map(|f| (f.name, f.kind))
        .collect()
}

/// The findings a render error becomes: the row and what failed.
pub(super) fn row_error(
    inv: &Inventory,
    dev: Option<&Device>,
    file: &str,
    why: String,
) -> Box<Finding> {
    let f = Finding::error("provision-render", format!("{file}: {why}")).in_file(&inv.path);
    Box::new(match dev {
        Some(d) => f.at_line(usize::try_from(d.row.line).ok()),
        None => f,
    })
}
