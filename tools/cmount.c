/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmount: mount, list, show and unmount cgroup hierarchies.
 *
 * -n, -r and -o mean --name, --release-agent and --options when mounting
 * and --noheadings, --raw and --output when listing (as in findmnt(8));
 * with --top, -n N is the number of screens (as in top(1) and
 * systemd-cgtop). -n and -r take an optional argument for that reason; in
 * a listing, what they took is an operand again.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>

#include <fcntl.h>
#include <libsmartcols.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "ctk/attach.h"
#include "ctk/cgconf.h"
#include "ctk/container.h"
#include "ctk/hierarchy.h"
#include "ctk/mountops.h"
#include "ctk/output.h"
#include "ctk/proc.h"
#include "ctk/spec.h"
#include "ctk/systemd.h"
#include "ctk/tree.h"
#include "top.h"

enum mode { M_LIST, M_TREE, M_TOP, M_MOUNT, M_UNMOUNT, M_AGENT, M_SPECS,
	    M_FILES, M_MOUNTS };

enum { L_ID, L_TYPE, L_CONTROLLERS, L_NAME, L_TARGET, L_AGENT, L_CONTAINERS,
       L_HID, L_ROOT, L_OPTIONS, L_MANAGER };
static const struct ctk_colinfo list_cols[] = {
	[L_ID] = { "ID", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "mount ID" },
	[L_TYPE] = { "TYPE", 7, 0, SCOLS_JSON_STRING, "cgroup or cgroup2" },
	[L_CONTROLLERS] = { "CONTROLLERS", 0.2, 0, SCOLS_JSON_STRING,
			    "controllers bound to the hierarchy" },
	[L_NAME] = { "NAME", 0.1, 0, SCOLS_JSON_STRING, "name= of the hierarchy" },
	[L_TARGET] = { "TARGET", 0.3, 0, SCOLS_JSON_STRING, "mount point" },
	[L_AGENT] = { "AGENT", 0.2, 0, SCOLS_JSON_STRING, "release agent" },
	[L_CONTAINERS] = { "CONTAINERS", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			   "containers below the mount, its root included" },
	[L_HID] = { "HID", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		    "hierarchy ID (/proc/self/cgroup)" },
	[L_ROOT] = { "ROOT", 0.1, 0, SCOLS_JSON_STRING,
		     "the mount's root inside the hierarchy" },
	[L_OPTIONS] = { "OPTIONS", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			"hierarchy (superblock) options" },
	[L_MANAGER] = { "MANAGER", 7, 0, SCOLS_JSON_STRING,
			"systemd when it manages the hierarchy (shown when one is)" },
};

enum { T_PATH, T_TASKS, T_POPULATED, T_NOTIFY, T_RELEASABLE, T_HIERARCHY,
       T_CHILDREN, T_PIDS, T_UNIT, T_DELEGATE };
static const struct ctk_colinfo tree_cols[] = {
	[T_PATH] = { "PATH", 0.4, SCOLS_FL_TREE, SCOLS_JSON_STRING,
		     "container path inside the hierarchy" },
	[T_TASKS] = { "TASKS", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
		      "threads in the container itself" },
	[T_POPULATED] = { "POPULATED", 1, 0, SCOLS_JSON_BOOLEAN,
			  "tasks in the container or below" },
	[T_NOTIFY] = { "NOTIFY", 1, 0, SCOLS_JSON_BOOLEAN,
		       "notify_on_release, or the v2 release mark" },
	[T_RELEASABLE] = { "RELEASABLE", 1, 0, SCOLS_JSON_BOOLEAN,
			   "empty, no children, notify set, not the root" },
	[T_HIERARCHY] = { "HIERARCHY", 0.1, 0, SCOLS_JSON_STRING,
			  "the hierarchy" },
	[T_CHILDREN] = { "NCHILDREN", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			 "child containers" },
	/* JSON: the array is written here, the column takes it verbatim */
	[T_PIDS] = { "PIDS", 0.2, 0, SCOLS_JSON_NUMBER,
		     "every process in the container (cgroup.procs)" },
	[T_UNIT] = { "UNIT", 0.2, 0, SCOLS_JSON_STRING,
		     "systemd's unit the container belongs to (shown where "
		     "systemd manages the hierarchy)" },
	[T_DELEGATE] = { "DELEGATE", 1, 0, SCOLS_JSON_BOOLEAN,
			 "the top of a subtree systemd delegated (Delegate=yes)" },
};

#define FILE_COL	100

struct cmount_control {
	struct ctk_cli cli;
	enum mode mode;
	/* mounting */
	char *type;
	char *controllers;
	char *name;
	char *cname;		/* a name given in -c (name=NAME), owned */
	bool c_given;		/* -c, even if it named no controller */
	char *agent;
	char *options;
	int noprefix, clone_children;
	/* listing */
	int tree, unmount, json, raw, noheadings, all, list, pairs, specs,
	    files_of, mounts_of, cgconfig, processes;
	char *output;
	char *agent_log;	/* --agent-log FILE: the agent's own log */
	char *level_arg;	/* -T --level N: N levels below each SPEC */
	long level;		/* -1: every level */
	/* --top: the live view */
	int top, batch;
	char *delay_arg, *iter_arg, *order_arg;
	struct top_view tv;
	char *set_agent;
	char *mountinfo, *selfcgroup;
	const char **operands;
	size_t noperands;
	struct ctk_hierarchies hier;
	int ids[16];		/* the columns of a listing */
	size_t nids;
	/* -T -o memory.max: a control file, ids FILE_COL + k */
	const char *files[16];
	struct ctk_colinfo fcols[16];
	size_t nfiles;
	/* parsing: -n and -r take an optional word, which a listing gives
	 * back as an operand (owned by swallowed[]) */
	const char **swallowed;
	size_t nswallowed;
	bool nflag, rflag;
	const char *mount_long;	/* --name, --release-agent or --options, spelt out */
	char *oarg, *nameflag_arg, *agentflag_arg;
};

enum {
	OPT_NAME = 'n', OPT_AGENT = 'r', OPT_OPTIONS = 'o',
	OPT_NOHEAD = 0x100, OPT_RAW, OPT_OUTPUT, OPT_SETAGENT, OPT_MOUNTINFO,
	OPT_SELFCG, OPT_CTRL, OPT_TYPE, OPT_DELAY, OPT_ITER, OPT_ORDER,
};

static char *take_arg(poptContext pc, char **slot)
{
	char *a = poptGetOptArg(pc);

	free(*slot);
	*slot = a;
	return a;
}

static void set_flag_cell(struct libscols_line *ln, int col, int val)
{
	if (val >= 0)
		scols_line_set_data(ln, (size_t)col, val ? "1" : "0");
}

static void set_num_cell(struct libscols_line *ln, int col, long val)
{
	char buf[32];

	if (val < 0)
		return;
	snprintf(buf, sizeof(buf), "%ld", val);
	scols_line_set_data(ln, (size_t)col, buf);
}

static struct libscols_table *new_table(struct cmount_control *ctl,
					const struct ctk_colinfo *info,
					const int *ids, size_t n, bool tree)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	scols_table_enable_json(tb, ctl->json);
	scols_table_enable_raw(tb, ctl->raw);
	/* -P: KEY="value" where each KEY is a shell name (cpu.max becomes
	 * cpu_max, as lsblk's MAJ:MIN becomes MAJ_MIN), so a line can be
	 * eval'ed; libsmartcols escapes \ " $ ` in the values */
	scols_table_enable_export(tb, ctl->pairs);
	scols_table_enable_shellvar(tb, ctl->pairs);
	scols_table_enable_noheadings(tb, ctl->noheadings);
	scols_table_set_name(tb, tree ? "containers" : "hierarchies");
	for (size_t i = 0; i < n; i++) {
		const struct ctk_colinfo *ci = ids[i] >= FILE_COL ?
			&ctl->fcols[ids[i] - FILE_COL] : &info[ids[i]];
		int fl = ci->flags;
		struct libscols_column *cl;

		/* -r, -l and -P: a line each, the full path, no tree art */
		if (!tree || ctl->raw || ctl->list || ctl->pairs)
			fl &= ~SCOLS_FL_TREE;
		/* -P: PATH would replace the shell's own search path */
		cl = scols_table_new_column(tb, ctl->pairs && info == tree_cols &&
					    ids[i] == T_PATH ? "CGPATH" :
					    ci->name, ci->whint, fl);
		if (!cl) {
			scols_unref_table(tb);
			return NULL;
		}
		if (ctl->json)
			scols_column_set_json_type(cl, ci->json_type);
	}
	return tb;
}

/* The same v1 hierarchy (several mounts of it)? */
static bool same_hierarchy(const struct ctk_hierarchy *a,
			   const struct ctk_hierarchy *b)
{
	if (a->hier_id > 0 || b->hier_id > 0)
		return a->hier_id == b->hier_id;
	return !strcmp(a->name ? a->name : "", b->name ? b->name : "") &&
	       ctk_hierarchy_has_controllers(a, b->controllers);
}

/*
 * A release call says only the agent path: hierarchies that share one
 * cannot be told apart, and crelease removes nothing for any of them.
 */
