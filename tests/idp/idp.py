#!/usr/bin/python3
"""A real SAML 2.0 IdP on loopback for tests: SimpleSAMLphp 1.19 (Debian) under PHP's
built-in server, configured like an Okta application, plus a TLS server with a test CA
that publishes the IdP metadata over HTTPS. Python 3 standard library only.

    idp = Idp(state_dir)                 # everything lives under state_dir (made at run time)
    idp.start()                          # php -S 127.0.0.1:<free port>, waits until it answers
    idp.add_sp(entity_id, acs_url)       # the SP entry, as an admin pastes it into Okta
    tls = MetadataServer(idp, ca).start()  # https://10.0.2.2:<port>/app/<id>/sso/saml/metadata
    ...
    tls.stop(); idp.stop()

The IdP looks like an Okta app to the device: an entity ID of the form
http://www.okta.com/exk..., NameID in emailAddress format, Response and Assertion both
signed with RSA-SHA256, HTTP-Redirect and HTTP-POST SSO bindings, and a `groups` attribute.
Users (USERS): alice in `admins`, bob in `readonly`, carol in `contractors` (a group the
tests map to nothing).

SimpleSAMLphp reads its metadata files on every request, so add_sp(), set_signing_key()
and the encryption switch take effect without a restart.

Traps this module handles (../../shared/idp-recipe.md): Debian's config has
session.cookie.secure on (cookies vanish over plain HTTP), SSP 1.19 turns PHP 8's
strftime() deprecation into a fatal error unless error_reporting masks it, and `php -S`
workers outlive their parent (the server runs in its own process group, which stop()
kills whole). start() checks the port is free first and that its own process is the one
answering.

CLI: `idp.py serve --state DIR [--port P] [--tls-port P] [--sp ENTITY_ID ACS_URL]...` runs
the IdP and the metadata server in the foreground; `idp.py login ...` performs a
browserless login (see login.py).
"""

import argparse
import base64
import hashlib
import http.server
import json
import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

SSP_ROOT = "/usr/share/simplesamlphp"
PHP = "/usr/bin/php"
OPENSSL = "openssl"

DEFAULT_ENTITY_ID = "http://www.okta.com/exk1fcia6d6EMsf331d8"

NS_MD = "urn:oasis:names:tc:SAML:2.0:metadata"
BINDING_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
BINDING_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ATTRNAME_BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"


class User:
    def __init__(self, email, password, groups, first, last):
        self.email = email
        self.password = password
        self.groups = list(groups)
        self.first = first
        self.last = last


USERS = [
    User("alice@example.com", "alice-pass", ["admins"], "Alice", "Admin"),
    User("bob@example.com", "bob-pass", ["readonly"], "Bob", "Viewer"),
    User("carol@example.com", "carol-pass", ["contractors"], "Carol", "Contractor"),
]
ADMIN_GROUP = "admins"
READONLY_GROUP = "readonly"


class HarnessError(Exception):
    pass


def user(email):
    for u in USERS:
        if u.email == email:
            return u
    raise KeyError(email)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def run(cmd, **kw):
    """Run a tool; a failure raises with its stderr (never a silent pass)."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if p.returncode != 0:
        raise HarnessError("%s failed (%d): %s" % (" ".join(cmd[:3]), p.returncode,
                                                     p.stderr.decode(errors="replace")[-2000:]))
    return p.stdout


def no_proxy_opener(*handlers):
    """urllib without the environment's proxies (every service here is on loopback)."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), *handlers)


# ---- certificates -----------------------------------------------------------------------

def make_self_signed(key, crt, cn, days=3650):
    """An RSA-2048 key and a self-signed certificate (IdP signing, SP encryption)."""
    run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", str(days),
         "-subj", "/CN=" + cn, "-keyout", key, "-out", crt])


def pem_body(pem_text):
    """The base64 of the first certificate in a PEM, on one line."""
    lines = pem_text.strip().splitlines()
    i = lines.index("-----BEGIN CERTIFICATE-----")
    j = lines.index("-----END CERTIFICATE-----", i)
    return "".join(lines[i + 1:j])


def cert_sha256(pem_text):
    """Upper-case hex SHA-256 of the DER, colon-separated (as openssl and Okta show it)."""
    der = base64.b64decode(pem_body(pem_text))
    h = hashlib.sha256(der).hexdigest().upper()
    return ":".join(h[i:i + 2] for i in range(0, len(h), 2))


