//! `batch`: the command line run in a scratch folder, and the library API.

use std::path::Path;
use std::process::Command;

use cfgfmt::batch::{Batch, BatchOptions, Devices, NoProgress, Prefix, RowStatus, Template};
use cfgfmt::profile::{CompileOptions, DecodeOptions, decode};
use cfgfmt::table::{TagTable, builtin};
use cfgfmt::text::NoIncludes;

const TEMPLATE: &str = "#txt\nUseTftp:1\nTftpURL:192.168.10.5\nProxy:sip.example.net\nSIPPort:5060\nDisplayName:Template Name\n";
const GK60: &str = include_str!("../../testdata/profiles/gkdefault-60.txt");

fn table_7912() -> TagTable {
    TagTable::parse(builtin("7912").unwrap().text.as_bytes()).0
}

fn table_ata() -> TagTable {
    TagTable::parse(builtin("ata186").unwrap().text.as_bytes()).0
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
        .arg("batch")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A scratch folder with `common.txt` and `devices.csv`.
fn setup(template: &str, devices: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("common.txt"), template).unwrap();
    std::fs::write(dir.path().join("devices.csv"), devices).unwrap();
    dir
}

const BASE_ARGS: &[&str] = &[
    "--table",
    "builtin:7912",
    "--template",
    "common.txt",
    "--devices",
    "devices.csv",
    "--out",
    "out",
    "--prefix",
    "gk",
    "--quiet",
];

fn batch(dir: &Path, extra: &[&str]) -> Run {
    let args: Vec<&str> = BASE_ARGS.iter().chain(extra).copied().collect();
    run(dir, &args)
}

fn decoded(path: &Path, key: Option<&str>) -> String {
    let bytes = std::fs::read(path).unwrap();
    let opts = DecodeOptions {
        weak_key: key.map(cfgfmt::crypto::WeakKey::from_text),
        ..DecodeOptions::default()
    };
    let out = decode(&bytes, &table_7912(), &opts).unwrap();
    String::from_utf8(out.text).unwrap()
}

fn out_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("out")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn template_then_row_values_with_quotes_and_empty_cells() {
    let dir = setup(
        TEMPLATE,
        "mac,UID,PWD,DisplayName,SIPPort\n\
         00:07:0E:36:E5:7B,1001,\"pa\"\"ss,word\",\"Smith, John\",\n\
         0007.0e36.e57c,1002,,,5070\n",
    );
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "batch: 2 compiled (0 unchanged), 0 failed\n");
    assert_eq!(out_files(dir.path()), ["gk00070e36e57b", "gk00070e36e57c"]);

    let first = decoded(&dir.path().join("out/gk00070e36e57b"), None);
    assert!(first.contains("UID:1001\n"), "{first}");
    assert!(first.contains("PWD:pa\"ss,word\n"), "{first}");
    assert!(first.contains("DisplayName:Smith, John\n"), "{first}");
    // Empty cell: the template's value.
    assert!(first.contains("SIPPort:5060"), "{first}");
    assert!(first.contains("Proxy:sip.example.net\n"), "{first}");

    let second = decoded(&dir.path().join("out/gk00070e36e57c"), None);
    assert!(second.contains("DisplayName:Template Name\n"), "{second}");
    assert!(second.contains("SIPPort:5070"), "{second}");
    assert!(!second.contains("PWD:"), "{second}");
}

#[test]
fn row_profile_equals_compiling_the_concatenated_text() {
    // The row's cells take exactly the path of `Name:Value` lines appended to the template.
    let dir = setup(
        GK60,
        "mac,UID,PWD,DisplayName\n00070e000001,4711,s3cret, Lobby \n",
    );
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = format!("{GK60}UID:4711\nPWD:s3cret\nDisplayName: Lobby \n");
    std::fs::write(dir.path().join("whole.txt"), text).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
        .args(["compile", "-t", "builtin:7912", "whole.txt", "whole.cfg"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read(dir.path().join("out/gk00070e000001")).unwrap(),
        std::fs::read(dir.path().join("whole.cfg")).unwrap()
    );
}

#[test]
fn unknown_column_is_one_error_before_any_row() {
    let dir = setup(
        TEMPLATE,
        "mac,UID,Colour,PWD,Shoe Size\n00070e000001,1,red,x,44\n",
    );
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error: devices.csv: column \"Colour\" (column 3), column \"Shoe Size\" (column 5) are \
         not parameters of the table, nor a compiler keyword; no device compiled\n"
    );
    assert!(out_files(dir.path()).is_empty());
}

