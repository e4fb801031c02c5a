#!/usr/bin/env python3
"""The admin JSON API on the Cortex-M3 firmware in QEMU mps2-an385: log in with the
provisioned password, read and change /api/v1/sso, import IdP metadata (the SAML core's
parser and a config-record save on the M3), fetch the SP metadata, and find it all again
after a restart of QEMU. Also measures PBKDF2 (console pbkdf2-bench) on the board.

  api_smoke.py --elf latchkey-qemu.elf --workdir DIR [--qemu qemu-system-arm] --corpus DIR
"""
import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from boot_test import Qemu, boot, check, free_port  # noqa: E402

ADMIN_PW = "qemu-Admin-pw-9"


class QemuWithArgs(Qemu):
    """boot_test's Qemu with extra firmware arguments on the semihosting command line."""

    def __init__(self, qemu, elf, flash, port, extra):
        semi = ",".join(["enable=on", "target=native", "chardev=con",
                         "arg=" + elf.replace(",", ",,"), "arg=--flash",
                         "arg=" + flash.replace(",", ",,")] +
                        ["arg=" + a.replace(",", ",,") for a in extra])
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


class Client:
    def __init__(self, port):
        self.port = port
        self.cookie = None
        self.csrf = None

    def call(self, method, path, obj=None, timeout=60):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {}
        body = None
        if obj is not None:
            body = json.dumps(obj)
            h["Content-Type"] = "application/json"
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf and method != "GET":
            h["X-CSRF-Token"] = self.csrf
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data
        finally:
            c.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--elf", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--corpus", required=True)
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    flash = os.path.join(args.workdir, "api-smoke-flash.bin")
    for f in (flash, flash + ".seed"):
        if os.path.exists(f):
            os.remove(f)
    with open(os.path.join(args.corpus, "okta", "okta-ssoready-exkdoocxa1VmjpXmX697.xml")) as f:
        okta = f.read()
    elf = os.path.abspath(args.elf)

    q = QemuWithArgs(args.qemu, elf, flash, free_port(), ["--admin-password", ADMIN_PW])
    try:
        boot(q)
        q.wait_for(r"first boot: admin password provisioned by the board")
        cl = Client(q.port)
        st, _, body = cl.call("GET", "/api/v1/sso")
        check(st == 401, "GET /api/v1/sso without a session: 401")
        t0 = time.monotonic()
        st, hdrs, body = cl.call("POST", "/api/v1/login",
                                 {"username": "admin", "password": ADMIN_PW})
        login_s = time.monotonic() - t0
        check(st == 200, "password login on the M3 (%.2f s wall, PBKDF2 included)" % login_s)
        cl.cookie = hdrs["set-cookie"].split(";", 1)[0]
        cl.csrf = json.loads(body)["csrf_token"]
        st, _, body = cl.call("GET", "/api/v1/sso")
        doc = json.loads(body)
        check(st == 200 and doc["enabled"] is False and doc["clock_skew_s"] == 180,
              "GET /api/v1/sso: defaults")
        st, _, body = cl.call("PUT", "/api/v1/sso", {
            "provider_name": "Okta", "short_name": "okta",
            "base_url": "http://127.0.0.1:%d" % q.port, "role_attribute": "groups",
            "admin_groups": ["admins"]})
        check(st == 200 and json.loads(body)["acs_url"] ==
              "http://127.0.0.1:%d/sso/okta/acs" % q.port, "PUT /api/v1/sso: generated ACS URL")
        t0 = time.monotonic()
        st, _, body = cl.call("POST", "/api/v1/sso/import", {"metadata_xml": okta})
        doc = json.loads(body)
        check(st == 200 and doc["idp_entity_id"] == "http://www.okta.com/exkdoocxa1VmjpXmX697"
              and len(doc["idp_certs"]) == 1,
              "pasted Okta metadata imported and saved on the M3 (%.2f s)" %
              (time.monotonic() - t0))
        st, hdrs, body = cl.call("GET", "/sso/okta/metadata")
        check(st == 200 and b'entityID="http://127.0.0.1:%d/sso/okta/metadata"' % q.port in body,
              "SP metadata served")
        at = q.mark()
        q.console("pbkdf2-bench")
        m = q.wait_for(r"pbkdf2-bench: (\d+) iterations in (\d+) ms", at, 120)
        check(True, "PBKDF2-HMAC-SHA256 on the M3 under QEMU: %s iterations in %s ms" %
              (m.group(1), m.group(2)))
        saved = json.loads(cl.call("GET", "/api/v1/sso")[2])
    finally:
        q.stop()

    q = QemuWithArgs(args.qemu, elf, flash, free_port(), [])
    try:
        boot(q)
        cl = Client(q.port)
        st, hdrs, body = cl.call("POST", "/api/v1/login",
                                 {"username": "admin", "password": ADMIN_PW})
        check(st == 200, "login after a restart of QEMU (the account is in flash)")
        cl.cookie = hdrs["set-cookie"].split(";", 1)[0]
        doc = json.loads(cl.call("GET", "/api/v1/sso")[2])
        for k in ("provider_name", "short_name", "idp_entity_id", "idp_certs", "role_attribute"):
            check(doc[k] == saved[k], "%s survives the restart" % k)
    finally:
        q.stop()
    print("api_smoke: PASSED", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print("\napi_smoke: FAILED: %s" % e, flush=True)
        sys.exit(1)
