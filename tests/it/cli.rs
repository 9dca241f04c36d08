//! The command line as users type it: the README's example, the original's switches,
//! messages, exit codes, atomic outputs and the additions (--strict, key files, built-in
//! tables).

use std::path::Path;
use std::process::{Command, Output};

const TABLE_7912: &str = include_str!("../../formats/tables/7905-7912-sip.dat");
const TABLE_ATA: &str = include_str!("../../formats/tables/ata186-sip-3.1.dat");

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin().args(args).current_dir(dir).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn scratch(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// The README's first example: `cfgfmt-rs -tsip_ptag.dat gkdefault.txt gkdefault.cfg`.
#[test]
fn readme_example_gkdefault() {
    let dir = scratch(&[
        ("sip_ptag.dat", TABLE_7912),
        (
            "gkdefault.txt",
            include_str!("../../testdata/examples/gkdefault.txt"),
        ),
    ]);
    let o = run(
        dir.path(),
        &["-tsip_ptag.dat", "gkdefault.txt", "gkdefault.cfg"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let written = std::fs::read(dir.path().join("gkdefault.cfg")).unwrap();
    assert_eq!(
        written,
        include_bytes!("../../testdata/golden/gkdefault.cfg")
    );
    // The upgradecode record, laid out by hand from the spec (§e): tag 0x1100, length 47,
    // n=3, platform 0x601, 0x0400, 0x0100, IP 0 (profile server), port 69, image 0x060111a.
    let record = "91002f0300000601040001000000000000450060111a";
    assert_eq!(&hex::encode(&written[11..11 + record.len() / 2]), record);
    assert_eq!(&written[33..61], b"CP7912080000SIP060111A.sbin\0");
}

#[test]
fn builtin_table_gives_the_same_bytes() {
    let dir = scratch(&[(
        "gkdefault.txt",
        include_str!("../../testdata/examples/gkdefault.txt"),
    )]);
    for spelling in [&["-tbuiltin:7912"][..], &["--table", "builtin:7905"][..]] {
        let mut args = spelling.to_vec();
        args.extend(["gkdefault.txt", "out.cfg"]);
        let o = run(dir.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            std::fs::read(dir.path().join("out.cfg")).unwrap(),
            include_bytes!("../../testdata/golden/gkdefault.cfg")
        );
    }
    let o = run(
        dir.path(),
        &[
            "compile",
            "--table",
            "builtin:7912",
            "gkdefault.txt",
            "sub.cfg",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(dir.path().join("sub.cfg")).unwrap(),
        include_bytes!("../../testdata/golden/gkdefault.cfg")
    );
}

#[test]
fn missing_default_table_prints_the_original_error_then_a_hint() {
    let dir = scratch(&[("a.txt", "#txt\nUseTftp:1\n")]);
    let o = run(dir.path(), &["a.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: can't open ptag file: 'ptag.dat'\n"),
        "{err}"
    );
    assert!(
        err.contains("-tbuiltin:7912") && err.contains("-tbuiltin:ata186"),
        "{err}"
    );
    assert!(!dir.path().join("a.cfg").exists());
}

#[test]
fn list_tables() {
    let o = bin().arg("--list-tables").output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("builtin:ata186")
            && out.contains("builtin:7912")
            && out.contains("sip_ptag7912.dat"),
        "{out}"
    );
}

#[test]
fn usage_banner_on_stdout_for_wrong_file_count() {
    let o = bin().args(["only-one"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("cfgfmt version 2.3\nusage: cfgfmt [options] input output\n"));
}

/// Recorded from cfgfmt 2.3: `unknown switch -q` on stderr, then the run goes on.
#[test]
fn unknown_switch_warns_and_goes_on() {
    let dir = scratch(&[("ptag.dat", TABLE_ATA), ("a.txt", "#txt\nUseTftp:1\n")]);
    let o = run(dir.path(), &["-q", "a.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "unknown switch -q\n");
    assert!(dir.path().join("a.cfg").exists());
}

#[test]
fn warnings_keep_exit_zero_and_strict_fails_without_output() {
    let dir = scratch(&[
        ("ptag.dat", TABLE_ATA),
        ("a.txt", "#txt\nNoSuchName:1\nUseTftp:1\nSIPPort:5060x\n"),
    ]);
    let o = run(dir.path(), &["a.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        "warning: unknown attribute 'NoSuchName' @line 2 of a.txt\nwarning: SIPPort at line 4 of a.txt: characters after the number ignored; stored 5060\n"
    );
    assert!(dir.path().join("a.cfg").exists());
    let o = run(dir.path(), &["--strict", "a.txt", "b.cfg"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).ends_with("error: 2 warning(s) and --strict is set; no output written\n"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("b.cfg").exists());
}

#[test]
fn fatal_errors_leave_existing_output_untouched() {
    let long = format!("#txt\nUseTftp:1\nCallCmd:{}\n", "A".repeat(600));
    let dir = scratch(&[
        ("ptag.dat", TABLE_ATA),
        ("a.txt", &long),
        ("a.cfg", "previous"),
    ]);
    let o = run(dir.path(), &["a.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: value of CallCmd at line 3 of a.txt is 600 bytes, 511 at most; nothing written (cfgfmt 2.3 would overwrite the attribute name with the value's end)\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.cfg")).unwrap(),
        "previous"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 3, "no temporary file left: {names:?}");
}

#[test]
fn long_lines_are_an_error_naming_the_line() {
    let text = format!("#txt\n#{}\n", "c".repeat(1100));
    let dir = scratch(&[("ptag.dat", TABLE_ATA), ("a.txt", &text)]);
    let o = run(dir.path(), &["a.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: line 2 of a.txt is longer than 1022 bytes with its line end; nothing written (cfgfmt 2.3 would read the rest of it as another line)\n"
    );
}

#[test]
fn successful_compile_replaces_an_existing_output() {
    let dir = scratch(&[
        ("ptag.dat", TABLE_ATA),
        ("a.txt", "#txt\nUseTftp:1\n"),
        ("a.cfg", "old"),
    ]);
    let o = run(dir.path(), &["a.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        hex::encode(std::fs::read(dir.path().join("a.cfg")).unwrap()),
        "23617461fffe0400160003140101"
    );
}

#[test]
fn includes_resolve_against_cwd_then_the_including_folder() {
    let dir = scratch(&[("ptag.dat", TABLE_ATA)]);
    std::fs::create_dir(dir.path().join("profiles")).unwrap();
    std::fs::write(
        dir.path().join("profiles/top.txt"),
        "#txt\ninclude common.txt\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("profiles/common.txt"),
        "UseTftp:1\nBogus:1\n",
    )
    .unwrap();
    let o = run(dir.path(), &["profiles/top.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "warning: unknown attribute 'Bogus' @line 2 of common.txt\n"
    );
    assert_eq!(
        hex::encode(std::fs::read(dir.path().join("a.cfg")).unwrap()),
        "23617461fffe0400160003140101"
    );
    // The working directory wins over the including file's folder.
    std::fs::write(dir.path().join("common.txt"), "Dhcp:1\n").unwrap();
    let o = run(dir.path(), &["profiles/top.txt", "b.cfg"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        hex::encode(std::fs::read(dir.path().join("b.cfg")).unwrap()),
        "23617461fffe04001100030f0101"
    );
}

#[test]
fn missing_include_is_fatal() {
    let dir = scratch(&[
        ("ptag.dat", TABLE_ATA),
        ("a.txt", "#txt\nUseTftp:1\ninclude nowhere.txt\n"),
    ]);
    let o = run(dir.path(), &["a.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: can't open profile 'nowhere.txt'\nerror: include at line 3 of a.txt: no such file; nothing written (cfgfmt 2.3 would skip the rest of a.txt and write the profile)\n"
    );
    assert!(!dir.path().join("a.cfg").exists());
}

#[test]
fn key_files_keep_keys_out_of_argv_and_messages() {
    let dir = scratch(&[
        ("ptag.dat", TABLE_ATA),
        ("a.txt", "#txt\nUseTftp:1\n"),
        ("weak.key", "abcd\n"),
    ]);
    let o = run(
        dir.path(),
        &["-v", "--key-file", "weak.key", "a.txt", "a.cfg"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        hex::encode(std::fs::read(dir.path().join("a.cfg")).unwrap()),
        "27fcf464801f178a96fb373a7ae0"
    );
    assert!(!stderr(&o).contains("abcd"), "{}", stderr(&o));
    let o = run(dir.path(), &["--key-file=weak.key", "a.cfg", "a.back"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.back")).unwrap(),
        "#txt\n\nUseTftp:1\n"
    );
}

#[test]
fn secrets_never_reach_messages() {
    let dir = scratch(&[
        ("ptag.dat", TABLE_ATA),
        (
            "a.txt",
            "#txt\nUIPassword:hunter2x\nPWD0:s3cr3t-pw\nSIPPort:hunter2\n",
        ),
    ]);
    let o = run(dir.path(), &["-v", "a.txt", "a.cfg"]);
    let err = stderr(&o);
    assert!(!err.contains("hunter2") && !err.contains("s3cr3t"), "{err}");
    let o = run(dir.path(), &["inspect", "--table", "ptag.dat", "a.cfg"]);
    let out = stdout(&o);
    assert!(
        !out.contains("hunter2x") && !out.contains("s3cr3t"),
        "{out}"
    );
    assert!(out.contains("<hidden>"));
}

#[test]
fn protocol_filter_and_decode_aliases() {
    let dir = scratch(&[
        ("ptag.dat", TABLE_ATA),
        (
            "a.txt",
            "#txt\nGateway:1.2.3.4\nGkOrProxy:10.0.0.2\nUseLoginID:1\n",
        ),
    ]);
    let o = run(dir.path(), &["-sip", "a.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stderr(&o),
        "warning: unknown attribute 'Gateway' @line 2 of a.txt\n"
    );
    let o = run(dir.path(), &["-sip", "a.cfg", "sip.txt"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sip.txt")).unwrap(),
        "#txt\n\nUseLoginID:1\nGkOrProxy:10.0.0.2\n"
    );
    let o = run(dir.path(), &["a.cfg", "any.txt"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("any.txt")).unwrap(),
        "#txt\n\nUseH323ID:1\nCA0orCM0:10.0.0.2\n"
    );
}

#[test]
fn decode_subcommand_writes_stdout() {
    let dir = scratch(&[("ptag.dat", TABLE_ATA)]);
    std::fs::write(
        dir.path().join("a.cfg"),
        hex::decode("23617461fffe0400160003140101").unwrap(),
    )
    .unwrap();
    let o = run(dir.path(), &["decode", "a.cfg"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "#txt\n\nUseTftp:1\n");
}

/// Recorded from cfgfmt 2.3: this 2026-byte profile of small tags does not split (the
/// original's estimate ignores small tags' lengths); `-split` splits it.
#[test]
fn automatic_split_over_the_threshold() {
    let mut text = String::from("#txt\nDisplayName0:front desk\n");
    for (name, _) in [("CallCmd", 0), ("DialPlan", 0), ("CodecName", 0)] {
        text.push_str(&format!("{name}:{}\n", "x".repeat(200)));
    }
    text.push_str(&format!("DialPlanEx:{}\n", "9".repeat(480)));
    text.push_str(&format!(
        "GkOrProxy:{}\nGkId:{}\nTftpURL:{}\n",
        "p".repeat(300),
        "g".repeat(300),
        "t".repeat(300)
    ));
    let dir = scratch(&[("ptag.dat", TABLE_ATA), ("a.txt", &text)]);
    let o = run(dir.path(), &["a.txt", "big.cfg"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // cfgfmt 2.3 printed nothing; the lines are our notes on over-long values.
    let long = "warning: GkOrProxy at line 7 of a.txt: 300 bytes, more than the table's size 32; stored all of them\n\
         warning: GkId at line 8 of a.txt: 300 bytes, more than the table's size 32; stored all of them\n\
         warning: TftpURL at line 9 of a.txt: 300 bytes, more than the table's size 32; stored all of them\n";
    assert_eq!(stderr(&o), long);
    assert_eq!(
        std::fs::read(dir.path().join("big.cfg")).unwrap().len(),
        2026
    );
    let o = run(dir.path(), &["-split", "a.txt", "big.cfg"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "warning: GkOrProxy at line 7 of a.txt: 300 bytes, more than the table's size 32; stored all of them\n\
         warning: GkId at line 8 of a.txt: 300 bytes, more than the table's size 32; stored all of them\n\
         warning: TftpURL at line 9 of a.txt: 300 bytes, more than the table's size 32; stored all of them\n\
         #i: force output binary file splitting\n\
         #i: spliting output binary file to 2 files: 'big.cfg' and 'big.cfg.ex'\n"
    );
    let o = run(dir.path(), &["big.cfg", "base.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let base = std::fs::read_to_string(dir.path().join("base.txt")).unwrap();
    assert!(
        base.ends_with("#extended:big.cfg.ex\n") && !base.contains("DialPlanEx"),
        "{base}"
    );
    let o = run(dir.path(), &["big.cfg.ex", "ex.txt"]);
    assert_eq!(o.status.code(), Some(0));
    let ex = std::fs::read_to_string(dir.path().join("ex.txt")).unwrap();
    assert!(
        ex.contains("DialPlanEx:") && ex.contains("DisplayName0:front desk"),
        "{ex}"
    );
}

#[test]
fn subcommands_refuse_the_other_kind_of_input() {
    let dir = scratch(&[("ptag.dat", TABLE_ATA), ("a.txt", "#txt\nUseTftp:1\n")]);
    std::fs::write(
        dir.path().join("a.cfg"),
        hex::decode("23617461fffe0400160003140101").unwrap(),
    )
    .unwrap();
    let o = run(dir.path(), &["decode", "a.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: INPUT is a text profile (#txt); use compile\n"
    );
    let o = run(dir.path(), &["compile", "a.cfg", "b.cfg"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: INPUT is not a text profile"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("b.cfg").exists());
}

#[test]
fn size_is_checked_before_the_magic() {
    let dir = scratch(&[("ptag.dat", TABLE_ATA), ("a.txt", "#txt")]);
    let o = run(dir.path(), &["a.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: bad input size 4\nwarning: nothing written to 'a.cfg' (cfgfmt 2.3 would \
         crash and leave an empty 'a.cfg')\n"
    );
}

#[test]
fn include_names_are_the_bytes_written() {
    let dir = scratch(&[
        ("ptag.dat", TABLE_ATA),
        ("a.txt", "#txt\ninclude común.txt\n"),
        ("común.txt", "UseTftp:1\n"),
    ]);
    let o = run(dir.path(), &["a.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        hex::encode(std::fs::read(dir.path().join("a.cfg")).unwrap()),
        "23617461fffe0400160003140101"
    );
}

#[test]
fn an_empty_key_file_is_an_error() {
    let dir = scratch(&[
        ("ptag.dat", TABLE_ATA),
        ("a.txt", "#txt\nUseTftp:1\n"),
        ("empty.key", "\n"),
    ]);
    let o = run(dir.path(), &["--key-file", "empty.key", "a.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("holds no key"), "{}", stderr(&o));
    assert!(!dir.path().join("a.cfg").exists());
}

#[cfg(unix)]
#[test]
fn decoded_text_is_private_and_profiles_are_readable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch(&[("ptag.dat", TABLE_ATA), ("a.txt", "#txt\nPWD0:secret\n")]);
    assert_eq!(run(dir.path(), &["a.txt", "a.cfg"]).status.code(), Some(0));
    assert_eq!(
        run(dir.path(), &["a.cfg", "back.txt"]).status.code(),
        Some(0)
    );
    let mode = |n: &str| {
        std::fs::metadata(dir.path().join(n))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("back.txt"), 0o600);
    assert_eq!(mode("a.cfg") & 0o444, 0o444);
}

#[test]
fn table_warnings_print_even_when_the_input_is_missing() {
    let dir = scratch(&[("ptag.dat", "bad line\n20,0x0028,UseTftp,1\n")]);
    let o = run(dir.path(), &["nothere.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .starts_with("warning: line 1, bad ptag bad line\n\nerror: can't open nothere.txt"),
        "{}",
        stderr(&o)
    );
}

/// Recorded from cfgfmt 2.3 (`-tata_ptag.dat in.cfg o.txt`): stderr
/// `warning: input len > known len (40>32)` then `corrupted profile`, the text
/// `#txt\n\nCA0orCM0:AAAA…` (32 A) written, exit 0. We print its lines, then ours, and write
/// nothing.
#[test]
fn corrupted_decode_prints_the_originals_lines_and_writes_nothing() {
    let dir = scratch(&[("ptag.dat", TABLE_ATA)]);
    let bytes = hex::decode(format!(
        "23617461fffe04123400101d28{}0304010203",
        "41".repeat(40)
    ))
    .unwrap();
    std::fs::write(dir.path().join("in.cfg"), bytes).unwrap();
    let o = run(dir.path(), &["in.cfg", "o.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "warning: input len > known len (40>32)",
            "corrupted profile"
        ],
        "{err}"
    );
    assert_eq!(
        lines[2],
        "error: in.cfg: record at offset 0x35: the record runs past the end of the file; \
         nothing written (cfgfmt 2.3 would write a partial text and exit 0)"
    );
    assert!(!dir.path().join("o.txt").exists());
}

/// No arguments: the original's banner on stdout, exit 1, then one hint line on stderr.
/// `-h`/`-V` alone are unknown switches to cfgfmt 2.3 (the oracle corpus records them):
/// its banner and status stay, the same hint follows; `--help`/`--version` are ours.
#[test]
fn no_arguments_and_short_help_give_the_banner_then_a_hint() {
    let dir = scratch(&[]);
    for args in [&[][..], &["-h"], &["-V"]] {
        let o = run(dir.path(), args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stdout(&o).starts_with("cfgfmt version 2.3\nusage: cfgfmt"));
        let err = stderr(&o);
        assert!(err.ends_with("cfgfmt-rs --help\n"), "{err}");
        assert_eq!(err.lines().filter(|l| l.starts_with("hint:")).count(), 1);
    }
    let o = run(dir.path(), &["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("compile"));
    let o = run(dir.path(), &["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("cfgfmt-rs "));
}

/// A mistyped subcommand is named, not opened as a table-less input.
#[test]
fn mistyped_subcommand_suggests_the_right_one() {
    let dir = scratch(&[]);
    let o = run(dir.path(), &["inpsect", "a"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean 'inspect'"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("ptag"));
    // A file of that name is an input, as the original read it.
    let dir = scratch(&[("inpsect", "#txt\n")]);
    let o = run(dir.path(), &["inpsect", "out.cfg"]);
    assert!(!stderr(&o).contains("did you mean"), "{}", stderr(&o));
    assert!(stderr(&o).contains("can't open ptag file"));
    // Far from every subcommand: the original's behaviour.
    let o = run(scratch(&[]).path(), &["zzzzzz", "b"]);
    assert!(stderr(&o).contains("can't open ptag file"));
}

/// A word that is no subcommand, followed by an option the original never had, is an
/// unknown subcommand (it used to reach the original's parser, whose `--help` printed the
/// top-level help with exit status 0).
#[test]
fn unknown_subcommand_is_an_error_with_a_suggestion() {
    let dir = scratch(&[]);
    let o = run(dir.path(), &["frobnicate", "--help"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("unrecognized subcommand 'frobnicate'"),
        "{err}"
    );
    // Nothing is close to it: every subcommand is listed, derived from the clap definition.
    for sub in ["compile", "doctor", "probe", "tftplog", "manpage"] {
        assert!(err.contains(sub), "{sub}: {err}");
    }
    // Close to one: that one is suggested.
    let o = run(dir.path(), &["inspct", "--json", "x.bin"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean 'inspect'"),
        "{}",
        stderr(&o)
    );
    // The same word alone may be the original's missing input: its usage banner and exit
    // status, and a hint on stderr.
    let o = run(dir.path(), &["frobnicate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cfgfmt-rs --help"), "{}", stderr(&o));
    // A file of that name stays an input, `--` options and all.
    let dir = scratch(&[("frobnicate", "#txt\n")]);
    let o = run(dir.path(), &["frobnicate", "out.cfg", "--strict"]);
    assert!(!stderr(&o).contains("unrecognized"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("can't open ptag file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn completions_and_manpage() {
    let dir = scratch(&[]);
    let o = run(dir.path(), &["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("cfgfmt-rs") && stdout(&o).contains("inspect"));
    let o = run(dir.path(), &["manpage"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).starts_with(".ie") || stdout(&o).contains(".TH"),
        "{}",
        stdout(&o)
    );
}

/// Never destroy a source: the same file (also through a hard link) as input and output is
/// refused, and decoding over a text profile needs --force.
#[test]
fn sources_are_never_overwritten() {
    let dir = scratch(&[("ptag.dat", TABLE_ATA), ("a.txt", "#txt\nUseTftp:1\n")]);
    std::fs::hard_link(dir.path().join("a.txt"), dir.path().join("link.txt")).unwrap();
    let o = run(dir.path(), &["compile", "a.txt", "link.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("both the input and the output"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.txt")).unwrap(),
        "#txt\nUseTftp:1\n"
    );
    let o = run(dir.path(), &["strip", "a.txt", "./a.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("both the input and the output"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.txt")).unwrap(),
        "#txt\nUseTftp:1\n"
    );

    let o = run(dir.path(), &["a.txt", "a.cfg"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(dir.path().join("keep.txt"), "#txt\n# mine\nUseTftp:0\n").unwrap();
    for args in [&["decode", "a.cfg", "keep.txt"][..], &["a.cfg", "keep.txt"]] {
        let o = run(dir.path(), args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&o).contains("keep.txt is a text profile"),
            "{}",
            stderr(&o)
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
            "#txt\n# mine\nUseTftp:0\n"
        );
    }
    let o = run(dir.path(), &["decode", "--force", "a.cfg", "keep.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(dir.path().join("keep.txt"))
            .unwrap()
            .contains("UseTftp:1")
    );
}

/// `decode` prints text that compiles back to the same bytes (the upgrade address in stored
/// order); `--original` and Cisco's command line print what Cisco's decoder printed, and
/// the latter says on stderr that its text would not compile back.
#[test]
fn decode_text_compiles_back_and_the_original_text_says_when_it_does_not() {
    let text = "#txt\nupgradecode:3,0x601,0x0400,0x0100,10.130.8.100,69,0x060111a,CP7912080000SIP060111A.sbin\nUseTftp:1\n";
    let dir = scratch(&[("gk.txt", text)]);
    let o = run(dir.path(), &["-tbuiltin:7912", "gk.txt", "gk.cfg"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(dir.path(), &["decode", "--table", "builtin:7912", "gk.cfg"]);
    assert!(stdout(&o).contains(",10.130.8.100,"), "{}", stdout(&o));
    assert!(!stderr(&o).contains("compile back"), "{}", stderr(&o));
    let o = run(
        dir.path(),
        &["decode", "--original", "--table", "builtin:7912", "gk.cfg"],
    );
    assert!(stdout(&o).contains(",100.8.130.10,"), "{}", stdout(&o));
    let o = run(dir.path(), &["-tbuiltin:7912", "gk.cfg", "back.txt"]);
    assert_eq!(o.status.code(), Some(0));
    let back = std::fs::read_to_string(dir.path().join("back.txt")).unwrap();
    assert!(back.contains(",100.8.130.10,"), "{back}");
    assert!(
        stderr(&o).contains("note: this text does not compile back to the same bytes"),
        "{}",
        stderr(&o)
    );
    // A profile without upgrade records decodes to text that compiles back: no note.
    let dir = scratch(&[("p.txt", "#txt\nUseTftp:1\nUID:4100\n")]);
    run(dir.path(), &["-tbuiltin:7912", "p.txt", "p.cfg"]);
    let o = run(dir.path(), &["-tbuiltin:7912", "p.cfg", "p2.txt"]);
    assert_eq!(stderr(&o), "");
}

/// `decode` with no table and no ptag.dat here reads with a `*ptag*.dat` beside the input,
/// else the built-in table that explains most records, and says which; a table that leaves
/// records unexplained gets the name of one that knows them.
#[test]
fn decode_finds_its_table_and_names_a_better_one() {
    let dir = scratch(&[
        ("tree/sip_ptag7912.dat", TABLE_7912),
        ("gk.txt", "#txt\nDisplayName:Lobby\nUseTftp:1\n"),
    ]);
    run(dir.path(), &["-tbuiltin:7912", "gk.txt", "tree/gk.cfg"]);
    let o = run(dir.path(), &["decode", "tree/gk.cfg"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("DisplayName:Lobby"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("reading with tree/sip_ptag7912.dat (beside the input)"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_file(dir.path().join("tree/sip_ptag7912.dat")).unwrap();
    let o = run(dir.path(), &["decode", "tree/gk.cfg"]);
    assert!(stdout(&o).contains("DisplayName:Lobby"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("reading with builtin:7912"),
        "{}",
        stderr(&o)
    );
    let o = run(
        dir.path(),
        &["decode", "--table", "builtin:ata186", "tree/gk.cfg"],
    );
    assert!(stdout(&o).contains("#unknownTag"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("explained by builtin:7912 (give -tbuiltin:7912)"),
        "{}",
        stderr(&o)
    );
}

/// A reader that goes away (`cfgfmt-rs dump big | head`) ends the run quietly with 141, as
/// C tools do, instead of a panic about a failed write.
#[test]
fn broken_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let big: Vec<u8> = (0..400_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(dir.path().join("big.bin"), big).unwrap();
    let mut child = bin()
        .args(["dump", "--raw", "big.bin"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(141), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

/// Names that are not UTF-8 print as their bytes, as the original printed them (checked
/// against cfgfmt 2.3: `warning: unknown attribute 'CAF\xe9x' @line 2 of in.txt`); a bad
/// table line keeps its bytes too, its control characters escaped.
#[test]
fn names_that_are_not_utf8_print_as_bytes() {
    let dir = scratch(&[]);
    std::fs::write(
        dir.path().join("in.txt"),
        b"#txt\nCAF\xe9x:1\nUseTftp:\n\xff\xfe:\n",
    )
    .unwrap();
    let mut table = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/formats/tables/7905-7912-sip.dat"
    ))
    .unwrap();
    table.extend_from_slice(b"bad\xe9line\x1b here\n");
    std::fs::write(dir.path().join("t.dat"), table).unwrap();
    let o = run(dir.path(), &["-tt.dat", "in.txt", "out.cfg"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<&[u8]> = o.stderr.split(|&b| b == b'\n').collect();
    for want in [
        &b"warning: unknown attribute 'CAF\xe9x' @line 2 of in.txt"[..],
        b"warning: empty value for attribute 'UseTftp' @line 3 of in.txt",
        b"warning: unknown attribute '\xff\xfe' @line 4 of in.txt",
    ] {
        assert!(lines.contains(&want), "{}", stderr(&o));
    }
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with(b", bad ptag bad\xe9line\\x1b here")),
        "{}",
        stderr(&o)
    );
    assert!(!o.stderr.windows(3).any(|w| w == "\u{fffd}".as_bytes()));
}
