//! `kup1` / `+kxz` packages (§4), `.sbin`, region checks, bank, section check, extraction.
use crate::pkg_fixtures;

use cfgfmt::file as cli;
use cfgfmt::pkg::detect::{FileKind, detect};
use cfgfmt::pkg::{PkgError, kup, sgn};
use pkg_fixtures::*;

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s.split_whitespace().collect::<String>()).unwrap()
}

/// §8: `CP7912080004SCCP080108A.sbin` 0x1a0–0x1c7: the kup1 header and the +kxz fields.
#[test]
fn quoted_7912_header_parses_to_the_stated_values() {
    let b = hex(
        "6b 75 70 31 30 30 30 30 30 30 30 30 00 00 00 00 00 00 06 01 04 00 08 00
         2b 6b 78 7a 02 c4 35 44 00 05 34 42 00 05 33 ca",
    );
    let (h, sum, len, map) = kup::parse_outer(&b, 0x1a0).unwrap();
    assert_eq!(h.name, "00000000");
    assert_eq!(h.base_type, 0);
    assert_eq!(h.platform, 0x601);
    assert_eq!(kup::platform_name(h.platform), "7912G");
    assert_eq!(h.protocol, 0x400);
    assert_eq!(h.version, 0x0800);
    assert_eq!(sum, 0x02c4_3544);
    // inner length = file length − 24 (341498 − 416 − 24).
    assert_eq!(len as usize, 341498 - 416 - 24);
    // The table (5 raw, 6 compressed) is 120 bytes and ends at end of file.
    assert_eq!(len - map, 4 + 5 * 8 + 6 * 12 + 4);
}

#[test]
fn platform_codes() {
    assert_eq!(kup::platform_name(0x301), "ATA186/188");
    assert_eq!(kup::platform_name(0x501), "7905G");
    assert_eq!(kup::platform_name(0x401), "7902G");
    assert_eq!(kup::platform_name(0x201), "ATA182");
}

#[test]
fn small_package_checks_out() {
    let k = small_kup();
    assert_eq!(detect("x.zup", &k), FileKind::Kup);
    let pkg = kup::parse(&k, 0).unwrap();
    assert!(pkg.checksum_ok());
    assert_eq!(pkg.inner_length as usize, k.len() - 24);
    assert_eq!(pkg.gap_tag, "LD61LDR6");
    assert_eq!(pkg.map_version, 2);
    assert!(pkg.stored_size_includes_trailer);
    assert_eq!(pkg.regions.len(), 4);
    assert_eq!((pkg.regions[0].dest, pkg.regions[0].size), (0x70000, 0x40));
    let checks = pkg.verify_regions().unwrap();
    assert!(checks.iter().all(|c| c.ok()), "{checks:?}");
    let bank = pkg.bank().unwrap();
    assert_eq!(bank.len(), 0x80000);
    assert_eq!(&bank[0x70000..0x70040], &[0x11; 0x40][..]);
    assert_eq!(&bank[0x1000..0x1000 + 28], b"hello hello hello hello kup1");
    assert_eq!(bank[0x5000], 0xff);
}

#[test]
fn stored_size_without_trailer_and_without_gap_also_parse() {
    let regions = vec![
        KupRegion {
            dest: 0,
            data: vec![1; 16],
            compress: false,
        },
        KupRegion {
            dest: 0x100,
            data: vec![7; 300],
            compress: true,
        },
    ];
    for (gap, incl) in [
        (&b""[..], false),
        (&b"ATA4"[..], false),
        (&b"ATA4"[..], true),
    ] {
        let k = build_kup(0x301, 0x400, 0x0301, &regions, gap, incl);
        let pkg = kup::parse(&k, 0).unwrap();
        assert_eq!(pkg.stored_size_includes_trailer, incl);
        assert_eq!(pkg.gap_tag.as_bytes(), gap);
        assert!(pkg.verify_regions().unwrap().iter().all(|c| c.ok()));
    }
}