#[test]
fn columns_follow_the_protocol_filter_and_keywords_are_accepted() {
    let dir = setup(
        "#txt\nUseTftp:1\n",
        "mac,AutMethod,upgradecode\n00070e000001,1,\n",
    );
    std::fs::write(dir.path().join("ptag.dat"), builtin("ata186").unwrap().text).unwrap();
    let args = |filter: &'static str| {
        vec![
            "--table",
            "ptag.dat",
            "--template",
            "common.txt",
            "--devices",
            "devices.csv",
            "--out",
            "out",
            "--prefix",
            "ata",
            "-q",
            filter,
        ]
    };
    // AutMethod is an H.323 parameter.
    let r = run(dir.path(), &args("--h323"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(out_files(dir.path()), ["ata00070e000001"]);
    let r = run(dir.path(), &args("--sip"));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "column \"AutMethod\" (column 2) is not a parameter of the table under the \
             protocol filter"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn header_details_bom_spaces_case_duplicates_and_missing_mac() {
    let dir = setup(TEMPLATE, "\u{feff} MAC , uid \n00070e000001,7\n");
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(decoded(&dir.path().join("out/gk00070e000001"), None).contains("UID:7\n"));

    let dir = setup(TEMPLATE, "mac,UID,uid\n00070e000001,7,8\n");
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error: devices.csv: column \"uid\" appears twice (columns 2 and 3)\n"
    );

    let dir = setup(TEMPLATE, "UID,PWD\n7,8\n");
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "error: devices.csv has no `mac` column\n");

    let dir = setup(TEMPLATE, "mac,,UID\n00070e000001,,7\n");
    assert_eq!(
        batch(dir.path(), &[]).stderr,
        "error: devices.csv: column 2 has no name\n"
    );
}

#[test]
fn bad_and_duplicate_macs_fail_their_rows_only() {
    let dir = setup(
        TEMPLATE,
        "mac,UID\n\
         00-07-0E-36-E5-7B,1\n\
         hunter2hunter2,2\n\
         00070e36e57,3\n\
         00:07:0e:36:e5:7b,4\n\
         0007.0E36.E57C,5\n\
         ,6\n",
    );
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("bad_and_duplicate_macs", r.stderr);
    assert!(!r.stderr.contains("hunter2"), "a cell value was echoed");
    assert_eq!(out_files(dir.path()), ["gk00070e36e57b", "gk00070e36e57c"]);
    // The first of the duplicates is the one kept.
    assert!(decoded(&dir.path().join("out/gk00070e36e57b"), None).contains("UID:1\n"));
}

#[test]
fn prefixes_name_the_files() {
    for (prefix, name) in [
        ("ata", "ata00070e000001"),
        ("gk", "gk00070e000001"),
        ("ld", "ld00070e000001"),
        ("none", "00070e000001"),
    ] {
        let dir = setup(TEMPLATE, "mac\n00:07:0E:00:00:01\n");
        let args: Vec<&str> = BASE_ARGS
            .iter()
            .copied()
            .map(|a| if a == "gk" { prefix } else { a })
            .collect();
        let r = run(dir.path(), &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(out_files(dir.path()), [name]);
    }
}

#[test]
fn cell_errors_name_line_and_column_without_the_value() {
    let long = "L".repeat(600);
    let dir = setup(
        TEMPLATE,
        &format!(
            "mac,UID,PWD\n\
             00070e000001,1,\"two\nlines\"\n\
             00070e000002,2,{long}\n\
             00070e000003,3\n\
             00070e000004,4,ok,extra\n\
             00070e000005,5,fine\n"
        ),
    );
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("cell_errors", r.stderr);
    assert!(!r.stderr.contains("LLLL") && !r.stderr.contains("two"));
    assert_eq!(out_files(dir.path()), ["gk00070e000005"]);
}

#[test]
fn warnings_are_reported_per_row_and_strict_writes_nothing() {
    let dir = setup(
        TEMPLATE,
        "mac,SIPPort,DNS1IP\n00070e000001,5060x,10.0.0.1\n00070e000002,5061,not-an-ip\n00070e000003,5062,\n",
    );
    let r = batch(dir.path(), &["--strict"]);
    assert_eq!(r.code, 2);
    insta::assert_snapshot!("strict_refusal", r.stderr);
    assert!(out_files(dir.path()).is_empty());

    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .ends_with("batch: 3 compiled (0 unchanged), 0 failed, 2 with warnings\n")
    );
    assert_eq!(out_files(dir.path()).len(), 3);
}

