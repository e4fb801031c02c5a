"""The firmware under test, on either board, behind one interface, plus a JSON API client.

    dev = HostDevice(exe, workdir)          # boards/host: latchkey-host, network via libslirp
    dev = QemuDevice(elf, workdir, qemu)    # boards/qemu-mps2-an385 under qemu-system-arm
    dev.start(); dev.wait_up()
    dev.base_url                            # http://127.0.0.1:<forwarded port>
    dev.command("clock-offset 3600", r"clock-offset: 3600 s")
    dev.first_boot_password()               # as printed on the console at first boot
    dev.stop()

Both boards sit at 10.0.2.15 behind user-mode networking; 10.0.2.2 reaches the host's
loopback (QEMU with restrict=off, the host board's libslirp always), so the metadata TLS
server is https://10.0.2.2:<port>/... for the device on either board.
"""
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

BOOT_TIMEOUT_S = 60


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DeviceError(Exception):
    pass


class _Console:
    """Console text collected by a reader thread; regex waits over it."""

    def _init_console(self):
        self.out = ""
        self.lock = threading.Lock()
        self.log = None

    def _reader(self, stream):
        while True:
            chunk = stream.read1(4096) if hasattr(stream, "read1") else stream.read(1)
            if not chunk:
                return
            t = chunk.decode("utf-8", "replace").replace("\r\n", "\n")
            with self.lock:
                self.out += t
            if self.log:
                self.log.write(t)
                self.log.flush()

    def mark(self):
        with self.lock:
            return len(self.out)

    def wait_for(self, pattern, start=0, timeout=20.0):
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                m = rx.search(self.out, start)
            if m:
                return m
            if not self.alive():
                raise DeviceError("the device exited (%s) while waiting for /%s/; console:\n%s"
                                  % (self.exit_status(), pattern, self.tail()))
            if time.monotonic() > deadline:
                raise DeviceError("timed out waiting for /%s/ on the console; last lines:\n%s"
                                  % (pattern, self.tail()))
            time.sleep(0.05)

    def command(self, line, expect, timeout=20.0):
        """Type a console command; wait for a line matching @expect after it."""
        at = self.mark()
        self.send(line)
        return self.wait_for(expect, at, timeout)

    def tail(self, n=30):
        with self.lock:
            return "\n".join(self.out.splitlines()[-n:])

    def first_boot_password(self, timeout=BOOT_TIMEOUT_S):
        """The admin password the firmware printed at first boot (what an admin reads off
        the serial console or the device label)."""
        return self.wait_for(r"first boot: generated admin password: (\S+)", 0,
                             timeout).group(1)

    def wait_up(self, start=0, timeout=BOOT_TIMEOUT_S):
        self.wait_for(r"net: up, address (\S+)", start, timeout)
        self.wait_for(r"http: listening on port 80", start, timeout)

    @property
    def base_url(self):
        if self.scheme == "https":
            return "https://127.0.0.1:%d" % self.https_port
        return "http://127.0.0.1:%d" % self.http_port

    def wait_https(self, start=0, timeout=BOOT_TIMEOUT_S):
        self.wait_for(r"https: listening on port 443", start, timeout)

    def device_cert_pem(self, timeout=10):
        """The device's self-signed HTTPS certificate, as the browser gets it (an admin
        checks its fingerprint once and pins it)."""
        import ssl
        return ssl.get_server_certificate(("127.0.0.1", self.https_port), timeout=timeout)


class HostDevice(_Console):
    """boards/host: the firmware as a Linux process."""

    board = "host"

    def __init__(self, exe, workdir, flash_name="flash.bin", extra=(), scheme="http"):
        self._init_console()
        self.exe = exe
        self.workdir = workdir
        self.flash = os.path.join(workdir, flash_name)
        self.scheme = scheme
        self.http_port = free_port()
        self.https_port = free_port()
        self.extra = list(extra)
        self.proc = None

    def start(self, fresh=True):
        os.makedirs(self.workdir, exist_ok=True)
        if fresh and os.path.exists(self.flash):
            os.remove(self.flash)
        self.log = open(os.path.join(self.workdir, "console.log"), "a")
        self.proc = subprocess.Popen(
            [self.exe, "--flash", self.flash, "--http", str(self.http_port), "--https",
             str(self.https_port)] + self.extra, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._reader, args=(self.proc.stdout,), daemon=True).start()
        return self

    def send(self, line):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def exit_status(self):
        return None if self.proc is None else self.proc.poll()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if self.log:
            self.log.close()
            self.log = None


