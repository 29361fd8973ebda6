/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmount --top: the containers ordered by what they use, refreshed in
 * place (systemd-cgtop). Two samples a period apart give the rates; the
 * counts come from libcommon (ctk/stats.h). On a terminal the screen is
 * redrawn and keys change the order; elsewhere, or with -b, each
 * iteration is a plain table after a blank line.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libsmartcols.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "top.h"
#include "ctk/spec.h"
#include "ctk/stats.h"
#include "ctk/tree.h"

struct row {
	char *name;		/* the container's SPEC */
	const struct ctk_hierarchy *hy;
	char *cpath;
	long tasks;		/* threads, the container and below */
	struct ctk_stat st;
	double cpu, rd, wr;	/* %CPU, bytes/s; < 0 unknown */
};

struct sample {
	struct row *v;
	size_t n, cap;
	struct timespec at;
};

static volatile sig_atomic_t stop_sig, resized;

static void on_stop(int sig) { stop_sig = sig; }
static void on_winch(int sig) { (void)sig; resized = 1; }

static void sample_free(struct sample *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].cpath);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* One tree's containers into @s. */
static int sample_tree(struct sample *s, const struct ctk_target *t,
		       long level, struct ctk_err *e)
{
	const char *files[CTK_STAT_FILES], *want[CTK_STAT_FILES];
	size_t slot[CTK_STAT_FILES], nwant = 0;
	struct ctk_tree tr;
	long *tasks;
	int rc;

	ctk_stat_files(t->hier, files);
	for (size_t i = 0; i < CTK_STAT_FILES; i++)
		if (files[i]) {
			slot[nwant] = i;
			want[nwant++] = files[i];
		}
	rc = ctk_tree_load_values(t, CTK_TREE_STATE, want, nwant, &tr, e);
	if (rc)
		return rc;
	tasks = calloc(tr.n ? tr.n : 1, sizeof(*tasks));
	if (!tasks) {
		ctk_tree_free(&tr);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	/* preorder: a child comes after its parent, so backwards sums up */
	for (size_t k = tr.n; k-- > 0;) {
		tasks[k] += tr.v[k].tasks > 0 ? tr.v[k].tasks : 0;
		if (tr.v[k].parent >= 0)
			tasks[tr.v[k].parent] += tasks[k];
	}
	for (size_t k = 0; !rc && k < tr.n; k++) {
		const struct ctk_node *nd = &tr.v[k];
		char *vals[CTK_STAT_FILES] = { NULL };
		struct ctk_target at = { .hier = t->hier, .cpath = nd->cpath };
		char name[4200];
		struct row *r;

		if (level >= 0 && nd->depth > (unsigned long)level)
			continue;
		if (CTK_GROW(s->v, s->cap, s->n, 64)) {
			rc = ctk_err_setx(e, ENOMEM, "out of memory");
			break;
		}
		r = &s->v[s->n];
		memset(r, 0, sizeof(*r));
		for (size_t i = 0; i < nwant; i++)
			vals[slot[i]] = nd->values[i];
		ctk_stat_parse(t->hier, vals, &r->st);
		ctk_target_format(&at, name, sizeof(name));
		r->name = strdup(name);
		r->cpath = strdup(nd->cpath);
		r->hy = t->hier;
		r->tasks = tasks[k];
		r->cpu = r->rd = r->wr = -1;
		if (!r->name || !r->cpath) {
			free(r->name);
			free(r->cpath);
			rc = ctk_err_setx(e, ENOMEM, "out of memory");
			break;
		}
		s->n++;
	}
	free(tasks);
	ctk_tree_free(&tr);
	return rc;
}

static int row_key_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->hy != y->hy)
		return x->hy < y->hy ? -1 : 1;
	return strcmp(x->cpath, y->cpath);
}

/* Every target's tree, the time taken, and the rates against @prev
 * (sorted by key, as this one is left). Failed trees are said once. */
static int sample_take(struct top_view *tv, struct sample *s,
		       const struct sample *prev)
{
	double dt = 0;
	int failed = 0;

	clock_gettime(CLOCK_MONOTONIC, &s->at);
	for (size_t i = 0; i < tv->ntargets; i++) {
		struct ctk_err e = { 0 };

		if (sample_tree(s, &tv->targets[i], tv->level, &e)) {
			char where[512];

			/* said once, not at every screen */
			if (!tv->said[i]) {
				ctk_target_format(&tv->targets[i], where,
						  sizeof(where));
				ctk_msg_err(tv->cli, where, &e);
				tv->said[i] = true;
			}
			failed++;
		} else {
			tv->said[i] = false;
		}
	}
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), row_key_cmp);
	if (prev && prev->n)
		dt = (double)(s->at.tv_sec - prev->at.tv_sec) +
		     (double)(s->at.tv_nsec - prev->at.tv_nsec) / 1e9;
	for (size_t i = 0; dt > 0 && i < s->n; i++) {
		struct row *r = &s->v[i];
		const struct row *p = bsearch(r, prev->v, prev->n,
					      sizeof(*prev->v), row_key_cmp);

		if (!p)
			continue;
		if (r->st.cpu_ns >= 0 && p->st.cpu_ns >= 0 &&
		    r->st.cpu_ns >= p->st.cpu_ns)
			r->cpu = (double)(r->st.cpu_ns - p->st.cpu_ns) / 1e9 /
				 dt * 100;
		if (r->st.io_read >= 0 && p->st.io_read >= 0 &&
		    r->st.io_read >= p->st.io_read)
			r->rd = (double)(r->st.io_read - p->st.io_read) / dt;
		if (r->st.io_write >= 0 && p->st.io_write >= 0 &&
		    r->st.io_write >= p->st.io_write)
			r->wr = (double)(r->st.io_write - p->st.io_write) / dt;
	}
	return failed;
}

