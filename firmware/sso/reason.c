/* The ACS refusal sentences and audit details: see reason.h. */
#include "sso/reason.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sso/crypto.h"
#include "sso/err.h"
#include "sso/time.h"

struct text {
    char *p;
    size_t size, len;
    bool over;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (t->over) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(t->p + t->len, t->size - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= t->size - t->len) {
        t->over = true; /* never a cut sentence: the caller gets an error */
        return;
    }
    t->len += (size_t)n;
}

static const char *or_unknown(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : "(not set)";
}

static const char *got_of(const struct fw_sso_reason_in *in)
{
    return in->err != NULL ? in->err->got : "";
}

/* The core's own detail line, or the code's one-line description. */
static const char *core_detail(const struct fw_sso_reason_in *in)
{
    return in->err != NULL && in->err->detail[0] != '\0' ? in->err->detail : sso_strerror(in->code);
}

static int64_t bound_of(const struct fw_sso_reason_in *in)
{
    return in->err != NULL ? in->err->bound_s : 0;
}

/* "2024-05-01 12:00:00 UTC" */
static void human_time(int64_t t, char *out, size_t size)
{
    char iso[SSO_TIME_STR_SIZE];
    if (t <= 0 || sso_time_format(t, iso, sizeof(iso)) != SSO_OK) {
        (void)snprintf(out, size, "an unknown time");
        return;
    }
    iso[10] = ' ';
    iso[19] = '\0';
    (void)snprintf(out, size, "%s UTC", iso);
}

int fw_sso_fingerprint(const uint8_t *der, size_t len, char out[96])
{
    static const char hx[] = "0123456789ABCDEF";
    uint8_t h[32];
    size_t i;
    int rc = sso_crypto_md(SSO_MD_SHA256, der, len, h);
    if (rc != SSO_OK) {
        out[0] = '\0';
        return rc;
    }
    for (i = 0; i < sizeof(h); i++) {
        out[3 * i] = hx[h[i] >> 4];
        out[3 * i + 1] = hx[h[i] & 15];
        out[3 * i + 2] = i + 1 < sizeof(h) ? ':' : '\0';
    }
    return SSO_OK;
}

/* "certificate (SHA-256 fingerprint AB:..)" or "certificates (SHA-256 fingerprints A, B)". */
static void fingerprints(struct text *t, const struct fw_sso_reason_in *in)
{
    const char *s = in->cert_count > 1 ? "s" : "";
    unsigned i, n = 0;
    char fp[96];
    add(t, "certificate%s", s);
    for (i = 0; i < in->cert_count && in->certs != NULL; i++) {
        if (fw_sso_fingerprint(in->certs[i].der, in->certs[i].len, fp) == SSO_OK) {
            add(t, n == 0 ? " (SHA-256 fingerprint%s %s" : "%s, %s", n == 0 ? s : "", fp);
            n++;
        }
    }
    if (n > 0) {
        add(t, ")");
    }
}

/* Not yet valid / expired: the times and the skew, which is what the admin checks. */
static void clock_text(struct text *t, const struct fw_sso_reason_in *in, bool expired)
{
    char bound[40], now[40];
    human_time(bound_of(in), bound, sizeof(bound));
    human_time(in->now_s, now, sizeof(now));
    if (expired) {
        if (bound_of(in) > 0) {
            add(t,
                "The login answer has expired: it was valid until %s, and this device's "
                "clock says %s (allowed clock skew: %lu s). ",
                bound, now, (unsigned long)in->skew_s);
        } else {
            add(t, "The login answer has expired. ");
        }
        add(t, "If you just signed in at the identity provider, the device clock is probably "
               "ahead: check its time (SNTP) on the dashboard.");
    } else {
        if (bound_of(in) > 0) {
            add(t,
                "The login answer is not valid yet: it starts at %s, and this device's clock "
                "says %s (allowed clock skew: %lu s). ",
                bound, now, (unsigned long)in->skew_s);
        } else {
            add(t, "The login answer is not valid yet. ");
        }
        add(t, "The device clock is probably behind: check its time (SNTP) on the dashboard.");
    }
}

