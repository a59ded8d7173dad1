"""live_interface_loss: the capture interface vanishes (`ip link del` of the veth) under ipauditd.

1. --on-interface-loss=wait (the default): the loss is logged once, naming the interface and
   libpcap's error; the interval so far is written at once (a closed file holding exactly the
   packets sent before the loss, as tcpdump saw them); the daemon keeps running, logs the failed
   reopen once (not every 2 s), and when the veth is recreated with the same name it logs that
   capture resumes and the next interval holds the new traffic.
2. --on-interface-loss=exit: the interval so far is written, then exit status 1.
3. --user nobody (no capabilities left): reopening is impossible; the daemon says so at once,
   writes the interval so far (one file, no empty one after it) and exits 1 for the service
   manager to restart it.
4. The interface goes down (not deleted): libpcap keeps the handle and the kernel resumes it
   when the interface is up again: no loss is logged, and the traffic after is captured.

usage: interface_loss.py IPAUDITD IPAUDIT
"""

import os
import pwd
import signal
import sys
import time

import livelib as L
from livelib import B_V4, check


def sessions_to(dumps, port):
    """Packets of the UDP flow to `port` in each of `dumps`."""
    return [sum(r["pkts_ab"] + r["pkts_ba"] for r in rows if r["proto"] == 17 and port in (r["port_a"], r["port_b"]))
            for _m, rows in dumps]