static enum top_order order_now;

/* Larger first; unknown (-1) last; then by name. */
static int by_order(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	double kx = 0, ky = 0;

	switch (order_now) {
	case TOP_CPU:
		kx = x->cpu;
		ky = y->cpu;
		break;
	case TOP_MEMORY:
		kx = (double)x->st.mem;
		ky = (double)y->st.mem;
		break;
	case TOP_IO:
		kx = x->rd < 0 && x->wr < 0 ? -1 : (x->rd > 0 ? x->rd : 0) +
						    (x->wr > 0 ? x->wr : 0);
		ky = y->rd < 0 && y->wr < 0 ? -1 : (y->rd > 0 ? y->rd : 0) +
						    (y->wr > 0 ? y->wr : 0);
		break;
	case TOP_TASKS:
		kx = (double)x->tasks;
		ky = (double)y->tasks;
		break;
	case TOP_PATH:
		break;
	}
	if (kx != ky)
		return kx > ky ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* 1536 -> "1.5K", as systemd-cgtop and ls -h write sizes */
static void human(double v, char *buf, size_t size)
{
	static const char unit[] = "BKMGTPE";
	size_t u = 0;

	if (v < 0) {
		snprintf(buf, size, "-");
		return;
	}
	while (v >= 1024 && u + 1 < sizeof(unit) - 1) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%.0fB", v);
	else
		snprintf(buf, size, v < 10 ? "%.1f%c" : "%.0f%c", v, unit[u]);
}

const char *const top_order_names[] = {
	[TOP_CPU] = "cpu", [TOP_MEMORY] = "memory", [TOP_IO] = "io",
	[TOP_TASKS] = "tasks", [TOP_PATH] = "path",
};

/* The table of @s in the order asked, its first @max rows (0: all). */
static struct libscols_table *table_of(struct sample *s, enum top_order o,
				       size_t max, int width)
{
	static const char *const head[] = { "CONTAINER", "TASKS", "%CPU",
					    "MEMORY", "INPUT/s", "OUTPUT/s" };
	struct libscols_table *tb = scols_new_table();
	struct row *v;

	if (!tb)
		return NULL;
	v = malloc((s->n ? s->n : 1) * sizeof(*v));
	if (!v) {
		scols_unref_table(tb);
		return NULL;
	}
	order_now = o;
	if (s->n) {
		memcpy(v, s->v, s->n * sizeof(*v));
		qsort(v, s->n, sizeof(*v), by_order);
	}
	for (size_t c = 0; c < CTK_ARRAY_SIZE(head); c++)
		if (!scols_table_new_column(tb, head[c], c ? 7 : 0.5,
					    c ? SCOLS_FL_RIGHT : 0))
			goto fail;
	if (width > 0) {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS);
		scols_table_set_termwidth(tb, (size_t)width);
	}
	for (size_t i = 0; i < s->n && (!max || i < max); i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char cell[5][32];

		if (!ln)
			goto fail;
		snprintf(cell[0], sizeof(cell[0]), "%ld", v[i].tasks);
		if (v[i].cpu < 0)
			snprintf(cell[1], sizeof(cell[1]), "-");
		else
			snprintf(cell[1], sizeof(cell[1]), "%.1f", v[i].cpu);
		human((double)v[i].st.mem, cell[2], sizeof(cell[2]));
		human(v[i].rd, cell[3], sizeof(cell[3]));
		human(v[i].wr, cell[4], sizeof(cell[4]));
		if (scols_line_set_data(ln, 0, v[i].name))
			goto fail;
		for (int c = 0; c < 5; c++)
			if (scols_line_set_data(ln, c + 1, cell[c]))
				goto fail;
	}
	free(v);
	return tb;
fail:
	free(v);
	scols_unref_table(tb);
	return NULL;
}

/* The terminal's state to give back, when the view took it. */
struct term {
	bool screen;		/* the alternate screen is up */
	bool keys;		/* stdin is in single-key mode */
	struct termios saved;
};