static void warn_shared_agents(struct cmount_control *ctl)
{
	const struct ctk_hierarchies *h = &ctl->hier;

	for (size_t i = 0; i < h->n; i++) {
		const struct ctk_hierarchy *a = &h->v[i];
		char la[256], lb[256];
		bool said = false;

		if (a->type != CTK_HIER_V1 || !a->release_agent ||
		    !*a->release_agent)
			continue;
		for (size_t k = 0; k < i && !said; k++)
			said = h->v[k].type == CTK_HIER_V1 &&
			       h->v[k].release_agent &&
			       !strcmp(h->v[k].release_agent, a->release_agent);
		for (size_t k = i + 1; k < h->n && !said; k++) {
			const struct ctk_hierarchy *b = &h->v[k];

			if (b->type != CTK_HIER_V1 || !b->release_agent ||
			    strcmp(b->release_agent, a->release_agent) ||
			    same_hierarchy(a, b))
				continue;
			ctk_hierarchy_label(a, la, sizeof(la));
			ctk_hierarchy_label(b, lb, sizeof(lb));
			ctk_warn(&ctl->cli, "warning: %s and %s share the "
				 "release agent %s: crelease removes nothing "
				 "for either (cmount --set-release-agent gives "
				 "each its own)", la, lb, a->release_agent);
			said = true;
		}
	}
}

static int do_list(struct cmount_control *ctl, int *ids, size_t n)
{
	struct libscols_table *tb;
	bool live = !ctl->mountinfo;

	/* whose hierarchy it is, shown when systemd manages one */
	for (size_t h = 0; live && !ctl->output && h < ctl->hier.n; h++)
		if (ctl->hier.v[h].target &&
		    ctk_sd_manages(&ctl->hier.v[h], "/proc/1")) {
			ids[n++] = L_MANAGER;
			break;
		}
	tb = new_table(ctl, list_cols, ids, n, false);

	if (!tb) {
		ctk_msg(&ctl->cli, "out of memory");
		return CTK_EXIT_FAILURE;
	}
	for (size_t h = 0; h < ctl->hier.n; h++) {
		const struct ctk_hierarchy *hy = &ctl->hier.v[h];
		struct libscols_line *ln;
		char *v2ctrl = NULL;
		long count = -1;

		if (!hy->target && !ctl->all)
			continue;
		ln = scols_table_new_line(tb, NULL);
		if (!ln)
			break;
		if (live && hy->target) {
			int fd = ctk_hierarchy_open(hy);

			if (fd >= 0) {
				count = ctk_tree_count(fd);
				if (hy->type == CTK_HIER_V2 &&
				    !ctk_cfile_read_alloc(fd, "cgroup.controllers",
							  &v2ctrl, NULL)) {
					char *p = v2ctrl;

					p[strcspn(p, "\n")] = '\0';
					for (; *p; p++)
						if (*p == ' ')
							*p = ',';
				}
				close(fd);
			}
		}
		for (size_t i = 0; i < n; i++) {
			const char *s = NULL;

			switch (ids[i]) {
			case L_ID:
				if (hy->mount_id >= 0)
					set_num_cell(ln, (int)i, hy->mount_id);
				break;
			case L_TYPE:
				s = hy->type == CTK_HIER_V1 ? "cgroup" :
							      "cgroup2";
				break;
			case L_CONTROLLERS:
				s = hy->type == CTK_HIER_V2 ? v2ctrl :
							      hy->controllers;
				break;
			case L_NAME:
				s = hy->name;
				break;
			case L_TARGET:
				s = hy->target;
				break;
			case L_AGENT:
				s = hy->release_agent;
				break;
			case L_CONTAINERS:
				set_num_cell(ln, (int)i, count);
				break;
			case L_HID:
				set_num_cell(ln, (int)i, hy->hier_id);
				break;
			case L_ROOT:
				s = hy->root;
				break;
			case L_OPTIONS:
				s = hy->fs_options;
				break;
			case L_MANAGER:
				s = live && hy->target &&
				    ctk_sd_manages(hy, "/proc/1") ? "systemd" : NULL;
				break;
			}
			if (s && *s)
				scols_line_set_data(ln, i, s);
		}
		free(v2ctrl);
	}
	scols_print_table(tb);
	scols_unref_table(tb);
	warn_shared_agents(ctl);
	return CTK_EXIT_OK;
}

/* A JSON number as the grammar has it (no leading zeros, no '+'). */
static bool json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (!isdigit((unsigned char)*s) || (s[0] == '0' && isdigit(
	    (unsigned char)s[1])))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return !*s;
}

/* @val (@len bytes) as a JSON string literal at @buf + *o. */
static void json_string(char *buf, size_t size, size_t *o, const char *val,
			size_t len)
{
	buf[(*o)++] = '"';
	for (size_t k = 0; k < len && *o + 8 < size; k++) {
		unsigned char c = (unsigned char)val[k];

		if (c == '"' || c == '\\') {
			buf[(*o)++] = '\\';
			buf[(*o)++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			*o += (size_t)snprintf(buf + *o, size - *o, "\\u%04x",
					       c);
		} else {
			buf[(*o)++] = (char)c;
		}
	}
	buf[(*o)++] = '"';
	buf[*o] = '\0';
}

/*
 * A value cell: in JSON a number where the value is one, else a string
 * (the column is a number column, so the quotes are ours), an array of
 * strings where the file has several lines, null where the file is absent;
 * elsewhere the first line, control bytes escaped, with "[+N lines]" when
 * there are more: a cut value says so.
 */
static void set_value_cell(struct cmount_control *ctl, struct libscols_line *ln,
			   size_t col, const char *val)
{
	char buf[4096 * 4 + 3], first[4096];
	size_t o = 0, len, more = 0;

	if (!val)
		return;
	len = strcspn(val, "\n");
	for (const char *p = val + len; *p; p++)
		more += *p == '\n';
	if (!ctl->json) {
		snprintf(first, sizeof(first), "%.*s", (int)len, val);
		ctk_safe_name(first, buf, sizeof(buf) - 32);
		if (more)
			snprintf(buf + strlen(buf), 32, " [+%zu line%s]", more,
				 more == 1 ? "" : "s");
		scols_line_set_data(ln, col, buf);
		return;
	}
	if (!more && json_number(val)) {
		scols_line_set_data(ln, col, val);
		return;
	}
	if (!more) {
		json_string(buf, sizeof(buf), &o, val, len);
		scols_line_set_data(ln, col, buf);
		return;
	}
	buf[o++] = '[';
	for (const char *p = val;; p += len + 1) {
		len = strcspn(p, "\n");
		json_string(buf, sizeof(buf) - 2, &o, p, len);
		if (!p[len] || o + 16 >= sizeof(buf))
			break;
		buf[o++] = ',';
	}
	buf[o++] = ']';
	buf[o] = '\0';
	scols_line_set_data(ln, col, buf);
}

/*
 * The processes of the container @nd of the tree below @t: its pids in
 * *pids (malloc'd), or 0 of them when it cannot be read.
 */
static size_t node_pids(const struct ctk_target *t, const struct ctk_node *nd,
			pid_t **pids)
{
	struct ctk_target at = *t;
	char *rel = ctk_target_rel_below(t, nd->cpath);
	size_t n = 0;
	int fd;

	*pids = NULL;
	if (!rel)
		return 0;
	at.rel = rel;
	at.cpath = nd->cpath;
	fd = ctk_container_open(&at);
	free(rel);
	if (fd < 0)
		return 0;
	if (ctk_container_pids(fd, "cgroup.procs", pids, &n))
		n = 0;
	close(fd);
	return n;
}

/* PIDS: "1,2,3"; in JSON an array, [1,2,3] */
static void set_pids_cell(struct cmount_control *ctl, struct libscols_line *ln,
			  size_t col, const pid_t *pids, size_t n)
{
	size_t cap = n * 12 + 3, o = 0;
	char *buf = malloc(cap);

	if (!buf)
		return;
	if (ctl->json)
		buf[o++] = '[';
	buf[o] = '\0';
	for (size_t k = 0; k < n; k++)
		o += (size_t)snprintf(buf + o, cap - o, "%s%d", k ? "," : "",
				      (int)pids[k]);
	if (ctl->json)
		snprintf(buf + o, cap - o, "]");
	scols_line_refer_data(ln, col, buf);
}

/* --processes: a line under the container for each of its processes,
 * "PID COMMAND LINE" in the first column, as systemd-cgls draws them */
static void add_processes(struct libscols_table *tb, struct libscols_line *up,
			  const pid_t *pids, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		struct libscols_line *ln = scols_table_new_line(tb, up);
		char cmd[256], cell[300];

		if (!ln)
			return;
		if (ctk_proc_cmdline(pids[k], cmd, sizeof(cmd)) < 0)
			snprintf(cmd, sizeof(cmd), "(gone)");
		/* hostile bytes are escaped by libsmartcols, as names are */
		snprintf(cell, sizeof(cell), "%d %s", (int)pids[k], cmd);
		scols_line_set_data(ln, 0, cell);
	}
}

/*
 * Each node's systemd unit (NULL: none), from its path, where systemd
 * manages the hierarchy: below a delegated container the names are the
 * delegatee's, so they are its unit's. NULL without memory.
 */
