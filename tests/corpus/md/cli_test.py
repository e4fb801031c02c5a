#!/usr/bin/env python3
"""ctest: the `latchkey` subcommands of the bindings (authn-request, sp-metadata,
metadata), their output and exit codes, checked with independent tools: Python's zlib,
base64, urllib and xml.etree, xmllint and openssl.

usage: cli_test.py LATCHKEY CORPUS_DIR
"""
import base64
import html.parser
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET
import zlib

LK = sys.argv[1]
CORPUS = sys.argv[2]
SAMLP = "{urn:oasis:names:tc:SAML:2.0:protocol}"
SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args, stdin=None):
    p = subprocess.run([LK] + list(args), input=stdin, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def xmllint_ok(text):
    p = subprocess.run(["xmllint", "--noout", "-"], input=text.encode(), capture_output=True)
    return p.returncode == 0


SP = "https://router.example.net/sso/okta/metadata"
ACS = "https://router.example.net/sso/okta/acs"
IDP = "https://dev-123456.okta.com/app/dev-123456_latchkey_1/exk1a2b3c4/sso/saml"
BASE = ["--sp-entity-id", SP, "--acs-url", ACS, "--idp-sso-url", IDP]


def check_request_xml(xml, out, dest):
    check(xmllint_ok(xml), "AuthnRequest XML is well-formed (xmllint)")
    root = ET.fromstring(xml)
    check(root.tag == SAMLP + "AuthnRequest", "root is samlp:AuthnRequest")
    check(root.get("ID") == out["id"], "ID matches")
    check(len(out["id"]) == 33 and out["id"][0] == "_" and
          all(c in "0123456789abcdef" for c in out["id"][1:]), "ID is _ + 32 hex")
    check(root.get("Version") == "2.0", "Version 2.0")
    check(root.get("IssueInstant") == out["issue_instant"], "IssueInstant matches")
    check(root.get("Destination") == dest, "Destination is the IdP SSO URL")
    check(root.get("AssertionConsumerServiceURL") == ACS, "ACS URL")
    check(root.get("ProtocolBinding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
          "ProtocolBinding HTTP-POST")
    check(root.find(SAML + "Issuer").text == SP, "Issuer is the SP entity ID")
    pol = root.find(SAMLP + "NameIDPolicy")
    check(pol is not None and
          pol.get("Format") == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" and
          pol.get("AllowCreate") == "true", "NameIDPolicy emailAddress AllowCreate")


# ---- authn-request, redirect binding -----------------------------------------------------
rc, so, se = run("authn-request", *BASE, "--relay-state", "/admin/users?tab=1",
                 "--now", "2024-01-01T00:00:00Z")
check(rc == 0, "authn-request redirect exits 0 (%d %s)" % (rc, se))
out = json.loads(so)
check(out["ok"] is True and out["binding"] == "redirect", "redirect JSON header")
check(out["issue_instant"] == "2024-01-01T00:00:00Z", "--now is used")
check_request_xml(out["xml"], out, IDP)
u = urllib.parse.urlsplit(out["url"])
check(urllib.parse.urlunsplit(u._replace(query="")) == IDP, "URL starts with the SSO URL")
q = urllib.parse.parse_qs(u.query, strict_parsing=True)
check(sorted(q) == ["RelayState", "SAMLRequest"], "query has SAMLRequest and RelayState only")
inflated = zlib.decompress(base64.b64decode(q["SAMLRequest"][0], validate=True), -15)
check(inflated.decode() == out["xml"], "python zlib inflates SAMLRequest to the XML")
check(q["RelayState"][0] == "/admin/users?tab=1", "RelayState round trip")
check(len(q["SAMLRequest"][0]) < len(out["xml"]), "SAMLRequest is compressed")

# Two requests never share an ID (OS randomness).
rc2, so2, _ = run("authn-request", *BASE)
check(rc2 == 0 and json.loads(so2)["id"] != out["id"], "fresh ID per request")

# An SSO URL with a query keeps it and gets '&'.
rc, so, se = run("authn-request", "--sp-entity-id", SP, "--acs-url", ACS, "--idp-sso-url",
                 "https://accounts.google.com/o/saml2/idp?idpid=C029op2ga", "--now", "0")
out = json.loads(so)
check(rc == 0 and out["url"].startswith(
    "https://accounts.google.com/o/saml2/idp?idpid=C029op2ga&SAMLRequest="), "query kept, '&'")
check("RelayState" not in out["url"], "no RelayState when none given")
check(out["issue_instant"] == "1970-01-01T00:00:00Z", "--now unix seconds")
q = urllib.parse.parse_qs(urllib.parse.urlsplit(out["url"]).query)
check(q["idpid"] == ["C029op2ga"], "existing parameter intact")
check(zlib.decompress(base64.b64decode(q["SAMLRequest"][0]), -15).decode() == out["xml"],
      "inflate with existing query")

# ---- authn-request, POST binding -----------------------------------------------------------


class Form(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.fields, self.scripts = None, {}, []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.action = a.get("action")
        elif tag == "input" and a.get("type") == "hidden":
            self.fields[a["name"]] = a["value"]
        elif tag == "script":
            self.in_script = True

    def handle_endtag(self, tag):
        self.in_script = self.in_script and tag != "script"

    def handle_data(self, data):
        if self.in_script:
            self.scripts.append(data)


rs = "/a?x=\"'<b>&c"
dest = "https://idp.example.com/sso?a=1&b=2"
rc, so, se = run("authn-request", "--sp-entity-id", SP, "--acs-url", ACS, "--idp-sso-url", dest,
                 "--binding", "post", "--relay-state", rs)
check(rc == 0, "authn-request post exits 0 (%s)" % se)
out = json.loads(so)
check(out["binding"] == "post" and "form_html" in out and "url" not in out, "post JSON")
f = Form()
f.feed(out["form_html"])
check(f.action == dest, "form action is the SSO URL (HTML-unescaped)")
check(base64.b64decode(f.fields["SAMLRequest"], validate=True).decode() == out["xml"],
      "SAMLRequest is base64 of the XML")
check(f.fields["RelayState"] == rs, "RelayState HTML-escaped and intact")
check(f.scripts == ["document.forms[0].submit();"], "one fixed auto-submit script")
check_request_xml(out["xml"], out, dest)

# ---- authn-request, bad input: exit 2 ------------------------------------------------------
bad_values = [
    (["--relay-state", "//evil.example"], "relay_state_invalid"),
    (["--relay-state", "https://evil.example/"], "relay_state_invalid"),
    (["--relay-state", "/%2F%2Fevil"], "relay_state_invalid"),
    (["--relay-state", "/" + "a" * 80], "relay_state_invalid"),
]
for extra, code in bad_values:
    rc, so, se = run("authn-request", *BASE, *extra)
    j = json.loads(so) if so else {}
    check(rc == 2 and j.get("ok") is False and j.get("error") == code and j.get("detail"),
          "authn-request %s -> exit 2 %s (got %d %s)" % (extra, code, rc, so.strip()))
for args, code in [
    (["--sp-entity-id", SP, "--acs-url", "javascript:alert(1)", "--idp-sso-url", IDP], "url_invalid"),
    (["--sp-entity-id", SP, "--acs-url", ACS, "--idp-sso-url", "/relative"], "url_invalid"),
    (["--sp-entity-id", "", "--acs-url", ACS, "--idp-sso-url", IDP], "invalid_argument"),
    (["--sp-entity-id", "a" * 300, "--acs-url", ACS, "--idp-sso-url", IDP], "invalid_argument"),
]:
    rc, so, se = run("authn-request", *args)
    check(rc == 2 and json.loads(so)["error"] == code, "authn-request bad value -> 2 %s" % code)
for args in [
    [],
    ["--sp-entity-id", SP, "--acs-url", ACS],
    BASE + ["--binding", "artifact"],
    BASE + ["--now", "yesterday"],
    BASE + ["--now", "2024-01-01T00:00:00"],
    BASE + ["--bogus", "x"],
    BASE + ["--relay-state"],
    BASE + ["--acs-url", ACS],
    BASE + ["--sp-cert", "x.pem"],
]:
    rc, so, se = run("authn-request", *args)
    check(rc == 2 and so == "" and se.startswith("latchkey:"),
          "authn-request usage error %s -> 2" % args)

# ---- sp-metadata ---------------------------------------------------------------------------
rc, so, se = run("sp-metadata", "--sp-entity-id", SP, "--acs-url", ACS)
check(rc == 0 and xmllint_ok(so), "sp-metadata without cert: exit 0, xmllint ok")
root = ET.fromstring(so)
check(root.tag == MD + "EntityDescriptor" and root.get("entityID") == SP, "entityID")
sp = root.find(MD + "SPSSODescriptor")
check(sp.get("AuthnRequestsSigned") == "false" and sp.get("WantAssertionsSigned") == "true",
      "signing flags")
check(sp.get("protocolSupportEnumeration") == "urn:oasis:names:tc:SAML:2.0:protocol", "pse")
check(sp.find(MD + "KeyDescriptor") is None, "no KeyDescriptor without a cert")
acs = sp.findall(MD + "AssertionConsumerService")
check(len(acs) == 1 and acs[0].get("Location") == ACS and acs[0].get("index") == "0" and
      acs[0].get("isDefault") == "true" and
      acs[0].get("Binding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", "ACS")
check([n.text for n in sp.findall(MD + "NameIDFormat")] ==
      ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"], "NameIDFormat")

pem = os.path.join(CORPUS, "real/okta/certs/okta-dev-116807-scaleft.pem")
der = subprocess.run(["openssl", "x509", "-in", pem, "-outform", "DER"], capture_output=True,
                     check=True).stdout
rc, so, se = run("sp-metadata", "--sp-entity-id", "urn:a&b", "--acs-url", ACS, "--sp-cert", pem)
check(rc == 0 and xmllint_ok(so), "sp-metadata with cert: exit 0, xmllint ok")
root = ET.fromstring(so)
check(root.get("entityID") == "urn:a&b", "entityID escaped and intact")
kd = root.find(MD + "SPSSODescriptor/" + MD + "KeyDescriptor")
check(kd is not None and kd.get("use") == "encryption", "encryption KeyDescriptor")
cert = kd.find(DS + "KeyInfo/" + DS + "X509Data/" + DS + "X509Certificate").text
check(base64.b64decode(cert, validate=True) == der, "certificate is the PEM's DER (openssl)")
algs = [m.get("Algorithm") for m in kd.findall(MD + "EncryptionMethod")]
check(algs == ["http://www.w3.org/2009/xmlenc11#aes128-gcm",
               "http://www.w3.org/2009/xmlenc11#aes256-gcm",
               "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
               "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
               "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
               "http://www.w3.org/2009/xmlenc11#rsa-oaep"], "EncryptionMethod list")

with tempfile.TemporaryDirectory() as tmp:
    badpem = os.path.join(tmp, "bad.pem")
    with open(badpem, "w") as fh:
        fh.write("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n")
    notcert = os.path.join(tmp, "notcert.pem")
    with open(notcert, "w") as fh:
        fh.write("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    for args in [
        [],
        ["--sp-entity-id", SP],
        ["--acs-url", ACS],
        ["--sp-entity-id", SP, "--acs-url", ACS, "--sp-cert", os.path.join(tmp, "missing.pem")],
        ["--sp-entity-id", SP, "--acs-url", ACS, "--sp-cert", badpem],
        ["--sp-entity-id", SP, "--acs-url", ACS, "--sp-cert", notcert],
        ["--sp-entity-id", SP, "--acs-url", "ftp://x/acs"],
        ["--sp-entity-id", "", "--acs-url", ACS],
        ["--sp-entity-id", SP, "--acs-url", ACS, "--relay-state", "/x"],
        ["--sp-entity-id", SP, "--acs-url", ACS, "extra"],
    ]:
        rc, so, se = run("sp-metadata", *args)
        check(rc == 2 and so == "" and se.startswith("latchkey:"),
              "sp-metadata usage error %s -> 2 (got %d)" % (args, rc))

    # ---- metadata: exit codes (contents are checked by md_corpus.py) ------------------------
    okta = os.path.join(CORPUS, "real/metadata/okta/okta-ssoready-exkdoocxa1VmjpXmX697.xml")
    rc, so, se = run("metadata", okta)
    check(rc == 0 and json.loads(so)["entity_id"] ==
          "http://www.okta.com/exkdoocxa1VmjpXmX697", "metadata okta: exit 0")
    rc, so, se = run("metadata", "-", stdin=open(okta, "rb").read())
    check(rc == 0 and json.loads(so)["ok"] is True, "metadata from stdin")
    neg = os.path.join(CORPUS, "real/metadata/negative/no-entitydescriptor-python3saml.xml")
    rc, so, se = run("metadata", neg)
    check(rc == 1 and json.loads(so)["ok"] is False and
          json.loads(so)["error"] == "metadata_malformed", "metadata rejected: exit 1")
    garbage = os.path.join(tmp, "garbage.xml")
    with open(garbage, "wb") as fh:
        fh.write(b"<md:EntityDescriptor xmlns:md='urn:oasis:names:tc:SAML:2.0:metadata'>")
    rc, so, se = run("metadata", garbage)
    check(rc == 1 and json.loads(so)["error"].startswith("xml_"), "truncated XML: exit 1")
    big = os.path.join(tmp, "big.xml")
    with open(big, "wb") as fh:
        fh.write(b"<a>" + b" " * 70000 + b"</a>")
    rc, so, se = run("metadata", big)
    check(rc == 1 and json.loads(so)["error"] == "xml_limit", "oversized metadata: exit 1")
    for args in [[], [os.path.join(tmp, "missing.xml")], [okta, okta], ["--bogus", okta],
                 ["--entity-id"]]:
        rc, so, se = run("metadata", *args)
        check(rc == 2 and so == "", "metadata usage error %s -> 2 (got %d)" % (args, rc))

rc, so, se = run("no-such-command")
check(rc == 2, "unknown subcommand -> 2")

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
