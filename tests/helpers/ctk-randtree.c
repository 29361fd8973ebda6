/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctk-randtree SEED [MAX_TASKS]: build a random process tree on the real
 * kernel, the same for the same seed, for cckpt's round-trip property test.
 *
 * It forks the init of a new pid namespace, which leads a session of its
 * own, and from there every process, at random (xorshift64 from SEED):
 * forks children; starts nested pid namespaces (up to 4 levels); leads a
 * session or a group, or joins a sibling's group; double forks (the
 * grandchild ends under a subreaper or the namespace's init); becomes a
 * child subreaper; forks a session or group leader that exits after its
 * children (leaderless sessions and groups); calls setsid after it forked
 * children that stay in its old session (CRIU's session00); leaves a zombie,
 * or a zombie namespace (its init exited, never waited for); takes sparse
 * pids (clone3 set_tid) in the namespaces it starts; starts threads; rarely,
 * enters a namespace it started with setns and forks there, as nsenter
 * does (a tree restore cannot make: dump must refuse it and say why).
 * Each process reports on a pipe once its part of the tree is built.
 *
 * Prints "OUTER INIT ENTERED" (its own pid and the init's, as seen here, and
 * how many tasks entered a namespace with setns) when the whole tree is
 * built, then waits; the tree lives until it is killed.
 */
#define _GNU_SOURCE
#include <errno.h>
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

struct clone_args_ {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		 stack_size, tls, set_tid, set_tid_size, cgroup;
};

static uint64_t rng;
static int *budget;	/* shared: processes left to make */
static int *entered;	/* shared: tasks that entered a namespace by setns */

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static bool take(void)
{
	return __atomic_sub_fetch(budget, 1, __ATOMIC_RELAXED) >= 0;
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void ready(int fd)
{
	char c = 1;

	if (fd >= 0 && write(fd, &c, 1) != 1)
		_exit(3);
	if (fd >= 0)
		close(fd);
}

static void wait_ready(int fd)
{
	char c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
	close(fd);
}

/*
 * fork, or clone3 with a random pid in the namespace @newns starts
 * (pid 1 there) or, inside a namespace (@inner), a random sparse pid.
 */
static pid_t spawn(bool newns, bool inner)
{
	struct clone_args_ a = { .exit_signal = SIGCHLD };
	pid_t tid[1];

	if (newns) {
		a.flags = CLONE_NEWPID;
		return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
	}
	if (inner && rnd(3) == 0) {
		for (int tries = 0; tries < 8; tries++) {
			pid_t pid;

			tid[0] = (pid_t)(2 + rnd(3000));
			a.set_tid = (uintptr_t)tid;
			a.set_tid_size = 1;
			pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
			if (pid >= 0 || errno != EEXIST)
				return pid;
		}
	}
	return fork();
}

static void node(int depth, int nsdepth, int readyfd, pid_t *groups,
		 int ngroups) __attribute__((noreturn));

/* A child of this process: its own rng stream, then its part of the tree. */
static pid_t child(int depth, int nsdepth, bool newns, pid_t *groups,
		   int ngroups, int how)
{
	int p[2];
	pid_t pid;
	uint64_t seed = rng * 0x9e3779b97f4a7c15ull + (uint64_t)how + 1;

	if (!take() || pipe(p) < 0)
		return -1;
	rnd(2);
	pid = spawn(newns, true);
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		rng = seed | 1;
		if (newns) {
			setsid();	/* an init leads its own, mostly */
			node(depth + 1, nsdepth + 1, p[1], NULL, 0);
		}
		switch (how) {
		case 1:
			setsid();
			break;
		case 2:
			setpgid(0, 0);
			break;
		case 3:
			if (ngroups)
				setpgid(0, groups[rnd((uint32_t)ngroups)]);
			break;
		}
		node(depth + 1, nsdepth, p[1], NULL, 0);
	}
	close(p[1]);
	wait_ready(p[0]);
	return pid;
}

/*
 * As nsenter does: enter the pid namespace of the init @init (a child of
 * this process) with setns and fork there; the child's parent is outside
 * its namespace. Then this process's children are born in its own again.
 */
static void enter(pid_t init, int depth, int nsdepth)
{
	int there = (int)syscall(SYS_pidfd_open, init, 0);
	int home = (int)syscall(SYS_pidfd_open, getpid(), 0);

	if (there >= 0 && home >= 0 && setns(there, CLONE_NEWPID) == 0) {
		if (child(depth, nsdepth + 1, false, NULL, 0, 0) > 0)
			__atomic_add_fetch(entered, 1, __ATOMIC_RELAXED);
		if (setns(home, CLONE_NEWPID) < 0)
			_exit(4);
	}
	if (there >= 0)
		close(there);
	if (home >= 0)
		close(home);
}

static void node(int depth, int nsdepth, int readyfd, pid_t *groups,
		 int ngroups)
{
	pid_t mygroups[8];
	int nmy = 0, kids = depth > 6 ? 0 : (int)rnd(4);
	bool moved = false;

	(void)groups;
	(void)ngroups;
	if (rnd(10) == 0)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	for (int k = 0; k < kids; k++) {
		uint32_t r = rnd(100);
		pid_t pid;

		/* a session changed after a fork: the children forked so
		 * far stay in the old one (fails for a group leader) */
		if (k > 0 && !moved && rnd(8) == 0) {
			moved = true;
			setsid();
		}
		if (r < 8 && nsdepth < 3) {
			pid_t init = child(depth, nsdepth, true, NULL, 0, 0);

			if (init > 0 && rnd(40) == 0)
				enter(init, depth, nsdepth);
		} else if (r < 20) {
			/* a double fork: the middle one exits at once */
			int p[2];
			pid_t mid;

			if (!take() || pipe(p) < 0)
				continue;
			mid = fork();
			if (mid == 0) {
				close(p[0]);
				rng = rng * 31 + 7;
				if (child(depth + 1, nsdepth, false, NULL, 0,
					  (int)rnd(3)) < 0) {
					/* nothing */
				}
				ready(p[1]);
				_exit(0);
			}
			close(p[1]);
			if (mid > 0) {
				wait_ready(p[0]);
				waitpid(mid, NULL, 0);
			} else {
				close(p[0]);
			}
		} else if (r < 28) {
			/* a zombie: exits, never waited for; or the init
			 * of a namespace that does (a zombie namespace) */
			if (!take())
				continue;
			if (spawn(nsdepth < 3 && rnd(4) == 0, false) == 0)
				_exit(0);
		} else if (r < 38) {
			/* a leader that goes: its children keep its session
			 * or group */
			int p[2];
			pid_t lead;

			if (!take() || pipe(p) < 0)
				continue;
			lead = fork();
			if (lead == 0) {
				int n = 1 + (int)rnd(2);

				close(p[0]);
				rng = rng * 17 + 3;
				if (rnd(2))
					setsid();
				else
					setpgid(0, 0);
				for (int i = 0; i < n; i++)
					child(depth + 1, nsdepth, false, NULL,
					      0, (int)rnd(3) == 2 ? 2 : 0);
				ready(p[1]);
				_exit(0);
			}
			close(p[1]);
			if (lead > 0) {
				wait_ready(p[0]);
				waitpid(lead, NULL, 0);
			} else {
				close(p[0]);
			}
		} else {
			uint32_t h = rnd(10);
			int how = h < 2 ? 1 : h < 4 ? 2 : h < 6 ? 3 : 0;

			pid = child(depth, nsdepth, false, mygroups, nmy, how);
			if (pid > 0 && how == 2 && nmy < 8)
				mygroups[nmy++] = pid;
		}
	}
	if (rnd(7) == 0) {
		int n = 1 + (int)rnd(3);

		for (int i = 0; i < n && take(); i++) {
			pthread_t t;

			pthread_create(&t, NULL, sleeper, NULL);
		}
	}
	ready(readyfd);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	uint64_t seed;
	int p[2];
	pid_t init;

	if (argc < 2) {
		fprintf(stderr, "usage: ctk-randtree SEED [MAX_TASKS]\n");
		return 2;
	}
	seed = strtoull(argv[1], NULL, 0);
	budget = mmap(NULL, 2 * sizeof(*budget), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (budget == MAP_FAILED)
		return 1;
	entered = budget + 1;
	*budget = argc > 2 ? atoi(argv[2]) : 40;
	rng = seed * 0x2545f4914f6cdd1dull + 0x9e3779b97f4a7c15ull;
	if (!rng)
		rng = 1;
	if (pipe(p) < 0)
		return 1;
	{
		struct clone_args_ a = { .flags = CLONE_NEWPID,
					 .exit_signal = SIGCHLD };

		init = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
	}
	if (init < 0) {
		perror("ctk-randtree: clone3");
		return 1;
	}
	if (init == 0) {
		close(p[0]);
		setsid();
		node(0, 0, p[1], NULL, 0);
	}
	close(p[1]);
	wait_ready(p[0]);
	printf("%d %d %d\n", (int)getpid(), (int)init, *entered);
	fflush(stdout);
	for (;;)
		pause();
}
