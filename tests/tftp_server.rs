//! `probe` and the TFTP client against a real tftpd-hpa (`in.tftpd`), serving folders the
//! tests build (synthetic files from the assistant's fixtures, no Cisco firmware).
//!
//! Each test starts its own server on a free port of 127.0.0.1 (`--foreground --secure
//! --user nobody`: it chroots into the folder and drops to `nobody`, which is what makes a
//! root-owned mode-0600 file unreadable to it) and kills it when the test ends.
//!
//! Where `in.tftpd` cannot be found (or the tests do not run as root, which chroot needs)
//! each test prints `SKIP: …` and returns early. They are `#[ignore]`d in a plain `cargo test`;
//! `.ci/run` installs tftpd-hpa and runs them with `--ignored`.

// Test code: a panic is a failed test, not a crash on untrusted input (Cargo.toml's
// [lints.clippy] is for the library and the binary).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod assist_fixtures;
mod pkg_fixtures;

use std::net::{SocketAddr, UdpSocket};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use assist_fixtures::*;
use cfgfmt::device::{Mac, Model, Need, Protocol};
use cfgfmt::tftp::client::{ClientOptions, Fetch, UdpClient};
use cfgfmt::tftp::probe::{self, ProbeOptions, ProbeReport};

fn find_tftpd() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from));
    dirs.into_iter()
        .map(|d| d.join("in.tftpd"))
        .find(|p| p.is_file())
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

/// A running in.tftpd serving a temporary folder; killed on drop.
struct Tftpd {
    child: Child,
    addr: SocketAddr,
    dir: tempfile::TempDir,
}

impl Drop for Tftpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn quick() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_millis(300),
        retries: 2,
        ..ClientOptions::default()
    }
}

