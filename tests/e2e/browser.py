"""Headless Chromium through Selenium (Debian's chromium, chromium-driver and
python3-selenium; run with /usr/bin/python3), with the helpers the journey needs:
numbered screenshots, waits that fail with a readable message, and the browser console
(a Content-Security-Policy violation shows up there).
"""
import os
import re
import shutil
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/lib/chromium/chromium"


def spki_pin_arg(cert_pem):
    """Chromium's flag that accepts exactly this certificate's key (the device's
    self-signed HTTPS certificate, as an admin accepts it once), and no other bad cert."""
    import base64
    import hashlib
    import subprocess
    pub = subprocess.run(["openssl", "x509", "-pubkey", "-noout"], input=cert_pem.encode(),
                         stdout=subprocess.PIPE, check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pub,
                         stdout=subprocess.PIPE, check=True).stdout
    return "--ignore-certificate-errors-spki-list=" + base64.b64encode(
        hashlib.sha256(der).digest()).decode()


class BrowserError(Exception):
    pass


class Browser:
    def __init__(self, artifacts, width=1280, height=900, timeout=20.0, extra_args=()):
        self.artifacts = artifacts
        os.makedirs(artifacts, exist_ok=True)
        self.timeout = timeout
        self.shots = []
        self.last_shot = None
        self.profile = tempfile.mkdtemp(prefix="lk-chromium-")
        opts = webdriver.ChromeOptions()
        if os.path.exists(CHROMIUM):
            opts.binary_location = CHROMIUM
        # --headless=new and --no-sandbox are both required here (idp-recipe.md); the rest
        # keeps Chromium from phoning home and makes runs repeatable.
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--no-default-browser-check",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage", "--disable-extensions",
                  "--password-store=basic", "--lang=en-US",
                  "--window-size=%d,%d" % (width, height),
                  "--user-data-dir=" + self.profile) + tuple(extra_args):
            opts.add_argument(a)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        t = time.monotonic()
        try:
            self.d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
        except WebDriverException as e:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise BrowserError("Chromium did not start: %s" % e.msg)
        self.d.set_page_load_timeout(60)
        self.start_s = time.monotonic() - t
        self.console = []

    def quit(self):
        try:
            self.d.quit()
        except Exception:
            pass
        shutil.rmtree(self.profile, ignore_errors=True)

    # ---- navigation and screenshots -----------------------------------------------------
    def get(self, url):
        self.d.get(url)

    def shot(self, name):
        """Save a screenshot as NN-name.png; returns its path."""
        path = os.path.join(self.artifacts, "%02d-%s.png" % (len(self.shots) + 1,
                                                             re.sub(r"[^a-z0-9-]+", "-",
                                                                    name.lower())))
        try:
            # The whole page from its top, not only the window: settings pages are long.
            y = self.d.execute_script("var y = window.scrollY; window.scrollTo(0, 0); return y")
            h = self.d.execute_script(
                "return Math.max(document.body ? document.body.scrollHeight : 0, "
                "document.documentElement.scrollHeight)")
            w = self.d.get_window_size()
            if h and h > w["height"]:
                self.d.set_window_size(w["width"], min(int(h) + 100, 4000))
                self.d.save_screenshot(path)
                self.d.set_window_size(w["width"], w["height"])
            else:
                self.d.save_screenshot(path)
            self.d.execute_script("window.scrollTo(0, arguments[0])", y or 0)
        except WebDriverException:
            self.d.save_screenshot(path)
        self.shots.append(path)
        self.last_shot = path
        return path

    @property
    def url(self):
        return self.d.current_url

    def path(self):
        return re.sub(r"^https?://[^/]+", "", self.d.current_url)

    # ---- finding things ---------------------------------------------------------------------
    def el(self, css):
        return self.d.find_element(By.CSS_SELECTOR, css)

    def els(self, css):
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def wait(self, cond, what, timeout=None):
        try:
            return WebDriverWait(self.d, timeout or self.timeout, poll_frequency=0.1).until(cond)
        except TimeoutException:
            raise BrowserError("timed out after %.0f s waiting for %s (at %s, page says: %s)"
                               % (timeout or self.timeout, what, self.d.current_url,
                                  self.page_text()[:400]))

    def visible(self, css, timeout=None):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)),
                         "%s to be visible" % css, timeout)

    def wait_text(self, css, pattern, timeout=None):
        rx = re.compile(pattern)

        def cond(d):
            try:
                e = d.find_element(By.CSS_SELECTOR, css)
                # Flex items count as blocks for WebDriver's text: collapse the newlines.
                return e if e.is_displayed() and rx.search(re.sub(r"\s+", " ", e.text)) \
                    else False
            except WebDriverException:
                return False
        return self.wait(cond, "%s to show /%s/" % (css, pattern), timeout)

    def wait_value(self, css, pattern, timeout=None):
        rx = re.compile(pattern)

        def cond(d):
            try:
                e = d.find_element(By.CSS_SELECTOR, css)
                return e if rx.search(e.get_attribute("value") or "") else False
            except WebDriverException:
                return False
        return self.wait(cond, "%s value to match /%s/" % (css, pattern), timeout)

    def wait_path(self, pattern, timeout=None):
        rx = re.compile(pattern)
        return self.wait(lambda d: rx.search(self.path()) is not None,
                         "the URL path to match /%s/" % pattern, timeout)

    def wait_ready(self, timeout=None):
        """The page's script has finished loading its data (<body class="ready">)."""
        return self.wait(lambda d: d.execute_script(
            "return document.readyState === 'complete' && document.body && "
            "document.body.classList.contains('ready')"), "the page to load its data", timeout)

    def fill(self, css, value):
        e = self.el(css)
        e.clear()
        if value:
            e.send_keys(value)
        return e

    def click(self, css):
        e = self.el(css)
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", e)
        e.click()
        return e

    def page_text(self):
        try:
            return re.sub(r"\s+", " ", self.d.find_element(By.TAG_NAME, "body").text)
        except WebDriverException:
            return ""

    def logs(self):
        """New browser console entries since the last call."""
        try:
            new = self.d.get_log("browser")
        except WebDriverException:
            new = []
        self.console.extend(new)
        return new

    def cookie(self, name):
        c = self.d.get_cookie(name)
        return c["value"] if c else None
