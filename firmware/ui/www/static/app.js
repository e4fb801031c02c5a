/*
 * Latchkey admin UI: every page talks to the device through the JSON API under /api/v1/
 * only (the same API fleets use). GET /api/v1/status is public; for a signed-in browser it
 * carries the session (user, role, CSRF token), whichever way the session was opened
 * (password or SSO redirect). Every mutating call sends X-CSRF-Token.
 *
 * No inline script or style anywhere (the Content-Security-Policy forbids both); handlers
 * are attached here. The page is chosen by <body data-page>.
 */
(function () {
  "use strict";

  var S = { status: null, session: null, csrf: null };

  // ---- small helpers ------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }
  function text(id, v) { var e = $(id); if (e) { e.textContent = v == null || v === "" ? "–" : String(v); } }
  function show(el, on) { if (typeof el === "string") { el = $(el); } if (el) { el.hidden = !on; } }
  function msg(id, kind, body) {
    var e = $(id);
    if (!e) { return; }
    e.className = "msg msg-" + kind;
    e.textContent = body;
    e.hidden = !body;
  }
  function clearMsg(id) { var e = $(id); if (e) { e.hidden = true; e.textContent = ""; } }
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function fmtTime(t) {
    if (t == null || t === "" || t === 0) { return "–"; }
    var d = typeof t === "number" ? new Date(t * 1000) : new Date(t);
    if (isNaN(d.getTime())) { return String(t); }
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds()) + " UTC";
  }
  // In tables whose header already says (UTC).
  function fmtCell(t) { return fmtTime(t).replace(/ UTC$/, ""); }
  function toUnix(t) {
    if (t == null || t === "") { return null; }
    if (typeof t === "number") { return t; }
    var ms = Date.parse(t);
    return isNaN(ms) ? null : Math.floor(ms / 1000);
  }
  function fmtDuration(s) {
    if (s == null) { return "–"; }
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    if (d) { return d + " d " + h + " h"; }
    if (h) { return h + " h " + m + " min"; }
    return m + " min " + (s % 60) + " s";
  }
  function fmtBytes(n) { return n == null ? "–" : n >= 10240 ? Math.round(n / 1024) + " KiB" : n + " bytes"; }
  function fingerprint(hex) {
    if (!hex) { return "–"; }
    hex = String(hex).replace(/[^0-9a-fA-F]/g, "").toUpperCase();
    return hex.replace(/(..)(?!$)/g, "$1:");
  }
  function roleName(r) {
    return r === "admin" ? "Administrator" : r === "readonly" || r === "read-only" ? "Read-only" : r || "–";
  }
  function methodName(m) { return m === "sso" ? "Single sign-on" : m === "password" ? "Password" : m === "recovery" ? "One-time recovery password" : m || "–"; }
  // A local path only ("/x", never "//host" or "https://..."): no open redirect here either.
  function safeNext(p) { return typeof p === "string" && /^\/(?!\/)[^\\]*$/.test(p) ? p : "/"; }
  function query(name) { return new URLSearchParams(location.search).get(name); }
  function errText(r, fallback) {
    var d = r && r.data;
    if (d && d.detail) { return d.detail; }
    if (d && d.error) { return d.error.replace(/_/g, " "); }
    if (r && r.status === 0) { return "The device did not answer. Check the connection."; }
    return fallback || ("Request failed (HTTP " + (r ? r.status : "?") + ").");
  }
  function nowUnix() { return S.status && typeof S.status.utc === "number" ? S.status.utc : Math.floor(Date.now() / 1000); }

  // ---- the JSON API ---------------------------------------------------------------------
  function api(method, path, body) {
    var h = { "Accept": "application/json" };
    var opt = { method: method, credentials: "same-origin", headers: h, cache: "no-store" };
    if (body !== undefined) { h["Content-Type"] = "application/json"; opt.body = JSON.stringify(body); }
    if (method !== "GET" && S.csrf) { h["X-CSRF-Token"] = S.csrf; }
    return fetch(path, opt).then(function (res) {
      return res.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { data = { detail: t.slice(0, 200) }; }
        if (res.status === 401 && document.body.dataset.page !== "login") {
          location.href = "/login?next=" + encodeURIComponent(location.pathname);
        }
        return { ok: res.ok, status: res.status, data: data };
      });
    }, function () { return { ok: false, status: 0, data: null }; });
  }

  function loadStatus() {
    return api("GET", "/api/v1/status").then(function (r) {
      S.status = r.ok ? r.data : null;
      S.session = S.status && S.status.session ? S.status.session : null;
      S.csrf = S.session ? S.session.csrf_token : null;
      return S.status;
    });
  }

  // ---- chrome: top bar, navigation, sign out --------------------------------------------
  function chrome() {
    var st = S.status || {};
    text("top-host", st.hostname);
    text("top-user", S.session && S.session.user);
    var rb = $("top-role");
    if (rb) { rb.textContent = roleName(S.session && S.session.role); }
    var links = document.querySelectorAll("[data-nav]");
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute("data-nav") === location.pathname) { links[i].setAttribute("aria-current", "page"); }
    }
    var so = $("signout");
    if (so) { so.addEventListener("click", signOut); }
  }

  function signOut() {
    // The API's logout ends the session whichever way it was opened.
    api("POST", "/api/v1/logout", {}).then(function () { location.href = "/login?signed_out=1"; });
  }

  function done() { var m = $("main"); if (m) { m.setAttribute("aria-busy", "false"); } document.body.classList.add("ready"); }

  // ---- login ----------------------------------------------------------------------------
  function pageLogin() {
    var st = S.status || {};
    var next = safeNext(query("next"));
    if (S.session) { location.replace(next); return; }
    text("login-host", st.hostname || "the device");
    $("login-foot").textContent = [st.hostname, st.version ? "firmware " + st.version : null, st.board].filter(Boolean).join(" · ");
    if (query("signed_out")) { msg("login-msg", "ok", "You have been signed out."); }
    if (query("error")) { msg("login-msg", "err", query("error")); }
    var sso = st.sso || {};
    if (sso.enabled && sso.login_url) {
      text("sso-name", sso.provider_name || "single sign-on");
      // Back to where the admin was going (the dashboard by default); without next the
      // device would use the Default Relay State, which is meant for the IdP's tile.
      $("sso-button").href = sso.login_url + "?next=" + encodeURIComponent(next);
      show("sso-box", true);
      if (sso.password_login === false) {
        ssoRequired(sso.password_login_until, null, sso.reason);
      } else if (sso.password_login_until) {
        var g = $("sso-grace");
        g.textContent = "Password sign-in remains available until " + fmtTime(sso.password_login_until) + ".";
        show(g, true);
      }
    }
    $("recovery-show").addEventListener("click", recoveryForm);
    $("login-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearMsg("login-msg");
      var btn = $("login-submit");
      btn.disabled = true;
      api("POST", "/api/v1/login", { username: $("username").value, password: $("password").value }).then(function (r) {
        btn.disabled = false;
        if (r.ok) { location.href = next; return; }
        $("password").value = "";
        if (r.data && r.data.error === "sso_required" && $("username").value !== "recovery") {
          var s2 = r.data.sso || sso;
          if (s2.login_url && !sso.login_url) {
            text("sso-name", s2.provider_name || "single sign-on");
            $("sso-button").href = s2.login_url;
            show("sso-box", true);
          }
          ssoRequired(s2.password_login_until, r.data.detail);
        } else if (r.status === 401 || r.status === 403) {
          msg("login-msg", "err", r.data && r.data.detail ? r.data.detail : "Incorrect username or password.");
        } else {
          msg("login-msg", "err", errText(r));
        }
        $("password").focus();
      });
    });
    ($("password").value ? $("login-submit") : $("password")).focus();
    done();
  }

  function ssoRequired(until, detail, reason) {
    var t = until ? "Password sign-in ended on " + fmtTime(until) + ", when the grace period after enabling single sign-on was over." :
      detail && detail !== reason ? detail : "Password sign-in is no longer accepted on this device.";
    $("sso-required-text").textContent = t;
    show("sso-required", true);
    show("login-form", false);
    show("sso-or", false);
    show("sso-grace", false);
    show("recovery-link", true);
  }

  // Break-glass: the one-time password the console's recovery-login prints still opens an
  // admin session after the grace period (user "recovery").
  function recoveryForm() {
    show("recovery-link", false);
    show("login-form", true);
    $("username").value = "recovery";
    $("password").value = "";
    $("password").focus();
  }

  // ---- dashboard ------------------------------------------------------------------------
  function pageDashboard() {
    var st = S.status || {};
    text("d-user", S.session.user);
    text("d-role", roleName(S.session.role));
    text("d-method", methodName(S.session.method));
    text("d-host", st.hostname);
    text("d-board", st.board);
    text("d-version", st.version);
    text("d-ip", st.ip);
    text("d-uptime", fmtDuration(st.uptime_s));
    text("d-heap", fmtBytes(st.free_heap));
    text("d-time-sync", st.time_synced ? "Yes" : "No");
    text("d-time-source", st.time_source);
    text("d-time-utc", st.time_synced ? fmtTime(st.utc) : "unknown");
    show("d-time-note", !st.time_synced);
    var sso = st.sso;
    var fill = function (c) {
      text("d-sso-state", c.enabled ? "Enabled" : "Disabled");
      text("d-sso-provider", c.provider_name ? c.provider_name + (c.short_name ? " (" + c.short_name + ")" : "") : "not configured");
      var pw = "Allowed";
      var until = c.password_login_until;
      if (c.enabled && c.password_login === false) { pw = "Ended" + (until ? " " + fmtTime(until) : "") + " (SSO required)"; }
      else if (c.enabled && until) { pw = "Allowed until " + fmtTime(until); }
      text("d-sso-password", pw);
    };
    if (sso) { fill(sso); done(); return; }
    api("GET", "/api/v1/sso").then(function (r) { if (r.ok) { fill(r.data); } done(); });
  }

  // ---- Single Sign-On settings ------------------------------------------------------------------
  var CFG = null;
  var TEXT_FIELDS = ["provider_name", "short_name", "idp_metadata_url", "base_url", "default_relay_state",
    "username_attribute", "role_attribute"];
  var NUM_FIELDS = ["clock_skew_s", "session_lifetime_s", "password_grace_hours"];

  function groupsToText(v) { return Array.isArray(v) ? v.join(", ") : v || ""; }
  function groupsFromText(s, like) {
    var list = s.split(",").map(function (x) { return x.trim(); }).filter(Boolean);
    return typeof like === "string" ? list.join(",") : list; // the device's own type
  }

  // The Okta app ID from a metadata URL: .../app/<id>/sso/saml/metadata
  function oktaIdFromUrl(u) {
    var m = /\/app\/(?:[^\/?#]+\/)?([^\/?#]+)\/sso\/saml\/metadata(?:[?#]|$)/.exec(u || "");
    return m ? m[1] : null;
  }

  function fillSso(c) {
    CFG = c;
    TEXT_FIELDS.forEach(function (k) { var e = $(k); if (e) { e.value = c[k] == null ? "" : c[k]; } });
    NUM_FIELDS.forEach(function (k) { var e = $(k); if (e) { e.value = c[k] == null ? "" : c[k]; } });
    $("admin_groups").value = groupsToText(c.admin_groups);
    $("readonly_groups").value = groupsToText(c.readonly_groups);
    $("allow_idp_initiated").checked = !!c.allow_idp_initiated;
    $("enabled").checked = !!c.enabled;
    var byAttr = !!c.username_attribute;
    $("username_attr").checked = byAttr;
    $("username_nameid").checked = !byAttr;
    $("idp_entity_id").value = c.idp_entity_id || "";
    $("idp_sso_url").value = c.idp_sso_url || "";

    var badge = $("sso-state");
    badge.textContent = c.enabled ? "Enabled" : "Disabled";
    badge.className = "badge " + (c.enabled ? "badge-on" : "badge-off");

    // Imported IdP settings
    var certs = c.idp_certs || [];
    var md = c.metadata || {};
    var imported = !!(md.source || c.idp_sso_url || certs.length);
    var idEl = $("v-idp-entity-id");
    if (c.idp_entity_id) {
      idEl.textContent = c.idp_entity_id;
      idEl.className = "mono";
    } else {
      idEl.textContent = imported ? "not found" : "–";
      idEl.className = imported ? "badge badge-warn" : "mono";
    }
    show("entity-missing", imported && !c.idp_entity_id);
    // The device's suggestion (it recognizes Okta's own metadata URLs); the page's own
    // guess only if the device does not give one at all.
    var appId = oktaIdFromUrl(c.idp_metadata_url);
    var suggestion = "idp_entity_id_suggestion" in c ? c.idp_entity_id_suggestion :
      appId ? "http://www.okta.com/" + appId : null;
    show("use-url-id", !!suggestion);
    $("use-url-id").setAttribute("data-id", suggestion || "");
    $("url-id-preview").textContent = suggestion ? "(" + suggestion + ")" : "";
    text("v-idp-sso-url", c.idp_sso_url);
    var ul = $("v-idp-certs");
    ul.textContent = "";
    if (!certs.length) {
      var li0 = document.createElement("li");
      li0.className = "muted";
      li0.textContent = "none";
      ul.appendChild(li0);
    }
    certs.forEach(function (ct, i) {
      var li = document.createElement("li");
      var fp = document.createElement("span");
      fp.className = "mono fp cert-sha256";
      fp.textContent = "SHA-256 " + fingerprint(ct.sha256);
      li.appendChild(fp);
      var meta = document.createElement("span");
      meta.className = "hint";
      var parts = [];
      if (ct.subject) { parts.push(ct.subject); }
      var exp = toUnix(ct.not_after);
      var b = document.createElement("span");
      if (exp != null) {
        var days = Math.floor((exp - nowUnix()) / 86400);
        if (exp <= nowUnix()) { b.className = "badge badge-err"; b.textContent = "expired " + fmtTime(exp); }
        else if (days < 30) { b.className = "badge badge-warn"; b.textContent = "expires in " + days + " days (" + fmtTime(exp) + ")"; }
        else { b.className = "badge"; b.textContent = "valid until " + fmtTime(exp); }
      }
      meta.textContent = parts.join(" · ") + (parts.length ? " " : "");
      li.appendChild(meta);
      if (b.textContent) { li.appendChild(b); }
      li.setAttribute("data-index", String(i));
      ul.appendChild(li);
    });
    var src = { url: "from the metadata URL", pasted: "from pasted metadata XML", manual: "entered manually" }[md.source];
    var li2 = src ? src + (md.imported_at ? ", " + fmtTime(md.imported_at) : "") : imported ? "–" : "never";
    if (md.next_refresh) { li2 += "; next refresh " + fmtTime(md.next_refresh); }
    if (md.valid_until) { li2 += "; metadata valid until " + fmtTime(md.valid_until); }
    text("v-last-import", li2);
    if (md.last_error) {
      msg("import-msg", "warn", "The last metadata refresh failed: " + md.last_error + ". The device keeps using the settings imported before.");
    }

    // Generated service provider values
    $("acs_url").value = c.acs_url || "";
    $("sp_entity_id").value = c.sp_entity_id || "";
    var mdl = $("sp-metadata-link");
    if (c.short_name) {
      mdl.href = "/sso/" + encodeURIComponent(c.short_name) + "/metadata";
      mdl.textContent = c.sp_metadata_url || mdl.href;
    } else {
      mdl.removeAttribute("href");
      mdl.textContent = "set a short name first";
    }

    var info = $("enable-info");
    if (c.enabled) {
      var until = toUnix(c.password_login_until);
      info.textContent = "Enabled since " + fmtTime(c.enabled_at) + ". " +
        (until == null ? "" : until > nowUnix() ? "Password sign-in remains available until " + fmtTime(until) + "." :
          "Password sign-in ended " + fmtTime(until) + ": only single sign-on opens an admin session.");
    }
    readOnly(S.session.role !== "admin");
  }

  function readOnly(ro) {
    show("readonly-note", ro);
    var els = document.querySelectorAll("#sso-fields input, #sso-fields textarea, #sso-fields button");
    for (var i = 0; i < els.length; i++) {
      var e = els[i];
      if (e.classList.contains("copy")) { continue; } // copying is not changing
      if (e.classList.contains("copy-src")) { continue; } // read-only outputs stay selectable
      e.disabled = ro;
    }
  }

  function formSettings() {
    var o = {};
    TEXT_FIELDS.forEach(function (k) { o[k] = $(k).value.trim(); });
    if ($("username_nameid").checked) { o.username_attribute = ""; }
    NUM_FIELDS.forEach(function (k) {
      var v = $(k).value.trim();
      if (v !== "") { o[k] = parseInt(v, 10); }
    });
    o.admin_groups = groupsFromText($("admin_groups").value, CFG && CFG.admin_groups);
    o.readonly_groups = groupsFromText($("readonly_groups").value, CFG && CFG.readonly_groups);
    o.allow_idp_initiated = $("allow_idp_initiated").checked;
    return o;
  }

  function validShort() {
    var e = $("short_name");
    e.classList.add("touched");
    if (!/^[a-z0-9-]{1,32}$/.test(e.value.trim())) {
      msg("page-msg", "err", "Short Name: 1 to 32 of a-z, 0-9 and \"-\".");
      e.focus();
      return false;
    }
    return true;
  }

  function reloadSso() {
    return api("GET", "/api/v1/sso").then(function (r) {
      if (r.ok) { fillSso(r.data); } else { msg("page-msg", "err", errText(r)); }
      return r;
    });
  }

  function busy(btn, on) { btn.disabled = on; btn.setAttribute("aria-busy", on ? "true" : "false"); }

  // PUT the form, then run @then (import, enable...) if that worked.
  function saveThen(btn, msgId, then) {
    clearMsg("page-msg");
    clearMsg(msgId);
    if (!validShort()) { return; }
    busy(btn, true);
    api("PUT", "/api/v1/sso", formSettings()).then(function (r) {
      if (!r.ok) { busy(btn, false); msg(msgId, "err", errText(r)); return null; }
      return then ? then() : r;
    }).then(function (r) {
      busy(btn, false);
      if (r && !r.ok) { msg(msgId, "err", errText(r)); }
      return reloadSso().then(function () {
        if (r && r.ok && r.message) { msg(msgId, "ok", r.message); }
      });
    });
  }

  // POST /api/v1/sso/import with {} answers 202 and fetches in the background: poll
  // GET /api/v1/sso/import until it is done or failed (at most a minute).
  function pollImport(r) {
    if (r.status !== 202) { return r; }
    var deadline = Date.now() + 60000;
    return new Promise(function (resolve) {
      var tick = function () {
        api("GET", "/api/v1/sso/import").then(function (p) {
          var st = p.data && p.data.state;
          if (p.ok && st === "done") {
            api("GET", "/api/v1/sso").then(resolve);
          } else if (!p.ok || st === "failed" || st === "idle") {
            resolve({ ok: false, status: p.status, data: p.data && p.data.detail ? p.data :
              { detail: st === "idle" ? "The import did not run." : errText(p) } });
          } else if (Date.now() > deadline) {
            resolve({ ok: false, status: 0, data: { detail: "The metadata fetch did not finish within a minute." } });
          } else {
            setTimeout(tick, 400);
          }
        });
      };
      setTimeout(tick, 300);
    });
  }

  function importDone(r) {
    if (!r.ok) { return r; }
    var d = r.data || {};
    var n = (d.idp_certs || []).length;
    r.message = "Imported" + (d.idp_entity_id ? " " + d.idp_entity_id : " (entity ID not found in the metadata)") +
      (n ? ", " + n + " signing certificate" + (n > 1 ? "s" : "") : "") + ". Settings saved.";
    return r;
  }

  function pageSso() {
    $("import").addEventListener("click", function () {
      var url = $("idp_metadata_url").value.trim();
      if (!/^https:\/\//i.test(url)) { msg("import-msg", "err", "The metadata URL must start with https://"); $("idp_metadata_url").focus(); return; }
      saveThen($("import"), "import-msg", function () {
        msg("import-msg", "info", "Fetching the IdP metadata…");
        return api("POST", "/api/v1/sso/import", {}).then(pollImport).then(importDone);
      });
    });
    $("metadata_file").addEventListener("change", function (ev) {
      var f = ev.target.files && ev.target.files[0];
      if (!f) { return; }
      if (f.size > 65536) { msg("import-msg", "err", "That file is larger than 64 KB; metadata is smaller."); return; }
      f.text().then(function (t) { $("metadata_xml").value = t; });
    });
    $("import-xml").addEventListener("click", function () {
      var xml = $("metadata_xml").value;
      if (!xml.trim()) { msg("import-msg", "err", "Paste the metadata XML or choose a file first."); return; }
      saveThen($("import-xml"), "import-msg", function () {
        return api("POST", "/api/v1/sso/import", { metadata_xml: xml }).then(importDone);
      });
    });
    $("save-manual").addEventListener("click", function () {
      var pems = $("idp_cert_pem").value.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) || [];
      if (!pems.length) { msg("import-msg", "err", "Paste the IdP's signing certificate (PEM)."); $("idp_cert_pem").focus(); return; }
      var body = { idp_entity_id: $("idp_entity_id").value.trim(), idp_sso_url: $("idp_sso_url").value.trim(), idp_certs_pem: pems };
      saveThen($("save-manual"), "import-msg", function () {
        return api("PUT", "/api/v1/sso/idp", body).then(function (r) { if (r.ok) { r.message = "IdP settings saved."; } return r; });
      });
    });
    $("use-url-id").addEventListener("click", function () {
      var id = this.getAttribute("data-id");
      if (!id) { return; }
      var btn = $("use-url-id");
      busy(btn, true);
      api("PUT", "/api/v1/sso", { idp_entity_id: id }).then(function (r) {
        busy(btn, false);
        if (!r.ok) { msg("import-msg", "err", errText(r)); return; }
        reloadSso().then(function () { msg("import-msg", "ok", "IdP Entity ID set to " + id + "."); });
      });
    });
    $("add-trust").addEventListener("click", function () {
      var pem = $("trust_pem").value.trim();
      if (pem.indexOf("-----BEGIN CERTIFICATE-----") < 0) { msg("trust-msg", "err", "Paste a PEM certificate (-----BEGIN CERTIFICATE-----)."); return; }
      var btn = $("add-trust");
      busy(btn, true);
      api("POST", "/api/v1/trust", { pem: pem }).then(function (r) {
        busy(btn, false);
        if (r.ok) { msg("trust-msg", "ok", "CA added to the trust store" + (r.data && r.data.subject ? ": " + r.data.subject : "") + "."); $("trust_pem").value = ""; loadTrust(); }
        else { msg("trust-msg", "err", errText(r)); }
      });
    });
    $("sso-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var want = $("enabled").checked;
      saveThen($("save"), "save-msg", function () {
        if (CFG && !!CFG.enabled === want) { return { ok: true, message: "Changes saved." }; }
        return api("POST", "/api/v1/sso/enable", { enabled: want }).then(function (r) {
          if (r.ok) { r.message = want ? "Single sign-on enabled. Changes saved." : "Single sign-on disabled. Changes saved."; }
          return r;
        });
      });
    });
    $("username_attribute").addEventListener("input", function () { if (this.value) { $("username_attr").checked = true; } });
    copyButtons();
    reloadSso().then(loadTrust).then(done);
  }

  function loadTrust() {
    return api("GET", "/api/v1/trust").then(function (r) {
      if (!r.ok || !r.data) { return; }
      var ul = $("trust-list");
      var list = r.data.admin || [];
      ul.textContent = "";
      if (!list.length) {
        var li0 = document.createElement("li");
        li0.className = "muted";
        li0.textContent = "none";
        ul.appendChild(li0);
      }
      list.forEach(function (ca) {
        var li = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = ca.subject || "CA";
        li.appendChild(name);
        var fp = document.createElement("span");
        fp.className = "mono fp hint";
        fp.textContent = "SHA-256 " + fingerprint(ca.sha256);
        li.appendChild(fp);
        if (S.session.role === "admin") {
          var b = document.createElement("button");
          b.type = "button";
          b.className = "btn btn-small";
          b.textContent = "Remove";
          b.setAttribute("aria-label", "Remove trusted CA " + (ca.subject || ""));
          b.addEventListener("click", function () {
            api("DELETE", "/api/v1/trust/" + encodeURIComponent(ca.sha256)).then(function (d) {
              if (d.ok) { loadTrust(); } else { msg("trust-msg", "err", errText(d)); }
            });
          });
          li.appendChild(b);
        }
        ul.appendChild(li);
      });
      var n = (r.data.builtin || []).length;
      $("trust-builtin").textContent = n ? "Plus " + n + " built-in public root certificates that the major identity providers chain to." : "";
    });
  }

  function copyButtons() {
    var bs = document.querySelectorAll("button.copy");
    for (var i = 0; i < bs.length; i++) {
      bs[i].addEventListener("click", function () {
        var btn = this, src = $(btn.getAttribute("data-copy"));
        var ok = function () {
          btn.textContent = "Copied";
          btn.classList.add("copied");
          setTimeout(function () { btn.textContent = "Copy"; btn.classList.remove("copied"); }, 1500);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(src.value).then(ok, function () { legacyCopy(src) && ok(); });
        } else if (legacyCopy(src)) { ok(); }
      });
    }
  }
  // Plain HTTP to a device IP is not a secure context: no Clipboard API there.
  function legacyCopy(input) {
    input.focus();
    input.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  // ---- audit log and sessions ----------------------------------------------------------------
  function listOf(data, key) {
    if (Array.isArray(data)) { return data; }
    if (data && Array.isArray(data[key])) { return data[key]; }
    return [];
  }
  function td(tr, v, cls) { var c = document.createElement("td"); c.textContent = v == null || v === "" ? "–" : String(v); if (cls) { c.className = cls; } tr.appendChild(c); return c; }
  function emptyRow(tb, cols, t) { tb.textContent = ""; var tr = document.createElement("tr"); var c = td(tr, t); c.colSpan = cols; c.className = "empty"; tb.appendChild(tr); }

  var AUDIT_KNOWN = ["seq", "id", "time", "t", "ts", "utc", "event", "type", "kind", "user", "reason", "code", "result", "ok", "detail", "message"];
  // A failed event: it carries the core's reason code, or its name says so.
  function auditFailed(e) {
    return e.ok === false || (e.code && e.code !== "ok") || (e.reason && e.reason !== "ok") ||
      /fail|denied|refused|reject|no_access/i.test(String(e.event || e.type || ""));
  }
  function pageAudit() {
    var load = function () {
      api("GET", "/api/v1/audit").then(function (r) {
        var tb = $("audit-rows");
        if (!r.ok) { emptyRow(tb, 5, ""); msg("page-msg", "err", errText(r)); return; }
        var ev = listOf(r.data, "entries").slice();
        if (!ev.length) { ev = listOf(r.data, "events").slice(); }
        if (!ev.length) { emptyRow(tb, 5, "No events yet."); done(); return; }
        var key = function (e) { return e.seq != null ? e.seq : e.id != null ? e.id : toUnix(e.time || e.t || e.ts) || 0; };
        ev.sort(function (a, b) { return key(b) - key(a); });
        tb.textContent = "";
        ev.forEach(function (e) {
          var tr = document.createElement("tr");
          var reason = e.code || e.reason || (e.result != null ? e.result : e.ok === false ? "failed" : auditFailed(e) ? "failed" : "ok");
          if (auditFailed(e)) { tr.className = "fail"; }
          td(tr, e.time || e.t || e.ts || e.utc ? fmtCell(e.time || e.t || e.ts || e.utc) : "(time not synchronized)", "nowrap");
          td(tr, e.event || e.type || e.kind);
          td(tr, e.user);
          td(tr, reason);
          var extra = Object.keys(e).filter(function (k) { return AUDIT_KNOWN.indexOf(k) < 0; })
            .map(function (k) { return k + "=" + (typeof e[k] === "object" ? JSON.stringify(e[k]) : e[k]); });
          td(tr, [e.detail || e.message].concat(extra).filter(Boolean).join(" · "));
          tb.appendChild(tr);
        });
        done();
      });
    };
    $("refresh").addEventListener("click", load);
    load();
  }

  function pageSessions() {
    var load = function () {
      api("GET", "/api/v1/sessions").then(function (r) {
        var tb = $("sessions-rows");
        if (!r.ok) { emptyRow(tb, 7, ""); msg("page-msg", "err", errText(r)); return; }
        var list = listOf(r.data, "sessions");
        if (!list.length) { emptyRow(tb, 7, "No sessions."); done(); return; }
        tb.textContent = "";
        list.forEach(function (s) {
          var tr = document.createElement("tr");
          if (s.current) { tr.className = "current"; }
          td(tr, s.user);
          td(tr, roleName(s.role));
          td(tr, methodName(s.method));
          td(tr, fmtCell(s.created || s.created_at || s.started), "nowrap");
          var last = s.last_seen || s.last_used || s.last_activity;
          td(tr, last != null ? fmtCell(last) : s.idle_s != null ? fmtDuration(s.idle_s) + " ago" : "–", "nowrap");
          td(tr, fmtCell(s.expires || s.expires_at), "nowrap");
          var act = td(tr, "");
          act.textContent = "";
          if (S.session.role === "admin" && s.id && !s.current) {
            var b = document.createElement("button");
            b.type = "button";
            b.className = "btn btn-small";
            b.textContent = "End session";
            b.setAttribute("aria-label", "End the session of " + (s.user || "this user"));
            b.addEventListener("click", function () {
              api("DELETE", "/api/v1/sessions/" + encodeURIComponent(s.id)).then(function (d) {
                if (d.ok) { load(); } else { msg("page-msg", "err", errText(d)); }
              });
            });
            act.appendChild(b);
          }
          tb.appendChild(tr);
        });
        done();
      });
    };
    $("refresh").addEventListener("click", load);
    load();
  }

  // ---- boot -------------------------------------------------------------------------------
  var PAGES = { login: pageLogin, dashboard: pageDashboard, sso: pageSso, audit: pageAudit, sessions: pageSessions };
  function boot() {
    var page = document.body.dataset.page;
    loadStatus().then(function () {
      if (page !== "login" && !S.session) {
        location.replace("/login?next=" + encodeURIComponent(location.pathname));
        return;
      }
      if (page !== "login") { chrome(); }
      (PAGES[page] || done)();
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", boot); } else { boot(); }
}());
