"""A small client for the device's JSON API (docs/API.md) over lkhost.Device's forwarded
HTTP port: a cookie jar of one session cookie, the CSRF token, JSON in and out.
Python 3 standard library only."""

import http.client
import json

from lkhost import check


class Api:
    def __init__(self, port, host="127.0.0.1"):
        self.host = host
        self.port = port
        self.cookie = None  # "lk_session=<hex>"
        self.csrf = None
        self.role = None

    def raw(self, method, path, body=None, headers=None, timeout=10.0):
        """One request on a fresh connection: (status, headers (lower-case), body bytes)."""
        c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        h = dict(headers or {})
        if self.cookie and "Cookie" not in h:
            h["Cookie"] = self.cookie
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            hdrs = {}
            for k, v in r.getheaders():
                k = k.lower()
                hdrs[k] = v if k not in hdrs else hdrs[k] + "\n" + v
            return r.status, hdrs, data
        finally:
            c.close()

    def call(self, method, path, obj=None, csrf=True, headers=None, raw_body=None):
        """JSON request; returns (status, decoded JSON or None)."""
        h = dict(headers or {})
        body = raw_body
        if obj is not None:
            body = json.dumps(obj).encode()
        if body is not None and "Content-Type" not in h:
            h["Content-Type"] = "application/json"
        if csrf and self.csrf and method in ("POST", "PUT", "DELETE"):
            h.setdefault("X-CSRF-Token", self.csrf)
        status, hdrs, data = self.raw(method, path, body, h)
        doc = None
        if hdrs.get("content-type", "").startswith("application/json") and data:
            doc = json.loads(data)
        return status, doc

    def login(self, user, password, expect=200):
        status, hdrs, data = self.raw("POST", "/api/v1/login",
                                      json.dumps({"username": user, "password": password}),
                                      {"Content-Type": "application/json", "Cookie": ""})
        doc = json.loads(data) if data else None
        check(status == expect, "login %s: HTTP %d %r" % (user, status, doc))
        if status == 200:
            sc = hdrs.get("set-cookie", "")
            check(sc.startswith("lk_session=") and "HttpOnly" in sc and "SameSite=Lax" in sc
                  and "Path=/" in sc, "login cookie attributes: %r" % sc)
            check("Secure" not in sc, "Secure cookie over plain HTTP: %r" % sc)
            self.cookie = sc.split(";", 1)[0]
            self.csrf = doc["csrf_token"]
            self.role = doc["role"]
        return doc

    def get(self, path, expect=200):
        status, doc = self.call("GET", path)
        check(status == expect, "GET %s: HTTP %d %r" % (path, status, doc))
        return doc

    def put(self, path, obj, expect=200):
        status, doc = self.call("PUT", path, obj)
        check(status == expect, "PUT %s %r: HTTP %d %r" % (path, obj, status, doc))
        return doc

    def post(self, path, obj, expect=200):
        status, doc = self.call("POST", path, obj)
        check(status == expect, "POST %s: HTTP %d %r" % (path, status, doc))
        return doc

    def delete(self, path, expect=200):
        status, doc = self.call("DELETE", path)
        check(status == expect, "DELETE %s: HTTP %d %r" % (path, status, doc))
        return doc


def expect_error(result, status, code, what):
    got_status, doc = result
    check(got_status == status, "%s: HTTP %d (want %d) %r" % (what, got_status, status, doc))
    check(isinstance(doc, dict) and doc.get("error") == code and isinstance(doc.get("detail"), str),
          "%s: error %r (want %s)" % (what, doc, code))
    return doc
