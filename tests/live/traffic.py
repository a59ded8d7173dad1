"""Traffic for the live tests, run inside a test namespace (python3 stdlib only).

  serve SPEC...            listen and print 'ready'; SPEC is tcp:ADDR:PORT (read until the client
                           shuts down its side, then answer 2x as many bytes and close),
                           udp-echo:ADDR:PORT (answer each datagram with twice its size) or
                           udp-sink:ADDR:PORT (read and never answer). Runs until killed.
  tcp HOST PORT BYTES      connect, send BYTES, shut down writing, read the answer to EOF
  tcp-refused HOST PORT    connect to a closed port; succeed only if refused (RST)
  udp HOST PORT BYTES N    N request/response exchanges with a udp-echo server
  udp-oneway HOST PORT BYTES N   N datagrams, no answer expected
  ping HOST N              N ICMP or ICMPv6 echo requests (raw socket), each answered

ADDR and HOST are IPv4 or IPv6 literals.
"""

import os
import select
import socket
import struct
import sys
import threading
import time


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def parse_spec(spec):
    kind, rest = spec.split(":", 1)
    addr, port = rest.rsplit(":", 1)
    return kind, addr, int(port)


def tcp_server(addr, port):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)

    def handle(c):
        with c:
            n = 0
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    break
                n += len(chunk)
            c.sendall(b"r" * (2 * n))

    def loop():
        while True:
            c, _ = s.accept()
            threading.Thread(target=handle, args=(c,), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()


def udp_server(addr, port, echo):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind((addr, port))

    def loop():
        while True:
            data, peer = s.recvfrom(65536)
            if echo:
                s.sendto(b"e" * (2 * len(data)), peer)

    threading.Thread(target=loop, daemon=True).start()


def serve(specs):
    for spec in specs:
        kind, addr, port = parse_spec(spec)
        if kind == "tcp":
            tcp_server(addr, port)
        elif kind in ("udp-echo", "udp-sink"):
            udp_server(addr, port, kind == "udp-echo")
        else:
            sys.exit(f"unknown server kind {kind}")
    print("ready", flush=True)
    while True:
        time.sleep(3600)


def tcp_client(host, port, nbytes):
    with socket.create_connection((host, port), timeout=10) as c:
        c.sendall(b"q" * nbytes)
        c.shutdown(socket.SHUT_WR)
        got = 0
        while True:
            chunk = c.recv(65536)
            if not chunk:
                break
            got += len(chunk)
    if got != 2 * nbytes:
        sys.exit(f"tcp {host}:{port}: got {got} bytes back, expected {2 * nbytes}")


def tcp_refused(host, port):
    try:
        socket.create_connection((host, port), timeout=5).close()
    except ConnectionRefusedError:
        return
    sys.exit(f"tcp {host}:{port}: connection was not refused")


def udp_client(host, port, nbytes, count, expect_answer):
    with socket.socket(family(host), socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        s.connect((host, port))
        for _ in range(count):
            s.send(b"u" * nbytes)
            if expect_answer:
                data = s.recv(65536)
                if len(data) != 2 * nbytes:
                    sys.exit(f"udp {host}:{port}: answer of {len(data)} bytes")
            else:
                time.sleep(0.01)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ping(host, count):
    """Echo requests over a raw socket; the kernel computes ICMPv6 checksums itself."""
    v6 = ":" in host
    if v6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        req_type, reply_type = 128, 129
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        req_type, reply_type = 8, 0
    ident = os.getpid() & 0xFFFF
    with s:
        for seq in range(1, count + 1):
            payload = b"ipaudit-live-test" + bytes(31)
            header = struct.pack("!BBHHH", req_type, 0, 0, ident, seq)
            if not v6:
                header = struct.pack("!BBHHH", req_type, 0, checksum(header + payload), ident, seq)
            s.sendto(header + payload, (host, 0))
            deadline = time.monotonic() + 3
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([s], [], [], left)[0]:
                    sys.exit(f"ping {host}: no reply to seq {seq}")
                data, _ = s.recvfrom(65536)
                icmp = data if v6 else data[(data[0] & 0x0F) * 4:]
                if len(icmp) >= 8:
                    t, _c, _sum, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
                    if t == reply_type and rid == ident and rseq == seq:
                        break
            time.sleep(0.05)


def main(argv):
    if not argv:
        sys.exit(__doc__)
    cmd, args = argv[0], argv[1:]
    if cmd == "serve":
        serve(args)
    elif cmd == "tcp":
        tcp_client(args[0], int(args[1]), int(args[2]))
    elif cmd == "tcp-refused":
        tcp_refused(args[0], int(args[1]))
    elif cmd == "udp":
        udp_client(args[0], int(args[1]), int(args[2]), int(args[3]), True)
    elif cmd == "udp-oneway":
        udp_client(args[0], int(args[1]), int(args[2]), int(args[3]), False)
    elif cmd == "ping":
        ping(args[0], int(args[1]))
    else:
        sys.exit(f"unknown command {cmd}\n{__doc__}")


if __name__ == "__main__":
    main(sys.argv[1:])
