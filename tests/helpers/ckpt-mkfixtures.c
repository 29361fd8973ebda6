/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ckpt-mkfixtures DIR: write the crafted checkpoint images of
 * tests/fixtures/ckpt: valid ones, and one per rejection rule of the reader
 * contract. Semantic ones are encoded with a correct CRC so that the rule,
 * not the checksum, rejects them; framing ones are patched bytes.
 * `make fixtures` regenerates them; test_ckpt checks the committed ones
 * equal what this writes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctk/ckpt.h"
#include "../../libcommon/internal.h"

static const char *dir;

/* the base: a container image, two levels, a thread, a second session,
 * a ghost process group (7, whose leader is gone) */
static uint32_t base_depth[] = { 0, 0, 0, 0, 1, 1, 0 };
static uint32_t base_nums[][2] = { {1}, {2}, {3}, {4}, {5, 1}, {6, 2}, {7} };
static struct ckpt_task base_tasks[] = {
	/* vpid vppid vtgid vpgid vsid depth */
	{ 1, 0, 1, 1, 1, 0 },	/* init, session leader */
	{ 2, 1, 2, 2, 2, 0 },	/* setsid child */
	{ 3, 1, 3, 1, 1, 0 },	/* a process ... */
	{ 4, 1, 3, 1, 1, 0 },	/* ... and its thread */
	{ 5, 1, 5, 1, 1, 1 },	/* init of a nested pid namespace */
	{ 6, 5, 6, 7, 1, 1 },	/* in the ghost group 7 */
};

struct img {
	struct ckpt_image i;
	uint32_t depth[16];
	uint64_t start[16];
	uint32_t nums[64];
	struct ckpt_task tasks[16];
};

static void base(struct img *m)
{
	uint64_t at = 0;

	memset(m, 0, sizeof(*m));
	m->i.major = 1;
	m->i.arch_id = CKPT_ARCH_X86_64;
	m->i.time_sec = 1764072000;
	m->i.kernel_version = 6 << 16 | 18 << 8 | 44;
	m->i.max_depth = 1;
	m->i.pid_max = 32768;
	m->i.strings[0] = "6.18.44";
	m->i.strings[1] = "#1 SMP ctk fixture";
	m->i.strings[2] = "x86_64";
	m->i.offset = 1;
	m->i.nr_pids = 7;
	for (int p = 0; p < 7; p++) {
		m->depth[p] = base_depth[p];
		m->start[p] = at;
		for (uint32_t k = 0; k <= base_depth[p]; k++)
			m->nums[at++] = base_nums[p][k];
		m->i.nr_vpids += base_depth[p];
	}
	m->i.nr_tasks = 6;
	memcpy(m->tasks, base_tasks, sizeof(base_tasks));
	m->i.pid_depth = m->depth;
	m->i.pid_start = m->start;
	m->i.numbers = m->nums;
	m->i.tasks = m->tasks;
}

static void add_pid(struct img *m, uint32_t depth, const uint32_t *nums)
{
	uint64_t at = m->start[m->i.nr_pids - 1] +
		      m->depth[m->i.nr_pids - 1] + 1;

	m->depth[m->i.nr_pids] = depth;
	m->start[m->i.nr_pids] = at;
	memcpy(m->nums + at, nums, 4 * (depth + 1));
	m->i.nr_pids++;
	m->i.nr_vpids += depth;
}

