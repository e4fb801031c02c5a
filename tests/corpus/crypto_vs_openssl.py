#!/usr/bin/env python3
"""The crypto adapter against openssl on real IdP material (python3 stdlib only).

usage: crypto_vs_openssl.py CRYPTO_PROBE OPENSSL CORPUS_DIR VECTORS_DIR

1. Every certificate under CORPUS_DIR/**/certs/*.pem and VECTORS_DIR/*.crt.pem: SHA-256
   fingerprint, notBefore/notAfter (Unix seconds), key type and size as
   `openssl x509 -fingerprint -sha256 -dates -text` reports them, against
   `crypto_probe cert`.
2. Every genuine response in the corpus manifest with an SP key (sp_key_file) and an
   EncryptedAssertion: the RSA-OAEP key transport decrypted by `openssl pkeyutl` and by
   `crypto_probe oaep`, then the AES-CBC content by `openssl enc -d -nopad` (XML-Enc
   padding stripped here) and by `crypto_probe aes-cbc`.

Fails if anything differs, or if nothing was compared.
"""
import base64
import calendar
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

PROBE, OPENSSL, CORPUS, VECTORS = sys.argv[1:5]
XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
DS = "http://www.w3.org/2000/09/xmldsig#"
failures = []


def run(args, **kw):
    return subprocess.run(args, capture_output=True, check=False, **kw)


def openssl_date(s):
    # "Feb  9 21:53:06 2026 GMT"
    return calendar.timegm(time.strptime(s.strip(), "%b %d %H:%M:%S %Y %Z"))


def openssl_cert(path):
    r = run([OPENSSL, "x509", "-in", path, "-noout", "-fingerprint", "-sha256", "-startdate",
             "-enddate", "-text"], text=True)
    if r.returncode != 0:
        return None
    out = r.stdout
    fp = re.search(r"Fingerprint=([0-9A-F:]+)", out).group(1).replace(":", "").lower()
    nb = openssl_date(re.search(r"notBefore=(.*)", out).group(1))
    na = openssl_date(re.search(r"notAfter=(.*)", out).group(1))
    bits = re.search(r"Public-Key: \((\d+) bit\)", out).group(1)
    if "rsaEncryption" in out:
        kind = "rsa"
    elif "prime256v1" in out:
        kind = "ec-p256"
    elif "secp384r1" in out:
        kind = "ec-p384"
    else:
        kind = "none"
    return "%s %d %d %s %s" % (fp, nb, na, kind, bits)


def check_certs():
    paths = sorted(glob.glob(os.path.join(CORPUS, "**", "certs", "*.pem"), recursive=True))
    paths += sorted(glob.glob(os.path.join(VECTORS, "*.crt.pem")))
    for p in paths:
        want = openssl_cert(p)
        got = run([PROBE, "cert", p], text=True).stdout.strip()
        if want != got:
            failures.append("cert %s: openssl '%s', sso '%s'" % (p, want, got))
    return len(paths)


def oaep_params(ek):
    """(oaep digest, mgf1 digest) of an EncryptedKey, or None if not RSA-OAEP."""
    em = ek.find("{%s}EncryptionMethod" % XENC)
    alg = em.get("Algorithm")
    dm = em.find("{%s}DigestMethod" % DS)
    md = dm.get("Algorithm").split("#")[1] if dm is not None else "sha1"
    if alg == XENC + "rsa-oaep-mgf1p":
        return md, "sha1"
    if alg == XENC11 + "rsa-oaep":
        mgf = em.find("{%s}MGF" % XENC11)
        mgf_md = mgf.get("Algorithm").split("#mgf1")[1] if mgf is not None else "sha1"
        return md, mgf_md
    return None


def hexout(r):
    return r.stdout.strip() if r.returncode == 0 else "error(%d) %s" % (r.returncode, r.stdout)


def check_encrypted(tmp):
    manifest = json.load(open(os.path.join(CORPUS, "manifest.json")))
    entries = manifest if isinstance(manifest, list) else manifest["files"]
    seen, keys, contents = set(), 0, 0
    for e in entries:
        f, key = e["file"], e.get("sp_key_file")
        if not f.startswith("real/") or not key or f in seen:
            continue
        seen.add(f)
        root = ET.parse(os.path.join(CORPUS, f)).getroot()
        for ea in root.iter("{%s}EncryptedAssertion" % "urn:oasis:names:tc:SAML:2.0:assertion"):
            ed = ea.find(".//{%s}EncryptedData" % XENC)
            ek = ea.find(".//{%s}EncryptedKey" % XENC)
            params = oaep_params(ek)
            if params is None:
                continue
            ct = base64.b64decode(ek.find(".//{%s}CipherValue" % XENC).text)
            ct_file = os.path.join(tmp, "ek.bin")
            open(ct_file, "wb").write(ct)
            keyp = os.path.join(CORPUS, key)
            r = run([OPENSSL, "pkeyutl", "-decrypt", "-inkey", keyp, "-in", ct_file,
                     "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:" + params[0],
                     "-pkeyopt", "rsa_mgf1_md:" + params[1]])
            want = r.stdout.hex() if r.returncode == 0 else "openssl failed"
            got = hexout(run([PROBE, "oaep", keyp, params[0], params[1], ct_file], text=True))
            if want != got:
                failures.append("%s: OAEP openssl %s, sso %s" % (f, want, got))
                continue
            keys += 1
            alg = ed.find("{%s}EncryptionMethod" % XENC).get("Algorithm")
            m = re.search(r"#aes(128|192|256)-cbc$", alg)
            if not m:
                continue  # GCM: openssl's CLI has no AEAD decryption to compare with
            data = base64.b64decode(ed.find("{%s}CipherData/{%s}CipherValue" % (XENC, XENC)).text)
            data_file = os.path.join(tmp, "ed.bin")
            open(data_file, "wb").write(data[16:])
            r = run([OPENSSL, "enc", "-d", "-aes-%s-cbc" % m.group(1), "-nopad", "-K", want,
                     "-iv", data[:16].hex(), "-in", data_file])
            plain = r.stdout[:-r.stdout[-1]] if r.returncode == 0 and r.stdout else b""
            open(data_file, "wb").write(data)
            got = hexout(run([PROBE, "aes-cbc", want, data_file], text=True))
            if plain.hex() != got or b"Assertion" not in plain:
                failures.append("%s: AES-CBC openssl %d bytes, sso %s" % (f, len(plain), got[:40]))
                continue
            contents += 1
    return keys, contents


with tempfile.TemporaryDirectory() as tmp:
    ncerts = check_certs()
    nkeys, ncontents = check_encrypted(tmp)
for msg in failures:
    print("MISMATCH", msg)
print("certificates: %d, OAEP key transports: %d, AES-CBC contents: %d, mismatches: %d"
      % (ncerts, nkeys, ncontents, len(failures)))
sys.exit(1 if failures or ncerts == 0 or nkeys == 0 or ncontents == 0 else 0)
