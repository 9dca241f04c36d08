#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), one after the other.
#
#   fuzz/run.sh 600            # ten minutes per target
#   fuzz/run.sh 30 kup sgn     # only these targets
#   JOBS=2 fuzz/run.sh 600     # two workers per target
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). libFuzzer needs nightly-only flags; on a
# stable toolchain RUSTC_BOOTSTRAP=1 lets the stable compiler accept them. Coverage
# instrumentation only, no sanitizer by default (safe Rust; set SANITIZER=address to add
# ASan). Crashes land in fuzz/artifacts/<target>/; keep each as a regression test under
# tests/ before fixing it.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
all=(table_parse text_compile profile_decode profile_decode_keyed profile_inspect profile_roundtrip tftp_packet
     pkg_inspect sgn loads kup tlv bundle names textfiles lint)
targets=("${@:-${all[@]}}")
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz

seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
# Seeds: vectors and examples from testdata/, package fixtures built by the package tests.
(cd .. && CFGFMT_WRITE_SEEDS="$seeds" cargo test -q --test it -- fuzz_seeds --ignored >/dev/null)
(cd .. && CFGFMT_WRITE_FIXTURES="$seeds/pkg" cargo test -q --test it -- pkg_snapshots --ignored >/dev/null)
for t in pkg_inspect sgn loads kup tlv bundle; do
  mkdir -p "$seeds/$t"
  find "$seeds/pkg" -type f -size -2M -exec cp {} "$seeds/$t/" \;
done

failed=()
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "$seeds/$t"
  echo "== $t: ${seconds}s"
  # A crash stops only its own target; the summary at the end lists it.
  cargo fuzz run --sanitizer "${SANITIZER:-none}" "$t" "corpus/$t" "$seeds/$t" -- \
    -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=1048576 \
    ${JOBS:+-jobs=$JOBS -workers=$JOBS} -print_final_stats=1 2>&1 | tail -n 25 || failed+=("$t")
  echo "corpus/$t: $(find "corpus/$t" -type f | wc -l) inputs"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]} (inputs in fuzz/artifacts/)"
  exit 1
fi
echo "all targets ran ${seconds}s without a finding"
