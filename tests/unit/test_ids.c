/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Users and groups by name or id: the one parser (ctk/ids.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "ctk/ids.h"
#include "tap.h"

static long long uid_of(const char *s)
{
	uid_t u;
	int rc = ctk_parse_uid(s, &u);

	return rc ? rc : (long long)u;
}

static long long gid_of(const char *s)
{
	gid_t g;
	int rc = ctk_parse_gid(s, &g);

	return rc ? rc : (long long)g;
}

int main(void)
{
	is_int(uid_of("root"), 0, "a user's name");
	is_int(gid_of("root"), 0, "a group's name");
	is_int(uid_of("1234"), 1234, "a uid with no name");
	is_int(gid_of("0"), 0, "a gid");
	is_int(uid_of("4294967294"), 4294967294LL, "the highest uid");
	is_int(uid_of("4294967295"), -ENOENT, "(uid_t)-1 is no user");
	is_int(uid_of("99999999999999999999999"), -ENOENT, "an overflow");
	is_int(uid_of("+5"), -ENOENT, "a sign: refused");
	is_int(uid_of("-1"), -ENOENT, "a negative id: refused");
	is_int(uid_of(" 5"), -ENOENT, "a space: refused");
	is_int(uid_of("5 "), -ENOENT, "a trailing space: refused");
	is_int(gid_of("0x10"), -ENOENT, "hex: refused");
	is_int(uid_of(""), -EINVAL, "empty");
	is_int(uid_of("no-such-user-ctk"), -ENOENT, "no such name");
	is_int(gid_of("no-such-group-ctk"), -ENOENT, "no such group");
	return tap_done();
}
