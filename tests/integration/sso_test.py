#!/usr/bin/python3
"""SSO logins on the host board with a real IdP: SimpleSAMLphp configured like an Okta app
(entityID http://www.okta.com/exk...), set up on the device through the JSON API exactly
as an admin would (pasted metadata, generated ACS URL and SP entity ID registered at the
IdP, role mapping, enable).

Covers: SP-initiated login (AuthnRequest over HTTP-Redirect, RelayState from `next`; none
without it, landing on the dashboard), the session the status document then reports
(user, role, CSRF token, method sso), role mapping (admin, read-only, no access), replay of
an SP-initiated and of an IdP-initiated response (code `replay` in the audit log),
IdP-initiated logins landing at the Default Relay State, open-redirect RelayState ignored,
no SSO login without time (password login still works), a response signed with a key the
device does not trust (signature_invalid), a login for another SP entity ID
(audience_mismatch) and to another ACS URL (destination_mismatch), SSO disabled, and the
ACS validation time. Each refusal page says what happened in a sentence with the values
that matter (HTML-escaped), styled like the sign-in page, and the audit log keeps the
stable code and the value.

usage: sso_test.py PATH/TO/latchkey-host
"""

import base64
import calendar
import html
import os
import re
import sys
import tempfile
import time
import urllib.parse

from lkapi import Api, expect_error
from lkhost import Device, TestFailure, check, exe_from_argv
from ssp_idp import Idp, idp_login

ADMIN_PW = "sso-Test-admin-1"


def audit_last(api, event):
    for e in reversed(api.get("/api/v1/audit")["entries"]):
        if e["event"] == event:
            return e
    raise TestFailure("no %s event in the audit log" % event)


def post_acs(api, action, fields):
    """POST the IdP's form to the device's ACS as the browser would (no cookie)."""
    path = urllib.parse.urlsplit(action).path
    body = urllib.parse.urlencode(fields).encode()
    return Api(api.port).raw("POST", path, body,
                             {"Content-Type": "application/x-www-form-urlencoded"})


def fingerprint(hexfp):
    """As the device's pages show a SHA-256 fingerprint: AB:CD:..."""
    h = hexfp.upper()
    return ":".join(h[i:i + 2] for i in range(0, len(h), 2))


def refusal_page(st, hdrs, body, code, *sentences):
    """A 403 refusal page: the stable code, the sentence(s), the sign-in page's look and
    policy."""
    text = body.decode()
    check(st == 403, "%s: HTTP %d" % (code, st))
    check("<code>%s</code>" % code in text, "%s: code not on the page: %s" % (code, text[-600:]))
    for s in sentences:
        check(s in html.unescape(text), "%s: the page lacks %r:\n%s" % (code, s, text[-900:]))
    check('class="login-box"' in text and re.search(r'href="/ui/static/app\.[0-9a-f]+\.css"',
                                                     text), "%s: page not styled" % code)
    check(hdrs.get("content-security-policy", "").startswith("default-src 'self'") and
          hdrs.get("referrer-policy") == "no-referrer", "%s: headers %r" % (code, hdrs))
    check("set-cookie" not in hdrs, "%s: a cookie with a refusal" % code)
    return text


def sso_session(api, status, hdrs):
    check(status == 303, "ACS answer %d %r" % (status, hdrs))
    sc = hdrs.get("set-cookie", "")
    check(sc.startswith("lk_session=") and "HttpOnly" in sc and "SameSite=Lax" in sc,
          "SSO cookie %r" % sc)
    a = Api(api.port)
    a.cookie = sc.split(";", 1)[0]
    st = a.get("/api/v1/status")
    check("session" in st and st["session"]["method"] == "sso", "status after SSO %r" %
          st.get("session"))
    a.csrf = st["session"]["csrf_token"]
    return a, st["session"]


def sp_login(dev, api, user, nxt=None):
    """/sso/okta/login -> 302 to the IdP -> password form -> the IdP's POST form."""
    q = "?next=" + urllib.parse.quote(nxt, safe="") if nxt else ""
    st, hdrs, _ = Api(api.port).raw("GET", "/sso/okta/login" + q)
    check(st == 302, "/sso/okta/login: %d" % st)
    loc = hdrs["location"]
    check(loc.startswith(IDP.sso_url + "?SAMLRequest="), "redirect to %r" % loc[:120])
    return idp_login(loc, user)


