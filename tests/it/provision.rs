//! `provision`: golden files per model and protocol, doctor on a provisioned root, the dry
//! run, apply, undo, refusal, `--only`/`--global`, kill-safety, bad inventories, import.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cfgfmt::device::ConfigKind;
use cfgfmt::provision::{Inventory, diff, params};

use crate::assist_fixtures::{MAC, sbin};
use crate::pkg_fixtures::{SgnBuilder, loads_body, sip812_set};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_cfgfmt-rs")
}

fn fleet_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/provision/fleet.csv")
}

/// A manifest in the 7940/7960 shape naming two files, and the files.
fn load_set(stem: &str) -> Vec<(String, Vec<u8>)> {
    let loader = format!("{stem}-ldr.sbn");
    let app = format!("{stem}-app.sb2");
    let loads = SgnBuilder::cisco(&format!("{stem}.loads")).build(&loads_body(&loader, &app, "X1"));
    vec![
        (format!("{stem}.loads"), loads),
        (loader.clone(), SgnBuilder::cisco(&loader).build(b"loader")),
        (app.clone(), SgnBuilder::cisco(&app).build(b"application")),
    ]
}

/// A TFTP root holding every load `fleet.csv` names.
fn root_with_loads() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // The release's own OS79XX.TXT stays out: provision writes it.
    let mut files: Vec<(String, Vec<u8>)> = sip812_set(0x200)
        .into_iter()
        .filter(|(n, _)| n != "OS79XX.TXT")
        .collect();
    for stem in [
        "P0030801SR02",
        "SIP41.9-4-2SR1-1S",
        "SIP41.8-5-4S",
        "SCCP11.9-4-2SR1-1S",
    ] {
        files.extend(load_set(stem));
    }
    files.push((
        "CP7912080000SIP060111A.sbin".into(),
        sbin("CP7912080000SIP060111A.sbin", 0x601),
    ));
    for (n, b) in files {
        std::fs::write(dir.path().join(n), b).unwrap();
    }
    dir
}

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every file of the root but the journal, with its bytes.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name() != ".cfgfmt-provision")
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn provision(root: &Path, csv: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "provision",
        csv.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args, root)
}

const PASSWORDS: &[&str] = &[
    "s3cret-1", "s3cret-2", "s3cret-3", "s3cret-4", "s3cret-5", "s3cret-6", "s3cret-7", "s3cret-8",
    "s3cret-9",
];

fn assert_no_password(out: &str) {
    for p in PASSWORDS {
        assert!(!out.contains(p), "a password in the output:\n{out}");
    }
}

/// Golden files, one per model and protocol of the fixture: text files as written, binary
/// profiles as our decoder reads them back.
#[test]
fn golden_files_per_model_and_protocol() {
    let inv = Inventory::load(&fleet_csv()).unwrap();
    let rendered = inv.render().unwrap();
    for f in rendered.files() {
        let shown = match f.kind {
            k if diff::file_params(k, &f.bytes).is_some()
                && (f.name.starts_with("gk")
                    || f.name.starts_with("ld")
                    || f.name.starts_with("ata")) =>
            {
                let kind = if f.name.starts_with("ata") {
                    ConfigKind::ProfileAta
                } else {
                    ConfigKind::Profile7905
                };
                let params = diff::profile_params(kind, &f.bytes).unwrap();
                params
                    .iter()
                    .map(|p| format!("{}:{}\n", p.key, p.value))
                    .collect::<String>()
            }
            _ => String::from_utf8(f.bytes.clone()).unwrap(),
        };
        insta::assert_snapshot!(format!("provision__{}", f.name.replace('.', "_")), shown);
    }
    assert_eq!(rendered.len(), 15);
}

