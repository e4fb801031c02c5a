#!/usr/bin/python3
"""The admin UI over the wire on the host board (firmware/ui/ through the route table):

- every embedded file (the build's ui_assets.json lists them) is served gzip-encoded and
  decompresses to exactly the size the build recorded;
- pages: the strict Content-Security-Policy, Referrer-Policy: no-referrer, never stored;
  content-hashed /ui/static/ files: cached for a year, immutable; both: no framing, no
  sniffing;
- an unknown page path is an HTML 404 with the same security headers; a client that
  does not accept gzip gets 406, not gzip bytes; HEAD gives the head only;
- the SSO endpoints' own pages (here: "single sign-on is off") are HTML under the same
  policy and load the UI's stylesheet.

usage: ui_assets.py PATH/TO/latchkey-host PATH/TO/ui_assets.json
"""

import gzip
import json
import os
import re
import sys
import tempfile

from lkapi import Api
from lkhost import Device, TestFailure, check, exe_from_argv

PW = "ui-Test-admin-1"
CSP = ("default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
GZ = {"Accept-Encoding": "gzip, deflate, br"}
PAGES = ("/", "/login", "/ui/sso", "/ui/audit", "/ui/sessions")


def common(path, hdrs):
    check(hdrs.get("x-frame-options") == "DENY", "%s: X-Frame-Options %r" % (path, hdrs))
    check(hdrs.get("x-content-type-options") == "nosniff", "%s: nosniff" % path)
    check(hdrs.get("content-security-policy") == CSP, "%s: CSP %r" %
          (path, hdrs.get("content-security-policy")))
    check(hdrs.get("referrer-policy") == "no-referrer", "%s: Referrer-Policy %r" %
          (path, hdrs.get("referrer-policy")))


def main():
    exe = exe_from_argv(sys.argv)
    with open(sys.argv[2]) as f:
        assets = json.load(f)["assets"]
    check(len(assets) >= 8 and all(p in [a["path"] for a in assets] for p in PAGES),
          "ui_assets.json lists the pages: %r" % [a["path"] for a in assets])
    with tempfile.TemporaryDirectory(prefix="lk-ui-") as tmp:
        dev = Device(exe, os.path.join(tmp, "flash.bin"), extra=["--admin-password", PW]).start()
        try:
            dev.wait_up()
            api = Api(dev.http_port)
            css = None
            for a in assets:
                path = a["path"]
                st, hdrs, body = api.raw("GET", path, headers=GZ)
                check(st == 200, "%s: HTTP %d" % (path, st))
                check(hdrs.get("content-encoding") == "gzip", "%s: not gzip" % path)
                check(len(body) == a["gzip_bytes"], "%s: %d bytes on the wire, %d in the build" %
                      (path, len(body), a["gzip_bytes"]))
                raw = gzip.decompress(body)
                check(len(raw) == a["bytes"], "%s: %d bytes, want %d" % (path, len(raw), a["bytes"]))
                common(path, hdrs)
                if path.startswith("/ui/static/"):
                    check(re.match(r"^/ui/static/[a-z]+\.[0-9a-f]{10}\.[a-z]+$", path),
                          "static name without a content hash: %s" % path)
                    check(hdrs.get("cache-control") == "public, max-age=31536000, immutable",
                          "%s: Cache-Control %r" % (path, hdrs.get("cache-control")))
                    if path.endswith(".css"):
                        css = path
                else:
                    check(hdrs.get("cache-control") == "no-store", "%s: Cache-Control %r" %
                          (path, hdrs.get("cache-control")))
                    check(hdrs.get("content-type") == "text/html; charset=utf-8",
                          "%s: %r" % (path, hdrs.get("content-type")))
                    # the page names the files being served now
                    for ref in re.findall(rb'(?:src|href)="(/ui/static/[^"]+)"', raw):
                        check(ref.decode() in [x["path"] for x in assets],
                              "%s references %s, which is not served" % (path, ref))
            print("%d files: gzip, sizes as built, CSP + Referrer-Policy, pages no-store, "
                  "static immutable" % len(assets))

            # HEAD: the same head, no body.
            st, hdrs, body = api.raw("HEAD", "/login", headers=GZ)
            check(st == 200 and body == b"" and hdrs.get("content-encoding") == "gzip",
                  "HEAD /login: %d %r" % (st, body[:40]))

            # Unknown page paths: an HTML 404 under the same policy.
            for path in ("/ui/nope", "/ui/static/app.0000000000.js", "/ui/static/app.css"):
                st, hdrs, body = api.raw("GET", path, headers=GZ)
                check(st == 404 and hdrs.get("content-type") == "text/html; charset=utf-8" and
                      body.startswith(b"<!doctype html>") and b"Not found" in body,
                      "%s: %d %r %r" % (path, st, hdrs.get("content-type"), body[:60]))
                check("content-encoding" not in hdrs, "%s: a gzip 404" % path)
                check(hdrs.get("cache-control") == "no-store", "%s: a cached 404" % path)
                common(path, hdrs)

            # No gzip accepted: 406, never compressed bytes.
            for h in ({}, {"Accept-Encoding": "identity"}):
                st, hdrs, body = api.raw("GET", "/login", headers=h)
                check(st == 406 and "content-encoding" not in hdrs and
                      body.startswith(b"<!doctype html>"), "no gzip (%r): %d" % (h, st))
                common("/login (406)", hdrs)

            # The SSO endpoints' own page: styled like the sign-in page, same policy.
            api.login("admin", PW)
            api.put("/api/v1/sso", {"short_name": "okta", "base_url": "https://fw1.example.com"})
            st, hdrs, body = api.raw("GET", "/sso/okta/login")
            check(st == 403 and hdrs.get("content-type") == "text/html; charset=utf-8",
                  "/sso/okta/login while SSO is off: %d" % st)
            common("/sso/okta/login", hdrs)
            check(css is not None and ('href="%s"' % css).encode() in body and
                  b'class="login-box"' in body and b"Single sign-on is off" in body,
                  "the SSO page: %r" % body[:300])
            print("404, 406, HEAD and the SSO page: as specified")
        finally:
            dev.stop()
    print("ui assets test: passed")


if __name__ == "__main__":
    try:
        main()
    except TestFailure as e:
        print("FAILED: %s" % e)
        sys.exit(1)
