#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = cfgfmt::pkg::tlv::parse(data) {
        let _ = t.spans();
    }
});
