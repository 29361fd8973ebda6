/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crelease: the release agent, and its sweep, remove and v2 watch modes.
 *
 * As the kernel's agent it starts with fds 0-2 closed, HOME and PATH only,
 * in the init namespaces, once per released container and possibly a
 * thousand times at once: it does no work that does not serve this call
 * (no option parser, no listing), and its first act is to put /dev/null
 * on fds 0-2.
 */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#include "cli.h"
#include "log.h"
#include "ctk/container.h"
#include "ctk/hierarchy.h"
#include "ctk/release.h"
#include "ctk/spec.h"
#include "ctk/tree.h"


struct crelease_control {
	struct ctk_cli cli;
	int sweep, remove, watch, once, dry_run, all, verbose, recursive, kill,
	    mark, unmark, force;
	size_t kept;		/* --remove -r: containers said to be kept */
	char to_where[600];	/* --to, for -v (escaped) */
	char *log_path, *agent, *to_spec;
	struct ctk_target to;	/* --to, resolved (to.hier NULL: none) */
	struct ctk_logger log;
	char label[256];	/* the hierarchy of what is reported */
	struct ctk_hierarchies hier;
	size_t removed, failed;
};

static int prio_of(const struct ctk_release_result *r)
{
	switch (r->outcome) {
	case CTK_REL_REMOVED:
	case CTK_REL_WOULD_REMOVE:
	case CTK_REL_GONE:
	case CTK_REL_WATCHING:
		return LOG_INFO;
	case CTK_REL_REFUSED:
	case CTK_REL_ROOT:
	case CTK_REL_ERROR:
		return LOG_WARNING;
	default:
		return LOG_NOTICE;
	}
}

static void log_result(struct ctk_logger *l, const char *label, const char *cpath,
		       const struct ctk_release_result *r)
{
	char safe[400], why[512];

	ctk_safe_name(cpath, safe, sizeof(safe));
	if (r->outcome == CTK_REL_REFUSED || r->outcome == CTK_REL_ROOT)
		ctk_log_line(l, prio_of(r), "%s:%s: refused: %s", label, safe,
			 ctk_err_text(&r->err, why, sizeof(why)));
	else if (r->outcome == CTK_REL_ERROR)
		ctk_log_line(l, prio_of(r), "%s:%s: error: %s", label, safe,
			 ctk_err_text(&r->err, why, sizeof(why)));
	else if (r->outcome == CTK_REL_POPULATED)
		ctk_log_line(l, prio_of(r), "%s:%s: kept: has %ld task%s", label,
			 safe, r->tasks, r->tasks == 1 ? "" : "s");
	else
		ctk_log_line(l, prio_of(r), "%s:%s: %s", label, safe,
			 ctk_release_outcome_str(r->outcome));
}

/* ---- the kernel's agent ------------------------------------------------ */

/*
 * The root of the v1 hierarchy @hy when its release agent is @agent_path
 * (>= 0), -1 when it is another, -2 when it cannot be looked at. The agent
 * string comes from mountinfo where the hierarchy is mounted here (the
 * kernel shows the live value), else from a detached mount of it.
 */
