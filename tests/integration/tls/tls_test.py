#!/usr/bin/python3
"""TLS integration test: the firmware's TLS client (metadata fetch) and TLS server (HTTPS
listener) against independent implementations (Python's ssl, OpenSSL's s_server,
s_client and curl), over the host board's slirp network.

The device is latchkey-tls-test (tls_test_main.c). Its fetches reach servers on the host's
loopback through slirp's gateway 10.0.2.2; the test PKI is made at test time with the
openssl command. Its HTTPS listener is reached through the forwarded port.

usage: tls_test.py PATH/TO/latchkey-tls-test [--tls13]
(--tls13: the firmware was built with LK_TLS13=ON, so both ends negotiate TLS 1.3.)
Python 3 standard library + openssl + curl.
"""

import base64
import hashlib
import http.server
import os
import re
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from lkhost import Device, TestFailure, check, exe_from_argv, free_port  # noqa: E402

MD = (b'<?xml version="1.0"?>\n<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:'
      b'metadata" entityID="http://www.okta.com/exk1test">\n' +
      b"".join(b"  <!-- filler line %05d to make the body span many TLS records -->\n" % i
               for i in range(600)) + b"</md:EntityDescriptor>\n")
OVERSIZE = b"x" * 70000
TLS13 = "--tls13" in sys.argv
VERSION = "TLSv1.3" if TLS13 else "TLSv1.2"
# mbedTLS's suite names, as the device prints them.
SUITE_EC = r"TLS1-3-AES-\d+-GCM" if TLS13 else r"TLS-ECDHE-ECDSA-WITH-AES-\d+-GCM"
SUITE_RSA = r"TLS1-3-AES-\d+-GCM" if TLS13 else r"TLS-ECDHE-RSA-WITH-AES-\d+-GCM"


