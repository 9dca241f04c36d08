//! The binary profiles `provision` writes, decoded by Cisco's original: every parameter holds
//! the inventory's value (issue 20, "Binary profiles from provision decode back").
//!
//! The expected values are worked out here from the inventory by the documented mapping
//! (docs/provision.md, "What it writes"), not taken from the renderer: `number` → `UID`
//! (`UID0` on the ATA), `password` → `PWD`, `display_name` → `DisplayName`, `label` →
//! `ShortName`, `proxy`[`:proxy_port`] → `Proxy` (`GkOrProxy`), `ntp` → `NTPIP`, `timezone`
//! → `TimeZone` hours, `load` → `upgradecode`, `line2_*` → the ATA's second line, catalogue
//! columns under their own names. The original's decode must hold exactly these parameters
//! (plus the switches provision derives: `SIPRegOn`, `UseSIP`, `UseLoginID`), no other.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cfgfmt::device::{ConfigKind, Family, Model};
use cfgfmt::provision::inventory::{LineField, Std};
use cfgfmt::provision::{Device, Inventory, Key, params, render};

use super::case::{self, Blob, Case, TableText};

fn fleet_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/provision/fleet.csv")
}

/// One expected parameter: its text, or (for `upgradecode`) the load it names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Want {
    Text(String),
    Load(String, Family),
}

/// Whole hours of the fixture's zones (`TimeZone` of the 7905G/7912G/ATA). Any other zone
/// fails the test rather than being guessed.
fn zone_hours(zone: &str) -> i32 {
    match zone {
        "Europe/Paris" => 1,
        "America/New_York" => -5,
        other => panic!("zone {other} is not in this test's table: add it"),
    }
}

/// The parameters a profile of `kind` holds for the values `get` gives (a device's, or
/// the shared ones); `dev` is `None` for a default profile (no lines).
fn expected(
    inv: &Inventory,
    kind: ConfigKind,
    family: Family,
    dev: Option<&Device>,
    get: &dyn Fn(&Key) -> Option<String>,
) -> BTreeMap<String, Want> {
    let mut want = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        want.insert(k.to_string(), Want::Text(v));
    };
    let ata = kind == ConfigKind::ProfileAta;
    if let Some(dev) = dev {
        let mut any = false;
        for n in 1..=if ata { 2u8 } else { 1 } {
            let key = |base: &str| {
                if ata {
                    format!("{base}{}", n - 1)
                } else {
                    base.to_string()
                }
            };
            let line = |f: LineField| inv.value(dev, &Key::Line(n, f)).map(|(v, _)| v.to_string());
            let Some(number) = line(LineField::Number) else {
                continue;
            };
            any = true;
            if let Some(auth) = line(LineField::AuthName).filter(|a| *a != number) {
                put(&key("LoginID"), auth);
                put("UseLoginID", "1".into());
            }
            put(&key("UID"), number);
            if let Some(pw) = line(LineField::Password) {
                put(&key("PWD"), pw);
            }
            if let Some(d) = line(LineField::DisplayName) {
                put(&key("DisplayName"), d);
            }
            if !ata && let Some(l) = line(LineField::Label) {
                put("ShortName", l);
            }
        }
        if any {
            put("SIPRegOn", "1".into());
            if ata {
                put("UseSIP", "1".into());
            }
        }
    }
    if let Some(proxy) = get(&Key::Std(Std::Proxy)) {
        let port = get(&Key::Std(Std::ProxyPort)).filter(|p| p != "5060");
        let v = match port {
            Some(p) => format!("{proxy}:{p}"),
            None => proxy,
        };
        put(if ata { "GkOrProxy" } else { "Proxy" }, v);
    }
    if let Some(ntp) = get(&Key::Std(Std::Ntp)) {
        put("NTPIP", ntp);
    }
    if let Some(z) = get(&Key::Std(Std::Timezone)) {
        put("TimeZone", zone_hours(&z).to_string());
    }
    for col in &inv.columns {
        if !matches!(col.key, Key::Extra(_)) {
            continue;
        }
        let Ok(known) = params::lookup(kind, &col.header) else {
            continue;
        };
        if let Some(v) = get(&col.key) {
            put(&known.name, v);
        }
    }
    if let Some(load) = get(&Key::Std(Std::Load)) {
        want.insert("upgradecode".into(), Want::Load(load, family));
    }
    want
}

/// The fields of an `upgradecode` value as numbers (the original prints `%d,0x%08x,…`,
/// the compiler reads `strtoul(…, 0)`), the IP as text and the file name.
fn upgrade_fields(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|f| {
            let f = f.trim();
            let n = match f.strip_prefix("0x").or_else(|| f.strip_prefix("0X")) {
                Some(h) => u64::from_str_radix(h, 16).ok(),
                None => f.parse::<u64>().ok(),
            };
            n.map_or_else(|| f.to_string(), |n| n.to_string())
        })
        .collect()
}

