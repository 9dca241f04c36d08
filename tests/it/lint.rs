//! `cfgfmt-rs lint`: the report (text and JSON) on a small root with one fault of each kind,
//! and the exit statuses.
use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
}

/// Our own files, each with the mistakes seen in public templates.
fn faulty_root(d: &Path) {
    let w = |n: &str, s: &str| {
        if let Some(p) = Path::new(n).parent() {
            std::fs::create_dir_all(d.join(p)).unwrap();
        }
        std::fs::write(d.join(n), s).unwrap();
    };
    w(
        "sipdefault.cnf",
        "image_version: \"P0S3-8-12-00\"\n\
         proxy1_port=5060\n\
         start_media_port: \"16348\"\n\
         network_media_type: \"auto\"\n\
         timer_registry_delta: 5\n\
         nat_enable: on\n\
         dyn_tftp_addr: tftp.example.net\n\
         line1_password: \"s3cret\"\n\
         enable_vad: 0\n\
         enable_vad: 1\n",
    );
    w(
        "SEP0014F28DD38A.cnf.xml",
        "<device>\n<deviceProtocol>SIP</deviceProtocol>\n<devicePool><dateTimeSetting>\n\
         <timeZone>W. Europe Standard/Daylight</timeZone>\n</dateTimeSetting></devicePool>\n\
         <sipProfile>\n<sipCallFeatures><callForwardURI>x-serviceuri-cfwdall</callForwardURI></sipCallFeatures>\n\
         <natEnabled>off</natEnabled>\n</sipProfile>\n<loadInformation>SIP41.8-5-4S</loadInformation>\n</device>\n",
    );
    w(
        "XMLDefault.cnf.xml",
        "<Default>\n<loadInformation307 model=\"Cisco 7911\">SCCP11.9-4-2-1S</loadInformation307>\n\
         <loadInformation496 model=\"Cisco 6921\">SCCP69xx.9-4-1-3SR2</loadInformation496>\n</Default>\n",
    );
    w("SIP41.8-5-4S.loads", "");
    w("SCCP11.9-4-2SR1-1S.loads", "");
    w("SCCP69xx.9-4-1-3SR2.loads", "");
    w("profiles/gkdefault.txt", "#txt\nUseTftpp:1\n");
}

fn run(args: &[&str], dir: &Path) -> (i32, String, String) {
    let o = bin().args(args).current_dir(dir).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn text_report_of_a_faulty_root() {
    let tmp = tempfile::tempdir().unwrap();
    faulty_root(tmp.path());
    let (code, out, err) = run(&["lint", "."], tmp.path());
    assert_eq!(code, 1, "{out}{err}");
    assert!(!out.contains("s3cret"), "a password in the report");
    insta::assert_snapshot!(out);
}

#[test]
fn json_report_of_a_faulty_root() {
    let tmp = tempfile::tempdir().unwrap();
    faulty_root(tmp.path());
    let (code, out, _) = run(&["lint", "--json", "."], tmp.path());
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["errors"].as_u64(), Some(13), "{out}");
    insta::assert_json_snapshot!(v);
}

#[test]
fn exit_statuses() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("SIPDefault.cnf"), "proxy1_port: 5060\n").unwrap();
    std::fs::write(
        d.join("SIP0014F28DD38A.cnf"),
        "line1_name: 100\nfoo_bar: 1\n",
    )
    .unwrap();
    // Clean: 0.
    let (code, out, _) = run(&["lint", "SIPDefault.cnf"], d);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("1 file checked: 0 errors, 0 warnings"),
        "{out}"
    );
    // Warnings only: 0.
    let (code, out, _) = run(&["lint", "SIP0014F28DD38A.cnf"], d);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning[unknown-parameter] SIP0014F28DD38A.cnf:2"),
        "{out}"
    );
    // A path that is not there, no path, an unknown flag: 2.
    let (code, _, err) = run(&["lint", "missing.cnf"], d);
    assert_eq!(code, 2);
    assert!(err.contains("missing.cnf"), "{err}");
    assert_eq!(run(&["lint"], d).0, 2);
    assert_eq!(run(&["lint", "--bogus", "x"], d).0, 2);
    // Help teaches the checks and the exit statuses.
    let (code, out, _) = run(&["lint", "--help"], d);
    assert_eq!(code, 0);
    assert!(
        out.contains("docs/lint.md") && out.contains("Exit status"),
        "{out}"
    );
}

#[test]
fn doctor_reports_lint_findings_of_the_root_it_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("SIPDefault.cnf"), "start_media_port: \"16348\"\n").unwrap();
    let r = cfgfmt::assist::doctor::doctor(d, &Default::default()).unwrap();
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "value-out-of-range")
        .unwrap_or_else(|| panic!("{}", r.render_text()));
    assert_eq!((f.file.as_str(), f.line()), ("SIPDefault.cnf", Some(1)));
    assert!(r.has_errors());
}

#[test]
fn a_root_s_missing_loads_and_792x_manifests() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("XMLDefault.cnf.xml"),
        "<Default>\n<loadInformation307 model=\"Cisco 7911\">SCCP11.9-4-2-1S</loadInformation307>\n\
         <loadInformation365 model=\"Cisco 7921\">CP7921G-1.4.6.3</loadInformation365>\n</Default>\n",
    )
    .unwrap();
    std::fs::write(d.join("SCCP11.9-4-2SR1-1S.loads"), "").unwrap();
    // Cisco's 792x manifests are .LOADS: present.
    std::fs::write(d.join("CP7921G-1.4.6.3.LOADS"), "").unwrap();
    let r = cfgfmt::lint::lint_paths(&[d.to_path_buf()]).unwrap();
    let got: Vec<(&str, Option<usize>)> = r
        .findings
        .iter()
        .map(|f| (f.code.as_str(), f.line()))
        .collect();
    assert_eq!(got, [("xml-load-missing", Some(2))], "{}", r.render_text());
    // doctor leaves the loads of models it does not check alone.
    let r = cfgfmt::assist::doctor::doctor(d, &Default::default()).unwrap();
    assert!(!r.findings.iter().any(|f| f.code == "xml-load-missing"));
}

#[test]
fn a_named_file_lint_cannot_read_is_an_error_not_a_clean_report() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("passwd"), "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    std::fs::write(d.join("gk.txt"), b"\xEF\xBB\xBF#txt\nUID:1\n").unwrap();
    let (code, out, _) = run(&["lint", "passwd"], d);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[not-a-config-file] passwd"), "{out}");
    let (code, out, _) = run(&["lint", "gk.txt"], d);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("byte order mark"), "{out}");
    // In a root, files of other kinds (firmware, logs) are skipped, as before.
    let (code, out, _) = run(&["lint", "."], d);
    assert!(!out.contains("not-a-config-file"), "{out}");
    assert_eq!(code, 0, "{out}");
}
