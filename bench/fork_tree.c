/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fork_tree N: the limit of a restore of the image mk_image writes: an init
 * in a fresh pid namespace forks N-1 children (every tenth calls setsid),
 * all waiting. Prints the microseconds until all exist, then ends them.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, pfd[2];
	struct timespec a, b;
	char c;
	pid_t init;

	if (pipe(pfd) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	init = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
	if (init == 0) {
		setsid();
		for (int i = 1; i < n; i++) {
			pid_t p = fork();

			if (p == 0) {
				if (i % 10 == 9)
					setsid();
				for (;;)
					pause();
			}
		}
		if (write(pfd[1], "x", 1) < 0)
			_exit(1);
		for (;;)
			pause();
	}
	if (read(pfd[0], &c, 1) != 1)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%ld\n", (b.tv_sec - a.tv_sec) * 1000000L +
	       (b.tv_nsec - a.tv_nsec) / 1000);
	kill(init, SIGKILL);	/* its namespace goes with it */
	waitpid(init, NULL, 0);
	return 0;
}
