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

#include "ctk/err.h"

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