#[test]
fn checksum_and_crc_damage_is_reported() {
    let mut k = small_kup();
    let pkg = kup::parse(&k, 0).unwrap();
    let r = pkg.regions[2].clone();
    // Flip a byte of the stored CRC of region 2.
    let crc_at = r.data_offset + r.stored - 8;
    k[crc_at] ^= 0xff;
    let pkg = kup::parse(&k, 0).unwrap();
    assert!(!pkg.checksum_ok());
    let checks = pkg.verify_regions().unwrap();
    assert_eq!(checks[2].error.as_deref(), Some("CRC-32 mismatch"));
    assert!(pkg.bank().is_err());
    let rep = cli::inspect_bytes("x.zup", &k, None);
    let text = cli::PkgReport {
        path: "x".into(),
        files: vec![rep],
        checks: vec![],
    }
    .render_text();
    assert!(text.contains("BAD checksum"), "{text}");
}

#[test]
fn truncation_is_caught_with_an_offset() {
    let k = small_sbin();
    let cut = &k[..k.len() - 5];
    let s = sgn::parse(cut).unwrap();
    let e = kup::parse(s.payload(), s.payload_offset()).unwrap_err();
    // Reported at the +kxz length field, as a file offset.
    assert_eq!(e.offset(), Some(s.payload_offset() + 24 + 8), "{e}");
}

#[test]
fn overlapping_regions_are_refused() {
    let regions = vec![
        KupRegion {
            dest: 0x100,
            data: vec![1; 0x20],
            compress: false,
        },
        KupRegion {
            dest: 0x110,
            data: vec![2; 0x20],
            compress: true,
        },
    ];
    let k = build_kup(0x601, 0x400, 0x800, &regions, b"", true);
    let pkg = kup::parse(&k, 0).unwrap();
    assert_eq!(pkg.layout_problems().len(), 1);
    assert!(pkg.bank().is_err());
}

#[test]
fn decompression_is_bounded() {
    // A region that inflates to far more than it declares: output capped at the declared size.
    let big = vec![0u8; 1 << 20];
    let stream = deflate_raw(&big);
    let e = kup::inflate_bounded(&stream, 4096, 77).unwrap_err();
    assert!(
        matches!(
            e,
            PkgError::TooLarge {
                offset: 77,
                limit: 4096,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        kup::inflate_bounded(&stream, 1 << 20, 0).unwrap().len(),
        1 << 20
    );
    // The global cap wins over a huge declared size.
    assert!(kup::inflate_bounded(&stream, usize::MAX, 0).is_ok());
}

/// Section check at bank 0x40000 (magic 0x1234000N, N descriptors, 0xDEADBEEF XOR of BE words):
/// proven for N = 4 (ATA), observed for N = 5 (7912).
#[test]
fn section_check_with_five_descriptors() {
    let code_a: Vec<u8> = (0..0x200u32).map(|i| (i * 13) as u8).collect();
    let code_b: Vec<u8> = (0..0x100u32).map(|i| (i * 7 + 1) as u8).collect();
    let ranges: [(u32, &[u8]); 5] = [
        (0x0, &code_a),
        (0x1000, &code_b),
        (0x2000, &code_a[..0x100]),
        (0x40100, &code_b),
        (0x70000, &code_a),
    ];
    let mut expect = 0xdead_beefu32;
    for (_, d) in &ranges {
        for w in d.chunks(4) {
            expect ^= u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
        }
    }
    let mut header = 0x1234_0005u32.to_be_bytes().to_vec();
    header.extend(expect.to_be_bytes());
    for (start, d) in &ranges {
        header.extend((((start >> 8) << 16) | (d.len() as u32 >> 8)).to_be_bytes());
    }
    let mut regions: Vec<KupRegion> = ranges
        .iter()
        .map(|(s, d)| KupRegion {
            dest: *s,
            data: d.to_vec(),
            compress: *s >= 0x40000,
        })
        .collect();
    regions.push(KupRegion {
        dest: 0x40000,
        data: header,
        compress: false,
    });
    let k = build_kup(0x601, 0x400, 0x800, &regions, b"LD61LDR6", true);
    let pkg = kup::parse(&k, 0).unwrap();
    let sc = kup::section_check(&pkg.bank().unwrap()).unwrap();
    assert_eq!(sc.count, 5);
    assert_eq!(sc.stored, sc.computed);
    assert_eq!(sc.ranges[3], (0x40100, 0x100));
}

#[test]
fn sbin_is_header_plus_kup_and_extracts() {
    let f = small_sbin();
    assert_eq!(
        detect("CP7912080000SIP060111A.sbin", &f),
        FileKind::SignedKup
    );
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("CP7912080000SIP060111A.sbin");
    std::fs::write(&input, &f).unwrap();
    let out = dir.path().join("out");
    let written = cli::extract(&input, &out).unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "region-00-raw-0x70000.bin",
            "region-01-raw-0x00000.bin",
            "region-02-deflate-0x01000.bin",
            "region-03-deflate-0x02000.bin",
            "bank.bin"
        ]
    );
    assert_eq!(
        std::fs::read(out.join("region-03-deflate-0x02000.bin")).unwrap(),
        vec![0; 0x100]
    );
    assert_eq!(std::fs::read(out.join("bank.bin")).unwrap().len(), 0x80000);
}