static void term_enter(struct term *tm)
{
	struct termios raw;

	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &tm->saved)) {
		raw = tm->saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		tm->keys = !tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	}
	/* the alternate screen, the cursor hidden */
	fputs("\033[?1049h\033[?25l", stdout);
	tm->screen = true;
}

static void term_leave(struct term *tm)
{
	if (tm->screen)
		fputs("\033[?25h\033[?1049l", stdout);
	fflush(stdout);
	if (tm->keys)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &tm->saved);
	tm->screen = tm->keys = false;
}

static void screen_size(int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

static void draw(struct top_view *tv, struct sample *s)
{
	struct libscols_table *tb;
	int rows, cols;

	if (!tv->screen) {
		if (tv->shown)
			putchar('\n');
		tb = table_of(s, tv->order, 0, 0);
	} else {
		char title[160];

		screen_size(&rows, &cols);
		snprintf(title, sizeof(title), "cmount --top: %zu containers "
			 "by %s, every %.1f s (q quits; c m i t p order)", s->n,
			 top_order_names[tv->order], tv->delay);
		printf("\033[H\033[2J%.*s\n", cols, title);
		tb = table_of(s, tv->order, rows > 3 ? (size_t)rows - 3 : 1,
			      cols);
	}
	if (tb) {
		scols_print_table(tb);
		scols_unref_table(tb);
	} else {
		ctk_msg(tv->cli, "out of memory");
	}
	fflush(stdout);
	tv->shown++;
}

/* Wait @delay seconds, or for a key or a signal: 1 to go on, 0 to end. */
static int wait_period(struct top_view *tv, struct term *tm, struct sample *s)
{
	struct timespec end, now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)tv->delay;
	end.tv_nsec += (long)((tv->delay - (double)(time_t)tv->delay) * 1e9);
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		char key;

		if (stop_sig)
			return 0;
		if (resized && tv->screen) {
			resized = 0;
			draw(tv, s);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (end.tv_sec - now.tv_sec) * 1000 +
		     (end.tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0)
			return 1;
		if (poll(&pfd, tm->keys ? 1 : 0, (int)ms) <= 0)
			continue;
		if (read(STDIN_FILENO, &key, 1) != 1)
			continue;
		switch (key) {
		case 'q':
		case 'Q':
			return 0;
		case 'c': tv->order = TOP_CPU; break;
		case 'm': tv->order = TOP_MEMORY; break;
		case 'i': tv->order = TOP_IO; break;
		case 't': tv->order = TOP_TASKS; break;
		case 'p': tv->order = TOP_PATH; break;
		default: continue;
		}
		draw(tv, s);
	}
}

int top_run(struct top_view *tv)
{
	struct sample prev = { 0 }, cur = { 0 };
	struct sigaction sa = { 0 }, old[4];
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };
	struct term tm = { 0 };
	int failed, rc = CTK_EXIT_OK;

	tv->screen = !tv->batch && isatty(STDOUT_FILENO);
	tv->said = calloc(tv->ntargets + 1, sizeof(*tv->said));
	if (!tv->said) {
		ctk_msg(tv->cli, "out of memory");
		return CTK_EXIT_FAILURE;
	}
	/* the first sample only gives the counts the rates start from */
	failed = sample_take(tv, &prev, NULL);
	if (failed == (int)tv->ntargets) {
		sample_free(&prev);
		free(tv->said);
		return CTK_EXIT_FAILURE;
	}
	if (tv->screen) {
		/* a signal ends the view with the terminal given back */
		sa.sa_handler = on_stop;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < CTK_ARRAY_SIZE(sigs); i++) {
			sa.sa_handler = sigs[i] == SIGWINCH ? on_winch : on_stop;
			sigaction(sigs[i], &sa, &old[i]);
		}
		term_enter(&tm);
	}
	for (long it = 0; tv->iterations < 0 || it < tv->iterations; it++) {
		if (!wait_period(tv, &tm, &prev))
			break;
		failed = sample_take(tv, &cur, &prev);
		if (failed)
			rc = failed == (int)tv->ntargets ? CTK_EXIT_FAILURE :
			     CTK_EXIT_PARTIAL;
		if (failed == (int)tv->ntargets)
			break;
		draw(tv, &cur);
		sample_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
	}
	sample_free(&prev);
	sample_free(&cur);
	free(tv->said);
	tv->said = NULL;
	if (tv->screen) {
		term_leave(&tm);
		for (size_t i = 0; i < CTK_ARRAY_SIZE(sigs); i++)
			sigaction(sigs[i], &old[i], NULL);
		if (stop_sig && stop_sig != SIGWINCH) {
			/* ended by a signal: die of it, as the caller expects */
			signal(stop_sig, SIG_DFL);
			raise(stop_sig);
		}
	}
	return rc;
}
