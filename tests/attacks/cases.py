"""The attack and valid-variant catalog.

Each case is one document (written to cases/<name>.xml), the SP configuration to run
`latchkey verify` with, and what must happen: acceptance with an exact NameID and
attribute set, or rejection (exit 1) with an error code from a set. The xmlsec1 verdict on
every signature (configured certificates only) is recorded next to it, and where the case
depends on a property of the fixture ("the genuine signature still verifies", "the
comment does not break the signature") that property is asserted here, at generation time,
so that a broken fixture fails before Latchkey is judged.

Family names become ctest tests (attacks_<family>); see README.md for the list.
"""

import base64
import concurrent.futures
import os
import re

import samlgen as sg
from samlgen import NS_DS, NS_SAML, NS_SAMLP, Resp, SigSpec, Style

FAMILIES = ("xsw", "signature", "dsig", "parser", "conditions", "tamper", "c14n", "enc", "valid")

# Codes a signature-wrapping rejection may carry: the wrapped document fails on structure
# (Signature placement, Reference, duplicate IDs, assertion count) or, when the wrapper broke
# a covering signature, on the digest or signature value.
XSW_CODES = ("signature_missing", "signature_malformed", "reference_invalid", "duplicate_id",
             "digest_mismatch", "signature_invalid", "assertion_count", "response_malformed")


def expect_accept(name_id=sg.USER, attrs=None, response_signed=None, assertion_signed=None,
                  encrypted=False, session_index=sg.SESSION_INDEX):
    if attrs is None:
        attrs = {k: v for k, v in sg.default_attrs(name_id)}
    e = {"expect": "accept", "name_id": name_id, "attributes": attrs, "encrypted": encrypted,
         "session_index": session_index}
    if response_signed is not None:
        e["response_signed"] = response_signed
    if assertion_signed is not None:
        e["assertion_signed"] = assertion_signed
    return e


def expect_reject(*codes):
    return {"expect": "reject", "codes": list(codes)}


def both(**kw):
    kw.setdefault("sign_response", SigSpec())
    kw.setdefault("sign_assertion", SigSpec())
    return Resp(**kw)


def aonly(**kw):
    kw.setdefault("sign_assertion", SigSpec())
    return Resp(**kw)


def ronly(**kw):
    kw.setdefault("sign_response", SigSpec())
    return Resp(**kw)


MODE = {"both": both, "aonly": aonly, "ronly": ronly}
MODE_FLAGS = {"both": (True, True), "aonly": (False, True), "ronly": (True, False)}


class Gen:
    """Collects cases; owns the PKI and the xmlsec1 signer."""

    def __init__(self, work):
        self.work = work
        self.pki = sg.Pki(os.path.join(work, "pki"))
        self.signer = sg.Signer(self.pki, os.path.join(work, "scratch"))
        self.cases = []
        self.names = set()
        os.makedirs(os.path.join(work, "cases"), exist_ok=True)
        md = os.path.join(work, "pki", "idp-metadata.xml")
        with open(md, "w") as f:
            f.write(sg.idp_metadata(self.pki, ["idp"]))
        md2 = os.path.join(work, "pki", "idp-metadata-rollover.xml")
        with open(md2, "w") as f:
            f.write(sg.idp_metadata(self.pki, ["idp_old", "idp"]))

    def sign(self, resp, template=None):
        return self.signer.sign(resp, template)

    def write(self, fname, doc):
        path = os.path.join("cases", fname)
        with open(os.path.join(self.work, path), "wb") as f:
            f.write(doc if isinstance(doc, bytes) else doc.encode())
        return path

    def add_case(self, family, name, doc, steps, desc, config=None, oracle=None, checks=(),
                 forbid_name_id=None):
        """Register one case.

        config: overrides of the SP configuration (see base_config()).
        oracle: what xmlsec1 must say about the signatures present, asserted now:
                "all-ok", "any-ok", "all-fail", "not-all-ok", "none" (no signature) or None.
        checks: extra xmlsec1 assertions on the fixture: dicts with "xpath", one of
                "cert" (Pki name) or "hmackey" (path), and "ok" (bool).
        """
        assert family in FAMILIES, family
        if isinstance(steps, dict):
            steps = [steps]
        if any(s["expect"] == "accept" for s in steps):
            # An accepted case is known-good only if xmlsec1 verifies every signature.
            assert oracle == "all-ok", name
        assert name not in self.names, name
        self.names.add(name)
        cfg = base_config()
        cfg.update(config or {})
        path = self.write(name + ".xml", doc)
        for i, st in enumerate(steps):
            # A step may submit its own document (replay of a re-encoded or re-wrapped copy).
            if "doc" in st:
                st["file"] = self.write("%s.step%d.xml" % (name, i + 1), st.pop("doc"))
        return {"name": name, "family": family, "desc": desc, "file": path, "config": cfg,
                "steps": steps, "oracle": oracle, "checks": list(checks),
                "forbid_name_id": forbid_name_id}


class Sub:
    """What one family generator sees: Gen, with add() collecting into its own list
    (generators run in parallel threads; the final order is deterministic)."""

    def __init__(self, g):
        self.g = g
        self.cases = []

    def __getattr__(self, attr):
        return getattr(self.g, attr)

    def add(self, *args, **kw):
        self.cases.append(self.g.add_case(*args, **kw))


def step(expectation, doc):
    """@p expectation for a step that submits @p doc instead of the case's document."""
    e = dict(expectation)
    e["doc"] = doc
    return e


def base_config():
    """The SP as configured for the IdP that issued the template (see samlgen)."""
    return {"idp_cert": ["idp"], "idp_metadata": None, "idp_entity_id": sg.IDP_ENTITY_ID,
            "sp_entity_id": sg.SP_ENTITY_ID, "acs_url": sg.ACS_URL, "now": str(sg.NOW),
            "in_response_to": [sg.REQUEST_ID], "skew": None, "allow_sha1": False,
            "sp_key": None, "replay_cache": False, "no_unsolicited": False}


# ---- helpers for building attacks --------------------------------------------------------------


def evilize(el):
    """SAML Raider's match-and-replace: the copy now speaks for the victim."""
    for n in el.getElementsByTagNameNS(NS_SAML, "NameID"):
        sg.dom_set_text(n, sg.VICTIM)
    for v in el.getElementsByTagNameNS(NS_SAML, "AttributeValue"):
        if v.firstChild is not None and v.firstChild.nodeValue == sg.USER:
            sg.dom_set_text(v, sg.VICTIM)


def first_sig(el):
    return el.getElementsByTagNameNS(NS_DS, "Signature")[0]


def first_assertion(d):
    return d.getElementsByTagNameNS(NS_SAML, "Assertion")[0]


def xsw(doc, kind):
    """The eight layouts of SAML Raider (XSWHelpers.java), plus namespaced variants of 7
    and 8 (a proper samlp:Extensions / ds:Object, which a lax SP would even skip)."""
    d = sg.parse_dom(doc)
    root = d.documentElement
    if kind in ("xsw1", "xsw2", "xsw2u"):
        clone = root.cloneNode(True)
        evilize(root)
        if kind.endswith("u"):
            # Not in SAML Raider: the forged Response's Assertion also gets a new ID, so no
            # ID is duplicated and only the Signature/Reference rules stand in the way.
            first_assertion(d).setAttribute("ID", "_evil_assertion_ID")
        cs = first_sig(clone)
        cs.parentNode.removeChild(cs)
        sig = first_sig(root)
        if kind == "xsw1":
            sig.appendChild(clone)
        else:
            sig.parentNode.insertBefore(clone, sig)
        root.setAttribute("ID", "_evil_response_ID")
    elif kind in ("xsw3", "xsw4"):
        original = first_assertion(d)
        evil = original.cloneNode(True)
        evilize(evil)
        evil.setAttribute("ID", "_evil_assertion_ID")
        cs = first_sig(evil)
        evil.removeChild(cs)
        if kind == "xsw3":
            root.insertBefore(evil, original)
        else:
            root.appendChild(evil)
            evil.appendChild(original)
    elif kind in ("xsw5", "xsw6"):
        evil = first_assertion(d)
        orig_sig = first_sig(evil)
        copy = evil.cloneNode(True)
        evilize(evil)
        copy.removeChild(first_sig(copy))
        if kind == "xsw5":
            root.appendChild(copy)
        else:
            orig_sig.appendChild(copy)
        evil.setAttribute("ID", "_evil_assertion_ID")
    elif kind in ("xsw7", "xsw7ns"):
        original = first_assertion(d)
        if kind == "xsw7":
            ext = d.createElement("Extensions")
        else:
            ext = d.createElementNS(NS_SAMLP, "saml2p:Extensions")
        root.insertBefore(ext, original)
        evil = original.cloneNode(True)
        evilize(evil)
        evil.removeChild(first_sig(evil))
        ext.appendChild(evil)
    elif kind in ("xsw8", "xsw8ns"):
        evil = first_assertion(d)
        orig_sig = first_sig(evil)
        copy = evil.cloneNode(True)
        evilize(evil)
        copy.removeChild(first_sig(copy))
        obj = d.createElement("Object") if kind == "xsw8" else d.createElementNS(NS_DS,
                                                                                 "ds:Object")
        orig_sig.appendChild(obj)
        obj.appendChild(copy)
    else:
        raise ValueError(kind)
    return sg.dom_to_xml(d)


