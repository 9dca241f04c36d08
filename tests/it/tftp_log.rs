//! `tftplog`: the three log formats (samples written for these tests, including the
//! sequences of Cisco's conversion guide), the per-client timeline, what each client is,
//! and the findings; the command line (files, stdin, --root, --json, exit codes).
use std::io::Write as _;
use std::process::{Command, Stdio};

use cfgfmt::tftp::diagnose::{self, Report, RootIndex};
use cfgfmt::tftp::log::{self, LogParser, Outcome, Server};
use cfgfmt::tftp::names::DeviceKind;

/// The guide's two Cisco TFTP server sequences, as printed.
const GUIDE_CISCO: &str = "\
Mon Sep 11 17:15:26 2000: Sending 'SIPDefault.cnf' file to 10.1.1.10
in binary mode
###
Mon Sep 11 17:15:26 2000: Successful.
Wed Nov 06 11:58:51 2002: Sending 'POS30300.bin' file to 10.1.1.1
in binary mode
Wed Nov 06 11:58:52 2002: Failed ( State Error ).
";

/// The guide's syslog lines (tftpd-hpa and dnsmasq).
const GUIDE_SYSLOG: &str = "\
Nov 30 08:01:12 pbx in.tftpd[2213]: RRQ from 10.1.1.20 filename SIP00112233AABB.cnf
Nov 30 08:01:12 pbx in.tftpd[2213]: sending NAK (1, File not found) to 10.1.1.20
Nov 30 09:30:02 gw dnsmasq-tftp[812]: sent /srv/tftp/OS79XX.TXT to 10.1.1.55
Nov 30 09:30:02 gw dnsmasq-tftp[812]: file /srv/tftp/P0S3-08-12-00.loads not found
";

/// An SCCP 7960 stuck converting to SIP 3.0: three boots, the image ends in State Error.
fn state_error_loop() -> String {
    let mut s = String::new();
    for (i, m) in [(0, "58"), (1, "59"), (2, "00")]
        .iter()
        .map(|(i, m)| (*i, *m))
    {
        let h = if i == 2 { "12" } else { "11" };
        s += &format!(
            "Wed Nov 06 {h}:{m}:40 2002: Sending 'OS79XX.TXT' file to 10.1.1.1\nin binary mode\nWed Nov 06 {h}:{m}:40 2002: Successful.\n\
             Wed Nov 06 {h}:{m}:51 2002: Sending 'P0S30300.bin' file to 10.1.1.1\nin binary mode\n###\nWed Nov 06 {h}:{m}:52 2002: Failed ( State Error ).\n"
        );
    }
    s
}

/// A tftpd-hpa day: a SIP phone whose folder holds `sipdefault.cnf` (wrong case), and a
/// healthy 7912G.
const HPA_CASE: &str = "\
Nov 30 08:01:10 pbx in.tftpd[2210]: RRQ from 10.1.1.20 filename OS79XX.TXT
Nov 30 08:01:11 pbx in.tftpd[2211]: RRQ from 10.1.1.20 filename SIPDefault.cnf
Nov 30 08:01:11 pbx in.tftpd[2211]: sending NAK (1, File not found) to 10.1.1.20
Nov 30 08:01:12 pbx in.tftpd[2213]: RRQ from 10.1.1.20 filename SIP00112233AABB.cnf
Nov 30 08:01:12 pbx in.tftpd[2214]: RRQ from 10.1.1.20 filename RINGLIST.DAT
Nov 30 08:01:12 pbx in.tftpd[2214]: sending NAK (1, File not found) to 10.1.1.20
Nov 30 08:02:00 pbx systemd[1]: Started something else.
Nov 30 08:05:00 pbx in.tftpd[2300]: RRQ from 10.1.1.30 filename gk00112233ccdd
Nov 30 08:05:00 pbx in.tftpd[2300]: sending NAK (1, File not found) to 10.1.1.30
Nov 30 08:05:00 pbx in.tftpd[2301]: RRQ from 10.1.1.30 filename /gkdefault.cfg
Nov 30 08:05:01 pbx in.tftpd[2302]: RRQ from 10.1.1.30 filename CP7912080000SIP060111A.sbin
";

fn parse(name: &str, text: &str) -> log::LogModel {
    log::parse(name, text.as_bytes())
}