/// `Name:value` lines of the original's text (its `#txt` line and blank header line off).
fn decoded_params(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("not a Name:value line in the original's text: {line:?}"));
        assert!(
            out.insert(k.to_string(), v.to_string()).is_none(),
            "{k} decoded twice"
        );
    }
    out
}

/// Runs the original's decode of `bytes` with the table of `kind`, SIP lines only (as
/// provision compiles them).
fn decode_with_original(oracle: &Path, name: &str, bytes: &[u8], kind: ConfigKind) -> String {
    let table = match kind {
        ConfigKind::ProfileAta => TableText::Ata186,
        _ => TableText::Sip7912,
    };
    let c = Case {
        id: format!("provision-{name}"),
        group: "provision".into(),
        args: vec![
            "-tptag.dat".into(),
            "-sip".into(),
            "in.cfg".into(),
            "out.txt".into(),
        ],
        tables: vec![("ptag.dat".into(), table)],
        files: vec![("in.cfg".into(), Blob::of(bytes))],
    };
    let o = case::run(oracle, &c).expect("run cfgfmt 2.3");
    assert_eq!(
        (o.status, o.signal),
        (Some(0), None),
        "{name}: cfgfmt 2.3 failed to decode it: {}",
        String::from_utf8_lossy(&o.stderr())
    );
    assert!(
        o.stderr().is_empty(),
        "{name}: cfgfmt 2.3 warned: {}",
        String::from_utf8_lossy(&o.stderr())
    );
    let text = o
        .files
        .get("out.txt")
        .unwrap_or_else(|| panic!("{name}: cfgfmt 2.3 wrote no text"))
        .bytes();
    String::from_utf8(text).expect("the original's text is ASCII here")
}

/// Compares one profile: every expected parameter with its value, nothing else. Secret
/// values never appear in a message.
fn check_profile(
    name: &str,
    decoded: &BTreeMap<String, String>,
    want: &BTreeMap<String, Want>,
    kind: ConfigKind,
    problems: &mut Vec<String>,
) {
    let secret = |k: &str| params::lookup(kind, k).is_ok_and(|p| p.secret);
    let shown = |k: &str, v: &str| {
        if secret(k) {
            "<secret>".to_string()
        } else {
            format!("{v:?}")
        }
    };
    for (k, w) in want {
        let Some(got) = decoded.get(k) else {
            problems.push(format!("{name}: {k} missing from the original's decode"));
            continue;
        };
        match w {
            Want::Text(v) if got != v => problems.push(format!(
                "{name}: {k} decodes to {}, the inventory has {}",
                shown(k, got),
                shown(k, v)
            )),
            Want::Load(load, family) => {
                let line = render::upgrade_line(load, *family).unwrap();
                let ours = line.strip_prefix("upgradecode:").unwrap_or(&line);
                let (g, o) = (upgrade_fields(got), upgrade_fields(ours));
                if g != o {
                    problems.push(format!(
                        "{name}: upgradecode decodes to {got:?}, load {load} is {ours:?}"
                    ));
                }
                let file = g.last().cloned().unwrap_or_default();
                if file.rsplit_once('.').map(|(stem, _)| stem) != Some(load.as_str()) {
                    problems.push(format!("{name}: upgradecode names {file}, not {load}"));
                }
            }
            Want::Text(_) => {}
        }
    }
    for k in decoded.keys() {
        if !want.contains_key(k) {
            problems.push(format!(
                "{name}: the original decodes {k}, which the inventory does not set"
            ));
        }
    }
}

/// A second inventory reaching what `fleet.csv` does not: an authentication name of its
/// own, a proxy port, a load for the 7905G and the ATA, the ATA's second line whole, and
/// catalogue columns of every value type (IP, number, boolean, text) in the fleet row and
/// in device rows; a display name of exactly the 32 bytes the table allows (provision
/// refuses a longer one: the original's decoder cuts it).
const WIDE_CSV: &str = "\
mac,model,protocol,number,auth_name,password,display_name,label,proxy,proxy_port,load,timezone,ntp,line2_number,line2_auth_name,line2_password,line2_display_name,SIPPort,StaticIP,Dhcp,DialPlan,NumTxFrames
*,,,,,,,,10.1.1.1,5070,,America/New_York,10.1.1.2,,,,,5062,,,,
0014F28D0101,7905,sip,3001,a3001,pw-3001,Lobby,Lb,,,CP7905080000SIP060111A,,,,,,,,10.2.0.5,0,911|9.T,2
0014F28D0102,7912,sip,3002,,pw-3002,Stock room and loading dock west,Stock,,,CP7912080000SIP060111A,Europe/Paris,,,,,,5064,,1,,
0014F28D0103,7912,sip,3003,,pw-3003,Dock,,,,CP7912080000SIP060111A,,,,,,,,,,,
0014F28D0104,ata188,sip,3004,a3004,pw-3004,Fax A,,,,ATA030204SIP060104A,,,3005,a3005,pw-3005,Fax B,,10.2.0.9,0,,3
";

