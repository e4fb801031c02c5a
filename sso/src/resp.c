/*
 * SAML 2.0 Response validation (see sso/resp.h for the order of checks).
 *
 * Every check names the attack it stops; saml-attacks.md has the catalog. The rule that
 * ties it together (R2): the Assertion consumed is the element whose own signature
 * verified, or the direct child of the root whose signature verified; no second lookup by
 * name ever happens after verification.
 */
#include "sso/resp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sso/alloc.h"
#include "sso/enc.h"
#include "sso/err.h"
#include "sso/time.h"
#include "sso/xml.h"

#include "probe.h"

#define STATUS_SUCCESS "urn:oasis:names:tc:SAML:2.0:status:Success"
#define CM_BEARER      "urn:oasis:names:tc:SAML:2.0:cm:bearer"

/* Most ID-like attributes in one document (a few are normal). */
#define RESP_MAX_IDS 64

struct resp_work {
    const struct sso_resp_config *cfg;
    const struct sso_resp_params *p;
    struct sso_resp_result *out;
    struct sso_resp_error *err;
    struct sso_xml_doc doc;       /* the Response */
    struct sso_xml_doc dec;       /* the decrypted Assertion, if encrypted */
    const struct sso_xml_doc *ad; /* the document holding the Assertion */
    int root;
    int assertion;
    struct sso_str resp_irt; /* Response InResponseTo (view into doc) */
    bool have_resp_irt;
    char scd_irt[SSO_CFG_RESP_STR_MAX];
    int64_t expiry_s; /* earliest NotOnOrAfter that bounds this assertion */
    char tmp[SSO_CFG_RESP_STR_MAX];
    char tmp2[SSO_CFG_RESP_STR_MAX];
    struct sso_resp_error first_err; /* check_subject: the first bearer's failure */
    struct sso_str ids[RESP_MAX_IDS];
    unsigned id_count;
};

/* Record the reason; the detail is for humans (audit log, CLI), never secret. */
static int fail(struct resp_work *w, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct resp_work *w, int code, const char *fmt, ...)
{
    va_list ap;
    w->err->code = code;
    va_start(ap, fmt);
    vsnprintf(w->err->detail, sizeof(w->err->detail), fmt, ap);
    va_end(ap);
    return code;
}

static int fail0(struct resp_work *w, int code, const char *what)
{
    return fail(w, code, "%s", what);
}

/* The value behind a refusal (sso_resp_error.got), for callers that word their own
 * message; a value too long for the field is left out rather than cut. */
static void note_got(struct resp_work *w, const char *got)
{
    size_t n = strlen(got);
    if (n < sizeof(w->err->got)) {
        memcpy(w->err->got, got, n + 1);
    }
}

/* Text-only value of an element into @p buf (NameID, Issuer, Audience, ...). Text split by
 * comments is joined (comments are refused in signed content anyway). */
static int text_of(const struct sso_xml_doc *d, int node, char *buf, size_t size)
{
    size_t len = 0;
    int rc = sso_xml_text_only(d, node, buf, size, &len);
    if (rc == SSO_E_NOSPC) {
        return SSO_E_XML_LIMIT;
    }
    return rc;
}

/* Value of attribute @p name into @p buf; false if absent or too long. */
static bool attr_copy(const struct sso_xml_doc *d, int node, const char *name, char *buf,
                      size_t size)
{
    struct sso_str v;
    if (!sso_xml_attr(d, node, NULL, name, &v)) {
        buf[0] = '\0';
        return false;
    }
    return sso_str_copy(buf, size, v) == SSO_OK;
}

/* Optional attribute into @p buf: absent gives "", too long is an error (a bound is never
 * a silent truncation or drop). */
static int attr_copy_opt(const struct sso_xml_doc *d, int node, const char *name, char *buf,
                         size_t size)
{
    struct sso_str v;
    buf[0] = '\0';
    if (!sso_xml_attr(d, node, NULL, name, &v)) {
        return SSO_OK;
    }
    return sso_str_copy(buf, size, v) == SSO_OK ? SSO_OK : SSO_E_XML_LIMIT;
}

static int time_attr(const struct sso_xml_doc *d, int node, const char *name, int64_t *t,
                     bool *present)
{
    struct sso_str v;
    *present = sso_xml_attr(d, node, NULL, name, &v);
    if (!*present) {
        return SSO_OK;
    }
    return sso_time_parse(v.p, v.len, t) == SSO_OK ? SSO_OK : SSO_E_RESP_MALFORMED;
}

/* ---- duplicate IDs ------------------------------------------------------------------------ */

/*
 * Every ID-like attribute of the document must be unique. Which of two equal IDs a "#id"
 * reference resolves to is implementation-defined, so a duplicate is how a verifier and a
 * consumer end up looking at different elements (saml-attacks.md §15).
 */
