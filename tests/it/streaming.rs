//! Output written as it is made: a dump of any size costs the same memory, a closed pipe
//! ends the run quietly with status 141, and colours reach terminals only.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
}

/// Bytes that are neither all equal nor all printable (every ASCII-column case).
fn pattern(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8)
        .collect()
}

/// `cfgfmt-rs ARGS | head -1`: the status and what was said on stderr.
fn first_line_only(args: &[&str]) -> (Option<i32>, String, String) {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // The reader goes away here, as `head` would.
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (child.wait().unwrap().code(), line, err)
}

#[test]
fn a_closed_pipe_ends_dump_with_141_and_no_message() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    // Far more dump text than a pipe buffers.
    std::fs::write(&big, pattern(4 << 20)).unwrap();
    let big = big.to_str().unwrap();
    for args in [
        vec!["dump", "--raw", big],
        vec!["dump", big],
        vec!["dump", "--raw", "--color", "always", big],
    ] {
        let (code, line, err) = first_line_only(&args);
        assert_eq!(code, Some(141), "{args:?}: stderr {err:?}");
        assert_eq!(err, "", "{args:?}");
        let line = anstream::adapter::strip_str(&line).to_string();
        assert!(
            line.starts_with("00000000  ") || line.starts_with("# "),
            "{line:?}"
        );
    }
}

/// Blocks of the streamed dump join seamlessly: the same text as the whole-buffer renderer,
/// for a file (streamed) and a FIFO (read whole first), across several 64 KiB blocks.
#[test]
fn streamed_raw_dump_matches_the_whole_buffer_one() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = pattern(200_003);
    let path = dir.path().join("data.bin");
    std::fs::write(&path, &bytes).unwrap();
    let want = cfgfmt::report::render_raw(&bytes, &Default::default());
    let o = bin().args(["dump", "--raw"]).arg(&path).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stdout), want);

    let fifo = dir.path().join("fifo");
    if !Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        println!("SKIP: mkfifo failed: FIFO half of the test not run");
        return;
    }
    let (f, data) = (fifo.clone(), bytes.clone());
    let writer = std::thread::spawn(move || std::fs::write(f, data));
    let o = bin().args(["dump", "--raw"]).arg(&fifo).output().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), want);
}