class TestCA:
    """A CA made at test time and one TLS server certificate it issues, naming the addresses
    the device (10.0.2.2, slirp's gateway to the host's loopback) and host tools
    (127.0.0.1, localhost) use."""

    def __init__(self, directory, sans=("IP:10.0.2.2", "IP:127.0.0.1", "DNS:localhost")):
        self.dir = directory
        self.sans = list(sans)
        self.ca_key = os.path.join(directory, "ca.key")
        self.ca_crt = os.path.join(directory, "ca.crt")
        self.key = os.path.join(directory, "server.key")
        self.crt = os.path.join(directory, "server.crt")

    def create(self, cn="Latchkey Test CA"):
        os.makedirs(self.dir, exist_ok=True)
        if os.path.exists(self.crt):
            return self
        ext = os.path.join(self.dir, "server.ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\n"
                    "keyUsage=critical,digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\n"
                    "subjectAltName=%s\n" % ",".join(self.sans))
        # EC P-256 keeps the device's TLS handshake cheap; the CA signs with SHA-256.
        run([OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-sha256", "-days", "3650", "-subj", "/O=Latchkey tests/CN=" + cn,
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             "-keyout", self.ca_key, "-out", self.ca_crt])
        csr = os.path.join(self.dir, "server.csr")
        run([OPENSSL, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-subj", "/O=Latchkey tests/CN=idp-metadata.test", "-keyout", self.key,
             "-out", csr])
        run([OPENSSL, "x509", "-req", "-in", csr, "-CA", self.ca_crt, "-CAkey", self.ca_key,
             "-CAcreateserial", "-days", "825", "-sha256", "-extfile", ext, "-out", self.crt])
        return self

    def ca_pem(self):
        with open(self.ca_crt) as f:
            return f.read()


# ---- PHP config writer --------------------------------------------------------------------

def php(v, indent=1):
    """A Python value as a PHP literal (str, bool, int, None, list, dict)."""
    pad = "    " * indent
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(v, (list, tuple)):
        if not v:
            return "[]"
        return "[\n" + "".join(pad + php(x, indent + 1) + ",\n" for x in v) + \
            "    " * (indent - 1) + "]"
    if isinstance(v, dict):
        if not v:
            return "[]"
        return "[\n" + "".join(pad + php(k) + " => " + php(x, indent + 1) + ",\n"
                               for k, x in v.items()) + "    " * (indent - 1) + "]"
    raise TypeError(type(v))


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)  # SSP reads these on every request: never a half-written file


# ---- the IdP ------------------------------------------------------------------------------