#[test]
fn strict_counts_template_warnings_once() {
    let dir = setup(
        "#txt\nUseTftp:1\nNoSuchThing:1\n",
        "mac\n00070e000001\n00070e000002\n",
    );
    let r = batch(dir.path(), &["--strict"]);
    assert_eq!(r.code, 2);
    assert!(out_files(dir.path()).is_empty());
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stderr,
        "common.txt: warning: unknown attribute 'NoSuchThing' @line 3 of common.txt\n\
         batch: 2 compiled (0 unchanged), 0 failed\n"
    );
}

#[test]
fn template_errors_and_missing_includes_are_fatal() {
    let dir = setup("#txt\ninclude nope.txt\n", "mac\n00070e000001\n");
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error: template common.txt: can't open profile 'nope.txt'\n"
    );
    let dir = setup("UseTftp:1\n", "mac\n00070e000001\n");
    assert_eq!(
        batch(dir.path(), &[]).stderr,
        "error: template common.txt does not start with #txt\n"
    );
    // Includes are read relative to the template.
    let dir = setup("#txt\ninclude site.txt\n", "mac\n00070e000001\n");
    std::fs::write(dir.path().join("site.txt"), "Proxy:site.example.net\n").unwrap();
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        decoded(&dir.path().join("out/gk00070e000001"), None).contains("Proxy:site.example.net")
    );
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

#[cfg(unix)]
#[test]
fn unchanged_inputs_rewrite_nothing() {
    let dir = setup(TEMPLATE, "mac,UID\n00070e000001,1\n00070e000002,2\n");
    let path = |n: &str| dir.path().join("out").join(n);
    assert_eq!(batch(dir.path(), &[]).code, 0);
    let (a, b) = (
        inode(&path("gk00070e000001")),
        inode(&path("gk00070e000002")),
    );

    let r = batch(dir.path(), &[]);
    assert_eq!(r.stderr, "batch: 2 compiled (2 unchanged), 0 failed\n");
    assert_eq!(inode(&path("gk00070e000001")), a);
    assert_eq!(inode(&path("gk00070e000002")), b);

    // One row changes: only its file is replaced.
    std::fs::write(
        dir.path().join("devices.csv"),
        "mac,UID\n00070e000001,1\n00070e000002,22\n",
    )
    .unwrap();
    let r = batch(dir.path(), &[]);
    assert_eq!(r.stderr, "batch: 2 compiled (1 unchanged), 0 failed\n");
    assert_eq!(inode(&path("gk00070e000001")), a);
    assert_ne!(inode(&path("gk00070e000002")), b);

    // A file changed behind our back is put right.
    std::fs::write(path("gk00070e000001"), b"#ata tampered").unwrap();
    let r = batch(dir.path(), &[]);
    assert_eq!(r.stderr, "batch: 2 compiled (1 unchanged), 0 failed\n");

    let r = batch(dir.path(), &["--force"]);
    assert_eq!(r.stderr, "batch: 2 compiled (0 unchanged), 0 failed\n");
    assert_eq!(out_files(dir.path()), ["gk00070e000001", "gk00070e000002"]);
}