static int agent_root(const struct ctk_hierarchy *hy, const char *agent_path)
{
	char have[PATH_MAX + 2];
	int fd;

	if (hy->target) {
		if (!hy->release_agent || strcmp(hy->release_agent, agent_path))
			return -1;
		if (hy->root && !strcmp(hy->root, "/")) {
			fd = ctk_hierarchy_borrow_fd(hy);
			return fd < 0 ? -2 : dup(fd);
		}
	}
	/* not mounted here (the agent runs in the init mount namespace), or
	 * only a part of it: a detached mount of the whole */
	fd = ctk_hierarchy_open_detached(hy);
	/*
	 * EBUSY: being destroyed, unmounted with no container left. Once the
	 * kernel no longer lists it, it is as if it had gone before this call
	 * looked (a hierarchy that is gone is no caller); if someone mounts
	 * it again meanwhile, it is looked at. 1 s at most, else nothing is
	 * removed.
	 */
	for (int i = 0; fd == -EBUSY && hy->hier_id > 0 && i < 100; i++) {
		int listed = ctk_hierarchy_listed(hy->hier_id,
						  "/proc/self/cgroup");

		if (listed == 0)
			return -1;
		if (listed < 0)
			break;
		usleep(10000);
		fd = ctk_hierarchy_open_detached(hy);
	}
	if (fd < 0)
		return -2;
	if (ctk_release_agent_get(fd, have, sizeof(have)) ||
	    strcmp(have, agent_path)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The hierarchy that ran the agent @agent_path: the kernel says only which
 * agent string it ran, so the caller is the hierarchy that has it. Every
 * v1 hierarchy is looked at, once each; when several have it, nothing
 * tells them apart and nothing is removed. Its root's fd in *@fd and the
 * hierarchy in *@hit, or -1 with the reason logged.
 */
static int find_caller(struct ctk_logger *l, const struct ctk_hierarchies *h,
		       const char *agent_path, const char *safe, int *fd,
		       const struct ctk_hierarchy **hit)
{
	char label[256], names[512] = "";
	size_t matched = 0;

	*fd = -1;
	for (size_t i = 0; i < h->n; i++) {
		const struct ctk_hierarchy *hy = &h->v[i];
		bool seen = false;
		int rfd;

		if (hy->type != CTK_HIER_V1)
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = h->v[k].type == CTK_HIER_V1 &&
			       h->v[k].hier_id == hy->hier_id && hy->hier_id > 0;
		if (seen || (rfd = agent_root(hy, agent_path)) == -1)
			continue;
		ctk_hierarchy_label(hy, label, sizeof(label));
		if (rfd < 0) {
			/* cannot tell: it might be a second caller */
			ctk_log_line(l, LOG_WARNING, "%s: %s: cannot read its "
				     "release agent: nothing removed", safe,
				     label);
			if (*fd >= 0)
				close(*fd);
			*fd = -1;
			return -1;
		}
		if (strlen(names) + strlen(label) + 3 < sizeof(names))
			snprintf(names + strlen(names),
				 sizeof(names) - strlen(names), "%s%s",
				 matched ? ", " : "", label);
		matched++;
		if (*fd >= 0)
			close(*fd);
		*fd = rfd;
		*hit = hy;
	}
	if (matched == 1)
		return 0;
	if (matched > 1)
		ctk_log_line(l, LOG_WARNING, "%s: refused: %zu hierarchies (%s) "
			     "share the release agent %s, and a call does not "
			     "say which one made it: nothing removed (give "
			     "each its own: cmount --set-release-agent)", safe,
			     matched, names, agent_path);
	else
		ctk_log_line(l, LOG_WARNING, "%s: no hierarchy has %s as its "
			     "release agent", safe, agent_path);
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	return -1;
}

static int agent(const char *argv0, const char *agent_path,
		 const char *log_path, const char *cpath, bool manual)
{
	struct ctk_hierarchies h;
	struct ctk_release_result r;
	struct ctk_err e;
	struct ctk_logger l = { 0 };
	char self[PATH_MAX], label[256], safe[400];
	_cleanup_free_ char *link_log = NULL;
	const struct ctk_hierarchy *hit = NULL;
	int fd = -1, ret = CTK_EXIT_FAILURE;

	if (!agent_path && argv0[0] == '/') {
		agent_path = argv0;
	} else if (!agent_path) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		self[n > 0 ? n : 0] = '\0';
		agent_path = self;
	}
	/* the kernel passes no option: a link's log is the agent's --log
	 * (cmount --agent-log) */
	if (!log_path)
		log_path = link_log = ctk_release_agent_log(agent_path);
	ctk_log_open(&l, "crelease", log_path);
	l.to_stderr = manual;
	if (ctk_release_check_path(cpath, &r)) {
		log_result(&l, "?", cpath, &r);
		return CTK_EXIT_FAILURE;
	}
	ctk_safe_name(cpath, safe, sizeof(safe));
	if (ctk_hierarchy_load(&h, NULL, "/proc/self/cgroup", &e)) {
		char why[1024];

		ctk_log_line(&l, LOG_ERR, "%s: %s", safe,
			     ctk_err_text(&e, why, sizeof(why)));
		return CTK_EXIT_FAILURE;
	}
	if (find_caller(&l, &h, agent_path, safe, &fd, &hit))
		goto out;
	ctk_hierarchy_label(hit, label, sizeof(label));
	if (ctk_release_agent_names(agent_path, hit) == 0) {
		ctk_log_line(&l, LOG_WARNING, "%s:%s: refused: the agent link %s "
			     "names another hierarchy: nothing removed", label,
			     safe, agent_path);
		goto out;
	}
	ctk_release_try(fd, cpath + 1, CTK_HIER_V1, CTK_REL_NEED_NOTIFY, &r);
	log_result(&l, label, cpath, &r);
	ret = r.outcome == CTK_REL_ERROR || r.outcome == CTK_REL_REFUSED ?
	      CTK_EXIT_FAILURE : CTK_EXIT_OK;
out:
	if (fd >= 0)
		close(fd);
	ctk_hierarchy_free(&h);
	return ret;
}

/* An agent call: [--agent PATH] [--log FILE] CPATH, CPATH absolute. */
static bool agent_call(int argc, const char **argv, const char **agent_path,
		       const char **log_path, const char **cpath)
{
	int i = 1;

	*agent_path = *log_path = *cpath = NULL;
	while (i + 1 < argc) {
		if (!strcmp(argv[i], "--agent"))
			*agent_path = argv[i + 1];
		else if (!strcmp(argv[i], "--log"))
			*log_path = argv[i + 1];
		else
			break;
		i += 2;
	}
	if (i != argc - 1 || argv[i][0] != '/')
		return false;
	*cpath = argv[i];
	return true;
}

/* ---- admin modes -------------------------------------------------------- */

static void report(void *arg, const char *cpath,
		   const struct ctk_release_result *r)
{
	struct crelease_control *ctl = arg;

	if (ctk_release_failed(r))
		ctl->failed++;
	log_result(&ctl->log, ctl->label, cpath, r);
}

static void set_label(struct crelease_control *ctl, const struct ctk_target *t)
{
	if (t->hier->type == CTK_HIER_V2)
		ctl->label[0] = '\0';	/* ":/path", the v2 spec */
	else
		ctk_hierarchy_label(t->hier, ctl->label, sizeof(ctl->label));
}

static struct ctk_target *resolve_all(struct crelease_control *ctl,
				      const char **specs, size_t n)
{
	struct ctk_target *t = calloc(n ? n : 1, sizeof(*t));
	struct ctk_err e;

	if (!t)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (ctk_target_from_string(specs[i], &ctl->hier, &t[i], &e)) {
			ctk_msg_err(&ctl->cli, specs[i], &e);
			for (size_t k = 0; k < i; k++)
				ctk_target_free(&t[k]);
			free(t);
			return NULL;
		}
	}
	return t;
}