/// Binary profiles decode to the inventory's values, for every profile row.
#[test]
fn profiles_decode_back_to_the_inventory() {
    let inv = Inventory::load(&fleet_csv()).unwrap();
    let rendered = inv.render().unwrap();
    for (file, kind, want) in [
        (
            "ld0014f28d0007",
            ConfigKind::Profile7905,
            &[
                ("UID", "2007"),
                ("PWD", "s3cret-7"),
                ("Proxy", "pbx.example.com"),
                ("TimeZone", "1"),
            ][..],
        ),
        (
            "gk0014f28d0006",
            ConfigKind::Profile7905,
            &[
                ("UID", "2006"),
                ("CallWaiting", "0"),
                ("ShortName", "Recep"),
            ][..],
        ),
        (
            "ata0014f28d0008",
            ConfigKind::ProfileAta,
            &[
                ("UID0", "2008"),
                ("UID1", "2009"),
                ("PWD1", "s3cret-9"),
                ("GkOrProxy", "pbx.example.com"),
            ][..],
        ),
    ] {
        let p = diff::profile_params(kind, &rendered.get(file).unwrap().bytes).unwrap();
        for (k, v) in want {
            assert_eq!(
                p.iter().find(|x| x.key == *k).map(|x| x.value.as_str()),
                Some(*v),
                "{file} {k}"
            );
        }
    }
    // The catalogue knows the tables' sensitive parameters.
    assert!(
        params::lookup(ConfigKind::Profile7905, "uipassword")
            .unwrap()
            .secret
    );
}

/// Every model of `fleet.csv`, and each with a load (the 7905G's and the ATA's too).
const LOADED_CSV: &str = "\
mac,model,protocol,number,password,display_name,proxy,proxy_port,load,timezone,ntp
*,,,,,,pbx.example.com,5060,P0S3-8-12-00,Europe/Paris,192.168.1.1
0014F28D0001,7960,sip,2001,s3cret-1,Front desk,,,,,
0014F28D0002,7940,sip,2002,s3cret-2,Lab,,,,,
0014F28D0003,7941,sip,2003,s3cret-3,Hall,,,SIP41.9-4-2SR1-1S,,
0014F28D0004,7961,sip,2004,s3cret-4,Office,,,SIP41.8-5-4S,America/New_York,
0014F28D0005,7960,sccp,,,,10.0.0.5,2000,P0030801SR02,,
0014F28D0006,7911,sccp,,,,10.0.0.5,2000,SCCP11.9-4-2SR1-1S,,
0014F28D0007,7912,sip,2007,s3cret-7,Reception,,,CP7912080000SIP060111A,,
0014F28D0008,7905,sip,2008,s3cret-8,Lobby,,,CP7905080000SIP060111A,,
0014F28D0009,ata186,sip,2009,s3cret-9,Fax,,,ATA030204SIP060104A,,
";

/// `doctor` reports no error, and `lint` of the root no finding, after provisioning every
/// model of the fixture (fleet.csv), and every model with its load (LOADED_CSV).
#[test]
fn doctor_finds_no_error_in_a_provisioned_root() {
    for (label, csv) in [("fleet.csv", None), ("loaded.csv", Some(LOADED_CSV))] {
        let root = root_with_loads();
        std::fs::write(
            root.path().join("CP7905080000SIP060111A.sbin"),
            sbin("CP7905080000SIP060111A.sbin", 0x501),
        )
        .unwrap();
        std::fs::write(
            root.path().join("ATA030204SIP060104A.zup"),
            sbin("ATA030204SIP060104A.zup", 0x301),
        )
        .unwrap();
        let inv_dir = tempfile::tempdir().unwrap();
        let path = match csv {
            Some(text) => {
                let p = inv_dir.path().join(label);
                std::fs::write(&p, text).unwrap();
                p
            }
            None => fleet_csv(),
        };
        let before = snapshot(root.path());
        let o = provision(root.path(), &path, &["--apply"]);
        assert!(o.status.success(), "{label}: {}", text(&o));
        let written: Vec<String> = snapshot(root.path())
            .into_keys()
            .filter(|n| !before.contains_key(n))
            .collect();
        // Each device's own file is among those written.
        let inv = Inventory::load(&path).unwrap();
        for d in &inv.devices {
            let own = cfgfmt::provision::render::device_files(d)
                .into_iter()
                .find(|(_, k)| !k.is_shared())
                .unwrap()
                .0;
            assert!(written.contains(&own), "{label}: {own} not written");
        }
        let report = cfgfmt::assist::doctor::doctor(root.path(), &Default::default()).unwrap();
        let errors: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == cfgfmt::finding::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{label}: {}", report.render_text());
        // The one warning a mixed fleet gets: SIP and SCCP files side by side (R12).
        let warnings: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.severity == cfgfmt::finding::Severity::Warning)
            .map(|f| f.code.as_str())
            .collect();
        assert_eq!(
            warnings,
            ["both-protocol-configs"],
            "{label}: {}",
            report.render_text()
        );
        // lint of the root: no finding at all. It reads the text files (SIPDefault.cnf,
        // two SIP<MAC>.cnf, four SEP<MAC>.cnf.xml, XMLDefault.cnf.xml); the binary profiles
        // are linted as decoded text in src/provision/tests.rs.
        let lint = cfgfmt::lint::lint_paths(&[root.path().to_path_buf()]).unwrap();
        assert!(lint.findings.is_empty(), "{label}: {}", lint.render_text());
        assert_eq!(lint.files, 8, "{label}: {}", lint.render_text());
    }
}

