/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cgroup v2 release watcher. v2 has no release agent; this gives it the
 * v1 behaviour for marked containers: inotify on every container directory
 * (children created and removed) and on its cgroup.events (populated), a
 * scan at start (events before the watch are not replayed), and removal of
 * a marked container once it is empty and childless after having been
 * populated or having had children (a fresh empty container stays). That
 * "has been used" state is also kept in the container (CTK_XATTR_RELEASABLE,
 * set here, by cattach and by cmkdir as root), so a watcher started after a
 * container emptied releases it too.
 *
 * A watched target that is not there (yet, or any more: removed while
 * watched) is waited for: a second inotify instance watches the deepest
 * directory of its path that exists for a child made there, one level at a
 * time, and the target is watched as soon as it appears. Each wait is said
 * once (CTK_REL_WAITING, CTK_REL_WATCH_LOST); never is nothing watched
 * silently.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>

#include "ctk/container.h"
#include "ctk/release.h"
#include "internal.h"

struct wnode {
	char *cpath;
	char *rel;
	int wd_dir, wd_ev;
	bool armed;		/* has been populated or had children */
	bool recorded;		/* armed is in CTK_XATTR_RELEASABLE */
	bool top;		/* a watched target: never removed */
	bool used;
};

/* a target, watched (node >= 0) or waited for (node < 0) */
struct wtarget {
	long node;		/* its top node, or -1 */
	int wd;			/* waiting: the watch in pfd, or -1 */
};

struct watcher {
	int ifd, rootfd;
	int pfd;		/* inotify for the targets waited for */
	const struct ctk_target *t;
	struct wtarget *tg;
	size_t nt;
	struct wnode *v;
	size_t n, cap;
	size_t *freelist;
	size_t nfree, fcap;
	long *wdmap;		/* wd -> node index, -1 */
	size_t wdcap;
	long top;		/* add_tree's top node */
	int fail;		/* a lost target that cannot be waited for */
	size_t fail_k;
	ctk_release_report_fn report;
	void *arg;
};

