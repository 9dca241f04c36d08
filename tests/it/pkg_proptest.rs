//! Random inputs and random multi-byte mutations of the fixtures never panic any inspector.
use crate::pkg_fixtures;

use cfgfmt::file as cli;
use cfgfmt::pkg::{detect, image, kup, loads, sgn, textfiles, tlv};
use cfgfmt::report::{DumpStyle, render_annotated};
use pkg_fixtures::*;
use proptest::prelude::*;

fn everything(data: &[u8]) {
    for name in ["x.sbn", "OS79XX.TXT", "x.zip"] {
        let _ = detect::detect(name, data);
        let rep = cli::inspect_bytes(name, data, None);
        let _ = cli::PkgReport {
            path: name.into(),
            files: vec![rep],
            checks: vec![],
        }
        .render_text();
        if let Ok(spans) = cli::dump_bytes(name, data) {
            let _ = render_annotated(data, &spans, &DumpStyle::default());
        }
    }
    let _ = sgn::parse(data);
    let _ = loads::parse(data);
    let _ = image::parse(data, 0);
    let _ = kup::parse(data, 0).map(|k| k.verify_regions());
    let _ = kup::section_check(data);
    let _ = kup::scan_kbz(data);
    let _ = kup::launch_tables_guess(data);
    let _ = tlv::parse(data);
    let _ = textfiles::parse_os79xx(data);
    let _ = textfiles::parse_image_version(data);
    let _ = textfiles::parse_load_information(data);
    let _ = cfgfmt::pkg::names::parse(&String::from_utf8_lossy(data));
}

fn fixtures() -> Vec<Vec<u8>> {
    vec![
        SgnBuilder::cisco("P0S3-8-12-00.loads").build(&loads_body(
            "P003-8-12-00.sbn",
            "P0S3-8-12-00.sb2",
            "PAS30830",
        )),
        SgnBuilder::cisco("P003-8-12-00.sbn").build(&loader_payload(
            "P003-8-12-00",
            "PAS30830",
            0x180,
        )),
        small_sbin(),
        small_kup(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        everything(&data);
    }

    #[test]
    fn signed_prefix_then_random(tail in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut data = vec![1, 0, 2, 1, 1, 2, 0, 2, 0, 0];
        data.extend(&tail);
        let hl = (data.len() as u16).min(tail.first().copied().unwrap_or(0) as u16 * 2 + 10);
        data[8..10].copy_from_slice(&hl.to_be_bytes());
        everything(&data);
    }

    #[test]
    fn mutated_fixtures(which in 0usize..4, edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8), cut in any::<usize>()) {
        let mut data = fixtures().swap_remove(which);
        for (pos, val) in edits {
            let n = data.len();
            data[pos % n] = val;
        }
        let keep = cut % (data.len() + 1);
        everything(&data[..keep]);
        everything(&data);
    }
}
