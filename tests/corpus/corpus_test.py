#!/usr/bin/env python3
"""Runs every capture of tcpdump's regression corpus (many deliberately malformed) through
`ipauditd -r` and checks: no crash, no sanitizer report, and packet counts that add up.

For each file: libpcap's own record count (pcap_count) must equal the packets recorded in the
interval files; ipauditd exits 0 when libpcap reads the file to its end and 1 when libpcap stops
early (what came before is still written); in every interval file the decode outcomes must add up to its packets, 'ip' must
equal ip_packets, and the sessions' packets plus overflow must equal ip_packets.

Every capture is also run cut short (its first two thirds, as a full disk or an interrupted copy
leaves it), so that the damaged-file path is exercised whatever the corpus holds.

Exit 0 all good, 1 any failure, 77 (skip) when the corpus folder is absent.
"""
import argparse
import concurrent.futures
import os
import pathlib
import subprocess
import sys
import tempfile

SANITIZER_MARKERS = ("AddressSanitizer", "UndefinedBehaviorSanitizer", "runtime error:", "LeakSanitizer")


def default_corpus():
    repo = pathlib.Path(__file__).resolve().parents[2]
    return repo.parent / "shared" / "pcaps" / "tcpdump-tests"


def parse_dump(text):
    """Returns (meta dict, outcome dict, sum of session packets) of one `ipaudit dump --meta`."""
    meta, outcomes, session_packets, header = {}, {}, 0, None
    for line in text.splitlines():
        if line.startswith("# outcome "):
            name, value = line[len("# outcome "):].split("=", 1)
            outcomes[name] = int(value)
        elif line.startswith("# note "):
            continue
        elif line.startswith("# "):
            key, value = line[2:].split("=", 1)
            meta[key] = value
        elif header is None:
            header = line.split("\t")
        else:
            row = dict(zip(header, line.split("\t")))
            session_packets += int(row["pkts_ab"]) + int(row["pkts_ba"])
    return meta, outcomes, session_packets


def check_file(job, args):
    path, cut = job
    problems = []
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:exitcode=86"
    env["UBSAN_OPTIONS"] = "halt_on_error=1:exitcode=87:print_stacktrace=1"
    with tempfile.TemporaryDirectory(prefix="ipaudit-corpus-") as tmp:
        if cut:
            whole = path.read_bytes()
            path = pathlib.Path(tmp) / ("cut-" + path.name)
            path.write_bytes(whole[:len(whole) * 2 // 3])
        count = subprocess.run([args.pcap_count, str(path)], capture_output=True, text=True, env=env).stdout.strip()
        data = os.path.join(tmp, "data")
        run = subprocess.run([args.ipauditd, "-q", "-r", str(path), "-d", data, "--interval", "86400",
                              "--sensor", "corpus", "--log", "stderr"],
                             capture_output=True, text=True, env=env, timeout=120)
        if any(m in run.stderr for m in SANITIZER_MARKERS) or run.returncode not in (0, 1):
            return [f"exit {run.returncode}: {run.stderr.strip()[-2000:]}"]
        dbs = sorted((pathlib.Path(data) / "intervals").rglob("*.db"))
        if count.startswith("open-error"):
            if run.returncode != 1 or dbs:
                problems.append(f"libpcap cannot open it ({count}) but ipauditd exited {run.returncode} with {len(dbs)} files")
            return problems
        expected = int(count.split()[0])
        total = 0
        for db in dbs:
            dump = subprocess.run([args.ipaudit, "dump", "--meta", str(db)], capture_output=True, text=True, env=env)
            if dump.returncode != 0 or any(m in dump.stderr for m in SANITIZER_MARKERS):
                problems.append(f"dump {db.name} exit {dump.returncode}: {dump.stderr.strip()[-500:]}")
                continue
            meta, outcomes, session_packets = parse_dump(dump.stdout)
            packets = int(meta["packets"])
            total += packets
            if sum(outcomes.values()) != packets:
                problems.append(f"{db.name}: outcomes {sum(outcomes.values())} != packets {packets}")
            if outcomes.get("ip", 0) != int(meta["ip_packets"]):
                problems.append(f"{db.name}: outcome ip {outcomes.get('ip', 0)} != ip_packets {meta['ip_packets']}")
            if session_packets + int(meta["overflow_packets"]) != int(meta["ip_packets"]):
                problems.append(f"{db.name}: session packets {session_packets} + overflow != ip_packets {meta['ip_packets']}")
        if total != expected:
            problems.append(f"interval files hold {total} packets, libpcap read {expected} ({count})")
        # A file libpcap stops reading early (cut or damaged) is imported up to that point, and
        # the exit status says that some input could not be read.
        want_rc = 1 if " stopped:" in count else 0
        if run.returncode != want_rc:
            problems.append(f"exit {run.returncode}, expected {want_rc} ({count}): {run.stderr.strip()[-300:]}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ipauditd", required=True)
    ap.add_argument("--ipaudit", required=True)
    ap.add_argument("--pcap-count", required=True)
    ap.add_argument("--corpus", default=str(default_corpus()))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()

    corpus = pathlib.Path(args.corpus)
    if not corpus.is_dir():
        print(f"SKIP: corpus folder {corpus} is absent")
        return 77
    files = sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix in (".pcap", ".pcapng", ".cap"))
    jobs = [(p, cut) for p in files for cut in (False, True)]
    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for (path, cut), problems in zip(jobs, pool.map(lambda j: check_file(j, args), jobs)):
            if problems:
                failures += 1
                for p in problems:
                    print(f"FAIL {path.name}{' (cut)' if cut else ''}: {p}")
    print(f"corpus: {len(jobs) - failures} passed, {failures} failed ({len(files)} captures, each whole and cut)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
