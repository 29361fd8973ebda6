/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Container tree walk: iterative (an explicit stack, so depth costs heap,
 * not C stack), children sorted by name, preorder, with v1 "populated"
 * aggregated bottom-up as frames are popped. Every child is opened beneath
 * its parent with openat2: a directory covered by a mount is counted as a
 * child (so its parent is never taken for childless) but not walked.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ctk/container.h"
#include "ctk/systemd.h"
#include "ctk/tree.h"
#include "internal.h"

/* What a walk reads besides names. */
struct want {
	unsigned flags;
	const char *const *files;
	size_t nfiles;
};

struct frame {
	int fd;			/* -1: closed to bound the open files */
	size_t node;
	const char *name;	/* how the parent's fd reaches it */
	char **names;
	size_t n, next;
};

/*
 * A walk keeps at most this many directories of its stack open: a chain of
 * a thousand containers (a delegate can make one) must not exhaust the
 * caller's open files. A frame closed on the way down is opened again
 * from the nearest open one, a name at a time beneath each, only if it has
 * another child to visit.
 */
#define WALK_OPEN_MAX 32

/* Reopen the frame @k of @stack from its nearest open ancestor. */
static int reopen_frame(struct frame *stack, size_t k)
{
	size_t a = k;
	int fd;

	while (a > 0 && stack[a].fd < 0)
		a--;
	fd = dup(stack[a].fd);	/* frame 0 is never closed */
	if (fd < 0)
		return -errno;
	for (size_t i = a + 1; i <= k; i++) {
		int nfd = ctk_openat_beneath(fd, stack[i].name,
					     O_RDONLY | O_DIRECTORY, 0);

		close(fd);
		if (nfd < 0)
			return nfd;
		fd = nfd;
	}
	stack[k].fd = fd;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * The sorted names of the subdirectories of @fd (fd stays open), read with
 * getdents64 on @fd itself: no dup, no DIR stream, and no last call to
 * learn of the end when the buffer had room for more (the kernel fills
 * what it is given). @rewind: the fd may have been read before.
 */
static int list_subdirs(int fd, bool rewind, char ***out, size_t *nout)
{
	char buf[32768] __attribute__((aligned(8)));
	size_t n = 0, cap = 0;
	char **names = NULL;

	if (rewind && lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		long len = syscall(SYS_getdents64, fd, buf, sizeof(buf));

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0) {
			free_names(names, n);
			return -errno;
		}
		if (len == 0)
			break;
		for (long off = 0; off < len;) {
			struct linux_dirent64 {
				uint64_t d_ino;
				int64_t d_off;
				unsigned short d_reclen;
				unsigned char d_type;
				char d_name[];
			} *de = (void *)(buf + off);

			off += de->d_reclen;
			if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			if (CTK_GROW(names, cap, n, 8))
				goto nomem;
			names[n] = strdup(de->d_name);
			if (!names[n])
				goto nomem;
			n++;
		}
		/* room for another entry (at most 280 bytes) was left */
		if ((size_t)len + 1024 < sizeof(buf))
			break;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_name);
	*out = names;
	*nout = n;
	return 0;
nomem:
	free_names(names, n);
	return -ENOMEM;
}

static struct ctk_node *node_add(struct ctk_tree *t)
{
	if (CTK_GROW(t->v, t->cap, t->n, 64))
		return NULL;
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	return &t->v[t->n++];
}

static void read_state(int pfd, int fd, enum ctk_hier_type type,
		       unsigned flags, struct ctk_node *nd)
{
	const struct ctk_hier_ops *ops = ctk_hier_ops(type);
	char buf[256], *p;
	long v;
	int r;

	nd->tasks = -1;
	nd->populated = -1;
	if (!ctk_cfile_count_lines(fd, ops->thread_file, &v))
		nd->tasks = v;
	r = ops->notify_get(pfd, fd);
	nd->notify = r < 0 ? -1 : r;
	if (!ops->events_file)
		nd->populated = nd->tasks > 0;	/* the children's come after */
	else if (ctk_cfile_read(fd, ops->events_file, buf, sizeof(buf)) > 0 &&
		 (p = strstr(buf, "populated ")))
		nd->populated = p[10] == '1';
	else if (nd->is_root)
		nd->populated = 1;	/* the root always is */
	if (flags & CTK_TREE_DELEGATE)
		nd->delegated = ctk_sd_delegated_fd(fd);
}