static int map_wd(struct watcher *w, int wd, size_t idx)
{
	if ((size_t)wd >= w->wdcap) {
		size_t cap = w->wdcap ? w->wdcap : 256;
		long *m;

		while (cap <= (size_t)wd)
			cap *= 2;
		m = realloc(w->wdmap, cap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		for (size_t i = w->wdcap; i < cap; i++)
			m[i] = -1;
		w->wdmap = m;
		w->wdcap = cap;
	}
	w->wdmap[wd] = (long)idx;
	return 0;
}

static long node_of(struct watcher *w, int wd)
{
	return wd >= 0 && (size_t)wd < w->wdcap ? w->wdmap[wd] : -1;
}

static long node_new(struct watcher *w)
{
	size_t i;

	if (w->nfree) {
		i = w->freelist[--w->nfree];
	} else {
		/* the free list holds at most as many as there are nodes */
		if (CTK_GROW(w->v, w->cap, w->n, 64) ||
		    CTK_GROW(w->freelist, w->fcap, w->n, 64))
			return -ENOMEM;
		i = w->n++;
	}
	memset(&w->v[i], 0, sizeof(w->v[i]));
	w->v[i].wd_dir = w->v[i].wd_ev = -1;
	w->v[i].used = true;
	return (long)i;
}

static void node_drop(struct watcher *w, size_t i)
{
	struct wnode *nd = &w->v[i];

	if (!nd->used)
		return;
	if (nd->wd_dir >= 0 && node_of(w, nd->wd_dir) == (long)i)
		w->wdmap[nd->wd_dir] = -1;
	if (nd->wd_ev >= 0 && node_of(w, nd->wd_ev) == (long)i)
		w->wdmap[nd->wd_ev] = -1;
	free(nd->cpath);
	free(nd->rel);
	memset(nd, 0, sizeof(*nd));
	w->freelist[w->nfree++] = i;
}

static char *join(const char *a, const char *b, bool rel)
{
	char *s;

	if (rel && !strcmp(a, "."))
		return strdup(b);
	if (!rel && !strcmp(a, "/"))
		return asprintf(&s, "/%s", b) < 0 ? NULL : s;
	return asprintf(&s, "%s/%s", a, b) < 0 ? NULL : s;
}

/*
 * The node has been populated or has had children: remember it, here and
 * in the container itself (CTK_XATTR_RELEASABLE), so that a watcher that
 * starts after it emptied still releases it. @fd: the container, or -1.
 */
static void arm(struct watcher *w, size_t i, int fd)
{
	struct wnode *nd = &w->v[i];
	int own = -1;

	nd->armed = true;
	if (nd->recorded)
		return;
	nd->recorded = true;	/* once: a refusal (not root) stays one */
	if (fd < 0)
		fd = own = ctk_openat_beneath(w->rootfd, nd->rel,
					      O_RDONLY | O_DIRECTORY, 0);
	if (fd >= 0)
		ctk_v2_arm(fd);
	if (own >= 0)
		close(own);
}

static int populated(int fd)
{
	char buf[128], *p;

	if (ctk_cfile_read(fd, "cgroup.events", buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "populated ");
	return p ? p[10] == '1' : -1;
}

static void evaluate(struct watcher *w, size_t i);

/*
 * Watch one container and everything below it: the directory watch is in
 * place before its children are listed, so none can slip in between. A
 * subtree that appears while watching (@top false) may have been used and
 * emptied before its watches were in place: what is armed and empty in it
 * is evaluated at once.
 */
/* The directories add_tree has still to look at, breadth first. */
struct wqueue {
	char **rel, **cpath;
	size_t n, cap, ccap;
};

/* Queue the children of node @i, whose directory is @fd: a container with
 * children is armed (its release comes when the last one goes). */
static int queue_children(struct watcher *w, size_t i, int fd,
			  struct wqueue *q)
{
	int dfd = dup(fd), rc = 0;
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;

	while (d && (de = readdir(d))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
		    !strcmp(de->d_name, ".."))
			continue;
		if (!w->v[i].armed || !w->v[i].recorded)
			arm(w, i, fd);	/* it has children */
		if (CTK_GROW(q->rel, q->cap, q->n, 16) ||
		    CTK_GROW(q->cpath, q->ccap, q->n, 16)) {
			rc = -ENOMEM;
			break;
		}
		q->rel[q->n] = join(w->v[i].rel, de->d_name, true);
		q->cpath[q->n] = join(w->v[i].cpath, de->d_name, false);
		q->n++;
	}
	if (d)
		closedir(d);
	else if (dfd >= 0)
		close(dfd);
	return rc;
}

static int add_tree(struct watcher *w, const char *rel0, const char *cpath0,
		    bool top)
{
	size_t *added = NULL, nadded = 0, addcap = 0;
	struct wqueue q = { 0 };
	int rc = 0;

	q.rel = malloc(sizeof(*q.rel));
	q.cpath = malloc(sizeof(*q.cpath));
	if (!q.rel || !q.cpath) {
		free(q.rel);
		free(q.cpath);
		return -ENOMEM;
	}
	q.rel[0] = strdup(rel0);
	q.cpath[0] = strdup(cpath0);
	q.n = q.cap = q.ccap = 1;
	for (size_t qi = 0; qi < q.n; qi++) {
		char proc[64], procev[96];
		int fd, wd, wde, qrc;
		long i;

		if (!q.rel[qi] || !q.cpath[qi]) {
			rc = -ENOMEM;
			continue;
		}
		fd = ctk_openat_beneath(w->rootfd, q.rel[qi],
					O_RDONLY | O_DIRECTORY, 0);
		if (fd < 0 && top && qi == 0) {
			rc = fd;	/* missing: waited for; else said */
			break;
		}
		if (fd < 0)
			continue;	/* removed meanwhile */
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		snprintf(procev, sizeof(procev), "%s/cgroup.events", proc);
		wd = inotify_add_watch(w->ifd, proc, IN_CREATE | IN_DELETE |
				       IN_ONLYDIR);
		wde = inotify_add_watch(w->ifd, procev, IN_MODIFY);
		if (wd < 0 || wde < 0) {
			close(fd);	/* removed meanwhile */
			continue;
		}
		i = node_of(w, wd);
		if (i < 0) {
			i = node_new(w);
			if (i < 0 || map_wd(w, wd, (size_t)i) ||
			    map_wd(w, wde, (size_t)i)) {
				close(fd);
				rc = -ENOMEM;
				break;
			}
			w->v[i].rel = CTK_TAKE_PTR(q.rel[qi]);
			w->v[i].cpath = CTK_TAKE_PTR(q.cpath[qi]);
			w->v[i].wd_dir = wd;
			w->v[i].wd_ev = wde;
			w->v[i].top = top && qi == 0;
			if (!top && !CTK_GROW(added, addcap, nadded, 16))
				added[nadded++] = (size_t)i;
		}
		if (top && qi == 0)
			w->top = i;
		/* already watched (a race, or a rescan): still list below */
		if (ctk_v2_armed_get(fd) == 1) {
			w->v[i].armed = true;	/* from an earlier watcher */
			w->v[i].recorded = true;
		}
		if (populated(fd) == 1)
			arm(w, (size_t)i, fd);
		qrc = queue_children(w, (size_t)i, fd, &q);
		if (qrc)
			rc = qrc;
		close(fd);
	}
	for (size_t k = 0; k < q.n; k++) {
		free(q.rel[k]);
		free(q.cpath[k]);
	}
	free(q.rel);
	free(q.cpath);
	/* deepest first, as a cascade goes */
	for (size_t k = nadded; k-- > 0;)
		if (w->v[added[k]].used && w->v[added[k]].armed)
			evaluate(w, added[k]);
	free(added);
	return rc;
}

static void evaluate(struct watcher *w, size_t i)
{
	struct wnode *nd = &w->v[i];
	struct ctk_release_result r;

	if (!nd->used || nd->top || !nd->armed)
		return;
	ctk_release_try(w->rootfd, nd->rel, CTK_HIER_V2, CTK_REL_NEED_NOTIFY,
			&r);
	switch (r.outcome) {
	case CTK_REL_NO_NOTIFY:
	case CTK_REL_POPULATED:
	case CTK_REL_CHILDREN:
	case CTK_REL_GONE:
		return;		/* not a decision: nothing to say */
	default:
		if (w->report)
			w->report(w->arg, nd->cpath, &r);
	}
}

static void say(struct watcher *w, size_t k, enum ctk_release_outcome o)
{
	struct ctk_release_result r = { .outcome = o };

	if (w->report)
		w->report(w->arg, w->t[k].cpath, &r);
}

/*
 * Target @k is not there: watch the deepest directory of its path that is
 * (the hierarchy root at least) for a child made in it. Returns 1 when the
 * target is there after all (made meanwhile: each level is looked at again
 * once its parent is watched), 0 when waiting, or -errno.
 */
static int wait_at_ancestor(struct watcher *w, size_t k)
{
	const char *rel = w->t[k].rel;
	char *p = strdup(rel);
	int rc = 0;

	if (!p)
		return -ENOMEM;
	for (int round = 0; round < 4096 && !rc; round++) {
		char proc[64], *slash;
		int fd = ctk_openat_beneath(w->rootfd, rel,
					    O_RDONLY | O_DIRECTORY, 0);

		if (fd >= 0) {
			close(fd);
			rc = 1;
			break;
		}
		if (fd != -ENOENT) {
			rc = fd;
			break;
		}
		/* the deepest prefix there */
		strcpy(p, rel);
		do {
			slash = strrchr(p, '/');
			if (slash)
				*slash = '\0';
			else
				strcpy(p, ".");
			fd = ctk_openat_beneath(w->rootfd, p,
						O_RDONLY | O_DIRECTORY, 0);
		} while (fd == -ENOENT && strcmp(p, "."));
		if (fd < 0) {
			rc = fd;
			break;
		}
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		/* (a watch of another target's may be the same: none is
		 * taken away; an extra event costs one look) */
		w->tg[k].wd = inotify_add_watch(w->pfd, proc, IN_CREATE |
						IN_DELETE | IN_ONLYDIR);
		close(fd);
		if (w->tg[k].wd < 0) {
			rc = -errno;
			break;
		}
		/* is the next level there now? then once more, deeper */
		{
			size_t len = strcmp(p, ".") ? strlen(p) + 1 : 0;
			char *next = strdup(rel + len);

			if (!next) {
				rc = -ENOMEM;
				break;
			}
			next[strcspn(next, "/")] = '\0';
			slash = NULL;
			if (asprintf(&slash, "%s%s%s", len ? p : "",
				     len ? "/" : "", next) < 0)
				slash = NULL;
			free(next);
			if (!slash) {
				rc = -ENOMEM;
				break;
			}
			fd = ctk_openat_beneath(w->rootfd, slash,
						O_RDONLY | O_DIRECTORY, 0);
			free(slash);
			if (fd >= 0) {
				close(fd);
				continue;
			}
		}
		break;	/* watched where it will appear */
	}
	free(p);
	return rc;
}

/*
 * A watched target's own removal comes with no event of its directory (a
 * cgroup's inode sends no IN_DELETE_SELF nor IN_IGNORED, measured on 6.18):
 * its parent is watched for it, in pfd, and settle() looks.
 */
static void guard_parent(struct watcher *w, size_t k)
{
	char *parent = strdup(w->t[k].rel), *slash, proc[64];
	int fd;

	if (!parent || !strcmp(parent, ".")) {
		free(parent);
		return;		/* the hierarchy root is never removed */
	}
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	fd = ctk_openat_beneath(w->rootfd, slash ? parent : ".",
				O_RDONLY | O_DIRECTORY, 0);
	free(parent);
	if (fd < 0)
		return;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	w->tg[k].wd = inotify_add_watch(w->pfd, proc, IN_DELETE | IN_ONLYDIR);
	close(fd);
}

/* Forget the node @rel and every node below it (their directories are
 * gone: no event will say so) */
static void drop_below(struct watcher *w, const char *rel)
{
	size_t len = strlen(rel);

	for (size_t i = 0; i < w->n; i++) {
		struct wnode *nd = &w->v[i];

		if (!nd->used || strncmp(nd->rel, rel, len) ||
		    (nd->rel[len] && nd->rel[len] != '/'))
			continue;
		if (nd->wd_dir >= 0) {
			w->wdmap[nd->wd_dir] = -1;
			inotify_rm_watch(w->ifd, nd->wd_dir);
		}
		if (nd->wd_ev >= 0) {
			w->wdmap[nd->wd_ev] = -1;
			inotify_rm_watch(w->ifd, nd->wd_ev);
		}
		nd->wd_dir = nd->wd_ev = -1;
		node_drop(w, i);
	}
}

/*
 * Watch target @k if it is there, else wait for it (said once, as @why).
 * Returns 0, or -errno for a target that cannot be watched (said by the
 * caller).
 */
static int take_target(struct watcher *w, size_t k, enum ctk_release_outcome why,
		       bool say_watching)
{
	int rc;

	for (int round = 0; round < 64; round++) {
		w->top = -1;
		rc = add_tree(w, w->t[k].rel, w->t[k].cpath, true);
		if (!rc) {
			w->tg[k].node = w->top;
			guard_parent(w, k);
			if (say_watching)
				say(w, k, CTK_REL_WATCHING);
			return 0;
		}
		if (rc != -ENOENT)
			return rc;
		w->tg[k].node = -1;
		rc = wait_at_ancestor(w, k);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			if (why != CTK_REL_WATCHING)
				say(w, k, why);
			return 0;
		}
		/* made meanwhile: watch it */
	}
	return -EAGAIN;
}