fn report(name: &str, text: &str, root: Option<&RootIndex>) -> Report {
    diagnose::diagnose(&[name.to_string()], &parse(name, text), root)
}

fn checks(r: &Report, client: &str) -> Vec<String> {
    for f in r.clients.iter().flat_map(|c| &c.findings) {
        let def = cfgfmt::tftp::check_def(&f.code).expect("catalogued");
        assert!(def.rules.contains(&f.rule.as_str()), "{f:?}");
        assert!(!f.message.is_empty() && !f.why.is_empty() && !f.fix.is_empty());
    }
    r.clients
        .iter()
        .find(|c| c.client == client)
        .unwrap()
        .findings
        .iter()
        .map(|f| format!("{} {}", f.severity, f.code))
        .collect()
}

fn root_with(files: &[(&str, &str)]) -> (tempfile::TempDir, RootIndex) {
    let dir = tempfile::tempdir().unwrap();
    for (n, t) in files {
        std::fs::write(dir.path().join(n), t).unwrap();
    }
    let mut idx = RootIndex::read(dir.path()).unwrap();
    idx.shown = "tftproot".into();
    (dir, idx)
}

#[test]
fn guide_cisco_sequences_parse() {
    let m = parse("cisco.log", GUIDE_CISCO);
    assert_eq!(m.transfers.len(), 2);
    let [a, b] = [&m.transfers[0], &m.transfers[1]];
    assert_eq!(
        (
            a.client.as_str(),
            a.file.as_str(),
            &a.outcome,
            a.line,
            a.server
        ),
        (
            "10.1.1.10",
            "SIPDefault.cnf",
            &Outcome::Sent,
            1,
            Server::Cisco
        )
    );
    assert_eq!(a.time.as_ref().unwrap().text, "Mon Sep 11 17:15:26 2000");
    assert_eq!(
        (b.client.as_str(), b.file.as_str(), &b.outcome, b.line),
        (
            "10.1.1.1",
            "POS30300.bin",
            &Outcome::Failed("State Error".into()),
            5
        )
    );
    assert!(m.unknown.is_empty(), "{:?}", m.unknown);
    // One failure is not yet a loop: no finding, but the letter-O name is still recognised
    // as a 7940/7960 SIP load.
    let r = report("cisco.log", GUIDE_CISCO, None);
    assert!(checks(&r, "10.1.1.1").is_empty());
    // Twice is a State Error loop; the fix names the load with a zero.
    let twice = format!(
        "{GUIDE_CISCO}{}",
        GUIDE_CISCO.lines().skip(4).collect::<Vec<_>>().join("\n")
    );
    let r2 = report("cisco.log", &twice, None);
    assert_eq!(checks(&r2, "10.1.1.1"), ["error image-state-error"]);
    assert!(
        r2.clients[1].findings[0]
            .fix
            .contains("name P0S30300 again")
    );
    assert!(r2.clients[1].findings[0].message.contains("letter O"));
    assert!(!r.has_problems());
    let c = &r.clients[1];
    assert_eq!(c.kinds, [DeviceKind::Sip7940]);
    assert_eq!(c.wants.as_deref(), Some("POS30300"));
    insta::assert_snapshot!("guide_cisco", r.render_text());
}

#[test]
fn guide_syslog_lines_parse() {
    let m = parse("syslog", GUIDE_SYSLOG);
    let got: Vec<_> = m
        .transfers
        .iter()
        .map(|t| {
            (
                t.client.as_str(),
                t.file.as_str(),
                t.outcome.clone(),
                t.server,
                t.client_assumed,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "10.1.1.20",
                "SIP00112233AABB.cnf",
                Outcome::NotFound,
                Server::TftpdHpa,
                false
            ),
            (
                "10.1.1.55",
                "OS79XX.TXT",
                Outcome::Sent,
                Server::Dnsmasq,
                false
            ),
            // dnsmasq's old "not found" line names no client: the last one of that process.
            (
                "10.1.1.55",
                "P0S3-08-12-00.loads",
                Outcome::NotFound,
                Server::Dnsmasq,
                true
            ),
        ]
    );
    assert_eq!(m.transfers[2].logged_name, "/srv/tftp/P0S3-08-12-00.loads");
    let r = report("syslog", GUIDE_SYSLOG, None);
    assert_eq!(checks(&r, "10.1.1.20"), ["error requested-file-missing"]);
    assert_eq!(
        r.clients[0].mac.map(|m| m.upper()).as_deref(),
        Some("00112233AABB")
    );
    assert_eq!(checks(&r, "10.1.1.55"), ["error requested-file-missing"]);
    assert_eq!(r.clients[1].wants.as_deref(), Some("P0S3-08-12-00"));
    insta::assert_snapshot!("guide_syslog", r.render_text());
    insta::assert_snapshot!("guide_syslog_json", r.to_json());
}

