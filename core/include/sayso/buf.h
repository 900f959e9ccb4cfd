/*
 * buf.h: the one growable buffer of sayso (curl's dynbuf is the model), and
 * the one growth rule for arrays.
 *
 * Every buffer that grows from outside input has a maximum, given at init:
 * an append that would pass it fails with SAYSO_ERR_TOOBIG instead of
 * growing without bound. On any failure the buffer is cleaned up (freed and
 * emptied, like curl's Curl_dyn_add), so a caller never holds half a result.
 * The contents are always NUL-terminated once anything was added.
 */
#ifndef SAYSO_BUF_H
#define SAYSO_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include "sayso/err.h"

struct sayso_buf {
	char *s;    /* NULL until the first append; NUL-terminated after */
	size_t len; /* bytes in s, not counting the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* most bytes len may reach */
};

/* An empty buffer that may hold up to max bytes (plus the NUL). Cannot
 * fail; allocates nothing. */
void sayso_buf_init(struct sayso_buf *b, size_t max);

/* Appends n bytes at p (may contain NULs). SAYSO_ERR_TOOBIG past the
 * maximum, SAYSO_ERR_NOMEM when out of memory: in both cases b is cleaned up
 * (empty, still usable with its maximum). */
enum sayso_err sayso_buf_addn(struct sayso_buf *b, const void *p, size_t n);

/* Appends the NUL-terminated s. Errors as sayso_buf_addn. */
enum sayso_err sayso_buf_add(struct sayso_buf *b, const char *s);

/* Appends printf-formatted text. Errors as sayso_buf_addn. */
enum sayso_err sayso_buf_addf(struct sayso_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum sayso_err sayso_buf_vaddf(struct sayso_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Empties b but keeps its memory for reuse. */
void sayso_buf_reset(struct sayso_buf *b);

/* The contents ("" when empty; valid until the next call on b). */
const char *sayso_buf_str(const struct sayso_buf *b);

/* Hands the contents to the caller (free() it; NULL when nothing was ever
 * added) and leaves b empty with its maximum. */
char *sayso_buf_take(struct sayso_buf *b);

/* Frees the contents; b is empty and may be reused. */
void sayso_buf_cleanup(struct sayso_buf *b);

/*
 * Makes room in the array *arr (elements of elsz bytes, *cap allocated) for
 * at least need elements, doubling from 16 and never past max elements.
 * SAYSO_OK (and *arr, *cap updated) or SAYSO_ERR_TOOBIG (need > max, or the
 * size overflows) or SAYSO_ERR_NOMEM; on failure *arr and *cap are unchanged
 * and still owned by the caller. arr is a pointer to the caller's pointer.
 */
enum sayso_err sayso_array_grow(void *arr, size_t *cap, size_t need,
				size_t elsz, size_t max);

#endif
