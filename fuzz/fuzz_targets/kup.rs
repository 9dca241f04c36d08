#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(k) = cfgfmt::pkg::kup::parse(data, 0) {
        let _ = k.spans();
    }
    let _ = cfgfmt::pkg::kup::scan_kbz(data);
});
