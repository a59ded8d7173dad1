#!/usr/bin/env python3
"""ipauditd -r on edge cases, as a user sees them:

- a pcapng frame whose timestamp cannot be a time (0xFFFFFFFFFFFFFFF0 us) is counted as
  bad_timestamp, opens no interval of its own, and the import exits 0;
- a capture cut short in a record imports everything before the cut and exits 1, naming the file;
- off a terminal an import is quiet (no line per interval file); on a terminal the progress line
  is erased before an error is logged, and the summary follows;
- relative -r and -d are taken from the working directory;
- the command line wins over the config file for --daemon/foreground; --buffer-size must fit
  libpcap's int (1..2047 MiB).

usage: import_edge_cases.py IPAUDITD IPAUDIT
"""
import os
import pathlib
import pty
import re
import select
import struct
import subprocess
import sys
import tempfile

T = 1709985600  # 2024-03-09 12:00:00 UTC
failures = []


def check(cond, msg):
    print(("ok: " if cond else "FAIL: ") + msg, flush=True)
    if not cond:
        failures.append(msg)
    return cond


def udp_ipv4(sport):
    payload = b"x" * 8
    udp = struct.pack("!HHHH", sport, 53, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return ip + udp


def pcap_file(path, records, cut=False):
    """Classic pcap, LINKTYPE_RAW; `cut` ends the file inside one more record."""
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
    for ts_us, pkt in records:
        out += struct.pack("<IIII", ts_us // 1000000, ts_us % 1000000, len(pkt), len(pkt)) + pkt
    if cut:
        out += struct.pack("<IIII", T, 0, 40, 40) + b"\x45\x00"
    pathlib.Path(path).write_bytes(out)


def pcapng_block(btype, body):
    body += b"\0" * ((-len(body)) % 4)
    return struct.pack("<II", btype, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))


def pcapng_file(path, timestamps):
    out = pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += pcapng_block(1, struct.pack("<HHI", 101, 0, 65535))  # LINKTYPE_RAW, microseconds
    for i, ts in enumerate(timestamps):
        pkt = udp_ipv4(1000 + i)
        out += pcapng_block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(pkt), len(pkt)) + pkt)
    pathlib.Path(path).write_bytes(out)


def dumps(ipaudit, data):
    out = []
    for db in sorted((pathlib.Path(data) / "intervals").rglob("*.db")):
        text = subprocess.run([ipaudit, "dump", "--meta", str(db)], capture_output=True, text=True, check=True).stdout
        meta = {}
        for line in text.splitlines():
            if line.startswith("# outcome "):
                k, v = line[len("# outcome "):].split("=", 1)
                meta["outcome " + k] = v
            elif line.startswith("# "):
                k, _, v = line[2:].partition("=")
                meta[k] = v
        out.append(meta)
    return out


