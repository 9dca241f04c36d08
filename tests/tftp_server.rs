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
use cfgfmt::device::{Mac, Model, Protocol};
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