#[test]
fn cisco_state_error_loop_is_r11_and_a_boot_loop() {
    let r = report("cisco.log", &state_error_loop(), None);
    assert_eq!(
        checks(&r, "10.1.1.1"),
        ["error image-state-error", "error boot-loop"]
    );
    let f = &r.clients[0].findings[0];
    assert_eq!((f.rule.as_str(), f.line()), ("R11", Some(4)));
    assert!(f.fix.contains("P0S30203"), "{}", f.fix);
    assert!(r.has_problems());
    insta::assert_snapshot!("cisco_state_error_loop", r.render_text());
}

#[test]
fn state_errors_then_success_are_a_warning() {
    let mut log = state_error_loop();
    log += "Wed Nov 06 12:10:40 2002: Sending 'P0S30300.bin' file to 10.1.1.1\nin binary mode\nWed Nov 06 12:10:52 2002: Successful.\n";
    let r = report("cisco.log", &log, None);
    assert_eq!(
        checks(&r, "10.1.1.1"),
        ["error boot-loop", "warning image-state-error"]
    );
}

#[test]
fn tftpd_hpa_case_mismatch_with_root() {
    let (_d, root) = root_with(&[
        ("OS79XX.TXT", "P0S3-8-12-00\n"),
        ("sipdefault.cnf", "image_version: P0S3-8-12-00\n"),
        ("SIP00112233AABB.cnf", "line1_name: 201\n"),
        ("P0S3-8-12-00.loads", "x"),
        ("gkdefault.cfg", "x"),
        ("CP7912080000SIP060111A.sbin", "x"),
    ]);
    let r = report("syslog", HPA_CASE, Some(&root));
    assert_eq!(
        checks(&r, "10.1.1.20"),
        ["error requested-name-case", "info requested-file-missing"]
    );
    let phone = &r.clients[0];
    assert_eq!(phone.kinds, [DeviceKind::Sip7940]);
    assert_eq!(
        phone.mac.map(|m| m.upper()).as_deref(),
        Some("00112233AABB")
    );
    // It fetched OS79XX.TXT and went on to its configuration without asking for the load.
    assert_eq!(phone.runs.as_deref(), Some("P0S3-8-12-00"));
    let f = &phone.findings[0];
    assert_eq!(
        (f.rule.as_str(), f.file.as_str(), f.line()),
        ("R8", "syslog", Some(2))
    );
    assert!(
        f.fix.contains("Rename sipdefault.cnf to SIPDefault.cnf"),
        "{}",
        f.fix
    );
    // The 7912G fell back from gk<mac> to gkdefault.cfg: information only.
    assert_eq!(checks(&r, "10.1.1.30"), ["info requested-file-missing"]);
    let gk = &r.clients[1];
    assert_eq!(gk.kinds, [DeviceKind::Phone7912]);
    assert_eq!(gk.mac.map(|m| m.upper()).as_deref(), Some("00112233CCDD"));
    assert_eq!(gk.timeline[1].file, "gkdefault.cfg");
    assert_eq!(r.clients_with_problems, 1);
    assert!(r.unknown_lines.is_empty(), "{:?}", r.unknown_lines);
    insta::assert_snapshot!("hpa_case_mismatch", r.render_text());
    // Without --root the same log says only "missing".
    let r = report("syslog", HPA_CASE, None);
    assert_eq!(
        checks(&r, "10.1.1.20"),
        [
            "error requested-file-missing",
            "info requested-file-missing"
        ]
    );
}

#[test]
fn tftpd_hpa_permission_denied_and_rfc3339() {
    // tftpd-hpa answers a file it may not open with error 0 and strerror's text.
    let log = "\
2026-11-30T08:01:12.123456+00:00 pbx in.tftpd[77]: RRQ from 10.1.1.21 filename P0S3-8-12-00.sb2
2026-11-30T08:01:12.130000+00:00 pbx in.tftpd[77]: sending NAK (0, Permission denied) to 10.1.1.21
";
    let r = report("syslog", log, None);
    assert_eq!(r.clients[0].timeline[0].outcome, Outcome::AccessViolation);
    assert_eq!(checks(&r, "10.1.1.21"), ["error access-violation"]);
    assert_eq!(r.clients[0].findings[0].rule, "R8");
}

