//! `cfgfmt-rs`: the command-line front end over the `cfgfmt` library.

mod cli;

fn main() {
    std::process::exit(cli::run(std::env::args_os().collect()));
}