def strip_sig(doc, which):
    """Remove the Response's ("response") or the Assertion's ("assertion") Signature."""
    if which == "response":
        b, e = sg.element_span(doc, "ds:Signature")
        a = doc.find("<saml2:Assertion")
        assert b < a, "no Response signature"
    else:
        b, e = sg.element_span(doc, "ds:Signature", doc.find("<saml2:Assertion"))
    return doc[:b] + doc[e:]


def set_name_id(doc, value):
    b, e = sg.element_span(doc, "saml2:NameID")
    el = doc[b:e]
    head = el[:el.index(">") + 1]
    return doc[:b] + head + value + "</saml2:NameID>" + doc[e:]


def canonical_signed_info(si):
    """Exclusive c14n of a SignedInfo as this module writes it: the ds declaration on the
    apex, empty elements expanded. Good for the documents here only (checked by xmlsec1
    in the self-test)."""
    si = re.sub(r"<([\w:]+)([^>]*?)/>", r"<\1\2></\1>", si)
    si = si.replace("<ds:SignedInfo>", '<ds:SignedInfo xmlns:ds="%s">' % NS_DS, 1)
    return si


def hand_sign(g, doc, start, new_si):
    """Replace the SignedInfo of the Signature found from @p start with @p new_si (written
    in canonical form) and sign it with the IdP key via openssl."""
    b, e = sg.element_span(doc, "ds:SignedInfo", start)
    doc = doc[:b] + new_si + doc[e:]
    value = g.signer.rsa_sign(new_si.encode())
    b, e = sg.element_span(doc, "ds:SignatureValue", start)
    return doc[:b] + "<ds:SignatureValue>%s</ds:SignatureValue>" % value + doc[e:]


def encrypted_response(g, assertion_signed, response_signed, sym=sg.AES128_CBC,
                       transport=sg.RSA_OAEP_MGF1P, cert="sp", plain_too=False,
                       key_layout="keyinfo", **kw):
    """A Response carrying an EncryptedAssertion: the Assertion is signed (or not) first,
    then encrypted with xmlsec1 (as SimpleSAMLphp does), then the Response is signed over the
    EncryptedAssertion (or not). key_layout: "keyinfo" (EncryptedKey inside EncryptedData),
    "okta" (a sibling EncryptedKey named by a RetrievalMethod) or "extensions" (the same, but
    the EncryptedKey sits in samlp:Extensions, outside the EncryptedAssertion)."""
    inner = Resp(sign_assertion=SigSpec() if assertion_signed else None, **kw)
    assertion = sg.element(g.sign(inner), "saml2:Assertion")
    ed = g.signer.encrypt(assertion, sym, transport, cert)
    ek = ""
    if key_layout != "keyinfo":
        ed, ek = sg.detach_encrypted_key(ed, "_ek_" + key_layout)
    if key_layout == "extensions":
        kw["extensions"] = ek
        ek = ""
    outer = Resp(sign_response=SigSpec() if response_signed else None, **kw)
    tmpl = outer.render()
    b, e = sg.element_span(tmpl, "saml2:Assertion")
    ea = '<saml2:EncryptedAssertion xmlns:saml2="%s">%s%s</saml2:EncryptedAssertion>' % (
        NS_SAML, ed, ek)
    if plain_too:
        evil = Resp(name_id=sg.VICTIM, attrs=sg.default_attrs(sg.VICTIM),
                    assert_id="_evil_plain_assertion").render()
        ea += sg.element(evil, "saml2:Assertion")
    tmpl = tmpl[:b] + ea + tmpl[e:]
    if response_signed:
        tmpl = g.signer.sign_node(tmpl, sg.XP_RESP_SIG, outer.sign_response)
    return tmpl


# ---- families ------------------------------------------------------------------------------------


def family_xsw(g):
    signed = {m: g.sign(MODE[m]()) for m in ("ronly", "aonly", "both")}
    plan = [("xsw1", ("ronly", "both")), ("xsw2", ("ronly", "both")),
            ("xsw2u", ("ronly",)),
            ("xsw3", ("aonly", "both")), ("xsw4", ("aonly", "both")),
            ("xsw5", ("aonly", "both")), ("xsw6", ("aonly", "both")),
            ("xsw7", ("aonly", "both")), ("xsw7ns", ("aonly", "both")),
            ("xsw8", ("aonly", "both")), ("xsw8ns", ("aonly", "both"))]
    for kind, modes in plan:
        for m in modes:
            doc = xsw(signed[m], kind)
            layout = ("XSW2 with no duplicated ID" if kind == "xsw2u" else
                      "%s layout (SAML Raider)" % kind.upper())
            g.add("xsw", "%s-%s" % (kind, m), doc, expect_reject(*XSW_CODES),
                  "%s on a response signed %s; forged NameID %s"
                  % (layout, {"ronly": "on the Response only",
                                    "aonly": "on the Assertion only",
                                    "both": "on Response and Assertion"}[m], sg.VICTIM),
                  oracle=XSW_ORACLE.get((kind, m)), forbid_name_id=sg.VICTIM)


# What xmlsec1 says about each wrapped document. "any-ok": the genuine signature still
# verifies (the premise of the attack). xmlsec1 refuses duplicate IDs, so the layouts that
# leave two elements with one ID (XSW1/2 copy the Assertion with its ID, XSW7/8) fail there,
# and it refuses a foreign element inside Signature (XSW1, XSW6): no expectation for those.
# "xsw2u" is XSW2 with no duplicated ID, so that xmlsec1 does verify the genuine signature.
XSW_ORACLE = {
    ("xsw2u", "ronly"): "any-ok",
    ("xsw3", "aonly"): "any-ok", ("xsw4", "aonly"): "any-ok", ("xsw5", "aonly"): "any-ok",
}


def family_signature(g):
    # Signature exclusion (§2): the attacker deletes signatures and edits freely.
    for m, which in (("both", ("response", "assertion")), ("ronly", ("response",)),
                     ("aonly", ("assertion",))):
        doc = g.sign(MODE[m]())
        for w in which:
            doc = strip_sig(doc, w)
        doc = set_name_id(doc, sg.VICTIM)
        g.add("signature", "strip-all-signatures-%s" % m, doc, expect_reject("signature_missing"),
              "every Signature removed from a response signed %s, NameID set to the victim" % m,
              oracle="none", forbid_name_id=sg.VICTIM)
    doc = set_name_id(strip_sig(g.sign(both()), "assertion"), sg.VICTIM)
    g.add("signature", "strip-assertion-signature-keep-response", doc,
          expect_reject("digest_mismatch"),
          "both signed; Assertion signature removed and NameID edited; the Response "
          "signature still covers the Assertion", oracle="not-all-ok", forbid_name_id=sg.VICTIM)
    doc = set_name_id(strip_sig(g.sign(both()), "response"), sg.VICTIM)
    g.add("signature", "strip-response-signature-keep-assertion", doc,
          expect_reject("digest_mismatch"),
          "both signed; Response signature removed and NameID edited; the Assertion "
          "signature still covers it", oracle="not-all-ok", forbid_name_id=sg.VICTIM)
    g.add("signature", "unsigned-hand-written", Resp(name_id=sg.VICTIM).render(),
          expect_reject("signature_missing"), "a hand-written response with no signature",
          oracle="none", forbid_name_id=sg.VICTIM)

    # Certificate faking (§3): signed by the attacker, attacker's key material in KeyInfo.
    ev = dict(name_id=sg.VICTIM, attrs=sg.default_attrs(sg.VICTIM))
    for m in ("aonly", "ronly", "both"):
        r = Resp(**ev)
        if m in ("aonly", "both"):
            r.sign_assertion = SigSpec(key="attacker")
        if m in ("ronly", "both"):
            r.sign_response = SigSpec(key="attacker")
        doc = g.sign(r)
        g.add("signature", "cert-in-keyinfo-%s" % m, doc, expect_reject("signature_invalid"),
              "signed (%s) with the attacker's key, attacker's X509Certificate in KeyInfo; SP "
              "pins the real IdP certificate" % m, oracle="all-fail",
              checks=[{"xpath": xp, "cert": "attacker", "ok": True}
                      for _, xp in sg.signatures(doc)], forbid_name_id=sg.VICTIM)
    doc = g.sign(Resp(sign_assertion=SigSpec(key="attacker", keyinfo="keyvalue"), **ev))
    g.add("signature", "keyvalue-in-keyinfo", doc, expect_reject("signature_invalid"),
          "Assertion signed with the attacker's key, its RSAKeyValue in KeyInfo",
          oracle="all-fail", checks=[{"xpath": sg.xp_sig(1), "cert": "attacker", "ok": True}],
          forbid_name_id=sg.VICTIM)

    # A present signature must verify, even when another one covers the Assertion.
    doc = g.sign(Resp(sign_response=SigSpec(key="attacker"), sign_assertion=SigSpec(),
                      resp_irt=sg.OTHER_REQUEST_ID))
    g.add("signature", "attacker-signed-response-around-genuine-assertion", doc,
          expect_reject("signature_invalid"),
          "genuine IdP-signed Assertion wrapped in a Response the attacker signed (to change "
          "its InResponseTo)", oracle="not-all-ok", config={"in_response_to": [sg.OTHER_REQUEST_ID]},
          checks=[{"xpath": sg.XP_ANY_ASSERT_SIG, "cert": "idp", "ok": True}])
    doc = g.sign(Resp(sign_response=SigSpec(), sign_assertion=SigSpec(key="idp_old")))
    g.add("signature", "assertion-signature-untrusted-response-valid", doc,
          expect_reject("signature_invalid"),
          "Response signed with the pinned key, Assertion with a key no longer configured",
          oracle="not-all-ok", checks=[{"xpath": sg.XP_RESP_SIG, "cert": "idp", "ok": True}])
    doc = g.sign(aonly(name_id=sg.VICTIM + ".evil.com"))
    a = doc.find("<saml2:Assertion")
    b, e = sg.element_span(doc, "ds:Signature", a)
    sig = doc[b:e]
    doc = doc[:b] + doc[e:]
    i = doc.index("</saml2:Issuer>") + len("</saml2:Issuer>")
    doc = doc[:i] + sig + doc[i:]
    g.add("signature", "assertion-signature-moved-to-response", doc,
          expect_reject("reference_invalid", "signature_missing"),
          "the Assertion's Signature moved up to be a child of the Response (still verifies "
          "in xmlsec1: the Reference resolves by ID)", oracle="all-ok")
    doc = g.sign(aonly())
    b, e = sg.element_span(doc, "ds:Signature", doc.find("<saml2:Assertion"))
    doc = doc[:e] + doc[b:e] + doc[e:]
    g.add("signature", "assertion-two-signatures", doc,
          expect_reject("signature_malformed", "digest_mismatch"),
          "the Assertion's Signature element twice", oracle="all-fail")
    doc = g.sign(aonly())
    b, e = sg.element_span(doc, "ds:Signature", doc.find("<saml2:Assertion"))
    fake = doc[b:e].replace('xmlns:ds="%s"' % NS_DS, 'xmlns:ds="%sx"' % NS_DS, 1)
    doc = set_name_id(doc[:b] + fake + doc[e:], sg.VICTIM)
    g.add("signature", "signature-in-foreign-namespace", doc, expect_reject("signature_missing"),
          "the Assertion's ds:Signature rebound to another namespace URI, NameID edited",
          oracle="none", forbid_name_id=sg.VICTIM)

    # Comment injection (§4, Duo 2018): registered as victim@...evil.com, comment inserted
    # after signing. exc-c14n drops comments, so the signature still verifies.
    for m in ("aonly", "both", "ronly"):
        doc = g.sign(MODE[m](name_id=sg.VICTIM + ".evil.com"))
        doc = doc.replace(sg.VICTIM + ".evil.com</saml2:NameID>",
                          sg.VICTIM + "<!---->.evil.com</saml2:NameID>", 1)
        assert "<!---->" in doc
        g.add("signature", "comment-in-nameid-%s" % m, doc, expect_reject("signature_malformed"),
              "NameID %s<!---->.evil.com inserted after signing (%s); the signature still "
              "verifies; policy: comments in signed content are refused" % (sg.VICTIM, m),
              oracle="all-ok", forbid_name_id=sg.VICTIM)
    doc = g.sign(aonly())
    doc = doc.replace(">netops-admins<", ">netops-<!-- x -->admins<", 1)
    g.add("signature", "comment-in-attribute-value", doc, expect_reject("signature_malformed"),
          "comment inserted inside a signed groups AttributeValue", oracle="all-ok")


