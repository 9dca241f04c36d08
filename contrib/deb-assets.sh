#!/usr/bin/env bash
# Builds the man page and the shell completions from the release binary into
# target/assets/, where [package.metadata.deb] in Cargo.toml picks them up:
#   cargo build --release && contrib/deb-assets.sh && cargo deb --no-build
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/cfgfmt-rs
out=target/assets
mkdir -p "$out"
"$bin" manpage >"$out/cfgfmt-rs.1"
# One page per subcommand too (man cfgfmt-rs-serve).
for sub in $("$bin" --help | awk '/^Commands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}'); do
  [ "$sub" = help ] && continue
  "$bin" manpage "$sub" >"$out/cfgfmt-rs-$sub.1"
done
gzip -9nf "$out"/*.1
"$bin" completions bash >"$out/cfgfmt-rs.bash"
"$bin" completions zsh >"$out/_cfgfmt-rs"
"$bin" completions fish >"$out/cfgfmt-rs.fish"
