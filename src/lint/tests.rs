//! One test per check: each feeds the smallest file that has the fault, and the same file
//! without it.
use super::*;

fn only(name: &str, text: &str, code: &str) -> Finding {
    let f = lint_file(name, text.as_bytes());
    assert_eq!(
        f.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
        vec![code],
        "{f:#?}"
    );
    f.into_iter().next().unwrap()
}

fn clean(name: &str, text: &str) {
    let f = lint_file(name, text.as_bytes());
    assert!(f.is_empty(), "{f:#?}");
}

const SEP_SIP: &str = "<device><deviceProtocol>SIP</deviceProtocol><sipProfile>\
<sipCallFeatures><callForwardURI>x-cisco-serviceuri-cfwdall</callForwardURI></sipCallFeatures>\
<natEnabled>false</natEnabled></sipProfile>\
<devicePool><dateTimeSetting><timeZone>Central Europe Standard/Daylight Time</timeZone></dateTimeSetting></devicePool>\
<loadInformation>SIP41.8-5-4S</loadInformation></device>";

#[test]
fn a_clean_cnf_and_xml_have_no_findings() {
    clean(
        "SIPDefault.cnf",
        "# comment\nimage_version: \"P0S3-8-12-00\"\nproxy1_address: pbx.example.com\nproxy1_port:\"5060\" ; Default\nstart_media_port: 16384\nnetwork_media_type: \"Auto\"\ndst_start_day_of_week: Sun\n",
    );
    clean("SEP0014F28DD38A.cnf.xml", SEP_SIP);
}

#[test]
fn config_syntax() {
    let f = only("SIP0014F28DD38A.cnf", "proxy1_port=5060\n", "config-syntax");
    assert_eq!(f.line(), Some(1));
    assert!(f.message.contains("uses '='"), "{}", f.message);
    assert!(f.fix.contains("proxy1_port: value"), "{}", f.fix);
    let f = only(
        "SEP0014F28DD38A.cnf.xml",
        "<device><a></device>",
        "config-syntax",
    );
    assert_eq!(f.line(), Some(1));
    // A DTD (the way to define entities) is refused, not expanded.
    let bomb = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><device>&b;</device>";
    only("SEP0014F28DD38A.cnf.xml", bomb, "config-syntax");
    clean("SIP0014F28DD38A.cnf", "proxy1_port: 5060\n");
}

#[test]
fn duplicates() {
    let f = only(
        "SIP0014F28DD38A.cnf",
        "enable_vad: 0\nenable_vad: \"0\"\n",
        "duplicate-key",
    );
    assert_eq!(f.line(), Some(2));
    assert_eq!(f.severity, Severity::Warning);
    let f = only(
        "SIP0014F28DD38A.cnf",
        "enable_vad: 0\nenable_vad: 1\n",
        "conflicting-duplicate",
    );
    assert!(f.message.contains("at line 1"), "{}", f.message);
    // A password's values are never shown.
    let f = only(
        "SIP0014F28DD38A.cnf",
        "line1_password: hunter2\nline1_password: swordfish\n",
        "conflicting-duplicate",
    );
    assert!(!f.message.contains("hunter2") && !f.message.contains("swordfish"));
    let f = only(
        "SEP0014F28DD38A.cnf.xml",
        "<device><sipProfile><preferredCodec>g711ulaw</preferredCodec><preferredCodec>none</preferredCodec></sipProfile></device>",
        "conflicting-duplicate",
    );
    assert_eq!(f.line(), Some(1));
    // Repeated by design: no finding.
    clean(
        "SEP0014F28DD38A.cnf.xml",
        "<device><sipProfile><sipLines><line button=\"1\"/><line button=\"2\"/></sipLines></sipProfile></device>",
    );
}

