/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Names and messages made safe to print: what a user named reaches a
 * terminal or a log only as text. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "ctk/container.h"

/* The length of the printable multibyte character at @s, or 0. */
static size_t printable_mb(const char *s)
{
	mbstate_t st = { 0 };
	wchar_t wc;
	size_t n;

	if (MB_CUR_MAX == 1)
		return 0;
	n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n < 2)
		return 0;
	/* bidi overrides and isolates reorder what follows: escaped */
	if ((wc >= 0x202a && wc <= 0x202e) || (wc >= 0x2066 && wc <= 0x2069) ||
	    wc == 0x200e || wc == 0x200f || wc == 0x061c)
		return 0;
	return iswprint((wint_t)wc) ? n : 0;
}

static const char *safe(const char *in, char *buf, size_t size,
			bool backslash)
{
	size_t o = 0, room;
	const unsigned char *p;

	if (size < 8) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	room = size - 4;	/* keep space for "..." */
	for (p = (const unsigned char *)in; *p; p++) {
		size_t mb = *p >= 0x80 ? printable_mb((const char *)p) : 0;

		if (mb) {
			if (o + mb >= room)
				break;
			memcpy(buf + o, p, mb);
			o += mb;
			p += mb - 1;
		} else if (*p < 0x20 || *p >= 0x7f ||
			   (backslash && *p == '\\')) {
			if (o + 4 >= room)
				break;
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", *p);
		} else {
			if (o + 1 >= room)
				break;
			buf[o++] = (char)*p;
		}
	}
	if (*p)
		memcpy(buf + o, "...", 4);
	else
		buf[o] = '\0';
	return buf;
}

const char *ctk_safe_name(const char *in, char *buf, size_t size)
{
	return safe(in, buf, size, true);
}

const char *ctk_safe_text(const char *in, char *buf, size_t size)
{
	return safe(in, buf, size, false);
}
