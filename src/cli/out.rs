//! Standard output of the subcommands: buffered, coloured only where colours belong
//! (`anstream` decides for `auto`: a terminal, `NO_COLOR`, `CLICOLOR_FORCE`), and a reader
//! that went away (`| head`) found through the error chain, never by a panic's text.

use std::io::{BufWriter, Write};

use super::failure::Failure;
use cfgfmt::report::DumpStyle;

/// `--color`: `auto` leaves the choice to `anstream` (a terminal, no `NO_COLOR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// What standard output gets: `Never` for a pipe or a file unless forced.
    fn resolve(self) -> anstream::ColorChoice {
        match self {
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
            ColorChoice::Auto => anstream::AutoStream::choice(&std::io::stdout()),
        }
    }
}

/// The dump's colours: the binary's choice, handed to the library's renderer.
fn palette() -> DumpStyle {
    use anstyle::{AnsiColor, Effects, Style};
    DumpStyle {
        ok: Style::new().fg_color(Some(AnsiColor::Green.into())),
        bad: Style::new().fg_color(Some(AnsiColor::Red.into())),
        dim: Style::new().effects(Effects::DIMMED),
    }
}

/// Buffered standard output and the style to render with: plain text (no escape codes to
/// make or strip) unless colours are on.
pub fn stdout(color: ColorChoice) -> (Box<dyn Write>, DumpStyle) {
    const BLOCK: usize = 64 << 10;
    match color.resolve() {
        anstream::ColorChoice::Never => (
            Box::new(BufWriter::with_capacity(BLOCK, std::io::stdout())),
            DumpStyle::default(),
        ),
        // The stream sees the real stdout (a Windows console gets its own calls); the
        // buffer in front of it keeps writes to one per block.
        choice => (
            Box::new(BufWriter::with_capacity(
                BLOCK,
                anstream::AutoStream::new(std::io::stdout(), choice),
            )),
            palette(),
        ),
    }
}

/// Plain buffered standard output.
pub fn plain() -> Box<dyn Write> {
    stdout(ColorChoice::Never).0
}

/// Writes `text` to standard output, flushed.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Failure::Output)
}

/// `print` with a line end.
pub fn println(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .map_err(Failure::Output)
}

/// Whether an error, or any error it wraps, is a closed pipe.
pub fn is_broken_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(e) = next {
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        next = e.source();
    }
    false
}

/// Ends the process after a failed write to stdout: 141 and silence for a closed pipe,
/// else the reason and 1.
pub fn stdout_failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(BROKEN_PIPE_STATUS);
    }
    eprintln!("error: can't write to standard output: {e}");
    std::process::exit(1);
}

/// Exit status of a run stopped by a closed pipe: 141, as a C tool killed by SIGPIPE.
pub const BROKEN_PIPE_STATUS: i32 = 141;
