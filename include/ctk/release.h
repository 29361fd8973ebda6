/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Releasing containers: the agent's checks, sweeps, and the v2 watcher. */
#ifndef CTK_RELEASE_H
#define CTK_RELEASE_H

#include "ctk/c.h"
#include "ctk/hierarchy.h"
#include "ctk/spec.h"

enum ctk_release_outcome {
	CTK_REL_REMOVED,	/* empty, childless, notify set: rmdir done */
	CTK_REL_WOULD_REMOVE,	/* the same, dry run */
	CTK_REL_GONE,		/* already removed (ENOENT): done */
	CTK_REL_POPULATED,	/* has tasks: kept */
	CTK_REL_CHILDREN,	/* has child containers: kept */
	CTK_REL_NO_NOTIFY,	/* notify not set: kept */
	CTK_REL_BUSY,		/* rmdir said EBUSY: a task arrived: kept */
	CTK_REL_ROOT,		/* the hierarchy root: never */
	CTK_REL_REFUSED,	/* a path that is not a plain container path */
	CTK_REL_ERROR,		/* anything else; code says */
	CTK_REL_WATCHING,	/* the watcher: this target is watched now */
	CTK_REL_WAITING,	/* the watcher: not there: waited for */
	CTK_REL_WATCH_LOST,	/* the watcher: removed: waited for again */
};

#define CTK_REL_NEED_NOTIFY	(1u << 0)	/* notify must be set */
#define CTK_REL_DRY_RUN		(1u << 1)

struct ctk_release_result {
	enum ctk_release_outcome outcome;
	long tasks;		/* with POPULATED */
	struct ctk_err err;	/* with ERROR, REFUSED and ROOT: why */
};

/*
 * A candidate that was not released though it was meant to be (busy,
 * children that appeared, an error, a refusal): what makes a sweep partial.
 */
bool ctk_release_failed(const struct ctk_release_result *r);

/* The outcome in a few words ("removed", "kept: has tasks", ...). */
const char *ctk_release_outcome_str(enum ctk_release_outcome o);

/*
 * A path as the kernel hands it to a release agent: absolute, canonical
 * (no "//", ".", ".."), no control characters, not longer than the kernel
 * makes one, not the root. 0, or -EINVAL with r->why.
 */
int ctk_release_check_path(const char *cpath, struct ctk_release_result *r);

/*
 * Remove the container @rel (relative to @rootfd, the hierarchy root, "a/b")
 * if it is empty, has no children and (with CTK_REL_NEED_NOTIFY) has
 * notify_on_release or the v2 mark set. The kernel refuses the rmdir of a
 * container with tasks or children (EBUSY), so the rmdir is tried first
 * and what kept the container is looked up after a refusal (before, for a
 * dry run). Returns 0 and fills @r.
 */
int ctk_release_try(int rootfd, const char *rel, enum ctk_hier_type type,
		    unsigned flags, struct ctk_release_result *r);

/*
 * Open the root of a v1 hierarchy that is not mounted here, through a
 * detached mount (fsopen/fsmount: no mount point, no namespace change;
 * closing the fd drops it). Needs CAP_SYS_ADMIN. -errno.
 */
int ctk_hierarchy_open_detached(const struct ctk_hierarchy *hy);

/* Write the release agent of the v1 hierarchy root @rootfd, read it back. */
int ctk_release_agent_set(int rootfd, const char *path, struct ctk_err *e);
/* Read it ("" when unset). */
int ctk_release_agent_get(int rootfd, char *buf, size_t size);
/* A release agent path the kernel will run: absolute, printable, < 4096. */
int ctk_release_agent_check(const char *path, struct ctk_err *e);

/*
 * A v1 release agent learns only its own path and a container path, so
 * each hierarchy that has crelease as its agent gets a path of its own: a
 * symbolic link DIR/crelease@LABEL, LABEL "name=NAME[+ctrl...]" or
 * "ctrl[+ctrl...]" (controllers sorted; '+' as a mount option cannot hold
 * a ','). The agent acts only in the one hierarchy whose agent string it
 * was called under, and only when that hierarchy is the one its link
 * names.
 */