static int do_sweep(struct crelease_control *ctl, const char **specs,
		    size_t n)
{
	unsigned flags = (ctl->all ? 0 : CTK_REL_NEED_NOTIFY) |
			 (ctl->dry_run ? CTK_REL_DRY_RUN : 0);
	struct ctk_target *t = resolve_all(ctl, specs, n);
	size_t removed = 0, failed = 0, errs = 0;
	struct ctk_err e;

	if (!t)
		return CTK_EXIT_FAILURE;
	for (size_t i = 0; i < n; i++) {
		size_t r1, f1;
		char where[512];

		ctk_target_format(&t[i], where, sizeof(where));
		set_label(ctl, &t[i]);
		if (ctk_release_sweep(&t[i], flags, report, ctl, &r1, &f1,
				      &e)) {
			ctk_msg_err_op(&ctl->cli, where, &e, CTK_OP_OPEN);
			errs++;
		}
		removed += r1;
		failed += f1;
		ctk_target_free(&t[i]);
	}
	free(t);
	if (errs == n)
		return CTK_EXIT_FAILURE;
	return failed || errs ? CTK_EXIT_PARTIAL : CTK_EXIT_OK;
}

static int do_remove(struct crelease_control *ctl, const char **specs,
		     size_t n)
{
	size_t failed = 0;
	struct ctk_err e;

	for (size_t i = 0; i < n; i++) {
		struct ctk_release_result r;
		struct ctk_target t;
		char where[512], safe[600];
		int rootfd;

		if (ctk_target_from_string(specs[i], &ctl->hier, &t, &e)) {
			ctk_msg_err_op(&ctl->cli, specs[i], &e, CTK_OP_OPEN);
			failed++;
			continue;
		}
		ctk_target_format(&t, where, sizeof(where));
		rootfd = ctk_hierarchy_borrow_fd(t.hier);
		if (ctk_cli_systemd_check(&ctl->cli, &t, CTK_SD_CHANGE,
					  ctl->force)) {
			failed++;
		} else if (rootfd < 0) {
			ctk_msg_errno(&ctl->cli, where, NULL, CTK_OP_OPEN,
				      rootfd);
			failed++;
		} else {
			ctk_release_try(rootfd, t.rel, t.hier->type,
					ctl->dry_run ? CTK_REL_DRY_RUN : 0, &r);
			switch (r.outcome) {
			case CTK_REL_REMOVED:
			case CTK_REL_WOULD_REMOVE:
				if (ctl->verbose || ctl->dry_run)
					printf("%s %s\n",
					       ctk_release_outcome_str(r.outcome),
					       ctk_safe_name(where, safe,
							     sizeof(safe)));
				break;
			case CTK_REL_POPULATED:
				ctk_msg(&ctl->cli, "%s: container still has %ld "
					"task%s", where, r.tasks,
					r.tasks == 1 ? "" : "s");
				failed++;
				break;
			case CTK_REL_CHILDREN:
				ctk_msg(&ctl->cli, "%s: container still has "
					"child containers", where);
				failed++;
				break;
			case CTK_REL_GONE:
				ctk_msg(&ctl->cli, "%s: no such container",
					where);
				failed++;
				break;
			case CTK_REL_BUSY:
				ctk_msg(&ctl->cli, "%s: a task arrived: container "
					"kept", where);
				failed++;
				break;
			case CTK_REL_ROOT:
				ctk_msg(&ctl->cli, "%s: the hierarchy root is "
					"never removed", where);
				failed++;
				break;
			default:
				ctk_msg_err(&ctl->cli, where, &r.err);
				failed++;
			}
		}
		ctk_target_free(&t);
	}
	if (!failed)
		return CTK_EXIT_OK;
	return failed < n ? CTK_EXIT_PARTIAL : CTK_EXIT_FAILURE;
}

