#!/usr/bin/python3
"""Differential tests of `latchkey c14n` against independent implementations.

  c14n_diff.py corpus    LATCHKEY CORPUS_DIR
  c14n_diff.py generated LATCHKEY [COUNT]

corpus: every *.xml of the SAML corpus. Files the strict parser rejects are listed with
the reason; a genuine response (real/, kind "response" in manifest.json) being rejected
fails the test. Every accepted file is canonicalized with comments and compared byte for
byte with `xmllint --exc-c14n` (libxml2 canonicalizes the whole document with comments),
and without comments against xmllint on the same document with its comments removed.
Then every same-document Reference of a real/ file is recomputed from
`latchkey c14n --id ID [--enveloped] [--inclusive-prefixes L]` and compared with the
DigestValue the IdP wrote: it must match exactly where xmlsec1 verified that signature.
Finally, seeded random mutations of the genuine responses: the strict parser must never
accept what libxml2 refuses, and where both accept, the outputs must be identical.

generated: handcrafted tricky documents plus COUNT seeded random ones (namespace
rebinding, default undeclaration, attribute order across namespaces, literal and
referenced CR/LF/TAB, CDATA, non-ASCII, comments everywhere), compared with xmllint in
both comment modes; then subtree canonicalization with enveloped signatures and
InclusiveNamespaces PrefixLists (#default included), compared with the digests xmlsec1
computes when it signs the same template (libxml2 alone mishandles #default outside
node-set mode; xmlsec1 follows the W3C rule).

Python 3 standard library only. Exit status 0 only if nothing mismatched.
"""
import base64
import glob
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

DS = "http://www.w3.org/2000/09/xmldsig#"
EC = "http://www.w3.org/2001/10/xml-exc-c14n#"
DIGESTS = {
    DS + "sha1": "sha1",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}

failures = []


def fail(msg):
    failures.append(msg)
    print("MISMATCH: " + msg)


def run(cmd, data=None):
    return subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def strip_comments(doc):
    """Remove every comment (CDATA sections, which may contain '<!--', are kept)."""
    out, i = bytearray(), 0
    while i < len(doc):
        if doc.startswith(b"<![CDATA[", i):
            j = doc.index(b"]]>", i) + 3
            out += doc[i:j]
            i = j
        elif doc.startswith(b"<!--", i):
            i = doc.index(b"-->", i + 4) + 3
        else:
            out.append(doc[i])
            i += 1
    return bytes(out)


def xmllint_c14n(data, tmp):
    path = os.path.join(tmp, "in.xml")
    with open(path, "wb") as f:
        f.write(data)
    p = run(["xmllint", "--exc-c14n", path])
    return p.stdout if p.returncode == 0 else None


def compare_document(latchkey, path, data, tmp, label, extra=()):
    """Compare both comment modes with xmllint. Returns True if both matched."""
    ok = True
    ours = run([latchkey, "c14n", "--with-comments", *extra, path])
    ref = xmllint_c14n(data, tmp)
    if ours.returncode != 0 or ref is None or ours.stdout != ref:
        fail("%s: with comments: latchkey rc=%d, xmllint %s" %
             (label, ours.returncode, "failed" if ref is None else "differs"))
        show(ours.stdout, ref)
        ok = False
    ours = run([latchkey, "c14n", *extra, path])
    ref = xmllint_c14n(strip_comments(data), tmp)
    if ours.returncode != 0 or ref is None or ours.stdout != ref:
        fail("%s: without comments differs from xmllint on the comment-free document" % label)
        show(ours.stdout, ref)
        ok = False
    return ok


def show(a, b):
    if a is None or b is None:
        return
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    print("    first difference at byte %d:\n    ours:    %r\n    xmllint: %r" %
          (n, a[max(0, n - 60):n + 60], b[max(0, n - 60):n + 60]))


def reject_reason(stdout):
    try:
        j = json.loads(stdout.decode())
        return j.get("error", "?")
    except ValueError:
        return "unparsable output %r" % stdout[:80]


# ---- corpus -------------------------------------------------------------------------------


def xmlsec_verdicts(entry):
    """Map reference URI (or '*' for metadata) to True/False from manifest xmlsec1_result."""
    res = (entry or {}).get("xmlsec1_result") or ""
    out = {}
    for m in re.finditer(r"ref (#[^)]*)\): (OK|FAIL)", res):
        out[m.group(1)] = m.group(2) == "OK"
    m = re.search(r"metadata ds:Signature: (OK|FAIL)", res)
    if m:
        out["*"] = m.group(1) == "OK"
    return out


