/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The checkpoint image reader and writer. The reader takes any byte
 * sequence: 64-bit arithmetic with overflow checks, sizes checked before
 * anything is allocated, iterative walks only (a 4-million-long parent
 * chain is valid-looking input), and every rejection names the record, the
 * byte offset and the rule.
 */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>

#include "ctk/ckpt.h"
#include "ctk/path.h"
#include "internal.h"

/* ---- little-endian fields ----------------------------------------------- */

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~(uint64_t)7;
}

/* ---- CRC-32C ------------------------------------------------------------ */

/* Filled once (pthread_once): a caller's threads may all ask at once. */
static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
					  crc_table[0][crc_table[t - 1][i] & 0xff];
}

uint32_t ctk_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	pthread_once(&crc_once, crc_init);
	crc = ~crc;
	while (len >= 8) {	/* slicing by 8 */
		uint32_t a = crc ^ le32(p), b = le32(p + 4);

		crc = crc_table[7][a & 0xff] ^ crc_table[6][(a >> 8) & 0xff] ^
		      crc_table[5][(a >> 16) & 0xff] ^ crc_table[4][a >> 24] ^
		      crc_table[3][b & 0xff] ^ crc_table[2][(b >> 8) & 0xff] ^
		      crc_table[1][(b >> 16) & 0xff] ^ crc_table[0][b >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

/* ---- reading ------------------------------------------------------------ */

static const char *type_name(uint32_t type, char *buf, size_t size)
{
	switch (type) {
	case CKPT_HDR_HEADER: return "HEADER";
	case CKPT_HDR_BUFFER: return "BUFFER";
	case CKPT_HDR_STRING: return "STRING";
	case CKPT_HDR_PIDS: return "PIDS";
	case CKPT_HDR_TREE: return "TREE";
	case CKPT_HDR_TAIL: return "TAIL";
	case CKPT_HDR_ERROR: return "ERROR";
	case CKPT_HDR_NSMAX: return "NSMAX";
	}
	snprintf(buf, size, "type %#x", type);
	return buf;
}

#define REJECT(e, type, off, ...) reject(e, type, off, __VA_ARGS__)

__attribute__((format(printf, 4, 5)))
static int reject(struct ctk_err *e, uint32_t type, uint64_t off,
		  const char *fmt, ...)
{
	char rule[200], tn[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rule, sizeof(rule), fmt, ap);
	va_end(ap);
	if (type == 0)
		return ctk_err_setx(e, EINVAL, "file: %s", rule);
	return ctk_err_setx(e, EINVAL, "record %s at offset %llu: %s",
			   type_name(type, tn, sizeof(tn)),
			   (unsigned long long)off, rule);
}

void ctk_ckpt_free(struct ckpt_image *img)
{
	for (int i = 0; i < 3; i++)
		free(img->strings[i]);
	free(img->pid_depth);
	free(img->pid_start);
	free(img->numbers);
	free(img->tasks);
	free(img->nsmax);
	free(img->error);
	memset(img, 0, sizeof(*img));
}

const uint32_t *ctk_ckpt_pid(const struct ckpt_image *img, uint32_t tag,
			     uint32_t *depth)
{
	uint64_t i;

	if (tag < img->offset || (uint64_t)tag - img->offset >= img->nr_pids)
		return NULL;
	i = tag - img->offset;
	if (depth)
		*depth = img->pid_depth[i];
	return img->numbers + img->pid_start[i];
}

static int parse_header(const uint8_t *r, uint64_t off, uint32_t rlen,
			struct ckpt_image *img, struct ctk_err *e)
{
	uint32_t order;

	if (rlen != 64)
		return REJECT(e, CKPT_HDR_HEADER, off, "length %u, not 64", rlen);
	if (memcmp(r + 8, CKPT_MAGIC, 8))
		return REJECT(e, CKPT_HDR_HEADER, off, "bad magic");
	order = le32(r + 16);
	if (order != CKPT_BYTE_ORDER)
		return REJECT(e, CKPT_HDR_HEADER, off, "wrong byte order");
	img->major = le16(r + 20);
	img->minor = le16(r + 22);
	img->arch_id = le16(r + 24);
	if (img->major != CKPT_FORMAT_MAJOR)
		return REJECT(e, CKPT_HDR_HEADER, off, "format %u.%u: only "
			      "major 1 is read", img->major, img->minor);
	if (le16(r + 26) || le32(r + 52) || le64(r + 56))
		return REJECT(e, CKPT_HDR_HEADER, off, "reserved field not "
			      "zero");
	img->uflags = le32(r + 28);
	if (img->uflags & ~CKPT_UFLAG_SUBTREE)
		return REJECT(e, CKPT_HDR_HEADER, off, "unknown flags %#x",
			      img->uflags & ~CKPT_UFLAG_SUBTREE);
	img->time_sec = le64(r + 32);
	img->kernel_version = le32(r + 40);
	img->max_depth = le32(r + 44);
	img->pid_max = le32(r + 48);
	if (img->max_depth > CKPT_MAX_DEPTH)
		return REJECT(e, CKPT_HDR_HEADER, off, "max_depth %u over %d",
			      img->max_depth, CKPT_MAX_DEPTH);
	return 0;
}

static int parse_string(const uint8_t *p, uint32_t plen, uint64_t off,
			char **out, struct ctk_err *e)
{
	if (plen == 0 || plen > CKPT_STRING_MAX)
		return REJECT(e, CKPT_HDR_STRING, off, "payload of %u bytes "
			      "(1 to %d)", plen, CKPT_STRING_MAX);
	if (p[plen - 1] != '\0')
		return REJECT(e, CKPT_HDR_STRING, off, "not NUL-terminated");
	for (uint32_t i = 0; i + 1 < plen; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return REJECT(e, CKPT_HDR_STRING, off, "byte %u is not "
				      "printable (%#x)", i, p[i]);
	*out = strdup((const char *)p);
	return *out ? 0 : ctk_err_setx(e, ENOMEM, "out of memory");
}

static int parse_pids(const uint8_t *r, uint64_t off, uint32_t rlen,
		      struct ckpt_image *img, struct ctk_err *e)
{
	if (rlen != 24)
		return REJECT(e, CKPT_HDR_PIDS, off, "length %u, not 24", rlen);
	img->nr_pids = le32(r + 8);
	img->nr_vpids = le32(r + 12);
	img->offset = le32(r + 16);
	if (img->nr_pids < 1 || img->nr_pids > CKPT_MAX_PIDS)
		return REJECT(e, CKPT_HDR_PIDS, off, "nr_pids %u out of range "
			      "(1 to %u)", img->nr_pids, CKPT_MAX_PIDS);
	if ((uint64_t)img->nr_vpids > (uint64_t)CKPT_MAX_DEPTH * img->nr_pids)
		return REJECT(e, CKPT_HDR_PIDS, off, "nr_vpids %u over 31 per "
			      "pid", img->nr_vpids);
	if (img->offset != 1)
		return REJECT(e, CKPT_HDR_PIDS, off, "offset %u, not 1",
			      img->offset);
	if (le32(r + 20))
		return REJECT(e, CKPT_HDR_PIDS, off, "reserved field not zero");
	return 0;
}

static int parse_pid_buffer(const uint8_t *p, uint32_t plen, uint64_t off,
			    struct ckpt_image *img, struct ctk_err *e)
{
	uint64_t want = 8ull * img->nr_pids + 4ull * img->nr_vpids;
	uint64_t pos = 0, at = 0, sum = 0;

	if (plen != want)
		return REJECT(e, CKPT_HDR_BUFFER, off, "pid buffer of %u bytes, "
			      "PIDS says %llu", plen, (unsigned long long)want);
	img->pid_depth = malloc(sizeof(uint32_t) * img->nr_pids);
	img->pid_start = malloc(sizeof(uint64_t) * img->nr_pids);
	img->numbers = malloc(sizeof(uint32_t) *
			      ((uint64_t)img->nr_pids + img->nr_vpids));
	if (!img->pid_depth || !img->pid_start || !img->numbers)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	for (uint32_t i = 0; i < img->nr_pids; i++) {
		uint64_t eoff = off + 8 + pos;
		uint32_t depth;

		if (pos + 4 > plen)
			return REJECT(e, CKPT_HDR_BUFFER, eoff, "pid %u runs "
				      "past the buffer", i + img->offset);
		depth = le32(p + pos);
		if (depth > img->max_depth)
			return REJECT(e, CKPT_HDR_BUFFER, eoff, "pid %u: depth "
				      "%u over max_depth %u", i + img->offset,
				      depth, img->max_depth);
		if (pos + 4 + 4ull * (depth + 1) > plen)
			return REJECT(e, CKPT_HDR_BUFFER, eoff, "pid %u runs "
				      "past the buffer", i + img->offset);
		sum += depth;
		if (sum > img->nr_vpids)
			return REJECT(e, CKPT_HDR_BUFFER, eoff, "depths add up "
				      "to more than nr_vpids %u",
				      img->nr_vpids);
		img->pid_depth[i] = depth;
		img->pid_start[i] = at;
		for (uint32_t k = 0; k <= depth; k++) {
			uint32_t v = le32(p + pos + 4 + 4ull * k);

			if (v < 1 || v > CKPT_PID_LIMIT)
				return REJECT(e, CKPT_HDR_BUFFER, eoff, "pid %u: "
					      "number %u at level %u out of "
					      "range (1 to %u)",
					      i + img->offset, v, k,
					      CKPT_PID_LIMIT);
			img->numbers[at++] = v;
		}
		pos += 4 + 4ull * (depth + 1);
	}
	if (pos != plen || sum != img->nr_vpids)
		return REJECT(e, CKPT_HDR_BUFFER, off, "the entries do not fill "
			      "the buffer exactly (depths add up to %llu, "
			      "nr_vpids %u)", (unsigned long long)sum,
			      img->nr_vpids);
	return 0;
}

static int parse_tree(const uint8_t *r, uint64_t off, uint32_t rlen,
		      struct ckpt_image *img, struct ctk_err *e)
{
	if (rlen != 16)
		return REJECT(e, CKPT_HDR_TREE, off, "length %u, not 16", rlen);
	img->nr_tasks = le32(r + 8);
	if (img->nr_tasks < 1 || img->nr_tasks > img->nr_pids)
		return REJECT(e, CKPT_HDR_TREE, off, "nr_tasks %u out of range "
			      "(1 to nr_pids %u)", img->nr_tasks, img->nr_pids);
	if (le32(r + 12))
		return REJECT(e, CKPT_HDR_TREE, off, "reserved field not zero");
	return 0;
}

static int parse_tree_buffer(const uint8_t *p, uint32_t plen, uint64_t off,
			     struct ckpt_image *img, struct ctk_err *e)
{
	uint64_t want = 24ull * img->nr_tasks;

	if (plen != want)
		return REJECT(e, CKPT_HDR_BUFFER, off, "task buffer of %u bytes, "
			      "TREE says %llu", plen, (unsigned long long)want);
	img->tasks = malloc(sizeof(*img->tasks) * img->nr_tasks);
	if (!img->tasks)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	for (uint32_t i = 0; i < img->nr_tasks; i++) {
		const uint8_t *q = p + 24ull * i;

		img->tasks[i] = (struct ckpt_task){
			le32(q), le32(q + 4), le32(q + 8), le32(q + 12),
			le32(q + 16), le32(q + 20) };
	}
	return 0;
}

enum state {
	S_HEADER, S_STRINGS, S_ERROR_STRING, S_BEFORE_PIDS, S_PIDS_BUFFER,
	S_BEFORE_TREE, S_TREE_BUFFER, S_BEFORE_TAIL, S_DONE,
};

/* The walk over the records. */
struct pstate {
	const uint8_t *b;
	size_t len;
	struct ckpt_image *img;
	struct ctk_err *e;
	enum state st;
	uint32_t nrec, nstrings;
	uint64_t *pids_buf, *tree_buf;
	uint64_t nsmax_off;	/* the NSMAX record's offset, once read */
};

/* The record at @off: type and length in the file, padding zero up to
 * the next one (*next). */
static int frame(const struct pstate *ps, uint64_t off, uint32_t *type,
		 uint32_t *rlen, uint64_t *next)
{
	const uint8_t *r = ps->b + off;
	struct ctk_err *e = ps->e;

	if (off == ps->len)
		return REJECT(e, 0, off, "ends at offset %llu without a TAIL",
			      (unsigned long long)off);
	if (off + 8 > ps->len)
		return REJECT(e, 0, off, "record header at offset %llu cut "
			      "short", (unsigned long long)off);
	*type = le32(r);
	*rlen = le32(r + 4);
	if (*rlen < 8)
		return REJECT(e, *type, off, "length %u under 8", *rlen);
	if (off + *rlen > ps->len)
		return REJECT(e, *type, off, "length %u runs past the end of the "
			      "file", *rlen);
	*next = align8(off + *rlen);
	if (*type == CKPT_HDR_TAIL)
		return 0;	/* the end: no padding after it */
	if (*next > ps->len)
		return REJECT(e, *type, off, "padding runs past the end of the "
			      "file");
	for (uint64_t k = off + *rlen; k < *next; k++)
		if (ps->b[k])
			return REJECT(e, *type, off, "padding byte at %llu not "
				      "zero", (unsigned long long)k);
	return 0;
}

/* The tail: the last 32 bytes, its magic, offset, record count, CRC. */
static int parse_tail(const struct pstate *ps, const uint8_t *r, uint64_t off,
		      uint32_t rlen)
{
	struct ctk_err *e = ps->e;
	uint32_t type = CKPT_HDR_TAIL;

	if (rlen != 32)
		return REJECT(e, type, off, "length %u, not 32", rlen);
	if (off + 32 != ps->len)
		return REJECT(e, type, off, "%llu bytes follow the tail",
			      (unsigned long long)(ps->len - off - 32));
	if (le64(r + 8) != CKPT_TAIL_MAGIC)
		return REJECT(e, type, off, "bad magic");
	if (le64(r + 24) != off)
		return REJECT(e, type, off, "image_len %llu, not its offset",
			      (unsigned long long)le64(r + 24));
	if (le32(r + 20) != ps->nrec)
		return REJECT(e, type, off, "nr_records %u, the image has %u",
			      le32(r + 20), ps->nrec);
	if (le32(r + 16) != ctk_crc32c(0, ps->b, off))
		return REJECT(e, type, off, "CRC-32C mismatch");
	return 0;
}

/*
 * NSMAX: le32 count, le32 reserved, then count pairs (le32 tag, le32
 * pid_max), after the TREE's BUFFER, at most once. The tags are checked
 * against the pids with the tree (rule_nsmax).
 */
static int parse_nsmax(struct pstate *ps, const uint8_t *r, uint64_t off,
		       uint32_t rlen)
{
	struct ckpt_image *img = ps->img;
	struct ctk_err *e = ps->e;
	uint32_t type = CKPT_HDR_NSMAX, n;

	if (ps->st != S_BEFORE_TAIL || img->nsmax)
		return REJECT(e, type, off, "out of order: after the TREE's "
			      "BUFFER, once");
	if (rlen < 16)
		return REJECT(e, type, off, "length %u, under 16", rlen);
	n = le32(r + 8);
	if (le32(r + 12))
		return REJECT(e, type, off, "reserved field not zero");
	if (n == 0 || n > img->nr_tasks)
		return REJECT(e, type, off, "%u namespaces (1 to nr_tasks %u)",
			      n, img->nr_tasks);
	if (rlen != 16 + 8ull * n)
		return REJECT(e, type, off, "length %u, not 16 + 8 * %u", rlen,
			      n);
	img->nsmax = malloc(sizeof(*img->nsmax) * n);
	if (!img->nsmax)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	ps->nsmax_off = off;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *q = r + 16 + 8ull * i;

		img->nsmax[i].tag = le32(q);
		img->nsmax[i].pid_max = le32(q + 4);
		if (!img->nsmax[i].pid_max ||
		    img->nsmax[i].pid_max > CKPT_MAX_PIDS)
			return REJECT(e, type, off, "pid_max %u (1 to %u)",
				      img->nsmax[i].pid_max, CKPT_MAX_PIDS);
		img->nr_nsmax++;
	}
	return 0;
}

/* Between the fixed records: optional ones skipped, the one expected
 * next parsed, anything else refused. */
static int parse_between(struct pstate *ps, uint32_t type, const uint8_t *r,
			 uint64_t off, uint32_t rlen)
{
	struct ctk_err *e = ps->e;
	int rc;

	if (type == CKPT_HDR_NSMAX)
		return parse_nsmax(ps, r, off, rlen);
	if (type & CKPT_HDR_OPTIONAL)
		return 0;	/* unknown optional: skipped */
	if (ps->st == S_BEFORE_PIDS && type == CKPT_HDR_PIDS) {
		rc = parse_pids(r, off, rlen, ps->img, e);
		ps->st = S_PIDS_BUFFER;
		return rc;
	}
	if (ps->st == S_BEFORE_TREE && type == CKPT_HDR_TREE) {
		rc = parse_tree(r, off, rlen, ps->img, e);
		ps->st = S_TREE_BUFFER;
		return rc;
	}
	if (ps->st == S_BEFORE_TAIL && type == CKPT_HDR_TAIL) {
		rc = parse_tail(ps, r, off, rlen);
		ps->st = S_DONE;
		return rc;
	}
	if (type == CKPT_HDR_HEADER || type == CKPT_HDR_PIDS ||
	    type == CKPT_HDR_TREE || type == CKPT_HDR_TAIL ||
	    type == CKPT_HDR_STRING || type == CKPT_HDR_BUFFER ||
	    type == CKPT_HDR_ERROR)
		return REJECT(e, type, off, "out of order");
	return REJECT(e, type, off, "unknown required record type");
}

/* One record, in the state the walk is in. */
static int parse_record(struct pstate *ps, uint32_t type, uint64_t off,
			uint32_t rlen)
{
	const uint8_t *r = ps->b + off, *p = r + 8;
	uint32_t plen = rlen - 8;
	struct ctk_err *e = ps->e;
	int rc;

	switch (ps->st) {
	case S_HEADER:
		if (type != CKPT_HDR_HEADER)
			return REJECT(e, type, off, "the first record must be "
				      "HEADER");
		ps->st = S_STRINGS;
		return parse_header(r, off, rlen, ps->img, e);
	case S_STRINGS:
		if (type == CKPT_HDR_ERROR && ps->nstrings == 0) {
			ps->img->failed = true;
			ps->st = S_ERROR_STRING;
			return 0;
		}
		if (type != CKPT_HDR_STRING)
			return REJECT(e, type, off, "out of order: STRING %u of "
				      "3 expected", ps->nstrings + 1);
		rc = parse_string(p, plen, off, &ps->img->strings[ps->nstrings],
				  e);
		if (++ps->nstrings == 3)
			ps->st = S_BEFORE_PIDS;
		return rc;
	case S_ERROR_STRING:
		if (type != CKPT_HDR_STRING)
			return REJECT(e, type, off, "out of order: the STRING of "
				      "an ERROR expected");
		ps->st = S_BEFORE_TAIL;
		return parse_string(p, plen, off, &ps->img->error, e);
	case S_BEFORE_PIDS:
	case S_BEFORE_TREE:
	case S_BEFORE_TAIL:
		return parse_between(ps, type, r, off, rlen);
	case S_PIDS_BUFFER:
	case S_TREE_BUFFER:
		if (type != CKPT_HDR_BUFFER)
			return REJECT(e, type, off, "out of order: the BUFFER of "
				      "%s expected", ps->st == S_PIDS_BUFFER ?
				      "PIDS" : "TREE");
		if (ps->st == S_PIDS_BUFFER) {
			*ps->pids_buf = off;
			ps->st = S_BEFORE_TREE;
			return parse_pid_buffer(p, plen, off, ps->img, e);
		}
		*ps->tree_buf = off;
		ps->st = S_BEFORE_TAIL;
		return parse_tree_buffer(p, plen, off, ps->img, e);
	case S_DONE:
		break;
	}
	return 0;
}

static int parse(const uint8_t *b, size_t len, struct ckpt_image *img,
		 uint64_t *pids_buf, uint64_t *tree_buf, uint64_t *nsmax_off,
		 struct ctk_err *e)
{
	struct pstate ps = { .b = b, .len = len, .img = img, .e = e,
			     .st = S_HEADER, .pids_buf = pids_buf,
			     .tree_buf = tree_buf };
	uint64_t off = 0;

	if (len < CKPT_FILE_MIN)
		return REJECT(e, 0, 0, "%zu bytes: shorter than %d", len,
			      CKPT_FILE_MIN);
	if (len > CKPT_FILE_MAX)
		return REJECT(e, 0, 0, "%zu bytes: larger than the reader's cap "
			      "of %llu", len, CKPT_FILE_MAX);
	while (ps.st != S_DONE) {
		uint32_t type = 0, rlen = 0;	/* set by frame() when it says 0 */
		uint64_t next = 0;
		int rc = frame(&ps, off, &type, &rlen, &next);

		if (!rc)
			rc = parse_record(&ps, type, off, rlen);
		if (rc)
			return rc;
		ps.nrec++;
		off = next;
	}
	*nsmax_off = ps.nsmax_off;
	return 0;
}

/* ---- the tree's rules ----------------------------------------------------- */

struct vstate {
	const struct ckpt_image *img;
	uint64_t tree_off, pids_off, nsmax_off;
	struct ctk_err *e;
};

#define TASK_REJECT(vs, i, ...) \
	reject((vs)->e, CKPT_HDR_BUFFER, (vs)->tree_off + 8 + 24ull * (i), \
	       __VA_ARGS__)

static bool tag_ok(const struct ckpt_image *img, uint32_t tag)
{
	return tag >= img->offset && (uint64_t)tag - img->offset < img->nr_pids;
}

struct nskey {
	uint64_t key;	/* namespace (init task + 1, or 0 for level 0), number */
	uint32_t tag, level;
};

static int cmp_nskey(const void *a, const void *b)
{
	const struct nskey *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* What the tree rules share while they walk the tasks in order. */
struct tstate {
	struct vstate *vs;
	const struct ckpt_image *img;
	bool subtree;
	/* per pid object (index = tag - offset) */
	int64_t *leader;	/* tag -> task index of its process */
	int64_t *thread_of;	/* tag -> task index if a thread */
	int64_t *owner;		/* task defining its namespaces */
	uint32_t *pg_sid;	/* pgrp tag -> session tag */
	uint8_t *used;		/* 1: a task's vpid, 2: named by a task */
	/* per task: namespace chain, init task index per level 1..depth */
	uint64_t *cstart;
	uint32_t *chain;
	uint64_t clen;
};

/* Tags in range; what a container image or its root may not have. */
static int rule_tags(struct tstate *ts, uint32_t i)
{
	const struct ckpt_image *img = ts->img;
	const struct ckpt_task *t = &img->tasks[i];
	const char *why = NULL;

	if (!tag_ok(img, t->vpid))
		why = "vpid";
	else if (!tag_ok(img, t->vtgid))
		why = "vtgid";
	else if (t->vppid && !tag_ok(img, t->vppid))
		why = "vppid";
	else if (t->vpgid && !tag_ok(img, t->vpgid))
		why = "vpgid";
	else if (t->vsid && !tag_ok(img, t->vsid))
		why = "vsid";
	if (why)
		return TASK_REJECT(ts->vs, i, "task %u: %s tag out of range", i,
				   why);
	if (!ts->subtree && (!t->vpgid || !t->vsid))
		return TASK_REJECT(ts->vs, i, "task %u: pgrp or session 0 in a "
				   "container image", i);
	if (t->vppid == 0 && i > 0 && !ts->subtree &&
	    t->vtgid != img->tasks[0].vtgid)	/* the root's threads */
		return TASK_REJECT(ts->vs, i, "task %u: no parent, and only "
				   "subtree images are forests", i);
	if (i == 0 && t->vppid)
		return TASK_REJECT(ts->vs, i, "task 0 has a parent");
	return 0;
}

/* Its pid: the depth it says, used once, 1 for a container's root. */
static int rule_pid(struct tstate *ts, uint32_t i)
{
	const struct ckpt_image *img = ts->img;
	const struct ckpt_task *t = &img->tasks[i];
	uint32_t pdepth = 0;
	const uint32_t *num = ctk_ckpt_pid(img, t->vpid, &pdepth);

	if (t->depth != pdepth)
		return TASK_REJECT(ts->vs, i, "task %u: depth %u, its pid has "
				   "depth %u", i, t->depth, pdepth);
	if (ts->used[t->vpid - img->offset] & 1)
		return TASK_REJECT(ts->vs, i, "task %u: vpid %u used twice", i,
				   t->vpid);
	ts->used[t->vpid - img->offset] |= 1;
	if (i == 0 && !ts->subtree && num[0] != 1)
		return TASK_REJECT(ts->vs, i, "the root of a container image is "
				   "pid %u, not 1", num[0]);
	return 0;
}

/* A thread: its leader came before, with the same everything. */
static int rule_thread(struct tstate *ts, uint32_t i)
{
	const struct ckpt_image *img = ts->img;
	const struct ckpt_task *t = &img->tasks[i], *lt;
	int64_t l = ts->leader[t->vtgid - img->offset];

	if (l < 0)
		return TASK_REJECT(ts->vs, i, "thread %u: no leader before it",
				   i);
	lt = &img->tasks[l];
	if (lt->vppid != t->vppid || lt->vpgid != t->vpgid ||
	    lt->vsid != t->vsid || lt->depth != t->depth)
		return TASK_REJECT(ts->vs, i, "thread %u: parent, pgrp, session "
				   "or depth differ from its leader's", i);
	ts->thread_of[t->vpid - img->offset] = i;
	memcpy(ts->chain + ts->clen, ts->chain + ts->cstart[l],
	       sizeof(*ts->chain) * t->depth);
	return 0;
}

/* A process: its parent came before, in its namespace or the one above
 * (then it is that new namespace's pid 1); its namespace chain. */
static int rule_parent(struct tstate *ts, uint32_t i)
{
	const struct ckpt_image *img = ts->img;
	const struct ckpt_task *t = &img->tasks[i], *pt;
	const uint32_t *num = ctk_ckpt_pid(img, t->vpid, NULL);
	int64_t pi;

	if (t->vppid == t->vpid)
		return TASK_REJECT(ts->vs, i, "task %u: its own parent", i);
	ts->leader[t->vpid - img->offset] = i;
	if (!t->vppid) {
		if (t->depth != 0)
			return TASK_REJECT(ts->vs, i, "task %u: no parent, depth "
					   "%u, not 0", i, t->depth);
		return 0;
	}
	pi = ts->leader[t->vppid - img->offset];
	if (pi < 0)
		return TASK_REJECT(ts->vs, i, "task %u: %s", i,
				   ts->thread_of[t->vppid - img->offset] >= 0 ?
				   "its parent is a thread (threads have no "
				   "children)" : "its parent does not come "
				   "before it");
	pt = &img->tasks[pi];
	if (t->depth != pt->depth && t->depth != pt->depth + 1)
		return TASK_REJECT(ts->vs, i, "task %u: depth %u under a parent "
				   "at depth %u", i, t->depth, pt->depth);
	memcpy(ts->chain + ts->clen, ts->chain + ts->cstart[pi],
	       sizeof(*ts->chain) * pt->depth);
	if (t->depth == pt->depth + 1) {
		if (num[t->depth] != 1)
			return TASK_REJECT(ts->vs, i, "task %u starts a pid "
					   "namespace but is pid %u there, not "
					   "1", i, num[t->depth]);
		ts->chain[ts->clen + t->depth - 1] = i;
	}
	return 0;
}

/* Sessions and groups: a leader leads its group; a group in one session. */
static int rule_groups(struct tstate *ts, uint32_t i)
{
	const struct ckpt_image *img = ts->img;
	const struct ckpt_task *t = &img->tasks[i];
	uint32_t *s;

	if (t->vsid && t->vsid == t->vpid && t->vpgid != t->vpid)
		return TASK_REJECT(ts->vs, i, "task %u: a session leader whose "
				   "pgrp is not itself", i);
	if (!t->vpgid)
		return 0;
	s = &ts->pg_sid[t->vpgid - img->offset];
	if (*s && *s != t->vsid)
		return TASK_REJECT(ts->vs, i, "task %u: pgrp %u lies in two "
				   "sessions", i, t->vpgid);
	*s = t->vsid ? t->vsid : *s;
	return 0;
}

/* Every object it names lies in its namespaces, and in one namespace. */
static int rule_namespaces(struct tstate *ts, uint32_t i)
{
	const struct ckpt_image *img = ts->img;
	const struct ckpt_task *t = &img->tasks[i];
	const uint32_t refs[4] = { t->vpid, t->vtgid, t->vpgid, t->vsid };

	for (int k = 0; k < 4; k++) {
		uint32_t tag = refs[k], od = 0;
		int64_t *o;

		if (!tag)
			continue;
		ts->used[tag - img->offset] |= 2;
		ctk_ckpt_pid(img, tag, &od);
		if (od > t->depth || (k < 2 && od != t->depth))
			return TASK_REJECT(ts->vs, i, "task %u: its %s lies in a "
					   "deeper pid namespace", i, k < 2 ?
					   "tgid" : k == 2 ? "pgrp" : "session");
		o = &ts->owner[tag - img->offset];
		if (*o < 0)
			*o = i;
		else if (od && memcmp(ts->chain + ts->cstart[*o],
				      ts->chain + ts->cstart[i],
				      sizeof(*ts->chain) * od))
			return TASK_REJECT(ts->vs, i, "task %u: pid %u is used in "
					   "two pid namespaces", i, tag);
	}
	return 0;
}

/* No pid object unreferenced; numbers unique in each namespace. */
static int rule_objects(struct tstate *ts)
{
	const struct ckpt_image *img = ts->img;
	uint32_t np = img->nr_pids;
	uint64_t nkeys = 0;
	struct nskey *keys = malloc(sizeof(*keys) *
				    ((uint64_t)np + img->nr_vpids));
	int rc = 0;

	if (!keys)
		return ctk_err_setx(ts->vs->e, ENOMEM, "out of memory");
	for (uint32_t p = 0; p < np && !rc; p++) {
		uint32_t tag = p + img->offset, d = 0;
		const uint32_t *num = ctk_ckpt_pid(img, tag, &d);

		if (!(ts->used[p] & 2) || ts->owner[p] < 0) {
			rc = reject(ts->vs->e, CKPT_HDR_BUFFER, ts->vs->pids_off,
				    "pid object %u is used by no task", tag);
			break;
		}
		for (uint32_t k = 0; k <= d; k++) {
			uint64_t ns = k ? (uint64_t)ts->chain[ts->cstart[
					  ts->owner[p]] + k - 1] + 1 : 0;

			keys[nkeys++] = (struct nskey){ ns << 32 | num[k], tag,
							k };
		}
	}
	if (!rc)
		qsort(keys, nkeys, sizeof(*keys), cmp_nskey);
	for (uint64_t k = 1; !rc && k < nkeys; k++)
		if (keys[k].key == keys[k - 1].key)
			rc = reject(ts->vs->e, CKPT_HDR_BUFFER, ts->vs->pids_off,
				    "pid objects %u and %u both have number %u "
				    "at level %u in one pid namespace",
				    keys[k - 1].tag, keys[k].tag,
				    (uint32_t)keys[k].key, keys[k].level);
	free(keys);
	return rc;
}

/*
 * A group whose leader lives in another group (it moved after making it)
 * still exists only through another member, and a member that is itself
 * such a leader is there only if its own group is held so. Groups that
 * could only hold each other (the leader of A lives in B, the leader of B
 * in A, nobody else in either) no process tree has. A worklist from the
 * groups held by a plain member: each group once.
 */
static int rule_group_holders(struct tstate *ts)
{
	const struct ckpt_image *img = ts->img;
	uint32_t n = img->nr_tasks, np = img->nr_pids, off = img->offset;
	uint8_t *st = calloc(np, 1);	/* 1: a moved leader's group, 2: held */
	uint32_t *queue = malloc(sizeof(*queue) * (np ? np : 1)), qh = 0,
		 qt = 0;
	int rc = 0;

	if (!st || !queue) {
		free(st);
		free(queue);
		return ctk_err_setx(ts->vs->e, ENOMEM, "out of memory");
	}
	/* the groups whose leader is a process of the image living in
	 * another group */
	for (uint32_t i = 0; i < n; i++) {
		const struct ckpt_task *t = &img->tasks[i];
		int64_t l;

		if (t->vpid != t->vtgid || !t->vpgid || t->vpgid == t->vpid)
			continue;
		l = ts->leader[t->vpgid - off];
		if (l >= 0 && img->tasks[l].vpgid != img->tasks[l].vpid)
			st[t->vpgid - off] = 1;
	}
	/* held by a member that is no such leader */
	for (uint32_t i = 0; i < n; i++) {
		const struct ckpt_task *t = &img->tasks[i];
		uint32_t g;

		if (t->vpid != t->vtgid || !t->vpgid || t->vpgid == t->vpid)
			continue;
		g = t->vpgid - off;
		if (st[g] == 1 && st[t->vpid - off] == 0) {
			st[g] = 2;
			queue[qt++] = g;
		}
	}
	/* a held group's leader holds the group it lives in */
	while (qh < qt) {
		int64_t l = ts->leader[queue[qh++]];
		uint32_t h = img->tasks[l].vpgid - off;

		if (img->tasks[l].vpgid && st[h] == 1) {	/* 0: outside */
			st[h] = 2;
			queue[qt++] = h;
		}
	}
	for (uint32_t g = 0; g < np && !rc; g++)
		if (st[g] == 1) {
			int64_t l = ts->leader[g];

			rc = TASK_REJECT(ts->vs, (uint32_t)l, "task %u: it leads "
					 "pgrp %u but lives in pgrp %u, and no "
					 "other member holds pgrp %u: groups "
					 "that only hold each other", (uint32_t)l,
					 g + off, img->tasks[l].vpgid, g + off);
		}
	free(st);
	free(queue);
	return rc;
}

/*
 * NSMAX names namespaces by the pid object of their init: numbered 1 in its
 * own namespace, each once.
 */
static int rule_nsmax(const struct vstate *vs)
{
	const struct ckpt_image *img = vs->img;

	for (uint32_t i = 0; i < img->nr_nsmax; i++) {
		uint32_t d = 0, tag = img->nsmax[i].tag;
		const uint32_t *num = ctk_ckpt_pid(img, tag, &d);

		if (!num || num[d] != 1)
			return REJECT(vs->e, CKPT_HDR_NSMAX, vs->nsmax_off,
				      "entry %u: tag %u is not the init (pid 1) "
				      "of a pid namespace of the image", i, tag);
		for (uint32_t k = 0; k < i; k++)
			if (img->nsmax[k].tag == tag)
				return REJECT(vs->e, CKPT_HDR_NSMAX,
					      vs->nsmax_off, "entry %u: tag %u "
					      "named twice", i, tag);
	}
	return 0;
}

/* The tree rules, one family a function, in task order (one pass: a
 * 4-million-long parent chain costs no recursion). */
static int validate_tree(struct vstate *vs)
{
	const struct ckpt_image *img = vs->img;
	uint32_t n = img->nr_tasks, np = img->nr_pids;
	struct tstate ts = { .vs = vs, .img = img,
			     .subtree = img->uflags & CKPT_UFLAG_SUBTREE };
	uint64_t clen = 0;
	int rc = 0;

	ts.leader = malloc(sizeof(*ts.leader) * np);
	ts.thread_of = malloc(sizeof(*ts.thread_of) * np);
	ts.owner = malloc(sizeof(*ts.owner) * np);
	ts.pg_sid = calloc(np, sizeof(*ts.pg_sid));
	ts.used = calloc(np, 1);
	ts.cstart = malloc(sizeof(*ts.cstart) * n);
	for (uint32_t i = 0; i < n; i++)
		clen += img->tasks[i].depth <= CKPT_MAX_DEPTH ?
			img->tasks[i].depth : 0;
	ts.chain = malloc(sizeof(*ts.chain) * (clen ? clen : 1));
	if (!ts.leader || !ts.thread_of || !ts.owner || !ts.pg_sid ||
	    !ts.used || !ts.cstart || !ts.chain) {
		rc = ctk_err_setx(vs->e, ENOMEM, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < np; i++)
		ts.leader[i] = ts.thread_of[i] = ts.owner[i] = -1;
	for (uint32_t i = 0; i < n && !rc; i++) {
		const struct ckpt_task *t = &img->tasks[i];

		rc = rule_tags(&ts, i);
		if (!rc)
			rc = rule_pid(&ts, i);
		ts.cstart[i] = ts.clen;
		if (!rc)
			rc = t->vpid != t->vtgid ? rule_thread(&ts, i) :
						   rule_parent(&ts, i);
		ts.clen += t->depth;
		if (!rc)
			rc = rule_groups(&ts, i);
		if (!rc)
			rc = rule_namespaces(&ts, i);
	}
	if (!rc)
		rc = rule_objects(&ts);
	if (!rc)
		rc = rule_group_holders(&ts);
	if (!rc)
		rc = rule_nsmax(vs);
out:
	free(ts.leader);
	free(ts.thread_of);
	free(ts.owner);
	free(ts.pg_sid);
	free(ts.used);
	free(ts.cstart);
	free(ts.chain);
	return rc;
}

int ctk_ckpt_validate(const struct ckpt_image *img, struct ctk_err *e)
{
	struct vstate vs = { .img = img, .e = e };

	if (img->failed)
		return 0;
	return validate_tree(&vs);
}

int ctk_ckpt_parse(const uint8_t *buf, size_t len, struct ckpt_image *img,
		   struct ctk_err *e)
{
	uint64_t pids_buf = 0, tree_buf = 0, nsmax_off = 0;
	struct vstate vs = { .img = img, .e = e };
	int rc;

	memset(img, 0, sizeof(*img));
	rc = parse(buf, len, img, &pids_buf, &tree_buf, &nsmax_off, e);
	if (!rc && !img->failed) {
		vs.tree_off = tree_buf;
		vs.pids_off = pids_buf;
		vs.nsmax_off = nsmax_off;
		rc = validate_tree(&vs);
	}
	if (rc)
		ctk_ckpt_free(img);
	return rc;
}

/* Standard input that is not a file: read to the end, up to the cap. */
static int load_stream(int fd, struct ckpt_image *img, struct ctk_err *e)
{
	size_t cap = 65536, off = 0;
	uint8_t *buf = malloc(cap);
	int rc;

	if (!buf)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	for (;;) {
		ssize_t n;

		if (off == cap) {
			uint8_t *nb = cap > CKPT_FILE_MAX ? NULL :
				      realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				if (cap > CKPT_FILE_MAX)
					return reject(e, 0, 0, "more than the "
						      "reader's cap of %llu "
						      "bytes", CKPT_FILE_MAX);
				return ctk_err_setx(e, ENOMEM, "out of memory");
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + off, cap - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return ctk_err_set(e, errno, "cannot read");
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	rc = ctk_ckpt_parse(buf, off, img, e);
	free(buf);
	return rc;
}

int ctk_ckpt_load(const char *path, struct ckpt_image *img,
		  struct ctk_err *e)
{
	/* O_NONBLOCK: a FIFO never blocks the open; it is refused below */
	_cleanup_close_ int fd = strcmp(path, "-") ?
		open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) :
		fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	struct stat st;
	uint8_t *buf;
	size_t off = 0;
	int rc;

	memset(img, 0, sizeof(*img));
	if (fd < 0)
		return ctk_err_set(e, errno, "cannot open");
	if (fstat(fd, &st) < 0)
		return ctk_err_set(e, errno, "cannot stat");
	if (!strcmp(path, "-") && !S_ISREG(st.st_mode))
		return load_stream(fd, img, e);	/* asked for: a pipe */
	if (!S_ISREG(st.st_mode))
		return ctk_err_setx(e, EINVAL, "not a regular file");
	if ((uint64_t)st.st_size > CKPT_FILE_MAX)
		return reject(e, 0, 0, "%llu bytes: larger than the reader's "
			      "cap of %llu", (unsigned long long)st.st_size,
			      CKPT_FILE_MAX);
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return ctk_err_set(e, n < 0 ? errno : EIO, "cannot read");
		}
		off += (size_t)n;
	}
	rc = ctk_ckpt_parse(buf, off, img, e);
	free(buf);
	return rc;
}

/* ---- writing -------------------------------------------------------------- */

struct wbuf {
	uint8_t *b;
	size_t len, cap;
	uint32_t nrec;
	bool oom;
};

static uint8_t *wb_record(struct wbuf *w, uint32_t type, uint64_t plen)
{
	uint64_t need = align8(w->len + 8 + plen);
	uint8_t *r;

	if (w->oom || need > CKPT_FILE_MAX) {
		w->oom = true;
		return NULL;
	}
	if (need > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		uint8_t *nb;

		while (cap < need)
			cap *= 2;
		nb = realloc(w->b, cap);
		if (!nb) {
			w->oom = true;
			return NULL;
		}
		w->b = nb;
		w->cap = cap;
	}
	r = w->b + w->len;
	memset(r, 0, (size_t)(need - w->len));	/* padding is zero */
	put32(r, type);
	put32(r + 4, (uint32_t)(8 + plen));
	w->len = (size_t)need;
	w->nrec++;
	return r + 8;
}

int ctk_ckpt_encode(const struct ckpt_image *img, uint8_t **out, size_t *len)
{
	struct wbuf w = { 0 };
	uint8_t *p;

	p = wb_record(&w, CKPT_HDR_HEADER, 56);
	if (p) {
		memcpy(p, CKPT_MAGIC, 8);
		put32(p + 8, CKPT_BYTE_ORDER);
		put16(p + 12, CKPT_FORMAT_MAJOR);
		put16(p + 14, CKPT_FORMAT_MINOR);
		put16(p + 16, img->arch_id);
		put32(p + 20, img->uflags);
		put64(p + 24, img->time_sec);
		put32(p + 32, img->kernel_version);
		put32(p + 36, img->max_depth);
		put32(p + 40, img->pid_max);
	}
	for (int i = 0; i < 3; i++) {
		const char *s = img->strings[i] ? img->strings[i] : "";
		size_t sl = strnlen(s, CKPT_STRING_MAX - 1);

		p = wb_record(&w, CKPT_HDR_STRING, sl + 1);
		if (p)
			memcpy(p, s, sl);
	}
	p = wb_record(&w, CKPT_HDR_PIDS, 16);
	if (p) {
		put32(p, img->nr_pids);
		put32(p + 4, img->nr_vpids);
		put32(p + 8, img->offset);
	}
	p = wb_record(&w, CKPT_HDR_BUFFER, 8ull * img->nr_pids +
		      4ull * img->nr_vpids);
	for (uint32_t i = 0; p && i < img->nr_pids; i++) {
		uint32_t d = img->pid_depth[i];

		put32(p, d);
		for (uint32_t k = 0; k <= d; k++)
			put32(p + 4 + 4 * k, img->numbers[img->pid_start[i] + k]);
		p += 4 + 4ull * (d + 1);
	}
	p = wb_record(&w, CKPT_HDR_TREE, 8);
	if (p)
		put32(p, img->nr_tasks);
	p = wb_record(&w, CKPT_HDR_BUFFER, 24ull * img->nr_tasks);
	for (uint32_t i = 0; p && i < img->nr_tasks; i++) {
		const struct ckpt_task *t = &img->tasks[i];

		put32(p, t->vpid);
		put32(p + 4, t->vppid);
		put32(p + 8, t->vtgid);
		put32(p + 12, t->vpgid);
		put32(p + 16, t->vsid);
		put32(p + 20, t->depth);
		p += 24;
	}
	if (img->nr_nsmax) {
		p = wb_record(&w, CKPT_HDR_NSMAX, 8 + 8ull * img->nr_nsmax);
		if (p)
			put32(p, img->nr_nsmax);
		for (uint32_t i = 0; p && i < img->nr_nsmax; i++) {
			put32(p + 8 + 8ull * i, img->nsmax[i].tag);
			put32(p + 12 + 8ull * i, img->nsmax[i].pid_max);
		}
	}
	{
		uint64_t toff = w.len;
		uint32_t nrec = w.nrec;

		p = wb_record(&w, CKPT_HDR_TAIL, 24);
		if (p) {
			put64(p, CKPT_TAIL_MAGIC);
			put32(p + 8, ctk_crc32c(0, w.b, (size_t)toff));
			put32(p + 12, nrec);
			put64(p + 16, toff);
		}
	}
	if (w.oom) {
		free(w.b);
		return -ENOMEM;
	}
	*out = w.b;
	*len = w.len;
	return 0;
}

int ctk_ckpt_write_file(const char *path, const struct ckpt_image *img,
			struct ctk_err *e)
{
	uint8_t *buf;
	size_t len, off = 0;
	const char *leaf;
	char *tmp = NULL;
	int fd = -1, dfd, rc = ctk_ckpt_encode(img, &buf, &len);

	if (rc)
		return ctk_err_set(e, -rc, "cannot encode the image");
	/* in a directory no other user can change: she could swap it for a
	 * symlink between here and the rename, and root's image would
	 * replace any file */
	dfd = ctk_path_open_parent(path, &leaf, e);
	if (dfd < 0) {
		free(buf);
		return dfd;
	}
	for (unsigned i = 0; fd < 0 && i < 100; i++) {
		free(tmp);
		tmp = NULL;
		if (asprintf(&tmp, ".%s.%d.%u", leaf, (int)getpid(), i) < 0) {
			tmp = NULL;
			rc = ctk_err_setx(e, ENOMEM, "out of memory");
			goto out;
		}
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST) {
			rc = ctk_err_set(e, errno, "cannot create a temporary "
					 "file");
			goto out;
		}
	}
	if (fd < 0) {
		rc = ctk_err_setx(e, EEXIST, "cannot create a temporary file");
		goto out;
	}
	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = ctk_err_set(e, n < 0 ? errno : EIO, "cannot write");
			break;
		}
		off += (size_t)n;
	}
	if (!rc && fsync(fd) < 0)
		rc = ctk_err_set(e, errno, "cannot sync");
	if (!rc && fchmod(fd, 0644) < 0)
		rc = ctk_err_set(e, errno, "cannot set the mode");
	if (close(fd) < 0 && !rc)
		rc = ctk_err_set(e, errno, "cannot close");
	if (!rc) {
		/* replace a regular file, or nothing: never a device, a
		 * FIFO, a symbolic link or a directory of that name */
		struct stat st;

		if (fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISREG(st.st_mode))
			rc = ctk_err_setx(e, EEXIST, "exists and is not a "
					 "regular file: not replaced");
		else if (renameat(dfd, tmp, dfd, leaf) < 0)
			rc = ctk_err_set(e, errno, "cannot rename into place");
	}
	if (rc)
		unlinkat(dfd, tmp, 0);
out:
	close(dfd);
	free(tmp);
	free(buf);
	return rc;
}
