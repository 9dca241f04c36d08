#!/usr/bin/env bash
# Boot storm for `cfgfmt-rs serve` (issue 21), release build, loopback:
#  1. CLIENTS clients at once (default 300), each fetching a 1 MiB image at blksize 1428,
#     from our server and from tftpd-hpa's in.tftpd serving the same folder, in this run;
#     wall time, copies intact, peak resident memory (ours: VmHWM; in.tftpd forks one
#     process per transfer: the peak of the sum over its processes, sampled every 50 ms);
#  2. PHONES simulated phones (default 1000) each walking OS79XX.TXT → image →
#     SIPDefault.cnf → SIP<MAC>.cnf against `serve --inventory`, then the per-phone status.
#
#   benches/serve-storm.sh [CLIENTS] [PHONES]
#
# Needs root for in.tftpd --secure (its chroot); without in.tftpd that half prints SKIP.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-300}
phones=${2:-1000}
cargo build --release -q --bin cfgfmt-rs --example tftp_storm
bin=$PWD/target/release/cfgfmt-rs
storm=$PWD/target/release/examples/tftp_storm
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
chmod 755 "$work"
root=$work/root
mkdir "$root"
head -c 1048576 /dev/urandom >"$root/image.sb2"
chmod 755 "$root"; chmod 644 "$root/image.sb2"

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Peak of the summed RSS (KiB) of the processes named $1, sampled until $2 exists.
sample_rss() {
  local name=$1 stop=$2 peak=0 now
  while [ ! -e "$stop" ]; do
    now=$(ps -C "$name" -o rss= 2>/dev/null | awk '{s+=$1} END {print s+0}')
    [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.05
  done
  echo "$peak"
}

echo "== $clients clients at once, 1 MiB image, blksize 1428"
port=$(free_port)
"$bin" serve "$root" --listen "127.0.0.1:$port" >"$work/ours.log" &
ours=$!; pids+=("$ours")
sleep 0.5
ours_json=$("$storm" image "127.0.0.1:$port" "$clients" image.sb2 "$root/image.sb2" 1428)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$ours/status")
kill -TERM "$ours"; wait "$ours" || true
echo "ours:      $ours_json peak_rss_kib=$hwm"
tail -1 "$work/ours.log"

tftpd=$(command -v in.tftpd || echo /usr/sbin/in.tftpd)
if [ -x "$tftpd" ] && [ "$(id -u)" = 0 ]; then
  port=$(free_port)
  "$tftpd" --foreground --address "127.0.0.1:$port" --secure --user nobody "$root" &
  hpa=$!; pids+=("$hpa")
  sleep 0.5
  rm -f "$work/stop"
  sample_rss in.tftpd "$work/stop" >"$work/hpa.rss" &
  sampler=$!
  hpa_json=$("$storm" image "127.0.0.1:$port" "$clients" image.sb2 "$root/image.sb2" 1428)
  touch "$work/stop"; wait "$sampler"
  kill "$hpa"; wait "$hpa" 2>/dev/null || true
  echo "tftpd-hpa: $hpa_json peak_rss_kib_sum=$(cat "$work/hpa.rss")"
else
  echo "SKIP: tftpd-hpa comparison (in.tftpd not found, or not root)"
fi

echo "== $phones phones walking the boot chain against serve --inventory"
boot=$work/boot
mkdir "$boot"
cp "$root/image.sb2" "$boot/P0S3-8-12-00.sb2"
{
  echo "mac,model,protocol,number,password,proxy,load"
  for i in $(seq 1 "$phones"); do
    printf '0014F2%06X,7960,sip,%d,pw-%d,pbx.example.com,P0S3-8-12-00\n' "$i" $((2000 + i)) "$i"
  done
} >"$work/inventory.csv"
port=$(free_port)
"$bin" serve "$boot" --inventory "$work/inventory.csv" --listen "127.0.0.1:$port" >"$work/boot.log" &
srv=$!; pids+=("$srv")
sleep 1
boot_json=$("$storm" boot "127.0.0.1:$port" "$work/inventory.csv" "$boot")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$srv/status")
kill -TERM "$srv"; wait "$srv" || true
echo "boot chain: $boot_json peak_rss_kib=$hwm"
grep -E '^[0-9]+ phones?:' "$work/boot.log" | tail -1
tail -1 "$work/boot.log"
if grep -q 'pw-' "$work/boot.log"; then echo "FAILED: a password in the log"; exit 1; fi