static int collect_ids(struct resp_work *w, const struct sso_xml_doc *d)
{
    static const char *const names[] = {"ID", "Id", "id", "AssertionID"};
    for (int n = sso_xml_root(d); n >= 0; n = sso_xml_walk_next(d, SSO_XML_DOC_NODE, n)) {
        if (sso_xml_type(d, n) != SSO_XML_ELEMENT) {
            continue;
        }
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
            struct sso_str v;
            if (!sso_xml_attr(d, n, NULL, names[k], &v)) {
                continue;
            }
            for (unsigned i = 0; i < w->id_count; i++) {
                if (sso_str_eqv(w->ids[i], v)) {
                    return fail0(w, SSO_E_DSIG_DUP_ID, "two elements carry the same ID");
                }
            }
            if (w->id_count == RESP_MAX_IDS) {
                return fail0(w, SSO_E_XML_LIMIT, "too many ID attributes");
            }
            w->ids[w->id_count++] = v;
        }
    }
    return SSO_OK;
}

/* ---- Response envelope -------------------------------------------------------------------- */

static int check_status(struct resp_work *w, int status)
{
    int code = sso_xml_child(&w->doc, status, SSO_NS_SAMLP, "StatusCode"), rc, n;
    struct sso_str v;
    if (code < 0 || !sso_xml_attr(&w->doc, code, NULL, "Value", &v)) {
        return fail0(w, SSO_E_RESP_MALFORMED, "Status without StatusCode");
    }
    if (sso_str_eq(v, STATUS_SUCCESS)) {
        return SSO_OK;
    }
    /* A non-Success response is refused whatever else it carries (§24); say what the IdP
     * said, top-level and second-level code, so the admin can act on it. */
    sso_str_copy(w->tmp, sizeof(w->tmp), v);
    w->tmp2[0] = '\0';
    {
        int sub = sso_xml_child(&w->doc, code, SSO_NS_SAMLP, "StatusCode");
        struct sso_str sv;
        if (sub >= 0 && sso_xml_attr(&w->doc, sub, NULL, "Value", &sv)) {
            sso_str_copy(w->tmp2, sizeof(w->tmp2), sv);
        }
    }
    rc = fail(w, SSO_E_RESP_STATUS, "IdP status %s %s", w->tmp, w->tmp2);
    {
        /* got: the last segments, "Responder/AuthnFailed". */
        const char *a = strrchr(w->tmp, ':'), *b = strrchr(w->tmp2, ':');
        a = a != NULL ? a + 1 : w->tmp;
        b = b != NULL ? b + 1 : w->tmp2;
        n = snprintf(w->err->got, sizeof(w->err->got), "%s%s%s", a, b[0] != '\0' ? "/" : "", b);
        if (n < 0 || (size_t)n >= sizeof(w->err->got)) {
            w->err->got[0] = '\0'; /* left out rather than cut */
        }
    }
    w->err->where = "Response";
    return rc;
}

static int check_issuer(struct resp_work *w, const struct sso_xml_doc *d, int issuer,
                        const char *where)
{
    int rc = text_of(d, issuer, w->tmp, sizeof(w->tmp));
    if (rc != SSO_OK) {
        return fail(w, SSO_E_RESP_ISSUER, "%s Issuer is not plain text", where);
    }
    /* Exact match with the configured IdP (§23): another IdP the SP trusts, or a
     * placeholder like JumpCloud's "IdP Entity ID", must not pass by prefix or case. */
    if (w->cfg->idp_entity_id == NULL || strcmp(w->tmp, w->cfg->idp_entity_id) != 0) {
        rc = fail(w, SSO_E_RESP_ISSUER, "Issuer '%s' is not the configured IdP '%s'", w->tmp,
                  w->cfg->idp_entity_id);
        note_got(w, w->tmp);
        w->err->where = where;
        return rc;
    }
    return SSO_OK;
}

/* Direct ds:Signature child of @p elem: at most one. */
static int signature_child(struct resp_work *w, const struct sso_xml_doc *d, int elem, int *sig)
{
    unsigned n = sso_xml_child_count(d, elem, SSO_NS_DS, "Signature");
    *sig = -1;
    if (n > 1) {
        return fail0(w, SSO_E_DSIG_STRUCTURE, "element has more than one Signature");
    }
    if (n == 1) {
        *sig = sso_xml_child(d, elem, SSO_NS_DS, "Signature");
    }
    return SSO_OK;
}

static int verify_sig(struct resp_work *w, const struct sso_xml_doc *d, int elem, int sig,
                      const char *what)
{
    char detail[128];
    int rc;
    SSO_PROBE_PUSH(SSO_PROBE_DSIG);
    rc = sso_dsig_verify(d, elem, sig, &w->cfg->trust, &w->cfg->dsig, NULL, detail, sizeof(detail));
    SSO_PROBE_POP();
    if (rc != SSO_OK) {
        rc = fail(w, rc, "%s signature: %s", what, detail);
        w->err->where = what;
        return rc;
    }
    return SSO_OK;
}

/* ---- Assertion ---------------------------------------------------------------------------- */

