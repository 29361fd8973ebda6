/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Restart of a checkpointed pid tree: clone3 with set_tid gives every task
 * its numbers at every level (the host level is left to the kernel); fresh
 * pid namespaces where the image has them.
 *
 * Sessions and groups follow Linux's rules, so their order matters: a
 * child's session is its parent's at fork time; setsid() makes a new one
 * led by the caller; setpgid() joins a group of the caller's session whose
 * leader (or a helper holding the leader's pid) exists. The whole plan is
 * made and checked before any process exists (ctk_restore_check). The
 * restored tasks then obey this process's commands through futexes in
 * shared memory, one at a time, so the order lives in one place. A session
 * or group whose leader is gone is recreated by a short-lived helper that
 * takes the leader's pid (linux-cr's ghosts, CRIU's helpers); the members a
 * session helper forks are reparented to their real parent, which is a
 * child subreaper for that moment.
 */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

#include "ctk/attach.h"
#include "ctk/container.h"
#include "ctk/dump.h"
#include "ctk/proc.h"
#include "ctk/restore.h"
#include "internal.h"

#define NONE		UINT32_MAX
#define OUTSIDE		UINT32_MAX	/* a session/group not in the image */
#define RESTORER	UINT32_MAX

struct ptask {
	uint32_t creator;	/* slot that forks it (RESTORER for roots) */
	char phase;		/* 'A' before the creator's setsid, 'C' after */
	bool setsid, newpid, thread;
	uint32_t inh_sid, inh_pg;	/* what it inherits at fork */
	uint32_t sid, pg;	/* after phase 1 (tags, or OUTSIDE) */
	uint32_t ghost;		/* the session helper that forks it, or NONE */
	bool join;		/* phase 2: setpgid */
	bool makes_group;	/* phase 2: setpgid(0, 0), its group made
				 * (some process of the image is in it) */
	bool early_pg;		/* it makes its group before it forks: a
				 * child must have it at fork (a nested
				 * init's group, which its namespace cannot
				 * see: a job-control shell's job) */
	uint32_t pid_max;	/* an init: the pid_max it gives its namespace
				 * once every task is there (0: as made) */
	bool wants_inh;		/* a setsid task whose children born before
				 * its setsid need a session of it: */
	uint32_t want_inh;	/* that session (a tag, or OUTSIDE) */
};

/*
 * Helpers (linux-cr's ghosts, CRIU's helpers). The forking kinds fork the
 * tasks whose ptask.ghost names them and exit; those tasks are reparented
 * to their recorded parent (@reaper), a child subreaper for that moment
 * and an ancestor of the helper in the same pid namespace.
 */
enum gkind {
	G_SESSION,	/* takes a dead session leader's pid, setsid, forks */
	G_GROUP,	/* takes a dead group leader's pid, setpgid: joined */
	G_GROUP_FORK,	/* the same, and forks (a group with no member left
			 * that a task must have at fork: a nested init's) */
	G_RELAY,	/* a free pid, forked by a live session leader: forks
			 * a task of that session whose parent is elsewhere
			 * (a double fork: "(cmd &)") */
};

struct pghost {
	uint32_t tag;		/* the pid it takes (G_RELAY: NONE) */
	uint32_t forker;	/* the task that forks it */
	uint32_t reaper;	/* forking kinds: who its children end under */
	enum gkind kind;
};

struct plan {
	const struct ckpt_image *img;
	struct ptask *t;
	struct pghost *g;
	uint32_t ng;
	int64_t *task_of;	/* tag -> task index (its vpid), -1 */
	uint32_t *order;	/* tasks, each after the one that makes it */
	uint32_t *kid_first;	/* per task: the first task it creates (a
				 * process or a thread), NONE */
	uint32_t *kid_next;	/* the next one of the same creator, in image
				 * order: no batch scans the whole image */
	uint8_t *has;		/* per task: H_* */
	uint32_t *joins;	/* the tasks that join a group made before,
				 * in an order that can be done */
	uint32_t nj;
	uint32_t free_num[CKPT_MAX_DEPTH + 1];	/* per level: above every
						 * number of the image */
	void *arena;		/* plan_share: the arrays above, shared */
	size_t arena_len;
	struct ckpt_image simg;	/* plan_share: the image's arrays, there */
};

#define H_PHASE_A	0x1	/* forks a process before its setsid */
#define H_PHASE_C	0x2	/* forks a process after it */
#define H_THREADS	0x4	/* makes threads */
#define H_BIRTH_SETSID	0x8	/* its setsid comes before any fork of its
				 * own: done at birth, with no round trip */
#define H_LEAF		0x10	/* forked in its creator's batch, it makes
				 * nothing, joins no group, serves no helper:
				 * no command ever comes to it, so it may
				 * report and take its final state at birth
				 * (born_final) */

struct ctk_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		 stack_size, tls, set_tid, set_tid_size, cgroup;
};

enum cmd {
	CMD_NONE, CMD_FORK, CMD_FORK_GHOST, CMD_SETSID, CMD_SETPGID,
	CMD_SUBREAPER, CMD_REAP, CMD_THREAD, CMD_EXIT, CMD_REPORT, CMD_FINAL,
	CMD_STOP, CMD_FORK_PHASE, CMD_FORK_GHOSTED, CMD_THREADS, CMD_PID_MAX,
};

struct rslot {
	uint32_t cmd;		/* futex: the command to run, 0 idle */
	uint32_t done;		/* futex: commands completed */
	int32_t arg, err;
	int32_t who;		/* with an error of a batch: which task */
	int32_t local_pid;	/* as its creator sees it */
	int32_t rpid, rpgid, rsid;
	int32_t proc_pid;	/* as this /proc numbers it (the final step) */
};

struct rctx {
	struct plan *p;
	const struct ctk_restore_opts *o;
	struct rslot *slot;
	size_t nslots;
	uint32_t me;		/* in a restored task: its slot */
	bool fds_null;		/* in a restored task: fds 0-2 are /dev/null
				 * and no other is open (from its maker) */
	const struct ckpt_image *caller_img;	/* the restorer's, private */
	struct timespec deadline;	/* the user's --timeout, or 0 */
	uint32_t silent;	/* broadcast: the one that did not answer */
	int interrupted;	/* the held signal that came, or 0 */
	int restorer_fd;	/* a pidfd of the restorer, inherited by
				 * every task until the restore is done */
};

/* An answer that cannot come: the process that owed it is gone. */
#define E_DIED	EOWNERDEAD

/* ---- planning --------------------------------------------------------------- */

static uint32_t tdepth(const struct ckpt_image *img, uint32_t tag)
{
	uint32_t d = 0;

	ctk_ckpt_pid(img, tag, &d);
	return d;
}

static bool visible(const struct ckpt_image *img, uint32_t tag, uint32_t depth)
{
	return tag && tdepth(img, tag) == depth;
}

/* The tag of the level-0 pid object numbered @num, or OUTSIDE. */
static uint32_t tag_of_number(const struct ckpt_image *img, uint32_t num)
{
	for (uint32_t i = 0; i < img->nr_pids; i++)
		if (img->numbers[img->pid_start[i]] == num)
			return i + img->offset;
	return OUTSIDE;
}

static uint32_t add_ghost(struct plan *p, enum gkind kind, uint32_t tag,
			  uint32_t forker, uint32_t reaper)
{
	for (uint32_t i = 0; i < p->ng; i++)
		if (p->g[i].tag == tag && p->g[i].forker == forker &&
		    p->g[i].reaper == reaper && p->g[i].kind == kind)
			return i;
	p->g[p->ng] = (struct pghost){ tag, forker, reaper, kind };
	return p->ng++;
}

static void plan_free(struct plan *p)
{
	if (p->arena) {
		munmap(p->arena, p->arena_len);
		memset(p, 0, sizeof(*p));
		return;
	}
	free(p->t);
	free(p->g);
	free(p->task_of);
	free(p->order);
	free(p->kid_first);
	free(p->kid_next);
	free(p->has);
	free(p->joins);
	memset(p, 0, sizeof(*p));
}

/* The task index of the parent of task @i, or NONE for a root. */
static uint32_t parent_of(const struct plan *p, uint32_t i)
{
	uint32_t pp = p->img->tasks[i].vppid;

	return pp ? (uint32_t)p->task_of[pp - p->img->offset] : NONE;
}

/*
 * Can the live session leader @l fork task @i (through a relay) so that
 * it ends under its recorded parent @pi? @pi must be a proper ancestor of
 * @l in the same pid namespace, and @i not on the way (it would have to
 * exist before itself).
 */
static bool relay_ok(const struct plan *p, uint32_t i, uint32_t pi, uint32_t l)
{
	const struct ckpt_task *t = p->img->tasks;

	if (l == pi || t[l].depth != t[pi].depth || p->t[l].thread)
		return false;
	for (uint32_t a = parent_of(p, l); a != NONE; a = parent_of(p, a)) {
		if (a == i || t[a].depth != t[l].depth)
			return false;
		if (a == pi)
			return true;
	}
	return false;
}

/*
 * A live member of session @sid (its leader first) that can fork task @i
 * through a relay, in group @pg when that is not NONE (a group the task
 * cannot join later). Its leader, or a member planned already (before
 * @i in the image: their session and group are known by now).
 */
static uint32_t relay_forker(const struct plan *p, uint32_t i, uint32_t pi,
			     uint32_t sid, uint32_t pg)
{
	const struct ckpt_image *img = p->img;
	int64_t l = p->task_of[sid - img->offset];

	/* the leader, even one later in the image: a leader's session and
	 * group are its own */
	if (l >= 0 && (pg == NONE || pg == sid) &&
	    relay_ok(p, i, pi, (uint32_t)l))
		return (uint32_t)l;
	for (uint32_t w = 0; w < i; w++)
		if (!p->t[w].thread && p->t[w].sid == sid &&
		    (pg == NONE || p->t[w].pg == pg) && relay_ok(p, i, pi, w))
			return w;
	return NONE;
}

/* Who makes task @i: its creator, or the helper's forker. */
static uint32_t maker_of(const struct plan *p, uint32_t i)
{
	const struct ptask *pt = &p->t[i];

	return pt->ghost != NONE ? p->g[pt->ghost].forker : pt->creator;
}

/*
 * The order the restorer walks the tasks in: each after the task that makes
 * it (image order is depth-first by parent, but a relayed task is made by
 * its session's leader, which may come later). A cycle cannot be restored.
 */
