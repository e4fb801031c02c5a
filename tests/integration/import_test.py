#!/usr/bin/python3
"""IdP metadata imported over HTTPS (*Import IdP Settings & Save*) on the host board.

A TLS server on the host's loopback (Python's ssl, a certificate from a test CA made at
test time, SAN IP:10.0.2.2, which is how the device reaches the host through slirp)
publishes metadata at an Okta-style path. Through the JSON API:

- untrusted: the test CA is not in the trust store -> failed, tls_untrusted, "TLS
  certificate of 10.0.2.2:<port> is not trusted (issuer ...Import Test CA)"; nothing
  changes;
- the admin adds the test CA (POST /api/v1/trust) -> the import works: entity ID, SSO
  URL, signing certificate, source "url", a refresh scheduled;
- HTTP 404 ("The metadata URL returned HTTP 404."), garbage ("The metadata is not XML"),
  no IDPSSODescriptor ("Metadata has no IDPSSODescriptor."), an oversize body (too_large,
  with its size), a wrong host name in the certificate, a closed port: each fails with its
  sentence, each leaves the last good settings, each is in the audit log;
- pasted XML: not XML, a DOCTYPE, no signing certificate, not metadata: each refused
  with its sentence;
- metadata without an entityID at an Okta URL: "not found" + the app-ID helper;
- refresh: the device's clock moved past next_refresh picks up a certificate rollover (two
  signing certificates); a failing refresh keeps the last good settings and says why.

usage: import_test.py PATH/TO/latchkey-host
"""

import base64
import hashlib
import http.server
import os
import re
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time

from lkapi import Api, expect_error
from lkhost import Device, TestFailure, check, exe_from_argv

HERE = os.path.dirname(os.path.abspath(__file__))
OKTA_MD = os.path.join(HERE, "..", "..", "..", "shared", "saml-corpus", "real", "metadata",
                       "okta", "okta-ssoready-exkdoocxa1VmjpXmX697.xml")
PW = "import-Admin-pw1"
APP = "exkdoocxa1VmjpXmX697"
MD_PATH = "/app/%s/sso/saml/metadata" % APP


def openssl(d, *args):
    r = subprocess.run(["openssl"] + list(args), cwd=d, capture_output=True)
    if r.returncode != 0:
        raise TestFailure("openssl %s: %s" % (args[0], r.stderr.decode()))
    return r.stdout


def make_pki(d):
    openssl(d, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-sha256", "-days", "30", "-subj", "/O=Latchkey tests/CN=Import Test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", "ca.key", "-out", "ca.pem")
    for name, san in (("good", "IP:10.0.2.2,IP:127.0.0.1"), ("wrongname", "DNS:idp.example")):
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n"
                    "subjectAltName=%s\n" % san)
        openssl(d, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-subj", "/CN=metadata-" + name, "-keyout", name + ".key",
                "-out", name + ".csr")
        openssl(d, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "20", "-sha256", "-extfile", name + ".ext",
                "-out", name + ".pem")
    with open(os.path.join(d, "ca.pem")) as f:
        return f.read()


def rsa_cert_b64(d, name):
    openssl(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj",
            "/CN=" + name, "-keyout", name + ".key", "-out", name + ".crt")
    der = openssl(d, "x509", "-in", name + ".crt", "-outform", "DER")
    return base64.b64encode(der).decode(), hashlib.sha256(der).hexdigest()


class Pages:
    """path -> (status, body bytes); changed by the test while the server runs."""

    def __init__(self):
        self.pages = {}
        self.hits = []


