/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctk: exit codes, attributes, the error record and cleanup helpers
 * shared by libcommon and the tools.
 */
#ifndef CTK_C_H
#define CTK_C_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Exit codes: ctk.7 lists them once, every man page repeats them. */
#define CTK_EXIT_OK		0
#define CTK_EXIT_FAILURE	1
#define CTK_EXIT_USAGE		2
#define CTK_EXIT_UNSUPPORTED	3
#define CTK_EXIT_PARTIAL	4
#define CTK_EXIT_CANNOT_EXEC	126
#define CTK_EXIT_NOT_FOUND	127

#define CTK_ATTR_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#define CTK_ATTR_UNUSED		__attribute__((unused))
#define CTK_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define CTK_MIN(a, b)		((a) < (b) ? (a) : (b))

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
 *   path pushes the reason out; the reason is never cut.
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
	char msg[512];			/* the detail */
};

/* Fill @e (may be NULL) and return -code, so "return ctk_err_set(...)". */
int ctk_err_set(struct ctk_err *e, int code, const char *fmt, ...)
	CTK_ATTR_PRINTF(3, 4);
/* The same, with a message that is the whole reason. */
int ctk_err_setx(struct ctk_err *e, int code, const char *fmt, ...)
	CTK_ATTR_PRINTF(3, 4);
/* ctk_err_set and ctk_err_setx about @object (a path, a name); @fmt may
 * be NULL: the errno's text alone is the reason (ctk_err_at). */
int ctk_err_at(struct ctk_err *e, int code, const char *object,
	       const char *fmt, ...) CTK_ATTR_PRINTF(4, 5);
int ctk_err_atx(struct ctk_err *e, int code, const char *object,
		const char *fmt, ...) CTK_ATTR_PRINTF(4, 5);
/* Put context before what @e holds: before its object ("CONTEXT: object"),
 * or with none before its detail ("CONTEXT: detail"); -code. */
int ctk_err_prefix(struct ctk_err *e, const char *fmt, ...)
	CTK_ATTR_PRINTF(2, 3);
/* @e as one reason, "object: detail: errno text", into @buf: the object
 * shortened to leave the rest whole where @size allows. */
const char *ctk_err_text(const struct ctk_err *e, char *buf, size_t size);

/*
 * Room for element @n (index) of the array @v, whose capacity is @cap:
 * grown by doubling from @first. 0, or -ENOMEM (the array as it was).
 * The one growth rule of every growing array.
 */
int ctk_grow_impl(void **v, size_t *cap, size_t n, size_t size, size_t first);
#define CTK_GROW(v, cap, n, first) \
	ctk_grow_impl((void **)&(v), &(cap), (n), sizeof(*(v)), (first))

/* Cleanup helpers. */
static inline void ctk_freep(void *p)
{
	free(*(void **)p);
}
static inline void ctk_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
static inline void ctk_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_free_		__attribute__((cleanup(ctk_freep)))
#define _cleanup_close_		__attribute__((cleanup(ctk_closep)))
#define _cleanup_fclose_	__attribute__((cleanup(ctk_fclosep)))

/* Take ownership out of a cleanup variable. */
#define CTK_TAKE_PTR(p) ({ __typeof__(p) _p = (p); (p) = NULL; _p; })
#define CTK_TAKE_FD(fd) ({ int _fd = (fd); (fd) = -1; _fd; })

#endif
