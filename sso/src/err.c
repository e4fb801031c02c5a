/* Names and details of the sso_err codes (table in sso/err.h). */
#include "sso/err.h"

#include "sso/sso_config.h"

const char *sso_err_code(int err)
{
    switch (err) {
#define SSO_ERR_NAME(name, value, code, detail)                                                    \
    case (value):                                                                                  \
        return code;
        SSO_ERR_TABLE(SSO_ERR_NAME)
#undef SSO_ERR_NAME
    default:
        return "unknown_error";
    }
}

const char *sso_strerror(int err)
{
#if SSO_CFG_STRERROR
    switch (err) {
#define SSO_ERR_DETAIL(name, value, code, detail)                                                  \
    case (value):                                                                                  \
        return detail;
        SSO_ERR_TABLE(SSO_ERR_DETAIL)
#undef SSO_ERR_DETAIL
    default:
        return "unknown error";
    }
#else
    return sso_err_code(err);
#endif
}
