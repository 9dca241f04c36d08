//! `cargo bench`: the compiler and decoder on a realistic 60-parameter 7912G profile, and
//! `batch`'s compile stage over 10,000 devices in memory (no files written; the
//! end-to-end run with writes is `benches/batch-e2e.sh`, see the README's batch section).

// Test code: a panic is a failed test, not a crash on untrusted input (Cargo.toml's
// [lints.clippy] is for the library and the binary).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::path::Path;

use cfgfmt::batch::{Batch, BatchOptions, Devices, NoProgress, Prefix, Template};
use cfgfmt::profile::{CompileOptions, DecodeOptions, compile, compile_items, decode};
use cfgfmt::table::{TagTable, builtin};
use cfgfmt::text::{NoIncludes, read_profile};
use criterion::{Criterion, criterion_group, criterion_main};

const GK60: &[u8] = include_bytes!("../testdata/profiles/gkdefault-60.txt");

fn table() -> TagTable {
    let Some(t) = builtin("7912") else {
        panic!("no built-in 7912 table");
    };
    TagTable::parse(t.text.as_bytes()).0
}

/// Deterministic strong masks keep runs comparable; no key is used here anyway.
fn options() -> CompileOptions {
    CompileOptions {
        output_name: "gkdefault.cfg".into(),
        rand8: Some([0; 8]),
        ..CompileOptions::default()
    }
}

fn profile(c: &mut Criterion) {
    let table = table();
    let opts = options();
    let path = Path::new("gkdefault-60.txt");
    c.bench_function("compile gkdefault-60 (text to #ata)", |b| {
        b.iter(|| compile(black_box(GK60), path, &mut NoIncludes, &table, &opts).unwrap())
    });
    let items = read_profile(GK60, path, &mut NoIncludes).unwrap();
    c.bench_function("compile_items gkdefault-60 (parsed items to #ata)", |b| {
        b.iter(|| compile_items(black_box(&items), &table, &opts).unwrap())
    });
    let out = compile(GK60, path, &mut NoIncludes, &table, &opts).unwrap();
    let bytes = &out.files[0].bytes;
    let dopts = DecodeOptions::default();
    c.bench_function("decode gkdefault-60 (#ata to text)", |b| {
        b.iter(|| decode(black_box(bytes), &table, &dopts).unwrap())
    });
}

/// `mac,UID,PWD,DisplayName,VoiceMailNumber` for `n` devices.
pub fn devices_csv(n: usize) -> Vec<u8> {
    let mut csv = String::from("mac,UID,PWD,DisplayName,VoiceMailNumber\n");
    for i in 0..n {
        csv.push_str(&format!(
            "00:07:0E:{:02X}:{:02X}:{:02X},{},pw{:08x},\"Desk {}, floor {}\",8000\n",
            (i >> 16) & 0xFF,
            (i >> 8) & 0xFF,
            i & 0xFF,
            4000 + i,
            i.wrapping_mul(2_654_435_761),
            i,
            i % 12
        ));
    }
    csv.into_bytes()
}

fn batch(c: &mut Criterion) {
    let table = table();
    let opts = options();
    let template = Template::from_bytes(
        GK60,
        "gkdefault-60.txt",
        Path::new("gkdefault-60.txt"),
        &mut NoIncludes,
        &table,
        &opts,
    )
    .unwrap();
    let csv = devices_csv(10_000);
    let devices =
        Devices::parse(&csv, "devices.csv", &table, cfgfmt::table::Protocols::ALL).unwrap();
    let batch = Batch::new(
        &table,
        template,
        devices,
        BatchOptions {
            compile: opts,
            prefix: Prefix::Gk,
            force: false,
            durability: cfgfmt::io::Durability::Rename,
        },
    );
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("check 10,000 devices (compile only, all cores)", |b| {
        b.iter(|| batch.check(&NoProgress))
    });
    group.finish();
}

criterion_group!(benches, profile, batch);
criterion_main!(benches);