/// Decodes every binary profile of `inv` with the original and checks it; returns the
/// names checked, the number of parameters, and the problems.
fn check_inventory(oracle: &Path, inv: &Inventory) -> (Vec<String>, usize, Vec<String>) {
    let rendered = inv.render().unwrap_or_else(|e| panic!("{e}"));
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    let mut params_checked = 0;
    for f in rendered.files() {
        let lower = f.name.to_ascii_lowercase();
        // Which profile, whose values: a device's own, or a default profile's audience.
        let (kind, family, dev, audience): (ConfigKind, Family, Option<&Device>, Vec<&Device>) =
            match lower.as_str() {
                "gkdefault.cfg" | "lddefault.cfg" | "atadefault.cfg" => {
                    let fam = if lower.starts_with("ata") {
                        Family::Ata
                    } else {
                        Family::P7905
                    };
                    let aud = inv
                        .devices
                        .iter()
                        .filter(|d| match lower.as_bytes()[0] {
                            b'g' => d.model == Model::M7912,
                            b'l' => d.model == Model::M7905,
                            _ => d.model.family() == Family::Ata,
                        })
                        .collect();
                    let kind = if fam == Family::Ata {
                        ConfigKind::ProfileAta
                    } else {
                        ConfigKind::Profile7905
                    };
                    (kind, fam, None, aud)
                }
                n if n.starts_with("gk") || n.starts_with("ld") || n.starts_with("ata") => {
                    let dev = inv
                        .devices
                        .iter()
                        .find(|d| n.ends_with(&d.mac.lower()))
                        .unwrap_or_else(|| panic!("{}: no device of the inventory", f.name));
                    (dev.kind(), dev.model.family(), Some(dev), vec![])
                }
                _ => continue,
            };
        let get = |key: &Key| match dev {
            Some(d) => inv.value(d, key).map(|(v, _)| v.to_string()),
            None => inv.shared_value(&audience, key).map(|(v, _)| v.to_string()),
        };
        let want = expected(inv, kind, family, dev, &get);
        let text = decode_with_original(oracle, &f.name, &f.bytes, kind);
        let decoded = decoded_params(&text);
        check_profile(&f.name, &decoded, &want, kind, &mut problems);
        params_checked += want.len();
        checked.push(f.name.clone());
    }
    (checked, params_checked, problems)
}

#[test]
#[ignore = "needs Cisco's original: CFGFMT_ORACLE=/path/to/cfgfmt.linux (see tests/oracle/run.sh)"]
fn provisioned_profiles_decode_with_the_original() {
    let Some(oracle) = std::env::var_os("CFGFMT_ORACLE").map(PathBuf::from) else {
        panic!("set CFGFMT_ORACLE to the path of Cisco's cfgfmt.linux");
    };
    let oracle = std::fs::canonicalize(&oracle).expect("CFGFMT_ORACLE: no such file");
    let fleet = Inventory::load(&fleet_csv()).unwrap_or_else(|e| panic!("{e}"));
    let wide = Inventory::parse(WIDE_CSV.as_bytes(), "wide.csv").unwrap_or_else(|e| panic!("{e}"));
    let mut all_problems = Vec::new();
    for (label, inv, must) in [
        (
            "fleet.csv",
            &fleet,
            &[
                "gk0014f28d0006",
                "gkdefault.cfg",
                "ld0014f28d0007",
                "lddefault.cfg",
                "ata0014f28d0008",
                "atadefault.cfg",
            ][..],
        ),
        (
            "wide.csv",
            &wide,
            &[
                "ld0014f28d0101",
                "lddefault.cfg",
                "gk0014f28d0102",
                "gk0014f28d0103",
                "gkdefault.cfg",
                "ata0014f28d0104",
                "atadefault.cfg",
            ][..],
        ),
    ] {
        let (checked, n, problems) = check_inventory(&oracle, inv);
        println!(
            "{label}: cfgfmt 2.3 decoded {} provisioned profiles ({}), {n} parameters checked",
            checked.len(),
            checked.join(", ")
        );
        for m in must {
            assert!(
                checked.iter().any(|c| c == m),
                "{label}: {m} was not checked"
            );
        }
        all_problems.extend(problems.into_iter().map(|p| format!("{label}: {p}")));
    }
    assert!(all_problems.is_empty(), "{}", all_problems.join("\n"));
}