#[cfg(unix)]
#[test]
fn strong_files_compare_by_their_decrypted_profile() {
    let key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    let dir = setup(TEMPLATE, "mac,UID\n00070e000001,1\n");
    std::fs::write(dir.path().join("x.key"), key).unwrap();
    std::fs::write(dir.path().join("y.key"), "abcdef").unwrap();
    let strong = dir.path().join("out/gk00070e000001.x");
    assert_eq!(batch(dir.path(), &["--xkey-file", "x.key"]).code, 0);
    assert_eq!(
        out_files(dir.path()),
        ["gk00070e000001", "gk00070e000001.x"]
    );
    let first = inode(&strong);

    let r = batch(dir.path(), &["--xkey-file", "x.key"]);
    assert_eq!(r.stderr, "batch: 1 compiled (1 unchanged), 0 failed\n");
    assert_eq!(inode(&strong), first);

    // Same profile, another key: the strong file must be rewritten.
    let r = batch(dir.path(), &["--xkey-file", "y.key"]);
    assert_eq!(r.stderr, "batch: 1 compiled (0 unchanged), 0 failed\n");
    assert_ne!(inode(&strong), first);
    let plain = std::fs::read(dir.path().join("out/gk00070e000001")).unwrap();
    let opts = DecodeOptions {
        strong_key: Some(cfgfmt::crypto::StrongKey::from_text("abcdef")),
        ..DecodeOptions::default()
    };
    let text = decode(&std::fs::read(&strong).unwrap(), &table_7912(), &opts).unwrap();
    assert!(String::from_utf8(text.text).unwrap().contains("UID:1\n"));
    assert!(plain.starts_with(b"#ata"));
}

#[cfg(unix)]
#[test]
fn per_row_encryption_keys() {
    let key_ex = "0123456789abcdef0123456789abcdef";
    let dir = setup(
        TEMPLATE,
        &format!(
            "mac,UID,EncryptKey,EncryptKeyEx\n00070e000001,1,abcd1234,\n00070e000002,2,,{key_ex}\n"
        ),
    );
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        out_files(dir.path()),
        ["gk00070e000001", "gk00070e000002", "gk00070e000002.x"]
    );
    let weak = std::fs::read(dir.path().join("out/gk00070e000001")).unwrap();
    assert!(
        !weak.starts_with(b"#ata"),
        "the row's EncryptKey encrypts its profile"
    );
    assert!(decoded(&dir.path().join("out/gk00070e000001"), Some("abcd1234")).contains("UID:1\n"));
    assert!(decoded(&dir.path().join("out/gk00070e000002"), None).contains("UID:2\n"));

    // The strong file's key comes from the row: a re-run keeps it.
    let strong = dir.path().join("out/gk00070e000002.x");
    let before = inode(&strong);
    let r = batch(dir.path(), &[]);
    assert_eq!(r.stderr, "batch: 2 compiled (2 unchanged), 0 failed\n");
    assert_eq!(inode(&strong), before);

    // --key-file overrides every row's own key.
    std::fs::write(dir.path().join("k.key"), "99887766\n").unwrap();
    assert_eq!(batch(dir.path(), &["--key-file", "k.key"]).code, 0);
    assert!(decoded(&dir.path().join("out/gk00070e000001"), Some("99887766")).contains("UID:1\n"));
}

#[test]
fn omit_sensitive_leaves_passwords_out() {
    let dir = setup(TEMPLATE, "mac,UID,PWD\n00070e000001,1,secret\n");
    assert_eq!(batch(dir.path(), &["-g"]).code, 0);
    let text = decoded(&dir.path().join("out/gk00070e000001"), None);
    assert!(!text.contains("PWD") && !text.contains("UID:"), "{text}");
    assert!(text.contains("Proxy:sip.example.net"));
}