def family_dsig(g):
    # SHA-1 (§11): refused unless the legacy switch is on.
    sha1 = SigSpec(sig_alg=sg.RSA_SHA1, digest=sg.SHA1)
    doc = g.sign(Resp(sign_response=sha1, sign_assertion=sha1))
    g.add("dsig", "sha1-rejected", doc, expect_reject("weak_algorithm"),
          "rsa-sha1 / sha1 digests on both signatures, no --allow-sha1", oracle="all-ok")
    g.add("dsig", "sha1-allowed", doc, expect_accept(response_signed=True, assertion_signed=True),
          "the same with --allow-sha1: accepted", config={"allow_sha1": True}, oracle="all-ok")
    doc = g.sign(aonly(sign_assertion=SigSpec(digest=sg.SHA1)))
    g.add("dsig", "sha1-digest-only", doc, expect_reject("weak_algorithm"),
          "rsa-sha256 signature over a sha1 DigestValue", oracle="all-ok")

    # HMAC confusion (§10): MAC keyed with the IdP certificate (public bytes).
    doc = g.sign(Resp(sign_assertion=SigSpec(sig_alg=sg.HMAC_SHA256, hmac=True, keyinfo=None),
                      name_id=sg.VICTIM, attrs=sg.default_attrs(sg.VICTIM)))
    g.add("dsig", "hmac-keyed-with-idp-cert", doc, expect_reject("signature_algorithm"),
          "hmac-sha256 SignatureMethod, keyed with the IdP certificate's DER bytes",
          oracle="all-fail", forbid_name_id=sg.VICTIM,
          checks=[{"xpath": sg.xp_sig(1), "hmackey": g.pki.path("idp.der"), "ok": True}])
    doc = g.sign(aonly(sign_assertion=SigSpec(sig_alg=sg.RSA_SHA224)))
    g.add("dsig", "rsa-sha224-not-allowed", doc, expect_reject("signature_algorithm"),
          "rsa-sha224: valid, but not on the allow-list", oracle="all-ok")
    doc = g.sign(aonly(sign_assertion=SigSpec(c14n=sg.ALG_C14N)))
    g.add("dsig", "inclusive-c14n-signedinfo", doc, expect_reject("signature_algorithm"),
          "SignedInfo canonicalized with inclusive C14N 1.0", oracle="all-ok")

    ec = SigSpec(key="ec", sig_alg=sg.ECDSA_SHA256)
    doc = g.sign(Resp(sign_assertion=ec))
    b, e = sg.element_span(doc, "ds:SignatureValue", doc.find("<saml2:Assertion"))
    raw = base64.b64decode("".join(doc[b:e].split(">", 1)[1].rsplit("<", 1)[0].split()))
    der = base64.b64encode(sg.ecdsa_raw_to_der(raw)).decode()
    doc = doc[:b] + "<ds:SignatureValue>%s</ds:SignatureValue>" % der + doc[e:]
    g.add("dsig", "ecdsa-der-signature-value", doc,
          expect_reject("signature_invalid", "signature_malformed"),
          "ECDSA Assertion SignatureValue re-encoded as DER instead of r||s (RFC 4051)",
          config={"idp_cert": ["ec"]}, oracle="all-fail")
    weak = SigSpec(key="weak")
    doc = g.sign(Resp(sign_response=weak, sign_assertion=weak))
    g.add("dsig", "rsa-1024-idp-key", doc, expect_reject("key_too_weak"),
          "both signed with a 1024-bit RSA IdP key, which the SP pins",
          config={"idp_cert": ["weak"]}, oracle="all-ok")
    g.add("dsig", "rsa-1024-idp-key-legacy-allowed", doc,
          expect_accept(response_signed=True, assertion_signed=True),
          "the same with the legacy opt-in (--allow-sha1 also admits RSA-1024 keys)",
          config={"idp_cert": ["weak"], "allow_sha1": True}, oracle="all-ok")

    # Reference rules (§17).
    doc = g.sign(aonly(sign_assertion=SigSpec(extra_refs=["#" + sg.RESPONSE_ID])))
    g.add("dsig", "two-references", doc, expect_reject("reference_invalid"),
          "Assertion signature with a second Reference (to the Response)", oracle="all-ok")
    doc = g.sign(aonly(sign_assertion=SigSpec(ref_uri="")))
    g.add("dsig", "reference-uri-empty", doc, expect_reject("reference_invalid"),
          'Reference URI="" (whole document) on the Assertion signature', oracle="all-ok")
    doc = g.sign(aonly(sign_assertion=SigSpec(ref_uri="#xpointer(id('%s'))" % sg.ASSERTION_ID)))
    g.add("dsig", "reference-uri-xpointer", doc, expect_reject("reference_invalid"),
          "Reference URI=\"#xpointer(id('...'))\" naming the Assertion", oracle="all-ok")
    doc = g.sign(aonly(sign_assertion=SigSpec(ref_uri="#" + sg.RESPONSE_ID)))
    g.add("dsig", "reference-uri-foreign", doc, expect_reject("reference_invalid"),
          "Assertion signature whose Reference names the Response", oracle="all-ok")
    doc = g.sign(aonly())
    start = doc.find("<saml2:Assertion")
    si = ('<ds:SignedInfo xmlns:ds="%s"><ds:CanonicalizationMethod Algorithm="%s">'
          '</ds:CanonicalizationMethod><ds:SignatureMethod Algorithm="%s">'
          '</ds:SignatureMethod></ds:SignedInfo>' % (NS_DS, sg.ALG_EXC_C14N, sg.RSA_SHA256))
    g.add("dsig", "signedinfo-without-reference", hand_sign(g, doc, start, si),
          expect_reject("reference_invalid", "signature_malformed"),
          "SignedInfo with no Reference, validly signed by the IdP key (openssl)",
          oracle="all-fail")
    doc = g.sign(aonly())
    b, e = sg.element_span(doc, "ds:SignedInfo", doc.find("<saml2:Assertion"))
    doc = doc[:b] + doc[b:e] + doc[b:e] + doc[e:]
    g.add("dsig", "two-signedinfo", doc, expect_reject("signature_malformed"),
          "Signature with SignedInfo twice (CVE-2025-29774 shape)")
    doc = g.sign(aonly())
    b, e = sg.element_span(doc, "ds:DigestValue", doc.find("<saml2:Assertion"))
    dv = doc[b:e]
    cut = dv.index(">") + 5
    doc = doc[:b] + dv[:cut] + "<!---->" + dv[cut:] + doc[e:]
    g.add("dsig", "comment-in-digestvalue", doc, expect_reject("signature_malformed"),
          "comment inside DigestValue (CVE-2025-29775 shape)")

    # Transform injection (§12).
    enveloped = '<{ds}Transform Algorithm="%s"/>' % sg.ALG_ENVELOPED
    exc = '<{ds}Transform Algorithm="%s"/>' % sg.ALG_EXC_C14N
    xpath = ('<{ds}Transform Algorithm="%s"><{ds}XPath>not(ancestor-or-self::ds:Signature)'
             '</{ds}XPath></{ds}Transform>' % sg.ALG_XPATH)
    # An identity stylesheet that drops ds:Signature: it does the enveloped transform's job,
    # so xmlsec1 verifies, and it is still code the IdP's message makes the SP run.
    xslt = ('<{ds}Transform Algorithm="%s"><xsl:stylesheet '
            'xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:ds="%s" version="1.0">'
            '<xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates '
            'select="@*|node()"/></xsl:copy></xsl:template>'
            '<xsl:template match="ds:Signature"/></xsl:stylesheet></{ds}Transform>'
            % (sg.ALG_XSLT, NS_DS))
    xpath2 = ('<{ds}Transform Algorithm="%s"><f:XPath xmlns:f="%s" Filter="intersect">'
              "//*[local-name()='Assertion']</f:XPath></{ds}Transform>"
              % (sg.ALG_XPATH2, sg.ALG_XPATH2))
    for name, tl, what in (("xpath-transform", [enveloped, xpath], "enveloped + XPath"),
                           ("xpath-transform-three", [enveloped, xpath, exc],
                            "enveloped + XPath + exc-c14n"),
                           ("xslt-transform", [xslt, exc], "XSLT + exc-c14n"),
                           ("xslt-after-enveloped", [enveloped, xslt],
                            "enveloped + XSLT"),
                           ("xpath-filter2-transform", [enveloped, xpath2],
                            "enveloped + XPath Filter 2.0"),
                           ("three-transforms", [enveloped, exc, exc],
                            "enveloped + exc-c14n + exc-c14n"),
                           ("exc-c14n-only", [exc], "exc-c14n alone (no enveloped)")):
        doc = g.sign(aonly(sign_assertion=SigSpec(transforms=tl)))
        # exc-c14n alone leaves the Signature in the digest input: xmlsec1 signs it as written
        # (before the value is filled in), so it cannot verify; everything else verifies.
        g.add("dsig", name, doc, expect_reject("transform_not_allowed"),
              "Assertion signature with transforms: %s" % what,
              oracle="all-fail" if name == "exc-c14n-only" else "all-ok")


