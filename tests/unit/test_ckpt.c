/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The checkpoint reader: every rejection rule on its crafted image under
 * tests/fixtures/ckpt (made by tests/helpers/ckpt-mkfixtures), round trips
 * and the CRC.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctk/ckpt.h"
#include "../../libcommon/internal.h"
#include "tap.h"

static const struct { const char *file, *rule; } rejects[] = {
	{ "nsmax-not-init", "record NSMAX at offset 392: entry 1: tag 3 is not the init (pid 1) of a pid namespace of the image" },
	{ "nsmax-twice", "record NSMAX at offset 392: entry 1: tag 1 named twice" },
	{ "nsmax-zero", ": pid_max 0 (1 to 4194304)" },
	{ "nsmax-order", ": out of order: after the TREE's BUFFER, once" },
	{ "short", "file: 95 bytes: shorter than 96" },
	{ "first-not-header", "record STRING at offset 0: the first record must be HEADER" },
	{ "len-under-8", "record STRING at offset 64: length 4 under 8" },
	{ "len-past-end", "runs past the end of the file" },
	{ "padding", "record STRING at offset 80: padding byte at 107 not zero" },
	{ "header-len", "record HEADER at offset 0: length 72, not 64" },
	{ "magic", "record HEADER at offset 0: bad magic" },
	{ "byte-order", "record HEADER at offset 0: wrong byte order" },
	{ "major", "only major 1 is read" },
	{ "header-reserved", "record HEADER at offset 0: reserved field not zero" },
	{ "header-reserved64", "record HEADER at offset 0: reserved field not zero" },
	{ "flags", "unknown flags 0x4" },
	{ "max-depth", "max_depth 32 over 31" },
	{ "string-no-nul", "not NUL-terminated" },
	{ "string-control", "byte 1 is not printable (0xa)" },
	{ "string-nul", "byte 1 is not printable (0)" },
	{ "string-missing", "out of order: STRING 3 of 3 expected" },
	{ "unknown-required", "record type 0x1000 at offset 128: unknown required record type" },
	{ "pids-len", "record PIDS at offset 128: length 16, not 24" },
	{ "nr-pids-zero", "nr_pids 0 out of range" },
	{ "nr-pids-big", "nr_pids 4194305 out of range" },
	{ "nr-vpids", "nr_vpids 218 over 31 per pid" },
	{ "pids-offset", "offset 2, not 1" },
	{ "pids-reserved", "record PIDS at offset 128: reserved field not zero" },
	{ "pid-buffer-size", "pid buffer of 64 bytes, PIDS says 56" },
	{ "pid-depth", "pid 1: depth 2 over max_depth 1" },
	{ "pid-zero", "number 0 at level 0 out of range" },
	{ "pid-big", "number 4194304 at level 0 out of range" },
	{ "pid-past", "pid 7 runs past the buffer" },
	{ "pid-walk", "the entries do not fill the buffer exactly" },
	{ "tree-len", "record TREE at offset 224: length 12, not 16" },
	{ "nr-tasks-zero", "nr_tasks 0 out of range" },
	{ "nr-tasks-over", "nr_tasks 8 out of range (1 to nr_pids 7)" },
	{ "tree-reserved", "record TREE at offset 224: reserved field not zero" },
	{ "tree-buffer-size", "task buffer of 144 bytes, TREE says 120" },
	{ "pids-no-buffer", "out of order: the BUFFER of PIDS expected" },
	{ "two-headers", "record HEADER at offset 224: out of order" },
	{ "no-tail", "without a TAIL" },
	{ "tail-len", "record TAIL at offset 392: length 40, not 32" },
	{ "trailing", "8 bytes follow the tail" },
	{ "tail-magic", "record TAIL at offset 392: bad magic" },
	{ "tail-offset", "image_len 384, not its offset" },
	{ "tail-records", "nr_records 9, the image has 8" },
	{ "crc", "CRC-32C mismatch" },
	{ "truncated", "length 16 runs past the end of the file" },
	{ "tag-range", "task 2: vpid tag out of range" },
	{ "tgid-zero", "task 2: vtgid tag out of range" },
	{ "pgrp-zero", "task 1: pgrp or session 0 in a container image" },
	{ "forest-in-container", "only subtree images are forests" },
	{ "task0-parent", "task 0 has a parent" },
	{ "depth-mismatch", "task 2: depth 1, its pid has depth 0" },
	{ "vpid-twice", "task 2: vpid 3 used twice" },
	{ "root-not-1", "the root of a container image is pid 9, not 1" },
	{ "thread-no-leader", "thread 2: no leader before it" },
	{ "thread-differs", "differ from its leader's" },
	{ "parent-later", "task 4: its parent does not come before it" },
	{ "parent-thread", "its parent is a thread" },
	{ "parent-self", "task 4: its own parent" },
	{ "depth-jump", "depth 2 under a parent at depth 0" },
	{ "ns-init-not-1", "starts a pid namespace but is pid 3 there, not 1" },
	{ "forest-depth", "task 4: no parent, depth 1, not 0" },
	{ "session-pgrp", "a session leader whose pgrp is not itself" },
	{ "pgrp-two-sessions", "pgrp 1 lies in two sessions" },
	{ "pgrp-deeper", "its pgrp lies in a deeper pid namespace" },
	{ "pid-two-namespaces", "pid 9 is used in two pid namespaces" },
	{ "unreferenced", "record BUFFER at offset 152: pid object 8 is used by no task" },
	{ "pid-dup-level0", "record BUFFER at offset 152: pid objects 3 and 7 both have number 3 at level 0" },
	{ "pid-dup-inner", "pid objects 5 and 6 both have number 1 at level 1" },
};