#[test]
fn unknown_parameter_with_did_you_mean() {
    let f = only(
        "SIPDefault.cnf",
        "timer_registry_delta: 5\n",
        "unknown-parameter",
    );
    assert!(
        f.message.contains("did you mean \"timer_register_delta\""),
        "{}",
        f.message
    );
    assert!(f.fix.contains("timer_register_delta"));
    let f = only(
        "SEP0014F28DD38A.cnf.xml",
        "<device><sipProfile><sipStack><timerRegistryDelta>5</timerRegistryDelta></sipStack></sipProfile></device>",
        "unknown-parameter",
    );
    assert!(
        f.message.contains("sipProfile/sipStack/timerRegisterDelta"),
        "{}",
        f.message
    );
    // Model-specific vendorConfig elements: a note only.
    let f = only(
        "SEP0014F28DD38A.cnf.xml",
        "<device><vendorConfig><lldpAssetId>x</lldpAssetId></vendorConfig></device>",
        "unknown-parameter",
    );
    assert_eq!(f.severity, Severity::Info);
    let f = only("gkdefault.txt", "#txt\nUseTftpp:1\n", "unknown-parameter");
    assert!(f.message.contains("UseTftp"), "{}", f.message);
    clean("gkdefault.txt", "#txt\nUseTftp:1\n");
}

#[test]
fn parameter_name_case() {
    let f = only(
        "SIPDefault.cnf",
        "Image_Version: P0S3-8-12-00\n",
        "parameter-name-case",
    );
    assert!(f.fix.contains("image_version"));
    only(
        "SEP0014F28DD38A.cnf.xml",
        "<device><sipProfile><NatEnabled>false</NatEnabled></sipProfile></device>",
        "parameter-name-case",
    );
    // Profiles: the compiler matches names in any case.
    clean("gkdefault.txt", "#txt\nusetftp:1\n");
}

#[test]
fn values_out_of_range() {
    let f = only(
        "SIPDefault.cnf",
        "start_media_port: \"16348\"\n",
        "value-out-of-range",
    );
    assert!(f.message.contains("16348 is below 16384"), "{}", f.message);
    only(
        "SIPDefault.cnf",
        "end_media_port: \"32768\"\n",
        "value-out-of-range",
    );
    only(
        "SEP0014F28DD38A.cnf.xml",
        "<device><sipProfile><startMediaPort>16348</startMediaPort></sipProfile></device>",
        "value-out-of-range",
    );
    clean("SIPDefault.cnf", "end_media_port: \"32766\"\n");
}

#[test]
fn value_not_a_number_and_not_allowed() {
    only("SIPDefault.cnf", "sip_retx: many\n", "value-not-a-number");
    only(
        "SIPDefault.cnf",
        "preferred_codec: g722\n",
        "value-not-allowed",
    );
    let f = only(
        "SIPDefault.cnf",
        "image_version: P0S3-8-12-00.loads\n",
        "value-not-allowed",
    );
    assert!(f.fix.contains("\"P0S3-8-12-00\""), "{}", f.fix);
}

#[test]
fn value_wrong_case() {
    let f = only(
        "SIPDefault.cnf",
        "network_media_type: \"auto\"\n",
        "value-wrong-case",
    );
    assert!(f.fix.contains("\"Auto\""));
    only(
        "SIPDefault.cnf",
        "dst_start_day_of_week: \"mon\"\n",
        "value-wrong-case",
    );
}

#[test]
fn on_off_boolean() {
    let f = only("SIPDefault.cnf", "nat_enable: on\n", "on-off-boolean");
    assert!(f.fix.contains("\"1\""));
    let f = only(
        "SEP0014F28DD38A.cnf.xml",
        "<device><sipProfile><natEnabled>off</natEnabled></sipProfile></device>",
        "on-off-boolean",
    );
    assert!(f.fix.contains("\"false\""));
}