def family_parser(g):
    signed = g.sign(both())
    body = sg.strip_decl(signed)
    decl = '<?xml version="1.0" encoding="UTF-8"?>\n'
    # DTDs (§13).
    lol = "".join('<!ENTITY l%d "%s">' % (i, ("&l%d;" % (i - 1)) * 10) for i in range(1, 10))
    doc = (decl + '<!DOCTYPE saml2p:Response [<!ENTITY l0 "lol">' + lol + "]>" +
           body.replace(">" + sg.USER + "</saml2:NameID>", ">&l9;</saml2:NameID>", 1))
    g.add("parser", "billion-laughs", doc, expect_reject("xml_dtd_forbidden"),
          "nested internal entities (10^9 expansion) referenced from NameID",
          oracle="not-all-ok")
    doc = (decl + '<!DOCTYPE saml2p:Response [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
           body.replace(">" + sg.USER + "</saml2:NameID>", ">&xxe;</saml2:NameID>", 1))
    g.add("parser", "external-entity", doc, expect_reject("xml_dtd_forbidden"),
          "external entity (file:///etc/passwd) referenced from NameID", oracle="not-all-ok")
    doc = decl + '<!DOCTYPE saml2p:Response [<!ELEMENT saml2p:Response ANY>]>' + body
    g.add("parser", "internal-dtd-harmless", doc, expect_reject("xml_dtd_forbidden"),
          "an otherwise valid signed response with a harmless internal DTD", oracle="all-ok")
    doc = decl + '<!DOCTYPE saml2p:Response SYSTEM "http://127.0.0.1:1/x.dtd">' + body
    g.add("parser", "external-dtd", doc, expect_reject("xml_dtd_forbidden"),
          "an otherwise valid signed response naming an external DTD")

    # Size and depth (§14).
    doc = g.sign(both(attr_value_raw="<x>" * 40 + "</x>" * 40))
    g.add("parser", "deep-nesting-signed", doc, expect_reject("xml_limit"),
          "40 nested elements inside a signed AttributeValue (depth 45 > 32)", oracle="all-ok")
    doc = signed.replace("</saml2p:Response>", "<a>" * 6000 + "</a>" * 6000 +
                         "</saml2p:Response>")
    g.add("parser", "deep-nesting-6000", doc, expect_reject("xml_limit"),
          "6000 nested elements appended to the Response (stack-exhaustion probe)")
    pad = '<pad:Padding xmlns:pad="urn:example:pad">%s</pad:Padding>'
    for name, target, exp in (("size-at-limit", 49152, expect_accept(response_signed=True,
                                                                     assertion_signed=True)),
                              ("size-over-limit", 49153, expect_reject("xml_limit"))):
        doc = sized(g, pad, target)
        assert len(doc.encode()) == target, (name, len(doc.encode()))
        g.add("parser" if exp["expect"] == "reject" else "valid", name, doc, exp,
              "both signed, padded in samlp:Extensions to exactly %d bytes "
              "(SSO_CFG_XML_MAX_BYTES = 49152)" % target, oracle="all-ok")
    doc = g.sign(both(extensions='<pad:List xmlns:pad="urn:example:pad">%s</pad:List>'
                      % ("<pad:i/>" * 4200)))
    g.add("parser", "too-many-nodes", doc, expect_reject("xml_limit"),
          "4200 empty elements in a signed samlp:Extensions (node limit 4096)", oracle="all-ok")
    attrs = " ".join('a%d="%d"' % (i, i) for i in range(40))
    doc = g.sign(both(extensions='<pad:Many xmlns:pad="urn:example:pad" %s/>' % attrs))
    g.add("parser", "too-many-attributes", doc, expect_reject("xml_limit"),
          "one element with 40 attributes in a signed samlp:Extensions (limit 32)",
          oracle="all-ok")
    doc = g.sign(both(attr_value_raw='<?evil data?>'))
    g.add("parser", "processing-instruction", doc, expect_reject("xml_pi_forbidden"),
          "a processing instruction inside a signed AttributeValue", oracle="all-ok")
    doc = signed.encode().replace(b"<saml2p:Status ", b"<!-- \xff\xfe --><saml2p:Status ", 1)
    g.add("parser", "invalid-utf8", doc, expect_reject("xml_encoding", "response_malformed"),
          "bytes 0xFF 0xFE (not UTF-8) in a comment outside the signed content")
    g.add("parser", "base64-invalid", b"PHNhbWwycDpSZXNwb25zZ$$$=",
          expect_reject("base64_invalid"), "input that is neither XML nor base64")
    g.add("parser", "not-a-response", sg.strip_decl(sg.element(signed, "saml2:Assertion")),
          expect_reject("response_malformed"), "a bare signed Assertion as the document root")

    # Namespace confusion (§16) and documents that are not one element.
    doc = g.sign(aonly())
    evil = sg.element(Resp(name_id=sg.VICTIM, attrs=sg.default_attrs(sg.VICTIM),
                           assert_id="_evil_assertion_ID").render(), "saml2:Assertion")
    evil = evil.replace('xmlns:saml2="%s"' % NS_SAML, 'xmlns:saml2="%s:evil"' % NS_SAML)
    doc = doc.replace("<saml2:Assertion ", evil + "<saml2:Assertion ", 1)
    g.add("parser", "foreign-namespace-assertion-first", doc,
          expect_reject("response_malformed", "assertion_count"),
          "a forged saml2:Assertion whose saml2 prefix is bound to another URI, before the "
          "signed one (prefix-matching SPs read it)", oracle="all-ok", forbid_name_id=sg.VICTIM)
    evil_nid = ('<saml2:NameID xmlns:saml2="%s">%s</saml2:NameID>' % (NS_SAML, sg.VICTIM))
    g.add("parser", "element-before-root", decl + evil_nid + body,
          expect_reject("xml_malformed"),
          "a NameID element before the signed root (two top-level elements)",
          forbid_name_id=sg.VICTIM)
    g.add("parser", "element-after-root", signed + evil_nid, expect_reject("xml_malformed"),
          "a NameID element after the signed root", forbid_name_id=sg.VICTIM)

    # Bounds of the result: a value that does not fit is an error, never a truncation.
    long_local = "a" * 300
    doc = g.sign(both(name_id=long_local + "@example.com"))
    g.add("parser", "nameid-over-bound", doc, expect_reject("nameid_missing", "xml_limit"),
          "a signed 312-byte NameID (SSO_CFG_RESP_STR_MAX = 256)", oracle="all-ok")
    doc = g.sign(both(attrs=sg.default_attrs() + [("note", ["n" * 300])]))
    g.add("parser", "attribute-value-over-bound", doc, expect_reject("xml_limit"),
          "a signed 300-byte attribute value (SSO_CFG_RESP_STR_MAX = 256)", oracle="all-ok")
    doc = g.sign(both(session_index="s" * 300))
    g.add("parser", "session-index-over-bound", doc,
          expect_reject("xml_limit", "response_malformed"),
          "a signed 300-byte SessionIndex (SSO_CFG_RESP_STR_MAX = 256); STYLE.md: a violated "
          "bound is an error, never a truncation", oracle="all-ok")

    # Duplicate IDs (§15) and multiple or hidden assertions (§26).
    doc = g.sign(aonly())
    doc = doc.replace("<saml2p:Status ", '<saml2p:Status ID="%s" ' % sg.ASSERTION_ID, 1)
    g.add("parser", "duplicate-id-on-status", doc, expect_reject("duplicate_id"),
          "Assertion signed; samlp:Status given the Assertion's ID")
    doc = g.sign(aonly())
    evil = sg.element(sg.Resp(name_id=sg.VICTIM).render(), "saml2:Assertion")
    doc = doc.replace("</saml2p:Response>", evil + "</saml2p:Response>")
    g.add("parser", "duplicate-id-assertion-after", doc,
          expect_reject("duplicate_id", "assertion_count"),
          "unsigned forged Assertion with the same ID appended after the signed one",
          forbid_name_id=sg.VICTIM)
    doc = g.sign(aonly())
    second = sg.element(g.sign(aonly(assert_id="id2481821335729952069539999", name_id=sg.VICTIM)),
                        "saml2:Assertion")
    doc = doc.replace("</saml2p:Response>", second + "</saml2p:Response>")
    g.add("parser", "two-signed-assertions", doc, expect_reject("assertion_count"),
          "two Assertions, each validly signed, the second for the victim", oracle="all-ok",
          forbid_name_id=sg.VICTIM)
    doc = g.sign(aonly())
    a = sg.element(doc, "saml2:Assertion")
    doc = doc.replace(a, "").replace("<saml2p:Status ", "<saml2p:Extensions>%s</saml2p:Extensions>"
                                     "<saml2p:Status " % a, 1)
    g.add("parser", "assertion-only-in-extensions", doc, expect_reject("assertion_count"),
          "the only (signed) Assertion moved into samlp:Extensions", oracle="all-ok")
    inner = sg.element(g.sign(aonly()), "saml2:Assertion")
    doc = Resp(name_id=sg.VICTIM, assert_id="_outer_assertion", advice=inner).render()
    g.add("parser", "assertion-only-in-advice", doc, expect_reject("signature_missing"),
          "unsigned forged Assertion whose saml:Advice holds the genuine signed one",
          oracle="all-ok", forbid_name_id=sg.VICTIM)