static bool time_before(int64_t a, int64_t b)
{
    return a < b;
}

/* NotBefore/NotOnOrAfter of @p node against now with skew (§21: both windows). */
static int check_window(struct resp_work *w, const struct sso_xml_doc *d, int node,
                        bool require_noa, const char *what)
{
    int64_t nb = 0, noa = 0, now = w->p->now_s, skew = w->cfg->skew_s;
    bool has_nb, has_noa;
    if (time_attr(d, node, "NotBefore", &nb, &has_nb) != SSO_OK ||
        time_attr(d, node, "NotOnOrAfter", &noa, &has_noa) != SSO_OK) {
        return fail(w, SSO_E_RESP_MALFORMED, "%s has an invalid time", what);
    }
    if (require_noa && !has_noa) {
        return fail(w, SSO_E_RESP_SUBJECT, "%s has no NotOnOrAfter", what);
    }
    if (has_nb && time_before(now + skew, nb)) {
        int rc = fail(w, SSO_E_RESP_NOT_YET_VALID, "%s is not valid yet (clock skew?)", what);
        w->err->bound_s = nb;
        w->err->where = what;
        return rc;
    }
    /* NotOnOrAfter is exclusive. */
    if (has_noa && !time_before(now, noa + skew)) {
        int rc = fail(w, SSO_E_RESP_EXPIRED, "%s has expired", what);
        w->err->bound_s = noa;
        w->err->where = what;
        return rc;
    }
    if (has_noa && (w->expiry_s == 0 || noa < w->expiry_s)) {
        w->expiry_s = noa;
    }
    return SSO_OK;
}

static bool is_outstanding(const struct resp_work *w, const char *id)
{
    for (unsigned i = 0; i < w->p->outstanding_count; i++) {
        if (w->p->outstanding[i] != NULL && strcmp(w->p->outstanding[i], id) == 0) {
            return true;
        }
    }
    return false;
}

/*
 * One bearer SubjectConfirmation (SAML profiles 4.1.4.2): Recipient must be our ACS
 * (§20), NotOnOrAfter must be present and in the future (§21), InResponseTo must agree with
 * the Response's (§22).
 */
static int check_bearer(struct resp_work *w, int sc)
{
    const struct sso_xml_doc *d = w->ad;
    int scd = sso_xml_child(d, sc, SSO_NS_SAML, "SubjectConfirmationData");
    int rc;
    if (scd < 0) {
        return fail0(w, SSO_E_RESP_SUBJECT, "bearer SubjectConfirmation without data");
    }
    if (!attr_copy(d, scd, "Recipient", w->tmp, sizeof(w->tmp))) {
        return fail0(w, SSO_E_RESP_RECIPIENT, "bearer SubjectConfirmationData has no Recipient");
    }
    if (strcmp(w->tmp, w->cfg->acs_url) != 0) {
        rc = fail(w, SSO_E_RESP_RECIPIENT, "Recipient '%s' is not this ACS URL '%s'", w->tmp,
                  w->cfg->acs_url);
        note_got(w, w->tmp);
        w->err->where = "SubjectConfirmationData";
        return rc;
    }
    rc = check_window(w, d, scd, true, "SubjectConfirmationData");
    if (rc != SSO_OK) {
        return rc;
    }
    {
        struct sso_str irt;
        if (sso_xml_attr(d, scd, NULL, "InResponseTo", &irt)) {
            if (sso_str_copy(w->scd_irt, sizeof(w->scd_irt), irt) != SSO_OK) {
                return fail0(w, SSO_E_XML_LIMIT, "InResponseTo is too long");
            }
            if (w->have_resp_irt && !sso_str_eqv(w->resp_irt, irt)) {
                return fail0(w, SSO_E_RESP_IN_RESPONSE_TO,
                             "InResponseTo differs between Response and SubjectConfirmationData");
            }
        }
    }
    return SSO_OK;
}