/* Something was made where a waited-for target will be: look again. */
static int settle(struct watcher *w)
{
	char buf[4096] __attribute__((aligned(8)));
	int rc = 0;

	while (read(w->pfd, buf, sizeof(buf)) > 0)
		;	/* which directory does not matter: look at all */
	for (size_t k = 0; k < w->nt && !rc; k++) {
		if (w->tg[k].node >= 0) {
			int fd = ctk_openat_beneath(w->rootfd, w->t[k].rel,
						    O_RDONLY | O_DIRECTORY, 0);

			if (fd >= 0) {
				close(fd);
				continue;
			}
			if (fd != -ENOENT)
				continue;
			/* the watched container is gone */
			drop_below(w, w->t[k].rel);
			w->tg[k].node = -1;
			rc = take_target(w, k, CTK_REL_WATCH_LOST, true);
			continue;
		}
		rc = take_target(w, k, CTK_REL_WATCHING, true);
	}
	return rc;
}

/* A watched target's directory is gone: wait for it to come back. */
static void target_lost(struct watcher *w, size_t i)
{
	for (size_t k = 0; k < w->nt; k++)
		if (w->tg[k].node == (long)i) {
			int rc;

			w->tg[k].node = -1;
			rc = take_target(w, k, CTK_REL_WATCH_LOST, true);
			if (rc && !w->fail) {
				w->fail = rc;
				w->fail_k = k;
			}
		}
}

