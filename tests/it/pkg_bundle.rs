//! Bundles (zip) and folders: member identification and cross-file checks.
use crate::pkg_fixtures;

use cfgfmt::file::{self as cli, InspectOptions};
use cfgfmt::pkg::bundle;
use cfgfmt::pkg::detect::FileKind;
use cfgfmt::report::Status;
use pkg_fixtures::*;

fn bad(report: &cli::PkgReport) -> Vec<String> {
    report
        .checks
        .iter()
        .filter(|c| c.status == Status::Bad)
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect()
}

#[test]
fn sip812_zip_is_complete() {
    let z = zip_of(&sip812_set(0x200), "P0S3-8-12-00/");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("P0S3-8-12-00.zip");
    std::fs::write(&p, &z).unwrap();
    let rep = cli::inspect_path(&p, &InspectOptions::default()).unwrap();
    assert_eq!(rep.files[0].kind, FileKind::Bundle);
    let kinds: Vec<FileKind> = rep.files[1..].iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            FileKind::Os79xxTxt,
            FileKind::Loader,
            FileKind::SignedLoader,
            FileKind::Loads,
            FileKind::SignedApplication
        ]
    );
    assert!(bad(&rep).is_empty(), "{:?}", bad(&rep));
    assert!(
        rep.checks
            .iter()
            .any(|c| c.name == "P0S3-8-12-00.loads set complete" && c.status == Status::Ok)
    );
    assert!(
        rep.checks
            .iter()
            .any(|c| c.name == "LA_VERSION matches loader tag" && c.status == Status::Ok)
    );
    assert!(rep.all_ok());
}

#[test]
fn folder_checks_find_missing_and_mismatched_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut set = sip812_set(0x200);
    // Wrong LA_VERSION in the .loads, .bin differing from the .sbn payload, no OS79XX.TXT.
    set[3].1 = SgnBuilder::cisco("P0S3-8-12-00.loads").build(&loads_body(
        "P003-8-12-00.sbn",
        "P0S3-8-12-00.sb2",
        "PAS30831",
    ));
    set[1].1[0x180] ^= 1;
    set.remove(0);
    for (n, b) in &set {
        std::fs::write(dir.path().join(n), b).unwrap();
    }
    let rep = cli::inspect_path(dir.path(), &InspectOptions::default()).unwrap();
    let b = bad(&rep);
    assert!(
        b.iter()
            .any(|x| x.starts_with("LA_VERSION matches loader tag")),
        "{b:?}"
    );
    assert!(
        b.iter()
            .any(|x| x.starts_with("P003-8-12-00.sbn minus header equals P003-8-12-00.bin")),
        "{b:?}"
    );
    assert!(
        b.iter().any(|x| x.starts_with("OS79XX.TXT present")),
        "{b:?}"
    );
    assert!(
        b.iter()
            .any(|x| x.starts_with("P0S3-8-12-00.loads set complete")),
        "{b:?}"
    );
    // Inspecting the .loads alone checks its folder too.
    let rep = cli::inspect_path(
        &dir.path().join("P0S3-8-12-00.loads"),
        &InspectOptions::default(),
    )
    .unwrap();
    assert_eq!(rep.files.len(), 1);
    assert!(!bad(&rep).is_empty());
}

#[test]
fn case_and_renames_are_reported() {
    let mut set = sip812_set(0x200);
    set[4].0 = "p0s3-8-12-00.sb2".into();
    set[2].0 = "P003-8-12-00.sbn".into();
    set[2].1 = SgnBuilder::cisco("renamed.sbn").build(&set[1].1);
    let files: Vec<bundle::SetFile<'_>> = set
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let checks = bundle::check_set(&files);
    let b: Vec<&bundle::Check> = checks.iter().filter(|c| c.status == Status::Bad).collect();
    assert!(
        b.iter().any(|c| c.detail.contains("case-sensitive")),
        "{b:?}"
    );
    assert!(
        b.iter().any(|c| c.name == "P003-8-12-00.sbn embedded name"),
        "{b:?}"
    );
}

