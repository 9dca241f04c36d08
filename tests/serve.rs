//! `cfgfmt-rs serve` and the server library against real clients on loopback, high ports:
//! tftp-hpa's `tftp`, `curl tftp://`, our own client and `probe`. Refusals (traversal,
//! writes, `--only`), thousands of hostile datagrams, packet loss through a lossy proxy,
//! limits and signals. A client tool that is not installed makes its test print `SKIP:`.
// Test code: a failed unwrap is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod assist_fixtures;
mod pkg_fixtures;

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assist_fixtures::*;
use cfgfmt::device::{Mac, Model, Protocol};
use cfgfmt::tftp::client::{ClientOptions, Fetch, UdpClient};
use cfgfmt::tftp::probe::{self, ProbeOptions};
use cfgfmt::tftp::server::only::NoNeighbours;
use cfgfmt::tftp::server::source::{Layered, MemorySource, Origin, StaticRoot};
use cfgfmt::tftp::server::transfer::TransferLimits;
use cfgfmt::tftp::server::{self, Control, Counters, Event, Events, ServerConfig};
use rand::{Rng, SeedableRng};

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n).map(|_| rng.r#gen()).collect()
}

/// `cfgfmt-rs serve` running on a free port of 127.0.0.1; its stdout collected line by line.
struct Serve {
    child: Child,
    addr: SocketAddr,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    fn start(root: &Path, extra: &[&str]) -> Serve {
        for _ in 0..5 {
            let port = UdpSocket::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let mut child = Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
                .arg("serve")
                .arg(root)
                .args(["--listen", &format!("127.0.0.1:{port}"), "--grace", "1"])
                .args(extra)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap();
            let lines = Arc::new(Mutex::new(Vec::new()));
            let out = child.stdout.take().unwrap();
            let l2 = Arc::clone(&lines);
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    l2.lock().unwrap().push(line);
                }
            });
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(10) {
                if lines
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|l| l.starts_with("serving") || l.contains("\"start\""))
                {
                    return Serve {
                        child,
                        addr: ([127, 0, 0, 1], port).into(),
                        lines,
                    };
                }
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("cfgfmt-rs serve did not start");
    }

    fn port(&self) -> String {
        self.addr.port().to_string()
    }

    fn log(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Waits until a log line contains `what`.
    fn wait_for(&self, what: &str) -> String {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Some(l) = self.log().into_iter().find(|l| l.contains(what)) {
                return l;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("no log line with {what:?}:\n{}", self.log().join("\n"));
    }

    fn signal(&self, sig: &str) {
        assert!(
            Command::new("kill")
                .args([sig, &self.child.id().to_string()])
                .status()
                .unwrap()
                .success()
        );
    }

    /// SIGTERM, then the exit status and the whole log.
    fn stop(mut self) -> (i32, Vec<String>) {
        self.signal("-TERM");
        let started = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "serve did not stop"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        std::thread::sleep(Duration::from_millis(100));
        (status.code().unwrap_or(-1), self.log())
    }
}

fn rrq(name: &[u8], opts: &[(&str, &str)]) -> Vec<u8> {
    let mut p = vec![0, 1];
    p.extend_from_slice(name);
    p.extend_from_slice(b"\0octet\0");
    for (k, v) in opts {
        p.extend_from_slice(k.as_bytes());
        p.push(0);
        p.extend_from_slice(v.as_bytes());
        p.push(0);
    }
    p
}

/// Sends one packet from `from` and returns the first answer (and its source).
fn ask_from(from: &str, to: SocketAddr, packet: &[u8]) -> Option<(Vec<u8>, SocketAddr)> {
    let s = UdpSocket::bind(from).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    s.send_to(packet, to).unwrap();
    let mut buf = vec![0u8; 70_000];
    let (n, src) = s.recv_from(&mut buf).ok()?;
    buf.truncate(n);
    Some((buf, src))
}

fn ask(to: SocketAddr, packet: &[u8]) -> Option<(Vec<u8>, SocketAddr)> {
    ask_from("127.0.0.1:0", to, packet)
}

/// The TFTP error code of an answer (`None` when it is not an error).
fn error_code(p: &[u8]) -> Option<u16> {
    (p.len() >= 4 && p[1] == 5).then(|| u16::from_be_bytes([p[2], p[3]]))
}

fn quick() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_millis(500),
        retries: 4,
        ..ClientOptions::default()
    }
}

fn fetch(addr: SocketAddr, name: &str, opts: ClientOptions) -> Fetch {
    UdpClient::new(addr, opts).unwrap().read(name)
}

fn fetched_bytes(f: Fetch) -> Vec<u8> {
    match f {
        Fetch::Fetched { bytes, .. } => bytes,
        other => panic!("not fetched: {}", other.label()),
    }
}

fn image_root() -> (tempfile::TempDir, Vec<u8>) {
    let d = tempfile::tempdir().unwrap();
    let img = random_bytes(1 << 20, 1);
    std::fs::write(d.path().join("P0S3-08-12-00.sb2"), &img).unwrap();
    std::fs::write(d.path().join("OS79XX.TXT"), "P0S3-08-12-00\n").unwrap();
    std::fs::write(d.path().join("RINGLIST.DAT"), "Chirp\tring1.raw\n").unwrap();
    // Exactly four 512-byte blocks: the transfer ends with an empty one.
    std::fs::write(d.path().join("exact2048"), random_bytes(2048, 2)).unwrap();
    (d, img)
}