def device_big():
    """The /big body of tls_test_main.c."""
    return bytes(ord("a") + (i * 31 + i // 7) % 26 for i in range(50000))


# ---- test PKI (openssl) ------------------------------------------------------------------

def openssl(d, *args, inp=None):
    r = subprocess.run(["openssl"] + list(args), cwd=d, input=inp, capture_output=True)
    if r.returncode != 0:
        raise TestFailure("openssl %s: %s" % (" ".join(args), r.stderr.decode()))
    return r.stdout


def make_ca(d, name, cn):
    openssl(d, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", name + ".key", "-out", name + ".pem", "-days", "3650", "-subj", "/CN=" + cn)


def make_leaf(d, name, ca, cn, san, days=30, rsa=False):
    newkey = ["-newkey", "rsa:2048"] if rsa else ["-newkey", "ec", "-pkeyopt",
                                                  "ec_paramgen_curve:P-256"]
    openssl(d, "req", "-new", *newkey, "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
            "-subj", "/CN=" + cn)
    with open(os.path.join(d, name + ".ext"), "w") as f:
        f.write("subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                % san)
    openssl(d, "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
            "-CAcreateserial", "-out", name + ".pem", "-days", str(days), "-extfile", name + ".ext")


def der_b64(d, name):
    der = openssl(d, "x509", "-in", name + ".pem", "-outform", "DER")
    return base64.b64encode(der).decode(), hashlib.sha256(der).hexdigest()


# ---- HTTPS servers on the host (Python ssl) -----------------------------------------------

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_body(self, body, status=200):
        self.send_response(status)
        self.send_header("Content-Type", "application/samlmetadata+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_chunked(self, body):
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        sizes = [1, 7, 100, 4096]
        i = 0
        k = 0
        while i < len(body):
            n = sizes[k % len(sizes)] if k < 8 else len(body) - i
            n = min(n, len(body) - i)
            self.wfile.write(b"%x;ext=1\r\n" % n + body[i:i + n] + b"\r\n")
            i += n
            k += 1
        self.wfile.write(b"0\r\nX-Trailer: yes\r\n\r\n")

    def close_delimited(self, body, notify):
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n")
        self.wfile.write(body)
        self.close_connection = True
        try:
            if notify:
                self.connection.unwrap()  # TLS close_notify: the end is the server's
            else:
                self.connection.shutdown(socket.SHUT_RDWR)  # FIN only
        except (OSError, ssl.SSLError):
            pass

    def do_GET(self):
        port = self.server.server_address[1]
        p = self.path
        if p == "/md.xml":
            self.send_body(MD)
        elif p == "/chunked":
            self.send_chunked(MD)
        elif p == "/close":
            self.close_delimited(MD, True)
        elif p == "/close-nonotify":
            self.close_delimited(MD, False)
        elif p == "/big":
            self.send_body(OVERSIZE)
        elif p == "/bigchunked":
            self.send_chunked(OVERSIZE)
        elif p == "/redirect":
            self.send_response(302)
            self.send_header("Location", "https://10.0.2.2:%d/md.xml" % port)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif p == "/redirect-http":
            self.send_response(301)
            self.send_header("Location", "http://10.0.2.2:%d/md.xml" % port)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif p == "/slow":
            time.sleep(8)
            self.send_body(MD)
        elif p == "/truncated":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + MD[:500])
            self.close_connection = True
        else:
            self.send_body(b"not here\n", 404)


class TlsServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, d, name):
        super().__init__(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(d, name + ".pem"), os.path.join(d, name + ".key"))
        self.socket = ctx.wrap_socket(self.socket, server_side=True,
                                      do_handshake_on_connect=False)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def handle_error(self, request, client_address):
        pass  # handshakes the device refuses, connections it drops: expected here


class GarbageServer:
    """Answers in clear text at once: not TLS."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            try:
                c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nnot TLS at all\n")
                time.sleep(0.5)
            except OSError:
                pass
            c.close()


# ---- the device ----------------------------------------------------------------------------

def fetch(dev, url, expect, max_body=65536, timeout_ms=0, wait=40.0):
    m = dev.command("fetch %s %d %d" % (url, max_body, timeout_ms), r"^fetch: (ok|error) (.*)$",
                    timeout=wait)
    line = m.group(0)
    print("  %s -> %s" % (url, line[7:]))
    if not re.search(expect, line):
        raise TestFailure("fetch %s: got %r, expected /%s/" % (url, line, expect))
    return line


def expect_ok(dev, url, body, **kw):
    line = fetch(dev, url, r"^fetch: ok status=200 ", **kw)
    check("len=%d sha256=%s " % (len(body), hashlib.sha256(body).hexdigest()) in line,
          "%s: body differs from what the server sent" % url)
    return line


def device_cert_pem(dev):
    dev.wait_for(r"^cert-end$", 20)
    lines = dev.output().splitlines()
    b64 = "".join(l[6:] for l in lines if l.startswith("cert: "))
    return "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n" % "\n".join(
        b64[i:i + 64] for i in range(0, len(b64), 64))


def stats(dev):
    m = dev.command("stats", r"^stats: (.*)$")
    return dict(kv.split("=", 1) for kv in m.group(1).split())


def tls_get(port, cafile, path="/hello", version=None, timeout=10):
    ctx = ssl.create_default_context(cafile=cafile)
    if version is not None:
        ctx.minimum_version = version
        ctx.maximum_version = version
        ctx.set_ciphers("DEFAULT@SECLEVEL=0")
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        with ctx.wrap_socket(s, server_hostname="lk-test") as t:
            t.sendall(("GET %s HTTP/1.1\r\nHost: lk-test\r\nConnection: close\r\n\r\n" %
                       path).encode())
            data = b""
            while True:
                chunk = t.recv(65536)
                if not chunk:
                    break
                data += chunk
            return t.version(), t.cipher()[0], data


# ---- the test --------------------------------------------------------------------------------

def client_tests(dev, d):
    good = TlsServer(d, "good")
    rsa = TlsServer(d, "rsa")
    unknown = TlsServer(d, "unknown")
    wrongname = TlsServer(d, "wrongname")
    short = TlsServer(d, "short")
    garbage = GarbageServer()
    nothing = free_port()

    b64, sha = der_b64(d, "ca1")
    m = dev.command("ca-add " + b64, r"^ca-add: (.*)$")
    check(m.group(1).startswith("ok subject='CN=Latchkey Test CA 1' sha256=%s" % sha),
          "ca-add: %s" % m.group(1))
    leaf_b64, _ = der_b64(d, "good")
    dev.command("ca-add " + leaf_b64, r"^ca-add: error not_a_ca ")
    dev.command("ca-add AAAA", r"^ca-add: error ")

    g = "https://10.0.2.2:%d" % good.port
    print("TLS client (metadata fetch):")
    line = expect_ok(dev, g + "/md.xml", MD)
    check("version=%s " % VERSION in line and re.search("suite=" + SUITE_EC, line),
          "negotiated: %s" % line)
    print("  client heap peak during the fetch: %s bytes" % re.search(r"heap_peak=(\d+)",
                                                                    line).group(1))
    expect_ok(dev, g + "/chunked", MD)
    expect_ok(dev, g + "/close", MD)
    fetch(dev, g + "/close-nonotify", r"^fetch: error truncated .*close_notify")
    fetch(dev, g + "/truncated", r"^fetch: error truncated ")
    fetch(dev, g + "/big", r"^fetch: error too_large .*70000 bytes")
    fetch(dev, g + "/bigchunked", r"^fetch: error too_large ")
    fetch(dev, g + "/md.xml", r"^fetch: error too_large ", max_body=1000)
    fetch(dev, g + "/nope", r"^fetch: error http_status status=404 ")
    line = expect_ok(dev, g + "/redirect", MD)
    check("redirects=1 " in line, "redirect count: %s" % line)
    fetch(dev, g + "/redirect-http", r"^fetch: error redirect_refused .*not https")
    t0 = time.monotonic()
    fetch(dev, g + "/slow", r"^fetch: error timeout .*waiting for the response", timeout_ms=3000)
    check(time.monotonic() - t0 < 6, "the 3 s timeout took %.1f s" % (time.monotonic() - t0))
    line = expect_ok(dev, "https://10.0.2.2:%d/md.xml" % rsa.port, MD)
    check(re.search("suite=" + SUITE_RSA, line), "RSA server: %s" % line)
    fetch(dev, "https://10.0.2.2:%d/md.xml" % unknown.port,
          r"^fetch: error tls_untrusted .*CN=Latchkey Test CA 2")
    fetch(dev, "https://10.0.2.2:%d/md.xml" % wrongname.port,
          r"^fetch: error tls_hostname_mismatch status=0 detail=TLS certificate of "
          r"10\.0\.2\.2:\d+ is not valid for that name \(it was issued to CN=wrong\.example\)$")
    # The short-lived certificate is fine today and expired in three days' time.
    expect_ok(dev, "https://10.0.2.2:%d/md.xml" % short.port, MD)
    dev.command("clock-offset %d" % (3 * 86400), r"^clock-offset: ")
    fetch(dev, "https://10.0.2.2:%d/md.xml" % short.port, r"^fetch: error tls_expired ")
    dev.command("clock-offset -%d" % (3 * 86400), r"^clock-offset: ")
    fetch(dev, g + "/md.xml", r"^fetch: error tls_expired .*not yet valid")
    dev.command("clock-offset 0", r"^clock-offset: ")
    fetch(dev, "https://10.0.2.2:%d/" % garbage.port, r"^fetch: error tls_handshake_failed ")
    fetch(dev, "https://10.0.2.2:%d/" % nothing, r"^fetch: error connect_failed ")
    fetch(dev, "http://10.0.2.2:%d/md.xml" % good.port, r"^fetch: error not_https ")
    fetch(dev, "https://nonexistent.invalid/md.xml",
          r"^fetch: error (dns_failed|timeout .*resolving)", wait=60)
    # Without the admin CA, the built-in roots alone do not trust the test CA.
    dev.command("ca-clear", r"^ca-clear: ok")
    fetch(dev, g + "/md.xml", r"^fetch: error tls_untrusted ")
    dev.command("builtins off", r"^builtins: off")
    fetch(dev, g + "/md.xml", r"^fetch: error tls_untrusted ")
    dev.command("builtins on", r"^builtins: on")
    dev.command("ca-add " + b64, r"^ca-add: ok ")

    # OpenSSL's own server (s_server -WWW: HTTP/1.0, body up to its close_notify).
    www = os.path.join(d, "www")
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, "md.xml"), "wb") as f:
        f.write(MD)
    port = free_port()
    srv = subprocess.Popen(["openssl", "s_server", "-accept", "127.0.0.1:%d" % port,
                            "-cert", os.path.join(d, "good.pem"),
                            "-key", os.path.join(d, "good.key"), "-WWW", "-quiet"],
                           cwd=www, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        expect_ok(dev, "https://10.0.2.2:%d/md.xml" % port, MD)
    finally:
        srv.kill()
        srv.wait()
    for s in (good, rsa, unknown, wrongname, short):
        s.shutdown()


def server_tests(dev, d):
    cafile = os.path.join(d, "device.pem")
    with open(cafile, "w") as f:
        f.write(device_cert_pem(dev))
    port = dev.https_port
    big = device_big()
    print("TLS server (HTTPS listener on 443, forwarded to 127.0.0.1:%d):" % port)

    dev.command("heap-reset", r"^heap-reset: ok")
    ver, cipher, data = tls_get(port, cafile)
    print("  python ssl: %s %s" % (ver, cipher))
    check(ver == VERSION, "version %s" % ver)
    if TLS13:
        check(cipher in ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"), "cipher %s" % cipher)
    else:
        check(cipher.startswith("ECDHE-ECDSA-") and "GCM" in cipher, "cipher %s" % cipher)
    check(data.startswith(b"HTTP/1.1 200 OK\r\n") and data.endswith(b"hello over tls\n"),
          "response %r" % data[:80])
    st = stats(dev)
    print("  server heap peak for one connection (handshake + request): %s bytes" %
          st["heap_peak"])

    r = subprocess.run(["curl", "-sS", "--cacert", cafile, "--resolve",
                        "lk-test:%d:127.0.0.1" % port, "https://lk-test:%d/big" % port],
                       capture_output=True, timeout=30)
    check(r.returncode == 0 and r.stdout == big,
          "curl /big: rc %d, %d bytes, %s" % (r.returncode, len(r.stdout), r.stderr[:200]))
    print("  curl: /big byte-exact (%d bytes)" % len(big))

    # Suites and versions outside the profile are refused by the device.
    for args, what in ((["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256"], "CBC suite"),
                       (["-tls1_2", "-cipher", "AES128-GCM-SHA256"], "static RSA suite"),
                       (["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"], "TLS 1.1")):
        r = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
                            "-servername", "lk-test"] + args, input=b"", capture_output=True,
                           timeout=30)
        out = (r.stdout + r.stderr).decode(errors="replace")
        # A negotiated session prints "Cipher is <suite>"; a refused one "(NONE)" or nothing.
        check(re.search(r"Cipher is (?!\(NONE\))", out) is None and
              ("Cipher is (NONE)" in out or "alert" in out or r.returncode != 0),
              "%s accepted:\n%s" % (what, out[-600:]))
        print("  openssl s_client %s: refused" % what)
    r = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_2",
                        "-servername", "lk-test", "-CAfile", cafile, "-verify_return_error"],
                       input=b"", capture_output=True, timeout=30)
    out = r.stdout.decode(errors="replace")
    check("Verify return code: 0 (ok)" in out and "ECDHE-ECDSA" in out,
          "openssl s_client verification:\n%s" % out[-800:])
    print("  openssl s_client -tls1_2: verified, %s" %
          re.search(r"Cipher is (\S+)", out).group(1))

    # Plain HTTP on the TLS port: closed, never answered in clear text.
    before = int(stats(dev)["failures"])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /hello HTTP/1.1\r\nHost: lk-test\r\n\r\n")
        data = b""
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            pass
    check(b"HTTP/" not in data and (not data or data[0] == 0x15),
          "plain HTTP on 443 got %r" % data[:60])
    time.sleep(0.5)
    check(int(stats(dev)["failures"]) == before + 1, "handshake failure not counted")
    print("  plain HTTP on 443: closed without an answer (%d bytes of TLS alert)" % len(data))
    check(tls_get(port, cafile)[2].endswith(b"hello over tls\n"), "server dead after plain HTTP")

    # Two idle keep-alive connections hold both contexts; a third waits, then one idle
    # connection is closed for it (close_notify) and its handshake completes.
    ev0 = int(stats(dev)["evicted"])
    ctx = ssl.create_default_context(cafile=cafile)
    held = []
    for _ in range(2):
        s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10),
                            server_hostname="lk-test")
        s.sendall(b"GET /hello HTTP/1.1\r\nHost: lk-test\r\n\r\n")
        check(b"hello over tls" in s.recv(4096), "keep-alive request")
        held.append(s)
    t0 = time.monotonic()
    third = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10),
                            server_hostname="lk-test")
    waited = time.monotonic() - t0
    third.sendall(b"GET /hello HTTP/1.1\r\nHost: lk-test\r\nConnection: close\r\n\r\n")
    check(b"hello over tls" in third.recv(4096), "third connection")
    third.close()
    st = stats(dev)
    check(int(st["evicted"]) == ev0 + 1, "evicted %s (was %d)" % (st["evicted"], ev0))
    closed = 0
    for s in held:
        s.settimeout(2)
        try:
            if s.recv(4096) == b"":
                closed += 1
        except (ssl.SSLError, OSError):
            closed += 1
        s.close()
    check(closed >= 1, "no idle connection was closed")
    print("  third connection waited %.2f s for a context; one idle connection evicted" % waited)


def main():
    exe = exe_from_argv(sys.argv)
    with tempfile.TemporaryDirectory(prefix="lk-tls-") as d:
        make_ca(d, "ca1", "Latchkey Test CA 1")
        make_ca(d, "ca2", "Latchkey Test CA 2")
        make_leaf(d, "good", "ca1", "idp.test", "IP:10.0.2.2,IP:127.0.0.1")
        make_leaf(d, "rsa", "ca1", "idp.test", "IP:10.0.2.2,IP:127.0.0.1", rsa=True)
        make_leaf(d, "unknown", "ca2", "idp.test", "IP:10.0.2.2,IP:127.0.0.1")
        make_leaf(d, "wrongname", "ca1", "wrong.example", "DNS:wrong.example")
        make_leaf(d, "short", "ca1", "idp.test", "IP:10.0.2.2", days=1)

        dev = Device(exe, os.path.join(d, "flash.bin"), https_port=free_port())
        try:
            dev.start()
            dev.wait_up(20)
            dev.wait_for(r"^https: listening on port 443$", 20)
            client_tests(dev, d)
            server_tests(dev, d)
            check(dev.proc.poll() is None, "the device exited")
            st = stats(dev)
            print("final: %s" % " ".join("%s=%s" % kv for kv in sorted(st.items())))
        except Exception:
            print("console:\n" + "\n".join(dev.lines[-60:]))
            raise
        finally:
            dev.stop()
    print("tls_test: all passed")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except TestFailure as e:
        print("FAIL: %s" % e)
        sys.exit(1)
