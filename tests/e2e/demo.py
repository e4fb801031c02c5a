#!/usr/bin/python3
"""`make demo`: the firmware (QEMU by default, or the host board) and a real IdP, wired
together, so a newcomer can sign in with SSO in a browser right away.

  demo.py --board qemu --fw build/qemu-mps2-an385/firmware/latchkey-qemu.elf
          --state build/demo [--http 8080] [--idp-port 9080] [--tls-port 9443]

It starts SimpleSAMLphp (Okta-style app, users in groups) and the HTTPS metadata server
with a test CA, boots the firmware on a fresh flash file, and then configures it through
the JSON API as a fleet tool would: it trusts the test CA, imports the metadata URL, maps
the groups to roles, registers the device's generated ACS URL and SP Entity ID at the
IdP, and enables SSO. It prints the two URLs and the credentials. After that, what you
type goes to the device's console (try `help`, `status`, `recovery-login`). Ctrl-C stops
everything.
"""
import argparse
import os
import select
import shutil
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "idp"))
import devices as D  # noqa: E402
import e2e  # noqa: E402
import idp as I  # noqa: E402


def shown(path):
    """A path as the user can use it from where they ran make."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--board", choices=("host", "qemu"), default="qemu")
    ap.add_argument("--fw", required=True)
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--state", required=True)
    ap.add_argument("--http", type=int, default=8080)
    ap.add_argument("--idp-port", type=int, default=9080)
    ap.add_argument("--tls-port", type=int, default=9443)
    a = ap.parse_args()

    for port in (a.http, a.idp_port, a.tls_port):
        if I.port_in_use(port):
            sys.exit("demo: port %d is in use (set DEMO_HTTP_PORT / DEMO_IDP_PORT / "
                     "DEMO_TLS_PORT)" % port)
    state = os.path.abspath(a.state)
    shutil.rmtree(state, ignore_errors=True)
    os.makedirs(state)
    t0 = time.monotonic()
    idp = I.Idp(os.path.join(state, "idp"), port=a.idp_port).setup()
    ca = I.TestCA(os.path.join(state, "tls")).create()
    idp.start()
    tls = I.MetadataServer(idp, ca, port=a.tls_port).start()
    if a.board == "qemu":
        dev = D.QemuDevice(a.fw, os.path.join(state, "device"), a.qemu)
    else:
        dev = D.HostDevice(a.fw, os.path.join(state, "device"))
    dev.http_port = a.http
    stop = []
    signal.signal(signal.SIGINT, lambda *x: stop.append(1))
    signal.signal(signal.SIGTERM, lambda *x: stop.append(1))
    try:
        print("demo: booting the firmware (%s) and the IdP ..." % dev.board, flush=True)
        dev.start()
        dev.wait_up()
        pw = dev.first_boot_password()
        api = D.Api(dev.base_url)
        st, obj = api.login("admin", pw)
        if st != 200:
            raise SystemExit("demo: password login failed: %d %s" % (st, obj))
        cfg = e2e.configure_sso(api, idp, tls, ca, dev.base_url, via="auto")
        api.call("POST", "/api/v1/logout", {})
        took = time.monotonic() - t0
        w = 64
        print("\n" + "=" * w)
        print(" Latchkey demo is ready (%.0f s). Open in a browser:" % took)
        print("=" * w)
        print(" Device admin UI   %s/" % dev.base_url)
        print("                   firmware on the %s board, config in %s"
              % (dev.board, shown(dev.flash)))
        print(" IdP               %s  (SimpleSAMLphp, entity ID %s)"
              % (idp.base_url, idp.entity_id))
        print(" IdP metadata      %s  (test CA %s)" % (tls.url("127.0.0.1"), shown(ca.ca_crt)))
        print("-" * w)
        print(" Click 'Sign in with %s' and use one of:" % e2e.PROVIDER)
        for u, what in zip(I.USERS, ("admin", "read-only", "no access: no mapped group")):
            print("   %-19s %-11s groups %-12s -> %s" % (u.email, u.password,
                                                          ",".join(u.groups), what))
        print(" Local admin (password sign-in, 72 h grace):  admin / %s" % pw)
        print(" IdP-initiated (the Okta tile): %s"
              % idp.idp_initiated_url(cfg["sp_entity_id"]))
        print("-" * w)
        print(" Type device console commands here (help, status, recovery-login, ...).")
        print(" Ctrl-C stops the device and the IdP.")
        print("=" * w, flush=True)
        printed = dev.mark()
        stdin_open = True
        while not stop and dev.alive():
            if stdin_open:
                r, _, _ = select.select([sys.stdin], [], [], 0.2)
            else:
                r = []
                time.sleep(0.2)
            if r:
                line = sys.stdin.readline()
                if line:
                    dev.send(line.rstrip("\n"))
                else:
                    stdin_open = False  # no terminal: keep serving until Ctrl-C
            with dev.lock:
                new = dev.out[printed:]
                printed = len(dev.out)
            if new:
                sys.stdout.write(new)
                sys.stdout.flush()
        if not dev.alive():
            print("demo: the device exited (%s)" % dev.exit_status())
        return 0
    except (D.DeviceError, I.HarnessError, AssertionError) as e:
        print("demo: %s" % e)
        print(dev.tail(20))
        return 1
    finally:
        print("demo: stopping", flush=True)
        dev.stop()
        tls.stop()
        idp.stop()


if __name__ == "__main__":
    sys.exit(main())
