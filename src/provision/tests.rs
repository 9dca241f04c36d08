use super::*;

pub(crate) fn fleet() -> Inventory {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/provision/fleet.csv"
    ))
    .unwrap();
    Inventory::parse(&bytes, "fleet.csv").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn renders_every_file_each_phone_reads() {
    let inv = fleet();
    let r = inv.render().unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = r.files().iter().map(|f| f.name.as_str()).collect();
    for f in r.files() {
        println!("==== {}\n{}", f.name, String::from_utf8_lossy(&f.bytes));
    }
    println!("{names:?}");
    for d in &inv.devices {
        for (n, _) in render::device_files(d) {
            assert!(r.get(&n).is_some(), "{n} missing for {}", d.model);
        }
    }
}

/// A profile decodes (our decoder) back to the inventory's values.
#[test]
fn profiles_decode_to_the_inventory_values() {
    let inv = fleet();
    let r = inv.render().unwrap();
    let decode = |name: &str, kind: ConfigKind| {
        let f = r.get(name).unwrap();
        let t = params::table(kind).unwrap();
        let opts = crate::profile::DecodeOptions {
            protocols: params::profile_protocols(),
            reencodable: true,
            ..Default::default()
        };
        let d = crate::profile::decode(&f.bytes, t, &opts).unwrap();
        String::from_utf8_lossy(&d.text).into_owned()
    };
    let gk = decode("gk0014f28d0006", ConfigKind::Profile7905);
    println!("{gk}");
    for line in [
        "UID:2006",
        "PWD:s3cret-6",
        "DisplayName:Reception",
        "ShortName:Recep",
        "Proxy:pbx.example.com",
        "NTPIP:192.168.1.1",
        "TimeZone:1",
        "CallWaiting:0",
        "SIPRegOn:1",
        "CP7912080000SIP060111A.sbin",
    ] {
        assert!(gk.contains(line), "{line} not in\n{gk}");
    }
    let ata = decode("ata0014f28d0008", ConfigKind::ProfileAta);
    println!("{ata}");
    for line in [
        "UID0:2008",
        "PWD0:s3cret-8",
        "UID1:2009",
        "PWD1:s3cret-9",
        "DisplayName0:Fax",
        "GkOrProxy:pbx.example.com",
        "UseSIP:1",
    ] {
        assert!(ata.contains(line), "{line} not in\n{ata}");
    }
    let gkd = decode("gkdefault.cfg", ConfigKind::Profile7905);
    assert!(
        gkd.contains("Proxy:pbx.example.com") && !gkd.contains("UID:"),
        "{gkd}"
    );
}

/// Every XML file parses, with the escaped values back as the inventory wrote them.
#[test]
fn every_xml_output_parses() {
    let r = fleet().render().unwrap();
    let mut n = 0;
    for f in r.files().iter().filter(|f| f.name.ends_with(".xml")) {
        let text = std::str::from_utf8(&f.bytes).unwrap();
        let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{}: {e}", f.name));
        n += 1;
        if f.name == "SEP0014F28D0002.cnf.xml" {
            let get = |tag: &str| {
                doc.descendants()
                    .find(|x| x.has_tag_name(tag))
                    .and_then(|x| x.text())
                    .map(String::from)
            };
            assert_eq!(get("displayName").as_deref(), Some("Hall"));
            assert_eq!(get("natEnabled").as_deref(), Some("true"));
            assert_eq!(
                get("proxy").as_deref(),
                Some("USECALLMANAGER"),
                "9.x registers through the call manager"
            );
            assert_eq!(
                get("callForwardURI").as_deref(),
                Some("x-cisco-serviceuri-cfwdall")
            );
        }
        if f.name == "SEP0014F28D0003.cnf.xml" {
            let get = |tag: &str| {
                doc.descendants()
                    .find(|x| x.has_tag_name(tag))
                    .and_then(|x| x.text())
                    .map(String::from)
            };
            assert_eq!(
                get("proxy").as_deref(),
                Some("pbx.example.com"),
                "8.x names the proxy on the line"
            );
            assert_eq!(
                get("timeZone").as_deref(),
                Some("Eastern Standard/Daylight Time")
            );
        }
    }
    assert_eq!(n, 5);
    // Escaping: a display name with markup characters in a SEP file.
    let csv = b"mac,model,protocol,number,display_name,proxy\n0014f28d0010,7941,sip,1,\"A & <B> \"\"C\"\"\",pbx\n";
    let inv = Inventory::parse(csv, "x.csv").unwrap_or_else(|e| panic!("{e}"));
    let f = inv.render_file("SEP0014F28D0010.cnf.xml").unwrap().unwrap();
    let text = String::from_utf8(f.bytes).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let dn = doc
        .descendants()
        .find(|x| x.has_tag_name("displayName"))
        .and_then(|x| x.text());
    assert_eq!(dn, Some("A & <B> \"C\""));
}