static char *path(const char *name)
{
	static char buf[4096];
	const char *src = getenv("CTK_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/tests/fixtures/ckpt/%s.img",
		 src ? src : ".", name);
	return buf;
}

/* Does the fixture @name hold exactly these @len bytes? */
static bool same_as_file(const char *name, const uint8_t *b, size_t len)
{
	FILE *f = fopen(path(name), "rb");
	uint8_t file[4096];
	size_t n = f ? fread(file, 1, sizeof(file), f) : 0;

	if (f)
		fclose(f);
	return n == len && !memcmp(file, b, n);
}

/* ---- the CRC table is filled once, whoever asks first ----------------- */

static pthread_barrier_t crc_go;
static uint8_t crc_buf[4096];

static void *crc_thread(void *arg)
{
	pthread_barrier_wait(&crc_go);
	*(uint32_t *)arg = ctk_crc32c(0, crc_buf, sizeof(crc_buf));
	return NULL;
}

/*
 * @procs processes whose first CRC is asked by 8 threads at once: how many
 * saw a thread get a wrong one (a table read while another filled it).
 * Forked before this process computed any CRC.
 */
static int crc_race(int procs)
{
	int wrong = 0;

	memset(crc_buf, 0xa5, sizeof(crc_buf));
	for (int i = 0; i < procs; i++) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			return -1;
		if (!pid) {
			pthread_t t[8];
			uint32_t r[8], want;
			int bad = 0;

			pthread_barrier_init(&crc_go, NULL, 8);
			for (int k = 0; k < 8; k++)
				if (pthread_create(&t[k], NULL, crc_thread, &r[k]))
					_exit(2);
			for (int k = 0; k < 8; k++)
				pthread_join(t[k], NULL);
			want = ctk_crc32c(0, crc_buf, sizeof(crc_buf));
			for (int k = 0; k < 8; k++)
				bad |= r[k] != want;
			_exit(bad);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) == 2)
			return -1;
		wrong += WEXITSTATUS(status) != 0;
	}
	return wrong;
}

