//! Signed-file header: the fact sheet's byte samples, the tag walk, signature checks, strip.
use crate::pkg_fixtures;

use cfgfmt::file as cli;
use cfgfmt::pkg::loads;
use cfgfmt::pkg::sgn::{self, HashAlgorithm, SignatureCheck};
use pkg_fixtures::*;

/// §8: `P0S3-8-12-00.loads` bytes 0x00–0x7f (signature bytes after `aa 20 9a` omitted).
const LOADS_PREFIX: &str = "
01 00 02 01 01 02 00 02 01 94 03 00 5b 04 00 27
43 4e 3d 73 6f 6d 65 53 69 67 6e 65 72 3b 4f 55
3d 73 6f 6d 65 4f 72 67 55 6e 69 74 3b 4f 3d 73
6f 6d 65 4f 72 67 00 05 00 08 12 34 56 78 90 ab
cd ef 06 00 23 43 4e 3d 73 6f 6d 65 43 41 3b 4f
55 3d 73 6f 6d 65 4f 72 67 55 6e 69 74 3b 4f 3d
73 6f 6d 65 4f 72 67 00 07 00 0f 08 00 01 01 09
00 08 0a 00 01 00 0b 00 01 02 0c 01 00 aa 20 9a";

/// §8: `P0S3-8-12-00.loads` 0x17d–end.
const LOADS_TAIL: &str = "
0e 00 13 50 30 53 33 2d 38 2d 31 32 2d 30 30 2e 6c 6f 61 64 73 00
0d
50 30 30 33 2d 38 2d 31 32 2d 30 30 2e 73 62 6e 0a
50 30 53 33 2d 38 2d 31 32 2d 30 30 2e 73 62 32 0a
4c 41 5f 56 45 52 53 49 4f 4e 3d 50 41 53 33 30 38 33 30 0a";

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s.split_whitespace().collect::<String>()).unwrap()
}

/// The sample as a whole file: quoted prefix + filler signature + quoted tail (458 bytes).
fn sample_loads() -> Vec<u8> {
    let mut f = hex(LOADS_PREFIX);
    f.resize(0x17d, 0x5a);
    f.extend(hex(LOADS_TAIL));
    f
}

#[test]
fn quoted_loads_sample_parses_to_the_stated_values() {
    let f = sample_loads();
    assert_eq!(f.len(), 458);
    assert!(sgn::looks_signed(&f));
    let s = sgn::parse(&f).unwrap();
    let h = &s.header;
    assert_eq!(h.version, (1, 1));
    assert_eq!(h.header_length, 404);
    assert_eq!(h.signer.as_deref(), Some(SIGNER));
    assert_eq!(h.serial_hex().as_deref(), Some("1234567890abcdef"));
    assert_eq!(h.issuer.as_deref(), Some(ISSUER));
    assert_eq!(h.hash, Some(HashAlgorithm::Sha1));
    assert_eq!(h.signature_algorithm, Some(0));
    assert_eq!(h.modulus_bits(), Some(2048));
    let sig = h.signature.as_ref().unwrap();
    // "always starts at offset 0x7a, ends at 0x17d"
    assert_eq!((sig.tlv_offset, sig.len), (0x7a, 256));
    assert_eq!(sig.tlv_offset + 3 + sig.len, 0x17d);
    assert_eq!(h.filename.as_deref(), Some("P0S3-8-12-00.loads"));
    assert_eq!(h.filename_matches("P0S3-8-12-00.loads"), Some(true));
    assert_eq!(h.timestamp, None);
    assert_eq!(h.padding, 1);
    assert!(h.is_cisco_placeholder());
    assert!(h.unknown.is_empty());
    let l = loads::parse(&f).unwrap();
    assert_eq!(l.loader_name(), "P003-8-12-00.sbn");
    assert_eq!(l.application_name(), "P0S3-8-12-00.sb2");
    assert_eq!(l.la_version_value(), "PAS30830");
    assert_eq!(l.loader.offset, 0x194);
    assert!(!l.crlf);
    assert!(l.warnings().is_empty());
}

#[test]
fn builder_reproduces_the_quoted_prefix_and_tail() {
    let f = SgnBuilder::cisco("P0S3-8-12-00.loads").build(&loads_body(
        "P003-8-12-00.sbn",
        "P0S3-8-12-00.sb2",
        "PAS30830",
    ));
    assert_eq!(&f[..0x80], &hex(LOADS_PREFIX)[..]);
    assert_eq!(&f[0x17d..], &hex(LOADS_TAIL)[..]);
}