class QemuDevice(_Console):
    """boards/qemu-mps2-an385: the Cortex-M3 image under qemu-system-arm, its UART on
    stdio, its flash a host file through semihosting, port 80 forwarded."""

    board = "qemu-mps2-an385"

    def __init__(self, elf, workdir, qemu="qemu-system-arm", flash_name="flash.bin", extra=(),
                 scheme="http"):
        self._init_console()
        self.elf = os.path.abspath(elf)
        self.qemu = qemu
        self.workdir = workdir
        self.flash = os.path.join(workdir, flash_name)
        self.scheme = scheme
        self.http_port = free_port()
        self.https_port = free_port()
        self.extra = list(extra)
        self.proc = None

    def start(self, fresh=True):
        os.makedirs(self.workdir, exist_ok=True)
        if fresh:
            for f in (self.flash, self.flash + ".seed"):
                if os.path.exists(f):
                    os.remove(f)
        args = [self.elf, "--flash", self.flash] + self.extra
        semi = ",".join(["enable=on", "target=native", "chardev=con"] +
                        ["arg=" + a.replace(",", ",,") for a in args])
        # restrict=off: 10.0.2.2 reaches the host's loopback (the metadata TLS server), as
        # on the host board; ports 80 and 443 are forwarded for the browser.
        cmd = [self.qemu, "-M", "mps2-an385", "-nographic", "-monitor", "none",
               "-chardev", "stdio,id=con,mux=on,signal=off", "-serial", "chardev:con",
               "-semihosting-config", semi,
               "-nic", "user,model=lan9118,restrict=off,hostfwd=tcp:127.0.0.1:%d-:80,"
               "hostfwd=tcp:127.0.0.1:%d-:443" % (self.http_port, self.https_port),
               "-kernel", self.elf]
        self.log = open(os.path.join(self.workdir, "console.log"), "a")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, cwd=self.workdir)
        threading.Thread(target=self._reader, args=(self.proc.stdout,), daemon=True).start()
        return self

    def send(self, line):
        self.proc.stdin.write(line.encode() + b"\r")  # a serial terminal sends CR
        self.proc.stdin.flush()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def exit_status(self):
        return None if self.proc is None else self.proc.poll()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.log:
            self.log.close()
            self.log = None


# ---- the JSON API, as a fleet tool (or the harness) uses it ----------------------------------

class Api:
    """/api/v1 over urllib with a cookie jar; login() keeps the CSRF token for later calls."""

    # The device's pinned HTTPS certificate (PEM), shared by every Api of the run.
    pinned_cert = None

    def __init__(self, base_url, jar=None):
        self.base = base_url.rstrip("/")
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        handlers = [urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar),
                    NoRedirect()]
        if self.base.startswith("https:"):
            handlers.append(urllib.request.HTTPSHandler(context=pinned_context(Api.pinned_cert)))
        self.opener = urllib.request.build_opener(*handlers)
        self.csrf = None

    def call(self, method, path, body=None, timeout=30, raw=False):
        data = None
        headers = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if method != "GET" and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            r = self.opener.open(req, timeout=timeout)
            status, hdrs, payload = r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            status, hdrs, payload = e.code, dict(e.headers), e.read()
        if raw:
            return status, hdrs, payload
        try:
            obj = json.loads(payload) if payload else None
        except ValueError:
            obj = {"raw": payload[:300].decode(errors="replace")}
        return status, obj

    def login(self, username, password):
        st, obj = self.call("POST", "/api/v1/login", {"username": username, "password": password})
        if st == 200 and obj:
            self.csrf = obj.get("csrf_token")
        return st, obj

    def adopt_session(self):
        """Pick up the CSRF token of a session whose cookie is already in the jar."""
        st, obj = self.call("GET", "/api/v1/status")
        if st == 200 and obj and obj.get("session"):
            self.csrf = obj["session"].get("csrf_token")
            return obj["session"]
        return None


def pinned_context(pem):
    """TLS to the device: its self-signed certificate is the only trust anchor. The name is
    not checked (the certificate names the device's hostname, the test reaches it as
    127.0.0.1); the certificate itself must match."""
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=pem)
    return ctx


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **kw):
        return None


def jar_from_selenium(driver, base_url):
    """A cookie jar holding the browser's cookies for the device (to read its audit log
    with the browser's session when a step fails)."""
    jar = http.cookiejar.CookieJar()
    host = re.sub(r"^https?://([^/:]+).*", r"\1", base_url)
    for c in driver.get_cookies():
        jar.set_cookie(http.cookiejar.Cookie(
            0, c["name"], c["value"], None, False, host, False, False, c.get("path", "/"),
            True, bool(c.get("secure")), None, False, None, None, {}))
    return jar
