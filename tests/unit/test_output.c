/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <locale.h>

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
	is_str(ctk_safe_name("caf\xc3\xa9", buf, sizeof(buf)), "caf\\xc3\\xa9",
	       "C locale: non-ASCII bytes escaped");
	if (setlocale(LC_CTYPE, "C.UTF-8")) {
		is_str(ctk_safe_name("caf\xc3\xa9", buf, sizeof(buf)), "caf\xc3\xa9",
		       "UTF-8 locale: a printable character as it is");
		is_str(ctk_safe_name("a\xc2\x9b" "b", buf, sizeof(buf)),
		       "a\\xc2\\x9bb", "a C1 control (CSI) escaped");
		is_str(ctk_safe_name("\xe2\x80\xae" "evil", buf, sizeof(buf)),
		       "\\xe2\\x80\\xaeevil", "a bidi override escaped");
		is_str(ctk_safe_name("x\xc3", buf, sizeof(buf)), "x\\xc3",
		       "a cut sequence escaped");
		is_str(ctk_safe_name("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", buf, 9),
		       "\xc3\xa9\xc3\xa9...", "a cut keeps characters whole");
		setlocale(LC_CTYPE, "C");
	} else {
		ok(1, "# SKIP no C.UTF-8 locale");
	}
	ok(ctk_explain(CTK_OP_RMDIR, EBUSY) != NULL, "rmdir EBUSY in words");
	is_str(ctk_strerror(CTK_OP_ATTACH, ESRCH, buf, sizeof(buf)),
	       "no such process", "ESRCH's words stand alone (the table)");
	is_str(ctk_strerror(CTK_OP_RMDIR, ENOTEMPTY, buf, sizeof(buf)),
	       "container still has child containers: Directory not empty",
	       "strerror appended where the words do not say it");
	ok(ctk_explain(CTK_OP_MOUNT, EBUSY) &&
	   strstr(ctk_explain(CTK_OP_MOUNT, EBUSY), "already bound"),
	   "mount EBUSY in words");
	return tap_done();
}