#[test]
fn quoted_sbn_and_sb2_header_ends() {
    // §8: P003-8-12-00.sbn and P0S3-8-12-00.sb2 0x17d–0x1c3: tag 14 then three pad bytes.
    let sbn_tail = hex("0e 00 11 50 30 30 33 2d 38 2d 31 32 2d 30 30 2e 73 62 6e 00 0d 0d 0d");
    let sb2_tail = hex("0e 00 11 50 30 53 33 2d 38 2d 31 32 2d 30 30 2e 73 62 32 00 0d 0d 0d");
    for (name, tail, vectors) in [
        ("P003-8-12-00.sbn", sbn_tail, LOADER_VECTORS),
        ("P0S3-8-12-00.sb2", sb2_tail, APP_VECTORS),
    ] {
        let mut f = hex(LOADS_PREFIX);
        f.resize(0x17d, 0);
        f.extend(tail);
        f.extend(vectors);
        let s = sgn::parse(&f).unwrap();
        assert_eq!(s.header.header_length, 0x194);
        assert_eq!(s.header.padding, 3);
        assert_eq!(s.header.filename.as_deref(), Some(name));
        assert_eq!(s.payload(), &vectors[..]);
    }
}

#[test]
fn header_length_follows_the_alignment_rule() {
    // header_length = align4(0x17d + 3 + len(filename) + 1): 404, 408, 412, 416 in the samples.
    for (name, want) in [
        ("P0S3-8-12-00.loads", 404),
        ("P003-8-12-00.sbn", 404),
        ("P0030801SR02.sb2", 404),
        ("SIP41.8-5-4S.loads", 404),
        ("cnu41.9-4-2ES9.sbn", 404),
        ("term41.default.loads", 408),
        ("CP7921G-1.4.6.3.LOADS", 408),
        ("CP7912080000SIP060111A.sbin", 412),
        ("CP7912080004SCCP080108A.sbin", 416),
    ] {
        let rule = (0x17d + 3 + name.len() + 1).div_ceil(4) * 4;
        assert_eq!(rule, want, "{name}");
        let f = SgnBuilder::cisco(name).build(b"x");
        let s = sgn::parse(&f).unwrap();
        assert_eq!(s.header.header_length, want, "{name}");
        assert_eq!(s.header.padding, want - (0x17d + 3 + name.len() + 1));
    }
}

#[test]
fn sbin_header_end_matches_the_7912_sample() {
    // §8: CP7912080004SCCP080108A.sbin 0x17d: tag 14 (29 bytes) + three pads, kup1 at 0x1a0.
    let f = SgnBuilder::cisco("CP7912080004SCCP080108A.sbin").build(&small_kup());
    let want = hex(
        "0e 00 1d 43 50 37 39 31 32 30 38 30 30 30 34 53 43 43 50 30 38 30 31 30 38 41 2e 73 62 69 6e 00 0d 0d 0d",
    );
    assert_eq!(&f[0x17d..0x1a0], &want[..]);
    assert_eq!(&f[0x1a0..0x1a4], b"kup1");
    assert_eq!(sgn::parse(&f).unwrap().header.header_length, 416);
}

#[test]
fn detector_accepts_any_version() {
    assert!(sgn::looks_signed(&[1, 0, 2, 1, 2, 2, 0, 2, 1, 0x84]));
    assert!(sgn::looks_signed(&[1, 0, 2, 2, 0, 2, 0, 2, 0, 0]));
    assert!(!sgn::looks_signed(b"kup1"));
}

#[test]
fn container_child_order_is_not_assumed() {
    let f = SgnBuilder::certutils("SEP0006D7AA2A2E.cnf.xml.sgn", 1).build(b"<device/>");
    let s = sgn::parse(&f).unwrap();
    assert_eq!(s.header.version, (1, 0));
    assert_eq!(s.header.serial_hex().as_deref(), Some("0142"));
    assert_eq!(s.header.issuer.as_deref(), Some("CN=test-ca,O=cfgfmt"));
    assert_eq!(s.header.timestamp, Some(1_200_000_000));
    assert_eq!(s.payload(), b"<device/>");
    // Elements 3, 7 and 9 are containers that were stepped into.
    let containers: Vec<u8> = s
        .header
        .elements
        .iter()
        .filter(|e| e.container)
        .map(|e| e.tag)
        .collect();
    assert_eq!(containers, vec![3, 7, 9]);
    let depth_of = |t: u8| s.header.elements.iter().find(|e| e.tag == t).unwrap().depth;
    assert_eq!(
        (depth_of(4), depth_of(8), depth_of(11), depth_of(12)),
        (1, 1, 2, 0)
    );
}