static char **tree_units(const struct ctk_target *t, const struct ctk_tree *tr)
{
	char **u = calloc(tr->n + 1, sizeof(*u));
	bool *below = calloc(tr->n + 1, sizeof(*below));
	bool managed = ctk_sd_manages(t->hier, "/proc/1");

	for (size_t k = 0; u && below && managed && k < tr->n; k++) {
		const struct ctk_node *nd = &tr->v[k];
		long p = nd->parent;
		char buf[256];
		const char *name;

		below[k] = p >= 0 && (tr->v[p].delegated || below[p]);
		if (below[k]) {		/* the delegatee's names */
			u[k] = u[p] ? strdup(u[p]) : NULL;
			continue;
		}
		name = ctk_sd_unit(nd->cpath, buf, sizeof(buf));
		u[k] = name ? strdup(name) : NULL;
	}
	if (!below) {
		free(u);
		u = NULL;
	}
	free(below);
	return u;
}

static void free_units(char **u, size_t n)
{
	for (size_t k = 0; u && k < n; k++)
		free(u[k]);
	free(u);
}

static int add_tree(struct cmount_control *ctl, struct libscols_table *tb,
		    const int *ids, size_t n, const struct ctk_target *t)
{
	struct libscols_line **lines;
	char label[512], where[1024], **units = NULL;
	bool want_pids = false, want_units = false, want_marks = false;
	pid_t *pids = NULL;
	size_t npids;
	struct ctk_tree tr;
	struct ctk_err e = { 0 };
	int rc;

	ctk_target_format(t, where, sizeof(where));
	for (size_t i = 0; i < n; i++) {
		want_pids |= ids[i] == T_PIDS;
		want_units |= ids[i] == T_UNIT;
		want_marks |= ids[i] == T_UNIT || ids[i] == T_DELEGATE;
	}
	rc = ctk_tree_load_values(t, CTK_TREE_STATE |
				  (want_marks ? CTK_TREE_DELEGATE : 0),
				  ctl->files, ctl->nfiles, &tr, &e);
	if (rc) {
		ctk_msg_err(&ctl->cli, where, &e);
		return e.code;
	}
	ctk_hierarchy_label(t->hier, label, sizeof(label));
	lines = calloc(tr.n, sizeof(*lines));
	if (!lines || (want_units && !(units = tree_units(t, &tr)))) {
		free(lines);
		ctk_tree_free(&tr);
		return ENOMEM;
	}
	for (size_t k = 0; k < tr.n; k++) {
		const struct ctk_node *nd = &tr.v[k];
		struct libscols_line *ln;

		/* preorder: what is deeper than -L is below what is not */
		if (ctl->level >= 0 && nd->depth > (unsigned long)ctl->level)
			continue;
		ln = scols_table_new_line(tb, nd->parent >= 0 ?
					  lines[nd->parent] : NULL);
		if (!ln) {
			ctk_msg(&ctl->cli, "%s: out of memory", where);
			free(lines);
			free_units(units, tr.n);
			ctk_tree_free(&tr);
			return ENOMEM;
		}
		lines[k] = ln;
		npids = ctl->processes || want_pids ? node_pids(t, nd, &pids) : 0;
		for (size_t i = 0; i < n; i++) {
			if (ids[i] >= FILE_COL) {
				set_value_cell(ctl, ln, i,
					       nd->values[ids[i] - FILE_COL]);
				continue;
			}
			switch (ids[i]) {
			case T_PATH:
				scols_line_set_data(ln, i, nd->cpath);
				break;
			case T_TASKS:
				set_num_cell(ln, (int)i, nd->tasks);
				break;
			case T_POPULATED:
				set_flag_cell(ln, (int)i, nd->populated);
				break;
			case T_NOTIFY:
				set_flag_cell(ln, (int)i, nd->notify);
				break;
			case T_RELEASABLE:
				set_flag_cell(ln, (int)i, nd->releasable);
				break;
			case T_HIERARCHY:
				scols_line_set_data(ln, i, label);
				break;
			case T_CHILDREN:
				set_num_cell(ln, (int)i, nd->nchildren);
				break;
			case T_PIDS:
				set_pids_cell(ctl, ln, i, pids, npids);
				break;
			case T_UNIT:
				if (units[k])
					scols_line_set_data(ln, i, units[k]);
				break;
			case T_DELEGATE:
				set_flag_cell(ln, (int)i, nd->delegated);
				break;
			}
		}
		if (ctl->processes)
			add_processes(tb, ln, pids, npids);
		free(pids);
		pids = NULL;
	}
	free(lines);
	free_units(units, tr.n);
	ctk_tree_free(&tr);
	return 0;
}

/* -T --cgconfig SPEC...: each tree as a cgconfig.conf (cgsnapshot). */
static int do_snapshot(struct cmount_control *ctl)
{
	char **text = calloc(ctl->noperands, sizeof(*text));
	size_t failed = 0;
	struct ctk_err e;

	if (!text) {
		ctk_msg(&ctl->cli, "out of memory");
		return CTK_EXIT_FAILURE;
	}
	for (size_t i = 0; i < ctl->noperands; i++) {
		struct ctk_target t;

		if (ctk_target_from_string(ctl->operands[i], &ctl->hier, &t,
					   &e)) {
			ctk_msg_err(&ctl->cli, ctl->operands[i], &e);
			failed++;
			continue;
		}
		if (ctk_cgconfig_snapshot(&t, &text[i], &e)) {
			char where[512];

			ctk_target_format(&t, where, sizeof(where));
			ctk_msg_err(&ctl->cli, where, &e);
			failed++;
		}
		ctk_target_free(&t);
	}
	/* one file, loaded as one transaction: all of it or nothing */
	for (size_t i = 0; i < ctl->noperands; i++) {
		if (!failed)
			fputs(text[i], stdout);
		free(text[i]);
	}
	free(text);
	return failed ? CTK_EXIT_FAILURE : CTK_EXIT_OK;
}

/*
 * Every mounted hierarchy once, as the mount showing its whole tree: the
 * targets (borrowing the hierarchy's strings) in *out, malloc'd; the count.
 */
static size_t every_hierarchy(struct cmount_control *ctl,
			      struct ctk_target **out)
{
	size_t n = 0;

	*out = calloc(ctl->hier.n + 1, sizeof(**out));
	for (size_t h = 0; *out && h < ctl->hier.n; h++) {
		const struct ctk_hierarchy *hy = &ctl->hier.v[h], *best;

		if (!hy->target)
			continue;
		best = hy->type == CTK_HIER_V2 ?
		       ctk_hierarchy_find(&ctl->hier, CTK_HIER_V2, NULL, NULL,
					  NULL, true) :
		       ctk_hierarchy_find(&ctl->hier, CTK_HIER_V1, hy->name,
					  hy->controllers[0] ?
					  hy->controllers : NULL, NULL, true);
		if (best != hy)
			continue;
		(*out)[n].hier = hy;
		(*out)[n].cpath = hy->root;
		(*out)[n].rel = (char *)".";
		n++;
	}
	return n;
}

/* --top [SPEC...]: the live view of those trees, or of every hierarchy. */
static int do_top(struct cmount_control *ctl)
{
	struct ctk_target *t;
	size_t n = 0, failed = 0;
	struct ctk_err e;
	int rc;

	if (!ctl->noperands) {
		n = every_hierarchy(ctl, &t);
		if (!t) {
			ctk_msg(&ctl->cli, "out of memory");
			return CTK_EXIT_FAILURE;
		}
		if (!n) {
			free(t);
			ctk_msg(&ctl->cli, "/proc/self/mountinfo: no cgroup "
				"hierarchy is mounted here");
			return CTK_EXIT_FAILURE;
		}
		ctl->tv.targets = t;
		ctl->tv.ntargets = n;
		ctl->tv.level = ctl->level;
		rc = top_run(&ctl->tv);
		free(t);
		return rc;
	}
	t = calloc(ctl->noperands, sizeof(*t));
	if (!t) {
		ctk_msg(&ctl->cli, "out of memory");
		return CTK_EXIT_FAILURE;
	}
	for (size_t i = 0; i < ctl->noperands; i++) {
		if (ctk_target_from_string(ctl->operands[i], &ctl->hier, &t[n],
					   &e)) {
			ctk_msg_err(&ctl->cli, ctl->operands[i], &e);
			failed++;
		} else {
			n++;
		}
	}
	rc = CTK_EXIT_FAILURE;
	if (n) {
		ctl->tv.targets = t;
		ctl->tv.ntargets = n;
		ctl->tv.level = ctl->level;
		rc = top_run(&ctl->tv);
		if (failed && rc == CTK_EXIT_OK)
			rc = CTK_EXIT_PARTIAL;
	}
	for (size_t i = 0; i < n; i++)
		ctk_target_free(&t[i]);
	free(t);
	return rc;
}

