#!/bin/sh
# bench.sh - `make bench`: throughput of the sensor against a bare
# pcap_loop reader, Suricata (EVE on and off, no rules) and ndpiReader on
# one mixed capture built from ../shared/pcap/ndpi (35 copies with new
# addresses: ~3.5 M packets), all in the same run, each pinned to one core.
# Writes docs/BENCHMARKS.md's "Sensor throughput" section.  A benchmark,
# not a test: it never fails on speed.  BASE_SENSOR=path adds rows for an
# older build (before/after in the same run); SENSOR=path the build measured;
# RUNS=n (default 5).
set -eu
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-../shared/pcap/ndpi}
OUT=bench
RUNS=${RUNS:-5}
COPIES=${COPIES:-35}
mkdir -p "$OUT"
[ -d "$SHARED" ] || { echo "bench: $SHARED absent; nothing to measure" >&2; exit 0; }
command -v mergecap >/dev/null || { echo "bench: mergecap missing (make deps)" >&2; exit 2; }
MIXED=$OUT/mixed.pcap
if [ ! -s "$MIXED" ]; then
	echo "bench: building $MIXED from $SHARED ($COPIES copies)"
	# Ethernet captures only, so the merge is one pcap of one link type.
	ls "$SHARED" | grep -E '\.(pcap|pcapng)$' | while read -r f; do
		enc=$(capinfos -T -E -r "$SHARED/$f" 2>/dev/null | cut -f2)
		[ "$enc" = "ether" ] && echo "$SHARED/$f"
	done > "$OUT/list"
	[ -s "$OUT/list" ] || { echo "bench: no Ethernet captures found" >&2; exit 2; }
	# Copy 1 as is; copies 2..N rewritten per file with tcprewrite --seed
	# (new addresses, so every copy is a new set of flows).  tcprewrite
	# rejects a few captures; those copies lack them, as in the reference.
	i=1
	while [ $i -le "$COPIES" ]; do
		mkdir -p "$OUT/c$i"
		while read -r f; do
			if [ $i -eq 1 ] || ! command -v tcprewrite >/dev/null; then
				cp "$f" "$OUT/c$i/"
			else
				tcprewrite --seed=$i --fixcsum -i "$f" -o "$OUT/c$i/$(basename "$f")" \
				    >/dev/null 2>&1 || rm -f "$OUT/c$i/$(basename "$f")"
			fi
		done < "$OUT/list"
		mergecap -F pcap -w "$OUT/copy$i.pcap" "$OUT/c$i"/*
		rm -rf "$OUT/c$i"
		i=$((i + 1))
	done
	mergecap -F pcap -w "$MIXED" "$OUT"/copy*.pcap
	rm -f "$OUT"/copy*.pcap
fi
[ -n "${BUILD_ONLY:-}" ] && exit 0
python3 - "$MIXED" "$RUNS" <<'PY'
import os, re, shutil, statistics, subprocess, sys, time
mixed, runs = sys.argv[1], int(sys.argv[2])
pkts = int(subprocess.check_output(["build/tools/pcap_null", mixed]).strip())
size = os.path.getsize(mixed)
cpu = os.environ.get("CPU", "0")
me = os.environ.get("SENSOR", "build/shadowtap-sensor")
pin = ["taskset", "-c", cpu] if shutil.which("taskset") else []

# Pools sized for the capture: about 70k flows are active at once and nDPI
# needs more than its default 65,536 states (ndpi_pool_empty otherwise).
conf = "bench/sensor.yaml"
with open(conf, "w") as f:
    f.write("flows:\n  max: 262144\ndpi:\n  ndpi_flows: 131072\n")
with open("bench/sensor-allproto.yaml", "w") as f:
    f.write("flows:\n  max: 262144\ndpi:\n  ndpi_flows: 131072\n  ndpi_all_protocols: true\n")
with open("bench/sensor-prefault.yaml", "w") as f:
    f.write("flows:\n  max: 262144\n  prefault: true\ndpi:\n  ndpi_flows: 131072\n  prefault: true\n")

def med(cmd, setup=None):
    """Median wall and CPU (user+sys of the process and its threads) time.
    On the shared machine CPU time is the steadier figure: wall time also
    counts the other jobs' turns on the core."""
    ts, cs = [], []
    for _ in range(runs):
        if setup: setup()
        t = time.perf_counter()
        p = subprocess.Popen(pin + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)
        ts.append(time.perf_counter() - t)
        cs.append(ru.ru_utime + ru.ru_stime)
    return statistics.median(ts), statistics.median(cs)

def clean():
    for f in ("bench/eve.json", "bench/db.sqlite", "bench/db.sqlite-wal", "bench/db.sqlite-shm"):
        if os.path.exists(f): os.unlink(f)
    shutil.rmtree("bench/suri", ignore_errors=True)
    os.makedirs("bench/suri", exist_ok=True)

def reads(cmd):
    """read(2) calls of one run (strace -c), to show the read buffer is real."""
    if not shutil.which("strace"): return None
    r = subprocess.run(["strace", "-f", "-c", "-e", "trace=read", "-o", "bench/strace.txt"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for l in open("bench/strace.txt"):
        f = l.split()
        if f and f[-1] == "read": return int(f[3])
    return None

# Warm the page cache once.
subprocess.run(["build/tools/pcap_null", mixed], stdout=subprocess.DEVNULL)
rules = ["-R", "rules"] if os.path.exists("rules/policy.yaml") else []
def sensor(binary, full, cfg=conf):
    if full:
        return [binary, "-r", mixed, "-c", cfg, "-e", "bench/eve.json", "-d", "bench/db.sqlite",
                "-k", "bench/key"] + rules
    # EVE to stdout, which the benchmark discards (the EVE writer refuses
    # /dev/null: it checks the file's last line); no SQLite, no rules.
    return [binary, "-r", mixed, "-c", cfg, "-e", "-"]
rows = [("a", "pcap_loop, empty callback (baseline)", ["build/tools/pcap_null", mixed], None),
        ("a2", "pcap_loop, empty callback, 1 MiB read buffer like the sensor", ["build/tools/pcap_null", "-b", mixed], None)]
if shutil.which("ndpiReader"):
    rows.append(("b", "ndpiReader -q (nDPI 4.2 reference tool)", ["ndpiReader", "-i", mixed, "-q"], None))
suri = shutil.which("suricata")
suri_ver = ""
if suri:
    suri_ver = subprocess.run([suri, "-V"], capture_output=True, text=True).stdout.strip().replace("This is Suricata version ", "")
    sc = [suri, "-c", "/etc/suricata/suricata.yaml", "--runmode", "single", "-k", "none", "-S", "/dev/null",
          "-r", mixed, "-l", "bench/suri"]
    rows.append(("s1", "Suricata %s, no rules, EVE on (Debian's default outputs), one worker" % suri_ver, sc, clean))
    rows.append(("s2", "Suricata %s, no rules, EVE off, one worker" % suri_ver,
                 sc + ["--set", "outputs.1.eve-log.enabled=no"], clean))
base_s = os.environ.get("BASE_SENSOR")
if base_s:
    rows.append(("c0", "shadowtap-sensor before (%s), EVE + SQLite + rules" % os.environ.get("BASE_NAME", base_s),
                 sensor(base_s, True), clean))
    rows.append(("d0", "shadowtap-sensor before, EVE to /dev/null, no SQLite, no rules", sensor(base_s, False), None))
rows.append(("c", "shadowtap-sensor, EVE + SQLite" + (" + rules" if rules else ""), sensor(me, True), clean))
rows.append(("d", "shadowtap-sensor, EVE to /dev/null, no SQLite, no rules", sensor(me, False), None))
rows.append(("f", "shadowtap-sensor, as d, every nDPI dissector (dpi.ndpi_all_protocols: true)",
             sensor(me, False, "bench/sensor-allproto.yaml"), None))
rows.append(("e", "shadowtap-sensor, as d, pools pre-faulted",
             sensor(me, False, "bench/sensor-prefault.yaml"), None))
res = []
for tag, what, cmd, setup in rows:
    w, c = med(cmd, setup)
    res.append((tag, what, w, c))
    print("%s  %-45s %7.3f s wall %7.3f s cpu  %6.2f Mpkt/s (cpu)" % (tag, what, w, c, pkts / c / 1e6), flush=True)
base = res[0][3]
sref = dict((t, c) for t, _, _, c in res)
nread = [(what, reads(cmd)) for what, cmd in (("pcap_loop (a)", ["build/tools/pcap_null", mixed]),
         ("pcap_loop -b (a2)", ["build/tools/pcap_null", "-b", mixed]),
         ("sensor (d)", sensor(me, False)))]
lines = ["## Sensor throughput (`make bench`)", "",
         "Capture: `%s`, %d packets, %.1f MB, built from the Ethernet captures of ../shared/pcap/ndpi "
         "(%s). Median of %d runs each, each pinned to one core (`taskset -c %s`), same machine, same run (%s). "
         "Sensor pools sized for the capture (`%s`: 262,144 flows, 131,072 nDPI states; about 70k flows are "
         "active at once). Suricata reads the capture with `--runmode single` and no rules." %
         (mixed, pkts, size / 1e6, "merged, copies with new addresses via tcprewrite --seed" if shutil.which("tcprewrite") else "merged",
          runs, cpu, time.strftime("%Y-%m-%d"), conf), "",
         "Ratios are of CPU time (user + sys, all threads; `wait4` rusage): on this shared machine wall "
         "time also counts other jobs' turns on the core, so it is shown but not used.", "",
         "| | what | median wall s | median CPU s | packets/CPU-s | × baseline rate | × Suricata EVE on | × Suricata EVE off |",
         "|---|---|---|---|---|---|---|---|"]
for tag, what, w, c in res:
    vs = "%.2f×" % (sref["s1"] / c) if "s1" in sref else "-"
    vs2 = "%.2f×" % (sref["s2"] / c) if "s2" in sref else "-"
    lines.append("| %s | %s | %.3f | %.3f | %.2f M | %.2f× | %s | %s |" % (tag, what, w, c, pkts / c / 1e6, base / c, vs, vs2))
lines += ["", "read(2) calls per run (`strace -f -c -e trace=read`): " +
          ", ".join("%s %s" % (w, "{:,}".format(n) if n is not None else "n/a") for w, n in nread) +
          ". The sensor hands stdio a real 1 MiB buffer (glibc ignores the size without one: "
          "one read per 4 KiB, as row a does).", "",
          "Target: (c) ≥ 0.40× the rate of (a). Re-run with `make bench` (needs `make deps-bench`); "
          "the table is rewritten.", ""]
sec = "\n".join(lines)
path = "docs/BENCHMARKS.md"
old = open(path).read() if os.path.exists(path) else "# Benchmarks\n\nFigures are ratios against a baseline measured in the same run.\n\n"
m = re.search(r"## Sensor throughput.*?(?=\n## |\Z)", old, re.S)
new = old[:m.start()] + sec + old[m.end():] if m else old.rstrip() + "\n\n" + sec
os.makedirs("docs", exist_ok=True)
open(path, "w").write(new)
c = [r for r in res if r[0] == "c"][0][3]
print("ratio (c)/(a) rate: %.2f" % (base / c))

# ---- privsep cost (the psep block): the same replay as one process and
# as parent + engine + writer, same run.  CPU of all processes: wait4
# rusage of the parent, which waits for its children (their time is
# included); the engine's own from its exit log line (getrusage).
def run_ps(cmd, acc):
    clean()
    t = time.perf_counter()
    p = subprocess.Popen(pin + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = p.stderr.read()
    _, _, ru = os.wait4(p.pid, 0)
    m = re.search(r"engine: cpu ([0-9.]+) s", err)
    acc.append((time.perf_counter() - t, ru.ru_utime + ru.ru_stime,
                float(m.group(1)) if m else float("nan")))
ps_rows = [("single process (--no-privsep)", ["--no-privsep"]), ("privsep (default)", [])]
ps_acc = [[] for _ in ps_rows]
for i in range(runs):		# alternating, so load drift hits both
    order = range(len(ps_rows)) if i % 2 == 0 else reversed(range(len(ps_rows)))
    for k in order:
        cmd = sensor(me, True)
        run_ps(cmd[:1] + ps_rows[k][1] + ["-v"] + cmd[1:], ps_acc[k])
ps_res = []
for (what, _), acc in zip(ps_rows, ps_acc):
    w, c, e = (statistics.median(x[j] for x in acc) for j in range(3))
    ps_res.append((what, w, c, e))
    print("privsep: %-32s %7.3f s wall %7.3f s cpu (all) %7.3f s engine" % (what, w, c, e), flush=True)
one = ps_res[0][2]
pl = ["## Privilege separation cost (`make bench`)", "",
      "The row (c) replay (EVE + SQLite%s) as one process and as parent + engine + writer "
      "(sensor/parent.c), median of %d alternating runs each, same run, pinned to one core (`taskset -c %s`; "
      "the three processes share it). CPU = user + sys of all processes (`wait4` rusage of the parent, "
      "which includes its waited-for children); engine = the engine's own (`getrusage` at its exit, "
      "logged with -v)." % (" + rules" if rules else "", runs, cpu), "",
      "| what | median wall s | median CPU s (all) | × single process CPU | engine CPU s |",
      "|---|---|---|---|---|"]
for what, w, c, e in ps_res:
    pl.append("| %s | %.3f | %.3f | %.3f× | %s |" % (what, w, c, c / one,
              "%.3f" % e if e == e else "-"))
pl += ["", "Target: privsep CPU (all) ≤ 1.10× single process.", ""]
psec = "\n".join(pl)
old = open(path).read()
m = re.search(r"## Privilege separation cost.*?(?=\n## |\Z)", old, re.S)
new = old[:m.start()] + psec + old[m.end():] if m else old.rstrip() + "\n\n" + psec
open(path, "w").write(new)
PY