fn kbz(payload: &[u8], stored_counts_trailer: bool) -> Vec<u8> {
    let mut stored = deflate_raw(payload);
    let stream_len = stored.len();
    stored.extend(crc32(payload).to_le_bytes());
    stored.extend((payload.len() as u32).to_le_bytes());
    let sum = |d: &[u8]| d.iter().fold(0u32, |s, &b| s.wrapping_add(b as u32));
    let counted = if stored_counts_trailer {
        &stored[..]
    } else {
        &stored[..stream_len]
    };
    let mut h = b"+kbz".to_vec();
    h.extend(2u32.to_be_bytes());
    h.extend(sum(counted).to_be_bytes());
    h.extend((counted.len() as u32).to_be_bytes());
    h.extend(sum(payload).to_be_bytes());
    h.extend((payload.len() as u32).to_be_bytes());
    h.extend(&stored);
    h
}

/// Nested `+kbz` payloads in the bank (S2; all five validate in the 7912 SCCP bank).
#[test]
fn nested_kbz_payloads_validate() {
    let a = kbz(&b"MIPS code ".repeat(50), true);
    let b = kbz(&[0u8; 300], false);
    let mut damaged = kbz(b"third payload third payload", true);
    let n = damaged.len();
    damaged[n - 9] ^= 0x55; // inside the DEFLATE stream or CRC
    let regions = vec![
        KupRegion {
            dest: 0x10000,
            data: a,
            compress: true,
        },
        KupRegion {
            dest: 0x20000,
            data: b,
            compress: false,
        },
        KupRegion {
            dest: 0x30000,
            data: damaged,
            compress: false,
        },
    ];
    let k = build_kup(0x601, 0x400, 0x800, &regions, b"", true);
    let bank = kup::parse(&k, 0).unwrap().bank().unwrap();
    let found = kup::scan_kbz(&bank);
    assert_eq!(found.len(), 3);
    let checks: Vec<&kup::KbzCheck> = found.iter().map(|r| r.as_ref().unwrap()).collect();
    assert_eq!(checks[0].offset, 0x10000);
    assert!(checks[0].ok() && checks[1].ok(), "{checks:?}");
    assert!(!checks[2].ok());
    assert!(kup::check_kbz(&bank, 0x10001).is_err());
}

/// §8: the 7912 SCCP map table starts `00 05 00 06 00 07 00 00 00 00 70 00` after the
/// `LD61LDR6` gap (5 raw, 6 compressed; first raw dest 0x70000 size 0x7000).
#[test]
fn seven_912_table_shape() {
    let mut regions = vec![KupRegion {
        dest: 0x70000,
        data: vec![0xab; 0x7000],
        compress: false,
    }];
    for i in 0..4u32 {
        regions.push(KupRegion {
            dest: 0x1000 * i,
            data: vec![i as u8; 0x100],
            compress: false,
        });
    }
    for i in 0..6u32 {
        regions.push(KupRegion {
            dest: 0x10000 + 0x1000 * i,
            data: vec![i as u8; 0x200],
            compress: true,
        });
    }
    let k = build_kup(0x601, 0x400, 0x800, &regions, b"LD61LDR6", true);
    let pkg = kup::parse(&k, 0).unwrap();
    let map = 24 + pkg.map_offset as usize;
    assert_eq!(&k[map - 8..map], b"LD61LDR6");
    assert_eq!(
        &k[map..map + 12],
        &hex("00 05 00 06 00 07 00 00 00 00 70 00")[..]
    );
    assert_eq!(k.len() - map, 120);
    assert!(pkg.verify_regions().unwrap().iter().all(|c| c.ok()));
}