static int do_tree(struct cmount_control *ctl, int *ids, size_t n,
		   bool user_cols)
{
	struct libscols_table *tb;
	size_t failed = 0, done = 0;
	struct ctk_err e;

	if (!user_cols && ctl->noperands != 1)
		ids[n++] = T_HIERARCHY;
	/* whose containers they are, where systemd manages a hierarchy */
	for (size_t h = 0; !user_cols && h < ctl->hier.n; h++)
		if (ctl->hier.v[h].target &&
		    ctk_sd_manages(&ctl->hier.v[h], "/proc/1")) {
			ids[n++] = T_UNIT;
			ids[n++] = T_DELEGATE;
			break;
		}
	tb = new_table(ctl, tree_cols, ids, n, true);
	if (!tb) {
		ctk_msg(&ctl->cli, "out of memory");
		return CTK_EXIT_FAILURE;
	}
	if (ctl->noperands == 0) {
		struct ctk_target *all;
		size_t nall = every_hierarchy(ctl, &all);

		if (!all) {
			ctk_msg(&ctl->cli, "out of memory");
			scols_unref_table(tb);
			return CTK_EXIT_FAILURE;
		}
		for (size_t i = 0; i < nall; i++) {
			if (add_tree(ctl, tb, ids, n, &all[i]))
				failed++;
			else
				done++;
		}
		free(all);
	}
	for (size_t i = 0; i < ctl->noperands; i++) {
		struct ctk_target t;
		int rc = ctk_target_from_string(ctl->operands[i], &ctl->hier,
						&t, &e);

		if (rc) {
			ctk_msg_err(&ctl->cli, ctl->operands[i], &e);
			failed++;
			continue;
		}
		if (add_tree(ctl, tb, ids, n, &t))
			failed++;
		else
			done++;
		ctk_target_free(&t);
	}
	if (done)
		scols_print_table(tb);
	scols_unref_table(tb);
	if (!failed)
		return CTK_EXIT_OK;
	return done ? CTK_EXIT_PARTIAL : CTK_EXIT_FAILURE;
}

/*
 * The agent string to give a hierarchy of @name/@ctrls: when @agent is
 * crelease, a link of the hierarchy's own to it (a release call names no
 * hierarchy: its agent path must); anything else as it is. *out malloc'd.
 */
static int agent_for(struct cmount_control *ctl, const char *name,
		     const char *ctrls, const char *agent, char **out)
{
	_cleanup_free_ char *real = realpath(agent, NULL);
	const char *dir = getenv("CTK_AGENT_DIR"), *base;
	struct ctk_err e;

	base = real ? strrchr(real, '/') : NULL;
	if (!*agent || !base || strcmp(base + 1, "crelease")) {
		if (ctl->agent_log) {
			ctk_msg(&ctl->cli, "--agent-log %s: for crelease as the "
				"agent only (another agent keeps its own log)",
				ctl->agent_log);
			return -EINVAL;
		}
		*out = strdup(agent);
		return *out ? 0 : -ENOMEM;
	}
	if (!dir || !*dir)
		dir = CTK_AGENT_DIR;
	if (ctk_release_agent_link(dir, name, ctrls, real, ctl->agent_log, out,
				   &e)) {
		ctk_msg_err(&ctl->cli, agent, &e);
		return -e.code;
	}
	return 0;
}

/* The hierarchy now mounted at @dir (the newest mount there). */
static const struct ctk_hierarchy *mounted_at(struct ctk_hierarchies *h,
					      const char *dir)
{
	_cleanup_free_ char *real = realpath(dir, NULL);
	const struct ctk_hierarchy *hy = NULL;
	struct ctk_err e;

	ctk_hierarchy_free(h);
	if (!real || ctk_hierarchy_load(h, NULL, NULL, &e))
		return NULL;
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].target && !strcmp(h->v[i].target, real))
			hy = &h->v[i];
	return hy;
}

/* Turn a v1 EINVAL into the reason, checked in userspace. */
static const char *mount_einval_reason(struct cmount_control *ctl,
				       char *buf, size_t size)
{
	if (ctl->name && !ctk_hierarchy_name_valid(ctl->name))
		return "invalid hierarchy name (allowed: A-Z a-z 0-9 . _ -, "
		       "up to 63 characters)";
	if (ctl->controllers) {
		char *list = strdup(ctl->controllers), *save = NULL;

		for (char *c = list ? strtok_r(list, ",", &save) : NULL; c;
		     c = strtok_r(NULL, ",", &save)) {
			if (ctk_controller_known(c, NULL) == 0) {
				snprintf(buf, size, "unknown controller '%s'",
					 c);
				free(list);
				return buf;
			}
			switch (ctk_controller_v1_off(c, NULL)) {
			case 1:
				snprintf(buf, size, "controller '%s' is off "
					 "on v1: the kernel command line has "
					 "cgroup_no_v1= with it (it serves "
					 "cgroup v2 only)", c);
				free(list);
				return buf;
			case 2:
				snprintf(buf, size, "controller '%s' is off: "
					 "the kernel command line has "
					 "cgroup_disable=%s", c, c);
				free(list);
				return buf;
			}
		}
		free(list);
	}
	return NULL;
}

/*
 * -c as mount(8)'s -o and cgconfig.conf's mount section write it:
 * "name=NAME" in the list names the hierarchy (as -n), "none" binds no
 * controller. 0, or the exit status after a message.
 */
static int split_controllers(struct cmount_control *ctl)
{
	char *list, *out, *save = NULL;
	size_t len = 0;

	if (!ctl->controllers)
		return 0;
	ctl->c_given = true;
	list = strdup(ctl->controllers);
	out = calloc(1, strlen(ctl->controllers) + 1);
	if (!list || !out) {
		free(list);
		free(out);
		ctk_msg(&ctl->cli, "out of memory");
		return CTK_EXIT_FAILURE;
	}
	for (char *c = strtok_r(list, ",", &save); c;
	     c = strtok_r(NULL, ",", &save)) {
		if (!strncmp(c, "name=", 5)) {
			if (ctl->name && strcmp(ctl->name, c + 5)) {
				int rc = ctk_usage_error(&ctl->cli, "-c %s "
					"and -n %s: two names", c, ctl->name);

				free(list);
				free(out);
				return rc;
			}
			free(ctl->cname);
			ctl->cname = strdup(c + 5);
			ctl->name = ctl->cname;
		} else if (strcmp(c, "none")) {
			len += (size_t)sprintf(out + len, "%s%s", len ? "," : "",
					       c);
		}
	}
	free(list);
	free(ctl->controllers);
	ctl->controllers = len ? out : NULL;
	if (!len)
		free(out);
	return 0;
}

/* Everything a mount needs, checked before the first side effect: 0, or
 * the exit status after a message. */
static int mount_check(struct cmount_control *ctl, struct ctk_mount_req *req)
{
	bool v1_opts = ctl->c_given || ctl->name || ctl->agent ||
		       ctl->noprefix || ctl->clone_children;
	struct ctk_err e = { 0 };
	char buf[256];

	if (ctl->type && !strcmp(ctl->type, "cgroup"))
		req->type = CTK_HIER_V1;
	else if (ctl->type && strcmp(ctl->type, "cgroup2"))
		return ctk_usage_error(&ctl->cli, "%s: unknown type (cgroup or "
				       "cgroup2)", ctl->type);
	else if (!ctl->type && v1_opts)
		req->type = CTK_HIER_V1;
	if (req->type == CTK_HIER_V2 && v1_opts)
		return ctk_usage_error(&ctl->cli, "cgroup2: -c, -n, -r, "
				       "--noprefix and --clone-children are "
				       "cgroup v1 options");
	if (ctl->name && !ctk_hierarchy_name_valid(ctl->name)) {
		ctk_msg(&ctl->cli, "name=%s: invalid hierarchy name (allowed: "
			"A-Z a-z 0-9 . _ -, up to 63 characters)", ctl->name);
		return CTK_EXIT_FAILURE;
	}
	if (req->type == CTK_HIER_V1 && ctl->controllers &&
	    mount_einval_reason(ctl, buf, sizeof(buf))) {
		ctk_msg(&ctl->cli, "%s: %s", ctl->controllers, buf);
		return CTK_EXIT_UNSUPPORTED;
	}
	if (req->type == CTK_HIER_V1 && ctl->name &&
	    ctk_controller_v1_off("named", NULL) == 1) {
		ctk_msg(&ctl->cli, "name=%s: named v1 hierarchies are off: the "
			"kernel command line has cgroup_no_v1=named", ctl->name);
		return CTK_EXIT_UNSUPPORTED;
	}
	if (req->type == CTK_HIER_V1 && !ctl->controllers && !ctl->name) {
		ctk_msg(&ctl->cli, "%s: a v1 hierarchy needs controllers (-c) "
			"or a name (-n)", req->target);
		return CTK_EXIT_USAGE;
	}
	if (ctl->agent && ctk_release_agent_check(ctl->agent, &e)) {
		ctk_msg_err(&ctl->cli, ctl->agent, &e);
		return CTK_EXIT_FAILURE;
	}
	if (geteuid() != 0) {
		ctk_msg(&ctl->cli, "%s: mounting needs root", req->target);
		return CTK_EXIT_FAILURE;
	}
	return 0;
}

