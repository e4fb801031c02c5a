#!/usr/bin/python3
"""Browserless SAML login against the test IdP (SimpleSAMLphp), standard library only.

    b = Browser()
    post = sp_initiated(b, idp, sp_entity_id, acs_url, "alice@example.com", "alice-pass")
    post.xml          # the decoded SAMLResponse
    post.action       # where the IdP's auto-POST form goes (the ACS URL)
    status, hdrs, body, url = b.post(post.action, post.fields())   # deliver it, if wanted

A Browser keeps cookies (the IdP's session, the device's session) and follows redirects,
so the same helper also starts at a device URL: follow(b, "http://127.0.0.1:P/sso/okta/login",
user, password) goes device -> 302 -> IdP login form -> auto-POST form, with the device's
own AuthnRequest.

CLI:
  login.py --idp http://127.0.0.1:PORT/ --sp-entity-id ID --acs-url URL --user U --password P
           [--idp-initiated] [--relay-state RS] [--out resp.xml]
prints the RelayState and ACS and writes the decoded response.
"""

import argparse
import base64
import datetime
import gzip
import html.parser
import http.cookiejar
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
import zlib

NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"


class LoginError(Exception):
    pass


class Form:
    def __init__(self, action, method):
        self.action = action
        self.method = (method or "get").lower()
        self.inputs = {}


