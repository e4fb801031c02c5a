/**
 * @file err.h
 * @brief Error codes of the SAML core.
 *
 * Every function of sso/ returns an int: SSO_OK (0), a non-negative count where one is
 * meaningful, or a negative code below. Each code has a stable snake_case name (what the
 * audit log and the CLI print, and what tests match on) and a one-line human detail.
 * Generic codes use the same literal numbers as hal/hal_err.h, so the firmware glue can
 * pass HAL errors straight through.
 *
 * The table is an X-macro so that the enum, the names and the details cannot drift apart.
 */
#ifndef SSO_ERR_H
#define SSO_ERR_H

/* X(enum name, value, stable code, human detail) */
#define SSO_ERR_TABLE(X)                                                                           \
    X(SSO_OK, 0, "ok", "success")                                                                  \
    X(SSO_E_INTERNAL, -1, "internal_error", "internal error")                                      \
    X(SSO_E_IO, -5, "io_error", "storage or transport I/O failed")                                 \
    X(SSO_E_NOMEM, -12, "out_of_memory", "allocation failed")                                      \
    X(SSO_E_INVAL, -22, "invalid_argument", "invalid argument")                                    \
    X(SSO_E_NOSPC, -28, "buffer_too_small", "output buffer too small")                             \
    X(SSO_E_RANDOM, -29, "random_failed", "random source failed")                                  \
    /* -1000: XML and canonicalization */                                                          \
    X(SSO_E_XML_SYNTAX, -1000, "xml_malformed", "document is not well-formed XML")                 \
    X(SSO_E_XML_LIMIT, -1001, "xml_limit", "document exceeds a size, depth or count limit")        \
    X(SSO_E_XML_DTD, -1002, "xml_dtd_forbidden", "DOCTYPE or entity declaration present")          \
    X(SSO_E_XML_PI, -1003, "xml_pi_forbidden", "processing instruction present")                   \
    X(SSO_E_XML_ENCODING, -1004, "xml_encoding", "document is not valid UTF-8")                    \
    X(SSO_E_XML_NAMESPACE, -1005, "xml_namespace",                                                 \
      "namespace error (undeclared prefix, bad name)")                                             \
    X(SSO_E_XML_ENTITY, -1006, "xml_entity", "unknown entity or invalid character reference")      \
    X(SSO_E_XML_DUP_ATTR, -1007, "xml_duplicate_attribute", "attribute given twice")               \
    X(SSO_E_XML_NOT_FOUND, -1008, "xml_not_found", "required element not found")                   \
    /* -1100: XML-DSig */                                                                          \
    X(SSO_E_DSIG_MISSING, -1100, "signature_missing", "no signature covers the assertion")         \
    X(SSO_E_DSIG_STRUCTURE, -1101, "signature_malformed", "Signature element is malformed")        \
    X(SSO_E_DSIG_ALG, -1102, "signature_algorithm", "signature or digest algorithm not allowed")   \
    X(SSO_E_DSIG_WEAK_ALG, -1103, "weak_algorithm", "SHA-1 used without the legacy opt-in")        \
    X(SSO_E_DSIG_TRANSFORM, -1104, "transform_not_allowed", "transform not on the allow-list")     \
    X(SSO_E_DSIG_REF, -1105, "reference_invalid",                                                  \
      "Reference must be exactly one '#ID' naming the signed element")                             \
    X(SSO_E_DSIG_DUP_ID, -1106, "duplicate_id", "two elements carry the same ID")                  \
    X(SSO_E_DSIG_DIGEST, -1107, "digest_mismatch", "digest of the signed element does not match")  \
    X(SSO_E_DSIG_BAD, -1108, "signature_invalid",                                                  \
      "signature does not verify with any configured IdP certificate")                             \
    X(SSO_E_DSIG_NO_KEY, -1109, "no_trusted_key", "no usable IdP certificate is configured")       \
    X(SSO_E_DSIG_KEY_WEAK, -1110, "key_too_weak", "IdP key is too small (RSA under 2048 bits)")    \
    /* -1200: Response and Assertion */                                                            \
    X(SSO_E_RESP_MALFORMED, -1200, "response_malformed", "not a SAML 2.0 Response")                \
    X(SSO_E_RESP_STATUS, -1201, "status_not_success", "IdP returned a non-success status")         \
    X(SSO_E_RESP_ISSUER, -1202, "issuer_mismatch", "Issuer is not the configured IdP")             \
    X(SSO_E_RESP_DESTINATION, -1203, "destination_mismatch", "Destination is not this ACS URL")    \
    X(SSO_E_RESP_AUDIENCE, -1204, "audience_mismatch", "Audience is not this SP entity ID")        \
    X(SSO_E_RESP_RECIPIENT, -1205, "recipient_mismatch", "Recipient is not this ACS URL")          \
    X(SSO_E_RESP_SUBJECT, -1206, "subject_confirmation", "no valid bearer SubjectConfirmation")    \
    X(SSO_E_RESP_NOT_YET_VALID, -1207, "not_yet_valid", "assertion is not yet valid")              \
    X(SSO_E_RESP_EXPIRED, -1208, "expired", "assertion has expired")                               \
    X(SSO_E_RESP_IN_RESPONSE_TO, -1209, "in_response_to_mismatch",                                 \
      "InResponseTo does not match an outstanding request")                                        \
    X(SSO_E_RESP_UNSOLICITED, -1210, "unsolicited_not_allowed",                                    \
      "IdP-initiated (unsolicited) response not allowed")                                          \
    X(SSO_E_RESP_REPLAY, -1211, "replay", "assertion was already used")                            \
    X(SSO_E_RESP_ASSERTION_COUNT, -1212, "assertion_count",                                        \
      "Response must carry exactly one Assertion")                                                 \
    X(SSO_E_RESP_NAMEID, -1213, "nameid_missing", "assertion has no usable NameID")                \
    X(SSO_E_RESP_TIME_UNKNOWN, -1214, "time_unknown", "device time is not synchronised")           \
    X(SSO_E_RESP_VERSION, -1215, "version_unsupported", "not SAML version 2.0")                    \
    X(SSO_E_RESP_REPLAY_FULL, -1216, "replay_cache_full", "replay cache is full")                  \
    X(SSO_E_ENC_ALG, -1250, "encryption_algorithm", "encryption algorithm not allowed")            \
    X(SSO_E_ENC_DECRYPT, -1251, "decryption_failed", "encrypted assertion could not be decrypted") \
    X(SSO_E_ENC_NO_KEY, -1252, "no_sp_key", "encrypted assertion but no SP key configured")        \
    /* -1300: sessions */                                                                          \
    X(SSO_E_SESS_FULL, -1300, "session_table_full", "session table is full")                       \
    /* -1400: IdP metadata */                                                                      \
    X(SSO_E_MD_MALFORMED, -1400, "metadata_malformed", "not SAML 2.0 metadata")                    \
    X(SSO_E_MD_NO_IDP, -1401, "metadata_no_idp", "metadata has no IDPSSODescriptor")               \
    X(SSO_E_MD_NO_SSO, -1402, "metadata_no_sso_url",                                               \
      "metadata has no HTTP-Redirect or HTTP-POST SingleSignOnService")                            \
    X(SSO_E_MD_NO_CERT, -1403, "metadata_no_signing_cert", "metadata has no signing certificate")  \
    X(SSO_E_MD_CERT, -1404, "certificate_invalid", "certificate cannot be parsed")                 \
    X(SSO_E_MD_EXPIRED, -1405, "metadata_expired", "metadata validUntil is in the past")           \
    X(SSO_E_MD_TOO_MANY, -1406, "metadata_ambiguous", "metadata holds several IdP entities")       \
    /* -1500: config records */                                                                    \
    X(SSO_E_CFG_CORRUPT, -1500, "config_corrupt", "config record is corrupt (CRC or framing)")     \
    X(SSO_E_CFG_VERSION, -1501, "config_version", "config record version not supported")           \
    X(SSO_E_CFG_EMPTY, -1502, "config_empty", "no valid config record stored")                     \
    /* -1600: bindings */                                                                          \
    X(SSO_E_B64, -1600, "base64_invalid", "invalid base64")                                        \
    X(SSO_E_URL, -1601, "url_invalid", "invalid URL or URL encoding")                              \
    X(SSO_E_RELAY_STATE, -1602, "relay_state_invalid", "RelayState is not a local path")           \
    X(SSO_E_DEFLATE, -1603, "deflate_invalid", "invalid or oversized DEFLATE data")

enum sso_err {
#define SSO_ERR_ENUM(name, value, code, detail) name = (value),
    SSO_ERR_TABLE(SSO_ERR_ENUM)
#undef SSO_ERR_ENUM
};

/**
 * @brief Stable snake_case name of @p err ("digest_mismatch"), for logs and JSON.
 * @return a static string; "unknown_error" for a value not in the table.
 */
const char *sso_err_code(int err);

/**
 * @brief One-line human description of @p err.
 * @return a static string; never NULL.
 */
const char *sso_strerror(int err);

#endif /* SSO_ERR_H */