/* The mount(2) failure @e in words; the exit status. */
static int mount_failed(struct cmount_control *ctl,
			const struct ctk_mount_req *req,
			const struct ctk_err *e)
{
	const char *why = NULL;
	char buf[256];

	if (e->code == EINVAL && req->type == CTK_HIER_V1) {
		why = mount_einval_reason(ctl, buf, sizeof(buf));
		if (!why && ctl->name && !ctl->controllers)
			why = "invalid options (a name alone mounts only an "
			      "existing hierarchy)";
	}
	if (why)
		ctk_msg(&ctl->cli, "%s: cannot mount: %s: %s", req->target, why,
			strerror(e->code));
	else
		ctk_msg_errno(&ctl->cli, req->target, "cannot mount",
			      CTK_OP_MOUNT, e->code);
	return ctk_exit_for_errno(e->code);
}

/*
 * A v1 mount's -r: the option is ignored for an existing hierarchy, and
 * the link is named after what is mounted, so the file is written (and
 * read back) after the mount. On failure the mount is undone.
 */
static int mount_set_agent(struct cmount_control *ctl, const char *dir)
{
	const struct ctk_hierarchy *hy = mounted_at(&ctl->hier, dir);
	char have[PATH_MAX + 2], *agent = NULL;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct ctk_err e = { 0 };
	int rc;

	rc = fd < 0 ? -errno : !hy ? -ENOENT :
	     agent_for(ctl, hy->name, hy->controllers, ctl->agent, &agent);
	if (!rc)
		rc = ctk_release_agent_get(fd, have, sizeof(have));
	if (!rc && strcmp(have, agent))
		rc = ctk_release_agent_set(fd, agent, &e) ? -e.code : 0;
	if (fd >= 0)
		close(fd);
	free(agent);
	if (rc) {
		ctk_msg_errno(&ctl->cli, dir, "cannot set the release agent",
			      CTK_OP_AGENT, rc);
		ctk_umount(dir, NULL);
	}
	return rc;
}

static int do_mount(struct cmount_control *ctl)
{
	const char *dir = ctl->operands[0];
	int split = split_controllers(ctl);	/* before req takes them */
	struct ctk_mount_req req = {
		.type = CTK_HIER_V2,
		.controllers = ctl->controllers,
		.name = ctl->name,
		.release_agent = NULL,	/* written after the mount */
		.noprefix = ctl->noprefix,
		.clone_children = ctl->clone_children,
		.options = ctl->options,
		.target = dir,
	};
	bool carried, changed, made_dir = false;
	struct ctk_err e = { 0 };
	char *opts = NULL;
	struct stat st;
	int ret;

	ret = split ? split : mount_check(ctl, &req);
	if (ret)
		return ret;
	if (ctk_mount_options(&req, &ctl->hier, &opts, &carried, &changed,
			      &e)) {
		ctk_msg_err(&ctl->cli, dir, &e);
		return CTK_EXIT_FAILURE;
	}
	ret = CTK_EXIT_FAILURE;
	if (stat(dir, &st) < 0) {
		if (errno != ENOENT || mkdir(dir, 0755) < 0) {
			ctk_msg(&ctl->cli, "%s: cannot create the mount point: "
				"%s", dir, strerror(errno));
			goto out;
		}
		made_dir = true;
	} else if (!S_ISDIR(st.st_mode)) {
		ctk_msg(&ctl->cli, "%s: not a directory", dir);
		goto out;
	}
	if (changed)
		ctk_warn(&ctl->cli, "cgroup2: '%s' sets the flags of the one v2 "
			 "hierarchy, machine-wide, not just this mount",
			 ctl->options);
	else if (carried)
		ctk_warn(&ctl->cli, "cgroup2: keeping the v2 hierarchy's "
			 "flags '%s' (a cgroup2 mount sets them machine-wide)",
			 opts);
	if (ctk_mount(&req, opts, &e)) {
		ret = mount_failed(ctl, &req, &e);
		goto out;
	}
	if (req.type == CTK_HIER_V1 && ctl->agent && mount_set_agent(ctl, dir))
		goto out;
	made_dir = false;
	ret = CTK_EXIT_OK;
out:
	if (made_dir)
		rmdir(dir);
	free(opts);
	return ret;
}

static int do_unmount(struct cmount_control *ctl)
{
	size_t failed = 0;

	if (geteuid() != 0) {
		ctk_msg(&ctl->cli, "%s: unmounting needs root", ctl->operands[0]);
		return CTK_EXIT_FAILURE;
	}
	for (size_t i = 0; i < ctl->noperands; i++) {
		const char *dir = ctl->operands[i];
		struct ctk_err e;

		if (ctk_umount_checked(dir, &ctl->hier, &e)) {
			ctk_msg_err_op(&ctl->cli, dir, &e, CTK_OP_UMOUNT);
			failed++;
		}
	}
	if (!failed)
		return CTK_EXIT_OK;
	return failed < ctl->noperands ? CTK_EXIT_PARTIAL : CTK_EXIT_FAILURE;
}

static int do_set_agent(struct cmount_control *ctl)
{
	const char *dir = ctl->operands[0];
	struct ctk_target t;
	struct ctk_err e;
	int fd, ret = CTK_EXIT_FAILURE;

	if (ctk_release_agent_check(ctl->set_agent, &e)) {
		ctk_msg_err(&ctl->cli, ctl->set_agent, &e);
		return CTK_EXIT_FAILURE;
	}
	if (ctk_target_from_string(dir, &ctl->hier, &t, &e)) {
		ctk_msg_err(&ctl->cli, dir, &e);
		return CTK_EXIT_FAILURE;
	}
	if (t.hier->type != CTK_HIER_V1) {
		ctk_msg(&ctl->cli, "%s: cgroup v2 has no release agent (see "
			"crelease --watch)", dir);
		ret = CTK_EXIT_UNSUPPORTED;
		goto out;
	}
	if (strcmp(t.cpath, "/")) {
		ctk_msg(&ctl->cli, "%s: not the root of a hierarchy", dir);
		goto out;
	}
	fd = ctk_container_open(&t);
	if (fd < 0) {
		ctk_msg_errno(&ctl->cli, dir, NULL, CTK_OP_OPEN, fd);
		goto out;
	}
	{
		char *agent = NULL;

		if (agent_for(ctl, t.hier->name, t.hier->controllers,
			      ctl->set_agent, &agent))
			;	/* said */
		else if (ctk_release_agent_set(fd, agent, &e))
			ctk_msg_err_op(&ctl->cli, dir, &e, CTK_OP_AGENT);
		else
			ret = CTK_EXIT_OK;
		free(agent);
	}
	close(fd);
out:
	ctk_target_free(&t);
	return ret;
}

/* The options, from popt: -1 when all were read, else an exit code. */
static int read_options(struct cmount_control *ctl, poptContext pc)
{
	int rc;

	while ((rc = poptGetNextOpt(pc)) > 0) {
		switch (rc) {
		case OPT_NAME:
		case OPT_AGENT: {
			/* owned by swallowed[]; the last one counts */
			char *a = poptGetOptArg(pc);

			if (rc == OPT_NAME) {
				ctl->nflag = true;
				ctl->nameflag_arg = a;
			} else {
				ctl->rflag = true;
				ctl->agentflag_arg = a;
			}
			if (a)
				ctl->swallowed[ctl->nswallowed++] = a;
			break;
		}
		case OPT_OPTIONS:
			take_arg(pc, &ctl->oarg);
			break;
		case OPT_OUTPUT:
			take_arg(pc, &ctl->output);
			break;
		case OPT_NOHEAD:
			ctl->noheadings = 1;
			break;
		case OPT_RAW:
			ctl->raw = 1;
			break;
		case OPT_SETAGENT:
			take_arg(pc, &ctl->set_agent);
			break;
		case OPT_MOUNTINFO:
			take_arg(pc, &ctl->mountinfo);
			break;
		case OPT_SELFCG:
			take_arg(pc, &ctl->selfcgroup);
			break;
		case OPT_CTRL:
			take_arg(pc, &ctl->controllers);
			break;
		case OPT_TYPE:
			take_arg(pc, &ctl->type);
			break;
		case OPT_DELAY:
			take_arg(pc, &ctl->delay_arg);
			break;
		case OPT_ITER:
			take_arg(pc, &ctl->iter_arg);
			break;
		case OPT_ORDER:
			take_arg(pc, &ctl->order_arg);
			break;
		default:
			ctk_cli_handle(&ctl->cli, rc);
		}
	}
	return rc < -1 ? ctk_popt_error(&ctl->cli, pc, rc) : -1;
}

/*
 * The mode, and what -n, -r and -o mean in it: in a listing they are
 * flags, and the words they took are operands again. 0 or an exit code.
 */
