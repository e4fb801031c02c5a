#!/usr/bin/python3
"""Latchkey attack suite: generate signed fixtures with xmlsec1, run `latchkey verify` on
them, compare with xmlsec1's verdicts.

  attacks.py generate --work DIR
      fresh PKI and every case under DIR (wiped first), each fixture checked with xmlsec1;
      writes DIR/manifest.json. Fails if a fixture is not what its case claims.
  attacks.py run --work DIR --latchkey BIN --family F [--family G ...]
      runs the cases of the given families, asserts every expectation and the differential
      rule, prints a table, writes DIR/results/<family>.json. Exit 1 on any failed case.
  attacks.py report --work DIR
      prints the table over every family that ran and lists failed cases; exit 1 on a
      differential violation (failed cases fail their family's run already).
  attacks.py all --latchkey BIN [--work DIR]
      all of the above in one go (a temporary directory unless --work is given).

Differential rule: whenever Latchkey accepts (exit 0), xmlsec1 must have verified every
signature present in the document (and in the decrypted EncryptedAssertion), with the same
configured certificates. Latchkey may be stricter than xmlsec1, never more lenient.
"""

import argparse
import base64
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cases  # noqa: E402
import samlgen as sg  # noqa: E402

# ---- generation --------------------------------------------------------------------------------


def trust_certs(case, work):
    cfg = case["config"]
    names = list(cfg["idp_cert"])
    md = cfg["idp_metadata"]
    if md is not None:
        names += {"pki/idp-metadata.xml": ["idp"],
                  "pki/idp-metadata-rollover.xml": ["idp_old", "idp"]}[md]
    return [os.path.join(work, "pki", n + ".crt") for n in names]


def as_xml(data):
    """The XML the case feeds Latchkey (decoding the base64 form value), or None."""
    s = data.lstrip()
    if s.startswith(b"<"):
        return data
    try:
        return base64.b64decode(b"".join(data.split()), validate=True)
    except ValueError:
        return None


def oracle(case, work, signer, fname):
    """xmlsec1's verdict on every signature of the case document @p fname:
    [[label, ok], ...] and the decryption outcome (None when nothing is encrypted)."""
    certs = trust_certs(case, work)
    data = open(os.path.join(work, fname), "rb").read()
    xml_bytes = as_xml(data)
    if xml_bytes is None:
        return [], None
    tag = os.path.basename(fname)[:-len(".xml")]
    path = os.path.join(work, "oracle", tag + ".xml")
    with open(path, "wb") as f:
        f.write(xml_bytes)
    text = xml_bytes.decode("utf-8", errors="replace")
    verdicts = []
    for label, xp in sg.signatures(text):
        verdicts.append([label, any(signer.verify(path, xp, c) for c in certs)])
    decrypted = None
    if "EncryptedAssertion" in text:
        dec = signer.decrypt(path)
        decrypted = dec is not None
        if dec is not None:
            dpath = os.path.join(work, "oracle", tag + ".decrypted.xml")
            with open(dpath, "w") as f:
                f.write(dec)
            for label, xp in sg.encrypted_signatures(dec):
                verdicts.append([label, any(signer.verify(dpath, xp, c) for c in certs)])
    return verdicts, decrypted


