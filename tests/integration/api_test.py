#!/usr/bin/python3
"""The admin JSON API on the host board over real HTTP (docs/API.md): password login and
its refusals, sessions and cookies, CSRF, read-only users, every validation rule of the
SSO settings, pasted / uploaded / manual IdP settings (Okta metadata from the corpus, one
without an entityID and the Okta app-ID helper, garbage, no IDPSSODescriptor, expired,
oversize), enable (idempotent, notification), the password grace period at 71h59m and
72h01m (host board clock control), break-glass (recovery-login, sso disable), the trust
store, audit and sessions lists, password change, SP metadata, the configuration
surviving a restart, the full session table and the failed-login backoff.

usage: api_test.py PATH/TO/latchkey-host
"""

import base64
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

from lkapi import Api, expect_error
from lkhost import Device, TestFailure, check, exe_from_argv

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "..", "shared", "saml-corpus", "real", "metadata")
OKTA_MD = os.path.join(CORPUS, "okta", "okta-ssoready-exkdoocxa1VmjpXmX697.xml")
OKTA_ENTITY = "http://www.okta.com/exkdoocxa1VmjpXmX697"
ADMIN_PW = "first-Boot-pw-42"
SESSIONS_MAX = 8
HOUR = 3600

PROTECTED = [
    ("GET", "/api/v1/sso"), ("PUT", "/api/v1/sso"), ("PUT", "/api/v1/sso/idp"),
    ("POST", "/api/v1/sso/import"), ("GET", "/api/v1/sso/import"),
    ("POST", "/api/v1/sso/enable"), ("GET", "/api/v1/trust"), ("POST", "/api/v1/trust"),
    ("DELETE", "/api/v1/trust/" + "0" * 64), ("GET", "/api/v1/audit"),
    ("GET", "/api/v1/sessions"), ("DELETE", "/api/v1/sessions/0123456789abcdef"),
    ("POST", "/api/v1/logout"), ("POST", "/api/v1/password"), ("POST", "/api/v1/device/cert"),
]

# Mutations a read-only user must be refused (403 forbidden).
ADMIN_ONLY = [
    ("PUT", "/api/v1/sso", {"provider_name": "x"}),
    ("PUT", "/api/v1/sso/idp", {"idp_entity_id": "x", "idp_sso_url": "https://x",
                                "idp_certs_pem": ["x"]}),
    ("POST", "/api/v1/sso/import", {"metadata_xml": "<x/>"}),
    ("POST", "/api/v1/sso/enable", {"enabled": False}),
    ("POST", "/api/v1/trust", {"pem": "x"}),
    ("DELETE", "/api/v1/trust/" + "0" * 64, None),
    ("DELETE", "/api/v1/sessions/0123456789abcdef", None),
    ("POST", "/api/v1/device/cert", {"cert_pem": "x", "key_pem": "y"}),
]

VALID_SSO = {
    "provider_name": "Okta",
    "short_name": "okta",
    "idp_metadata_url": "https://dev-123456.okta.com/app/exkdoocxa1VmjpXmX697/sso/saml/metadata",
    "base_url": "http://127.0.0.1:8080/",
    "default_relay_state": "/",
    "username_attribute": "",
    "role_attribute": "groups",
    "admin_groups": ["admins", "netops"],
    "readonly_groups": ["readonly"],
    "clock_skew_s": 120,
    "session_lifetime_s": 3600,
    "allow_idp_initiated": True,
    "password_grace_hours": 72,
}

# (field, bad value, why) -> 400 invalid_field
BAD_FIELDS = [
    ("provider_name", "x" * 65, "too long"),
    ("provider_name", "a\u0007b", "control character"),
    ("provider_name", 5, "not a string"),
    ("short_name", "Okta", "upper case"),
    ("short_name", "ok.ta", "dot"),
    ("short_name", "a" * 33, "too long"),
    ("short_name", "ok/ta", "slash"),
    ("idp_metadata_url", "http://idp.example/metadata", "not https"),
    ("idp_metadata_url", "javascript:alert(1)", "not a URL"),
    ("idp_metadata_url", "https://u@idp.example/md", "userinfo"),
    ("idp_entity_id", "a\nb", "newline"),
    ("idp_entity_id", "e" * 256, "too long"),
    ("base_url", "https://fw.example.com/admin", "path"),
    ("base_url", "ftp://fw.example.com", "scheme"),
    ("base_url", "https://fw.example.com?x=1", "query"),
    ("base_url", "https://" + "b" * 210, "too long"),
    ("default_relay_state", "https://evil.example/", "absolute URL"),
    ("default_relay_state", "//evil.example", "scheme-relative"),
    ("default_relay_state", "/a\\b", "backslash"),
    ("default_relay_state", "/" + "r" * 80, "too long"),
    ("username_attribute", "u" * 129, "too long"),
    ("role_attribute", ["groups"], "not a string"),
    ("admin_groups", "admins", "not an array"),
    ("admin_groups", ["a"] * 9, "too many"),
    ("admin_groups", [""], "empty value"),
    ("admin_groups", [5], "not a string"),
    ("readonly_groups", ["g" * 65], "value too long"),
    ("clock_skew_s", 601, "over 600"),
    ("clock_skew_s", -1, "negative"),
    ("clock_skew_s", 1.5, "fraction"),
    ("clock_skew_s", "180", "string"),
    ("session_lifetime_s", 299, "under 300"),
    ("session_lifetime_s", 86401, "over a day"),
    ("allow_idp_initiated", 1, "not a boolean"),
    ("password_grace_hours", 721, "over 720"),
]