static int plan_order(struct plan *p, struct ctk_err *e)
{
	uint32_t n = p->img->nr_tasks, head = 0, tail = 0;
	uint32_t *first = malloc(sizeof(*first) * (n + 1)), *kids = NULL;

	p->order = malloc(sizeof(*p->order) * (n ? n : 1));
	kids = malloc(sizeof(*kids) * (n ? n : 1));
	if (!first || !kids || !p->order) {
		free(first);
		free(kids);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	/* made-by lists, by counting (CSR) */
	memset(first, 0, sizeof(*first) * (n + 1));
	for (uint32_t i = 0; i < n; i++)
		if (maker_of(p, i) != RESTORER)
			first[maker_of(p, i) + 1]++;
	for (uint32_t i = 0; i < n; i++)
		first[i + 1] += first[i];
	{
		uint32_t *fill = calloc(n ? n : 1, sizeof(*fill));

		if (!fill) {
			free(first);
			free(kids);
			return ctk_err_setx(e, ENOMEM, "out of memory");
		}
		for (uint32_t i = 0; i < n; i++) {
			uint32_t m = maker_of(p, i);

			if (m != RESTORER)
				kids[first[m] + fill[m]++] = i;
		}
		free(fill);
	}
	for (uint32_t i = 0; i < n; i++)
		if (maker_of(p, i) == RESTORER)
			p->order[tail++] = i;
	/* breadth first: image order within each maker's list */
	for (; head < tail; head++) {
		uint32_t m = p->order[head];

		for (uint32_t k = first[m]; k < first[m + 1]; k++)
			p->order[tail++] = kids[k];
	}
	free(first);
	free(kids);
	if (tail != n)
		return ctk_err_setx(e, EINVAL, "%u tasks would have to exist "
				   "before themselves (a session led from "
				   "below its members)", n - tail);
	return 0;
}

/*
 * A subtree image whose one root is pid 1 of its namespace: a container's
 * tree whose session or group was outside it (dump said to use --subtree).
 * It is restored in a fresh pid namespace, as a container image is; the
 * outside session and group are the restorer's there.
 */
static bool subtree_init(const struct ckpt_image *img)
{
	uint32_t roots = 0;

	if (!(img->uflags & CKPT_UFLAG_SUBTREE) || !img->nr_tasks)
		return false;
	for (uint32_t i = 0; i < img->nr_tasks && roots < 2; i++)
		roots += !img->tasks[i].vppid &&
			 img->tasks[i].vpid == img->tasks[i].vtgid;
	return roots == 1 && !img->tasks[0].vppid &&
	       ctk_ckpt_pid(img, img->tasks[0].vpid, NULL)[0] == 1;
}

/* /proc/sys/kernel/pid_max of this pid namespace, 0 when unreadable. */
static uint32_t host_pid_max(void)
{
	return (uint32_t)ctk_sysctl_num("kernel/pid_max");
}

/* The pid_max of a pid namespace made now (ctk_proc_new_ns_pid_max);
 * this namespace's when that cannot be learned. */
static uint32_t fresh_pid_max(uint32_t here)
{
	uint32_t v;

	return ctk_proc_new_ns_pid_max(&v) ? here : v;
}

/*
 * Every pid number: below the pid_max of its level (or refused), and the
 * first free number above the image's at each level, for relays. A level
 * that restore makes (every level of a container image, the inner ones of
 * a subtree's) has a fresh namespace's pid_max; the restorer's own level,
 * this namespace's.
 */
static int plan_numbers(struct plan *p, struct ctk_err *e)
{
	const struct ckpt_image *img = p->img;
	uint32_t here = host_pid_max(), fresh = 0;
	uint32_t first_fresh = !(img->uflags & CKPT_UFLAG_SUBTREE) ||
			       subtree_init(img) ? 0 : 1;

	for (uint32_t i = 0; i < img->nr_pids; i++) {
		uint32_t d = 0;
		const uint32_t *num = ctk_ckpt_pid(img, i + img->offset, &d);

		for (uint32_t k = 0; k <= d; k++) {
			uint32_t max = here;

			if (k >= first_fresh && here && num[k] >= here) {
				if (!fresh)
					fresh = fresh_pid_max(here);
				max = fresh;
			}
			if (max && num[k] >= max)
				return ctk_err_setx(e, ERANGE, "pid %u (level %u) "
						   "is not below the pid_max "
						   "%u of %s", num[k], k, max,
						   k >= first_fresh ?
						   "a new pid namespace here" :
						   "this pid namespace");
			if (num[k] >= p->free_num[k])
				p->free_num[k] = num[k] + 1;
		}
	}
	return 0;
}

/*
 * May task @pi fork a helper that takes the pid of the gone leader of
 * session @sid? A session keeps its leader's pid taken while it has a
 * member, so only one helper can ever take it: the one that forks every
 * member whose parent forks it (a member elsewhere comes through a relay
 * from a live member).
 */
static bool session_helper_ok(const struct plan *p, uint32_t sid, uint32_t pi)
{
	for (uint32_t g = 0; g < p->ng; g++)
		if (p->g[g].kind == G_SESSION && p->g[g].tag == sid &&
		    (p->g[g].forker != pi || p->g[g].reaper != pi))
			return false;
	return true;
}

/* A root: it inherits this process's session and group (a subtree image
 * may name them), or starts a pid namespace of its own. */
static int plan_root(struct plan *p, uint32_t i, uint32_t want_sid,
		     uint32_t my_sid, uint32_t my_pg, struct ctk_err *e)
{
	const struct ckpt_image *img = p->img;
	struct ptask *pt = &p->t[i];

	pt->creator = RESTORER;
	pt->phase = 'C';
	pt->newpid = !(img->uflags & CKPT_UFLAG_SUBTREE) || subtree_init(img);
	/* beside a namespace's init (pid 1 at level 0), a root whose parent
	 * is outside: it entered the namespace with setns */
	if ((img->uflags & CKPT_UFLAG_SUBTREE) && !pt->newpid)
		for (uint32_t k = 0; k < img->nr_tasks; k++)
			if (!img->tasks[k].vppid && k != i &&
			    img->tasks[k].vpid == img->tasks[k].vtgid &&
			    ctk_ckpt_pid(img, img->tasks[k].vpid, NULL)[0] == 1)
				return ctk_err_setx(e, ENOTSUP, "task %u: in the "
						   "pid namespace of the init "
						   "(task %u), its parent "
						   "outside: it entered with "
						   "setns, as nsenter does, "
						   "which restore does not do",
						   i, k);
	pt->inh_sid = pt->newpid ? OUTSIDE : my_sid;
	pt->inh_pg = pt->newpid ? OUTSIDE : my_pg;
	/* a root in a session whose leader is gone (a double-forked daemon
	 * in this namespace): a helper with the leader's pid, forked by the
	 * restorer, calls setsid and forks it */
	if (!pt->newpid && want_sid != OUTSIDE && !pt->setsid &&
	    pt->inh_sid != want_sid && p->task_of[want_sid - img->offset] < 0 &&
	    tdepth(img, want_sid) == 0 &&
	    session_helper_ok(p, want_sid, RESTORER)) {
		pt->ghost = add_ghost(p, G_SESSION, want_sid, RESTORER,
				      RESTORER);
		pt->inh_sid = pt->inh_pg = want_sid;
	}
	if (pt->inh_sid == OUTSIDE && want_sid != OUTSIDE && !pt->setsid &&
	    p->task_of[want_sid - img->offset] < 0)
		return ctk_err_setx(e, EINVAL, "task %u: its session %u is led "
				   "from outside the image, and this is not it",
				   i, ctk_ckpt_pid(img, want_sid, NULL)[0]);
	return 0;
}

/*
 * A child: how it gets its session and (when it cannot join it later) its
 * group at fork, in this order of preference: from its parent, before or
 * after the parent's setsid; from a helper that takes the pid of a session
 * leader that is gone; from a relay forked by a live member of its session
 * (a double fork); from a helper that takes the pid of a group that lost
 * every member (a nested init's).
 */
static int plan_child(struct plan *p, uint32_t i, uint32_t want_sid,
		      uint32_t want_pg, bool any_pg, struct ctk_err *e)
{
	const struct ckpt_image *img = p->img;
	const struct ckpt_task *c = &img->tasks[i];
	struct ptask *pt = &p->t[i];
	uint32_t pi = (uint32_t)p->task_of[c->vppid - img->offset], w;
	const struct ckpt_task *par = &img->tasks[pi];
	const struct ptask *pp = &p->t[pi];
	/* the session it must be born in: a setsid task's children born
	 * before its setsid decide it (or any) */
	bool any = pt->setsid && !pt->wants_inh;
	uint32_t need = pt->setsid ? pt->want_inh : want_sid;

	pt->creator = pi;
	pt->newpid = c->depth == par->depth + 1;
	pt->phase = 'C';
	if (pp->setsid && (any || pp->inh_sid == need) &&
	    (any_pg || pp->inh_pg == want_pg)) {
		pt->phase = 'A';	/* the parent's earlier session */
		pt->inh_sid = pp->inh_sid;
		pt->inh_pg = pp->inh_pg;
	} else if ((any || pp->sid == need) &&
		   (any_pg || pp->pg == want_pg)) {
		pt->inh_sid = pp->sid;
		pt->inh_pg = pp->pg;
	} else if (!any && need != OUTSIDE &&
		   p->task_of[need - img->offset] < 0 &&
		   tdepth(img, need) == par->depth &&
		   (any_pg || want_pg == need) && session_helper_ok(p, need, pi)) {
		pt->ghost = add_ghost(p, G_SESSION, need, pi, pi);
		pt->inh_sid = pt->inh_pg = need;
	} else if (!any && need != OUTSIDE &&
		   (w = relay_forker(p, i, pi, need,
				     any_pg ? NONE : want_pg)) != NONE) {
		pt->ghost = add_ghost(p, G_RELAY, NONE, w, pi);
		pt->inh_sid = need;
		pt->inh_pg = img->tasks[w].vpid == need ? need : p->t[w].pg;
	} else if (!pt->setsid && pp->sid == want_sid && !any_pg &&
		   want_pg != OUTSIDE &&
		   p->task_of[want_pg - img->offset] < 0 &&
		   tdepth(img, want_pg) == par->depth) {
		pt->ghost = add_ghost(p, G_GROUP_FORK, want_pg, pi, pi);
		pt->inh_sid = want_sid;
		pt->inh_pg = want_pg;
	} else if (pt->setsid) {
		/* its own session: what it was born in is for the children
		 * it forks before its setsid, which then need helpers */
		pt->phase = pp->setsid ? 'A' : 'C';
		pt->inh_sid = pp->setsid ? pp->inh_sid : pp->sid;
		pt->inh_pg = pp->setsid ? pp->inh_pg : pp->pg;
	} else {
		return ctk_err_setx(e, EINVAL, "task %u: its %s cannot be had "
				   "from its parent (task %u) or a helper", i,
				   pp->sid == want_sid ? "process group" :
				   "session", pi);
	}
	return 0;
}

/*
 * What a task's children need of it at their fork, found before any task
 * is planned (a parent is planned first): children in image order after
 * their parent, so a reverse walk sees a task's children before it.
 * - A setsid task forks the children that stay in its old session before
 *   its setsid; that session is then the one it must be born in (CRIU's
 *   session00 "CHANGESID": 10 forks 11 forks 12, then 11 and 10 call
 *   setsid; 12 is in 10's parent's session). The need goes up through
 *   each parent that calls setsid too.
 * - A group that a child cannot join after its fork (a nested init's, its
 *   namespace cannot see it) is made by its leader before it forks.
 */
/*
 * How much child @c needs to be born in session @sid of its parent @pi:
 * 3, only so, or so at once (the session of an ancestor of @pi or of @pi's
 * parent, or one outside the image);
 * 2, a live leader elsewhere that cannot fork it through a relay; 1, a
 * leader that is gone (a helper can make it); 0, a relay can.
 */
static int birth_need(const struct plan *p, uint32_t c, uint32_t pi,
		      uint32_t sid)
{
	uint32_t gp = parent_of(p, pi);
	int64_t l;

	if (sid == OUTSIDE)
		return 3;
	/* the session its parent's parent is in: the parent is born in it */
	if (gp != NONE && p->img->tasks[gp].vsid == sid)
		return 3;
	l = p->task_of[sid - p->img->offset];
	if (l < 0)
		return 1;
	for (uint32_t a = pi; a != NONE; a = parent_of(p, a))
		if (a == (uint32_t)l)
			return 3;
	return relay_ok(p, c, pi, (uint32_t)l) ? 0 : 2;
}

static void plan_wants(struct plan *p)
{
	const struct ckpt_image *img = p->img;

	for (uint32_t i = img->nr_tasks; i-- > 0;) {
		const struct ckpt_task *c = &img->tasks[i];
		const struct ptask *pt = &p->t[i];
		bool setsid = c->vsid == c->vpid, needs;
		uint32_t pi, need;
		struct ptask *pp;

		if (c->vpid != c->vtgid || !c->vppid)
			continue;
		pi = (uint32_t)p->task_of[c->vppid - img->offset];
		pp = &p->t[pi];
		needs = setsid ? pt->wants_inh : true;
		need = setsid ? pt->want_inh : c->vsid ? c->vsid : OUTSIDE;
		/* the child that needs it most decides (the others come
		 * through helpers and relays) */
		if (img->tasks[pi].vsid == img->tasks[pi].vpid && needs &&
		    need != img->tasks[pi].vpid &&
		    (!pp->wants_inh || birth_need(p, i, pi, need) >
				       birth_need(p, i, pi, pp->want_inh))) {
			pp->wants_inh = true;
			pp->want_inh = need;
		}
		if (c->vpgid && c->vpgid == c->vppid && c->vsid != c->vpid &&
		    !visible(img, c->vpgid, c->depth) &&
		    img->tasks[pi].vpgid == img->tasks[pi].vpid &&
		    img->tasks[pi].vsid != img->tasks[pi].vpid)
			pp->early_pg = true;
	}
}

/* Phase 1 for task @i: its session and the group it has at fork. */
static int plan_task(struct plan *p, uint32_t i, uint32_t my_sid,
		     uint32_t my_pg, struct ctk_err *e)
{
	const struct ckpt_image *img = p->img;
	const struct ckpt_task *c = &img->tasks[i];
	struct ptask *pt = &p->t[i];
	uint32_t want_sid = c->vsid ? c->vsid : OUTSIDE;
	uint32_t want_pg = c->vpgid ? c->vpgid : OUTSIDE;
	bool any_pg;
	int rc;

	pt->ghost = NONE;
	if (c->vpid != c->vtgid) {
		uint32_t l = (uint32_t)p->task_of[c->vtgid - img->offset];

		pt->thread = true;
		pt->creator = l;
		pt->sid = p->t[l].sid;
		pt->pg = p->t[l].pg;
		return 0;
	}
	pt->setsid = c->vsid == c->vpid;
	/* a group visible in its own namespace can be joined later; one
	 * that is not must come with the fork */
	any_pg = pt->setsid || visible(img, c->vpgid, c->depth);
	rc = c->vppid ? plan_child(p, i, want_sid, want_pg, any_pg, e) :
			plan_root(p, i, want_sid, my_sid, my_pg, e);
	if (rc)
		return rc;
	if (!pt->setsid && pt->inh_sid != want_sid)
		return ctk_err_setx(e, EINVAL, "task %u: a root whose session "
				   "is not its own", i);
	if (!any_pg && pt->inh_pg != want_pg)
		return ctk_err_setx(e, EINVAL, "task %u: a group it cannot join "
				   "from its namespace", i);
	pt->sid = pt->setsid ? c->vpid : pt->inh_sid;
	pt->pg = pt->setsid || pt->early_pg ? c->vpid : pt->inh_pg;
	return 0;
}

/* Phase 2: joins; a group with no member and no leader left gets a
 * helper, forked by its first member. */
static int plan_joins(struct plan *p, struct ctk_err *e)
{
	const struct ckpt_image *img = p->img;
	uint32_t n = img->nr_tasks;

	for (uint32_t i = 0; i < n; i++) {
		const struct ckpt_task *c = &img->tasks[i];
		struct ptask *pt = &p->t[i];
		bool exists = false;

		if (pt->thread || !c->vpgid || pt->pg == c->vpgid)
			continue;
		pt->join = true;
		if (p->task_of[c->vpgid - img->offset] >= 0)
			continue;	/* its leader joins its own group first */
		for (uint32_t k = 0; k < n && !exists; k++)
			exists = !p->t[k].thread && p->t[k].pg == c->vpgid;
		for (uint32_t k = 0; k < p->ng && !exists; k++)
			exists = (p->g[k].kind == G_GROUP ||
				  p->g[k].kind == G_GROUP_FORK) &&
				 p->g[k].tag == c->vpgid;
		if (exists)
			continue;
		if (tdepth(img, c->vpgid) != c->depth)
			return ctk_err_setx(e, EINVAL, "task %u: group %u has no "
					   "leader in its namespace", i,
					   c->vpgid);
		add_ghost(p, G_GROUP, c->vpgid, i, NONE);
	}
	return 0;
}

/* Is this kernel Linux 6.14 or later (one pid_max per pid namespace)? */
static bool per_ns_pid_max_kernel(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	return !uname(&u) && sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
	       (major > 6 || (major == 6 && minor >= 14));
}

/*
 * The pid_max the image recorded for a namespace that restore makes, given
 * to it by its init at the end where it differs from a new namespace's.
 * Only where each namespace has its own (a new one's differs from this
 * one's, or Linux 6.14+): before, the sysctl is the machine's, and is
 * never written.
 */
static void plan_pid_max(struct plan *p)
{
	const struct ckpt_image *img = p->img;
	uint32_t here, fresh;

	if (!img->nr_nsmax)
		return;
	here = host_pid_max();
	fresh = fresh_pid_max(here);
	if (!fresh || (fresh == here && !per_ns_pid_max_kernel()))
		return;
	for (uint32_t k = 0; k < img->nr_nsmax; k++) {
		uint32_t tag = img->nsmax[k].tag;
		int64_t i = tag >= img->offset &&
			    tag - img->offset < img->nr_pids ?
			    p->task_of[tag - img->offset] : -1;

		if (i >= 0 && p->t[i].newpid &&
		    img->nsmax[k].pid_max != fresh)
			p->t[i].pid_max = img->nsmax[k].pid_max;
	}
}

/* The whole plan, checked, before any process exists. On failure the
 * caller still frees it (plan_free). */
/*
 * Who creates whom, as lists: a creator's batch walks its own children,
 * and the restorer knows which batches there are, without a scan of the
 * whole image for each task (which made a restore of n tasks O(n^2)).
 */
/* Does some process of the image have @tag for its group? */
static bool is_group(const struct plan *p, const bool *grp, uint32_t tag)
{
	return tag >= p->img->offset && tag - p->img->offset < p->img->nr_pids &&
	       grp[tag - p->img->offset];
}

/*
 * The order of the joins (setpgid into a group that exists). After the
 * leaders made their groups (a leader that lives in another group too: it
 * moved there after making its own) and the helpers' groups were joined,
 * each join needs its group to have a member, and may not leave behind
 * a group that others still need with no member: a group whose leader
 * moved is held by another member before the leader leaves. Every join
 * that can be done now is taken, round after round. Groups that could only
 * hold each other (the leader of A lives in B, the leader of B in A, and
 * no one else is in either) cannot be made, by the kernel either: such an
 * image is refused here, before any process exists.
 */
static int plan_join_order(struct plan *p, struct ctk_err *e)
{
	const struct ckpt_image *img = p->img;
	uint32_t n = img->nr_tasks, np = img->nr_pids, off = img->offset;
	uint32_t *cnt = calloc(np + 1, sizeof(*cnt));
	uint32_t *need = calloc(np + 1, sizeof(*need));
	uint32_t *cur = calloc(n + 1, sizeof(*cur));
	bool *grp = calloc(np + 1, sizeof(*grp));
	bool *pending = calloc(n + 1, sizeof(*pending));
	size_t left = 0;
	bool progress = true;
	int rc = 0;

	p->joins = calloc(n + 1, sizeof(*p->joins));
	if (!cnt || !need || !cur || !grp || !pending || !p->joins) {
		rc = ctk_err_setx(e, ENOMEM, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < n; i++)
		if (!p->t[i].thread && img->tasks[i].vpgid)
			grp[img->tasks[i].vpgid - off] = true;
	for (uint32_t i = 0; i < n; i++) {
		const struct ckpt_task *c = &img->tasks[i];
		bool helped = false;

		if (p->t[i].thread)
			continue;
		cur[i] = p->t[i].pg;
		if (is_group(p, grp, c->vpid) && cur[i] != c->vpid) {
			p->t[i].makes_group = true;
			cur[i] = c->vpid;	/* it makes its group first */
		}
		for (uint32_t g = 0; g < p->ng && !helped; g++)
			helped = p->g[g].kind == G_GROUP &&
				 p->g[g].tag == c->vpgid && p->t[i].join;
		if (helped)
			cur[i] = c->vpgid;	/* joined with the helper */
		if (cur[i] != OUTSIDE && is_group(p, grp, cur[i]))
			cnt[cur[i] - off]++;
		if (c->vpgid && cur[i] != c->vpgid) {
			p->t[i].join = true;	/* a leader that moved on */
			pending[i] = true;
			need[c->vpgid - off]++;
			left++;
		}
	}
	while (left && progress) {
		progress = false;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t to = img->tasks[i].vpgid, from = cur[i];
			bool from_ours = from != OUTSIDE && is_group(p, grp, from);

			if (!pending[i] || !cnt[to - off])
				continue;	/* no member to join yet */
			if (from_ours && cnt[from - off] == 1 &&
			    need[from - off])
				continue;	/* its group still needed */
			if (from_ours)
				cnt[from - off]--;
			cnt[to - off]++;
			need[to - off]--;
			cur[i] = to;
			pending[i] = false;
			p->joins[p->nj++] = i;
			left--;
			progress = true;
		}
	}
	for (uint32_t i = 0; i < n && left; i++)
		if (pending[i]) {
			rc = ctk_err_setx(e, EINVAL, "task %u: its group %u cannot "
					  "be had: it and the groups it needs "
					  "hold each other, and no process tree "
					  "has this shape", i, img->tasks[i].vpgid);
			break;
		}
out:
	free(cnt);
	free(need);
	free(cur);
	free(grp);
	free(pending);
	return rc;
}

static int plan_index(struct plan *p, struct ctk_err *e)
{
	uint32_t n = p->img->nr_tasks;

	p->kid_first = malloc(sizeof(*p->kid_first) * (n ? n : 1));
	p->kid_next = malloc(sizeof(*p->kid_next) * (n ? n : 1));
	p->has = calloc(n ? n : 1, sizeof(*p->has));
	if (!p->kid_first || !p->kid_next || !p->has)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	for (uint32_t i = 0; i < n; i++)
		p->kid_first[i] = p->kid_next[i] = NONE;
	for (uint32_t c = n; c-- > 0;) {
		const struct ptask *ct = &p->t[c];
		uint32_t cr = ct->creator;

		if (cr >= n)
			continue;	/* a root, or a helper's */
		p->kid_next[c] = p->kid_first[cr];
		p->kid_first[cr] = c;
		if (ct->thread)
			p->has[cr] |= H_THREADS;
		else if (ct->ghost == NONE)
			p->has[cr] |= ct->phase == 'A' ? H_PHASE_A : H_PHASE_C;
	}
	for (uint32_t c = 0; c < n; c++)
		if (!p->t[c].thread && p->t[c].setsid &&
		    !(p->has[c] & H_PHASE_A))
			p->has[c] |= H_BIRTH_SETSID;
	for (uint32_t c = 0; c < n; c++) {
		const struct ptask *ct = &p->t[c];

		if (!ct->thread && ct->creator != RESTORER &&
		    ct->ghost == NONE && !ct->newpid && !ct->join &&
		    p->kid_first[c] == NONE)
			p->has[c] |= H_LEAF;
	}
	for (uint32_t g = 0; g < p->ng; g++) {
		if (p->g[g].forker < n)
			p->has[p->g[g].forker] &= (uint8_t)~H_LEAF;
		if (p->g[g].reaper < n)
			p->has[p->g[g].reaper] &= (uint8_t)~H_LEAF;
	}
	return 0;
}

/*
 * Does task @i take its final state at birth (H_LEAF, and this restore
 * gives it nothing to do at the end)? Not with a command (none may start
 * before the whole tree is there). A placeholder that stops at birth might
 * see a helper exit after it and its group become orphaned by that (the
 * kernel's SIGHUP and SIGCONT): with helpers, a stop waits for the end.
 */
static bool born_final(const struct rctx *rc, uint32_t i)
{
	return i < rc->p->img->nr_tasks && (rc->p->has[i] & H_LEAF) &&
	       !rc->o->command && (!rc->o->stop || rc->p->ng == 0);
}

/*
 * Move the plan's arrays, and the image's that the restored tasks read, to
 * one shared mapping. A fork copies the page table of every private page
 * its parent has (and makes each copy-on-write, to be walked by the kernel
 * for every process that shares it): a restore whose forkers carry a heap
 * that grows with the tree is quadratic. A shared mapping is not copied;
 * each task faults in the few pages it reads. -ENOMEM.
 */
static int plan_share(struct plan *p)
{
	const struct ckpt_image *img = p->img;
	uint32_t n = img->nr_tasks, np = img->nr_pids;
	uint64_t nnum = 0;
	size_t sz[11], off[11], total = 0;
	const void *src[11];
	void **dst[11];
	char *a;

	for (uint32_t i = 0; i < np; i++)
		if (img->pid_start[i] + img->pid_depth[i] + 1 > nnum)
			nnum = img->pid_start[i] + img->pid_depth[i] + 1;
	p->simg = *img;
	p->simg.strings[0] = p->simg.strings[1] = p->simg.strings[2] = NULL;
	p->simg.error = NULL;
	{
		const size_t s[11] = {
			sizeof(*p->t) * n, sizeof(*p->g) * p->ng,
			sizeof(*p->task_of) * np, sizeof(*p->order) * n,
			sizeof(*p->kid_first) * n, sizeof(*p->kid_next) * n,
			sizeof(*p->has) * n, sizeof(*p->joins) * p->nj,
			sizeof(*img->tasks) * n,
			((sizeof(*img->pid_depth) * np + 7) & ~(size_t)7) +
			sizeof(*img->pid_start) * np,
			sizeof(*img->numbers) * nnum,
		};

		memcpy(sz, s, sizeof(sz));
	}
	src[0] = p->t; dst[0] = (void **)&p->t;
	src[1] = p->g; dst[1] = (void **)&p->g;
	src[2] = p->task_of; dst[2] = (void **)&p->task_of;
	src[3] = p->order; dst[3] = (void **)&p->order;
	src[4] = p->kid_first; dst[4] = (void **)&p->kid_first;
	src[5] = p->kid_next; dst[5] = (void **)&p->kid_next;
	src[6] = p->has; dst[6] = (void **)&p->has;
	src[7] = p->joins; dst[7] = (void **)&p->joins;
	src[8] = img->tasks; dst[8] = (void **)&p->simg.tasks;
	src[9] = NULL; dst[9] = NULL;	/* pid_depth and pid_start, below */
	src[10] = img->numbers; dst[10] = (void **)&p->simg.numbers;
	for (int k = 0; k < 11; k++) {
		off[k] = total;
		total += (sz[k] + 15) & ~(size_t)15;
	}
	a = mmap(NULL, total ? total : 1, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		return -ENOMEM;
	for (int k = 0; k < 11; k++) {
		if (k == 9) {
			p->simg.pid_depth = (uint32_t *)(void *)(a + off[9]);
			p->simg.pid_start = (uint64_t *)(void *)(a + off[9] +
				((sizeof(*img->pid_depth) * np + 7) & ~(size_t)7));
			if (np) {
				memcpy(p->simg.pid_depth, img->pid_depth,
				       sizeof(*img->pid_depth) * np);
				memcpy(p->simg.pid_start, img->pid_start,
				       sizeof(*img->pid_start) * np);
			}
			continue;
		}
		if (sz[k])
			memcpy(a + off[k], src[k], sz[k]);
		if (k < 8)
			free(*dst[k]);
		*dst[k] = a + off[k];
	}
	p->arena = a;
	p->arena_len = total ? total : 1;
	p->img = &p->simg;
	return 0;
}

static int plan_make(const struct ckpt_image *img, struct plan *p,
		     struct ctk_err *e)
{
	uint32_t n = img->nr_tasks, my_sid, my_pg;
	int rc;

	memset(p, 0, sizeof(*p));
	p->img = img;
	if (img->failed)
		return ctk_err_setx(e, EINVAL, "the image of a failed checkpoint "
				   "is never restored");
#if !defined(__x86_64__)
	for (uint32_t i = 0; i < n; i++)
		if (img->tasks[i].vpid != img->tasks[i].vtgid)
			return ctk_err_setx(e, ENOTSUP, "restoring threads is done "
					   "on x86_64 only");
#endif
	rc = plan_numbers(p, e);
	if (rc)
		return rc;
	p->t = calloc(n, sizeof(*p->t));
	p->g = calloc(2ull * n + 1, sizeof(*p->g));	/* at most 2 per task */
	p->task_of = malloc(sizeof(*p->task_of) * img->nr_pids);
	if (!p->t || !p->g || !p->task_of)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	for (uint32_t i = 0; i < img->nr_pids; i++)
		p->task_of[i] = -1;
	for (uint32_t i = 0; i < n; i++)
		p->task_of[img->tasks[i].vpid - img->offset] = i;
	/* the session and group a root inherits in this namespace, as tags */
	my_sid = tag_of_number(img, (uint32_t)getsid(0));
	my_pg = tag_of_number(img, (uint32_t)getpgid(0));
	plan_wants(p);
	for (uint32_t i = 0; i < n && !rc; i++)
		rc = plan_task(p, i, my_sid, my_pg, e);
	if (!rc)
		rc = plan_joins(p, e);
	if (!rc)
		rc = plan_join_order(p, e);
	if (!rc)
		rc = plan_order(p, e);
	return rc ? rc : plan_index(p, e);
}

int ctk_restore_check(const struct ckpt_image *img, struct ctk_err *e)
{
	struct plan p;
	int rc = plan_make(img, &p, e);

	plan_free(&p);
	return rc;
}

/* ---- the executors ------------------------------------------------------------ */

static long futex(uint32_t *addr, int op, uint32_t val,
		  const struct timespec *ts)
{
	return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* @cgroup_fd >= 0: born in that v2 container (CLONE_INTO_CGROUP) */
static pid_t clone_task_in(uint64_t flags, const pid_t *set_tid, size_t n,
			   int cgroup_fd)
{
	struct ctk_clone_args a = {
		.flags = flags | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)set_tid,
		.set_tid_size = n,
		.cgroup = cgroup_fd >= 0 ? (uint64_t)cgroup_fd : 0,
	};

	return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
}

static pid_t clone_task(uint64_t flags, const pid_t *set_tid, size_t n)
{
	return clone_task_in(flags, set_tid, n, -1);
}

#if defined(__x86_64__)
/*
 * A thread that only ever sleeps: clone3(CLONE_THREAD) returns twice, and
 * the new thread, on a stack of its own with no C frame, does nothing but
 * pause(2) in a loop, never touching memory.
 */
static long clone_sleeping_thread(struct ctk_clone_args *a)
{
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n"
			 "2:\n\t"
			 "mov $34, %%eax\n\t"	/* __NR_pause */
			 "syscall\n\t"
			 "jmp 2b\n"
			 "1:\n\t"
			 : "=a"(ret)
			 : "0"((long)SYS_clone3), "D"(a), "S"(sizeof(*a))
			 : "rcx", "r11", "memory");
	return ret;
}
#endif

/* set_tid wants the innermost level first */
static size_t set_tid_of(const struct ckpt_image *img, uint32_t tag,
			 pid_t *out)
{
	uint32_t d = 0;
	const uint32_t *num = ctk_ckpt_pid(img, tag, &d);

	for (uint32_t k = 0; k <= d; k++)
		out[k] = (pid_t)num[d - k];
	return d + 1;
}

static void executor(struct rctx *rc, uint32_t me) __attribute__((noreturn));

static int do_thread(struct rctx *rc, uint32_t t)
{
#if defined(__x86_64__)
	pid_t tids[CKPT_MAX_DEPTH + 1];
	size_t n = set_tid_of(rc->p->img, rc->p->img->tasks[t].vpid, tids);
	void *stack = mmap(NULL, 16384, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	struct ctk_clone_args a = {
		.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			 CLONE_THREAD | CLONE_SYSVSEM,
		.stack = (uintptr_t)stack,
		.stack_size = 16384,
		.set_tid = (uintptr_t)tids,
		.set_tid_size = n,
	};
	long r = stack == MAP_FAILED ? -ENOMEM : clone_sleeping_thread(&a);

	return r < 0 ? (int)r : 0;
#else
	return -ENOTSUP;
#endif
}

/*
 * A relay's numbers: in its forker's namespace and each one above it, a
 * number above every number of the image at that level (+ @try, after a
 * collision with a process of the restorer's own namespace).
 */
static size_t relay_tids(const struct plan *p, uint32_t forker, uint32_t try,
			 pid_t *out)
{
	uint32_t d = p->img->tasks[forker].depth;

	for (uint32_t k = 0; k <= d; k++)
		out[k] = (pid_t)(p->free_num[d - k] + try);
	return d + 1;
}

static int do_fork(struct rctx *rc, uint32_t child, bool ghost)
{
	const struct ckpt_image *img = rc->p->img;
	const struct pghost *g = ghost ? &rc->p->g[child - img->nr_tasks] :
				 NULL;
	pid_t tids[CKPT_MAX_DEPTH + 1], pid;
	bool newpid = !ghost && rc->p->t[child].newpid;
	uint32_t try = 0;
	size_t n;

	do {
		n = g && g->kind == G_RELAY ?
		    relay_tids(rc->p, g->forker, try, tids) :
		    set_tid_of(img, g ? g->tag : img->tasks[child].vpid, tids);
		pid = clone_task(newpid ? CLONE_NEWPID : 0, tids, n);
	} while (pid < 0 && errno == EEXIST && g && g->kind == G_RELAY &&
		 ++try < 64);
	if (pid == 0)
		executor(rc, child);
	if (pid < 0)
		return -errno;
	rc->slot[child].local_pid = pid;
	return 0;
}

/*
 * Before the last answer: nothing of the restorer's may outlive it here (its
 * stdout may be a pipe someone reads to the end, and an init can be
 * stopped by its creator right after answering).
 */
static void final_prepare(struct rctx *rc)
{
	sigset_t none;
	char buf[16];

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	if (rc->o->command) {
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		snprintf(buf, sizeof(buf), "%d", (int)getpid());
		setenv("CKPT_PID", buf, 1);
		snprintf(buf, sizeof(buf), "%d", (int)getpgid(0));
		setenv("CKPT_PGID", buf, 1);
		snprintf(buf, sizeof(buf), "%d", (int)getsid(0));
		setenv("CKPT_SID", buf, 1);
		if (fd >= 0)
			dup2(fd, 0);	/* the command keeps stdout, stderr */
		if (rc->restorer_fd > 3)
			syscall(SYS_close_range, 3, rc->restorer_fd - 1, 0);
		syscall(SYS_close_range, rc->restorer_fd >= 3 ?
			rc->restorer_fd + 1 : 3, ~0U, 0);
	}
	/* else done at birth (birth_prepare); the watch on the restorer
	 * goes at the commit (await_commit) */
}

/*
 * At birth, what a placeholder (no command) needs of its last step and
 * the restorer no longer does for it: no fd of the restorer's (its stdout
 * may be a pipe someone reads to the end), and its pid as /proc numbers
 * it. The shared memory is a mapping, not an fd: it stays.
 */
static void birth_prepare(struct rctx *rc, struct rslot *s)
{
	char self[24];
	ssize_t len = readlink("/proc/self", self, sizeof(self) - 1);

	self[len > 0 ? len : 0] = '\0';
	s->proc_pid = (int32_t)atoi(self);
	/* once, by the first of a line: those it makes have it at fork */
	if (!rc->o->command && !rc->fds_null) {
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* all but the watch on the restorer */
		if (rc->restorer_fd > 3)
			syscall(SYS_close_range, 3, rc->restorer_fd - 1, 0);
		syscall(SYS_close_range, rc->restorer_fd >= 3 ?
			rc->restorer_fd + 1 : 3, ~0U, 0);
		rc->fds_null = fd >= 0;
	}
}

/* Has the restorer gone (killed) while this task waits for it? */
static bool restorer_gone(const struct rctx *rc)
{
	struct pollfd pf = { .fd = rc->restorer_fd, .events = POLLIN };

	return rc->restorer_fd >= 0 && poll(&pf, 1, 0) > 0;
}

/*
 * The restorer is gone before the restore was done: this task goes too,
 * with the pid-namespace inits it made (stopped by it, they cannot see
 * this themselves; they are its children, so their pids are sure), and
 * the tasks its batches made that took their final state at birth.
 */
static void abandon(struct rctx *rc) __attribute__((noreturn));
static void abandon(struct rctx *rc)
{
	const struct plan *p = rc->p;

	for (uint32_t c = 0; c < p->img->nr_tasks; c++)
		if (!p->t[c].thread && p->t[c].creator == rc->me &&
		    rc->slot[c].local_pid > 0 &&
		    (p->t[c].newpid || born_final(rc, c)))
			kill(rc->slot[c].local_pid, SIGKILL);
	_exit(1);
}

/*
 * How long a waiting task sleeps between looks at the restorer: a quarter
 * second at first, doubling to 4 s while nothing comes. Each look is a
 * wake-up: 30,000 tasks that each woke four times a second kept both cores
 * of this machine busy through a restore (measured: 59 s for 30,000; see
 * bench/run), and a killed restorer is still noticed within seconds.
 */
#define IDLE_FIRST_MS	250
#define IDLE_MAX_MS	4000

static struct timespec idle_wait(uint32_t *ms)
{
	struct timespec q = { .tv_sec = *ms / 1000,
			      .tv_nsec = (long)(*ms % 1000) * 1000000 };

	if (*ms < IDLE_MAX_MS)
		*ms *= 2;
	return q;
}

/* Before its final state, each task waits for the restore to be done
 * (the restorer's commit): a restorer killed before that takes every task
 * with it (each watches it), and nothing half-made waits stopped. */
static void await_commit(struct rctx *rc)
{
	uint32_t *commit = &rc->slot[rc->nslots + 1].cmd;
	uint32_t ms = IDLE_FIRST_MS;

	while (!__atomic_load_n(commit, __ATOMIC_ACQUIRE)) {
		struct timespec q = idle_wait(&ms);

		/* gone: after its commit (it commits, then may exit at once,
		 * between this task's look at the commit and this one), or
		 * before it. Only before is abandoned: a task that saw the
		 * restorer gone and went, with the commit out, was a restored
		 * task lost (seen once in CI under load, zombie00 --subtree) */
		if (restorer_gone(rc) &&
		    !__atomic_load_n(commit, __ATOMIC_ACQUIRE))
			abandon(rc);
		futex(commit, FUTEX_WAIT, 0, &q);
	}
	if (rc->restorer_fd >= 0)
		close(rc->restorer_fd);
	rc->restorer_fd = -1;
}

/* An init ignores its own stop: the inits the restorer made are stopped
 * from outside their namespace. */
static void stop_root_inits(struct rctx *rc)
{
	const struct plan *p = rc->p;

	for (uint32_t i = 0; i < p->img->nr_tasks; i++)
		if (!p->t[i].thread && p->t[i].newpid &&
		    p->t[i].creator == RESTORER)
			kill(rc->slot[i].local_pid, SIGSTOP);
}

/*
 * Who stops the inits the restorer made: a child of the restorer's,
 * outside their namespaces, started before the commit. Once the commit is
 * out it stops them, even when the restorer was killed right after it
 * (the tree is done then: every other task stops itself); when the
 * restorer dies before the commit it stops nothing (every task goes).
 * 0 when the restorer made no init, -1 when it could not fork.
 */
static pid_t start_stopper(struct rctx *rc, const uint32_t *commit)
{
	const struct plan *p = rc->p;
	bool any = false;
	pid_t pid;

	for (uint32_t i = 0; i < p->img->nr_tasks; i++)
		any |= !p->t[i].thread && p->t[i].newpid &&
		       p->t[i].creator == RESTORER;
	if (!any)
		return 0;
	pid = fork();
	if (pid != 0)
		return pid;
	for (uint32_t ms = IDLE_FIRST_MS;
	     !__atomic_load_n(commit, __ATOMIC_ACQUIRE);) {
		struct timespec q = idle_wait(&ms);

		/* gone: the commit it made before, or none */
		if (restorer_gone(rc) &&
		    !__atomic_load_n(commit, __ATOMIC_ACQUIRE))
			_exit(0);
		futex((uint32_t *)commit, FUTEX_WAIT, 0, &q);
	}
	stop_root_inits(rc);
	_exit(0);
}

static void final_state(struct rctx *rc) __attribute__((noreturn));
static void final_state(struct rctx *rc)
{
	await_commit(rc);
	if (rc->o->command) {
		execvp(rc->o->command[0], rc->o->command);
		_exit(errno == ENOENT ? 127 : 126);
	}
	if (rc->o->stop) {
		/*
		 * A placeholder survives the kernel's rule for stopped members
		 * of a group that becomes orphaned (SIGHUP, then SIGCONT: when
		 * the restorer exits, say): it ignores SIGHUP. A command gets
		 * the dispositions it had (exec keeps an ignored signal).
		 */
		signal(SIGHUP, SIG_IGN);
		raise(SIGSTOP);	/* an init's own is ignored: see CMD_STOP */
	}
	for (;;)
		pause();
}

/* Is child @c one that the batch @cmd (@arg) in slot @me makes? */
static bool in_batch(const struct plan *p, uint32_t me, uint32_t cmd,
		     int32_t arg, uint32_t c)
{
	const struct ptask *ct = &p->t[c];

	if (cmd == CMD_THREADS)
		return ct->thread && ct->creator == me;
	if (ct->thread)
		return false;
	if (cmd == CMD_FORK_GHOSTED)
		return ct->ghost == (uint32_t)arg;
	return ct->creator == me && ct->ghost == NONE && ct->phase == (char)arg;
}

/* A batch: every child of one phase, of a helper, or every thread, in
 * image order, with no round trip; a task's own from its list, a
 * helper's by a scan. The child it stopped at is s->who. */
static int run_batch(struct rctx *rc, uint32_t me, uint32_t cmd)
{
	const struct plan *p = rc->p;
	struct rslot *s = &rc->slot[me];
	bool own = cmd != CMD_FORK_GHOSTED && me < p->img->nr_tasks;
	int err = 0;

	for (uint32_t c = own ? p->kid_first[me] : 0;
	     !err && c < p->img->nr_tasks; c = own ? p->kid_next[c] : c + 1) {
		if (!in_batch(p, me, cmd, s->arg, c))
			continue;
		err = cmd == CMD_THREADS ? do_thread(rc, c) :
		      do_fork(rc, c, false);
		if (err)
			s->who = (int32_t)c;
	}
	return err;
}

/* An init's pid_max, for its own namespace (the sysctl answers for the
 * writer's). */
static int write_pid_max(int32_t value)
{
	char num[16];
	int fd = open("/proc/sys/kernel/pid_max", O_WRONLY | O_CLOEXEC);
	int len = snprintf(num, sizeof(num), "%d", value);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, num, (size_t)len) != len)
		err = -errno;
	close(fd);
	return err;
}

