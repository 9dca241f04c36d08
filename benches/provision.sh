#!/bin/sh
# provision at fleet scale: 10,000 mixed devices (7960/7940 SIP .cnf, 7941/7961 SIP XML,
# 7960/7911 SCCP XML, 7912G/7905G profiles, ATA), rendered and compared with a TFTP root.
#
#   benches/provision.sh [path/to/cfgfmt-rs]     (default: target/release/cfgfmt-rs)
#
# Prints three timings (best of 3 each):
#   1. dry run against an empty root (render + plan, every file a create);
#   2. dry run after the proxy changed for every device (render + per-parameter diff of
#      every file against the one on disk) — the issue's "< 2 s on 2 cores";
#   3. dry run with nothing changed — the issue's "< 0.5 s".
set -eu
BIN=${1:-target/release/cfgfmt-rs}
N=${N:-10000}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
mkdir "$DIR/root"

gen() { # $1: proxy
    awk -v n="$N" -v proxy="$1" 'BEGIN {
        print "mac,model,protocol,number,password,display_name,proxy,timezone,ntp,line2_number"
        print "*,,,,,," proxy ",Europe/Paris,192.168.1.1,"
        split("7960 sip|7940 sip|7941 sip|7961 sip|7960 sccp|7911 sccp|7912 sip|7905 sip|ata186 sip|7965 sip", kinds, "|")
        for (i = 0; i < n; i++) {
            split(kinds[i % 10 + 1], k, " ")
            l2 = (k[1] == "7960" && k[2] == "sip") ? 20000 + i : ""
            printf "00AB%08X,%s,%s,%d,pw%d,Phone %d,,,,%s\n", i, k[1], k[2], 10000 + i, i, i, l2
        }
    }'
}
gen pbx.example.com > "$DIR/a.csv"
gen pbx2.example.com > "$DIR/b.csv"

best() { # best wall time of 3 runs, in seconds
    b=
    for _ in 1 2 3; do
        s=$(date +%s.%N)
        "$@" > /dev/null 2>&1 || true
        e=$(date +%s.%N)
        t=$(echo "$e - $s" | bc)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
    done
    echo "$b"
}

echo "devices: $N, cores: $(nproc)"
echo "dry run, empty root:           $(best "$BIN" provision "$DIR/a.csv" --root "$DIR/root") s"
"$BIN" provision "$DIR/a.csv" --root "$DIR/root" --apply > /dev/null 2>&1
echo "files in the root:             $(ls "$DIR/root" | wc -l)"
echo "dry run, every file changed:   $(best "$BIN" provision "$DIR/b.csv" --root "$DIR/root") s"
echo "dry run, nothing changed:      $(best "$BIN" provision "$DIR/a.csv" --root "$DIR/root") s"
s=$(date +%s.%N)
"$BIN" provision "$DIR/b.csv" --root "$DIR/root" --apply > /dev/null 2>&1
e=$(date +%s.%N)
echo "apply, every file changed:     $(echo "$e - $s" | bc) s"
s=$(date +%s.%N)
"$BIN" provision --root "$DIR/root" --undo > /dev/null 2>&1
e=$(date +%s.%N)
echo "undo:                          $(echo "$e - $s" | bc) s"