def cert_fingerprints(md_xml):
    """SHA-256 of every X509Certificate in a metadata document (the independent view)."""
    out = []
    for m in re.finditer(r"<ds:X509Certificate>(.*?)</ds:X509Certificate>", md_xml, re.S):
        der = base64.b64decode("".join(m.group(1).split()))
        out.append(hashlib.sha256(der).hexdigest())
    return out


def pem_of_first_cert(md_xml):
    m = re.search(r"<ds:X509Certificate>(.*?)</ds:X509Certificate>", md_xml, re.S)
    b64 = "".join(m.group(1).split())
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def make_ca(tmp, name):
    key = os.path.join(tmp, name + ".key")
    crt = os.path.join(tmp, name + ".crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-sha256", "-days", "30", "-subj",
                    "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
                    "-keyout", key, "-out", crt], check=True, capture_output=True)
    with open(crt) as f:
        pem = f.read()
    der = subprocess.run(["openssl", "x509", "-in", crt, "-outform", "DER"], check=True,
                         capture_output=True).stdout
    return pem, hashlib.sha256(der).hexdigest()


def console_password(dev, cmd, rx):
    return dev.command(cmd, rx).group(1)


# ---- sections ------------------------------------------------------------------------------

def unauthenticated(dev, api):
    st = api.get("/api/v1/status")
    check("session" not in st, "status without a cookie has a session")
    check(st["sso"] == {"enabled": False, "provider_name": None, "login_url": None,
                        "password_login": True, "password_login_until": None, "reason": None},
          "status sso block: %r" % st["sso"])
    for method, path in PROTECTED:
        body = b"{}" if method in ("POST", "PUT") else None
        expect_error(api.call(method, path, raw_body=body), 401, "unauthorized",
                     "%s %s without a session" % (method, path))


def login_refusals(dev, api):
    expect_error(api.call("POST", "/api/v1/login", {"username": "admin", "password": "nope-nope"}),
                 401, "bad_credentials", "wrong password")
    wrong = api.call("POST", "/api/v1/login", {"username": "admin", "password": "nope-nope"})
    unknown = api.call("POST", "/api/v1/login", {"username": "mallory", "password": "nope-nope"})
    check(wrong == unknown, "unknown user and wrong password answer differently: %r %r" %
          (wrong, unknown))
    expect_error(api.call("POST", "/api/v1/login", {"username": "admin"}), 400, "missing_field",
                 "no password")
    expect_error(api.call("POST", "/api/v1/login", {"password": "x"}), 400, "missing_field",
                 "no username")
    expect_error(api.call("POST", "/api/v1/login", {"username": "admin", "password": "x",
                                                     "otp": 1}),
                 400, "unknown_field", "extra field")
    expect_error(api.call("POST", "/api/v1/login", {"username": 5, "password": "x"}), 400,
                 "invalid_field", "username not a string")
    expect_error(api.call("POST", "/api/v1/login", {"username": "u" * 65, "password": "x"}), 400,
                 "invalid_field", "username too long")
    expect_error(api.call("POST", "/api/v1/login", raw_body=b"username=admin&password=x",
                          headers={"Content-Type": "application/x-www-form-urlencoded"}),
                 415, "unsupported_media_type", "a form body")
    expect_error(api.call("POST", "/api/v1/login", raw_body=b'{"username":"admin"',
                          headers={"Content-Type": "application/json"}), 400, "bad_json",
                 "cut JSON")
    for bad in (b"", b"[]", b'"x"', b'{"username":"a","username":"b","password":"x"}',
                b"{'username':'admin'}", b'{"username":"admin","password":"x"} trailing',
                b'{"username":"\\u0000","password":"x"}', b"\xff\xfe{}",
                b"[" * 20 + b"]" * 20):
        st, doc = api.call("POST", "/api/v1/login", raw_body=bad,
                           headers={"Content-Type": "application/json"})
        check(st == 400 and doc["error"] == "bad_json", "body %r: %d %r" % (bad[:30], st, doc))
    # Over the route's body limit: refused before the body is read.
    st, doc = api.call("POST", "/api/v1/login",
                       {"username": "admin", "password": "p" * 2000})
    check(st == 413, "oversize login body: HTTP %d" % st)
    # A password longer than any stored one is just wrong (same answer).
    expect_error(api.call("POST", "/api/v1/login", {"username": "admin", "password": "p" * 200}),
                 401, "bad_credentials", "long password")


