//! Differential check against Cisco's original `cfgfmt` 2.3.
//!
//! - `replay_recorded_corpus` (every `cargo test`): runs each case of
//!   `testdata/oracle/corpus.jsonl.gz` through our binary and holds it to the original's
//!   recorded outcome.
//! - `live_against_original` (opt-in): generates random cases, runs them through the
//!   original (`CFGFMT_ORACLE=/path/to/cfgfmt.linux`) and through us, and reports every
//!   difference; with `CFGFMT_ORACLE_RECORD=FILE` it also writes the cases as a corpus.
//!   `tests/oracle/run.sh` wraps it.
//!
//! The rules are in `compare.rs` and `formats/cfgfmt.md` ("Fidelity").

// Test code: a panic is a failed test, not a crash on untrusted input (Cargo.toml's
// [lints.clippy] is for the library and the binary).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod case;
mod compare;
mod generate;
mod provision;

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use case::{Case, Record, TableText};
use compare::{Verdict, compare, describe};
use generate::Gen;

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/oracle/corpus.jsonl.gz"
);

fn ours() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cfgfmt-rs"))
}

fn workers() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8)
}

/// Runs `f` over `0..n` on a few threads, keeping results in index order.
fn parallel<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..workers() {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let r = f(i);
                    results.lock().unwrap()[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.unwrap())
        .collect()
}

fn read_corpus(path: &Path) -> Vec<Record> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (record it with tests/oracle/run.sh)",
            path.display()
        )
    });
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
    reader
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let line = line.unwrap_or_else(|e| panic!("{}: line {}: {e}", path.display(), i + 1));
            serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("{}: line {}: {e}", path.display(), i + 1))
        })
        .collect()
}

