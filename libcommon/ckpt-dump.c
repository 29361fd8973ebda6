/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Checkpoint collection. Every number comes from /proc/TID/status (NSpid,
 * NStgid, NSpgid, NSsid: one column per pid-namespace level, from the level
 * of this procfs down to the task's own), cut to the levels at and below
 * the checkpoint root's namespace.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "ctk/attach.h"
#include "ctk/proc.h"
#include "ctk/container.h"
#include "ctk/dump.h"
#include "ctk/tree.h"
#include "internal.h"

#define LEVELS 33	/* a task's NS* columns: up to 32 nested levels + 1 */

struct dtask {
	pid_t tid, tgid, ppid;
	char state;		/* State: of status ('Z' a zombie) */
	uint32_t nlev;
	uint32_t pid[LEVELS], tgidv[LEVELS], pgid[LEVELS], sid[LEVELS];
};

struct dobj {
	uint32_t key;		/* the number at level 0 */
	uint32_t depth;
	uint32_t num[LEVELS];
};


/*
 * One read of /proc/TGID/task/TID/status gives everything: Tgid, PPid, the
 * NS* columns, Threads, and (since 6.x) Kthread; /proc/TID/stat is read only
 * where Kthread is missing. *nthreads gets the Threads count.
 */
static int read_task(pid_t tgid, pid_t tid, struct dtask *t,
		     uint32_t *nthreads, struct ctk_err *e)
{
	char path[64], buf[4096];
	uint32_t n1, n2, n3, n4;
	const char *p;
	int fd;
	ssize_t len;

	memset(t, 0, sizeof(*t));
	t->tid = tid;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)tgid,
		 (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ctk_err_set(e, errno == ENOENT ? ESRCH : errno,
				   "task %d: exited", (int)tid);
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return ctk_err_setx(e, ESRCH, "task %d: exited", (int)tid);
	buf[len] = '\0';
	p = strstr(buf, "\nKthread:");
	if (p ? atoi(p + 9) != 0 : ({
		struct ctk_proc_info pi;

		!ctk_proc_info(tid, &pi) && (pi.flags & CTK_PF_KTHREAD); }))
		return ctk_err_setx(e, EINVAL, "task %d: a kernel thread: "
				   "refused", (int)tid);
	p = strstr(buf, "\nState:");
	t->state = p ? p[strspn(p + 7, " \t") + 7] : '?';
	p = strstr(buf, "\nTgid:");
	t->tgid = p ? (pid_t)atoi(p + 6) : 0;
	p = strstr(buf, "\nPPid:");
	t->ppid = p ? (pid_t)atoi(p + 6) : 0;
	p = strstr(buf, "\nThreads:");
	if (nthreads)
		*nthreads = p ? (uint32_t)atoi(p + 9) : 0;
	if (ctk_proc_ns_line(buf, "\nNSpid:", t->pid, LEVELS, &n1) ||
	    ctk_proc_ns_line(buf, "\nNStgid:", t->tgidv, LEVELS, &n2) ||
	    ctk_proc_ns_line(buf, "\nNSpgid:", t->pgid, LEVELS, &n3) ||
	    ctk_proc_ns_line(buf, "\nNSsid:", t->sid, LEVELS, &n4) ||
	    n1 != n2 || n1 != n3 || n1 != n4)
		return ctk_err_setx(e, EINVAL, "task %d: no usable NSpid, "
				   "NStgid, NSpgid, NSsid (kernel 4.1+)",
				   (int)tid);
	t->nlev = n1;
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

static int push_pid(pid_t **v, size_t *n, size_t *cap, pid_t pid)
{
	if (CTK_GROW(*v, *cap, *n, 64))
		return -ENOMEM;
	(*v)[(*n)++] = pid;
	return 0;
}

int ctk_container_procs(const struct ctk_target *t, pid_t **pids, size_t *n,
			struct ctk_err *e)
{
	int rootfd = ctk_hierarchy_borrow_fd(t->hier), fd, rc;
	size_t cnt = 0, cap = 0;
	pid_t *v = NULL;
	struct ctk_tree tr;

	rc = ctk_tree_load_target(t, 0, &tr, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < tr.n && !rc; i++) {
		char *rel = ctk_target_rel_below(t, tr.v[i].cpath);
		pid_t *p = NULL;
		size_t np = 0;

		if (!rel) {
			rc = ctk_err_setx(e, ENOMEM, "out of memory");
			break;
		}
		fd = ctk_openat_beneath(rootfd, rel, O_RDONLY | O_DIRECTORY, 0);
		free(rel);
		if (fd < 0)
			continue;
		rc = ctk_container_pids(fd, "cgroup.procs", &p, &np);
		close(fd);
		if (rc) {
			rc = ctk_err_at(e, -rc, tr.v[i].cpath,
					 "cannot read its processes");
			break;
		}
		for (size_t k = 0; k < np && !rc; k++)
			if (push_pid(&v, &cnt, &cap, p[k]))
				rc = ctk_err_setx(e, ENOMEM, "out of memory");
		free(p);
	}
	ctk_tree_free(&tr);
	if (rc) {
		free(v);
		return rc;
	}
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), cmp_pid);
	*pids = v;
	*n = cnt;
	return 0;
}

