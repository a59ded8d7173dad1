#!/usr/bin/env python3
"""Live capture load: the highest replay rate each capturer takes without kernel drops.

Two network namespaces joined by a veth pair (the live tests' setup, tests/live/livelib.py).
tcpreplay in namespace B replays a real capture (--loop for a multi-second run) at increasing
packet rates onto the veth; in namespace A either ipauditd or `tcpdump -w /dev/null` captures
the other end, one run each per rate, alternating. For each run:

  drops     kernel drops: ipauditd's interval files (pcap_dropped), tcpdump's "N packets
            dropped by kernel"
  seen      packets the capturer counted (ipauditd: packets in its interval files)
  reached   packets that reached the capture end: tcpreplay's successful packets minus the
            veth's rx drops (/sys/class/net/IF/statistics/rx_dropped), which no tap sees
  cpu/pkt   CPU time of the capturer's threads (/proc/PID/task/*/schedstat, the same time
            as utime+stime in /proc/PID/stat at ns resolution) over the run / packets counted,
            read before it is stopped (ipauditd's final interval write is not included)

At a zero-drop rate the interval files must account for every packet: seen == reached (and
== tcpdump's count at that rate). Then the tuning variants (buffer size, snaplen) are run at the
rates around ipauditd's limit.

usage: sudo bench/run_live.py [BUILD_DIR]
  env: PCAP (/work/shared/pcaps/real/pcapplusplus-tls2.pcap), RATES (pps list, 'top' for
       --topspeed; default 20000,50000,100000,200000,300000,400000,top), SECONDS (5 per run),
       TUNING=0 to skip the tuning runs
Prints Markdown tables for docs/BENCHMARKS.md.
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "live"))
import livelib as L  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build")
IPAUDITD = os.path.abspath(os.path.join(BUILD, "src", "daemon", "ipauditd"))
IPAUDIT = os.path.abspath(os.path.join(BUILD, "src", "cli", "ipaudit"))
PCAP = os.environ.get("PCAP", "/work/shared/pcaps/real/pcapplusplus-tls2.pcap")
RATES = os.environ.get("RATES", "20000,50000,100000,200000,300000,400000,top").split(",")
SECONDS = float(os.environ.get("SECONDS", "5"))
TICK = os.sysconf("SC_CLK_TCK")


def pcap_packets(path):
    out = subprocess.run(["capinfos", "-c", "-M", path], capture_output=True, text=True).stdout
    return int(re.search(r"Number of packets:\s+(\d+)", out).group(1))


def cpu_s(pid):
    """CPU seconds of every thread: the scheduler's nanoseconds (/proc/PID/task/*/schedstat),
    else utime+stime of /proc/PID/stat (10 ms ticks: too coarse for short runs)."""
    try:
        return sum(int(open(f"/proc/{pid}/task/{t}/schedstat").read().split()[0])
                   for t in os.listdir(f"/proc/{pid}/task")) / 1e9
    except (OSError, ValueError):
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK


def rx_dropped(pair):
    r = pair.run(pair.a, ["cat", f"/sys/class/net/{pair.if_a}/statistics/rx_dropped"])
    return int(r.stdout.strip())


def replay(pair, rate, loops):
    argv = ["tcpreplay", "-i", pair.if_b, f"--loop={loops}", "--preload-pcap"]
    argv += ["--topspeed"] if rate == "top" else [f"--pps={rate}"]
    r = pair.run(pair.b, argv + [PCAP], timeout=600)
    m = re.search(r"Successful packets:\s+(\d+)", r.stdout)
    if not m:
        raise RuntimeError(f"tcpreplay: {r.stdout}{r.stderr}")
    rate_m = re.search(r"Rated: [\d.]+ Bps, [\d.]+ Mbps, ([\d.]+) pps", r.stdout)
    return int(m.group(1)), float(rate_m.group(1)) if rate_m else 0.0, " ".join(argv + [PCAP])


def run_one(pair, work, who, rate, loops, extra=()):
    """-> dict(sent, reached, seen, drops, cpu_per_pkt_us, pps, cmd)"""
    data = tempfile.mkdtemp(dir=work, prefix=f"{who}-")
    logp = os.path.join(data, "log")
    drops0 = rx_dropped(pair)
    if who == "ipauditd":
        cmd = [IPAUDITD, "-i", pair.if_a, "-d", data, "--interval", "86400", "--no-rollups", "--foreground",
               "-l", "10.0.0.0/8"] + list(extra)
        proc = pair.popen(pair.a, cmd, stdout=open(logp, "w"), stderr=subprocess.STDOUT)
        L.wait_for(lambda: "capturing on" in L.read(logp), 15, "ipauditd to start")
    else:
        cmd = ["tcpdump", "-i", pair.if_a, "-n", "-w", "/dev/null"] + list(extra)
        proc = pair.popen(pair.a, cmd, stdout=subprocess.DEVNULL, stderr=open(logp, "w"))
        L.wait_for(lambda: "listening on" in L.read(logp), 15, "tcpdump to start")
    time.sleep(0.3)
    cpu0 = cpu_s(proc.pid)
    sent, pps, replay_cmd = replay(pair, rate, loops)
    time.sleep(1.0)  # the capture timeout retires the last ring block
    cpu = cpu_s(proc.pid) - cpu0
    reached = sent - (rx_dropped(pair) - drops0)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    if who == "ipauditd":
        dumps = [L.dump(IPAUDIT, f) for f in L.interval_files(data)]
        seen, drops = L.meta_sum(dumps, "packets"), L.meta_sum(dumps, "pcap_dropped")
    else:
        text = L.read(logp)
        seen = int(re.search(r"(\d+) packets captured", text).group(1))
        drops = int(re.search(r"(\d+) packets dropped by kernel", text).group(1))
    subprocess.run(["rm", "-rf", data])
    return {"sent": sent, "reached": reached, "seen": seen, "drops": drops, "pps": pps,
            "cpu_us": 1e6 * cpu / max(seen, 1), "cmd": " ".join(cmd), "replay": replay_cmd}


def main():
    L.start(needs=("tcpdump", "tcpreplay", "capinfos"))
    work = tempfile.mkdtemp(prefix="ipaudit-bench-live-")
    pair = L.NetnsPair("bl")
    per_loop = pcap_packets(PCAP)
    print(f"capture {PCAP}: {per_loop} packets per loop; {SECONDS} s per run; rates {RATES}", flush=True)
    rows, best = [], {"ipauditd": None, "tcpdump": None}
    for rate in RATES:
        pps_target = 500000 if rate == "top" else int(rate)
        loops = max(1, round(pps_target * SECONDS / per_loop))
        res = {}
        for who in ("ipauditd", "tcpdump"):
            res[who] = run_one(pair, work, who, rate, loops)
            r = res[who]
            print(f"{who:8} rate {rate:>7} sent {r['sent']} ({r['pps']:.0f} pps) reached {r['reached']} seen {r['seen']} "
                  f"drops {r['drops']} cpu {r['cpu_us']:.2f} us/pkt", flush=True)
            if r["drops"] == 0 and r["seen"] == r["reached"]:
                best[who] = round(r["pps"]) if best[who] is None else max(best[who], round(r["pps"]))
        rows.append((rate, res))
    print("\n| rate (asked) | replayed pps | reached | ipauditd drops | ipauditd counted | tcpdump drops | "
          "tcpdump counted | ipauditd CPU us/pkt | tcpdump CPU us/pkt | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rate, res in rows:
        i, t = res["ipauditd"], res["tcpdump"]
        ratio = i["cpu_us"] / t["cpu_us"] if t["cpu_us"] > 0 else float("nan")
        print(f"| {rate} | {i['pps']:.0f} | {i['reached']} | {i['drops']} | {i['seen']} | {t['drops']} | {t['seen']} | "
              f"{i['cpu_us']:.2f} | {t['cpu_us']:.2f} | {ratio:.2f} |")
    print(f"\nhighest replayed rate with zero drops and every packet counted: ipauditd {best['ipauditd']}, "
          f"tcpdump {best['tcpdump']}")
    for rate, res in rows:
        i = res["ipauditd"]
        if i["drops"] == 0:
            print(f"accounting at {rate}: interval files {i['seen']} packets, reached the interface {i['reached']}, "
                  f"tcpdump counted {res['tcpdump']['seen']} (of {res['tcpdump']['reached']}): "
                  f"{'every packet accounted' if i['seen'] == i['reached'] else 'MISMATCH'}"
                  f"{'' if res['tcpdump']['drops'] else (', equal to tcpdump' if i['seen'] == res['tcpdump']['seen'] else ', NOT equal to tcpdump')}")
    print(f"\nipauditd: {rows[0][1]['ipauditd']['cmd']}\ntcpdump: {rows[0][1]['tcpdump']['cmd']}\n"
          f"replay: {rows[0][1]['ipauditd']['replay']}")
    if os.environ.get("TUNING", "1") == "0":
        subprocess.run(["rm", "-rf", work])
        return
    print("\n| capturer, variant | rate | replayed pps | drops | counted | reached | CPU us/pkt |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for rate in [r for r in RATES if r != RATES[0]][-3:]:
        pps_target = 500000 if rate == "top" else int(rate)
        loops = max(1, round(pps_target * SECONDS / per_loop))
        for who, name, extra in (("ipauditd", "--buffer-size 2", ["--buffer-size", "2"]),
                                 ("ipauditd", "default (32 MiB, snaplen 256)", []),
                                 ("ipauditd", "--buffer-size 256", ["--buffer-size", "256"]),
                                 ("ipauditd", "--snaplen 96", ["--snaplen", "96"]),
                                 ("ipauditd", "--snaplen 1600", ["--snaplen", "1600"]),
                                 ("tcpdump", "tcpdump -w /dev/null (2 MiB)", []),
                                 ("tcpdump", "tcpdump -B 32768 -w /dev/null", ["-B", "32768"])):
            r = run_one(pair, work, who, rate, loops, extra)
            print(f"| {name} | {rate} | {r['pps']:.0f} | {r['drops']} | {r['seen']} | {r['reached']} | {r['cpu_us']:.2f} |",
                  flush=True)
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