def cookies_and_csrf(dev, api):
    doc = api.login("admin", ADMIN_PW)
    check(doc["role"] == "admin" and doc["user"] == "admin" and
          re.fullmatch(r"[0-9a-f]{32}", doc["csrf_token"]), "login answer %r" % doc)
    st = api.get("/api/v1/status")
    check(st["session"]["user"] == "admin" and st["session"]["role"] == "admin" and
          st["session"]["csrf_token"] == api.csrf and st["session"]["method"] == "password",
          "status session %r" % st.get("session"))
    good = api.cookie
    sid = good.split("=", 1)[1]
    bad_cookies = [
        "lk_session=" + secrets.token_hex(16),          # a guess
        "lk_session=" + sid.upper(),                    # one spelling only
        "lk_session=" + sid[:-1],                       # short
        "lk_session=" + sid + "0",                      # long
        "lk_session=" + sid[:-1] + "g",                 # not hex
        good + "; " + good,                             # given twice (cookie tossing)
        "other=" + sid,                                 # another name
        "lk_session",                                   # no value
        "",
    ]
    for c in bad_cookies:
        expect_error(api.call("GET", "/api/v1/sso", headers={"Cookie": c}), 401, "unauthorized",
                     "cookie %r" % c[:60])
        check("session" not in json.loads(api.raw("GET", "/api/v1/status",
                                                  headers={"Cookie": c})[2]),
              "status accepted cookie %r" % c)
    # other cookies around ours are fine
    check(api.call("GET", "/api/v1/sso", headers={"Cookie": "a=b; " + good + "; c=d"})[0] == 200,
          "cookie among others refused")
    # CSRF on mutations
    expect_error(api.call("PUT", "/api/v1/sso", {"provider_name": "X"}, csrf=False), 403, "csrf",
                 "PUT without X-CSRF-Token")
    expect_error(api.call("PUT", "/api/v1/sso", {"provider_name": "X"}, csrf=False,
                          headers={"X-CSRF-Token": "0" * 32}), 403, "csrf", "wrong token")
    expect_error(api.call("PUT", "/api/v1/sso", {"provider_name": "X"}, csrf=False,
                          headers={"X-CSRF-Token": api.csrf[:-1]}), 403, "csrf", "short token")
    expect_error(api.call("POST", "/api/v1/logout", {}, csrf=False), 403, "csrf",
                 "logout without token")
    check(api.get("/api/v1/sso")["provider_name"] == "", "a refused PUT changed something")


def sso_settings(dev, api):
    doc = api.put("/api/v1/sso", VALID_SSO)
    for k, v in VALID_SSO.items():
        want = v.rstrip("/") if k == "base_url" else v
        check(doc[k] == want, "PUT then %s = %r (want %r)" % (k, doc[k], want))
    check(doc["acs_url"] == "http://127.0.0.1:8080/sso/okta/acs", "acs_url %r" % doc["acs_url"])
    check(doc["sp_entity_id"] == "http://127.0.0.1:8080/sso/okta/metadata", "sp_entity_id")
    check(doc["idp_entity_id"] is None and doc["idp_entity_id_found"] is False,
          "entity ID before any import: %r" % doc["idp_entity_id"])
    # The Okta app ID helper (sso_md_okta_app_id) from the metadata URL.
    check(doc["idp_entity_id_suggestion"] == OKTA_ENTITY, "suggestion %r" %
          doc["idp_entity_id_suggestion"])
    check(doc["enabled"] is False and doc["enabled_at"] is None and
          doc["password_login_until"] is None, "enable state")
    check(api.get("/api/v1/sso") == doc, "GET differs from the PUT answer")
    for field, value, why in BAD_FIELDS:
        expect_error(api.call("PUT", "/api/v1/sso", {field: value}), 400, "invalid_field",
                     "%s %s" % (field, why))
    check(api.get("/api/v1/sso") == doc, "a refused PUT changed the settings")
    expect_error(api.call("PUT", "/api/v1/sso", {"provider": "x"}), 400, "unknown_field",
                 "unknown field")
    expect_error(api.call("PUT", "/api/v1/sso", ["x"]), 400, "bad_json", "array body")
    st, _ = api.call("PUT", "/api/v1/sso", {"provider_name": "p" * 9000})
    check(st == 413, "oversize PUT: %d" % st)
    # partial update; clearing; null entity ID
    d2 = api.put("/api/v1/sso", {"provider_name": "Okta (lab)", "idp_entity_id": None})
    check(d2["provider_name"] == "Okta (lab)" and d2["short_name"] == "okta", "partial PUT")
    # the SP metadata the IdP imports
    st, hdrs, body = api.raw("GET", "/sso/okta/metadata")
    check(st == 200 and hdrs["content-type"] == "application/samlmetadata+xml", "SP metadata %d" %
          st)
    root = ET.fromstring(body)
    ns = {"md": "urn:oasis:names:tc:SAML:2.0:metadata"}
    check(root.get("entityID") == doc["sp_entity_id"], "SP metadata entityID")
    acs = root.find(".//md:AssertionConsumerService", ns)
    check(acs is not None and acs.get("Location") == doc["acs_url"] and
          acs.get("Binding").endswith("HTTP-POST"), "SP metadata ACS")
    subprocess.run(["xmllint", "--noout", "-"], input=body, check=True)
    st, _, _ = api.raw("GET", "/sso/other/metadata")
    check(st == 404, "another short name: %d" % st)


