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
        // A line with context 0 belongs to no protocol: it can never be found.
        assert_eq!(table.by_name(&d.name, context::ALL).is_some(), table.entries().iter().any(|e| e.name.eq_ignore_ascii_case(&d.name) && e.context != 0));
        let _ = table.by_tag(d.tag, context::SIP);
    }
});
