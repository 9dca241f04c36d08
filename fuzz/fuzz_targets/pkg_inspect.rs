#![no_main]
//! Every package inspector through content detection, plus the annotated dump.
use cfgfmt::file::{File, dump, inspect_bytes};
use cfgfmt::report::{DumpStyle, render_annotated};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 8] = ["x.loads", "x.sbn", "x.sb2", "x.sbin", "x.tlv", "OS79XX.TXT", "SIPDefault.cnf", "x.zip"];

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else { return };
    let name = NAMES[usize::from(which) % NAMES.len()];
    let report = inspect_bytes(name, bytes, None);
    let _ = serde_json::to_string(&report);
    let file = File::open(name, bytes, &Default::default());
    if let Ok(d) = dump(&file) {
        let _ = render_annotated(&d.view, &d.spans, &DumpStyle::default());
    }
});
