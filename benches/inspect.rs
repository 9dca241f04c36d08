//! `cargo bench --bench inspect`: `inspect` of a 1 MB `.sbin` package (signed header, `kup1`
//! with raw and compressed regions, every CRC and checksum verified, every region inflated).

// Test code: a panic is a failed test, not a crash on untrusted input (Cargo.toml's
// [lints.clippy] is for the library and the binary).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use cfgfmt::file::inspect_bytes;
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../tests/pkg_fixtures/mod.rs"]
mod fixtures;

use fixtures::{KupRegion, SgnBuilder, build_kup};

/// About 1 MB on disk: code-like bytes that compress a little, as firmware does.
fn package() -> Vec<u8> {
    let code = |len: usize, seed: u32| -> Vec<u8> {
        let mut x = seed;
        (0..len)
            .map(|i| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                if i % 4 == 0 {
                    (x >> 24) as u8
                } else {
                    (i / 64) as u8
                }
            })
            .collect()
    };
    let regions = vec![
        KupRegion {
            dest: 0x70000,
            data: code(256 * 1024, 1),
            compress: false,
        },
        KupRegion {
            dest: 0x0,
            data: code(64 * 1024, 2),
            compress: false,
        },
        KupRegion {
            dest: 0x10000,
            data: code(512 * 1024, 3),
            compress: true,
        },
        KupRegion {
            dest: 0x90000,
            data: code(512 * 1024, 4),
            compress: true,
        },
    ];
    SgnBuilder::cisco("CP7912080000SIP060111A.sbin").build(&build_kup(
        0x601,
        0x400,
        0x0800,
        &regions,
        b"LD61LDR6",
        true,
    ))
}

fn inspect(c: &mut Criterion) {
    let bytes = package();
    eprintln!("package: {} bytes", bytes.len());
    let report = inspect_bytes("CP7912080000SIP060111A.sbin", &bytes, None);
    assert!(report.error().is_none(), "{:?}", report.error());
    c.bench_function("inspect 1 MB .sbin package", |b| {
        b.iter(|| inspect_bytes("CP7912080000SIP060111A.sbin", black_box(&bytes), None))
    });
}

criterion_group!(benches, inspect);
criterion_main!(benches);
