"""live_signals: SIGUSR1 closes the interval now (the daemon goes on, later traffic lands in the
next file, two requests within one second lose nothing), SIGHUP re-reads the config file (the
new local networks apply from the next interval), SIGTERM writes the partial interval and exits 0
within 3 s.

usage: signals.py IPAUDITD IPAUDIT
"""

import os
import signal
import sys
import time

import livelib as L
from livelib import A_V4, B_V4, check


def write_config(path, iface, data_dir, local):
    with open(path, "w") as f:
        f.write(f"# live test configuration\ninterface = {iface}\ndata-dir = {data_dir}\n"
                f"local = {local}   # reloaded on SIGHUP\ninterval = 86400\nretry-interval = 1\n")


def main():
    ipauditd, ipaudit = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    L.start(needs=())
    work = L.workdir("signals")
    pair = L.NetnsPair("sg")
    data = os.path.join(work, "data")
    conf = os.path.join(work, "ipaudit.conf")
    # Daily intervals: only a signal closes one during the test (unless it runs across 00:00 UTC).
    left = 86400 - time.time() % 86400
    if left < 30:
        time.sleep(left + 1)
    write_config(conf, pair.if_a, data, f"{A_V4}/32, fd00:99::1/128")
    pair.server(pair.b, *[f"udp-sink:{B_V4}:{p}" for p in range(6001, 6007)])
    daemon = L.Daemon(pair, pair.a, [ipauditd, "-c", conf, "--foreground"], os.path.join(work, "ipauditd.log"))

    def files_after(n, what):
        L.wait_for(lambda: len(L.interval_files(data)) >= n, 10, what)
        return L.interval_files(data)

    def udp(port):
        pair.traffic(pair.a, "udp-oneway", B_V4, port, 50, 2)
        time.sleep(0.4)  # past the capture timeout: the packets are accounted before the signal

    # 1. SIGUSR1 closes the interval; the daemon keeps running.
    udp(6001)
    check(not L.interval_files(data), "no interval file before SIGUSR1")
    daemon.signal(signal.SIGUSR1)
    first = files_after(1, "the interval file written on SIGUSR1")
    check(daemon.proc.poll() is None, "ipauditd still runs after SIGUSR1")
    check("SIGUSR1: closing the current interval now" in daemon.log(), "SIGUSR1 is logged")
    meta1, rows1 = L.dump(ipaudit, first[0])
    check(meta1["partial"] == "1", f"interval closed by SIGUSR1 is partial ({meta1['partial']})")
    check([r["port_b"] for r in rows1] == [6001], f"first file holds the traffic before SIGUSR1 ({[r['port_b'] for r in rows1]})")
    check(meta1["local_networks"] == "10.99.0.1/32,fd00:99::1/128", f"local networks from the file ({meta1['local_networks']})")

    # 2. Traffic after SIGUSR1 goes to the next file; SIGHUP with a changed 'local' line is
    #    logged at once and applies from the next interval.
    udp(6002)
    write_config(conf, pair.if_a, data, f"{B_V4}/32")
    daemon.signal(signal.SIGHUP)
    L.wait_for(lambda: "reloaded" in daemon.log(), 5, "the SIGHUP reload log line")
    check(f"local networks now '{B_V4}/32'" in daemon.log(), "SIGHUP log names the new local networks")
    check(daemon.proc.poll() is None, "ipauditd still runs after SIGHUP")
    udp(6003)  # still the old orientation: the interval began before the reload
    daemon.signal(signal.SIGUSR1)
    second = files_after(2, "the second interval file")
    meta2, rows2 = L.dump(ipaudit, second[1])
    check(sorted(r["port_b"] for r in rows2) == [6002, 6003], f"second file holds 6002 and 6003 ({[r['port_b'] for r in rows2]})")
    check(all(r["ip_a"] == A_V4 and r["class_a"] == "L" for r in rows2), "second file: still oriented with 10.99.0.1 local")
    check(meta2["local_networks"] == "10.99.0.1/32,fd00:99::1/128", f"second file: old local networks ({meta2['local_networks']})")
    check(meta2["partial"] == "1" and int(meta2["covered_from_us"]) >= int(meta1["covered_to_us"]),
          "second file: partial, starts where the first ended")

    # 3. Two SIGUSR1 within one second (file names have one-second resolution): each interval
    #    still gets its own file (the second closes at the next second), nothing is overwritten.
    udp(6004)
    time.sleep(1.02 - time.time() % 1)
    daemon.signal(signal.SIGUSR1)
    files_after(3, "the third interval file")
    pair.traffic(pair.a, "udp-oneway", B_V4, 6005, 50, 2)
    daemon.signal(signal.SIGUSR1)
    fourth = files_after(4, "the fourth interval file (second SIGUSR1 within a second)")
    meta4, rows4 = L.dump(ipaudit, fourth[3])
    check([r["port_a"] for r in rows4] == [6005], f"fourth file holds only 6005 ({[r['port_a'] for r in rows4]})")
    udp(6006)

    # 4. SIGHUP with a broken config file: logged with FILE:LINE, the running configuration stays.
    with open(conf, "a") as f:
        f.write("interval = often\n")
    lineno = len(L.read(conf).splitlines())
    daemon.signal(signal.SIGHUP)
    L.wait_for(lambda: "keeping the running configuration" in daemon.log(), 5, "the failed reload to be logged")
    bad = [line for line in daemon.log().splitlines() if "keeping the running configuration" in line]
    check(f"{conf}:{lineno}:" in bad[0] and "interval" in bad[0], f"failed reload names FILE:LINE and the option ({bad[0]!r})")
    check(daemon.proc.poll() is None, "ipauditd still runs after a failed reload")

    # 5. SIGTERM: the partial interval is written, exit 0 within 3 s.
    rc, secs = daemon.stop()
    check(rc == 0, f"SIGTERM: exit 0 ({rc})")
    check(secs < 3, f"SIGTERM: exits within 3 s ({secs:.2f} s)")
    files = L.interval_files(data)
    dumps = [L.dump(ipaudit, f) for f in files]
    wrote = daemon.log().count(" ipauditd: wrote ")
    check(len(files) == wrote == 5, f"one file per interval: 5 ({len(files)} files, {wrote} 'wrote' lines)")
    ports = sorted(r["port_b"] if r["ip_a"] == A_V4 else r["port_a"] for _m, rows in dumps for r in rows)
    check(ports == [6001, 6002, 6003, 6004, 6005, 6006], f"every flow is in exactly one file ({ports})")
    check(L.meta_sum(dumps, "packets") == 12, f"all 12 packets accounted ({L.meta_sum(dumps, 'packets')})")
    last_meta, last_rows = dumps[-1]
    check(last_meta["partial"] == "1", "the interval written at SIGTERM is partial")
    check(last_meta["local_networks"] == f"{B_V4}/32", f"after the reload: new local networks ({last_meta['local_networks']})")
    new = [r for r in last_rows if r["port_a"] == 6006]
    check(len(new) == 1 and new[0]["ip_a"] == B_V4 and new[0]["class_a"] == "L" and new[0]["first_talker"] == "b",
          "after the reload 10.99.0.2 is side a (local) and the sender is b")
    for prev, cur in zip(dumps, dumps[1:]):
        check(int(cur[0]["covered_from_us"]) >= int(prev[0]["covered_to_us"]), "intervals do not overlap")
    check(f"stopped after 12 packets, {len(files)} interval file(s) written" in daemon.log(), "shutdown log line")


if __name__ == "__main__":
    L.run_test(main)
