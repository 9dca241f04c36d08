#!/usr/bin/env python3
"""Whole-process timing of cfgfmt-rs against Cisco's original cfgfmt 2.3.

    CFGFMT_ORACLE=/path/to/cfgfmt.linux benches/vs-original.py [RUNS] [OURS...]

Compiles the same 60-parameter 7912 profile (testdata/profiles/gkdefault-60.txt) with
/bin/true (the spawn floor), the original and ours, interleaved run by run in a folder on
disk (target/bench-vs-original), and prints the median of each and the median of the paired
ratios ours/original. Checks that both wrote the same bytes. Skipped (exit 0) when
CFGFMT_ORACLE is not set. OURS defaults to the static build (`cargo build-static`,
target/x86_64-unknown-linux-gnu/release/cfgfmt-rs) when there is one, else to
target/release/cfgfmt-rs; build it first (docs/performance.md). The binary measured is named
in the output. Several OURS are timed side by side in the same interleaved runs (the README's
installed binary and the default build, say), each against the original.
"""
import os
import statistics
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
oracle = os.environ.get("CFGFMT_ORACLE")
if not oracle or not os.access(oracle, os.X_OK):
    print("SKIP: set CFGFMT_ORACLE to an executable cfgfmt.linux (Cisco's cfgfmt 2.3)")
    sys.exit(0)
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 100
static_build = os.path.join(root, "target/x86_64-unknown-linux-gnu/release/cfgfmt-rs")
default_build = os.path.join(root, "target/release/cfgfmt-rs")
if len(sys.argv) > 2:
    ours_list = [os.path.abspath(p) for p in sys.argv[2:]]
else:
    ours_list = [static_build if os.access(static_build, os.X_OK) else default_build]
oracle = os.path.abspath(oracle)
work = os.path.join(root, "target/bench-vs-original")
os.makedirs(work, exist_ok=True)
os.chdir(work)
with open(os.path.join(root, "formats/tables/7905-7912-sip.dat"), "rb") as f:
    open("sip_ptag.dat", "wb").write(f.read())
with open(os.path.join(root, "testdata/profiles/gkdefault-60.txt"), "rb") as f:
    open("gkdefault.txt", "wb").write(f.read())

commands = {
    "/bin/true (spawn floor)": ["/bin/true"],
    "Cisco cfgfmt 2.3": [oracle, "-tsip_ptag.dat", "gkdefault.txt", "orig.cfg"],
}
ours_names = []
for i, ours in enumerate(ours_list):
    name = "cfgfmt-rs" if len(ours_list) == 1 else f"cfgfmt-rs #{i + 1}"
    ours_names.append(name)
    commands[name] = [ours, "-tsip_ptag.dat", "gkdefault.txt", f"ours{i}.cfg"]
devnull = os.open(os.devnull, os.O_WRONLY)


def once(argv):
    fa = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=fa)
    _, status = os.waitpid(pid, 0)
    t1 = time.perf_counter_ns()
    if status != 0:
        sys.exit(f"{argv[0]} failed with status {status}")
    return (t1 - t0) / 1e6


times = {name: [] for name in commands}
names = list(commands)
for name in names:  # warm-up
    once(commands[name])
n = len(names)
for i in range(runs):
    order = names[i % n:] + names[:i % n]  # rotate, so no command always runs first
    for name in order:
        times[name].append(once(commands[name]))
same = True
for i, (ours, name) in enumerate(zip(ours_list, ours_names)):
    with open(ours, "rb") as f:
        head = f.read(4096)
    # An ELF with no program interpreter (no PT_INTERP path in its first page) is static.
    linking = "dynamically linked" if b"ld-linux" in head else "statically linked"
    print(f"{name}: {ours} ({linking})")
    same = same and open("orig.cfg", "rb").read() == open(f"ours{i}.cfg", "rb").read()
print(f"| | whole process, median of {runs} (ms) |")
print("| --- | --- |")
for name in names:
    print(f"| {name} | {statistics.median(times[name]):.2f} |")
for name in ours_names:
    ratios = [o / c for o, c in zip(times[name], times["Cisco cfgfmt 2.3"])]
    print(f"median of paired ratios {name} / cfgfmt 2.3: {statistics.median(ratios):.2f}")
print(f"output bytes identical: {'yes' if same else 'NO'}")
sys.exit(0 if same else 1)