#[test]
fn tftp_hpa_client_gets_exact_copies() {
    if !have("tftp") {
        println!("SKIP: tftp_hpa_client: tftp not found (apt-get install tftp-hpa)");
        return;
    }
    let (root, img) = image_root();
    let srv = Serve::start(root.path(), &[]);
    let out = tempfile::tempdir().unwrap();
    for (name, want) in [
        ("P0S3-08-12-00.sb2", img.clone()),
        (
            "exact2048",
            std::fs::read(root.path().join("exact2048")).unwrap(),
        ),
    ] {
        let dest = out.path().join(name);
        let st = Command::new("tftp")
            .args(["-m", "binary", "127.0.0.1", &srv.port(), "-c", "get", name])
            .arg(&dest)
            .status()
            .unwrap();
        assert!(st.success());
        assert_eq!(std::fs::read(&dest).unwrap(), want, "{name}");
    }
    // A missing file: tftp-hpa reports the server's error.
    let o = Command::new("tftp")
        .args(["127.0.0.1", &srv.port(), "-c", "get", "nope"])
        .current_dir(out.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "Error code 1: File not found\n"
    );
    let (status, log) = srv.stop();
    assert_eq!(status, 0);
    assert!(
        log.iter()
            .any(|l| l.contains("RRQ P0S3-08-12-00.sb2: sent, 1048576 bytes")),
        "{log:#?}"
    );
    assert!(
        log.iter()
            .any(|l| l.contains("RRQ nope") && l.contains("not found"))
    );
    assert!(
        log.iter()
            .any(|l| l.starts_with("stopped: 3 requests, 2 sent")),
        "{log:#?}"
    );
}

#[test]
fn curl_with_every_block_size() {
    if !have("curl") {
        println!("SKIP: curl_with_every_block_size: curl not found");
        return;
    }
    let (root, img) = image_root();
    let srv = Serve::start(root.path(), &["--max-blksize", "8192"]);
    let out = tempfile::tempdir().unwrap();
    for bs in ["8", "512", "1428", "8192", "65464"] {
        let dest = out.path().join(format!("img{bs}"));
        let st = Command::new("curl")
            .args(["-sS", "--tftp-blksize", bs, "-o"])
            .arg(&dest)
            .arg(format!("tftp://127.0.0.1:{}/P0S3-08-12-00.sb2", srv.port()))
            .status()
            .unwrap();
        assert!(st.success(), "blksize {bs}");
        assert_eq!(std::fs::read(&dest).unwrap(), img, "blksize {bs}");
    }
    let dest = out.path().join("exact");
    assert!(
        Command::new("curl")
            .args(["-sS", "-o"])
            .arg(&dest)
            .arg(format!("tftp://127.0.0.1:{}/exact2048", srv.port()))
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(
        std::fs::read(&dest).unwrap(),
        std::fs::read(root.path().join("exact2048")).unwrap()
    );
    let (_, log) = srv.stop();
    // 65464 asked, 8192 granted (curl takes the smaller size the OACK offers).
    assert!(
        log.iter()
            .any(|l| l.contains("{blksize=65464,tsize") && l.contains("sent, 1048576 bytes")),
        "{log:#?}"
    );
    assert_eq!(
        log.iter()
            .filter(|l| l.contains("sent, 1048576 bytes"))
            .count(),
        5
    );
}

/// A server in this process (the library), its events collected.
struct InProcess {
    addr: SocketAddr,
    control: Arc<Control>,
    counters: Arc<Counters>,
    events: Arc<Collect>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Default)]
struct Collect(Mutex<Vec<Event>>);

impl Events for Collect {
    fn event(&self, e: &Event) {
        self.0.lock().unwrap().push(e.clone());
    }
}