static int check_subject(struct resp_work *w, int subject)
{
    const struct sso_xml_doc *d = w->ad;
    int name_id = -1, rc, first_err = SSO_OK;
    bool any_bearer = false;

    for (int c = sso_xml_first_elem(d, subject); c >= 0; c = sso_xml_next_elem(d, c)) {
        if (sso_xml_is(d, c, SSO_NS_SAML, "NameID")) {
            if (name_id >= 0) {
                return fail0(w, SSO_E_RESP_NAMEID, "Subject has more than one NameID");
            }
            name_id = c;
        } else if (sso_xml_is(d, c, SSO_NS_SAML, "EncryptedID") ||
                   sso_xml_is(d, c, SSO_NS_SAML, "BaseID")) {
            return fail0(w, SSO_E_RESP_NAMEID, "Subject identifier must be a plain NameID");
        }
    }
    if (name_id < 0) {
        return fail0(w, SSO_E_RESP_NAMEID, "Subject has no NameID");
    }
    /* The full string value, never the first text node (§4, CVE-2017-11427). */
    rc = text_of(d, name_id, w->out->name_id, sizeof(w->out->name_id));
    if (rc != SSO_OK || w->out->name_id[0] == '\0') {
        return fail0(w, SSO_E_RESP_NAMEID, "NameID is empty, too long or not plain text");
    }
    if (attr_copy_opt(d, name_id, "Format", w->out->name_id_format,
                      sizeof(w->out->name_id_format)) != SSO_OK) {
        return fail0(w, SSO_E_XML_LIMIT, "NameID Format is too long");
    }

    /* At least one bearer confirmation must pass; report the first failure otherwise. */
    for (int c = sso_xml_first_elem(d, subject); c >= 0; c = sso_xml_next_elem(d, c)) {
        struct sso_str method;
        if (!sso_xml_is(d, c, SSO_NS_SAML, "SubjectConfirmation") ||
            !sso_xml_attr(d, c, NULL, "Method", &method) || !sso_str_eq(method, CM_BEARER)) {
            continue;
        }
        any_bearer = true;
        w->scd_irt[0] = '\0';
        rc = check_bearer(w, c);
        if (rc == SSO_OK) {
            return SSO_OK;
        }
        if (first_err == SSO_OK) {
            first_err = rc;
            w->first_err = *w->err;
        }
        memset(w->err, 0, sizeof(*w->err));
    }
    if (!any_bearer) {
        return fail0(w, SSO_E_RESP_SUBJECT, "no bearer SubjectConfirmation");
    }
    *w->err = w->first_err;
    return first_err;
}

/*
 * Conditions (SAML core 2.5): the time window, and every AudienceRestriction must name
 * this SP exactly (§19). A Condition we do not understand makes the assertion
 * indeterminate, which is a refusal.
 */
static int check_conditions(struct resp_work *w, int cond)
{
    const struct sso_xml_doc *d = w->ad;
    unsigned restrictions = 0;
    int rc = check_window(w, d, cond, false, "Conditions");
    w->tmp[0] = '\0';
    if (rc != SSO_OK) {
        return rc;
    }
    for (int c = sso_xml_first_elem(d, cond); c >= 0; c = sso_xml_next_elem(d, c)) {
        if (sso_xml_is(d, c, SSO_NS_SAML, "AudienceRestriction")) {
            bool match = false;
            restrictions++;
            for (int a = sso_xml_first_elem(d, c); a >= 0; a = sso_xml_next_elem(d, a)) {
                if (!sso_xml_is(d, a, SSO_NS_SAML, "Audience")) {
                    return fail0(w, SSO_E_RESP_MALFORMED,
                                 "unexpected element in AudienceRestriction");
                }
                rc = text_of(d, a, w->tmp, sizeof(w->tmp));
                if (rc == SSO_OK && strcmp(w->tmp, w->cfg->sp_entity_id) == 0) {
                    match = true;
                }
            }
            if (!match) {
                rc = fail(w, SSO_E_RESP_AUDIENCE, "Audience '%s' is not this SP '%s'", w->tmp,
                          w->cfg->sp_entity_id);
                note_got(w, w->tmp);
                w->err->where = "Conditions";
                return rc;
            }
        } else if (sso_xml_is(d, c, SSO_NS_SAML, "OneTimeUse") ||
                   sso_xml_is(d, c, SSO_NS_SAML, "ProxyRestriction")) {
            /* OneTimeUse is what the replay cache enforces anyway; ProxyRestriction limits
             * what we may issue on, and we issue nothing. */
            continue;
        } else {
            return fail0(w, SSO_E_RESP_MALFORMED, "unknown Condition (assertion indeterminate)");
        }
    }
    if (restrictions == 0) {
        /* Profiles 4.1.4.2: a bearer assertion MUST have an AudienceRestriction. */
        return fail0(w, SSO_E_RESP_AUDIENCE, "assertion has no AudienceRestriction");
    }
    return SSO_OK;
}

static int check_authn_statement(struct resp_work *w, int st)
{
    const struct sso_xml_doc *d = w->ad;
    int64_t snoa = 0;
    bool has;
    if (attr_copy_opt(d, st, "SessionIndex", w->out->session_index,
                      sizeof(w->out->session_index)) != SSO_OK) {
        return fail0(w, SSO_E_XML_LIMIT, "SessionIndex is too long");
    }
    if (time_attr(d, st, "SessionNotOnOrAfter", &snoa, &has) != SSO_OK) {
        return fail0(w, SSO_E_RESP_MALFORMED, "invalid SessionNotOnOrAfter");
    }
    if (has) {
        if (!time_before(w->p->now_s, snoa + w->cfg->skew_s)) {
            return fail0(w, SSO_E_RESP_EXPIRED, "the IdP session has ended (SessionNotOnOrAfter)");
        }
        w->out->session_not_on_or_after_s = snoa;
    }
    return SSO_OK;
}