class Idp:
    """SimpleSAMLphp as an Okta-like IdP. All state (keys, config, sessions, logs) is under
    @state_dir; @port 0 picks a free one."""

    def __init__(self, state_dir, port=0, entity_id=DEFAULT_ENTITY_ID, host="127.0.0.1"):
        self.state = os.path.abspath(state_dir)
        self.port = port or free_port()
        self.host = host
        self.entity_id = entity_id
        self.base_url = "http://%s:%d/" % (host, self.port)
        self.conf_dir = os.path.join(self.state, "config")
        self.md_dir = os.path.join(self.conf_dir, "metadata")
        self.cert_dir = os.path.join(self.state, "cert")
        self.log_dir = os.path.join(self.state, "log")
        self.sp_file = os.path.join(self.state, "sps.json")
        self.signing_key = "idp"
        self.proc = None
        self.sps = {}
        if os.path.exists(self.sp_file):
            with open(self.sp_file) as f:
                self.sps = json.load(f)

    # URLs
    @property
    def sso_url(self):
        return self.base_url + "saml2/idp/SSOService.php"

    @property
    def metadata_url(self):
        return self.base_url + "saml2/idp/metadata.php"

    @property
    def app_id(self):
        """The Okta app ID (the exk... part of the entity ID)."""
        return self.entity_id.rstrip("/").rsplit("/", 1)[-1]

    def idp_initiated_url(self, sp_entity_id, relay_state=None):
        q = {"spentityid": sp_entity_id}
        if relay_state is not None:
            q["RelayState"] = relay_state
        return self.sso_url + "?" + urllib.parse.urlencode(q)

    # keys
    def key_paths(self, name=None):
        name = name or self.signing_key
        return (os.path.join(self.cert_dir, name + ".key"),
                os.path.join(self.cert_dir, name + ".crt"))

    def cert_pem(self, name=None):
        with open(self.key_paths(name)[1]) as f:
            return f.read()

    def ensure_key(self, name):
        key, crt = self.key_paths(name)
        if not os.path.exists(crt):
            make_self_signed(key, crt, "latchkey-test-idp-" + name)
        return key, crt

    def set_signing_key(self, name):
        """Sign from now on with the key @name (made on first use). A test uses it to make
        the IdP sign with a certificate the device never imported."""
        self.ensure_key(name)
        self.signing_key = name
        self._write_hosted()

    # config
    def setup(self):
        for d in (self.md_dir, self.cert_dir, self.log_dir, os.path.join(self.state, "data"),
                  os.path.join(self.state, "tmp"), os.path.join(self.state, "sessions")):
            os.makedirs(d, exist_ok=True)
        self.ensure_key("idp")
        salt_file = os.path.join(self.state, "secretsalt")
        if not os.path.exists(salt_file):
            write(salt_file, secrets.token_hex(16))
        with open(salt_file) as f:
            salt = f.read().strip()
        config = {
            "baseurlpath": self.base_url,
            "certdir": self.cert_dir + "/",
            "loggingdir": self.log_dir + "/",
            "datadir": os.path.join(self.state, "data") + "/",
            "tempdir": os.path.join(self.state, "tmp"),
            "metadatadir": self.md_dir + "/",
            "attributenamemapdir": SSP_ROOT + "/attributemap/",
            "technicalcontact_name": "Latchkey tests",
            "technicalcontact_email": "tests@example.com",
            "timezone": "UTC",
            "secretsalt": salt,
            "auth.adminpassword": secrets.token_hex(8),
            "admin.protectindexpage": False,
            "admin.protectmetadata": False,
            "admin.checkforupdates": False,
            "showerrors": True,
            "errorreporting": False,
            "enable.saml20-idp": True,
            "enable.shib13-idp": False,
            "module.enable": {"exampleauth": True, "core": True, "saml": True},
            "store.type": "phpsession",
            "session.cookie.secure": False,   # plain-HTTP loopback: a Secure cookie is dropped
            "session.cookie.samesite": None,
            "session.phpsession.savepath": os.path.join(self.state, "sessions"),
            "language.cookie.secure": False,
            "language.cookie.samesite": None,
            "logging.handler": "file",
            "logging.logfile": "simplesamlphp.log",
            "logging.level": 6,  # LOG_INFO
            "trusted.url.domains": [],
            "authproc.idp": {},  # no consent screen
        }
        write(os.path.join(self.conf_dir, "config.php"),
              "<?php\n$config = " + php(config) + ";\n")
        source = {"0": "exampleauth:UserPass"}
        for u in USERS:
            source["%s:%s" % (u.email, u.password)] = {
                "email": [u.email], "groups": u.groups,
                "firstName": [u.first], "lastName": [u.last]}
        write(os.path.join(self.conf_dir, "authsources.php"),
              "<?php\n$config = [\n    'example-userpass' => " + php(source, 2) + ",\n];\n")
        # SSP warns (and logs) without these two; empty is fine.
        write(os.path.join(self.md_dir, "saml20-sp-remote.php"), "<?php\n")
        self._write_hosted()
        self._write_sps()
        return self

    def _write_hosted(self):
        key, crt = self.key_paths()
        md = {
            "host": "__DEFAULT__",
            "privatekey": os.path.basename(key),
            "certificate": os.path.basename(crt),
            "auth": "example-userpass",
            "NameIDFormat": NAMEID_EMAIL,
            "simplesaml.nameidattribute": "email",
            "saml20.sign.response": True,
            "saml20.sign.assertion": True,
            "signature.algorithm": RSA_SHA256,
            "attributes.NameFormat": ATTRNAME_BASIC,
            "SingleSignOnServiceBinding": [BINDING_REDIRECT, BINDING_POST],
            "SingleLogoutServiceBinding": [BINDING_REDIRECT],
        }
        write(os.path.join(self.md_dir, "saml20-idp-hosted.php"),
              "<?php\n$metadata[" + php(self.entity_id) + "] = " + php(md) + ";\n")

    def _write_sps(self):
        out = ["<?php"]
        for entity_id, sp in self.sps.items():
            md = {
                "AssertionConsumerService": [
                    {"Binding": BINDING_POST, "Location": sp["acs_url"], "index": 0}],
                "NameIDFormat": NAMEID_EMAIL,
                "simplesaml.nameidattribute": "email",
                "attributes.NameFormat": ATTRNAME_BASIC,
            }
            if sp.get("encrypt_cert"):
                md["assertion.encryption"] = True
                md["keys"] = [{"type": "X509Certificate", "encryption": True, "signing": False,
                               "X509Certificate": pem_body(sp["encrypt_cert"])}]
            out.append("$metadata[" + php(entity_id) + "] = " + php(md) + ";")
        write(os.path.join(self.md_dir, "saml20-sp-remote.php"), "\n".join(out) + "\n")
        write(self.sp_file, json.dumps(self.sps, indent=1))

    def add_sp(self, entity_id, acs_url, encrypt_cert_pem=None):
        """Register (or replace) an SP: the Audience URI (SP Entity ID) and the Single
        sign-on URL (ACS), as an admin pastes them into Okta's app settings. With
        @encrypt_cert_pem the assertions to it are encrypted to that certificate."""
        self.sps[entity_id] = {"acs_url": acs_url, "encrypt_cert": encrypt_cert_pem}
        self._write_sps()

    def remove_sp(self, entity_id):
        self.sps.pop(entity_id, None)
        self._write_sps()

    def clear_sps(self):
        self.sps = {}
        self._write_sps()

    # process
    def start(self, timeout=15.0):
        if self.proc is not None:
            return self
        if not os.path.exists(os.path.join(self.conf_dir, "config.php")):
            self.setup()
        if port_in_use(self.port):
            raise HarnessError("IdP port %d is already in use" % self.port)
        env = dict(os.environ)
        env.update({"SIMPLESAMLPHP_CONFIG_DIR": self.conf_dir, "PHP_CLI_SERVER_WORKERS": "2"})
        log = open(os.path.join(self.log_dir, "php-server.log"), "ab")
        # setsid: the server and its workers form one process group that stop() kills.
        # error_reporting: SSP 1.19 makes PHP 8's strftime() deprecation fatal otherwise.
        self.proc = subprocess.Popen(
            [PHP, "-d", "error_reporting=E_ALL & ~E_DEPRECATED & ~E_STRICT",
             "-d", "display_errors=0", "-d", "log_errors=1",
             # php -S counts as a web SAPI, so OPcache is on and would serve a metadata
             # file up to revalidate_freq (2 s) old after add_sp(): check on every request.
             "-d", "opcache.revalidate_freq=0",
             "-S", "%s:%d" % (self.host, self.port), "-t", SSP_ROOT + "/www"],
            cwd=self.state, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        opener = no_proxy_opener()
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HarnessError("IdP (php -S) exited with %d; see %s" % (
                    self.proc.returncode, os.path.join(self.log_dir, "php-server.log")))
            try:
                with opener.open(self.metadata_url, timeout=2) as r:
                    body = r.read().decode()
                # Our own server, with our own entity ID (not an old one left on the port).
                if 'entityID="%s"' % self.entity_id in body:
                    return self
                last = "metadata without our entityID"
            except (urllib.error.URLError, OSError) as e:
                last = str(e)
            time.sleep(0.1)
        self.stop()
        raise HarnessError("IdP did not come up on port %d: %s" % (self.port, last))

    def stop(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(5)
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def metadata_xml(self):
        with no_proxy_opener().open(self.metadata_url, timeout=5) as r:
            return r.read()

    def log_tail(self, n=40):
        path = os.path.join(self.log_dir, "simplesamlphp.log")
        try:
            with open(path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""


def strip_entity_id(xml):
    """The metadata without its entityID attribute: what Okta's catalog apps publish (the
    device must say "not found" and offer the app ID from the URL)."""
    text = xml.decode() if isinstance(xml, bytes) else xml
    start = text.index("<md:EntityDescriptor")
    end = text.index(">", start)
    head = text[start:end]
    i = head.index(' entityID="')
    j = head.index('"', i + len(' entityID="'))
    return (text[:start] + head[:i] + head[j + 1:] + text[end:]).encode()


def sp_encryption_cert(sp_metadata_xml):
    """The SP's encryption certificate (PEM) from its metadata: KeyDescriptor use="encryption"
    (or one without `use`), as an admin uploads it to Okta for assertion encryption.
    None if the metadata has none."""
    import xml.etree.ElementTree as ET
    root = ET.fromstring(sp_metadata_xml)
    ns = {"md": NS_MD, "ds": "http://www.w3.org/2000/09/xmldsig#"}
    for kd in root.iterfind(".//md:SPSSODescriptor/md:KeyDescriptor", ns):
        if kd.get("use") in (None, "encryption"):
            c = kd.find(".//ds:X509Certificate", ns)
            if c is not None and c.text:
                b64 = "".join(c.text.split())
                lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
                return ("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) +
                        "\n-----END CERTIFICATE-----\n")
    return None


# ---- the metadata TLS server -----------------------------------------------------------------

class MetadataServer:
    """HTTPS with the test CA's server certificate. Paths:
         /app/<app-id>/sso/saml/metadata           the IdP's live metadata (Okta's URL shape)
         /app/<app-id>/sso/saml/metadata-noentity  the same without entityID
         /garbage                                   not XML
    plus whatever add() registers; everything else is 404. Each request is logged in
    self.requests (path, status)."""

    def __init__(self, idp, ca, port=0, host="127.0.0.1"):
        self.idp = idp
        self.ca = ca
        self.port = port or free_port()
        self.host = host
        self.static = {}
        self.requests = []
        self.httpd = None
        self.thread = None

    @property
    def path(self):
        return "/app/%s/sso/saml/metadata" % self.idp.app_id

    def url(self, address="10.0.2.2", path=None):
        """The URL the device uses (slirp's gateway reaches the host's loopback)."""
        return "https://%s:%d%s" % (address, self.port, path or self.path)

    def add(self, path, body, content_type="application/xml"):
        self.static[path] = (body, content_type)

    def _lookup(self, path):
        if path in self.static:
            return (200,) + self.static[path]
        if path == self.path:
            return 200, self.idp.metadata_xml(), "application/samlmetadata+xml"
        if path == self.path + "-noentity":
            return 200, strip_entity_id(self.idp.metadata_xml()), "application/xml"
        if path == "/garbage":
            return 200, b"this is not XML {\n", "text/plain"
        return 404, b"Not found\n", "text/plain"

    def start(self):
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                try:
                    status, body, ctype = outer._lookup(path)
                except Exception as e:  # the IdP is down: the device must say so
                    status, body, ctype = 502, ("upstream: %s\n" % e).encode(), "text/plain"
                outer.requests.append((path, status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, fmt, *args):
                pass

        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(self.ca.crt, self.ca.key)
        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                # A client that refuses our certificate (the bad-CA tests do) is expected;
                # note it instead of printing a traceback.
                outer.requests.append(("<tls error from %s>" % client_address[0],
                                       str(sys.exc_info()[1])))

        self.httpd = Server((self.host, self.port), Handler)
        # Handshake in the handler thread, not in accept(): a stuck client blocks no one.
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True,
                                            do_handshake_on_connect=False)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def fetch(self, path=None, cafile=None):
        """Fetch as a host tool would (127.0.0.1, verifying against @cafile)."""
        ctx = ssl.create_default_context(cafile=cafile or self.ca.ca_crt)
        url = "https://127.0.0.1:%d%s" % (self.port, path or self.path)
        with urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPSHandler(context=ctx)).open(
                                             url, timeout=5) as r:
            return r.read()


# ---- CLI ----------------------------------------------------------------------------------

def cmd_serve(a):
    idp = Idp(a.state, port=a.port, entity_id=a.entity_id)
    idp.setup()
    for entity_id, acs in a.sp or []:
        idp.add_sp(entity_id, acs)
    ca = TestCA(os.path.join(idp.state, "tls")).create()
    idp.start()
    tls = MetadataServer(idp, ca, port=a.tls_port).start()
    print("IdP:            %s  (entity ID %s)" % (idp.base_url, idp.entity_id))
    print("IdP metadata:   %s  (device view; %s from this host)"
          % (tls.url(), tls.url("127.0.0.1")))
    print("test CA:        %s" % ca.ca_crt)
    for u in USERS:
        print("user:           %-20s password %-12s groups %s"
              % (u.email, u.password, ",".join(u.groups)))
    sys.stdout.flush()
    try:
        signal.sigwait([signal.SIGINT, signal.SIGTERM])
    finally:
        tls.stop()
        idp.stop()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="run the IdP and the metadata TLS server")
    s.add_argument("--state", required=True)
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--tls-port", type=int, default=0)
    s.add_argument("--entity-id", default=DEFAULT_ENTITY_ID)
    s.add_argument("--sp", nargs=2, action="append", metavar=("ENTITY_ID", "ACS_URL"))
    a = ap.parse_args(argv)
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT, signal.SIGTERM])
    if a.cmd == "serve":
        cmd_serve(a)


if __name__ == "__main__":
    main()