/* --remove -r: each removal with -v, each container kept always. */
static void rm_report(void *arg, const char *cpath,
		      const struct ctk_release_result *r)
{
	struct crelease_control *ctl = arg;
	char where[512], why[512], safe[600];

	snprintf(where, sizeof(where), "%s:%s", ctl->label, cpath);
	if (r->outcome == CTK_REL_REMOVED) {
		if (ctl->verbose)
			printf("removed %s\n", ctk_safe_name(where, safe,
							       sizeof(safe)));
		return;
	}
	ctl->kept++;
	ctk_msg(&ctl->cli, "%s: %s", where,
		ctk_err_text(&r->err, why, sizeof(why)));
}

/* --remove -r --dry-run: what would go, deepest first. */
static int dry_tree(struct crelease_control *ctl, const struct ctk_target *t,
		    const char *where)
{
	struct ctk_tree tr;
	struct ctk_err e;
	char safe[600];

	if (!strcmp(t->rel, ".")) {
		ctk_msg(&ctl->cli, "%s: the hierarchy root is never removed",
			where);
		return -1;
	}
	if (ctk_tree_load_target(t, CTK_TREE_STATE, &tr, &e)) {
		ctk_msg_err(&ctl->cli, where, &e);
		return -1;
	}
	for (size_t k = tr.n; k-- > 0;) {
		const struct ctk_node *nd = &tr.v[k];

		ctk_safe_name(nd->cpath, safe, sizeof(safe));
		if (nd->tasks > 0)
			printf("would %s %ld task%s of %s:%s\n",
			       ctl->kill ? "kill" : "move", nd->tasks,
			       nd->tasks == 1 ? "" : "s", ctl->label, safe);
		printf("would remove %s:%s\n", ctl->label, safe);
	}
	ctk_tree_free(&tr);
	return 0;
}