/* Append a NUL-terminated string to the result pool; its offset in *off. */
static int pool_put(struct resp_work *w, const char *s, uint16_t *off)
{
    size_t n = strlen(s) + 1;
    struct sso_resp_result *r = w->out;
    if (n > sizeof(r->pool) - r->pool_len) {
        return fail0(w, SSO_E_XML_LIMIT, "attributes exceed the result pool");
    }
    memcpy(r->pool + r->pool_len, s, n);
    *off = r->pool_len;
    r->pool_len = (uint16_t)(r->pool_len + n);
    return SSO_OK;
}

/* Append the string value of every AttributeValue of Attribute @p a to the result. */
static int collect_values(struct resp_work *w, int a, struct sso_resp_attr *ra)
{
    const struct sso_xml_doc *d = w->ad;
    struct sso_resp_result *r = w->out;
    for (int v = sso_xml_first_elem(d, a); v >= 0; v = sso_xml_next_elem(d, v)) {
        size_t len;
        int rc;
        if (!sso_xml_is(d, v, SSO_NS_SAML, "AttributeValue")) {
            continue;
        }
        if (r->value_count == SSO_CFG_RESP_MAX_VALUES) {
            return fail0(w, SSO_E_XML_LIMIT, "too many attribute values");
        }
        /* Full string value: every text node, comments ignored (§4). */
        if (sso_xml_string_value(d, v, w->tmp, sizeof(w->tmp), &len) != SSO_OK) {
            return fail0(w, SSO_E_XML_LIMIT, "attribute value too long");
        }
        rc = pool_put(w, w->tmp, &r->value_off[r->value_count]);
        if (rc != SSO_OK) {
            return rc;
        }
        r->value_count++;
        ra->value_count++;
    }
    return SSO_OK;
}

static unsigned value_count_of(const struct sso_xml_doc *d, int a)
{
    return sso_xml_child_count(d, a, SSO_NS_SAML, "AttributeValue");
}

/*
 * Attributes of every AttributeStatement, in document order, one entry per Name with all its
 * values. Some IdPs (Keycloak) send one Attribute element per value, so repeated Names are
 * merged. An assertion that mixes both forms (a Name repeated while another Attribute holds
 * several values) says the same thing two ways and is refused as ambiguous, as python3-saml
 * does with its duplicated_attributes case: a second single-valued "uid" then is not a set.
 */
static int collect_attributes(struct resp_work *w)
{
    const struct sso_xml_doc *d = w->ad;
    struct sso_resp_result *r = w->out;
    bool repeated = false, multi = false;
    int st, a, b;

    for (st = sso_xml_first_elem(d, w->assertion); st >= 0; st = sso_xml_next_elem(d, st)) {
        if (!sso_xml_is(d, st, SSO_NS_SAML, "AttributeStatement")) {
            continue;
        }
        for (a = sso_xml_first_elem(d, st); a >= 0; a = sso_xml_next_elem(d, a)) {
            struct sso_resp_attr *ra;
            struct sso_str name;
            int rc;
            if (!sso_xml_is(d, a, SSO_NS_SAML, "Attribute")) {
                continue; /* EncryptedAttribute: not for us */
            }
            if (!sso_xml_attr(d, a, NULL, "Name", &name) ||
                sso_str_copy(w->tmp, sizeof(w->tmp), name) != SSO_OK) {
                return fail0(w, SSO_E_RESP_MALFORMED, "Attribute without a usable Name");
            }
            multi = multi || value_count_of(d, a) > 1;
            if (sso_resp_attr_find(r, w->tmp) >= 0) {
                repeated = true; /* its values were gathered with the first element */
                continue;
            }
            if (r->attr_count == SSO_CFG_RESP_MAX_ATTRS) {
                return fail0(w, SSO_E_XML_LIMIT, "too many attributes");
            }
            ra = &r->attrs[r->attr_count];
            rc = pool_put(w, w->tmp, &ra->name_off);
            if (rc != SSO_OK) {
                return rc;
            }
            ra->first_value = (uint16_t)r->value_count;
            ra->value_count = 0;
            r->attr_count++;
            /* This Name's values from every Attribute element, kept contiguous. */
            for (int st2 = st; st2 >= 0; st2 = sso_xml_next_elem(d, st2)) {
                if (!sso_xml_is(d, st2, SSO_NS_SAML, "AttributeStatement")) {
                    continue;
                }
                for (b = st2 == st ? a : sso_xml_first_elem(d, st2); b >= 0;
                     b = sso_xml_next_elem(d, b)) {
                    struct sso_str n2;
                    if (sso_xml_is(d, b, SSO_NS_SAML, "Attribute") &&
                        sso_xml_attr(d, b, NULL, "Name", &n2) && sso_str_eqv(n2, name)) {
                        rc = collect_values(w, b, ra);
                        if (rc != SSO_OK) {
                            return rc;
                        }
                    }
                }
            }
        }
    }
    if (repeated && multi) {
        return fail0(w, SSO_E_RESP_MALFORMED,
                     "an attribute Name is repeated while others are multi-valued (ambiguous)");
    }
    return SSO_OK;
}