#[test]
fn unknown_tags_are_reported_and_skipped_by_length() {
    let mut b = SgnBuilder::cisco("x.sgn");
    b.extra = vec![0x40, 0x00, 0x03, 0xde, 0xad, 0x00];
    let f = b.build(b"payload");
    let s = sgn::parse(&f).unwrap();
    assert_eq!(s.header.unknown.len(), 1);
    assert_eq!(s.header.unknown[0].tag, 0x40);
    assert_eq!(s.header.unknown[0].len, 3);
    assert_eq!(s.header.filename.as_deref(), Some("x.sgn"));
    assert_eq!(s.payload(), b"payload");
}

#[test]
fn header_length_is_checked_against_the_file() {
    let mut f = SgnBuilder::cisco("a.sbn").build(b"");
    f.truncate(300);
    let e = sgn::parse(&f).unwrap_err();
    assert_eq!(e.offset(), Some(8));
    assert!(e.to_string().contains("exceeds file size"), "{e}");
}

#[test]
fn sha256_code_is_labelled_unverified() {
    assert_eq!(HashAlgorithm::from_code(2), HashAlgorithm::Sha256Unverified);
    assert!(HashAlgorithm::from_code(2).describe().contains("guess"));
    assert_eq!(HashAlgorithm::from_code(3), HashAlgorithm::Sha512);
}

#[test]
fn signature_verifies_with_the_right_key_sha1_and_sha512() {
    for hash in [1u8, 3] {
        let f = SgnBuilder::certutils("SoftKeys.xml.sgn", hash)
            .build_signed(b"<softkeys/>", test_key());
        let s = sgn::parse(&f).unwrap();
        assert_eq!(s.header.modulus_bits(), Some(1024));
        let pem = public_key_pem(test_key());
        let key = sgn::load_verifying_key(pem.as_bytes()).unwrap();
        assert!(
            matches!(sgn::verify(&s, Some(&key)), SignatureCheck::Valid(_)),
            "hash {hash}"
        );
        let cert = test_cert_pem(test_key(), "CN=test-signer,O=cfgfmt", 1);
        let key = sgn::load_verifying_key(cert.as_bytes()).unwrap();
        assert!(matches!(
            sgn::verify(&s, Some(&key)),
            SignatureCheck::Valid(_)
        ));
        let wrong = sgn::load_verifying_key(public_key_pem(other_key()).as_bytes()).unwrap();
        assert!(matches!(
            sgn::verify(&s, Some(&wrong)),
            SignatureCheck::Invalid(_)
        ));
        // Any payload change breaks it.
        let mut g = f.clone();
        *g.last_mut().unwrap() ^= 1;
        let s2 = sgn::parse(&g).unwrap();
        assert!(matches!(
            sgn::verify(&s2, Some(&key)),
            SignatureCheck::Invalid(_)
        ));
    }
}

#[test]
fn without_a_certificate_it_is_never_invalid() {
    let f = SgnBuilder::certutils("a.sgn", 1).build_signed(b"x", test_key());
    let s = sgn::parse(&f).unwrap();
    let c = sgn::verify(&s, None);
    assert_eq!(c, SignatureCheck::NotVerified("no certificate".into()));
    assert_eq!(c.describe(), "not verified (no certificate)");
    let rep = cli::inspect_bytes("a.sgn", &f, None);
    assert!(
        rep.sections[0]
            .fields
            .iter()
            .any(|f| f.value == "not verified (no certificate)")
    );
}

#[test]
fn cisco_firmware_signature_is_unverifiable_not_invalid() {
    let f = SgnBuilder::cisco("P003-8-12-00.sbn").build(&loader_payload(
        "P003-8-12-00",
        "PAS30830",
        0x200,
    ));
    let s = sgn::parse(&f).unwrap();
    let key = sgn::load_verifying_key(public_key_pem(test_key()).as_bytes()).unwrap();
    assert!(matches!(
        sgn::verify(&s, Some(&key)),
        SignatureCheck::Unverifiable(_)
    ));
}

