//! The assistant's subcommands as users type them: exit statuses, JSON, the upgradecode
//! line and its in-place edit, and snapshots of doctor's human report.
use crate::assist_fixtures;
use crate::pkg_fixtures;

use assist_fixtures::*;
use pkg_fixtures::*;
use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const README_LINE: &str =
    "upgradecode:3,0x601,0x0400,0x0100,0.0.0.0,69,0x060111a,CP7912080000SIP060111A.sbin";

// ---------------------------------------------------------------- doctor

#[test]
fn doctor_exit_status() {
    let dir = clean_7912().write();
    let o = run(dir.path(), &["doctor", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert_eq!(out(&o), ".: no findings\n");
    // Error findings: 1.
    let mut fx = clean_7912();
    fx.remove(SIP_IMAGE_7912);
    let dir = fx.write();
    let o = run(dir.path(), &["doctor", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).starts_with("error[upgradecode-image-missing] gkdefault.cfg (R32)"));
    // Warnings and info only: 0.
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "P003-8-12-00 \r\n");
    let dir = fx.write();
    assert_eq!(run(dir.path(), &["doctor", "."]).status.code(), Some(0));
    // No folder: 2.
    let o = run(dir.path(), &["doctor", "no-such-dir"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).starts_with("error: cannot read folder no-such-dir"));
}

#[test]
fn doctor_json() {
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "P003-8-12-00.bin\n");
    let dir = fx.write();
    let o = run(dir.path(), &["doctor", "--json", "."]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["errors"], 1);
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "R4");
    assert_eq!(f["code"], "os79xx-has-bin-suffix");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], "OS79XX.TXT");
    assert_eq!(f["location"]["line"], 1);
    for k in ["message", "why", "fix"] {
        assert!(f[k].as_str().is_some_and(|s| !s.is_empty()), "{k}");
    }
}

/// The README's folder made with the command line: `cfgfmt-rs -tbuiltin:7912 gkdefault.txt
/// gkdefault.cfg` next to the image. Clean, except that the compiler's atomic write may leave
/// gkdefault.cfg readable by its owner only — which a TFTP server running as another user
/// cannot serve, and doctor says so.
#[test]
fn readme_folder_made_with_the_cli() {
    let mut fx = clean_7912();
    fx.remove("gkdefault.cfg");
    let dir = fx.write();
    let o = run(
        dir.path(),
        &["-tbuiltin:7912", "gkdefault.txt", "gkdefault.cfg"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        std::fs::read(dir.path().join("gkdefault.cfg")).unwrap(),
        GOLDEN_CFG
    );
    let r = run_doctor(dir.path());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("gkdefault.cfg"))
            .unwrap()
            .permissions()
            .mode();
        if mode & 0o004 == 0 {
            assert_eq!(checks(&r), ["not-world-readable"], "{}", r.render_text());
            return;
        }
    }
    assert_eq!(checks(&r), Vec::<String>::new(), "{}", r.render_text());
}

#[test]
fn doctor_report_snapshots() {
    // A 7940 SIP folder with four mistakes at once.
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "P003-8-12-00.sbn\r\n")
        .rename(
            &format!("SIP{MAC}.cnf"),
            &format!("sip{}.cnf", MAC.to_lowercase()),
        )
        .set(
            &format!("SEP{MAC}.cnf.xml"),
            "<device>\n<loadInformation>P0030801SR02</loadInformation>\n</device>\n",
        );
    fx.remove("ringer2.pcm");
    let r = fx.doctor();
    insta::assert_snapshot!("doctor_7940_mistakes", r.render_text());
    insta::assert_snapshot!("doctor_7940_mistakes_json", r.to_json());
    // A 7912G folder whose gkdefault.txt was edited by hand and not compiled again, and whose
    // upgradecode date code is wrong.
    let mut fx = clean_7912();
    let txt = example_with_upgradecode(
        "upgradecode:3,0x601,0x0400,0x0100,0.0.0.0,69,0x060111b,CP7912080000SIP060111A.sbin",
    );
    fx.set("gkdefault.cfg", compile_gk(&txt));
    fx.set("gkdefault.txt", txt.replace("Lobby phone", "Front desk"));
    let r = fx.doctor();
    insta::assert_snapshot!("doctor_7912_mistakes", r.render_text());
}

