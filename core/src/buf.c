/*
 * buf.c: the growable buffer and the array growth rule (sayso/buf.h).
 * Growth doubles, so n appends cost O(n) copies; every size is checked for
 * overflow before it is multiplied.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/buf.h"

#define BUF_MIN 64
#define ARRAY_MIN 16

void sayso_buf_init(struct sayso_buf *b, size_t max)
{
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void sayso_buf_cleanup(struct sayso_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
}

enum sayso_err sayso_buf_addn(struct sayso_buf *b, const void *p, size_t n)
{
	if (n > b->max || b->len > b->max - n) {
		sayso_buf_cleanup(b);
		return SAYSO_ERR_TOOBIG;
	}
	size_t need = b->len + n + 1;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : BUF_MIN;
		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
		if (cap > b->max + 1)
			cap = b->max + 1;
		char *s = realloc(b->s, cap);
		if (!s) {
			sayso_buf_cleanup(b);
			return SAYSO_ERR_NOMEM;
		}
		b->s = s;
		b->cap = cap;
	}
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return SAYSO_OK;
}

enum sayso_err sayso_buf_add(struct sayso_buf *b, const char *s)
{
	return sayso_buf_addn(b, s, strlen(s));
}

enum sayso_err sayso_buf_vaddf(struct sayso_buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		sayso_buf_cleanup(b);
		return SAYSO_ERR_INVAL;
	}
	if ((size_t)n < sizeof small)
		return sayso_buf_addn(b, small, (size_t)n);
	/* Long (rare): format into a scratch copy of the exact size. */
	if ((size_t)n > b->max || b->len > b->max - (size_t)n) {
		sayso_buf_cleanup(b);
		return SAYSO_ERR_TOOBIG;
	}
	char *tmp = malloc((size_t)n + 1);
	if (!tmp) {
		sayso_buf_cleanup(b);
		return SAYSO_ERR_NOMEM;
	}
	vsnprintf(tmp, (size_t)n + 1, fmt, ap);
	enum sayso_err e = sayso_buf_addn(b, tmp, (size_t)n);
	free(tmp);
	return e;
}

enum sayso_err sayso_buf_addf(struct sayso_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum sayso_err e = sayso_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return e;
}

void sayso_buf_reset(struct sayso_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

const char *sayso_buf_str(const struct sayso_buf *b)
{
	return b->s ? b->s : "";
}

char *sayso_buf_take(struct sayso_buf *b)
{
	char *s = b->s;
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
	return s;
}

enum sayso_err sayso_array_grow(void *arr, size_t *cap, size_t need,
				size_t elsz, size_t max)
{
	void **pp = arr;
	if (need <= *cap)
		return SAYSO_OK;
	if (need > max || elsz == 0 || need > SIZE_MAX / elsz)
		return SAYSO_ERR_TOOBIG;
	size_t ncap = *cap ? *cap : ARRAY_MIN;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > max)
		ncap = max;
	if (ncap > SIZE_MAX / elsz)
		ncap = need;
	void *p = realloc(*pp, ncap * elsz);
	if (!p)
		return SAYSO_ERR_NOMEM;
	*pp = p;
	*cap = ncap;
	return SAYSO_OK;
}

void Sayso_errbuf_set(char *errbuf, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errsz, fmt, ap);
	va_end(ap);
}