/// S2's ATA bank uses magic 0x12340004 with four descriptors.
#[test]
fn section_check_with_four_descriptors() {
    let code: Vec<u8> = (0..0x100u32).map(|i| (i * 31) as u8).collect();
    let mut expect = 0xdead_beefu32;
    for _ in 0..4 {
        for w in code.chunks(4) {
            expect ^= u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
        }
    }
    let starts = [0x0u32, 0x1000, 0x2000, 0x3000];
    let mut header = 0x1234_0004u32.to_be_bytes().to_vec();
    header.extend(expect.to_be_bytes());
    for s in starts {
        header.extend((((s >> 8) << 16) | (code.len() as u32 >> 8)).to_be_bytes());
    }
    let mut regions: Vec<KupRegion> = starts
        .iter()
        .map(|s| KupRegion {
            dest: *s,
            data: code.clone(),
            compress: true,
        })
        .collect();
    regions.push(KupRegion {
        dest: 0x40000,
        data: header,
        compress: false,
    });
    let k = build_kup(0x301, 0x400, 0x0301, &regions, b"ATA4", true);
    let sc = kup::section_check(&kup::parse(&k, 0).unwrap().bank().unwrap()).unwrap();
    assert_eq!((sc.count, sc.stored == sc.computed), (4, true));
}

#[test]
fn total_declared_output_is_bounded() {
    // Tiny streams declaring 40 MiB each: refused before any inflating.
    let regions = vec![
        KupRegion {
            dest: 0,
            data: vec![0; 16],
            compress: true,
        },
        KupRegion {
            dest: 0x100,
            data: vec![0; 16],
            compress: true,
        },
    ];
    let mut k = build_kup(0x601, 0x400, 0x800, &regions, b"", true);
    let pkg = kup::parse(&k, 0).unwrap();
    let (map, entries): (usize, Vec<usize>) = (
        pkg.map_offset as usize,
        pkg.regions.iter().map(|r| r.entry_offset).collect(),
    );
    for entry in entries {
        let size_at = entry + 4;
        k[size_at..size_at + 4].copy_from_slice(&(40u32 << 20).to_be_bytes());
    }
    let e = kup::parse(&k, 0).unwrap_err();
    assert!(matches!(e, PkgError::TooLarge { .. }), "{e}");
    assert_eq!(e.offset(), Some(24 + map));
}

/// The first 7912 raw region (bank 0x70000, 0x7000 bytes) starts with the aux launch header
/// quoted in §8 (`00 01 21 02 0c ff 6e e0 00 00 00 12 00 00 00 06`): table 0x0CFF6EE0 with 18
/// records. Reading it is a best-effort path (ATA-derived semantics): guess_launch_tables.
#[test]
fn guess_launch_tables_from_the_quoted_aux_header() {
    let mut region = vec![0u8; 0x7000];
    region[..16].copy_from_slice(&hex("00 01 21 02 0c ff 6e e0 00 00 00 12 00 00 00 06"));
    let table = 0x0CFF_6EE0 - kup::RUNTIME_BASE as usize - 0x70000;
    for i in 0..18usize {
        let ty: u32 = if i == 17 { 3 } else { 1 + (i as u32 % 13) };
        region[table + i * 16..table + i * 16 + 4].copy_from_slice(&ty.to_be_bytes());
    }
    let regions = vec![KupRegion {
        dest: 0x70000,
        data: region,
        compress: false,
    }];
    let k = build_kup(0x601, 0x400, 0x800, &regions, b"LD61LDR6", true);
    let bank = kup::parse(&k, 0).unwrap().bank().unwrap();
    let tables = kup::launch_tables_guess(&bank);
    assert_eq!(tables.len(), 1);
    let t = &tables[0];
    assert_eq!(
        (t.header_offset, t.table_address, t.table_offset),
        (0x70000, 0x0CFF_6EE0, 0x76EE0)
    );
    assert_eq!(t.records.len(), 18);
    assert!(t.types_in_range && t.ends_with_type_3);
    let rep = cli::inspect_bytes("x.zup", &k, None);
    let text = cli::PkgReport {
        path: "x".into(),
        files: vec![rep],
        checks: vec![],
    }
    .render_text();
    assert!(
        text.contains("launch table @0x70000") && text.contains("(guess)"),
        "{text}"
    );
}