#[test]
fn host_name_not_ip_and_bad_address() {
    let f = only(
        "SIPDefault.cnf",
        "dyn_tftp_addr: tftp.example.com\n",
        "host-name-not-ip",
    );
    assert!(f.message.contains("dotted IPv4"), "{}", f.message);
    only(
        "SIPDefault.cnf",
        "outbound_proxy: \"pbx example\"\n",
        "bad-address",
    );
    clean(
        "SIPDefault.cnf",
        "dyn_tftp_addr: 10.0.0.5\noutbound_proxy: pbx.example.com\n",
    );
}

#[test]
fn value_too_long() {
    only(
        "SIP0014F28DD38A.cnf",
        "phone_label: \"Reception desk\"\n",
        "text-too-long",
    );
}

#[test]
fn call_forward_uri() {
    for wrong in [
        "x-serviceuri-cfwdall",
        "x--serviceuri-cfwdall",
        "service-uri-cfwdall",
    ] {
        let text = SEP_SIP.replace("x-cisco-serviceuri-cfwdall", wrong);
        let f = only("SEP0014F28DD38A.cnf.xml", &text, "call-forward-uri");
        assert!(f.fix.contains("x-cisco-serviceuri-cfwdall"), "{}", f.fix);
    }
}

#[test]
fn unknown_time_zone() {
    let text = SEP_SIP.replace(
        "Central Europe Standard/Daylight Time",
        "W. Europe Standard/Daylight",
    );
    let f = only("SEP0014F28DD38A.cnf.xml", &text, "unknown-time-zone");
    assert!(
        f.message.contains("W. Europe Standard/Daylight Time"),
        "{}",
        f.message
    );
    only("SIPDefault.cnf", "time_zone: CEST\n", "unknown-time-zone");
    clean("SIPDefault.cnf", "time_zone: CET\n");
}

#[test]
fn model_ids() {
    let f = only(
        "XMLDefault.cnf.xml",
        "<Default><loadInformation306 model=\"Cisco 7911\">SCCP11.9-4-2SR1-1S</loadInformation306></Default>",
        "unknown-model-id",
    );
    assert!(f.fix.contains("loadInformation307"), "{}", f.fix);
    let f = only(
        "XMLDefault.cnf.xml",
        "<Default><loadInformation496 model=\"SCCP: Cisco 6921\">SCCP69xx.9-4-1-3SR2</loadInformation496></Default>",
        "model-id-mismatch",
    );
    assert!(f.fix.contains("loadInformation495"), "{}", f.fix);
    clean(
        "XMLDefault.cnf.xml",
        "<Default><loadInformation8 model=\"IP Phone 7940\">P0030801SR02</loadInformation8></Default>",
    );
}

#[test]
fn per_phone_in_default() {
    let f = only(
        "SIPDefault.cnf",
        "line1_password: \"secret\"\n",
        "per-phone-in-default",
    );
    assert!(!f.message.contains("secret\""), "{}", f.message);
    clean("SIP0014F28DD38A.cnf", "line1_password: \"secret\"\n");
    clean("SIPDefault.cnf", "line2_name: \"\"\n");
}

#[test]
fn template_placeholder() {
    let f = only(
        "SIPDefault.cnf",
        "dyn_tftp_addr: \"###TFTP_IP###\"\n",
        "template-placeholder",
    );
    assert_eq!(f.severity, Severity::Warning);
    let f = only(
        "SIP0014F28DD38A.cnf",
        "line1_password: \"###PASSWORD###\"\n",
        "template-placeholder",
    );
    assert!(!f.message.contains("###PASSWORD###"), "{}", f.message);
}

#[test]
fn config_file_name_case() {
    let f = only("sipdefault.cnf", "", "config-file-name-case");
    assert!(f.message.contains("SIPDefault.cnf"));
    only(
        "tftp/sep0014f28dd38a.cnf.xml",
        "<device/>",
        "config-file-name-case",
    );
    clean("tftp/SEP0014F28DD38A.cnf.xml", "<device/>");
}

