/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ctk pid checkpoint image, format 1 (doc/ckpt-format.md): the
 * linux-cr record model with a signature, one byte order, 8-byte alignment,
 * a CRC-32C tail, and a reader that no byte sequence can break.
 */
#ifndef CTK_CKPT_H
#define CTK_CKPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctk/err.h"

#define CKPT_HDR_HEADER		1
#define CKPT_HDR_BUFFER		4
#define CKPT_HDR_STRING		5
#define CKPT_HDR_PIDS		101
#define CKPT_HDR_TREE		102
#define CKPT_HDR_TAIL		9001
#define CKPT_HDR_ERROR		9999
#define CKPT_HDR_OPTIONAL	0x80000000u
/* optional: the pid_max of the image's pid namespaces (Linux 6.14+ has
 * one per namespace); a reader that does not know it skips it */
#define CKPT_HDR_NSMAX		(CKPT_HDR_OPTIONAL | 103u)

#define CKPT_MAGIC		"\x89" "CKPT\r\n\x1a"
#define CKPT_BYTE_ORDER		0x01020304u
#define CKPT_FORMAT_MAJOR	1
#define CKPT_FORMAT_MINOR	0
#define CKPT_TAIL_MAGIC		0x002d2a0cc0deef00ULL
#define CKPT_UFLAG_SUBTREE	1u
#define CKPT_ARCH_X86_64	2

#define CKPT_MAX_DEPTH		31
#define CKPT_MAX_PIDS		4194304u
#define CKPT_PID_LIMIT		4194303u
#define CKPT_FILE_MAX		(256ull << 20)	/* the reader's cap */
#define CKPT_FILE_MIN		96
#define CKPT_STRING_MAX		4096

struct ckpt_task {
	uint32_t vpid, vppid, vtgid, vpgid, vsid, depth;	/* tags */
};

struct ckpt_image {
	/* header */
	uint16_t major, minor, arch_id;
	uint32_t uflags;
	uint64_t time_sec;
	uint32_t kernel_version, max_depth, pid_max;
	char *strings[3];	/* kernel release, version, machine */
	/* pid objects: tag = offset + i */
	uint32_t nr_pids, nr_vpids, offset;
	uint32_t *pid_depth;	/* [nr_pids] */
	uint64_t *pid_start;	/* [nr_pids]: index into numbers */
	uint32_t *numbers;	/* outer -> inner, depth+1 each */
	/* tasks, depth-first, task 0 the root */
	uint32_t nr_tasks;
	struct ckpt_task *tasks;
	/* NSMAX: the pid_max of each namespace whose init (a pid object
	 * numbered 1 in its own namespace) the tag names */
	uint32_t nr_nsmax;
	struct ckpt_nsmax { uint32_t tag, pid_max; } *nsmax;
	/* a failed checkpoint (ERROR record) */
	bool failed;
	char *error;
};

/*
 * The API of libctkckpt (pkg-config ctkckpt): every function returns 0 or
 * -errno, and where it says why, fills @e (ctk_err_text makes it one
 * line). An image is the caller's: ctk_ckpt_free gives back what it holds.
 * No global state but the CRC-32C table, filled once under pthread_once:
 * any function may be called from any thread, on images of its own.
 */

/* Read a file (at most CKPT_FILE_MAX bytes; a FIFO or a device is refused
 * without blocking) and parse it. */
CTK_API int ctk_ckpt_load(const char *path, struct ckpt_image *img,
			  struct ctk_err *e);
CTK_API void ctk_ckpt_free(struct ckpt_image *img);

/*
 * Parse and validate @len bytes: every rule of the reader contract, framing
 * and semantics, before anything else happens. On failure e->msg names the
 * record, the byte offset and the rule. Never asserts, never aborts.
 */
CTK_API int ctk_ckpt_parse(const uint8_t *buf, size_t len,
			   struct ckpt_image *img, struct ctk_err *e);

/* Validate the pid objects and tree of @img (ctk_ckpt_parse does). */
CTK_API int ctk_ckpt_validate(const struct ckpt_image *img,
			      struct ctk_err *e);

/* Encode @img; the buffer is malloc'd. -errno. */
CTK_API int ctk_ckpt_encode(const struct ckpt_image *img, uint8_t **out,
			    size_t *len);

/*
 * Write @img to @path: a temporary file beside it, fsync, rename. A failed
 * write leaves no @path and no temporary file. The directory is walked as
 * a root-run tool must (ctk_path_open_parent).
 */
CTK_API int ctk_ckpt_write_file(const char *path, const struct ckpt_image *img,
				struct ctk_err *e);

/* The numbers of the pid object with @tag (NULL for tag 0 or out of range). */
CTK_API const uint32_t *ctk_ckpt_pid(const struct ckpt_image *img,
				     uint32_t tag, uint32_t *depth);

/* CRC-32C (Castagnoli), as in the tail. */
CTK_API uint32_t ctk_crc32c(uint32_t crc, const void *buf, size_t len);

#endif