/* One SPEC of --remove -r: 0 done, 1 failed, 4 partly. */
static int remove_tree(struct crelease_control *ctl, const struct ctk_target *t,
		       const char *where)
{
	struct ctk_remove_stats st;
	struct ctk_err e;
	int rc;

	set_label(ctl, t);
	if (ctl->dry_run)
		return dry_tree(ctl, t, where) ? CTK_EXIT_FAILURE : 0;
	ctl->kept = 0;
	rc = ctk_remove_tree(t, ctl->to.hier ? &ctl->to : NULL,
			     ctl->kill ? CTK_RM_KILL : 0, rm_report, ctl, &st,
			     &e);
	if (ctl->verbose && st.moved)
		printf("moved %zu task%s out of %s%s%s\n", st.moved,
		       st.moved == 1 ? "" : "s", where,
		       ctl->to.hier ? " to " : "", ctl->to.hier ? ctl->to_where
		       : "");
	if (ctl->verbose && st.killed)
		printf("killed %zu task%s in %s\n", st.killed,
		       st.killed == 1 ? "" : "s", where);
	if (!rc)
		return 0;
	if (rc == -EBUSY) {
		ctk_msg(&ctl->cli, "%s: not all removed (%zu removed, %zu "
			"kept)", where, st.removed, ctl->kept);
		return CTK_EXIT_PARTIAL;
	}
	ctk_msg_err_op(&ctl->cli, where, &e, CTK_OP_RMDIR);
	return CTK_EXIT_FAILURE;
}

static int do_remove_trees(struct crelease_control *ctl, const char **specs,
			   size_t n)
{
	struct ctk_target *t = resolve_all(ctl, specs, n);
	size_t failed = 0, partial = 0;
	struct ctk_err e;

	if (!t)
		return CTK_EXIT_FAILURE;
	if (ctl->to_spec) {
		if (ctk_target_from_string(ctl->to_spec, &ctl->hier, &ctl->to,
					   &e)) {
			ctk_msg_err(&ctl->cli, ctl->to_spec, &e);
			for (size_t i = 0; i < n; i++)
				ctk_target_free(&t[i]);
			free(t);
			return CTK_EXIT_FAILURE;
		}
		char raw[512];

		ctk_target_format(&ctl->to, raw, sizeof(raw));
		ctk_safe_name(raw, ctl->to_where, sizeof(ctl->to_where));
	}
	for (size_t i = 0; i < n; i++) {
		char where[512];
		int rc;

		ctk_target_format(&t[i], where, sizeof(where));
		rc = ctk_cli_systemd_check(&ctl->cli, &t[i], CTK_SD_CHANGE,
					   ctl->force);
		if (!rc)
			rc = remove_tree(ctl, &t[i], where);
		failed += rc == CTK_EXIT_FAILURE;
		partial += rc == CTK_EXIT_PARTIAL;
		ctk_target_free(&t[i]);
	}
	free(t);
	if (!failed && !partial)
		return CTK_EXIT_OK;
	return failed == n ? CTK_EXIT_FAILURE : CTK_EXIT_PARTIAL;
}

