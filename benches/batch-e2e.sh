#!/usr/bin/env bash
# End-to-end measurement of `batch`: N generated devices (default 10,000) on the
# 60-parameter 7912G template, compiled and written by the release binary.
# Usage: benches/batch-e2e.sh [N] [RUNS]     (prints one line per run)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
runs=${2:-3}
cargo build --release --quiet --bin cfgfmt-rs
bin=$PWD/target/release/cfgfmt-rs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp testdata/profiles/gkdefault-60.txt "$work/common.txt"
awk -v n="$n" 'BEGIN {
  print "mac,UID,PWD,DisplayName,VoiceMailNumber"
  for (i = 0; i < n; i++)
    printf "00:07:0E:%02X:%02X:%02X,%d,pw%08x,\"Desk %d, floor %d\",8000\n",
      int(i / 65536) % 256, int(i / 256) % 256, i % 256, 4000 + i, (i * 2654435761) % 4294967296, i, i % 12
}' > "$work/devices.csv"
cd "$work"
args=(batch --table builtin:7912 --template common.txt --devices devices.csv --prefix gk --quiet)
TIMEFORMAT='%R s wall (%U s user, %S s sys)'
echo "devices: $n, cores: $(nproc)"
for r in $(seq "$runs"); do
  rm -rf out; sync; sleep 1 # start each run with no pending writeback
  for what in fresh unchanged --force; do
    extra=(); [ "$what" = --force ] && extra=(--force)
    printf 'run %s, %-9s ' "$r" "$what:"
    { time "$bin" "${args[@]}" --out out "${extra[@]}" 2>/dev/null; } 2>&1
  done
done
echo "files written: $(ls out | wc -l)"