static int cannot_watch(const struct ctk_target *t, int rc, struct ctk_err *e)
{
	char why[256];

	if (ctk_explain(CTK_OP_OPEN, -rc))
		return ctk_err_atx(e, -rc, t->cpath, "cannot watch: %s",
				   ctk_strerror(CTK_OP_OPEN, -rc, why,
						sizeof(why)));
	return ctk_err_at(e, -rc, t->cpath, "cannot watch");
}

static void on_event(struct watcher *w, const struct inotify_event *ev)
{
	long i = node_of(w, ev->wd);
	struct wnode *nd;

	if (i < 0)
		return;
	nd = &w->v[i];
	if (ev->mask & IN_IGNORED) {
		/* the directory is gone; its cgroup.events file goes with
		 * it inside kernfs, with no event of its own: its watch is
		 * taken away here */
		w->wdmap[ev->wd] = -1;
		if (ev->wd == nd->wd_ev)
			nd->wd_ev = -1;
		if (ev->wd == nd->wd_dir) {
			nd->wd_dir = -1;
			if (nd->wd_ev >= 0) {
				w->wdmap[nd->wd_ev] = -1;
				inotify_rm_watch(w->ifd, nd->wd_ev);
				nd->wd_ev = -1;
			}
		}
		if (nd->wd_dir < 0 && nd->wd_ev < 0) {
			bool top = nd->top;

			node_drop(w, (size_t)i);
			if (top)
				target_lost(w, (size_t)i);
		}
		return;
	}
	if (ev->wd == nd->wd_ev && (ev->mask & IN_MODIFY)) {
		int fd = ctk_openat_beneath(w->rootfd, nd->rel,
					    O_RDONLY | O_DIRECTORY, 0);
		int pop = fd >= 0 ? populated(fd) : -1;

		if (pop == 1)
			arm(w, (size_t)i, fd);
		/* populated and emptied between two notifications (the
		 * kernel sends one per ~10 ms per file): what cattach or an
		 * earlier watcher recorded says it was used */
		if (pop == 0 && !nd->armed && fd >= 0 &&
		    ctk_v2_armed_get(fd) == 1)
			nd->armed = nd->recorded = true;
		if (fd >= 0)
			close(fd);
		if (pop == 0)
			evaluate(w, (size_t)i);
		return;
	}
	if (ev->wd != nd->wd_dir || !(ev->mask & IN_ISDIR) || !ev->len)
		return;
	if (ev->mask & IN_CREATE) {
		char *rel = join(nd->rel, ev->name, true);
		char *cpath = join(nd->cpath, ev->name, false);

		arm(w, (size_t)i, -1);
		if (rel && cpath)
			add_tree(w, rel, cpath, false);
		free(rel);
		free(cpath);
	} else if (ev->mask & IN_DELETE) {
		char *rel = join(nd->rel, ev->name, true);

		/* the child's nodes: no event of their own will come */
		if (rel)
			drop_below(w, rel);
		free(rel);
		nd = &w->v[i];
		nd->armed = true;
		evaluate(w, (size_t)i);
	}
}