static int assign_mode(struct cmount_control *ctl, const char **rest)
{
	size_t nrest = 0;

	while (rest && rest[nrest])
		nrest++;
	ctl->operands = calloc(nrest + ctl->nswallowed + 1,
			       sizeof(*ctl->operands));
	if (!ctl->operands) {
		ctk_msg(&ctl->cli, "out of memory");
		return CTK_EXIT_FAILURE;
	}
	if (ctk_cli_exclusive(&ctl->cli, (const struct ctk_excl[]){
			CTK_EXCL_FLAG("--tree", &ctl->tree),
			CTK_EXCL_FLAG("--top", &ctl->top),
			CTK_EXCL_FLAG("--unmount", &ctl->unmount),
			CTK_EXCL_STR("--set-release-agent", &ctl->set_agent),
			CTK_EXCL_END, CTK_EXCL_END }))
		return CTK_EXIT_USAGE;
	if (ctl->specs || ctl->files_of || ctl->mounts_of) {
		ctl->mode = ctl->specs ? M_SPECS : ctl->files_of ? M_FILES :
			    M_MOUNTS;
	} else if (ctl->top) {
		/* -n N: iterations, as in top(1) and systemd-cgtop */
		ctl->mode = M_TOP;
		if (ctl->nflag) {
			if (!ctl->nameflag_arg)
				return ctk_usage_error(&ctl->cli, "-n takes a "
						       "number of screens "
						       "with --top");
			free(ctl->iter_arg);
			ctl->iter_arg = strdup(ctl->nameflag_arg);
			if (!ctl->iter_arg) {
				ctk_msg(&ctl->cli, "out of memory");
				return CTK_EXIT_FAILURE;
			}
		}
		if (ctl->rflag || ctl->oarg)
			return ctk_usage_error(&ctl->cli, "-r and -o do not go "
					       "with --top");
	} else if (ctl->tree || (!ctl->unmount && !ctl->set_agent && !nrest)) {
		ctl->mode = ctl->tree ? M_TREE : M_LIST;
		if (ctl->mount_long)
			return ctk_usage_error(&ctl->cli, "%s goes with "
					       "mounting, on a DIR (in a "
					       "listing, -n, -r and -o are "
					       "--noheadings, --raw and "
					       "--output)", ctl->mount_long);
		for (size_t i = 0; i < ctl->nswallowed; i++)
			ctl->operands[ctl->noperands++] = ctl->swallowed[i];
		ctl->noheadings |= ctl->nflag;
		ctl->raw |= ctl->rflag;
		if (ctk_cli_exclusive(&ctl->cli, (const struct ctk_excl[]){
				CTK_EXCL_FLAG("--json", &ctl->json),
				CTK_EXCL_FLAG("--pairs", &ctl->pairs),
				CTK_EXCL_FLAG("--raw", &ctl->raw), CTK_EXCL_END,
				CTK_EXCL_FLAG("--list", &ctl->list),
				CTK_EXCL_FLAG("--pairs", &ctl->pairs), CTK_EXCL_END,
				CTK_EXCL_END }))
			return CTK_EXIT_USAGE;
		if (ctl->oarg) {	/* the last of -o and --output counts */
			free(ctl->output);
			ctl->output = CTK_TAKE_PTR(ctl->oarg);
		}
	} else {
		ctl->mode = ctl->unmount ? M_UNMOUNT :
			    ctl->set_agent ? M_AGENT : M_MOUNT;
		if (ctl->mode != M_MOUNT &&
		    (ctl->nflag || ctl->rflag || ctl->oarg))
			return ctk_usage_error(&ctl->cli, "-n, -r and -o go with "
					       "mounting or listing");
		if ((ctl->nflag && !ctl->nameflag_arg) ||
		    (ctl->rflag && !ctl->agentflag_arg))
			return ctk_usage_error(&ctl->cli, "--%s needs an argument "
					       "when mounting", ctl->nflag &&
					       !ctl->nameflag_arg ? "name" :
					       "release-agent");
		ctl->name = ctl->nameflag_arg;
		ctl->agent = ctl->agentflag_arg;
		ctl->options = CTK_TAKE_PTR(ctl->oarg);
	}
	for (size_t i = 0; i < nrest; i++)
		ctl->operands[ctl->noperands++] = rest[i];
	return 0;
}

/* -L N: 0 or a usage exit. */
static int check_level(struct cmount_control *ctl)
{
	char *end;

	if (!ctl->level_arg)
		return 0;
	errno = 0;
	ctl->level = strtol(ctl->level_arg, &end, 10);
	if (errno || end == ctl->level_arg || *end || ctl->level < 0 ||
	    !isdigit((unsigned char)ctl->level_arg[0]))
		return ctk_usage_error(&ctl->cli, "%s: --level takes a number "
				       "of levels (0 or more)", ctl->level_arg);
	return 0;
}

/* A number from @arg for @opt: 0 or a usage exit. */
static int top_number(struct cmount_control *ctl, const char *opt,
		      const char *arg, bool fraction, double *out)
{
	char *end;

	errno = 0;
	*out = fraction ? strtod(arg, &end) : (double)strtol(arg, &end, 10);
	if (errno || end == arg || *end || !isdigit((unsigned char)*arg) ||
	    !(*out > 0) || *out > 86400.0 * 365)
		return ctk_usage_error(&ctl->cli, "%s: %s takes a %s above 0",
				       arg, opt, fraction ? "number of seconds" :
				       "whole number");
	return 0;
}

static int check_top(struct cmount_control *ctl)
{
	double v;
	size_t k;

	if (ctl->mode != M_TOP)
		return ctl->batch || ctl->delay_arg || ctl->iter_arg ||
		       ctl->order_arg ?
		       ctk_usage_error(&ctl->cli, "-b, -d, --iterations and "
				       "--order go with --top") : 0;
	if (ctl->json || ctl->all || ctl->output || ctl->raw ||
	    ctl->noheadings || ctl->list || ctl->pairs || ctl->cgconfig ||
	    ctl->processes || ctl->controllers || ctl->type ||
	    ctl->noprefix || ctl->clone_children || ctl->agent_log ||
	    ctl->mountinfo || ctl->selfcgroup)
		return ctk_usage_error(&ctl->cli, "--top takes SPECs, -L, -b, "
				       "-d, -n and --order");
	ctl->tv.cli = &ctl->cli;
	ctl->tv.delay = 1;
	ctl->tv.iterations = -1;
	ctl->tv.batch = ctl->batch;
	if (ctl->delay_arg) {
		if (top_number(ctl, "--delay", ctl->delay_arg, true, &v))
			return CTK_EXIT_USAGE;
		ctl->tv.delay = v;
	}
	if (ctl->iter_arg) {
		if (top_number(ctl, "--iterations", ctl->iter_arg, false, &v))
			return CTK_EXIT_USAGE;
		ctl->tv.iterations = (long)v;
	}
	if (ctl->order_arg) {
		for (k = 0; k <= TOP_PATH; k++)
			if (!strcmp(ctl->order_arg, top_order_names[k]))
				break;
		if (k > TOP_PATH)
			return ctk_usage_error(&ctl->cli, "%s: --order takes "
					       "cpu, memory, io, tasks or path",
					       ctl->order_arg);
		ctl->tv.order = (enum top_order)k;
	}
	return 0;
}

/* Each mode's own checks, before anything is touched. */
static int check_mode(struct cmount_control *ctl)
{
	int rc = check_top(ctl);

	if (rc || ctl->mode == M_TOP)
		return rc ? rc : check_level(ctl);
	if (ctl->agent_log && ctl->mode != M_AGENT &&
	    !(ctl->mode == M_MOUNT && ctl->agent))
		return ctk_usage_error(&ctl->cli, "--agent-log goes with "
				       "--set-release-agent, or -r when "
				       "mounting");
	if (ctl->mode == M_SPECS || ctl->mode == M_FILES ||
	    ctl->mode == M_MOUNTS)
		return ctl->noperands > (ctl->mode == M_MOUNTS ? 0 : 1) ||
		       ctl->nswallowed ?
		       ctk_usage_error(&ctl->cli, "--list-%s takes %s",
				       ctl->specs ? "specs" : ctl->files_of ?
				       "files" : "mounts", ctl->mounts_of ?
				       "no WORD" : "one WORD at most") : 0;
	if (ctl->mode == M_LIST || ctl->mode == M_TREE) {
		if (ctl->controllers || ctl->type || ctl->noprefix ||
		    ctl->clone_children)
			return ctk_usage_error(&ctl->cli, "-c, -t, --noprefix and "
					       "--clone-children go with DIR");
		if (ctl->mode == M_LIST && ctl->noperands)
			return ctk_usage_error(&ctl->cli, "%s: unexpected "
					       "argument", ctl->operands[0]);
		if (ctl->cgconfig && ctl->mode != M_TREE)
			return ctk_usage_error(&ctl->cli, "--cgconfig goes with "
					       "-T");
		if (ctl->cgconfig && (ctl->json || ctl->output || ctl->raw ||
				      ctl->noheadings || ctl->list ||
				      ctl->pairs))
			return ctk_usage_error(&ctl->cli, "--cgconfig prints a "
					       "file, not columns (no -J, -l, -P, "
					       "--output, --raw, --noheadings)");
		if (ctl->cgconfig && !ctl->noperands)
			return ctk_usage_error(&ctl->cli, "--cgconfig: no SPEC "
					       "given");
		if (ctl->processes && (ctl->mode != M_TREE || ctl->cgconfig ||
					ctl->json || ctl->pairs || ctl->raw ||
					ctl->list))
			return ctk_usage_error(&ctl->cli, "--processes draws "
					       "the -T tree (no -J, -P, -l, "
					       "--raw or --cgconfig: the PIDS "
					       "column is for those)");
		if (ctl->level_arg && ctl->mode != M_TREE)
			return ctk_usage_error(&ctl->cli, "--level goes with "
					       "-T or --top");
		if (ctl->level_arg && ctl->cgconfig)
			return ctk_usage_error(&ctl->cli, "--cgconfig writes "
					       "the whole tree: no --level");
		return check_level(ctl);
	}
	if (ctl->json || ctl->all || ctl->output || ctl->raw ||
	    ctl->noheadings || ctl->list || ctl->pairs || ctl->cgconfig)
		return ctk_usage_error(&ctl->cli, "-J, -a, -l, -P, --output, "
				       "--raw, --noheadings and --cgconfig go "
				       "with a listing");
	/* fixtures never reach a real mount, unmount or agent write */
	if (ctl->mountinfo || ctl->selfcgroup)
		return ctk_usage_error(&ctl->cli, "--mountinfo and --proc-cgroup "
				       "go with a listing");
	if (ctl->mode != M_UNMOUNT && ctl->noperands != 1)
		return ctk_usage_error(&ctl->cli, "exactly one DIR expected");
	if (ctl->mode == M_UNMOUNT && !ctl->noperands)
		return ctk_usage_error(&ctl->cli, "--unmount: no mount point "
				       "given");
	return 0;
}

