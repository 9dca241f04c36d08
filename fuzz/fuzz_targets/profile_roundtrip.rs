#![no_main]
//! Any profile the compiler accepts cleanly decodes and recompiles to the same bytes.
use std::path::Path;

use cfgfmt::profile::{CompileOptions, DecodeOptions, compile, decode};
use cfgfmt::table::{BUILTIN_TABLES, TagTable};
use cfgfmt::text::NoIncludes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, text)) = data.split_first() else { return };
    // Obsolete `*Freq` tones decode through the plain tone line of their tag, another size:
    // that text is not meant to compile back (documented in formats/cfgfmt.md).
    if text.to_ascii_lowercase().windows(4).any(|w| w == b"freq") {
        return;
    }
    let table = TagTable::parse(BUILTIN_TABLES[usize::from(which & 1)].text.as_bytes()).0;
    let opts = CompileOptions { ignore_profile_key: true, ignore_profile_key_ex: true, ..CompileOptions::default() };
    let mut input = b"#txt\n".to_vec();
    input.extend_from_slice(text);
    let Ok(first) = compile(&input, Path::new("f"), &mut NoIncludes, &table, &opts) else { return };
    if !first.diagnostics.is_empty() || first.files.len() != 1 {
        return;
    }
    let bytes = &first.files[0].bytes;
    let back = decode(bytes, &table, &DecodeOptions { reencodable: true, ..DecodeOptions::default() })
        .expect("our own output decodes");
    let second = compile(&back.text, Path::new("f"), &mut NoIncludes, &table, &opts).expect("decoded text compiles");
    assert_eq!(bytes, &second.files[0].bytes, "round trip changed the bytes");
});
