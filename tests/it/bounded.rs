#![cfg(unix)]
//! Every command that reads input, on input that never ends: `/dev/zero` and a FIFO fed
//! forever. Each must stop at its limit with a message that says so, exit non-zero within
//! seconds, and stay small, under an address-space limit that turns a runaway read into
//! an "out of memory" instead of a machine brought down.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Address space the child may map (`ulimit -v`, KiB): room for the largest limit (logs,
/// 256 MiB) with the binary around it, far below what an unbounded read reaches.
const ADDRESS_SPACE_KIB: u64 = 1 << 20;
/// The bound for every command on endless input.
const MAX_PEAK_KIB: u64 = 400 << 10;
/// Seconds a command may take before it counts as hanging (it is killed).
const TIMEOUT_S: u64 = 60;

fn manifest(rel: &str) -> String {
    format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool} >/dev/null")])
        .status()
        .is_ok_and(|s| s.success())
}

/// `timeout` and `sh` run every case; `/usr/bin/time` measures the peak when present.
fn tools() -> Option<bool> {
    static TOOLS: OnceLock<Option<bool>> = OnceLock::new();
    *TOOLS.get_or_init(|| {
        if !have("timeout") || !cfg!(target_os = "linux") {
            println!("SKIP: bounded-input tests need coreutils' timeout on Linux");
            return None;
        }
        let time = Path::new("/usr/bin/time").is_file();
        if !time {
            println!(
                "SKIP: no /usr/bin/time: peak memory not measured (exit and message still checked)"
            );
        }
        Some(time)
    })
}

struct Run {
    out: Output,
    /// Peak resident set of the command, KiB.
    peak_kib: Option<u64>,
    took: Duration,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
}

/// Runs `cfgfmt-rs ARGS` in `dir` under the address-space limit and the timeout.
fn run_limited(dir: &Path, args: &[&str], stdout: Stdio) -> Option<Run> {
    let measure = tools()?;
    let peak_file = dir.join(".peak");
    let mut cmd = if measure {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&peak_file)
            .arg("timeout");
        c
    } else {
        Command::new("timeout")
    };
    cmd.args(["-s", "KILL", &TIMEOUT_S.to_string(), "sh", "-c"])
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_cfgfmt-rs"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped());
    let start = Instant::now();
    let out = cmd.output().unwrap();
    let took = start.elapsed();
    let peak_kib = measure
        .then(|| std::fs::read_to_string(&peak_file).ok())
        .flatten()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()));
    assert!(
        !measure || peak_kib.is_some(),
        "{args:?}: no peak from /usr/bin/time"
    );
    Some(Run {
        out,
        peak_kib,
        took,
    })
}

/// A FIFO with a writer that writes `y\n` forever; it ends when the reader goes away.
struct EndlessFifo {
    path: PathBuf,
    writer: Option<std::thread::JoinHandle<()>>,
}

impl EndlessFifo {
    fn new(dir: &Path) -> Option<EndlessFifo> {
        let path = dir.join("endless");
        let made = Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            println!("SKIP: mkfifo failed: no FIFO test");
            return None;
        }
        let p = path.clone();
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            // Blocks until a reader opens the FIFO.
            let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&p) else {
                return;
            };
            let chunk = b"y\n".repeat(32 << 10);
            // Rust ignores SIGPIPE: a gone reader is an EPIPE error, which ends the loop.
            while f.write_all(&chunk).is_ok() {}
        });
        Some(EndlessFifo {
            path,
            writer: Some(writer),
        })
    }

    fn path(&self) -> &str {
        self.path.to_str().unwrap()
    }
}

impl Drop for EndlessFifo {
    fn drop(&mut self) {
        // A command that never opened the FIFO leaves the writer waiting in `open`: opening
        // it read-write (which never blocks on Linux) releases it; closing it again makes
        // the writer's next write fail.
        let _ = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.path);
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
    }
}

