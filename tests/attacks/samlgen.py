"""Okta-shaped SAML Responses signed (and encrypted) with xmlsec1, for the attack suite.

Everything here is test-time tooling: a throw-away PKI made with openssl, a Response
template written the way Okta writes it (or in another prefix style), xmlsec1 to sign,
encrypt, decrypt and verify, and small XML surgery helpers for the attack layouts.
Only the Python standard library and the xmlsec1 / openssl command-line tools are used.

xmlsec1 is the independent oracle: every signature is verified separately, with KeyInfo
ignored (--enabled-key-data key-name) so that only the configured certificates count, as
/work/shared/saml-corpus/README.md describes.
"""

import base64
import datetime
import hashlib
import itertools
import os
import re
import subprocess
import xml.dom.minidom
import xml.etree.ElementTree as ET

# ---- namespaces and algorithm URIs -----------------------------------------------------------

NS_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_DS = "http://www.w3.org/2000/09/xmldsig#"
NS_EC = "http://www.w3.org/2001/10/xml-exc-c14n#"
NS_XENC = "http://www.w3.org/2001/04/xmlenc#"
NS_XS = "http://www.w3.org/2001/XMLSchema"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_MD = "urn:oasis:names:tc:SAML:2.0:metadata"

ALG_EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ALG_C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ALG_ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
ALG_XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
ALG_XSLT = "http://www.w3.org/TR/1999/REC-xslt-19991116"
ALG_XPATH2 = "http://www.w3.org/2002/06/xmldsig-filter2"

RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
RSA_SHA224 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha224"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
RSA_SHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
HMAC_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"

SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"

AES128_CBC = "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
AES256_GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
RSA_OAEP_MGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
RSA_1_5 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"

STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
STATUS_RESPONDER = "urn:oasis:names:tc:SAML:2.0:status:Responder"
STATUS_AUTHN_FAILED = "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"

# ---- the SP, the IdP and the login being answered ------------------------------------------

IDP_ENTITY_ID = "http://www.okta.com/exk1fcx7kd8Gp0Lt95d7"
SP_ENTITY_ID = "https://appliance.example.net/saml/metadata"
ACS_URL = "https://appliance.example.net/saml/acs"
OTHER_SP_ENTITY_ID = "https://wiki.example.net/saml/metadata"
OTHER_ACS_URL = "https://wiki.example.net/saml/acs"
OTHER_IDP_ENTITY_ID = "http://www.okta.com/exk9evil0000000000h8"
REQUEST_ID = "id-5d1f0c3b8e2a4f7c9b6d0e1a2c3f4b5d"
OTHER_REQUEST_ID = "id-00000000000000000000000000000bad"
RESPONSE_ID = "id24818213357063001385467419"
ASSERTION_ID = "id2481821335729952069530846"
SESSION_INDEX = "id1741964966535.1404412745"

USER = "alice@example.com"  # who really logged in at the IdP
VICTIM = "admin@example.com"  # whom the attacker wants to become

# The moment the IdP answered. Bounds are whole seconds so that "now = NotOnOrAfter" is
# exact; IssueInstant keeps Okta's milliseconds so fractional parsing is exercised.
T0 = datetime.datetime(2025, 3, 14, 15, 9, 26, tzinfo=datetime.timezone.utc)
LIFETIME = 300  # Okta: 5 minutes either side of IssueInstant


def ts(offset=0, ms=None):
    """xs:dateTime at T0 + offset seconds, Okta style (milliseconds, Z)."""
    t = T0 + datetime.timedelta(seconds=offset)
    frac = "%03d" % (ms if ms is not None else 0)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + frac + "Z"


def unix(offset=0):
    return int((T0 + datetime.timedelta(seconds=offset)).timestamp())


NOW = unix(1)  # the SP's clock in every case that does not test time


def default_attrs(user=USER):
    return [("email", [user]), ("firstName", ["Alice"]), ("groups", ["Everyone", "netops-admins"])]


# ---- running tools ---------------------------------------------------------------------------


class ToolError(Exception):
    pass