#[test]
fn load_not_in_root() {
    let log = "\
Nov 30 09:30:02 gw dnsmasq-tftp[812]: sent /srv/tftp/OS79XX.TXT to 10.1.1.55
Nov 30 09:30:03 gw dnsmasq-tftp[812]: file /srv/tftp/P0S3-08-12-00.loads not found for 10.1.1.55
Nov 30 09:30:04 gw dnsmasq-tftp[812]: file /srv/tftp/P0S3-08-12-00.sbn not found for 10.1.1.55
";
    let (_d, root) = root_with(&[
        ("OS79XX.TXT", "P0S3-08-12-00\n"),
        ("P0S3-8-12-00.loads", "x"),
    ]);
    let r = report("syslog", log, Some(&root));
    assert_eq!(checks(&r, "10.1.1.55"), ["error load-not-in-root"]);
    let f = &r.clients[0].findings[0];
    assert_eq!(f.line(), Some(2));
    assert!(f.message.contains("P0S3-08-12-00"), "{}", f.message);
    assert!(!r.clients[0].timeline[1].client_assumed);
    // OS79XX.TXT naming a load that is not there, though the phone never asked for it.
    let log = "Nov 30 09:30:02 gw dnsmasq-tftp[812]: sent /srv/tftp/OS79XX.TXT to 10.1.1.55\n";
    let (_d, root) = root_with(&[("OS79XX.TXT", "P0S3-8-12-00\n")]);
    let r = report("syslog", log, Some(&root));
    assert_eq!(checks(&r, "10.1.1.55"), ["error load-not-in-root"]);
    assert_eq!(r.clients[0].findings[0].file, "syslog");
}

#[test]
fn dnsmasq_forms_and_access_violation() {
    let log = "\
2026-11-30T10:00:00+01:00 gw dnsmasq-tftp[9]: sent /srv/tftp/SEP001122334455.cnf.xml to 10.1.1.70
2026-11-30T10:00:01+01:00 gw dnsmasq-tftp[9]: cannot access /srv/tftp/P00308010200.loads: Permission denied
2026-11-30T10:00:02+01:00 gw dnsmasq-tftp[9]: sent /srv/tftp/P00308010200.sbn to 10.1.1.70
2026-11-30T10:00:03+01:00 gw dnsmasq-tftp[9]: error 0 Early terminate received from 10.1.1.70
2026-11-30T10:00:04+01:00 gw dnsmasq[9]: DHCPACK(eth0) 10.1.1.70 00:11:22:33:44:55
2026-11-30T10:00:05+01:00 gw dnsmasq-tftp[9]: failed sending /srv/tftp/P00308010200.sbn to 10.1.1.70
";
    let m = parse("daemon.log", log);
    let outcomes: Vec<_> = m.transfers.iter().map(|t| t.outcome.clone()).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Sent,
            Outcome::AccessViolation,
            Outcome::Failed("client: Early terminate".into()),
            Outcome::Failed("failed sending".into()),
        ]
    );
    assert_eq!(
        m.transfers[0].time.as_ref().unwrap().text,
        "2026-11-30T10:00:00+01:00"
    );
    let r = diagnose::diagnose(&["daemon.log".into()], &m, None);
    assert_eq!(
        checks(&r, "10.1.1.70"),
        ["error transfer-failed-repeatedly", "error access-violation"]
    );
    assert_eq!(r.clients[0].kinds, [DeviceKind::Sccp7940]);
    assert_eq!(
        r.clients[0].mac.map(|m| m.upper()).as_deref(),
        Some("001122334455")
    );
}