/* --mark, --unmark: every SPEC resolved before the first change. */
static int do_mark(struct crelease_control *ctl, const char **specs, size_t n)
{
	struct ctk_target *t = resolve_all(ctl, specs, n);
	size_t failed = 0;
	struct ctk_err e;

	if (!t)
		return CTK_EXIT_FAILURE;
	for (size_t i = 0; i < n && !failed; i++) {
		char where[512];
		int fd = ctk_container_open(&t[i]);

		ctk_target_format(&t[i], where, sizeof(where));
		if (fd < 0) {
			ctk_msg_errno(&ctl->cli, where, NULL, CTK_OP_OPEN, fd);
			failed = n;	/* nothing changed */
		}
		if (fd >= 0)
			close(fd);
	}
	for (size_t i = 0; i < n && failed < n; i++) {
		char where[512], safe[600];

		ctk_target_format(&t[i], where, sizeof(where));
		if (ctk_release_mark(&t[i], ctl->mark, &e)) {
			ctk_msg_err_op(&ctl->cli, where, &e, CTK_OP_WRITE);
			failed++;
		} else if (ctl->verbose) {
			printf("%s %s\n", ctl->mark ? "marked" : "unmarked",
			       ctk_safe_name(where, safe, sizeof(safe)));
		}
	}
	for (size_t i = 0; i < n; i++)
		ctk_target_free(&t[i]);
	free(t);
	if (!failed)
		return CTK_EXIT_OK;
	return failed < n ? CTK_EXIT_PARTIAL : CTK_EXIT_FAILURE;
}

static int do_watch(struct crelease_control *ctl, const char **specs,
		    size_t n)
{
	struct ctk_target *t = resolve_all(ctl, specs, n);
	struct ctk_err e;
	sigset_t mask;
	int sfd = -1, ret = CTK_EXIT_OK;

	if (!t)
		return CTK_EXIT_FAILURE;
	for (size_t i = 0; i < n; i++) {
		if (t[i].hier->type != CTK_HIER_V2) {
			ctk_msg(&ctl->cli, "%s: --watch is for cgroup v2 (v1 "
				"hierarchies call the release agent)", specs[i]);
			ret = CTK_EXIT_UNSUPPORTED;
			goto out;
		}
		if (t[i].hier != t[0].hier) {
			ctk_msg(&ctl->cli, "%s: not in the same hierarchy as %s",
				specs[i], specs[0]);
			ret = CTK_EXIT_USAGE;
			goto out;
		}
		/* systemd's tree: what it delegated (the top itself may be
		 * watched: what is below it is the delegatee's) */
		if (ctk_cli_systemd_check(&ctl->cli, &t[i], CTK_SD_MOVE,
					  ctl->force)) {
			ret = CTK_EXIT_FAILURE;
			goto out;
		}
	}
	if (!ctl->once) {
		sigemptyset(&mask);
		sigaddset(&mask, SIGTERM);
		sigaddset(&mask, SIGINT);
		sigprocmask(SIG_BLOCK, &mask, NULL);
		sfd = signalfd(-1, &mask, SFD_CLOEXEC);
		if (sfd < 0) {
			ctk_msg(&ctl->cli, "signalfd: %s", strerror(errno));
			ret = CTK_EXIT_FAILURE;
			goto out;
		}
	}
	set_label(ctl, &t[0]);
	if (ctl->once) {
		/* each target on its own, a missing one named */
		for (size_t i = 0; i < n && ret == CTK_EXIT_OK; i++)
			if (ctk_release_watch(&t[i], 1, true, -1, report, ctl,
					      &e)) {
				ctk_msg_err(&ctl->cli, specs[i], &e);
				ret = CTK_EXIT_FAILURE;
			}
		if (ret == CTK_EXIT_OK && ctl->failed)
			ret = CTK_EXIT_PARTIAL;	/* as --sweep: something kept */
	} else if (ctk_release_watch(t, n, false, sfd, report, ctl, &e)) {
		ctk_msg_err(&ctl->cli, NULL, &e);
		ret = CTK_EXIT_FAILURE;
	}
out:
	if (sfd >= 0)
		close(sfd);
	for (size_t i = 0; i < n; i++)
		ctk_target_free(&t[i]);
	free(t);
	return ret;
}

