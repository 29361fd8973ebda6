/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctk-shape [-s] FILE: build the process tree a shape file describes, on the
 * real kernel, for cckpt's round trips (tests/cckpt-shapes/).
 *
 * A shape file has one line per process (after '#' comments), as CRIU's
 * zdtm session01 describes its tree:
 *
 *   PID PPID SID BORN_SID PGID ALIVE [FLAGS]
 *
 * PID names the process (unique in the file; 1 is the top, which the
 * helper makes: it leads a session and reaps nothing but what the file
 * says). PPID is the process that forks it; SID the session it ends in;
 * BORN_SID the session it is born in (a parent forks the children born in
 * its old session before its setsid(), the others after); PGID the group
 * it ends in; ALIVE 0 for a process that exits once every group is made
 * (its parent reaps it; its children go to the top or a subreaper).
 * FLAGS: n (it starts a pid namespace, as the init of it), s (a child
 * subreaper), t (it has a second thread), z (it exits and stays a zombie),
 * g (it makes the group it leads before it forks, as a job-control shell's
 * child; else after). SID, BORN_SID and PGID name processes of the file.
 *
 * Without -s, the top is the init of a new pid namespace and every process
 * takes its PID there (clone3 set_tid); ns inits take PID in their
 * parent's namespace and 1 in their own. The numbers that the tasks (and
 * threads) of a nested namespace have in the namespaces above are the
 * kernel's, the next free ones: a file leaves them room. With -s (a subtree), the top is a
 * child subreaper in this namespace and numbers are the kernel's, but in
 * the namespaces a shape starts.
 *
 * Each process checks that it has the session and group the file says.
 * Prints "OUTER TOP" (its own pid and the top's, as seen here) once the
 * tree is built, then waits; the tree lives until it is killed. Exit 1 and
 * a message when the kernel would not make the shape, 2 for a bad file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXROWS 256

enum { C_NONE, C_JOIN, C_EXIT, C_REAP, C_CHECK };

struct row {
	int pid, ppid, sid, born, pgid, alive;
	bool ns, subreaper, thread, zombie, early;
	/* shared, filled by the processes */
	int self;	/* its pid in its own namespace (1 for an ns init) */
	int kid;	/* its pid in its parent's namespace */
	int nsid;	/* the row whose namespace it lives in (0: the top's) */
	uint32_t built, cmd, arg, ack;
	int err;
};

struct shape {
	int n;
	bool subtree;
	struct row r[MAXROWS];
};

static struct shape *S;

static long futex(uint32_t *w, int op, uint32_t v)
{
	return syscall(SYS_futex, w, op, v, NULL, NULL, 0);
}

static void post(uint32_t *w, uint32_t v)
{
	__atomic_store_n(w, v, __ATOMIC_SEQ_CST);
	futex(w, FUTEX_WAKE, INT32_MAX);
}

static uint32_t await_change(uint32_t *w, uint32_t old)
{
	uint32_t v;

	while ((v = __atomic_load_n(w, __ATOMIC_SEQ_CST)) == old)
		futex(w, FUTEX_WAIT, old);
	return v;
}

/*
 * Wait for process @kid (a child of the caller) to say it is built: if it
 * ends first, say how and exit, rather than wait for ever (the harness
 * would only see that the generator never printed its pids).
 */
static void await_built(int row, pid_t kid)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	uint32_t *w = &S->r[row].built;

	while (!__atomic_load_n(w, __ATOMIC_SEQ_CST)) {
		int st;

		syscall(SYS_futex, w, FUTEX_WAIT, 0, &tick, NULL, 0);
		if (!__atomic_load_n(w, __ATOMIC_SEQ_CST) &&
		    waitpid(kid, &st, WNOHANG | __WALL) == kid) {
			fprintf(stderr, "ctk-shape: process %d (pid %d) ended "
				"before it was built: %s %d\n", S->r[row].pid,
				(int)kid, WIFSIGNALED(st) ? "signal" :
				"status", WIFSIGNALED(st) ? WTERMSIG(st) :
				WEXITSTATUS(st));
			_exit(1);
		}
	}
}

static int row_of(int pid)
{
	for (int i = 0; i < S->n; i++)
		if (S->r[i].pid == pid)
			return i;
	return -1;
}

static void *sleeper(void *a)
{
	(void)a;
	for (;;)
		pause();
	return NULL;
}

struct clone_args_ {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		 stack_size, tls, set_tid, set_tid_size, cgroup;
};

static void node(int me) __attribute__((noreturn));

