/**
 * @file hal_err.h
 * @brief Error numbers of the HAL. Written out literally (littlefs style): newlib's errno
 *        values differ from glibc's for some codes, so they are never taken from errno.h.
 *        The SAML core's generic codes (sso/err.h) use the same numbers.
 */
#ifndef HAL_ERR_H
#define HAL_ERR_H

#define HAL_OK      0
#define HAL_EIO     (-5)  /**< the device failed (flash program error, power cut) */
#define HAL_EAGAIN  (-11) /**< try again later */
#define HAL_ENOMEM  (-12)
#define HAL_EINVAL  (-22) /**< bad argument: misaligned, out of range */
#define HAL_ENOSPC  (-28)
#define HAL_ENODATA (-61) /**< no data yet (e.g. UTC not known) */
#define HAL_ENOTSUP (-95)

#endif /* HAL_ERR_H */