class PageParser(html.parser.HTMLParser):
    """Forms (action, method, named inputs), the title and the visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.title = ""
        self.text = []
        self._in_title = False
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(Form(a.get("action") or "", a.get("method")))
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1].inputs[a["name"]] = a.get("value") or ""
        elif tag == "title":
            self._in_title = True
        elif tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip and data.strip():
            self.text.append(data.strip())


def parse(body):
    p = PageParser()
    p.feed(body.decode("utf-8", "replace") if isinstance(body, bytes) else body)
    return p


class Browser:
    """Cookies + redirects over urllib, without the environment's proxies."""

    def __init__(self, cafile=None, context=None):
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar)]
        if cafile and context is None:
            import ssl
            context = ssl.create_default_context(cafile=cafile)
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self.opener = urllib.request.build_opener(*handlers)
        # Like a browser: gzip accepted (the device serves its pages only that way).
        self.opener.addheaders = [("User-Agent", "latchkey-tests/1"),
                                  ("Accept-Encoding", "gzip")]

    @staticmethod
    def _body(headers, data):
        if headers.get("Content-Encoding", "").lower() == "gzip" and data:
            return gzip.decompress(data)
        return data

    def _open(self, req, timeout):
        try:
            r = self.opener.open(req, timeout=timeout)
        except urllib.error.HTTPError as e:  # 4xx/5xx pages are answers too
            return e.code, dict(e.headers), self._body(e.headers, e.read()), e.geturl()
        with r:
            return r.status, dict(r.headers), self._body(r.headers, r.read()), r.geturl()

    def get(self, url, timeout=15):
        return self._open(urllib.request.Request(url), timeout)

    def post(self, url, fields, timeout=15):
        data = urllib.parse.urlencode(fields).encode()
        req = urllib.request.Request(url, data=data, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        return self._open(req, timeout)


class SamlPost:
    """The IdP's auto-POST form: what a browser would send to the ACS."""

    def __init__(self, action, saml_response, relay_state):
        self.action = action
        self.saml_response = saml_response
        self.relay_state = relay_state
        self.xml = base64.b64decode(saml_response)

    def fields(self):
        f = {"SAMLResponse": self.saml_response}
        if self.relay_state is not None:
            f["RelayState"] = self.relay_state
        return f


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def authn_request(sp_entity_id, acs_url, destination, request_id=None):
    """A minimal AuthnRequest as an SP sends it (HTTP-POST response binding)."""
    rid = request_id or "_" + secrets.token_hex(16)
    xml = ('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
           'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="%s" Version="2.0" '
           'IssueInstant="%s" Destination="%s" AssertionConsumerServiceURL="%s" '
           'ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">'
           '<saml:Issuer>%s</saml:Issuer>'
           '<samlp:NameIDPolicy Format="%s" AllowCreate="true"/>'
           '</samlp:AuthnRequest>') % (rid, now_iso(), esc(destination), esc(acs_url),
                                       esc(sp_entity_id), NAMEID_EMAIL)
    return rid, xml


def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def redirect_url(sso_url, xml, relay_state=None):
    """HTTP-Redirect binding: raw DEFLATE, base64, URL-encoded."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    q = {"SAMLRequest": base64.b64encode(c.compress(xml.encode()) + c.flush()).decode()}
    if relay_state is not None:
        q["RelayState"] = relay_state
    return sso_url + ("&" if "?" in sso_url else "?") + urllib.parse.urlencode(q)


def _saml_form(page, url):
    for f in page.forms:
        if "SAMLResponse" in f.inputs:
            return SamlPost(urllib.parse.urljoin(url, f.action), f.inputs["SAMLResponse"],
                            f.inputs.get("RelayState"))
    return None


def follow(b, start_url, username, password):
    """From @start_url (an IdP SSO URL, the IdP-initiated URL, or a device URL that
    redirects to the IdP) to the IdP's auto-POST form; logs in on the IdP's form if asked.
    Raises LoginError with the page's text if the IdP refuses."""
    status, _, body, url = b.get(start_url)
    page = parse(body)
    post = _saml_form(page, url)
    if post is not None:  # an existing IdP session: no login form
        return post
    login = next((f for f in page.forms if "password" in f.inputs or "AuthState" in f.inputs),
                 None)
    if status != 200 or login is None:
        raise LoginError("no IdP login form at %s (HTTP %d): %s | %s"
                         % (url, status, page.title.strip(), " ".join(page.text)[:600]))
    fields = dict(login.inputs)
    fields.update({"username": username, "password": password})
    status, _, body, url2 = b.post(urllib.parse.urljoin(url, login.action), fields)
    page = parse(body)
    post = _saml_form(page, url2)
    if post is None:
        raise LoginError("IdP did not answer with a SAMLResponse (HTTP %d at %s): %s | %s"
                         % (status, url2, page.title.strip(), " ".join(page.text)[:600]))
    return post


def sp_initiated(b, idp, sp_entity_id, acs_url, username, password, relay_state=None):
    """Log in as an SP would start it: our own AuthnRequest to the IdP's SSO URL.
    Returns the SamlPost; .request_id is the AuthnRequest's ID."""
    rid, xml = authn_request(sp_entity_id, acs_url, idp.sso_url)
    post = follow(b, redirect_url(idp.sso_url, xml, relay_state), username, password)
    post.request_id = rid
    return post


def idp_initiated(b, idp, sp_entity_id, username, password, relay_state=None):
    """The Okta tile: the IdP's own start URL for the SP, no AuthnRequest."""
    post = follow(b, idp.idp_initiated_url(sp_entity_id, relay_state), username, password)
    post.request_id = None
    return post


def main(argv=None):
    ap = argparse.ArgumentParser(description="browserless login at the test IdP")
    ap.add_argument("--idp", required=True, help="IdP base URL, http://127.0.0.1:PORT/")
    ap.add_argument("--sp-entity-id", required=True)
    ap.add_argument("--acs-url", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--relay-state")
    ap.add_argument("--idp-initiated", action="store_true")
    ap.add_argument("--out")
    a = ap.parse_args(argv)

    class Base:
        sso_url = a.idp.rstrip("/") + "/saml2/idp/SSOService.php"

        def idp_initiated_url(self, sp, rs):
            q = {"spentityid": sp}
            if rs is not None:
                q["RelayState"] = rs
            return self.sso_url + "?" + urllib.parse.urlencode(q)

    b = Browser()
    try:
        if a.idp_initiated:
            post = idp_initiated(b, Base(), a.sp_entity_id, a.user, a.password, a.relay_state)
        else:
            post = sp_initiated(b, Base(), a.sp_entity_id, a.acs_url, a.user, a.password,
                                a.relay_state)
    except LoginError as e:
        print("login: %s" % e, file=sys.stderr)
        return 1
    if a.out:
        with open(a.out, "wb") as f:
            f.write(post.xml)
    print("acs: %s\nrelay_state: %s\nrequest_id: %s" % (post.action, post.relay_state,
                                                        post.request_id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