static void sentence(struct text *t, const struct fw_sso_reason_in *in)
{
    const char *got = got_of(in);
    const char *idp = in->provider_name != NULL && in->provider_name[0] != '\0'
                          ? in->provider_name
                          : "the identity provider";
    switch (in->code) {
    /* -- who the answer is for, and from ------------------------------------------------- */
    case SSO_E_RESP_AUDIENCE:
        if (got[0] != '\0') {
            add(t, "The IdP sent this login for another application (Audience %s). ", got);
        } else {
            add(t, "The IdP sent this login for another application. ");
        }
        add(t, "Check the SP Entity ID configured at the IdP: it must be %s.",
            or_unknown(in->sp_entity_id));
        break;
    case SSO_E_RESP_ISSUER:
        if (got[0] != '\0') {
            add(t,
                "The login answer comes from another identity provider (Issuer %s) than the "
                "configured one (%s). ",
                got, or_unknown(in->idp_entity_id));
        } else {
            add(t, "The login answer's Issuer is not the configured identity provider (%s). ",
                or_unknown(in->idp_entity_id));
        }
        add(t, "Check the IdP Entity ID in the Single Sign-On settings, or import the IdP's "
               "metadata again.");
        break;
    case SSO_E_RESP_RECIPIENT:
    case SSO_E_RESP_DESTINATION: {
        const char *what = in->code == SSO_E_RESP_RECIPIENT ? "Recipient" : "Destination";
        if (got[0] != '\0') {
            add(t, "The IdP addressed this login to another URL (%s %s). ", what, got);
        } else {
            add(t, "The IdP addressed this login to another URL (%s). ", what);
        }
        add(t,
            "The single sign-on URL configured at the IdP (also used as Recipient and "
            "Destination) must be this device's ACS URL: %s.",
            or_unknown(in->acs_url));
        break;
    }
    /* -- signatures ------------------------------------------------------------------------ */
    case SSO_E_DSIG_BAD:
        add(t, "Signature did not verify against the configured IdP ");
        fingerprints(t, in);
        add(t, ". If the IdP changed its signing certificate, import its metadata again.");
        break;
    case SSO_E_DSIG_NO_KEY:
        add(t, "No IdP signing certificate is configured, so no login answer can be checked. "
               "Import the IdP's metadata in the Single Sign-On settings.");
        break;
    case SSO_E_DSIG_KEY_WEAK:
        add(t, "The configured IdP certificate has a key that is too small (RSA under 2048 "
               "bits); this device refuses it. Give the IdP a stronger signing key.");
        break;
    case SSO_E_DSIG_MISSING:
        add(t, "Neither the Response nor the Assertion is signed. This device accepts only "
               "signed assertions: set the IdP to sign the assertion, the response, or both.");
        break;
    case SSO_E_DSIG_DIGEST:
        add(t, "The signed content was changed after it was signed (digest mismatch): the "
               "answer was altered on its way, or the IdP signs it incorrectly.");
        break;
    case SSO_E_DSIG_ALG:
        add(t, "The answer is signed with a signature or digest algorithm this device does not "
               "accept. Set the IdP to sign with RSA-SHA256 (or ECDSA-SHA256) and a SHA-256 "
               "digest.");
        break;
    case SSO_E_DSIG_WEAK_ALG:
        add(t, "The answer is signed with SHA-1, which this device refuses. Set the IdP to sign "
               "with SHA-256.");
        break;
    case SSO_E_DSIG_STRUCTURE:
    case SSO_E_DSIG_TRANSFORM:
    case SSO_E_DSIG_REF:
        add(t,
            "The answer's XML signature is not in the form SAML requires (%s), so it was "
            "not trusted.",
            sso_strerror(in->code));
        break;
    case SSO_E_DSIG_DUP_ID:
        add(t, "Two elements of the answer carry the same ID, which is how signature-wrapping "
               "attacks work; the answer was refused.");
        break;
    /* -- time and one-time use ------------------------------------------------------------- */
    case SSO_E_RESP_EXPIRED:
        clock_text(t, in, true);
        break;
    case SSO_E_RESP_NOT_YET_VALID:
        clock_text(t, in, false);
        break;
    case SSO_E_RESP_TIME_UNKNOWN:
        add(t, "This device does not know the time yet (SNTP), so it cannot check the answer's "
               "validity. Try again in a minute, or sign in with your password.");
        break;
    case SSO_E_RESP_REPLAY:
        add(t, "This login answer was already used. Each answer is good for one sign-in only; "
               "start a new sign-in.");
        break;
    case SSO_E_RESP_REPLAY_FULL:
        add(t, "Too many sign-ins in the last few minutes: the device's memory of used answers "
               "is full, and it refuses rather than forget one. Try again in a few minutes.");
        break;
    case SSO_E_RESP_IN_RESPONSE_TO:
        if (got[0] != '\0') {
            add(t,
                "This login answer (InResponseTo %s) does not answer a sign-in started on "
                "this device in the last 10 minutes. ",
                got);
        } else {
            add(t, "This login answer does not consistently name the sign-in it answers "
                   "(InResponseTo). ");
        }
        add(t, "Start again with Sign in with %s.", idp);
        break;
    case SSO_E_RESP_UNSOLICITED:
        add(t,
            "This sign-in was started at the identity provider (IdP-initiated, for example "
            "from its app tile), and this device accepts only sign-ins started here. Use "
            "Sign in with %s on the sign-in page, or allow IdP-initiated login in the "
            "Single Sign-On settings.",
            idp);
        break;
    /* -- what the IdP said ------------------------------------------------------------------ */
    case SSO_E_RESP_STATUS:
        add(t,
            "The identity provider answered with an error instead of a login (status %s). "
            "It may have refused the user, or the application is not assigned to them; the "
            "IdP's own log says more.",
            got[0] != '\0' ? got : "unknown");
        break;
    case SSO_E_RESP_SUBJECT:
        add(t, "The assertion has no valid bearer confirmation (SubjectConfirmation), so it "
               "cannot be used for a browser sign-in.");
        break;
    case SSO_E_RESP_NAMEID:
        add(t, "The assertion does not name the user (no usable NameID).");
        break;
    case SSO_E_RESP_ASSERTION_COUNT:
        add(t, "The answer must carry exactly one assertion, and this one does not.");
        break;
    case SSO_E_RESP_VERSION:
        add(t, "The answer is not SAML version 2.0.");
        break;
    case SSO_E_RESP_MALFORMED:
        add(t, "The identity provider's answer is not a usable SAML 2.0 Response.");
        break;
    /* -- encryption --------------------------------------------------------------------- */
    case SSO_E_ENC_DECRYPT:
        add(t,
            "The encrypted assertion could not be decrypted with this device's SP key. The "
            "IdP probably encrypts to an older certificate: give it the one in this "
            "device's SP metadata (%s).",
            or_unknown(in->sp_entity_id));
        break;
    case SSO_E_ENC_ALG:
        add(t, "The assertion is encrypted with an algorithm this device does not accept "
               "(it takes AES-GCM or AES-CBC content with an RSA-OAEP key).");
        break;
    case SSO_E_ENC_NO_KEY:
        add(t, "The assertion is encrypted, but this device has no SP key to decrypt it.");
        break;
    /* -- the document itself ------------------------------------------------------------- */
    case SSO_E_XML_SYNTAX:
    case SSO_E_XML_ENCODING:
    case SSO_E_XML_NAMESPACE:
    case SSO_E_XML_ENTITY:
    case SSO_E_XML_DUP_ATTR:
    case SSO_E_XML_NOT_FOUND:
        add(t, "The identity provider's answer is not valid XML (%s).", sso_strerror(in->code));
        break;
    case SSO_E_XML_LIMIT:
        add(t, "The answer exceeds a size, nesting or count limit of this device.");
        break;
    case SSO_E_XML_DTD:
    case SSO_E_XML_PI:
        add(t, "The answer contains a %s, which SAML never needs and this device refuses.",
            in->code == SSO_E_XML_DTD ? "DOCTYPE (DTD)" : "processing instruction");
        break;
    case SSO_E_B64:
    case SSO_E_URL:
        add(t, "The posted form is not correctly encoded (SAMLResponse must be base64 in a "
               "URL-encoded form).");
        break;
    case SSO_E_NOMEM:
        add(t, "The device ran out of memory while checking the answer. Try again.");
        break;
    case SSO_E_SESS_FULL:
        add(t, "Every session slot of this device is in use. Sign out elsewhere, or wait for "
               "a session to expire.");
        break;
    default:
        add(t, "The identity provider's answer was refused (%s).", sso_strerror(in->code));
        break;
    }
}