def sized(g, pad, target):
    """Both-signed response padded in Extensions to exactly @p target bytes. Signature and
    digest sizes do not depend on content, so one correction pass suffices."""
    n = 1000
    doc = g.sign(both(extensions=pad % ("A" * n)))
    n += target - len(doc.encode())
    doc = g.sign(both(extensions=pad % ("A" * n)))
    return doc


def family_conditions(g):
    signed = g.sign(both())
    acfg = [("wrong-audience-config", {"sp_entity_id": sg.OTHER_SP_ENTITY_ID},
             ("audience_mismatch",), "SP configured with another entity ID"),
            ("wrong-acs-config", {"acs_url": sg.OTHER_ACS_URL},
             ("destination_mismatch", "recipient_mismatch"), "SP configured with another ACS URL"),
            ("wrong-issuer-config", {"idp_entity_id": sg.OTHER_IDP_ENTITY_ID},
             ("issuer_mismatch",), "SP configured with another IdP entity ID"),
            ("in-response-to-mismatch", {"in_response_to": [sg.OTHER_REQUEST_ID]},
             ("in_response_to_mismatch",), "the outstanding request is another one"),
            ("in-response-to-none-outstanding", {"in_response_to": []},
             ("in_response_to_mismatch",), "no request outstanding, response is solicited")]
    for name, cfg, codes, desc in acfg:
        g.add("conditions", name, signed, expect_reject(*codes), desc + " (both signed)",
              config=cfg, oracle="all-ok")
    doc = g.sign(aonly(destination=None))
    g.add("conditions", "wrong-recipient-config", doc, expect_reject("recipient_mismatch"),
          "Assertion signed, no Destination; SP configured with another ACS URL",
          config={"acs_url": sg.OTHER_ACS_URL}, oracle="all-ok")

    signed_bad = [
        ("wrong-audience-signed", dict(audience=sg.OTHER_SP_ENTITY_ID), ("audience_mismatch",)),
        ("audience-suffix-signed", dict(audience=sg.SP_ENTITY_ID + ".evil"),
         ("audience_mismatch",)),
        ("audience-prefix-signed", dict(audience=sg.SP_ENTITY_ID[:-1]), ("audience_mismatch",)),
        ("wrong-recipient-signed", dict(recipient=sg.OTHER_ACS_URL), ("recipient_mismatch",)),
        ("wrong-destination-signed", dict(destination=sg.OTHER_ACS_URL),
         ("destination_mismatch",)),
        ("wrong-assertion-issuer-signed", dict(assert_issuer=sg.OTHER_IDP_ENTITY_ID),
         ("issuer_mismatch",)),
        ("wrong-response-issuer-signed", dict(resp_issuer=sg.OTHER_IDP_ENTITY_ID),
         ("issuer_mismatch",)),
        ("issuer-case-signed", dict(assert_issuer=sg.IDP_ENTITY_ID.upper()),
         ("issuer_mismatch",)),
        ("in-response-to-differs-signed", dict(scd_irt=sg.OTHER_REQUEST_ID),
         ("in_response_to_mismatch",)),
        ("status-responder-signed", dict(status=sg.STATUS_RESPONDER,
                                         sub_status=sg.STATUS_AUTHN_FAILED),
         ("status_not_success",)),
    ]
    for name, kw, codes in signed_bad:
        doc = g.sign(both(**kw))
        g.add("conditions", name, doc, expect_reject(*codes),
              "both signed by the IdP with %s" % ", ".join("%s=%s" % i for i in kw.items()),
              oracle="all-ok")

    for name, kw, codes, desc in (
            ("two-audience-restrictions-one-foreign", dict(audience=[[sg.SP_ENTITY_ID],
                                                                     [sg.OTHER_SP_ENTITY_ID]]),
             ("audience_mismatch",), "two AudienceRestrictions, the second for another SP"),
            ("no-audience-restriction", dict(audience=None), ("audience_mismatch",),
             "Conditions without AudienceRestriction"),
            ("scd-without-notonorafter", dict(scd_not_on_or_after=None),
             ("subject_confirmation",), "bearer SubjectConfirmationData without NotOnOrAfter"),
            ("scd-without-recipient", dict(recipient=None),
             ("recipient_mismatch", "subject_confirmation"),
             "bearer SubjectConfirmationData without Recipient"),
            ("empty-nameid", dict(name_id=""), ("nameid_missing",), "an empty NameID")):
        g.add("conditions", name, g.sign(both(**kw)), expect_reject(*codes),
              desc + " (both signed)", oracle="all-ok")
    g.add("conditions", "audience-among-several",
          g.sign(both(audience=[[sg.OTHER_SP_ENTITY_ID, sg.SP_ENTITY_ID]])),
          expect_accept(response_signed=True, assertion_signed=True),
          "one AudienceRestriction naming another SP and this one: accepted", oracle="all-ok")

    # The unsigned envelope of an Assertion-only response is the attacker's to edit; the
    # signed SubjectConfirmationData InResponseTo still binds the login to its request.
    aon = g.sign(aonly())
    doc = aon.replace('InResponseTo="%s"' % sg.REQUEST_ID,
                      'InResponseTo="%s"' % sg.OTHER_REQUEST_ID, 1)
    assert doc.find(sg.OTHER_REQUEST_ID) < doc.find("<saml2:Assertion")
    g.add("conditions", "unsigned-response-in-response-to-rewritten", doc,
          expect_reject("in_response_to_mismatch"),
          "Assertion signed; the attacker sets the Response InResponseTo to his own request",
          config={"in_response_to": [sg.OTHER_REQUEST_ID]}, oracle="all-ok")
    doc = aon.replace(' InResponseTo="%s"' % sg.REQUEST_ID, "", 1)
    g.add("conditions", "unsigned-response-in-response-to-removed", doc,
          expect_reject("in_response_to_mismatch"),
          "Assertion signed; the Response InResponseTo removed, the SP awaits another request",
          config={"in_response_to": [sg.OTHER_REQUEST_ID]}, oracle="all-ok")

    # Documented policy (resp.c): Destination is optional even on a signed Response, for
    # interop; the signed bearer Recipient binds the assertion to this ACS instead.
    g.add("conditions", "missing-destination-response-signed", g.sign(both(destination=None)),
          expect_accept(response_signed=True, assertion_signed=True),
          "both signed, no Destination: accepted (Recipient is checked)", oracle="all-ok")
    g.add("conditions", "missing-destination-wrong-recipient",
          g.sign(both(destination=None, recipient=sg.OTHER_ACS_URL)),
          expect_reject("recipient_mismatch"),
          "both signed, no Destination, Recipient is another SP's ACS", oracle="all-ok")

    # Time window (§21).
    L = sg.LIFETIME
    for name, now, skew, exp, desc in (
            ("expired-at-notonorafter", sg.unix(L), "0", expect_reject("expired"),
             "now = NotOnOrAfter exactly, skew 0"),
            ("expired-past-skew", sg.unix(L + 180), None, expect_reject("expired"),
             "now = NotOnOrAfter + 180 s, default skew (180 s)"),
            ("not-yet-valid", sg.unix(-L - 1), "0", expect_reject("not_yet_valid"),
             "now = NotBefore - 1 s, skew 0"),
            ("not-yet-valid-past-skew", sg.unix(-L - 181), None, expect_reject("not_yet_valid"),
             "now = NotBefore - 181 s, default skew"),
            ("valid-last-second", sg.unix(L - 1), "0",
             expect_accept(response_signed=True, assertion_signed=True),
             "now = NotOnOrAfter - 1 s, skew 0: still valid"),
            ("valid-within-skew", sg.unix(L + 179), None,
             expect_accept(response_signed=True, assertion_signed=True),
             "now = NotOnOrAfter + 179 s, default skew: still valid"),
            ("valid-at-notbefore", sg.unix(-L), "0",
             expect_accept(response_signed=True, assertion_signed=True),
             "now = NotBefore exactly, skew 0: valid")):
        g.add("conditions", name, signed, exp, desc + " (both signed)",
              config={"now": str(now), "skew": skew}, oracle="all-ok")
    doc = g.sign(both(scd_not_on_or_after=60))
    g.add("conditions", "expired-subject-confirmation", doc, expect_reject("expired"),
          "SubjectConfirmationData expires at +60 s, Conditions at +300 s; now = +60 s, skew 0",
          config={"now": str(sg.unix(60)), "skew": "0"}, oracle="all-ok")

    # InResponseTo and unsolicited (§22).
    idp_init = g.sign(both(resp_irt=None, scd_irt=None))
    g.add("conditions", "unsolicited-refused", idp_init, expect_reject("unsolicited_not_allowed"),
          "IdP-initiated (no InResponseTo) with --no-unsolicited",
          config={"no_unsolicited": True, "in_response_to": []}, oracle="all-ok")
    g.add("conditions", "unsolicited-allowed", idp_init,
          expect_accept(response_signed=True, assertion_signed=True),
          "IdP-initiated, unsolicited responses allowed (the default)",
          config={"in_response_to": []}, oracle="all-ok")

    doc = g.sign(aonly(resp_irt=None, scd_irt=None))
    doc = doc.replace('<saml2p:Response ', '<saml2p:Response InResponseTo="%s" ' % sg.REQUEST_ID,
                      1)
    g.add("conditions", "unsolicited-assertion-presented-as-solicited", doc,
          expect_reject("unsolicited_not_allowed", "in_response_to_mismatch"),
          "an IdP-initiated Assertion (signed, no InResponseTo in SubjectConfirmationData) in a "
          "Response whose unsigned InResponseTo the attacker set to an outstanding request; "
          "SP has --no-unsolicited", config={"no_unsolicited": True}, oracle="all-ok")

    # Replay (§18): the same response twice against one replay cache.
    g.add("conditions", "replay", signed,
          [expect_accept(response_signed=True, assertion_signed=True), expect_reject("replay")],
          "the same response submitted twice with one --replay-cache file",
          config={"replay_cache": True}, oracle="all-ok")
    g.add("conditions", "replay-reencoded", signed,
          [expect_accept(response_signed=True, assertion_signed=True),
           step(expect_reject("replay"), base64.b64encode(signed.encode()))],
          "accepted as raw XML, then replayed as the base64 form value", config={
              "replay_cache": True}, oracle="all-ok")
    g.add("conditions", "replay-response-id-changed", aon,
          [expect_accept(response_signed=False, assertion_signed=True),
           step(expect_reject("replay"), aon.replace('ID="%s"' % sg.RESPONSE_ID,
                                                     'ID="id99999999999999999999999999"', 1))],
          "Assertion signed; replayed with a new (unsigned) Response ID", config={
              "replay_cache": True}, oracle="all-ok")
    # The cache fails closed: when every entry is live, a new login is refused rather than
    # forgetting one (SSO_CFG_REPLAY_MAX = 64).
    docs = [g.sign(aonly(assert_id="id%027d" % i)) for i in range(65)]
    g.add("conditions", "replay-cache-full", docs[0],
          [expect_accept(response_signed=False, assertion_signed=True)] +
          [step(expect_accept(response_signed=False, assertion_signed=True), d)
           for d in docs[1:64]] + [step(expect_reject("replay_cache_full"), docs[64])],
          "65 distinct valid assertions, all still live, into one 64-entry replay cache",
          config={"replay_cache": True}, oracle="all-ok")
    g.add("conditions", "replay-unsolicited", idp_init,
          [expect_accept(response_signed=True, assertion_signed=True), expect_reject("replay")],
          "an IdP-initiated response submitted twice with one --replay-cache file",
          config={"replay_cache": True, "in_response_to": []}, oracle="all-ok")