/// One command on endless input: the expected message, a failure status, quickly, small.
fn check(label: &str, run: &Run, expect: &str) {
    let err = run.stderr();
    assert!(
        err.contains(expect),
        "{label}: stderr {err:?} lacks {expect:?}"
    );
    let code = run.out.status.code();
    assert!(
        matches!(code, Some(c) if c != 0 && c != 137),
        "{label}: exit {code:?} (137: killed at the timeout), stderr {err}"
    );
    assert!(
        run.took < Duration::from_secs(TIMEOUT_S / 2),
        "{label}: took {:?}",
        run.took
    );
    if let Some(kib) = run.peak_kib {
        assert!(
            kib < MAX_PEAK_KIB,
            "{label}: peak {kib} KiB, more than {MAX_PEAK_KIB}"
        );
    }
    assert!(!err.contains("out of memory"), "{label}: {err}");
    assert!(!err.contains("panicked"), "{label}: {err}");
}

/// Each command that reads an input, with `X` where the endless input goes, and the end of
/// the message it must give.
fn cases() -> Vec<(Vec<String>, &'static str)> {
    let template = manifest("testdata/profiles/gkdefault-60.txt");
    let case = |args: &[&str], expect: &'static str| {
        (args.iter().map(|a| a.to_string()).collect(), expect)
    };
    vec![
        case(&["inspect", "X"], "more than 64 MiB; not a firmware file"),
        case(
            &["inspect", "--json", "X"],
            "more than 64 MiB; not a firmware file",
        ),
        case(&["dump", "X"], "more than 64 MiB; not a firmware file"),
        case(
            &["dump", "--raw", "X"],
            "more than 64 MiB; not a firmware file",
        ),
        case(
            &["strip", "X", "out.bin"],
            "more than 64 MiB; not a firmware file",
        ),
        case(
            &["extract", "X", "dir"],
            "more than 64 MiB; not a firmware file",
        ),
        case(
            &["upgradecode", "X"],
            "more than 64 MiB; not a firmware file",
        ),
        case(
            &["decode", "-tbuiltin:7912", "X"],
            "more than 120000 bytes; not a profile",
        ),
        case(
            &["compile", "-tbuiltin:7912", "X", "out.cfg"],
            "more than 120000 bytes; not a profile",
        ),
        case(
            &["-tbuiltin:7912", "X", "out.cfg"],
            "more than 120000 bytes; not a profile",
        ),
        case(
            &["compile", "-t", "X", &template, "out.cfg"],
            "more than 1 MiB; not a tag table",
        ),
        case(
            &["decode", "-tbuiltin:7912", "--key-file", "X", "in.cfg"],
            "more than 4 KiB; not a key file",
        ),
        case(
            &["inspect", "--cert", "X", &manifest("Cargo.toml")],
            "more than 1 MiB; not a certificate",
        ),
        case(&["tftplog", "X"], "more than 256 MiB; not a TFTP log"),
        case(
            &[
                "batch",
                "-tbuiltin:7912",
                "--template",
                &template,
                "--devices",
                "X",
                "--out",
                "profiles",
                "--prefix",
                "gk",
                "-q",
            ],
            "more than 64 MiB; not a devices file",
        ),
        case(
            &[
                "batch",
                "-tbuiltin:7912",
                "--template",
                "X",
                "--devices",
                &manifest("Cargo.toml"),
                "--out",
                "profiles",
                "--prefix",
                "gk",
                "-q",
            ],
            "more than 1 MiB; not a text profile",
        ),
    ]
}

fn with_input(args: &[String], input: &str) -> Vec<String> {
    args.iter()
        .map(|a| {
            if a == "X" {
                input.to_string()
            } else {
                a.clone()
            }
        })
        .collect()
}

