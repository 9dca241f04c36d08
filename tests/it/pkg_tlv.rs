//! `.tlv` trust lists (§2).
use crate::pkg_fixtures;

use cfgfmt::pkg::detect::{FileKind, detect};
use cfgfmt::pkg::sgn::{self, SignatureCheck};
use cfgfmt::pkg::tlv;
use pkg_fixtures::*;

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s.split_whitespace().collect::<String>()).unwrap()
}

/// §8: the S-ITL sample's first bytes: version 1.2, header length 388, tag 28 = 1.0, signer.
#[test]
fn quoted_itl_prefix() {
    let mut b = SgnBuilder::certutils("ITLFile.tlv", 1);
    b.version = (1, 2);
    b.signer_version = Some((1, 0));
    b.signer = "CN=SAST,O=SAST,OU=SAST".into();
    b.issuer = "CN=SAST,O=SAST,OU=SAST".into();
    b.serial = vec![0x5a; 16];
    b.sig_len = 256;
    b.modulus_index = 2;
    let f = b.build(&tlv_record(
        0,
        "CN=SAST,O=SAST,OU=SAST",
        &[0x5a; 16],
        b"not a certificate",
    ));
    let mut want = hex("01 00 02 01 02 02 00 02 01 84 1c 00 02 01 00 03 00 47 04 00 17");
    want.extend(b"CN=SAST,O=SAST,OU=SAST\0");
    assert_eq!(&f[..want.len()], &want[..]);
    let t = tlv::parse(&f).unwrap();
    assert_eq!(t.signed.header.header_length, 388);
    assert_eq!(t.signed.header.signer_version, Some((1, 0)));
    assert!(t.signed.header.timestamp.is_some());
    assert_eq!(t.records.len(), 1);
    assert!(t.records[0].certificate_error.is_some());
    assert!(t.signer_record().is_some());
}

#[test]
fn records_roles_and_certificates() {
    let f = small_itl();
    assert_eq!(detect("ITLFile.tlv", &f), FileKind::TrustList);
    let t = tlv::parse(&f).unwrap();
    assert_eq!(t.records.len(), 2);
    let r = &t.records[0];
    assert_eq!(r.role, Some(0));
    assert_eq!(tlv::role_name(0), "SAST");
    assert_eq!(r.subject.as_deref(), Some("CN=SAST,O=SAST,OU=SAST"));
    assert_eq!(r.dns_name.as_deref(), Some("tftp.example"));
    let c = r.certificate.as_ref().unwrap();
    assert_eq!(c.subject, "CN=SAST,O=SAST,OU=SAST");
    assert_eq!(c.issuer, "CN=SAST,O=SAST,OU=SAST");
    assert_eq!(c.serial, "42");
    assert!(c.not_before.starts_with("2008-01-10"), "{}", c.not_before);
    assert_eq!(t.records[1].role, Some(3));
    assert_eq!(t.signer_record().map(|r| r.offset), Some(r.offset));
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
    // Signed by the SAST key with certutils' rule.
    let key = sgn::load_verifying_key(
        test_cert_pem(test_key(), "CN=SAST,O=SAST,OU=SAST", 0x42).as_bytes(),
    )
    .unwrap();
    assert!(matches!(
        sgn::verify(&t.signed, Some(&key)),
        SignatureCheck::Valid(_)
    ));
}

#[test]
fn role_table() {
    let roles: Vec<&str> = [0, 1, 2, 3, 4, 5, 7, 21, 9]
        .iter()
        .map(|r| tlv::role_name(*r))
        .collect();
    assert_eq!(
        roles,
        [
            "SAST",
            "CCM",
            "CCM+TFTP",
            "TFTP",
            "CAPF",
            "SRST",
            "APP-SERVER",
            "TVS",
            "unknown"
        ]
    );
}

#[test]
fn record_overrun_names_offset() {
    let mut f = small_itl();
    let t = tlv::parse(&f).unwrap();
    let rec = t.records[1].offset;
    // Make the second record claim more bytes than remain.
    f[rec + 3] = 0xff;
    let e = tlv::parse(&f).unwrap_err();
    assert_eq!(e.offset(), Some(rec + 3), "{e}");
}

#[test]
fn more_than_two_sast_records_are_flagged() {
    let mut records = Vec::new();
    for s in [1u8, 2, 3] {
        records.extend(tlv_record(0, "CN=SAST", &[s], b""));
    }
    let mut b = SgnBuilder::certutils("CTLFile.tlv", 1);
    b.version = (1, 2);
    b.signer_version = Some((1, 1));
    b.serial = vec![1];
    let t_bytes = b.build(&records);
    let t = tlv::parse(&t_bytes).unwrap();
    assert!(
        t.warnings().iter().any(|w| w.contains("3 SAST records")),
        "{:?}",
        t.warnings()
    );
    assert_eq!(t.signer_record().unwrap().serial.as_deref(), Some("01"));
}
