"""live_daemon_mode: --daemon returns to the shell and leaves a detached process whose pid is in
--pidfile (locked: a second instance fails, naming that pid, with a non-zero exit where the
caller sees it); SIGTERM writes the partial interval and removes the pid file; with --user
nobody the process runs as nobody with no capabilities, the data directory is handed to nobody,
and interval files are still written (the pid file may stay behind after dropping root, as
documented, but no longer locks anyone out). Relative -c, -d and --pidfile keep naming the same
files after --daemon changes to "/", also when SIGHUP re-reads the config file. A pid file that
is a symbolic link is refused. An existing data directory keeps its mode; one the --user cannot
write is reported at start naming the user, capture goes on, and the waiting interval is written
once the directory is reachable. Without --local a warning says every host counts as remote.

usage: daemon_mode.py IPAUDITD IPAUDIT
"""

import atexit
import os
import pwd
import signal
import sys
import time

import livelib as L
from livelib import A_V4, B_V4, check


def read_pid(path):
    L.wait_for(lambda: L.read(path).strip().isdigit(), 10, f"a pid in {path}")
    return int(L.read(path).strip())


def proc_state(pid):
    """The process state letter, or None when the process is gone."""
    stat = L.read(f"/proc/{pid}/stat")
    return stat.rsplit(")", 1)[1].split()[0] if stat else None


def running(pid):
    return proc_state(pid) not in (None, "Z", "X")


def status_fields(pid):
    out = {}
    for line in L.read(f"/proc/{pid}/status").splitlines():
        k, _, v = line.partition(":")
        out[k] = v.split()
    return out


def terminate(pid, timeout=5):
    """SIGTERM a process that is not our child; seconds until it is gone."""
    t0 = time.monotonic()
    os.kill(pid, signal.SIGTERM)
    try:
        L.wait_for(lambda: not running(pid), timeout, f"pid {pid} to exit")
    except RuntimeError:
        os.kill(pid, signal.SIGKILL)
        raise
    return time.monotonic() - t0