static void report(struct rslot *s)
{
	s->rpid = (int32_t)getpid();
	s->rpgid = (int32_t)getpgid(0);
	s->rsid = (int32_t)getsid(0);
}

/* Do command @cmd of slot @me: 0 or -errno. */
static int run_command(struct rctx *rc, uint32_t me, uint32_t cmd)
{
	struct rslot *s = &rc->slot[me];

	switch (cmd) {
	case CMD_FORK:
	case CMD_FORK_GHOST:
		return do_fork(rc, (uint32_t)s->arg, cmd == CMD_FORK_GHOST);
	case CMD_SETSID:
		return setsid() < 0 ? -errno : 0;
	case CMD_SETPGID:
		return setpgid(0, s->arg) < 0 ? -errno : 0;
	case CMD_SUBREAPER:
		return prctl(PR_SET_CHILD_SUBREAPER, s->arg, 0, 0, 0) < 0 ?
		       -errno : 0;
	case CMD_REAP:
		return waitpid(rc->slot[s->arg].local_pid, NULL, 0) < 0 ?
		       -errno : 0;
	case CMD_THREAD:
		return do_thread(rc, (uint32_t)s->arg);
	case CMD_FORK_PHASE:
	case CMD_FORK_GHOSTED:
	case CMD_THREADS:
		return run_batch(rc, me, cmd);
	case CMD_PID_MAX:
		return write_pid_max(s->arg);
	case CMD_REPORT:
		report(s);
		return 0;
	case CMD_STOP:
		/* an init ignores a stop from inside its namespace: its
		 * creator, outside, stops it */
		return kill(rc->slot[s->arg].local_pid, SIGSTOP) < 0 ?
		       -errno : 0;
	case CMD_FINAL:
		/* the report rides along: one round trip less */
		report(s);
		final_prepare(rc);
		return 0;
	}
	return 0;	/* CMD_EXIT */
}