#[test]
fn dry_run_apply_undo_and_refusal() {
    let root = root_with_loads();
    let r = root.path();
    // Cisco's own SIPDefault.cnf, hand-made: provision did not write it.
    let theirs = b"image_version: \"P0S3-8-12-00\"\nproxy1_address: \"10.0.0.1\"\n";
    std::fs::write(r.join("SIPDefault.cnf"), theirs).unwrap();
    let before = snapshot(r);

    let o = provision(r, &fleet_csv(), &[]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("replace SIPDefault.cnf (shared: 2 phones, not written by provision)"),
        "{out}"
    );
    assert!(
        out.contains("~ proxy1_address: 10.0.0.1 -> pbx.example.com"),
        "{out}"
    );
    assert!(
        out.contains("refused: 1 file(s) provision did not write"),
        "{out}"
    );
    assert!(out.contains("create  SIP0014F28DD38A.cnf"), "{out}");
    assert_no_password(&out);
    assert_eq!(snapshot(r), before, "a dry run wrote");

    let o = provision(r, &fleet_csv(), &["--apply"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(snapshot(r), before, "a refused apply wrote");

    let o = provision(r, &fleet_csv(), &["--apply", "--force"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_no_password(&text(&o));
    let after = snapshot(r);
    assert_ne!(after, before);
    assert_eq!(after.len(), before.len() + 14);

    // Nothing changed: counted, not listed.
    let o = provision(r, &fleet_csv(), &[]);
    assert!(
        text(&o).contains("0 files to change, 15 unchanged."),
        "{}",
        text(&o)
    );

    // A password and a proxy change: per parameter, the password masked.
    let csv = std::fs::read_to_string(fleet_csv())
        .unwrap()
        .replace("s3cret-3", "n3w-pass")
        .replace("pbx.example.com", "pbx2.example.com");
    let csv2 = r.join("..").join(format!(
        "{}-fleet2.csv",
        r.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&csv2, csv).unwrap();
    let o = provision(r, &csv2, &["--json"]);
    let out = text(&o);
    assert!(
        !out.contains("n3w-pass") && !out.contains("s3cret"),
        "{out}"
    );
    let o = provision(r, &csv2, &[]);
    let out = text(&o);
    assert!(out.contains("~ line1_password: changed (secret)"), "{out}");
    assert!(
        out.contains("~ proxy1_address: pbx.example.com -> pbx2.example.com"),
        "{out}"
    );
    let o = provision(r, &csv2, &["--apply"]);
    assert!(o.status.success(), "{}", text(&o));
    let after2 = snapshot(r);

    // Undo puts back exactly the bytes of the first apply.
    let o = run(&["provision", "--root", r.to_str().unwrap(), "--undo"], r);
    assert!(o.status.success(), "{}", text(&o));
    assert_no_password(&text(&o));
    assert_eq!(snapshot(r), after);
    // Undo of the undo re-applies.
    let o = run(&["provision", "--root", r.to_str().unwrap(), "--undo"], r);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(snapshot(r), after2);
    // An edit since the last apply: undo refused, then forced.
    std::fs::write(r.join("SIP0014F28DD38A.cnf"), b"hand edit\n").unwrap();
    let o = run(&["provision", "--root", r.to_str().unwrap(), "--undo"], r);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("changed since the last apply: SIP0014F28DD38A.cnf"),
        "{}",
        text(&o)
    );
    // The next plan refuses the hand-edited file.
    let o = provision(r, &csv2, &[]);
    assert!(text(&o).contains("refused"), "{}", text(&o));
    let o = run(
        &[
            "provision",
            "--root",
            r.to_str().unwrap(),
            "--undo",
            "--force",
        ],
        r,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(snapshot(r), after);
    let _ = std::fs::remove_file(csv2);
}

#[test]
fn only_holds_back_shared_files_without_global() {
    let root = root_with_loads();
    let r = root.path();
    assert!(provision(r, &fleet_csv(), &["--apply"]).status.success());
    let csv = std::fs::read_to_string(fleet_csv())
        .unwrap()
        .replace("pbx.example.com", "pbx2.example.com");
    let csv2 = r.join("fleet2.csv");
    std::fs::write(&csv2, csv).unwrap();
    let o = provision(r, &csv2, &["--only", "00:14:f2:8d:d3:8a"]);
    let out = text(&o);
    assert!(
        out.contains(
            "held back: SIPDefault.cnf would change and reaches 1 other phone; add --global"
        ),
        "{out}"
    );
    assert!(out.contains("replace SIP0014F28DD38A.cnf"), "{out}");
    assert!(
        !out.contains("gk0014f28d0006"),
        "another device's file: {out}"
    );
    let o = provision(r, &csv2, &["--only", "0014F28DD38A", "--apply"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        std::fs::read_to_string(r.join("SIPDefault.cnf"))
            .unwrap()
            .contains("\"pbx.example.com\"")
    );
    // With --global the dry run still says how far the shared file reaches.
    let o = provision(r, &csv2, &["--only", "0014F28DD38A", "--global"]);
    assert!(
        text(&o).contains("replace SIPDefault.cnf (shared: 2 phones, 1 outside --only)"),
        "{}",
        text(&o)
    );
    let o = provision(r, &csv2, &["--only", "0014F28DD38A", "--global", "--apply"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        std::fs::read_to_string(r.join("SIPDefault.cnf"))
            .unwrap()
            .contains("\"pbx2.example.com\"")
    );
    let o = provision(r, &csv2, &["--global"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "--global without --only is a usage error"
    );
}

#[test]
fn bad_inventories_write_nothing_and_name_the_row() {
    let root = root_with_loads();
    let r = root.path();
    let before = snapshot(r);
    let head = "mac,model,protocol,number,proxy,load";
    let good = "0014F28DD38A,7960,sip,2001,pbx,P0S3-8-12-00";
    for (row, want) in [
        (
            "0014F28D0001,7999,sip,2002,pbx,",
            "fleet.csv:3: column model: \"7999\" is not a model provision knows",
        ),
        (
            "0014F28D00ZZ,7960,sip,2002,pbx,",
            "fleet.csv:3: column mac: \"0014F28D00ZZ\" is not a MAC address",
        ),
        (
            "0014F28D0001,7960,sip,2002,pbx,P0S3-9-9-9",
            "fleet.csv:3: column load: \"P0S3-9-9-9\" is not complete",
        ),
        (
            "0014F28D0001,7960,sip,2002,pbx space,",
            "fleet.csv:3: column proxy: \"pbx space\" is not a host name",
        ),
        (
            "0014F28DD38A,7960,sip,2002,pbx,",
            "fleet.csv:3: column mac: 0014F28DD38A is also on line 2",
        ),
    ] {
        let csv = r.join("fleet.csv");
        std::fs::write(&csv, format!("{head}\n{good}\n{row}\n")).unwrap();
        let o = run(&["provision", "fleet.csv", "--root", ".", "--apply"], r);
        assert_eq!(o.status.code(), Some(1), "{row}: {}", text(&o));
        assert!(
            text(&o).contains(want),
            "{row}: want {want:?} in\n{}",
            text(&o)
        );
        std::fs::remove_file(&csv).unwrap();
        assert_eq!(snapshot(r), before, "{row}: something was written");
    }
    for (csv, want) in [
        (
            format!("{head},timer_registry_delta\n{good},5\n"),
            "column \"timer_registry_delta\" is neither a standard column nor a parameter of any file provision writes (did you mean timer_register_delta?)",
        ),
        (
            format!("{head},start_media_port\n{good},16348\n"),
            "fleet.csv:2: column start_media_port: 16348 is below 16384",
        ),
        (
            format!("{head},nat_enable\n{good},on\n"),
            "fleet.csv:2: column nat_enable: \"on\" is not 0 or 1",
        ),
        (
            format!("{head},line3_number\n{good},2003\n"),
            "fleet.csv:2: column line3_number: a 7940G",
        ),
        (
            format!("{head},timezone\n{good},Europe/Pariss\n"),
            "did you mean Europe/Paris?",
        ),
        (
            format!("{head},image_version\n{good},X\n"),
            "provision writes it from column load",
        ),
        // sntp_server takes a dotted IP (lint says so of what would be written).
        (
            format!("{head},ntp\n{good},ntp.example.com\n"),
            "fleet.csv:2: column ntp: \"ntp.example.com\" is not a dotted IP address",
        ),
        // A fleet value is held to the rules of the devices that take it.
        (
            format!("{head},ntp\n*,,,,,,ntp.example.com\n{good},\n"),
            "fleet.csv:2: column ntp: \"ntp.example.com\" is not a dotted IP address (a host name does not work here) (the fleet row's value, taken by the 7940G SIP on line 3)",
        ),
        // Line 1's label is the SIP XML phone's phoneLabel: 11 characters at most.
        (
            format!("{head},label\n{good},x\n0014F28D0009,7941,sip,2009,pbx,,Twelve chars\n"),
            "fleet.csv:3: column label: \"Twelve chars\" has 12 characters, more than 11",
        ),
    ] {
        let csv = csv.replace("0014F28DD38A,7960", "0014F28DD38A,7940");
        std::fs::write(r.join("fleet.csv"), csv).unwrap();
        let o = run(&["provision", "fleet.csv", "--root", ".", "--apply"], r);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        assert!(text(&o).contains(want), "want {want:?} in\n{}", text(&o));
        std::fs::remove_file(r.join("fleet.csv")).unwrap();
        assert_eq!(snapshot(r), before);
    }
    // A value longer than a binary profile's parameter holds: refused, row and column named
    // (cfgfmt would store it whole; the phone and Cisco's decoder keep 32 bytes).
    let long = "A display name of 40 bytes: far too long";
    for (csv, want) in [
        (
            format!("{head},display_name\n{good},x\n0014F28D0009,7912,sip,2009,pbx,,{long}\n"),
            "fleet.csv:3: gk0014f28d0009: DisplayName from the device's row (line 3, column display_name): 40 bytes, but the profile's DisplayName holds at most 32",
        ),
        (
            format!(
                "{head},DialPlan\n{good},\n0014F28D0009,7912,sip,2009,pbx,,{}\n",
                "9".repeat(201)
            ),
            "fleet.csv:3: column DialPlan: 201 bytes, but the profile's DialPlan holds at most 200",
        ),
    ] {
        std::fs::write(r.join("fleet.csv"), csv).unwrap();
        let o = run(&["provision", "fleet.csv", "--root", ".", "--apply"], r);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        assert!(text(&o).contains(want), "want {want:?} in\n{}", text(&o));
        std::fs::remove_file(r.join("fleet.csv")).unwrap();
        assert_eq!(snapshot(r), before);
    }
    // A column that does not apply to a row's model is a note, not an error.
    std::fs::write(
        r.join("fleet.csv"),
        format!("{head},CallWaiting\n{good},1\n"),
    )
    .unwrap();
    let o = run(&["provision", "fleet.csv", "--root", "."], r);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("column CallWaiting does not apply to a 7960G SIP"),
        "{}",
        text(&o)
    );
}

/// A kill at any moment of an apply, then the next run: the root is as before or as after.
#[test]
fn a_killed_apply_leaves_the_root_before_or_after() {
    use rand::Rng;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("many.csv");
    let mut text_csv = String::from("mac,model,protocol,number,password,proxy\n");
    for i in 0..200u32 {
        let model = ["7960", "7941", "7912", "ata186"][i as usize % 4];
        text_csv.push_str(&format!(
            "00AA{i:08X},{model},sip,{},pw{i},pbx.example.com\n",
            1000 + i
        ));
    }
    std::fs::write(&csv, &text_csv).unwrap();
    let csv_b = dir.path().join("many-b.csv");
    std::fs::write(
        &csv_b,
        text_csv.replace("pbx.example.com", "pbx-b.example.com"),
    )
    .unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    assert!(provision(&root, &csv, &["--apply"]).status.success());
    let state_a = snapshot(&root);
    assert!(provision(&root, &csv_b, &["--apply"]).status.success());
    let state_b = snapshot(&root);
    assert!(
        run(
            &["provision", "--root", root.to_str().unwrap(), "--undo"],
            &root
        )
        .status
        .success()
    );
    assert_eq!(snapshot(&root), state_a);
    // Kill within the time an apply takes (with a pause between its steps).
    let t = std::time::Instant::now();
    let o = Command::new(bin())
        .args([
            "provision",
            csv_b.to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
            "--apply",
        ])
        .env("CFGFMT_PROVISION_STEP_MS", "3")
        .output()
        .unwrap();
    assert!(o.status.success());
    // The kill window adapts: shorter after a kill that came too late (the apply had
    // finished), longer after one that came too early, so that kills land throughout.
    let mut span = t.elapsed().as_millis() as u64 + 2;
    assert!(
        run(
            &["provision", "--root", root.to_str().unwrap(), "--undo"],
            &root
        )
        .status
        .success()
    );
    let mut rng = rand::thread_rng();
    let (mut before, mut after, mut finished) = (0, 0, 0);
    for i in 0..40 {
        if i >= 16 && before > 1 && after > 1 {
            break;
        }
        let (from, to, csv_to) = if i % 2 == 0 {
            (&state_a, &state_b, &csv_b)
        } else {
            (&state_b, &state_a, &csv)
        };
        assert_eq!(&snapshot(&root), from);
        let mut child = Command::new(bin())
            .args([
                "provision",
                csv_to.to_str().unwrap(),
                "--root",
                root.to_str().unwrap(),
                "--apply",
            ])
            .env("CFGFMT_PROVISION_STEP_MS", "3")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(
            rng.gen_range(0..span.max(2)),
        ));
        let _ = child.kill();
        let _ = child.wait();
        let o = run(
            &["provision", "--root", root.to_str().unwrap(), "--recover"],
            &root,
        );
        assert!(o.status.success(), "{}", text(&o));
        if text(&o).contains("finished") {
            finished += 1;
        }
        let now = snapshot(&root);
        if &now == to {
            after += 1;
            span = span * 4 / 5;
        } else {
            assert_eq!(
                &now, from,
                "iteration {i}: the root is neither before nor after"
            );
            before += 1;
            span = span * 5 / 4 + 1;
            // Bring it to `to` for the next round.
            assert!(provision(&root, csv_to, &["--apply"]).status.success());
        }
        assert!(
            !root.join(".cfgfmt-provision/txn").exists()
                && !root.join(".cfgfmt-provision/txn.tmp").exists()
        );
    }
    println!(
        "killed applies: {before} left as before, {after} as after ({finished} finished by --recover)"
    );
    assert!(
        before > 0 && after > 0,
        "the kills did not land on both sides: {before}/{after}"
    );
}

#[test]
fn explain_names_the_source() {
    let root = root_with_loads();
    let o = provision(
        root.path(),
        &fleet_csv(),
        &["--explain", "00:14:f2:8d:d3:8a", "proxy"],
    );
    let out = text(&o);
    assert!(out.contains("SIPDefault.cnf proxy1_address = \"pbx.example.com\"  from the fleet row `*` (line 2, column proxy)"), "{out}");
    let o = provision(
        root.path(),
        &fleet_csv(),
        &["--explain", "0014F28DD38A", "password"],
    );
    let out = text(&o);
    assert!(
        out.contains("line1_password = \"***\"  from the device's row (line 3, column password)"),
        "{out}"
    );
    assert_no_password(&out);
    let o = provision(
        root.path(),
        &fleet_csv(),
        &["--explain", "0014F28D0002", "callForwardURI"],
    );
    assert!(
        text(&o).contains(
            "callForwardURI = \"x-cisco-serviceuri-cfwdall\"  from the catalogue's default"
        ),
        "{}",
        text(&o)
    );
}

/// An imported root gives an inventory that renders the same per-device files.
#[test]
fn import_reads_a_root_back_into_an_inventory() {
    let root = root_with_loads();
    let r = root.path();
    assert!(provision(r, &fleet_csv(), &["--apply"]).status.success());
    let out = r.join("..").join(format!(
        "{}-imported.csv",
        r.file_name().unwrap().to_string_lossy()
    ));
    let o = run(
        &[
            "provision",
            "--import",
            r.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        r,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("9 devices written to"), "{}", text(&o));
    assert_no_password(&text(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let inv = Inventory::load(&out).unwrap_or_else(|e| panic!("{e}"));
    let rendered = inv.render().unwrap();
    let original = Inventory::load(&fleet_csv()).unwrap().render().unwrap();
    for name in [
        "SEP0014F28D0002.cnf.xml",
        "gk0014f28d0006",
        "ata0014f28d0008",
        "SIP0014F28DD38A.cnf",
    ] {
        let (a, b) = (original.get(name).unwrap(), rendered.get(name).unwrap());
        let (pa, pb) = (
            diff::file_params(a.kind, &a.bytes).unwrap(),
            diff::file_params(b.kind, &b.bytes).unwrap(),
        );
        for key in [
            "UID",
            "PWD",
            "line1_name",
            "line1_password",
            "sipProfile/sipLines/line[1]/authPassword",
            "sipProfile/sipLines/line[1]/name",
        ] {
            let get = |p: &[diff::Param]| p.iter().find(|x| x.key == key).map(|x| x.value.clone());
            assert_eq!(get(&pa), get(&pb), "{name} {key}");
        }
    }
    let _ = std::fs::remove_file(out);
    let _ = MAC;
}

/// `--import --out FILE` never replaces an existing file (often the admin's own inventory)
/// unless `--force`.
#[test]
fn import_does_not_replace_an_existing_out_file_without_force() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    std::fs::write(
        r.join("SIP0014F28DD38A.cnf"),
        "line1_name: \"2001\"\nline1_password: \"pw\"\n",
    )
    .unwrap();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("fleet.csv");
    std::fs::write(&out, "mac,model\n* ,hand-made\n").unwrap();
    let args = [
        "provision",
        "--import",
        r.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let o = run(&args, work.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("exists"), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "mac,model\n* ,hand-made\n"
    );
    let mut forced = args.to_vec();
    forced.push("--force");
    let o = run(&forced, work.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("0014F28DD38A")
    );
}

/// A folder at a name provision writes blocks the apply, even with --force, before anything
/// is written (a rename cannot replace a folder: the apply would stop half-way).
#[test]
fn a_folder_at_a_file_s_name_blocks_the_apply_even_with_force() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    std::fs::create_dir(r.join("SIP0014F28DD38A.cnf")).unwrap();
    let csv = r.join("..").join(format!(
        "{}-folder.csv",
        r.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(
        &csv,
        "mac,model,protocol,number\n0014f28dd38a,7960,sip,2001\n",
    )
    .unwrap();
    let o = provision(r, &csv, &["--apply", "--force"]);
    let _ = std::fs::remove_file(&csv);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("SIP0014F28DD38A.cnf: not a regular file"),
        "{}",
        text(&o)
    );
    assert!(!r.join("SIPDefault.cnf").exists());
    assert!(!r.join(".cfgfmt-provision").join("txn").exists());
}

/// `--json` gives a JSON document for --recover and for a refused --undo too.
#[test]
fn recover_and_a_refused_undo_answer_in_json() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let o = run(
        &[
            "provision",
            "--root",
            r.to_str().unwrap(),
            "--recover",
            "--json",
        ],
        r,
    );
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["interrupted"].is_null(), "{v}");
    let csv = r.join("..").join(format!(
        "{}-json.csv",
        r.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(
        &csv,
        "mac,model,protocol,number\n0014f28dd38a,7960,sip,2001\n",
    )
    .unwrap();
    let o = provision(r, &csv, &["--apply"]);
    let _ = std::fs::remove_file(&csv);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::write(r.join("SIP0014F28DD38A.cnf"), "line1_name: \"hand\"\n").unwrap();
    let o = run(
        &[
            "provision",
            "--root",
            r.to_str().unwrap(),
            "--undo",
            "--json",
        ],
        r,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["changed-since"][0], "SIP0014F28DD38A.cnf", "{v}");
}

/// Runs the binary, killed after `secs`: `None` when it did not finish (it hung).
#[cfg(unix)]
fn run_within(args: &[&str], dir: &Path, secs: u64) -> Option<Output> {
    use std::time::{Duration, Instant};
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(child.wait_with_output().unwrap())
}

/// A FIFO put where provision wrote a file is never opened (that waits for a writer
/// forever): the dry run leaves it alone, the undo refuses it as changed since.
#[cfg(unix)]
#[test]
fn a_fifo_where_provision_wrote_a_file_is_never_opened() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    let csv = r.join("..").join(format!(
        "{}-fifo.csv",
        r.file_name().unwrap().to_string_lossy()
    ));
    let csv1 = r.join("..").join(format!(
        "{}-fifo1.csv",
        r.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(
        &csv,
        "mac,model,protocol,number\n0014f28dd38a,7960,sip,2001\n0014f28dd38b,7960,sip,2002\n",
    )
    .unwrap();
    std::fs::write(
        &csv1,
        "mac,model,protocol,number\n0014f28dd38a,7960,sip,2001\n",
    )
    .unwrap();
    assert!(provision(r, &csv, &["--apply"]).status.success());
    let fifo = r.join("SIP0014F28DD38B.cnf");
    std::fs::remove_file(&fifo).unwrap();
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        println!("SKIP: mkfifo failed: no FIFO test");
        return;
    }
    let (root_s, csv1_s) = (r.to_str().unwrap(), csv1.to_str().unwrap());
    let dry = run_within(&["provision", csv1_s, "--root", root_s], r, 10);
    let undo = run_within(&["provision", "--root", root_s, "--undo"], r, 10);
    let _ = std::fs::remove_file(&csv);
    let _ = std::fs::remove_file(&csv1);
    let dry = dry.expect("the dry run hung on the FIFO");
    assert!(
        !text(&dry).contains("remove  SIP0014F28DD38B.cnf"),
        "{}",
        text(&dry)
    );
    let undo = undo.expect("--undo hung on the FIFO");
    assert_eq!(undo.status.code(), Some(1), "{}", text(&undo));
    assert!(
        text(&undo).contains("SIP0014F28DD38B.cnf"),
        "{}",
        text(&undo)
    );
}