/// One file rendered on its own (as `serve` does) is the same as in the whole render, and
/// names are recognised in any case.
#[test]
fn render_file_matches_render() {
    let inv = fleet();
    let all = inv.render().unwrap();
    for f in all.files() {
        let one = inv
            .render_file(&f.name.to_ascii_lowercase())
            .unwrap()
            .unwrap_or_else(|| panic!("{}", f.name));
        assert_eq!(&one, f, "{}", f.name);
        assert_eq!(
            all.get(&f.name.to_ascii_uppercase()).map(|x| &x.name),
            Some(&f.name)
        );
    }
    assert_eq!(inv.render_file("SEP001122334455.cnf.xml").unwrap(), None);
    assert_eq!(inv.render_file("readme.txt").unwrap(), None);
}

/// What provision writes, lint finds nothing in: the text files as written, the binary
/// profiles (which lint reads as `#txt`) as our decoder gives them back. Every file but
/// `OS79XX.TXT` (a load name, nothing to lint) is one lint reads.
#[test]
fn lint_finds_nothing_in_what_provision_writes() {
    use crate::lint::{FileRole, lint_file};
    let r = fleet().render().unwrap();
    let mut all = Vec::new();
    let mut roles = std::collections::BTreeSet::new();
    for f in r.files() {
        let (name, bytes) = match f.kind {
            BootFileKind::ProfileMac
            | BootFileKind::ProfileDefault
            | BootFileKind::AtaMac
            | BootFileKind::AtaDefault => {
                let kind = if f.name.starts_with("ata") {
                    ConfigKind::ProfileAta
                } else {
                    ConfigKind::Profile7905
                };
                let opts = crate::profile::DecodeOptions {
                    protocols: params::profile_protocols(),
                    reencodable: true,
                    ..Default::default()
                };
                let d = crate::profile::decode(&f.bytes, params::table(kind).unwrap(), &opts)
                    .unwrap_or_else(|e| panic!("{}: {e}", f.name));
                (f.name.clone(), d.text)
            }
            _ => (f.name.clone(), f.bytes.clone()),
        };
        match FileRole::of(&name, &bytes) {
            Some(role) => {
                roles.insert(format!("{role:?}"));
            }
            None => assert_eq!(name, "OS79XX.TXT", "lint does not read {name}"),
        }
        for x in lint_file(&name, &bytes) {
            all.push(format!("{name}: {} {} {}", x.severity, x.code, x.message));
        }
    }
    assert!(all.is_empty(), "{}", all.join("\n"));
    // Every kind lint knows was linted.
    assert_eq!(
        roles.into_iter().collect::<Vec<_>>(),
        ["Profile7905", "ProfileAta", "SipDefault", "SipPhone", "Xml"]
    );
}

