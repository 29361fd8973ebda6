/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Release latency: the last task of a container exits -> the container is
 * gone (or, with a stamp file, -> the do-nothing agent has run).
 *   release_lat one  DIR N [STAMP]   N times, one container: median us
 *   release_lat each DIR N [STAMP]   the same, every time (us, a line each)
 *   release_lat many DIR N [STAMP]   N containers emptied at once: us until
 *                                    all are gone (or N stamps written)
 * DIR is a mounted hierarchy directory; v1 gets notify_on_release=1, v2 the
 * trusted.ctk.notify_on_release mark. Each task lives 20 ms before the
 * kill: the kernel sends at most one cgroup.events notification per 10 ms
 * per file, so a v2 container populated and emptied faster is seen late by
 * design (the v1 agent call has no such limit).
 *
 * "Gone" is the kernel's IN_DELETE on DIR, read as it comes, and a stamp
 * file is looked at when the kernel says a writer closed it: no polling
 * loop takes a core from the agents it measures, and a time is the
 * rmdir's, not the next look's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/inotify.h>
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

/* Wait for @want IN_DELETE events on directories named @prefix... (or
 * exactly @prefix when @want is 1 and @exact). 0, or -1 at @deadline. */
static int wait_deleted(int ifd, const char *prefix, bool exact, int want,
			long long deadline)
{
	char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
	size_t plen = strlen(prefix);

	while (want > 0) {
		struct pollfd pf = { .fd = ifd, .events = POLLIN };
		long long left = (deadline - now_ns()) / 1000000;
		ssize_t n;

		if (left <= 0)
			return -1;
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		n = read(ifd, buf, sizeof(buf));
		for (char *p = buf; n > 0 && p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;

			if ((ev->mask & IN_DELETE) && ev->len &&
			    (exact ? !strcmp(ev->name, prefix) :
			     !strncmp(ev->name, prefix, plen)))
				want--;
			p += sizeof(*ev) + ev->len;
		}
	}
	return 0;
}

/* Wait until @stamp has @want lines, looking each time the kernel says a
 * writer closed a file of its directory (the do-nothing agents' stamps).
 * 0, or -1 at @deadline. */
static int wait_stamps(int ifd, const char *stamp, long want, long long deadline)
{
	char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (count_lines(stamp) < want) {
		struct pollfd pf = { .fd = ifd, .events = POLLIN };
		long long left = (deadline - now_ns()) / 1000000;

		if (left <= 0)
			return -1;
		if (poll(&pf, 1, left > 100 ? 100 : (int)left) > 0 &&
		    read(ifd, buf, sizeof(buf)) < 0 && errno != EAGAIN)
			return -1;
	}
	return 0;
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
	char dir[4096], name[64];
	pid_t *pids;
	int ifd = -1;

	if (argc < 4 || n <= 0) {
		fprintf(stderr, "usage: release_lat one|each|many DIR N [STAMP]\n");
		return 2;
	}
	lat = calloc((size_t)n, sizeof(*lat));
	pids = calloc((size_t)n, sizeof(*pids));
	{
		/* the containers' directory, or the stamps' */
		char sdir[4096], *slash;

		snprintf(sdir, sizeof(sdir), "%s", stamp ? stamp : root);
		slash = strrchr(sdir, '/');
		if (stamp && slash)
			*slash = '\0';
		ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (ifd < 0 || inotify_add_watch(ifd, sdir, stamp ?
						 IN_CLOSE_WRITE : IN_DELETE) < 0) {
			perror("inotify");
			return 1;
		}
	}
	if (!strcmp(mode, "one") || !strcmp(mode, "each")) {
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
			snprintf(name, sizeof(name), "lat%d", i);
			if ((stamp ? wait_stamps(ifd, stamp, 1, deadline) :
			     wait_deleted(ifd, name, true, 1, deadline)) < 0) {
				fprintf(stderr, "%s: not released\n", dir);
				return 1;
			}
			lat[i] = (stamp ? last_stamp(stamp) : now_ns()) - t0;
			if (stamp)
				rmdir(dir);
		}
		if (!strcmp(mode, "each")) {
			for (int i = 0; i < n; i++)
				printf("%lld\n", lat[i] / 1000);
			return 0;
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
	if ((stamp ? wait_stamps(ifd, stamp, n, deadline) :
	     wait_deleted(ifd, "many", false, n, deadline)) < 0) {
		fprintf(stderr, "not all of %d released\n", n);
		return 1;
	}
	printf("%lld\n", ((stamp ? last_stamp(stamp) : now_ns()) - t0) / 1000);
	if (stamp)
		for (int i = 0; i < n; i++) {
			snprintf(dir, sizeof(dir), "%s/many%d", root, i);
			rmdir(dir);
		}
	return 0;
}
