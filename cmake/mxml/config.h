/*
 * Latchkey's configuration header for Mini-XML 3.3.1 (replaces the autoconf one).
 *
 * - No pthreads: newlib ships the header without an implementation, and the firmware is
 *   a single-threaded superloop.
 * - Every allocation goes through the documented Latchkey allocator (sso/alloc.h), so
 *   Mini-XML's heap use is bounded and counted with mbedTLS's in one place.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MXML_VERSION       "Mini-XML v3.3.1"
#define HAVE_LONG_LONG_INT 1
#define HAVE_SNPRINTF      1
#define HAVE_VSNPRINTF     1
#undef HAVE_VASPRINTF
#undef HAVE_STRDUP
#undef HAVE_STRLCAT
#undef HAVE_STRLCPY
#undef HAVE_PTHREAD_H

extern char *_mxml_strdup(const char *);
#define strdup _mxml_strdup
extern size_t _mxml_strlcat(char *, const char *, size_t);
#define strlcat _mxml_strlcat
extern size_t _mxml_strlcpy(char *, const char *, size_t);
#define strlcpy _mxml_strlcpy
extern char *_mxml_strdupf(const char *, ...);
extern char *_mxml_vstrdupf(const char *, va_list);

void *sso_malloc(size_t size);
void *sso_calloc(size_t n, size_t size);
void *sso_realloc(void *p, size_t size);
void sso_free(void *p);
#define malloc(n)     sso_malloc(n)
#define calloc(n, s)  sso_calloc((n), (s))
#define realloc(p, n) sso_realloc((p), (n))
#define free(p)       sso_free(p)
