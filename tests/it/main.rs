//! The integration tests, one crate (one link instead of one per file). Two crates stay
//! apart: `tests/oracle/` (the differential check against Cisco's original, with its
//! recorded corpus) and `tests/tftp_server.rs` (needs a real tftpd-hpa and root; run by
//! `.ci/run` with `--ignored`).

#[path = "../assist_fixtures/mod.rs"]
mod assist_fixtures;
#[path = "../pkg_fixtures/mod.rs"]
mod pkg_fixtures;

mod assist_cli;
mod assist_docs;
mod assist_doctor;
mod assist_plan;
mod batch;
mod cisco_trees;
mod cli;
mod damage;
mod docs;
mod fuzz_seeds;
mod lint;
mod pkg_bundle;
mod pkg_image;
mod pkg_kup;
mod pkg_names;
mod pkg_proptest;
mod pkg_real_files;
mod pkg_robust;
mod pkg_sgn;
mod pkg_snapshots;
mod pkg_text;
mod pkg_tlv;
mod profile_reports;
mod provision;
mod roundtrip;
mod tftp_log;
mod tftp_probe;
mod unit_vectors;
mod vectors;