def oracle_problems(case, verdicts, decrypted, work, signer):
    probs = []
    oks = [ok for _, ok in verdicts]
    want = case["oracle"]
    if want == "all-ok" and not (oks and all(oks)):
        probs.append("fixture: expected xmlsec1 to verify every signature, got %s" %
                     fmt_oracle(verdicts, decrypted))
    elif want == "any-ok" and not any(oks):
        probs.append("fixture: expected the genuine signature to still verify, got %s" %
                     fmt_oracle(verdicts, decrypted))
    elif want == "all-fail" and not (oks and not any(oks)):
        probs.append("fixture: expected every signature to fail with the configured certs, "
                     "got %s" % fmt_oracle(verdicts, decrypted))
    elif want == "not-all-ok" and oks and all(oks):
        probs.append("fixture: expected a signature to break, xmlsec1 verified all")
    elif want == "none" and oks:
        probs.append("fixture: expected no signature, found %d" % len(oks))
    if decrypted is False and case["steps"][0]["expect"] == "accept":
        probs.append("fixture: xmlsec1 cannot decrypt an accept case")
    path = os.path.join(work, "oracle", case["name"] + ".xml")
    for chk in case["checks"]:
        if "hmackey" in chk:
            ok = signer.verify(path, chk["xpath"], hmackey=chk["hmackey"])
            what = "HMAC key"
        else:
            ok = signer.verify(path, chk["xpath"], cert=os.path.join(work, "pki",
                                                                     chk["cert"] + ".crt"))
            what = chk["cert"] + " certificate"
        if ok != chk["ok"]:
            probs.append("fixture: xmlsec1 with the %s on %s: %s, expected %s" % (
                what, chk["xpath"], ok, chk["ok"]))
    return probs


def self_test(g):
    """The hand signer (openssl over a SignedInfo written in canonical form) must agree with
    xmlsec1, or the hand-signed fixtures prove nothing."""
    doc = g.sign(cases.aonly())
    start = doc.find("<saml2:Assertion")
    si = sg.element(doc, "ds:SignedInfo", start)
    resigned = cases.hand_sign(g, doc, start, cases.canonical_signed_info(si))
    path = os.path.join(g.work, "oracle", "_self_test_hand_signed.xml")
    with open(path, "w") as f:
        f.write(resigned)
    if not g.signer.verify(path, sg.XP_ANY_ASSERT_SIG, g.pki.cert("idp")):
        return ["self-test: a hand-signed SignedInfo does not verify with xmlsec1"]
    return []


def cmd_generate(work):
    t0 = time.time()
    if os.path.isdir(work):
        shutil.rmtree(work)
    os.makedirs(os.path.join(work, "oracle"))
    os.makedirs(os.path.join(work, "results"))
    os.makedirs(os.path.join(work, "replay"))
    g = cases.generate(work)
    problems = self_test(g)

    def one(case):
        verdicts, decrypted = oracle(case, work, g.signer, case["file"])
        case["xmlsec"] = verdicts
        case["decrypted"] = decrypted
        for st in case["steps"]:
            if "file" in st:
                st["xmlsec"], st["decrypted"] = oracle(case, work, g.signer, st["file"])
        return ["%s: %s" % (case["name"], p) for p in
                oracle_problems(case, verdicts, decrypted, work, g.signer)]

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        for probs in ex.map(one, g.cases):
            problems += probs
    with open(os.path.join(work, "manifest.json"), "w") as f:
        json.dump({"cases": g.cases, "now": sg.NOW}, f, indent=1)
    counts = {}
    for c in g.cases:
        counts[c["family"]] = counts.get(c["family"], 0) + 1
    print("generated %d cases in %.1f s: %s" % (len(g.cases), time.time() - t0, ", ".join(
        "%s %d" % kv for kv in counts.items())))
    if problems:
        print("FIXTURE PROBLEMS (the generator, not Latchkey, is at fault):")
        for p in problems:
            print("  " + p)
        return 1
    return 0


# ---- running Latchkey --------------------------------------------------------------------------


def argv_for(case, latchkey, fname):
    c = case["config"]
    a = [latchkey, "verify"]
    for n in c["idp_cert"]:
        a += ["--idp-cert", "pki/%s.crt" % n]
    if c["idp_metadata"]:
        a += ["--idp-metadata", c["idp_metadata"]]
    if c["idp_entity_id"]:
        a += ["--idp-entity-id", c["idp_entity_id"]]
    a += ["--sp-entity-id", c["sp_entity_id"], "--acs-url", c["acs_url"], "--now", c["now"]]
    for r in c["in_response_to"]:
        a += ["--in-response-to", r]
    if c["skew"] is not None:
        a += ["--skew", c["skew"]]
    if c["allow_sha1"]:
        a.append("--allow-sha1")
    if c["sp_key"]:
        a += ["--sp-key", "pki/%s.key" % c["sp_key"]]
    if c["replay_cache"]:
        a += ["--replay-cache", "replay/%s.cache" % case["name"]]
    if c["no_unsolicited"]:
        a.append("--no-unsolicited")
    a.append(fname)
    return a


