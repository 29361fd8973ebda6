/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Creating containers: parents, modes, owners, notify, v2 controllers. */
#ifndef CTK_CREATE_H
#define CTK_CREATE_H

#include <sys/types.h>

#include "ctk/c.h"
#include "ctk/spec.h"

struct ctk_values;

struct ctk_create_opts {
	bool parents;		/* make missing parents; no error if it exists */
	bool set_dir_mode;
	mode_t dir_mode;
	bool set_file_mode;
	mode_t file_mode;
	bool set_task_file_mode;	/* the files that take tasks */
	mode_t task_file_mode;
	uid_t uid;		/* (uid_t)-1: keep */
	gid_t gid;
	uid_t task_uid;
	gid_t task_gid;
	int notify;		/* -1 keep, 0 or 1 */
	bool notify_trusted;	/* v2: trusted.* (root) or user.* */
	const char *enable;	/* v2: "+cpu,+memory", or NULL */
	const struct ctk_values *values;	/* written last, in order */
	bool settle_existing;	/* with parents: an existing container
				 * takes every setting too (cgconfig) */
};

void ctk_create_opts_init(struct ctk_create_opts *o);

/*
 * What a series of creations made, so that one failure undoes them all.
 * Zero-initialise; end with ctk_create_txn_undo() (roll back) or
 * ctk_create_txn_free() (keep what was made). The hierarchies of the
 * targets must stay loaded until then.
 */
struct ctk_txn_entry;
struct ctk_txn_owner;
struct ctk_create_txn {
	struct ctk_txn_entry *v;
	size_t n, cap;
	char *armed;		/* the last v2 parent marked as used */
	struct ctk_txn_owner *own;	/* owners given at commit */
	size_t nown, capown;
};
void ctk_create_txn_undo(struct ctk_create_txn *x);
void ctk_create_txn_free(struct ctk_create_txn *x);

/*
 * The end of a transaction that succeeded: only now are the containers
 * handed to their owners (-u, -t, a perm section), their files first and
 * each directory last, so that no user holds a container of a call that
 * may still be undone (she could make a child in it, and the undo could
 * not remove it). On failure everything is undone. 0 or -errno (@e).
 */
int ctk_create_txn_commit(struct ctk_create_txn *x, struct ctk_err *e);

/*
 * Create the container @t. Settings apply to a container this call
 * created; with parents and an existing container, *existed is set and
 * only the values are written (with settle_existing, every setting), each
 * old one recorded in @txn first, so an undo restores it. Every step opens one name beneath the one before:
 * a mount over a container on the way is refused (EXDEV). On failure
 * everything this call made is undone (directories removed,
 * subtree_control writes reverted); what it made is recorded in @txn
 * (NULL: none) for the caller to undo with the rest.
 */
int ctk_container_create(const struct ctk_target *t,
			 const struct ctk_create_opts *o,
			 struct ctk_create_txn *txn, bool *existed,
			 struct ctk_err *e);

/* Remove an empty container (rmdir beneath the root, no symlinks). */
int ctk_container_remove(const struct ctk_target *t);

#endif