#[test]
fn json_summary_on_stdout() {
    let dir = setup(TEMPLATE, "mac,UID\n00070e000001,1\nbad,2\n");
    let r = batch(dir.path(), &["--json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["refused"], false);
    assert_eq!(v["written"], 1);
    assert_eq!(v["compiled"], 1);
    assert_eq!(v["failed"], 1);
    assert_eq!(v["rows"][0]["status"], "written");
    assert_eq!(v["rows"][0]["mac"], "00070e000001");
    assert_eq!(v["rows"][0]["files"][0], "gk00070e000001");
    assert_eq!(v["rows"][1]["status"], "failed");
    assert_eq!(v["rows"][1]["line"], 3);
    assert!(
        v["rows"][1]["messages"][0]
            .as_str()
            .unwrap()
            .contains("line 3, column mac")
    );
}

#[test]
fn error_diagnostics_fail_the_row() {
    // An obsolete-format tone that does not parse: the original wrote zeros, batch refuses.
    let dir = setup(
        "#txt\nUseTftp:1\n",
        "mac,DialToneFreq\n00070e000001,350\n00070e000002,\n",
    );
    std::fs::write(dir.path().join("ptag.dat"), builtin("ata186").unwrap().text).unwrap();
    let r = run(
        dir.path(),
        &[
            "-t",
            "ptag.dat",
            "--template",
            "common.txt",
            "--devices",
            "devices.csv",
            "--out",
            "out",
            "--prefix",
            "ata",
            "-q",
        ],
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error: invalid tone specification (line 2 of devices.csv, column DialToneFreq)\n\
         warning: DialToneFreq at line 2 of devices.csv, column DialToneFreq: stored 18 zero bytes \
         (cfgfmt 2.3 would store leftover bytes of an earlier value)\n\
         batch: 1 compiled (0 unchanged), 1 failed\n"
    );
    assert_eq!(out_files(dir.path()), ["ata00070e000002"]);
}

#[test]
fn library_check_compiles_without_writing() {
    let table = table_7912();
    let opts = CompileOptions {
        protocols: cfgfmt::table::Protocols::ALL,
        ..CompileOptions::default()
    };
    let template = Template::from_bytes(
        GK60.as_bytes(),
        "gkdefault-60.txt",
        Path::new("gkdefault-60.txt"),
        &mut NoIncludes,
        &table,
        &opts,
    )
    .unwrap();
    // The template compiles cleanly; any diagnostic would be one of our notes on what
    // cfgfmt 2.3 would have done.
    assert!(
        template.diagnostics().iter().all(|d| matches!(
            &d.kind,
            cfgfmt::diag::DiagKind::ValueNote { text, .. } if text.contains("(cfgfmt 2.3 would ")
        )),
        "{:?}",
        template.diagnostics()
    );
    let devices = Devices::parse(
        b"mac,UID,DisplayName\n00070e000001,1,A\n00070e000002,2,B\n",
        "devices.csv",
        &table,
        cfgfmt::table::Protocols::ALL,
    )
    .unwrap();
    assert_eq!(devices.len(), 2);
    let batch = Batch::new(
        &table,
        template,
        devices,
        BatchOptions {
            compile: opts,
            prefix: Prefix::Ld,
            force: false,
            durability: cfgfmt::io::Durability::Rename,
        },
    );
    let report = batch.check(&NoProgress);
    assert!(report.rows.iter().all(|r| r.status == RowStatus::Checked));
    assert_eq!(report.rows[1].files, ["ld00070e000002"]);
    assert_eq!(report.rows[1].line, 3);
    assert_eq!(
        report.summary(),
        "batch: 2 compiled (0 unchanged), 0 failed"
    );

    let dir = tempfile::tempdir().unwrap();
    let report = batch.run(&dir.path().join("tftp"), &NoProgress).unwrap();
    assert_eq!(report.counts().written, 2);
    assert!(dir.path().join("tftp/ld00070e000001").is_file());
}

#[test]
fn library_rejects_unknown_columns_for_another_table() {
    // UID is a 7912 parameter, not an ATA one.
    let err = Devices::parse(
        b"mac,UID\n",
        "d.csv",
        &table_ata(),
        cfgfmt::table::Protocols::ALL,
    )
    .unwrap_err();
    // The front end leads every error with `error: `; the message says what went wrong.
    assert_eq!(
        format!("error: {err}"),
        "error: d.csv: column \"UID\" (column 2) is not a parameter of the table, nor a \
         compiler keyword; no device compiled"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever the devices file holds, parsing and compiling it reports, never panics.
    #[test]
    fn any_devices_bytes_are_handled(
        body in proptest::collection::vec(
            proptest::sample::select(&b"0123456789abcdefABCDEF:-.,\"\n\r \t\0xq"[..]),
            0..400,
        ),
        header in proptest::sample::select(vec![
            "mac,UID,PWD\n", "MAC\n", "mac,DisplayName,SIPPort,EncryptKey\n", "UID\n", "",
        ]),
    ) {
        let table = table_7912();
        let bytes = [header.as_bytes(), &body].concat();
        if let Ok(devices) = Devices::parse(&bytes, "d.csv", &table, cfgfmt::table::Protocols::ALL) {
            let template = Template::from_bytes(
                TEMPLATE.as_bytes(),
                "t.txt",
                Path::new("t.txt"),
                &mut NoIncludes,
                &table,
                &CompileOptions::default(),
            )
            .unwrap();
            let rows = devices.len();
            let batch = Batch::new(
                &table,
                template,
                devices,
                BatchOptions {
                    compile: CompileOptions::default(),
                    prefix: Prefix::None,
                    force: false,
            durability: cfgfmt::io::Durability::Rename,
                },
            );
            let report = batch.check(&NoProgress);
            proptest::prop_assert_eq!(report.rows.len(), rows);
        }
    }
}

/// A new output folder appears whole: the devices that compiled, nothing for the row that
/// failed, and nothing left beside it (the staging folder is gone), with or without --sync.
/// An existing folder keeps the files that are not ours.
#[test]
fn new_folder_appears_whole_and_existing_files_survive() {
    let dir = setup(
        TEMPLATE,
        "mac,UID\n00070e000001,1\nnot-a-mac,2\n00070e000003,3\n",
    );
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(out_files(dir.path()), ["gk00070e000001", "gk00070e000003"]);
    let mut beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(beside, ["common.txt", "devices.csv", "out"]);

    std::fs::write(dir.path().join("out/keep.txt"), b"not ours").unwrap();
    let r = batch(dir.path(), &["--force", "--sync"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        out_files(dir.path()),
        ["gk00070e000001", "gk00070e000003", "keep.txt"]
    );
    assert_eq!(
        std::fs::read(dir.path().join("out/keep.txt")).unwrap(),
        b"not ours"
    );

    // A nested folder whose parents are missing, flushed.
    let args: Vec<&str> = BASE_ARGS
        .iter()
        .map(|a| if *a == "out" { "a/b/out" } else { a })
        .chain(["--sync"])
        .collect();
    let r = run(dir.path(), &args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let nested: Vec<_> = std::fs::read_dir(dir.path().join("a/b"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(nested, ["out"]);
    assert!(dir.path().join("a/b/out/gk00070e000003").is_file());
}

/// An output folder that cannot be made is a fatal error naming it; nothing is touched.
#[cfg(unix)]
#[test]
fn new_folder_under_a_file_is_fatal() {
    let dir = setup(TEMPLATE, "mac,UID\n00070e000001,1\n");
    // The parent is a file: the folder can be made neither there nor beside it.
    std::fs::write(dir.path().join("file"), b"x").unwrap();
    let args: Vec<&str> = BASE_ARGS
        .iter()
        .map(|a| if *a == "out" { "file/out" } else { a })
        .collect();
    let r = run(dir.path(), &args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("file/out"), "{}", r.stderr);
    assert_eq!(std::fs::read(dir.path().join("file")).unwrap(), b"x");
}

/// Creates the output folder, with a file of its own, once every row is compiled and
/// staged, as another program could while a run writes.
struct Intruder<'a>(&'a Path);
impl cfgfmt::batch::Progress for Intruder<'_> {
    fn finish(&self) {
        std::fs::create_dir(self.0).unwrap();
        std::fs::write(self.0.join("theirs"), b"keep").unwrap();
    }
}

#[test]
fn library_new_folder_taken_meanwhile_is_left_alone() {
    let table = table_7912();
    let opts = CompileOptions::default();
    let template = Template::from_bytes(
        TEMPLATE.as_bytes(),
        "common.txt",
        Path::new("common.txt"),
        &mut NoIncludes,
        &table,
        &opts,
    )
    .unwrap();
    let devices = Devices::parse(
        b"mac,UID\n00070e000001,1\nbad,2\n",
        "devices.csv",
        &table,
        cfgfmt::table::Protocols::ALL,
    )
    .unwrap();
    let batch = Batch::new(
        &table,
        template,
        devices,
        BatchOptions {
            compile: opts,
            prefix: Prefix::Gk,
            force: false,
            durability: cfgfmt::io::Durability::Rename,
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tftp");
    let report = batch.run(&out, &Intruder(&out)).unwrap();
    assert_eq!(report.counts().written, 0);
    assert_eq!(report.counts().failed, 2);
    assert!(
        report.rows[0].messages[0].contains("can't move the new files into")
            && report.rows[0].messages[0].contains("tftp"),
        "{:?}",
        report.rows[0].messages
    );
    let names = |p: &Path| -> Vec<String> {
        std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(names(&out), ["theirs"]);
    assert_eq!(names(dir.path()), ["tftp"]);
}

/// `--out missing/..` names the folder above a missing one: it is filled file by file, as
/// before new folders were staged (a staging folder cannot be renamed onto `..`).
#[test]
fn out_ending_in_dot_dot_writes_into_the_folder_it_names() {
    let dir = setup(TEMPLATE, "mac,UID\n00070e000001,1\n");
    let args: Vec<&str> = BASE_ARGS
        .iter()
        .map(|a| if *a == "out" { "missing/.." } else { a })
        .collect();
    let r = run(dir.path(), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(dir.path().join("gk00070e000001").is_file());
    assert!(dir.path().join("missing").is_dir());
}

/// Entries of `dir` named like our temporary files.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".cfgfmt-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Issue 19.7: SIGINT or SIGTERM in the middle of a large run, into an existing TFTP root
/// and into a new folder: exit 130, a message that says how far it got and that nothing was
/// written, and no temporary file or staging folder left.
#[cfg(unix)]
#[test]
fn interrupted_batch_stops_cleanly() {
    let mut devices = String::from("mac,UIPassword\n");
    for i in 0..60_000u32 {
        devices.push_str(&format!("0011{i:08x},p{i}\n"));
    }
    for (signal, new_folder) in [("-INT", false), ("-TERM", true)] {
        let dir = setup("#txt\nDisplayName:\"x\"\n", &devices);
        let out = if new_folder { "new" } else { "out" };
        if !new_folder {
            std::fs::create_dir(dir.path().join("out")).unwrap();
            std::fs::write(dir.path().join("out/gkdefault.cfg"), b"old").unwrap();
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
            .args([
                "batch",
                "--table",
                "builtin:7912",
                "--template",
                "common.txt",
            ])
            .args([
                "--devices",
                "devices.csv",
                "--prefix",
                "gk",
                "--quiet",
                "--out",
                out,
            ])
            .current_dir(dir.path())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until it is writing: its temporary files are there.
        let watched = if new_folder {
            dir.path().to_path_buf()
        } else {
            dir.path().join("out")
        };
        let started = std::time::Instant::now();
        while temporaries(&watched).is_empty() && started.elapsed().as_secs() < 60 {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        if child.try_wait().unwrap().is_some() {
            println!("SKIP: the run ended before it could be interrupted");
            return;
        }
        let ok = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(130), "{err}");
        assert!(
            err.contains("error: interrupted after compiling ")
                && err.contains(" of 60000 devices: no profile written"),
            "{err}"
        );
        assert!(
            temporaries(&watched).is_empty(),
            "{:?}",
            temporaries(&watched)
        );
        if new_folder {
            assert!(!dir.path().join("new").exists());
        } else {
            assert_eq!(out_files(dir.path()), ["gkdefault.cfg"]);
        }
    }
}

/// Issue 19.7: what a killed run (no handler ran) left is removed by the next run; a
/// running process's files and names not of our form stay.
#[cfg(target_os = "linux")]
#[test]
fn leftovers_of_a_killed_run_are_removed_by_the_next() {
    let dir = setup("#txt\nDisplayName:\"x\"\n", "mac\n001122334455\n");
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let dead = "4194305"; // above any pid_max
    std::fs::write(dir.path().join(format!("out/.cfgfmt-{dead}-aB3xYz")), b"x").unwrap();
    std::fs::write(dir.path().join("out/.cfgfmt-1-aB3xYz"), b"x").unwrap();
    std::fs::write(dir.path().join("out/.cfgfmt-aB3xYz"), b"x").unwrap();
    let r = batch(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "batch: removed 1 leftover temporary file(s) of an earlier run that was killed"
        ),
        "{}",
        r.stderr
    );
    let mut left = temporaries(&dir.path().join("out"));
    left.sort();
    assert_eq!(left, [".cfgfmt-1-aB3xYz", ".cfgfmt-aB3xYz"]);
}
