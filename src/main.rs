//! `cfgfmt-rs`: the command-line front end over the `cfgfmt` library.

mod cli;

fn main() {
    // A closed stdout (`cfgfmt-rs dump big.bin | head`) comes back as an error with kind
    // `BrokenPipe`, which `cli::failure` turns into status 141 without a word.
    std::process::exit(cli::run(std::env::args_os().collect()));
}