bool ctk_tree_value_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (!len || len > CTK_CNAME_MAX || name[0] == '.' ||
	    !strchr(name, '.') || strchr(name, '/'))
		return false;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

/* Each wanted file whole, its last newline cut; -ENOMEM. */
static int read_values(int fd, const struct want *w, struct ctk_node *nd)
{
	if (!w->nfiles)
		return 0;
	nd->values = calloc(w->nfiles, sizeof(*nd->values));
	if (!nd->values)
		return -ENOMEM;
	for (size_t i = 0; i < w->nfiles; i++) {
		size_t len = 0;
		int rc = ctk_cfile_read_alloc(fd, w->files[i], &nd->values[i],
					      &len);

		if (rc == -ENOMEM)
			return rc;
		if (rc < 0) {
			nd->values[i] = NULL;
			continue;
		}
		while (len && nd->values[i][len - 1] == '\n')
			nd->values[i][--len] = '\0';
	}
	return 0;
}

static void finish_node(struct ctk_tree *t, size_t i, enum ctk_hier_type type)
{
	const struct ctk_hier_ops *ops = ctk_hier_ops(type);
	struct ctk_node *nd = &t->v[i];
	bool empty = ops->events_file ? nd->populated == 0 : nd->tasks == 0;

	nd->releasable = !nd->is_root && nd->notify == 1 && empty &&
			 nd->nchildren == 0;
	if (nd->parent >= 0 && nd->populated == 1 && !ops->events_file)
		t->v[nd->parent].populated = 1;
}

/* A walk down one tree: the stack of directories open on the way. */
struct walk {
	struct ctk_tree *t;
	const struct want *w;
	enum ctk_hier_type type;
	struct frame *stack;
	size_t depth, cap;
	struct ctk_err *e;
};

/* The node of @fd (whose parent's fd is @pfd) at @cp (taken), below node
 * @parent (-1: the top): its state and values read. */
static int walk_node(struct walk *wk, int pfd, int fd, char *cp, long parent)
{
	struct ctk_tree *t = wk->t;
	struct ctk_node *nd = node_add(t);

	if (!nd) {
		free(cp);
		return ctk_err_setx(wk->e, ENOMEM, "out of memory");
	}
	nd->cpath = cp;
	nd->parent = parent;
	if (parent < 0)
		nd->is_root = !strcmp(cp, "/");
	else
		nd->depth = t->v[parent].depth + 1;
	if (wk->w->flags & CTK_TREE_STATE)
		read_state(pfd, fd, wk->type, wk->w->flags, nd);
	if (read_values(fd, wk->w, nd))
		return ctk_err_setx(wk->e, ENOMEM, "out of memory");
	return 0;
}

/* Push @fd, the directory of the last node, which the frame then owns,
 * and list its children; past WALK_OPEN_MAX open, a frame above closes. */
static int walk_push(struct walk *wk, int fd)
{
	struct frame *fr, *st;
	int rc;

	if (CTK_GROW(wk->stack, wk->cap, wk->depth, 16)) {
		close(fd);
		return ctk_err_setx(wk->e, ENOMEM, "out of memory");
	}
	st = wk->stack;
	fr = &st[wk->depth];
	memset(fr, 0, sizeof(*fr));
	fr->fd = fd;
	fr->node = wk->t->n - 1;
	fr->name = wk->depth ? st[wk->depth - 1].names[
		st[wk->depth - 1].next - 1] : NULL;
	rc = list_subdirs(fd, wk->depth == 0, &fr->names, &fr->n);
	if (wk->depth > WALK_OPEN_MAX && st[wk->depth - WALK_OPEN_MAX].fd >= 0) {
		close(st[wk->depth - WALK_OPEN_MAX].fd);
		st[wk->depth - WALK_OPEN_MAX].fd = -1;
	}
	wk->depth++;
	if (rc)
		return ctk_err_at(wk->e, -rc, wk->t->v[fr->node].cpath,
				  "cannot list");
	wk->t->v[fr->node].nchildren = (unsigned)fr->n;
	return 0;
}

