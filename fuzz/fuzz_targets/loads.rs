#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(l) = cfgfmt::pkg::loads::parse(data) {
        let _ = l.spans();
    }
});