#[test]
fn strip_writes_the_payload_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let bin = loader_payload("P003-8-12-00", "PAS30830", 0x300);
    let sbn = SgnBuilder::cisco("P003-8-12-00.sbn").build(&bin);
    // `.sbn` size = `.bin` size + 404.
    assert_eq!(sbn.len(), bin.len() + 404);
    let input = dir.path().join("P003-8-12-00.sbn");
    std::fs::write(&input, &sbn).unwrap();
    let out = dir.path().join("P003-8-12-00.bin");
    std::fs::write(&out, b"old").unwrap();
    let sum = cli::strip(&input, &out).unwrap();
    assert_eq!(sum.header_length, 404);
    assert_eq!(sum.payload_len, bin.len());
    assert_eq!(std::fs::read(&out).unwrap(), bin);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temp file left"
    );
    let bad = dir.path().join("plain.bin");
    std::fs::write(&bad, &bin).unwrap();
    assert!(cli::strip(&bad, &dir.path().join("x")).is_err());
    assert!(!dir.path().join("x").exists());
}

/// §1.6 `.enc.sgn`: version 2.0, containers 16 { 17 {18,19,20}, 21 {22,23,24,25} }, 26, 27.
#[test]
fn enc_sgn_block_is_walked() {
    fn t(tag: u8, v: &[u8]) -> Vec<u8> {
        let mut o = vec![tag];
        o.extend((v.len() as u16).to_be_bytes());
        o.extend(v);
        o
    }
    let iv_block = [t(18, &[0]), t(19, &[0x11; 16]), t(20, &3u16.to_be_bytes())].concat();
    let key_block = [
        t(22, &[0]),
        t(23, &1024u16.to_be_bytes()),
        t(24, &[1]),
        t(25, &[0x22; 128]),
    ]
    .concat();
    let enc = [
        t(16, &[t(17, &iv_block), t(21, &key_block)].concat()),
        t(26, &[1]),
        t(27, &[0x33; 20]),
    ]
    .concat();
    let mut b = SgnBuilder::certutils("SEP001122334455.cnf.xml.enc.sgn", 1);
    b.version = (2, 0);
    b.extra = Vec::new();
    let plain = b.build(b"0123456789abcdef");
    // The builder places extra elements before tag 12 rather than after tag 15; the walk does
    // not depend on element position.
    b.extra = enc.clone();
    let f = b.build(b"0123456789abcdef");
    assert!(sgn::parse(&plain).is_ok());
    let s = sgn::parse(&f).unwrap();
    assert_eq!(s.header.version, (2, 0));
    assert!(s.header.unknown.is_empty());
    let containers: Vec<u8> = s
        .header
        .elements
        .iter()
        .filter(|e| e.container)
        .map(|e| e.tag)
        .collect();
    assert_eq!(containers, vec![3, 7, 9, 16, 17, 21]);
    let depth = |tag: u8| {
        s.header
            .elements
            .iter()
            .find(|e| e.tag == tag)
            .unwrap()
            .depth
    };
    assert_eq!((depth(16), depth(19), depth(25), depth(26)), (0, 2, 2, 0));
    assert_eq!(s.payload(), b"0123456789abcdef");
}

#[test]
fn child_overrunning_its_container_names_offset() {
    let mut f = SgnBuilder::cisco("a.sbn").build(b"xx");
    // Shrink container 3 (at 0x0a) by one byte: tag 6 then overruns it.
    f[0x0c] -= 1;
    let e = sgn::parse(&f).unwrap_err();
    assert_eq!(e.offset(), Some(0x42), "{e}");
}

#[test]
fn modulus_index_maps_to_key_sizes() {
    for (idx, bits) in [(0u8, 512usize), (1, 1024), (2, 2048), (3, 4096)] {
        let mut b = SgnBuilder::cisco("a.sgn");
        b.modulus_index = idx;
        b.sig_len = bits / 8;
        let f = b.build(b"");
        let s = sgn::parse(&f).unwrap();
        assert_eq!(s.header.modulus_bits(), Some(bits));
        assert!(s.header.warnings.is_empty(), "{:?}", s.header.warnings);
    }
    // A signature whose size disagrees with tag 11 is flagged.
    let mut b = SgnBuilder::cisco("a.sgn");
    b.sig_len = 128;
    let s_bytes = b.build(b"");
    let s = sgn::parse(&s_bytes).unwrap();
    assert!(
        s.header
            .warnings
            .iter()
            .any(|w| w.contains("tag 11 says 2048"))
    );
}