static void rescan(struct watcher *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].used && w->v[i].armed)
			evaluate(w, i);
}

/* --once: one sweep of each watched container, nothing watched. */
static int watch_once(const struct ctk_target *t, size_t n,
		      ctk_release_report_fn report, void *arg,
		      struct ctk_err *e)
{
	for (size_t k = 0; k < n; k++) {
		size_t removed, failed;
		int rc = ctk_release_sweep(&t[k], CTK_REL_NEED_NOTIFY, report,
					   arg, &removed, &failed, e);

		if (rc)
			return rc;
	}
	return 0;
}

/* The events read from the inotify fd: each container's, or on a lost
 * event (the queue overflowed) every tree looked at again; *@settle
 * when the populated watches must be looked at. */
static void read_events(struct watcher *w, char *buf, size_t size,
			bool *settle_now)
{
	ssize_t len;

	while ((len = read(w->ifd, buf, size)) > 0) {
		for (char *q = buf; q < buf + len;) {
			const struct inotify_event *ev = (void *)q;

			if (ev->mask & IN_Q_OVERFLOW) {
				for (size_t k = 0; k < w->nt; k++)
					if (w->tg[k].node >= 0)
						add_tree(w, w->t[k].rel,
							 w->t[k].cpath, true);
				rescan(w);
				*settle_now = true;
			} else {
				on_event(w, ev);
			}
			q += sizeof(*ev) + ev->len;
		}
	}
}

