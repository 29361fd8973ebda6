/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Held containers (cattach --sticky). The mark is on the container, not on
 * a process: the kernel puts every child in its parent's container, by any
 * fork shape, so what is born in a held container is held too, and the
 * mark outlives every daemon restart. It is the extended attribute
 * trusted.ctk.sticky, which only a process with CAP_SYS_ADMIN in the
 * initial user namespace may set or remove: a delegate who owns the
 * container can neither make nor drop one.
 */
#ifndef CTK_STICKY_H
#define CTK_STICKY_H

#include "ctk/hierarchy.h"
#include "ctk/spec.h"

#define CTK_STICKY_XATTR	"trusted.ctk.sticky"

/*
 * Hold container @t (open as @cgfd): the classification daemon moves no
 * process out of it or out of its descendants. Returns 1 when the mark is
 * new, 0 when it was there, -errno with the reason in @e. The root of a
 * hierarchy is refused: it would hold every process.
 */
int ctk_sticky_hold(int cgfd, const struct ctk_target *t, struct ctk_err *e);

/* Undo a new mark of ctk_sticky_hold(). */
void ctk_sticky_unhold(int cgfd);

/* May this process see the marks? A trusted.* attribute reads as absent
 * without CAP_SYS_ADMIN. */
bool ctk_sticky_visible(void);

/*
 * Is @pid in a held container (or below one) in any hierarchy of @h that
 * is mounted here? 1 yes, 0 no, -errno (-ESRCH: gone).
 */
int ctk_sticky_held(pid_t pid, const struct ctk_hierarchies *h);

#endif
