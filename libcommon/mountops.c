/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <libmount.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>

#include "ctk/container.h"
#include "ctk/mountops.h"

static int optappend(char **s, const char *name, const char *value)
{
	return mnt_optstr_append_option(s, name, value) ? -ENOMEM : 0;
}

int ctk_mount_options(const struct ctk_mount_req *req,
		      const struct ctk_hierarchies *h, char **opts,
		      bool *carried, bool *v2_flags_changed,
		      struct ctk_err *e)
{
	char *s = NULL;
	int rc = 0;

	*carried = false;
	*v2_flags_changed = false;
	if (req->type == CTK_HIER_V1) {
		if (req->controllers && *req->controllers)
			rc = optappend(&s, req->controllers, NULL);
		else
			rc = optappend(&s, "none", NULL);
		if (!rc && req->name)
			rc = optappend(&s, "name", req->name);
		if (!rc && req->release_agent)
			rc = optappend(&s, "release_agent", req->release_agent);
		if (!rc && req->noprefix)
			rc = optappend(&s, "noprefix", NULL);
		if (!rc && req->clone_children)
			rc = optappend(&s, "clone_children", NULL);
		if (!rc && req->options)
			rc = mnt_optstr_append_option(&s, req->options, NULL) ?
			     -ENOMEM : 0;
	} else {
		const struct ctk_hierarchy *v2 =
			ctk_hierarchy_find(h, CTK_HIER_V2, NULL, NULL, NULL,
					   true);
		char *user_fs = NULL, *have_fs = NULL;

		/* hierarchy flags of the user's options vs those in force */
		if (req->options) {
			rc = optappend(&s, req->options, NULL);
			if (!rc && mnt_split_optstr(req->options, NULL, NULL,
						    &user_fs, 0, 0))
				rc = -ENOMEM;
		}
		if (!rc && v2 && v2->fs_options &&
		    mnt_split_optstr(v2->fs_options, NULL, NULL, &have_fs,
				     0, 0))
			rc = -ENOMEM;
		if (!rc && user_fs && *user_fs) {
			*v2_flags_changed = !have_fs ||
					    strcmp(user_fs, have_fs);
		} else if (!rc && have_fs && *have_fs) {
			rc = optappend(&s, have_fs, NULL);
			*carried = true;
		}
		free(user_fs);
		free(have_fs);
	}
	if (rc) {
		free(s);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	*opts = s;
	return 0;
}

static int context_errno(struct libmnt_context *cxt, int rc)
{
	if (mnt_context_syscall_called(cxt))
		return mnt_context_get_syscall_errno(cxt);
	if (rc < 0)
		return -rc;
	return EINVAL;
}

int ctk_mount(const struct ctk_mount_req *req, const char *opts,
	      struct ctk_err *e)
{
	struct libmnt_context *cxt = mnt_new_context();
	const char *type = req->type == CTK_HIER_V1 ? "cgroup" : "cgroup2";
	int rc;

	if (!cxt)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	mnt_context_disable_helpers(cxt, 1);
	mnt_context_disable_swapmatch(cxt, 1);
	if (mnt_context_set_fstype(cxt, type) ||
	    mnt_context_set_source(cxt, type) ||
	    mnt_context_set_target(cxt, req->target) ||
	    (opts && mnt_context_set_options(cxt, opts))) {
		mnt_free_context(cxt);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	rc = mnt_context_mount(cxt);
	if (rc == 0 && mnt_context_get_status(cxt) == 1) {
		mnt_free_context(cxt);
		return 0;
	}
	rc = context_errno(cxt, rc);
	mnt_free_context(cxt);
	return ctk_err_set(e, rc, "mount failed");
}

int ctk_umount(const char *target, struct ctk_err *e)
{
	struct libmnt_context *cxt = mnt_new_context();
	int rc;

	if (!cxt)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	mnt_context_disable_helpers(cxt, 1);
	if (mnt_context_set_target(cxt, target)) {
		mnt_free_context(cxt);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	rc = mnt_context_umount(cxt);
	if (rc == 0 && mnt_context_get_status(cxt) == 1) {
		mnt_free_context(cxt);
		return 0;
	}
	rc = context_errno(cxt, rc);
	mnt_free_context(cxt);
	return ctk_err_set(e, rc, "unmount failed");
}

/*
 * The path is resolved once (as the kernel would: symbolic links followed),
 * to its parent directory and a last name; what that name is now is
 * checked (a cgroup mount's root, by mount ID), and that name, beneath the
 * same parent fd (fchdir), is what umount2 gets, with UMOUNT_NOFOLLOW. A
 * mount point cannot be renamed or removed meanwhile (EBUSY), so the check
 * and the unmount see the same mount.
 */
int ctk_umount_checked(const char *path, const struct ctk_hierarchies *h,
		       struct ctk_err *e)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_free_ char *dir = strdup(path);
	_cleanup_close_ int pfd = -1, fd = -1, cwd = -1;
	const struct ctk_hierarchy *hy = NULL;
	struct statx stx;
	char *slash, *leaf;
	size_t len;
	int rc = 0;

	/*
	 * The path as given, resolved once and without a symlink anywhere: a
	 * directory on the way that another user replaced with a symlink
	 * would lead elsewhere, to a mount that was not asked for.
	 */
	if (!dir)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	slash = strrchr(dir, '/');
	leaf = slash ? slash + 1 : dir;
	if (!*leaf || !strcmp(leaf, ".") || !strcmp(leaf, ".."))
		return ctk_err_setx(e, EINVAL, "not a cgroup mount point (give "
				    "the mount point's own path)");
	if (slash)
		*slash = '\0';
	pfd = (int)syscall(SYS_openat2, AT_FDCWD, !slash ? "." :
			   slash == dir ? "/" : dir, &how, sizeof(how));
	if (pfd == -1 && errno == ELOOP)
		return ctk_err_setx(e, ELOOP, "a symlink on the way: refused "
				    "(give the path without symlinks)");
	if (pfd < 0)
		return ctk_err_set(e, errno, "cannot open its parent");
	fd = openat(pfd, leaf, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && (errno == ELOOP || errno == ENOTDIR))
		return ctk_err_setx(e, errno, "a symlink or not a directory: "
				    "not a cgroup mount point");
	if (fd < 0)
		return ctk_err_set(e, errno, "cannot open");
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID,
		  &stx) < 0)
		return ctk_err_set(e, errno, "cannot stat");
	if (!(stx.stx_mask & STATX_MNT_ID))
		return ctk_err_setx(e, ENOSYS, "this kernel gives no mount IDs "
				   "(Linux 5.8 or later is needed)");
	for (size_t i = 0; i < h->n && !hy; i++)
		if (h->v[i].mount_id >= 0 &&
		    (uint64_t)h->v[i].mount_id == stx.stx_mnt_id)
			hy = &h->v[i];
	if (!hy || !(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return ctk_err_setx(e, EINVAL, "not a cgroup mount point");
	close(CTK_TAKE_FD(fd));
	cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || fchdir(pfd) < 0)
		return ctk_err_set(e, errno, "cannot enter its parent");
	if (umount2(leaf, UMOUNT_NOFOLLOW) < 0)
		rc = ctk_err_set(e, errno, "cannot unmount");
	if (fchdir(cwd) < 0 && !rc)
		rc = ctk_err_set(e, errno, "cannot return to the directory");
	return rc;
}