int ctk_proc_descendants(pid_t root, pid_t **pids, size_t *n,
			 struct ctk_err *e)
{
	pid_t *all = NULL, *par = NULL, *v = NULL;
	size_t na = 0, capa = 0, capp = 0, np = 0, cnt = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir("/proc");
	int rc = 0;

	if (!d)
		return ctk_err_set(e, errno, "cannot read /proc");
	while ((de = readdir(d))) {
		pid_t pid;
		struct ctk_proc_info pi;

		if (ctk_parse_pid(de->d_name, &pid) || ctk_proc_info(pid, &pi))
			continue;
		if (push_pid(&all, &na, &capa, pid) ||
		    push_pid(&par, &np, &capp, pi.ppid)) {
			rc = ctk_err_setx(e, ENOMEM, "out of memory");
			goto out;
		}
	}
	if (push_pid(&v, &cnt, &cap, root)) {
		rc = ctk_err_setx(e, ENOMEM, "out of memory");
		goto out;
	}
	/* breadth first over the parent links: iterative */
	for (size_t i = 0; i < cnt; i++)
		for (size_t k = 0; k < na; k++)
			if (par[k] == v[i] && all[k] != root &&
			    push_pid(&v, &cnt, &cap, all[k])) {
				rc = ctk_err_setx(e, ENOMEM, "out of memory");
				goto out;
			}
	qsort(v, cnt, sizeof(*v), cmp_pid);
	*pids = v;
	*n = cnt;
	v = NULL;
out:
	closedir(d);
	free(all);
	free(par);
	free(v);
	return rc;
}