def imports(dev, api, tmp):
    with open(OKTA_MD) as f:
        okta = f.read()
    doc = api.post("/api/v1/sso/import", {"metadata_xml": okta})
    check(doc["idp_entity_id"] == OKTA_ENTITY and doc["idp_entity_id_found"], "entity %r" %
          doc["idp_entity_id"])
    check(doc["idp_sso_url"] and doc["idp_sso_url"].startswith("https://"), "sso url %r" %
          doc["idp_sso_url"])
    check([c["sha256"] for c in doc["idp_certs"]] == cert_fingerprints(okta),
          "certificate fingerprints %r vs %r" % (doc["idp_certs"], cert_fingerprints(okta)))
    check(doc["metadata"]["source"] == "pasted" and doc["metadata"]["next_refresh"] is None,
          "pasted metadata: %r" % doc["metadata"])
    # Okta catalog metadata without an entityID: "not found", then the app-ID helper.
    no_id = okta.replace(' entityID="%s"' % OKTA_ENTITY, "")
    check(no_id != okta, "could not remove the entityID")
    doc = api.post("/api/v1/sso/import", {"metadata_xml": no_id})
    check(doc["idp_entity_id"] is None and doc["idp_entity_id_found"] is False,
          "no entityID: %r" % doc["idp_entity_id"])
    check(doc["idp_sso_url"] and doc["idp_certs"], "the rest of the metadata was not taken")
    doc = api.put("/api/v1/sso", {"idp_entity_id": doc["idp_entity_id_suggestion"]})
    check(doc["idp_entity_id"] == OKTA_ENTITY and not doc["idp_entity_id_found"],
          "entity from the URL helper: %r" % doc["idp_entity_id"])
    # re-importing metadata without an entityID keeps the admin's value
    doc = api.post("/api/v1/sso/import", {"metadata_xml": no_id})
    check(doc["idp_entity_id"] == OKTA_ENTITY, "admin's entity ID lost on re-import")
    # the XML itself as the body
    st, hdrs, body = api.raw("POST", "/api/v1/sso/import", okta.encode(),
                             {"Content-Type": "application/samlmetadata+xml",
                              "X-CSRF-Token": api.csrf})
    check(st == 200 and json.loads(body)["idp_entity_id_found"], "raw XML upload: %d %r" % (st, body))
    good = api.get("/api/v1/sso")
    # refusals (nothing changes)
    sp_only = ('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
               'entityID="https://sp.example"><md:SPSSODescriptor protocolSupportEnumeration='
               '"urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>')
    d = expect_error(api.call("POST", "/api/v1/sso/import", {"metadata_xml": sp_only}), 400,
                     "metadata_no_idp", "no IDPSSODescriptor")
    check(d["detail"] == "Metadata has no IDPSSODescriptor.", "detail %r" % d["detail"])
    expect_error(api.call("POST", "/api/v1/sso/import", {"metadata_xml": "not xml <"}), 400,
                 "xml_malformed", "garbage")
    expect_error(api.call("POST", "/api/v1/sso/import",
                          {"metadata_xml": '<!DOCTYPE x [<!ENTITY a "b">]>' + okta[38:]}), 400,
                 "xml_dtd_forbidden", "DTD")
    expired = okta.replace('<md:EntityDescriptor ',
                           '<md:EntityDescriptor validUntil="2020-01-01T00:00:00Z" ', 1)
    d = expect_error(api.call("POST", "/api/v1/sso/import", {"metadata_xml": expired}), 400,
                     "metadata_expired", "expired")
    check("2020-01-01T00:00:00Z" in d["detail"], "expiry detail %r" % d["detail"])
    no_cert = re.sub(r"<md:KeyDescriptor.*?</md:KeyDescriptor>", "", okta, flags=re.S)
    expect_error(api.call("POST", "/api/v1/sso/import", {"metadata_xml": no_cert}), 400,
                 "metadata_no_signing_cert", "no certificate")
    expect_error(api.call("POST", "/api/v1/sso/import", {"metadata_xml": ""}), 400,
                 "invalid_field", "empty")
    expect_error(api.call("POST", "/api/v1/sso/import", {"metadata_xml": 1}), 400,
                 "invalid_field", "not a string")
    big = okta.replace("</md:EntityDescriptor>",
                       "<!--" + "x" * 70000 + "--></md:EntityDescriptor>")
    st, _ = api.call("POST", "/api/v1/sso/import", {"metadata_xml": big})
    check(st == 413, "oversize import: %d" % st)
    check(api.get("/api/v1/sso") == good, "a refused import changed the settings")
    # manual entry
    pem = pem_of_first_cert(okta)
    doc = api.put("/api/v1/sso/idp", {"idp_entity_id": "https://idp.manual.example",
                                      "idp_sso_url": "https://idp.manual.example/sso",
                                      "idp_certs_pem": [pem]})
    check(doc["idp_entity_id"] == "https://idp.manual.example" and
          doc["idp_sso_url"] == "https://idp.manual.example/sso" and
          doc["metadata"]["source"] == "manual" and
          doc["idp_certs"][0]["sha256"] == cert_fingerprints(okta)[0], "manual IdP %r" % doc)
    for bad, code in (({"idp_entity_id": "x", "idp_sso_url": "https://x",
                        "idp_certs_pem": ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END "
                                          "CERTIFICATE-----\n"]}, "certificate_invalid"),
                      ({"idp_entity_id": "x", "idp_sso_url": "https://x",
                        "idp_certs_pem": ["not pem"]}, "base64_invalid"),
                      ({"idp_entity_id": "x", "idp_sso_url": "ftp://x",
                        "idp_certs_pem": [pem]}, "invalid_field"),
                      ({"idp_entity_id": "", "idp_sso_url": "https://x",
                        "idp_certs_pem": [pem]}, "invalid_field"),
                      ({"idp_entity_id": "x", "idp_sso_url": "https://x",
                        "idp_certs_pem": []}, "invalid_field"),
                      ({"idp_entity_id": "x", "idp_sso_url": "https://x",
                        "idp_certs_pem": [pem] * 5}, "invalid_field"),
                      ({"idp_entity_id": "x", "idp_sso_url": "https://x"}, "invalid_field"),
                      ({"idp_sso_url": "https://x", "idp_certs_pem": [pem]}, "missing_field")):
        expect_error(api.call("PUT", "/api/v1/sso/idp", bad), 400, code, "manual %r" %
                     list(bad))
    # back to the Okta metadata for what follows
    api.post("/api/v1/sso/import", {"metadata_xml": okta})
    # URL fetch: refused while no HTTPS client is built in
    st, doc = api.call("POST", "/api/v1/sso/import", {})
    check(st in (202, 501), "fetch start: %d %r" % (st, doc))
    return okta