def family_tamper(g):
    for m in ("aonly", "both"):
        doc = g.sign(MODE[m]())
        g.add("tamper", "attribute-value-%s" % m,
              doc.replace(">netops-admins<", ">netops-superadmins<", 1),
              expect_reject("digest_mismatch"),
              "groups value edited after signing (%s)" % m, oracle="not-all-ok")
        g.add("tamper", "nameid-%s" % m, set_name_id(doc, sg.VICTIM),
              expect_reject("digest_mismatch"), "NameID edited after signing (%s)" % m,
              oracle="not-all-ok", forbid_name_id=sg.VICTIM)
    doc = g.sign(aonly())
    b, e = sg.element_span(doc, "ds:SignatureValue")
    sv = doc[b:e]
    i = sv.index(">") + 10
    flipped = sv[:i] + ("B" if sv[i] != "B" else "C") + sv[i + 1:]
    g.add("tamper", "signature-value", doc[:b] + flipped + doc[e:],
          expect_reject("signature_invalid"), "one base64 character of SignatureValue changed",
          oracle="all-fail")
    body = re.sub(r"\s", "", sv[sv.index(">") + 1:sv.rindex("<")])
    short = "<ds:SignatureValue>%s</ds:SignatureValue>" % base64.b64encode(
        base64.b64decode(body)[:-16]).decode()
    g.add("tamper", "signature-value-truncated", doc[:b] + short + doc[e:],
          expect_reject("signature_invalid", "signature_malformed"),
          "SignatureValue shortened by 16 bytes", oracle="all-fail")
    b, e = sg.element_span(doc, "ds:DigestValue")
    dv = doc[b:e]
    i = dv.index(">") + 3
    g.add("tamper", "digest-value", doc[:b] + dv[:i] + ("A" if dv[i] != "A" else "B") +
          dv[i + 1:] + doc[e:], expect_reject("digest_mismatch", "signature_invalid"),
          "one base64 character of DigestValue changed", oracle="all-fail")
    signed = g.sign(both())
    g.add("tamper", "wrong-idp-cert", signed, expect_reject("signature_invalid"),
          "SP pins another RSA certificate than the one that signed",
          config={"idp_cert": ["attacker"]}, oracle="all-fail")
    g.add("tamper", "old-idp-cert-only", signed, expect_reject("signature_invalid"),
          "SP still pins only the pre-rollover certificate", config={"idp_cert": ["idp_old"]},
          oracle="all-fail")
    g.add("tamper", "wrong-key-type", signed, expect_reject("signature_algorithm",
                                                           "signature_invalid"),
          "SP pins an ECDSA certificate, the response is RSA-signed", config={"idp_cert": ["ec"]},
          oracle="all-fail")