static int check_assertion(struct resp_work *w)
{
    const struct sso_xml_doc *d = w->ad;
    int a = w->assertion;
    int issuer = -1, subject = -1, conditions = -1, authn = -1, rc;
    struct sso_str v;
    bool have_ii;

    if (!sso_xml_attr(d, a, NULL, "Version", &v) || !sso_str_eq(v, "2.0")) {
        return fail0(w, SSO_E_RESP_VERSION, "Assertion is not SAML 2.0");
    }
    if (!attr_copy(d, a, "ID", w->out->assertion_id, sizeof(w->out->assertion_id)) ||
        w->out->assertion_id[0] == '\0') {
        return fail0(w, SSO_E_RESP_MALFORMED, "Assertion has no usable ID");
    }
    if (time_attr(d, a, "IssueInstant", &w->out->issue_instant_s, &have_ii) != SSO_OK || !have_ii) {
        return fail0(w, SSO_E_RESP_MALFORMED, "Assertion has no valid IssueInstant");
    }
    for (int c = sso_xml_first_elem(d, a); c >= 0; c = sso_xml_next_elem(d, c)) {
        int *slot = NULL;
        if (sso_xml_is(d, c, SSO_NS_SAML, "Issuer")) {
            slot = &issuer;
        } else if (sso_xml_is(d, c, SSO_NS_SAML, "Subject")) {
            slot = &subject;
        } else if (sso_xml_is(d, c, SSO_NS_SAML, "Conditions")) {
            slot = &conditions;
        } else if (sso_xml_is(d, c, SSO_NS_SAML, "AuthnStatement")) {
            if (authn < 0) {
                authn = c;
            }
            continue;
        } else {
            continue; /* Signature, Advice (never read), statements handled below */
        }
        if (*slot >= 0) {
            return fail0(w, SSO_E_RESP_MALFORMED,
                         "Assertion repeats Issuer, Subject or Conditions");
        }
        *slot = c;
    }
    if (issuer < 0) {
        return fail0(w, SSO_E_RESP_ISSUER, "Assertion has no Issuer");
    }
    rc = check_issuer(w, d, issuer, "Assertion");
    if (rc != SSO_OK) {
        return rc;
    }
    sso_str_copy(w->out->issuer, sizeof(w->out->issuer), sso_str_c(w->tmp));
    if (subject < 0) {
        return fail0(w, SSO_E_RESP_SUBJECT, "Assertion has no Subject");
    }
    if (conditions < 0) {
        return fail0(w, SSO_E_RESP_AUDIENCE, "Assertion has no Conditions/AudienceRestriction");
    }
    rc = check_conditions(w, conditions);
    if (rc == SSO_OK) {
        rc = check_subject(w, subject);
    }
    if (rc != SSO_OK) {
        return rc;
    }
    /* Profiles 4.1.4.2 wants an AuthnStatement, but Keycloak sends none; nothing here
     * depends on it except SessionIndex and SessionNotOnOrAfter, read when present. */
    if (authn >= 0) {
        rc = check_authn_statement(w, authn);
        if (rc != SSO_OK) {
            return rc;
        }
    }
    return collect_attributes(w);
}

/* ---- InResponseTo and replay ------------------------------------------------------------ */

static int check_one_time_use(struct resp_work *w)
{
    const struct sso_resp_params *p = w->p;
    const char *irt;
    /* Only a signed InResponseTo decides whether this answers one of our requests: the
     * bearer SubjectConfirmationData's (inside the signed Assertion), or the Response's
     * when the Response itself is signed. Otherwise anyone could dress a captured
     * IdP-initiated assertion up as solicited by adding the attribute to the unsigned
     * envelope (§22). */
    if (w->scd_irt[0] != '\0') {
        sso_str_copy(w->out->in_response_to, sizeof(w->out->in_response_to), sso_str_c(w->scd_irt));
    } else if (w->have_resp_irt && w->out->response_signed) {
        if (sso_str_copy(w->out->in_response_to, sizeof(w->out->in_response_to), w->resp_irt) !=
            SSO_OK) {
            return fail0(w, SSO_E_XML_LIMIT, "InResponseTo is too long");
        }
    } else if (w->have_resp_irt) {
        return fail0(w, SSO_E_RESP_IN_RESPONSE_TO,
                     "InResponseTo appears only on the unsigned Response envelope");
    }
    irt = w->out->in_response_to;
    if (irt[0] != '\0') {
        /* A solicited response must answer a request this SP has outstanding (§22). */
        if (!is_outstanding(w, irt)) {
            int rc = fail(w, SSO_E_RESP_IN_RESPONSE_TO,
                          "InResponseTo '%s' is not an outstanding request of this SP", irt);
            note_got(w, irt);
            return rc;
        }
    } else if (!w->cfg->allow_unsolicited) {
        return fail0(w, SSO_E_RESP_UNSOLICITED,
                     "IdP-initiated response, but this SP accepts only SP-initiated logins");
    }
    /* One-time use (§18), also for IdP-initiated responses, which have no request ID to
     * use up. Checked last: a refused response must not poison the cache. */
    if (p->replay != NULL) {
        int64_t until = w->expiry_s + (int64_t)w->cfg->skew_s;
        if (sso_replay_seen(p->replay, w->out->issuer, w->out->assertion_id, p->now_s)) {
            return fail0(w, SSO_E_RESP_REPLAY, "this assertion was already used");
        }
        if (sso_replay_add(p->replay, w->out->issuer, w->out->assertion_id, until, p->now_s) !=
            SSO_OK) {
            return fail0(w, SSO_E_RESP_REPLAY_FULL, "replay cache is full; try again later");
        }
    }
    return SSO_OK;
}

