#!/usr/bin/python3
"""End to end, as an appliance admin lives it: a real IdP (SimpleSAMLphp, Okta-style), a
real browser (headless Chromium through Selenium), the real firmware (the host board, or
the Cortex-M3 image in QEMU).

  e2e.py --board host|qemu --fw PATH [--qemu qemu-system-arm] --work DIR
         --scenario journey|encrypted|bad-acs

Scenarios:
  journey    issue 5's steps 1-11 through the admin UI: first-boot password, Single
             Sign-On settings, metadata import over HTTPS from a test CA the admin adds,
             registering the generated ACS URL and SP Entity ID at the IdP, role mapping
             and enable, SP-initiated and IdP-initiated SSO, read-only and no-access users,
             the grace period ending after 72 hours (test clock), break-glass.
  encrypted  the IdP encrypts assertions to the device's SP certificate, taken from
             /sso/<short>/metadata; the login still works.
  bad-acs    three bad round trips, each with its specific reason on the device's page and
             in its audit log: the wrong SP entity ID at the IdP (audience), the IdP signing
             with a certificate the device never imported (signature), the device clock an
             hour off (expired / not yet valid); then a good login again.

Every step saves a screenshot under DIR/artifacts/. A failure prints the step, the last
screenshot, the device's audit log (through its API), its console and the IdP's log.
"""
import argparse
import contextlib
import json
import os
import re
import shutil
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "idp"))
import browser as B  # noqa: E402
import devices as D  # noqa: E402
import idp as I  # noqa: E402
import login as L  # noqa: E402

SHORT = "okta"
PROVIDER = "Okta"
RELAY = "/ui/sessions"        # the Default Relay State: where the Okta tile lands
GRACE_S = 72 * 3600


