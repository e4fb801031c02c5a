"""A minimal real IdP for the app's integration tests: SimpleSAMLphp 1.19 (Debian
package) under PHP's built-in server on 127.0.0.1, configured like an Okta app (entityID
http://www.okta.com/exk..., emailAddress NameID, Response and Assertion signed with
RSA-SHA256, Redirect + POST bindings, a `groups` attribute), following
../../../shared/idp-recipe.md. Plus a browserless login that stops before the IdP's
auto-submitting form posts to the device, so the test posts the SAMLResponse itself (and
can post it twice). Python 3 standard library only.

(The UI/e2e work keeps a fuller harness in tests/idp/; this one is the app's own, kept
small: SP registration, signing-key switch, SP- and IdP-initiated logins.)
"""

import html.parser
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import http.cookiejar

SSP_ROOT = "/usr/share/simplesamlphp"
ENTITY_ID = "http://www.okta.com/exk1fcia6d6EMsf331d8"
NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"

USERS = {
    "alice@example.com": ("alice-pass", ["admins"]),
    "bob@example.com": ("bob-pass", ["readonly"]),
    "carol@example.com": ("carol-pass", ["contractors"]),
}


class IdpError(Exception):
    pass


def _q(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)  # SSP reads its files per request: never a half-written one


class Idp:
    def __init__(self, state, entity_id=ENTITY_ID):
        self.state = os.path.abspath(state)
        self.port = _free_port()
        self.base = "http://127.0.0.1:%d/" % self.port
        self.entity_id = entity_id
        self.conf = os.path.join(self.state, "config")
        self.md = os.path.join(self.conf, "metadata")
        self.certs = os.path.join(self.state, "cert")
        self.key_name = "idp"
        self.sps = {}
        self.proc = None

    sso_url = property(lambda self: self.base + "saml2/idp/SSOService.php")
    metadata_url = property(lambda self: self.base + "saml2/idp/metadata.php")

    def _key(self, name):
        key = os.path.join(self.certs, name + ".key")
        crt = os.path.join(self.certs, name + ".crt")
        if not os.path.exists(crt):
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-sha256", "-days", "30", "-subj", "/CN=ssp-" + name,
                            "-keyout", key, "-out", crt], check=True, capture_output=True)
        return key, crt

    def cert_pem(self, name=None):
        with open(self._key(name or self.key_name)[1]) as f:
            return f.read()

    def setup(self):
        for d in (self.md, self.certs, "log", "data", "tmp", "sessions"):
            os.makedirs(os.path.join(self.state, d), exist_ok=True)
        self._key("idp")
        st = lambda d: os.path.join(self.state, d) + "/"
        _write(os.path.join(self.conf, "config.php"), "<?php\n$config = [\n" + "".join(
            "  %s => %s,\n" % (_q(k), v) for k, v in [
                ("baseurlpath", _q(self.base)), ("certdir", _q(self.certs + "/")),
                ("loggingdir", _q(st("log"))), ("datadir", _q(st("data"))),
                ("tempdir", _q(st("tmp"))), ("metadatadir", _q(self.md + "/")),
                ("attributenamemapdir", _q(SSP_ROOT + "/attributemap/")),
                ("secretsalt", _q(secrets.token_hex(16))),
                ("auth.adminpassword", _q(secrets.token_hex(8))),
                ("timezone", _q("UTC")), ("enable.saml20-idp", "true"),
                ("module.enable", "['exampleauth' => true, 'core' => true, 'saml' => true]"),
                ("store.type", _q("phpsession")),
                # plain-HTTP loopback: a Secure cookie would be dropped (recipe trap)
                ("session.cookie.secure", "false"), ("session.cookie.samesite", "null"),
                ("session.phpsession.savepath", _q(st("sessions"))),
                ("logging.handler", _q("file")), ("logging.level", "6"),
                ("showerrors", "true"), ("errorreporting", "false"),
                ("authproc.idp", "[]")]) + "];\n")
        users = "".join("    %s => ['email' => [%s], 'groups' => [%s]],\n" % (
            _q("%s:%s" % (u, pw)), _q(u), ", ".join(_q(g) for g in groups))
            for u, (pw, groups) in USERS.items())
        _write(os.path.join(self.conf, "authsources.php"),
               "<?php\n$config = ['example-userpass' => [\n    'exampleauth:UserPass',\n" +
               users + "]];\n")
        self._write_hosted()
        self._write_sps()
        return self

    def _write_hosted(self):
        key, crt = self._key(self.key_name)
        _write(os.path.join(self.md, "saml20-idp-hosted.php"),
               "<?php\n$metadata[%s] = [\n  'host' => '__DEFAULT__',\n  'privatekey' => %s,\n"
               "  'certificate' => %s,\n  'auth' => 'example-userpass',\n"
               "  'NameIDFormat' => %s,\n  'simplesaml.nameidattribute' => 'email',\n"
               "  'saml20.sign.response' => true,\n  'saml20.sign.assertion' => true,\n"
               "  'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',\n"
               "  'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',\n"
               "  'SingleSignOnServiceBinding' => [%s, %s],\n];\n" % (
                   _q(self.entity_id), _q(os.path.basename(key)), _q(os.path.basename(crt)),
                   _q(NAMEID_EMAIL), _q(REDIRECT), _q(POST)))

    def _write_sps(self):
        out = ["<?php"]
        for eid, (acs, enc_b64) in self.sps.items():
            extra = ""
            if enc_b64:
                # Encrypted assertions (SSP 1.19: RSA-OAEP-MGF1P + AES-128-CBC) to this cert.
                extra = (", 'assertion.encryption' => true, 'keys' => [['type' => "
                         "'X509Certificate', 'encryption' => true, 'signing' => false, "
                         "'X509Certificate' => %s]]" % _q(enc_b64))
            out.append("$metadata[%s] = ['AssertionConsumerService' => [['Binding' => %s, "
                       "'Location' => %s, 'index' => 0]], 'NameIDFormat' => %s, "
                       "'simplesaml.nameidattribute' => 'email'%s];" % (
                           _q(eid), _q(POST), _q(acs), _q(NAMEID_EMAIL), extra))
        _write(os.path.join(self.md, "saml20-sp-remote.php"), "\n".join(out) + "\n")

    def add_sp(self, entity_id, acs_url, encrypt_cert_b64=None):
        """Register an SP (entity ID and ACS URL, as an admin pastes them into Okta); with
        @encrypt_cert_b64 (base64 DER) assertions to it are encrypted."""
        self.sps[entity_id] = (acs_url, encrypt_cert_b64)
        self._write_sps()

    def set_signing_key(self, name):
        """Sign with another key from now on (one the device does not trust)."""
        self.key_name = name
        self._write_hosted()

    def start(self, timeout=15.0):
        env = dict(os.environ, SIMPLESAMLPHP_CONFIG_DIR=self.conf, PHP_CLI_SERVER_WORKERS="2")
        # SSP 1.19's logger calls strftime(), deprecated in PHP 8: mask E_DEPRECATED or it
        # becomes fatal (recipe trap). setsid: php -S workers outlive their parent.
        # opcache off: it would keep serving the old metadata files for up to
        # revalidate_freq seconds after set_signing_key()/add_sp() rewrote them.
        self.proc = subprocess.Popen(
            ["php", "-d", "error_reporting=E_ALL & ~E_DEPRECATED & ~E_STRICT",
             "-d", "opcache.enable=0", "-d", "opcache.enable_cli=0", "-S",
             "127.0.0.1:%d" % self.port, "-t", SSP_ROOT + "/www"], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise IdpError("php -S exited with %d" % self.proc.returncode)
            try:
                self.metadata()
                return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        raise IdpError("the IdP did not answer within %d s" % timeout)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)

    def metadata(self):
        with _opener().open(self.metadata_url, timeout=5) as r:
            return r.read().decode()