def family_c14n(g):
    """Edits made after signing. Those exclusive c14n erases must still verify and log in
    the same user (a c14n that is too strict breaks real IdPs); those it keeps must break
    the digest (a c14n that is too lax is a forgery). xmlsec1 decides which is which."""
    signed = g.sign(both())
    scd = ('<saml2:SubjectConfirmationData InResponseTo="%s" NotOnOrAfter="%s" Recipient="%s"/>'
           % (sg.REQUEST_ID, sg.ts(sg.LIFETIME), sg.ACS_URL))
    nid_open = ('<saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">')
    nid = nid_open + sg.USER + "</saml2:NameID>"
    av = ('<saml2:AttributeValue xmlns:xs="%s" xmlns:xsi="%s" xsi:type="xs:string">'
          'netops-admins</saml2:AttributeValue>' % (sg.NS_XS, sg.NS_XSI))
    invariant = (
        ("attribute-order-changed", scd, '<saml2:SubjectConfirmationData Recipient="%s" '
         'NotOnOrAfter="%s" InResponseTo="%s"/>' % (sg.ACS_URL, sg.ts(sg.LIFETIME),
                                                    sg.REQUEST_ID)),
        ("single-quoted-attribute", 'Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"',
         "Method='urn:oasis:names:tc:SAML:2.0:cm:bearer'"),
        ("whitespace-inside-tags", scd, scd.replace(" ", "\n\t  ").replace("/>", " \n/>")),
        ("empty-element-expanded", scd, scd[:-2] + "></saml2:SubjectConfirmationData>"),
        ("char-refs-for-ascii", nid, nid_open + "&#97;lice&#x40;example&#46;com</saml2:NameID>"),
        ("cdata-section", nid, nid_open + "<![CDATA[" + sg.USER + "]]></saml2:NameID>"),
        ("unused-namespace-declared", nid_open, nid_open[:-1] + ' xmlns:foo="urn:example:foo">'),
        ("redundant-namespace-redeclared", nid_open,
         nid_open[:-1] + ' xmlns:saml2="%s">' % NS_SAML),
        ("empty-default-namespace-declared", nid_open, nid_open[:-1] + ' xmlns="">'),
        ("char-ref-for-hyphen", ">netops-admins<", ">netops&#x2D;admins<"),
    )
    for name, old, new in invariant:
        assert signed.count(old) >= 1, name
        doc = signed.replace(old, new, 1)
        g.add("c14n", name, doc, expect_accept(response_signed=True, assertion_signed=True),
              "after signing (both): %r -> %r; c14n output unchanged" % (old[:60], new[:60]),
              oracle="all-ok")
    visible = (
        ("prefix-renamed", nid, '<s:NameID xmlns:s="%s" Format="urn:oasis:names:tc:SAML:1.1:'
         'nameid-format:emailAddress">%s</s:NameID>' % (NS_SAML, sg.USER)),
        ("trailing-space-in-nameid", nid, nid.replace(sg.USER, sg.USER + " ")),
        ("cr-char-ref-in-nameid", nid, nid.replace(sg.USER, sg.USER + "&#13;")),
        ("space-in-attribute-value", 'Recipient="%s"' % sg.ACS_URL,
         'Recipient=" %s"' % sg.ACS_URL),
        ("tab-char-ref-in-attribute", 'Recipient="%s"' % sg.ACS_URL,
         'Recipient="%s&#9;"' % sg.ACS_URL),
        ("xs-prefix-rebound", av, av.replace('xmlns:xs="%s"' % sg.NS_XS,
                                             'xmlns:xs="urn:example:not-xml-schema"')),
        ("inherited-namespace-changed", av, av.replace('xmlns:xsi="%s"' % sg.NS_XSI,
                                                       'xmlns:xsi="%s#"' % sg.NS_XSI)),
    )
    for name, old, new in visible:
        assert signed.count(old) >= 1, name
        doc = signed.replace(old, new, 1)
        g.add("c14n", name, doc, expect_reject("digest_mismatch"),
              "after signing (both): %r -> %r; c14n output changes" % (old[:60], new[:60]),
              oracle="all-fail")


def known_key_encrypted(g, plain, pad=True, style="saml2", extra_ea_decl=""):
    """Assertion-signed Response whose EncryptedAssertion was built with openssl from
    @p plain (bytes), see Signer.cbc_encrypt_known_key."""
    ed = g.signer.cbc_encrypt_known_key(plain, pad)
    tmpl = Resp(style=style).render()
    qn = Style(style).a + "Assertion"
    b, e = sg.element_span(tmpl, qn)
    decl = ' xmlns:saml2="%s"' % NS_SAML if style == "saml2" else ""
    ea = "<{a}EncryptedAssertion{d}{x}>{ed}</{a}EncryptedAssertion>".format(
        a=Style(style).a, d=decl, x=extra_ea_decl, ed=ed)
    return tmpl[:b] + ea + tmpl[e:]


def signed_assertion_bytes(g, style="saml2"):
    """The signed Assertion element exactly as it sits in its Response (for "saml" style it
    carries no namespace declarations: they are on the Response root)."""
    doc = g.sign(Resp(style=style, sign_assertion=SigSpec()))
    return sg.element(doc, Style(style).a + "Assertion").encode()


def family_enc(g):
    g.add("enc", "unsigned-encrypted-assertion", encrypted_response(
        g, False, False, name_id=sg.VICTIM, attrs=sg.default_attrs(sg.VICTIM)),
        expect_reject("signature_missing"),
        "an unsigned Assertion encrypted to the SP's public certificate (anyone can)",
        config={"sp_key": "sp"}, oracle="none", forbid_name_id=sg.VICTIM)
    doc = encrypted_response(g, True, False)
    g.add("enc", "no-sp-key-configured", doc, expect_reject("no_sp_key"),
          "EncryptedAssertion, but the SP has no decryption key", oracle="all-ok")
    g.add("enc", "wrong-sp-key", doc, expect_reject("decryption_failed"),
          "EncryptedAssertion for the SP, SP configured with another key",
          config={"sp_key": "attacker"}, oracle="all-ok")
    doc = encrypted_response(g, True, False, transport=sg.RSA_1_5)
    g.add("enc", "rsa-pkcs1v15-key-transport", doc, expect_reject("encryption_algorithm"),
          "key transported with RSA PKCS#1 v1.5 (Bleichenbacher)", config={"sp_key": "sp"},
          oracle="all-ok")
    doc = encrypted_response(g, True, False, plain_too=True)
    g.add("enc", "encrypted-plus-plain-assertion", doc, expect_reject("assertion_count"),
          "a genuine EncryptedAssertion next to a forged plaintext Assertion",
          config={"sp_key": "sp"}, forbid_name_id=sg.VICTIM)
    doc = encrypted_response(g, True, False, key_layout="extensions")
    g.add("enc", "encrypted-key-outside-assertion", doc,
          expect_reject("decryption_failed", "encryption_algorithm"),
          "RetrievalMethod naming an EncryptedKey in samlp:Extensions, outside the "
          "EncryptedAssertion (xmlsec1 follows it)", config={"sp_key": "sp"}, oracle="all-ok")
    # CBC without an oracle (§25, Jager & Somorovsky 2011): a bad padding and a plaintext that
    # does not parse must look the same to the sender. Built with a known content key so the
    # padding and the plaintext are exactly as described.
    plain = signed_assertion_bytes(g)
    body = plain + b" " * (15 - len(plain) % 16) + b"\0"
    assert len(body) % 16 == 0
    g.add("enc", "cbc-invalid-padding", known_key_encrypted(g, body, pad=False),
          expect_reject("decryption_failed"),
          "AES-128-CBC content whose last byte (the padding length) is 0",
          config={"sp_key": "sp"}, oracle="not-all-ok")
    g.add("enc", "cbc-garbled-plaintext", known_key_encrypted(g, b"=" + plain[1:]),
          expect_reject("decryption_failed"),
          "AES-128-CBC content with valid padding whose plaintext does not parse (its first "
          "byte changed, as flipping an IV bit does); must be indistinguishable from a bad "
          "padding", config={"sp_key": "sp"}, oracle="not-all-ok")
    g.add("enc", "encrypted-namespace-context-rebound",
          known_key_encrypted(g, signed_assertion_bytes(g, "saml"), style="saml",
                              extra_ea_decl=' xmlns:xs="urn:example:not-xml-schema"'),
          expect_reject("digest_mismatch"),
          "saml: style (namespaces on the root), Assertion signed then encrypted; the "
          "attacker rebinds xs (in PrefixList) on the unsigned EncryptedAssertion",
          config={"sp_key": "sp"}, oracle="not-all-ok")
    doc = encrypted_response(g, True, False, sym=sg.AES256_GCM)
    b, e = sg.element_span(doc, "xenc:CipherValue", doc.rfind("<xenc:CipherData"))
    cv = doc[b:e]
    i = cv.index(">") + 40
    doc = doc[:b] + cv[:i] + ("A" if cv[i] != "A" else "B") + cv[i + 1:] + doc[e:]
    g.add("enc", "gcm-ciphertext-tampered", doc, expect_reject("decryption_failed"),
          "one base64 character of the AES-256-GCM CipherValue changed", config={"sp_key": "sp"})


