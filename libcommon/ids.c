/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Users and groups by name or id: ctk/ids.h. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>

#include "ctk/ids.h"

/* Decimal digits only, below @limit. */
static int parse_id(const char *s, unsigned long long limit,
		    unsigned long long *v)
{
	unsigned long long n = 0;

	if (!*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (unsigned long long)(*p - '0');
		if (n >= limit)
			return -1;
	}
	*v = n;
	return 0;
}

int ctk_parse_uid(const char *s, uid_t *uid)
{
	unsigned long long v;
	struct passwd *pw;

	if (!s || !*s)
		return -EINVAL;
	pw = getpwnam(s);
	if (pw) {
		*uid = pw->pw_uid;
		return 0;
	}
	if (parse_id(s, (uid_t)-1, &v))
		return -ENOENT;
	*uid = (uid_t)v;
	return 0;
}

int ctk_parse_gid(const char *s, gid_t *gid)
{
	unsigned long long v;
	struct group *gr;

	if (!s || !*s)
		return -EINVAL;
	gr = getgrnam(s);
	if (gr) {
		*gid = gr->gr_gid;
		return 0;
	}
	if (parse_id(s, (gid_t)-1, &v))
		return -ENOENT;
	*gid = (gid_t)v;
	return 0;
}
