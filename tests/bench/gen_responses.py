#!/usr/bin/python3
"""The benchmark responses, made at bench time with openssl (keys) and xmlsec1 (signatures,
encryption), through the attack suite's generator (tests/attacks/samlgen.py).

  gen_responses.py --work DIR

writes DIR/pki/ (idp.crt/.key RSA-2048, ec.crt/.key P-256, sp.crt/.key RSA-2048), the four
responses and DIR/manifest.txt for the bench programs: the SP's view of the login, then one
line per response:

  params now_s request_id sp_entity_id acs_url idp_entity_id
  name file idp_cert_pem sp_key_pem|- signatures pk_kind size_bytes

pk_kind says which public-key operations one validation costs: "rsa" (an RSA-2048
PKCS#1 v1.5 verify per signature), "ecdsa" (a P-256 verify per signature), or "rsa+oaep"
(the verifies plus one RSA-2048 OAEP decryption with the SP key).

Deterministic: the keys are the repository's crypto test keys (tests/vectors/crypto:
rsa2048 for the IdP, rsa2048b for the SP, ec256 for the ECDSA IdP), the content, IDs and
times are fixed (samlgen's T0), and RSA PKCS#1 v1.5 signatures are deterministic for a key.
Only the ECDSA signatures and the encryption (session key, OAEP seed, IV) are random, which
moves no size and next to no instruction count. --fresh-keys makes new keys with openssl
instead (kept per DIR). Every response is checked with xmlsec1 (each signature, with the
configured certificate only, KeyInfo ignored) before it is written.
"""

import argparse
import os
import shutil
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "attacks"))

import samlgen as sg  # noqa: E402

# The shapes of issue 7. Okta signs the Assertion, and optionally the Response (the
# ACS-facing apps here do both); each signature carries the X509Certificate.
# 30 groups and 8 more attributes take the base shape (8.2 KB signed) to 16 KB.
GROUPS_16K = ["okta-grp-%03d-netops-region-%s" % (i, r)
              for i, r in enumerate(["emea", "amer", "apac", "latam", "anz", "mea"] * 5)]


def attrs_16k():
    a = sg.default_attrs()
    a[2] = ("groups", ["Everyone", "netops-admins"] + GROUPS_16K)
    a += [("lastName", ["Liddell"]), ("department", ["Network Operations"]),
          ("employeeNumber", ["004217"]), ("costCenter", ["CC-7731"]),
          ("manager", ["bob@example.com"]), ("mobilePhone", ["+41 44 555 01 23"]),
          ("locale", ["en_GB"]), ("timezone", ["Europe/Zurich"])]
    return a


# The repository's crypto test keys (tests/vectors/crypto, made once with openssl): with them
# the benchmark documents, and so the instruction counts, are the same in every checkout.
VECTORS = os.path.join(HERE, "..", "vectors", "crypto")
FIXED_KEYS = {"idp": "rsa2048", "sp": "rsa2048b", "ec": "ec256"}


class BenchPki(sg.Pki):
    """Only the keys the bench needs (samlgen.Pki makes six): the fixed test keys, or with
    @p fresh new ones from openssl (kept in @p d, so a work directory keeps its keys)."""

    def __init__(self, d, fresh=False):  # pylint: disable=super-init-not-called
        self.dir = d
        os.makedirs(d, exist_ok=True)
        for name, newkey in (("idp", ["-newkey", "rsa:2048"]), ("sp", ["-newkey", "rsa:2048"]),
                             ("ec", ["-newkey", "ec", "-pkeyopt",
                                     "ec_paramgen_curve:prime256v1"])):
            if not fresh:
                base = os.path.join(VECTORS, FIXED_KEYS[name])
                shutil.copyfile(base + ".p8.pem", self.key(name))
                shutil.copyfile(base + ".crt.pem", self.cert(name))
            elif not (os.path.exists(self.key(name)) and os.path.exists(self.cert(name))):
                self._req(name, newkey)


