//! Every truncation point and every single-bit flip of small profiles: decode, inspect and
//! the annotated dump never panic, and errors say where.

use std::path::Path;

use cfgfmt::diag::Error;
use cfgfmt::profile::inspect::{self, InspectOptions};
use cfgfmt::profile::{CompileOptions, DecodeOptions, compile, decode};
use cfgfmt::report::render_annotated;
use cfgfmt::table::{BUILTIN_TABLES, TagTable};
use cfgfmt::text::NoIncludes;

const ATA_PROFILE: &str = "#txt\nupgradecode:3,0x301,0x0400,0x0200,192.0.2.170,69,0x020514a,ata18x-v2-15-020927a.zup\nUIPassword:1234\nDialTone:2,31538,30831,1380,1740,1,0,0,1000\nGkOrProxy:10.0.0.2\nSIPPort:5060\nNPrintf:1.2.3.4.5\nEncryptKeyEx:00112233/020000000001\n";

fn table(i: usize) -> TagTable {
    TagTable::parse(BUILTIN_TABLES[i].text.as_bytes()).0
}

fn fixtures() -> Vec<(&'static str, Vec<u8>, TagTable, DecodeOptions)> {
    let ata = table(0);
    let opts = CompileOptions {
        ignore_profile_key_ex: true,
        weak_key: None,
        ..CompileOptions::default()
    };
    let plain = compile(
        ATA_PROFILE.as_bytes(),
        Path::new("p"),
        &mut NoIncludes,
        &ata,
        &opts,
    )
    .unwrap()
    .files
    .remove(0)
    .bytes;
    let weak_opts = CompileOptions {
        weak_key: Some(cfgfmt::crypto::WeakKey::from_text("abcd")),
        ..opts.clone()
    };
    let weak = compile(
        ATA_PROFILE.as_bytes(),
        Path::new("p"),
        &mut NoIncludes,
        &ata,
        &weak_opts,
    )
    .unwrap()
    .files
    .remove(0)
    .bytes;
    let strong_opts = CompileOptions {
        strong_key: Some(cfgfmt::crypto::StrongKey::from_text("0011")),
        rand8: Some([9; 8]),
        ..opts.clone()
    };
    let strong = compile(
        ATA_PROFILE.as_bytes(),
        Path::new("p"),
        &mut NoIncludes,
        &ata,
        &strong_opts,
    )
    .unwrap()
    .files
    .remove(1)
    .bytes;
    let gk = include_bytes!("../../testdata/golden/gkdefault.cfg").to_vec();
    vec![
        ("ata plain", plain, table(0), DecodeOptions::default()),
        (
            "ata weak",
            weak,
            table(0),
            DecodeOptions {
                weak_key: Some(cfgfmt::crypto::WeakKey::from_text("abcd")),
                ..DecodeOptions::default()
            },
        ),
        (
            "ata strong",
            strong,
            table(0),
            DecodeOptions {
                strong_key: Some(cfgfmt::crypto::StrongKey::from_text("0011")),
                ..DecodeOptions::default()
            },
        ),
        ("gkdefault", gk, table(1), DecodeOptions::default()),
    ]
}

fn exercise(name: &str, bytes: &[u8], t: &TagTable, opts: &DecodeOptions) {
    match decode(bytes, t, opts) {
        Ok(_) => {}
        Err(Error::Corrupted { offset, .. }) => assert!(
            offset <= bytes.len(),
            "{name}: offset {offset} past {}",
            bytes.len()
        ),
        Err(Error::BadInputSize(n)) => assert_eq!(n, bytes.len(), "{name}"),
        Err(Error::UnknownOrEncrypted | Error::InputTooSmall) => {}
        Err(Error::DecodeRefused(e)) => assert!(e.contains("(cfgfmt 2.3 would "), "{name}: {e}"),
        Err(other) => panic!("{name}: unexpected error {other}"),
    }
    let iopts = InspectOptions {
        weak_key: opts.weak_key.as_ref().map(|k| k.text().to_vec()),
        strong_key: opts.strong_key.as_ref().map(|k| k.text().to_vec()),
        ..InspectOptions::default()
    };
    let ins = inspect::inspect(bytes, t, "t", &iopts);
    for f in &ins.findings {
        assert!(
            f.offset().unwrap_or(0) <= bytes.len(),
            "{name}: finding past the end: {f:?}"
        );
    }
    let _ = render_annotated(&ins.plain, &inspect::spans(&ins), &Default::default());
}

#[test]
fn every_truncation() {
    for (name, bytes, t, opts) in fixtures() {
        assert!(decode(&bytes, &t, &opts).is_ok(), "{name} decodes whole");
        for len in 0..bytes.len() {
            exercise(name, &bytes[..len], &t, &opts);
        }
    }
}

#[test]
fn every_bit_flip() {
    for (name, bytes, t, opts) in fixtures() {
        for i in 0..bytes.len() * 8 {
            let mut b = bytes.clone();
            b[i / 8] ^= 1 << (i % 8);
            exercise(name, &b, &t, &opts);
        }
    }
}

#[test]
fn truncation_reports_the_record_offset() {
    let (_, bytes, t, opts) = fixtures().remove(0);
    let cut = &bytes[..bytes.len() - 1];
    match decode(cut, &t, &opts) {
        Err(e @ Error::Corrupted { .. }) => {
            let note = e.note().unwrap();
            assert_eq!(note.kind, cfgfmt::diag::NoteKind::Error);
            let note = note.text;
            assert!(
                note.starts_with("record at offset 0x")
                    && note.contains("runs past the end of the file")
                    && note.contains("(cfgfmt 2.3 would "),
                "{note}"
            );
        }
        other => panic!("{other:?}"),
    }
    let ins = inspect::inspect(cut, &t, "t", &InspectOptions::default());
    assert!(
        ins.findings
            .iter()
            .any(|f| f.message.starts_with("corrupted profile")),
        "{:?}",
        ins.findings
    );
    assert!(
        ins.findings
            .iter()
            .any(|f| f.message.starts_with("length field says")),
        "{:?}",
        ins.findings
    );
}