fn write_corpus(path: &Path, records: &[Record]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let file = std::fs::File::create(path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    for r in records {
        serde_json::to_writer(&mut gz, r).unwrap();
        gz.write_all(b"\n").unwrap();
    }
    gz.finish().unwrap();
}

#[test]
fn replay_recorded_corpus() {
    let records = read_corpus(Path::new(CORPUS));
    assert!(
        records.len() >= 300,
        "the corpus holds only {} cases",
        records.len()
    );
    let program = ours();
    let verdicts = parallel(records.len(), |i| {
        let r = &records[i];
        let mine = case::run(&program, &r.case).expect("run ours");
        (compare(&r.case, &r.oracle, &mine), mine)
    });
    let mut same = 0;
    let mut deliberate: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for (r, (verdict, mine)) in records.iter().zip(&verdicts) {
        match verdict {
            Verdict::Same => same += 1,
            Verdict::Deliberate(m, _) if r.deliberate.as_deref() == Some(m.as_str()) => {
                *deliberate.entry(m.clone()).or_default() += 1;
            }
            Verdict::Deliberate(m, _) => failures.push(format!(
                "case {}: now a deliberate difference '{m}', recorded as {:?}\n{}",
                r.case.id,
                r.deliberate,
                describe(&r.case, &r.oracle, mine, &[])
            )),
            Verdict::Differ(why) => failures.push(describe(&r.case, &r.oracle, mine, why)),
        }
    }
    println!(
        "replayed {} recorded cases: {same} same as cfgfmt 2.3, {} deliberate differences, {} failing",
        records.len(),
        deliberate.values().sum::<usize>(),
        failures.len()
    );
    for (m, n) in &deliberate {
        println!("  deliberate: {n:5}  would {m}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} recorded cases differ from cfgfmt 2.3; the first:\n{}",
        failures.len(),
        records.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Makes case `i` of stream `seed`; decoding cases need the original to compile their input.
fn make_case(seed: u64, i: usize, oracle: &Path) -> Case {
    let mut g = Gen::new(seed, i as u64);
    let roll: u32 = rand::Rng::gen_range(&mut g.rng, 0..100);
    match roll {
        0..=54 => g.compile_case(),
        55..=79 => {
            let (source, dec_args) = g.decode_source();
            let which = source.tables.first().map_or(TableText::Sip7912, |t| t.1);
            let compiled = case::run(oracle, &source).ok();
            let binary = compiled
                .and_then(|o| {
                    let mut outs: Vec<Vec<u8>> = o
                        .files
                        .iter()
                        .filter(|(name, _)| !name.ends_with(".txt"))
                        .map(|(_, b)| b.bytes())
                        .collect();
                    let n = outs.len();
                    (n > 0).then(|| outs.swap_remove(rand::Rng::gen_range(&mut g.rng, 0..n)))
                })
                .unwrap_or_else(|| g.built_binary(which));
            g.decode_case(binary, source.tables.clone(), dec_args)
        }
        80..=89 => g.argv_case(),
        _ => g.table_case(),
    }
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// First words of a reason, to count differences by kind.
fn kind_of(reason: &str) -> String {
    let r = reason.split(" (").next().unwrap_or(reason);
    let r = r.split(": bytes differ").next().unwrap_or(r);
    r.chars().take(60).collect()
}

#[test]
#[ignore = "needs Cisco's original: CFGFMT_ORACLE=/path/to/cfgfmt.linux (see tests/oracle/run.sh)"]
fn live_against_original() {
    let Some(oracle) = std::env::var_os("CFGFMT_ORACLE").map(PathBuf::from) else {
        panic!("set CFGFMT_ORACLE to the path of Cisco's cfgfmt.linux");
    };
    let oracle = std::fs::canonicalize(&oracle).expect("CFGFMT_ORACLE: no such file");
    let n = env_num("CFGFMT_ORACLE_CASES", 2000) as usize;
    let seed = env_num(
        "CFGFMT_ORACLE_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_secs()),
    );
    println!("live differential: {n} cases, seed {seed}");
    let program = ours();
    let results = parallel(n, |i| {
        let case = make_case(seed, i, &oracle);
        let o = case::run(&oracle, &case).expect("run cfgfmt 2.3");
        let r = case::run(&program, &case).expect("run ours");
        let v = compare(&case, &o, &r);
        (case, o, r, v)
    });
    let mut table: BTreeMap<(String, &str), usize> = BTreeMap::new();
    let mut deliberate: BTreeMap<String, usize> = BTreeMap::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    // What the deliberate cases differ in, by kind: a check that they differ where the
    // documented reasons say (bytes, refusals), not in what the original printed.
    let mut excused: BTreeMap<String, usize> = BTreeMap::new();
    let mut report = String::new();
    let mut differ = 0;
    for (case, o, r, v) in &results {
        let label = match v {
            Verdict::Same => "same",
            Verdict::Deliberate(m, why) => {
                *deliberate.entry(m.clone()).or_default() += 1;
                for w in why {
                    *excused.entry(kind_of(w)).or_default() += 1;
                }
                "deliberate"
            }
            Verdict::Differ(why) => {
                differ += 1;
                for w in why {
                    *kinds.entry(kind_of(w)).or_default() += 1;
                }
                report.push_str(&describe(case, o, r, why));
                report.push('\n');
                "differ"
            }
        };
        *table.entry((case.group.clone(), label)).or_default() += 1;
    }
    for ((group, label), count) in &table {
        println!("  {group:8} {label:10} {count}");
    }
    for (m, count) in &deliberate {
        println!("  deliberate {count:5}  would {m}");
    }
    for (k, count) in &excused {
        println!("  excused {count:5}  {k}");
    }
    for (k, count) in &kinds {
        println!("  reason {count:5}  {k}");
    }
    let report_path = std::env::var_os("CFGFMT_ORACLE_REPORT").map_or_else(
        || PathBuf::from("target/oracle-differences.txt"),
        PathBuf::from,
    );
    if let Some(parent) = report_path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    std::fs::write(&report_path, &report).unwrap();
    println!(
        "{differ} of {n} cases differ; details in {}",
        report_path.display()
    );
    if let Some(path) = std::env::var_os("CFGFMT_ORACLE_RECORD") {
        let records: Vec<Record> = results
            .iter()
            .filter(|(_, _, _, v)| !matches!(v, Verdict::Differ(_)))
            .map(|(case, o, _, v)| Record {
                case: case.clone(),
                oracle: o.clone(),
                deliberate: match v {
                    Verdict::Deliberate(m, _) => Some(m.clone()),
                    _ => None,
                },
            })
            .collect();
        write_corpus(Path::new(&path), &records);
        println!(
            "recorded {} cases in {}",
            records.len(),
            PathBuf::from(path).display()
        );
    }
    assert_eq!(
        differ,
        0,
        "{differ} cases differ from cfgfmt 2.3: see {}",
        report_path.display()
    );
}

/// The generator itself: streams are reproducible, and every group appears.
#[test]
fn generator_is_reproducible() {
    let a: Vec<Case> = (0..50).map(|i| Gen::new(7, i).compile_case()).collect();
    let b: Vec<Case> = (0..50).map(|i| Gen::new(7, i).compile_case()).collect();
    assert_eq!(a, b);
    let c: Vec<Case> = (0..50).map(|i| Gen::new(8, i).compile_case()).collect();
    assert_ne!(a, c);
    let argv = Gen::new(1, 1).argv_case();
    assert_eq!(argv.group, "argv");
    let built = Gen::new(1, 2).built_binary(TableText::Ata186);
    assert!(built.starts_with(b"#ata\xff\xfe\x04"));
}