def run_on_terminal(argv, timeout=60):
    """Runs argv with stdout and stderr on a pseudo-terminal; returns (exit code, output)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], timeout)
        if not ready:
            proc.kill()
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(), b"".join(chunks).decode(errors="replace")


def main():
    ipauditd, ipaudit = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="ipaudit-import-edge-") as work:
        base = ["--interval", "86400", "--log", "stderr", "-l", "10.0.0.0/8"]

        # 1. An impossible pcapng timestamp between two good frames.
        pcapng_file(f"{work}/bad-time.pcapng", [T * 1000000, 0xFFFFFFFFFFFFFFF0, T * 1000000 + 1])
        r = subprocess.run([ipauditd, "-r", f"{work}/bad-time.pcapng", "-d", f"{work}/d1"] + base,
                           capture_output=True, text=True)
        check(r.returncode == 0 and "runtime error" not in r.stderr,
              f"impossible timestamp: exit 0 ({r.returncode}: {r.stderr.strip()!r})")
        d = dumps(ipaudit, f"{work}/d1")
        check(len(d) == 1, f"impossible timestamp: one interval file, none far in the future ({len(d)})")
        if d:
            check(d[0]["packets"] == "3" and d[0].get("outcome bad_timestamp") == "1" and d[0]["ip_packets"] == "2",
                  f"impossible timestamp: 3 packets, 1 bad_timestamp, 2 accounted ({d[0]})")
            check(d[0]["covered_to_us"] == str(T * 1000000 + 1), "the import ends at the last valid time")

        # 2. A capture cut inside a record: exit 1, everything before the cut imported.
        pcap_file(f"{work}/cut.pcap", [(T * 1000000 + i, udp_ipv4(2000 + i)) for i in range(3)], cut=True)
        r = subprocess.run([ipauditd, "-r", f"{work}/cut.pcap", "-d", f"{work}/d2"] + base, capture_output=True, text=True)
        check(r.returncode == 1, f"cut capture: exit 1 ({r.returncode})")
        check("cut.pcap" in r.stderr and "stopped after 3 packets" in r.stderr and "error:" in r.stderr,
              f"cut capture: an error names the file and where it stopped ({r.stderr.strip()!r})")
        d = dumps(ipaudit, f"{work}/d2")
        check(sum(int(m["packets"]) for m in d) == 3, "cut capture: the 3 packets before the cut are written")

        # 3. Off a terminal, a good import says nothing (no line per interval file).
        pcap_file(f"{work}/two-days.pcap", [(T * 1000000, udp_ipv4(1)), ((T + 86400) * 1000000, udp_ipv4(2))])
        r = subprocess.run([ipauditd, "-r", f"{work}/two-days.pcap", "-d", f"{work}/d3"] + base, capture_output=True, text=True)
        check(r.returncode == 0 and r.stderr == "", f"off a terminal an import is quiet ({r.returncode}: {r.stderr!r})")
        check(len(dumps(ipaudit, f"{work}/d3")) == 2, "two interval files written")

        # 4. On a terminal: progress line, erased before the error, then the summary.
        pcap_file(f"{work}/long-cut.pcap", [(T * 1000000 + i, udp_ipv4(i % 50000)) for i in range(20000)], cut=True)
        rc, out = run_on_terminal([ipauditd, "-r", f"{work}/long-cut.pcap", "-d", f"{work}/d4"] + base)
        check(rc == 1, f"on a terminal: cut capture exits 1 ({rc})")
        check("intervals written" in out, f"on a terminal: a progress line is shown ({out[:300]!r})")
        erased_then_error = r"intervals written\r\x1b\[K\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ipauditd: error: .*long-cut\.pcap"
        check(re.search(erased_then_error, out) is not None,
              f"the progress line is erased before the error ({out[-600:]!r})")
        check(re.search(r"Imported 20,000 packets .*read only up to damage", out) is not None,
              f"the summary follows ({out[-300:]!r})")
        check("wrote " not in out, "no line per interval file on a terminal either")

        # 5. Relative -r and -d are taken from the working directory.
        r = subprocess.run([ipauditd, "-r", "two-days.pcap", "-d", "rel-data", "-q"] + base,
                           capture_output=True, text=True, cwd=work)
        check(r.returncode == 0 and len(dumps(ipaudit, f"{work}/rel-data")) == 2,
              f"relative -r and -d: files under the working directory ({r.returncode}: {r.stderr.strip()!r})")

        # 6. Option precedence and limits.
        conf = f"{work}/fg.conf"
        pathlib.Path(conf).write_text("foreground = true\n")
        r = subprocess.run([ipauditd, "-c", conf, "--daemon", "-r", "two-days.pcap", "-d", "d6", "-q"] + base,
                           capture_output=True, text=True, cwd=work)
        check(r.returncode == 0,
              f"--daemon on the command line wins over 'foreground = true' in the file ({r.returncode}: {r.stderr.strip()!r})")
        r = subprocess.run([ipauditd, "--buffer-size", "2048", "-r", "two-days.pcap", "-d", "d6"] + base,
                           capture_output=True, text=True, cwd=work)
        check(r.returncode == 2 and "1..2047" in r.stderr, f"--buffer-size 2048: exit 2 ({r.returncode}: {r.stderr.strip()!r})")

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
