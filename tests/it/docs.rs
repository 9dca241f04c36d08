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