def both_signed(signer, key="idp", sig_alg=sg.RSA_SHA256, **kw):
    spec = lambda: sg.SigSpec(key=key, sig_alg=sig_alg)  # noqa: E731
    return signer.sign(sg.Resp(sign_response=spec(), sign_assertion=spec(), **kw))


def encrypted(signer):
    """Okta's encrypted layout: the Assertion signed, then encrypted for the SP (RSA-OAEP key
    transport, AES-256-GCM content), then the Response signed over the EncryptedAssertion."""
    inner = sg.Resp(sign_assertion=sg.SigSpec())
    assertion = sg.element(signer.sign(inner), "saml2:Assertion")
    ed = signer.encrypt(assertion, sg.AES256_GCM, sg.RSA_OAEP_MGF1P, "sp")
    outer = sg.Resp(sign_response=sg.SigSpec())
    tmpl = outer.render()
    b, e = sg.element_span(tmpl, "saml2:Assertion")
    ea = '<saml2:EncryptedAssertion xmlns:saml2="%s">%s</saml2:EncryptedAssertion>' % (
        sg.NS_SAML, ed)
    tmpl = tmpl[:b] + ea + tmpl[e:]
    return signer.sign_node(tmpl, sg.XP_RESP_SIG, outer.sign_response)


def check(signer, pki, path, cert, sp_key, nsig):
    """Every signature verifies with xmlsec1 (decrypting first when encrypted)."""
    text = open(path).read()
    sigs = sg.signatures(text)
    if "EncryptedAssertion" in text:
        dec = signer.decrypt(path, sp_key)
        if dec is None:
            sys.exit("gen_responses: xmlsec1 cannot decrypt %s" % path)
        dpath = signer.tmp()
        with open(dpath, "w") as f:
            f.write(dec)
        sigs = [(lbl, xp, path) for lbl, xp in sigs] + \
            [(lbl, xp, dpath) for lbl, xp in sg.encrypted_signatures(dec)]
    else:
        sigs = [(lbl, xp, path) for lbl, xp in sigs]
    if len(sigs) != nsig:
        sys.exit("gen_responses: %s has %d signatures, expected %d" % (path, len(sigs), nsig))
    for lbl, xp, p in sigs:
        if not signer.verify(p, xp, pki.cert(cert)):
            sys.exit("gen_responses: xmlsec1 does not verify the %s signature of %s" % (lbl, path))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", required=True)
    ap.add_argument("--fresh-keys", action="store_true",
                    help="new keys from openssl instead of tests/vectors/crypto")
    args = ap.parse_args()
    work = os.path.abspath(args.work)
    pki = BenchPki(os.path.join(work, "pki"), args.fresh_keys)
    signer = sg.Signer(pki, os.path.join(work, "scratch"))

    plan = [
        ("okta-both-rsa", both_signed(signer), "idp", None, 2, "rsa"),
        ("okta-both-rsa-16k", both_signed(signer, attrs=attrs_16k()), "idp", None, 2, "rsa"),
        ("okta-both-ecdsa", both_signed(signer, key="ec", sig_alg=sg.ECDSA_SHA256), "ec", None, 2,
         "ecdsa"),
        ("okta-enc-rsa", encrypted(signer), "idp", "sp", 2, "rsa+oaep"),
    ]
    lines = ["params %d %s %s %s %s" % (sg.NOW, sg.REQUEST_ID, sg.SP_ENTITY_ID, sg.ACS_URL,
                                         sg.IDP_ENTITY_ID)]
    for name, doc, cert, sp_key, nsig, kind in plan:
        path = os.path.join(work, name + ".xml")
        with open(path, "w") as f:
            f.write(doc)
        check(signer, pki, path, cert, sp_key or "sp", nsig)
        lines.append("%s %s %s %s %d %s %d" % (
            name, path, pki.cert(cert), pki.key(sp_key) if sp_key else "-", nsig, kind,
            os.path.getsize(path)))
    with open(os.path.join(work, "manifest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    for line in lines:
        print("gen_responses: " + line)


if __name__ == "__main__":
    main()
