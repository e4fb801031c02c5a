#!/usr/bin/env python3
"""Boot the Latchkey firmware in QEMU mps2-an385 and check it end to end.

  boot_test.py --elf latchkey-qemu.elf --workdir DIR [--qemu qemu-system-arm]

1. Boot with a fresh semihosted flash file and a user-mode LAN9118 NIC whose port 80 is
   forwarded to a free 127.0.0.1 port. Wait for DHCP (10.0.2.15) and fetch /api/v1/status
   through the forwarded port.
2. Set the hostname on the console (QEMU's stdio is the UART), which saves it to the config
   partition, then "reboot": a warm reset of the emulated board in the same QEMU. The
   firmware must come back with the hostname, on the console and over HTTP.
3. Stop QEMU and start a new one on the same flash file: the hostname must still be there.
Every boot must print the test-only entropy warning. Exit status 0 means all passed.
"""
import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request

BOOT_TIMEOUT_S = 60


class Qemu:
    def __init__(self, qemu, elf, flash, port):
        semi = ",".join(["enable=on", "target=native", "chardev=con",
                         "arg=" + elf.replace(",", ",,"), "arg=--flash",
                         "arg=" + flash.replace(",", ",,")])
        self.cmd = [qemu, "-M", "mps2-an385", "-nographic", "-monitor", "none",
                    "-chardev", "stdio,id=con,mux=on,signal=off", "-serial", "chardev:con",
                    "-semihosting-config", semi,
                    "-nic", "user,model=lan9118,restrict=on,hostfwd=tcp:127.0.0.1:%d-:80" % port,
                    "-kernel", elf]
        self.port = port
        self.out = ""
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            if not chunk:
                return
            text = chunk.decode("utf-8", "replace")
            sys.stdout.write(text)
            sys.stdout.flush()
            with self.lock:
                self.out += text

    def wait_for(self, pattern, start=0, timeout=BOOT_TIMEOUT_S):
        """Wait until pattern appears in the output after offset start; return the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                m = rx.search(self.out, start)
            if m:
                return m
            if self.proc.poll() is not None:
                raise AssertionError("QEMU exited (%d) while waiting for %r"
                                     % (self.proc.returncode, pattern))
            time.sleep(0.05)
        raise AssertionError("timed out waiting for %r" % pattern)

    def mark(self):
        with self.lock:
            return len(self.out)

    def console(self, line):
        # A serial terminal sends CR for Enter.
        self.proc.stdin.write(line.encode() + b"\r")
        self.proc.stdin.flush()

    def count(self, pattern):
        with self.lock:
            return len(re.findall(pattern, self.out))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(5)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_status(port):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open("http://127.0.0.1:%d/api/v1/status" % port, timeout=10) as r:
        assert r.status == 200, r.status
        assert r.headers["Content-Type"].startswith("application/json"), r.headers
        return json.loads(r.read())


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("boot_test: ok: " + what, flush=True)


def boot(q, start=0):
    q.wait_for(r"WARNING: ENTROPY ON THIS BOARD IS FOR TESTING ONLY", start)
    q.wait_for(r"latchkey \S+ on board qemu-mps2-an385", start)
    m = q.wait_for(r"net: up, address (\S+)", start)
    check(m.group(1) == "10.0.2.15", "DHCP lease from QEMU user networking: " + m.group(1))
    q.wait_for(r"http: listening on port 80", start)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--elf", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    flash = os.path.join(args.workdir, "boot-test-flash.bin")
    for f in (flash, flash + ".seed"):
        if os.path.exists(f):
            os.remove(f)
    name = "lk-qemu-" + secrets.token_hex(3)

    q = Qemu(args.qemu, os.path.abspath(args.elf), flash, free_port())
    try:
        boot(q)
        check(q.count(r"config: no saved settings \(first boot\)") == 1, "first boot: empty config")
        st = get_status(q.port)
        check(st["board"] == "qemu-mps2-an385" and st["ip"] == "10.0.2.15",
              "GET /api/v1/status through the forwarded port: %s" % json.dumps(st))
        check(st["hostname"] == "latchkey", "default hostname before the change")

        at = q.mark()
        q.console("hostname " + name)
        q.wait_for(r"hostname: saved \(record \d+", at, 20)
        check(True, "console: hostname %s saved to the config partition" % name)

        at = q.mark()
        q.console("reboot")
        q.wait_for(r"rebooting", at, 20)
        boot(q, at)
        q.wait_for(r"config: hostname %s," % re.escape(name), at)
        check(q.count(r"latchkey \S+ on board qemu-mps2-an385") == 2,
              "warm reset (SYSRESETREQ) booted the firmware again in the same QEMU")
        st = get_status(q.port)
        check(st["hostname"] == name, "hostname survives the reboot: " + st["hostname"])
        check(q.count(r"WARNING: ENTROPY ON THIS BOARD IS FOR TESTING ONLY") == 2,
              "the entropy warning is printed at every boot")
    finally:
        q.stop()

    q = Qemu(args.qemu, os.path.abspath(args.elf), flash, free_port())
    try:
        boot(q)
        q.wait_for(r"config: hostname %s," % re.escape(name))
        st = get_status(q.port)
        check(st["hostname"] == name, "hostname survives a restart of QEMU: " + st["hostname"])
    finally:
        q.stop()
    print("boot_test: PASSED", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print("\nboot_test: FAILED: %s" % e, flush=True)
        sys.exit(1)
