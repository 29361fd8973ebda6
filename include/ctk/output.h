/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Column selection for libsmartcols listings (-o/--output). */
#ifndef CTK_OUTPUT_H
#define CTK_OUTPUT_H

#include "ctk/c.h"

struct ctk_colinfo {
	const char *name;
	double whint;
	int flags;		/* SCOLS_FL_* */
	int json_type;		/* SCOLS_JSON_* */
	const char *help;
};

/*
 * Parse "A,B,C" (replace the selection) or "+A,B" (append to @ids, which
 * holds *n defaults) into column indexes of @cols. Names are
 * case-insensitive. At most @max columns.
 */
int ctk_columns_parse(const char *list, const struct ctk_colinfo *cols,
		      size_t ncols, int *ids, size_t max, size_t *n,
		      struct ctk_err *e);

#endif
