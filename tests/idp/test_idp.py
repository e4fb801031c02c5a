#!/usr/bin/python3
"""The IdP harness checks itself (ctest idp_harness, label integration):

  test_idp.py --latchkey PATH/latchkey --work DIR

- the metadata TLS server: trusted with the test CA only, its certificate names 10.0.2.2,
  Okta's URL shape, the entity-ID-less variant, 404;
- the IdP metadata as `latchkey metadata` reads it (Okta-style entity ID, both SSO
  bindings, the signing certificate's SHA-256);
- browserless logins for each user, SP-initiated (our AuthnRequest and latchkey's own) and
  IdP-initiated: both signatures verified by xmlsec1 (restricted to the IdP certificate)
  and by `latchkey verify`, NameID, groups; a tampered response and a wrong certificate
  fail in both; a wrong password gets no response;
- the encrypting configuration: xmlsec1 decrypts with the SP key, latchkey verify with
  --sp-key accepts it, and without the key it is refused;
- signing with a second key (what the "wrong IdP certificate" e2e case uses);
- stop() leaves neither process nor port behind.
"""
import argparse
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import idp as I  # noqa: E402
import login as L  # noqa: E402

NS_R = "urn:oasis:names:tc:SAML:2.0:protocol:Response"
NS_A = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"
ASSERTION_SIG = ("/*[local-name()='Response']/*[local-name()='Assertion']"
                 "/*[local-name()='Signature']")

SP_ID = "http://127.0.0.1:8080/sso/okta/metadata"
ACS = "http://127.0.0.1:8080/sso/okta/acs"
SP2_ID = "http://127.0.0.1:8080/sso/okta2/metadata"
ACS2 = "http://127.0.0.1:8080/sso/okta2/acs"

passed = 0


def ok(cond, what):
    global passed
    if not cond:
        raise AssertionError(what)
    passed += 1
    print("ok - " + what, flush=True)