/* Fork row @c from this process, and wait until its part is built. */
static void spawn(int c)
{
	struct row *k = &S->r[c];
	struct clone_args_ a = { .exit_signal = SIGCHLD };
	pid_t tid[2];
	/* numbers are set where the shape made the namespace */
	bool outer = !S->subtree || S->r[row_of(k->ppid)].nsid != 0;
	pid_t pid;

	if (k->ns) {
		a.flags = CLONE_NEWPID;
		tid[0] = 1;
		tid[1] = k->pid;
		a.set_tid = (uintptr_t)tid;
		a.set_tid_size = outer ? 2 : 1;
	} else if (outer) {
		tid[0] = k->pid;
		a.set_tid = (uintptr_t)tid;
		a.set_tid_size = 1;
	}
	pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
	if (pid < 0) {
		fprintf(stderr, "ctk-shape: process %d: clone3: %s\n", k->pid,
			strerror(errno));
		_exit(1);
	}
	if (pid == 0)
		node(c);
	k->kid = pid;
	await_built(c, pid);
}

/* The pid, in the namespace of row @me, of the row named @pid; 0 when it
 * is not visible there. */
static int here(int me, int pid)
{
	int r = row_of(pid), x = S->r[me].nsid;

	if (r < 0)
		return 0;
	if (S->r[r].nsid == x)
		return S->r[r].self;	/* an init's own namespace: 1 */
	if (S->r[r].ns && S->r[row_of(S->r[r].ppid)].nsid == x)
		return S->r[r].kid;
	return 0;
}

static void fail(int me, const char *what)
{
	S->r[me].err = errno ? errno : EINVAL;
	fprintf(stderr, "ctk-shape: process %d: %s: %s\n", S->r[me].pid, what,
		strerror(S->r[me].err));
}

/* The namespace whose numbers name row @r's group and session: an init's
 * are its parent's. */
static int gns(int r)
{
	return S->r[r].ns ? S->r[row_of(S->r[r].ppid)].nsid : S->r[r].nsid;
}

/* Does some other process of row @me's namespace end in its group? */
static bool leads(int me)
{
	for (int k = 0; k < S->n; k++)
		if (k != me && S->r[k].pgid == S->r[me].pid &&
		    gns(k) == S->r[me].nsid)
			return true;
	return false;
}

/* Is some process, but row @but, in group @pg now (the driver's view)? */
static bool members(int pg, int but)
{
	int l = row_of(pg);

	for (int k = 0; k < S->n; k++) {
		const struct row *o = &S->r[k];

		if (k == but || gns(k) != S->r[l].nsid)
			continue;
		if (k == l ? !o->cmd || o->pgid == pg :
			     o->pgid == pg && (o->cmd || !leads(k)))
			return true;
	}
	return false;
}

