/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The release agent's path checks and resolution beneath a root. */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctk/container.h"
#include "ctk/release.h"
#include "tap.h"

static void refused(const char *path, const char *label, const char *why)
{
	struct ctk_release_result r;

	ok(ctk_release_check_path(path, &r) < 0 &&
	   (r.outcome == CTK_REL_REFUSED || r.outcome == CTK_REL_ROOT),
	   "refuses %s", label);
	ok(strstr(r.why, why) != NULL, "%s: '%s' says '%s'", label, r.why, why);
}

int main(void)
{
	struct ctk_release_result r;
	char tmpl[] = "/tmp/ctk-test-release.XXXXXX", big[6000], path[256];
	int root, fd;

	ok(ctk_release_check_path("/a", &r) == 0, "a plain path");
	ok(ctk_release_check_path("/a b/c d", &r) == 0, "spaces are kept");
	refused("/", "the root", "root");
	refused("a", "a relative path", "absolute");
	refused("", "an empty path", "absolute");
	refused("/../..", "'/../..'", "'..'");
	refused("//", "'//'", "canonical");
	refused("/a//b", "'/a//b'", "canonical");
	refused("/a/./b", "'/a/./b'", "canonical");
	refused("/a/", "a trailing '/'", "canonical");
	refused("/a\nb", "a newline", "control character");
	memset(big, 'x', 5000);
	big[0] = '/';
	big[5000] = '\0';
	refused(big, "5000 bytes", "longer than");
	for (int i = 1; i < 5000; i += 100)
		big[i] = '/';
	refused(big, "5000 bytes in short names", "longer than");

	is_str(ctk_release_outcome_str(CTK_REL_BUSY),
	       "kept: a task arrived (busy)", "outcome words");

	/* beneath a root: symlinks and '..' never resolve */
	ok(mkdtemp(tmpl) != NULL, "scratch dir");
	snprintf(path, sizeof(path), "%s/inside", tmpl);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/inside/d", tmpl);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/link", tmpl);
	ok(symlink("/etc", path) == 0, "a planted symlink");
	snprintf(path, sizeof(path), "%s/inside/up", tmpl);
	ok(symlink("..", path) == 0, "a symlink upwards");
	root = open(tmpl, O_RDONLY | O_DIRECTORY);
	fd = ctk_openat_beneath(root, "inside/d", O_RDONLY | O_DIRECTORY, 0);
	ok(fd >= 0, "a plain path resolves");
	if (fd >= 0)
		close(fd);
	ok(ctk_openat_beneath(root, "link", O_RDONLY | O_DIRECTORY, 0) ==
	   -ELOOP, "a symlink is refused");
	ok(ctk_openat_beneath(root, "link/ssh", O_RDONLY, 0) == -ELOOP,
	   "a path through a symlink is refused");
	ok(ctk_openat_beneath(root, "inside/up/inside", O_RDONLY, 0) == -ELOOP,
	   "a symlink to '..' is refused");
	ok(ctk_openat_beneath(root, "../etc", O_RDONLY, 0) == -EXDEV,
	   "'..' out of the root is refused");
	ok(ctk_openat_beneath(root, "/etc", O_RDONLY, 0) == -EINVAL,
	   "an absolute path is refused");
	/* the release itself never goes through the symlink */
	ctk_release_try(root, "link", CTK_HIER_V1, 0, &r);
	ok(r.outcome == CTK_REL_REFUSED && r.code == ELOOP,
	   "release through a symlink: refused (%s)", r.why);
	ok(access("/etc", F_OK) == 0, "and the target is untouched");
	ctk_release_try(root, ".", CTK_HIER_V1, 0, &r);
	ok(r.outcome == CTK_REL_ROOT, "release of the root: never");
	close(root);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmpl);
	ok(system(path) == 0, "cleanup");
	return tap_done();
}
