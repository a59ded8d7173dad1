"""live_kill9_daemon: ipauditd is killed with SIGKILL again and again at random moments while it
captures a steady flood of many small UDP flows (thousands of sessions per interval) and SIGUSR1
closes intervals several times a second, so that most kills land while an interval file is being
written or merged into its day's rollup.

After every kill:
  - every finished interval file (a name not starting with '.') passes PRAGMA integrity_check,
    and `ipaudit dump --meta` reads it without error (complete: it has its interval row);
  - nothing but finished files and the dead writer's temporary files ('.NAME.db.tmp-PID') is
    in the intervals tree: a temporary file never shows under a final name;
  - every file the daemon logged as written before the kill is there;
  - `ipaudit search` over the data directory reports no error and skips no file.
At the end a restarted daemon finds the dead writers' temporary files gone (it removes them
when it writes into the same directory), and `ipaudit rollup` completes the daily rollups, and
`ipaudit report pairs` and `summary` work on them.

usage: kill9_daemon.py IPAUDITD IPAUDIT
"""

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time

import livelib as L
from livelib import B_V4, check

SENDER = r'''
import socket, sys, time
dst, pps = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
port, payload, t = 1024, b"x" * 32, time.monotonic()
while True:
    for _ in range(100):
        try:
            s.sendto(payload, (dst, port))
        except OSError:
            pass
        port = 1024 if port >= 9023 else port + 1
    t += 100 / pps
    d = t - time.monotonic()
    if d > 0:
        time.sleep(d)
    else:
        t = time.monotonic()
'''

MAX_ROUNDS, MIN_ROUNDS, BUDGET_S = 25, 15, 42


def finished_and_other(data):
    finished, other = [], []
    for dirpath, _dirs, files in os.walk(os.path.join(data, "intervals")):
        for f in files:
            (finished if f.endswith(".db") and not f.startswith(".") else other).append(os.path.join(dirpath, f))
    return finished, other


def integrity(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as e:
        return str(e)
    finally:
        con.close()


def main():
    ipauditd, ipaudit = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    L.start(needs=())
    work = L.workdir("kill9")
    pair = L.NetnsPair("k9")
    data = os.path.join(work, "data")
    left = 86400 - time.time() % 86400
    if left < 90:
        time.sleep(left + 1)
    # ICMP port unreachable answers would double the rate: B drops the datagrams silently.
    pair.run(pair.b, ["sh", "-c", "sysctl -qw net.ipv4.icmp_ratelimit=1000000; "
                                   "sysctl -qw net.ipv4.icmp_msgs_per_sec=1"])
    pair.popen(pair.a, [sys.executable, "-c", SENDER, B_V4, "8000"], stdout=subprocess.DEVNULL)
    argv = [ipauditd, "-i", pair.if_a, "-d", data, "-l", L.LOCAL_A, "--interval", "86400", "--foreground"]
    rng = random.Random(int(os.environ.get("IPAUDIT_KILL9_SEED", time.time())))
    checked = {}  # finished file -> size when checked
    logged_written = set()
    rounds = kills_in_write = temps_seen = 0
    t_start = time.monotonic()
    while rounds < MAX_ROUNDS and (rounds < MIN_ROUNDS or time.monotonic() - t_start < BUDGET_S):
        rounds += 1
        log_path = os.path.join(work, f"round{rounds}.log")
        daemon = L.Daemon(pair, pair.a, argv, log_path)
        # Some rotations, then a kill at a random moment, mostly right after a rotation (the
        # write and the rollup merge start then), sometimes anywhere.
        for _ in range(rng.randint(1, 3)):
            time.sleep(rng.uniform(0.5, 1.1))  # an interval of thousands of sessions
            daemon.signal(signal.SIGUSR1)
        time.sleep(rng.uniform(0.0, 0.25) if rng.random() < 0.8 else rng.uniform(0.0, 1.0))
        os.kill(daemon.pid, signal.SIGKILL)
        daemon.proc.wait()
        text = L.read(log_path)
        wrote = re.findall(r"wrote (\S+\.db):", text)
        logged_written.update(wrote)
        rollup_lines = text.count("the daily rollup for") + text.count("daily rollup not updated")
        if text.count("SIGUSR1: closing") > len(wrote) or len(wrote) > rollup_lines:
            kills_in_write += 1  # an interval closed but not written, or written but not merged
        finished, other = finished_and_other(data)
        bad_other = [o for o in other if not re.match(r"^\..+\.db\.tmp-\d+$", os.path.basename(o))]
        temps_seen += bool(other)
        check(not bad_other, f"round {rounds}: only finished files and temporary files ({bad_other})")
        missing = [w for w in wrote if not os.path.exists(w)]
        check(not missing, f"round {rounds}: every file logged as written is there ({len(wrote)} logged, missing {missing})")
        for f in finished:
            size = os.path.getsize(f)
            if checked.get(f) == size:
                continue
            ic = integrity(f)
            r = subprocess.run([ipaudit, "dump", "--meta", f], capture_output=True, text=True)
            ok = ic == "ok" and r.returncode == 0 and "# packets=" in r.stdout
            if not check(ok, f"round {rounds}: {os.path.basename(f)} is complete (integrity {ic}, dump exit {r.returncode})"):
                L.log(r.stderr)
            checked[f] = size
        r = subprocess.run([ipaudit, "search", "-d", data, "--limit", "1"], capture_output=True, text=True)
        check(r.returncode == 0 and "skip" not in r.stderr.lower(),
              f"round {rounds}: ipaudit search reads every file (exit {r.returncode} {r.stderr.strip()[:200]})")
    L.log(f"{rounds} kills in {time.monotonic() - t_start:.0f} s; {len(checked)} interval files, "
          f"{len(logged_written)} logged as written; about {kills_in_write} kills during a write or merge; "
          f"{temps_seen} rounds left a temporary file")
    check(len(logged_written) >= rounds, "intervals were written in most rounds")
    check(kills_in_write >= 3, f"some kills landed during a write or a rollup merge ({kills_in_write})")

    # Restart: the daemon goes on where the killed ones stopped; then the rollups are completed.
    daemon = L.Daemon(pair, pair.a, argv, os.path.join(work, "final.log"))
    time.sleep(0.6)
    daemon.signal(signal.SIGUSR1)
    time.sleep(0.6)
    rc, _ = daemon.stop()
    check(rc == 0, f"a restarted daemon runs and stops cleanly ({rc})")
    finished, other = finished_and_other(data)
    check(not other, f"the restarted daemon removed the killed writers' temporary files ({[os.path.basename(o) for o in other]})")
    for f in finished:
        if f not in checked:
            check(integrity(f) == "ok", f"{os.path.basename(f)} written after the kills is intact")
    r = subprocess.run([ipaudit, "rollup", "-d", data], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"ipaudit rollup completes the rollups (exit {r.returncode}: {r.stderr.strip()[:300]})")
    for rep in ("pairs", "summary"):
        r = subprocess.run([ipaudit, "report", rep, "-d", data, "--from", "2000-01-01", "--top", "5"],
                           capture_output=True, text=True, timeout=60)
        check(r.returncode == 0 and r.stdout.strip(), f"ipaudit report {rep} works (exit {r.returncode}: {r.stderr.strip()[:300]})")
    rollups = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(data, "rollups")) for f in fs if f.endswith(".db")]
    check(rollups and all(integrity(f) == "ok" for f in rollups), f"every rollup passes integrity_check ({len(rollups)})")


if __name__ == "__main__":
    L.run_test(main)