/* The top frame is done: its node is complete. */
static void walk_pop(struct walk *wk)
{
	struct frame *fr = &wk->stack[--wk->depth];

	if (wk->w->flags & CTK_TREE_STATE)
		finish_node(wk->t, fr->node, wk->type);
	if (fr->fd >= 0)
		close(fr->fd);
	free_names(fr->names, fr->n);
}

/*
 * Open the top frame's next child, one name beneath it (a mount over a
 * container, tmpfs or a bind mount, is not walked), and add its node: its
 * fd in *@fd, or -1 when it is not walked (removed meanwhile, or under a
 * mount: then still a child, and its parent not empty).
 */
static int walk_next(struct walk *wk, int *fd)
{
	struct frame *fr = &wk->stack[wk->depth - 1];
	size_t parent = fr->node;
	const char *name, *pp = wk->t->v[parent].cpath;
	char *cp;
	int rc, cfd;

	*fd = -1;
	if (fr->fd < 0 && (rc = reopen_frame(wk->stack, wk->depth - 1)))
		return ctk_err_at(wk->e, -rc, pp, "cannot open");
	name = fr->names[fr->next++];
	cfd = ctk_openat_beneath(fr->fd, name, O_RDONLY | O_DIRECTORY, 0);
	if (cfd == -ENOENT) {
		wk->t->v[parent].nchildren--;
		return 0;
	}
	if (cfd == -EXDEV || cfd == -ELOOP) {
		wk->t->v[parent].hidden++;
		return 0;
	}
	if (cfd < 0)
		return ctk_err_in(wk->e, -cfd, pp, name, "cannot open");
	if (asprintf(&cp, "%s/%s", strcmp(pp, "/") ? pp : "", name) < 0) {
		close(cfd);
		return ctk_err_setx(wk->e, ENOMEM, "out of memory");
	}
	rc = walk_node(wk, fr->fd, cfd, cp, (long)parent);
	if (rc) {
		close(cfd);
		return rc;
	}
	*fd = cfd;
	return 0;
}

/* @pfd: the parent of @dirfd, or -1 (a user mark on the top then does
 * not count: its owner's rights are not known). Depth first, from a
 * stack of frames, not by recursion (a delegate can make a chain of a
 * thousand). */
static int tree_load(int pfd, int dirfd, const char *cpath,
		     enum ctk_hier_type type, const struct want *w,
		     struct ctk_tree *t, struct ctk_err *e)
{
	struct walk wk = { .t = t, .w = w, .type = type, .e = e };
	char *cp;
	int rc, fd;

	memset(t, 0, sizeof(*t));
	t->nvalues = w->nfiles;
	fd = dup(dirfd);
	if (fd < 0)
		return ctk_err_at(e, errno, cpath, "cannot open");
	cp = strdup(cpath);
	rc = cp ? walk_node(&wk, pfd, fd, cp, -1) :
	     ctk_err_setx(e, ENOMEM, "out of memory");
	if (rc)
		close(fd);
	while (!rc) {
		if (fd >= 0) {	/* the directory just opened */
			rc = walk_push(&wk, fd);
			fd = -1;
		} else if (wk.depth == 0) {
			break;
		} else if (wk.stack[wk.depth - 1].next ==
			   wk.stack[wk.depth - 1].n) {
			walk_pop(&wk);
		} else {
			rc = walk_next(&wk, &fd);
		}
	}
	while (wk.depth > 0) {	/* a failure: what is still open */
		struct frame *fr = &wk.stack[--wk.depth];

		if (fr->fd >= 0)
			close(fr->fd);
		free_names(fr->names, fr->n);
	}
	free(wk.stack);
	if (rc)
		ctk_tree_free(t);
	return rc;
}