/*
 * -T --output: the tree's columns, and any control file by its name (a
 * name with a '.': memory.max, pids.current, cgroup.max.descendants).
 */
static int tree_columns(struct cmount_control *ctl)
{
	const char *p = ctl->output;
	struct ctk_err e;
	char why[512];

	if (*p == '+')
		p++;
	else
		ctl->nids = 0;
	if (!*p)
		return ctk_usage_error(&ctl->cli, "--output: empty column list");
	while (*p) {
		size_t len = strcspn(p, ",");
		char *word = strndup(p, len), one[300];
		bool known = false;

		if (!word)
			return ctk_usage_error(&ctl->cli, "out of memory");
		for (size_t i = 0; i < CTK_ARRAY_SIZE(tree_cols); i++)
			known |= !strcasecmp(tree_cols[i].name, word);
		if (!known && ctk_tree_value_name_ok(word)) {
			if (ctl->nids == 15 || ctl->nfiles == 16) {
				free(word);
				return ctk_usage_error(&ctl->cli, "--output: "
						       "too many columns");
			}
			ctl->fcols[ctl->nfiles] = (struct ctk_colinfo){
				word, 6, 0, SCOLS_JSON_NUMBER,
				"a control file's value" };
			ctl->files[ctl->nfiles] = word;
			ctl->ids[ctl->nids++] = FILE_COL + (int)ctl->nfiles++;
		} else {
			snprintf(one, sizeof(one), "+%s", word);
			free(word);
			if (ctk_columns_parse(one, tree_cols,
					      CTK_ARRAY_SIZE(tree_cols), ctl->ids,
					      15, &ctl->nids, &e))
				return ctk_usage_error(&ctl->cli, "--output: %s",
						       ctk_err_text(&e, why,
								      sizeof(why)));
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* The columns of a listing: the defaults, or --output. */
static int pick_columns(struct cmount_control *ctl)
{
	static const int list_defs[] = { L_ID, L_TYPE, L_CONTROLLERS, L_NAME,
					 L_TARGET, L_AGENT, L_CONTAINERS };
	static const int tree_defs[] = { T_PATH, T_TASKS, T_POPULATED,
					 T_NOTIFY, T_RELEASABLE };
	bool tree = ctl->mode == M_TREE;
	struct ctk_err e;

	if (ctl->mode != M_LIST && !tree)
		return 0;
	ctl->nids = tree ? CTK_ARRAY_SIZE(tree_defs) :
			   CTK_ARRAY_SIZE(list_defs);
	memcpy(ctl->ids, tree ? tree_defs : list_defs,
	       ctl->nids * sizeof(ctl->ids[0]));
	if (!ctl->output)
		return 0;
	if (tree)
		return tree_columns(ctl);
	if (ctk_columns_parse(ctl->output, list_cols, CTK_ARRAY_SIZE(list_cols),
			      ctl->ids, 15, &ctl->nids, &e)) {
		char why[512];

		return ctk_usage_error(&ctl->cli, "--output: %s",
				       ctk_err_text(&e, why, sizeof(why)));
	}
	return 0;
}

/*
 * The hidden --list-* modes are for the shell's completion. Each name ends
 * in a NUL, not a newline: a container's name may hold any byte but '/'
 * and NUL, and the completion quotes each one whole for the command line.
 */
static void put_name(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\0');
}

/*
 * --list-specs [WORD]: without a ':' in WORD, the spec prefix of every
 * mounted hierarchy, once each (":/", "name=NAME:/", "CTRL,...:/"); with
 * one, the child containers of the directory WORD names, as
 * "PREFIX:/dir/child/". Read-only, beneath each mount as every walk is;
 * silent where nothing matches.
 */
static void print_child_specs(struct cmount_control *ctl, const char *word)
{
	const char *colon = strchr(word, ':'), *slash = strrchr(word, '/');
	char *dir = NULL, *prefix = strndup(word, (size_t)(colon - word));
	struct ctk_target t = { 0 };
	struct ctk_err e;
	struct dirent *de;
	DIR *d = NULL;
	int fd;

	if (!prefix || !slash || slash < colon ||
	    asprintf(&dir, "%s:%.*s", prefix, slash == colon + 1 ? 1 :
		     (int)(slash - colon - 1), slash == colon + 1 ? "/" :
		     colon + 1) < 0) {
		dir = NULL;
		goto out;
	}
	if (ctk_target_from_string(dir, &ctl->hier, &t, &e))
		goto out;
	fd = ctk_container_open(&t);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		goto out;
	}
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.' ||
		    strncmp(de->d_name, slash + 1, strlen(slash + 1)))
			continue;
		put_name("%s:%s/%s/", prefix, strcmp(t.cpath, "/") ?
			 t.cpath : "", de->d_name);
	}
	closedir(d);
out:
	ctk_target_free(&t);
	free(dir);
	free(prefix);
}

static int do_specs(struct cmount_control *ctl)
{
	const char *word = ctl->noperands ? ctl->operands[0] : "";
	const char *colon = strchr(word, ':');

	if (colon && strchr(colon, '/')) {
		print_child_specs(ctl, word);
		return CTK_EXIT_OK;
	}
	for (size_t i = 0; i < ctl->hier.n; i++) {
		const struct ctk_hierarchy *hy = &ctl->hier.v[i];
		bool seen = false;

		if (!hy->target)
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = ctl->hier.v[k].target &&
			       same_hierarchy(&ctl->hier.v[k], hy);
		if (seen)
			continue;
		if (hy->type == CTK_HIER_V2)
			put_name(":/");
		else if (hy->name)
			put_name("name=%s:/", hy->name);
		else
			put_name("%s:/", hy->controllers);
	}
	return CTK_EXIT_OK;
}

/*
 * For the shell's completion (hidden --list-files [SPEC]): the control
 * files of a container (default: the v2 root), for --set and -T -o.
 */
static int do_files(struct cmount_control *ctl)
{
	const char *spec = ctl->noperands ? ctl->operands[0] : ":/";
	struct ctk_target t;
	struct ctk_err e;
	struct dirent *de;
	DIR *d;
	int fd;

	if (ctk_target_from_string(spec, &ctl->hier, &t, &e))
		return CTK_EXIT_FAILURE;
	fd = ctk_container_open(&t);
	ctk_target_free(&t);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return CTK_EXIT_FAILURE;
	}
	while ((de = readdir(d)))
		if (de->d_type == DT_REG)
			put_name("%s", de->d_name);
	closedir(d);
	return CTK_EXIT_OK;
}

/* --list-mounts: where the cgroup hierarchies are mounted, for -u */
static int do_mounts(struct cmount_control *ctl)
{
	for (size_t i = 0; i < ctl->hier.n; i++)
		if (ctl->hier.v[i].target)
			put_name("%s", ctl->hier.v[i].target);
	return CTK_EXIT_OK;
}

static int run_mode(struct cmount_control *ctl)
{
	struct ctk_err e;

	if (ctk_hierarchy_load(&ctl->hier, ctl->mountinfo,
			       ctl->selfcgroup ? ctl->selfcgroup :
			       (ctl->mountinfo ? NULL : "/proc/self/cgroup"),
			       &e)) {
		ctk_msg_err(&ctl->cli, NULL, &e);
		return CTK_EXIT_FAILURE;
	}
	switch (ctl->mode) {
	case M_LIST:
		return do_list(ctl, ctl->ids, ctl->nids);
	case M_TOP:
		return do_top(ctl);
	case M_TREE:
		if (ctl->cgconfig)
			return do_snapshot(ctl);
		return do_tree(ctl, ctl->ids, ctl->nids, ctl->output != NULL);
	case M_MOUNT:
		return do_mount(ctl);
	case M_UNMOUNT:
		return do_unmount(ctl);
	case M_AGENT:
		return do_set_agent(ctl);
	case M_SPECS:
		return do_specs(ctl);
	case M_FILES:
		return do_files(ctl);
	case M_MOUNTS:
		return do_mounts(ctl);
	}
	return CTK_EXIT_FAILURE;
}

