#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(f) = cfgfmt::pkg::sgn::parse(data) {
        let _ = cfgfmt::pkg::sgn::verify(&f, None);
        let _ = f.spans();
    }
});
