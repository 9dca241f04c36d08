//! Try the package inspectors end-to-end until the main CLI wires them in:
//!
//! ```text
//! cargo run --example pkg_inspect -- inspect PATH [--json] [--cert PEM] [--dir DIR]
//! cargo run --example pkg_inspect -- dump FILE [--raw] [--color]
//! cargo run --example pkg_inspect -- strip IN OUT
//! cargo run --example pkg_inspect -- extract IN DIR
//! ```
use cfgfmt::file::{self as cli, InspectOptions};
use cfgfmt::report::{DumpStyle, render_annotated, render_raw};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let value = |f: &str| {
        args.iter()
            .position(|a| a == f)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    let positional: Vec<&String> = {
        let mut skip = false;
        args.iter()
            .filter(|a| {
                if skip {
                    skip = false;
                    return false;
                }
                if *a == "--cert" || *a == "--dir" {
                    skip = true;
                    return false;
                }
                !a.starts_with("--")
            })
            .collect()
    };
    let result = match positional.as_slice() {
        [cmd, path] if cmd.as_str() == "inspect" => {
            let opts = InspectOptions {
                cert: value("--cert"),
                json: flag("--json"),
                dir: value("--dir"),
                ..InspectOptions::default()
            };
            cli::inspect_path(Path::new(path), &opts).map(|r| {
                if opts.json {
                    r.to_json() + "\n"
                } else {
                    r.render_text()
                }
            })
        }
        [cmd, path] if cmd.as_str() == "dump" => {
            cfgfmt::io::read_bounded(Path::new(path), cfgfmt::io::Limit::FIRMWARE)
                .map_err(cfgfmt::pkg::PkgError::from)
                .and_then(|bytes| {
                    let style = if flag("--color") {
                        let fg =
                            |c: anstyle::AnsiColor| anstyle::Style::new().fg_color(Some(c.into()));
                        DumpStyle {
                            ok: fg(anstyle::AnsiColor::Green),
                            bad: fg(anstyle::AnsiColor::Red),
                            dim: anstyle::Style::new().effects(anstyle::Effects::DIMMED),
                        }
                    } else {
                        DumpStyle::default()
                    };
                    if flag("--raw") {
                        Ok(render_raw(&bytes, &style))
                    } else {
                        cli::dump_bytes(path, &bytes)
                            .map(|spans| render_annotated(&bytes, &spans, &style))
                    }
                })
        }
        [cmd, input, output] if cmd.as_str() == "strip" => {
            cli::strip(Path::new(input), Path::new(output)).map(|s| {
                format!(
                    "wrote {} payload bytes (header {} bytes, signed name {:?})\n",
                    s.payload_len,
                    s.header_length,
                    s.embedded_name.as_deref().unwrap_or("-")
                )
            })
        }
        [cmd, input, dir] if cmd.as_str() == "extract" => {
            cli::extract(Path::new(input), Path::new(dir))
                .map(|files| files.iter().map(|f| format!("{}\n", f.display())).collect())
        }
        _ => {
            eprintln!(
                "usage: pkg_inspect inspect PATH [--json] [--cert PEM] [--dir DIR] | dump FILE [--raw] [--color] | strip IN OUT | extract IN DIR"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