def check_digests(latchkey, path, rel, entry, extra):
    """Recompute each same-document Reference digest of @path. Returns count checked."""
    try:
        tree = ET.parse(path)
    except ET.ParseError:
        return 0
    verdicts = xmlsec_verdicts(entry)
    checked = 0
    for ref in tree.iter("{%s}Reference" % DS):
        uri = ref.get("URI", "")
        if not uri.startswith("#") or uri.startswith("#xpointer("):
            continue
        algs = [t.get("Algorithm", "") for t in ref.iter("{%s}Transform" % DS)]
        cmd = [latchkey, "c14n", *extra, "--id", uri[1:]]
        if DS + "enveloped-signature" in algs:
            cmd.append("--enveloped")
        if any(a == EC + "WithComments" for a in algs):
            cmd.append("--with-comments")
        for t in ref.iter("{%s}InclusiveNamespaces" % EC):
            cmd += ["--inclusive-prefixes", t.get("PrefixList", "")]
        cmd.append(path)
        method = ref.find("{%s}DigestMethod" % DS).get("Algorithm")
        want = "".join((ref.find("{%s}DigestValue" % DS).text or "").split())
        p = run(cmd)
        if p.returncode != 0:
            fail("%s %s: latchkey c14n --id failed: %r" % (rel, uri, p.stdout[:200]))
            continue
        got = base64.b64encode(hashlib.new(DIGESTS[method], p.stdout).digest()).decode()
        verified = verdicts.get(uri, verdicts.get("*"))
        checked += 1
        if (got == want) != bool(verified):
            fail("%s %s: digest %s, xmlsec1 said %s" %
                 (rel, uri, "matches" if got == want else "differs",
                  {True: "OK", False: "FAIL", None: "nothing"}[verified]))
    return checked


