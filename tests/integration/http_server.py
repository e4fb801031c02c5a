#!/usr/bin/python3
"""The firmware's HTTP/1.1 server over the real network path (lwIP over slirp, through
the forwarded port): keep-alive, pipelining, HEAD, 404/405, every refusal of a malformed
request, the connection pool bound and the head timeout (slow-loris).

usage: http_server.py PATH/TO/latchkey-host
"""

import json
import os
import socket
import sys
import tempfile
import time

from lkhost import Device, TestFailure, check, exe_from_argv

HEAD_TIMEOUT_S = 10  # FW_HTTP_HEAD_TIMEOUT_MS
CONNS_MAX = 4        # FW_HTTP_CONNS_MAX


def connect(dev):
    s = socket.create_connection(("127.0.0.1", dev.http_port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_response(s, head_only=False):
    """One response from the socket: (status, headers dict, body). None on EOF/reset."""
    buf = b""
    try:
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                return None
            buf += chunk
    except ConnectionResetError:
        return None
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    check(parts[0] == "HTTP/1.1", "status line %r" % lines[0])
    hdrs = {}
    for line in lines[1:]:
        k, v = line.split(":", 1)
        hdrs[k.strip().lower()] = v.strip()
    n = 0 if head_only else int(hdrs["content-length"])
    while len(rest) < n:
        chunk = s.recv(4096)
        check(chunk, "EOF inside a body")
        rest += chunk
    return int(parts[1]), hdrs, rest[:n]


def closed_by_peer(s, timeout=3.0):
    """True if the peer closes (FIN or RST) within the timeout and sends nothing else."""
    s.settimeout(timeout)
    try:
        data = s.recv(4096)
        return data == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def raw(dev, data, expect_status, expect_close=True):
    s = connect(dev)
    try:
        s.sendall(data)
        r = read_response(s)
        check(r is not None, "no response to %r" % data[:40])
        check(r[0] == expect_status, "%r: status %d, want %d" % (data[:40], r[0], expect_status))
        body = json.loads(r[2])
        check(body["status"] == expect_status, "error body %r" % body)
        if expect_close:
            check(r[1].get("connection") == "close", "%r: not Connection: close" % data[:40])
            check(closed_by_peer(s), "%r: connection left open" % data[:40])
        return r
    finally:
        s.close()


def main():
    exe = exe_from_argv(sys.argv)
    with tempfile.TemporaryDirectory(prefix="lk-http-") as tmp:
        dev = Device(exe, os.path.join(tmp, "flash.bin"))
        try:
            dev.start()
            dev.wait_up()
            t0 = time.monotonic()

            # Slow-loris: half a head, then silence. Checked at the end.
            slow = connect(dev)
            slow.sendall(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n")

            # Keep-alive: three requests on one connection.
            s = connect(dev)
            for _ in range(3):
                s.sendall(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
                code, hdrs, body = read_response(s)
                check(code == 200 and hdrs["connection"] == "keep-alive", "keep-alive %d" % code)
                check(json.loads(body)["board"] == "host", "status body")
                check(hdrs["cache-control"] == "no-store", "cache-control")
                check(hdrs["x-content-type-options"] == "nosniff", "nosniff")
            # Pipelining: three requests in one segment, answered in order.
            s.sendall(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n"
                      b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                      b"HEAD /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
            s.settimeout(5)
            data = b""
            while data.count(b"HTTP/1.1 ") < 3 or not data.endswith(b"\r\n\r\n"):
                chunk = s.recv(65536)
                check(chunk, "EOF during pipelined responses")
                data += chunk
            parts = data.split(b"HTTP/1.1 ")[1:]
            check([p[:3] for p in parts] == [b"200", b"404", b"200"],
                  "pipelined statuses %r" % [p[:3] for p in parts])
            head_len = int([l for l in parts[2].split(b"\r\n")
                            if l.lower().startswith(b"content-length")][0].split(b":")[1])
            check(head_len > 50 and parts[2].endswith(b"\r\n\r\n"), "HEAD must have no body")
            # HTTP/1.0 without keep-alive: answered, then closed.
            s.sendall(b"GET /api/v1/status HTTP/1.0\r\n\r\n")
            code, hdrs, _ = read_response(s)
            check(code == 200 and hdrs["connection"] == "close", "HTTP/1.0 close")
            check(closed_by_peer(s), "HTTP/1.0 connection left open")
            s.close()

            # 405 with Allow; the connection closes because the body was not read.
            code, hdrs, _ = dev.http("POST", "/api/v1/status", body=b"x=1")
            check(code == 405 and hdrs.get("allow") == "GET, HEAD", "405 %d %r" % (code, hdrs))
            code, _, _ = dev.http("DELETE", "/api/v1/status")
            check(code == 405, "DELETE: %d" % code)

            # Refusals: each one is answered and the connection closed.
            raw(dev, b"GARBAGE\r\n\r\n", 400)
            raw(dev, b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 400)  # TLS on port 80
            raw(dev, b"GET /api/v1/status HTTP/1.1\nHost: x\n\n", 400)
            raw(dev, b"GET /api/v1/status HTTP/1.1\r\n\r\n", 400)
            raw(dev, b"GET /api/v1/status HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)
            raw(dev, b"GET http://x/api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n", 400)
            raw(dev, b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400)
            raw(dev, b"POST /api/v1/status HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Length: 3\r\nContent-Length: 4\r\n\r\nabc", 400)
            raw(dev, b"POST /api/v1/status HTTP/1.1\r\nHost: x\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501)
            raw(dev, b"GET /api/v1/status HTTP/2.0\r\nHost: x\r\n\r\n", 505)
            raw(dev, b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n", 417)
            raw(dev, b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 3000 +
                b"\r\n\r\n", 431)
            raw(dev, b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n" + b"A: b\r\n" * 40 + b"\r\n",
                431)
            raw(dev, b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 404, expect_close=False)

            # The pool. Idle connections (keep-alive between requests) give way to new
            # ones: with the slow-loris connection and CONNS_MAX - 1 idle ones open, a
            # new connection is served and the idle connection nearest its timeout is
            # closed. (Give the device a moment to see the closes above first.)
            time.sleep(0.5)
            idle = []
            for _ in range(CONNS_MAX - 1):
                h = connect(dev)
                h.sendall(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
                check(read_response(h)[0] == 200, "idle connection")
                idle.append(h)
            code, _, _ = dev.http("GET", "/api/v1/status")
            check(code == 200, "a new connection was not served over idle ones: %d" % code)
            check(closed_by_peer(idle[0], 3), "the oldest idle connection was not evicted")
            for h in idle:
                h.close()
            # Busy connections (a head under way) are never evicted: with the pool full of
            # them, the next connection is refused.
            time.sleep(0.5)
            busy = []
            for _ in range(CONNS_MAX - 1):
                h = connect(dev)
                h.sendall(b"GET /api/v1/status HTTP/1.1\r\n")
                busy.append(h)
            time.sleep(0.3)
            extra = connect(dev)
            extra.sendall(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
            check(closed_by_peer(extra, 5), "a connection beyond a pool of busy ones was served")
            extra.close()
            for h in busy:  # still there: each finishes its request and is answered
                h.sendall(b"Host: x\r\n\r\n")
                check(read_response(h)[0] == 200, "busy connection lost")
                h.close()
            time.sleep(0.5)
            code, _, _ = dev.http("GET", "/api/v1/status")
            check(code == 200, "after the pool drained: %d" % code)

            # The slow-loris connection is gone after the head timeout (and not before
            # the device answered everything above).
            left = HEAD_TIMEOUT_S + 2 - (time.monotonic() - t0)
            check(closed_by_peer(slow, max(left, 0.5) + 3),
                  "a half-sent head kept its connection past %d s" % HEAD_TIMEOUT_S)
            waited = time.monotonic() - t0
            check(waited >= HEAD_TIMEOUT_S - 1, "slow connection dropped early (%.1f s)" % waited)
            slow.close()
            print("slow-loris connection dropped after %.1f s" % waited)
            check(dev.proc.poll() is None, "device died")
        finally:
            dev.stop()
    print("http server test: passed")


if __name__ == "__main__":
    try:
        main()
    except TestFailure as e:
        print("FAILED: %s" % e)
        sys.exit(1)