#[test]
fn mixed_logs_make_one_timeline_per_client() {
    let hpa = "Nov 30 08:01:10 pbx in.tftpd[1]: RRQ from 10.1.1.20 filename OS79XX.TXT\n";
    let dns = "Nov 30 08:01:11 gw dnsmasq-tftp[2]: sent /t/SIPDefault.cnf to 10.1.1.20\n\
               Nov 30 08:01:12 gw dnsmasq-tftp[2]: sent /t/SIP00112233AABB.cnf to 10.1.1.20\n";
    let mut p = LogParser::new();
    // Given out of order: the timeline follows the time stamps.
    p.feed("b.log", dns.as_bytes());
    p.feed("a.log", hpa.as_bytes());
    let r = diagnose::diagnose(&["b.log".into(), "a.log".into()], &p.finish(), None);
    assert_eq!(r.clients.len(), 1);
    let files: Vec<_> = r.clients[0]
        .timeline
        .iter()
        .map(|e| e.file.as_str())
        .collect();
    assert_eq!(
        files,
        ["OS79XX.TXT", "SIPDefault.cnf", "SIP00112233AABB.cnf"]
    );
    assert!(!r.has_problems());
}

#[test]
fn unfinished_and_unknown_lines() {
    let log = "\
Mon Sep 11 17:15:26 2000: Sending 'SIPDefault.cnf' file to 10.1.1.10
in binary mode
Mon Sep 11 17:15:27 2000: Something new happened
Nov 30 08:01:10 pbx in.tftpd[1]: some message we do not know
";
    let r = report("x.log", log, None);
    assert_eq!(checks(&r, "10.1.1.10"), ["info transfer-unfinished"]);
    assert_eq!(r.unknown_count, 2);
    assert_eq!(r.unknown_lines[0], "x.log:3: Something new happened");
    assert!(!r.has_problems());
}

#[test]
fn boot_loop_without_image_failures() {
    let mut log = String::new();
    for i in 0..4 {
        log += &format!(
            "Nov 30 08:0{i}:10 pbx in.tftpd[{i}]: RRQ from 10.1.1.9 filename OS79XX.TXT\n"
        );
    }
    let r = report("syslog", &log, None);
    assert_eq!(checks(&r, "10.1.1.9"), ["error boot-loop"]);
    assert!(r.clients[0].findings[0].message.contains("4 times"));
    // Progress in between (a configuration file) is a normal reboot, not a loop.
    let mut log = String::new();
    for i in 0..4 {
        log += &format!(
            "Nov 30 08:0{i}:10 pbx in.tftpd[{i}]: RRQ from 10.1.1.9 filename OS79XX.TXT\n\
             Nov 30 08:0{i}:11 pbx in.tftpd[{i}9]: RRQ from 10.1.1.9 filename SIPDefault.cnf\n"
        );
    }
    assert!(checks(&report("syslog", &log, None), "10.1.1.9").is_empty());
}

#[test]
fn garbage_never_panics() {
    let mut bytes: Vec<u8> = Vec::new();
    for i in 0..20_000u32 {
        bytes.push((i.wrapping_mul(2_654_435_761) >> 13) as u8);
        if i % 97 == 0 {
            bytes.extend_from_slice(b"\nNov 30 08:01:12 pbx in.tftpd[1]: sending NAK (");
        }
        if i % 89 == 0 {
            bytes.extend_from_slice(b"\nMon Sep 11 17:15:26 2000: Failed ( ");
        }
    }
    bytes.extend(std::iter::repeat_n(b'x', log::MAX_LINE * 2));
    let m = log::parse("junk", &bytes);
    assert_eq!(m.long_lines, 1);
    let _ = diagnose::diagnose(&["junk".into()], &m, None).render_text();
}

// ---------------------------------------------------------------- command line

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
}