def main():
    ipauditd, ipaudit = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    L.start(needs=("tcpdump",))
    work = L.workdir("ifloss")
    os.chmod(work, 0o755)  # nobody (part 3) must reach its data directory
    pair = L.NetnsPair("il")
    left = 86400 - time.time() % 86400  # daily intervals: only the test closes one
    if left < 60:
        time.sleep(left + 1)
    pair.server(pair.b, *[f"udp-sink:{B_V4}:{p}" for p in range(7001, 7006)])
    base = [ipauditd, "-i", pair.if_a, "-l", L.LOCAL_A, "--interval", "86400", "--retry-interval", "1", "--foreground"]

    def send(port, n):
        pair.traffic(pair.a, "udp-oneway", B_V4, port, 60, n)
        time.sleep(0.4)  # past the capture timeout: the packets are accounted

    def run_until_exit(options, log_name, port, n):
        """Starts ipauditd with `options`, sends n datagrams to `port`, deletes the link; returns the
        daemon and its exit status (None if it did not exit within 10 s)."""
        daemon = L.Daemon(pair, pair.a, base + options, os.path.join(work, log_name))
        send(port, n)
        lose_link()
        try:
            return daemon, daemon.proc.wait(timeout=10)
        except Exception:
            return daemon, None

    def lose_link():
        L.sh("ip", "-n", pair.a, "link", "del", pair.if_a)

    # 1. wait (default)
    data = os.path.join(work, "data")
    pcap = os.path.join(work, "before.pcap")
    tcpdump = L.Tcpdump(pair, pair.a, pair.if_a, pcap)
    daemon = L.Daemon(pair, pair.a, base + ["-d", data], os.path.join(work, "wait.log"))
    send(7001, 25)
    t0 = time.monotonic()
    lose_link()
    L.wait_for(lambda: "capture failed" in daemon.log(), 5, "the loss to be logged")
    L.wait_for(lambda: len(L.interval_files(data)) >= 1, 5, "the interval so far to be written")
    check(time.monotonic() - t0 < 3, f"the interval so far is on disk within 3 s of the loss ({time.monotonic() - t0:.1f} s)")
    tcpdump.proc.wait(timeout=10)  # tcpdump dies with its interface
    frames = L.pcap_count(pcap)
    losses = [line for line in daemon.log().splitlines() if "capture failed" in line]
    check(len(losses) == 1 and pair.if_a in losses[0], f"the loss is logged once, naming the interface ({losses})")
    L.log(f"  loss line: {losses[0] if losses else None}")
    first = L.interval_files(data)
    m1, rows1 = L.dump(ipaudit, first[0])
    check(m1["partial"] == "1", "the interval written at the loss is closed early (partial)")
    check(sessions_to([(m1, rows1)], 7001) == [25], f"it holds the 25 packets sent before the loss ({sessions_to([(m1, rows1)], 7001)})")
    check(int(m1["packets"]) == frames, f"its packets equal tcpdump's frames ({m1['packets']} vs {frames})")
    time.sleep(4.5)  # two or three reopen attempts on a missing interface
    check(daemon.proc.poll() is None, "ipauditd keeps running without its interface")
    reopen = daemon.log().count("cannot reopen")
    check(reopen == 1, f"the failed reopen is logged once, not per attempt ({reopen})")
    pair.make_link()
    L.wait_for(lambda: "capture resumes" in daemon.log(), 6, "capture to resume on the recreated interface")
    time.sleep(0.3)
    send(7002, 40)

    # 4. The interface goes down, not away: libpcap (1.10) keeps the handle, the kernel resumes it
    #    when the interface is up again; no loss, no interval closed early.
    L.sh("ip", "-n", pair.a, "link", "set", pair.if_a, "down")
    time.sleep(3)
    check(daemon.log().count("capture failed") == 1 and len(L.interval_files(data)) == 1,
          f"a down interface is no loss ({daemon.log().count('capture failed') - 1} more losses logged)")
    L.sh("ip", "-n", pair.a, "link", "set", pair.if_a, "up")
    time.sleep(0.5)
    send(7005, 20)
    rc, _secs = daemon.stop()
    check(rc == 0, f"SIGTERM after the interface came back: exit 0 ({rc})")
    files = L.interval_files(data)
    dumps = [L.dump(ipaudit, f) for f in files]
    check(len(files) == 2, f"two interval files: before the loss, and after ({len(files)})")
    check(sessions_to(dumps, 7002) == [0, 40], f"the traffic after the reopen is in the next interval ({sessions_to(dumps, 7002)})")
    check(sessions_to(dumps, 7005) == [0, 20], f"the traffic after down/up is captured too ({sessions_to(dumps, 7005)})")
    check(sessions_to(dumps, 7001) == [25, 0], "nothing of the first traffic counted twice")
    check(L.meta_sum(dumps, "pcap_dropped") == 0, "no capture drops recorded")

    # 2. exit
    data2 = os.path.join(work, "data-exit")
    daemon, rc = run_until_exit(["-d", data2, "--on-interface-loss=exit"], "exit.log", 7003, 15)
    check(rc == 1, f"--on-interface-loss=exit: exit status 1 ({rc})")
    files = L.interval_files(data2)
    dumps = [L.dump(ipaudit, f) for f in files]
    check(len(files) == 1 and sessions_to(dumps, 7003) == [15],
          f"--on-interface-loss=exit: the interval so far is written first ({len(files)} file(s), {sessions_to(dumps, 7003)})")
    check("exiting (--on-interface-loss=exit)" in daemon.log(), "the exit is logged with its reason")
    pair.make_link()

    # 3. wait, but running as nobody: reopening needs privileges it no longer has.
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        L.log("no user 'nobody': part 3 skipped")
        return
    data3 = os.path.join(work, "data-nobody")
    daemon, rc = run_until_exit(["-d", data3, "--user", "nobody"], "nobody.log", 7004, 10)
    check(rc == 1, f"--user nobody: exit status 1 when the interface cannot be reopened ({rc})")
    lines = [line for line in daemon.log().splitlines() if "without capture privileges" in line]
    check(len(lines) == 1 and pair.if_a in lines[0] and "service manager" in lines[0],
          f"the log says reopening needs privileges ({lines})")
    files = L.interval_files(data3)
    dumps = [L.dump(ipaudit, f) for f in files]
    check(len(files) == 1 and sessions_to(dumps, 7004) == [10],
          f"--user nobody: the interval so far is written ({len(files)} file(s), {sessions_to(dumps, 7004)})")


if __name__ == "__main__":
    L.run_test(main)