/// §1.5: tag 14 may carry a sub-directory; `.cop.sgn` payloads are gzip'd tars.
#[test]
fn sgn_subdirectory_name_and_cop_payload() {
    let f = SgnBuilder::certutils("New_Zealand/g3-tones.xml.sgn", 1).build(b"<tones/>");
    let s = sgn::parse(&f).unwrap();
    assert_eq!(s.header.filename_matches("g3-tones.xml.sgn"), Some(true));
    let cop = SgnBuilder::certutils("cmterm-7940.cop.sgn", 3).build(&[0x1f, 0x8b, 8, 0, 0, 0]);
    let rep = cli::inspect_bytes("cmterm-7940.cop.sgn", &cop, None);
    assert!(
        rep.warnings().iter().any(|w| w.contains("gzip")),
        "{:?}",
        rep.warnings()
    );
}

/// §3.1: CRLF is accepted; with it Cisco's documented 461-byte `P00307020300.loads` adds up.
#[test]
fn crlf_loads_body_matches_the_documented_size() {
    let body = b"P00307020300.sbn\r\nP00307020300.sb2\r\nLA_VERSION=PAS30723\r\n";
    let f = SgnBuilder::cisco("P00307020300.loads").build(body);
    assert_eq!(f.len(), 461);
    let l = loads::parse(&f).unwrap();
    assert!(l.crlf);
    assert_eq!(l.loader_name(), "P00307020300.sbn");
    assert_eq!(l.la_version_value(), "PAS30723");
    assert!(l.warnings().iter().any(|w| w.contains("CRLF")));
}

/// §11: a 79x1 `.sbn` (header + CNU_File_Archive) is a signed file with a note, not a loader.
#[test]
fn cnu_archive_is_recognised_as_other_signed_file() {
    let mut payload = b"CNU_File_Archive_3.0".to_vec();
    payload.resize(584, 0);
    let f = SgnBuilder::cisco("cnu41.9-4-2ES9.sbn").build(&payload);
    assert_eq!(sgn::parse(&f).unwrap().header.header_length, 404);
    let rep = cli::inspect_bytes("cnu41.9-4-2ES9.sbn", &f, None);
    assert_eq!(rep.kind, cfgfmt::pkg::detect::FileKind::SignedOther);
    assert!(
        rep.warnings()
            .iter()
            .any(|w| w.contains("CNU_File_Archive"))
    );
}

#[test]
fn timestamps_render_as_utc() {
    assert_eq!(cli::utc_date(0), "1970-01-01 00:00:00 UTC");
    assert_eq!(cli::utc_date(1_200_000_000), "2008-01-10 21:20:00 UTC");
    assert_eq!(cli::utc_date(951_782_400), "2000-02-29 00:00:00 UTC");
    assert_eq!(cli::utc_date(u32::MAX), "2106-02-07 06:28:15 UTC");
}

/// §11: 79x1 `.loads` (comment block, one `.sbn` per line, CRLF) is a file-list manifest.
#[test]
fn other_text_manifests_are_listed() {
    let body = b"# SIP41.8-5-4S load\r\n#\r\napps41.8-5-4TH1-6.sbn \r\ncnu41.8-5-4TH1-6.sbn\r\n";
    let f = SgnBuilder::cisco("SIP41.8-5-4S.loads").build(body);
    assert_eq!(sgn::parse(&f).unwrap().header.header_length, 404);
    let rep = cli::inspect_bytes("SIP41.8-5-4S.loads", &f, None);
    assert_eq!(rep.kind, cfgfmt::pkg::detect::FileKind::LoadsList);
    assert_eq!(rep.error(), None);
    let files: Vec<&str> = rep
        .sections
        .iter()
        .flat_map(|s| &s.fields)
        .filter(|f| f.label == "file")
        .map(|f| f.value.as_str())
        .collect();
    assert_eq!(files, ["apps41.8-5-4TH1-6.sbn", "cnu41.8-5-4TH1-6.sbn"]);
}
