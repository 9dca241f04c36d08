#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Some(n) = cfgfmt::pkg::names::parse(s) {
            let _ = n.upgradecode_date();
        }
    }
});
