#![no_main]
//! Binary profiles: decode any bytes with both tables.
use cfgfmt::profile::{DecodeOptions, decode};
use cfgfmt::table::{BUILTIN_TABLES, TagTable};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for b in BUILTIN_TABLES {
        let table = TagTable::parse(b.text.as_bytes()).0;
        let _ = decode(data, &table, &DecodeOptions { verbose: true, ..DecodeOptions::default() });
    }
});