static int cmp_obj(const void *a, const void *b)
{
	const struct dobj *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* The pid object of the numbers @num[L..L+depth], 0 at level L: none. */
static int add_obj(struct dobj **v, size_t *n, size_t *cap,
		   const uint32_t *num, uint32_t nlev, uint32_t L)
{
	uint32_t depth = 0;
	struct dobj *o;

	if (nlev <= L || num[L] == 0)
		return 1;	/* not visible in the root pid namespace */
	for (uint32_t k = L; k < nlev && num[k]; k++)
		depth = k - L;
	if (CTK_GROW(*v, *cap, *n, 64))
		return -ENOMEM;
	o = &(*v)[(*n)++];
	o->key = num[L];
	o->depth = depth;
	for (uint32_t k = 0; k <= depth; k++)
		o->num[k] = num[L + k];
	return 0;
}

static long find_obj(const struct dobj *v, size_t n, uint32_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (v[mid].key == key)
			return (long)mid;
		if (v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The tag of the object numbered @num[L] (0: not visible there). */
static uint32_t tag_of(const struct dobj *v, size_t n, const uint32_t *num,
		       uint32_t nlev, uint32_t L)
{
	long o = nlev > L && num[L] ? find_obj(v, n, num[L]) : -1;

	return o < 0 ? 0 : (uint32_t)o + 1;
}

/*
 * The leader of process @tgid: a binary search, since the tasks are sorted
 * by process, the leader first (cmp_task; every caller comes after that
 * sort). A linear search here made a dump of n tasks O(n^2).
 */
static long find_task(const struct dtask *t, size_t n, pid_t tgid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t[mid].tgid < tgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && t[lo].tgid == tgid && t[lo].tid == tgid ? (long)lo :
	       -1;
}

static int cmp_task(const void *a, const void *b)
{
	const struct dtask *x = a, *y = b;

	/* by process, the leader first, then threads by tid */
	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	if (x->tid == x->tgid)
		return -1;
	if (y->tid == y->tgid)
		return 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* Is the process @pid (in this /proc's namespace) alive and not a zombie? */
static bool alive(pid_t pid)
{
	struct ctk_proc_info pi;

	return pid > 0 && ctk_proc_info(pid, &pi) == 0 && pi.state != 'Z' &&
	       pi.state != 'X';
}

/*
 * Subtree: a process group or session led by a live process outside the
 * subtree is not the subtree's to record: it becomes 0 (the format's rule),
 * and restore gives such tasks the restorer's own. One whose leader is gone
 * is kept, for restore's helper to take its pid.
 */
static bool led_outside(const struct dtask *t, size_t nt, pid_t leader,
			pid_t memo[2])
{
	/* most tasks share a few groups and sessions: remember the last */
	if (leader == memo[0])
		return true;
	if (leader == memo[1])
		return false;
	if (find_task(t, nt, leader) < 0 && alive(leader)) {
		memo[0] = leader;
		return true;
	}
	memo[1] = leader;
	return false;
}

static void drop_outside_leaders(struct dtask *t, size_t nt)
{
	pid_t pgmemo[2] = { 0, 0 }, sidmemo[2] = { 0, 0 };

	for (size_t i = 0; i < nt; i++) {
		pid_t pg = (pid_t)t[i].pgid[0], sid = (pid_t)t[i].sid[0];

		if (pg && led_outside(t, nt, pg, pgmemo))
			memset(t[i].pgid, 0, sizeof(t[i].pgid));
		if (sid && led_outside(t, nt, sid, sidmemo))
			memset(t[i].sid, 0, sizeof(t[i].sid));
	}
}

/* What the phases of a dump build share. */
struct lead {
	pid_t tgid;
	uint32_t i;		/* its index in dbuild.t */
};

struct dbuild {
	struct dtask *t;	/* every task read */
	size_t nt, capt;
	struct dobj *obj;	/* pid objects, sorted by their level-0 key */
	size_t no, capo;
	uint32_t *order;	/* tasks in the image's depth-first order */
	uint32_t norder;
	struct lead *lead;	/* the leaders by host tgid, once the tasks
				 * are in level order (index_leaders) */
	size_t nlead;
	pid_t root;
	uint32_t L;		/* the root's level in the NS* columns */
	bool subtree;
	struct ckpt_image *img;
	struct ctk_err *e;
};

/* The threads of process @pid beyond its leader. */
static int read_threads(struct dbuild *b, pid_t pid)
{
	char path[64];
	struct dirent *de;
	int rc = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return ctk_err_setx(b->e, ESRCH, "task %d: exited", (int)pid);
	while (!rc && (de = readdir(d))) {
		pid_t tid;

		if (ctk_parse_pid(de->d_name, &tid) || tid == pid)
			continue;
		if (CTK_GROW(b->t, b->capt, b->nt, 64)) {
			rc = ctk_err_setx(b->e, ENOMEM, "out of memory");
			break;
		}
		rc = read_task(pid, tid, &b->t[b->nt], NULL, b->e);
		if (!rc)
			b->nt++;
	}
	closedir(d);
	return rc;
}

/* The processes [from, to) of a read split in two (each half on a core:
 * the kernel's making of each status file is most of a dump's time). */
struct read_half {
	const pid_t *procs;
	size_t from, to;
	struct dtask *t;
	uint32_t *nthreads;
	int *rc;
	struct ctk_err e;	/* the first error of the half */
};

static void *read_half(void *arg)
{
	struct read_half *h = arg;

	for (size_t i = h->from; i < h->to; i++) {
		struct ctk_err e;

		h->rc[i] = read_task(h->procs[i], h->procs[i], &h->t[i],
				     &h->nthreads[i], &e);
		if (h->rc[i] && h->rc[i] != -ESRCH) {
			h->e = e;
			h->to = i + 1;	/* the first failure ends the half */
			break;
		}
	}
	return NULL;
}

#define READ_SPLIT_MIN	64	/* processes below which one thread reads */

/* Every process, and the threads of those that have more. */
/*
 * The init of a pid namespace that is exiting: killed or ended, it waits in
 * the kernel (zap_pid_ns_processes) until the namespace's last tasks are
 * reaped, which may never come (a task that entered with setns and whose
 * parent outside does not wait). Its namespace is dying: like a zombie, it
 * is nothing to restart, and it takes no stop. Only inits are asked (one
 * more read of /proc each): another task in exit is gone in a moment.
 */
static bool dying_init(const struct dtask *t, uint32_t nthreads)
{
	struct ctk_proc_info pi;

	return nthreads <= 1 && t->nlev > 1 && t->pid[t->nlev - 1] == 1 &&
	       !ctk_proc_info(t->tid, &pi) && (pi.flags & CTK_PF_EXITING);
}

static int read_all(struct dbuild *b, const pid_t *procs, size_t nprocs)
{
	struct dtask *first = calloc(nprocs ? nprocs : 1, sizeof(*first));
	uint32_t *nthr = calloc(nprocs ? nprocs : 1, sizeof(*nthr));
	int *rcs = calloc(nprocs ? nprocs : 1, sizeof(*rcs)), rc = 0;
	struct read_half h[2];
	size_t end;

	if (!first || !nthr || !rcs) {
		rc = ctk_err_setx(b->e, ENOMEM, "out of memory");
		goto out;
	}
	for (int k = 0; k < 2; k++)
		h[k] = (struct read_half){ procs, k ? nprocs / 2 : 0,
					   k ? nprocs : nprocs / 2, first, nthr,
					   rcs, { 0 } };
	if (nprocs < READ_SPLIT_MIN) {
		h[0].to = nprocs;
		h[1].from = h[1].to = nprocs;
		read_half(&h[0]);
	} else {
		pthread_t th;
		bool threaded = pthread_create(&th, NULL, read_half,
					       &h[1]) == 0;

		read_half(&h[0]);
		if (threaded)
			pthread_join(th, NULL);
		else
			read_half(&h[1]);
	}
	/* in process order, as one reader would have met them: a half that
	 * stopped at a failure ends the walk there */
	end = h[0].to < h[1].from ? h[0].to : h[1].to;
	for (size_t i = 0; !rc && i < end; i++) {
		if (rcs[i] == -ESRCH)
			continue;	/* exited meanwhile: not a task */
		if (rcs[i]) {
			*b->e = i < h[1].from ? h[0].e : h[1].e;
			rc = rcs[i];
			break;
		}
		if (CTK_GROW(b->t, b->capt, b->nt, 64)) {
			rc = ctk_err_setx(b->e, ENOMEM, "out of memory");
			break;
		}
		b->t[b->nt] = first[i];
		/*
		 * A zombie has exited: there is nothing to restart, and it is
		 * not recorded (in either mode; container mode never sees one,
		 * the kernel takes it out of the cgroup). A thread group whose
		 * leader thread exited while others run is a live process.
		 */
		if ((b->t[b->nt].state == 'Z' || b->t[b->nt].state == 'X') &&
		    nthr[i] <= 1)
			continue;
		if (dying_init(&b->t[b->nt], nthr[i]))
			continue;
		b->nt++;
		if (nthr[i] > 1)
			rc = read_threads(b, procs[i]);
	}
out:
	free(first);
	free(nthr);
	free(rcs);
	if (rc)
		return rc;
	qsort(b->t, b->nt, sizeof(*b->t), cmp_task);
	if (!b->nt)
		return ctk_err_setx(b->e, ESRCH, "no live process to checkpoint");
	if (b->subtree)
		drop_outside_leaders(b->t, b->nt);
	return 0;
}

/* The root (the first process whose parent is not in the set, unless
 * named) and its level; container mode: an init, and nothing beside it. */
static int find_root(struct dbuild *b)
{
	const struct dtask *t = b->t;
	size_t nroots = 0;
	pid_t first = 0, init = 0;
	long r;

	for (size_t i = 0; i < b->nt; i++)
		if (t[i].tid == t[i].tgid && find_task(t, b->nt, t[i].ppid) < 0) {
			if (!b->root || t[i].tid == b->root)
				nroots++;
			if (!first)
				first = t[i].tid;
			/* a container: its namespace's init is the root, and
			 * a task beside it is named as such below */
			if (!init && t[i].pid[t[i].nlev - 1] == 1)
				init = t[i].tid;
		}
	if (!b->root)
		b->root = !b->subtree && init ? init : first;
	r = find_task(t, b->nt, b->root);
	if (r < 0)
		return ctk_err_setx(b->e, ESRCH, "task %d: not among the tasks",
				   (int)b->root);
	b->L = t[r].nlev - 1;
	if (b->subtree)
		return 0;
	if (t[r].pid[b->L] != 1) {
		/* an init below it (unshare --fork's child): its tree is a
		 * container, the root is not */
		for (size_t i = 0; i < b->nt; i++)
			if (t[i].tid == t[i].tgid && t[i].nlev - 1 > b->L &&
			    t[i].pid[t[i].nlev - 1] == 1 &&
			    t[i].pid[b->L] && find_task(t, b->nt, t[i].ppid) ==
			    r)
				return ctk_err_setx(b->e, EBUSY, "task %d: not "
						   "the init (pid 1) of a pid "
						   "namespace; its child %d is "
						   "(-p %d dumps that tree, "
						   "--subtree every task)",
						   (int)b->root, (int)t[i].tid,
						   (int)t[i].tid);
		return ctk_err_setx(b->e, EBUSY, "task %d: not the init (pid 1) "
				   "of a pid namespace: use --subtree",
				   (int)b->root);
	}
	for (size_t i = 0; i < b->nt; i++)
		if (t[i].tid == t[i].tgid && t[i].tid != b->root &&
		    find_task(t, b->nt, t[i].ppid) < 0)
			return ctk_err_setx(b->e, EBUSY, "task %d: not a "
					   "descendant of the init %d%s (-p %d "
					   "dumps the init's tree)", (int)t[i].tid,
					   (int)b->root, t[i].nlev == t[r].nlev ?
					   ", though in its namespace: it "
					   "entered with setns, as nsenter does" :
					   "", (int)b->root);
	return 0;
}

static int cmp_task_level(const void *a, const void *c, void *arg)
{
	const struct dtask *x = a, *y = c;
	uint32_t L = *(const uint32_t *)arg;
	uint32_t xg = x->tgidv[L], yg = y->tgidv[L];

	if (xg != yg)
		return xg < yg ? -1 : 1;
	if (x->tid == x->tgid)
		return -1;
	if (y->tid == y->tgid)
		return 1;
	return x->pid[L] < y->pid[L] ? -1 : x->pid[L] > y->pid[L];
}

/*
 * The pid objects: one per distinct number at the root's level, checked
 * (the same number must mean the same numbers at every level). From here
 * on tasks go by the numbers in the root's namespace, not host pids, which
 * follow creation order: a restored tree dumps the same.
 */
static int collect_objects(struct dbuild *b)
{
	static const char *const what[4] = { "pid", "tgid", "process group",
					     "session" };
	const uint32_t L = b->L;
	size_t w = 0;

	for (size_t i = 0; i < b->nt; i++)
		if (b->t[i].nlev <= L || b->t[i].nlev - 1 - L > CKPT_MAX_DEPTH)
			return ctk_err_setx(b->e, EINVAL, "task %d is not in the "
					   "pid namespace of the root or below",
					   (int)b->t[i].tid);
	qsort_r(b->t, b->nt, sizeof(*b->t), cmp_task_level, &b->L);
	for (size_t i = 0; i < b->nt; i++) {
		const struct dtask *d = &b->t[i];
		const uint32_t *nums[4] = { d->pid, d->tgidv, d->pgid, d->sid };

		for (int k = 0; k < 4; k++) {
			int r = add_obj(&b->obj, &b->no, &b->capo, nums[k],
					d->nlev, L);

			if (r < 0)
				return ctk_err_setx(b->e, ENOMEM,
						   "out of memory");
			if (r == 1 && k < 2)
				return ctk_err_setx(b->e, EINVAL, "task %d: not "
						   "visible in the root's pid "
						   "namespace", (int)d->tid);
			if (r == 1 && !b->subtree)
				return ctk_err_setx(b->e, EBUSY, "task %d: its %s "
						   "leader is outside the "
						   "container (not in its pid "
						   "namespace): use --subtree",
						   (int)d->tid, what[k]);
		}
	}
	/* dedupe: the same number at level 0 must mean the same object */
	qsort(b->obj, b->no, sizeof(*b->obj), cmp_obj);
	for (size_t i = 0; i < b->no; i++) {
		struct dobj *o = b->obj;

		if (w && o[w - 1].key == o[i].key) {
			if (o[w - 1].depth != o[i].depth ||
			    memcmp(o[w - 1].num, o[i].num, 4 * (o[i].depth + 1)))
				return ctk_err_setx(b->e, EAGAIN, "pid %u seen "
						   "with two sets of numbers "
						   "(did a task exit meanwhile?)",
						   o[i].key);
			continue;
		}
		o[w++] = o[i];
	}
	b->no = w;
	return 0;
}

static int cmp_lead(const void *a, const void *b)
{
	const struct lead *x = a, *y = b;

	return x->tgid < y->tgid ? -1 : x->tgid > y->tgid;
}

/* After the level sort, the tasks are no longer in host tgid order: the
 * leaders by host tgid, for leader_of(). */
static int index_leaders(struct dbuild *b)
{
	b->lead = malloc(sizeof(*b->lead) * (b->nt ? b->nt : 1));
	if (!b->lead)
		return ctk_err_setx(b->e, ENOMEM, "out of memory");
	for (size_t i = 0; i < b->nt; i++)
		if (b->t[i].tid == b->t[i].tgid)
			b->lead[b->nlead++] = (struct lead){ b->t[i].tgid,
							     (uint32_t)i };
	qsort(b->lead, b->nlead, sizeof(*b->lead), cmp_lead);
	return 0;
}

static long leader_of(const struct dbuild *b, pid_t tgid)
{
	struct lead key = { tgid, 0 }, *l = bsearch(&key, b->lead, b->nlead,
						    sizeof(*l), cmp_lead);

	return l ? (long)l->i : -1;
}

/* Depth-first: a process, its threads, then its children by pid; the root
 * first, then (subtree: a forest) the other roots by pid. Children are
 * listed once (kid_first/kid_next, in level order), not searched for. */
static int order_tasks(struct dbuild *b)
{
	const struct dtask *t = b->t;
	size_t nt = b->nt;
	long *stack = malloc(sizeof(*stack) * (nt ? nt : 1));
	bool *done = calloc(nt ? nt : 1, sizeof(*done));
	long *kid_first = malloc(sizeof(long) * (nt ? nt : 1));
	long *kid_next = malloc(sizeof(long) * (nt ? nt : 1));
	int rc = 0;

	b->order = malloc(sizeof(*b->order) * (nt ? nt : 1));
	if (!b->order || !stack || !done || !kid_first || !kid_next ||
	    (rc = index_leaders(b))) {
		rc = rc ? rc : ctk_err_setx(b->e, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < nt; k++)
		kid_first[k] = kid_next[k] = -1;
	for (size_t k = nt; k-- > 0;) {
		long p = t[k].tid == t[k].tgid ? leader_of(b, t[k].ppid) : -1;

		if (p >= 0) {
			kid_next[k] = kid_first[p];
			kid_first[p] = (long)k;
		}
	}
	for (long pass = -1; pass < (long)nt; pass++) {
		long sp = 0;

		if (pass < 0)
			stack[sp++] = leader_of(b, b->root);
		else if (b->subtree && t[pass].tid == t[pass].tgid &&
			 !done[pass] && leader_of(b, t[pass].ppid) < 0)
			stack[sp++] = pass;
		while (sp > 0) {
			long cur = stack[--sp];

			if (done[cur])
				continue;
			done[cur] = true;
			b->order[b->norder++] = (uint32_t)cur;
			for (size_t k = (size_t)cur + 1; k < nt &&
			     t[k].tgid == t[cur].tgid; k++) {
				done[k] = true;
				b->order[b->norder++] = (uint32_t)k;
			}
			/* children, pushed in reverse to pop in pid order */
			{
				long from = sp;

				for (long k = kid_first[cur]; k >= 0;
				     k = kid_next[k])
					if (!done[k])
						stack[sp++] = k;
				for (long x = from, y = sp - 1; x < y; x++, y--) {
					long tmp = stack[x];

					stack[x] = stack[y];
					stack[y] = tmp;
				}
			}
		}
	}
	if (b->norder != nt)
		rc = ctk_err_setx(b->e, EINVAL, "%u of %zu tasks are outside the "
				 "tree of the root", (unsigned)(nt - b->norder),
				 nt);
out:
	free(stack);
	free(done);
	free(kid_first);
	free(kid_next);
	return rc;
}

/* The header: format, flags, time, kernel strings, pid_max. */
static int fill_header(struct dbuild *b)
{
	struct ckpt_image *img = b->img;
	struct utsname u;
	unsigned x = 0, y = 0, z = 0;

	img->major = CKPT_FORMAT_MAJOR;
	img->minor = CKPT_FORMAT_MINOR;
#if defined(__x86_64__)
	img->arch_id = CKPT_ARCH_X86_64;
#endif
	img->uflags = b->subtree ? CKPT_UFLAG_SUBTREE : 0;
	img->time_sec = (uint64_t)time(NULL);
	uname(&u);
	sscanf(u.release, "%u.%u.%u", &x, &y, &z);
	img->kernel_version = x << 16 | (y & 0xff) << 8 | (z & 0xff);
	img->strings[0] = strdup(u.release);
	img->strings[1] = strdup(u.version);
	img->strings[2] = strdup(u.machine);
	img->pid_max = (uint32_t)ctk_sysctl_num("kernel/pid_max");
	for (int i = 0; i < 3; i++) {
		if (!img->strings[i])
			return ctk_err_setx(b->e, ENOMEM, "out of memory");
		for (char *p = img->strings[i]; *p; p++)
			if (*p < 0x20 || *p > 0x7e)
				*p = '?';
	}
	return 0;
}

/* The pid objects and the tasks, as tags. */
static int fill_tree(struct dbuild *b)
{
	struct ckpt_image *img = b->img;
	const struct dobj *obj = b->obj;
	uint64_t total = 0, at = 0;
	uint32_t maxd = 0;

	img->offset = 1;
	img->nr_pids = (uint32_t)b->no;
	for (size_t i = 0; i < b->no; i++)
		total += obj[i].depth + 1;
	img->pid_depth = malloc(sizeof(uint32_t) * b->no);
	img->pid_start = malloc(sizeof(uint64_t) * b->no);
	img->numbers = malloc(sizeof(uint32_t) * (total ? total : 1));
	img->nr_tasks = (uint32_t)b->nt;
	img->tasks = malloc(sizeof(*img->tasks) * b->nt);
	if (!img->pid_depth || !img->pid_start || !img->numbers || !img->tasks)
		return ctk_err_setx(b->e, ENOMEM, "out of memory");
	for (size_t i = 0; i < b->no; i++) {
		img->pid_depth[i] = obj[i].depth;
		img->pid_start[i] = at;
		memcpy(img->numbers + at, obj[i].num, 4 * (obj[i].depth + 1));
		at += obj[i].depth + 1;
		img->nr_vpids += obj[i].depth;
		if (obj[i].depth > maxd)
			maxd = obj[i].depth;
	}
	img->max_depth = maxd;
	for (uint32_t i = 0; i < b->norder; i++) {
		const struct dtask *d = &b->t[b->order[i]];
		long pi = leader_of(b, d->ppid);
		uint32_t vppid = 0;

		if (pi >= 0 && d->tgid != b->root) {
			long o = find_obj(obj, b->no, b->t[pi].pid[b->L]);

			vppid = o < 0 ? 0 : (uint32_t)o + 1;
		}
		img->tasks[i] = (struct ckpt_task){
			.vpid = tag_of(obj, b->no, d->pid, d->nlev, b->L),
			.vtgid = tag_of(obj, b->no, d->tgidv, d->nlev, b->L),
			.vppid = vppid,
			.vpgid = tag_of(obj, b->no, d->pgid, d->nlev, b->L),
			.vsid = tag_of(obj, b->no, d->sid, d->nlev, b->L),
			.depth = d->nlev - 1 - b->L,
		};
	}
	return 0;
}

/*
 * A process one level deeper than its parent that is not pid 1 there: it
 * entered the namespace with setns (nsenter, a runtime's exec) and forked,
 * a shape the kernel makes and restore cannot (no task of the image can
 * fork into a namespace it is not in). Named as such, before an image is
 * made, rather than read as a tree that changed.
 */
static int entered_task(const struct dbuild *b)
{
	const struct dtask *t = b->t;

	for (size_t i = 0; i < b->nt; i++) {
		long pi;

		if (t[i].tid != t[i].tgid ||
		    (pi = find_task(t, b->nt, t[i].ppid)) < 0 ||
		    t[i].nlev <= t[pi].nlev || t[i].pid[t[i].nlev - 1] == 1)
			continue;
		return ctk_err_setx(b->e, ENOTSUP, "task %d: in a pid namespace "
				   "its parent %d is not in, and not its init: "
				   "it entered with setns, as nsenter does, "
				   "which restore does not do", (int)t[i].tid,
				   (int)t[i].ppid);
	}
	return 0;
}

/*
 * The pid_max of each namespace of the image (its init's task), for
 * restore to give the namespace it makes. One that cannot be read (a
 * namespace dying meanwhile) is not recorded: restore leaves that one as
 * the kernel makes it.
 */
static int fill_nsmax(struct dbuild *b)
{
	struct ckpt_image *img = b->img;
	uint32_t n = 0;

	for (uint32_t i = 0; i < b->norder; i++) {
		const struct dtask *d = &b->t[b->order[i]];

		n += d->tid == d->tgid && d->pid[d->nlev - 1] == 1;
	}
	if (!n)
		return 0;
	img->nsmax = calloc(n, sizeof(*img->nsmax));
	if (!img->nsmax)
		return ctk_err_setx(b->e, ENOMEM, "out of memory");
	for (uint32_t i = 0; i < b->norder; i++) {
		const struct dtask *d = &b->t[b->order[i]];
		uint32_t v;

		if (d->tid != d->tgid || d->pid[d->nlev - 1] != 1 ||
		    ctk_proc_ns_pid_max(d->tid, &v))
			continue;
		img->nsmax[img->nr_nsmax].tag = img->tasks[i].vpid;
		img->nsmax[img->nr_nsmax++].pid_max = v;
	}
	return 0;
}

int ctk_dump_build(const pid_t *procs, size_t nprocs, pid_t root,
		   bool subtree, struct ckpt_image *img, struct ctk_err *e)
{
	struct dbuild b = { .root = root, .subtree = subtree, .img = img,
			    .e = e };
	int rc;

	memset(img, 0, sizeof(*img));
	if (!nprocs)
		return ctk_err_setx(e, ESRCH, "no process to checkpoint");
	rc = read_all(&b, procs, nprocs);
	if (!rc)
		rc = find_root(&b);
	if (!rc)
		rc = entered_task(&b);
	if (!rc)
		rc = collect_objects(&b);
	if (!rc)
		rc = order_tasks(&b);
	if (!rc)
		rc = fill_header(&b);
	if (!rc)
		rc = fill_tree(&b);
	if (!rc)
		rc = fill_nsmax(&b);
	if (!rc && (rc = ctk_ckpt_validate(img, e)))
		ctk_err_prefix(e, "the collected tree is not consistent (did "
			       "it change meanwhile?)");
	if (rc)
		ctk_ckpt_free(img);
	free(b.t);
	free(b.obj);
	free(b.order);
	free(b.lead);
	return rc;
}
