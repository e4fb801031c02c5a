#!/usr/bin/env python3
"""ctest: every `kind: "metadata"` entry of saml-corpus/manifest.json through
`latchkey metadata`, against the policy table in docs/policy-corpus.md and against
independent extraction (Python's ElementTree for the document, openssl for certificates).

usage: md_corpus.py LATCHKEY CORPUS_DIR POLICY_MD

For each file:
  * the outcome (accept, or the error code) is the one docs/policy-corpus.md records, and
    a manifest `expect: "reject"` is never recorded as a plain accept without a rejection
    check (column "reject check");
  * on accept: entity ID, SSO URLs and signing-certificate count match the manifest notes;
    certificates, fingerprints (openssl x509 -fingerprint -sha256) and notAfter
    (openssl x509 -enddate) match what ElementTree + openssl find in the file under the
    SAML rule (KeyDescriptor use="signing" or no use); NameIDFormats, validUntil and
    cacheDuration match ElementTree.
"""
import base64
import datetime
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

LK, CORPUS, POLICY = sys.argv[1], sys.argv[2], sys.argv[3]
MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
SAML2 = "urn:oasis:names:tc:SAML:2.0:protocol"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
KNOWN_NAMEID = {
    "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:entity",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:encrypted",
}
failures = []


def fail(path, what):
    failures.append("%s: %s" % (path, what))
    print("FAIL %s: %s" % (path, what))


def policy_rows():
    """Rows of the metadata table in docs/policy-corpus.md:
    | file | manifest | result | reject check | why |"""
    rows, section = {}, False
    with open(POLICY, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("## "):
                section = line.startswith("## IdP metadata")
                continue
            if not section or not line.startswith("| `"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            f = cells[0].strip("`")
            rows[f] = {"manifest": cells[1], "result": cells[2].strip("`"),
                       "check": cells[3].strip("`"), "why": cells[4]}
    return rows


def run(path, entity=None):
    args = [LK, "metadata"] + (["--entity-id", entity] if entity else []) + [path]
    p = subprocess.run(args, capture_output=True)
    try:
        out = json.loads(p.stdout)
    except ValueError:
        out = None
    return p.returncode, out, p.stderr.decode()


def notes_fields(notes):
    m = re.search(r"entityID=('([^']*)'|None)", notes)
    entity = m.group(2) if m and m.group(1) != "None" else None
    certs = int(re.search(r"IdP signing certs=(\d+)", notes).group(1))
    sso = re.search(r"SSO=\[(.*?)\]", notes).group(1)
    urls = re.findall(r"'(\S+) (\S+)'", sso)
    return entity, certs, urls


def xs_datetime(s):
    s = s.strip().replace("Z", "+00:00")
    s = re.sub(r"\.\d+", "", s)  # fractions truncate, as documented
    return int(datetime.datetime.fromisoformat(s).timestamp())


def xs_duration(s):
    m = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.\d+)?S)?)?", s)
    y, mo, d, h, mi, sec = (int(g or 0) for g in m.groups())
    return ((y * 365 + mo * 30 + d) * 24 + h) * 3600 + mi * 60 + sec


def openssl_info(der):
    p = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-fingerprint", "-sha256",
                        "-enddate"], input=der, capture_output=True, check=True)
    out = p.stdout.decode()
    fp = re.search(r"Fingerprint=([0-9A-F:]+)", out).group(1).replace(":", "").lower()
    end = re.search(r"notAfter=(.*)", out).group(1).strip()
    t = datetime.datetime.strptime(end, "%b %d %H:%M:%S %Y GMT").replace(
        tzinfo=datetime.timezone.utc)
    return fp, t.strftime("%Y-%m-%dT%H:%M:%SZ")


def independent(path, entity_id=None):
    """What a correct import finds, computed with ElementTree."""
    data = open(path, "rb").read()
    root = ET.fromstring(data)
    ents = [root] if root.tag == MD + "EntityDescriptor" else root.iter(MD + "EntityDescriptor")
    chosen = []
    for e in ents:
        for r in e.findall(MD + "IDPSSODescriptor"):
            if SAML2 in (r.get("protocolSupportEnumeration") or "").split():
                if entity_id is None or e.get("entityID") == entity_id:
                    chosen.append((e, r))
    assert len(chosen) == 1, path
    e, r = chosen[0]
    sso = {"redirect": None, "post": None}
    for s in r.findall(MD + "SingleSignOnService"):
        k = {REDIRECT: "redirect", POST: "post"}.get(s.get("Binding"))
        if k and sso[k] is None:
            sso[k] = s.get("Location")
    certs = {}
    for kd in r.findall(MD + "KeyDescriptor"):
        if kd.get("use") in (None, "signing"):
            for c in kd.findall(DS + "KeyInfo/" + DS + "X509Data/" + DS + "X509Certificate"):
                fp, na = openssl_info(base64.b64decode("".join(c.text.split())))
                certs[fp] = na
    formats = [(n.text or "").strip() for n in r.findall(MD + "NameIDFormat")]
    # validUntil / cacheDuration: the role, the entity and its EntitiesDescriptor parents.
    parents = {c: p for p in root.iter() for c in p}
    chain, n = [], r
    while n is not None:
        chain.append(n)
        n = parents.get(n)
    vu = [xs_datetime(x.get("validUntil")) for x in chain if x.get("validUntil")]
    cd = [xs_duration(x.get("cacheDuration")) for x in chain if x.get("cacheDuration")]
    return {
        "entity_id": (e.get("entityID") or "").strip() and e.get("entityID") or None,
        "sso_urls": sso,
        "certs": certs,
        "name_id_formats": sorted(f for f in formats if f in KNOWN_NAMEID),
        "name_id_formats_other": sum(1 for f in formats if f not in KNOWN_NAMEID),
        "valid_until": (datetime.datetime.fromtimestamp(min(vu), datetime.timezone.utc)
                        .strftime("%Y-%m-%dT%H:%M:%SZ") if vu else None),
        "cache_duration_s": min(cd) if cd else None,
    }


