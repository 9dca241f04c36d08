#![no_main]
//! Binary profiles decrypted with a weak or a strong key.
use cfgfmt::profile::{DecodeOptions, decode};
use cfgfmt::table::{BUILTIN_TABLES, TagTable};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else { return };
    let table = TagTable::parse(BUILTIN_TABLES[0].text.as_bytes()).0;
    let opts = if which & 1 == 0 {
        DecodeOptions { weak_key: Some(cfgfmt::crypto::WeakKey::from_text("abcd")), ..DecodeOptions::default() }
    } else {
        DecodeOptions { strong_key: Some(cfgfmt::crypto::StrongKey::from_text("00112233")), reencodable: true, ..DecodeOptions::default() }
    };
    let _ = decode(bytes, &table, &opts);
});
