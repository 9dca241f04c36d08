fn main() {
    std::process::exit(cfgfmt::cli::run(std::env::args_os().collect()));
}