/* ---- two walkers ---------------------------------------------------------
 * On two cores the kernel can answer two walkers at once: a big tree is
 * split at its top, each half of the top's children walked by one thread,
 * and the halves put back in order (preorder, names sorted).
 */
#define SPLIT_MIN	16	/* top children below which one walker does */

struct half {
	int topfd;
	const char *cpath;	/* the top's */
	char **names;
	size_t from, to;
	enum ctk_hier_type type;
	const struct want *w;
	struct ctk_tree *subs;	/* one per child; v == NULL: not walked */
	int *kind;		/* per child: 0 walked, 1 gone, 2 hidden */
	int rc;
	struct ctk_err e;
};

static void *walk_half(void *arg)
{
	struct half *h = arg;

	for (size_t i = h->from; i < h->to && !h->rc; i++) {
		char *cp;
		int fd = ctk_openat_beneath(h->topfd, h->names[i],
					    O_RDONLY | O_DIRECTORY, 0);

		if (fd == -ENOENT) {
			h->kind[i] = 1;
			continue;
		}
		if (fd == -EXDEV || fd == -ELOOP) {
			h->kind[i] = 2;
			continue;
		}
		if (fd < 0) {
			h->rc = ctk_err_in(&h->e, -fd, h->cpath, h->names[i],
					"cannot open");
			break;
		}
		if (asprintf(&cp, "%s/%s", strcmp(h->cpath, "/") ? h->cpath : "",
			     h->names[i]) < 0) {
			close(fd);
			h->rc = ctk_err_setx(&h->e, ENOMEM, "out of memory");
			break;
		}
		h->rc = tree_load(h->topfd, fd, cp, h->type, h->w, &h->subs[i],
				  &h->e);
		free(cp);
		close(fd);
	}
	return NULL;
}

/* Append the walked subtrees under the top node 0 of @t, in order. */
static int join_halves(struct ctk_tree *t, struct half *h, size_t n,
		       enum ctk_hier_type type)
{
	struct ctk_node *top;

	for (size_t i = 0; i < n; i++) {
		struct ctk_tree *sub = &h->subs[i];
		size_t base = t->n;

		if (h->kind[i] == 1)
			t->v[0].nchildren--;
		if (h->kind[i] == 2)
			t->v[0].hidden++;
		if (h->kind[i])
			continue;
		for (size_t k = 0; k < sub->n; k++) {
			struct ctk_node *nd = node_add(t);

			if (!nd)
				return -ENOMEM;
			*nd = sub->v[k];
			nd->parent = sub->v[k].parent < 0 ? 0 :
				     sub->v[k].parent + (long)base;
			nd->depth++;
			sub->v[k].cpath = NULL;	/* moved */
			sub->v[k].values = NULL;
		}
		top = &t->v[0];
		if (!ctk_hier_ops(type)->events_file &&
		    t->v[base].populated == 1)
			top->populated = 1;
	}
	return 0;
}

static int tree_load_split(int pfd, int dirfd, const char *cpath,
			   enum ctk_hier_type type, const struct want *w,
			   struct ctk_tree *t, struct ctk_err *e)
{
	struct half h[2];
	struct ctk_tree *subs = NULL;
	char **names = NULL;
	int *kind = NULL, rc;
	size_t n = 0;
	pthread_t th;
	bool threaded = false;

