#![no_main]
//! Text profiles against both built-in tables, with every switch the input's first byte picks.
use std::path::Path;

use cfgfmt::profile::{CompileOptions, compile};
use cfgfmt::table::{BUILTIN_TABLES, TagTable};
use cfgfmt::text::NoIncludes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&switches, text)) = data.split_first() else { return };
    let table = TagTable::parse(BUILTIN_TABLES[usize::from(switches & 1)].text.as_bytes()).0;
    let opts = CompileOptions {
        protocols: cfgfmt::table::Protocols::from_bits(if switches & 2 != 0 { 0x2 } else { 0xFFFF }),
        omit_sensitive: switches & 4 != 0,
        force_split: switches & 8 != 0,
        weak_key: (switches & 16 != 0).then(|| cfgfmt::crypto::WeakKey::from_text("abcd")),
        strong_key: (switches & 32 != 0).then(|| cfgfmt::crypto::StrongKey::from_text("0011")),
        ignore_profile_key: switches & 64 != 0,
        ignore_profile_key_ex: switches & 128 != 0,
        output_name: "out".into(),
        rand8: Some([7; 8]),
        ..CompileOptions::default()
    };
    let mut input = b"#txt\n".to_vec();
    input.extend_from_slice(text);
    if let Ok(out) = compile(&input, Path::new("fuzz.txt"), &mut NoIncludes, &table, &opts) {
        for d in &out.diagnostics {
            let _ = d.to_string();
        }
    }
});