#[test]
fn sccp_set_needs_no_os79xx_and_7912_bundle_is_checked() {
    let bin = loader_payload("P0030801SR02", "PAS30831", 0x200);
    let set = [
        ("P0030801SR02.bin".to_string(), bin.clone()),
        (
            "P0030801SR02.loads".to_string(),
            SgnBuilder::cisco("P0030801SR02.loads").build(&loads_body(
                "P0030801SR02.sbn",
                "P0030801SR02.sb2",
                "PAS30831",
            )),
        ),
        (
            "P0030801SR02.sb2".to_string(),
            SgnBuilder::cisco("P0030801SR02.sb2").build(&app_payload(
                "P0030801SR02",
                "PA03Z031",
                0x200,
                0x40,
            )),
        ),
        (
            "P0030801SR02.sbn".to_string(),
            SgnBuilder::cisco("P0030801SR02.sbn").build(&bin),
        ),
        (
            "P0030801SR02.txt".to_string(),
            b"Release notes\r\n".to_vec(),
        ),
    ];
    let files: Vec<bundle::SetFile<'_>> = set
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let checks = bundle::check_set(&files);
    assert!(checks.iter().all(|c| c.status != Status::Bad), "{checks:?}");
    let sbin = small_sbin();
    let files = [("CP7912080000SIP060111A.sbin", sbin.as_slice())];
    let checks = bundle::check_set(&files);
    assert!(
        checks
            .iter()
            .any(|c| c.status == Status::Ok && c.name.ends_with("package intact")),
        "{checks:?}"
    );
    assert!(checks.iter().any(|c| c.detail == "0x060111a"));
}

#[test]
fn zip_member_reads_are_capped() {
    // A 20 MiB member (declared honestly) is read only up to the member cap.
    let big = vec![0u8; bundle::MAX_MEMBER + 1024];
    let z = zip_of(&[("big.bin".to_string(), big)], "");
    let members = bundle::read_zip(&z).unwrap();
    assert_eq!(members[0].data.len(), bundle::MAX_MEMBER);
    assert!(members[0].truncated);
}

/// Zip folders are kept: two members with one base name in different folders (as in Cisco's
/// `CIPC_Locale.zip`) land in their own folders.
#[test]
fn extract_keeps_zip_folders() {
    let dir = tempfile::tempdir().unwrap();
    let files = vec![
        ("a/OS79XX.TXT".to_string(), b"P0S3-08-12-00\r\n".to_vec()),
        ("b/c/OS79XX.TXT".to_string(), b"P003-08-12-00\r\n".to_vec()),
        ("help/".to_string(), Vec::new()),
    ];
    let zip_path = dir.path().join("bundle.zip");
    std::fs::write(&zip_path, zip_of(&files, "")).unwrap();
    let out = dir.path().join("out");
    let written = cli::extract(&zip_path, &out).unwrap();
    assert_eq!(written.len(), 2, "{written:?}");
    assert_eq!(
        std::fs::read(out.join("a/OS79XX.TXT")).unwrap(),
        b"P0S3-08-12-00\r\n"
    );
    assert_eq!(
        std::fs::read(out.join("b/c/OS79XX.TXT")).unwrap(),
        b"P003-08-12-00\r\n"
    );
}

/// Two members that would land on one path: `extract` refuses, and writes nothing at all;
/// names leaving the folder are never written.
#[test]
fn extract_refuses_clashing_member_names_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let files = vec![
        ("a/OS79XX.TXT".to_string(), b"P0S3-08-12-00\r\n".to_vec()),
        ("a\\OS79XX.TXT".to_string(), b"P003-08-12-00\r\n".to_vec()),
        ("../evil".to_string(), b"x".to_vec()),
    ];
    let zip_path = dir.path().join("bundle.zip");
    std::fs::write(&zip_path, zip_of(&files, "")).unwrap();
    let out = dir.path().join("out");
    let err = cli::extract(&zip_path, &out).unwrap_err();
    assert!(err.to_string().contains("two members are named"), "{err}");
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
    assert!(!dir.path().join("evil").exists());
}
