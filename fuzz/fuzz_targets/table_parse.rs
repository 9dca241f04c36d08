#![no_main]
//! Tag tables: any bytes load (bad lines become warnings), and lookups never panic.
use cfgfmt::table::{TagTable, context};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (table, warnings) = TagTable::parse(data);
    for w in &warnings {
        let _ = w.to_string();
    }
    for d in table.entries() {
        // A line with context 0 belongs to no protocol: it can never be found. Names match
        // on the bytes the table held (a byte above 0x7f only itself), letters in any case.
        let raw = d.raw_name();
        let found = table.by_name(&*raw, context::ALL).is_some();
        let any = table.entries().iter().any(|e| e.raw_name().eq_ignore_ascii_case(&raw) && e.context != 0);
        assert_eq!(found, any);
        let _ = table.by_tag(d.tag, context::SIP);
    }
});