#[test]
fn cli_files_stdin_root_json_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let ok = dir.path().join("ok.log");
    std::fs::write(
        &ok,
        "Nov 30 08:01:11 gw dnsmasq-tftp[2]: sent /t/SIPDefault.cnf to 10.1.1.20\n",
    )
    .unwrap();
    let bad = dir.path().join("bad.log");
    std::fs::write(&bad, state_error_loop()).unwrap();
    let out = bin()
        .args(["tftplog", ok.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = bin()
        .args([
            "tftplog",
            ok.to_str().unwrap(),
            bad.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["clients-with-problems"], 1);
    assert_eq!(v["clients"][1]["findings"][0]["code"], "image-state-error");
    assert_eq!(v["clients"][1]["timeline"][1]["outcome"], "failed");
    assert_eq!(v["clients"][1]["timeline"][1]["detail"], "State Error");
    // stdin, and --root.
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("sipdefault.cnf"), "x").unwrap();
    let mut child = bin()
        .args(["tftplog", "-", "--root", root.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(HPA_CASE.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains("error[requested-name-case] <stdin>:2 (R8)"),
        "{text}"
    );
    // A log that cannot be read: exit 2, its name in the message.
    let out = bin()
        .args(["tftplog", "/nonexistent/tftp.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/tftp.log"));
}

#[test]
fn docs_list_every_check() {
    let doc = include_str!("../../docs/tftp.md");
    for c in cfgfmt::tftp::CHECKS {
        assert!(
            doc.contains(&format!("`{}`", c.id)),
            "docs/tftp.md lacks {}",
            c.id
        );
    }
    let readme = include_str!("../../README.md");
    assert!(readme.contains("cfgfmt-rs tftplog") && readme.contains("cfgfmt-rs probe"));
}

/// Issue 19.5: a file with no TFTP server line (a wrong file, or tftpd-hpa without -v) is an
/// error that says which servers and which log options, not "0 transfers".
#[test]
fn cli_no_tftp_line_is_an_error_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let passwd = dir.path().join("passwd");
    std::fs::write(
        &passwd,
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
    )
    .unwrap();
    // tftpd-hpa without -v logs only its start.
    let quiet = dir.path().join("syslog");
    std::fs::write(
        &quiet,
        "Nov 30 08:00:00 gw systemd[1]: Started tftpd-hpa.service - LSB: HPA's tftp server.\n",
    )
    .unwrap();
    for f in [&passwd, &quiet] {
        let out = bin().arg("tftplog").arg(f).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.starts_with("error: no TFTP server line in "), "{err}");
        assert!(
            err.contains("tftpd-hpa logs requests only with -v"),
            "{err}"
        );
        assert!(err.contains("quiet-tftp"), "{err}");
        assert!(String::from_utf8_lossy(&out.stdout).is_empty());
    }
}

/// Issue 19.6: a missing SEP<MAC>.cnf.xml followed by XMLDefault.cnf.xml sent is the SCCP
/// phone's normal fallback (probe calls it "one form of several"): information, not an
/// error. Without the fallback it stays an error.
#[test]
fn sccp_fallback_to_xmldefault_is_no_error() {
    let log = "\
Nov 30 08:01:10 pbx in.tftpd[10]: RRQ from 10.1.1.40 filename CTLSEP0011223344EE.tlv
Nov 30 08:01:10 pbx in.tftpd[10]: sending NAK (1, File not found) to 10.1.1.40
Nov 30 08:01:11 pbx in.tftpd[11]: RRQ from 10.1.1.40 filename SEP0011223344EE.cnf.xml
Nov 30 08:01:11 pbx in.tftpd[11]: sending NAK (1, File not found) to 10.1.1.40
Nov 30 08:01:12 pbx in.tftpd[12]: RRQ from 10.1.1.40 filename XMLDefault.cnf.xml
Nov 30 08:01:13 pbx in.tftpd[13]: RRQ from 10.1.1.40 filename P0030801SR02.loads
";
    let r = report("syslog", log, None);
    assert_eq!(
        checks(&r, "10.1.1.40"),
        ["info requested-file-missing", "info requested-file-missing"],
        "{}",
        r.render_text()
    );
    assert!(
        r.render_text()
            .contains("one form of several: XMLDefault.cnf.xml, the phone's fallback, was sent"),
        "{}",
        r.render_text()
    );
    assert_eq!(r.clients_with_problems, 0);
    let without = log.replace(
        "filename XMLDefault.cnf.xml\n",
        "filename XMLDefault.cnf.xml\nNov 30 08:01:12 pbx in.tftpd[12]: sending NAK (1, File not found) to 10.1.1.40\n",
    );
    let r = report("syslog", &without, None);
    assert!(
        checks(&r, "10.1.1.40").contains(&"error requested-file-missing".to_string()),
        "{}",
        r.render_text()
    );
}

/// `tftplog --help` teaches what a stock server needs before it logs anything, and the exit
/// statuses.
#[test]
fn help_teaches_the_server_side_and_exit_statuses() {
    let o = Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
        .args(["tftplog", "--help"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    for want in [
        "-v",
        "/etc/default/tftpd-hpa",
        "quiet-tftp",
        "Exit status",
        "tftplog -",
    ] {
        assert!(out.contains(want), "{want}: {out}");
    }
}
