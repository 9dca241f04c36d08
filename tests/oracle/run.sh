#!/usr/bin/env bash
# Differential check against Cisco's original cfgfmt 2.3.
#
#   CFGFMT_ORACLE=/path/to/cfgfmt.linux tests/oracle/run.sh [CASES] [SEED]
#   CFGFMT_ORACLE=… CFGFMT_ORACLE_RECORD=testdata/oracle/corpus.jsonl.gz tests/oracle/run.sh 3000 1
#
# The original is sip/cfgfmt.linux of github.com/staskobzar/cisco_prov (i386: needs Debian's
# libc6-i386). Never commit it. Differences are written to target/oracle-differences.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${CFGFMT_ORACLE:-}" ] || [ ! -x "${CFGFMT_ORACLE}" ]; then
  echo "SKIP: set CFGFMT_ORACLE to an executable cfgfmt.linux (Cisco's cfgfmt 2.3)" >&2
  exit 0
fi
export CFGFMT_ORACLE_CASES="${1:-${CFGFMT_ORACLE_CASES:-2000}}"
if [ -n "${2:-}" ]; then export CFGFMT_ORACLE_SEED="$2"; fi
if [ -n "${CFGFMT_ORACLE_RECORD:-}" ]; then
  CFGFMT_ORACLE_RECORD=$(realpath -m "$CFGFMT_ORACLE_RECORD"); export CFGFMT_ORACLE_RECORD
fi
exec cargo test --release --test oracle -- --ignored --nocapture \
  live_against_original provisioned_profiles_decode_with_the_original