	rc = list_subdirs(dirfd, true, &names, &n);
	if (rc)
		return ctk_err_at(e, -rc, cpath, "cannot list");
	if (n < SPLIT_MIN) {
		free_names(names, n);
		return tree_load(pfd, dirfd, cpath, type, w, t, e);
	}
	memset(t, 0, sizeof(*t));
	t->nvalues = w->nfiles;
	subs = calloc(n, sizeof(*subs));
	kind = calloc(n, sizeof(*kind));
	if (!subs || !kind || !node_add(t) ||
	    !(t->v[0].cpath = strdup(cpath))) {
		rc = ctk_err_setx(e, ENOMEM, "out of memory");
		goto out;
	}
	t->v[0].parent = -1;
	t->v[0].is_root = !strcmp(cpath, "/");
	t->v[0].nchildren = (unsigned)n;
	if (w->flags & CTK_TREE_STATE)
		read_state(pfd, dirfd, type, w->flags, &t->v[0]);
	if (read_values(dirfd, w, &t->v[0])) {
		rc = ctk_err_setx(e, ENOMEM, "out of memory");
		goto out;
	}
	for (int k = 0; k < 2; k++)
		h[k] = (struct half){ dirfd, cpath, names, k ? n / 2 : 0,
				      k ? n : n / 2, type, w, subs, kind, 0,
				      { 0 } };
	threaded = pthread_create(&th, NULL, walk_half, &h[1]) == 0;
	walk_half(&h[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		walk_half(&h[1]);
	rc = h[0].rc ? h[0].rc : h[1].rc;
	if (rc) {
		*e = h[0].rc ? h[0].e : h[1].e;
		goto out;
	}
	if (join_halves(t, h, n, type))
		rc = ctk_err_setx(e, ENOMEM, "out of memory");
	else if (w->flags & CTK_TREE_STATE)
		finish_node(t, 0, type);
out:
	for (size_t i = 0; subs && i < n; i++) {
		subs[i].nvalues = w->nfiles;
		ctk_tree_free(&subs[i]);
	}
	free(subs);
	free(kind);
	free_names(names, n);
	if (rc)
		ctk_tree_free(t);
	return rc;
}

int ctk_tree_load(int dirfd, const char *cpath, enum ctk_hier_type type,
		  unsigned flags, struct ctk_tree *t, struct ctk_err *e)
{
	struct want w = { flags, NULL, 0 };

	return tree_load(-1, dirfd, cpath, type, &w, t, e);
}

int ctk_tree_load_target(const struct ctk_target *t, unsigned flags,
			 struct ctk_tree *tr, struct ctk_err *e)
{
	return ctk_tree_load_values(t, flags, NULL, 0, tr, e);
}

int ctk_tree_load_values(const struct ctk_target *t, unsigned flags,
			 const char *const *files, size_t nfiles,
			 struct ctk_tree *tr, struct ctk_err *e)
{
	struct want w = { flags, files, nfiles };
	int rootfd = ctk_hierarchy_borrow_fd(t->hier), fd, pfd = -1, rc;
	const char *leaf;

	memset(tr, 0, sizeof(*tr));
	if (rootfd < 0)
		return ctk_err_set(e, -rootfd, "cannot open the hierarchy");
	if (strcmp(t->rel, ".")) {
		pfd = ctk_container_open_parent(t, &leaf);
		fd = pfd < 0 ? pfd : ctk_openat_beneath(pfd, leaf,
							O_RDONLY |
							O_DIRECTORY, 0);
	} else {
		fd = ctk_openat_beneath(rootfd, ".", O_RDONLY | O_DIRECTORY, 0);
	}
	if (fd < 0) {
		if (pfd >= 0)
			close(pfd);
		return ctk_err_open(e, -fd, NULL);
	}
	rc = tree_load_split(pfd, fd, t->cpath, t->hier->type, &w, tr, e);
	close(fd);
	if (pfd >= 0)
		close(pfd);
	return rc;
}

void ctk_tree_free(struct ctk_tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].cpath);
		for (size_t k = 0; t->v[i].values && k < t->nvalues; k++)
			free(t->v[i].values[k]);
		free(t->v[i].values);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

long ctk_tree_count(int dirfd)
{
	struct ctk_tree t;
	long n;
	int rc = ctk_tree_load(dirfd, "/", CTK_HIER_V1, 0, &t, NULL);

	if (rc)
		return rc;
	n = (long)t.n;
	ctk_tree_free(&t);
	return n;
}
