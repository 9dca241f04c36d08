//! The manual's command examples run as written: `docs/tour.md` is a trycmd case (each
//! `$ cfgfmt-rs …` line runs in a scratch copy of `docs/tour.in/`, its output compared
//! with the lines below it). `TRYCMD=overwrite cargo test --test it -- docs` rewrites them.

#[test]
fn manual_examples_run_as_written() {
    trycmd::TestCases::new()
        .register_bin(
            "cfgfmt-rs",
            std::path::Path::new(env!("CARGO_BIN_EXE_cfgfmt-rs")),
        )
        .case("docs/tour.md");
}

/// Every other `cfgfmt-rs …` command line in the README and the manual names subcommands and
/// options that exist: each runs with `--help` appended (clap reads every option before it
/// acts on `--help`, so a renamed or misspelt one fails). Syntax summaries (`[options]`,
/// `FILE|DIR`, `…`) and lines that need files are checked by the tour instead.
#[test]
fn manual_command_lines_name_real_options() {
    let program = std::path::Path::new(env!("CARGO_BIN_EXE_cfgfmt-rs"));
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.push(root.join("README.md"));
    let mut checked = 0;
    let mut failures = Vec::new();
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        let mut fenced = false;
        let mut pending = String::new();
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
                continue;
            }
            if !fenced {
                continue;
            }
            let line = line.trim().trim_start_matches("$ ");
            if pending.is_empty() && !line.starts_with("cfgfmt-rs ") {
                continue;
            }
            pending.push_str(line.trim_end_matches('\\'));
            pending.push(' ');
            if line.ends_with('\\') {
                continue;
            }
            let command = std::mem::take(&mut pending);
            // A remark after the command: `# …` or two spaces and a note.
            let command = command.split(" #").next().unwrap_or_default();
            let command = command.split("  ").next().unwrap_or_default();
            if command.contains(['[', '|', '…']) {
                continue;
            }
            let args: Vec<&str> = command.split_whitespace().skip(1).collect();
            let out = std::process::Command::new(program)
                .args(&args)
                .arg("--help")
                .current_dir(dir.path())
                .output()
                .unwrap();
            checked += 1;
            if !out.status.success() {
                failures.push(format!(
                    "{}: `{command}`: {}",
                    page.display(),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
    }
    assert!(checked >= 20, "only {checked} command lines found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The README's install line builds what `cargo build-static` builds: `.cargo/static.toml`
/// gives the alias's flags (the two share one build), and the README names that file.
#[test]
fn install_line_builds_the_static_binary() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let flags = "['-C', 'target-feature=+crt-static', '-C', 'relocation-model=static']";
    let install = read(".cargo/static.toml").replace('"', "'");
    assert!(install.contains("target = 'host-tuple'"), "{install}");
    assert!(
        install.contains(&format!(
            "[target.x86_64-unknown-linux-gnu]\nrustflags = {flags}"
        )),
        "{install}"
    );
    let alias = read(".cargo/config.toml");
    assert!(
        alias.contains(&format!(
            "target.x86_64-unknown-linux-gnu.rustflags = {flags}"
        )),
        "{alias}"
    );
    assert!(
        read("README.md").contains("cargo install --locked --path . --config .cargo/static.toml")
    );
}

/// Issue 19.9: the JSON fields docs/assistant.md documents for `doctor --json` findings are
/// the ones the tool emits (nested objects as `outer.inner`), no more, no fewer.
#[test]
fn doctor_json_fields_are_the_documented_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("OS79XX.TXT"), "P0S3-8-12-00.loads\r\n").unwrap();
    std::fs::write(
        dir.path().join("SIPDefault.cnf"),
        "image_version: P0S3-8-12-00\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("sipdefault.CNF"), "x").unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
        .args(["doctor", "--json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut real = std::collections::BTreeSet::new();
    for f in v["findings"].as_array().unwrap() {
        for (k, val) in f.as_object().unwrap() {
            match val.as_object() {
                Some(inner) => real.extend(inner.keys().map(|i| format!("{k}.{i}"))),
                None => {
                    real.insert(k.clone());
                }
            }
        }
    }
    let doc = include_str!("../../docs/assistant.md");
    let row = doc
        .lines()
        .find(|l| l.starts_with("| `findings[]` |"))
        .expect("the findings[] row");
    let cell = row.split('|').nth(2).unwrap();
    // The field names: the first backticked word of each comma-separated part.
    let documented: std::collections::BTreeSet<String> = cell
        .split(", ")
        .filter_map(|part| part.trim().strip_prefix('`')?.split('`').next())
        .map(str::to_string)
        .collect();
    assert_eq!(documented, real, "docs/assistant.md findings[] row: {row}");
}

/// Issue 19.9: the messages docs/compiler.md quotes are the ones the tool prints. Each case:
/// the documented text (placeholders as written there), the same with this case's values,
/// and the command line that prints it.
#[test]
fn compiler_messages_are_quoted_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("in.txt"), "#txt\nUIPassword:1\n").unwrap();
    std::fs::write(
        d.join("long.txt"),
        format!("#txt\nDisplayName:{}\n", "a".repeat(1100)),
    )
    .unwrap();
    std::fs::write(d.join("inc.txt"), "#txt\ninclude nofile.txt\n").unwrap();
    std::fs::write(d.join("enc.cfg"), b"garbage\x00\x01\x02\x03").unwrap();
    std::fs::write(d.join("tiny.txt"), "#tx").unwrap();
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "error: can't open ptag file: 'ptag.dat'",
            "error: can't open ptag file: 'ptag.dat'",
            &["in.txt", "o.cfg"],
        ),
        (
            "error: line N of F is longer than 1022 bytes with its line end",
            "error: line 2 of long.txt is longer than 1022 bytes with its line end",
            &["-tbuiltin:7912", "long.txt", "o.cfg"],
        ),
        (
            "error: can't open profile 'F'",
            "error: can't open profile 'nofile.txt'",
            &["-tbuiltin:7912", "inc.txt", "o.cfg"],
        ),
        (
            "error: include at line N of F: no such file",
            "error: include at line 2 of inc.txt: no such file",
            &["-tbuiltin:7912", "inc.txt", "o.cfg"],
        ),
        (
            "error: unknown or encrypted file: 'IN'",
            "error: unknown or encrypted file: 'enc.cfg'",
            &["-tbuiltin:7912", "enc.cfg", "o.txt"],
        ),
        (
            "error: bad input size N",
            "error: bad input size 3",
            &["-tbuiltin:7912", "tiny.txt", "o.cfg"],
        ),
    ];
    let doc = include_str!("../../docs/compiler.md");
    for (documented, printed, args) in cases {
        assert!(
            doc.contains(documented),
            "docs/compiler.md lacks `{documented}`"
        );
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
            .args(*args)
            .current_dir(d)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(printed), "{args:?} printed {err}");
    }
}