def _opener(jar=None):
    h = [urllib.request.ProxyHandler({})]
    if jar is not None:
        h.append(urllib.request.HTTPCookieProcessor(jar))
    return urllib.request.build_opener(*h)


class _Form(html.parser.HTMLParser):
    """The first form of a page: action and input values."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = {}
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = a.get("action")
            self.in_form = True
        elif tag == "input" and self.in_form and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def _form(page):
    f = _Form()
    f.feed(page)
    return f


def idp_login(start_url, user, password=None, jar=None):
    """Follow @start_url (the IdP's SSO URL with a SAMLRequest, or an IdP-initiated URL)
    through the IdP's password form. Returns (acs_action, fields) of the auto-submitting
    form that the browser would post to the SP: fields has SAMLResponse and maybe
    RelayState."""
    jar = jar if jar is not None else http.cookiejar.CookieJar()
    op = _opener(jar)
    with op.open(start_url, timeout=10) as r:
        page = r.read().decode()
        url = r.geturl()
    f = _form(page)
    if "SAMLResponse" not in f.fields:
        if "AuthState" not in f.fields:
            raise IdpError("no login form at %s" % url)
        data = urllib.parse.urlencode({"username": user,
                                       "password": password or USERS[user][0],
                                       "AuthState": f.fields["AuthState"]}).encode()
        with op.open(urllib.parse.urljoin(url, f.action or url), data, timeout=10) as r:
            page = r.read().decode()
        f = _form(page)
    if "SAMLResponse" not in f.fields:
        raise IdpError("the IdP did not answer with a SAMLResponse form:\n" + page[:2000])
    return f.action, f.fields
