//! Compile → decode → compile gives the same bytes, for generated profiles over both
//! built-in tables; and no input makes decode or inspect panic.

use std::path::Path;

use cfgfmt::codec::Codec;
use cfgfmt::profile::inspect::{self, InspectOptions};
use cfgfmt::profile::{CompileOptions, DecodeOptions, compile, decode};
use cfgfmt::table::{BUILTIN_TABLES, Descriptor, TagTable, fmt_bits};
use cfgfmt::text::NoIncludes;
use proptest::prelude::*;

fn table(i: usize) -> TagTable {
    TagTable::parse(BUILTIN_TABLES[i].text.as_bytes()).0
}

/// Descriptors whose decoded text compiles back to the same bytes: the obsolete `*Freq`
/// tones decode through the plain tone line of their tag (another size), and raw values
/// decode as `uimp` (the original's text for "no decoder").
fn round_trippable(t: &TagTable) -> Vec<Descriptor> {
    t.entries()
        .iter()
        .filter(|d| d.fmt & fmt_bits::OLD_TONE == 0 && Codec::for_encoding(d.fmt) != Codec::Raw)
        .cloned()
        .collect()
}

fn value_for(d: &Descriptor) -> BoxedStrategy<String> {
    let size = usize::from(d.size);
    if d.tag == 61 {
        // The profile key: cfgfmt 2.3 warns about every character that is not hex.
        return proptest::string::string_regex(&format!("[0-9a-f]{{1,{size}}}"))
            .unwrap()
            .boxed();
    }
    match Codec::for_encoding(d.fmt) {
        Codec::Bool => prop_oneof![
            Just("0".to_string()),
            Just("1".to_string()),
            Just("false".to_string())
        ]
        .boxed(),
        Codec::Ipv4 => any::<[u8; 4]>()
            .prop_map(|b| format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]))
            .boxed(),
        Codec::ExtIp => (any::<[u8; 4]>(), any::<u16>())
            .prop_map(|(b, p)| format!("{}.{}.{}.{}.{p}", b[0], b[1], b[2], b[3]))
            .boxed(),
        Codec::Int { unsigned: false } => any::<i32>().prop_map(|v| v.to_string()).boxed(),
        Codec::Int { unsigned: true } => any::<u32>().prop_map(|v| format!("0x{v:08x}")).boxed(),
        Codec::Hex => proptest::collection::vec(any::<u8>(), size)
            .prop_map(hex::encode)
            .boxed(),
        // Every word given: fewer would leave words cfgfmt 2.3 took from memory (a warning).
        Codec::Shorts => proptest::collection::vec(any::<u16>(), size / 2)
            .prop_map(|v| v.iter().map(u16::to_string).collect::<Vec<_>>().join(","))
            .boxed(),
        // Strings within the table's size; a first character that is no delimiter.
        _ => proptest::string::string_regex(&format!(
            "[A-Za-z0-9@/*#%.-][A-Za-z0-9 @/*#%.:,-]{{0,{}}}",
            size.saturating_sub(1).min(60)
        ))
        .unwrap()
        .boxed(),
    }
}

fn profile(t: &TagTable) -> BoxedStrategy<String> {
    let descs = round_trippable(t);
    let line = proptest::sample::select(descs)
        .prop_flat_map(|d| value_for(&d).prop_map(move |v| format!("{}:{v}", d.name)));
    let pseudo = prop_oneof![
        (
            any::<u8>(),
            any::<u32>(),
            any::<[u8; 4]>(),
            any::<u16>(),
            "[A-Za-z0-9._-]{1,31}"
        )
            .prop_map(|(n, a, ip, port, name)| {
                format!(
                    "upgradecode:{n},0x{a:x},0x0400,0x0100,{}.{}.{}.{},{port},0x{a:x},{name}",
                    ip[0], ip[1], ip[2], ip[3]
                )
            }),
        (any::<u32>(), any::<[u8; 4]>(), "[A-Za-z0-9._-]{1,31}").prop_map(|(a, ip, name)| format!(
            "upgradelogo:{a},{}.{}.{}.{},{name}",
            ip[0], ip[1], ip[2], ip[3]
        )),
        "[A-Za-z0-9/._-][A-Za-z0-9:/._-]{0,30}".prop_map(|u| format!("tftpurl2:{u}")),
        ("[0-9a-f]{64}", "[0-9a-f]{12}").prop_map(|(k, m)| format!("EncryptKeyEx:{k}/{m}")),
    ];
    proptest::collection::vec(prop_oneof![4 => line, 1 => pseudo], 0..40)
        .prop_map(|lines| format!("#txt\n{}\n", lines.join("\n")))
        .boxed()
}