#[test]
fn xml_load_missing() {
    let files: std::collections::BTreeSet<String> = [
        "SCCP11.9-4-2SR1-1S.loads".to_string(),
        "p0030801sr02.loads".to_string(),
    ]
    .into();
    let xml = b"<Default>\n<loadInformation307>SCCP11.9-4-2-1S</loadInformation307>\n<loadInformation8>P0030801SR02</loadInformation8>\n<loadInformation115>SCCP11.9-4-2SR1-1S</loadInformation115>\n</Default>";
    let f = missing_loads("XMLDefault.cnf.xml", xml, &files);
    assert_eq!(f.len(), 2, "{f:#?}");
    assert_eq!(f[0].code, "xml-load-missing");
    assert_eq!(f[0].line(), Some(2));
    assert!(
        f[0].message.contains("SCCP11.9-4-2SR1-1S.loads"),
        "{}",
        f[0].message
    );
    assert!(f[1].message.contains("another case"), "{}", f[1].message);
}

#[test]
fn file_unreadable_and_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("SIPDefault.cnf");
    std::fs::write(&big, vec![b'#'; MAX_CONFIG_BYTES as usize + 1]).unwrap();
    let r = lint_paths(&[big]).unwrap();
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].code, "file-unreadable");
    assert!(r.has_errors());
}

#[test]
fn a_root_is_walked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("sipdefault.cnf"), "nat_enable: on\n").unwrap();
    std::fs::write(
        d.join("XMLDefault.cnf.xml"),
        "<Default><loadInformation7>P0030801SR02</loadInformation7></Default>",
    )
    .unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/gk.txt"), "#txt\nUseTftpp:1\n").unwrap();
    std::fs::write(d.join("readme.txt"), "hello").unwrap();
    let r = lint_paths(&[d.to_path_buf()]).unwrap();
    let got: Vec<(&str, &str)> = r
        .findings
        .iter()
        .map(|f| (f.file.as_str(), f.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("XMLDefault.cnf.xml", "xml-load-missing"),
            ("sipdefault.cnf", "config-file-name-case"),
            ("sipdefault.cnf", "on-off-boolean"),
            ("sub/gk.txt", "unknown-parameter"),
        ]
    );
    assert_eq!(r.files, 3);
    assert_eq!(r.counts()[0].1, 1);
}

#[test]
fn every_check_is_documented() {
    let doc = include_str!("../../docs/lint.md");
    for c in LINT_CHECKS {
        assert!(
            doc.contains(&format!("`{}`", c.id)),
            "docs/lint.md lacks {}",
            c.id
        );
    }
}

#[test]
fn untrusted_bytes_never_panic() {
    let mut seed = 0x2545F4914F6CDD1Du64;
    let samples: [&[u8]; 5] = [
        b"name: \"value\"\n",
        SEP_SIP.as_bytes(),
        b"#txt\nUseTftp:1\n",
        b"<Default><loadInformation7>x</loadInformation7></Default>",
        b"\xff\xfe:\"\n=",
    ];
    for name in [
        "SIPDefault.cnf",
        "SEP0014F28DD38A.cnf.xml",
        "gk.txt",
        "XMLDefault.cnf.xml",
    ] {
        for s in samples {
            for _ in 0..200 {
                let mut b = s.to_vec();
                for _ in 0..4 {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    if !b.is_empty() {
                        let i = (seed as usize) % b.len();
                        b[i] = (seed >> 32) as u8;
                    }
                }
                let _ = lint_file(name, &b);
            }
        }
    }
    // Deep nesting stays bounded.
    let deep = format!(
        "<device>{}{}</device>",
        "<a>".repeat(5000),
        "</a>".repeat(5000)
    );
    let _ = lint_file("SEP0014F28DD38A.cnf.xml", deep.as_bytes());
}