def readonly_user(dev, api):
    pw = console_password(dev, "passwd viewer readonly", r"passwd: viewer: new password (\S+)")
    ro = Api(dev.http_port)
    ro.login("viewer", pw)
    check(ro.role == "readonly", "role %r" % ro.role)
    ro.get("/api/v1/sso")
    ro.get("/api/v1/audit")
    ro.get("/api/v1/sessions")
    ro.get("/api/v1/trust")
    for method, path, body in ADMIN_ONLY:
        expect_error(ro.call(method, path, body), 403, "forbidden",
                     "read-only %s %s" % (method, path))
    # without the token it is csrf first (nothing is revealed about the role)
    expect_error(ro.call("PUT", "/api/v1/sso", {"provider_name": "x"}, csrf=False), 403, "csrf",
                 "read-only without token")
    ro.post("/api/v1/logout", {})
    expect_error(ro.call("GET", "/api/v1/sso"), 401, "unauthorized", "after logout")


def enable_and_grace(dev, api):
    expect_error(api.call("POST", "/api/v1/sso/enable", {"enabled": "yes"}), 400,
                 "invalid_field", "enabled not a boolean")
    expect_error(api.call("POST", "/api/v1/sso/enable", {}), 400, "missing_field", "no enabled")
    # incomplete: no role attribute
    api.put("/api/v1/sso", {"role_attribute": ""})
    d = expect_error(api.call("POST", "/api/v1/sso/enable", {"enabled": True}), 409,
                     "not_configured", "incomplete")
    check("role_attribute" in d["detail"], "missing list %r" % d["detail"])
    api.put("/api/v1/sso", {"role_attribute": "groups"})
    start = len(dev.lines)
    before = int(time.time())
    doc = api.post("/api/v1/sso/enable", {"enabled": True})
    t0 = doc["enabled_at"]
    check(doc["enabled"] and abs(t0 - before) <= 5, "enabled_at %r" % t0)
    check(doc["password_login_until"] == t0 + 72 * HOUR, "until %r" % doc["password_login_until"])
    dev.wait_for(r"notice: to admin: Single sign-on with Okta \(lab\) was enabled by admin; "
                 r"password login ends", start=start)
    dev.wait_for(r"audit: #\d+ sso_enabled user=admin", start=start)
    dev.command("notices", r"notices: [1-9]\d* queued")
    time.sleep(1.1)
    doc2 = api.post("/api/v1/sso/enable", {"enabled": True})
    check(doc2["enabled_at"] == t0, "re-enabling moved enabled_at %r -> %r" %
          (t0, doc2["enabled_at"]))
    # while enabled, a change that breaks the config is refused
    expect_error(api.call("PUT", "/api/v1/sso", {"short_name": ""}), 409, "not_configured",
                 "clearing the short name while enabled")
    st = api.get("/api/v1/status")["sso"]
    check(st["enabled"] and st["login_url"] == "/sso/okta/login" and st["password_login"] and
          st["password_login_until"] == t0 + 72 * HOUR, "status sso %r" % st)
    # 71h59m after enabling: the password still works
    now = int(time.time())
    dev.command("clock-offset %d" % (t0 + 72 * HOUR - 60 - now), r"clock-offset: -?\d+ s")
    Api(dev.http_port).login("admin", ADMIN_PW)
    # 72h01m: refused, with the SSO button info
    dev.command("clock-offset %d" % (t0 + 72 * HOUR + 60 - now), r"clock-offset: -?\d+ s")
    d = expect_error(Api(dev.http_port).call("POST", "/api/v1/login",
                                             {"username": "admin", "password": ADMIN_PW}),
                     403, "sso_required", "72h01m")
    check(d["detail"] == "Single sign-on is required" and
          d["sso"]["login_url"] == "/sso/okta/login" and d["sso"]["provider_name"] == "Okta (lab)",
          "refusal %r" % d)
    st = api.get("/api/v1/status")["sso"]
    check(st["password_login"] is False and st["reason"] == "Single sign-on is required",
          "status after grace %r" % st)
    # a wrong password still says bad_credentials (the policy is not revealed to strangers)
    expect_error(Api(dev.http_port).call("POST", "/api/v1/login",
                                         {"username": "admin", "password": "wrong-wrong"}),
                 401, "bad_credentials", "wrong password after grace")
    # break-glass 1: a one-time recovery login
    pw = console_password(dev, "recovery-login",
                          r'recovery-login: user "recovery", one-time password (\S+)')
    check(pw not in "\n".join(l for l in dev.lines if "audit:" in l), "OTP in the audit log")
    rec = Api(dev.http_port)
    rec.login("recovery", pw)
    check(rec.role == "admin", "recovery role %r" % rec.role)
    check(rec.get("/api/v1/status")["session"]["method"] == "recovery", "recovery method")
    expect_error(Api(dev.http_port).call("POST", "/api/v1/login",
                                         {"username": "recovery", "password": pw}),
                 401, "bad_credentials", "recovery password used twice")
    rec.post("/api/v1/logout", {})
    # break-glass 2: sso disable on the console
    start = len(dev.lines)
    dev.command("sso disable", r"sso: DISABLED from the console")
    dev.wait_for(r"audit: #\d+ sso_disabled user=console", start=start)
    Api(dev.http_port).login("admin", ADMIN_PW)
    doc = api.get("/api/v1/sso")
    check(not doc["enabled"] and doc["enabled_at"] is None, "disabled state %r" % doc["enabled"])
    dev.command("clock-offset 0", r"clock-offset: 0 s")
    # enable again for the restart check; a new grace period starts
    doc = api.post("/api/v1/sso/enable", {"enabled": True})
    check(doc["enabled_at"] >= t0, "new enabled_at")
    return doc