def main():
    ipauditd, ipaudit = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    L.start(needs=())
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        L.skip("no user 'nobody'")
    work = L.workdir("daemon")
    os.chmod(work, 0o755)  # nobody must reach its data directory below
    pair = L.NetnsPair("dm")
    pair.server(pair.b, f"udp-sink:{B_V4}:7001")
    base = [ipauditd, "-i", pair.if_a, "-l", L.LOCAL_A, "--interval", "86400"]
    daemons = []

    def cleanup():
        for pid in daemons:
            if running(pid):
                os.kill(pid, signal.SIGKILL)

    atexit.register(cleanup)

    # 1. --daemon returns to the shell at once; the pid file names the detached process.
    data1, pidfile1 = os.path.join(work, "data1"), os.path.join(work, "ipauditd.pid")
    t0 = time.monotonic()
    r = pair.run(pair.a, base + ["-d", data1, "--daemon", "--pidfile", pidfile1], timeout=15)
    check(r.returncode == 0, f"--daemon: the starting command exits 0 ({r.returncode}: {r.stderr.strip()})")
    check(time.monotonic() - t0 < 5, "--daemon: returns to the shell promptly")
    # No waiting: when the shell gets its prompt back, the pid file is in place.
    text = L.read(pidfile1).strip()
    pid = int(text) if text.isdigit() else read_pid(pidfile1)
    daemons.append(pid)
    check(text == str(pid) and running(pid), f"when --daemon returns, the pid file names the running daemon ({text!r})")
    check("ipauditd" in L.read(f"/proc/{pid}/cmdline"), "the pid is ipauditd's")
    stat = L.read(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()
    ppid, sid, tty = int(stat[1]), int(stat[3]), int(stat[4])
    check(ppid != os.getpid() and tty == 0 and sid != os.getsid(0), "detached: new session, no controlling terminal")
    check(os.readlink(f"/proc/{pid}/cwd") == "/", "detached: working directory /")

    # 2. A second instance with the same pid file fails where its caller can see it.
    for mode in ("--daemon", "--foreground"):
        r = pair.run(pair.a, base + ["-d", os.path.join(work, "data-second"), mode, "--pidfile", pidfile1], timeout=15)
        check(r.returncode not in (0, None), f"second instance ({mode}) exits non-zero ({r.returncode})")
        check(f"pid {pid}" in r.stderr, f"second instance ({mode}) names the running pid: {r.stderr.strip()!r}")
    check(running(pid) and read_pid(pidfile1) == pid, "the first instance and its pid file are untouched")

    # 3. The daemon captures; SIGUSR1 writes a file, SIGTERM the partial interval and removes the pid file.
    pair.traffic(pair.a, "udp-oneway", B_V4, 7001, 60, 3)
    time.sleep(0.4)
    os.kill(pid, signal.SIGUSR1)
    L.wait_for(lambda: L.interval_files(data1), 10, "the interval file written on SIGUSR1 by the daemon")
    secs = terminate(pid)
    check(secs < 3, f"SIGTERM: the daemon exits within 3 s ({secs:.2f} s)")
    files = L.interval_files(data1)
    check(len(files) == 2, f"daemon wrote the SIGUSR1 interval and the partial one at SIGTERM ({len(files)})")
    dumps = [L.dump(ipaudit, f) for f in files]
    check([r["port_b"] for r in dumps[0][1]] == [7001] and dumps[0][1][0]["pkts_ab"] == 3,
          "the daemon's file holds the traffic")
    check(all(m["partial"] == "1" for m, _ in dumps), "both files partial")
    check(not os.path.exists(pidfile1), "the pid file is removed at exit")

    # 4. --user nobody: no root, no capabilities, files still written by nobody.
    data2, pidfile2 = os.path.join(work, "data2"), os.path.join(work, "ipauditd-nobody.pid")
    r = pair.run(pair.a, base + ["-d", data2, "--daemon", "--pidfile", pidfile2, "--user", "nobody"], timeout=15)
    check(r.returncode == 0, f"--user nobody --daemon: exit 0 ({r.returncode}: {r.stderr.strip()})")
    pid = read_pid(pidfile2)
    daemons.append(pid)
    check(running(pid), f"pid file names the running daemon ({pid})")
    L.wait_for(lambda: status_fields(pid).get("Uid", ["0"])[0] != "0" or not running(pid), 5, "the privilege drop")
    st = status_fields(pid)
    uid, gid = str(nobody.pw_uid), str(nobody.pw_gid)
    check(st.get("Uid") == [uid] * 4, f"Uid: all nobody ({st.get('Uid')})")
    check(st.get("Gid") == [gid] * 4, f"Gid: all nobody's group ({st.get('Gid')})")
    check(st.get("Groups") in ([gid], []), f"no supplementary groups but nobody's ({st.get('Groups')})")
    check(st.get("CapEff") == ["0000000000000000"] and st.get("CapPrm") == ["0000000000000000"],
          f"no capabilities (CapEff {st.get('CapEff')}, CapPrm {st.get('CapPrm')})")
    check(st.get("NoNewPrivs") == ["1"], f"no new privileges ({st.get('NoNewPrivs')})")
    for d in (data2, os.path.join(data2, "intervals")):
        s = os.stat(d)
        check(s.st_uid == nobody.pw_uid and (s.st_mode & 0o777) == 0o750, f"{d} belongs to nobody, mode 0750")
    pair.traffic(pair.a, "udp-oneway", B_V4, 7001, 80, 2)
    time.sleep(0.4)
    os.kill(pid, signal.SIGUSR1)
    L.wait_for(lambda: L.interval_files(data2), 10, "an interval file written as nobody")
    secs = terminate(pid)
    check(secs < 3, f"SIGTERM as nobody: exits within 3 s ({secs:.2f} s)")
    files = L.interval_files(data2)
    check(len(files) == 2 and all(os.stat(f).st_uid == nobody.pw_uid for f in files),
          f"as nobody: 2 interval files, owned by nobody ({len(files)})")
    if files:
        meta, rows = L.dump(ipaudit, files[0])
        check(len(rows) == 1 and rows[0]["pkts_ab"] == 2 and meta["pcap_received"] != "NULL",
              "as nobody: traffic accounted and pcap counters still readable")
    # The pid file's directory is root's: nobody cannot remove the file. What counts is the lock,
    # which died with the process: a new instance starts with the same pid file.
    r = pair.run(pair.a, base + ["-d", data2, "--daemon", "--pidfile", pidfile2], timeout=15)
    check(r.returncode == 0, f"a new instance starts despite a leftover pid file ({r.returncode}: {r.stderr.strip()})")
    pid3 = read_pid(pidfile2) if r.returncode == 0 else None
    if pid3:
        L.wait_for(lambda: L.read(pidfile2).strip() != str(pid) or not running(pid3), 5, "the new pid")
        pid3 = int(L.read(pidfile2).strip())
        daemons.append(pid3)
        check(pid3 != pid and running(pid3), f"the pid file now names the new instance ({pid3})")
        terminate(pid3)
        check(not os.path.exists(pidfile2), "run as root, the new instance removes the pid file at exit")

    # 5. Relative paths with --daemon, which changes to "/": taken from the starting directory,
    #    also when SIGHUP re-reads the (relative) config file.
    conf = os.path.join(work, "relative.conf")
    with open(conf, "w") as f:
        f.write(f"local = {A_V4}/32\nsensor = relative\n")
    argv = [ipauditd, "-i", pair.if_a, "--interval", "86400", "-c", "relative.conf", "-d", "rel-data", "--pidfile",
            "rel.pid", "--daemon"]
    r = pair.run(pair.a, argv, timeout=15, cwd=work)
    check(r.returncode == 0, f"relative -c/-d/--pidfile with --daemon: exit 0 ({r.returncode}: {r.stderr.strip()})")
    rel_pidfile, rel_data = os.path.join(work, "rel.pid"), os.path.join(work, "rel-data")
    pid = read_pid(rel_pidfile)
    daemons.append(pid)
    pair.traffic(pair.a, "udp-oneway", B_V4, 7001, 60, 1)
    time.sleep(0.4)
    os.kill(pid, signal.SIGUSR1)
    L.wait_for(lambda: L.interval_files(rel_data), 10, "an interval file under the relative data directory")
    with open(conf, "w") as f:
        f.write(f"local = {B_V4}/32\nsensor = relative\n")
    os.kill(pid, signal.SIGHUP)
    time.sleep(1.1)  # another second: each SIGUSR1 then closes an interval at once
    os.kill(pid, signal.SIGUSR1)  # closes the interval opened before the reload
    L.wait_for(lambda: len(L.interval_files(rel_data)) >= 2, 10, "the second interval file")
    terminate(pid)  # writes the interval opened after the reload
    files = L.interval_files(rel_data)
    metas = [L.dump(ipaudit, f)[0] for f in files]
    check(len(metas) == 3 and all(m["sensor"] == "relative" for m in metas),
          f"relative: 3 files, written where the relative -d pointed, options from the relative -c ({len(metas)})")
    if len(metas) == 3:
        nets = [m["local_networks"] for m in metas]
        check(nets[0].startswith(A_V4) and nets[1].startswith(A_V4) and nets[2].startswith(B_V4),
              f"SIGHUP after chdir re-read the relative config file: new local networks from the next interval ({nets})")
    check(not os.path.exists(rel_pidfile), "the relative pid file is removed at exit")
    check(not os.path.exists("/rel-data") and not os.path.exists("/rel.pid"), "nothing written relative to /")

    # 6. A pid file that is a symbolic link (planted in a shared directory, say) is refused:
    #    root never truncates the file it points to.
    victim, link = os.path.join(work, "victim"), os.path.join(work, "link.pid")
    with open(victim, "w") as f:
        f.write("precious\n")
    os.symlink(victim, link)
    r = pair.run(pair.a, base + ["-d", os.path.join(work, "data-link"), "--daemon", "--pidfile", link], timeout=15)
    if r.returncode == 0:  # wrongly started: stop it
        text = L.read(victim).strip()
        if text.isdigit():
            daemons.append(int(text))
    check(r.returncode == 1 and "symbolic link" in r.stderr,
          f"a symlinked pid file: exit 1 ({r.returncode}: {r.stderr.strip()!r})")
    check(L.read(victim) == "precious\n", "the symlink's target is untouched")

    # 7. As nobody, in a data directory below one nobody cannot enter: reported at start (naming
    #    the directory and the user), capture goes on, the interval waits and is written once the
    #    directory is reachable. The existing directory keeps its mode. No --local: a warning.
    locked = os.path.join(work, "locked")
    os.mkdir(locked)
    os.chmod(locked, 0o700)  # root's: nobody cannot enter
    data3 = os.path.join(locked, "data")
    os.mkdir(data3)
    os.chmod(data3, 0o770)
    argv = [ipauditd, "-i", pair.if_a, "--interval", "86400", "-d", data3, "--user", "nobody", "--retry-interval", "1",
            "--foreground"]
    daemon = L.Daemon(pair, pair.a, argv, os.path.join(work, "locked.log"))
    L.wait_for(lambda: "not writable" in daemon.log() or daemon.proc.poll() is not None, 5, "the data directory check")
    text = daemon.log()
    check(f"{data3}/intervals: not writable by user nobody" in text,
          f"an unwritable data directory is reported at start with the user ({text.strip()[-400:]!r})")
    check("no local networks configured: every host counts as remote; see --local" in text, "no --local: a warning")
    mode = os.stat(data3).st_mode & 0o777
    check(mode == 0o770, f"an existing data directory keeps its mode ({oct(mode)})")
    pair.traffic(pair.a, "udp-oneway", B_V4, 7001, 60, 2)
    time.sleep(0.4)
    daemon.signal(signal.SIGUSR1)
    L.wait_for(lambda: "cannot write interval" in daemon.log(), 5, "the write error")
    check(daemon.proc.poll() is None, "capture goes on while the data directory is unreachable")
    os.chmod(locked, 0o755)
    L.wait_for(lambda: L.interval_files(data3), 5, "the waiting interval, once the directory is reachable")
    rc, _ = daemon.stop()
    files = L.interval_files(data3)
    check(rc == 0 and len(files) == 2, f"exit 0 at SIGTERM, both intervals written ({rc}, {len(files)})")


if __name__ == "__main__":
    L.run_test(main)
