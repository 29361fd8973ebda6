/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Files that root writes where a user might have a say: logs, images. */
#ifndef CTK_PATH_H
#define CTK_PATH_H

#include "ctk/c.h"

/*
 * Open the directory that holds @path for a root-run tool to write a file
 * in, walked one name at a time from "/" (or from the working directory),
 * as OpenSSH's StrictModes judges a path: every directory on the way is
 * owned by root or by the caller, and nobody else may write it unless it
 * is sticky (/tmp), where nobody else can replace what root owns. A
 * symbolic link is followed only where root or the caller owns it
 * (/var/run -> /run). Returns an O_PATH directory fd and sets *@leaf to
 * the last name (within @path), or -errno with the reason in @e: the
 * directory another user could change is named.
 */
int ctk_path_open_parent(const char *path, const char **leaf,
			 struct ctk_err *e);

/* May root write into a file that is this? Owned by root or the caller. */
bool ctk_path_owner_trusted(uid_t uid);

#endif
