//! Issue 19.8: messages that say what is wrong, where the tool used to point the wrong way.
use crate::pkg_fixtures::SgnBuilder;
use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o: Output = Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn compile_says_what_the_input_is_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let image = SgnBuilder::cisco("P0S3-8-12-00.sb2").build(&vec![0x5au8; 200_000]);
    std::fs::write(dir.path().join("P0S3-8-12-00.sb2"), image).unwrap();
    std::fs::write(
        dir.path().join("big.txt"),
        format!("#txt\n{}", "UIPassword:1\n".repeat(12_000)),
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    for (file, what) in [
        ("P0S3-8-12-00.sb2", "is a signed file"),
        ("big.txt", "is a text profile"),
    ] {
        let (code, _, err) = run(
            dir.path(),
            &["compile", "-t", "builtin:7912", file, "o.cfg"],
        );
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("error: bad input size "), "{err}");
        assert!(err.contains(&format!("note: {file} {what}")), "{err}");
        assert!(err.contains("at most 120000 bytes"), "{err}");
    }
    let (_, _, err) = run(dir.path(), &["-tbuiltin:7912", "empty.txt", "o.cfg"]);
    assert!(err.contains("note: empty.txt is empty (0 bytes)"), "{err}");
    assert!(!dir.path().join("o.cfg").exists());
}

#[test]
fn compile_recognises_a_byte_order_mark_and_a_missing_txt_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bom.txt"),
        b"\xEF\xBB\xBF#txt\nUIPassword:1\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("bare.txt"), "UIPassword:1\nUID:1\n").unwrap();
    for args in [
        &["compile", "-t", "builtin:7912", "bom.txt", "o.cfg"][..],
        &["-tbuiltin:7912", "bom.txt", "o.cfg"][..],
    ] {
        let (code, _, err) = run(dir.path(), args);
        assert_eq!(code, 1);
        assert!(
            err.contains("note: bom.txt starts with a UTF-8 byte-order mark"),
            "{err}"
        );
    }
    let (_, _, err) = run(
        dir.path(),
        &["compile", "-t", "builtin:7912", "bare.txt", "o.cfg"],
    );
    assert!(
        err.contains("note: bare.txt is text, but its first line is \"UIPassword:1\""),
        "{err}"
    );
}

#[test]
fn detached_t_value_is_explained_after_the_banner() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(dir.path(), &["-t", "sip_ptag7912.dat", "in.txt", "o.cfg"]);
    assert_eq!(code, 1);
    assert!(out.starts_with("cfgfmt version 2.3\nusage:"), "{out}");
    assert!(err.contains("write -tsip_ptag7912.dat (no space)"), "{err}");
}

#[test]
fn strip_of_an_unsigned_or_empty_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.bin"), [79u8; 64]).unwrap();
    std::fs::write(dir.path().join("empty.bin"), b"").unwrap();
    let (code, _, err) = run(dir.path(), &["strip", "x.bin", "o.bin"]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "nothing to strip from x.bin: it has no signed header: it is already unsigned"
        ),
        "{err}"
    );
    assert!(!err.contains("bad magic"), "{err}");
    let (_, _, err) = run(dir.path(), &["strip", "empty.bin", "o.bin"]);
    assert!(err.contains("empty.bin: it is empty"), "{err}");
    let (_, out, _) = run(dir.path(), &["inspect", "empty.bin"]);
    assert!(out.contains("hint: an empty file (0 bytes)"), "{out}");
    assert!(!out.contains("encrypted"), "{out}");
}

#[test]
fn batch_says_why_a_file_or_folder_fails_and_reads_semicolons() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.txt"), "#txt\nDisplayName:\"x\"\n").unwrap();
    std::fs::write(
        dir.path().join("semi.csv"),
        "mac;UIPassword;DisplayName\n001122334455;a;\"Desk 1, floor 2\"\n",
    )
    .unwrap();
    let base = ["batch", "--table", "builtin:7912", "--template", "t.txt"];
    let args = |devices: &'static str, out: &'static str| {
        let mut a = base.to_vec();
        a.extend([
            "--devices",
            devices,
            "--out",
            out,
            "--prefix",
            "gk",
            "--quiet",
        ]);
        a
    };
    let (code, _, err) = run(dir.path(), &args("nope.csv", "o"));
    assert_eq!(code, 1);
    assert!(
        err.contains("error: devices file nope.csv: can't open nope.csv for reading: No such file or directory"),
        "{err}"
    );
    let (code, _, err) = run(dir.path(), &args("semi.csv", "o"));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("semi.csv separates its fields with ';'"),
        "{err}"
    );
    let text = cfgfmt::profile::decode(
        &std::fs::read(dir.path().join("o/gk001122334455")).unwrap(),
        &cfgfmt::table::TagTable::parse(cfgfmt::table::builtin("7912").unwrap().text.as_bytes()).0,
        &Default::default(),
    )
    .unwrap();
    assert!(
        String::from_utf8_lossy(&text.text).contains("DisplayName:Desk 1, floor 2"),
        "{}",
        String::from_utf8_lossy(&text.text)
    );
}

/// A folder that refuses files: one line with the reason, not one line per device.
#[cfg(unix)]
#[test]
fn batch_into_an_unwritable_folder_is_one_error_with_its_reason() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(dir.path().join("t.txt"), "#txt\nDisplayName:\"x\"\n").unwrap();
    let mut devices = String::from("mac\n");
    for i in 0..1000u32 {
        devices.push_str(&format!("0011{i:08x}\n"));
    }
    std::fs::write(dir.path().join("d.csv"), devices).unwrap();
    for f in ["t.txt", "d.csv"] {
        std::fs::set_permissions(dir.path().join(f), std::fs::Permissions::from_mode(0o644))
            .unwrap();
    }
    std::fs::create_dir(dir.path().join("ro")).unwrap();
    std::fs::set_permissions(
        dir.path().join("ro"),
        std::fs::Permissions::from_mode(0o555),
    )
    .unwrap();
    // Root writes anyway: run as nobody where we are root.
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    });
    let mut cmd = if root {
        if Command::new("setpriv").arg("--help").output().is_err() {
            println!("SKIP: running as root without setpriv");
            return;
        }
        let mut c = Command::new("setpriv");
        c.args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_cfgfmt-rs"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
    };
    let o = cmd
        .args(["batch", "--table", "builtin:7912", "--template", "t.txt"])
        .args([
            "--devices",
            "d.csv",
            "--out",
            "ro",
            "--prefix",
            "gk",
            "--quiet",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: cannot write into the output folder ")
            && err.contains("Permission denied")
            && err.contains("no profile written"),
        "{err}"
    );
    assert!(!err.contains(".cfgfmt-"), "{err}");
}
