/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "ctk/container.h"
#include "ctk/output.h"
#include "../../libcommon/internal.h"
#include "tap.h"

static const struct ctk_colinfo cols[] = {
	{ "ID", 1, 0, 0, "" }, { "TYPE", 1, 0, 0, "" }, { "NAME", 1, 0, 0, "" },
};

int main(void)
{
	struct ctk_err e = { 0 };
	int ids[4] = { 0, 1 };
	size_t n = 2;
	char buf[64];

	ok(ctk_columns_parse("name,id", cols, 3, ids, 4, &n, &e) == 0,
	   "replace");
	ok(n == 2 && ids[0] == 2 && ids[1] == 0, "case-insensitive names");
	ok(ctk_columns_parse("+TYPE", cols, 3, ids, 4, &n, &e) == 0 && n == 3 &&
	   ids[2] == 1, "append");
	ok(ctk_columns_parse("ID,NOPE", cols, 3, ids, 4, &n, &e) < 0 &&
	   strstr(e.msg, "NOPE"), "unknown column named: %s", e.msg);
	ok(ctk_columns_parse("", cols, 3, ids, 4, &n, &e) < 0, "empty list");
	ok(ctk_columns_parse("ID,ID,ID,ID,ID", cols, 3, ids, 4, &n, &e) < 0,
	   "too many");

	is_str(ctk_safe_name("a\nb\\c\x01\xff", buf, sizeof(buf)),
	       "a\\x0ab\\x5cc\\x01\\xff", "safe name escapes");
	ok(strlen(ctk_safe_name("\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n", buf, 16)) < 16,
	   "safe name truncates within its buffer");
	is_str(ctk_safe_name("abcdefghijklmnop", buf, 12), "abcdefg...",
	       "truncation is marked");
	is_str(ctk_safe_name("abcdefg", buf, 12), "abcdefg", "short names whole");
	ok(ctk_explain(CTK_OP_RMDIR, EBUSY) != NULL, "rmdir EBUSY in words");
	ok(strstr(ctk_strerror(CTK_OP_ATTACH, ESRCH, buf, sizeof(buf)),
		  "No such process") != NULL, "strerror appended: %s", buf);
	ok(ctk_explain(CTK_OP_MOUNT, EBUSY) &&
	   strstr(ctk_explain(CTK_OP_MOUNT, EBUSY), "already bound"),
	   "mount EBUSY in words");
	return tap_done();
}
