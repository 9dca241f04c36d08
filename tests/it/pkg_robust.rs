//! Truncating or flipping any byte of each fixture never panics, and the format's own parser
//! reports errors with a byte offset inside the input.
use crate::pkg_fixtures;

use cfgfmt::file as cli;
use cfgfmt::pkg::{PkgError, image, kup, loads, sgn, textfiles, tlv};
use cfgfmt::report::{DumpStyle, render_annotated};
use pkg_fixtures::*;

type Parser = fn(&[u8]) -> Result<(), PkgError>;

fn p_loads(b: &[u8]) -> Result<(), PkgError> {
    loads::parse(b).map(|_| ())
}
fn p_sgn_image(b: &[u8]) -> Result<(), PkgError> {
    let s = sgn::parse(b)?;
    image::parse(s.payload(), s.payload_offset()).map(|_| ())
}
fn p_image(b: &[u8]) -> Result<(), PkgError> {
    image::parse(b, 0).map(|_| ())
}
fn p_sgn_kup(b: &[u8]) -> Result<(), PkgError> {
    let s = sgn::parse(b)?;
    let k = kup::parse(s.payload(), s.payload_offset())?;
    k.verify_regions().map(|_| ())
}
fn p_kup(b: &[u8]) -> Result<(), PkgError> {
    let k = kup::parse(b, 0)?;
    k.verify_regions().map(|_| ())
}
fn p_tlv(b: &[u8]) -> Result<(), PkgError> {
    tlv::parse(b).map(|_| ())
}
fn p_os(b: &[u8]) -> Result<(), PkgError> {
    textfiles::parse_os79xx(b).map(|_| ())
}
fn p_none(_: &[u8]) -> Result<(), PkgError> {
    Ok(())
}

fn exercise(name: &str, data: &[u8], own: Parser) {
    let rep = cli::inspect_bytes(name, data, None);
    let _ = cli::PkgReport {
        path: name.into(),
        files: vec![rep],
        checks: vec![],
    }
    .render_text();
    if let Ok(spans) = cli::dump_bytes(name, data) {
        let red = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Red.into()));
        let coloured = DumpStyle {
            ok: red,
            bad: red,
            dim: red,
        };
        let _ = render_annotated(data, &spans, &coloured);
    }
    let _ = sgn::parse(data);
    let _ = loads::parse(data);
    let _ = image::parse(data, 0);
    let _ = kup::parse(data, 0).map(|k| k.verify_regions());
    let _ = tlv::parse(data);
    let _ = textfiles::parse_os79xx(data);
    let _ = textfiles::parse_image_version(data);
    let _ = textfiles::parse_load_information(data);
    if let Err(e) = own(data) {
        let off = e
            .offset()
            .unwrap_or_else(|| panic!("{name}: error without offset: {e}"));
        assert!(
            off <= data.len(),
            "{name}: offset {off:#x} past the {} input bytes: {e}",
            data.len()
        );
    }
}

fn sweep(name: &str, data: &[u8], own: Parser) {
    own(data).unwrap_or_else(|e| panic!("{name}: fixture itself fails: {e}"));
    for len in 0..data.len() {
        exercise(name, &data[..len], own);
    }
    let mut buf = data.to_vec();
    for i in 0..data.len() {
        for mask in [0xff, 0x01] {
            buf[i] ^= mask;
            exercise(name, &buf, own);
            buf[i] ^= mask;
        }
    }
}

#[test]
fn loads_fixture() {
    let f = SgnBuilder::cisco("P0S3-8-12-00.loads").build(&loads_body(
        "P003-8-12-00.sbn",
        "P0S3-8-12-00.sb2",
        "PAS30830",
    ));
    sweep("P0S3-8-12-00.loads", &f, p_loads);
}

#[test]
fn sbn_and_bin_fixtures() {
    let bin = loader_payload("P003-8-12-00", "PAS30830", 0x180);
    sweep("P003-8-12-00.bin", &bin, p_image);
    sweep(
        "P003-8-12-00.sbn",
        &SgnBuilder::cisco("P003-8-12-00.sbn").build(&bin),
        p_sgn_image,
    );
}

#[test]
fn sb2_fixture() {
    let app = app_payload("P0S3-8-12-00", "PAS3ARM1", 0x160, 0x28);
    sweep(
        "P0S3-8-12-00.sb2",
        &SgnBuilder::cisco("P0S3-8-12-00.sb2").build(&app),
        p_sgn_image,
    );
}

#[test]
fn sbin_and_zup_fixtures() {
    let regions = vec![
        KupRegion {
            dest: 0x70000,
            data: vec![0x11; 0x10],
            compress: false,
        },
        KupRegion {
            dest: 0x1000,
            data: b"kup1 kup1 kup1 kup1".to_vec(),
            compress: true,
        },
    ];
    let k = build_kup(0x601, 0x400, 0x800, &regions, b"LD61LDR6", true);
    sweep("x.zup", &k, p_kup);
    sweep(
        "CP7912080000SIP060111A.sbin",
        &SgnBuilder::cisco("CP7912080000SIP060111A.sbin").build(&k),
        p_sgn_kup,
    );
}

#[test]
fn tlv_fixture() {
    // A certificate-free ITL keeps the sweep small; certificates are covered in pkg_tlv.
    let mut records = tlv_record(0, "CN=SAST", &[0x42], b"");
    records.extend(tlv_record(1, "CN=ccm", &[0x43], b"\x30\x03\x02\x01\x00"));
    let mut b = SgnBuilder::certutils("ITLFile.tlv", 1);
    b.version = (1, 2);
    b.signer_version = Some((1, 0));
    b.sig_len = 16;
    sweep("ITLFile.tlv", &b.build(&records), p_tlv);
}

#[test]
fn signed_other_fixture() {
    let f = SgnBuilder::certutils("SoftKeys.xml.sgn", 3).build(b"<softKeyCfg/>");
    sweep("SoftKeys.xml.sgn", &f, |b| sgn::parse(b).map(|_| ()));
}

#[test]
fn text_fixtures() {
    sweep("OS79XX.TXT", b"P003-8-12-00 \r\n", p_os);
    sweep(
        "SIPDefault.cnf",
        b"image_version: \"P0S3-8-12-00\";\n",
        p_none,
    );
    sweep(
        "XMLDefault.cnf.xml",
        b"<loadInformation7 model=\"IP Phone 7960\">P0030801SR02</loadInformation7>",
        p_none,
    );
}

#[test]
fn zip_fixture() {
    let set = vec![
        ("OS79XX.TXT".to_string(), b"P003-8-12-00\r\n".to_vec()),
        (
            "P0S3-8-12-00.loads".to_string(),
            SgnBuilder::cisco("P0S3-8-12-00.loads").build(&loads_body(
                "P003-8-12-00.sbn",
                "P0S3-8-12-00.sb2",
                "PAS30830",
            )),
        ),
    ];
    let z = zip_of(&set, "");
    let mut buf = z.clone();
    for i in 0..z.len() {
        buf[i] ^= 0xff;
        exercise("bundle.zip", &buf, p_none);
        buf[i] ^= 0xff;
    }
    for len in 0..z.len() {
        exercise("bundle.zip", &z[..len], p_none);
    }
}