static void save(const char *name, const uint8_t *b, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.img", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void emit(const char *name, struct img *m)
{
	uint8_t *b;
	size_t len;

	if (ctk_ckpt_encode(&m->i, &b, &len))
		exit(1);
	save(name, b, len);
	free(b);
}

static uint32_t g32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void p32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* offset of the nth (0-based) record of @type */
static size_t rec(const uint8_t *b, size_t len, uint32_t type, int nth)
{
	for (size_t off = 0; off + 8 <= len;
	     off = (off + g32(b + off + 4) + 7) & ~(size_t)7)
		if (g32(b + off) == type && nth-- == 0)
			return off;
	fprintf(stderr, "no record %u\n", type);
	exit(1);
}

static void fix_tail(uint8_t *b, size_t len)
{
	size_t t = rec(b, len, CKPT_HDR_TAIL, 0);

	p32(b + t + 16, ctk_crc32c(0, b, t));
}

/* encode the base, let @patch change bytes, optionally fix the CRC */
static void framing(const char *name, void (*patch)(uint8_t **, size_t *),
		    int crc)
{
	struct img m;
	uint8_t *b;
	size_t len;

	base(&m);
	ctk_ckpt_encode(&m.i, &b, &len);
	patch(&b, &len);
	if (crc)
		fix_tail(b, len);
	save(name, b, len);
	free(b);
}

#define PATCH(fn) static void fn(uint8_t **bp CTK_ATTR_UNUSED, \
				 size_t *lenp CTK_ATTR_UNUSED)
#define B (*bp)
#define LEN (*lenp)

PATCH(p_short) { LEN = 95; }
PATCH(p_first) { p32(B, CKPT_HDR_STRING); }
PATCH(p_len4) { p32(B + rec(B, LEN, CKPT_HDR_STRING, 0) + 4, 4); }
PATCH(p_past) { p32(B + rec(B, LEN, CKPT_HDR_STRING, 0) + 4, 1u << 30); }
PATCH(p_pad) {
	size_t s = rec(B, LEN, CKPT_HDR_STRING, 1);	/* 19 bytes: padded */

	B[s + g32(B + s + 4)] = 'x';	/* the first padding byte */
}
PATCH(p_hdrlen) { p32(B + 4, 72); }
PATCH(p_magic) { B[9] = 'X'; }
PATCH(p_order) { B[16] = 1; B[17] = 2; B[18] = 3; B[19] = 4; }
PATCH(p_major) { B[20] = 2; }
PATCH(p_reserved) { B[26] = 1; }
PATCH(p_reserved64) { B[60] = 1; }
PATCH(p_flags) { p32(B + 28, 4); }
PATCH(p_maxdepth) { p32(B + 44, 32); }
PATCH(p_strnonul) {
	size_t s = rec(B, LEN, CKPT_HDR_STRING, 2);

	B[s + g32(B + s + 4) - 1] = 'x';
}
PATCH(p_strctl) { B[rec(B, LEN, CKPT_HDR_STRING, 1) + 9] = '\n'; }
PATCH(p_strnul) { B[rec(B, LEN, CKPT_HDR_STRING, 1) + 9] = '\0'; }
PATCH(p_nostring) {
	/* the third STRING becomes an optional record: PIDS comes too soon */
	p32(B + rec(B, LEN, CKPT_HDR_STRING, 2), 0x80001000);
}

/* a new record of @type with @plen zero bytes, before PIDS; the tail's
 * count and offset follow (the caller fixes the CRC) */