/// Writes `fx` into a fresh folder readable by `nobody` (folder 0755, files 0644) and
/// serves it; `None` (after printing SKIP) where the server cannot run here.
fn serve(fx: &Fx, test: &str) -> Option<Tftpd> {
    let Some(tftpd) = find_tftpd() else {
        println!("SKIP: {test}: in.tftpd not found (apt-get install tftpd-hpa)");
        return None;
    };
    if !is_root() {
        println!("SKIP: {test}: in.tftpd --secure needs root to chroot");
        return None;
    }
    let dir = fx.write();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    for name in fx.files.keys() {
        std::fs::set_permissions(
            dir.path().join(name),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
    }
    for _attempt in 0..5 {
        let port = free_port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let mut child = Command::new(&tftpd)
            .args(["--foreground", "--address", &format!("127.0.0.1:{port}")])
            .args(["--secure", "--user", "nobody"])
            .arg(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Ready once it answers a request (with "file not found").
        let started = Instant::now();
        let mut client = UdpClient::new(addr, quick()).unwrap();
        while started.elapsed() < Duration::from_secs(5) {
            if child.try_wait().unwrap().is_some() {
                break; // port taken meanwhile: try another
            }
            if matches!(client.read("no-such-file"), Fetch::NotFound { .. }) {
                return Some(Tftpd { child, addr, dir });
            }
        }
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        eprintln!(
            "in.tftpd on port {port} did not come up: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    panic!("in.tftpd did not start");
}

fn sip_opts() -> ProbeOptions {
    ProbeOptions {
        mac: Mac::parse(MAC).unwrap(),
        model: Model::M7940,
        protocol: Protocol::Sip,
    }
}

fn run_probe(server: &Tftpd, opts: &ProbeOptions) -> ProbeReport {
    let mut client = UdpClient::new(server.addr, quick()).unwrap();
    let mut r = probe::probe(&mut client, opts).without_times();
    r.server = "tftpd-hpa".into();
    r
}

fn statuses(r: &ProbeReport) -> Vec<String> {
    r.steps
        .iter()
        .map(|s| {
            let status = match &s.result {
                Fetch::Fetched { .. } => "fetched".to_string(),
                Fetch::NotFound { .. } => "not-found".to_string(),
                Fetch::AccessViolation { .. } => "access-violation".to_string(),
                other => other.label(),
            };
            format!("{} {status}", s.file)
        })
        .collect()
}

fn checks(r: &ProbeReport) -> Vec<String> {
    for f in &r.findings {
        let def = cfgfmt::tftp::check_def(&f.code).expect("catalogued");
        assert!(def.rules.contains(&f.rule.as_str()), "{f:?}");
    }
    r.findings
        .iter()
        .map(|f| format!("{} {} {}", f.severity, f.code, f.file))
        .collect()
}

#[test]
#[ignore = "needs tftpd-hpa (in.tftpd) and root; .ci/run runs these with --ignored"]
fn complete_sip_tree_is_fetched_in_boot_order() {
    let Some(server) = serve(&clean_7940_sip(), "complete_sip_tree") else {
        return;
    };
    let r = run_probe(&server, &sip_opts());
    let mac_cnf = format!("SIP{MAC}.cnf");
    assert_eq!(
        statuses(&r),
        [
            "OS79XX.TXT fetched",
            "P003-8-12-00.sbn fetched",
            "SIPDefault.cnf fetched",
            &format!("{mac_cnf} fetched"),
            "P0S3-8-12-00.loads fetched",
            "P003-8-12-00.sbn fetched",
            "P0S3-8-12-00.sb2 fetched",
            "RINGLIST.DAT fetched",
            "ringer1.pcm fetched",
            "ringer2.pcm fetched",
        ]
    );
    assert!(r.findings.is_empty(), "{}", r.render_text());
    assert!(!r.has_problems());
    // Sizes are the files' own, and the options were taken.
    for s in &r.steps {
        let Fetch::Fetched {
            size,
            blksize,
            tsize,
            ..
        } = &s.result
        else {
            unreachable!()
        };
        let on_disk = std::fs::metadata(server.dir.path().join(&s.file))
            .unwrap()
            .len();
        assert_eq!((*size, *tsize), (on_disk, Some(on_disk)), "{}", s.file);
        assert_eq!(*blksize, 1428);
    }
    insta::assert_snapshot!("probe_complete_sip_tree", r.render_text());
}

#[test]
#[ignore = "needs tftpd-hpa (in.tftpd) and root; .ci/run runs these with --ignored"]
fn missing_sip_mac_cnf_is_an_error() {
    let mut fx = clean_7940_sip();
    fx.remove(&format!("SIP{MAC}.cnf"));
    let Some(server) = serve(&fx, "missing_sip_mac_cnf") else {
        return;
    };
    let r = run_probe(&server, &sip_opts());
    assert_eq!(
        checks(&r),
        [format!("error probe-required-file SIP{MAC}.cnf")]
    );
    assert!(r.has_problems());
    insta::assert_snapshot!("probe_missing_sip_mac_cnf", r.render_text());
}

#[test]
#[ignore = "needs tftpd-hpa (in.tftpd) and root; .ci/run runs these with --ignored"]
fn file_unreadable_to_the_server_is_an_access_violation() {
    let Some(server) = serve(&clean_7940_sip(), "unreadable_file") else {
        return;
    };
    // Owned by root (the tests run as root), mode 0600: `nobody` cannot read it.
    let p = server.dir.path().join("P0S3-8-12-00.sb2");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = run_probe(&server, &sip_opts());
    assert_eq!(checks(&r), ["error probe-required-file P0S3-8-12-00.sb2"]);
    assert!(
        statuses(&r).contains(&"P0S3-8-12-00.sb2 access-violation".to_string()),
        "{}",
        r.render_text()
    );
    insta::assert_snapshot!("probe_unreadable_image", r.render_text());
}

#[test]
#[ignore = "needs tftpd-hpa (in.tftpd) and root; .ci/run runs these with --ignored"]
fn missing_optional_files_are_information() {
    let mut fx = clean_7940_sip();
    fx.remove("ringer2.pcm");
    let Some(server) = serve(&fx, "missing_optional") else {
        return;
    };
    let r = run_probe(&server, &sip_opts());
    assert_eq!(checks(&r), ["info probe-optional-file ringer2.pcm"]);
    assert!(!r.has_problems());
}

#[test]
#[ignore = "needs tftpd-hpa (in.tftpd) and root; .ci/run runs these with --ignored"]
fn gk_profile_upgradecode_image_is_followed() {
    let Some(server) = serve(&clean_7912(), "gk_profile") else {
        return;
    };
    let r = run_probe(
        &server,
        &ProbeOptions {
            mac: Mac::parse(MAC).unwrap(),
            model: Model::M7912,
            protocol: Protocol::Sip,
        },
    );
    let own = format!("gk{}", MAC.to_ascii_lowercase());
    assert_eq!(
        statuses(&r),
        [
            format!("{own} not-found"),
            "gkdefault.cfg fetched".into(),
            format!("{SIP_IMAGE_7912} fetched"),
        ]
    );
    assert_eq!(checks(&r), [format!("info probe-optional-file {own}")]);
    assert!(!r.has_problems());
    insta::assert_snapshot!("probe_7912", r.render_text());
}

#[test]
#[ignore = "needs tftpd-hpa (in.tftpd) and root; .ci/run runs these with --ignored"]
fn client_reads_large_files_with_and_without_options() {
    let mut fx = Fx::default();
    let big: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let exact: Vec<u8> = vec![0x5a; 1428 * 3];
    let exact512: Vec<u8> = vec![0xa5; 512 * 4];
    fx.set("big.bin", big.clone())
        .set("exact.bin", exact.clone())
        .set("exact512.bin", exact512.clone());
    let Some(server) = serve(&fx, "large_files") else {
        return;
    };
    for blksize in [Some(1428), Some(512), Some(8192), None] {
        let opts = ClientOptions { blksize, ..quick() };
        let mut c = UdpClient::new(server.addr, opts).unwrap();
        for (name, want) in [
            ("big.bin", &big),
            ("exact.bin", &exact),
            ("exact512.bin", &exact512),
        ] {
            match c.read(name) {
                Fetch::Fetched {
                    bytes,
                    blksize: used,
                    tsize,
                    ..
                } => {
                    assert_eq!(&bytes, want, "{name} with {blksize:?}");
                    assert_eq!(Some(used), blksize.or(Some(512)));
                    assert_eq!(tsize, blksize.map(|_| want.len() as u64));
                }
                other => panic!("{name} with {blksize:?}: {other:?}"),
            }
        }
    }
    // The size bound holds whether the server announces the size or not.
    for blksize in [Some(1428), None] {
        let opts = ClientOptions {
            blksize,
            max_size: 100_000,
            ..quick()
        };
        let mut c = UdpClient::new(server.addr, opts).unwrap();
        assert_eq!(c.read("big.bin"), Fetch::TooLarge { limit: 100_000 });
    }
    // Paths out of the root are refused by the server, not by us.
    let mut c = UdpClient::new(server.addr, quick()).unwrap();
    assert!(!matches!(c.read("../../etc/passwd"), Fetch::Fetched { .. }));
}

#[test]
#[ignore = "needs tftpd-hpa (in.tftpd) and root; .ci/run runs these with --ignored"]
fn cli_probe_exit_codes_against_the_server() {
    let mut broken = clean_7940_sip();
    broken.remove(&format!("SIP{MAC}.cnf"));
    for (fx, code) in [(clean_7940_sip(), 0), (broken, 1)] {
        let Some(server) = serve(&fx, "cli_probe") else {
            return;
        };
        let out = Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
            .args([
                "probe",
                &server.addr.to_string(),
                "--mac",
                "00:06:d7:aa:2a:2e",
                "--timeout",
                "0.5",
                "--json",
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["mac"], MAC);
        assert_eq!(v["steps"][0]["file"], "OS79XX.TXT");
        assert_eq!(v["steps"][0]["status"], "fetched");
    }
}

#[test]
#[ignore = "needs tftpd-hpa (in.tftpd) and root; .ci/run runs these with --ignored"]
fn no_server_is_a_timeout_and_the_probe_stops() {
    // A bound socket that never answers.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let opts = ClientOptions {
        timeout: Duration::from_millis(100),
        retries: 1,
        ..ClientOptions::default()
    };
    let mut client = UdpClient::new(addr, opts).unwrap();
    let r = probe::probe(&mut client, &sip_opts());
    assert_eq!(r.steps.len(), 1);
    assert!(matches!(r.steps[0].result, Fetch::Timeout { .. }));
    assert!(r.stopped.is_some());
    assert!(r.has_problems());
    let _ = Path::new("");
}

/// The inventory of the provisioned root: every family and protocol `probe` plays, each
/// with a load (the 7940/7960 SIP rows share theirs through the fleet row).
const FLEET_CSV: &str = "\
mac,model,protocol,number,password,display_name,proxy,proxy_port,load,timezone,ntp
*,,,,,,pbx.example.com,5060,P0S3-8-12-00,Europe/Paris,192.168.1.1
0014F28D0001,7960,sip,2001,pw-2001,Front desk,,,,,
0014F28D0002,7940,sip,2002,pw-2002,Lab,,,,,
0014F28D0003,7941,sip,2003,pw-2003,Hall,,,SIP41.9-4-2SR1-1S,,
0014F28D0004,7961,sip,2004,pw-2004,Office,,,SIP41.8-5-4S,,
0014F28D0005,7960,sccp,,,,10.0.0.5,2000,P0030801SR02,,
0014F28D0006,7911,sccp,,,,10.0.0.5,2000,SCCP11.9-4-2SR1-1S,,
0014F28D0007,7912,sip,2007,pw-2007,Reception,,,CP7912080000SIP060111A,,
0014F28D0008,7905,sip,2008,pw-2008,Lobby,,,CP7905080000SIP060111A,,
0014F28D0009,ata186,sip,2009,pw-2009,Fax,,,ATA030204SIP060104A,,
";

/// A newer phone's release: a signed file-list manifest (`# RELEASE load version …`) and
/// the signed files it lists.
fn file_list_release(stem: &str, files: &[&str]) -> Vec<(String, Vec<u8>)> {
    let mut body = "#\r\n# RELEASE load version test\r\n#\r\n\r\n".to_string();
    for f in files {
        body.push_str(f);
        body.push_str("\r\n");
    }
    let manifest = format!("{stem}.loads");
    let mut out = vec![(
        manifest.clone(),
        pkg_fixtures::SgnBuilder::cisco(&manifest).build(body.as_bytes()),
    )];
    for f in files {
        out.push((
            f.to_string(),
            pkg_fixtures::SgnBuilder::cisco(f).build(b"CNU_File_Archive_3.0"),
        ));
    }
    out
}

/// A TFTP root holding every load FLEET_CSV names (synthetic files), before provisioning.
fn fleet_loads() -> Fx {
    let mut fx = Fx::default();
    // The 7940/7960 SIP 8.12 release; provision writes OS79XX.TXT itself.
    for (name, bytes) in pkg_fixtures::sip812_set(0x200) {
        if name != "OS79XX.TXT" {
            fx.set(&name, bytes);
        }
    }
    // The 7940/7960 SCCP 8.1(2)SR2 load (its files only).
    for (name, bytes) in clean_7940_sccp().files {
        if name.starts_with("P0030801SR02") {
            fx.set(&name, bytes);
        }
    }
    for (stem, files) in [
        (
            "SIP41.9-4-2SR1-1S",
            &["jar41sip.9-4-2ES26.sbn", "cnu41.9-4-2ES26.sbn"][..],
        ),
        ("SIP41.8-5-4S", &["jar41sip.8-5-4TH1-6.sbn"][..]),
        (
            "SCCP11.9-4-2SR1-1S",
            &["jar11sccp.9-4-2ES26.sbn", "cnu11.9-4-2ES26.sbn"][..],
        ),
    ] {
        for (name, bytes) in file_list_release(stem, files) {
            fx.set(&name, bytes);
        }
    }
    fx.set(
        "CP7912080000SIP060111A.sbin",
        sbin("CP7912080000SIP060111A.sbin", 0x601),
    );
    fx.set(
        "CP7905080000SIP060111A.sbin",
        sbin("CP7905080000SIP060111A.sbin", 0x501),
    );
    fx.set(
        "ATA030204SIP060104A.zup",
        sbin("ATA030204SIP060104A.zup", 0x301),
    );
    fx
}

/// Provisions FLEET_CSV into a copy of `loads` with the binary (`provision --apply`) and
/// returns the root's files, the journal left out (the server cannot read it).
fn provisioned(loads: &Fx) -> Fx {
    let dir = loads.write();
    let csv = dir.path().join("fleet.csv");
    std::fs::write(&csv, FLEET_CSV).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
        .arg("provision")
        .arg(&csv)
        .arg("--root")
        .arg(dir.path())
        .arg("--apply")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "provision --apply failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(&csv).unwrap();
    let mut fx = Fx::default();
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            fx.set(
                &e.file_name().to_string_lossy(),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    fx
}

#[test]
#[ignore = "needs tftpd-hpa (in.tftpd) and root; .ci/run runs these with --ignored"]
fn probe_fetches_each_provisioned_phones_whole_chain() {
    let loads = fleet_loads();
    let root = provisioned(&loads);
    let Some(server) = serve(&root, "provisioned_root") else {
        return;
    };
    let devices = [
        ("0014F28D0001", Model::M7960, Protocol::Sip),
        ("0014F28D0002", Model::M7940, Protocol::Sip),
        ("0014F28D0003", Model::M7941, Protocol::Sip),
        ("0014F28D0004", Model::M7961, Protocol::Sip),
        ("0014F28D0005", Model::M7960, Protocol::Sccp),
        ("0014F28D0006", Model::M7911, Protocol::Sccp),
        ("0014F28D0007", Model::M7912, Protocol::Sip),
        ("0014F28D0008", Model::M7905, Protocol::Sip),
        ("0014F28D0009", Model::Ata186, Protocol::Sip),
    ];
    let sip812 = [
        "OS79XX.TXT",
        "P003-8-12-00.sbn",
        "SIPDefault.cnf",
        "SIP{MAC}.cnf",
        "P0S3-8-12-00.loads",
        "P003-8-12-00.sbn",
        "P0S3-8-12-00.sb2",
    ];
    // Each phone's chain, as the firmware asks for it: its configuration, the load it
    // names, and every file of the load.
    let chains: [&[&str]; 9] = [
        &sip812,
        &sip812,
        &[
            "SEP{MAC}.cnf.xml",
            "SIP41.9-4-2SR1-1S.loads",
            "jar41sip.9-4-2ES26.sbn",
            "cnu41.9-4-2ES26.sbn",
        ],
        &[
            "SEP{MAC}.cnf.xml",
            "SIP41.8-5-4S.loads",
            "jar41sip.8-5-4TH1-6.sbn",
        ],
        &[
            "SEP{MAC}.cnf.xml",
            "P0030801SR02.loads",
            "P0030801SR02.sbn",
            "P0030801SR02.sb2",
        ],
        &[
            "SEP{MAC}.cnf.xml",
            "SCCP11.9-4-2SR1-1S.loads",
            "jar11sccp.9-4-2ES26.sbn",
            "cnu11.9-4-2ES26.sbn",
        ],
        &["gk{mac}", "CP7912080000SIP060111A.sbin"],
        &["ld{mac}", "CP7905080000SIP060111A.sbin"],
        &["ata{mac}", "ATA030204SIP060104A.zup"],
    ];
    let mut fetched_total = 0;
    for ((mac, model, protocol), chain) in devices.into_iter().zip(chains) {
        let opts = ProbeOptions {
            mac: Mac::parse(mac).unwrap(),
            model,
            protocol,
        };
        let r = run_probe(&server, &opts);
        let label = format!("{} {} {mac}", model.label(), protocol.label());
        let want: Vec<String> = chain
            .iter()
            .map(|f| {
                f.replace("{MAC}", mac)
                    .replace("{mac}", &mac.to_ascii_lowercase())
            })
            .collect();
        let fetched: Vec<String> = r
            .steps
            .iter()
            .filter(|s| matches!(s.result, Fetch::Fetched { .. }))
            .map(|s| s.file.clone())
            .collect();
        assert_eq!(fetched, want, "{label}:\n{}", r.render_text());
        // What was not fetched is optional (a trust list, a ring list): information only.
        for s in &r.steps {
            if !matches!(s.result, Fetch::Fetched { .. }) {
                assert_eq!(
                    s.need,
                    Need::Optional,
                    "{label}: {}\n{}",
                    s.file,
                    r.render_text()
                );
            }
        }
        assert_eq!(
            (r.errors, r.warnings),
            (0, 0),
            "{label}:\n{}",
            r.render_text()
        );
        assert!(r.stopped.is_none(), "{label}");
        // Every byte came through: the sizes are the files' own.
        for s in &r.steps {
            if let Fetch::Fetched { size, .. } = &s.result {
                assert_eq!(
                    *size,
                    root.files[&s.file].len() as u64,
                    "{label}: {}",
                    s.file
                );
            }
        }
        fetched_total += fetched.len();
        // The command line agrees: exit 0 for each phone.
        let out = Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
            .args(["probe", &server.addr.to_string(), "--mac", mac])
            .args(["--model", model.name(), "--protocol"])
            .arg(protocol.label().to_ascii_lowercase())
            .args(["--timeout", "0.5"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{label}: cfgfmt-rs probe:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    println!("9 phones probed against tftpd-hpa: {fetched_total} files fetched");
}