static void node(int me)
{
	struct row *t = &S->r[me];
	bool own = leads(me) && getsid(0) != getpid();

	t->self = getpid();
	if (t->subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (own && t->early && setpgid(0, 0) < 0)
		fail(me, "setpgid (its own group, first)");
	for (int c = 0; c < S->n; c++)
		if (c != me && S->r[c].ppid == t->pid && S->r[c].born != t->pid)
			spawn(c);
	if ((t->sid == t->pid || me == 0) && getsid(0) != getpid() &&
	    setsid() < 0)
		fail(me, "setsid");
	for (int c = 0; c < S->n; c++)
		if (c != me && S->r[c].ppid == t->pid && S->r[c].born == t->pid)
			spawn(c);
	if (own && getpgid(0) != getpid() && getsid(0) != getpid() &&
	    setpgid(0, 0) < 0)
		fail(me, "setpgid (its own group)");
	if (t->thread) {
		pthread_t th;

		pthread_create(&th, NULL, sleeper, NULL);
	}
	post(&t->built, 1);
	for (uint32_t seen = 0;;) {
		uint32_t cmd = await_change(&t->cmd, seen);
		int want;

		seen = cmd;
		errno = 0;
		switch (cmd & 0xff) {
		case C_JOIN:
			if (setpgid(0, here(me, t->pgid)) < 0)
				fail(me, "setpgid");
			break;
		case C_EXIT:
			_exit(0);
		case C_REAP:
			if (waitpid((pid_t)t->arg, NULL, 0) < 0)
				fail(me, "waitpid");
			break;
		case C_CHECK:
			want = here(me, t->sid);
			if (getsid(0) != want) {
				fprintf(stderr, "ctk-shape: process %d: session "
					"%d, not %d\n", t->pid, getsid(0), want);
				t->err = EINVAL;
			}
			want = here(me, t->pgid);
			if (getpgid(0) != want) {
				fprintf(stderr, "ctk-shape: process %d: group "
					"%d, not %d\n", t->pid, getpgid(0), want);
				t->err = EINVAL;
			}
			break;
		}
		post(&t->ack, cmd);
	}
}

/* Send command @cmd to row @r and wait for its answer. */
static int tell(int r, uint32_t cmd, uint32_t arg)
{
	static uint32_t serial;
	uint32_t word = (++serial << 8) | cmd;

	S->r[r].arg = arg;
	post(&S->r[r].cmd, word);
	if (cmd == C_EXIT)
		return 0;
	while (__atomic_load_n(&S->r[r].ack, __ATOMIC_SEQ_CST) != word)
		futex(&S->r[r].ack, FUTEX_WAIT,
		      __atomic_load_n(&S->r[r].ack, __ATOMIC_SEQ_CST));
	return S->r[r].err ? -1 : 0;
}

static int parse(FILE *f, const char *name)
{
	char line[256];
	int ln = 0;
	struct row *top = &S->r[0];

	top->pid = top->sid = top->born = top->pgid = 1;
	top->alive = 1;
	S->n = 1;
	while (fgets(line, sizeof(line), f)) {
		char flags[16] = "";
		struct row *t;
		int got;

		ln++;
		if (line[strspn(line, " \t")] == '#' ||
		    line[strspn(line, " \t\n")] == '\0')
			continue;
		if (S->n == MAXROWS)
			goto bad;
		t = &S->r[S->n];
		got = sscanf(line, "%d %d %d %d %d %d %15s", &t->pid, &t->ppid,
			     &t->sid, &t->born, &t->pgid, &t->alive, flags);
		if (got < 6 || t->pid < 2 || row_of(t->pid) >= 0 ||
		    row_of(t->ppid) < 0)
			goto bad;
		if (row_of(t->born) < 0)
			goto bad;
		t->ns = strchr(flags, 'n');
		t->subreaper = strchr(flags, 's');
		t->thread = strchr(flags, 't');
		t->zombie = strchr(flags, 'z');
		t->early = strchr(flags, 'g');
		t->nsid = t->ns ? S->n : S->r[row_of(t->ppid)].nsid;
		S->n++;
	}
	/* a session or group may be named before its leader's line */
	for (int i = 1; i < S->n; i++)
		if (row_of(S->r[i].sid) < 0 || row_of(S->r[i].pgid) < 0) {
			fprintf(stderr, "ctk-shape: %s: process %d: its session "
				"or group names no process\n", name,
				S->r[i].pid);
			return -1;
		}
	return 0;
bad:
	fprintf(stderr, "ctk-shape: %s:%d: not a process line (PID PPID SID "
		"BORN_SID PGID ALIVE [FLAGS], PPID and BORN_SID named before)\n",
		name, ln);
	return -1;
}

int main(int argc, char **argv)
{
	bool subtree = argc > 1 && !strcmp(argv[1], "-s");
	const char *file = argv[1 + subtree];
	FILE *f;
	int rc = 0;

	if (argc != 2 + subtree) {
		fprintf(stderr, "usage: ctk-shape [-s] FILE\n");
		return 2;
	}
	S = mmap(NULL, sizeof(*S), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	f = fopen(file, "r");
	if (S == MAP_FAILED || !f) {
		fprintf(stderr, "ctk-shape: %s: %s\n", file, strerror(errno));
		return 2;
	}
	S->subtree = subtree;
	if (parse(f, file))
		return 2;
	fclose(f);
	{
		struct clone_args_ a = { .exit_signal = SIGCHLD };
		pid_t top;

		if (!subtree)
			a.flags = CLONE_NEWPID;
		top = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
		if (top < 0) {
			perror("ctk-shape: clone3");
			return 1;
		}
		if (top == 0) {
			if (subtree)
				prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
			node(0);
		}
		S->r[0].kid = top;
		await_built(0, top);
	}
	/*
	 * The groups. First every process that is not a leader joins its
	 * group, while the group's leader is still in it; then the leaders
	 * that moved on (they made a group of their own first) join theirs,
	 * each once its group has a member and its own group has another.
	 */
	for (int i = 1; i < S->n && !rc; i++) {
		struct row *t = &S->r[i];

		if (t->pgid != t->pid && !leads(i) && here(i, t->pgid))
			rc = tell(i, C_JOIN, 0);
	}
	for (bool more = true; more && !rc;) {
		bool progress = false;

		more = false;
		for (int i = 1; i < S->n && !rc; i++) {
			struct row *t = &S->r[i];

			if (t->pgid == t->pid || !leads(i) || t->cmd ||
			    !here(i, t->pgid))
				continue;
			if (!members(t->pgid, -1) || !members(t->pid, i)) {
				more = true;
				continue;
			}
			rc = tell(i, C_JOIN, 0);
			progress = true;
		}
		if (more && !progress && !rc) {
			fprintf(stderr, "ctk-shape: groups that hold each "
				"other\n");
			rc = 1;
		}
	}
	/* the dead, children first: each reaped by its parent, but zombies */
	for (int i = S->n - 1; i > 0 && !rc; i--) {
		const struct row *t = &S->r[i];
		int pr = row_of(t->ppid);

		if (t->alive)
			continue;
		tell(i, C_EXIT, 0);
		if (!t->zombie)
			rc = tell(pr, C_REAP, (uint32_t)t->kid);
	}
	for (int i = 0; i < S->n && !rc; i++)
		if (S->r[i].alive)
			rc = tell(i, C_CHECK, 0);
	if (rc) {
		kill(S->r[0].kid, SIGKILL);
		return 1;
	}
	printf("%d %d\n", (int)getpid(), (int)S->r[0].kid);
	fflush(stdout);
	for (;;)
		pause();
}