/// The bound: `dump --raw`, `dump` and `inspect` of a 64 MiB file under 64 MiB
/// resident (`dump --raw` held the file and the whole dump text: 389 MB).
#[test]
fn dumps_and_inspection_of_64_mib_stay_under_64_mib() {
    if !Path::new("/usr/bin/time").is_file() {
        println!("SKIP: no /usr/bin/time to measure the peak of dump and inspect");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    std::fs::write(&path, pattern(64 << 20)).unwrap();
    let peak = dir.path().join("peak");
    for args in [
        &["dump", "--raw"][..],
        &["dump"],
        &["inspect"],
        &["inspect", "--json"],
    ] {
        let o = Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&peak)
            .arg(env!("CARGO_BIN_EXE_cfgfmt-rs"))
            .args(args)
            .arg(&path)
            .stdout(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let kib: u64 = std::fs::read_to_string(&peak)
            .unwrap()
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .expect("a peak from /usr/bin/time");
        assert!(kib < 64 << 10, "{args:?}: peak {kib} KiB");
    }
}

fn escapes(out: &[u8]) -> usize {
    out.iter().filter(|&&b| b == 0x1b).count()
}

const PROFILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/golden/gkdefault.cfg");

#[test]
fn colours_reach_terminals_only() {
    let run = |args: &[&str], no_color: bool| {
        let mut c = bin();
        c.args(args);
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        c.env_remove("CLICOLOR_FORCE").output().unwrap().stdout
    };
    // A pipe: plain text, whatever the environment says.
    assert_eq!(escapes(&run(&["dump", PROFILE], false)), 0);
    assert_eq!(
        escapes(&run(&["dump", "--color", "never", PROFILE], false)),
        0
    );
    let forced = run(&["dump", "--color", "always", PROFILE], false);
    assert!(escapes(&forced) > 0);
    // Forced colours hold the same text once the codes are taken out.
    let plain = run(&["dump", "--color", "never", PROFILE], false);
    let stripped: Vec<u8> = anstream::adapter::strip_bytes(&forced).into_vec();
    assert_eq!(stripped, plain);

    // A terminal (through `script`): colours, unless NO_COLOR.
    if !Command::new("sh")
        .args(["-c", "command -v script >/dev/null"])
        .status()
        .is_ok_and(|s| s.success())
    {
        println!("SKIP: no script(1): colours on a terminal not checked");
        return;
    }
    let tty = |no_color: bool| {
        let cmd = format!("{} dump {PROFILE}", env!("CARGO_BIN_EXE_cfgfmt-rs"));
        let mut c = Command::new("script");
        c.args(["-qec", &cmd, "/dev/null"]);
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        c.env_remove("CLICOLOR_FORCE")
            .env("TERM", "xterm")
            .output()
            .unwrap()
            .stdout
    };
    assert!(escapes(&tty(false)) > 0, "no colours on a terminal");
    assert_eq!(escapes(&tty(true)), 0, "colours despite NO_COLOR");
}

/// `unknown_by_head` is only ever right: whenever it says a file is of no known kind from
/// its head, the whole file is of no known kind, whatever follows (so streaming it loses
/// nothing). Heads start with each magic or none, are text or hold one binary byte.
mod head_decides {
    use cfgfmt::file::{FileKind, HEAD_BYTES, recognise, unknown_by_head};
    use cfgfmt::profile::inspect::InspectOptions;
    use proptest::prelude::*;

    const PREFIXES: &[&[u8]] = &[
        b"",
        b"#ata",
        b"#txt",
        b"PK\x03\x04",
        b"PK\x05\x06",
        b"kup1",
        &[1, 0, 2, 0, 0x40, 2, 0, 2],
        &[0xcd, 0x34, 0x12, 0xab],
        b"<loadInformation",
        b"image_version: 1",
    ];
    const NAMES: &[&str] = &[
        "x.bin",
        "gkdefault.cfg",
        "gk0011223344ff",
        "OS79XX.TXT",
        "a.jar",
        "SIP0011223344FF.cnf",
    ];

    fn bytes(text: bool, len: usize) -> impl Strategy<Value = Vec<u8>> {
        let byte = if text {
            prop_oneof![Just(b'a'), Just(b'\n'), Just(b' '), Just(b'<')].boxed()
        } else {
            any::<u8>().boxed()
        };
        proptest::collection::vec(byte, len..=len)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_wrong(
            prefix in 0..PREFIXES.len(),
            name in 0..NAMES.len(),
            binary_at in proptest::option::of(0..HEAD_BYTES),
            head_body in any::<bool>().prop_flat_map(|t| bytes(t, 256)),
            tail in any::<bool>().prop_flat_map(|t| bytes(t, 300)),
            tail_line in 0..3usize,
            keyed in any::<bool>(),
        ) {
            let mut head = PREFIXES[prefix].to_vec();
            // Repeat the random body up to the head's size.
            while head.len() < HEAD_BYTES {
                head.extend_from_slice(&head_body);
            }
            head.truncate(HEAD_BYTES);
            if let Some(at) = binary_at {
                head[at.max(PREFIXES[prefix].len())] = 0x01;
            }
            let opts = InspectOptions {
                weak_key: keyed.then(|| b"abcd".to_vec()),
                ..InspectOptions::default()
            };
            let name = NAMES[name];
            if unknown_by_head(name, &head, &opts) {
                // Text further on that would make a text file a known kind.
                let line: &[u8] = [&b""[..], b"\nimage_version: 1\n", b"<loadInformation>"][tail_line];
                let mut whole = head.clone();
                whole.extend_from_slice(&tail);
                whole.extend_from_slice(line);
                prop_assert_eq!(recognise(name, &whole, &opts), FileKind::Unknown);
            }
        }
    }

    #[test]
    fn binary_heads_without_magic_are_unknown() {
        let mut head = vec![b'a'; HEAD_BYTES];
        head[100] = 0;
        let opts = InspectOptions::default();
        assert!(unknown_by_head("x.bin", &head, &opts));
        // A profile's name makes it an encrypted profile; a key makes it a profile.
        assert!(!unknown_by_head("gkdefault.cfg", &head, &opts));
        let keyed = InspectOptions {
            weak_key: Some(b"abcd".to_vec()),
            ..InspectOptions::default()
        };
        assert!(!unknown_by_head("x.bin", &head, &keyed));
        // Text heads and short files are never settled by their head.
        assert!(!unknown_by_head("x.bin", &vec![b'a'; HEAD_BYTES], &opts));
        assert!(!unknown_by_head("x.bin", &head[..HEAD_BYTES - 1], &opts));
    }
}

/// A closed stderr (`cfgfmt-rs … 2>&1 | head`) loses the message, not the run: the exit
/// status is the command's own, not a panic's 101.
#[test]
fn a_closed_stderr_keeps_the_exit_status() {
    for (args, want) in [
        (&[][..], 1),
        (&["doctor", "/nonexistent/folder"][..], 2),
        (&["inspect", "/nonexistent/file"][..], 1),
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let status = bin()
            .args(args)
            .stdout(Stdio::null())
            .stderr(writer)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(want), "{args:?}");
    }
}

/// provision prints its plan piece by piece: a reader that goes away ends it as `dump` ends
/// (141, nothing said), before anything is written (std's `print!` panicked here).
#[test]
fn a_closed_pipe_ends_a_provision_dry_run_with_141_and_no_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("mac,model,protocol,number,password\n");
    // One line of plan a device, far more than a pipe buffers.
    for i in 0..3000u32 {
        csv.push_str(&format!("0014f2{i:06x},7960,sip,{},pw{i}\n", 1000 + i));
    }
    let inventory = dir.path().join("fleet.csv");
    std::fs::write(&inventory, csv).unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let args = [
        "provision",
        inventory.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
        "--apply",
    ];
    let (code, line, err) = first_line_only(&args);
    assert_eq!(code, Some(141), "stderr {err:?}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(line.contains("fleet.csv"), "{line:?}");
    assert_eq!(std::fs::read_dir(&root).unwrap().count(), 0, "written");
}