/* The mode and what goes with it: 0, or a usage error (exit 2). */
static int check_modes(struct crelease_control *ctl, size_t nspecs)
{
	const struct {
		bool wrong;
		const char *why;
	} rule[] = {
		{ ctl->sweep + ctl->remove + ctl->watch + ctl->mark +
		  ctl->unmark != 1, "no mode (CPATH as the kernel's agent, "
		  "--sweep, --remove, --watch or --mark)" },
		{ ctl->recursive && !ctl->remove,
		  "--recursive goes with --remove" },
		{ ctl->force && !ctl->remove && !ctl->watch,
		  "--force goes with --remove or --watch" },
		{ ctl->to_spec && (!ctl->recursive || ctl->kill),
		  "--to goes with --remove --recursive, without --kill" },
		{ ctl->kill && !ctl->recursive,
		  "--kill goes with --remove --recursive" },
		{ !nspecs, "no container given" },
		{ ctl->once && !ctl->watch, "--once goes with --watch" },
		{ ctl->all && !ctl->sweep, "--all goes with --sweep" },
		{ ctl->dry_run && !ctl->sweep && !ctl->remove,
		  "--dry-run goes with --sweep or --remove" },
	};

	for (size_t i = 0; i < CTK_ARRAY_SIZE(rule); i++)
		if (rule[i].wrong)
			return ctk_usage_error(&ctl->cli, "%s", rule[i].why);
	return 0;
}

/* The hierarchies, the log, then the mode. An exit code. */
static int run(struct crelease_control *ctl, const char **specs,
	       size_t nspecs)
{
	struct ctk_err e;

	if (ctk_hierarchy_load(&ctl->hier, NULL, "/proc/self/cgroup", &e)) {
		ctk_msg_err(&ctl->cli, NULL, &e);
		return CTK_EXIT_FAILURE;
	}
	ctk_log_open(&ctl->log, "crelease", ctl->log_path);
	if (ctl->log_path) {
		char why[512];

		/* before the first removal: a refused log is said here */
		ctl->log.file = ctk_log_file_open(ctl->log_path, &e);
		if (ctl->log.file < 0) {
			ctk_msg(&ctl->cli, "--log %s: %s", ctl->log_path,
				ctk_err_text(&e, why, sizeof(why)));
			return CTK_EXIT_FAILURE;
		}
	}
	if (ctl->watch) {
		ctl->log.to_stdout = ctl->verbose;
		/* a daemon's lines, as they come */
		setvbuf(stdout, NULL, _IOLBF, 0);
		return do_watch(ctl, specs, nspecs);
	}
	/* sweeps print their lines; --log keeps them too */
	ctl->log.system = false;
	ctl->log.to_stdout = true;
	if (ctl->mark || ctl->unmark)
		return do_mark(ctl, specs, nspecs);
	if (ctl->sweep)
		return do_sweep(ctl, specs, nspecs);
	if (ctl->recursive)
		return do_remove_trees(ctl, specs, nspecs);
	return do_remove(ctl, specs, nspecs);
}

