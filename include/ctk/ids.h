/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Users and groups as the tools and the files take them: a name from the
 * user database, else a decimal id. One parser for cmkdir -u/-t, the
 * owners of a cgconfig.conf, and what else names an owner.
 *
 * getpwnam(3) and getgrnam(3) are not thread-safe: call these from one
 * thread (every caller in ctk is single-threaded).
 */
#ifndef CTK_IDS_H
#define CTK_IDS_H

#include <sys/types.h>

/*
 * @s as a user: its name, or decimal digits only (no sign, no space, no
 * leading '+') below (uid_t)-1. 0, or -ENOENT (no such name, and not an
 * id), -EINVAL (empty).
 */
int ctk_parse_uid(const char *s, uid_t *uid);

/* The same for a group. */
int ctk_parse_gid(const char *s, gid_t *gid);

#endif
