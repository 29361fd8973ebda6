/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The raw limit of `cmount -T` on v1: walk the tree with openat/getdents and
 * read each container's tasks and notify_on_release, printing one line per
 * container. No sorting, no table.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long count_lines(int dfd, const char *name)
{
	char buf[8192];
	long lines = 0;
	ssize_t n;
	int fd = openat(dfd, name, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

static void walk(int dfd, const char *path)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	printf("%s %ld %ld\n", path, count_lines(dfd, "tasks"),
	       count_lines(dfd, "notify_on_release"));
	while ((de = readdir(d))) {
		char *sub;
		int fd;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		fd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			continue;
		if (asprintf(&sub, "%s/%s", path, de->d_name) < 0)
			exit(1);
		walk(fd, sub);
		free(sub);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	int fd = open(argc > 1 ? argv[1] : ".", O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return 1;
	walk(fd, "");
	return 0;
}