fn compile_text(text: &[u8], t: &TagTable) -> Vec<u8> {
    // -X keeps the profile's own EncryptKeyEx as a record without writing strong files,
    // and -E keeps a generated EncryptKey from encrypting the output.
    let opts = CompileOptions {
        ignore_profile_key: true,
        ignore_profile_key_ex: true,
        ..CompileOptions::default()
    };
    let out = compile(text, Path::new("p.txt"), &mut NoIncludes, t, &opts)
        .expect("generated profiles compile");
    // cfgfmt 2.3 warned about each non-hex character of an EncryptKey even under -E.
    let diags: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| !matches!(d.kind, cfgfmt::diag::DiagKind::KeyNotHex { .. }))
        .collect();
    assert!(diags.is_empty(), "{diags:?}");
    out.files.into_iter().next().expect("one file").bytes
}

fn check_round_trip(text: &str, t: &TagTable) {
    let first = compile_text(text.as_bytes(), t);
    let decoded = decode(
        &first,
        t,
        &DecodeOptions {
            reencodable: true,
            ..DecodeOptions::default()
        },
    )
    .unwrap();
    let second = compile_text(&decoded.text, t);
    assert_eq!(
        hex::encode(&first),
        hex::encode(&second),
        "text:\n{text}\ndecoded:\n{}",
        String::from_utf8_lossy(&decoded.text)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn round_trip_ata(text in profile(&table(0))) {
        check_round_trip(&text, &table(0));
    }

    #[test]
    fn round_trip_7912(text in profile(&table(1))) {
        check_round_trip(&text, &table(1));
    }

    #[test]
    fn decode_and_inspect_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200), magic in any::<bool>()) {
        let t = table(0);
        let mut input = if magic { b"#ata".to_vec() } else { Vec::new() };
        input.extend_from_slice(&bytes);
        let _ = decode(&input, &t, &DecodeOptions::default());
        let ins = inspect::inspect(&input, &t, "ata", &InspectOptions::default());
        let _ = cfgfmt::report::render_annotated(&ins.plain, &inspect::spans(&ins), &Default::default());
    }
}

/// Without `--reencodable` the original's text differs in exactly the documented place:
/// upgrade IPs print byte-reversed.
#[test]
fn original_text_reverses_upgrade_ips() {
    let t = table(1);
    let bytes = compile_text(
        b"#txt\nupgradecode:3,0x601,0x0400,0x0100,10.1.2.3,69,0x060111a,a.sbin\n",
        &t,
    );
    let original = decode(&bytes, &t, &DecodeOptions::default()).unwrap();
    assert!(String::from_utf8_lossy(&original.text).contains(",3.2.1.10,"));
    let faithful = decode(
        &bytes,
        &t,
        &DecodeOptions {
            reencodable: true,
            ..DecodeOptions::default()
        },
    )
    .unwrap();
    assert!(String::from_utf8_lossy(&faithful.text).contains(",10.1.2.3,"));
}

#[test]
fn every_vector_encode_round_trips() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../../testdata/vectors/cfgfmt-vectors.json")).unwrap();
    let t = table(0);
    let mut checked = 0;
    for v in vectors.as_array().unwrap() {
        let (Some("encode"), Some("ata186-sip-3.1"), Some(text)) = (
            v["direction"].as_str(),
            v["ptag"].as_str(),
            v["input_text"].as_str(),
        ) else {
            continue;
        };
        if text.to_ascii_lowercase().contains("include") || text.contains("Freq:") {
            continue; // includes need files; *Freq tones decode through another size
        }
        let opts = CompileOptions {
            ignore_profile_key: true,
            ignore_profile_key_ex: true,
            ..CompileOptions::default()
        };
        let first = compile(text.as_bytes(), Path::new("p"), &mut NoIncludes, &t, &opts)
            .unwrap()
            .files
            .remove(0)
            .bytes;
        let back = decode(
            &first,
            &t,
            &DecodeOptions {
                reencodable: true,
                ..DecodeOptions::default()
            },
        )
        .unwrap();
        let second = compile(&back.text, Path::new("p"), &mut NoIncludes, &t, &opts)
            .unwrap()
            .files
            .remove(0)
            .bytes;
        assert_eq!(first, second, "{}", v["id"]);
        checked += 1;
    }
    assert!(checked >= 12, "{checked}");
}