/// Untrusted bytes never panic the parser; what parses renders.
#[test]
fn random_inventories_never_panic() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(20);
    let pieces: &[&[u8]] = &[
        b"mac",
        b"model",
        b"protocol",
        b"number",
        b"password",
        b"proxy",
        b"load",
        b"timezone",
        b"line2_number",
        b"nat_enable",
        b"*",
        b"0014f28dd38a",
        b"7960",
        b"7912",
        b"ata186",
        b"sip",
        b"sccp",
        b",",
        b",",
        b",",
        b"\n",
        b"\n",
        b"\"",
        b"\xff",
        b"Europe/Paris",
        b"1",
        b"line9_label",
        b"CallWaiting",
        b"\r\n",
        b"\0",
    ];
    let mut parsed = 0;
    for _ in 0..400 {
        let mut bytes = b"mac,model,protocol,number\n".to_vec();
        for _ in 0..rng.gen_range(0..40) {
            bytes.extend_from_slice(pieces[rng.gen_range(0..pieces.len())]);
        }
        if let Ok(inv) = Inventory::parse(&bytes, "fuzz.csv") {
            parsed += 1;
            let _ = inv.render();
        }
    }
    assert!(parsed > 0);
}

/// Notes come once per column and kind of device, naming the lines.
#[test]
fn ignored_columns_are_noted_once() {
    let csv = b"mac,model,protocol,number,CallWaiting\n0014f28d0001,7960,sccp,1,1\n0014f28d0002,7960,sccp,2,1\n0014f28d0003,7912,sip,3,1\n";
    let inv = Inventory::parse(csv, "n.csv").unwrap_or_else(|e| panic!("{e}"));
    let notes: Vec<&str> = inv
        .notes
        .iter()
        .filter(|f| f.code == "inventory-column-ignored")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        notes,
        [
            "column CallWaiting does not apply to a 7960G SCCP (SCCP SEP<MAC>.cnf.xml): ignored (line 2, 3)",
            "column number does not apply to a 7960G SCCP (its lines are set in the call manager): ignored (line 2, 3)",
        ]
    );
}

/// A fleet `load` reaches only the models its name is for.
#[test]
fn a_fleet_load_reaches_only_its_models() {
    use crate::device::Model;
    assert_eq!(
        inventory::load_fits("P0S3-8-12-00", Model::M7960),
        Some(true)
    );
    assert_eq!(
        inventory::load_fits("P0S3-8-12-00", Model::M7941),
        Some(false)
    );
    assert_eq!(
        inventory::load_fits("SIP41.9-4-2SR1-1S", Model::M7961),
        Some(true)
    );
    assert_eq!(
        inventory::load_fits("CP7912080000SIP060111A", Model::M7912),
        Some(true)
    );
    assert_eq!(
        inventory::load_fits("CP7912080000SIP060111A", Model::M7905),
        Some(false)
    );
    let csv = b"mac,model,protocol,number,load\n*,,,,P0S3-8-12-00\n0014f28d0001,7960,sip,1,\n0014f28d0002,7941,sip,2,\n";
    let inv = Inventory::parse(csv, "l.csv").unwrap_or_else(|e| panic!("{e}"));
    let r = inv.render().unwrap();
    let text = |n: &str| String::from_utf8(r.get(n).unwrap().bytes.clone()).unwrap();
    assert!(text("SIPDefault.cnf").contains("image_version: \"P0S3-8-12-00\""));
    assert_eq!(text("OS79XX.TXT"), "P003-8-12-00\r\n");
    assert!(!text("SEP0014F28D0002.cnf.xml").contains("loadInformation"));
    assert!(!text("XMLDefault.cnf.xml").contains("loadInformation"));
}

/// Lint of a rendered file: binary profiles as our decoder gives them back.
fn lint_rendered(f: &File) -> Vec<crate::finding::Finding> {
    let bytes = match f.kind {
        BootFileKind::ProfileMac
        | BootFileKind::ProfileDefault
        | BootFileKind::AtaMac
        | BootFileKind::AtaDefault => {
            let kind = if f.name.starts_with("ata") {
                ConfigKind::ProfileAta
            } else {
                ConfigKind::Profile7905
            };
            let opts = crate::profile::DecodeOptions {
                protocols: params::profile_protocols(),
                reencodable: true,
                ..Default::default()
            };
            match crate::profile::decode(&f.bytes, params::table(kind).unwrap(), &opts) {
                Ok(d) => d.text,
                Err(e) => panic!("{}: our decoder refuses it: {e}", f.name),
            }
        }
        _ => f.bytes.clone(),
    };
    crate::lint::lint_file(&f.name, &bytes)
}