#[test]
fn every_reader_stops_dev_zero_at_its_limit() {
    if tools().is_none() {
        return;
    }
    for (args, expect) in cases() {
        let dir = tempfile::tempdir().unwrap();
        let args = with_input(&args, "/dev/zero");
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let Some(run) = run_limited(dir.path(), &argv, Stdio::null()) else {
            return;
        };
        let label = args.join(" ");
        check(&label, &run, &format!("/dev/zero: {expect}"));
        // Nothing written when the input failed.
        for out in ["out.bin", "dir", "out.cfg", "profiles"] {
            assert!(!dir.path().join(out).exists(), "{label}: {out} written");
        }
    }
}

#[test]
fn every_reader_stops_an_endless_fifo_at_its_limit() {
    if tools().is_none() {
        return;
    }
    for (args, expect) in cases() {
        let dir = tempfile::tempdir().unwrap();
        let Some(fifo) = EndlessFifo::new(dir.path()) else {
            return;
        };
        let args = with_input(&args, fifo.path());
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let Some(run) = run_limited(dir.path(), &argv, Stdio::null()) else {
            return;
        };
        let label = args.join(" ");
        check(&label, &run, &format!("{}: {expect}", fifo.path()));
        drop(fifo);
        for out in ["out.bin", "dir", "out.cfg", "profiles"] {
            assert!(!dir.path().join(out).exists(), "{label}: {out} written");
        }
    }
}

/// Standard input is endless too (`tftplog -`).
#[test]
fn tftplog_stops_endless_stdin() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let start = Instant::now();
    let out = Command::new("timeout")
        .args(["-s", "KILL", &TIMEOUT_S.to_string()])
        .arg(env!("CARGO_BIN_EXE_cfgfmt-rs"))
        .args(["tftplog", "-"])
        .current_dir(dir.path())
        .stdin(zero)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("<stdin>: more than 256 MiB; not a TFTP log"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(start.elapsed() < Duration::from_secs(TIMEOUT_S / 2));
}

/// A folder holding a FIFO and a symlink to `/dev/zero`: `inspect DIR` and `doctor` read
/// regular files only, so both finish at once instead of blocking on the FIFO or reading
/// the device.
#[test]
fn folders_skip_fifos_and_devices() {
    if tools().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    std::fs::copy(
        manifest("testdata/profiles/gkdefault-60.txt"),
        root.join("gkdefault.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.join("SIP41.8-4-2S.loads")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.join("sip_ptag.dat")).unwrap();
    // No writer: opening this FIFO for reading would block forever.
    let made = Command::new("mkfifo").arg(root.join("OS79XX.TXT")).status();
    assert!(made.is_ok_and(|s| s.success()));
    for args in [
        vec!["inspect", "root"],
        vec!["inspect", "--json", "root"],
        vec!["doctor", "root"],
        vec!["tftplog", "--root", "root", "log"],
    ] {
        std::fs::write(dir.path().join("log"), "").unwrap();
        let run = run_limited(dir.path(), &args, Stdio::null()).unwrap();
        let label = args.join(" ");
        let code = run.out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "{label}: exit {code:?}: {}",
            run.stderr()
        );
        assert!(run.took < Duration::from_secs(TIMEOUT_S / 2), "{label}");
        if let Some(kib) = run.peak_kib {
            assert!(kib < 64 << 10, "{label}: peak {kib} KiB");
        }
    }
}

/// A FIFO that gives nothing and closes: `compile` says the input is empty and ends. Its
/// hint about the input must not open the FIFO again (that waits for a writer forever).
#[test]
fn an_empty_fifo_ends_compile_without_waiting_for_another_writer() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("empty");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        println!("SKIP: mkfifo failed: no FIFO test");
        return;
    }
    let p = fifo.clone();
    let writer = std::thread::spawn(move || {
        // Opens (once the reader does), writes nothing, closes.
        let _ = std::fs::OpenOptions::new().write(true).open(&p);
    });
    let mut child = Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
        .args(["compile", "-t", "builtin:7912", "empty", "out.cfg"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // Release a writer still waiting (when compile never opened the FIFO).
    let _ = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo);
    let _ = writer.join();
    let status = status.expect("compile hung on the FIFO after reading it");
    assert!(!status.success());
    assert!(!dir.path().join("out.cfg").exists());
}