def trust_store(dev, api, tmp):
    check(api.get("/api/v1/trust")["admin"] == [], "trust store not empty at start")
    pems = [make_ca(tmp, "Test CA %d" % i) for i in range(4)]
    for pem, fp in pems[:3]:
        d = api.post("/api/v1/trust", {"pem": pem}, expect=201)
        check(d["sha256"] == fp and "Test CA" in d["subject"], "trust add %r" % d)
    expect_error(api.call("POST", "/api/v1/trust", {"pem": pems[0][0]}), 409, "exists",
                 "duplicate CA")
    expect_error(api.call("POST", "/api/v1/trust", {"pem": pems[3][0]}), 409, "trust_store_full",
                 "fourth CA")
    expect_error(api.call("POST", "/api/v1/trust", {"pem": "garbage"}), 400, "pem_invalid",
                 "not PEM")
    leaf_key = os.path.join(tmp, "leaf.key")
    leaf = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                           "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj",
                           "/CN=not a CA", "-addext", "basicConstraints=critical,CA:FALSE",
                           "-keyout", leaf_key], check=True, capture_output=True).stdout.decode()
    expect_error(api.call("POST", "/api/v1/trust", {"pem": leaf}), 400, "not_a_ca",
                 "a leaf certificate")
    expect_error(api.call("POST", "/api/v1/trust", {}), 400, "missing_field", "no pem")
    lst = api.get("/api/v1/trust")["admin"]
    check([c["sha256"] for c in lst] == [fp for _, fp in pems[:3]], "trust list %r" % lst)
    api.delete("/api/v1/trust/" + pems[1][1])
    expect_error(api.call("DELETE", "/api/v1/trust/" + pems[1][1]), 404, "not_found",
                 "deleting twice")
    expect_error(api.call("DELETE", "/api/v1/trust/xyz"), 404, "not_found", "bad fingerprint")
    check(len(api.get("/api/v1/trust")["admin"]) == 2, "after delete")
    return [pems[0][1], pems[2][1]]