/// A property: whatever inventory provision accepts, lint finds nothing in what it
/// renders (random rows over every model, protocol, standard column and edge values).
#[test]
fn lint_finds_nothing_in_any_accepted_inventory() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let long = |n: usize| "x".repeat(n);
    let pools: Vec<(&str, Vec<String>)> = vec![
        (
            "model",
            [
                "7940", "7960", "7905", "7912", "ata186", "ata188", "7906", "7911", "7941", "7961",
                "7942", "7962", "7945", "7965", "7970", "7971",
            ]
            .map(String::from)
            .to_vec(),
        ),
        (
            "protocol",
            ["sip", "sip", "sccp"].map(String::from).to_vec(),
        ),
        (
            "number",
            vec![
                "2001".into(),
                "100".into(),
                "a.user".into(),
                long(31),
                long(33),
            ],
        ),
        ("auth_name", vec![String::new(), "auth1".into(), long(40)]),
        (
            "password",
            vec![
                String::new(),
                "pw".into(),
                "p w;x".into(),
                long(32),
                long(33),
            ],
        ),
        (
            "display_name",
            vec![
                String::new(),
                "Front Desk".into(),
                "A & <B> 'C'".into(),
                "Caf\u{e9}".into(),
                "semi;colon #hash".into(),
                long(32),
                long(33),
            ],
        ),
        (
            "label",
            vec![String::new(), "Desk".into(), "Desk 2".into(), long(20)],
        ),
        (
            "proxy",
            vec![String::new(), "pbx.example.com".into(), "10.0.0.1".into()],
        ),
        (
            "proxy_port",
            vec![String::new(), "5060".into(), "5070".into(), "2000".into()],
        ),
        (
            "timezone",
            vec![
                String::new(),
                "Europe/Paris".into(),
                "America/New_York".into(),
                "Asia/Kolkata".into(),
                "UTC".into(),
            ],
        ),
        (
            "ntp",
            vec![
                String::new(),
                "10.0.0.2".into(),
                "10.0.0.3".into(),
                "ntp.example.com".into(),
            ],
        ),
        (
            "line2_number",
            vec![String::new(), String::new(), "2002".into()],
        ),
        ("line2_display_name", vec![String::new(), "Two".into()]),
        ("nat_enable", vec![String::new(), "0".into(), "1".into()]),
        (
            "natEnabled",
            vec![String::new(), "true".into(), "false".into()],
        ),
        ("CallWaiting", vec![String::new(), "0".into(), "1".into()]),
    ];
    let quote = |v: &str| {
        if v.contains([',', '"']) {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v.to_string()
        }
    };
    let (mut accepted, mut files) = (0, 0);
    let mut problems = Vec::new();
    for case in 0..200 {
        let mut csv = String::from("mac");
        for (h, _) in &pools {
            csv.push(',');
            csv.push_str(h);
        }
        csv.push('\n');
        for row in 0..rng.gen_range(1..5u32) {
            csv.push_str(&format!("0014F28D{case:02X}{row:02X}"));
            for (_, pool) in &pools {
                csv.push(',');
                csv.push_str(&quote(&pool[rng.gen_range(0..pool.len())]));
            }
            csv.push('\n');
        }
        let Ok(inv) = Inventory::parse(csv.as_bytes(), "random.csv") else {
            continue;
        };
        let Ok(rendered) = inv.render() else {
            continue;
        };
        accepted += 1;
        for f in rendered.files() {
            files += 1;
            for x in lint_rendered(f) {
                problems.push(format!(
                    "case {case}: {}: {} {} {}\n{csv}",
                    f.name, x.severity, x.code, x.message
                ));
            }
        }
    }
    println!("{accepted} inventories accepted, {files} files linted");
    assert!(accepted >= 40, "only {accepted} inventories accepted");
    assert!(
        problems.is_empty(),
        "{} findings; the first:\n{}",
        problems.len(),
        problems
            .iter()
            .take(4)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