def run(cmd, check=True, timeout=60, stdin=None):
    p = subprocess.run(cmd, capture_output=True, timeout=timeout, input=stdin)
    if check and p.returncode != 0:
        raise ToolError("%s failed (%d): %s" % (" ".join(cmd), p.returncode,
                                                 p.stderr.decode(errors="replace")[-2000:]))
    return p


# ---- PKI -------------------------------------------------------------------------------------


class Pki:
    """Keys and self-signed certificates, made fresh with openssl in @p d."""

    RSA = ("idp", "idp_old", "attacker", "sp")

    def __init__(self, d):
        self.dir = d
        os.makedirs(d, exist_ok=True)
        for name in self.RSA:
            self._req(name, ["-newkey", "rsa:2048"])
        self._req("weak", ["-newkey", "rsa:1024"])  # what a 2014 Okta org still used
        self._req("ec", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"])
        # The IdP certificate's bytes are public: exactly what an HMAC-confusion attacker
        # keys the MAC with.
        run(["openssl", "x509", "-in", self.cert("idp"), "-outform", "DER", "-out",
             self.path("idp.der")])

    def _req(self, name, newkey):
        cn = {"idp": "dev-31415926.okta.com", "idp_old": "dev-31415926.okta.com (2023)",
              "attacker": "dev-31415926.okta.com", "sp": "appliance.example.net",
              "ec": "dev-31415926.okta.com (EC)", "weak": "dev-27182818.okta.com"}[name]
        run(["openssl", "req", "-x509", "-nodes", "-sha256", "-days", "3650", "-subj",
             "/O=Okta/OU=SSOProvider/CN=" + cn] + newkey +
            ["-keyout", self.key(name), "-out", self.cert(name)])

    def path(self, f):
        return os.path.join(self.dir, f)

    def key(self, name):
        return self.path(name + ".key")

    def cert(self, name):
        return self.path(name + ".crt")

    def cert_b64(self, name):
        pem = open(self.cert(name)).read()
        return "".join(pem.split("-----")[2].split())


# ---- templates -------------------------------------------------------------------------------


class SigSpec:
    """How one enveloped Signature is written and signed."""

    def __init__(self, key="idp", sig_alg=RSA_SHA256, digest=SHA256, c14n=ALG_EXC_C14N,
                 transforms=None, ref_uri=None, extra_refs=(), keyinfo="x509", hmac=False):
        self.key = key  # Pki name
        self.sig_alg = sig_alg
        self.digest = digest
        self.c14n = c14n
        self.transforms = transforms  # None: Okta's [enveloped, exc-c14n PrefixList="xs"]
        self.ref_uri = ref_uri  # None: "#" + ID of the parent
        self.extra_refs = tuple(extra_refs)
        self.keyinfo = keyinfo  # "x509", "keyvalue" or None
        self.hmac = hmac  # sign with --hmackey (the IdP certificate's DER bytes)


def okta_transforms(ds, ec_decl):
    return ['<{ds}Transform Algorithm="{a}"/>'.format(ds=ds, a=ALG_ENVELOPED),
            '<{ds}Transform Algorithm="{a}"><{ec} PrefixList="xs"/></{ds}Transform>'.format(
                ds=ds, a=ALG_EXC_C14N, ec=ec_decl)]


class Style:
    """Prefix style: Okta's saml2p:/saml2: with repeated declarations, saml: with all
    declarations on the root, or default namespaces everywhere (ADFS-like)."""

    def __init__(self, name):
        self.name = name
        if name == "saml2":
            self.p, self.a, self.ds = "saml2p:", "saml2:", "ds:"
        elif name == "saml":
            self.p, self.a, self.ds = "samlp:", "saml:", "ds:"
        elif name == "default":
            self.p, self.a, self.ds = "", "", ""
        else:
            raise ValueError(name)

    def decl(self, role):
        """Namespace declarations on the element playing @p role."""
        p = 'xmlns:%s="%s"'
        if self.name == "saml2":
            return {
                "response": [p % ("saml2p", NS_SAMLP), p % ("xs", NS_XS)],
                "resp_issuer": [p % ("saml2", NS_SAML)],
                "status": [p % ("saml2p", NS_SAMLP)],
                "assertion": [p % ("saml2", NS_SAML), p % ("xs", NS_XS)],
                "assert_issuer": [p % ("saml2", NS_SAML)],
                "section": [p % ("saml2", NS_SAML)],
                "attr_value": [p % ("xs", NS_XS), p % ("xsi", NS_XSI)],
                "signature": [p % ("ds", NS_DS)],
                "ext_assertion": [p % ("saml2", NS_SAML), p % ("xs", NS_XS)],
            }.get(role, [])
        if self.name == "saml":
            return {
                "response": [p % ("samlp", NS_SAMLP), p % ("saml", NS_SAML), p % ("xs", NS_XS),
                             p % ("xsi", NS_XSI)],
                "signature": [p % ("ds", NS_DS)],
            }.get(role, [])
        d = 'xmlns="%s"'
        return {
            "response": [d % NS_SAMLP],
            "resp_issuer": [d % NS_SAML],
            "assertion": [d % NS_SAML, p % ("xs", NS_XS), p % ("xsi", NS_XSI)],
            "signature": [d % NS_DS],
        }.get(role, [])

    def ec(self):
        if self.name == "default":
            return 'InclusiveNamespaces xmlns="%s"' % NS_EC
        return 'ec:InclusiveNamespaces xmlns:ec="%s"' % NS_EC


def tag(name, attrs, decls=(), empty=False):
    parts = [name] + list(decls) + ['%s="%s"' % (k, xml_escape(v)) for k, v in attrs
                                    if v is not None]
    return "<" + " ".join(parts) + ("/>" if empty else ">")


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def text_escape(s):
    # A CR survives parsing only as a character reference (XML 1.0 2.11).
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def sig_template(style, ref_id, spec):
    """An unsigned ds:Signature for xmlsec1 to fill in."""
    ds = style.ds
    if spec.transforms is None:
        transforms = okta_transforms(ds, style.ec())
    else:
        transforms = [t.replace("{ds}", ds) for t in spec.transforms]

    def reference(uri):
        return ('<{ds}Reference URI="{u}"><{ds}Transforms>{t}</{ds}Transforms>'
                '<{ds}DigestMethod Algorithm="{d}"/><{ds}DigestValue></{ds}DigestValue>'
                '</{ds}Reference>').format(ds=ds, u=uri, t="".join(transforms), d=spec.digest)

    uri = "#" + ref_id if spec.ref_uri is None else spec.ref_uri
    refs = reference(uri) + "".join(reference(u) for u in spec.extra_refs)
    keyinfo = ""
    if spec.keyinfo == "x509":
        keyinfo = "<{ds}KeyInfo><{ds}X509Data/></{ds}KeyInfo>".format(ds=ds)
    elif spec.keyinfo == "keyvalue":
        keyinfo = "<{ds}KeyInfo><{ds}KeyValue/></{ds}KeyInfo>".format(ds=ds)
    return ('{open}<{ds}SignedInfo><{ds}CanonicalizationMethod Algorithm="{c}"/>'
            '<{ds}SignatureMethod Algorithm="{s}"/>{refs}</{ds}SignedInfo>'
            '<{ds}SignatureValue></{ds}SignatureValue>{ki}</{ds}Signature>').format(
                open=tag(ds + "Signature", [], style.decl("signature")), ds=ds, c=spec.c14n,
                s=spec.sig_alg, refs=refs, ki=keyinfo)


class Resp:
    """One Response, described by its fields; render() gives the unsigned template."""

    def __init__(self, **kw):
        self.style = "saml2"
        self.pretty = False
        self.resp_id = RESPONSE_ID
        self.assert_id = ASSERTION_ID
        self.resp_issuer = IDP_ENTITY_ID  # None: no Response Issuer
        self.assert_issuer = IDP_ENTITY_ID
        self.destination = ACS_URL  # None: no Destination
        self.resp_irt = REQUEST_ID  # None: IdP-initiated
        self.scd_irt = REQUEST_ID
        self.status = STATUS_SUCCESS
        self.sub_status = None
        self.name_id = USER
        self.name_id_raw = None  # raw XML content of NameID instead of name_id
        self.recipient = ACS_URL  # None: no Recipient
        self.audience = SP_ENTITY_ID  # or a list of AudienceRestrictions (lists), or None
        self.session_index = SESSION_INDEX
        self.not_before = -LIFETIME
        self.not_on_or_after = LIFETIME
        self.scd_not_on_or_after = LIFETIME  # None: no NotOnOrAfter
        self.attrs = default_attrs()
        self.attr_value_raw = None  # raw XML appended to the first AttributeValue
        self.extensions = None  # raw XML content of samlp:Extensions
        self.advice = None  # raw XML content of saml:Advice
        self.sign_response = None  # SigSpec
        self.sign_assertion = None  # SigSpec
        for k, v in kw.items():
            if not hasattr(self, k):
                raise AttributeError(k)
            setattr(self, k, v)

    def render_assertion(self, st):
        a, ds = st.a, st.ds
        out = [tag(a + "Assertion", [("ID", self.assert_id), ("IssueInstant", ts(0, 535)),
                                     ("Version", "2.0")], st.decl("assertion"))]
        out.append(tag(a + "Issuer", [("Format",
                                       "urn:oasis:names:tc:SAML:2.0:nameid-format:entity")],
                       st.decl("assert_issuer")) + text_escape(self.assert_issuer) +
                   "</%sIssuer>" % a)
        if self.sign_assertion is not None:
            out.append(sig_template(st, self.assert_id, self.sign_assertion))
        nid = self.name_id_raw if self.name_id_raw is not None else text_escape(self.name_id)
        out.append(tag(a + "Subject", [], st.decl("section")))
        out.append(tag(a + "NameID", [("Format",
                                       "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")])
                   + nid + "</%sNameID>" % a)
        out.append(tag(a + "SubjectConfirmation",
                       [("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer")]))
        out.append(tag(a + "SubjectConfirmationData",
                       [("InResponseTo", self.scd_irt),
                        ("NotOnOrAfter", None if self.scd_not_on_or_after is None else
                         ts(self.scd_not_on_or_after)),
                        ("Recipient", self.recipient)], empty=True))
        out.append("</%sSubjectConfirmation></%sSubject>" % (a, a))
        out.append(tag(a + "Conditions", [("NotBefore", ts(self.not_before)),
                                          ("NotOnOrAfter", ts(self.not_on_or_after))],
                       st.decl("section")))
        restrictions = self.audience
        if restrictions is None:
            restrictions = []
        elif isinstance(restrictions, str):
            restrictions = [[restrictions]]
        for r in restrictions:
            out.append("<%sAudienceRestriction>%s</%sAudienceRestriction>" % (a, "".join(
                "<%sAudience>%s</%sAudience>" % (a, text_escape(x), a) for x in r), a))
        out.append("</%sConditions>" % a)
        if self.advice is not None:
            out.append("<%sAdvice>%s</%sAdvice>" % (a, self.advice, a))
        out.append(tag(a + "AuthnStatement", [("AuthnInstant", ts(-2, 112)),
                                              ("SessionIndex", self.session_index)],
                       st.decl("section")))
        out.append("<%sAuthnContext><%sAuthnContextClassRef>"
                   "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
                   "</%sAuthnContextClassRef></%sAuthnContext></%sAuthnStatement>"
                   % (a, a, a, a, a))
        if self.attrs:
            out.append(tag(a + "AttributeStatement", [], st.decl("section")))
            first = True
            for name, values in self.attrs:
                out.append(tag(a + "Attribute", [
                    ("Name", name),
                    ("NameFormat", "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified")]))
                for v in values:
                    extra = ""
                    if first and self.attr_value_raw is not None:
                        extra = self.attr_value_raw
                    first = False
                    out.append(tag(a + "AttributeValue", [("xsi:type", "xs:string")],
                                   st.decl("attr_value")) + text_escape(v) + extra +
                               "</%sAttributeValue>" % a)
                out.append("</%sAttribute>" % a)
            out.append("</%sAttributeStatement>" % a)
        out.append("</%sAssertion>" % a)
        return "".join(out)

    def render(self):
        st = Style(self.style)
        p, a = st.p, st.a
        out = ['<?xml version="1.0" encoding="UTF-8"?>']
        out.append(tag(p + "Response", [("Destination", self.destination), ("ID", self.resp_id),
                                        ("InResponseTo", self.resp_irt),
                                        ("IssueInstant", ts(0, 535)), ("Version", "2.0")],
                       st.decl("response")))
        if self.resp_issuer is not None:
            out.append(tag(a + "Issuer", [("Format",
                                           "urn:oasis:names:tc:SAML:2.0:nameid-format:entity")],
                           st.decl("resp_issuer")) + text_escape(self.resp_issuer) +
                       "</%sIssuer>" % a)
        if self.sign_response is not None:
            out.append(sig_template(st, self.resp_id, self.sign_response))
        if self.extensions is not None:
            out.append("<%sExtensions>%s</%sExtensions>" % (p, self.extensions, p))
        out.append(tag(p + "Status", [], st.decl("status")))
        if self.sub_status is None:
            out.append(tag(p + "StatusCode", [("Value", self.status)], empty=True))
        else:
            out.append(tag(p + "StatusCode", [("Value", self.status)]) +
                       tag(p + "StatusCode", [("Value", self.sub_status)], empty=True) +
                       "</%sStatusCode>" % p)
        out.append("</%sStatus>" % p)
        out.append(self.render_assertion(st))
        out.append("</%sResponse>" % p)
        xml_text = "".join(out)
        return pretty_print(xml_text) if self.pretty else xml_text


TOKEN = re.compile(r"(<[^>]*>)")


def pretty_print(doc):
    """Indent a compact document: whitespace only between two tags, never inside text, and
    never between a start tag and its own end tag."""
    out = []
    depth = 0
    prev = None  # "open", "close", "empty", "text", "decl"
    for tok in TOKEN.split(doc):
        if tok == "":
            continue
        if not tok.startswith("<"):
            out.append(tok)
            prev = "text"
            continue
        if tok.startswith("<?") or tok.startswith("<!"):
            out.append(tok)
            prev = "decl"
            continue
        closing = tok.startswith("</")
        empty = tok.endswith("/>")
        if closing:
            depth -= 1
        if prev in ("close", "empty", "decl") or (prev == "open" and not closing):
            out.append("\n" + "  " * depth)
        out.append(tok)
        if not closing and not empty:
            depth += 1
        prev = "close" if closing else ("empty" if empty else "open")
    return "".join(out) + "\n"


# ---- xmlsec1 ---------------------------------------------------------------------------------

ID_ATTRS = ["--id-attr:ID", NS_SAMLP + ":Response", "--id-attr:ID", NS_SAML + ":Assertion"]
XP_RESP_SIG = "/*/*[local-name()='Signature' and namespace-uri()='%s']" % NS_DS
XP_ASSERT_SIG = ("/*/*[local-name()='Assertion' and namespace-uri()='%s']"
                 "/*[local-name()='Signature' and namespace-uri()='%s']" % (NS_SAML, NS_DS))
XP_ANY_ASSERT_SIG = ("//*[local-name()='Assertion' and namespace-uri()='%s']"
                     "/*[local-name()='Signature' and namespace-uri()='%s']" % (NS_SAML, NS_DS))


class Signer:
    """Signs, encrypts and verifies documents with xmlsec1 in a scratch directory."""

    def __init__(self, pki, scratch):
        self.pki = pki
        self.scratch = scratch
        self.counter = itertools.count(1)  # next() is atomic: generation runs in threads
        self.memo = {}
        self.verified = {}
        os.makedirs(scratch, exist_ok=True)

    def tmp(self, suffix=".xml"):
        return os.path.join(self.scratch, "t%05d%s" % (next(self.counter), suffix))

    def key_args(self, spec):
        if spec.hmac:
            return ["--hmackey", self.pki.path("idp.der")]
        return ["--privkey-pem", "%s,%s" % (self.pki.key(spec.key), self.pki.cert(spec.key))]

    def sign_node(self, doc, xpath, spec):
        # RSA PKCS#1 v1.5 is deterministic, so identical templates give identical
        # documents: many cases share one signed response, and xmlsec1 costs ~40 ms a run.
        memo = (doc, xpath, tuple(self.key_args(spec)))
        if memo in self.memo:
            return self.memo[memo]
        src, dst = self.tmp(), self.tmp()
        with open(src, "w") as f:
            f.write(doc)
        run(["xmlsec1", "--sign"] + self.key_args(spec) + ID_ATTRS +
            ["--node-xpath", xpath, "--output", dst, src])
        out = open(dst).read()
        self.memo[memo] = out
        return out

    def sign(self, resp, template=None):
        """Render @p resp (or take @p template, a rendering of it edited by the caller) and
        sign it: the Assertion first, then the Response (whose digest covers the signed
        Assertion), as an IdP signing both does."""
        doc = resp.render() if template is None else template
        if resp.sign_assertion is not None:
            doc = self.sign_node(doc, XP_ASSERT_SIG, resp.sign_assertion)
        if resp.sign_response is not None:
            doc = self.sign_node(doc, XP_RESP_SIG, resp.sign_response)
        return doc

    def verify(self, path, xpath, cert=None, hmackey=None):
        """True if the signature at @p xpath verifies with @p cert (KeyInfo ignored)."""
        with open(path, "rb") as f:
            memo = (hashlib.sha256(f.read()).hexdigest(), xpath, cert, hmackey)
        if memo not in self.verified:
            self.verified[memo] = self._verify(path, xpath, cert, hmackey)
        return self.verified[memo]

    def _verify(self, path, xpath, cert, hmackey):
        if hmackey is not None:
            keys = ["--hmackey", hmackey]
        else:
            keys = ["--enabled-key-data", "key-name", "--pubkey-cert-pem", cert]
        p = run(["xmlsec1", "--verify"] + keys + ID_ATTRS + ["--node-xpath", xpath, path],
                check=False)
        return p.returncode == 0

    def encrypt(self, plain, sym=AES128_CBC, transport=RSA_OAEP_MGF1P, cert="sp"):
        """xmlsec1 --encrypt of the element @p plain (a self-contained string) with a
        session key wrapped for the SP certificate. Returns the xenc:EncryptedData text."""
        session = {AES128_CBC: "aes-128", AES256_GCM: "aes-256"}[sym]
        tmpl = self.ed_template(sym, transport)
        t, data, out = self.tmp(), self.tmp(), self.tmp()
        with open(t, "w") as f:
            f.write(tmpl)
        with open(data, "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>' + plain)
        run(["xmlsec1", "--encrypt", "--pubkey-cert-pem", self.pki.cert(cert), "--session-key",
             session, "--xml-data", data, "--output", out, t])
        return strip_decl(open(out).read())

    def decrypt(self, path, key="sp"):
        """Decrypted document (the whole Response), or None if xmlsec1 cannot decrypt. The
        Id registration lets xmlsec1 follow an Okta-style RetrievalMethod."""
        out = self.tmp()
        p = run(["xmlsec1", "--decrypt", "--privkey-pem", self.pki.key(key), "--id-attr:Id",
                 NS_XENC + ":EncryptedKey", "--output", out, path], check=False)
        return open(out).read() if p.returncode == 0 else None

    def ed_template(self, sym, transport):
        oaep = '<ds:DigestMethod Algorithm="%s"/>' % SHA1 if transport == RSA_OAEP_MGF1P else ""
        return ('<xenc:EncryptedData xmlns:xenc="{x}" Id="_ed{n}" Type="{x}Element">'
                '<xenc:EncryptionMethod Algorithm="{s}"/>'
                '<ds:KeyInfo xmlns:ds="{ds}"><xenc:EncryptedKey>'
                '<xenc:EncryptionMethod Algorithm="{t}">{oaep}</xenc:EncryptionMethod>'
                '<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey>'
                '</ds:KeyInfo><xenc:CipherData><xenc:CipherValue/></xenc:CipherData>'
                '</xenc:EncryptedData>').format(x=NS_XENC, ds=NS_DS, s=sym, t=transport,
                                                oaep=oaep, n=next(self.counter))

    def cbc_encrypt_known_key(self, plain, pad=True):
        """EncryptedData built with openssl instead of xmlsec1, so that the content key is
        known and the plaintext and padding are exactly what the case needs: AES-128-CBC
        (IV || ciphertext), key transported with RSA-OAEP-MGF1P (SHA-1) to the SP.
        @p pad False: @p plain is encrypted as is (its length a multiple of 16), so its last
        byte is the padding length the decryptor reads."""
        key, iv = os.urandom(16), os.urandom(16)
        src, kfile = self.tmp(".bin"), self.tmp(".bin")
        with open(src, "wb") as f:
            f.write(plain)
        with open(kfile, "wb") as f:
            f.write(key)
        ct = run(["openssl", "enc", "-aes-128-cbc", "-K", key.hex(), "-iv", iv.hex(), "-in",
                  src] + ([] if pad else ["-nopad"])).stdout
        ek = run(["openssl", "pkeyutl", "-encrypt", "-certin", "-inkey", self.pki.cert("sp"),
                  "-in", kfile, "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt",
                  "rsa_oaep_md:sha1", "-pkeyopt", "rsa_mgf1_md:sha1"]).stdout
        b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
        return ('<xenc:EncryptedData xmlns:xenc="{x}" Id="_ed{n}" Type="{x}Element">'
                '<xenc:EncryptionMethod Algorithm="{s}"/>'
                '<ds:KeyInfo xmlns:ds="{ds}"><xenc:EncryptedKey>'
                '<xenc:EncryptionMethod Algorithm="{t}"><ds:DigestMethod Algorithm="{sha1}"/>'
                '</xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue>{ek}'
                '</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>'
                '<xenc:CipherData><xenc:CipherValue>{cv}</xenc:CipherValue></xenc:CipherData>'
                '</xenc:EncryptedData>').format(x=NS_XENC, ds=NS_DS, s=AES128_CBC,
                                                t=RSA_OAEP_MGF1P, sha1=SHA1, ek=b64(ek),
                                                cv=b64(iv + ct), n=next(self.counter))

    def rsa_sign(self, data, key="idp", md="sha256"):
        """Raw RSA PKCS#1 v1.5 signature (base64) of @p data, made by openssl."""
        src = self.tmp(".bin")
        with open(src, "wb") as f:
            f.write(data)
        p = run(["openssl", "dgst", "-" + md, "-sign", self.pki.key(key), src])
        return base64.b64encode(p.stdout).decode()


# ---- XML surgery -----------------------------------------------------------------------------


def strip_decl(doc):
    return re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", doc)


def element_span(doc, qname, start=0):
    """(begin, end) of the first element named @p qname (as written) at or after @p start,
    nesting of the same name respected. For the documents this module writes."""
    open_re = re.compile(r"<%s(?=[\s/>])" % re.escape(qname))
    m = open_re.search(doc, start)
    if m is None:
        raise ValueError("no <%s> in document" % qname)
    pos = m.start()
    depth = 0
    tok = re.compile(r"<(/?)%s(?=[\s/>])[^>]*?(/?)>" % re.escape(qname))
    for t in tok.finditer(doc, pos):
        if t.group(1):
            depth -= 1
        elif not t.group(2):
            depth += 1
        if depth == 0:
            return pos, t.end()
    raise ValueError("unbalanced <%s>" % qname)


def element(doc, qname, start=0):
    b, e = element_span(doc, qname, start)
    return doc[b:e]


def parse_dom(doc):
    return xml.dom.minidom.parseString(doc.encode())


def dom_set_text(el, text):
    for c in list(el.childNodes):
        el.removeChild(c)
    el.appendChild(el.ownerDocument.createTextNode(text))


def dom_to_xml(d):
    return d.documentElement.toxml()


def signatures(doc):
    """[(label, xpath)] for each ds:Signature in document order: its parent's local name
    and the xmlsec1 --node-xpath that selects it. The DOCTYPE is ignored for labelling."""
    body = re.sub(r"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", "", doc, flags=re.S)
    try:
        root = ET.fromstring(body.encode())
    except ET.ParseError:
        n = len(re.findall(r"<(?:\w+:)?Signature[\s>]", doc))
        return [("sig%d" % (i + 1), xp_sig(i + 1)) for i in range(n)]
    parent = {c: p for p in root.iter() for c in p}
    out = []
    for el in root.iter("{%s}Signature" % NS_DS):
        p = parent.get(el)
        label = p.tag.split("}")[-1] if p is not None else "root"
        out.append((label, xp_sig(len(out) + 1)))
    return out


def xp_sig(n):
    return "(//*[local-name()='Signature' and namespace-uri()='%s'])[%d]" % (NS_DS, n)


def encrypted_signatures(dec):
    """Signatures inside the decrypted EncryptedAssertion of @p dec (a decrypted Response)."""
    xp = ("//*[local-name()='EncryptedAssertion' and namespace-uri()='%s']"
          "//*[local-name()='Signature' and namespace-uri()='%s']" % (NS_SAML, NS_DS))
    try:
        root = ET.fromstring(dec.encode())
    except ET.ParseError:
        return []
    out = []
    for ea in root.iter("{%s}EncryptedAssertion" % NS_SAML):
        parent = {c: p for p in ea.iter() for c in p}
        for el in ea.iter("{%s}Signature" % NS_DS):
            p = parent.get(el)
            out.append(("enc:" + p.tag.split("}")[-1], "(%s)[%d]" % (xp, len(out) + 1)))
    return out


def idp_metadata(pki, cert_names, entity_id=IDP_ENTITY_ID):
    """Okta-shaped IdP metadata carrying the given signing certificates."""
    kds = "".join(
        '<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="%s"><ds:X509Data>'
        '<ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo>'
        '</md:KeyDescriptor>' % (NS_DS, pki.cert_b64(n)) for n in cert_names)
    return ('<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="%s" '
            'entityID="%s"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" '
            'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">%s'
            '<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'
            '</md:NameIDFormat><md:SingleSignOnService '
            'Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            'Location="https://dev-31415926.okta.com/app/dev-31415926_appliance_1/'
            'exk1fcx7kd8Gp0Lt95d7/sso/saml"/><md:SingleSignOnService '
            'Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            'Location="https://dev-31415926.okta.com/app/dev-31415926_appliance_1/'
            'exk1fcx7kd8Gp0Lt95d7/sso/saml"/></md:IDPSSODescriptor></md:EntityDescriptor>'
            % (NS_MD, entity_id, kds))


def ecdsa_raw_to_der(raw):
    """XML-DSig ECDSA SignatureValue (r||s, RFC 4051) to the DER SEQUENCE other stacks use."""
    def integer(b):
        b = b.lstrip(b"\0") or b"\0"
        if b[0] & 0x80:
            b = b"\0" + b
        return b"\x02" + bytes([len(b)]) + b
    half = len(raw) // 2
    body = integer(raw[:half]) + integer(raw[half:])
    return b"\x30" + bytes([len(body)]) + body


def detach_encrypted_key(ed, ek_id):
    """Okta's layout: the EncryptedKey moved out of EncryptedData/KeyInfo (to be placed next
    to it), named by a RetrievalMethod. Returns (EncryptedData, EncryptedKey) texts."""
    b, e = element_span(ed, "xenc:EncryptedKey")
    ek = ed[b:e]
    ek = ek.replace("<xenc:EncryptedKey>", '<xenc:EncryptedKey xmlns:xenc="%s" xmlns:ds="%s" '
                    'Id="%s">' % (NS_XENC, NS_DS, ek_id), 1)
    ed_id = re.search(r'Id="([^"]+)"', ed).group(1)
    ek = ek.replace("</xenc:EncryptedKey>", '<xenc:ReferenceList><xenc:DataReference URI="#%s"/>'
                    "</xenc:ReferenceList></xenc:EncryptedKey>" % ed_id)
    rm = ('<ds:RetrievalMethod Type="http://www.w3.org/2001/04/xmlenc#EncryptedKey" '
          'URI="#%s"/>' % ek_id)
    return ed[:b] + rm + ed[e:], ek
