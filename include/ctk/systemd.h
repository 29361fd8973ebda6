/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whose tree it is: on a machine whose pid 1 is systemd, the v2 hierarchy
 * (and v1's name=systemd) is systemd's, except the subtrees it delegated
 * (Delegate=yes: systemd marks their top with the extended attribute
 * trusted.delegate, or user.delegate, set to "1").
 */
#ifndef CTK_SYSTEMD_H
#define CTK_SYSTEMD_H

#include "ctk/c.h"
#include "ctk/hierarchy.h"
#include "ctk/spec.h"

#include <stdint.h>
#include <sys/types.h>

/*
 * True when systemd manages @hy: pid 1 is systemd and it sits in
 * /init.scope of @hy (as this process's cgroup namespace sees it). Read
 * from @proc1 ("/proc/1": pid 1's comm and cgroup files), another
 * directory in the unit tests.
 */
bool ctk_sd_manages(const struct ctk_hierarchy *hy, const char *proc1);

/* True when the container at @fd carries systemd's delegation mark. */
bool ctk_sd_delegated_fd(int fd);

/*
 * The unit a container at @cpath belongs to, from its path, as systemd
 * names its cgroups: the last component that is a unit's name
 * (NAME.slice, .scope, .service, .socket, .mount, .swap); "-.slice" for
 * the root. NULL when no component is one (a path systemd does not make).
 */
const char *ctk_sd_unit(const char *cpath, char *buf, size_t size);

/* What a tool is about to do to a container, for ctk_sd_check(). */
enum ctk_sd_use {
	CTK_SD_MAKE,	/* make it: its parent must be in a delegated subtree */
	CTK_SD_MOVE,	/* move a task into it: it may be the delegated top */
	CTK_SD_CHANGE,	/* set its values, remove it: below the delegated top
			 * (the top's own settings are its unit's) */
};

/*
 * 0 when @use of @t is the caller's to do: systemd does not manage its
 * hierarchy, or @t is in a subtree systemd delegated. -EPERM with e set
 * (whose it is, and the way out) when the container is systemd's: the
 * kernel's single-writer rule (cgroup-v2.rst, and systemd's "Control
 * Group APIs and Delegation").
 */
int ctk_sd_check(const struct ctk_target *t, enum ctk_sd_use use,
		 struct ctk_err *e);

/* The same below @rootfd for a container @rel there ("." the root), when
 * systemd manages it: for the unit tests. */
int ctk_sd_check_at(int rootfd, const char *rel, enum ctk_sd_use use,
		    struct ctk_err *e);


/* ---- scopes: a delegated subtree asked of systemd ---------------------- */

/* One unit property for a scope (systemd-run -p NAME=VALUE): a string
 * ('s') or a number ('t'). */
struct ctk_sd_prop {
	char name[32];
	char type;
	uint64_t num;
	char str[256];
};

/*
 * Parse "NAME=VALUE" for the properties ctk passes on: Description,
 * MemoryMin/Low/High/Max, MemorySwapMax (bytes, K M G T suffixes of 1024,
 * or "infinity"), TasksMax (a count or "infinity"), CPUWeight,
 * StartupCPUWeight, IOWeight, StartupIOWeight (1 to 10000), CPUQuota
 * (N%, per CPU). 0, or -EINVAL with e set.
 */
int ctk_sd_prop_parse(const char *kv, struct ctk_sd_prop *p,
		      struct ctk_err *e);

/*
 * The unit and slice of a scope whose cgroup is @cpath, as systemd names
 * them: "/a.slice/a-b.slice/x.scope" is x.scope in a-b.slice, "/x.scope"
 * in -.slice. Refused (-EINVAL, e set): a last component that is not
 * NAME.scope, a parent that is not a slice of the right name (a-b.slice
 * lives in a.slice), a name systemd would escape in the cgroup path
 * (a leading '_' or '.', or a controller's name before the first '.').
 */
int ctk_sd_scope_names(const char *cpath, char *slice, size_t slice_size,
		       char *unit, size_t unit_size, struct ctk_err *e);

/*
 * A slice's cgroup path from its name, as systemd nests slices, into
 * @buf: "a-b.slice" is "a.slice/a-b.slice", "-.slice" the root (""). -1
 * when @slice is not a slice's name.
 */
int ctk_sd_slice_path(const char *slice, char *buf, size_t size);

/*
 * The SPEC of a scope named as libcgroup's cgcreate -c names it,
 * "SLICE.slice/NAME.scope" (":/a.slice/a-b.slice/x.scope" for
 * "a-b.slice/x.scope"), into @buf. -EINVAL (e set) when @name is not of
 * that form.
 */
int ctk_sd_scope_spec(const char *name, char *buf, size_t size,
		      struct ctk_err *e);

/* True when this ctk can ask systemd for scopes (built with libsystemd). */
bool ctk_sd_bus_available(void);

/*
 * Ask systemd for the transient scope @unit in @slice holding @pid, with
 * Delegate=yes and @props (org.freedesktop.systemd1.Manager's
 * StartTransientUnit, as systemd-run --scope does), and wait for its job
 * (at most @timeout_ms). Root talks to systemd's private socket, others
 * through the system bus. 0, or -errno with e set (-EEXIST: the unit
 * exists; -ENOTSUP: built without libsystemd).
 */
int ctk_sd_start_scope(const char *unit, const char *slice, pid_t pid,
		       const struct ctk_sd_prop *props, size_t nprops,
		       int timeout_ms, struct ctk_err *e);

/*
 * The scope whose cgroup is @t (ctk_sd_scope_names) started by systemd
 * around @pid, Delegate=yes, with @props; checked to be where @t says.
 * -ENOTSUP (e set) where systemd does not manage @t's hierarchy.
 */
int ctk_sd_scope_start(const struct ctk_target *t, pid_t pid,
			const struct ctk_sd_prop *props, size_t nprops,
			struct ctk_err *e);

/* The leaf of a scope cmkdir --scope made where its idle process lives:
 * the scope's own cgroup stays free of processes, so that its children
 * can have controllers (v2's no-internal-process rule). */
#define CTK_SD_IDLE_LEAF "ctk-idle"

/*
 * cmkdir --scope: the scope whose cgroup is @t (see ctk_sd_scope_names),
 * kept alive by an idle process ("ctk-idle", in the leaf
 * CTK_SD_IDLE_LEAF), Delegate=yes and @props. On a failure nothing is
 * left: the idle process is killed, and systemd removes what it made.
 * 0 with *@idle its idle process (killing it ends the scope), or -errno
 * with e set.
 */
int ctk_sd_make_scope(const struct ctk_target *t,
		      const struct ctk_sd_prop *props, size_t nprops,
		      pid_t *idle, struct ctk_err *e);

#endif