/* Answer in slot @me with @err: the broadcast's barrier is counted
 * before the answer itself (so that a command seen done has counted),
 * and the last answer wakes it. */
static void answer(struct rctx *rc, struct rslot *s, int err)
{
	struct rslot *bar = &rc->slot[rc->nslots];
	uint32_t now;

	s->err = err;
	__atomic_store_n(&s->cmd, CMD_NONE, __ATOMIC_RELEASE);
	now = __atomic_add_fetch(&bar->done, 1, __ATOMIC_ACQ_REL);
	if (now == (uint32_t)__atomic_load_n(&bar->arg, __ATOMIC_ACQUIRE))
		futex(&bar->done, FUTEX_WAKE, 1, NULL);
	__atomic_add_fetch(&s->done, 1, __ATOMIC_RELEASE);
	futex(&s->done, FUTEX_WAKE, INT_MAX, NULL);
}

/* A task born in its final state (a leaf with nothing left to do): its
 * one answer, with its report, not a broadcast's (no barrier count): the
 * restorer looks at its slot. */
static void answer_born(struct rctx *rc, uint32_t me, int birth_err)
	__attribute__((noreturn));
static void answer_born(struct rctx *rc, uint32_t me, int birth_err)
{
	struct rslot *s = &rc->slot[me];
	sigset_t none;

	report(s);
	/* final_prepare's, but for the subreaper flag: no fork passes it
	 * on, and no leaf is given it */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	s->err = birth_err;
	s->who = (int32_t)me;
	__atomic_add_fetch(&s->done, 1, __ATOMIC_RELEASE);
	futex(&s->done, FUTEX_WAKE, INT_MAX, NULL);
	final_state(rc);
}