impl InProcess {
    fn start(
        source: Arc<dyn cfgfmt::tftp::server::source::FileSource>,
        cfg: ServerConfig,
    ) -> InProcess {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = socket.local_addr().unwrap();
        let control = Arc::new(Control::default());
        let counters = Arc::new(Counters::default());
        let events = Arc::new(Collect::default());
        let (c, n, e) = (
            Arc::clone(&control),
            Arc::clone(&counters),
            Arc::clone(&events),
        );
        let thread = std::thread::spawn(move || {
            server::serve(socket, source, &cfg, Arc::new(NoNeighbours), e, c, n).unwrap();
        });
        InProcess {
            addr,
            control,
            counters,
            events,
            thread: Some(thread),
        }
    }
    fn stop(&mut self) {
        self.control.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The 7940 SIP boot chain: SIPDefault.cnf and SIP<MAC>.cnf rendered (in memory), the
/// images and the rest from the folder.
fn dynamic_7940() -> (
    tempfile::TempDir,
    Arc<dyn cfgfmt::tftp::server::source::FileSource>,
) {
    let mut fx = clean_7940_sip();
    let mut mem = MemorySource::new(false);
    for name in ["SIPDefault.cnf".to_string(), format!("SIP{MAC}.cnf")] {
        mem.insert(&name, fx.remove(&name));
    }
    let dir = fx.write();
    let root = StaticRoot::new(dir.path(), false).unwrap();
    (
        dir,
        Arc::new(Layered {
            first: mem,
            then: root,
        }),
    )
}

#[test]
fn probe_walks_a_boot_chain_served_dynamically() {
    let (_dir, source) = dynamic_7940();
    let mut srv = InProcess::start(source, ServerConfig::default());
    let mut client = UdpClient::new(srv.addr, quick()).unwrap();
    let r = probe::probe(
        &mut client,
        &ProbeOptions {
            mac: Mac::parse(MAC).unwrap(),
            model: Model::M7940,
            protocol: Protocol::Sip,
        },
    );
    let got: Vec<String> = r
        .steps
        .iter()
        .map(|s| format!("{} {}", s.file, matches!(s.result, Fetch::Fetched { .. })))
        .collect();
    assert_eq!(
        got,
        [
            "OS79XX.TXT true",
            "P003-8-12-00.sbn true",
            "SIPDefault.cnf true",
            &format!("SIP{MAC}.cnf true"),
            "P0S3-8-12-00.loads true",
            "P003-8-12-00.sbn true",
            "P0S3-8-12-00.sb2 true",
            "RINGLIST.DAT true",
            "ringer1.pcm true",
            "ringer2.pcm true",
        ]
    );
    assert!(!r.has_problems(), "{}", r.render_text());
    srv.stop();
    let ev = srv.events.0.lock().unwrap();
    let origin = |f: &str| ev.iter().find(|e| e.file == f).and_then(|e| e.origin);
    assert_eq!(origin("SIPDefault.cnf"), Some(Origin::Rendered));
    assert_eq!(origin(&format!("SIP{MAC}.cnf")), Some(Origin::Rendered));
    assert_eq!(origin("P0S3-8-12-00.sb2"), Some(Origin::Root));
    // The MAC is known from SIP<MAC>.cnf on, and no password reaches an event.
    assert!(
        ev.iter()
            .skip_while(|e| !e.file.starts_with("SIP0"))
            .all(|e| e.mac.as_deref() == Some(MAC))
    );
    let all = serde_json::to_string(&*ev).unwrap();
    assert!(!all.contains("secret"));
}

#[test]
fn traversal_special_files_and_writes_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "password: hunter2").unwrap();
    let (root, _) = image_root();
    let r = root.path();
    std::fs::create_dir(r.join("sub")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret"), r.join("out-link")).unwrap();
    std::os::unix::fs::symlink(outside.path(), r.join("out-dir")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", r.join("zero")).unwrap();
    let fifo = Command::new("mkfifo")
        .arg(r.join("fifo"))
        .status()
        .is_ok_and(|s| s.success());
    let dev = Command::new("mknod")
        .arg(r.join("null-dev"))
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    let before: Vec<_> = std::fs::read_dir(r)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let srv = Serve::start(r, &[]);
    let secret_rel = format!(
        "../{}/secret",
        outside.path().file_name().unwrap().to_string_lossy()
    );
    let mut names: Vec<Vec<u8>> = [
        "../etc/passwd",
        "/etc/passwd",
        "sub/../../etc/passwd",
        "..\\etc\\passwd",
        "%2e%2e/etc/passwd",
        "..%2fetc%2fpasswd",
        "sub%5c..%5c..%5cetc",
        "out-link",
        "out-dir/secret",
        "zero",
        "sub",
        "./OS79XX.TXT",
        "sub//x",
        &secret_rel,
        "OS79XX.TXT/..",
        "..",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    names.push(b"\xff\xfe../x".to_vec());
    names.push(b"x\n2026-01-01T00:00:00.000Z FAKE RRQ OS79XX.TXT: sent".to_vec());
    if fifo {
        names.push(b"fifo".to_vec());
    } else {
        println!("SKIP: FIFO case (mkfifo failed)");
    }
    if dev {
        names.push(b"null-dev".to_vec());
    } else {
        println!("SKIP: device case (mknod needs root)");
    }
    for name in &names {
        let (answer, _) = ask(srv.addr, &rrq(name, &[]))
            .unwrap_or_else(|| panic!("no answer to {:?}", String::from_utf8_lossy(name)));
        assert_eq!(
            error_code(&answer),
            Some(2),
            "{:?}: {answer:?}",
            String::from_utf8_lossy(name)
        );
    }
    // Write requests, with and without options, to new and existing names: error 2.
    for name in ["new-file", "OS79XX.TXT", "../escape"] {
        let mut w = rrq(name.as_bytes(), &[("tsize", "10")]);
        w[1] = 2;
        let (answer, _) = ask(srv.addr, &w).unwrap();
        assert_eq!(error_code(&answer), Some(2), "WRQ {name}");
    }
    let (_, log) = srv.stop();
    let after: Vec<_> = std::fs::read_dir(r)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after, "nothing created");
    assert!(!outside.path().join("escape").exists());
    assert_eq!(
        log.iter()
            .filter(|l| l.contains(" RRQ ")
                && (l.contains("— refused: ") || l.contains("— write request refused")))
            .count(),
        names.len() + 3,
        "{log:#?}"
    );
    assert!(!log.iter().any(|l| l.contains("hunter2")));
    assert!(
        !log.iter()
            .any(|l| l.contains("Z FAKE") && !l.contains("\\x0a")),
        "a name forged a log line"
    );
    println!(
        "traversal and special-file requests refused: {}, write requests refused: 3",
        names.len()
    );
}

#[test]
fn only_withholds_converting_files_from_unlisted_phones() {
    let (root, img) = image_root();
    let srv = Serve::start(root.path(), &["--only", "127.0.0.2,00:06:d7:aa:2a:2e"]);
    // Listed by address.
    let (a, _) = ask_from("127.0.0.2:0", srv.addr, &rrq(b"OS79XX.TXT", &[])).unwrap();
    assert_eq!(&a[..4], &[0, 3, 0, 1]);
    // Not listed: the files that convert it are withheld, a ring list is not.
    for f in [
        "OS79XX.TXT",
        "P0S3-08-12-00.sb2",
        "SIPDefault.cnf",
        "XMLDefault.cnf.xml",
        "SEP00112233AABB.cnf.xml",
    ] {
        let (a, _) = ask_from("127.0.0.3:0", srv.addr, &rrq(f.as_bytes(), &[])).unwrap();
        assert_eq!(error_code(&a), Some(2), "{f}");
    }
    let (a, _) = ask_from("127.0.0.3:0", srv.addr, &rrq(b"RINGLIST.DAT", &[])).unwrap();
    assert_eq!(a[1], 3);
    // Listed by MAC: learned from the file name it asked for first.
    let (a, _) = ask_from(
        "127.0.0.4:0",
        srv.addr,
        &rrq(format!("SIP{MAC}.cnf").as_bytes(), &[]),
    )
    .unwrap();
    assert_eq!(error_code(&a), Some(1), "not withheld, just missing");
    let c = UdpSocket::bind("127.0.0.4:0").unwrap();
    let mut cl = UdpClient::from_socket(c, srv.addr, quick());
    assert_eq!(fetched_bytes(cl.read("P0S3-08-12-00.sb2")), img);
    let (_, log) = srv.stop();
    let withheld: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("withheld: 127.0.0.3"))
        .collect();
    assert_eq!(withheld.len(), 5, "{log:#?}");
    assert!(withheld[0].contains("is not in --only, and this file would convert it"));
    assert!(
        log.iter()
            .any(|l| l.contains("127.0.0.3") && l.contains("withheld (--only)")),
        "status: {log:#?}"
    );
}

#[test]
fn thousands_of_hostile_datagrams_then_still_serves() {
    let (root, img) = image_root();
    let srv = Serve::start(root.path(), &[]);
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(99);
    let mut sent = 0;
    let valid = rrq(b"OS79XX.TXT", &[("blksize", "1428"), ("tsize", "0")]);
    for i in 0..6000 {
        let p: Vec<u8> = match i % 10 {
            0 => (0..rng.gen_range(0..600)).map(|_| rng.r#gen()).collect(),
            1 => valid[..rng.gen_range(0..valid.len())].to_vec(),
            2 => rrq(&vec![b'A'; 300 + i % 1000], &[]),
            3 => {
                let mut p = valid.clone();
                let at = rng.gen_range(0..p.len());
                p[at] = rng.r#gen();
                p
            }
            4 => vec![0, rng.gen_range(3..=6), rng.r#gen(), rng.r#gen()],
            5 => {
                let mut p = vec![0, 1, b'x', 0, b'o', b'c', b't', b'e', b't', 0];
                for _ in 0..200 {
                    p.extend_from_slice(b"blksize\x0099999999999999\x00");
                }
                p
            }
            6 => vec![0, 1, 0, 0],
            7 => vec![0xff; 65_000],
            8 => rrq(
                b"OS79XX.TXT",
                &[
                    ("blksize", "0"),
                    ("windowsize", "0"),
                    ("timeout", "999"),
                    ("tsize", "-1"),
                ],
            ),
            _ => {
                let mut p = vec![0, 5, 0, 1];
                p.extend(std::iter::repeat_n(b'e', 1000));
                p
            }
        };
        if s.send_to(&p, srv.addr).is_ok() {
            sent += 1;
        }
        if i % 500 == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    // Still serving, exactly.
    assert_eq!(
        fetched_bytes(fetch(srv.addr, "P0S3-08-12-00.sb2", quick())),
        img
    );
    let (status, log) = srv.stop();
    assert_eq!(status, 0);
    let totals = log.iter().find(|l| l.starts_with("stopped:")).unwrap();
    let malformed: u64 = totals
        .split("; ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(malformed >= 2000, "{totals}");
    println!("hostile datagrams sent: {sent}; counted malformed: {malformed}; {totals}");
}

/// A UDP proxy between one client and the server that drops a share of the datagrams each
/// way (deterministically), keeping each side's transfer id.
fn lossy_proxy(
    server: SocketAddr,
    drop_per_mille: u32,
    seed: u64,
) -> (SocketAddr, Arc<AtomicBool>) {
    let front = UdpSocket::bind("127.0.0.1:0").unwrap();
    let back = UdpSocket::bind("127.0.0.1:0").unwrap();
    front
        .set_read_timeout(Some(Duration::from_millis(1)))
        .unwrap();
    back.set_read_timeout(Some(Duration::from_millis(1)))
        .unwrap();
    let addr = front.local_addr().unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let d2 = Arc::clone(&done);
    std::thread::spawn(move || {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut client: Option<SocketAddr> = None;
        let mut peer: Option<SocketAddr> = None; // the server's transfer port
        let mut buf = vec![0u8; 70_000];
        while !d2.load(Ordering::Relaxed) {
            if let Ok((n, from)) = front.recv_from(&mut buf) {
                client = Some(from);
                // A new request goes to the server's main port; the rest to its transfer port.
                let to = if buf[1] == 1 {
                    peer = None;
                    server
                } else {
                    peer.unwrap_or(server)
                };
                if rng.gen_range(0..1000) >= drop_per_mille {
                    let _ = back.send_to(&buf[..n], to);
                }
            }
            if let Ok((n, from)) = back.recv_from(&mut buf) {
                peer = Some(from);
                if let Some(c) = client
                    && rng.gen_range(0..1000) >= drop_per_mille
                {
                    let _ = front.send_to(&buf[..n], c);
                }
            }
        }
    });
    (addr, done)
}

#[test]
fn packet_loss_each_way_and_transfers_stay_exact() {
    let (root, img) = image_root();
    let cfg = ServerConfig {
        limits: TransferLimits {
            timeout: Duration::from_millis(40),
            retries: 20,
            ..TransferLimits::default()
        },
        ..ServerConfig::default()
    };
    let mut srv = InProcess::start(Arc::new(StaticRoot::new(root.path(), false).unwrap()), cfg);
    let part = &img[..256 << 10];
    std::fs::write(root.path().join("part"), part).unwrap();
    let mut total_resent = 0;
    for (i, (bs, loss)) in [(Some(1428), 100), (None, 50), (Some(512), 200)]
        .into_iter()
        .enumerate()
    {
        let (proxy, done) = lossy_proxy(srv.addr, loss, i as u64);
        let opts = ClientOptions {
            blksize: bs,
            timeout: Duration::from_millis(80),
            retries: 30,
            ..ClientOptions::default()
        };
        let got = fetched_bytes(fetch(proxy, "part", opts));
        done.store(true, Ordering::Relaxed);
        assert_eq!(got, part, "blksize {bs:?}, {loss}‰ lost each way");
    }
    srv.stop();
    for e in srv.events.0.lock().unwrap().iter() {
        total_resent += e.retransmits;
    }
    assert!(
        total_resent > 20,
        "the proxy did drop packets: {total_resent} resent"
    );
    assert_eq!(Counters::get(&srv.counters.sent), 3);
    println!(
        "lossy transfers exact: 3 × 256 KiB at 5–20 % loss each way, {total_resent} blocks resent"
    );
}

#[test]
fn tftp_hpa_through_a_lossy_proxy() {
    if !have("tftp") {
        println!("SKIP: tftp_hpa_through_a_lossy_proxy: tftp not found");
        return;
    }
    let (root, img) = image_root();
    std::fs::write(root.path().join("small"), &img[..24 << 10]).unwrap();
    let srv = Serve::start(root.path(), &["--timeout", "1", "--retries", "20"]);
    let (proxy, done) = lossy_proxy(srv.addr, 50, 7);
    let out = tempfile::tempdir().unwrap();
    let mut child = Command::new("tftp")
        .args(["-m", "binary", "127.0.0.1", &proxy.port().to_string()])
        .current_dir(out.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"rexmt 1\ntimeout 60\nget small\nquit\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    done.store(true, Ordering::Relaxed);
    assert_eq!(
        std::fs::read(out.path().join("small")).unwrap(),
        &img[..24 << 10]
    );
    let (_, log) = srv.stop();
    println!("{}", log.join("\n"));
}

#[test]
fn limits_drop_requests_over_them() {
    let (root, _) = image_root();
    let srv = Serve::start(
        root.path(),
        &[
            "--per-client",
            "1",
            "--max-transfers",
            "2",
            "--timeout",
            "2",
        ],
    );
    // A transfer that never gets an ACK holds its slot.
    let first = ask(srv.addr, &rrq(b"P0S3-08-12-00.sb2", &[])).unwrap();
    assert_eq!(first.0[1], 3);
    // Same client address, another port: over --per-client, no answer.
    assert!(ask(srv.addr, &rrq(b"OS79XX.TXT", &[])).is_none());
    // Another address: answered (2 of 2), then a third address: over --max-transfers.
    assert_eq!(
        ask_from("127.0.0.2:0", srv.addr, &rrq(b"P0S3-08-12-00.sb2", &[]))
            .unwrap()
            .0[1],
        3
    );
    assert!(ask_from("127.0.0.3:0", srv.addr, &rrq(b"OS79XX.TXT", &[])).is_none());
    let (_, log) = srv.stop();
    let totals = log.iter().find(|l| l.starts_with("stopped:")).unwrap();
    assert!(totals.ends_with("2 over the limits"), "{totals}");
}

#[test]
fn signals_status_then_a_clean_stop_that_aborts_a_stuck_transfer() {
    let (root, _) = image_root();
    let srv = Serve::start(root.path(), &["--timeout", "5", "--json"]);
    assert_eq!(
        fetched_bytes(fetch(srv.addr, "OS79XX.TXT", quick())),
        b"P0S3-08-12-00\n"
    );
    srv.signal("-USR1");
    let status = srv.wait_for("\"event\":\"status\"");
    let v: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(v["why"], "SIGUSR1");
    assert_eq!(v["phones"][0]["client"], "127.0.0.1");
    // A client that never acknowledges: SIGTERM gives it --grace (1 s), then aborts it and
    // tells it so.
    let stuck = UdpSocket::bind("127.0.0.1:0").unwrap();
    stuck
        .send_to(&rrq(b"P0S3-08-12-00.sb2", &[]), srv.addr)
        .unwrap();
    let mut buf = [0u8; 600];
    stuck
        .set_read_timeout(Some(Duration::from_secs(8)))
        .unwrap();
    assert_eq!(stuck.recv(&mut buf).unwrap(), 516);
    let t = Instant::now();
    let (code, log) = srv.stop();
    assert_eq!(code, 0);
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
    let stop: serde_json::Value = serde_json::from_str(
        log.iter()
            .find(|l| l.contains("\"event\":\"stop\""))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(stop["counters"]["aborted"], 1, "{log:#?}");
    assert!(log.iter().any(|l| l.contains("aborted: server stopping")));
    // The stuck client got the error packet.
    let mut saw_error = false;
    while let Ok(n) = stuck.recv(&mut buf) {
        if error_code(&buf[..n]) == Some(0) {
            saw_error = true;
            break;
        }
    }
    assert!(saw_error);
    // Every line is one JSON object.
    for l in &log {
        serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("{l}: {e}"));
    }
}

#[test]
fn fold_case_serves_and_says_so_each_time() {
    let (root, _) = image_root();
    let srv = Serve::start(root.path(), &["--fold-case"]);
    for _ in 0..2 {
        assert_eq!(
            fetched_bytes(fetch(srv.addr, "os79xx.txt", quick())),
            b"P0S3-08-12-00\n"
        );
    }
    let (_, log) = srv.stop();
    assert_eq!(
        log.iter()
            .filter(|l| l.contains("warning[requested-name-case]"))
            .count(),
        2,
        "{log:#?}"
    );
    // Without it: not found, and the log names the file in the other case.
    let srv = Serve::start(root.path(), &[]);
    assert!(matches!(
        fetch(srv.addr, "os79xx.txt", quick()),
        Fetch::NotFound { .. }
    ));
    let (_, log) = srv.stop();
    assert!(
        log.iter()
            .any(|l| l.contains("the root has OS79XX.TXT (another case")),
        "{log:#?}"
    );
    assert!(log.iter().any(|l| l.contains("[requested-name-case]")));
}

#[test]
fn inventory_files_are_served_as_provision_renders_them_and_probe_walks_the_chain() {
    // The folder holds the images only; the inventory renders OS79XX.TXT, SIPDefault.cnf
    // and SIP<MAC>.cnf.
    let mut fx = clean_7940_sip();
    for f in [
        "OS79XX.TXT".to_string(),
        "SIPDefault.cnf".into(),
        format!("SIP{MAC}.cnf"),
    ] {
        fx.remove(&f);
    }
    let root = fx.write();
    let csv = format!(
        "mac,model,protocol,number,password,proxy,load\n{MAC},7960,sip,201,s3cret-201,pbx.example.com,P0S3-8-12-00\n"
    );
    let inv_dir = tempfile::tempdir().unwrap();
    let inv_path = inv_dir.path().join("inventory.csv");
    std::fs::write(&inv_path, &csv).unwrap();
    let rendered = cfgfmt::provision::Inventory::parse(csv.as_bytes(), "inventory.csv")
        .unwrap()
        .render()
        .unwrap();
    let srv = Serve::start(
        root.path(),
        &["--inventory", inv_path.to_str().unwrap(), "--json"],
    );
    for f in rendered.files() {
        assert_eq!(
            fetched_bytes(fetch(srv.addr, &f.name, quick())),
            f.bytes,
            "{}",
            f.name
        );
    }
    let mut client = UdpClient::new(srv.addr, quick()).unwrap();
    let r = probe::probe(
        &mut client,
        &ProbeOptions {
            mac: Mac::parse(MAC).unwrap(),
            model: Model::M7940,
            protocol: Protocol::Sip,
        },
    );
    assert!(!r.has_problems(), "{}", r.render_text());
    let fetched: Vec<&str> = r
        .steps
        .iter()
        .filter(|s| matches!(s.result, Fetch::Fetched { .. }))
        .map(|s| s.file.as_str())
        .collect();
    for f in [
        "OS79XX.TXT",
        "SIPDefault.cnf",
        &format!("SIP{MAC}.cnf"),
        "P0S3-8-12-00.loads",
        "P0S3-8-12-00.sb2",
        "RINGLIST.DAT",
    ] {
        assert!(fetched.contains(&f), "{f} not fetched: {fetched:?}");
    }
    let (_, log) = srv.stop();
    let events: Vec<serde_json::Value> = log
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let origin = |f: &str| {
        events
            .iter()
            .find(|e| e["file"] == f)
            .map(|e| e["origin"].clone())
    };
    assert_eq!(origin(&format!("SIP{MAC}.cnf")), Some("rendered".into()));
    assert_eq!(origin("P0S3-8-12-00.sb2"), Some("root".into()));
    assert!(
        !log.iter().any(|l| l.contains("s3cret")),
        "a password in the log"
    );
    let status = events.iter().find(|e| e["event"] == "status").unwrap();
    assert_eq!(status["phones"][0]["mac"], MAC);
    assert_eq!(status["phones"][0]["status"], "configured");
    // Nothing was written into the root.
    assert!(!root.path().join("OS79XX.TXT").exists());
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
    })
}

#[test]
fn binds_then_drops_to_the_user() {
    if !is_root() {
        println!("SKIP: binds_then_drops_to_the_user: needs root");
        return;
    }
    let (root, img) = image_root();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let srv = Serve::start(root.path(), &["--user", "nobody"]);
    let status = std::fs::read_to_string(format!("/proc/{}/status", srv.child.id())).unwrap();
    let uid = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .unwrap()
        .to_string();
    assert_eq!(
        uid.split_whitespace().skip(1).collect::<Vec<_>>(),
        ["65534"; 4],
        "{uid}"
    );
    let groups = status
        .lines()
        .find(|l| l.starts_with("Groups:"))
        .unwrap()
        .to_string();
    assert!(!groups.split_whitespace().any(|g| g == "0"), "{groups}");
    assert_eq!(
        fetched_bytes(fetch(srv.addr, "P0S3-08-12-00.sb2", quick())),
        img
    );
    let (code, log) = srv.stop();
    assert_eq!(code, 0);
    assert!(log[0].contains("running as nobody"), "{}", log[0]);
}

#[test]
fn takes_the_socket_systemd_passes() {
    if !have("python3") {
        println!("SKIP: takes_the_socket_systemd_passes: python3 not found");
        return;
    }
    let (root, img) = image_root();
    let port = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // As systemd does: the bound socket as fd 3, LISTEN_FDS=1, LISTEN_PID = the process
    // that execs the server (python keeps its pid across exec).
    let script = format!(
        "import os, socket, sys\n\
         s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
         s.bind(('127.0.0.1', {port}))\n\
         os.dup2(s.fileno(), 3)\n\
         os.set_inheritable(3, True)\n\
         os.environ['LISTEN_FDS'] = '1'\n\
         os.environ['LISTEN_PID'] = str(os.getpid())\n\
         os.execv(sys.argv[1], sys.argv[1:])\n"
    );
    let mut child = Command::new("python3")
        .args(["-c", &script, env!("CARGO_BIN_EXE_cfgfmt-rs"), "serve"])
        .arg(root.path())
        .args(["--listen", "127.0.0.1:1", "--grace", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    out.read_line(&mut banner).unwrap();
    assert!(
        banner.contains(&format!("127.0.0.1:{port} (socket from systemd)")),
        "{banner}"
    );
    let got = fetch(([127, 0, 0, 1], port).into(), "P0S3-08-12-00.sb2", quick());
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    assert_eq!(fetched_bytes(got), img);
    assert_eq!(status.code(), Some(0));
}

#[test]
fn garbage_and_strangers_on_the_transfer_port_change_nothing() {
    let (root, img) = image_root();
    let srv = Serve::start(root.path(), &[]);
    let me = UdpSocket::bind("127.0.0.1:0").unwrap();
    let stranger = UdpSocket::bind("127.0.0.1:0").unwrap();
    me.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    me.send_to(&rrq(b"P0S3-08-12-00.sb2", &[("blksize", "1428")]), srv.addr)
        .unwrap();
    let mut buf = vec![0u8; 2000];
    let (n, tid) = me.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..2], &[0, 6], "OACK");
    assert!(n > 2);
    let ack = |b: u16| me.send_to(&[0, 4, (b >> 8) as u8, b as u8], tid).unwrap();
    ack(0);
    let mut got = Vec::new();
    let mut expected = 1u16;
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    loop {
        let (n, from) = me.recv_from(&mut buf).unwrap();
        assert_eq!(from, tid);
        assert_eq!(&buf[..2], &[0, 3], "{:?}", &buf[..n.min(40)]);
        let block = u16::from_be_bytes([buf[2], buf[3]]);
        if block != expected {
            continue; // a retransmission
        }
        got.extend_from_slice(&buf[4..n]);
        // Before each ACK: garbage from our own port, and fake ACKs and errors from a
        // stranger (another port: another transfer id).
        let junk: Vec<u8> = (0..rng.gen_range(0..40)).map(|_| rng.r#gen()).collect();
        me.send_to(&junk, tid).unwrap();
        stranger.send_to(&[0, 4, 0xff, 0xff], tid).unwrap();
        stranger.send_to(b"\x00\x05\x00\x00stop\x00", tid).unwrap();
        ack(block);
        expected = expected.wrapping_add(1);
        if n < 4 + 1428 {
            break;
        }
    }
    assert_eq!(got, img);
    let (_, log) = srv.stop();
    assert!(
        log.iter()
            .any(|l| l.contains("RRQ P0S3-08-12-00.sb2 {blksize=1428}: sent, 1048576 bytes")),
        "{log:#?}"
    );
}

#[test]
fn an_image_that_keeps_failing_and_a_boot_loop_fire_live() {
    let (root, _) = image_root();
    let srv = Serve::start(root.path(), &[]);
    // Phone 127.0.0.5 gives up on the image after its first block, three times (what a
    // phone stuck in "State Error" does).
    for _ in 0..3 {
        let s = UdpSocket::bind("127.0.0.5:0").unwrap();
        s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        s.send_to(&rrq(b"P0S3-08-12-00.sb2", &[]), srv.addr)
            .unwrap();
        let mut buf = [0u8; 600];
        let (_, tid) = s.recv_from(&mut buf).unwrap();
        s.send_to(b"\x00\x05\x00\x00State Error\x00", tid).unwrap();
    }
    srv.wait_for("error[image-state-error]");
    // Phone 127.0.0.6 fetches OS79XX.TXT again and again and nothing else.
    for _ in 0..3 {
        let c = UdpSocket::bind("127.0.0.6:0").unwrap();
        let _ = fetched_bytes(UdpClient::from_socket(c, srv.addr, quick()).read("OS79XX.TXT"));
    }
    srv.wait_for("error[boot-loop]");
    srv.signal("-USR1");
    srv.wait_for("status (SIGUSR1)");
    let (_, log) = srv.stop();
    let fired = |code: &str| {
        log.iter()
            .filter(|l| l.contains(&format!("error[{code}]")))
            .count()
    };
    // Each fires once, when it first appears, not again on each later transfer.
    assert_eq!(fired("image-state-error"), 1, "{log:#?}");
    assert_eq!(fired("boot-loop"), 1, "{log:#?}");
    let looping: Vec<&String> = log.iter().filter(|l| l.contains(" looping ")).collect();
    assert!(looping.iter().any(|l| l.contains("127.0.0.5")), "{log:#?}");
    assert!(looping.iter().any(|l| l.contains("127.0.0.6")), "{log:#?}");
    assert!(
        log.iter()
            .any(|l| l.contains("failed (client sent error 0: State Error)"))
    );
}

#[test]
fn serve_has_its_own_manual_page() {
    let bin = env!("CARGO_BIN_EXE_cfgfmt-rs");
    let out = Command::new(bin)
        .args(["manpage", "serve"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH cfgfmt-rs-serve 1"), "{page}");
    for opt in [
        "inventory",
        "only",
        "fold\\-case",
        "user",
        "max\\-transfers",
        "grace",
    ] {
        assert!(
            page.contains(&format!("\\fB\\-\\-{opt}\\fR")),
            "--{opt} missing"
        );
    }
    let bad = Command::new(bin)
        .args(["manpage", "no-such"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("manpage \"no-such\""));
}

#[test]
fn sighup_reloads_the_inventory_and_a_broken_one_changes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inventory.csv");
    let csv = |number: &str| {
        format!(
            "mac,model,protocol,number,password,proxy\n{MAC},7960,sip,{number},pw,pbx.example.com\n"
        )
    };
    let render = |text: &str| {
        let r = cfgfmt::provision::Inventory::parse(text.as_bytes(), "i.csv")
            .unwrap()
            .render()
            .unwrap();
        r.get(&format!("SIP{MAC}.cnf")).unwrap().bytes.clone()
    };
    std::fs::write(&inv, csv("2001")).unwrap();
    let srv = Serve::start(root.path(), &["--inventory", inv.to_str().unwrap()]);
    let name = format!("SIP{MAC}.cnf");
    assert_eq!(
        fetched_bytes(fetch(srv.addr, &name, quick())),
        render(&csv("2001"))
    );
    std::fs::write(&inv, csv("2002")).unwrap();
    srv.signal("-HUP");
    srv.wait_for("reloaded (SIGHUP)");
    assert_eq!(
        fetched_bytes(fetch(srv.addr, &name, quick())),
        render(&csv("2002"))
    );
    std::fs::write(&inv, "mac,model\nnot-a-mac,7960\n").unwrap();
    srv.signal("-HUP");
    srv.wait_for("reload failed (SIGHUP), still serving the previous files");
    assert_eq!(
        fetched_bytes(fetch(srv.addr, &name, quick())),
        render(&csv("2002"))
    );
    let (code, _) = srv.stop();
    assert_eq!(code, 0);
}