/// Issue 19.9: `upgradecode --write` names the profile the phones ask for.
#[test]
fn upgradecode_write_names_the_default_profile() {
    let dir = tempfile::tempdir().unwrap();
    let sbin = "CP7905080003SCCP070409A.sbin";
    std::fs::write(
        dir.path().join(sbin),
        crate::assist_fixtures::sbin(sbin, 0x501),
    )
    .unwrap();
    std::fs::write(dir.path().join("lddefault.txt"), "#txt\nUIPassword:1\n").unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
        .args(["upgradecode", sbin, "--write", "lddefault.txt"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("now compile it: cfgfmt-rs -tbuiltin:7912 lddefault.txt lddefault.cfg"),
        "{err}"
    );
    assert!(!err.contains("<profile>"), "{err}");
}

/// Issue 19.10: the README's first set-up command works from a bare clone (`cargo run`), the
/// README says what to expect of it, and it says what it wrote, as the README promises.
#[test]
fn readme_first_setup_command_runs_and_reports() {
    let readme = include_str!("../../README.md");
    let setup = readme
        .split("the two set-up commands")
        .nth(1)
        .and_then(|s| s.split("```sh\n").nth(1))
        .and_then(|s| s.lines().next())
        .expect("the set-up block");
    let setup = setup
        .strip_prefix("cargo run --release -- ")
        .unwrap_or_else(|| panic!("not a cargo run of the binary: {setup}"));
    // The same command for the installed binary is given too, word for word.
    assert!(readme.contains(&format!("`cfgfmt-rs {setup}`")), "{setup}");
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = setup
        .split_whitespace()
        .map(|a| match a {
            "gkdefault.cfg" => dir.path().join(a).display().to_string(),
            a if a.starts_with("formats/") || a.starts_with("testdata/") => format!("{root}/{a}"),
            a => a.to_string(),
        })
        .collect();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_cfgfmt-rs"))
        .args(&args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let size = std::fs::metadata(dir.path().join("gkdefault.cfg"))
        .unwrap()
        .len();
    assert_eq!(
        err.trim_end(),
        format!(
            "compiled {root}/testdata/examples/gkdefault.txt: wrote {} ({size} bytes)",
            dir.path().join("gkdefault.cfg").display()
        )
    );
    assert!(
        readme.contains("compiled testdata/examples/gkdefault.txt: wrote gkdefault.cfg (N bytes)")
    );
    assert_eq!(
        std::fs::read(dir.path().join("gkdefault.cfg")).unwrap(),
        include_bytes!("../../testdata/golden/gkdefault.cfg")
    );
}