def corpus(latchkey, root):
    with open(os.path.join(root, "manifest.json")) as f:
        manifest = {}
        for e in json.load(f):
            manifest.setdefault(e["file"], e)
    files = sorted(glob.glob(os.path.join(root, "**", "*.xml"), recursive=True))
    compared, rejected, raised, digests = 0, [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            rel = os.path.relpath(path, root)
            entry = manifest.get(rel)
            with open(path, "rb") as f:
                data = f.read()
            p = run([latchkey, "c14n", "--with-comments", path])
            extra = ()
            if p.returncode == 1 and reject_reason(p.stdout) == "xml_limit" and \
                    rel.startswith("real/metadata/"):
                # genuine metadata over the SP's byte bound: still compare it, raised
                raised.append(rel)
                extra = ("--max-bytes", "1048576")
                p = run([latchkey, "c14n", "--with-comments", *extra, path])
            if p.returncode == 1:
                reason = reject_reason(p.stdout)
                rejected.append((rel, reason))
                if rel.startswith("real/") and (entry or {}).get("kind") == "response":
                    fail("%s: genuine response rejected (%s)" % (rel, reason))
                continue
            if p.returncode != 0:
                fail("%s: latchkey c14n exit %d: %r" % (rel, p.returncode, p.stderr[:200]))
                continue
            if compare_document(latchkey, path, data, tmp, rel, extra):
                compared += 1
            if rel.startswith("real/"):
                digests += check_digests(latchkey, path, rel, entry, extra)
    print("rejected by the strict parser (%d):" % len(rejected))
    for rel, reason in rejected:
        print("  %-24s %s" % (reason, rel))
    for rel in raised:
        print("over the default byte bound (xml_limit), compared with --max-bytes: " + rel)
    print("compared %d of %d corpus files with xmllint --exc-c14n (both comment modes): "
          "%d mismatches" % (compared, len(files), len(failures)))
    print("recomputed %d IdP DigestValues of real/ files" % digests)
    seeds = []
    for path in files:
        rel = os.path.relpath(path, root)
        if rel.startswith("real/") and (manifest.get(rel) or {}).get("kind") == "response":
            with open(path, "rb") as f:
                seeds.append(f.read())
    mutations(latchkey, seeds, 400)


MUTATION_TOKENS = [
    b"<", b">", b"&", b";", b'"', b"'", b"=", b" ", b"\r", b"\n", b"\t", b"]]>", b"<!--", b"-->",
    b"--", b"<![CDATA[", b"&#13;", b"&amp;", b"&nbsp;", b"/", b"</", b"/>", b":", b"xmlns:",
    b'xmlns=""', b"\xef\xbb\xbf", b"\xc3", b"\xe9", b"<?x?>", b"<!DOCTYPE", b"&#x", b"p:", b"a",
    b"\x00", b"\x01"]


def mutations(latchkey, seeds, count):
    """Mutated documents: never accept what libxml2 refuses; identical output otherwise."""
    rnd = random.Random(7)
    stats = {"both rejected": 0, "only latchkey rejected": 0, "compared": 0}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.xml")
        for i in range(count):
            d = bytearray(rnd.choice(seeds))
            for _ in range(rnd.randint(1, 3)):
                pos, op = rnd.randrange(len(d) + 1), rnd.random()
                if op < 0.4:
                    d[pos:pos] = rnd.choice(MUTATION_TOKENS)
                elif op < 0.7:
                    del d[pos:pos + rnd.randint(1, 4)]
                else:
                    d[pos:pos + 1] = rnd.choice(MUTATION_TOKENS)
            with open(path, "wb") as f:
                f.write(d)
            ours = run([latchkey, "c14n", "--with-comments", path])
            ref = run(["xmllint", "--exc-c14n", path])
            if ours.returncode not in (0, 1):
                fail("mutation %d: latchkey exit %d" % (i, ours.returncode))
            elif ours.returncode == 1:
                stats["both rejected" if ref.returncode else "only latchkey rejected"] += 1
            elif ref.returncode != 0:
                fail("mutation %d: accepted, but libxml2 refuses it: %s" %
                     (i, ref.stderr.decode(errors="replace")[:300]))
            elif ours.stdout != ref.stdout:
                fail("mutation %d: output differs from xmllint" % i)
                show(ours.stdout, ref.stdout)
            else:
                stats["compared"] += 1
    print("mutated genuine responses (%d): %s" % (count, ", ".join(
        "%s %d" % kv for kv in stats.items())))
    if stats["compared"] == 0:
        fail("no mutation was compared")


# ---- generated documents --------------------------------------------------------------------

HANDCRAFTED = [
    # redundant, rebinding and default declarations
    b'<a xmlns="urn:d"><b xmlns="urn:d"><c xmlns="urn:e"/></b></a>',
    b'<a xmlns="urn:a"><b xmlns=""><c xmlns="urn:a"/><d/></b></a>',
    b'<a xmlns=""><b/></a>',
    b'<p:a xmlns:p="urn:p"><p:b xmlns:p="urn:p"><p:c xmlns:p="urn:q"><p:d xmlns:p="urn:p"/></p:c></p:b></p:a>',
    b'<a xmlns:p="urn:p" xmlns:q="urn:q" xmlns:r="urn:r"><b p:x="1"/><q:c/></a>',
    b'<p:a xmlns:p="urn:p" xmlns="urn:d"><b/><p:c><d xmlns=""/></p:c></p:a>',
    # attribute ordering across namespaces
    b'<a xmlns:z="urn:a" xmlns:y="urn:b" y:k="1" z:k="2" k="3" b="4" z:a="5" xmlns:x="urn:a"/>',
    b'<a xmlns:p="http://example.com/B" xmlns:q="http://example.com/A" p:z="1" q:z="2" z="0"/>',
    b'<a xml:lang="en" xml:space="preserve" id="1"><b xml:lang="fr"/></a>',
    b'<xml:a xmlns:xml="http://www.w3.org/XML/1998/namespace"/>',
    # whitespace and references in text and attributes
    b'<a>\r\nx\ry&#13;z&#10;&#9;\t</a>',
    b'<a b="x\ty\nz\r\nw\rv&#9;&#10;&#13;&#32;"/>',
    b'<a b=\'"&quot;&apos;\' c="&lt;&gt;&amp;>"/>',
    b'<a>&lt;&gt;&amp;&quot;&apos;"\'></a>',
    b'<a>&#xE9;&#233;\xc3\xa9&#x1F600;\xf0\x9f\x98\x80&#x10FFFF;&#xFFFD;</a>',
    b'<a b="&#x1F600;\xe2\x82\xac"/>',
    b'<a>\xef\xbb\xbfx&#xFEFF;y</a>',
    b'\xef\xbb\xbf<a>bom</a>',
    # CDATA
    b'<a><![CDATA[<&>"\'\r\n]]]]><![CDATA[>]]>x<![CDATA[]]>y</a>',
    b'<a>  <![CDATA[  ]]>  </a>',
    # comments
    b'<!--before--><!----><a>a<!---->b<!-- - -->c</a><!--after-->\n<!--last-->',
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<!--\r\nc\r\n-->\r\n<a/>\r\n',
    b"<?xml version='1.0'?><a/>",
    # empty elements, names
    b'<a><b/><c></c><d> </d></a>',
    b'<\xc3\xa9l\xc3\xa9ment xmlns:\xc3\xa9="urn:e" \xc3\xa9:\xc3\xa0="1"/>',
    b'<a-b.c_d xmlns:_p.q-r="urn:x"><_p.q-r:e/></a-b.c_d>',
    b'<a\n\tb\r\n=\r\n"1"\n/>',
    b'<a></a >',
    # long names and values (past Mini-XML's 64-byte starting buffers), odd characters
    b'<' + b'n' * 300 + b' ' + b'k' * 200 + b'="' + b'v' * 500 + b'">' + b't' * 3000 +
    b'</' + b'n' * 300 + b'>',
    b'<a b="/>" c="=" d="-->"><!--a->b>c--><!-- x ->--></a>',
    b'<a>&#0065;&#x0041;&#x00E9;\xc2\x85\xe2\x80\xa8\t \t</a>',
    b'<a \xef\xbb\xbfb="1"><\xc3\xa9\xef\xbb\xbf/></a>',
]

PREFIXES = ["a", "b", "p", "q", "zz"]
URIS = ["urn:one", "urn:two", "http://example.com/ns", "urn:one", "http://example.com/ns#x"]
TEXTS = ["x", " ", "\n", "\r\n", "\r", "\t", "&#13;", "&#10;", "&#9;", "&amp;", "&lt;", "&gt;",
         "&quot;", "&apos;", "'", '"', ">", "\u00e9", "\U0001f600", "\ufeff", "&#xE9;",
         "&#x1F600;", "&#160;", "  ", "]", "]]"]


def gen_text(rnd, attr=False, quote='"'):
    out = []
    for _ in range(rnd.randint(0, 6)):
        t = rnd.choice(TEXTS)
        if attr and t == quote:
            t = "&quot;" if quote == '"' else "&apos;"
        out.append(t)
    text = "".join(out)
    if not attr:  # "]]>" is not allowed in text, also across two adjacent text pieces
        text = text.replace("]]>", "]]&gt;") + ("." if text.endswith("]") else "")
    return text


def gen_element(rnd, scope, depth, doc_ids, markers=False):
    """One element as text; @scope maps prefix ('' = default) to URI. With @markers, an
    element given an ID gets a placeholder last child where a Signature may go."""
    scope = dict(scope)
    decls = []
    for _ in range(rnd.randint(0, 3)):
        if rnd.random() < 0.3:
            if rnd.random() < 0.4:
                decls.append(("", ""))  # xmlns=""
                scope.pop("", None)
            else:
                u = rnd.choice(URIS)
                decls.append(("", u))
                scope[""] = u
        else:
            p, u = rnd.choice(PREFIXES), rnd.choice(URIS)
            decls.append((p, u))
            scope[p] = u
    dedup = {}
    for p, u in decls:
        dedup[p] = u
    bound = [p for p in scope if p]
    prefix = rnd.choice(bound) if bound and rnd.random() < 0.6 else ""
    local = rnd.choice(["e", "f", "Assertion", "x1"])
    name = prefix + ":" + local if prefix else local
    attrs, seen = [], set()
    for _ in range(rnd.randint(0, 4)):
        p = rnd.choice(bound) if bound and rnd.random() < 0.5 else ""
        ln = rnd.choice(["k", "b", "A", "z", "id0"])
        key = (scope.get(p) if p else None, ln)
        if key in seen:
            continue
        seen.add(key)
        q = rnd.choice(['"', "'"])
        attrs.append((p + ":" + ln if p else ln, q, gen_text(rnd, True, q)))
    rnd.shuffle(attrs)
    parts = ["<" + name]
    for p, u in dedup.items():
        parts.append(rnd.choice([" ", "\n", "\t", "\r\n  "]))
        parts.append(('xmlns:%s="%s"' % (p, u)) if p else ('xmlns="%s"' % u))
    for qn, q, v in attrs:
        parts.append(rnd.choice([" ", "\n", " \t "]) + qn + "=" + q + v + q)
    marker = None
    if rnd.random() < 0.3:
        doc_ids.append(name)
        parts.append(' ID="id%d"' % len(doc_ids))
        marker = "\x00SIG%d\x00" % len(doc_ids) if markers else None
    children = []
    if depth < 5:
        for _ in range(rnd.randint(0, 4)):
            r = rnd.random()
            if r < 0.4:
                children.append(gen_element(rnd, scope, depth + 1, doc_ids, markers))
            elif r < 0.7:
                children.append(gen_text(rnd))
            elif r < 0.85:
                children.append("<!--" + rnd.choice(["", "c", " - ", "\r\n", "\u00e9"]) + "-->")
            else:
                children.append("<![CDATA[" + rnd.choice(["", "<&>", "]]", "\r\n", "x"]) + "]]>")
    if marker:
        children.append(marker)
    if not children and rnd.random() < 0.5:
        parts.append("/>")
    else:
        parts.append(">" + "".join(children) + "</" + name + ">")
    return "".join(parts)


def gen_document(rnd):
    ids = []
    root = gen_element(rnd, {}, 0, ids)
    pre = rnd.choice(["", '<?xml version="1.0" encoding="UTF-8"?>\n', "<!--top-->\n", "\ufeff"])
    post = rnd.choice(["", "\n", "\n<!--end-->", "<!--x-->\n"])
    return (pre + root + post).encode("utf-8")


SIG_TEMPLATE = (
    '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>'
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"/>'
    '<ds:Reference URI="%s"><ds:Transforms>'
    '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
    '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#%s">%s</ds:Transform>'
    '</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
    "<ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>"
    "<ds:SignatureValue></ds:SignatureValue></ds:Signature>")


def subtree_case(latchkey, rnd, tmp, n):
    """Sign a random element with xmlsec1 and recompute its digest. Returns True if run."""
    ids = []
    root = gen_element(rnd, {}, 0, ids, markers=True)
    if not ids:
        return False
    k = rnd.randrange(len(ids)) + 1
    ident = "id%d" % k
    comments = rnd.random() < 0.3
    plist = rnd.sample(["#default"] + PREFIXES + ["ds", "nope"], rnd.randint(0, 3))
    incl = ('<ec:InclusiveNamespaces xmlns:ec="%s" PrefixList="%s"/>' % (EC, " ".join(plist))
            if plist or rnd.random() < 0.2 else "")
    # #xpointer(id()) keeps comments; a bare #id removes them (XML-DSig 4.3.3.3)
    uri = "#xpointer(id('%s'))" % ident if comments else "#" + ident
    sig = SIG_TEMPLATE % (uri, "WithComments" if comments else "", incl)
    doc = re.sub("\x00SIG(\\d+)\x00", lambda m: sig if m.group(1) == str(k) else "", root)
    data = doc.encode("utf-8")
    path = os.path.join(tmp, "sig%d.xml" % n)
    with open(path, "wb") as f:
        f.write(data)
    node = None
    for el in ET.fromstring(data).iter():
        if el.get("ID") == ident:
            node = el.tag[1:].replace("}", ":") if el.tag.startswith("{") else el.tag
    hkey = os.path.join(tmp, "hmac.bin")
    with open(hkey, "wb") as f:
        f.write(b"latchkey-test-hmac-key")
    x = run(["xmlsec1", "--sign", "--hmackey", hkey, "--id-attr:ID", node, path])
    m = re.search(rb"<ds:DigestValue>([^<]+)</ds:DigestValue>", x.stdout)
    if x.returncode != 0 or m is None:
        fail("generated subtree %d: xmlsec1 could not sign (%s): %r" %
             (n, x.stderr.decode(errors="replace")[-300:], data[:400]))
        return True
    want = m.group(1).decode()
    cmd = [latchkey, "c14n", "--id", ident, "--enveloped", "--inclusive-prefixes",
           " ".join(plist), path]
    if comments:
        cmd.insert(2, "--with-comments")
    p = run(cmd)
    got = base64.b64encode(hashlib.sha256(p.stdout).digest()).decode()
    if p.returncode != 0 or got != want:
        fail("generated subtree %d (%s, PrefixList=%r, comments=%s): digest differs from "
             "xmlsec1" % (n, ident, " ".join(plist), comments))
        d = run(["xmlsec1", "--sign", "--hmackey", hkey, "--id-attr:ID", node,
                 "--store-references", "--print-debug", path]).stdout
        m = re.search(rb"PreDigest data - start buffer:\n(.*?)\n== PreDigest data - end", d, re.S)
        show(p.stdout, m.group(1) if m else None)
        print("    document: %r" % data[:800])
    return True


def cli_contract(latchkey, tmp):
    """Exit codes and the JSON rejection of `latchkey c14n`."""
    def doc(name, data):
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path
    ok = doc("ok.xml", b'<r><a ID="x">1</a><b Id="y"/><c ID="d"/><e AssertionID="d"/></r>')
    dtd = doc("dtd.xml", b"<!DOCTYPE r><r/>")
    checks = [
        ([ok], 0, None, b"<r><a ID=\"x\">1</a><b Id=\"y\"></b><c ID=\"d\"></c>"
                        b"<e AssertionID=\"d\"></e></r>"),
        (["--id", "x", ok], 0, None, b'<a ID="x">1</a>'),
        (["--id", "y", ok], 0, None, b'<b Id="y"></b>'),
        (["--id", "nope", ok], 1, "xml_not_found", None),
        (["--id", "d", ok], 1, "duplicate_id", None),
        ([dtd], 1, "xml_dtd_forbidden", None),
        (["--max-bytes", "5", ok], 1, "xml_limit", None),
        ([os.path.join(tmp, "missing.xml")], 2, None, None),
        (["--bogus", ok], 2, None, None),
        (["--id"], 2, None, None),
        ([ok, ok], 2, None, None),
        ([], 2, None, None),
        (["--inclusive-prefixes", "a:b", ok], 2, None, None),
        (["--max-bytes", "0", ok], 2, None, None),
    ]
    for args, rc, code, out in checks:
        p = run([latchkey, "c14n", *args])
        if p.returncode != rc:
            fail("latchkey c14n %s: exit %d, want %d" % (" ".join(args), p.returncode, rc))
        elif code is not None:
            try:
                j = json.loads(p.stdout.decode())
            except ValueError:
                j = {}
            if j.get("ok") is not False or j.get("error") != code or not j.get("detail"):
                fail("latchkey c14n %s: printed %r, want error %s" % (" ".join(args),
                                                                       p.stdout, code))
        elif out is not None and p.stdout != out:
            fail("latchkey c14n %s: printed %r" % (" ".join(args), p.stdout))
    print("checked %d exit-code and JSON cases of latchkey c14n" % len(checks))


def generated(latchkey, count):
    rnd = random.Random(20240601)
    docs = [("handcrafted %d" % i, d) for i, d in enumerate(HANDCRAFTED)]
    docs += [("random %d" % i, gen_document(rnd)) for i in range(count)]
    compared = 0
    with tempfile.TemporaryDirectory() as tmp:
        cli_contract(latchkey, tmp)
        for label, data in docs:
            path = os.path.join(tmp, "doc.xml")
            with open(path, "wb") as f:
                f.write(data)
            p = run([latchkey, "c14n", "--with-comments", path])
            if p.returncode != 0:
                fail("%s: rejected (%s): %r" % (label, reject_reason(p.stdout), data[:300]))
                continue
            if compare_document(latchkey, path, data, tmp, label):
                compared += 1
            else:
                print("    document: %r" % data[:600])
        subtrees = 0
        for n in range(count):
            subtrees += 1 if subtree_case(latchkey, rnd, tmp, n) else 0
    print("compared %d generated documents with xmllint --exc-c14n (both comment modes)" %
          compared)
    print("compared %d subtree canonicalizations (enveloped, PrefixList) with xmlsec1 digests" %
          subtrees)
    if compared == 0 or subtrees == 0:
        fail("nothing was compared")


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("corpus", "generated"):
        print(__doc__)
        return 2
    if sys.argv[1] == "corpus":
        corpus(sys.argv[2], sys.argv[3])
    else:
        generated(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 200)
    if failures:
        print("FAILED: %d mismatches" % len(failures))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