def configure_sso(api, idp, tls, ca, base, enable=True, register=True, via="auto", note=print):
    """Set the device up for SSO through its JSON API, as a fleet tool would: trust the
    test CA, the SSO settings, import the metadata over HTTPS, optionally register the
    generated values at the IdP and enable. @api is a logged-in admin Api. @via: "url"
    (the device fetches it), "paste" (the XML is posted), "auto" (url, or paste if the
    build has no HTTPS client). Returns the device's GET /api/v1/sso document."""
    st, obj = api.call("POST", "/api/v1/trust", {"pem": ca.ca_pem()})
    check(st in (200, 201), "POST /api/v1/trust: HTTP %d %s" % (st, obj))
    st, obj = api.call("PUT", "/api/v1/sso", {
        "provider_name": PROVIDER, "short_name": SHORT, "idp_metadata_url": tls.url(),
        "base_url": base, "default_relay_state": RELAY, "role_attribute": "groups",
        "admin_groups": [I.ADMIN_GROUP], "readonly_groups": [I.READONLY_GROUP]})
    check(st == 200, "PUT /api/v1/sso: HTTP %d %s" % (st, obj))
    if via == "paste":
        st, obj = 501, {"error": "not_implemented"}
    else:
        st, obj = api.call("POST", "/api/v1/sso/import", {})
    if st == 501 and via in ("auto", "paste") and obj and obj.get("error") == "not_implemented":
        if via == "auto":
            note("metadata pasted as XML: this build cannot fetch it over HTTPS (%s)" % obj)
        st, obj = api.call("POST", "/api/v1/sso/import", {"metadata_xml": tls.fetch().decode()})
    check(st in (200, 202), "POST /api/v1/sso/import: HTTP %d %s" % (st, obj))
    if st == 202:
        deadline = time.monotonic() + 90
        while True:
            st, obj = api.call("GET", "/api/v1/sso/import")
            if obj and obj.get("state") in ("done", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        check(obj and obj.get("state") == "done", "metadata import: %s" % obj)
    st, cfg = api.call("GET", "/api/v1/sso")
    check(st == 200 and cfg.get("idp_entity_id") == idp.entity_id,
          "imported entity ID: %s" % cfg)
    if register:
        idp.add_sp(cfg["sp_entity_id"], cfg["acs_url"])
    if enable:
        st, obj = api.call("POST", "/api/v1/sso/enable", {"enabled": True})
        check(st == 200, "POST /api/v1/sso/enable: HTTP %d %s" % (st, obj))
    return cfg


class StepFailed(Exception):
    def __init__(self, num, title, err, tb):
        super().__init__("step %s (%s): %s" % (num, title, err))
        self.num, self.title, self.err, self.tb = num, title, err, tb


def check(cond, what):
    if not cond:
        raise AssertionError(what)


class E2E:
    def __init__(self, a):
        self.a = a
        self.board = a.board
        self.scenario = a.scenario
        self.work = os.path.abspath(a.work)
        self.artifacts = os.path.join(self.work, "artifacts")
        self.t0 = time.monotonic()
        self.b = None
        self.dev = None
        self.idp = None
        self.tls = None
        self.admin_pw = None
        self.admin = None          # the harness's own API session (diagnostics, setup)
        self.sp_entity_id = None
        self.acs_url = None
        self.step_times = []
        self.notes = []

    # ---- setup -------------------------------------------------------------------------
    def start(self):
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.artifacts)
        self.idp = I.Idp(os.path.join(self.work, "idp")).setup()
        self.ca = I.TestCA(os.path.join(self.work, "tls")).create()
        self.idp.start()
        self.tls = I.MetadataServer(self.idp, self.ca).start()
        if self.board == "host":
            self.dev = D.HostDevice(self.a.fw, os.path.join(self.work, "device"),
                                    scheme=self.a.scheme)
        else:
            self.dev = D.QemuDevice(self.a.fw, os.path.join(self.work, "device"), self.a.qemu,
                                    scheme=self.a.scheme)
        self.dev.start()
        self.dev.wait_up()
        extra = []
        if self.a.scheme == "https":
            # The admin UI over the device's own TLS: its self-signed certificate (made at
            # first boot) is accepted by its key only, as an admin accepts it once.
            self.dev.wait_https()
            D.Api.pinned_cert = self.dev.device_cert_pem()
            extra.append(B.spki_pin_arg(D.Api.pinned_cert))
        self.b = B.Browser(self.artifacts, extra_args=extra)
        self.admin_pw = self.dev.first_boot_password()
        self.base = self.dev.base_url
        print("e2e: %s board at %s, IdP %s (%s), metadata %s; Chromium up in %.1f s"
              % (self.board, self.base, self.idp.base_url, self.idp.entity_id,
                 self.tls.url(), self.b.start_s), flush=True)

    def stop(self):
        for f in (lambda: self.b and self.b.quit(), lambda: self.dev and self.dev.stop(),
                  lambda: self.tls and self.tls.stop(), lambda: self.idp and self.idp.stop()):
            try:
                f()
            except Exception as e:  # keep tearing down
                print("e2e: teardown: %s" % e)

    # ---- step bookkeeping -----------------------------------------------------------------
    @contextlib.contextmanager
    def step(self, num, title):
        self.cur = (num, title)
        print("[%s/%s] step %s: %s" % (self.board, self.scenario, num, title), flush=True)
        t = time.monotonic()
        try:
            yield
        except Exception as e:
            raise StepFailed(num, title, e, traceback.format_exc())
        dt = time.monotonic() - t
        self.step_times.append((num, title, dt))
        print("    ok (%.1f s)" % dt, flush=True)

    def doc(self, name, css=None):
        """With --docs DIR: a screenshot for the README (an element, or the viewport)."""
        if not self.a.docs:
            return
        os.makedirs(self.a.docs, exist_ok=True)
        path = os.path.join(self.a.docs, name + ".png")
        self.b.d.execute_script("document.querySelectorAll('details[open]')"
                                ".forEach(function (d) { d.open = false; })")
        if css:
            e = self.b.el(css)
            # The sticky top bar would cover the element's top edge.
            self.b.d.execute_script("var t = document.querySelector('.topbar');"
                                    "if (t) { t.style.position = 'static'; }"
                                    "arguments[0].scrollIntoView({block: 'start'})", e)
            e.screenshot(path)
            self.b.d.execute_script("var t = document.querySelector('.topbar');"
                                    "if (t) { t.style.position = ''; }")
        else:
            self.b.d.execute_script("window.scrollTo(0, 0)")
            self.b.d.save_screenshot(path)
        print("    docs %s" % path)

    def shot(self, name):
        p = self.b.shot(name)
        print("    screenshot %s" % os.path.relpath(p, self.work), flush=True)
        return p

    # ---- device helpers ---------------------------------------------------------------------
    def url(self, path):
        return self.base + path

    def lbrowser(self):
        """A browserless client for the device (pinned to its certificate on HTTPS)."""
        if self.a.scheme == "https":
            return L.Browser(context=D.pinned_context(D.Api.pinned_cert))
        return L.Browser()

    def api_as_admin(self):
        """The harness's own password session (the break-glass and setup paths)."""
        api = D.Api(self.base)
        st, obj = api.login("admin", self.admin_pw)
        check(st == 200, "password login over the API: HTTP %d %s" % (st, obj))
        self.admin = api
        return api

    def admin_api(self):
        """The harness's API session, opened once (each login is an audit event)."""
        if self.admin is not None and self.admin.adopt_session() is not None:
            return self.admin
        return self.api_as_admin()

    def audit(self):
        """The device's audit log, through the API, with whatever session works."""
        tries = []
        if self.b is not None:
            tries.append(D.Api(self.base, D.jar_from_selenium(self.b.d, self.base)))
        if self.admin is not None:
            tries.append(self.admin)
        for api in tries:
            try:
                st, obj = api.call("GET", "/api/v1/audit", timeout=10)
            except Exception as e:
                st, obj = 0, str(e)
            if st == 200 and obj:
                return obj.get("entries", obj)
        try:
            api = self.api_as_admin()
            st, obj = api.call("GET", "/api/v1/audit", timeout=10)
            if st == 200:
                return obj.get("entries", obj)
        except Exception:
            pass
        return None

    def console_audit(self):
        """The audit log from the console (when no API session can be had: after the grace
        period, or with the network down)."""
        try:
            at = self.dev.mark()
            self.dev.send("audit 20")
            time.sleep(1.0)
            with self.dev.lock:
                return self.dev.out[at:]
        except Exception as e:
            return "(console audit failed: %s)" % e

    def last_audit(self, pred, what, timeout=10):
        """The newest audit entry matching @pred (the API session of the browser or ours)."""
        deadline = time.monotonic() + timeout
        while True:
            entries = self.audit() or []
            hits = [e for e in entries if pred(e)]
            if hits:
                return max(hits, key=lambda e: e.get("seq", 0))
            if time.monotonic() > deadline:
                raise AssertionError("no audit entry %s; newest entries: %s"
                                     % (what, json.dumps(entries[-6:])))
            time.sleep(0.3)

    def fresh_browser_identity(self):
        """Forget every cookie of 127.0.0.1 (the device's session and the IdP's session
        share the host), as a new browser profile would."""
        self.b.get(self.url("/login"))
        self.b.d.delete_all_cookies()

    # ---- UI flows ---------------------------------------------------------------------------
    def ui_password_login(self, user, password):
        self.b.get(self.url("/login"))
        self.b.wait_ready()
        self.b.visible("#login-form")
        self.b.fill("#username", user)
        self.b.fill("#password", password)
        self.b.click("#login-submit")

    def ui_wait_dashboard(self, user, role_text):
        self.b.wait_path(r"^/$")
        self.b.wait_ready()
        self.b.wait_text("#d-user", re.escape(user))
        self.b.wait_text("#d-role", re.escape(role_text))
        self.b.wait_text("#top-user", re.escape(user))

    def ui_sign_out(self):
        self.b.click("#signout")
        self.b.wait_path(r"^/login")
        self.b.wait_ready()

    def idp_login_form(self, user, password, shot=None):
        """On the IdP's login page: fill and submit (the IdP's post.js then auto-POSTs the
        response to the device's ACS)."""
        self.b.wait_path(r"/module\.php/core/loginuserpass")
        self.b.visible("#username")
        if shot:
            self.shot(shot)
        self.b.fill("#username", user)
        self.b.fill("#password", password)
        self.b.click("#submit_button")

    def ui_sso_login(self, user, password, shot=None):
        self.b.get(self.url("/login"))
        self.b.wait_ready()
        self.b.wait_text("#sso-button", "Sign in with %s" % PROVIDER)
        self.b.click("#sso-button")
        self.idp_login_form(user, password, shot)

    def note(self, text):
        print("    NOTE: " + text, flush=True)
        self.notes.append(text)

    def wait_import_result(self, timeout=90, allow_unsupported=False):
        """The import's message on the SSO page: success, or fail now with its text. With
        @allow_unsupported, a build without an HTTPS client (the device says it cannot
        fetch over HTTPS) returns None instead."""
        e = self.b.wait(lambda d: (lambda m: m if m.is_displayed() and re.search(
            r"msg-(ok|err)", m.get_attribute("class")) else False)(
                d.find_element("css selector", "#import-msg")),
            "the import to finish", timeout)
        text = e.text
        if allow_unsupported and "cannot fetch over HTTPS" in text:
            return None
        check("msg-ok" in e.get_attribute("class") and text.startswith("Imported"),
              "the import failed, the page says: %s" % text)
        return text

    def wait_sso_failure_page(self):
        """The device's honest failure page (403 from the ACS)."""
        self.b.wait(lambda d: re.search(r"^/sso/%s/acs" % SHORT, self.b.path()) is not None
                    and self.b.page_text() != "", "the device's ACS page")
        return self.b.page_text()

    # ---- configuration through the API (the scenarios other than the journey) ------------
    def configure_via_api(self, enable=True):
        self.api_as_admin()
        cfg = configure_sso(self.admin, self.idp, self.tls, self.ca, self.base, enable,
                            register=False, via=self.a.metadata_via, note=self.note)
        self.sp_entity_id, self.acs_url = cfg["sp_entity_id"], cfg["acs_url"]
        return cfg

    # ==== scenario: the journey ============================================================
    def journey(self):
        b = self.b
        with self.step(1, "sign in with the first-boot password"):
            b.get(self.url("/"))
            b.wait_path(r"^/login")          # no session: the dashboard sends us to sign in
            b.wait_ready()
            self.shot("login-page")
            self.ui_password_login("admin", self.admin_pw)
            self.ui_wait_dashboard("admin", "Administrator")
            b.wait_text("#d-method", "Password")
            b.wait_text("#d-sso-state", "Disabled")
            c = b.d.get_cookie("lk_session")
            check(c and c.get("httpOnly") and c.get("sameSite") == "Lax" and
                  bool(c.get("secure")) == (self.a.scheme == "https"),
                  "session cookie HttpOnly, SameSite=Lax, Secure on HTTPS: %s"
                  % {k: c.get(k) for k in ("httpOnly", "sameSite", "secure")} if c else None)
            self.shot("dashboard-password")

        with self.step(2, "open Single Sign-On; provider name Okta, short name okta"):
            b.click('a[data-nav="/ui/sso"]')
            b.wait_path(r"^/ui/sso$")
            b.wait_ready()
            check(b.el("#sso-state").text == "Disabled", "SSO shown as disabled at first")
            b.fill("#provider_name", PROVIDER)
            b.fill("#short_name", SHORT)
            b.fill("#base_url", self.base)
            self.shot("sso-names")

        with self.step(3, "trust the test CA, paste the metadata URL, Import IdP Settings & Save"):
            # The metadata server's certificate comes from a private CA: the admin adds it
            # through the same UI path a user with an internal CA would use.
            b.click("#alt-trust summary")
            b.fill("#trust_pem", "")
            b.el("#trust_pem").send_keys(self.ca.ca_pem())
            b.click("#add-trust")
            b.wait_text("#trust-msg", "CA added")
            b.wait_text("#trust-list", "Latchkey Test CA")
            b.fill("#idp_metadata_url", self.tls.url())
            pasted = self.a.metadata_via == "paste"
            if not pasted:
                b.click("#import")
                text = self.wait_import_result(allow_unsupported=self.a.metadata_via == "auto")
                pasted = text is None
            if pasted:
                # The air-gapped path: the same document, saved from the metadata URL and
                # pasted. Only when asked for, or (auto) when this build has no HTTPS client.
                self.note("metadata pasted as XML, not fetched from its URL by the device")
                b.click("#alt-xml summary")
                b.d.execute_script("arguments[0].value = arguments[1]",
                                   b.el("#metadata_xml"), self.tls.fetch().decode())
                b.click("#import-xml")
                self.wait_import_result()
            b.wait_text("#v-idp-entity-id", "^%s$" % re.escape(self.idp.entity_id))
            b.wait_text("#v-idp-sso-url", "^%s$" % re.escape(self.idp.sso_url))
            fp = I.cert_sha256(self.idp.cert_pem())
            b.wait_text("#v-idp-certs", re.escape(fp))
            check(any(p == self.tls.path for p, s in self.tls.requests if s == 200),
                  "the device fetched the metadata from the TLS server: %s" % self.tls.requests)
            self.shot("sso-imported")
            self.doc("ui-sso-import", 'section[aria-labelledby="h-provider"]')

        with self.step(4, "read the generated ACS URL and SP Entity ID; register them at the IdP"):
            self.acs_url = b.wait_value("#acs_url", r"^http").get_attribute("value")
            self.sp_entity_id = b.wait_value("#sp_entity_id", r"^http").get_attribute("value")
            check(self.acs_url == self.base + "/sso/%s/acs" % SHORT, "ACS URL %s" % self.acs_url)
            check(self.sp_entity_id.startswith(self.base + "/sso/%s/" % SHORT),
                  "SP Entity ID %s" % self.sp_entity_id)
            b.click('button.copy[data-copy="acs_url"]')
            b.wait_text('button.copy[data-copy="acs_url"]', "Copied")
            # Exactly what the page shows goes into the IdP's app settings.
            self.idp.add_sp(self.sp_entity_id, self.acs_url)
            self.shot("sso-generated-values")
            self.doc("ui-sso-generated", 'section[aria-labelledby="h-sp"]')

        with self.step(5, "Default Relay State, role mapping, Enable Single Sign-On"):
            b.fill("#default_relay_state", RELAY)
            b.fill("#role_attribute", "groups")
            b.fill("#admin_groups", I.ADMIN_GROUP)
            b.fill("#readonly_groups", I.READONLY_GROUP)
            check(b.el("#username_nameid").is_selected(), "username from the NameID by default")
            check(b.el("#allow_idp_initiated").is_selected(), "IdP-initiated allowed by default")
            if not b.el("#enabled").is_selected():
                b.click("#enabled")
            b.click("#save")
            b.wait_text("#save-msg", "Single sign-on enabled")
            b.wait_text("#sso-state", "^Enabled$")
            b.wait_text("#enable-info", "Password sign-in remains available until")
            self.shot("sso-enabled")
            e = self.last_audit(lambda e: re.search(r"enable", e.get("event", "")), "for enabling")
            print("    audit: %s" % json.dumps(e))

        with self.step(6, "sign out; Sign in with Okta: IdP login, back to the dashboard"):
            self.ui_sign_out()
            b.wait_text("#sso-button", "Sign in with Okta")
            b.wait_text("#sso-grace", "Password sign-in remains available until")
            self.shot("login-with-sso-button")
            self.doc("ui-login")
            self.ui_sso_login("alice@example.com", "alice-pass", shot="idp-login-page")
            self.ui_wait_dashboard("alice@example.com", "Administrator")
            b.wait_text("#d-method", "Single sign-on")
            b.wait_text("#d-sso-state", "Enabled")
            self.shot("dashboard-sso-admin")
            self.doc("ui-dashboard")
            self.last_audit(lambda e: e.get("user") == "alice@example.com" and
                            not e.get("code") and "fail" not in e.get("event", ""),
                            "for alice's SSO login")

        with self.step(7, "IdP-initiated login (the Okta tile) lands at the Default Relay State"):
            self.ui_sign_out()
            # The IdP still has alice's session, as Okta's dashboard would.
            b.get(self.idp.idp_initiated_url(self.sp_entity_id))
            b.wait_path("^%s$" % re.escape(RELAY))
            b.wait_ready()
            b.wait_text("#top-user", "alice@example.com")
            b.wait_text("#sessions-rows", "alice@example.com")
            self.shot("idp-initiated-relay-state")

        with self.step(8, "a read-only user sees the settings but cannot change them"):
            self.fresh_browser_identity()
            self.ui_sso_login("bob@example.com", "bob-pass")
            self.ui_wait_dashboard("bob@example.com", "Read-only")
            b.click('a[data-nav="/ui/sso"]')
            b.wait_path(r"^/ui/sso$")
            b.wait_ready()
            b.visible("#readonly-note")
            check(b.el("#provider_name").get_attribute("value") == PROVIDER,
                  "the settings are visible")
            for css in ("#provider_name", "#idp_metadata_url", "#import", "#save", "#enabled",
                        "#admin_groups", "#default_relay_state", "#add-trust"):
                check(not b.el(css).is_enabled(), "%s is disabled for a read-only user" % css)
            check(b.el('button.copy[data-copy="acs_url"]').is_enabled(),
                  "copying stays possible")
            # And the device itself refuses, not only the page: a PUT with the session's
            # own CSRF token, from the page's own script context.
            res = b.d.execute_async_script("""
                var done = arguments[arguments.length - 1];
                fetch('/api/v1/status', {credentials: 'same-origin'}).then(r => r.json()).then(s =>
                  fetch('/api/v1/sso', {method: 'PUT', credentials: 'same-origin',
                    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.session.csrf_token},
                    body: JSON.stringify({provider_name: 'Hijacked'})}))
                .then(r => r.text().then(t => done([r.status, t])), e => done([0, String(e)]));""")
            check(res[0] == 403 and "forbidden" in res[1],
                  "PUT /api/v1/sso as read-only: %s" % res)
            self.shot("sso-read-only")

        with self.step(9, "a user with no mapped group gets a clear no-access page"):
            self.fresh_browser_identity()
            self.ui_sso_login("carol@example.com", "carol-pass")
            text = self.wait_sso_failure_page()
            check(re.search(r"(?i)no access|not allowed|no role|not permitted", text),
                  "no-access page says so: %s" % text[:300])
            check(self.b.cookie("lk_session") is None, "no session cookie for carol")
            self.shot("no-access")
            e = self.last_audit(lambda e: e.get("user") == "carol@example.com",
                                "for carol's refused login")
            check(re.search(r"no_access|no_role", json.dumps(e)), "audit names it: %s" % e)
            print("    audit: %s" % json.dumps(e))

        with self.step(10, "72 hours later password sign-in is refused with the SSO explanation"):
            self.fresh_browser_identity()
            st, cfg = self.admin_api().call("GET", "/api/v1/sso")
            until = cfg["password_login_until"]
            st, status = self.admin.call("GET", "/api/v1/status")
            offset = until - status["utc"] + 120     # two minutes past the grace period
            check(GRACE_S - 600 < offset < GRACE_S + 600, "grace period ~72 h: %d s" % offset)
            self.dev.command("clock-offset %d" % offset, r"clock-offset: %d s" % offset)
            b.get(self.url("/login"))
            b.wait_ready()
            b.wait_text("#sso-required", "Single sign-on is required")
            check(not b.el("#login-form").is_displayed(), "the password form is gone")
            b.wait_text("#sso-button", "Sign in with Okta")
            st, obj = D.Api(self.base).login("admin", self.admin_pw)
            check(st == 403 and obj.get("error") == "sso_required",
                  "password login over the API after the grace period: %d %s" % (st, obj))
            self.shot("sso-required")
            self.doc("ui-sso-required")

        with self.step(11, "break-glass on the console restores password sign-in"):
            m = self.dev.command("recovery-login",
                                 r'recovery-login: user "recovery", one-time password (\S+)')
            otp = m.group(1)
            b.get(self.url("/login"))
            b.wait_ready()
            b.click("#recovery-show")
            b.visible("#login-form")
            check(b.el("#username").get_attribute("value") == "recovery", "user 'recovery'")
            b.fill("#password", otp)
            self.shot("recovery-login")
            b.click("#login-submit")
            self.ui_wait_dashboard("recovery", "Administrator")
            self.shot("dashboard-recovery-login")
            self.ui_sign_out()
            st, obj = D.Api(self.base).login("recovery", otp)
            check(st in (401, 403), "the one-time password works once: %d %s" % (st, obj))
            self.dev.command("sso disable", r"sso: DISABLED from the console")
            b.get(self.url("/login"))
            b.wait_ready()
            check(not b.el("#sso-required").is_displayed(), "no SSO requirement any more")
            self.ui_password_login("admin", self.admin_pw)
            self.ui_wait_dashboard("admin", "Administrator")
            b.wait_text("#d-sso-state", "Disabled")
            self.shot("dashboard-after-break-glass")
            b.get(self.url("/ui/audit"))
            b.wait_ready()
            self.shot("audit-log")
            self.doc("ui-audit")

    # ==== scenario: the settings page's other paths ===========================================
    def ui_import_url(self, url, expect_ok):
        b = self.b
        b.fill("#idp_metadata_url", url)
        b.click("#import")
        e = b.wait(lambda d: (lambda m: m if m.is_displayed() and re.search(
            r"msg-(ok|err)", m.get_attribute("class")) else False)(
                d.find_element("css selector", "#import-msg")), "the import to finish", 90)
        ok = "msg-ok" in e.get_attribute("class")
        check(ok == expect_ok, "import of %s: %s" % (url, e.text))
        return e.text

    def check_ui_files(self):
        """Every page and the files it loads, over the wire: gzip, a CSP without
        'unsafe-inline', no framing, no sniffing, no referrer."""
        lb = self.lbrowser()
        seen = []
        for page in ("/", "/login", "/ui/sso", "/ui/audit", "/ui/sessions"):
            st, h, body, _ = lb.get(self.url(page))
            check(st == 200, "%s: HTTP %d" % (page, st))
            refs = re.findall(r'(?:src|href)="(/ui/static/[^"]+)"', body.decode())
            check(refs, "%s loads the shared files" % page)
            check(b'<meta name="referrer" content="no-referrer">' in body or
                  h.get("Referrer-Policy") == "no-referrer", "%s: no referrer" % page)
            for path in [page] + refs:
                if path in seen:
                    continue
                seen.append(path)
                st, h, body, _ = lb.get(self.url(path))
                csp = h.get("Content-Security-Policy", "")
                check(st == 200 and h.get("Content-Encoding") == "gzip",
                      "%s: HTTP %d, %s" % (path, st, h.get("Content-Encoding")))
                check("default-src 'self'" in csp and "unsafe-inline" not in csp and
                      "frame-ancestors 'none'" in csp, "%s: CSP %r" % (path, csp))
                check(h.get("X-Frame-Options") == "DENY" and
                      h.get("X-Content-Type-Options") == "nosniff", "%s: %s" % (path, h))
        print("    %d files: gzip, CSP without unsafe-inline, DENY framing, nosniff" % len(seen))

    def settings(self):
        b = self.b
        with self.step(1, "sign in; Single Sign-On with names and base URL"):
            self.check_ui_files()
            self.ui_password_login("admin", self.admin_pw)
            self.ui_wait_dashboard("admin", "Administrator")
            b.get(self.url("/ui/sso"))
            b.wait_ready()
            b.fill("#provider_name", PROVIDER)
            b.fill("#short_name", SHORT)
            b.fill("#base_url", self.base)

        with self.step(2, "a short name outside [a-z0-9-] is refused before anything is sent"):
            b.fill("#short_name", "Okta Prod")
            b.click("#save")
            b.wait_text("#page-msg", "Short Name: 1 to 32")
            check(b.d.execute_script("return document.activeElement.id") == "short_name",
                  "the focus is on the field")
            b.fill("#short_name", SHORT)

        with self.step(3, "metadata URL before the CA is trusted: the TLS error, verbatim"):
            text = self.ui_import_url(self.tls.url(), False)
            check(re.search(r"(?i)not trusted", text) and "10.0.2.2" in text,
                  "names the untrusted certificate: %s" % text)
            self.shot("import-untrusted")
            print("    page: %s" % text)

        with self.step(4, "trust the CA; a URL that answers 404"):
            b.click("#alt-trust summary")
            b.el("#trust_pem").send_keys(self.ca.ca_pem())
            b.click("#add-trust")
            b.wait_text("#trust-list", "Latchkey Test CA")
            text = self.ui_import_url(self.tls.url(path="/app/%s/sso/saml/nope"
                                                   % self.idp.app_id), False)
            check("The metadata URL returned HTTP 404." in text, "404: %s" % text)
            self.shot("import-404")
            print("    page: %s" % text)

        with self.step(5, "metadata without an entity ID: 'not found', then the ID from the URL"):
            self.ui_import_url(self.tls.url(path=self.tls.path + "-noentity"), True)
            b.wait_text("#v-idp-entity-id", "^not found$")
            b.visible("#entity-missing")
            # 10.0.2.2 is not Okta: the device offers no ID from this URL.
            check(not b.el("#use-url-id").is_displayed(), "no suggestion for a non-Okta URL")
            self.shot("entity-id-not-found")
            # The admin has Okta's metadata URL for the app (the device cannot reach okta.com
            # here; the document came from the same app), and saves it.
            okta_url = "https://dev-123456.okta.com/app/%s/sso/saml/metadata" % self.idp.app_id
            b.fill("#idp_metadata_url", okta_url)
            b.click("#save")
            b.wait_text("#save-msg", "Changes saved")
            b.wait_text("#url-id-preview", re.escape(self.idp.entity_id))
            self.shot("entity-id-suggested")
            b.click("#use-url-id")
            b.wait_text("#v-idp-entity-id", "^%s$" % re.escape(self.idp.entity_id))
            b.wait_text("#import-msg", "IdP Entity ID set to")
            self.shot("entity-id-from-url")

        with self.step(6, "paste metadata XML: garbage is refused, the real document imports"):
            b.click("#alt-xml summary")
            b.d.execute_script("arguments[0].value = arguments[1]", b.el("#metadata_xml"),
                               "<md:EntityDescriptor xmlns:md='urn:oasis:names:tc:SAML:2.0:"
                               "metadata' entityID='x'/>")
            b.click("#import-xml")
            e = b.wait(lambda d: (lambda m: m if m.is_displayed() and "msg-err" in
                                  m.get_attribute("class") else False)(
                d.find_element("css selector", "#import-msg")), "the refusal")
            check(re.search(r"(?i)IDPSSODescriptor|metadata", e.text), "reason: %s" % e.text)
            print("    page: %s" % e.text)
            self.shot("paste-refused")
            b.d.execute_script("arguments[0].value = arguments[1]", b.el("#metadata_xml"),
                               self.tls.fetch().decode())
            b.click("#import-xml")
            b.wait_text("#import-msg", "^Imported")
            b.wait_text("#v-last-import", "from pasted metadata XML")

        with self.step(7, "manual entry: entity ID, SSO URL and a certificate near its expiry"):
            key, crt = os.path.join(self.work, "soon.key"), os.path.join(self.work, "soon.crt")
            I.make_self_signed(key, crt, "idp-cert-expiring-soon", days=10)
            b.click("#alt-manual summary")
            b.fill("#idp_entity_id", "http://www.okta.com/exkMANUAL")
            b.fill("#idp_sso_url", "https://idp.example.com/app/x/exkMANUAL/sso/saml")
            b.fill("#idp_cert_pem", "")
            b.el("#idp_cert_pem").send_keys(open(crt).read())
            b.click("#save-manual")
            b.wait_text("#import-msg", "IdP settings saved")
            b.wait_text("#v-idp-entity-id", "^http://www.okta.com/exkMANUAL$")
            b.wait_text("#v-last-import", "entered manually")
            b.wait_text("#v-idp-certs", re.escape(I.cert_sha256(open(crt).read())))
            b.wait_text("#v-idp-certs .badge-warn", r"expires in (9|10) days")
            self.shot("manual-expiring-cert")

    # ==== scenario: encrypted assertions =====================================================
    def encrypted(self):
        with self.step(1, "configure SSO through the API"):
            self.configure_via_api()
        with self.step(2, "the IdP encrypts to the SP certificate from /sso/okta/metadata"):
            st, hdrs, md = D.Api(self.base).call("GET", "/sso/%s/metadata" % SHORT, raw=True)
            check(st == 200, "SP metadata: HTTP %d" % st)
            pem = I.sp_encryption_cert(md)
            check(pem is not None, "SP metadata has an encryption certificate")
            self.idp.add_sp(self.sp_entity_id, self.acs_url, encrypt_cert_pem=pem)
            # Browserless, through the device's own AuthnRequest: is it really encrypted?
            lb = self.lbrowser()
            post = L.follow(lb, self.url("/sso/%s/login" % SHORT), "alice@example.com",
                            "alice-pass")
            x = post.xml.decode()
            check("EncryptedAssertion" in x and "<saml:Assertion" not in x,
                  "the response carries only an EncryptedAssertion")
            with open(os.path.join(self.artifacts, "encrypted-response.xml"), "w") as f:
                f.write(x)
            st, hdrs, body, where = lb.post(post.action, post.fields())
            check(st == 200 and not where.startswith(self.url("/sso/")),
                  "ACS with the encrypted response: HTTP %d at %s" % (st, where))
            api = D.Api(self.base, lb.jar)
            sess = api.adopt_session()
            check(sess and sess["user"] == "alice@example.com" and sess["role"] == "admin",
                  "session from an encrypted assertion: %s" % sess)
        with self.step(3, "in the browser: Sign in with Okta, encrypted assertion, dashboard"):
            self.fresh_browser_identity()
            self.ui_sso_login("bob@example.com", "bob-pass", shot="idp-login-encrypted")
            self.ui_wait_dashboard("bob@example.com", "Read-only")
            self.shot("dashboard-encrypted-assertion")

    # ==== scenario: three bad ACS round trips ===============================================
    def bad_acs(self):
        b = self.b
        with self.step(1, "configure SSO through the API; one good login as a control"):
            cfg = self.configure_via_api()
            fp = ":".join(cfg["idp_certs"][0]["sha256"].upper()[i:i + 2] for i in range(0, 64, 2))
            self.idp.add_sp(self.sp_entity_id, self.acs_url)
            self.fresh_browser_identity()
            self.ui_sso_login("alice@example.com", "alice-pass")
            self.ui_wait_dashboard("alice@example.com", "Administrator")
            self.seq_mark = max(e.get("seq", 0) for e in self.audit() or [{}])

        def failure(code, name, sentences=(), audit=()):
            """The ACS refused: an honest page naming the reason in a sentence with the
            values that matter, no session, and the same reason code in the audit log with
            its precise detail."""
            text = self.wait_sso_failure_page()
            check(self.b.cookie("lk_session") is None, "no session after a refused response")
            e = self.last_audit(lambda e: e.get("code") == code and
                                e.get("seq", 0) > self.seq_mark, "with code %s" % code)
            check(re.search(r"\b%s\b" % re.escape(code), text),
                  "the page gives the reason %s: %s" % (code, text[:400]))
            for s in sentences:
                check(s in text, "the page says %r: %s" % (s, text[:900]))
            for s in audit:
                check(s in e.get("detail", ""), "the audit detail has %r: %s" % (s, e))
            self.shot(name)
            self.seq_mark = e.get("seq", 0)
            print("    page: %s" % text[:300])
            print("    audit: %s" % json.dumps(e))

        with self.step(2, "wrong SP entity ID at the IdP (the ACS URL pasted as Audience URI)"):
            # A classic Okta mistake: the Audience URI (SP Entity ID) field holds the ACS
            # URL. The app tile (IdP-initiated) then sends an assertion for that audience.
            self.idp.add_sp(self.acs_url, self.acs_url)
            self.fresh_browser_identity()
            b.get(self.idp.idp_initiated_url(self.acs_url))
            self.idp_login_form("alice@example.com", "alice-pass")
            failure("audience_mismatch", "bad-audience",
                    ["The IdP sent this login for another application (Audience %s). Check "
                     "the SP Entity ID configured at the IdP: it must be %s."
                     % (self.acs_url, self.sp_entity_id)],
                    ["Audience '%s'" % self.acs_url])
            self.idp.remove_sp(self.acs_url)

        with self.step(3, "wrong IdP certificate (the IdP signs with a key never imported)"):
            self.idp.set_signing_key("rotated")
            self.fresh_browser_identity()
            self.ui_sso_login("alice@example.com", "alice-pass")
            failure("signature_invalid", "bad-signature",
                    ["Signature did not verify against the configured IdP certificate "
                     "(SHA-256 fingerprint %s)." % fp], [fp[:23]])
            self.idp.set_signing_key("idp")

        with self.step(4, "device clock 1 hour ahead: the assertion has expired"):
            self.dev.command("clock-offset 3600", r"clock-offset: 3600 s")
            self.fresh_browser_identity()
            self.ui_sso_login("alice@example.com", "alice-pass")
            failure("expired", "bad-clock-ahead",
                    ["The login answer has expired: it was valid until",
                     "(allowed clock skew: 180 s)", "the device clock is probably ahead"],
                    ["NotOnOrAfter", "skew 180 s"])

        with self.step(5, "device clock 1 hour behind: the assertion is not yet valid"):
            self.dev.command("clock-offset -3600", r"clock-offset: -3600 s")
            self.fresh_browser_identity()
            self.ui_sso_login("alice@example.com", "alice-pass")
            failure("not_yet_valid", "bad-clock-behind",
                    ["The login answer is not valid yet: it starts at",
                     "The device clock is probably behind"], ["NotBefore", "skew 180 s"])

        with self.step(6, "clock right again: the same login works"):
            self.dev.command("clock-offset 0", r"clock-offset: 0 s")
            self.fresh_browser_identity()
            self.ui_sso_login("alice@example.com", "alice-pass")
            self.ui_wait_dashboard("alice@example.com", "Administrator")
            b.get(self.url("/ui/audit"))
            b.wait_ready()
            self.shot("audit-log-bad-acs")

    # ---- failure report ------------------------------------------------------------------------
    def report_failure(self, e):
        print("\n" + "=" * 78)
        print("E2E FAILED: board %s, scenario %s, %s" % (self.board, self.scenario, e))
        print("=" * 78)
        if isinstance(e, StepFailed):
            print(e.tb)
        if self.b is not None:
            try:
                p = self.b.shot("FAILED-step-%s" % (e.num if isinstance(e, StepFailed) else "x"))
                print("screenshot at the failure: %s" % p)
                print("page URL: %s" % self.b.url)
                print("page text: %s" % self.b.page_text()[:800])
                logs = self.b.logs()
                if logs:
                    print("browser console:\n  " + "\n  ".join(str(x) for x in logs[-10:]))
            except Exception as x:
                print("(no screenshot: %s)" % x)
        last = [s for s in (self.b.shots if self.b else []) if "FAILED" not in s]
        print("last step screenshot: %s" % (last[-1] if last else "none"))
        if self.dev is not None:
            try:
                entries = self.audit()
                print("device audit log (via /api/v1/audit):")
                for x in (entries or [])[-20:]:
                    print("  " + json.dumps(x))
                if entries is None:
                    print("  (no API session could read it; from the console:)")
                    print(self.console_audit())
            except Exception as x:
                print("device audit log unavailable: %s" % x)
            print("device console (last lines):\n" + self.dev.tail(30))
        if self.idp is not None:
            print("IdP log (last lines):\n" + self.idp.log_tail(15))

    def run(self):
        try:
            self.start()
            {"journey": self.journey, "encrypted": self.encrypted,
             "bad-acs": self.bad_acs, "settings": self.settings}[self.scenario]()
            bad_console = [x for x in self.b.logs() if x.get("level") == "SEVERE"
                           and "favicon" not in x.get("message", "")]
            check(not [x for x in self.b.console if "Content Security Policy" in
                       x.get("message", "")],
                  "no Content-Security-Policy violation in the browser console: %s"
                  % self.b.console)
            if bad_console:
                print("browser console errors (not failing): %s" % bad_console)
            total = time.monotonic() - self.t0
            print("E2E PASSED: board %s, scenario %s, %d steps, %.1f s; screenshots in %s%s"
                  % (self.board, self.scenario, len(self.step_times), total, self.artifacts,
                     "".join("\n  NOTE: " + n for n in self.notes)))
            return 0
        except (StepFailed, AssertionError, D.DeviceError, B.BrowserError, I.HarnessError,
                L.LoginError) as e:
            self.report_failure(e)
            return 1
        finally:
            self.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--board", choices=("host", "qemu"), required=True)
    ap.add_argument("--fw", required=True, help="latchkey-host or latchkey-qemu.elf")
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--work", required=True)
    ap.add_argument("--scenario", choices=("journey", "encrypted", "bad-acs", "settings"),
                    default="journey")
    ap.add_argument("--scheme", choices=("http", "https"), default="http",
                    help="reach the admin UI over plain HTTP or the device's HTTPS")
    ap.add_argument("--docs", help="also save the README's screenshots into this folder")
    ap.add_argument("--metadata-via", choices=("url", "paste", "auto"), default="url",
                    help="how the device gets the IdP metadata: it fetches the URL (default), "
                         "the XML is pasted, or auto: the URL, else (a build without an HTTPS "
                         "client) pasted, with a NOTE in the output")
    return E2E(ap.parse_args()).run()


if __name__ == "__main__":
    sys.exit(main())