int main(void)
{
	struct ckpt_image img, again;
	struct ctk_err e = { 0 };
	uint8_t *b1 = NULL, *b2 = NULL;
	size_t l1 = 0, l2 = 0;
	uint32_t d;

	/* first, while no CRC was computed here (a child inherits the table) */
	is_int(crc_race(300), 0, "300 processes, 8 threads each asking for "
	       "their first CRC at once: every answer right");
	is_int(ctk_crc32c(0, "123456789", 9), 0xe3069283u,
	       "CRC-32C check value");
	is_int(ctk_crc32c(ctk_crc32c(0, "1234", 4), "56789", 5), 0xe3069283u,
	       "CRC-32C continues");

	for (size_t i = 0; i < CTK_ARRAY_SIZE(rejects); i++) {
		int rc = ctk_ckpt_load(path(rejects[i].file), &img, &e);

		ok(rc < 0 && e.code == EINVAL && strstr(e.msg, rejects[i].rule) &&
		   (!strncmp(e.msg, "record ", 7) || !strncmp(e.msg, "file: ", 6)),
		   "%s: rejected: %s", rejects[i].file, e.msg);
		if (!rc)
			ctk_ckpt_free(&img);
	}

	/* NSMAX: read, and written again byte for byte */
	memset(&e, 0, sizeof(e));
	ok(ctk_ckpt_load(path("valid-nsmax"), &img, &e) == 0,
	   "valid-nsmax loads (%s)", e.msg);
	ok(img.nr_nsmax == 2 && img.nsmax[0].tag == 1 &&
	   img.nsmax[0].pid_max == 50000 && img.nsmax[1].tag == 5 &&
	   img.nsmax[1].pid_max == 100000, "valid-nsmax: two namespaces");
	ok(ctk_ckpt_encode(&img, &b1, &l1) == 0, "encode valid-nsmax");
	ok(same_as_file("valid-nsmax", b1, l1), "valid-nsmax: the same bytes");
	free(b1);
	b1 = NULL;
	ctk_ckpt_free(&img);

	/* valid images, and what they hold */
	ok(ctk_ckpt_load(path("valid-container"), &img, &e) == 0,
	   "valid-container loads (%s)", e.msg);
	is_int(img.nr_pids, 7, "7 pid objects");
	is_int(img.nr_tasks, 6, "6 tasks");
	ok(!(img.uflags & CKPT_UFLAG_SUBTREE), "a container image");
	is_str(img.strings[2], "x86_64", "machine string");
	ok(ctk_ckpt_pid(&img, 6, &d)[1] == 2 && d == 1, "pid 6 is 2 inside");
	ok(ctk_ckpt_pid(&img, 0, NULL) == NULL && !ctk_ckpt_pid(&img, 8, NULL),
	   "tags 0 and past the end have no pid");
	/* encode again: the same bytes */
	ok(ctk_ckpt_encode(&img, &b1, &l1) == 0, "encode");
	ok(same_as_file("valid-container", b1, l1),
	   "round trip: the same bytes");
	ok(ctk_ckpt_parse(b1, l1, &again, &e) == 0 && again.nr_tasks == 6,
	   "the encoding parses");
	ok(ctk_ckpt_encode(&again, &b2, &l2) == 0 && l1 == l2 &&
	   !memcmp(b1, b2, l1), "and encodes to the same bytes again");
	ctk_ckpt_free(&again);
	/* a later minor (compatible additions) is read, and written back
	 * as the writer's own minor, with its CRC */
	{
		uint8_t *m = malloc(l1), *b3 = NULL;
		size_t l3 = 0;
		uint32_t crc;

		memcpy(m, b1, l1);
		m[22] = 7;
		crc = ctk_crc32c(0, m, l1 - 32);
		for (int k = 0; k < 4; k++)
			m[l1 - 16 + k] = (uint8_t)(crc >> (8 * k));
		ok(ctk_ckpt_parse(m, l1, &again, &e) == 0 && again.minor == 7,
		   "format 1.7 is read (%s)", e.msg);
		ok(ctk_ckpt_encode(&again, &b3, &l3) == 0 && l3 == l1 &&
		   !memcmp(b3, b1, l1), "and written as 1.%d: the bytes of the "
		   "1.%d image", CKPT_FORMAT_MINOR, CKPT_FORMAT_MINOR);
		ctk_ckpt_free(&again);
		free(b3);
		free(m);
	}
	/* every single-byte change of a valid image is caught */
	{
		size_t caught = 0;

		for (size_t i = 0; i < l1; i++) {
			b1[i] ^= 0x10;
			if (ctk_ckpt_parse(b1, l1, &again, &e) < 0)
				caught++;
			else
				ctk_ckpt_free(&again);
			b1[i] ^= 0x10;
		}
		is_int(caught, l1, "each of %zu bit flips is rejected", l1);
		/* and every truncation */
		caught = 0;
		for (size_t n = 0; n < l1; n++) {
			if (ctk_ckpt_parse(b1, n, &again, &e) < 0)
				caught++;
			else
				ctk_ckpt_free(&again);
		}
		is_int(caught, l1, "each of %zu truncations is rejected", l1);
	}
	ok(ctk_ckpt_parse(b1, CKPT_FILE_MAX + 1, &again, &e) < 0 &&
	   strstr(e.msg, "larger than the reader's cap"),
	   "over the cap: refused before reading (%s)", e.msg);
	free(b1);
	free(b2);
	ctk_ckpt_free(&img);

	ok(ctk_ckpt_load(path("valid-subtree"), &img, &e) == 0 &&
	   (img.uflags & CKPT_UFLAG_SUBTREE), "valid-subtree: a forest");
	ctk_ckpt_free(&img);
	ok(ctk_ckpt_load(path("valid-optional"), &img, &e) == 0,
	   "an unknown optional record is skipped (%s)", e.msg);
	ctk_ckpt_free(&img);
	ok(ctk_ckpt_load(path("failed"), &img, &e) == 0 && img.failed &&
	   !strcmp(img.error, "task 42 did not freeze"),
	   "a failed checkpoint reads as one");
	ctk_ckpt_free(&img);
	ok(ctk_ckpt_load("/nonexistent.img", &img, &e) < 0 && e.code == ENOENT,
	   "a missing file");
	return tap_done();
}
