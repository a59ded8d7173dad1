"""live_bad_config: ipauditd's command-line contract for mistakes: a bad config line exits 2 naming
FILE:LINE and the problem; unknown options, missing -i/-r and contradictory options exit 2 with
a helpful message; --help exits 0 and documents every long option; a missing interface or user
exits 1 with the reason.

usage: bad_config.py IPAUDITD IPAUDIT
"""

import atexit
import os
import re
import struct
import subprocess
import sys

import livelib as L
from livelib import check

# The long options of the command-line contract (DESIGN.md) and of the annotated config.
CONTRACT_OPTIONS = {"config", "interface", "read", "data-dir", "local", "other", "interval", "filter", "snaplen",
                    "foreground", "daemon", "pidfile", "user", "sensor", "retry-interval", "max-memory",
                    "carry-window", "no-promisc", "buffer-size", "log", "quiet", "help", "version"}


def source_options():
    """Every option declared in src/daemon/config.cpp, so a new option must reach --help too."""
    path = os.path.join(L.HERE, "..", "..", "src", "daemon", "config.cpp")
    try:
        text = open(path).read()
    except OSError:
        return set()
    return set(re.findall(r'^\s*\("([a-z][a-z-]+)(?:,[a-zA-Z])?",', text, re.M))


def main():
    ipauditd = os.path.abspath(sys.argv[1])
    L.start(needs=())
    work = L.workdir("badconfig")
    ns = f"{L.NS_PREFIX}-{os.getpid()}-bc"
    L.sh("ip", "netns", "add", ns)
    L.sh("ip", "-n", ns, "link", "set", "lo", "up")
    atexit.register(lambda: subprocess.run(["ip", "netns", "del", ns], capture_output=True))

    def run(*args, netns=False):
        argv = ([ "ip", "netns", "exec", ns] if netns else []) + [ipauditd] + list(args)
        return subprocess.run(argv, capture_output=True, text=True, timeout=20, cwd=work)

    # A valid capture file with no packets: lets option checks run without capturing.
    empty = os.path.join(work, "empty.pcap")
    with open(empty, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    data = os.path.join(work, "data")

    # 1. Config files with one bad line each: exit 2, FILE:LINE and the problem.
    good = "# comment line\n\ndata-dir = {data}\nlocal = 10.0.0.0/8   # trailing comment\n".format(data=data)
    cases = [
        ("interval = often\n", 5, r"interval"),
        ("this line has no equals sign\n", 5, r"expected 'name = value'"),
        ("colour = blue\n", 5, r"colour"),
        ("local = 10.0.0.0/33\n", 5, r"10\.0\.0\.0/33"),
        ("data-dir = /elsewhere\n", 5, r"already set on line 3"),
        ("snaplen = 12\n", 5, r"--snaplen: must be 64"),  # checked after merging with the command line
        ("max-memory = 12x\n", 5, r"--max-memory: .*12x"),
        ("retry-interval = 0\n", 5, r"--retry-interval"),
    ]
    for i, (line, lineno, problem) in enumerate(cases):
        conf = os.path.join(work, f"bad{i}.conf")
        with open(conf, "w") as f:
            f.write(good + line)
        r = run("-c", conf, "-r", empty)
        where = f"{conf}:{lineno}:"
        check(r.returncode == 2 and where in r.stderr and re.search(problem, r.stderr) is not None,
              f"config line {line.strip()!r}: exit 2 naming {where} and the problem ({r.returncode}: {r.stderr.strip()!r})")
    # The command line wins over the file: its value is the one checked (and blamed).
    snaplen_index = [c[0] for c in cases].index("snaplen = 12\n")
    snaplen_conf = os.path.join(work, f"bad{snaplen_index}.conf")
    r = run("-c", snaplen_conf, "-r", empty, "--snaplen", "128", "--quiet")
    check(r.returncode == 0, f"a bad file value overridden on the command line is not used ({r.returncode}: {r.stderr.strip()!r})")
    r = run("-c", snaplen_conf, "-r", empty, "--snaplen", "20")
    check(r.returncode == 2 and "--snaplen: must be 64" in r.stderr and snaplen_conf not in r.stderr,
          f"a bad command-line value is blamed on the command line ({r.returncode}: {r.stderr.strip()!r})")
    r = run("-c", os.path.join(work, "missing.conf"), "-r", empty)
    check(r.returncode == 2 and "missing.conf" in r.stderr, f"unreadable config file: exit 2 naming it ({r.returncode}: {r.stderr.strip()!r})")
    conf = os.path.join(work, "good.conf")
    with open(conf, "w") as f:
        f.write(good + "interval = 60\n")
    r = run("-c", conf, "-r", empty, "--quiet")
    check(r.returncode == 0, f"the same file without the bad line is accepted, interval 60 with the default carry window ({r.returncode}: {r.stderr.strip()!r})")

    # 2. Command-line mistakes: exit 2 and a message that says what to do.
    r = run("--bogus-option")
    check(r.returncode == 2 and "bogus-option" in r.stderr and "--help" in r.stderr,
          f"unknown option: exit 2, named, pointing to --help ({r.returncode}: {r.stderr.strip()!r})")
    r = run("-d", data)
    check(r.returncode == 2 and "-i" in r.stderr and "-r" in r.stderr and "nothing to do" in r.stderr,
          f"neither -i nor -r: exit 2 with a hint ({r.returncode}: {r.stderr.strip()!r})")
    r = run("-i", "lo", "-r", empty, "-d", data)
    check(r.returncode == 2 and "cannot be combined" in r.stderr, f"-i with -r: exit 2 ({r.returncode}: {r.stderr.strip()!r})")
    r = run("-r", empty, "--interval", "7", "-d", data)
    check(r.returncode == 2 and "--interval" in r.stderr, f"--interval 7: exit 2 ({r.returncode}: {r.stderr.strip()!r})")
    r = run("-r", empty, "--interval", "60", "--carry-window", "120", "-d", data)
    check(r.returncode == 2 and "--carry-window" in r.stderr,
          f"an explicit carry window longer than the interval: exit 2 ({r.returncode}: {r.stderr.strip()!r})")
    r = run("-r", empty, "--foreground", "--daemon", "-d", data)
    check(r.returncode == 2 and "contradict" in r.stderr, f"--foreground --daemon: exit 2 ({r.returncode}: {r.stderr.strip()!r})")
    r = run("-r", empty, "--interval", "-d", data)
    check(r.returncode == 2, f"--interval without a number: exit 2 ({r.returncode}: {r.stderr.strip()!r})")

    # 3. --help: exit 0, every long option documented.
    r = run("--help")
    check(r.returncode == 0 and r.stdout.startswith("NAME"), f"--help exits 0 with a manual ({r.returncode})")
    declared = source_options()
    check(len(declared) >= 15, f"options found in config.cpp ({len(declared)})")
    missing = sorted(o for o in CONTRACT_OPTIONS | declared if f"--{o}" not in r.stdout)
    check(not missing, f"--help mentions every long option (missing: {missing})")
    check("EXIT STATUS" in r.stdout and "SIGUSR1" in r.stdout and "SIGHUP" in r.stdout, "--help documents exit status and signals")
    r = run("--version")
    check(r.returncode == 0 and r.stdout.startswith("ipaudit "), f"--version exits 0 ({r.stdout.strip()!r})")

    # 4. Runtime failures: exit 1 with the reason (inside an empty namespace: only 'lo' exists).
    r = run("-i", "ipaudit-nosuchif0", "-d", data, netns=True)
    check(r.returncode == 1 and "no such interface" in r.stderr and "ipaudit-nosuchif0" in r.stderr,
          f"nonexistent interface: exit 1, 'no such interface' ({r.returncode}: {r.stderr.strip()!r})")
    r = run("-i", "lo", "-d", data, "--user", "ipaudit-no-such-user", netns=True)
    check(r.returncode == 1 and "no such user" in r.stderr, f"unknown --user: exit 1 ({r.returncode}: {r.stderr.strip()!r})")
    r = run("-i", "lo", "-d", data, "-f", "tcp port", netns=True)
    check(r.returncode == 1 and "bad filter" in r.stderr, f"bad BPF filter: exit 1 ({r.returncode}: {r.stderr.strip()!r})")
    blocker = os.path.join(work, "a-file")
    open(blocker, "w").close()
    r = run("-i", "lo", "-d", os.path.join(blocker, "data"), netns=True)
    check(r.returncode == 1 and "data directory" in r.stderr, f"data directory cannot be created: exit 1 ({r.returncode}: {r.stderr.strip()!r})")
    r = run("-r", os.path.join(work, "no-such.pcap"), "-d", data)
    check(r.returncode == 1 and "no-such.pcap" in r.stderr, f"unreadable capture file: exit 1 ({r.returncode}: {r.stderr.strip()!r})")


if __name__ == "__main__":
    L.run_test(main)