/* ---- top level ------------------------------------------------------------------------------ */

static int validate(struct resp_work *w, char *xml, size_t len)
{
    int issuer = -1, status = -1, resp_sig = -1, asrt_sig = -1, rc;
    unsigned n_assert = 0, n_enc = 0;
    int ea = -1;
    struct sso_str v;
    char detail[128];

    if (!w->p->time_known) {
        return fail0(w, SSO_E_RESP_TIME_UNKNOWN, "device time is not synchronised; no SSO login");
    }
    if (w->cfg->sp_entity_id == NULL || w->cfg->acs_url == NULL || w->cfg->idp_entity_id == NULL) {
        return fail0(w, SSO_E_INVAL, "SP entity ID, ACS URL and IdP entity ID are required");
    }
    SSO_PROBE_PUSH(SSO_PROBE_PARSE);
    rc = sso_xml_parse(&w->doc, xml, len, NULL);
    SSO_PROBE_POP();
    if (rc != SSO_OK) {
        return fail(w, rc, "%s", sso_strerror(rc));
    }
    w->root = sso_xml_root(&w->doc);
    if (!sso_xml_is(&w->doc, w->root, SSO_NS_SAMLP, "Response")) {
        return fail0(w, SSO_E_RESP_MALFORMED, "root element is not samlp:Response");
    }
    if (!sso_xml_attr(&w->doc, w->root, NULL, "Version", &v) || !sso_str_eq(v, "2.0")) {
        return fail0(w, SSO_E_RESP_VERSION, "Response is not SAML 2.0");
    }
    if (!attr_copy(&w->doc, w->root, "ID", w->out->response_id, sizeof(w->out->response_id)) ||
        w->out->response_id[0] == '\0') {
        return fail0(w, SSO_E_RESP_MALFORMED, "Response has no usable ID");
    }
    rc = collect_ids(w, &w->doc);
    if (rc != SSO_OK) {
        return rc;
    }

    /* Response = Issuer? Signature? Extensions? Status (Assertion|EncryptedAssertion)*.
     * Exactly one assertion, and only as a direct child of the root (§1, §26). */
    for (int c = sso_xml_first_child(&w->doc, w->root); c >= 0; c = sso_xml_next(&w->doc, c)) {
        enum sso_xml_type t = sso_xml_type(&w->doc, c);
        if (t == SSO_XML_TEXT && !sso_str_is_blank(sso_xml_text(&w->doc, c))) {
            return fail0(w, SSO_E_RESP_MALFORMED, "unexpected text in Response");
        }
        if (t != SSO_XML_ELEMENT) {
            continue;
        }
        if (sso_xml_is(&w->doc, c, SSO_NS_SAML, "Issuer") && issuer < 0) {
            issuer = c;
        } else if (sso_xml_is(&w->doc, c, SSO_NS_DS, "Signature")) {
            if (resp_sig >= 0) {
                return fail0(w, SSO_E_DSIG_STRUCTURE, "Response has more than one Signature");
            }
            resp_sig = c;
        } else if (sso_xml_is(&w->doc, c, SSO_NS_SAMLP, "Extensions")) {
            continue; /* never read (§26) */
        } else if (sso_xml_is(&w->doc, c, SSO_NS_SAMLP, "Status") && status < 0) {
            status = c;
        } else if (sso_xml_is(&w->doc, c, SSO_NS_SAML, "Assertion")) {
            n_assert++;
            w->assertion = c;
        } else if (sso_xml_is(&w->doc, c, SSO_NS_SAML, "EncryptedAssertion")) {
            n_enc++;
            ea = c;
        } else {
            return fail0(w, SSO_E_RESP_MALFORMED, "unexpected element in Response");
        }
    }
    if (status < 0) {
        return fail0(w, SSO_E_RESP_MALFORMED, "Response has no Status");
    }
    rc = check_status(w, status);
    if (rc != SSO_OK) {
        return rc;
    }
    if (n_assert + n_enc != 1) {
        return fail0(w, SSO_E_RESP_ASSERTION_COUNT,
                     "Response must carry exactly one Assertion or EncryptedAssertion");
    }
    w->have_resp_irt = sso_xml_attr(&w->doc, w->root, NULL, "InResponseTo", &w->resp_irt);

    /* A signature present on the Response must verify, even if the Assertion's does: a
     * conforming SP never ignores a failing signature. */
    if (resp_sig >= 0) {
        rc = verify_sig(w, &w->doc, w->root, resp_sig, "Response");
        if (rc != SSO_OK) {
            return rc;
        }
        w->out->response_signed = true;
    }
    if (issuer >= 0) {
        rc = check_issuer(w, &w->doc, issuer, "Response");
        if (rc != SSO_OK) {
            return rc;
        }
    }
    /* Destination (bindings 3.5.5.2): when present it must be our ACS (§20). The binding
     * also requires it on a signed Response, but IdPs omit it (gosaml2's controls, and
     * PingFederate when only the Assertion is signed); the bearer Recipient, which is
     * required and signed, binds the assertion to this ACS either way. */
    if (sso_xml_attr(&w->doc, w->root, NULL, "Destination", &v) &&
        !sso_str_eq(v, w->cfg->acs_url)) {
        sso_str_copy(w->tmp, sizeof(w->tmp), v);
        rc = fail(w, SSO_E_RESP_DESTINATION, "Destination '%s' is not this ACS URL '%s'", w->tmp,
                  w->cfg->acs_url);
        note_got(w, w->tmp);
        w->err->where = "Response";
        return rc;
    }

    /* The Assertion: decrypted first if need be, then its own signature. */
    w->ad = &w->doc;
    if (n_enc == 1) {
        SSO_PROBE_PUSH(SSO_PROBE_DECRYPT);
        rc = sso_enc_decrypt_assertion(&w->doc, ea, w->cfg->sp_key_der, w->cfg->sp_key_len,
                                       w->p->rng, w->p->rng_ctx, NULL, &w->dec, &w->assertion,
                                       detail, sizeof(detail));
        SSO_PROBE_POP();
        if (rc != SSO_OK) {
            return fail(w, rc, "%s", detail);
        }
        w->ad = &w->dec;
        w->out->encrypted = true;
        rc = collect_ids(w, &w->dec);
        if (rc != SSO_OK) {
            return rc;
        }
    }
    rc = signature_child(w, w->ad, w->assertion, &asrt_sig);
    if (rc != SSO_OK) {
        return rc;
    }
    if (asrt_sig >= 0) {
        rc = verify_sig(w, w->ad, w->assertion, asrt_sig, "Assertion");
        if (rc != SSO_OK) {
            return rc;
        }
        w->out->assertion_signed = true;
    }
    /* A valid signature must cover the Assertion: its own, or the Response's, whose
     * Reference named the root and so covered this direct child (§2). Never "if signed,
     * verify". */
    if (!w->out->assertion_signed && !w->out->response_signed) {
        return fail0(w, SSO_E_DSIG_MISSING, "neither the Response nor the Assertion is signed");
    }

    rc = check_assertion(w);
    if (rc != SSO_OK) {
        return rc;
    }
    w->out->not_on_or_after_s = w->expiry_s;
    return check_one_time_use(w);
}