/* A root: what it and its tree read is in the shared plan; its copy of
 * the restorer's image goes, and the heap is trimmed, so that its forks
 * (a thousand, or thirty thousand) copy few pages. It never returns to
 * the caller. */
static void drop_caller_image(struct rctx *rc)
{
	ctk_ckpt_free((struct ckpt_image *)rc->caller_img);
	rc->caller_img = NULL;
	malloc_trim(0);
}

/*
 * The life of every process the restore makes, from its birth in slot
 * @me: wait for a command, do it, answer, until CMD_EXIT (a helper) or
 * CMD_FINAL (a task, which then takes its final state).
 */
static void executor(struct rctx *rc, uint32_t me)
{
	const struct plan *p = rc->p;
	struct rslot *s = &rc->slot[me];
	bool task = me < p->img->nr_tasks;
	int birth_err = 0;

	rc->me = me;
	/* what it does before any command: its setsid, when nothing of its
	 * own must be forked before it (a batch of a thousand saves a
	 * thousand round trips) */
	if (task && (p->has[me] & H_BIRTH_SETSID) && setsid() < 0)
		birth_err = -errno;
	birth_prepare(rc, s);
	if (task && p->t[me].creator == RESTORER && rc->caller_img)
		drop_caller_image(rc);
	if (born_final(rc, me))
		answer_born(rc, me, birth_err);
	for (uint32_t ms = IDLE_FIRST_MS;;) {
		uint32_t cmd = __atomic_load_n(&s->cmd, __ATOMIC_ACQUIRE);
		int err;

		if (cmd == CMD_NONE) {
			struct timespec q = idle_wait(&ms);

			if (futex(&s->cmd, FUTEX_WAIT, CMD_NONE, &q) < 0 &&
			    errno == ETIMEDOUT && restorer_gone(rc))
				abandon(rc);
			continue;
		}
		ms = IDLE_FIRST_MS;
		err = run_command(rc, me, cmd);
		if (birth_err && !err) {
			err = birth_err;	/* said with its next answer */
			s->who = (int32_t)me;
			birth_err = 0;
		}
		answer(rc, s, err);
		if (cmd == CMD_EXIT)
			_exit(0);
		if (cmd == CMD_FINAL)
			final_state(rc);
	}
}

