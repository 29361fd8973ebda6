/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Release latency: the last task of a container exits -> the container is
 * gone (or, with a stamp file, -> the do-nothing agent has run).
 *   release_lat one  DIR N [STAMP]   N times, one container: median us
 *   release_lat many DIR N [STAMP]   N containers emptied at once: us until
 *                                    all are gone (or N stamps written)
 * DIR is a mounted hierarchy directory; v1 gets notify_on_release=1, v2 the
 * trusted.ctk.notify_on_release mark. Each task lives 20 ms before the
 * kill: the kernel sends at most one cgroup.events notification per 10 ms
 * per file, so a v2 container populated and emptied faster is seen late by
 * design (the v1 agent call has no such limit).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, s, strlen(s)) < 0) {
		perror(path);
		exit(1);
	}
	close(fd);
}

static void make(const char *dir)
{
	char p[4096];

	if (mkdir(dir, 0755) < 0) {
		perror(dir);
		exit(1);
	}
	snprintf(p, sizeof(p), "%s/notify_on_release", dir);
	if (access(p, F_OK) == 0)
		put(p, "1");
	else if (setxattr(dir, "trusted.ctk.notify_on_release", "1", 1, 0) < 0) {
		perror("setxattr");
		exit(1);
	}
}

static pid_t join(const char *dir)
{
	int pfd[2];
	pid_t pid;
	char c;

	if (pipe(pfd) < 0)
		exit(1);
	pid = fork();
	if (pid == 0) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
		put(p, "0");
		if (write(pfd[1], "x", 1) < 0)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1)
		exit(1);
	close(pfd[0]);
	return pid;
}

static long count_lines(const char *file)
{
	FILE *f = fopen(file, "r");
	long n = 0;
	int c;

	if (!f)
		return 0;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static long long last_stamp(const char *file)
{
	FILE *f = fopen(file, "r");
	long long v, last = 0;

	if (!f)
		return 0;
	while (fscanf(f, "%lld", &v) == 1)
		if (v > last)
			last = v;
	fclose(f);
	return last;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *mode = argv[1], *root = argv[2], *stamp = argc > 4 ?
		argv[4] : NULL;
	int n = argc > 3 ? atoi(argv[3]) : 0;
	long long *lat, t0, deadline;
	char dir[4096];
	pid_t *pids;

	if (argc < 4 || n <= 0) {
		fprintf(stderr, "usage: release_lat one|many DIR N [STAMP]\n");
		return 2;
	}
	lat = calloc((size_t)n, sizeof(*lat));
	pids = calloc((size_t)n, sizeof(*pids));
	if (!strcmp(mode, "one")) {
		for (int i = 0; i < n; i++) {
			snprintf(dir, sizeof(dir), "%s/lat%d", root, i);
			make(dir);
			pids[0] = join(dir);
			usleep(20000);
			if (stamp)
				unlink(stamp);
			t0 = now_ns();
			kill(pids[0], SIGKILL);
			waitpid(pids[0], NULL, 0);
			deadline = t0 + 5000000000LL;
			for (;;) {
				if (stamp ? count_lines(stamp) >= 1 :
				    access(dir, F_OK) < 0)
					break;
				if (now_ns() > deadline) {
					fprintf(stderr, "%s: not released\n",
						dir);
					return 1;
				}
				usleep(50);
			}
			lat[i] = (stamp ? last_stamp(stamp) : now_ns()) - t0;
			if (stamp)
				rmdir(dir);
		}
		qsort(lat, (size_t)n, sizeof(*lat), cmp);
		printf("%lld\n", lat[n / 2] / 1000);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/many%d", root, i);
		make(dir);
		pids[i] = join(dir);
	}
	usleep(20000);
	if (stamp)
		unlink(stamp);
	t0 = now_ns();
	for (int i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	deadline = t0 + 30000000000LL;
	for (int left = n; left > 0;) {
		if (now_ns() > deadline) {
			fprintf(stderr, "%d of %d not released\n", left, n);
			return 1;
		}
		usleep(200);
		if (stamp) {
			left = n - (int)count_lines(stamp);
		} else {
			left = 0;
			for (int i = 0; i < n; i++) {
				snprintf(dir, sizeof(dir), "%s/many%d", root, i);
				left += access(dir, F_OK) == 0;
			}
		}
	}
	printf("%lld\n", ((stamp ? last_stamp(stamp) : now_ns()) - t0) / 1000);
	if (stamp)
		for (int i = 0; i < n; i++) {
			snprintf(dir, sizeof(dir), "%s/many%d", root, i);
			rmdir(dir);
		}
	return 0;
}
