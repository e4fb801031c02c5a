#!/usr/bin/python3
"""The admin UI over HTTPS on the host board: the certificate the device made at first
boot (ECDSA P-256) is what the TLS handshake presents and what GET /api/v1/device/cert
reports; cookies over HTTPS are Secure; an admin replaces the certificate with their own
(new connections present it, it survives a restart), and every bad pair is refused.

usage: https_test.py PATH/TO/latchkey-host
"""

import hashlib
import http.client
import json
import os
import ssl
import subprocess
import sys
import tempfile

from lkapi import Api, expect_error
from lkhost import Device, TestFailure, check, exe_from_argv, free_port

PW = "https-Admin-pw-1"


def tls_ctx():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the test compares the certificate itself below
    return ctx


def https(port, method, path, body=None, headers=None):
    c = http.client.HTTPSConnection("127.0.0.1", port, timeout=20, context=tls_ctx())
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        der = c.sock.getpeercert(binary_form=True)
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data, der
    finally:
        c.close()


def openssl(d, *args):
    r = subprocess.run(["openssl"] + list(args), cwd=d, capture_output=True)
    if r.returncode != 0:
        raise TestFailure("openssl: " + r.stderr.decode())
    return r.stdout


def read(d, name):
    with open(os.path.join(d, name)) as f:
        return f.read()


def main():
    exe = exe_from_argv(sys.argv)
    with tempfile.TemporaryDirectory(prefix="lk-https-") as tmp:
        hport = free_port()
        dev = Device(exe, os.path.join(tmp, "flash.bin"), https_port=hport,
                     extra=["--admin-password", PW]).start()
        try:
            dev.wait_up()
            dev.wait_for(r"https: listening on port 443")
            api = Api(dev.http_port)
            api.login("admin", PW)
            info = api.get("/api/v1/device/cert")
            check(info["https"] and info["sp_key"] and "CN=latchkey" in info["subject"],
                  "device cert %r" % info)
            st, hdrs, body, der = https(hport, "GET", "/api/v1/status")
            check(st == 200 and json.loads(body)["board"] == "host", "status over HTTPS")
            check(hashlib.sha256(der).hexdigest() == info["sha256"],
                  "the handshake presents another certificate")
            with open(os.path.join(tmp, "dev.der"), "wb") as f:
                f.write(der)
            text = openssl(tmp, "x509", "-inform", "DER", "-in", "dev.der", "-noout", "-text")
            check(b"prime256v1" in text or b"P-256" in text, "not an ECDSA P-256 certificate")
            # login over HTTPS: the cookie is Secure
            st, hdrs, body, _ = https(hport, "POST", "/api/v1/login",
                                      json.dumps({"username": "admin", "password": PW}),
                                      {"Content-Type": "application/json"})
            check(st == 200 and "; Secure" in hdrs.get("set-cookie", ""),
                  "HTTPS cookie %r" % hdrs.get("set-cookie"))

            # The admin's own certificate.
            openssl(tmp, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-days", "30", "-subj", "/CN=fw1.example.com", "-keyout", "a.key",
                    "-out", "a.crt")
            openssl(tmp, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-days", "30", "-subj", "/CN=other", "-keyout", "b.key",
                    "-out", "b.crt")
            openssl(tmp, "req", "-x509", "-newkey", "rsa:1024", "-nodes", "-days", "30",
                    "-subj", "/CN=weak", "-keyout", "w.key", "-out", "w.crt")
            openssl(tmp, "pkey", "-in", "a.key", "-aes256", "-passout", "pass:x", "-out",
                    "enc.key")
            for cert, key, code in (("a.crt", "b.key", "key_mismatch"),
                                    ("w.crt", "w.key", "key_too_weak"),
                                    ("a.crt", "enc.key", "pem_invalid"),
                                    ("a.crt", None, "pem_invalid"),
                                    (None, "a.key", "pem_invalid")):
                body = {"cert_pem": read(tmp, cert) if cert else "garbage",
                        "key_pem": read(tmp, key) if key else "garbage"}
                expect_error(api.call("POST", "/api/v1/device/cert", body), 400, code,
                             "device cert %s/%s" % (cert, key))
            expect_error(api.call("POST", "/api/v1/device/cert", {"cert_pem": "x"}), 400,
                         "missing_field", "no key")
            check(api.get("/api/v1/device/cert")["sha256"] == info["sha256"],
                  "a refused pair changed the certificate")
            new_der = openssl(tmp, "x509", "-in", "a.crt", "-outform", "DER")
            doc = api.post("/api/v1/device/cert", {"cert_pem": read(tmp, "a.crt"),
                                                   "key_pem": read(tmp, "a.key")})
            check(doc["sha256"] == hashlib.sha256(new_der).hexdigest() and
                  "fw1.example.com" in doc["subject"], "after replace %r" % doc)
            _, _, _, der = https(hport, "GET", "/api/v1/status")
            check(der == new_der, "new connections do not present the new certificate")
            dev.wait_for(r"audit: #\d+ device_cert_replaced user=admin")
            check("BEGIN" not in dev.output() and "PRIVATE" not in dev.output(),
                  "key material on the console")

            # It survives a restart.
            dev.stop()
            dev.extra = []
            dev.start()
            dev.wait_up()
            dev.wait_for(r"https: listening on port 443")
            _, _, _, der = https(hport, "GET", "/api/v1/status")
            check(der == new_der, "the replaced certificate did not survive a restart")
            check("keys: HTTPS key" not in dev.output(), "keys were made again after a restart")
        finally:
            dev.stop()
    print("https test: passed")


if __name__ == "__main__":
    try:
        main()
    except TestFailure as e:
        print("FAILED: %s" % e)
        sys.exit(1)
