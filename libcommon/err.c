/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "ctk/c.h"
#include "ctk/container.h"

/* Whether a cut before @s[@i] splits a character: a UTF-8 sequence, or
 * the "\xNN" that ctk_safe_name writes for a byte (where every backslash
 * starts one). */
static bool inside_char(const char *s, size_t i)
{
	if (((unsigned char)s[i] & 0xc0) == 0x80)
		return true;
	for (size_t k = 1; k <= 3 && k <= i; k++)
		if (s[i - k] == '\\')
			return true;
	return false;
}

/* @in into @buf (@size > 8), its middle cut out ("...") when too long:
 * a path's start and its end say the most. The cut falls between
 * characters, never inside one. */
static void middle_cut(const char *in, char *buf, size_t size)
{
	size_t len = strlen(in), head, from;

	if (len < size) {
		memcpy(buf, in, len + 1);
		return;
	}
	head = (size - 4) / 3;
	from = len - (size - 4 - head);
	while (head > 0 && inside_char(in, head))
		head--;
	while (from < len && inside_char(in, from))
		from++;
	memcpy(buf, in, head);
	memcpy(buf + head, "...", 3);
	memcpy(buf + head + 3, in + from, len - from + 1);
}

/* The detail, whole when it fits; when a name in it is too long (a token of
 * a file, a value), its middle gives way, not its end, which says why. */
static void set_detail(struct ctk_err *e, const char *fmt, va_list ap)
{
	char *all = NULL;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vasprintf(&all, fmt, ap);
	if (n < 0)	/* out of memory: what fits */
		vsnprintf(e->msg, sizeof(e->msg), fmt, again);
	va_end(again);
	if (n < 0)
		return;
	middle_cut(all, e->msg, sizeof(e->msg));
	free(all);
}

int ctk_err_vset(struct ctk_err *e, int code, enum ctk_err_kind kind,
		 const char *object, const char *fmt, va_list ap)
{
	if (code < 0)
		code = -code;
	if (e) {
		e->code = code;
		e->kind = kind;
		e->object[0] = '\0';
		if (object)
			middle_cut(object, e->object, sizeof(e->object));
		e->msg[0] = '\0';
		if (fmt)
			set_detail(e, fmt, ap);
	}
	return -code;
}

int ctk_err_at(struct ctk_err *e, int code, const char *object,
	       const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ctk_err_vset(e, code, CTK_ERR_SYS, object, fmt, ap);
	va_end(ap);
	return rc;
}

int ctk_err_atx(struct ctk_err *e, int code, const char *object,
		const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ctk_err_vset(e, code, CTK_ERR_WHOLE, object, fmt, ap);
	va_end(ap);
	return rc;
}

int ctk_err_in(struct ctk_err *e, int code, const char *dir, const char *name,
	       const char *detail)
{
	char obj[PATH_MAX + NAME_MAX + 2];

	snprintf(obj, sizeof(obj), "%s/%s", strcmp(dir, "/") ? dir : "", name);
	return detail ? ctk_err_at(e, code, obj, "%s", detail) :
			ctk_err_at(e, code, obj, NULL);
}

int ctk_err_prefix(struct ctk_err *e, const char *fmt, ...)
{
	char ctx[256], old[sizeof(e->msg)];
	size_t lo, lc, room = sizeof(e->msg) - 1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	if (e->object[0]) {
		/* the context is where the object is: "CONTEXT: object" */
		char obj[sizeof(ctx) + sizeof(e->object) + 2];

		snprintf(obj, sizeof(obj), "%s: %s", ctx, e->object);
		middle_cut(obj, e->object, sizeof(e->object));
		return -e->code;
	}
	memcpy(old, e->msg, sizeof(old));
	lo = strlen(old);
	if (lo + 2 >= room)
		return -e->code;	/* the reason is what must survive */
	lc = strlen(ctx);
	if (lc > room - lo - 2)
		lc = room - lo - 2;	/* context gives way first */
	memcpy(e->msg, ctx, lc);
	if (lo) {
		memcpy(e->msg + lc, ": ", 2);
		memcpy(e->msg + lc + 2, old, lo + 1);
	} else {
		e->msg[lc] = '\0';
	}
	return -e->code;
}

const char *ctk_err_text(const struct ctk_err *e, char *buf, size_t size)
{
	/* the object whole once made printable (a byte is 4: "\\xNN"):
	 * when it must give way, its middle does, not its end */
	char reason[sizeof(e->msg) + 128], obj[4 * CTK_ERR_OBJECT + 4];
	const char *sys = e->kind == CTK_ERR_SYS && e->code ?
			  strerror(e->code) : NULL;
	size_t rlen, room;

	if (!size)
		return buf;
	if (sys && e->msg[0])
		snprintf(reason, sizeof(reason), "%s: %s", e->msg, sys);
	else
		snprintf(reason, sizeof(reason), "%s", sys ? sys : e->msg);
	if (!e->object[0]) {
		snprintf(buf, size, "%s", reason);
		return buf;
	}
	ctk_safe_name(e->object, obj, sizeof(obj));
	/* the object gives way, to no less than 32 bytes of it */
	rlen = strlen(reason);
	room = size > rlen + 2 + 32 ? size - rlen - 2 : 32;
	if (room > 8 && strlen(obj) >= room) {
		char cut[sizeof(obj)];

		middle_cut(obj, cut, CTK_MIN(room, sizeof(cut)));
		snprintf(buf, size, "%s%s%s", cut, reason[0] ? ": " : "",
			 reason);
	} else {
		snprintf(buf, size, "%s%s%s", obj, reason[0] ? ": " : "",
			 reason);
	}
	return buf;
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