def check_step(case, step, rc, out):
    """Problems with one `latchkey verify` run against its expectation."""
    probs = []
    if rc not in (0, 1):
        return ["exit code %d (expected %s); stdout %r" % (
            rc, 0 if step["expect"] == "accept" else 1, out[:300])]
    try:
        j = json.loads(out)
    except ValueError:
        return ["stdout is not one JSON object: %r" % out[:300]]
    if (rc == 0) != (j.get("ok") is True):
        probs.append("exit code %d disagrees with ok=%r" % (rc, j.get("ok")))
    if case.get("forbid_name_id") and j.get("name_id") == case["forbid_name_id"]:
        probs.append("ATTACK SUCCEEDED: logged in as %s" % case["forbid_name_id"])
    if step["expect"] == "accept":
        if rc != 0:
            probs.append("expected acceptance, got %s (%s)" % (j.get("error"), j.get("detail")))
            return probs
        if j.get("name_id") != step["name_id"]:
            probs.append("name_id %r, expected %r" % (j.get("name_id"), step["name_id"]))
        if j.get("attributes") != step["attributes"]:
            probs.append("attributes %r, expected %r" % (j.get("attributes"),
                                                         step["attributes"]))
        for k in ("response_signed", "assertion_signed", "encrypted", "session_index"):
            if k in step and j.get(k) != step[k]:
                probs.append("%s=%r, expected %r" % (k, j.get(k), step[k]))
    else:
        if rc != 1:
            probs.append("expected rejection (%s), got ACCEPTED as %r" % (
                "|".join(step["codes"]), j.get("name_id")))
        elif j.get("error") not in step["codes"]:
            probs.append("rejected with %s (%s), expected one of %s" % (
                j.get("error"), j.get("detail"), "|".join(step["codes"])))
    return probs


def differential(verdicts, decrypted, rc):
    """Latchkey accepted: xmlsec1 must have verified every signature there is."""
    if rc != 0:
        return []
    v = verdicts
    if not v:
        return ["DIFFERENTIAL: Latchkey accepted a document with no signature xmlsec1 knows"]
    if decrypted is False:
        return ["DIFFERENTIAL: Latchkey accepted what xmlsec1 cannot decrypt"]
    bad = [label for label, ok in v if not ok]
    if bad:
        return ["DIFFERENTIAL: Latchkey accepted, xmlsec1 failed the %s signature(s)" %
                ", ".join(bad)]
    return []


# Sanitizer builds (host-asan) report with exit code 1 by default, which would look like a
# rejection: give them their own code, and also look for their reports on stderr.
SANITIZER_EXIT = 86
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                   "runtime error:")


def latchkey_env():
    env = dict(os.environ)
    for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        opts = env.get(var, "")
        env[var] = (opts + ":" if opts else "") + "exitcode=%d" % SANITIZER_EXIT
    return env