/* ---- the restorer ------------------------------------------------------------------ */

/* Has the user's --timeout passed? */
static bool past_deadline(const struct rctx *rc)
{
	struct timespec now;

	if (!rc->deadline.tv_sec && !rc->deadline.tv_nsec)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > rc->deadline.tv_sec ||
	       (now.tv_sec == rc->deadline.tv_sec &&
		now.tv_nsec >= rc->deadline.tv_nsec);
}

/* Is the process of slot @s (born: it said its pid) still there, not a
 * zombie? A slot not born yet is taken to be on its way. */
static bool slot_alive(const struct rslot *s)
{
	pid_t pid = __atomic_load_n(&s->proc_pid, __ATOMIC_ACQUIRE);
	struct ctk_proc_info pi;

	if (pid <= 0)
		return true;
	return ctk_proc_info(pid, &pi) == 0 && pi.state != 'Z' &&
	       pi.state != 'X';
}

/* A signal the caller holds (SIGINT, SIGTERM, SIGHUP, SIGQUIT) that came
 * meanwhile: it interrupts the restore, which is undone. 0 when none. */
static int held_signal(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	sigset_t pend;

	if (sigpending(&pend))
		return 0;
	for (size_t i = 0; i < CTK_ARRAY_SIZE(sigs); i++)
		if (sigismember(&pend, sigs[i]))
			return sigs[i];
	return 0;
}

/*
 * Wait until slot @s has answered past @seq: 0, -ETIMEDOUT when the user's
 * --timeout passed, -E_DIED when its process is gone without an answer,
 * -EINTR when a held signal came. No fixed time limit: a slow machine is
 * waited for (a fork of 30,000 children under load takes what it takes).
 */
static int wait_answer(struct rctx *rc, struct rslot *s, uint32_t seq)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 100000000 };

	for (;;) {
		uint32_t now = __atomic_load_n(&s->done, __ATOMIC_ACQUIRE);

		if (now != seq)
			return 0;
		if ((rc->interrupted = held_signal()))
			return -EINTR;
		if (past_deadline(rc))
			return -ETIMEDOUT;
		if (!slot_alive(s))	/* it may have answered, then gone */
			return __atomic_load_n(&s->done, __ATOMIC_ACQUIRE) !=
			       seq ? 0 : -E_DIED;
		futex(&s->done, FUTEX_WAIT, now, &ts);
	}
}

/* A task or helper that did not answer: who, and why. */
static int no_answer(const struct rctx *rc, struct ctk_err *e, uint32_t who,
		     int err)
{
	const struct ckpt_image *img = rc->p->img;
	bool task = who < img->nr_tasks;
	uint32_t tag = task ? img->tasks[who].vpid :
		       rc->p->g[who - img->nr_tasks].tag;
	unsigned pid = tag != NONE ? ctk_ckpt_pid(img, tag, NULL)[0] : 0;

	if (err == -EINTR)
		return ctk_err_setx(e, EINTR, "interrupted by SIG%s: what was "
				    "restored is undone",
				    rc->interrupted == SIGINT ? "INT" :
				    rc->interrupted == SIGTERM ? "TERM" :
				    rc->interrupted == SIGHUP ? "HUP" : "QUIT");
	return ctk_err_setx(e, -err, "%s %u (pid %u): %s", task ? "task" :
			    "helper", task ? who : who - img->nr_tasks, pid,
			    err == -ETIMEDOUT ? "no answer within --timeout" :
			    "gone before it answered (killed?)");
}

/* The last step of @who failed with @err. */
static int failed_step(const struct rctx *rc, struct ctk_err *e, uint32_t who,
		       int err)
{
	if (err == -ETIMEDOUT || err == -E_DIED || err == -EINTR)
		return no_answer(rc, e, who, err);
	return ctk_err_set(e, -err, "task %u: its last step", who);
}

/* Run @cmd in slot @who and wait for its answer: -errno of the command,
 * or wait_answer's. */
static int command(struct rctx *rc, uint32_t who, enum cmd cmd, int32_t arg)
{
	struct rslot *s = &rc->slot[who];
	uint32_t seq = __atomic_load_n(&s->done, __ATOMIC_ACQUIRE);
	int err;

	s->arg = arg;
	s->err = 0;
	__atomic_store_n(&s->cmd, cmd, __ATOMIC_RELEASE);
	futex(&s->cmd, FUTEX_WAKE, INT_MAX, NULL);
	err = wait_answer(rc, s, seq);
	return err ? err : s->err;
}

/* Send @cmd to every process of the image (but those @skip marks) at
 * once; wait for them all. */
static int broadcast(struct rctx *rc, enum cmd cmd, const bool *skip)
{
	const struct plan *p = rc->p;
	struct rslot *bar = &rc->slot[rc->nslots];
	uint32_t n = p->img->nr_tasks, *seq = calloc(n, sizeof(*seq));
	uint32_t start = __atomic_load_n(&bar->done, __ATOMIC_ACQUIRE), sent = 0;
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 100000000 };
	int err = 0;

	if (!seq)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		sent += !p->t[i].thread && !(skip && skip[i]);
	/* one wait for all: the task whose answer is the last wakes it */
	__atomic_store_n(&bar->arg, (int32_t)(start + sent), __ATOMIC_RELEASE);
	for (uint32_t i = 0; i < n; i++) {
		struct rslot *s = &rc->slot[i];

		if (p->t[i].thread || (skip && skip[i]))
			continue;
		seq[i] = __atomic_load_n(&s->done, __ATOMIC_ACQUIRE);
		s->arg = 0;
		s->err = 0;
		__atomic_store_n(&s->cmd, cmd, __ATOMIC_RELEASE);
		futex(&s->cmd, FUTEX_WAKE, INT_MAX, NULL);
	}
	for (uint32_t waited = 1;; waited++) {
		uint32_t now = __atomic_load_n(&bar->done, __ATOMIC_ACQUIRE);
		bool gone = false;

		if ((int32_t)(now - (start + sent)) >= 0 ||
		    past_deadline(rc) || held_signal())
			break;
		/* each second: is one that has not answered gone? The loop
		 * below says which */
		for (uint32_t i = 0; !(waited % 10) && i < n && !gone; i++)
			gone = !p->t[i].thread && !(skip && skip[i]) &&
			       __atomic_load_n(&rc->slot[i].done,
					       __ATOMIC_ACQUIRE) == seq[i] &&
			       !slot_alive(&rc->slot[i]);
		if (gone)
			break;
		futex(&bar->done, FUTEX_WAIT, now, &ts);
	}
	/* each answer: there by now, or about to be (its count came first) */
	for (uint32_t i = 0; i < n && !err; i++) {
		struct rslot *s = &rc->slot[i];

		if (p->t[i].thread || (skip && skip[i]))
			continue;
		err = wait_answer(rc, s, seq[i]);
		if (!err)
			err = s->err;
		else
			rc->silent = i;
	}
	free(seq);
	return err;
}

/* The tasks born final have answered once each, from birth: wait for the
 * last of them, and say a birth that failed. */
static int wait_born(struct rctx *rc, struct ctk_err *e)
{
	for (uint32_t i = 0; i < rc->p->img->nr_tasks; i++) {
		struct rslot *s = &rc->slot[i];
		int err;

		if (!born_final(rc, i))
			continue;
		err = wait_answer(rc, s, 0);
		if (err)
			return no_answer(rc, e, i, err);
		if (s->err)
			return ctk_err_set(e, -s->err, "task %u: setsid", i);
	}
	return 0;
}

/*
 * The restorer forks the roots itself (their creator is "RESTORER"), and
 * the helpers of roots: slot @slot, taking @tag's numbers.
 */
static int fork_slot(struct rctx *rc, uint32_t slot, uint32_t tag,
		     bool newpid)
{
	pid_t tids[CKPT_MAX_DEPTH + 1];
	size_t n = set_tid_of(rc->p->img, tag, tids);
	uint64_t flags = newpid ? CLONE_NEWPID : 0;
	bool born_in = rc->o->into && rc->o->into_fd >= 0 &&
		       rc->o->into->hier->type == CTK_HIER_V2;
	pid_t pid = -1;

	/*
	 * A v2 container takes it at birth: no move afterwards (a write of
	 * cgroup.procs waits for the kernel's RCU grace period, some
	 * milliseconds, and the task would live outside for that long). A
	 * kernel before 5.7 does not know the flag (EINVAL) or the longer
	 * arguments (E2BIG): the move, then.
	 */
	if (born_in) {
		pid = clone_task_in(flags, tids, n, rc->o->into_fd);
		if (pid < 0 && (errno == EINVAL || errno == E2BIG))
			born_in = false;
	}
	if (!born_in)
		pid = clone_task(flags, tids, n);
	if (pid == 0)
		executor(rc, slot);
	if (pid < 0)
		return -errno;
	rc->slot[slot].local_pid = pid;
	if (rc->o->into && !born_in) {
		char num[16];

		snprintf(num, sizeof(num), "%d", (int)pid);
		if (ctk_cfile_write(rc->o->into_fd, "cgroup.procs", num) < 0)
			return -EIO;
	}
	return 0;
}

static int fork_root(struct rctx *rc, uint32_t i)
{
	return fork_slot(rc, i, rc->p->img->tasks[i].vpid, rc->p->t[i].newpid);
}

/* Why creating task @who failed, naming its pids at every level. */
static const char *fork_failure(const struct ckpt_image *img, int32_t who,
				int err, char *buf, size_t size)
{
	uint32_t d = 0;
	const uint32_t *num = who >= 0 && (uint32_t)who < img->nr_tasks ?
		ctk_ckpt_pid(img, img->tasks[who].vpid, &d) : NULL;
	size_t o = 0;

	if (!num)
		return strerror(-err);
	o += (size_t)snprintf(buf, size, "pid ");
	for (uint32_t k = 0; k <= d && o < size; k++)
		o += (size_t)snprintf(buf + o, size - o, "%s%u", k ? "/" : "",
				      num[k]);
	if (o < size)
		snprintf(buf + o, size - o, " (levels 0 to %u, outer to inner): "
			 "%s", d, err == -EEXIST ? "taken" : strerror(-err));
	return buf;
}

