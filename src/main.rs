//! `cfgfmt-rs`: the command-line front end over the `cfgfmt` library.

mod cli;

fn main() {
    quiet_broken_pipe();
    std::process::exit(cli::run(std::env::args_os().collect()));
}

/// `cfgfmt-rs dump big.cfg | head`: when the reader goes away, stop as C tools do (status
/// 141, as if killed by SIGPIPE) instead of printing a panic about a failed write.
fn quiet_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if text.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
