#!/usr/bin/env python3
"""bench-live.py - the measuring half of bench-live.sh (which sets up the
namespaces and passes TX, RX, TXIF, RXIF and LIVE in the environment)."""
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

TX, RX, TXIF, RXIF = (os.environ[k] for k in ("TX", "RX", "TXIF", "RXIF"))
LIVE = os.environ["LIVE"]
SENSOR = os.environ.get("SENSOR", "build/shadowtap-sensor")
RATES = [int(r) for r in os.environ.get("RATES", "50 100 200 400 800").split()]
STEPS = [("%d Mbit/s" % r, ["--mbps=%d" % r]) for r in RATES] + [("topspeed", ["--topspeed"])]
W = "bench/live"
os.makedirs(W, exist_ok=True)

# Sensor configurations: capture settings only; pools as make bench's.
SENSOR_CONFS = {
    "ring64": ("TPACKET_V3 ring 64 MiB, block timeout 100 ms (default)", "buffer_mb: 64\n  block_timeout_ms: 100\n"),
    "ring2": ("TPACKET_V3 ring 2 MiB, block timeout 100 ms", "buffer_mb: 2\n  block_timeout_ms: 100\n"),
    "ring256": ("TPACKET_V3 ring 256 MiB, block timeout 100 ms", "buffer_mb: 256\n  block_timeout_ms: 100\n"),
    "ring64t10": ("TPACKET_V3 ring 64 MiB, block timeout 10 ms", "buffer_mb: 64\n  block_timeout_ms: 10\n"),
    "imm64": ("immediate mode, 64 MiB buffer", "buffer_mb: 64\n  immediate: true\n"),
}
CONFIGS = os.environ.get("CONFIGS", "ring64 ring2 ring256 ring64t10 imm64").split()
rules = ["-R", "rules"] if os.path.exists("rules/policy.yaml") else []


def ns(name, core, cmd):
    return ["ip", "netns", "exec", name, "taskset", "-c", str(core)] + cmd


def replay(opts, pid):
    """tcpreplay from the TX namespace on core 1; achieved rate."""
    cpu0 = cpu_now(pid)
    t = time.monotonic()
    p = subprocess.run(ns(TX, 1, ["tcpreplay", "-K", "-i", TXIF] + opts + [LIVE]),
                       capture_output=True, text=True, timeout=600)
    wall = time.monotonic() - t
    out = p.stdout + p.stderr
    r = {"t0": t, "cpu0": cpu0, "wall": wall, "sent": 0, "mbps": 0.0, "pps": 0.0, "failed": 0}
    m = re.search(r"Actual: (\d+) packets \((\d+) bytes\) sent in ([\d.]+) seconds", out)
    if m:
        r["sent"], r["secs"] = int(m.group(1)), float(m.group(3))
    m = re.search(r"Rated: [\d.]+ Bps, ([\d.]+) Mbps, ([\d.]+) pps", out)
    if m:
        r["mbps"], r["pps"] = float(m.group(1)), float(m.group(2))
    m = re.search(r"Failed packets:\s+(\d+)", out)
    if m:
        r["failed"] = int(m.group(1))
    if p.returncode != 0 or not r["sent"]:
        sys.stderr.write("bench-live: tcpreplay failed:\n" + out)
    return r


def last_stats(path):
    """The last complete EVE stats event in path, or None."""
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 65536))
            lines = f.read().split(b"\n")
    except OSError:
        return None
    for ln in reversed(lines):
        if b'"event_type":"stats"' in ln:
            try:
                return json.loads(ln)["stats"]
            except ValueError:
                continue
    return None


def drained(st):
    """Every packet the kernel counted was read or dropped."""
    if st is None:
        return False
    cap, dec = st.get("capture", {}), st.get("decoder", {})
    return dec.get("pkts", 0) + cap.get("kernel_drops", 0) >= cap.get("kernel_packets", 0) > 0


def wait_for(cond, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.2)
    return False


def cpu_now(pid):
    """user+sys seconds of pid and all its threads so far."""
    try:
        f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def measured(p, r, done):
    """Replay done: wait for the drain; CPU and time from replay start."""
    wait_for(done, 60)
    r["busy"] = time.monotonic() - r["t0"]
    r["cpu_run"] = cpu_now(p.pid) - r["cpu0"]


def stop(p, secs=60):
    """SIGTERM, then SIGKILL after secs; (status, cpu seconds)."""
    p.send_signal(signal.SIGTERM)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            p.returncode = status
            return status, ru.ru_utime + ru.ru_stime
        time.sleep(0.1)
    p.kill()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = status
    return status, ru.ru_utime + ru.ru_stime


