//! `.bin`/`.sbn` loader and `.sb2` application payloads (§3.2, §3.3, §8).
use crate::pkg_fixtures;

use cfgfmt::pkg::detect::{FileKind, detect};
use cfgfmt::pkg::image::{self, ImageKind};
use cfgfmt::pkg::sgn;
use pkg_fixtures::*;

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s.split_whitespace().collect::<String>()).unwrap()
}

/// §8: loader payload 0x110–0x14f of `P003-8-12-00.bin`, in a buffer of the real size 130552.
#[test]
fn quoted_loader_bytes_parse_to_the_stated_values() {
    let mut p = vec![0u8; 130552];
    p[..32].copy_from_slice(&LOADER_VECTORS);
    p[0x20..0x2c].copy_from_slice(b"P003-8-12-00");
    let quoted = hex("00 00 00 00 00 00 00 00 03 00 00 00 00 00 00 00
         50 41 53 33 30 38 33 30 c0 a7 00 00 4a 3d 02 00
         01 00 00 80 19 4b 00 00 d8 fd 01 00 1f 9d 8f 00
         02 0a 0c 88 06 c0 a7 72 68 20 1c 04 00 01 50 b9");
    p[0x110..0x150].copy_from_slice(&quoted);
    let img = image::parse(&p, 0).unwrap();
    assert_eq!(img.kind, ImageKind::Loader);
    assert!(img.arm_vectors);
    assert_eq!(img.load_name, "P003-8-12-00");
    assert_eq!(img.version_tag, "PAS30830");
    assert_eq!(img.field_118, 3);
    assert_eq!(img.checksum_guess, 0xa7c0);
    assert_eq!(img.field_12c, 0x0002_3d4a);
    // 0x138 = payload length − 0x20 (0x1fdd8 for 130552-byte files).
    assert_eq!(img.code_length, Some(0x1fdd8));
    // `.sbn` = 404-byte header + `.bin`, so 130956 bytes.
    let sbn = SgnBuilder::cisco("P003-8-12-00.sbn").build(&p);
    assert_eq!(sbn.len(), 130956);
    assert_eq!(detect("P003-8-12-00.sbn", &sbn), FileKind::SignedLoader);
    assert_eq!(detect("P003-8-12-00.bin", &p), FileKind::Loader);
    // The SCCP SR2 loader's quoted fields.
    p[0x120..0x130].copy_from_slice(&hex("50 41 53 33 30 38 33 31 c0 a5 00 00 4a 3d 02 00"));
    let img = image::parse(&p, 0).unwrap();
    assert_eq!(
        (img.version_tag.as_str(), img.checksum_guess),
        ("PAS30831", 0xa5c0)
    );
}

/// §8: application payload 0x110–0x15f of `P0S3-8-12-00.sb2` and the DSP blob at 0xa1624.
#[test]
fn quoted_application_bytes_parse_to_the_stated_values() {
    let total = 756524 - 404;
    let mut p = vec![0u8; total];
    p[..32].copy_from_slice(&APP_VECTORS);
    p[0x20..0x2c].copy_from_slice(b"P0S3-8-12-00");
    let quoted = hex("00 00 00 00 00 00 00 00 03 00 00 00 00 00 00 00
         50 41 53 33 41 52 4d 31 8c fd 00 00 24 16 0a 00
         00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
         00 00 00 00 60 2b 49 00 64 2b 49 00 58 2b 49 00
         74 8e 42 00 00 d0 4f e1 c0 00 1d e3 02 00 00 0a");
    p[0x110..0x160].copy_from_slice(&quoted);
    let dsp = hex(
        "44 53 50 34 2e 30 28 35 2e 30 29 5b 41 30 5d 00 00 00 00 00 00 00 00 00 00 00 00 00 e6 84 00 00 74 73 01 00",
    );
    p[0xa1624..0xa1624 + dsp.len()].copy_from_slice(&dsp);
    let img = image::parse(&p, 0).unwrap();
    assert_eq!(img.kind, ImageKind::Application);
    assert_eq!(img.load_name, "P0S3-8-12-00");
    assert_eq!(img.version_tag, "PAS3ARM1");
    assert_eq!(img.checksum_guess, 0xfd8c);
    assert_eq!(img.field_12c, 0xa1624);
    let d = img.dsp.unwrap();
    assert_eq!(d.name, "DSP4.0(5.0)[A0]");
    assert_eq!(d.field_1c_guess, 0x84e6);
    assert_eq!(d.total_len, 0x17374);
    // payload_len == u32le@0x12c + u32le@(0x12c + 0x20)
    assert_eq!(total, 0xa1624 + 0x17374);
    let sb2 = SgnBuilder::cisco("P0S3-8-12-00.sb2").build(&p);
    assert_eq!(sb2.len(), 756524);
    assert_eq!(detect("x", &sb2), FileKind::SignedApplication);
    // SCCP SR2 application tag.
    p[0x120..0x130].copy_from_slice(&hex("50 41 30 33 5a 30 33 31 e5 6d 00 00 64 5a 09 00"));
    p[0x95a64..0x95a64 + dsp.len()].copy_from_slice(&dsp);
    p.truncate(0x95a64 + 0x17374);
    let img = image::parse(&p, 0).unwrap();
    assert_eq!(
        (img.version_tag.as_str(), img.field_12c),
        ("PA03Z031", 0x95a64)
    );
}

#[test]
fn structure_errors_name_offsets() {
    let mut p = app_payload("P0S3-8-12-00", "PAS3ARM1", 0x200, 0x40);
    p.pop();
    let e = image::parse(&p, 404).unwrap_err();
    // Reported at the DSP length field, as a file offset.
    assert_eq!(e.offset(), Some(404 + 0x200 + 0x20), "{e}");
    let e = image::parse(&p[..0x100], 404).unwrap_err();
    assert_eq!(e.offset(), Some(404));
}

#[test]
fn sbn_payload_equals_bin() {
    let bin = loader_payload("P0030801SR02", "PAS30831", 0x400);
    let sbn = SgnBuilder::cisco("P0030801SR02.sbn").build(&bin);
    assert_eq!(sgn::parse(&sbn).unwrap().payload(), &bin[..]);
    assert_eq!(&sbn[404..], &bin[..]);
}

/// Field meanings the fact sheet calls unknown/guessed are labelled as guesses in reports.
#[test]
fn guess_image_fields_are_labelled() {
    use cfgfmt::file as cli;
    let bin = loader_payload("P003-8-12-00", "PAS30830", 0x200);
    let app = app_payload("P0S3-8-12-00", "PAS3ARM1", 0x200, 0x40);
    let guessed = |name: &str, bytes: &[u8]| -> Vec<String> {
        cli::inspect_bytes(name, bytes, None)
            .sections
            .iter()
            .flat_map(|s| s.fields.iter())
            .filter(|f| f.guess)
            .map(|f| f.label.clone())
            .collect()
    };
    assert_eq!(
        guessed("P003-8-12-00.bin", &bin),
        ["field 0x118", "checksum? 0x128", "unpacked size? 0x12c"]
    );
    assert_eq!(
        guessed("P0S3-8-12-00.sb2", &app),
        ["field 0x118", "checksum? 0x128", "DSP checksum? +0x1c"]
    );
    // The facts the sheet proves are checked, not guessed.
    let rep = cli::inspect_bytes("P003-8-12-00.bin", &bin, None);
    let checked: Vec<&str> = rep
        .sections
        .iter()
        .flat_map(|s| s.fields.iter())
        .filter(|f| f.status.is_some())
        .map(|f| f.label.as_str())
        .collect();
    assert_eq!(checked, ["ARM vectors", "code length 0x138"]);
}
