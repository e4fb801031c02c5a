#!/usr/bin/python3
"""Power-cut sweep of the full config record on the real firmware (label powerloss).

Starting point: a device configured through the API the way an admin would (SSO settings,
pasted Okta metadata with its signing certificate, an added trust CA, SSO enabled, local
accounts, the audit tail), so the record holds every section. The change under test is
the console's break-glass `sso disable`, a save of that whole record. It makes K flash
program/erase operations; for every N in 1..K the device starts with --flash-cut-after N,
the Nth operation is cut half-way and the process dies (exit 3). Powered on again the
device must boot, let the admin log in (accounts intact), and hold exactly the old or the
new configuration (GET /api/v1/sso and the trust store compared field by field), never
defaults or a mix; a damaged slot must be reported (console and audit log); and the next
save must work and survive a restart. N = K + 1 must not cut at all.

usage: config_powercut.py PATH/TO/latchkey-host
"""

import os
import shutil
import subprocess
import sys
import tempfile

from lkapi import Api
from lkhost import Device, TestFailure, check, exe_from_argv

HERE = os.path.dirname(os.path.abspath(__file__))
OKTA_MD = os.path.join(HERE, "..", "..", "..", "shared", "saml-corpus", "real", "metadata",
                       "okta", "okta-ssoready-exkdoocxa1VmjpXmX697.xml")
PW = "powercut-Admin-1"
POWER_CUT_EXIT = 3


def snapshot(port):
    """What must be exactly old or new: the SSO document and the trust store."""
    api = Api(port)
    api.login("admin", PW)
    doc = api.get("/api/v1/sso")
    trust = [c["sha256"] for c in api.get("/api/v1/trust")["admin"]]
    return api, {"sso": doc, "trust": trust}


def main():
    exe = exe_from_argv(sys.argv)
    with tempfile.TemporaryDirectory(prefix="lk-cfgcut-") as tmp:
        flash = os.path.join(tmp, "flash.bin")
        base = os.path.join(tmp, "base.bin")
        ca = os.path.join(tmp, "ca.crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj",
                        "/CN=Powercut CA", "-keyout", os.path.join(tmp, "ca.key"), "-out", ca],
                       check=True, capture_output=True)

        # The starting point.
        dev = Device(exe, flash, extra=["--admin-password", PW]).start()
        try:
            dev.wait_up()
            api = Api(dev.http_port)
            api.login("admin", PW)
            api.put("/api/v1/sso", {"provider_name": "Okta", "short_name": "okta",
                                    "base_url": "https://fw1.example.com",
                                    "role_attribute": "groups", "admin_groups": ["admins"],
                                    "readonly_groups": ["auditors"]})
            with open(OKTA_MD) as f:
                api.post("/api/v1/sso/import", {"metadata_xml": f.read()})
            with open(ca) as f:
                api.post("/api/v1/trust", {"pem": f.read()}, expect=201)
            dev.command("passwd viewer readonly", r"passwd: viewer: new password")
            api.post("/api/v1/sso/enable", {"enabled": True})
            _, old = snapshot(dev.http_port)
            check(old["sso"]["enabled"] and old["trust"], "starting point incomplete")
        finally:
            dev.stop()
        shutil.copyfile(flash, base)

        # How many operations the change makes, and what "new" is.
        dev = Device(exe, flash).start()
        try:
            dev.wait_up()
            m = dev.command("sso disable", r"sso: saved \(record (\d+), (\d+) flash operations\)")
            ops = int(m.group(2))
            m2 = dev.wait_for(r"config: loaded record \d+ \((\d+) bytes")
            _, new = snapshot(dev.http_port)
            check(not new["sso"]["enabled"] and new["trust"] == old["trust"], "new state")
            check(ops >= 4, "the save made only %d flash operations" % ops)
        finally:
            dev.stop()
        print("record: %s bytes before the change; a save makes %d flash operations" %
              (m2.group(1), ops))

        outcomes = {"old": 0, "new": 0}
        damaged_reported = 0
        for n in range(1, ops + 2):
            shutil.copyfile(base, flash)
            dev = Device(exe, flash, extra=["--flash-cut-after", str(n)]).start()
            try:
                dev.wait_up()
                start = len(dev.lines)
                dev.send("sso disable")
                if n <= ops:
                    rc = dev.exit_code(10)
                    check(rc == POWER_CUT_EXIT, "cut %d: exit status %r" % (n, rc))
                    dev.wait_for(r"power cut injected at flash operation %d " % n,
                                 stream="err", timeout=5)
                else:
                    dev.wait_for(r"sso: saved", start=start)
                    check(dev.proc.poll() is None, "cut %d beyond the save: process died" % n)
            finally:
                dev.stop()

            # Power on: old or new, never neither, never a mix.
            dev = Device(exe, flash).start()
            try:
                dev.wait_up()
                check("using defaults" not in dev.output(), "cut %d: booted on defaults" % n)
                api, got = snapshot(dev.http_port)
                if got == old:
                    outcome = "old"
                elif got == new:
                    outcome = "new"
                else:
                    raise TestFailure("cut %d: neither old nor new:\n%r" % (n, got))
                if n > ops:
                    check(outcome == "new", "uncut save lost")
                else:
                    outcomes[outcome] += 1
                if "holds a damaged record" in dev.output():
                    damaged_reported += 1
                    check(any(e["event"] == "config_damaged"
                              for e in api.get("/api/v1/audit")["entries"]),
                          "cut %d: damaged slot not in the audit log" % n)
                api.put("/api/v1/sso", {"provider_name": "after cut %d" % n})
            finally:
                dev.stop()
            dev = Device(exe, flash).start()
            try:
                dev.wait_up()
                _, got = snapshot(dev.http_port)
                check(got["sso"]["provider_name"] == "after cut %d" % n,
                      "cut %d: the save after recovery did not persist" % n)
            finally:
                dev.stop()

        print("config power-cut sweep: %d cut points tried (a save makes %d flash operations); "
              "%d kept the old config, %d the new one; %d reported a damaged slot" %
              (ops, ops, outcomes["old"], outcomes["new"], damaged_reported))
        check(outcomes["old"] > 0 and outcomes["new"] > 0, "no cut point kept old or new")
        check(damaged_reported > 0, "no cut left a damaged slot to report")
    print("config power-cut sweep: passed")


if __name__ == "__main__":
    try:
        main()
    except TestFailure as e:
        print("FAILED: %s" % e)
        sys.exit(1)
