/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The error record of ctk, which libctkckpt's callers get too: a failure
 * as data, and its one composition into a reason.
 */
#ifndef CTK_ERR_H
#define CTK_ERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifndef CTK_ATTR_PRINTF
#define CTK_ATTR_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#endif
/* What libctkckpt exports (built -fvisibility=hidden, with a version
 * script): nothing else of ctk's code is visible in it. */
#ifndef CTK_API
#define CTK_API			__attribute__((visibility("default")))
#endif

/*
 * The error model, the one way a failure travels from libcommon to a
 * message (crun's libcrun_error_t, util-linux's err/errx):
 *
 * - Every function returns 0 (or a count) on success and -errno on
 *   failure. Where the errno alone is the whole reason, that is all.
 * - Where it has more to say, it takes a struct ctk_err *e and fills it,
 *   as data, not as a sentence: code (the errno, which chooses the exit
 *   status), kind (whether the errno's text is part of the reason),
 *   object (what inside the request failed: a file, a container, a
 *   property; empty when it is the tool's own object) and msg (the
 *   detail, never the object: the tool names its object once).
 * - ctk_err_set: kind CTK_ERR_SYS, a call failed; the printer puts the
 *   errno's text after msg ("cannot read mountinfo" + "Permission
 *   denied"), always: nothing is decided by matching words (a translated
 *   strerror would defeat it). ctk_err_setx: kind CTK_ERR_WHOLE, msg is
 *   the whole reason and code only the kind (a parser's "line 3: unclosed
 *   quote" is EINVAL, and "Invalid argument" would add nothing).
 *   ctk_err_at/ctk_err_atx: the same, with an object.
 * - One place composes the message ("object: msg: errno text") and one
 *   the exit status (the tools' ctk_msg_err and ctk_exit_for_errno). The
 *   object gives way (shortened in its middle) so that no length of a
 *   path pushes the reason out. A detail longer than its 511 bytes (a
 *   long token of a file in it) is shortened in its middle too, so that
 *   its end, which says why, stays. A cut falls between characters.
 */
enum ctk_err_kind {
	CTK_ERR_SYS,		/* a call failed: its errno's text follows msg */
	CTK_ERR_WHOLE,		/* msg is the whole reason */
};

#define CTK_ERR_OBJECT	256

struct ctk_err {
	int code;			/* positive errno */
	enum ctk_err_kind kind;
	char object[CTK_ERR_OBJECT];	/* "" or what failed, middle cut */
	char msg[512];			/* the detail, middle cut */
};

/* Fill @e (may be NULL) and return -code, so "return ctk_err_set(...)":
 * the one filler, which the others call. */
int ctk_err_vset(struct ctk_err *e, int code, enum ctk_err_kind kind,
		 const char *object, const char *fmt, va_list ap);
/* About @object (a path, a name; NULL: none): kind CTK_ERR_SYS; @fmt may
 * be NULL, the errno's text alone is then the reason. */
int ctk_err_at(struct ctk_err *e, int code, const char *object,
	       const char *fmt, ...) CTK_ATTR_PRINTF(4, 5);
/* The same, kind CTK_ERR_WHOLE: the message is the whole reason. */
int ctk_err_atx(struct ctk_err *e, int code, const char *object,
		const char *fmt, ...) CTK_ATTR_PRINTF(4, 5);
/* Without an object. */
#define ctk_err_set(e, code, ...)	ctk_err_at(e, code, NULL, __VA_ARGS__)
#define ctk_err_setx(e, code, ...)	ctk_err_atx(e, code, NULL, __VA_ARGS__)
/* ctk_err_at about the entry @name of the directory @dir ("DIR/NAME"). */
int ctk_err_in(struct ctk_err *e, int code, const char *dir, const char *name,
	       const char *detail);
/* Put context before what @e holds: before its object ("CONTEXT: object"),
 * or with none before its detail ("CONTEXT: detail"); -code. */
int ctk_err_prefix(struct ctk_err *e, const char *fmt, ...)
	CTK_ATTR_PRINTF(2, 3);
/* @e as one reason, "object: detail: errno text", into @buf: the object
 * shortened to leave the rest whole where @size allows. */
CTK_API const char *ctk_err_text(const struct ctk_err *e, char *buf,
				  size_t size);

#endif