def xmlsec_verify(path, cert, assertion=False, xpath=None):
    cmd = ["xmlsec1", "--verify", "--enabled-key-data", "rsa", "--pubkey-cert-pem", cert,
           "--id-attr:ID", NS_R, "--id-attr:ID", NS_A]
    if assertion or xpath:
        cmd += ["--node-xpath", xpath or ASSERTION_SIG]
    p = subprocess.run(cmd + [path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode == 0


class Latchkey:
    def __init__(self, exe, work):
        self.exe = exe
        self.work = work

    def run(self, *args):
        p = subprocess.run([self.exe] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        try:
            out = json.loads(p.stdout)
        except ValueError:
            out = {"raw": p.stdout.decode(errors="replace"), "stderr": p.stderr.decode()}
        return p.returncode, out

    def verify(self, resp_path, md_path, sp_id, acs, irt=None, extra=()):
        args = ["verify", resp_path, "--idp-metadata", md_path, "--sp-entity-id", sp_id,
                "--acs-url", acs]
        if irt:
            args += ["--in-response-to", irt]
        return self.run(*(args + list(extra)))


def live_in_group(pgid):
    """Processes of group @pgid that are not zombies (reaped later by init)."""
    out = subprocess.run(["ps", "-eo", "pgid=,stat=,pid="], stdout=subprocess.PIPE).stdout
    return [ln for ln in out.decode().splitlines()
            if ln.split()[0] == str(pgid) and not ln.split()[1].startswith("Z")]


def save(work, name, data):
    p = os.path.join(work, name)
    with open(p, "wb") as f:
        f.write(data)
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--latchkey", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    lk = Latchkey(a.latchkey, a.work)
    t0 = time.monotonic()

    idp = I.Idp(os.path.join(a.work, "idp")).setup()
    idp.add_sp(SP_ID, ACS)
    ca = I.TestCA(os.path.join(a.work, "tls")).create()
    idp.start()
    tls = I.MetadataServer(idp, ca).start()
    try:
        ok(re.fullmatch(r"http://www\.okta\.com/exk[0-9A-Za-z]+", idp.entity_id) is not None,
           "IdP entity ID is Okta-style: " + idp.entity_id)
        ok(idp.proc.poll() is None, "IdP (php -S) runs, port %d" % idp.port)

        # ---- TLS metadata server --------------------------------------------------------
        san = subprocess.run(["openssl", "x509", "-in", ca.crt, "-noout", "-ext",
                              "subjectAltName"], stdout=subprocess.PIPE).stdout.decode()
        ok("IP Address:10.0.2.2" in san and "IP Address:127.0.0.1" in san,
           "server certificate names 10.0.2.2 and 127.0.0.1")
        p = subprocess.run(["openssl", "verify", "-CAfile", ca.ca_crt, ca.crt],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        ok(p.returncode == 0, "server certificate chains to the test CA (openssl verify)")
        md = tls.fetch()
        ok(b'entityID="%s"' % idp.entity_id.encode() in md,
           "metadata over HTTPS at %s" % tls.url("127.0.0.1"))
        ok(tls.path == "/app/%s/sso/saml/metadata" % idp.app_id, "Okta's metadata URL shape")
        try:
            ctx = ssl.create_default_context()  # system roots only: must not trust the test CA
            urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                        urllib.request.HTTPSHandler(context=ctx)).open(
                tls.url("127.0.0.1"), timeout=5)
            ok(False, "TLS without the test CA must fail")
        except urllib.error.URLError as e:
            ok(isinstance(e.reason, ssl.SSLCertVerificationError),
               "without the test CA the certificate is not trusted: %s" % e.reason)
        try:
            tls.fetch("/nope")
            ok(False, "unknown path must be 404")
        except urllib.error.HTTPError as e:
            ok(e.code == 404, "unknown path answers 404")
        noent = tls.fetch(tls.path + "-noentity")
        ok(b"entityID" not in noent and b"IDPSSODescriptor" in noent,
           "the -noentity variant has no entityID, still an IDPSSODescriptor")
        md_path = save(a.work, "idp-metadata.xml", md)
        rc, out = lk.run("metadata", md_path)
        ok(rc == 0 and out["entity_id"] == idp.entity_id, "latchkey metadata reads the entity ID")
        ok(out["sso_urls"].get("redirect") == idp.sso_url and
           out["sso_urls"].get("post") == idp.sso_url, "HTTP-Redirect and HTTP-POST SSO URLs")
        want = I.cert_sha256(idp.cert_pem()).replace(":", "").lower()
        ok(len(out["certs"]) == 1 and out["certs"][0]["sha256"] == want,
           "metadata certificate SHA-256 = the IdP key's certificate (%s...)" % want[:16])
        ok(out["name_id_formats"] == [I.NAMEID_EMAIL], "NameID format emailAddress")
        rc, out = lk.run("metadata", save(a.work, "noent.xml", noent))
        ok(rc == 0 and not out.get("entity_id"),
           "latchkey metadata: the -noentity variant has no entity ID (%s)" % out)

        # ---- SP-initiated, every user ---------------------------------------------------
        idp_crt = idp.key_paths()[1]
        for u in I.USERS:
            b = L.Browser()
            t = time.monotonic()
            post = L.sp_initiated(b, idp, SP_ID, ACS, u.email, u.password, relay_state="/rs1")
            dt = time.monotonic() - t
            ok(post.action == ACS and post.relay_state == "/rs1",
               "%s: auto-POST form to the ACS with the RelayState (%.2f s)" % (u.email, dt))
            path = save(a.work, "resp-%s.xml" % u.email.split("@")[0], post.xml)
            ok(xmlsec_verify(path, idp_crt), "%s: xmlsec1 verifies the Response signature"
               % u.email)
            ok(xmlsec_verify(path, idp_crt, assertion=True),
               "%s: xmlsec1 verifies the Assertion signature" % u.email)
            text = post.xml.decode()
            ok(text.count(I.RSA_SHA256) == 2 and
               text.count("http://www.w3.org/2001/04/xmlenc#sha256") == 2,
               "%s: both signatures RSA-SHA256 with SHA-256 digests" % u.email)
            rc, out = lk.verify(path, md_path, SP_ID, ACS, irt=post.request_id)
            ok(rc == 0 and out["ok"], "%s: latchkey verify accepts it" % u.email)
            ok(out["response_signed"] and out["assertion_signed"],
               "%s: latchkey sees both signatures" % u.email)
            ok(out["name_id"] == u.email and out["name_id_format"] == I.NAMEID_EMAIL,
               "%s: NameID emailAddress %s" % (u.email, out["name_id"]))
            ok(out["attributes"].get("groups") == u.groups,
               "%s: groups %s" % (u.email, out["attributes"].get("groups")))
            ok(out["issuer"] == idp.entity_id and out["in_response_to"] == post.request_id,
               "%s: Issuer and InResponseTo" % u.email)

        # negative controls: tampering and a wrong certificate fail in both verifiers
        good = open(os.path.join(a.work, "resp-alice.xml"), "rb").read()
        bad = save(a.work, "resp-tampered.xml", good.replace(b">admins<", b">admina<"))
        ok(not xmlsec_verify(bad, idp_crt, assertion=True), "tampered group: xmlsec1 refuses")
        rc, out = lk.verify(bad, md_path, SP_ID, ACS, irt=re.search(
            rb'InResponseTo="([^"]+)"', good).group(1).decode())
        ok(rc == 1 and not out["ok"], "tampered group: latchkey refuses (%s)" % out.get("error"))
        other_key, other_crt = idp.ensure_key("other")
        ok(not xmlsec_verify(os.path.join(a.work, "resp-alice.xml"), other_crt),
           "wrong certificate: xmlsec1 refuses")
        rc, out = lk.run("verify", os.path.join(a.work, "resp-alice.xml"), "--idp-cert",
                         other_crt, "--idp-entity-id", idp.entity_id, "--sp-entity-id", SP_ID,
                         "--acs-url", ACS, "--in-response-to", re.search(
                             rb'InResponseTo="([^"]+)"', good).group(1).decode())
        ok(rc == 1 and out.get("error") == "signature_invalid",
           "wrong certificate: latchkey refuses (%s)" % out.get("error"))

        try:
            L.sp_initiated(L.Browser(), idp, SP_ID, ACS, "alice@example.com", "wrong")
            ok(False, "wrong password must not give a response")
        except L.LoginError:
            ok(True, "wrong password: no SAMLResponse")

        # latchkey's own AuthnRequest (what the device sends) is accepted by the IdP
        rc, out = lk.run("authn-request", "--sp-entity-id", SP_ID, "--acs-url", ACS,
                         "--idp-sso-url", idp.sso_url, "--relay-state", "/dash")
        ok(rc == 0, "latchkey authn-request")
        post = L.follow(L.Browser(), out["url"], "alice@example.com", "alice-pass")
        path = save(a.work, "resp-lkreq.xml", post.xml)
        rc2, v = lk.verify(path, md_path, SP_ID, ACS, irt=out["id"])
        ok(rc2 == 0 and v["in_response_to"] == out["id"] and post.relay_state == "/dash",
           "the IdP answers latchkey's AuthnRequest; the response verifies")

        # ---- IdP-initiated ----------------------------------------------------------------
        post = L.idp_initiated(L.Browser(), idp, SP_ID, "alice@example.com", "alice-pass",
                               relay_state="/dashboard")
        path = save(a.work, "resp-idpinit.xml", post.xml)
        ok(post.action == ACS and post.relay_state == "/dashboard",
           "IdP-initiated: to the registered ACS with the RelayState")
        ok(b"InResponseTo" not in post.xml, "IdP-initiated: no InResponseTo")
        ok(xmlsec_verify(path, idp_crt) and xmlsec_verify(path, idp_crt, assertion=True),
           "IdP-initiated: xmlsec1 verifies both signatures")
        rc, out = lk.verify(path, md_path, SP_ID, ACS)
        ok(rc == 0 and out["name_id"] == "alice@example.com", "IdP-initiated: latchkey accepts")
        rc, out = lk.verify(path, md_path, SP_ID, ACS, extra=["--no-unsolicited"])
        ok(rc == 1, "IdP-initiated refused when unsolicited is off (%s)" % out.get("error"))

        # an SP the IdP does not know: SSP's error page, no response
        try:
            L.sp_initiated(L.Browser(), idp, "http://unknown.example/sp", ACS,
                           "alice@example.com", "alice-pass")
            ok(False, "unknown SP must be refused by the IdP")
        except L.LoginError as e:
            ok("MetadataNotFound" in str(e) or "metadata" in str(e).lower(),
               "unknown SP entity ID: the IdP refuses (%s)" % str(e)[:80])

        # ---- encrypted assertions ----------------------------------------------------------
        sp_key = os.path.join(a.work, "sp.key")
        sp_crt = os.path.join(a.work, "sp.crt")
        I.make_self_signed(sp_key, sp_crt, "latchkey-test-sp")
        spmd_xml = subprocess.run([a.latchkey, "sp-metadata", "--sp-entity-id", SP2_ID,
                                   "--acs-url", ACS2, "--sp-cert", sp_crt],
                                  stdout=subprocess.PIPE, check=True).stdout
        enc_pem = I.sp_encryption_cert(spmd_xml)
        ok(enc_pem is not None and I.cert_sha256(enc_pem) == I.cert_sha256(open(sp_crt).read()),
           "SP encryption certificate taken from SP metadata")
        idp.add_sp(SP2_ID, ACS2, encrypt_cert_pem=enc_pem)
        post = L.sp_initiated(L.Browser(), idp, SP2_ID, ACS2, "bob@example.com",
                                    "bob-pass")
        path = save(a.work, "resp-enc.xml", post.xml)
        text = post.xml.decode()
        ok("EncryptedAssertion" in text and "<saml:Assertion" not in text,
           "encrypting configuration: EncryptedAssertion only")
        ok("http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p" in text,
           "key transport RSA-OAEP-MGF1P")
        ok(xmlsec_verify(path, idp_crt), "encrypted: xmlsec1 verifies the Response signature")
        p = subprocess.run(["xmlsec1", "--decrypt", "--privkey-pem", sp_key, path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ok(p.returncode == 0 and b"bob@example.com" in p.stdout,
           "xmlsec1 decrypts it with the SP key")
        dec = save(a.work, "resp-enc-decrypted.xml", p.stdout)
        ok(xmlsec_verify(dec, idp_crt, xpath="//*[local-name()='EncryptedAssertion']"
                                             "/*[local-name()='Assertion']"
                                             "/*[local-name()='Signature']"),
           "the decrypted Assertion's own signature verifies (signed, then encrypted)")
        rc, out = lk.verify(path, md_path, SP2_ID, ACS2, irt=post.request_id,
                            extra=["--sp-key", sp_key])
        ok(rc == 0 and out["encrypted"] and out["assertion_signed"] and
           out["name_id"] == "bob@example.com", "latchkey verify --sp-key accepts it")
        rc, out = lk.verify(path, md_path, SP2_ID, ACS2, irt=post.request_id)
        ok(rc == 1, "without the SP key: refused (%s)" % out.get("error"))

        # ---- signing with a key the SP never saw ------------------------------------------
        idp.set_signing_key("other")
        post = L.sp_initiated(L.Browser(), idp, SP_ID, ACS, "alice@example.com", "alice-pass")
        path = save(a.work, "resp-otherkey.xml", post.xml)
        ok(xmlsec_verify(path, other_crt) and not xmlsec_verify(path, idp_crt),
           "after set_signing_key: signed by the other key, not the imported one")
        rc, out = lk.verify(path, md_path, SP_ID, ACS, irt=post.request_id)
        ok(rc == 1, "latchkey refuses it against the imported metadata (%s)" % out.get("error"))
        idp.set_signing_key("idp")
    finally:
        tls.stop()
        pid = idp.proc.pid if idp.proc else None
        idp.stop()
    time.sleep(0.2)
    ok(not I.port_in_use(idp.port), "stop(): the IdP port is free")
    ok(not live_in_group(pid), "stop(): no live process of the IdP's group is left")
    print("idp harness: %d checks passed in %.1f s" % (passed, time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (AssertionError, I.HarnessError, L.LoginError) as e:
        print("FAILED: %s" % e, flush=True)
        sys.exit(1)
