#![no_main]
//! `inspect` and the annotated `dump` of any bytes, keyed or not.
use cfgfmt::profile::inspect::{InspectOptions, inspect, spans};
use cfgfmt::report::{DumpStyle, render_annotated, render_raw};
use cfgfmt::table::{BUILTIN_TABLES, TagTable};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else { return };
    let table = TagTable::parse(BUILTIN_TABLES[usize::from(which & 1)].text.as_bytes()).0;
    let opts = InspectOptions {
        weak_key: (which & 2 != 0).then(|| b"abcd".to_vec()),
        strong_key: (which & 4 != 0).then(|| b"0011".to_vec()),
        show_secrets: which & 8 != 0,
        ..InspectOptions::default()
    };
    let ins = inspect(bytes, &table, "t", &opts);
    for f in &ins.findings {
        assert!(f.offset().unwrap_or(0) <= bytes.len());
    }
    let style = if which & 16 != 0 {
        let red = cfgfmt::report::anstyle::Style::new().bold();
        DumpStyle { ok: red, bad: red, dim: red }
    } else {
        DumpStyle::default()
    };
    let _ = render_annotated(&ins.plain, &spans(&ins), &style);
    let _ = render_raw(bytes, &style);
});