int main(int argc, const char **argv)
{
	struct crelease_control ctl = { .cli = { .tool = "crelease" } };
	struct poptOption common[CTK_CLI_NOPTS];
	struct poptOption opts[] = {
		{ "sweep", 's', POPT_ARG_NONE, &ctl.sweep, 0,
		  "remove every releasable container below each SPEC", NULL },
		{ "remove", 'R', POPT_ARG_NONE, &ctl.remove, 0,
		  "remove these empty containers now", NULL },
		{ "force", '\0', POPT_ARG_NONE, &ctl.force, 0,
		  "with --remove or --watch: also where systemd manages "
		  "the tree outside what it delegated (a warning)", NULL },
		{ "recursive", 'r', POPT_ARG_NONE, &ctl.recursive, 0,
		  "with --remove: the whole tree, its tasks moved to the "
		  "parent", NULL },
		{ "kill", 'k', POPT_ARG_NONE, &ctl.kill, 0,
		  "with --remove -r: kill the tasks instead", NULL },
		{ "to", '\0', POPT_ARG_STRING, &ctl.to_spec, 0,
		  "with --remove -r: move the tasks into SPEC, not the parent",
		  "SPEC" },
		{ "mark", '\0', POPT_ARG_NONE, &ctl.mark, 0,
		  "set notify_on_release (v2: the release mark)", NULL },
		{ "unmark", '\0', POPT_ARG_NONE, &ctl.unmark, 0,
		  "clear notify_on_release (v2: the release mark)", NULL },
		{ "watch", 'w', POPT_ARG_NONE, &ctl.watch, 0,
		  "cgroup v2: release marked containers below each SPEC",
		  NULL },
		{ "once", '\0', POPT_ARG_NONE, &ctl.once, 0,
		  "with --watch: release what is releasable now, then exit",
		  NULL },
		{ "dry-run", 'n', POPT_ARG_NONE, &ctl.dry_run, 0,
		  "say what would be removed, remove nothing", NULL },
		{ "all", 'a', POPT_ARG_NONE, &ctl.all, 0,
		  "with --sweep: notify on release not required", NULL },
		{ "log", 'l', POPT_ARG_STRING, &ctl.log_path, 0,
		  "also log to FILE", "FILE" },
		{ "agent", '\0', POPT_ARG_STRING, &ctl.agent, 0,
		  "the agent path to match (a wrapper script's own path)",
		  "PATH" },
		{ "verbose", 'v', POPT_ARG_NONE, &ctl.verbose, 0,
		  "print what is removed", NULL },
		{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, common, 0,
		  "Common options:", NULL },
		CTK_CLI_SPEC_HELP(CTK_SPEC_HELP),
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	const char *agent_path, *log_path, *cpath, **specs;
	size_t nspecs = 0;
	poptContext pc;
	int rc, ret = CTK_EXIT_USAGE;

	if (agent_call(argc, argv, &agent_path, &log_path, &cpath))
		return agent(argv[0], agent_path, log_path, cpath,
			     ctk_cli_std_fds("/dev/null"));
	pc = ctk_cli_start(&ctl.cli, argc, argv, opts, common,
			   "CPATH | --sweep SPEC... | --remove [-r] SPEC... | "
			   "--watch SPEC... | --mark SPEC...", NULL);
	if (!pc)
		return CTK_EXIT_FAILURE;
	while ((rc = poptGetNextOpt(pc)) > 0)
		ctk_cli_handle(&ctl.cli, rc);
	if (rc < -1) {
		ret = ctk_popt_error(&ctl.cli, pc, rc);
		goto out;
	}
	specs = poptGetArgs(pc);
	while (specs && specs[nspecs])
		nspecs++;
	if (ctk_cli_exclusive(&ctl.cli, (const struct ctk_excl[]){
			CTK_EXCL_FLAG("--sweep", &ctl.sweep),
			CTK_EXCL_FLAG("--remove", &ctl.remove),
			CTK_EXCL_FLAG("--watch", &ctl.watch),
			CTK_EXCL_FLAG("--mark", &ctl.mark),
			CTK_EXCL_FLAG("--unmark", &ctl.unmark), CTK_EXCL_END,
			CTK_EXCL_END })) {
		ret = CTK_EXIT_USAGE;
		goto out;
	}
	ret = check_modes(&ctl, nspecs);
	if (!ret)
		ret = run(&ctl, specs, nspecs);
out:
	if (ctl.to.hier)
		ctk_target_free(&ctl.to);
	ctk_hierarchy_free(&ctl.hier);
	free(ctl.to_spec);
	free(ctl.log_path);
	free(ctl.agent);
	poptFreeContext(pc);
	return ret;
}
