#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(members) = cfgfmt::pkg::bundle::read_zip(data) {
        let _ = members.len();
    }
});