def sensor_step(cfg, opts):
    eve, db, err = W + "/eve.json", W + "/db.sqlite", W + "/sensor.err"
    for f in (eve, db, db + "-wal", db + "-shm"):
        if os.path.exists(f):
            os.unlink(f)
    with open(W + "/sensor.yaml", "w") as f:
        f.write("capture:\n  %soutput:\n  stats_interval: 1\n"
                "flows:\n  max: 262144\ndpi:\n  ndpi_flows: 131072\n" % SENSOR_CONFS[cfg][1])
    p = subprocess.Popen(ns(RX, 0, [SENSOR, "-i", RXIF, "-c", W + "/sensor.yaml", "-e", eve,
                                    "-d", db, "-k", W + "/key"] + rules),
                         stdout=subprocess.DEVNULL, stderr=open(err, "w"))
    # Ready once the first stats event is out (the capture loop runs).
    if not wait_for(lambda: last_stats(eve) is not None or p.poll() is not None, 60):
        stop(p)
        return None
    if p.poll() is not None:
        sys.stderr.write(open(err).read())
        return None
    r = replay(opts, p.pid)
    measured(p, r, lambda: drained(last_stats(eve)))
    r["status"], r["cpu"] = stop(p)
    st = last_stats(eve) or {}
    cap = st.get("capture", {})
    r["received"] = cap.get("kernel_packets", 0)
    r["drops"] = cap.get("kernel_drops", 0) + cap.get("kernel_ifdrops", 0)
    r["read"] = st.get("decoder", {}).get("pkts", 0)
    return r


def suricata_conf():
    """Debian's suricata.yaml with the af-packet list for our interface:
    one worker, TPACKET_V3, a ring like the sensor's 64 MiB (32,768
    frames of 2 KiB in Suricata's default 32 KiB blocks: 2,048 blocks, so
    its 10 ms block timeout leaves 20 s of slack at a low rate, like the
    sensor's 256 blocks of 256 KiB at 100 ms)."""
    s = open("/etc/suricata/suricata.yaml").read()
    i = s.index("\naf-packet:\n")
    rest = s[i + len("\naf-packet:\n"):]
    j = re.search(r"\n(?=[a-z])", rest).start()
    s = (s[:i] + "\naf-packet:\n  - interface: %s\n    threads: 1\n    tpacket-v3: yes\n"
         "    use-mmap: yes\n    ring-size: 32768\n    block-size: 32768\n" % RXIF + rest[j:])
    path = W + "/suricata.yaml"
    open(path, "w").write(s)
    return path


def suricata_step(conf, opts):
    log = W + "/suri"
    shutil.rmtree(log, ignore_errors=True)
    os.makedirs(log)
    out = W + "/suricata.out"
    p = subprocess.Popen(ns(RX, 0, ["suricata", "-c", conf, "-k", "none", "-S", "/dev/null",
                                    "--af-packet=" + RXIF, "--runmode", "workers", "-l", log,
                                    "--set", "stats.interval=1"]),
                         stdout=open(out, "w"), stderr=subprocess.STDOUT)
    if not wait_for(lambda: "Engine started" in open(out).read() or p.poll() is not None, 120):
        stop(p)
        return None
    if p.poll() is not None:
        sys.stderr.write(open(out).read())
        return None
    r = replay(opts, p.pid)
    measured(p, r, lambda: drained(last_stats(log + "/eve.json")))
    r["status"], r["cpu"] = stop(p)
    txt = open(out).read()
    m = re.search(r"packets: (\d+), drops: (\d+)", txt)
    st = last_stats(log + "/eve.json") or {}
    r["read"] = st.get("decoder", {}).get("pkts", 0)
    if m:
        r["received"], r["drops"] = int(m.group(1)), int(m.group(2))
    else:
        cap = st.get("capture", {})
        r["received"], r["drops"] = cap.get("kernel_packets", 0), cap.get("kernel_drops", 0)
    return r


def tcpreplay_version():
    p = subprocess.run(["tcpreplay", "-V"], capture_output=True, text=True)
    m = re.search(r"tcpreplay version: (\S+)", p.stdout + p.stderr)
    return m.group(1) if m else "(version unknown)"


def ladder(name, step):
    rows = []
    for label, opts in STEPS:
        r = step(opts)
        if r is None:
            print("%-34s %-12s failed to start" % (name, label))
            continue
        r["label"] = label
        print("%-20s %-12s sent %7d at %7.1f Mbit/s %8.0f pkt/s  drops %7d  read %7d  cpu %.2f s in %.2f s" %
              (name, label, r["sent"], r["mbps"], r["pps"], r["drops"], r["read"], r["cpu_run"], r["busy"]))
        sys.stdout.flush()
        rows.append(r)
    return rows