#define CTK_AGENT_PREFIX	"crelease@"

/*
 * Does the last component of @agent_path name a hierarchy? -1: it is not
 * such a link name; 1: it names @hy; 0: it names another one.
 */
int ctk_release_agent_names(const char *agent_path,
			    const struct ctk_hierarchy *hy);
/*
 * Make or replace (atomically) the link DIR/crelease@LABEL -> @target.
 * DIR is created if missing (0755) and must belong to the caller and be
 * writable by nobody else. *out: the link's path (malloc'd). With @log,
 * also DIR/crelease@LABEL.log -> @log (an absolute path): the log file of
 * the agent the kernel runs through that link, which takes no option;
 * without, that link is removed.
 */
int ctk_release_agent_link(const char *dir, const char *name,
			   const char *ctrls, const char *target,
			   const char *log, char **out, struct ctk_err *e);

/*
 * The log file that the agent link @agent_path names (its ".log" link, in
 * a directory of root's that nobody else can write, the link root's), as
 * a malloc'd path; NULL when there is none or it is not to be trusted.
 */
char *ctk_release_agent_log(const char *agent_path);

/* Event callback of the watcher and the sweeps. */
typedef void (*ctk_release_report_fn)(void *arg, const char *cpath,
				      const struct ctk_release_result *r);

/*
 * Sweep below @t: every releasable container, deepest first, @t itself
 * excluded; a parent emptied by the sweep is considered in turn. Reports
 * each candidate; counts removed and failed.
 */
int ctk_release_sweep(const struct ctk_target *t, unsigned flags,
		      ctk_release_report_fn report, void *arg, size_t *removed,
		      size_t *failed, struct ctk_err *e);

/*
 * cgroup v2 watcher: follow every container below the @n targets (one
 * hierarchy) with inotify, and remove a marked container once it is empty
 * and childless after having been populated or having had children; its
 * marked parent is then considered in turn. The targets themselves are
 * watched, never removed. Once every target is watched and the first scan
 * is done, reports each target as CTK_REL_WATCHING (what happens from then
 * on is seen). A target that is not there is reported CTK_REL_WAITING, one
 * removed while watched CTK_REL_WATCH_LOST, and either is watched (and
 * reported CTK_REL_WATCHING) as soon as it appears. Runs until @stop_fd (a signalfd or pipe) is readable. With @once: release what is releasable now (as --sweep) and
 * return.
 */
int ctk_release_watch(const struct ctk_target *t, size_t n, bool once,
		      int stop_fd, ctk_release_report_fn report, void *arg,
		      struct ctk_err *e);

/*
 * Remove the tree below and including @t (cgdelete -r): its tasks are moved
 * to @to (NULL: @t's parent), or killed with CTK_RM_KILL (v2 cgroup.kill,
 * v1 SIGKILL, then waited for), and every container is removed deepest
 * first, in rounds, so that a task or child that arrives meanwhile is dealt
 * with in the next. Refused before anything is done: the root, a tree with
 * a mount over a container (EXDEV), a kill of a tree that holds the caller
 * (EDEADLK), @to in the tree or another hierarchy, and on v2 a populated
 * tree whose tasks could not go to their destination because it enables
 * controllers for its children (EINVAL; the hierarchy root is exempt). Reports each container removed (CTK_REL_REMOVED) and, when
 * the rounds give up, each one kept and why (CTK_REL_ERROR); then -EBUSY.
 */
#define CTK_RM_KILL	(1u << 0)

struct ctk_remove_stats {
	size_t removed, moved, killed;
};

int ctk_remove_tree(const struct ctk_target *t, const struct ctk_target *to,
		    unsigned flags, ctk_release_report_fn report, void *arg,
		    struct ctk_remove_stats *st, struct ctk_err *e);

/*
 * Set (@on) or clear the release mark of an existing container: v1
 * notify_on_release, v2 the mark (trusted as root, else user; clearing as
 * root clears both).
 */
int ctk_release_mark(const struct ctk_target *t, bool on, struct ctk_err *e);

#endif