static void free_control(struct cmount_control *ctl)
{
	ctk_hierarchy_free(&ctl->hier);
	free(ctl->operands);
	for (size_t i = 0; ctl->swallowed && i < ctl->nswallowed; i++)
		free((char *)ctl->swallowed[i]);
	free(ctl->swallowed);
	free(ctl->oarg);
	free(ctl->options);
	free(ctl->output);
	free(ctl->level_arg);
	free(ctl->delay_arg);
	free(ctl->iter_arg);
	free(ctl->order_arg);
	free(ctl->agent_log);
	free(ctl->set_agent);
	free(ctl->mountinfo);
	free(ctl->selfcgroup);
	free(ctl->controllers);
	free(ctl->cname);
	free(ctl->type);
	for (size_t i = 0; i < ctl->nfiles; i++)
		free((char *)ctl->files[i]);
}

/* --help: the options, then the columns of each output */
static void print_help(poptContext pc)
{
	poptPrintHelp(pc, stdout, 0);
	ctk_cli_help_columns("Columns of the listing (--output)", list_cols,
			     CTK_ARRAY_SIZE(list_cols));
	ctk_cli_help_columns("Columns of the tree (-T --output)", tree_cols,
			     CTK_ARRAY_SIZE(tree_cols));
	printf("  %12s  %s\n", "FILE.NAME", "a control file (memory.max):"
	       " its first line, [+N lines] when cut");
}

/* The first of --name, --release-agent and --options spelt out (before
 * "--"), or NULL: those mean mounting only, where -n, -r and -o have a
 * listing's meaning too. */
static const char *mount_long(int argc, const char **argv)
{
	static const char *const names[] = { "--name", "--release-agent",
					     "--options" };

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		for (size_t k = 0; k < CTK_ARRAY_SIZE(names); k++) {
			size_t len = strlen(names[k]);

			if (!strncmp(argv[i], names[k], len) &&
			    (argv[i][len] == '\0' || argv[i][len] == '='))
				return names[k];
		}
	return NULL;
}

/* After the option table: the command line read, the mode chosen and
 * checked, its columns picked, and run; the exit status. */
static int parse_and_run(struct cmount_control *ctl, int argc,
			 const char **argv, const struct poptOption *opts,
			 struct poptOption *common)
{
	const char **nargv = NULL;
	int nargc, ret;
	poptContext pc;

	/* -h in a bundle is help too, as findmnt -Jh says it */
	if (ctk_cli_unbundle(argc, argv, "nrJaTuqlPbh", &nargc, &nargv))
		return ctk_usage_error(&ctl->cli, "bad option bundle");
	ctl->mount_long = mount_long(nargc, nargv);
	ctl->swallowed = calloc((size_t)nargc + 1, sizeof(*ctl->swallowed));
	if (!ctl->swallowed) {
		ctk_msg(&ctl->cli, "out of memory");
		free(nargv);
		return CTK_EXIT_FAILURE;
	}
	pc = ctk_cli_start(&ctl->cli, nargc, nargv, opts, common,
			   "[options] [DIR | SPEC...]", NULL);
	if (!pc) {
		free(nargv);
		return CTK_EXIT_FAILURE;
	}
	if (ctk_cli_wants_help(nargc, nargv)) {
		print_help(pc);
		ret = CTK_EXIT_OK;
	} else if ((ret = read_options(ctl, pc)) < 0) {
		ret = assign_mode(ctl, poptGetArgs(pc));
		if (!ret)
			ret = check_mode(ctl);
		if (!ret)
			ret = pick_columns(ctl);
		if (!ret)
			ret = run_mode(ctl);
	}
	poptFreeContext(pc);
	free(nargv);
	return ret;
}

int main(int argc, const char **argv)
{
	struct cmount_control ctl = { .cli = { .tool = "cmount" }, .level = -1 };
	struct poptOption common[CTK_CLI_NOPTS];
	struct poptOption opts[] = {
		{ "type", 't', POPT_ARG_STRING, NULL, OPT_TYPE,
		  "cgroup or cgroup2 (default cgroup2, cgroup with a v1 "
		  "option)", "TYPE" },
		{ "controllers", 'c', POPT_ARG_STRING, NULL, OPT_CTRL,
		  "v1 controllers to bind", "LIST" },
		{ "name", 'n', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, NULL,
		  OPT_NAME, "v1 hierarchy name (listing: --noheadings)",
		  "NAME" },
		{ "release-agent", 'r', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL,
		  NULL, OPT_AGENT, "v1 release agent (listing: --raw)",
		  "PATH" },
		{ "options", 'o', POPT_ARG_STRING, NULL, OPT_OPTIONS,
		  "extra mount options (listing: --output)", "OPTS" },
		{ "noprefix", '\0', POPT_ARG_NONE, &ctl.noprefix, 0,
		  "v1: control files without the controller prefix", NULL },
		{ "clone-children", '\0', POPT_ARG_NONE, &ctl.clone_children, 0,
		  "v1: new cpuset containers copy their parent's settings",
		  NULL },
		{ "tree", 'T', POPT_ARG_NONE, &ctl.tree, 0,
		  "show the container tree below SPEC (default: all)", NULL },
		{ "level", 'L', POPT_ARG_STRING, &ctl.level_arg, 0,
		  "with -T or --top: N levels below each SPEC at most (0: "
		  "SPEC itself)", "N" },
		{ "processes", '\0', POPT_ARG_NONE, &ctl.processes, 0,
		  "with -T: each process under its container, with its "
		  "command line (systemd-cgls)", NULL },
		{ "cgconfig", '\0', POPT_ARG_NONE, &ctl.cgconfig, 0,
		  "with -T: print the tree as a cgconfig.conf (cgsnapshot)",
		  NULL },
		{ "top", '\0', POPT_ARG_NONE, &ctl.top, 0,
		  "the containers below SPEC (default: all) by what they use, "
		  "refreshed (systemd-cgtop)", NULL },
		{ "batch", 'b', POPT_ARG_NONE, &ctl.batch, 0,
		  "with --top: plain tables, no screen (default when not on "
		  "a terminal)", NULL },
		{ "delay", 'd', POPT_ARG_STRING, NULL, OPT_DELAY,
		  "with --top: seconds between screens (1)", "SECS" },
		{ "iterations", '\0', POPT_ARG_STRING, NULL, OPT_ITER,
		  "with --top: N screens, then exit (-n N with --top)", "N" },
		{ "order", '\0', POPT_ARG_STRING, NULL, OPT_ORDER,
		  "with --top: cpu, memory, io, tasks or path (cpu)", "KEY" },
		{ "unmount", 'u', POPT_ARG_NONE, &ctl.unmount, 0,
		  "unmount DIR", NULL },
		{ "set-release-agent", '\0', POPT_ARG_STRING, NULL,
		  OPT_SETAGENT, "change the release agent of the v1 hierarchy "
		  "mounted at DIR", "PATH" },
		{ "agent-log", '\0', POPT_ARG_STRING, &ctl.agent_log, 0,
		  "with crelease as the agent: the file it logs to (it takes "
		  "no option from the kernel)", "FILE" },
		{ "all", 'a', POPT_ARG_NONE, &ctl.all, 0,
		  "list also the v1 hierarchies not mounted here", NULL },
		{ "json", 'J', POPT_ARG_NONE, &ctl.json, 0, "JSON output",
		  NULL },
		{ "output", '\0', POPT_ARG_STRING, NULL, OPT_OUTPUT,
		  "columns to print (+COLS to add)", "COLS" },
		{ "raw", '\0', POPT_ARG_NONE, NULL, OPT_RAW,
		  "raw output: a line each, no tree art", NULL },
		{ "list", 'l', POPT_ARG_NONE, &ctl.list, 0,
		  "a line each, columns aligned, no tree art", NULL },
		{ "pairs", 'P', POPT_ARG_NONE, &ctl.pairs, 0,
		  "KEY=\"value\" output", NULL },
		{ "noheadings", '\0', POPT_ARG_NONE, NULL, OPT_NOHEAD,
		  "print no headings", NULL },
		{ "list-specs", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN,
		  &ctl.specs, 0, "for completion: the specs that WORD could "
		  "become", NULL },
		{ "list-files", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN,
		  &ctl.files_of, 0, "for completion: the control files of "
		  "SPEC", NULL },
		{ "list-mounts", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN,
		  &ctl.mounts_of, 0, "for completion: the mount points of "
		  "the hierarchies", NULL },
		{ "mountinfo", '\0', POPT_ARG_STRING | POPT_ARGFLAG_DOC_HIDDEN,
		  NULL, OPT_MOUNTINFO, "read mounts from FILE", "FILE" },
		{ "proc-cgroup", '\0', POPT_ARG_STRING | POPT_ARGFLAG_DOC_HIDDEN,
		  NULL, OPT_SELFCG, "read /proc/self/cgroup from FILE",
		  "FILE" },
		{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, common, 0,
		  "Common options:", NULL },
		CTK_CLI_SPEC_HELP(CTK_SPEC_HELP),
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	int ret;

	ret = parse_and_run(&ctl, argc, argv, opts, common);
	free_control(&ctl);
	return ret;
}