def run_case(case, latchkey, work):
    res = {"name": case["name"], "family": case["family"], "desc": case["desc"],
           "expect": [expect_str(s) for s in case["steps"]],
           "xmlsec": fmt_oracle(case["xmlsec"], case.get("decrypted")), "steps": [],
           "problems": [], "differential": []}
    if case["config"]["replay_cache"]:
        cache = os.path.join(work, "replay", case["name"] + ".cache")
        if os.path.exists(cache):
            os.remove(cache)
    res["work"] = work
    res["argv"] = []
    for i, step in enumerate(case["steps"]):
        argv = argv_for(case, latchkey, step.get("file", case["file"]))
        res["argv"].append(" ".join(argv[1:]))
        if "file" in step:
            verdicts, decrypted = step["xmlsec"], step["decrypted"]
            own = fmt_oracle(verdicts, decrypted)
            if own != fmt_oracle(case["xmlsec"], case.get("decrypted")):
                res["xmlsec"] += " / step %d: %s" % (i + 1, own)
        else:
            verdicts, decrypted = case["xmlsec"], case.get("decrypted")
        try:
            p = subprocess.run(argv, cwd=work, capture_output=True, timeout=60,
                               env=latchkey_env())
            rc, out = p.returncode, p.stdout.decode(errors="replace")
            err = p.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired:
            rc, out, err = -999, "", "timeout after 60 s"
        try:
            j = json.loads(out)
        except ValueError:
            j = {}
        got = ("ok:" + str(j.get("name_id"))) if rc == 0 else (
            j.get("error") or "exit %d" % rc)
        res["steps"].append({"rc": rc, "got": got, "detail": j.get("detail"),
                             "stderr": err[-500:]})
        pre = "step %d: " % (i + 1) if len(case["steps"]) > 1 else ""
        res["problems"] += [pre + p for p in check_step(case, step, rc, out)]
        if any(m in err for m in SANITIZER_MARKS):
            res["problems"].append(pre + "sanitizer report on stderr: " + err[-800:].strip())
        elif rc not in (0, 1) and err:
            res["problems"].append(pre + "stderr: " + err[-500:].strip())
        d = differential(verdicts, decrypted, rc)
        res["differential"] += [pre + x for x in d]
        res["problems"] += [pre + x for x in d]
    return res


def expect_str(step):
    if step["expect"] == "accept":
        return "accept"
    return "reject:" + "|".join(step["codes"])


def fmt_oracle(verdicts, decrypted=None):
    parts = ["%s=%s" % (label, "OK" if ok else "FAIL") for label, ok in verdicts]
    if decrypted is False:
        parts.append("decrypt=FAIL")
    return " ".join(parts) if parts else "no-signature"


def load_manifest(work):
    path = os.path.join(work, "manifest.json")
    if not os.path.exists(path):
        sys.exit("no %s: run `attacks.py generate` first (ctest: attacks_generate)" % path)
    return json.load(open(path))["cases"]


def steps_str(steps):
    """"ok:x then replay", with runs of equal outcomes collapsed ("ok:x (x64) then ...")."""
    runs = []
    for s in steps:
        if runs and runs[-1][0] == s["got"]:
            runs[-1][1] += 1
        else:
            runs.append([s["got"], 1])
    return " then ".join(g if n == 1 else "%s (x%d)" % (g, n) for g, n in runs)


def print_table(results, out=sys.stdout):
    rows = [(r["name"], r["xmlsec"], steps_str(r["steps"]), "FAIL" if r["problems"] else "pass")
            for r in results]
    head = ("case", "xmlsec1 (configured certs)", "latchkey", "verdict")
    w = [max(len(x[i]) for x in rows + [head]) for i in range(3)]
    for row in [head] + rows:
        out.write("%-*s  %-*s  %-*s  %s\n" % (w[0], row[0], w[1], row[1], w[2], row[2], row[3]))


def print_failures(results, out=sys.stdout):
    failed = [r for r in results if r["problems"]]
    for r in failed:
        out.write("\nFAILED %s (%s): %s\n" % (r["name"], r["family"], r["desc"]))
        out.write("  expected: %s\n" % " then ".join(r["expect"]))
        shown = [i for i in range(len(r["steps"]))
                 if i in (0, len(r["steps"]) - 1) or any(
                     p.startswith("step %d:" % (i + 1)) for p in r["problems"])]
        for i in shown:
            s = r["steps"][i]
            pre = "step %d " % (i + 1) if len(r["steps"]) > 1 else ""
            out.write("  %sreproduce: cd %s && latchkey %s\n" % (pre, r["work"], r["argv"][i]))
            out.write("  %sgot: %s (exit %d) %s\n" % (pre, s["got"], s["rc"], s["detail"] or ""))
        for p in r["problems"]:
            out.write("  - %s\n" % p)
    return failed


