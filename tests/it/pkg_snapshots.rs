//! Snapshots pin the human reports, the JSON and the annotated dumps.
use crate::pkg_fixtures;

use cfgfmt::file::{self as cli, InspectOptions, PkgReport};
use cfgfmt::report::{DumpStyle, render_annotated, render_raw};
use pkg_fixtures::*;

fn single(name: &str, bytes: &[u8]) -> PkgReport {
    PkgReport {
        path: name.into(),
        files: vec![cli::inspect_bytes(name, bytes, None)],
        checks: vec![],
    }
}

fn dump(name: &str, bytes: &[u8]) -> String {
    render_annotated(
        bytes,
        &cli::dump_bytes(name, bytes).unwrap(),
        &DumpStyle::default(),
    )
}

#[test]
fn report_loads() {
    let f = SgnBuilder::cisco("P0S3-8-12-00.loads").build(&loads_body(
        "P003-8-12-00.sbn",
        "P0S3-8-12-00.sb2",
        "PAS30830",
    ));
    insta::assert_snapshot!(single("P0S3-8-12-00.loads", &f).render_text());
    insta::assert_snapshot!("dump_loads", dump("P0S3-8-12-00.loads", &f));
}

#[test]
fn report_sip812_zip_with_checks() {
    let z = zip_of(&sip812_set(0x200), "P0S3-8-12-00/");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("P0S3-8-12-00.zip");
    std::fs::write(&p, &z).unwrap();
    let mut rep = cli::inspect_path(&p, &InspectOptions::default()).unwrap();
    rep.path = "P0S3-8-12-00.zip".into();
    insta::assert_snapshot!(rep.render_text());
}

#[test]
fn report_sbin_text_json_and_dump() {
    let f = small_sbin();
    let rep = single("CP7912080000SIP060111A.sbin", &f);
    insta::assert_snapshot!(rep.render_text());
    insta::assert_snapshot!("sbin_json", rep.to_json());
    insta::assert_snapshot!("dump_sbin", dump("CP7912080000SIP060111A.sbin", &f));
}

#[test]
fn report_itl() {
    insta::assert_snapshot!(single("ITLFile.tlv", &small_itl()).render_text());
}

#[test]
fn report_signed_sgn_verified_with_cert() {
    let dir = tempfile::tempdir().unwrap();
    let f = SgnBuilder::certutils("SoftKeys.xml.sgn", 3).build_signed(b"<softKeyCfg/>", test_key());
    let p = dir.path().join("SoftKeys.xml.sgn");
    std::fs::write(&p, &f).unwrap();
    let cert = dir.path().join("signer.pem");
    std::fs::write(
        &cert,
        test_cert_pem(test_key(), "CN=test-signer,O=cfgfmt", 1),
    )
    .unwrap();
    let mut rep = cli::inspect_path(
        &p,
        &InspectOptions {
            cert: Some(cert),
            ..Default::default()
        },
    )
    .unwrap();
    rep.path = "SoftKeys.xml.sgn".into();
    insta::assert_snapshot!(rep.render_text());
}

#[test]
fn report_text_files() {
    let os = single("OS79XX.TXT", b"P003-8-12-00 \r\n");
    let cnf = single(
        "SIPDefault.cnf",
        b"image_version: \"P0S3-8-12-00\";\nproxy1_address: 10.0.0.1\n",
    );
    let xml = single("XMLDefault.cnf.xml", b"<Default>\n<loadInformation7 model=\"IP Phone 7960\">P0030801SR02</loadInformation7>\n<loadInformation30007 model=\"IP Phone 7912\">CP7912080004SCCP080108A</loadInformation30007>\n</Default>\n");
    insta::assert_snapshot!(format!(
        "{}{}{}",
        os.render_text(),
        cnf.render_text(),
        xml.render_text()
    ));
}

#[test]
fn raw_dump() {
    insta::assert_snapshot!(render_raw(&small_kup()[..64], &DumpStyle::default()));
}

/// Writes the fixtures to `$CFGFMT_WRITE_FIXTURES` (for the README's package examples):
/// `CFGFMT_WRITE_FIXTURES=/tmp/fx cargo test --test it -- pkg_snapshots --ignored`.
#[test]
#[ignore]
fn write_fixtures_for_docs() {
    let Some(dir) = std::env::var_os("CFGFMT_WRITE_FIXTURES") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let set = dir.join("P0S3-8-12-00");
    std::fs::create_dir_all(&set).unwrap();
    // Real sizes (130552-byte loader, 756524-byte .sb2) so the reports look like the real thing.
    let mut files = sip812_set(130552);
    let app = app_payload("P0S3-8-12-00", "PAS3ARM1", 0xa1624, 0x17374);
    files[4].1 = SgnBuilder::cisco("P0S3-8-12-00.sb2").build(&app);
    for (n, b) in &files {
        std::fs::write(set.join(n), b).unwrap();
    }
    std::fs::write(
        dir.join("P0S3-8-12-00.zip"),
        zip_of(&files, "P0S3-8-12-00/"),
    )
    .unwrap();
    std::fs::write(dir.join("CP7912080000SIP060111A.sbin"), small_sbin()).unwrap();
    std::fs::write(dir.join("ITLFile.tlv"), small_itl()).unwrap();
    std::fs::write(
        dir.join("SAST.pem"),
        test_cert_pem(test_key(), "CN=SAST,O=SAST,OU=SAST", 0x42),
    )
    .unwrap();
    std::fs::write(
        dir.join("SIPDefault.cnf"),
        b"image_version: \"P0S3-8-12-00\";\n",
    )
    .unwrap();
}