def serve_tls(directory, name, pages):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            pages.hits.append(self.path)
            status, body = pages.pages.get(self.path, (404, b"not here"))
            self.send_response(status)
            self.send_header("Content-Type", "application/samlmetadata+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

    srv = Server(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(directory, name + ".pem"),
                        os.path.join(directory, name + ".key"))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def fetch(api, expect_state, timeout=30):
    """POST /api/v1/sso/import {} and poll until it finishes."""
    st, doc = api.call("POST", "/api/v1/sso/import", {})
    check(st == 202 and doc == {"state": "fetching"}, "import start: %d %r" % (st, doc))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc = api.get("/api/v1/sso/import")
        if doc["state"] != "fetching":
            check(doc["state"] == expect_state, "import ended %r (want %s)" % (doc, expect_state))
            check(isinstance(doc["finished_at"], int), "finished_at %r" % doc["finished_at"])
            return doc
        time.sleep(0.1)
    raise TestFailure("the import did not finish within %d s" % timeout)


def wait_refresh(api, pred, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc = api.get("/api/v1/sso")
        if pred(doc):
            return doc
        time.sleep(0.2)
    raise TestFailure("refresh: %s (last %r)" % (what, doc["metadata"]))


def main():
    exe = exe_from_argv(sys.argv)
    with tempfile.TemporaryDirectory(prefix="lk-import-") as tmp:
        ca_pem = make_pki(tmp)
        with open(OKTA_MD) as f:
            okta = f.read()
        pages = Pages()
        pages.pages[MD_PATH] = (200, okta.encode())
        srv = serve_tls(tmp, "good", pages)
        bad_srv = serve_tls(tmp, "wrongname", pages)
        port, bad_port = srv.server_address[1], bad_srv.server_address[1]
        url = "https://10.0.2.2:%d%s" % (port, MD_PATH)
        dev = Device(exe, os.path.join(tmp, "flash.bin"), extra=["--admin-password", PW]).start()
        try:
            dev.wait_up()
            api = Api(dev.http_port)
            api.login("admin", PW)
            # URL import needs a URL first
            expect_error(api.call("POST", "/api/v1/sso/import", {}), 409, "not_configured",
                         "no URL")
            api.put("/api/v1/sso", {"idp_metadata_url": url, "short_name": "okta",
                                    "base_url": "https://fw1.example.com"})
            before = api.get("/api/v1/sso")

            # 1. Untrusted CA.
            d = fetch(api, "failed")
            check(d["error"] == "tls_untrusted" and re.match(
                r"^TLS certificate of 10\.0\.2\.2:%d is not trusted \(issuer [^)]*CN=Import Test "
                r"CA[^)]*\): add that CA to the trusted CAs if this is the right server\.$" % port,
                d["detail"]), "untrusted: %r" % d)
            check(api.get("/api/v1/sso") == before, "a failed import changed the settings")

            # 2. The admin adds the test CA: the import works.
            api.post("/api/v1/trust", {"pem": ca_pem}, expect=201)
            d = fetch(api, "done")
            check(d["error"] is None, "done: %r" % d)
            doc = api.get("/api/v1/sso")
            check(doc["idp_entity_id"] == "http://www.okta.com/" + APP and doc["idp_entity_id_found"],
                  "entity %r" % doc["idp_entity_id"])
            check(doc["metadata"]["source"] == "url" and doc["metadata"]["next_refresh"] and
                  doc["metadata"]["next_refresh"] - doc["metadata"]["imported_at"] == 86400,
                  "schedule %r" % doc["metadata"])
            check(len(doc["idp_certs"]) == 1, "certs %r" % doc["idp_certs"])
            good = doc

            # 3. Failures keep the last good settings.
            def failing(path_or_url, body, status, code, detail_re=None):
                if path_or_url.startswith("https://"):
                    api.put("/api/v1/sso", {"idp_metadata_url": path_or_url})
                else:
                    pages.pages[path_or_url] = (status, body or b"not found")
                    api.put("/api/v1/sso", {"idp_metadata_url":
                                            "https://10.0.2.2:%d%s" % (port, path_or_url)})
                d = fetch(api, "failed")
                check(d["error"] == code, "%s: %r" % (code, d))
                if detail_re:
                    check(re.search(detail_re, d["detail"]), "%s detail %r" % (code, d["detail"]))
                now = api.get("/api/v1/sso")
                for k in ("idp_entity_id", "idp_sso_url", "idp_certs", "metadata"):
                    check(now[k] == good[k], "%s: %s changed after a failed import" % (code, k))
                return d

            failing("/missing", None, 404, "http_status", r"^The metadata URL returned HTTP 404\.$")
            failing("/garbage", b"this is not XML <<<", 200, "xml_malformed",
                    r"^The metadata is not XML, or not well-formed \(an HTML page")
            failing("/sp-only", b'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:'
                    b'metadata" entityID="x"><md:SPSSODescriptor protocolSupportEnumeration="urn:'
                    b'oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>', 200,
                    "metadata_no_idp", r"^Metadata has no IDPSSODescriptor\.$")
            failing("/huge", b"<x>" + b"y" * 70000 + b"</x>", 200, "too_large",
                    r"^The response from 10\.0\.2\.2 is 70007 bytes, more than the 65536 this "
                    r"device accepts\.$")
            failing("https://10.0.2.2:%d%s" % (bad_port, MD_PATH), None, 0,
                    "tls_hostname_mismatch",
                    r"^TLS certificate of 10\.0\.2\.2:%d is not valid for that name \(it was "
                    r"issued to CN=metadata-wrongname\)\.$" % bad_port)
            failing("https://10.0.2.2:1%s" % MD_PATH, None, 0, "connect_failed",
                    r"^Could not connect to 10\.0\.2\.2:1 \(refused, or no route\)\.$")
            events = [e for e in api.get("/api/v1/audit")["entries"]
                      if e["event"] == "metadata_import_failed"]
            check(len(events) >= 6, "failed imports in the audit log: %d" % len(events))
            expect_error(api.call("PUT", "/api/v1/sso", {"idp_metadata_url": "http://10.0.2.2/x"}),
                         400, "invalid_field", "plain http metadata URL")

            # 3b. Pasted XML: each refusal has its sentence, and nothing changes.
            no_cert = re.sub(r"<md:KeyDescriptor.*?</md:KeyDescriptor>", "", okta, flags=re.S)
            check(no_cert != okta, "the Okta metadata has a KeyDescriptor")
            for xml, code, sentence in (
                    ("<html><body>Sign in</body>", "xml_malformed",
                     "The metadata is not XML, or not well-formed (an HTML page, or a download "
                     "cut short?)."),
                    ('<!DOCTYPE x [<!ENTITY a "b">]>' + okta.split("?>", 1)[-1],
                     "xml_dtd_forbidden",
                     "The metadata contains a DOCTYPE (DTD), which this device refuses."),
                    (no_cert, "metadata_no_signing_cert", "Metadata has no signing certificate."),
                    ("<x/>", "metadata_malformed",
                     "The document is XML but not usable SAML 2.0 metadata: the root must be "
                     "md:EntityDescriptor or md:EntitiesDescriptor, with valid validUntil, "
                     "KeyDescriptor and http(s) SingleSignOnService values.")):
                st, d = api.call("POST", "/api/v1/sso/import", {"metadata_xml": xml})
                check(st == 400 and d["error"] == code and d["detail"] == sentence,
                      "pasted %s: %d %r" % (code, st, d))
            now = api.get("/api/v1/sso")
            for k in ("idp_entity_id", "idp_sso_url", "idp_certs", "metadata"):
                check(now[k] == good[k], "a refused paste changed %s" % k)

            # 4. Metadata without an entityID (Okta catalog app): not found, then the helper.
            no_id = okta.replace(' entityID="http://www.okta.com/%s"' % APP, "")
            pages.pages["/app/exkNoEntity123/sso/saml/metadata"] = (200, no_id.encode())
            noid_url = "https://10.0.2.2:%d/app/exkNoEntity123/sso/saml/metadata" % port
            api.put("/api/v1/sso", {"idp_metadata_url": noid_url})
            fetch(api, "done")
            doc = api.get("/api/v1/sso")
            check(doc["idp_entity_id"] is None and not doc["idp_entity_id_found"],
                  "not found: %r" % doc["idp_entity_id"])
            # (10.0.2.2 is not an Okta host: the helper only knows Okta's URL shape)
            check(doc["idp_entity_id_suggestion"] is None, "suggestion for a non-Okta host")
            api.put("/api/v1/sso", {"idp_entity_id": "http://www.okta.com/exkNoEntity123"})

            # 5. Refresh picks up a certificate rollover.
            api.put("/api/v1/sso", {"idp_metadata_url": url})
            fetch(api, "done")
            doc = api.get("/api/v1/sso")
            nxt = doc["metadata"]["next_refresh"]
            new_b64, new_fp = rsa_cert_b64(tmp, "rollover")
            rolled = okta.replace("</md:KeyDescriptor>",
                                  "</md:KeyDescriptor><md:KeyDescriptor use=\"signing\"><ds:KeyInfo "
                                  "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data>"
                                  "<ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data>"
                                  "</ds:KeyInfo></md:KeyDescriptor>" % new_b64, 1)
            pages.pages[MD_PATH] = (200, rolled.encode())
            dev.command("clock-offset %d" % (nxt - int(time.time()) + 5), r"clock-offset: \d+ s")
            doc = wait_refresh(api, lambda d: len(d["idp_certs"]) == 2, "rollover not picked up")
            check(doc["idp_certs"][1]["sha256"] == new_fp, "rolled-over certificate %r" %
                  doc["idp_certs"])
            check(doc["metadata"]["last_error"] is None, "last_error %r" % doc["metadata"])
            dev.wait_for(r"audit: #\d+ metadata_refreshed")
            # ... and a failing refresh keeps them, and says why.
            pages.pages[MD_PATH] = (500, b"oops")
            nxt = doc["metadata"]["next_refresh"]
            dev.command("clock-offset %d" % (nxt - int(time.time()) + 5), r"clock-offset: \d+ s")
            doc = wait_refresh(api, lambda d: d["metadata"]["last_error"] is not None,
                               "a failed refresh was not reported")
            check("HTTP 500" in doc["metadata"]["last_error"] and len(doc["idp_certs"]) == 2,
                  "after a failed refresh %r" % doc["metadata"])
            e = [x for x in api.get("/api/v1/audit")["entries"]
                 if x["event"] == "metadata_refresh_failed"]
            check(e and "HTTP 500" in e[-1]["detail"], "refresh failure audit %r" % e[-1:])
            check(doc["metadata"]["next_refresh"] > nxt, "no retry scheduled")
            dev.command("clock-offset 0", r"clock-offset: 0 s")
        finally:
            dev.stop()
            srv.shutdown()
            bad_srv.shutdown()
    print("import test: passed")


if __name__ == "__main__":
    try:
        main()
    except TestFailure as e:
        print("FAILED: %s" % e)
        sys.exit(1)