static void insert_record(uint8_t **bp, size_t *lenp, uint32_t type,
			  size_t plen)
{
	size_t at = rec(B, LEN, CKPT_HDR_PIDS, 0);
	size_t add = (8 + plen + 7) & ~(size_t)7, t;

	B = realloc(B, LEN + add);
	memmove(B + at + add, B + at, LEN - at);
	memset(B + at, 0, add);
	p32(B + at, type);
	p32(B + at + 4, (uint32_t)(8 + plen));
	LEN += add;
	t = rec(B, LEN, CKPT_HDR_TAIL, 0);
	p32(B + t + 20, g32(B + t + 20) + 1);
	p32(B + t + 24, (uint32_t)t);
}
PATCH(p_unknown) { insert_record(bp, lenp, 0x1000, 8); }
PATCH(p_nsmax_early) {
	/* a well-formed NSMAX (one entry: tag 1, 50000) before the PIDS */
	size_t at;

	insert_record(bp, lenp, CKPT_HDR_NSMAX, 16);
	at = rec(B, LEN, CKPT_HDR_NSMAX, 0);
	p32(B + at + 8, 1);
	p32(B + at + 16, 1);
	p32(B + at + 20, 50000);
}
PATCH(p_optional) {
	/* harmless: an unknown optional record is skipped */
	insert_record(bp, lenp, 0x80001000, 12);
}
/* 16, not 28: a longer one would be caught by its padding first */
PATCH(p_pidslen) { p32(B + rec(B, LEN, CKPT_HDR_PIDS, 0) + 4, 16); }
PATCH(p_nrpids0) { p32(B + rec(B, LEN, CKPT_HDR_PIDS, 0) + 8, 0); }
PATCH(p_nrpidsbig) { p32(B + rec(B, LEN, CKPT_HDR_PIDS, 0) + 8, 4194305); }
PATCH(p_nrvpids) { p32(B + rec(B, LEN, CKPT_HDR_PIDS, 0) + 12, 7 * 31 + 1); }
PATCH(p_pidoff) { p32(B + rec(B, LEN, CKPT_HDR_PIDS, 0) + 16, 2); }
PATCH(p_pidres) { p32(B + rec(B, LEN, CKPT_HDR_PIDS, 0) + 20, 1); }
PATCH(p_pidsize) { p32(B + rec(B, LEN, CKPT_HDR_PIDS, 0) + 8, 6); }
PATCH(p_piddepth) {
	/* the first entry claims depth 2 over max_depth 1 */
	p32(B + rec(B, LEN, CKPT_HDR_BUFFER, 0) + 8, 2);
}
PATCH(p_pidzero) { p32(B + rec(B, LEN, CKPT_HDR_BUFFER, 0) + 12, 0); }
PATCH(p_pidbig) { p32(B + rec(B, LEN, CKPT_HDR_BUFFER, 0) + 12, 4194304); }
PATCH(p_pidpast) {
	/* the last entry (pid 7, depth 0) claims depth 1: past the end */
	size_t b = rec(B, LEN, CKPT_HDR_BUFFER, 0);

	p32(B + b + g32(B + b + 4) - 8, 1);
}
PATCH(p_treelen) { p32(B + rec(B, LEN, CKPT_HDR_TREE, 0) + 4, 12); }
PATCH(p_ntasks0) { p32(B + rec(B, LEN, CKPT_HDR_TREE, 0) + 8, 0); }
PATCH(p_ntasksover) { p32(B + rec(B, LEN, CKPT_HDR_TREE, 0) + 8, 8); }
PATCH(p_treeres) { p32(B + rec(B, LEN, CKPT_HDR_TREE, 0) + 12, 1); }
PATCH(p_treesize) { p32(B + rec(B, LEN, CKPT_HDR_TREE, 0) + 8, 5); }
PATCH(p_nopidbuf) {
	/* the PIDS BUFFER turns into a TREE: PIDS without its BUFFER */
	p32(B + rec(B, LEN, CKPT_HDR_BUFFER, 0), CKPT_HDR_TREE);
}
PATCH(p_twoheaders) { p32(B + rec(B, LEN, CKPT_HDR_TREE, 0), CKPT_HDR_HEADER); }
PATCH(p_notail) { LEN = rec(B, LEN, CKPT_HDR_TAIL, 0); }
PATCH(p_taillen) {
	size_t t = rec(B, LEN, CKPT_HDR_TAIL, 0);

	B = realloc(B, LEN + 8);
	memset(B + LEN, 0, 8);
	LEN += 8;
	p32(B + t + 4, 40);
}
PATCH(p_trailing) {
	B = realloc(B, LEN + 8);
	memset(B + LEN, 0, 8);
	LEN += 8;
}
PATCH(p_tailmagic) { B[rec(B, LEN, CKPT_HDR_TAIL, 0) + 8] ^= 1; }
PATCH(p_tailoff) { B[rec(B, LEN, CKPT_HDR_TAIL, 0) + 24] ^= 8; }
PATCH(p_tailnrec) { B[rec(B, LEN, CKPT_HDR_TAIL, 0) + 20] ^= 1; }
PATCH(p_crc) { B[rec(B, LEN, CKPT_HDR_STRING, 1) + 9] ^= 1; }
PATCH(p_cut) { LEN = rec(B, LEN, CKPT_HDR_TREE, 0) + 12; }

