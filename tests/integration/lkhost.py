"""Drive a latchkey-host process: start it, read its console, type commands, fetch
HTTP through the forwarded port. Python 3 standard library only.

A Device owns one process. Its console output (stdout) is collected line by line by a
reader thread; wait_for() blocks until a line matches. stderr is collected the same way
(the host board prints its own diagnostics, such as an injected power cut, there).
"""

import http.client
import json
import os
import re
import socket
import subprocess
import threading
import time


def free_port():
    """A TCP port on 127.0.0.1 that is free right now."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class TestFailure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise TestFailure(what)


class Device:
    def __init__(self, exe, flash, http_port=None, https_port=0, extra=()):
        self.exe = exe
        self.flash = flash
        self.http_port = http_port if http_port is not None else free_port()
        self.https_port = https_port
        self.extra = list(extra)
        self.proc = None
        self.lines = []
        self.err_lines = []
        self.cond = threading.Condition()
        self.started_at = None

    # ---- process -------------------------------------------------------------------

    def start(self):
        args = [self.exe, "--flash", self.flash, "--http", str(self.http_port),
                "--https", str(self.https_port)] + self.extra
        self.lines = []
        self.err_lines = []
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        threading.Thread(target=self._reader, args=(self.proc.stdout, self.lines),
                         daemon=True).start()
        threading.Thread(target=self._reader, args=(self.proc.stderr, self.err_lines),
                         daemon=True).start()
        return self

    def _reader(self, stream, sink):
        buf = b""
        while True:
            chunk = stream.read1(4096) if hasattr(stream, "read1") else stream.read(1)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                with self.cond:
                    sink.append(line.decode("utf-8", "replace").rstrip("\r"))
                    self.cond.notify_all()
        with self.cond:
            if buf:
                sink.append(buf.decode("utf-8", "replace"))
            self.cond.notify_all()

    def wait_for(self, pattern, timeout=10.0, start=0, stream="out"):
        """Wait for a console line matching the regex; returns the match. Lines before
        index @start are not considered (use len(dev.lines) to wait for a new line)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        sink = self.lines if stream == "out" else self.err_lines
        with self.cond:
            while True:
                for line in sink[start:]:
                    m = rx.search(line)
                    if m:
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TestFailure("timed out waiting for /%s/; console so far:\n%s\n"
                                      "stderr:\n%s" % (pattern, "\n".join(self.lines[-40:]),
                                                       "\n".join(self.err_lines[-20:])))
                self.cond.wait(min(left, 0.2))

    def wait_up(self, timeout=15.0):
        """Wait until the device has an address and listens; returns the boot-to-DHCP
        time the firmware measured (ms) and the wall time since start (s)."""
        m = self.wait_for(r"net: up, address (\S+) .*\((DHCP|static), (\d+) ms after boot\)",
                          timeout)
        wall = time.monotonic() - self.started_at
        self.wait_for(r"http: listening on port 80", timeout)
        return int(m.group(3)), wall

    def send(self, line):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def command(self, line, expect, timeout=10.0):
        """Type a command and wait for a line matching @expect after it."""
        start = len(self.lines)
        self.send(line)
        return self.wait_for(expect, timeout, start=start)

    def exit_code(self, timeout=10.0):
        return self.proc.wait(timeout)

    def stop(self):
        """Stop the process (SIGKILL: like pulling the plug) and reap it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        for s in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                s.close()
            except OSError:
                pass

    def output(self):
        with self.cond:
            return "\n".join(self.lines)

    # ---- HTTP -----------------------------------------------------------------------

    def http(self, method, path, body=None, headers=None, timeout=5.0):
        c = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data
        finally:
            c.close()

    def status(self):
        code, hdrs, body = self.http("GET", "/api/v1/status")
        check(code == 200, "status: HTTP %d" % code)
        check(hdrs.get("content-type") == "application/json",
              "status: content type %r" % hdrs.get("content-type"))
        return json.loads(body)


def exe_from_argv(argv):
    if len(argv) < 2 or not os.access(argv[1], os.X_OK):
        raise SystemExit("usage: %s PATH/TO/latchkey-host" % argv[0])
    return argv[1]
