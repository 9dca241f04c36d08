//! Writes the fuzz targets' seed corpora from `testdata/` (used by `fuzz/run.sh`):
//! `CFGFMT_WRITE_SEEDS=DIR cargo test --test it -- fuzz_seeds --ignored`.

use std::path::Path;

fn put(dir: &Path, target: &str, name: &str, bytes: &[u8]) {
    let d = dir.join(target);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join(name), bytes).unwrap();
}

#[test]
#[ignore = "writes files; run by fuzz/run.sh"]
fn write_seeds() {
    let Some(dir) = std::env::var_os("CFGFMT_WRITE_SEEDS") else {
        return;
    };
    let dir = Path::new(&dir);
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../../testdata/vectors/cfgfmt-vectors.json")).unwrap();
    for v in vectors.as_array().unwrap() {
        let id = v["id"].as_str().unwrap();
        if let Some(text) = v["input_text"].as_str() {
            // The text targets take a switch byte, then the profile after `#txt\n`.
            let body = text.strip_prefix("#txt\n").unwrap_or(text);
            for t in ["text_compile", "profile_roundtrip"] {
                put(dir, t, id, &[&[0u8][..], body.as_bytes()].concat());
            }
        }
        if let Some(h) = v["input_hex"].as_str() {
            let bytes = hex::decode(h).unwrap();
            put(dir, "profile_decode", id, &bytes);
            for t in ["profile_decode_keyed", "profile_inspect"] {
                put(dir, t, id, &[&[0u8][..], &bytes].concat());
            }
        }
    }
    let gk = include_bytes!("../../testdata/golden/gkdefault.cfg");
    put(dir, "profile_decode", "gkdefault.cfg", gk);
    put(
        dir,
        "profile_inspect",
        "gkdefault.cfg",
        &[&[1u8][..], gk].concat(),
    );
    let example = include_str!("../../testdata/examples/gkdefault.txt");
    put(
        dir,
        "text_compile",
        "gkdefault.txt",
        &[
            &[1u8][..],
            example.strip_prefix("#txt\n").unwrap().as_bytes(),
        ]
        .concat(),
    );
    put(
        dir,
        "table_parse",
        "ata186.dat",
        include_bytes!("../../formats/tables/ata186-sip-3.1.dat"),
    );
    put(
        dir,
        "table_parse",
        "7912.dat",
        include_bytes!("../../formats/tables/7905-7912-sip.dat"),
    );
    for name in [
        "P0S3-08-12-00",
        "P0030801SR02",
        "CP7912080000SIP060111A.sbin",
        "P00307020300",
        "P0S30203",
        "SIP-8.12",
    ] {
        put(dir, "names", name, name.as_bytes());
    }
    put(dir, "textfiles", "os79xx", b"P0S3-08-12-00 \r\n");
    put(
        dir,
        "textfiles",
        "sipdefault",
        b"image_version: \"P0S3-08-12-00\";\n",
    );
    put(
        dir,
        "textfiles",
        "xml",
        b"<device><loadInformation model=\"IP Phone 7960\">P00308000400</loadInformation></device>",
    );
    // lint: the first byte picks the file kind (0 SIPDefault.cnf, 2 SEP, 3 XMLDefault, 4 #txt).
    for (name, bytes) in [
        ("cnf", &b"\0image_version: \"P0S3-8-12-00\"\nproxy1_port=5060\nnetwork_media_type: auto ; x\nline1_password: a\nenable_vad: 0\nenable_vad: 1\n"[..]),
        ("sep", b"\x02<device><deviceProtocol>SIP</deviceProtocol><sipProfile><sipCallFeatures><callForwardURI>x-serviceuri-cfwdall</callForwardURI></sipCallFeatures><natEnabled>on</natEnabled></sipProfile><devicePool><dateTimeSetting><timeZone>W. Europe Standard/Daylight</timeZone></dateTimeSetting></devicePool></device>"),
        ("xmldefault", b"\x03<Default><loadInformation496 model=\"Cisco 6921\">SCCP69xx</loadInformation496><loadInformation8>P0030801SR02</loadInformation8></Default>"),
        ("txt", b"\x04#txt\nUseTftp:1\nUseTftpp:on\nNTPIP:ntp.example\n"),
    ] {
        put(dir, "lint", name, bytes);
    }
}