def audit_and_sessions(dev, api):
    other = Api(dev.http_port)
    other.login("admin", ADMIN_PW)
    lst = api.get("/api/v1/sessions")
    check(lst["max"] == SESSIONS_MAX, "sessions max")
    mine = [s for s in lst["sessions"] if s["current"]]
    check(len(mine) == 1 and mine[0]["user"] == "admin" and mine[0]["method"] == "password",
          "current session %r" % mine)
    ids = [s["id"] for s in lst["sessions"]]
    check(all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids), "session handles %r" % ids)
    check(all(i not in api.cookie and i not in other.cookie for i in ids),
          "a handle is part of a session ID")
    victim = [s for s in other.get("/api/v1/sessions")["sessions"] if s["current"]][0]["id"]
    api.delete("/api/v1/sessions/" + victim)
    expect_error(other.call("GET", "/api/v1/sso"), 401, "unauthorized", "deleted session")
    expect_error(api.call("DELETE", "/api/v1/sessions/" + victim), 404, "not_found",
                 "deleting twice")
    audit = api.get("/api/v1/audit")
    check(audit["max"] == 32 and len(audit["entries"]) <= 32, "audit size")
    events = [e["event"] for e in audit["entries"]]
    for ev in ("login_ok", "login_failed", "sso_enabled", "sso_disabled", "recovery_used",
               "trust_added", "session_revoked", "config_changed"):
        check(ev in events, "audit lacks %s: %r" % (ev, events))
    seqs = [e["seq"] for e in audit["entries"]]
    check(seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "audit order %r" % seqs)
    text = json.dumps(audit) + dev.output()
    for secret in (ADMIN_PW, api.cookie.split("=")[1], other.cookie.split("=")[1], api.csrf):
        check(secret not in text, "a secret reached the audit log or the console")


def password_change(dev, api):
    expect_error(api.call("POST", "/api/v1/password", {"current_password": "wrong-pw-1",
                                                       "new_password": "x" * 12}),
                 403, "bad_credentials", "wrong current password")
    expect_error(api.call("POST", "/api/v1/password", {"current_password": ADMIN_PW,
                                                       "new_password": "short"}),
                 400, "invalid_field", "short new password")
    api.post("/api/v1/password", {"current_password": ADMIN_PW, "new_password": "new-Admin-pw-7"})
    expect_error(Api(dev.http_port).call("POST", "/api/v1/login",
                                         {"username": "admin", "password": ADMIN_PW}),
                 401, "bad_credentials", "old password after change")
    Api(dev.http_port).login("admin", "new-Admin-pw-7")
    return "new-Admin-pw-7"


def session_table_full(dev, pw):
    """Log in until the table is full: the next login is 503 session_table_full (no live
    session is evicted), and the list shows all of them. Then free them."""
    apis = []
    while True:
        a = Api(dev.http_port)
        st, hdrs, data = a.raw("POST", "/api/v1/login",
                               json.dumps({"username": "admin", "password": pw}),
                               {"Content-Type": "application/json"})
        doc = json.loads(data)
        if st == 503:
            check(doc["error"] == "session_table_full", "full table answer %r" % doc)
            break
        check(st == 200, "login %d: %d %r" % (len(apis), st, doc))
        a.cookie = hdrs["set-cookie"].split(";", 1)[0]
        a.csrf = doc["csrf_token"]
        apis.append(a)
        check(len(apis) <= SESSIONS_MAX, "no limit after %d logins" % len(apis))
    dev.wait_for(r"audit: #\d+ session_table_full")
    lst = apis[0].get("/api/v1/sessions")["sessions"]
    check(len(lst) == SESSIONS_MAX, "sessions listed when full: %d" % len(lst))
    for a in apis:
        a.get("/api/v1/sso")  # every one of them still works
        a.post("/api/v1/logout", {})
    return len(lst)