/* Kill what was made: everything in this pid namespace (depth 0) by its
 * pid; deeper ones die with their namespace's init; then every other
 * descendant of the restorer (a child subreaper). Then reap. */
static void destroy(struct rctx *rc)
{
	const struct ckpt_image *img = rc->p->img;

	for (size_t k = 0; k < rc->nslots; k++) {
		/* local_pid is as its maker sees it: a number of the
		 * restorer's namespace only when the restorer made it, or
		 * (subtree images restored in this namespace) a task of
		 * level 0 did */
		uint32_t m = k < img->nr_tasks ? maker_of(rc->p, (uint32_t)k) :
			     rc->p->g[k - img->nr_tasks].forker;
		bool here = m == RESTORER ||
			    ((img->uflags & CKPT_UFLAG_SUBTREE) &&
			     !subtree_init(img) && img->tasks[m].depth == 0);

		if (rc->slot[k].local_pid > 0 && here)
			kill(rc->slot[k].local_pid, SIGKILL);
	}
	/* and what no slot names yet (a child forked a moment before):
	 * this restorer's descendants only, never the container's other
	 * tasks (--into a container that had some) */
	ctk_kill_descendants();
}

/* Each process's pid, pgrp and session, in its own namespace, as the
 * image says. */
static int check_reports(struct rctx *rc, struct ctk_err *e)
{
	const struct ckpt_image *img = rc->p->img;

	for (uint32_t i = 0; i < img->nr_tasks; i++) {
		const struct ckpt_task *c = &img->tasks[i];
		const struct rslot *s = &rc->slot[i];
		uint32_t want_pid = ctk_ckpt_pid(img, c->vpid, NULL)[c->depth];

		if (rc->p->t[i].thread)
			continue;
		if ((uint32_t)s->rpid != want_pid ||
		    (c->vpgid && (uint32_t)s->rpgid != (visible(img, c->vpgid,
		     c->depth) ? ctk_ckpt_pid(img, c->vpgid, NULL)[c->depth] :
		     0u)) ||
		    (c->vsid && (uint32_t)s->rsid != (visible(img, c->vsid,
		     c->depth) ? ctk_ckpt_pid(img, c->vsid, NULL)[c->depth] :
		     0u)))
			return ctk_err_setx(e, EIO, "task %u came out as pid %d, "
					   "pgrp %d, session %d", i, s->rpid,
					   s->rpgid, s->rsid);
	}
	return 0;
}

/*
 * Placeholders (no command): every process restored is alive now, not
 * exited (a zombie) nor gone. Each said at its final step which pid this
 * /proc gives it; a pidfd of it polls readable once it has exited. In
 * rounds, within the fd limit. Nothing is reported that a kernel rule has
 * already killed.
 */
