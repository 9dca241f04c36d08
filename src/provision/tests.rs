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
