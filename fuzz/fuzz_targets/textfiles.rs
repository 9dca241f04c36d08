#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cfgfmt::pkg::textfiles::parse_os79xx(data);
    let _ = cfgfmt::pkg::textfiles::parse_image_version(data);
    let _ = cfgfmt::pkg::textfiles::parse_load_information(data);
});