static int check_alive(struct rctx *rc, struct ctk_err *e)
{
	const struct ckpt_image *img = rc->p->img;
	struct pollfd pf[256];
	size_t want = 0, dead = 0;
	uint32_t i = 0;

	while (i < img->nr_tasks) {
		nfds_t n = 0;

		for (; i < img->nr_tasks && n < CTK_ARRAY_SIZE(pf); i++) {
			int fd;

			if (rc->p->t[i].thread)
				continue;
			want++;
			fd = rc->slot[i].proc_pid > 0 ?
			     (int)syscall(SYS_pidfd_open, rc->slot[i].proc_pid,
					  0) : -1;
			if (fd < 0) {
				dead++;
				continue;
			}
			pf[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
		}
		if (n && poll(pf, n, 0) < 0)
			dead += n;	/* cannot tell: say so */
		for (nfds_t k = 0; k < n; k++) {
			dead += (pf[k].revents & (POLLIN | POLLHUP)) != 0;
			close(pf[k].fd);
		}
	}
	if (dead)
		return ctk_err_setx(e, ESRCH, "%zu of the %zu processes "
				   "restored are not alive", dead, want);
	return 0;
}

/*
 * ---- the protocol -------------------------------------------------------------
 *
 * The restorer drives the image's processes through these steps, in this
 * order, each a command to one slot and its answer (a step that fails ends
 * the restore, and ctk_restore undoes it):
 *   1. fork_roots: the restorer forks the image's roots;
 *   2. root_helpers: the helpers of roots whose session leader is gone;
 *   3. task_steps, task by task in the plan's order: its early setpgid, its
 *      setsid, its children (phases A and C), the helpers it forks, its
 *      threads;
 *   4. make_groups: group leaders, then each group's helper and members;
 *   5. join_groups: the members left, in an order that can be done;
 *   6. set_pid_max: each namespace's pid_max, now every number is taken;
 *   7. with a command, every task reports before any command starts.
 */

/* The failure @err of a step in slot @who, named @what (@whole: with
 * the errno's words already). */
static int step_failed(const struct rctx *rc, struct ctk_err *e, uint32_t who,
		       int err, const char *what, bool whole)
{
	if (err == -ETIMEDOUT || err == -E_DIED || err == -EINTR)
		return no_answer(rc, e, who, err);
	if (whole)
		return ctk_err_setx(e, -err, "%s", what);
	return ctk_err_set(e, -err, "%s", what);
}

/* One step: @cmd with @arg in slot @who, named by @fmt if it fails (a
 * helper's fork says when its pid is taken). */
static int step(struct rctx *rc, struct ctk_err *e, uint32_t who, enum cmd cmd,
		int32_t arg, const char *fmt, ...) CTK_ATTR_PRINTF(6, 7);
static int step(struct rctx *rc, struct ctk_err *e, uint32_t who, enum cmd cmd,
		int32_t arg, const char *fmt, ...)
{
	char what[128];
	va_list ap;
	int err = command(rc, who, cmd, arg);
	size_t len;

	if (!err)
		return 0;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	len = strlen(what);
	if (cmd == CMD_FORK_GHOST && err == -EEXIST)
		snprintf(what + len, sizeof(what) - len, ": its pid is taken");
	return step_failed(rc, e, who, err, what,
			   cmd == CMD_FORK_GHOST && err == -EEXIST);
}

/* A batch in slot @who (the children of a phase, of a helper, or the
 * threads): a failure names the task it stopped at by its pids. */
static int step_batch(struct rctx *rc, struct ctk_err *e, uint32_t who,
		      enum cmd cmd, int32_t arg)
{
	char why[160], what[200];
	int err = command(rc, who, cmd, arg);
	int32_t at = rc->slot[who].who;

	if (!err)
		return 0;
	snprintf(what, sizeof(what), "%s %d: %s", cmd == CMD_THREADS ?
		 "thread" : "task", at, fork_failure(rc->p->img, at, err, why,
						     sizeof(why)));
	return step_failed(rc, e, who, err, what, true);
}

/* 1. The roots, forked by the restorer itself. */
static int fork_roots(struct rctx *rc, struct ctk_err *e)
{
	const struct ckpt_image *img = rc->p->img;
	char why[160];

	for (uint32_t i = 0; i < img->nr_tasks; i++) {
		const struct ptask *pt = &rc->p->t[i];
		int err;

		if (pt->creator != RESTORER || pt->ghost != NONE)
			continue;
		err = fork_root(rc, i);
		if (err)
			return ctk_err_setx(e, -err, "task %u: %s", i,
					    fork_failure(img, (int32_t)i, err,
							 why, sizeof(why)));
	}
	return 0;
}

/* 2. The helpers of roots (a session whose leader is gone): each takes
 * the leader's pid, setsid, forks its roots and exits; they come back
 * here, a child subreaper. */
static int root_helpers(struct rctx *rc, struct ctk_err *e)
{
	const struct plan *p = rc->p;
	uint32_t n = p->img->nr_tasks;
	int err;

	for (uint32_t g = 0; g < p->ng; g++) {
		const struct pghost *h = &p->g[g];
		uint32_t gs = n + g;
		unsigned pidnum;

		if (h->forker != RESTORER)
			continue;	/* a task's (a relay has no pid) */
		pidnum = ctk_ckpt_pid(p->img, h->tag, NULL)[0];
		err = fork_slot(rc, gs, h->tag, false);
		if (err == -EEXIST)
			return ctk_err_setx(e, EEXIST, "helper %u: its pid is "
					    "taken", pidnum);
		if (err)
			return ctk_err_set(e, -err, "helper %u", pidnum);
		if ((err = step(rc, e, gs, CMD_SETSID, 0, "helper %u: setsid",
				pidnum)) ||
		    (err = step_batch(rc, e, gs, CMD_FORK_GHOSTED,
				      (int32_t)g)) ||
		    (err = step(rc, e, gs, CMD_EXIT, 0, "helper %u: exit",
				pidnum)))
			return err;
		waitpid(rc->slot[gs].local_pid, NULL, __WALL);
	}
	return 0;
}

/* 3, a helper that task @i forks (a session's or a group's whose leader
 * is gone), which forks tasks of its own and exits; @i reaps it. */
static int task_helper(struct rctx *rc, struct ctk_err *e, uint32_t i,
		       uint32_t g)
{
	const struct plan *p = rc->p;
	const struct pghost *h = &p->g[g];
	uint32_t gs = p->img->nr_tasks + g;
	unsigned pidnum = h->tag != NONE ?
		ctk_ckpt_pid(p->img, h->tag, NULL)[0] : 0;
	int err;

	if ((err = step(rc, e, h->reaper, CMD_SUBREAPER, 1,
			"task %u: subreaper", h->reaper)) ||
	    (err = step(rc, e, i, CMD_FORK_GHOST, (int32_t)gs,
			"helper %u of task %u", pidnum, i)))
		return err;
	if (h->kind == G_SESSION)
		err = step(rc, e, gs, CMD_SETSID, 0, "helper %u: setsid",
			   pidnum);
	else if (h->kind == G_GROUP_FORK)
		err = step(rc, e, gs, CMD_SETPGID, 0, "helper %u: setpgid",
			   pidnum);
	if (err ||
	    (err = step_batch(rc, e, gs, CMD_FORK_GHOSTED, (int32_t)g)) ||
	    (err = step(rc, e, gs, CMD_EXIT, 0, "helper %u: exit", pidnum)) ||
	    (err = step(rc, e, i, CMD_REAP, (int32_t)gs, "task %u: reap", i)))
		return err;
	return step(rc, e, h->reaper, CMD_SUBREAPER, 0, "task %u: subreaper",
		    h->reaper);
}

/* 3. Task @i: its early group, its session, its children, phase A before
 * the setsid and C after, the helpers it forks, its threads. */
static int task_steps(struct rctx *rc, struct ctk_err *e, uint32_t i)
{
	const struct plan *p = rc->p;
	const struct ptask *pt = &p->t[i];
	int err;

	if (pt->thread)
		return 0;
	if (pt->early_pg &&
	    (err = step(rc, e, i, CMD_SETPGID, 0, "task %u: setpgid", i)))
		return err;
	if ((p->has[i] & H_PHASE_A) &&
	    (err = step_batch(rc, e, i, CMD_FORK_PHASE, 'A')))
		return err;
	if (pt->setsid && !(p->has[i] & H_BIRTH_SETSID) &&
	    (err = step(rc, e, i, CMD_SETSID, 0, "task %u: setsid", i)))
		return err;
	if ((p->has[i] & H_PHASE_C) &&
	    (err = step_batch(rc, e, i, CMD_FORK_PHASE, 'C')))
		return err;
	for (uint32_t g = 0; g < p->ng; g++) {
		if (p->g[g].kind == G_GROUP || p->g[g].forker != i)
			continue;
		if ((err = task_helper(rc, e, i, g)))
			return err;
	}
	if (p->has[i] & H_THREADS)
		return step_batch(rc, e, i, CMD_THREADS, 0);
	return 0;
}

/* 4, the helper of group @g (whose leader is gone): it takes the
 * leader's pid, makes the group, the members join it, it exits. */
static int group_helper(struct rctx *rc, struct ctk_err *e, uint32_t g)
{
	struct plan *p = rc->p;
	const struct ckpt_image *img = p->img;
	uint32_t gs = img->nr_tasks + g, tag = p->g[g].tag;
	int err;

	if ((err = step(rc, e, p->g[g].forker, CMD_FORK_GHOST, (int32_t)gs,
			"helper for group %u",
			ctk_ckpt_pid(img, tag, NULL)[0])) ||
	    (err = step(rc, e, gs, CMD_SETPGID, 0, "helper %u: setpgid", tag)))
		return err;
	for (uint32_t i = 0; i < img->nr_tasks; i++) {
		const struct ckpt_task *c = &img->tasks[i];

		if (!p->t[i].join || c->vpgid != tag)
			continue;
		if ((err = step(rc, e, i, CMD_SETPGID, (int32_t)ctk_ckpt_pid(img,
				tag, NULL)[c->depth], "task %u: setpgid", i)))
			return err;
		p->t[i].join = false;
	}
	if ((err = step(rc, e, gs, CMD_EXIT, 0, "helper %u: exit", tag)))
		return err;
	return step(rc, e, p->g[g].forker, CMD_REAP, (int32_t)gs,
		    "reap helper %u", tag);
}

/* 4. Groups: leaders first (one that moved on later too), then the
 * helpers of groups whose leader is gone, with their members. */
static int make_groups(struct rctx *rc, struct ctk_err *e)
{
	const struct plan *p = rc->p;
	int err;

	for (uint32_t i = 0; i < p->img->nr_tasks; i++)
		if (p->t[i].makes_group &&
		    (err = step(rc, e, i, CMD_SETPGID, 0, "task %u: setpgid",
				i)))
			return err;
	for (uint32_t g = 0; g < p->ng; g++)
		if (p->g[g].kind == G_GROUP && (err = group_helper(rc, e, g)))
			return err;
	return 0;
}

/* 5. The members left, in the order the plan found can be done. */
static int join_groups(struct rctx *rc, struct ctk_err *e)
{
	const struct plan *p = rc->p;
	const struct ckpt_image *img = p->img;
	int err;

	for (uint32_t k = 0; k < p->nj; k++) {
		uint32_t i = p->joins[k];
		const struct ckpt_task *c = &img->tasks[i];

		if (!p->t[i].join || c->vpgid == c->vpid)
			continue;
		if ((err = step(rc, e, i, CMD_SETPGID, (int32_t)ctk_ckpt_pid(img,
				c->vpgid, NULL)[c->depth], "task %u: setpgid",
				i)))
			return err;
	}
	return 0;
}

/* 6. The namespaces' pid_max, now that every number is taken (a pid_max
 * may be below numbers that were given before it was set). */
static int set_pid_max(struct rctx *rc, struct ctk_err *e)
{
	const struct plan *p = rc->p;
	int err;

	for (uint32_t i = 0; i < p->img->nr_tasks; i++)
		if (p->t[i].pid_max &&
		    (err = step(rc, e, i, CMD_PID_MAX,
				(int32_t)p->t[i].pid_max, "task %u: its "
				"namespace's pid_max %u", i,
				p->t[i].pid_max)))
			return err;
	return 0;
}

/* 7. With a command, check before any command starts (else the report
 * comes with the final step). */
static int report_first(struct rctx *rc, struct ctk_err *e)
{
	int err = broadcast(rc, CMD_REPORT, NULL);

	if (err == -ETIMEDOUT || err == -E_DIED || err == -EINTR)
		return no_answer(rc, e, rc->silent, err);
	if (err)
		return ctk_err_set(e, -err, "a task does not report");
	return check_reports(rc, e);
}

static int drive(struct rctx *rc, struct ctk_err *e)
{
	const struct plan *p = rc->p;
	int err;

	if ((err = fork_roots(rc, e)) || (err = root_helpers(rc, e)))
		return err;
	for (uint32_t k = 0; k < p->img->nr_tasks; k++)
		if ((err = task_steps(rc, e, p->order[k])))
			return err;
	if ((err = make_groups(rc, e)) || (err = join_groups(rc, e)) ||
	    (err = set_pid_max(rc, e)))
		return err;
	return rc->o->command ? report_first(rc, e) : 0;
}

/* A subtree image lives in this pid namespace: the pids it will take
 * (tasks and helpers) must be free; a relay has no pid of the image (it
 * takes a free one). A taken pid is named, and the zombie holding it. */
static int pids_free(const struct plan *p, struct ctk_err *e)
{
	const struct ckpt_image *img = p->img;

	if (!(img->uflags & CKPT_UFLAG_SUBTREE) || subtree_init(img))
		return 0;
	for (uint32_t i = 0; i < img->nr_tasks + p->ng; i++) {
		uint32_t tag = i < img->nr_tasks ? img->tasks[i].vpid :
			       p->g[i - img->nr_tasks].tag;
		const uint32_t *nums = tag != NONE ?
			ctk_ckpt_pid(img, tag, NULL) : NULL;
		struct ctk_proc_info pi;

		if (!nums || (kill((pid_t)nums[0], 0) < 0 && errno != EPERM))
			continue;
		if (!ctk_proc_info((pid_t)nums[0], &pi) && pi.state == 'Z')
			return ctk_err_setx(e, EEXIST, "pid %u (level 0) is "
					    "taken by an unreaped zombie of "
					    "process %d", nums[0], (int)pi.ppid);
		return ctk_err_setx(e, EEXIST, "pid %u (level 0) is taken",
				    nums[0]);
	}
	return 0;
}

static void set_deadline(struct rctx *rc, int timeout_ms)
{
	if (timeout_ms <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &rc->deadline);
	rc->deadline.tv_sec += timeout_ms / 1000;
	rc->deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (rc->deadline.tv_nsec >= 1000000000L) {
		rc->deadline.tv_sec++;
		rc->deadline.tv_nsec -= 1000000000L;
	}
}

/* The last command of task @i, CMD_FINAL. */
static int final_one(struct rctx *rc, struct ctk_err *e, uint32_t i)
{
	int err = command(rc, i, CMD_FINAL, 0);

	return err ? failed_step(rc, e, i, err) : 0;
}

/*
 * Every task to its final state. With a command: deepest first, one at a
 * time (an init whose command exits takes its namespace with it). Else all
 * at once, but for the creators of namespace inits (@creates): an init
 * ignores its own stop, so its creator, outside, stops it before taking
 * its own last command, deepest first.
 */
static int final_steps(struct rctx *rc, bool *creates, bool *skip,
		       struct ctk_err *e)
{
	const struct plan *p = rc->p;
	uint32_t n = p->img->nr_tasks;
	int err = 0;

	for (uint32_t i = 0; i < n; i++)
		if (rc->o->stop && !p->t[i].thread && p->t[i].newpid &&
		    p->t[i].creator != RESTORER)
			creates[p->t[i].creator] = true;
	for (uint32_t i = 0; i < n; i++)
		skip[i] = creates[i] || born_final(rc, i);
	if (rc->o->command) {
		for (uint32_t i = n; i-- > 0 && !err;)
			if (!p->t[i].thread)
				err = final_one(rc, e, i);
	} else if ((err = broadcast(rc, CMD_FINAL, skip))) {
		err = failed_step(rc, e, rc->silent, err);
	} else {
		err = wait_born(rc, e);
	}
	for (uint32_t i = n; i-- > 0 && !err;) {
		if (!creates[i])
			continue;
		for (uint32_t c = i + 1; c < n && !err; c++)
			if (!p->t[c].thread && p->t[c].newpid &&
			    p->t[c].creator == i &&
			    command(rc, i, CMD_STOP, (int32_t)c))
				err = ctk_err_setx(e, EIO, "task %u cannot be "
						   "stopped", c);
		if (!err)
			err = final_one(rc, e, i);
	}
	if (!err && !rc->o->command)
		err = check_reports(rc, e);
	if (!err && !rc->o->command)
		err = check_alive(rc, e);
	return err;
}

/* Done: every task takes its final state now (stopped, with --stop). */
static void commit(struct rctx *rc)
{
	uint32_t *flag = &rc->slot[rc->nslots + 1].cmd;
	pid_t stopper = rc->o->stop ? start_stopper(rc, flag) : 0;

	__atomic_store_n(flag, 1, __ATOMIC_RELEASE);
	futex(flag, FUTEX_WAKE, INT_MAX, NULL);
	if (stopper > 0)
		while (waitpid(stopper, NULL, 0) < 0 && errno == EINTR)
			;
	else if (stopper < 0)	/* no fork: the restorer does it */
		stop_root_inits(rc);
}

/* The restore, once planned, with the slots mapped: drive, finish,
 * commit; or undo. */
static int run_restore(struct rctx *rc, struct ctk_err *e)
{
	uint32_t n = rc->p->img->nr_tasks;
	bool *creates = calloc(n, sizeof(*creates));
	bool *skip = calloc(n, sizeof(*skip));
	int was_subreaper, err;

	if (!creates || !skip) {
		free(creates);
		free(skip);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	set_deadline(rc, rc->o->timeout_ms);
	/* every task watches the restorer until the commit */
	rc->restorer_fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	/* orphans of helpers and of a failed restore come back here */
	if (prctl(PR_GET_CHILD_SUBREAPER, &was_subreaper, 0, 0, 0))
		was_subreaper = 0;
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	err = drive(rc, e);
	if (!err)
		err = final_steps(rc, creates, skip, e);
	if (!err)
		commit(rc);
	else
		destroy(rc);
	if (!was_subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	if (rc->restorer_fd >= 0)
		close(rc->restorer_fd);
	free(creates);
	free(skip);
	return err;
}

int ctk_restore(const struct ckpt_image *img,
		const struct ctk_restore_opts *o, pid_t **roots, size_t *nroots,
		struct ctk_err *e)
{
	struct plan p;
	struct rctx rc = { .p = &p, .o = o, .caller_img = img,
			   .restorer_fd = -1 };
	size_t bytes;
	int err = plan_make(img, &p, e);

	*roots = NULL;
	*nroots = 0;
	/* a restore's only (not dump's check of the plan): it probes a
	 * new pid namespace */
	if (!err)
		plan_pid_max(&p);
	if (!err && plan_share(&p))
		err = ctk_err_setx(e, ENOMEM, "out of memory");
	if (!err)
		err = pids_free(&p, e);
	/* the answer's room first: nothing forks that could not be told */
	if (!err && !(*roots = calloc(img->nr_tasks, sizeof(**roots))))
		err = ctk_err_setx(e, ENOMEM, "out of memory");
	if (err) {
		plan_free(&p);
		return err;
	}
	rc.nslots = img->nr_tasks + p.ng;
	/* two slots more: the broadcast's barrier, the commit */
	bytes = sizeof(*rc.slot) * (rc.nslots + 2);
	rc.slot = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rc.slot == MAP_FAILED)
		err = ctk_err_setx(e, ENOMEM, "out of memory");
	else
		err = run_restore(&rc, e);
	if (err) {
		free(*roots);
		*roots = NULL;
	} else {
		for (uint32_t i = 0; i < img->nr_tasks; i++)
			if (p.t[i].creator == RESTORER)
				(*roots)[(*nroots)++] = rc.slot[i].local_pid;
	}
	if (rc.slot != MAP_FAILED)
		munmap(rc.slot, bytes);
	plan_free(&p);
	return err;
}
