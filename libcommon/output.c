/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "ctk/output.h"

int ctk_columns_parse(const char *list, const struct ctk_colinfo *cols,
		      size_t ncols, int *ids, size_t max, size_t *n,
		      struct ctk_err *e)
{
	const char *p = list;

	if (*p == '+')
		p++;
	else
		*n = 0;
	if (!*p)
		return ctk_err_setx(e, EINVAL, "empty column list");
	while (*p) {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < ncols; i++)
			if (strlen(cols[i].name) == len &&
			    !strncasecmp(cols[i].name, p, len))
				break;
		if (i == ncols)
			return ctk_err_setx(e, EINVAL, "unknown column '%.*s'",
					   (int)(len > 64 ? 64 : len), p);
		if (*n == max)
			return ctk_err_setx(e, E2BIG, "too many columns");
		ids[(*n)++] = (int)i;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}