/// Issue 19.4: errors come first, and --severity / --check narrow the report (the exit
/// status follows what is shown); an unknown check is an error naming near ones.
#[test]
fn doctor_orders_by_severity_and_filters() {
    let mut fx = clean_7912();
    let txt = example_with_upgradecode(
        "upgradecode:3,0x601,0x0400,0x0100,0.0.0.0,69,0x060111b,CP7912080000SIP060111A.sbin",
    );
    fx.set("gkdefault.cfg", compile_gk(&txt));
    fx.set("gkdefault.txt", txt.replace("Lobby phone", "Front desk"));
    let dir = fx.write();
    let d = dir.path().to_str().unwrap();
    let all = out(&run(dir.path(), &["doctor", d]));
    let error = all.find("error[upgradecode-date-mismatch]").unwrap();
    let warning = all.find("warning[gkdefault-stale]").unwrap();
    assert!(error < warning, "{all}");
    let o = run(dir.path(), &["doctor", d, "--check", "gkdefault-stale"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("warning[gkdefault-stale]"));
    assert!(
        !out(&o).contains("upgradecode-date-mismatch"),
        "{}",
        out(&o)
    );
    let o = run(dir.path(), &["doctor", d, "--severity", "error", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["warnings"], 0);
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    let o = run(dir.path(), &["doctor", d, "--check", "gkdefault"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--check \"gkdefault\" is no doctor check; did you mean"),
        "{err}"
    );
    assert!(err.contains("gkdefault-stale"), "{err}");
    // lint's checks are doctor's too (doctor runs lint); a near miss gets its name.
    let o = run(dir.path(), &["doctor", d, "--check", "value-out-of-range"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let o = run(dir.path(), &["doctor", d, "--check", "value-out-of-rang"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("did you mean value-out-of-range"), "{err}");
}

// ---------------------------------------------------------------- plan

#[test]
fn plan_command() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        dir.path(),
        &["plan", "--from", "SIP-8.12", "--to", "SCCP-6.0(2)"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("          image_version: P00306000200\n"));
    let o = run(
        dir.path(),
        &[
            "plan",
            "--from",
            "P0S3-8-12-00",
            "--to",
            "P00306000200",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["stages"][0]["method"], "config-image");
    assert_eq!(v["stages"][0]["rules"][0], "R19");
    // R7 refusal.
    let o = run(
        dir.path(),
        &["plan", "--from", "SIP-7.4", "--to", "SCCP-4.1(1)"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).starts_with("error: R7: "), "{}", err(&o));
    let o = run(
        dir.path(),
        &[
            "plan",
            "--from",
            "SIP-7.4",
            "--to",
            "SCCP-8.1(2)",
            "--model",
            "7999",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("--model"));
    // --via fills an intermediate load.
    let o = run(
        dir.path(),
        &[
            "plan",
            "--from",
            "SIP-4.4",
            "--to",
            "SCCP-8.1(2)",
            "--via",
            "SCCP-6.3(1)",
        ],
    );
    assert!(
        out(&o).contains("\n          P00306030100\n"),
        "{}",
        out(&o)
    );
    assert!(!out(&o).contains("Fill in"));
}

// ---------------------------------------------------------------- upgradecode

#[test]
fn upgradecode_prints_the_readme_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(SIP_IMAGE_7912), small_sbin()).unwrap();
    let o = run(dir.path(), &["upgradecode", SIP_IMAGE_7912]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), format!("{README_LINE}\n"));
    // The example profile carries exactly this line.
    assert!(EXAMPLE_TXT.lines().any(|l| l == README_LINE));
    let o = run(
        dir.path(),
        &["upgradecode", SIP_IMAGE_7912, "--tftp", "192.168.1.10"],
    );
    assert_eq!(
        out(&o),
        "upgradecode:3,0x601,0x0400,0x0100,192.168.1.10,69,0x060111a,CP7912080000SIP060111A.sbin\n"
    );
    let o = run(
        dir.path(),
        &["upgradecode", SIP_IMAGE_7912, "--tftp", "1.2.3"],
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn upgradecode_for_ata_and_7905() {
    let dir = tempfile::tempdir().unwrap();
    let ata = "ATA030100SIP040211A.zup";
    let kup = build_kup(
        0x301,
        0x400,
        0x0301,
        &[KupRegion {
            dest: 0,
            data: vec![1, 2, 3, 4],
            compress: false,
        }],
        b"ATA4",
        true,
    );
    std::fs::write(dir.path().join(ata), kup).unwrap();
    let o = run(dir.path(), &["upgradecode", ata]);
    assert_eq!(
        out(&o),
        "upgradecode:3,0x301,0x0400,0x0200,0.0.0.0,69,0x040211a,ATA030100SIP040211A.zup\n",
        "{}",
        err(&o)
    );
    let img = "CP7905080003SCCP070409A.sbin";
    std::fs::write(dir.path().join(img), sbin(img, 0x501)).unwrap();
    let o = run(dir.path(), &["upgradecode", img]);
    assert_eq!(
        out(&o),
        format!("upgradecode:3,0x501,0x0400,0x0100,0.0.0.0,69,0x070409a,{img}\n")
    );
}

#[test]
fn upgradecode_refuses_what_it_cannot_vouch_for() {
    let dir = tempfile::tempdir().unwrap();
    // Name says 7905G, header says 7912G.
    let img = "CP7905080003SCCP070409A.sbin";
    std::fs::write(dir.path().join(img), sbin(img, 0x601)).unwrap();
    let o = run(dir.path(), &["upgradecode", img]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("kup1 header says 0x601"), "{}", err(&o));
    // Not a kup1 package.
    std::fs::write(dir.path().join("CP7912080000SIP060111A.sbin"), b"hello").unwrap();
    let o = run(dir.path(), &["upgradecode", "CP7912080000SIP060111A.sbin"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("not a kup1 package"), "{}", err(&o));
    // No date code in the name.
    std::fs::write(dir.path().join("image.sbin"), small_sbin()).unwrap();
    let o = run(dir.path(), &["upgradecode", "image.sbin"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("no date code"), "{}", err(&o));
    // Missing file.
    let o = run(dir.path(), &["upgradecode", "nope.sbin"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn upgradecode_write_replaces_the_line_then_doctor_is_clean() {
    // R18 in miniature: the folder's profile names the SIP image; switch it to the SCCP one.
    let sccp = "CP7912080004SCCP080108A.sbin";
    let mut fx = clean_7912();
    fx.set(sccp, sbin(sccp, 0x601));
    let dir = fx.write();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("gkdefault.txt"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
    }
    let o = run(
        dir.path(),
        &["upgradecode", sccp, "--write", "gkdefault.txt"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).contains("gkdefault.txt: upgradecode line replaced (line 7)"));
    let txt = std::fs::read_to_string(dir.path().join("gkdefault.txt")).unwrap();
    assert_eq!(
        txt,
        EXAMPLE_TXT.replace(
            README_LINE,
            "upgradecode:3,0x601,0x0400,0x0100,0.0.0.0,69,0x080108a,CP7912080004SCCP080108A.sbin"
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("gkdefault.txt"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640, "permissions kept");
    }
    // Not compiled yet: stale.
    assert_eq!(checks(&run_doctor(dir.path())), ["gkdefault-stale"]);
    std::fs::write(dir.path().join("gkdefault.cfg"), compile_gk(&txt)).unwrap();
    assert_eq!(checks(&run_doctor(dir.path())), Vec::<String>::new());
    // Again: unchanged.
    let o = run(
        dir.path(),
        &["upgradecode", sccp, "--write", "gkdefault.txt"],
    );
    assert!(err(&o).contains("already holds"), "{}", err(&o));
}

#[test]
fn upgradecode_write_adds_a_missing_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(SIP_IMAGE_7912), small_sbin()).unwrap();
    std::fs::write(dir.path().join("gk.txt"), "#txt\r\nUseTftp:1\r\n").unwrap();
    let o = run(
        dir.path(),
        &["upgradecode", SIP_IMAGE_7912, "--write", "gk.txt"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("gk.txt")).unwrap(),
        format!("#txt\r\nUseTftp:1\r\n{README_LINE}\r\n")
    );
    // Not a text profile: refused, file untouched.
    std::fs::write(dir.path().join("x.txt"), "UseTftp:1\n").unwrap();
    let o = run(
        dir.path(),
        &["upgradecode", SIP_IMAGE_7912, "--write", "x.txt"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("x.txt")).unwrap(),
        "UseTftp:1\n"
    );
}

#[test]
fn subcommands_are_listed_in_help() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["--help"]);
    for c in ["doctor", "plan", "upgradecode"] {
        assert!(out(&o).contains(c), "{c}");
    }
}
