#!/usr/bin/python3
"""Data-driven corpus test: every response in ../shared/saml-corpus/manifest.json (and every
parameter variant) goes through `latchkey verify` and must behave as the manifest says.

- expect "accept": exit 0 and the manifest's NameID; and xmlsec1 (the independent oracle,
  KeyInfo ignored) must verify every ds:Signature of the file that Latchkey relied on.
- expect "reject": exit 1 with an error code (exit 2 would be a usage error: a test bug).
- expect null: a documented policy choice, looked up in policy.json (explained in
  docs/policy-corpus.md); a null case without a policy entry fails the test.

Prints one line per failure and the summary "N passed, N failed".
"""
import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile

VARIANT_FLAGS = {
    "idp-initiated-when-sp-requires-solicited": ["--no-unsolicited"],
}


def policy_for(policy, path):
    if path in policy:
        return policy[path]
    for pat, v in policy.items():
        if any(c in pat for c in "*?[") and fnmatch.fnmatch(path, pat):
            return v
    return None


def verify_args(cli, corpus, e):
    args = [cli, "verify", "--skew", "0",
            "--idp-cert", os.path.join(corpus, e["cert_file"]),
            "--sp-entity-id", e.get("audience") or "urn:latchkey:test:sp",
            "--acs-url", e.get("destination") or "https://latchkey.invalid/sso/test/acs",
            "--idp-entity-id", e.get("issuer") or "urn:latchkey:test:idp"]
    if e.get("now"):
        args += ["--now", e["now"]]
    if e.get("in_response_to"):
        args += ["--in-response-to", e["in_response_to"]]
    if e.get("sp_key_file"):
        args += ["--sp-key", os.path.join(corpus, e["sp_key_file"])]
    args += e.get("sp_options") or []
    args += VARIANT_FLAGS.get(e.get("variant"), [])
    return args


def run(args, path):
    p = subprocess.run(args + [path], capture_output=True, text=True, timeout=60)
    try:
        out = json.loads(p.stdout) if p.stdout.strip() else {}
    except json.JSONDecodeError:
        out = {"_raw": p.stdout}
    return p.returncode, out, p.stderr.strip()


def xmlsec1_signatures_ok(path, cert):
    """Verify each ds:Signature of the file separately with xmlsec1, KeyInfo ignored."""
    text = open(path, "rb").read().decode("utf-8", "replace")
    n = len(re.findall(r"<(?:[A-Za-z_][\w.-]*:)?Signature[\s>]", text))
    results = []
    for i in range(1, n + 1):
        xp = ("(//*[local-name()='Signature' and "
              "namespace-uri()='http://www.w3.org/2000/09/xmldsig#'])[%d]" % i)
        p = subprocess.run(
            ["xmlsec1", "--verify", "--enabled-key-data", "key-name", "--pubkey-cert-pem", cert,
             "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response",
             "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
             "--node-xpath", xp, path], capture_output=True, text=True, timeout=60)
        results.append(p.returncode == 0)
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--policy", required=True)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    manifest = json.load(open(os.path.join(a.corpus, "manifest.json")))
    policy = json.load(open(a.policy))
    passed = failed = 0
    codes = {}
    tmp = tempfile.mkdtemp(prefix="lk-corpus-")

    def bad(name, why):
        nonlocal failed
        failed += 1
        print("FAIL %s: %s" % (name, why))

    for e in manifest:
        if e["kind"] != "response":
            continue
        name = e["file"] + ("#" + e["variant"] if e.get("variant") else "")
        path = os.path.join(a.corpus, e["file"])
        expect, want_code = e["expect"], None
        if expect is None:
            pol = policy_for(policy, e["file"])
            if pol is None:
                bad(name, "expect is null and policy.json has no decision for it")
                continue
            expect, want_code = pol["expect"], pol.get("code")
        args = verify_args(a.cli, a.corpus, e)
        if e.get("variant") == "replay-second-use":
            cache = os.path.join(tmp, "replay-%d" % passed)
            rc1, out1, _ = run(args + ["--replay-cache", cache], path)
            if rc1 != 0:
                bad(name, "first use refused: %s" % out1)
                continue
            args = args + ["--replay-cache", cache]
            want_code = "replay"
        rc, out, err = run(args, path)
        code = out.get("error")
        codes[code] = codes.get(code, 0) + 1
        if a.verbose:
            print("%-6s rc=%d %-24s %s" % (expect, rc, code or "-", name))
        if expect == "accept":
            if rc != 0:
                bad(name, "expected accept, got rc=%d %s %s" % (rc, out, err))
                continue
            if e.get("nameid") is not None and out.get("name_id") != e["nameid"]:
                bad(name, "NameID %r, manifest says %r" % (out.get("name_id"), e["nameid"]))
                continue
            if not out.get("encrypted"):
                verdicts = xmlsec1_signatures_ok(path, os.path.join(a.corpus, e["cert_file"]))
                if not verdicts or not all(verdicts):
                    bad(name, "Latchkey accepted but xmlsec1 says %s" % verdicts)
                    continue
        else:
            if rc != 1:
                bad(name, "expected reject (exit 1), got rc=%d %s %s" % (rc, out, err))
                continue
            if want_code and code != want_code:
                bad(name, "expected error %s, got %s (%s)" % (want_code, code, out.get("detail")))
                continue
        passed += 1
    print("error codes seen: " + ", ".join("%s=%d" % (k or "accepted", v)
                                          for k, v in sorted(codes.items(), key=str)))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
