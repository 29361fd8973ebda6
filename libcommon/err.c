/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ctk/c.h"

static int vset(struct ctk_err *e, int code, bool whole, const char *fmt,
		va_list ap)
{
	if (code < 0)
		code = -code;
	if (e) {
		e->code = code;
		e->whole = whole;
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	}
	return -code;
}

int ctk_err_set(struct ctk_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset(e, code, false, fmt, ap);
	va_end(ap);
	return rc;
}

int ctk_err_setx(struct ctk_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset(e, code, true, fmt, ap);
	va_end(ap);
	return rc;
}

int ctk_err_prefix(struct ctk_err *e, const char *fmt, ...)
{
	char ctx[256], old[sizeof(e->msg)];
	size_t lo, lc, room = sizeof(e->msg) - 1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	lo = strlen(old);
	if (lo + 2 >= room)
		return -e->code;	/* the reason is what must survive */
	lc = strlen(ctx);
	if (lc > room - lo - 2)
		lc = room - lo - 2;	/* context gives way first */
	memcpy(e->msg, ctx, lc);
	memcpy(e->msg + lc, ": ", 2);
	memcpy(e->msg + lc + 2, old, lo + 1);
	return -e->code;
}

int ctk_grow_impl(void **v, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t nc;
	void *nv;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap : first;
	while (nc <= n) {
		if (nc > SIZE_MAX / 2)
			return -ENOMEM;
		nc *= 2;
	}
	if (nc > SIZE_MAX / size)
		return -ENOMEM;
	nv = realloc(*v, nc * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = nc;
	return 0;
}
