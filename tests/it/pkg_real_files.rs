//! Opt-in: run the inspectors on real firmware the user supplies (never committed):
//! `CFGFMT_REAL_FIRMWARE_DIR=/path/to/tftp cargo test --test it -- pkg_real_files --ignored --nocapture`.
//! Checks the fact-sheet invariants: signed headers parse, `.sbn` minus header equals `.bin`,
//! `LA_VERSION` equals the loader tag, kup1 regions inflate with good CRCs.
use cfgfmt::file::{self as cli, InspectOptions};
use cfgfmt::report::Status;

#[test]
#[ignore = "needs CFGFMT_REAL_FIRMWARE_DIR=<a folder of Cisco firmware>"]
fn real_firmware_folder_if_given() {
    let Some(dir) = std::env::var_os("CFGFMT_REAL_FIRMWARE_DIR") else {
        panic!("set CFGFMT_REAL_FIRMWARE_DIR to a folder of Cisco firmware files");
    };
    let rep = cli::inspect_path(std::path::Path::new(&dir), &InspectOptions::default()).unwrap();
    println!("{}", rep.render_text());
    for f in &rep.files {
        assert!(f.error().is_none(), "{}: {:?}", f.name, f.error());
    }
    let bad: Vec<_> = rep
        .checks
        .iter()
        .filter(|c| c.status == Status::Bad)
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}
