/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctk-threads N: a test helper process with N extra threads. It prints the
 * thread ids (the process's own first), one per line, then sleeps until
 * killed.
 * ctk-threads -z: a parent that never waits for its exited child: prints
 * the zombie's pid, then sleeps until killed.
 * ctk-threads -v: a vfork parent whose child never execs: prints the
 * parent's pid, then the child pauses until killed (and the parent waits
 * in the fork).
 * ctk-threads -x: a process whose leader thread exits: prints its second
 * thread's id, then its pid; the second thread lives on, the leader is a
 * zombie until the process is killed.
 */
#include <signal.h>
#include <string.h>
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int started;

static void *thread_main(void *arg)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);

	(void)arg;
	pthread_mutex_lock(&lock);
	printf("%d\n", (int)tid);
	started++;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "-z")) {
		pid_t child;

		signal(SIGCHLD, SIG_DFL);	/* SIG_IGN would reap it */
		child = fork();
		if (child == 0)
			_exit(0);
		printf("%d\n", (int)child);
		fclose(stdout);
		for (;;)
			pause();
	}
	if (argc > 1 && !strcmp(argv[1], "-v")) {
		printf("%d\n", (int)getpid());
		fclose(stdout);
		if (vfork() == 0) {
			pause();
			_exit(0);
		}
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "-x")) {
		pthread_t t;

		if (pthread_create(&t, NULL, thread_main, NULL))
			return 1;
		pthread_mutex_lock(&lock);
		while (!started)
			pthread_cond_wait(&cond, &lock);
		pthread_mutex_unlock(&lock);
		printf("%d\n", (int)getpid());
		fclose(stdout);
		pthread_exit(NULL);
	}
	printf("%d\n", (int)getpid());
	for (int i = 0; i < n; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, thread_main, NULL))
			return 1;
	}
	pthread_mutex_lock(&lock);
	while (started < n)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	fclose(stdout);
	for (;;)
		pause();
}