int fw_sso_reason_text(const struct fw_sso_reason_in *in, char *out, size_t size)
{
    struct text t = {out, size, 0, false};
    if (in == NULL || out == NULL || size == 0) {
        return SSO_E_INVAL;
    }
    out[0] = '\0';
    sentence(&t, in);
    if (t.over) {
        out[0] = '\0';
        return SSO_E_NOSPC;
    }
    return SSO_OK;
}

int fw_sso_reason_audit(const struct fw_sso_reason_in *in, char *out, size_t size)
{
    struct text t = {out, size, 0, false};
    const char *got = got_of(in);
    char bound[SSO_TIME_STR_SIZE], now[SSO_TIME_STR_SIZE], fp[96];
    if (in == NULL || out == NULL || size == 0) {
        return SSO_E_INVAL;
    }
    out[0] = '\0';
    switch (in->code) {
    case SSO_E_RESP_AUDIENCE:
        add(&t, "Audience '%s', not this SP", got);
        break;
    case SSO_E_RESP_ISSUER:
        add(&t, "Issuer '%s', configured '%s'", got, or_unknown(in->idp_entity_id));
        break;
    case SSO_E_RESP_RECIPIENT:
        add(&t, "Recipient '%s', not this ACS", got);
        break;
    case SSO_E_RESP_DESTINATION:
        add(&t, "Destination '%s', not this ACS", got);
        break;
    case SSO_E_RESP_EXPIRED:
    case SSO_E_RESP_NOT_YET_VALID:
        if (sso_time_format(bound_of(in), bound, sizeof(bound)) != SSO_OK) {
            (void)snprintf(bound, sizeof(bound), "?");
        }
        if (sso_time_format(in->now_s, now, sizeof(now)) != SSO_OK) {
            (void)snprintf(now, sizeof(now), "?");
        }
        add(&t, "%s %s %s; device time %s, skew %lu s",
            in->err != NULL && in->err->where != NULL ? in->err->where : "assertion",
            in->code == SSO_E_RESP_EXPIRED ? "NotOnOrAfter" : "NotBefore", bound, now,
            (unsigned long)in->skew_s);
        break;
    case SSO_E_DSIG_BAD:
        /* The fingerprint's first bytes identify the certificate in the settings page. */
        add(&t, "%s signature does not verify with %u configured cert(s)",
            in->err != NULL && in->err->where != NULL ? in->err->where : "the", in->cert_count);
        if (in->cert_count > 0 && in->certs != NULL &&
            fw_sso_fingerprint(in->certs[0].der, in->certs[0].len, fp) == SSO_OK) {
            fp[23] = '\0'; /* 8 bytes: "AB:CD:..:EF" */
            add(&t, ", SHA-256 %s..", fp);
        }
        break;
    case SSO_E_RESP_IN_RESPONSE_TO:
        if (got[0] != '\0') {
            add(&t, "InResponseTo '%s' is not outstanding", got);
            break;
        }
        add(&t, "%s", core_detail(in));
        break;
    case SSO_E_RESP_STATUS:
        add(&t, "IdP status %s", got[0] != '\0' ? got : "?");
        break;
    default:
        add(&t, "%s", core_detail(in));
        break;
    }
    if (t.over) {
        out[0] = '\0';
        return SSO_E_NOSPC;
    }
    return SSO_OK;
}