def cmd_run(work, latchkey, families):
    allc = load_manifest(work)
    latchkey = os.path.abspath(latchkey)
    if not os.access(latchkey, os.X_OK):
        sys.exit("latchkey binary %s is not executable" % latchkey)
    rc = 0
    for fam in families:
        sel = [c for c in allc if c["family"] == fam]
        if not sel:
            print("family %s has no cases" % fam)
            rc = 1
            continue
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            results = list(ex.map(lambda c: run_case(c, latchkey, work), sel))
        with open(os.path.join(work, "results", fam + ".json"), "w") as f:
            json.dump(results, f, indent=1)
        print("== family %s: %d cases" % (fam, len(results)))
        print_table(results)
        failed = print_failures(results)
        print("\nfamily %s: %d passed, %d FAILED" % (fam, len(results) - len(failed),
                                                     len(failed)))
        if failed:
            rc = 1
    return rc


def cmd_report(work):
    results = []
    ran = []
    for fam in cases.FAMILIES:
        path = os.path.join(work, "results", fam + ".json")
        if os.path.exists(path):
            results += json.load(open(path))
            ran.append(fam)
    missing = [f for f in cases.FAMILIES if f not in ran]
    print("== attack suite: case -> xmlsec1 verdict (configured certs, KeyInfo ignored) -> "
          "latchkey")
    if not results:
        print("no family ran in this session (ctest -L corpus runs them all)")
        return 0
    print_table(results)
    failed = [r for r in results if r["problems"]]
    diff = [r for r in results if r["differential"]]
    print("\n%d cases in %d families; %d passed, %d failed%s" % (
        len(results), len(ran), len(results) - len(failed), len(failed),
        "; not run: " + ", ".join(missing) if missing else ""))
    for r in failed:
        print("  FAILED %s: %s" % (r["name"], "; ".join(r["problems"])))
    if diff:
        print("DIFFERENTIAL VIOLATIONS (Latchkey more lenient than xmlsec1):")
        for r in diff:
            print("  %s: %s" % (r["name"], "; ".join(r["differential"])))
    else:
        print("differential: Latchkey never accepted a signature xmlsec1 rejected")
    # Failed cases already fail their family's test; this test owns the differential rule.
    return 1 if diff else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=("generate", "run", "report", "all"))
    ap.add_argument("--work")
    ap.add_argument("--latchkey")
    ap.add_argument("--family", action="append", choices=cases.FAMILIES)
    a = ap.parse_args()
    for tool in ("xmlsec1", "openssl"):
        if shutil.which(tool) is None:
            sys.exit("%s not found: install it (cmake/packages.sh test)" % tool)
    if a.command == "all":
        if not a.latchkey:
            ap.error("all needs --latchkey")
        work = a.work or tempfile.mkdtemp(prefix="latchkey-attacks-")
        rc = cmd_generate(work)
        if rc == 0:
            rc = cmd_run(work, a.latchkey, cases.FAMILIES)
            rc = cmd_report(work) or rc
        print("work directory: %s" % work)
        return rc
    if not a.work:
        ap.error("--work is required")
    a.work = os.path.abspath(a.work)
    if a.command == "generate":
        return cmd_generate(a.work)
    if a.command == "run":
        if not a.latchkey or not a.family:
            ap.error("run needs --latchkey and at least one --family")
        return cmd_run(a.work, a.latchkey, a.family)
    return cmd_report(a.work)


if __name__ == "__main__":
    sys.exit(main())
