//! The `unit` vectors, and the encode vector that needs an injected random mask, checked
//! against the library directly.

use std::path::Path;

use cfgfmt::crypto;
use cfgfmt::profile::{CompileOptions, compile, layout};
use cfgfmt::table::{BUILTIN_TABLES, TagTable};
use cfgfmt::text::NoIncludes;
use serde_json::Value;

fn vectors() -> Vec<Value> {
    serde_json::from_str(include_str!("../../testdata/vectors/cfgfmt-vectors.json")).unwrap()
}

#[test]
fn unit_vectors() {
    let mut checked = 0;
    for v in vectors().into_iter().filter(|v| v["direction"] == "unit") {
        let id = v["id"].as_str().unwrap();
        let input_bytes = || hex::decode(v["input_hex"].as_str().unwrap()).unwrap();
        match v["function"].as_str().unwrap() {
            "varint_encode" => {
                let got = layout::varint(v["input"].as_u64().unwrap() as u32);
                if v["expected_error"] == true {
                    assert_eq!(got, None, "{id}");
                } else {
                    assert_eq!(
                        got.map(hex::encode).as_deref(),
                        v["expected_hex"].as_str(),
                        "{id}"
                    );
                }
            }
            "checksum_simple" => {
                assert_eq!(
                    u64::from(crypto::checksum_simple(&input_bytes())),
                    v["expected"].as_u64().unwrap(),
                    "{id}"
                )
            }
            "checksum_internet" => {
                assert_eq!(
                    u64::from(crypto::checksum_internet(&input_bytes())),
                    v["expected"].as_u64().unwrap(),
                    "{id}"
                )
            }
            "rc4_hexkey" => {
                let key = v["key"].as_str().unwrap().as_bytes();
                if let Some(eq) = v["equivalent_key"].as_str() {
                    assert_eq!(
                        crypto::weak_key_bytes(key),
                        crypto::weak_key_bytes(eq.as_bytes()),
                        "{id}"
                    );
                } else {
                    let mut data = input_bytes();
                    crypto::Rc4::new(&crypto::weak_key_bytes(key)).apply(&mut data);
                    assert_eq!(
                        hex::encode(data),
                        v["expected_hex"].as_str().unwrap(),
                        "{id}"
                    );
                }
            }
            "key_pair_to_byte" => {
                let pair: [u8; 2] = v["input"].as_str().unwrap().as_bytes().try_into().unwrap();
                assert_eq!(
                    u64::from(crypto::key_pair_to_byte(pair)),
                    v["expected"].as_u64().unwrap(),
                    "{id}"
                );
            }
            "fixed_1105_material" => {
                assert_eq!(
                    hex::encode(crypto::FIXED_1105_BLOB),
                    v["input_hex"].as_str().unwrap(),
                    "{id}"
                );
                let (prefix, key) = crypto::fixed_1105_material();
                assert_eq!(
                    hex::encode(prefix),
                    v["expected"]["prefix_hex"].as_str().unwrap(),
                    "{id}"
                );
                assert_eq!(
                    hex::encode(key),
                    v["expected"]["rc4_key_hex"].as_str().unwrap(),
                    "{id}"
                );
            }
            other => panic!("{id}: unknown unit function {other}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 18);
}

#[test]
fn enc_strong_deterministic() {
    let v = vectors()
        .into_iter()
        .find(|v| v["id"] == "enc_strong_deterministic")
        .unwrap();
    let (table, _) = TagTable::parse(BUILTIN_TABLES[0].text.as_bytes());
    let rand8: [u8; 8] = hex::decode(v["rand8_hex"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let opts = CompileOptions {
        strong_key: Some(cfgfmt::crypto::StrongKey::from_text(
            v["xkey"].as_str().unwrap(),
        )),
        rand8: Some(rand8),
        output_name: "out".into(),
        ..CompileOptions::default()
    };
    let out = compile(
        v["input_text"].as_str().unwrap().as_bytes(),
        Path::new("in.txt"),
        &mut NoIncludes,
        &table,
        &opts,
    )
    .unwrap();
    let files: Vec<(&str, String)> = out
        .files
        .iter()
        .map(|f| (f.suffix, hex::encode(&f.bytes)))
        .collect();
    assert_eq!(
        files,
        [
            (
                "",
                v["expected_files"]["<output>"]["hex"]
                    .as_str()
                    .unwrap()
                    .to_string()
            ),
            (
                ".x",
                v["expected_files"]["<output>.x"]["hex"]
                    .as_str()
                    .unwrap()
                    .to_string()
            ),
        ]
    );
}