static void failed_image(void)
{
	/* HEADER, ERROR, STRING, TAIL: what a failed checkpoint leaves */
	uint8_t b[256] = { 0 };
	size_t off;
	struct img m;
	uint8_t *e;
	size_t elen;

	base(&m);
	ctk_ckpt_encode(&m.i, &e, &elen);
	memcpy(b, e, 64);
	free(e);
	p32(b + 64, CKPT_HDR_ERROR);
	p32(b + 68, 8);
	p32(b + 72, CKPT_HDR_STRING);
	p32(b + 76, 8 + 23);
	memcpy(b + 80, "task 42 did not freeze", 23);
	off = 104;
	p32(b + off, CKPT_HDR_TAIL);
	p32(b + off + 4, 32);
	p32(b + off + 8, 0xc0deef00);
	p32(b + off + 12, 0x002d2a0c);
	p32(b + off + 20, 3);
	p32(b + off + 24, (uint32_t)off);
	p32(b + off + 16, ctk_crc32c(0, b, off));
	save("failed", b, off + 32);
}

int main(int argc, char **argv)
{
	struct img m;

	dir = argc > 1 ? argv[1] : ".";
	/* valid */
	base(&m);
	emit("valid-container", &m);
	base(&m);
	m.i.uflags = CKPT_UFLAG_SUBTREE;
	m.tasks[1].vpgid = 0;	/* a group led from outside */
	m.tasks[1].vsid = 0;
	m.tasks[2].vppid = 0;	/* a forest: its parent is not in it */
	m.tasks[3].vppid = 0;
	emit("valid-subtree", &m);
	/* valid, but no machine with pid_max <= 4194303 can give pid 7 */
	m.nums[m.start[6]] = 4194303;
	emit("valid-pid-over-max", &m);
	framing("valid-optional", p_optional, 1);
	/* the base tree with its pid objects in the reverse order (tags
	 * 1..7 become 7..1): cckpt diff says it is the same tree */
	base(&m);
	{
		uint64_t at = 0;

		for (int p = 0; p < 7; p++) {
			m.depth[p] = base_depth[6 - p];
			m.start[p] = at;
			for (uint32_t k = 0; k <= m.depth[p]; k++)
				m.nums[at++] = base_nums[6 - p][k];
		}
		for (int k = 0; k < 6; k++) {
			struct ckpt_task *t = &m.tasks[k];

			t->vpid = 8 - t->vpid;
			t->vppid = t->vppid ? 8 - t->vppid : 0;
			t->vtgid = 8 - t->vtgid;
			t->vpgid = t->vpgid ? 8 - t->vpgid : 0;
			t->vsid = t->vsid ? 8 - t->vsid : 0;
		}
	}
	emit("valid-permuted", &m);
	failed_image();
	/* NSMAX: the pid_max of the two namespaces (their inits' tags) */
	{
		struct ckpt_nsmax ns[2] = { { 1, 50000 }, { 5, 100000 } };

		base(&m);
		m.i.nsmax = ns;
		m.i.nr_nsmax = 2;
		emit("valid-nsmax", &m);
		ns[1].tag = 3;		/* not pid 1 of a namespace */
		emit("nsmax-not-init", &m);
		ns[1].tag = 1;
		emit("nsmax-twice", &m);
		ns[1] = (struct ckpt_nsmax){ 5, 0 };
		emit("nsmax-zero", &m);
	}
	framing("nsmax-order", p_nsmax_early, 1);

	/* framing */
	framing("short", p_short, 0);
	framing("first-not-header", p_first, 0);
	framing("len-under-8", p_len4, 0);
	framing("len-past-end", p_past, 0);
	framing("padding", p_pad, 0);
	framing("header-len", p_hdrlen, 0);
	framing("magic", p_magic, 0);
	framing("byte-order", p_order, 0);
	framing("major", p_major, 0);
	framing("header-reserved", p_reserved, 0);
	framing("header-reserved64", p_reserved64, 0);
	framing("flags", p_flags, 0);
	framing("max-depth", p_maxdepth, 0);
	framing("string-no-nul", p_strnonul, 0);
	framing("string-control", p_strctl, 0);
	framing("string-nul", p_strnul, 0);
	framing("string-missing", p_nostring, 0);
	framing("unknown-required", p_unknown, 1);
	framing("pids-len", p_pidslen, 0);
	framing("nr-pids-zero", p_nrpids0, 0);
	framing("nr-pids-big", p_nrpidsbig, 0);
	framing("nr-vpids", p_nrvpids, 0);
	framing("pids-offset", p_pidoff, 0);
	framing("pids-reserved", p_pidres, 0);
	framing("pid-buffer-size", p_pidsize, 0);
	framing("pid-depth", p_piddepth, 0);
	framing("pid-zero", p_pidzero, 0);
	framing("pid-big", p_pidbig, 0);
	framing("pid-past", p_pidpast, 0);
	framing("tree-len", p_treelen, 0);
	framing("nr-tasks-zero", p_ntasks0, 0);
	framing("nr-tasks-over", p_ntasksover, 0);
	framing("tree-reserved", p_treeres, 0);
	framing("tree-buffer-size", p_treesize, 0);
	framing("pids-no-buffer", p_nopidbuf, 0);
	framing("two-headers", p_twoheaders, 0);
	framing("no-tail", p_notail, 0);
	framing("tail-len", p_taillen, 0);
	framing("trailing", p_trailing, 0);
	framing("tail-magic", p_tailmagic, 0);
	framing("tail-offset", p_tailoff, 0);
	framing("tail-records", p_tailnrec, 0);
	framing("crc", p_crc, 0);
	framing("truncated", p_cut, 0);

	/* the pid walk that does not fill its buffer: 2 pids, nr_vpids 1,
	 * depths 0 and 0 (sizes add up, the walk does not) */
	{
		struct img w;

		base(&w);
		w.i.nr_pids = 2;
		w.i.nr_tasks = 1;
		w.i.nr_vpids = 1;
		w.depth[0] = 0;
		w.depth[1] = 0;
		w.start[1] = 1;
		w.nums[0] = 1;
		w.nums[1] = 2;
		w.nums[2] = 3;
		w.tasks[0] = (struct ckpt_task){ 1, 0, 1, 1, 1, 0 };
		{
			uint8_t *b;
			size_t len;

			ctk_ckpt_encode(&w.i, &b, &len);	/* 16 + 4 bytes */
			save("pid-walk", b, len);
			free(b);
		}
	}

	/* the tree's rules (all with a correct CRC) */
#define TREE(name, stmt) do { base(&m); stmt; emit(name, &m); } while (0)
	TREE("tag-range", m.tasks[2].vpid = 99);
	TREE("tgid-zero", m.tasks[2].vtgid = 0);
	TREE("pgrp-zero", m.tasks[1].vpgid = 0);
	TREE("forest-in-container", m.tasks[2].vppid = 0);
	TREE("task0-parent", m.tasks[0].vppid = 2);
	TREE("depth-mismatch", m.tasks[2].depth = 1);
	TREE("vpid-twice", (m.tasks[1].vpid = 3, m.tasks[1].vtgid = 3,
			    m.tasks[1].vpgid = 3, m.tasks[1].vsid = 3));
	TREE("root-not-1", m.nums[0] = 9);
	TREE("thread-no-leader", (m.tasks[2] = base_tasks[3],
				  m.tasks[3] = base_tasks[2]));
	TREE("thread-differs", m.tasks[3].vpgid = 2);
	TREE("parent-later", (m.tasks[4] = base_tasks[5],
			      m.tasks[5] = base_tasks[4]));
	TREE("parent-thread", m.tasks[5].vppid = 4);
	TREE("parent-self", m.tasks[4].vppid = m.tasks[4].vpid);
	TREE("ns-init-not-1", (m.nums[m.start[4] + 1] = 3));
	TREE("session-pgrp", m.tasks[1].vpgid = 1);
	TREE("pgrp-two-sessions", m.tasks[2].vsid = 2);
	TREE("pid-dup-level0", m.nums[m.start[6]] = 3);
	TREE("pid-dup-inner", m.nums[m.start[5] + 1] = 1);
	/* depth 2 under a parent at depth 0 */
	{
		const uint32_t n[] = { 8, 1, 1 };

		base(&m);
		m.i.max_depth = 2;
		add_pid(&m, 2, n);
		m.tasks[m.i.nr_tasks++] = (struct ckpt_task){ 8, 1, 8, 1, 1, 2 };
		emit("depth-jump", &m);
	}
	/* a forest root at depth 1 (subtree) */
	{
		base(&m);
		m.i.uflags = CKPT_UFLAG_SUBTREE;
		m.tasks[4].vppid = 0;	/* pid 5, at depth 1, with no parent */
		emit("forest-depth", &m);
	}
	/* a pgrp object deeper than its task */
	TREE("pgrp-deeper", (m.tasks[2].vpgid = 6, m.tasks[3].vpgid = 6));
	/* a pid object unused by any task */
	{
		const uint32_t n[] = { 9 };

		base(&m);
		add_pid(&m, 0, n);
		emit("unreferenced", &m);
	}
	/* one pgrp object in two sibling pid namespaces */
	{
		const uint32_t n8[] = { 8, 1 }, n9[] = { 9, 3 };

		base(&m);
		add_pid(&m, 1, n8);	/* tag 8: init of a second namespace */
		add_pid(&m, 1, n9);	/* tag 9: pgrp at depth 1 */
		m.tasks[5].vpgid = 9;	/* task 6 (namespace of 5) in it */
		m.tasks[m.i.nr_tasks++] = (struct ckpt_task){ 8, 1, 8, 9, 1, 1 };
		emit("pid-two-namespaces", &m);
	}
	/* valid, and restore refuses it: task 2 is in the session of its
	 * sibling task 1 (a double fork, which restore makes through a
	 * relay), but task 5, at depth 1, is in group 7 of the outer
	 * namespace, which its parent has left (only a setpgid by the
	 * grandparent on the parent makes that) */
	TREE("unrestorable", (m.tasks[2].vsid = 2, m.tasks[2].vpgid = 2,
			      m.tasks[3].vsid = 2, m.tasks[3].vpgid = 2));
	/* valid, and no process tree has it: tasks 2 and 3, in the init's
	 * session, each lead a group that only the other is in (the leader
	 * of 2 lives in 3, the leader of 3 in 2): restore refuses it
	 * before any fork */
	{
		base(&m);
		m.i.max_depth = 0;
		m.i.nr_pids = 3;
		m.i.nr_vpids = 0;
		m.i.nr_tasks = 3;
		for (int p = 0; p < 3; p++) {
			m.depth[p] = 0;
			m.start[p] = (uint64_t)p;
			m.nums[p] = (uint32_t)p + 1;
		}
		m.tasks[0] = (struct ckpt_task){ 1, 0, 1, 1, 1, 0 };
		m.tasks[1] = (struct ckpt_task){ 2, 1, 2, 3, 1, 0 };
		m.tasks[2] = (struct ckpt_task){ 3, 1, 3, 2, 1, 0 };
		emit("group-cycle", &m);
	}
	return 0;
}