/* Until @stop_fd is readable, or a watch is lost: the events. */
static int watch_loop(struct watcher *w, int stop_fd, struct ctk_err *e)
{
	char buf[64 * 1024] __attribute__((aligned(8)));

	for (;;) {
		struct pollfd p[3] = {
			{ .fd = w->ifd, .events = POLLIN },
			{ .fd = w->pfd, .events = POLLIN },
			{ .fd = stop_fd, .events = POLLIN },
		};
		bool settle_now;

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return ctk_err_set(e, errno, "poll");
		}
		if (stop_fd >= 0 && (p[2].revents & (POLLIN | POLLHUP)))
			return 0;
		settle_now = p[1].revents & POLLIN;
		read_events(w, buf, sizeof(buf), &settle_now);
		if (!w->fail && settle_now) {
			w->fail = settle(w);
			for (size_t k = 0; w->fail && k < w->nt; k++)
				if (w->tg[k].node < 0) {
					w->fail_k = k;
					break;
				}
		}
		if (w->fail)
			return cannot_watch(&w->t[w->fail_k], w->fail, e);
	}
}

static void watcher_free(struct watcher *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].used) {
			free(w->v[i].cpath);
			free(w->v[i].rel);
		}
	free(w->v);
	free(w->freelist);
	free(w->wdmap);
	free(w->tg);
	if (w->ifd >= 0)
		close(w->ifd);
	if (w->pfd >= 0)
		close(w->pfd);
}

/* The watcher's start: inotify, each target taken (it may not exist
 * yet), and anything armed and already empty (emptied during the scan). */
static int watch_start(struct watcher *w, struct ctk_err *e)
{
	w->rootfd = ctk_hierarchy_borrow_fd(w->t[0].hier);
	if (w->rootfd < 0)
		return ctk_err_set(e, -w->rootfd, "cannot open the hierarchy");
	w->tg = calloc(w->nt, sizeof(*w->tg));
	if (!w->tg)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	for (size_t k = 0; k < w->nt; k++)
		w->tg[k] = (struct wtarget){ .node = -1, .wd = -1 };
	w->ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	w->pfd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->ifd < 0 || w->pfd < 0)
		return ctk_err_set(e, errno, "cannot start inotify");
	for (size_t k = 0; k < w->nt; k++) {
		int rc = take_target(w, k, CTK_REL_WAITING, false);

		if (rc)
			return cannot_watch(&w->t[k], rc, e);
	}
	rescan(w);
	for (size_t k = 0; k < w->nt; k++)
		if (w->tg[k].node >= 0)
			say(w, k, CTK_REL_WATCHING);
	return 0;
}

int ctk_release_watch(const struct ctk_target *t, size_t n, bool once,
		      int stop_fd, ctk_release_report_fn report, void *arg,
		      struct ctk_err *e)
{
	struct watcher w = { .ifd = -1, .pfd = -1, .t = t, .nt = n,
			     .report = report, .arg = arg };
	int rc;

	if (!n)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (t[k].hier != t[0].hier || t[k].hier->type != CTK_HIER_V2)
			return ctk_err_setx(e, EINVAL, "the watched containers "
					   "must be in the one v2 hierarchy");
	if (once)
		return watch_once(t, n, report, arg, e);
	rc = watch_start(&w, e);
	if (!rc)
		rc = watch_loop(&w, stop_fd, e);
	watcher_free(&w);
	return rc;
}
