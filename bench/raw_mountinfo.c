/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The raw limit of a hierarchy listing: read /proc/self/mountinfo, print
 * the cgroup lines. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	static char buf[1 << 20];
	ssize_t n, off = 0;
	int fd = open("/proc/self/mountinfo", O_RDONLY);

	while ((n = read(fd, buf + off, sizeof(buf) - 1 - (size_t)off)) > 0)
		off += n;
	buf[off] = '\0';
	for (char *l = buf, *e; *l; l = e + 1) {
		e = strchr(l, '\n');
		if (!e)
			break;
		if (strstr(l, " - cgroup"))
			write(1, l, (size_t)(e - l + 1));
	}
	return 0;
}