def check_accept(path, out, entry, want=None):
    exp = independent(path, want)
    for k in ("entity_id", "sso_urls", "name_id_formats_other", "valid_until",
              "cache_duration_s"):
        if out.get(k) != exp[k]:
            fail(entry["file"], "%s: latchkey %r, ElementTree %r" % (k, out.get(k), exp[k]))
    if sorted(out["name_id_formats"]) != exp["name_id_formats"]:
        fail(entry["file"], "name_id_formats %r vs %r" % (out["name_id_formats"],
                                                          exp["name_id_formats"]))
    got = {c["sha256"]: c["not_after"] for c in out["certs"]}
    if got != exp["certs"]:
        fail(entry["file"], "certs (sha256 -> notAfter) %r, openssl %r" % (got, exp["certs"]))
    # And the manifest notes, written by the corpus author with other tools.
    n_entity, n_certs, n_urls = notes_fields(entry["notes"])
    if not (n_entity or "").startswith("(") and out["entity_id"] != (n_entity or None):
        fail(entry["file"], "entity_id %r, notes %r" % (out["entity_id"], n_entity))
    if len(out["certs"]) != n_certs:
        fail(entry["file"], "cert count %d, notes %d" % (len(out["certs"]), n_certs))
    for key, binding in (("redirect", "HTTP-Redirect"), ("post", "HTTP-POST")):
        first = next((u for b, u in n_urls if b == binding), None)
        if out["sso_urls"][key] != first:
            fail(entry["file"], "%s URL %r, notes %r" % (key, out["sso_urls"][key], first))


manifest = json.load(open(os.path.join(CORPUS, "manifest.json")))
entries = [e for e in manifest if e.get("kind") == "metadata"]
rows = policy_rows()
if not entries:
    fail("manifest", "no metadata entries")
for f in sorted(set(rows) - {e["file"] for e in entries}):
    fail(f, "in docs/policy-corpus.md but not a metadata entry of the manifest")

counts = {"accept": 0, "reject": 0}
for entry in entries:
    f = entry["file"]
    path = os.path.join(CORPUS, f)
    row = rows.get(f)
    if row is None:
        fail(f, "no row in docs/policy-corpus.md")
        continue
    expect = entry["expect"]
    if row["manifest"].strip("`") != json.dumps(expect):
        fail(f, "policy row says manifest %s, manifest has %s" % (row["manifest"], expect))
    rc, out, err = run(path)
    if out is None:
        fail(f, "no JSON (exit %d, %s)" % (rc, err.strip()))
        continue
    if row["result"] == "accept":
        if rc != 0 or out.get("ok") is not True:
            fail(f, "expected accept, got exit %d %s" % (rc, out))
            continue
        check_accept(path, out, entry)
        counts["accept"] += 1
    else:
        if rc != 1 or out.get("ok") is not False or out.get("error") != row["result"]:
            fail(f, "expected rejection %s, got exit %d %s" % (row["result"], rc, out))
            continue
        counts["reject"] += 1
    # The rejection a manifest "reject" asks for, when the document itself imports:
    #   entity:<ID>=<code>  importing with --entity-id ID (the IdP named by the paired
    #                       response's Issuer) is refused with <code>;
    #   no-signing-key:<sha256-prefix>  that certificate is present in the file but is not
    #                       among the trusted signing certificates.
    check = row["check"]
    if expect == "reject" and row["result"] == "accept" and check in ("", "-"):
        fail(f, "manifest expects reject but the policy row has no rejection check")
    if check.startswith("entity:"):
        ent, code = check[len("entity:"):].rsplit("=", 1)
        rc2, out2, _ = run(path, ent)
        if rc2 != 1 or out2 is None or out2.get("error") != code:
            fail(f, "with --entity-id %s expected %s, got exit %d %s" % (ent, code, rc2, out2))
        rc3, out3, _ = run(path, out["entity_id"]) if rc == 0 else (None, None, None)
        if rc == 0 and (rc3 != 0 or out3 != out):
            fail(f, "with its own entity ID the import differs")
    elif check.startswith("no-signing-key:"):
        prefix = check[len("no-signing-key:"):]
        present = re.sub(r"\s", "", open(path).read())
        ders = [base64.b64decode(b) for b in
                re.findall(r"<ds:X509Certificate>([A-Za-z0-9+/=]+)</ds:X509Certificate>", present)]
        fps = [openssl_info(d)[0] for d in ders]
        if not any(fp.startswith(prefix) for fp in fps):
            fail(f, "certificate %s not in the file" % prefix)
        if any(c["sha256"].startswith(prefix) for c in out.get("certs", [])):
            fail(f, "encryption-only certificate %s trusted for signing" % prefix)
    elif check not in ("", "-"):
        fail(f, "unknown reject check %r" % check)

print("%d metadata files: %d accepted, %d rejected as recorded; %d failure(s)"
      % (len(entries), counts["accept"], counts["reject"], len(failures)))
sys.exit(1 if failures else 0)