def best(rows):
    ok = [r for r in rows if r["drops"] == 0 and r["sent"] > 0 and r["failed"] == 0]
    return max(ok, key=lambda r: r["mbps"]) if ok else None


def main():
    pkts = int(subprocess.run(["build/tools/pcap_null", LIVE], capture_output=True, text=True).stdout.strip() or 0)
    size = os.path.getsize(LIVE)
    load = os.getloadavg()
    results = []
    for c in CONFIGS:
        results.append(("shadowtap-sensor, " + SENSOR_CONFS[c][0], ladder("sensor " + c, lambda o: sensor_step(c, o))))
    suri_ver = ""
    if os.environ.get("SURICATA", "1") != "0" and shutil.which("suricata"):
        suri_ver = subprocess.run(["suricata", "-V"], capture_output=True, text=True).stdout.strip().replace(
            "This is Suricata version ", "")
        conf = suricata_conf()
        results.append(("Suricata %s, af-packet TPACKET_V3 64 MiB (2,048 blocks of 32 KiB, 10 ms), one worker, no rules, EVE on" % suri_ver,
                        ladder("suricata", lambda o: suricata_step(conf, o))))
    load2 = os.getloadavg()
    lines = []
    lines.append("| capture | highest zero-drop step | achieved Mbit/s | packets/s | CPU at that step (% of core 0) | CPU µs/packet | drops at topspeed (of packets sent) | topspeed Mbit/s |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for name, rows in results:
        b = best(rows)
        top = [r for r in rows if r["label"] == "topspeed"]
        t = top[0] if top else None
        if b:
            cell = "%s | %.1f | %.0f | %.0f %% | %.1f" % (b["label"], b["mbps"], b["pps"],
                                                        100.0 * b["cpu_run"] / max(b["busy"], 1e-9),
                                                        1e6 * b["cpu_run"] / max(b["read"], 1))
        else:
            cell = "none | – | – | – | –"
        tcell = ("%d (%.1f %%) | %.1f" % (t["drops"], 100.0 * t["drops"] / max(t["sent"], 1), t["mbps"])) if t else "– | –"
        lines.append("| %s | %s | %s |" % (name, cell, tcell))
    detail = ["| capture | step | achieved Mbit/s | packets/s | kernel drops | packets read | CPU s (replay + drain) | s (replay + drain) | CPU s (whole run) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for name, rows in results:
        for r in rows:
            detail.append("| %s | %s | %.1f | %.0f | %d | %d | %.2f | %.2f | %.2f |" % (
                name, r["label"], r["mbps"], r["pps"], r["drops"], r["read"], r["cpu_run"], r["busy"], r["cpu"]))
    print("\n".join(lines))
    today = datetime.date.today().isoformat()
    text = ("## Live capture (`make bench-live`, %s)\n\n"
            "Replay of `%s` (the first %d packets of `bench/mixed.pcap`, %.1f MB, every address moved into "
            "TEST-NET by `tests/scripts/live-testnet.py`, frames over 1514 bytes left out) with tcpreplay %s (`-K`, preloaded) "
            "over a veth pair between two network namespaces, at rising rates (%s, then `--topspeed`); a fresh "
            "capturing process per step. tcpreplay is pinned to core 1 and the capturing process to core 0 "
            "(`taskset`); they share this 2-core machine with the other jobs on it (load average %.1f at the "
            "start, %.1f at the end), so figures move between runs and the achieved rate is tcpreplay's own "
            "report, not the rate asked for. Drops are the kernel's (sensor: pcap_stats `ps_drop + ps_ifdrop`, "
            "EVE `stats.capture.kernel_drops`; Suricata: its af-packet shutdown line, same kernel counter). "
            "CPU is the capturing process's user+sys time (all threads, /proc) from the replay's start until "
            "every packet the kernel counted was read or dropped, over that time (start-up excluded). The sensor runs with EVE "
            "+ SQLite + rules and make bench's pools; Suricata with Debian's configuration, no rules, EVE on.\n\n"
            % (today, LIVE, pkts, size / 1e6, tcpreplay_version(),
               ", ".join("%d" % r for r in RATES) + " Mbit/s", load[0], load2[0]))
    text += "\n".join(lines) + "\n\n"
    if os.environ.get("NOTE"):
        text += os.environ["NOTE"].strip() + "\n\n"
    text += "Every step:\n\n" + "\n".join(detail) + "\n"
    path = "docs/BENCHMARKS.md"
    old = open(path).read()
    m = re.search(r"## Live capture.*?(?=\n## |\Z)", old, re.S)
    new = old[:m.start()] + text + old[m.end():] if m else old.rstrip("\n") + "\n\n" + text
    open(path, "w").write(new)
    print("bench-live: wrote docs/BENCHMARKS.md \"Live capture\"")


main()