def backoff(dev):
    a = Api(dev.http_port)
    for i in range(5):
        expect_error(a.call("POST", "/api/v1/login", {"username": "admin", "password": "bad-pw-%d"
                                                                                       % i}),
                     401, "bad_credentials", "failure %d" % i)
    d = expect_error(a.call("POST", "/api/v1/login", {"username": "admin", "password": "bad"}),
                     429, "rate_limited", "sixth attempt")
    check(re.search(r"\d+ seconds", d["detail"]), "backoff detail %r" % d["detail"])


def audit_paging(dev, pw):
    """User names that JSON must escape (a hostile client picks them) make the audit
    tail larger than one response: it is served in pages, never cut or refused."""
    a = Api(dev.http_port)
    for i in range(34):
        st, _ = a.call("POST", "/api/v1/login", {"username": '"\\' * 32, "password": "x" * 8})
        check(st in (401, 429), "hostile login %d: %d" % (i, st))
    time.sleep(2.5)  # past the backoff, which does not stop the admin for long
    for _ in range(150):
        st, hdrs, data = a.raw("POST", "/api/v1/login",
                               json.dumps({"username": "admin", "password": pw}),
                               {"Content-Type": "application/json"})
        if st == 200:
            break
        time.sleep(1)
    check(st == 200, "admin locked out: %d %r" % (st, data))
    a.cookie = hdrs["set-cookie"].split(";", 1)[0]
    pages, entries, since = 0, [], 0
    while True:
        doc = a.get("/api/v1/audit?since=%d" % since)
        pages += 1
        entries += doc["entries"]
        if not doc["more"]:
            break
        check(doc["entries"], "a page without entries but more")
        since = doc["entries"][-1]["seq"]
    check(pages > 1, "32 escaped entries fit one page? (%d)" % pages)
    check(len(entries) == 32, "entries over all pages: %d" % len(entries))
    seqs = [e["seq"] for e in entries]
    check(seqs == sorted(seqs) and len(set(seqs)) == 32, "paging order %r" % seqs)
    check(any(e["user"] == '"\\' * 32 for e in entries), "hostile user name not kept verbatim")
    expect_error(a.call("GET", "/api/v1/audit?since=x"), 400, "invalid_field", "bad since")
    print("audit tail with escaped user names: %d pages" % pages)


def main():
    exe = exe_from_argv(sys.argv)
    with tempfile.TemporaryDirectory(prefix="lk-api-") as tmp:
        flash = os.path.join(tmp, "flash.bin")
        dev = Device(exe, flash, extra=["--admin-password", ADMIN_PW]).start()
        try:
            dev.wait_up()
            api = Api(dev.http_port)
            unauthenticated(dev, api)
            login_refusals(dev, api)
            cookies_and_csrf(dev, api)
            sso_settings(dev, api)
            imports(dev, api, tmp)
            readonly_user(dev, api)
            trusted = trust_store(dev, api, tmp)
            enable_and_grace(dev, api)
            audit_and_sessions(dev, api)
            pw = password_change(dev, api)
            saved = api.get("/api/v1/sso")
            old_cookie = api.cookie

            # The configuration survives a restart (power loss: SIGKILL); sessions do not.
            dev.stop()
            dev.extra = []
            dev.start()
            dev.wait_up()
            api = Api(dev.http_port)
            api.cookie = old_cookie
            expect_error(api.call("GET", "/api/v1/sso"), 401, "unauthorized",
                         "a session survived the restart")
            api.login("admin", pw)
            now = api.get("/api/v1/sso")
            check(now == saved, "settings changed across the restart:\n%r\n%r" % (saved, now))
            check([c["sha256"] for c in api.get("/api/v1/trust")["admin"]] == trusted,
                  "trust store after restart")
            check(any(e["event"] == "boot" for e in api.get("/api/v1/audit")["entries"]),
                  "audit tail after restart")
            n = session_table_full(dev, pw)
            print("session table: %d sessions, then session_table_full" % n)
            backoff(dev)
            audit_paging(dev, pw)
        finally:
            dev.stop()
    print("api test: passed")


if __name__ == "__main__":
    try:
        main()
    except TestFailure as e:
        print("FAILED: %s" % e)
        sys.exit(1)
