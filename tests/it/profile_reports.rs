//! Snapshots of what `inspect` (text and JSON) and `dump` show for plain, encrypted, split
//! and damaged profiles from both built-in tables.

use std::path::Path;
use std::process::Command;

use cfgfmt::profile::{CompileOptions, compile};
use cfgfmt::table::{BUILTIN_TABLES, TagTable};
use cfgfmt::text::NoIncludes;

const ATA_PROFILE: &str = "#txt\nupgradecode:3,0x301,0x0400,0x0200,192.0.2.170,69,0x020514a,ata18x-v2-15-020927a.zup\nUIPassword:1234\nUseTftp:1\nDialTone:2,31538,30831,1380,1740,1,0,0,1000\nGkOrProxy:10.0.0.2\nSIPPort:5060\nDisplayName0:Front desk\n";

fn fixture_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ata = TagTable::parse(BUILTIN_TABLES[0].text.as_bytes()).0;
    let base = CompileOptions {
        output_name: "split.cfg".into(),
        ..CompileOptions::default()
    };
    let put = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
    let files = |opts: &CompileOptions| {
        compile(
            ATA_PROFILE.as_bytes(),
            Path::new("p"),
            &mut NoIncludes,
            &ata,
            opts,
        )
        .unwrap()
        .files
    };
    put("ata.cfg", &files(&base)[0].bytes);
    put(
        "weak.cfg",
        &files(&CompileOptions {
            weak_key: Some(cfgfmt::crypto::WeakKey::from_text("abcd")),
            ..base.clone()
        })[0]
            .bytes,
    );
    put(
        "strong.cfg.x",
        &files(&CompileOptions {
            strong_key: Some(cfgfmt::crypto::StrongKey::from_text("00112233")),
            rand8: Some([1, 2, 3, 4, 5, 6, 7, 8]),
            ..base.clone()
        })[1]
            .bytes,
    );
    let split = files(&CompileOptions {
        force_split: true,
        ..base.clone()
    });
    put("split.cfg", &split[0].bytes);
    put("split.cfg.ex", &split[1].bytes);
    let mut damaged = files(&base)[0].bytes.clone();
    damaged[8] ^= 0x40; // checksum
    damaged.truncate(damaged.len() - 3);
    put("damaged.cfg", &damaged);
    put(
        "gkdefault.cfg",
        include_bytes!("../../testdata/golden/gkdefault.cfg"),
    );
    put("weak.key", b"abcd\n");
    put("strong.key", b"00112233\n");
    dir
}

fn run(dir: &Path, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    format!(
        "exit {}\n{}{}",
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn reports() {
    let dir = fixture_dir();
    let d = dir.path();
    let cases: &[(&str, &[&str])] = &[
        ("inspect_ata", &["inspect", "ata.cfg"]),
        ("inspect_ata_json", &["inspect", "--json", "ata.cfg"]),
        (
            "inspect_ata_secrets",
            &["inspect", "--show-secrets", "ata.cfg"],
        ),
        ("inspect_weak_without_key", &["inspect", "weak.cfg"]),
        (
            "inspect_weak",
            &["inspect", "--key-file", "weak.key", "weak.cfg"],
        ),
        (
            "inspect_strong",
            &["inspect", "--xkey-file", "strong.key", "strong.cfg.x"],
        ),
        ("inspect_split_base", &["inspect", "split.cfg"]),
        ("inspect_split_ex", &["inspect", "split.cfg.ex"]),
        ("inspect_damaged", &["inspect", "damaged.cfg"]),
        (
            "inspect_damaged_json",
            &["inspect", "--json", "damaged.cfg"],
        ),
        ("inspect_gkdefault", &["inspect", "gkdefault.cfg"]),
        ("dump_ata", &["dump", "--color", "never", "ata.cfg"]),
        (
            "dump_weak",
            &[
                "dump",
                "--color",
                "never",
                "--key-file",
                "weak.key",
                "weak.cfg",
            ],
        ),
        (
            "dump_strong",
            &[
                "dump",
                "--color",
                "never",
                "--xkey-file",
                "strong.key",
                "strong.cfg.x",
            ],
        ),
        ("dump_split", &["dump", "--color", "never", "split.cfg"]),
        ("dump_damaged", &["dump", "--color", "never", "damaged.cfg"]),
        (
            "dump_gkdefault",
            &["dump", "--color", "never", "gkdefault.cfg"],
        ),
        ("dump_raw", &["dump", "--raw", "ata.cfg"]),
        (
            "dump_show_secrets",
            &["dump", "--color", "never", "--show-secrets", "ata.cfg"],
        ),
        ("dump_colour", &["dump", "--color", "always", "damaged.cfg"]),
    ];
    for (name, args) in cases {
        insta::assert_snapshot!(*name, run(d, args));
    }
}

/// Issue 12: a `*ptag*.dat` beside the input is the table `inspect` and `dump` read a profile
/// with (Cisco's tree has `sip_ptag7912.dat` next to `gkdefault.cfg`), before any built-in.
#[test]
fn the_table_beside_the_input_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    let t7912 = &BUILTIN_TABLES[1];
    std::fs::write(tree.join("sip_ptag7912.dat"), t7912.text).unwrap();
    let table = TagTable::parse(t7912.text.as_bytes()).0;
    let profile = compile(
        b"#txt\nUIPassword:1234\n",
        Path::new("p"),
        &mut NoIncludes,
        &table,
        &CompileOptions::default(),
    )
    .unwrap();
    std::fs::write(tree.join("gkdefault.cfg"), &profile.files[0].bytes).unwrap();
    let inspect = run(dir.path(), &["inspect", "tree/gkdefault.cfg"]);
    assert!(
        inspect
            .lines()
            .nth(1)
            .unwrap()
            .ends_with("table tree/sip_ptag7912.dat"),
        "{inspect}"
    );
    let dump = run(
        dir.path(),
        &["dump", "--color", "never", "tree/gkdefault.cfg"],
    );
    assert!(dump.contains("table tree/sip_ptag7912.dat"), "{dump}");
    // -t still wins.
    let asked = run(
        dir.path(),
        &["inspect", "-tbuiltin:ata", "tree/gkdefault.cfg"],
    );
    assert!(asked.contains("table builtin:ata186"), "{asked}");
}

/// `inspect DIR --json` lists binary profiles in the one schema, with their records.
#[test]
fn a_folder_lists_binary_profiles_in_the_one_schema() {
    let dir = fixture_dir();
    let out = run(dir.path(), &["inspect", "--json", "."]);
    let json = out.split_once('\n').unwrap().1;
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let files = v["files"].as_array().unwrap();
    let ata = files.iter().find(|f| f["name"] == "ata.cfg").unwrap();
    assert_eq!(ata["kind"], "profile");
    assert_eq!(ata["details"]["records"][1]["name"], "UseTftp");
    assert_eq!(ata["details"]["header"]["checksum-ok"], true);
    let damaged = files.iter().find(|f| f["name"] == "damaged.cfg").unwrap();
    assert_eq!(damaged["findings"][0]["code"], "bad-checksum");
    assert_eq!(damaged["findings"][0]["location"]["offset"], 7);
    let gk = files.iter().find(|f| f["name"] == "gkdefault.cfg").unwrap();
    assert_eq!(gk["kind"], "profile");
    // A single file has the same schema.
    let one = run(dir.path(), &["inspect", "--json", "ata.cfg"]);
    let v: serde_json::Value = serde_json::from_str(one.split_once('\n').unwrap().1).unwrap();
    assert_eq!(v["files"][0]["details"]["records"][1]["name"], "UseTftp");
}