#[test]
fn a_noisy_file_is_capped_per_check_and_fast() {
    let text: String = (0..5000)
        .map(|i| format!("timer_regist_{i}: {i}\n"))
        .collect();
    let t = std::time::Instant::now();
    let f = lint_file("SIPDefault.cnf", text.as_bytes());
    assert_eq!(f.len(), MAX_PER_CHECK + 1, "{:#?}", f.last());
    let last = f.last().unwrap();
    assert_eq!(last.code, "unknown-parameter");
    assert!(
        last.message
            .starts_with("4900 more unknown-parameter findings"),
        "{}",
        last.message
    );
    // Generous for a debug build on a busy machine; the uncapped version took minutes.
    assert!(t.elapsed().as_secs() < 20, "{:?}", t.elapsed());
}

/// The parameters and values of a SIPDefault.cnf as Cisco CME generates it (its admin guide's
/// example: every line quoted and ended by `;`): the catalogue knows them all and finds
/// nothing wrong.
#[test]
fn a_cme_generated_default_file_is_clean() {
    let pairs = [
        ("image_version", "P0S3-07-4-00"),
        ("proxy1_address", "10.1.18.100"),
        ("proxy2_address", ""),
        ("proxy1_port", "5060"),
        ("proxy6_port", ""),
        ("proxy_register", "1"),
        ("time_zone", "EST"),
        ("dst_auto_adjust", "1"),
        ("dst_start_month", "April"),
        ("dst_start_day", ""),
        ("dst_start_day_of_week", "Sun"),
        ("dst_start_week_of_month", "1"),
        ("dst_start_time", "02:00"),
        ("dst_stop_month", "October"),
        ("dst_stop_week_of_month", "8"),
        ("date_format", "M/D/Y"),
        ("time_format_24hr", "0"),
        ("local_cfwd_enable", "1"),
        ("messages_uri", "2000"),
        ("stutter_msg_waiting", "0"),
        ("sync", "0000200155330856"),
        ("telnet_level", "1"),
        ("Domain_Name", ""),
        ("dtmf_outofband", "avt"),
        ("end_media_port", "32766"),
        ("network_media_type", "Auto"),
        ("network_port2_type", "Hub/Switch"),
        ("sntp_mode", "directedbroadcast"),
        ("sntp_server", "0.0.0.0"),
        ("start_media_port", "16384"),
        ("timer_register_delta", "5"),
        ("tos_media", "5"),
    ];
    let text: String = pairs
        .iter()
        .map(|(n, v)| format!("{n}: \"{v}\";\n"))
        .collect();
    clean("SIPDefault.cnf", &text);
}

/// A secret the catalogue does not know (a line the model lacks, a misspelt name) is still
/// never quoted: a conflicting duplicate says only that the values differ.
#[test]
fn unknown_secret_names_never_show_their_values() {
    let cases = [
        (
            "SIP0014F28DD38A.cnf",
            "line9_password: \"SECRETA\"\nline9_password: \"SECRETB\"\n",
        ),
        ("gk0014f28dd38a", "#txt\nPWD7:SECRETA\nPWD7:SECRETB\n"),
        (
            "SEP0014F28DD38A.cnf.xml",
            "<device><fooPassword>SECRETA</fooPassword><fooPassword>SECRETB</fooPassword></device>",
        ),
    ];
    for (name, text) in cases {
        let f = lint_file(name, text.as_bytes());
        assert!(
            f.iter().any(|f| f.code == "conflicting-duplicate"),
            "{name}: {f:#?}"
        );
        let all = format!("{f:?}");
        assert!(!all.contains("SECRET"), "{name}: {all}");
    }
}

/// A key the tag table does not flag as sensitive is still never quoted when refused.
#[test]
fn a_refused_key_is_not_quoted() {
    let f = lint_file(
        "gk0014f28dd38a",
        b"#txt\nEncryptKey:SECRETZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ\n",
    );
    assert!(!f.is_empty(), "{f:#?}");
    let all = format!("{f:?}");
    assert!(!all.contains("SECRET"), "{all}");
}
