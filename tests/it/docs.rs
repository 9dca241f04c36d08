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