IDP = None


def main():
    global IDP
    exe = exe_from_argv(sys.argv)
    with tempfile.TemporaryDirectory(prefix="lk-sso-") as tmp:
        IDP = Idp(os.path.join(tmp, "idp")).setup().start()
        dev = Device(exe, os.path.join(tmp, "flash.bin"),
                     extra=["--admin-password", ADMIN_PW]).start()
        try:
            dev.wait_up()
            api = Api(dev.http_port)
            api.login("admin", ADMIN_PW)
            base = "http://127.0.0.1:%d" % dev.http_port

            # Configure as the admin would: names, base URL, roles, pasted metadata.
            doc = api.put("/api/v1/sso", {
                "provider_name": "Okta", "short_name": "okta", "base_url": base,
                "role_attribute": "groups", "admin_groups": ["admins"],
                "readonly_groups": ["readonly"], "default_relay_state": "/ui/audit"})
            doc = api.post("/api/v1/sso/import", {"metadata_xml": IDP.metadata()})
            check(doc["idp_entity_id"] == IDP.entity_id, "entity %r" % doc["idp_entity_id"])
            check(doc["idp_sso_url"] == IDP.sso_url, "sso url %r" % doc["idp_sso_url"])
            # ... and registers the generated values at the IdP.
            check(doc["acs_url"] == base + "/sso/okta/acs", "acs %r" % doc["acs_url"])
            IDP.add_sp(doc["sp_entity_id"], doc["acs_url"])
            # Not enabled yet: the endpoints refuse.
            st, _, body = Api(api.port).raw("GET", "/sso/okta/login")
            check(st == 403 and b"not enabled" in body, "login while disabled: %d" % st)
            api.post("/api/v1/sso/enable", {"enabled": True})
            check(api.get("/api/v1/status")["sso"]["login_url"] == "/sso/okta/login",
                  "SSO button")

            # 1. SP-initiated, admin, RelayState back to a local path.
            action, fields = sp_login(dev, api, "alice@example.com", nxt="/status?x=1")
            check(action == doc["acs_url"], "the IdP posts to %r" % action)
            check(fields.get("RelayState") == "/status?x=1", "RelayState %r" %
                  fields.get("RelayState"))
            st, hdrs, _ = post_acs(api, action, fields)
            alice, sess = sso_session(api, st, hdrs)
            check(hdrs["location"] == "/status?x=1", "landing %r" % hdrs["location"])
            fp = fingerprint(doc["idp_certs"][0]["sha256"])
            check(sess["user"] == "alice@example.com" and sess["role"] == "admin",
                  "alice's session %r" % sess)
            alice.put("/api/v1/sso", {"provider_name": "Okta (SSO admin)"})  # admin may write
            m = dev.wait_for(r"sso: response checked in (\d+) ms \(ok\); (\d+) bytes, heap "
                             r"peak \+(\d+)")
            print("ACS validation on the host: %s ms for a %s-byte response, heap peak +%s "
                  "bytes" % m.groups())
            ok = audit_last(api, "sso_login_ok")
            check(ok["user"] == "alice@example.com" and "admin via " + IDP.entity_id in
                  ok["detail"], "audit %r" % ok)

            # 2. The same response posted again: replay.
            st, hdrs, body = post_acs(api, action, fields)
            refusal_page(st, hdrs, body, "replay", "already used")
            e = audit_last(api, "sso_login_failed")
            check(e["code"] == "replay", "replay audit %r" % e)

            # 2b. Session lifetime: the configured one, capped by the assertion's
            #     SessionNotOnOrAfter (SimpleSAMLphp: 8 h after the login).
            api.put("/api/v1/sso", {"session_lifetime_s": 86400})
            action, fields = sp_login(dev, api, "alice@example.com")
            xml = base64.b64decode(fields["SAMLResponse"]).decode()
            snoa = re.search(r'SessionNotOnOrAfter="([^"]+)"', xml)
            check(snoa, "the IdP sent no SessionNotOnOrAfter")
            snoa_s = int(calendar.timegm(time.strptime(snoa.group(1)[:19], "%Y-%m-%dT%H:%M:%S")))
            st, hdrs, _ = post_acs(api, action, fields)
            a, sess = sso_session(api, st, hdrs)
            a.raw("GET", "/sso/okta/logout")  # free the slot (the table holds 8)
            check(abs(sess["expires"] - snoa_s) <= 2, "session end %d, SessionNotOnOrAfter %d" %
                  (sess["expires"], snoa_s))
            check(snoa_s - int(time.time()) < 86400 - 60, "the cap was not the tighter bound")
            api.put("/api/v1/sso", {"session_lifetime_s": 3600})
            action, fields = sp_login(dev, api, "alice@example.com")
            st, hdrs, _ = post_acs(api, action, fields)
            a, sess = sso_session(api, st, hdrs)
            a.raw("GET", "/sso/okta/logout")
            check(abs(sess["expires"] - (int(time.time()) + 3600)) <= 3,
                  "configured lifetime %d" % (sess["expires"] - int(time.time())))

            # 2c. The user name from an attribute instead of the NameID; a missing one is
            #     no access.
            api.put("/api/v1/sso", {"username_attribute": "email"})
            action, fields = sp_login(dev, api, "alice@example.com")
            st, hdrs, _ = post_acs(api, action, fields)
            a, sess = sso_session(api, st, hdrs)
            a.raw("GET", "/sso/okta/logout")
            check(sess["user"] == "alice@example.com", "user from attribute %r" % sess)
            api.put("/api/v1/sso", {"username_attribute": "employeeNumber"})
            action, fields = sp_login(dev, api, "alice@example.com")
            st, hdrs, body = post_acs(api, action, fields)
            check(st == 403 and b"No access" in body, "missing username attribute: %d" % st)
            check("username attribute is missing" in audit_last(api, "sso_no_access")["detail"],
                  "audit for a missing username attribute")
            api.put("/api/v1/sso", {"username_attribute": ""})

            # 3. Read-only user. Without `next`, no RelayState goes to the IdP and the
            #    login lands on the dashboard: the Default Relay State (/ui/audit) is for
            #    logins started at the IdP.
            action, fields = sp_login(dev, api, "bob@example.com")
            check("RelayState" not in fields, "RelayState without next: %r" %
                  fields.get("RelayState"))
            st, hdrs, _ = post_acs(api, action, fields)
            bob, sess = sso_session(api, st, hdrs)
            check(sess["role"] == "readonly" and hdrs["location"] == "/", "bob %r %r" %
                  (sess, hdrs["location"]))
            bob.get("/api/v1/sso")
            expect_error(bob.call("PUT", "/api/v1/sso", {"provider_name": "x"}), 403,
                         "forbidden", "read-only SSO user")
            bob.raw("GET", "/sso/okta/logout")

            # 4. No role: no access.
            action, fields = sp_login(dev, api, "carol@example.com")
            st, hdrs, body = post_acs(api, action, fields)
            check(st == 403 and b"No access" in body and "set-cookie" not in hdrs,
                  "carol: %d" % st)
            e = audit_last(api, "sso_no_access")
            check(e["user"] == "carol@example.com", "no-access audit %r" % e)

            # 5. IdP-initiated (the Okta tile): lands at the Default Relay State; an
            #    open-redirect RelayState is ignored (the Default Relay State again); then
            #    a replay.
            url = IDP.sso_url + "?" + urllib.parse.urlencode({"spentityid": doc["sp_entity_id"]})
            action, fields = idp_login(url, "alice@example.com")
            st, hdrs, _ = post_acs(api, action, fields)
            a, sess = sso_session(api, st, hdrs)
            a.raw("GET", "/sso/okta/logout")
            check(hdrs["location"] == "/ui/audit", "IdP-initiated landing %r" % hdrs["location"])
            url = IDP.sso_url + "?" + urllib.parse.urlencode(
                {"spentityid": doc["sp_entity_id"], "RelayState": "https://evil.example/"})
            action, fields = idp_login(url, "alice@example.com")
            st, hdrs, _ = post_acs(api, action, fields)
            a, sess = sso_session(api, st, hdrs)
            a.raw("GET", "/sso/okta/logout")
            check(hdrs["location"] == "/ui/audit", "open redirect followed: %r" %
                  hdrs["location"])
            st, hdrs, body = post_acs(api, action, fields)
            refusal_page(st, hdrs, body, "replay", "already used")
            check(audit_last(api, "sso_login_failed")["code"] == "replay", "IdP-initiated replay")
            # IdP-initiated refused when the admin turns it off
            api.put("/api/v1/sso", {"allow_idp_initiated": False})
            url = IDP.sso_url + "?" + urllib.parse.urlencode({"spentityid": doc["sp_entity_id"]})
            action, fields = idp_login(url, "alice@example.com")
            st, hdrs, body = post_acs(api, action, fields)
            refusal_page(st, hdrs, body, "unsolicited_not_allowed",
                         "started at the identity provider (IdP-initiated",
                         "Use Sign in with Okta (SSO admin) on the sign-in page")
            check(audit_last(api, "sso_login_failed")["code"] == "unsolicited_not_allowed",
                  "unsolicited code")
            api.put("/api/v1/sso", {"allow_idp_initiated": True})

            # 6. No time, no SSO login; the password still works.
            action, fields = sp_login(dev, api, "alice@example.com")
            dev.command("clock-unset", r"time: forgotten")
            st, _, body = Api(api.port).raw("GET", "/sso/okta/login")
            check(st == 503 and b"clock is not set" in body, "login without time: %d" % st)
            st, _, body = post_acs(api, action, fields)
            check(st == 503 and b"time_unknown" in body, "ACS without time: %d" % st)
            check(audit_last(api, "sso_login_refused")["code"] == "time_unknown",
                  "time_unknown audit")
            Api(api.port).login("admin", ADMIN_PW)
            dev.command("clock-offset 0", r"clock-offset: 0 s")
            # the request stayed outstanding: the same response now works
            st, hdrs, _ = post_acs(api, action, fields)
            a, _ = sso_session(api, st, hdrs)
            a.raw("GET", "/sso/okta/logout")

            # 7. A response signed with a key the device does not trust.
            IDP.set_signing_key("rogue")
            action, fields = sp_login(dev, api, "alice@example.com")
            st, hdrs, body = post_acs(api, action, fields)
            refusal_page(st, hdrs, body, "signature_invalid",
                         "Signature did not verify against the configured IdP certificate "
                         "(SHA-256 fingerprint %s)." % fp)
            e = audit_last(api, "sso_login_failed")
            check(e["code"] == "signature_invalid" and fp[:23] in e["detail"],
                  "rogue signature audit %r" % e)
            IDP.set_signing_key("idp")

            # 7a. A login for another SP entity ID, one with characters that HTML must
            #     escape: the page names it (escaped) and the entity ID the IdP must use;
            #     the audit log keeps the value, whole.
            other = "https://x.example/<b>\"&'"
            IDP.add_sp(other, doc["acs_url"])
            url = IDP.sso_url + "?" + urllib.parse.urlencode({"spentityid": other})
            action, fields = idp_login(url, "alice@example.com")
            st, hdrs, body = post_acs(api, action, fields)
            text = refusal_page(st, hdrs, body, "audience_mismatch",
                                "The IdP sent this login for another application (Audience "
                                "%s). Check the SP Entity ID configured at the IdP: it must be "
                                "%s." % (other, doc["sp_entity_id"]))
            check("(Audience https://x.example/&lt;b&gt;&quot;&amp;&#39;)" in text and
                  "<b>" not in text, "the value is not HTML-escaped on the page")
            e = audit_last(api, "sso_login_failed")
            check(e["code"] == "audience_mismatch" and
                  e["detail"] == "Audience '%s', not this SP" % other, "audience audit %r" % e)
            # 7b. ... and one addressed to the ACS URL of the device's old name.
            old_acs = "https://old-name.example.com/sso/okta/acs"
            IDP.add_sp(doc["sp_entity_id"], old_acs)
            action, fields = sp_login(dev, api, "alice@example.com")
            check(action == old_acs, "the IdP posts to %r" % action)
            st, hdrs, body = post_acs(api, action, fields)
            refusal_page(st, hdrs, body, "destination_mismatch",
                         "(Destination %s)" % old_acs,
                         "must be this device's ACS URL: %s." % doc["acs_url"])
            e = audit_last(api, "sso_login_failed")
            check(e["detail"] == "Destination '%s', not this ACS" % old_acs,
                  "destination audit %r" % e)
            IDP.add_sp(doc["sp_entity_id"], doc["acs_url"])

            # 7b. Encrypted assertions: the IdP encrypts to the SP certificate the device
            #     publishes in its SP metadata; the device decrypts with its SP key.
            st, _, spmd = api.raw("GET", "/sso/okta/metadata")
            mm = re.search(rb'<md:KeyDescriptor use="encryption">.*?<ds:X509Certificate>(.*?)'
                           rb'</ds:X509Certificate>', spmd, re.S)
            check(st == 200 and mm, "SP metadata without an encryption certificate")
            IDP.add_sp(doc["sp_entity_id"], doc["acs_url"],
                       encrypt_cert_b64="".join(mm.group(1).decode().split()))
            start = len(dev.lines)
            action, fields = sp_login(dev, api, "alice@example.com")
            check(b"EncryptedAssertion" in base64.b64decode(fields["SAMLResponse"]),
                  "the IdP did not encrypt")
            st, hdrs, _ = post_acs(api, action, fields)
            _, sess = sso_session(api, st, hdrs)
            check(sess["user"] == "alice@example.com", "encrypted login %r" % sess)
            m = dev.wait_for(r"sso: response checked in (\d+) ms \(ok\); (\d+) bytes, heap "
                             r"peak \+(\d+)", start=start)
            print("ACS validation, encrypted assertion: %s ms for %s bytes, heap peak +%s" %
                  m.groups())
            IDP.add_sp(doc["sp_entity_id"], doc["acs_url"])

            # 8. Malformed posts.
            for body, code in ((b"RelayState=%2F", b"response_malformed"),
                               (b"SAMLResponse=%%%", b"url_invalid"),
                               (b"SAMLResponse=not*base64", b"base64_invalid"),
                               (b"SAMLResponse=PHg%2BPC94Pg%3D%3D", b"response_malformed"),
                               (b"SAMLResponse=a&SAMLResponse=b", b"url_invalid")):
                st, _, page = Api(api.port).raw(
                    "POST", "/sso/okta/acs", body,
                    {"Content-Type": "application/x-www-form-urlencoded"})
                check(st == 403 and code in page, "ACS body %r: %d %r" % (body, st, page[-200:]))
            st, _, _ = Api(api.port).raw("POST", "/sso/okta/acs", b"{}",
                                         {"Content-Type": "application/json"})
            check(st == 415, "ACS with JSON: %d" % st)
            st, _, _ = Api(api.port).raw("POST", "/sso/other/acs", b"SAMLResponse=x",
                                         {"Content-Type": "application/x-www-form-urlencoded"})
            check(st == 404, "ACS of another short name: %d" % st)
            st, _, _ = Api(api.port).raw("POST", "/sso/okta/acs", b"x" * 70000,
                                         {"Content-Type": "application/x-www-form-urlencoded"})
            check(st == 413, "oversize ACS body: %d" % st)

            # 9. Logout ends the SSO session.
            st, hdrs, _ = alice.raw("GET", "/sso/okta/logout")
            check(st == 303 and hdrs["location"] == "/login" and "Max-Age=0" in
                  hdrs.get("set-cookie", ""), "logout %d" % st)
            expect_error(alice.call("GET", "/api/v1/sso"), 401, "unauthorized", "after logout")

            # 10. Disabled: the ACS refuses even a fresh, valid response.
            action, fields = sp_login(dev, api, "alice@example.com")
            api.post("/api/v1/sso/enable", {"enabled": False})
            st, _, _ = post_acs(api, action, fields)
            check(st == 403, "ACS while disabled: %d" % st)

            # Nothing secret on the console: no response, no assertion, no password.
            out = dev.output()
            for leak in ("PHNhbWxwOl", "<saml", ADMIN_PW, fields["SAMLResponse"][:40]):
                check(leak not in out, "the console shows %r" % leak)
        except TestFailure:
            print("device console (last lines):\n" + "\n".join(dev.lines[-15:]))
            raise
        finally:
            dev.stop()
            IDP.stop()
    print("sso test: passed")


if __name__ == "__main__":
    try:
        main()
    except TestFailure as e:
        print("FAILED: %s" % e)
        sys.exit(1)