int sso_resp_validate(char *xml, size_t len, const struct sso_resp_config *cfg,
                      const struct sso_resp_params *params, struct sso_resp_result *out,
                      struct sso_resp_error *err)
{
    struct resp_work *w;
    int rc;
    memset(out, 0, sizeof(*out));
    memset(err, 0, sizeof(*err));
    w = sso_calloc(1, sizeof(*w));
    if (w == NULL) {
        err->code = SSO_E_NOMEM;
        snprintf(err->detail, sizeof(err->detail), "%s", sso_strerror(SSO_E_NOMEM));
        return SSO_E_NOMEM;
    }
    w->cfg = cfg;
    w->p = params;
    w->out = out;
    w->err = err;
    w->assertion = -1;
    rc = validate(w, xml, len);
    sso_xml_free(&w->dec);
    sso_xml_free(&w->doc);
    sso_free(w);
    if (rc != SSO_OK) {
        if (err->code == SSO_OK) {
            err->code = rc;
            snprintf(err->detail, sizeof(err->detail), "%s", sso_strerror(rc));
        }
        memset(out, 0, sizeof(*out));
        return rc;
    }
    err->code = SSO_OK;
    return SSO_OK;
}

const char *sso_resp_attr_name(const struct sso_resp_result *r, unsigned i)
{
    return i < r->attr_count ? r->pool + r->attrs[i].name_off : NULL;
}

const char *sso_resp_attr_value(const struct sso_resp_result *r, unsigned i, unsigned j)
{
    if (i >= r->attr_count || j >= r->attrs[i].value_count) {
        return NULL;
    }
    return r->pool + r->value_off[r->attrs[i].first_value + j];
}

int sso_resp_attr_find(const struct sso_resp_result *r, const char *name)
{
    for (unsigned i = 0; i < r->attr_count; i++) {
        if (strcmp(r->pool + r->attrs[i].name_off, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}