def family_valid(g):
    for style in ("saml2", "saml", "default"):
        for pretty in (False, True):
            doc = g.sign(both(style=style, pretty=pretty))
            g.add("valid", "style-%s-%s" % (style, "pretty" if pretty else "compact"), doc,
                  expect_accept(response_signed=True, assertion_signed=True),
                  "both signed, %s prefixes, %s" % (style, "pretty-printed" if pretty else
                                                     "compact"), oracle="all-ok")
    for m in ("aonly", "ronly"):
        rs, as_ = MODE_FLAGS[m]
        g.add("valid", "signed-%s" % {"aonly": "assertion-only", "ronly": "response-only"}[m],
              g.sign(MODE[m]()), expect_accept(response_signed=rs, assertion_signed=as_),
              "Okta shape, signed on the %s only" % ("Assertion" if m == "aonly" else "Response"),
              oracle="all-ok")
    doc = g.sign(aonly(style="saml", pretty=True))
    g.add("valid", "signed-assertion-only-saml-pretty", doc,
          expect_accept(response_signed=False, assertion_signed=True),
          "saml: prefixes declared on the root only, pretty-printed, Assertion signed",
          oracle="all-ok")
    ec = SigSpec(key="ec", sig_alg=sg.ECDSA_SHA256)
    g.add("valid", "ecdsa-p256", g.sign(Resp(sign_response=ec, sign_assertion=ec)),
          expect_accept(response_signed=True, assertion_signed=True),
          "both signed with ECDSA P-256 (ecdsa-sha256); SP pins the EC certificate",
          config={"idp_cert": ["ec"]}, oracle="all-ok")
    for alg, dig, name in ((sg.RSA_SHA512, sg.SHA512, "rsa-sha512"),
                           (sg.RSA_SHA384, sg.SHA384, "rsa-sha384")):
        s = SigSpec(sig_alg=alg, digest=dig)
        g.add("valid", name, g.sign(Resp(sign_response=s, sign_assertion=s)),
              expect_accept(response_signed=True, assertion_signed=True),
              "both signed with %s and matching digests" % name, oracle="all-ok")
    doc = strip_sig(g.sign(both()), "response")
    g.add("valid", "both-signed-response-signature-stripped", doc,
          expect_accept(response_signed=False, assertion_signed=True),
          "Response signature removed, content untouched: the Assertion's own signature still "
          "covers everything consumed", oracle="all-ok")
    doc = g.sign(aonly())
    doc = doc.replace("<saml2p:Status ", "<!-- proxy note --><saml2p:Status ", 1)
    g.add("valid", "comment-outside-signed-content", doc,
          expect_accept(response_signed=False, assertion_signed=True),
          "Assertion signed; a comment in the unsigned Response envelope", oracle="all-ok")

    doc = g.sign(both(pretty=True)).replace("\n", "\r\n")
    g.add("valid", "crlf-line-endings", doc,
          expect_accept(response_signed=True, assertion_signed=True),
          "pretty-printed, signed, then every LF turned into CRLF (XML normalizes line ends "
          "before c14n)", oracle="all-ok")
    attrs = sg.default_attrs() + [("motd", ["line1\r\nline2\tend"])]
    doc = g.sign(both(attrs=attrs))
    g.add("valid", "char-refs-in-signed-text", doc,
          expect_accept(attrs={k: v for k, v in attrs}, response_signed=True,
                        assertion_signed=True),
          "an attribute value with &#13; (CR), LF and TAB in signed content", oracle="all-ok")

    # Encrypted assertions (§25).
    for name, a_signed, r_signed, sym in (
            ("encrypted-aes128cbc-assertion-signed", True, False, sg.AES128_CBC),
            ("encrypted-aes256gcm-assertion-signed", True, False, sg.AES256_GCM),
            ("encrypted-aes128cbc-response-signed", False, True, sg.AES128_CBC),
            ("encrypted-aes256gcm-both-signed", True, True, sg.AES256_GCM)):
        doc = encrypted_response(g, a_signed, r_signed, sym=sym)
        g.add("valid", name, doc, expect_accept(response_signed=r_signed,
                                                 assertion_signed=a_signed, encrypted=True),
              "Assertion %ssigned, encrypted (RSA-OAEP-MGF1P + %s)%s" % (
                  "" if a_signed else "un", sym.split("#")[1],
                  ", Response signed over the EncryptedAssertion" if r_signed else ""),
              config={"sp_key": "sp"}, oracle="all-ok")

    g.add("valid", "encrypted-openssl-built", known_key_encrypted(g, signed_assertion_bytes(g)),
          expect_accept(response_signed=False, assertion_signed=True, encrypted=True),
          "Assertion signed, encrypted with openssl (AES-128-CBC, RSA-OAEP-MGF1P): the "
          "known-key path the CBC cases use", config={"sp_key": "sp"}, oracle="all-ok")
    g.add("valid", "encrypted-inherited-namespaces",
          known_key_encrypted(g, signed_assertion_bytes(g, "saml"), style="saml"),
          expect_accept(response_signed=False, assertion_signed=True, encrypted=True),
          "saml: style: the encrypted Assertion declares no namespace itself, the decryptor "
          "must supply the Response's", config={"sp_key": "sp"}, oracle="all-ok")
    doc = encrypted_response(g, True, True, key_layout="okta")
    g.add("valid", "encrypted-okta-key-layout", doc,
          expect_accept(response_signed=True, assertion_signed=True, encrypted=True),
          "Okta's layout: EncryptedKey next to EncryptedData, found through a RetrievalMethod",
          config={"sp_key": "sp"}, oracle="all-ok")

    signed = g.sign(both())
    g.add("valid", "comment-before-root", signed.replace(
        "?>", "?>\n<!-- relayed by the portal -->", 1),
          expect_accept(response_signed=True, assertion_signed=True),
          "a comment before the root element (outside every signed element)", oracle="all-ok")
    r = both(style="saml")
    tmpl = r.render().replace(' xmlns:ds="%s"' % NS_DS, "")
    tmpl = tmpl.replace("<samlp:Response ", '<samlp:Response xmlns:ds="%s" ' % NS_DS, 1)
    g.add("valid", "ds-namespace-on-root", g.sign(r, tmpl),
          expect_accept(response_signed=True, assertion_signed=True),
          "saml: style with the ds prefix declared on the Response root only (SignedInfo "
          "inherits it)", oracle="all-ok")
    exc_default = ('<{ds}Transform Algorithm="%s"><InclusiveNamespaces xmlns="%s" '
                   'PrefixList="#default xs"/></{ds}Transform>' % (sg.ALG_EXC_C14N, sg.NS_EC))
    tl = ['<{ds}Transform Algorithm="%s"/>' % sg.ALG_ENVELOPED, exc_default]
    doc = g.sign(Resp(style="default", sign_response=SigSpec(transforms=tl),
                      sign_assertion=SigSpec(transforms=tl)))
    g.add("valid", "prefixlist-default-token", doc,
          expect_accept(response_signed=True, assertion_signed=True),
          'default-namespace style, InclusiveNamespaces PrefixList="#default xs"',
          oracle="all-ok")

    # KeyInfo is not trusted, but ignoring it must not mean failing on it (§3): the
    # Assertion's KeyInfo is outside its own digest, so these edits keep it valid.
    aon = g.sign(aonly())
    start = aon.find("<saml2:Assertion")
    b, e = sg.element_span(aon, "ds:KeyInfo", start)
    for name, ki, desc in (
            ("keyinfo-absent", "", "KeyInfo removed"),
            ("keyinfo-attacker-certificate",
             "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate>"
             "</ds:X509Data></ds:KeyInfo>" % g.pki.cert_b64("attacker"),
             "KeyInfo swapped for the attacker's certificate (the pinned key still verifies)"),
            ("keyinfo-remote-retrievalmethod",
             '<ds:KeyInfo><ds:RetrievalMethod URI="http://127.0.0.1:9/key.xml" '
             'Type="http://www.w3.org/2000/09/xmldsig#X509Data"/></ds:KeyInfo>',
             "KeyInfo pointing at a remote RetrievalMethod (never fetched)"),
            ("keyinfo-keyname-only", "<ds:KeyInfo><ds:KeyName>okta-2025</ds:KeyName></ds:KeyInfo>",
             "KeyInfo with only a KeyName")):
        g.add("valid", name, aon[:b] + ki + aon[e:],
              expect_accept(response_signed=False, assertion_signed=True),
              "Assertion signed; " + desc, oracle="all-ok")

    # Key rollover: two certificates configured, the second signs.
    signed = g.sign(both())
    g.add("valid", "rollover-two-certs", signed,
          expect_accept(response_signed=True, assertion_signed=True),
          "old and new IdP certificates configured, signed with the new (second) one",
          config={"idp_cert": ["idp_old", "idp"]}, oracle="all-ok")
    g.add("valid", "idp-metadata", signed,
          expect_accept(response_signed=True, assertion_signed=True),
          "IdP certificate and entity ID taken from Okta-shaped metadata",
          config={"idp_cert": [], "idp_metadata": "pki/idp-metadata.xml",
                  "idp_entity_id": None}, oracle="all-ok")
    g.add("valid", "idp-metadata-rollover", signed,
          expect_accept(response_signed=True, assertion_signed=True),
          "metadata with the old and the new signing certificate, signed with the new one",
          config={"idp_cert": [], "idp_metadata": "pki/idp-metadata-rollover.xml",
                  "idp_entity_id": None}, oracle="all-ok")
    g.add("valid", "base64-input", base64.b64encode(signed.encode()),
          expect_accept(response_signed=True, assertion_signed=True),
          "the SAMLResponse form value (base64) instead of raw XML", oracle="all-ok")
    g.add("valid", "base64-input-wrapped", b"\r\n".join(
        base64.encodebytes(signed.encode()).split(b"\n")),
          expect_accept(response_signed=True, assertion_signed=True),
          "base64 with CRLF line breaks every 76 characters", oracle="all-ok")
    attrs = sg.default_attrs() + [("department", ["Network & Security <NOC>"]),
                                  ("displayName", ["Alice Ünal"])]
    doc = g.sign(both(attrs=attrs))
    g.add("valid", "escaped-and-utf8-attributes", doc,
          expect_accept(attrs={k: v for k, v in attrs}, response_signed=True,
                        assertion_signed=True),
          "attribute values with &amp;, &lt;, &gt; and non-ASCII UTF-8", oracle="all-ok")


def generate(work):
    """Every case, generated two families at a time (xmlsec1 runs dominate)."""
    g = Gen(work)
    subs = [Sub(g) for _ in FAMILIES]
    # The costliest family (65 signed assertions for the replay cache) first.
    order = sorted(range(len(FAMILIES)), key=lambda i: FAMILIES[i] != "conditions")
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        for f in [ex.submit(globals()["family_" + FAMILIES[i]], subs[i]) for i in order]:
            f.result()
    allc = [c for sub in subs for c in sub.cases]
    g.cases = sorted(allc, key=lambda c: FAMILIES.index(c["family"]))
    return g
