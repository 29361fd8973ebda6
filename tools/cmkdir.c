/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmkdir: create containers. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <unistd.h>

#include "cli.h"
#include "ctk/cgconf.h"
#include "ctk/create.h"
#include "ctk/hierarchy.h"
#include "ctk/spec.h"
#include "ctk/systemd.h"
#include "ctk/values.h"

struct cmkdir_control {
	struct ctk_cli cli;
	int parents, verbose, existing, dry_run, force, scope;
	char *mode, *file_mode, *owner, *task_owner, *notify, *enable,
	     *config, *copy_from;
	struct ctk_values values;	/* --copy-from's, then --set's */
	char **sets;			/* --set, in order */
	size_t nsets;
	struct ctk_sd_prop *props;	/* --property, for --scope */
	size_t nprops;
	struct ctk_create_opts opts;
	struct ctk_hierarchies hier;
	char **extra;		/* words -N took that are SPECs again */
	size_t nextra;
};

enum { OPT_MODE = 'm', OPT_FMODE = 'f', OPT_OWNER = 'u', OPT_TOWNER = 't',
       OPT_NOTIFY = 'N', OPT_ENABLE = 'e', OPT_SET = 's', OPT_CONFIG = 0x100,
       OPT_COPY, OPT_PROPERTY };

static int owner_arg(struct cmkdir_control *ctl, const char *s, uid_t *uid,
		     gid_t *gid)
{
	const char *bad;
	int rc = ctk_parse_owner(s, uid, gid, &bad);

	if (rc == -ENOENT)
		return ctk_usage_error(&ctl->cli, "%s: no such user or group",
				       bad);
	if (rc)
		return ctk_usage_error(&ctl->cli, "%s: invalid owner (USER, "
				       "USER:GROUP, USER: or :GROUP)", s);
	return 0;
}

static int validate(struct cmkdir_control *ctl)
{
	struct ctk_create_opts *o = &ctl->opts;

	ctk_create_opts_init(o);
	if (ctl->existing && (ctl->parents || ctl->mode || ctl->file_mode ||
			      ctl->owner || ctl->task_owner || ctl->notify ||
			      ctl->enable))
		return ctk_usage_error(&ctl->cli, "--existing sets values "
				       "only (-s, --copy-from): -p, -m, -f, "
				       "-u, -t, -N and -e are for containers "
				       "it makes, and it makes none");
	if (ctl->existing && !ctl->nsets && !ctl->copy_from)
		return ctk_usage_error(&ctl->cli, "--existing: nothing to set "
				       "(-s FILE=VALUE or --copy-from SPEC)");
	/* an existing container takes the values, as with -p */
	o->parents = ctl->parents || ctl->existing;
	if (ctl->mode) {
		if (ctk_parse_mode(ctl->mode, &o->dir_mode))
			return ctk_usage_error(&ctl->cli, "%s: invalid mode "
					       "(octal, up to 07777)", ctl->mode);
		o->set_dir_mode = true;
	}
	if (ctl->file_mode) {
		if (ctk_parse_mode(ctl->file_mode, &o->file_mode))
			return ctk_usage_error(&ctl->cli, "%s: invalid mode "
					       "(octal, up to 07777)",
					       ctl->file_mode);
		o->set_file_mode = true;
	}
	if (ctl->owner && owner_arg(ctl, ctl->owner, &o->uid, &o->gid))
		return CTK_EXIT_USAGE;
	if (ctl->task_owner &&
	    owner_arg(ctl, ctl->task_owner, &o->task_uid, &o->task_gid))
		return CTK_EXIT_USAGE;
	if (ctl->notify) {
		if (!strcmp(ctl->notify, "1"))
			o->notify = 1;
		else if (!strcmp(ctl->notify, "0"))
			o->notify = 0;
		else
			return ctk_usage_error(&ctl->cli, "%s: "
					       "--notify-on-release takes 0 or 1",
					       ctl->notify);
		o->notify_trusted = geteuid() == 0;
	}
	if (ctl->enable) {
		const char *p = ctl->enable;

		if (!*p)
			return ctk_usage_error(&ctl->cli, "--enable: empty "
					       "controller list");
		while (*p) {
			size_t len;

			if (*p == '+')
				p++;
			len = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
			if (!len || (p[len] && p[len] != ','))
				return ctk_usage_error(&ctl->cli, "%s: invalid "
						       "controller list "
						       "(+CTRL[,+CTRL...])",
						       ctl->enable);
			p += len + (p[len] == ',');
		}
		o->enable = ctl->enable;
	}
	for (size_t i = 0; i < ctl->nsets; i++) {
		struct ctk_err e;
		char why[512];

		if (ctk_value_parse(ctl->sets[i], &ctl->values, &e))
			return ctk_usage_error(&ctl->cli, "--set: %s",
					       ctk_err_text(&e, why,
							      sizeof(why)));
	}
	return 0;
}

/*
 * --copy-from: the source's values go first, so that a --set of the same
 * file wins. Read before anything is made.
 */
static int copy_values(struct cmkdir_control *ctl)
{
	struct ctk_values src, all = { 0 };
	struct ctk_target t;
	struct ctk_err e;
	size_t i;
	int rc;

	if (ctk_target_from_string(ctl->copy_from, &ctl->hier, &t, &e)) {
		ctk_msg_err_op(&ctl->cli, ctl->copy_from, &e, CTK_OP_OPEN);
		return CTK_EXIT_FAILURE;
	}
	rc = ctk_values_read(&t, &src, &e);
	ctk_target_free(&t);
	if (rc) {
		ctk_msg_err(&ctl->cli, ctl->copy_from, &e);
		return CTK_EXIT_FAILURE;
	}
	for (i = 0; !rc && i < src.n; i++)
		rc = ctk_values_add(&all, src.v[i].file, src.v[i].value, true);
	for (i = 0; !rc && i < ctl->values.n; i++)
		rc = ctk_values_add(&all, ctl->values.v[i].file,
				    ctl->values.v[i].value, false);
	ctk_values_free(&src);
	ctk_values_free(&ctl->values);
	ctl->values = all;
	if (rc) {
		ctk_msg(&ctl->cli, "out of memory");
		return CTK_EXIT_FAILURE;
	}
	return 0;
}

/* Is @t's container, cut to its first @len bytes of rel, there? */
static bool prefix_there(const struct ctk_target *t, size_t len)
{
	struct ctk_target at = *t;
	char rel[4096], cpath[4096];
	size_t cut = strlen(t->rel) - len;
	int fd;

	if (!len)
		return true;	/* the mount's root */
	snprintf(rel, sizeof(rel), "%.*s", (int)len, t->rel);
	snprintf(cpath, sizeof(cpath), "%.*s", (int)(strlen(t->cpath) - cut),
		 t->cpath);
	at.rel = rel;
	at.cpath = cpath;
	fd = ctk_container_open(&at);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

/*
 * --dry-run: what the call would make and write, or the first error it
 * would stop at (the same words, the same exit), changing nothing.
 */
static int dry_run(struct cmkdir_control *ctl, const struct ctk_target *t,
		   size_t n)
{
	char where[512], safe[600];
	struct ctk_err e;

	/* the words the call itself would say (libcommon's create) */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const char *rel = t[i].rel;
			size_t len = strcmp(rel, ".") ? strlen(rel) : 0;
			size_t cut = strlen(t[i].cpath) - len;
			int lab;

			ctk_target_format(&t[i], where, sizeof(where));
			lab = (int)(strlen(where) - strlen(t[i].cpath));
			if (!pass && prefix_there(&t[i], len) && !ctl->parents &&
			    !ctl->existing) {
				ctk_err_set(&e, EEXIST, "cannot create "
					    "container");
				ctk_msg_err_op(&ctl->cli, where, &e,
					       CTK_OP_MKDIR);
				return CTK_EXIT_FAILURE;
			}
			for (size_t k = 1; k <= len; k++) {
				if ((k < len && rel[k] != '/') ||
				    prefix_there(&t[i], k))
					continue;
				if (!pass && k < len && !ctl->parents) {
					ctk_err_set(&e, ENOENT, "cannot create "
						    "container (-p makes "
						    "parents)");
					ctk_msg_err_op(&ctl->cli, where, &e,
						       CTK_OP_MKDIR);
					return CTK_EXIT_FAILURE;
				}
				if (pass) {
					char one[600];

					snprintf(one, sizeof(one), "%.*s%.*s",
						 lab, where, (int)(cut + k),
						 t[i].cpath);
					printf("would create %s\n",
					       ctk_safe_name(one, safe,
							     sizeof(safe)));
				}
			}
			for (size_t v = 0; pass && v < ctl->values.n; v++) {
				char val[600];

				printf("would set %s=%s in %s\n",
				       ctl->values.v[v].file,
				       ctk_safe_name(ctl->values.v[v].value,
						     val, sizeof(val)),
				       ctk_safe_name(where, safe,
						     sizeof(safe)));
			}
		}
	}
	return CTK_EXIT_OK;
}

/*
 * One call is one transaction: every SPEC is resolved before the first
 * mkdir, and when one cannot be created, what the call made for the others
 * is removed again (exit 1, nothing left).
 */
static int create_all(struct cmkdir_control *ctl, const char **specs,
		      size_t n)
{
	struct ctk_target *t = calloc(n, sizeof(*t));
	struct ctk_create_txn txn = { 0 };
	bool *existed = calloc(n, sizeof(*existed));
	int ret = CTK_EXIT_OK;
	struct ctk_err e;
	char where[512], safe[600];
	size_t i, nres;

	if (!t || !existed) {
		free(t);
		free(existed);
		ctk_msg(&ctl->cli, "out of memory");
		return CTK_EXIT_FAILURE;
	}
	for (nres = 0; nres < n; nres++) {
		if (ctk_target_from_string(specs[nres], &ctl->hier, &t[nres],
					   &e)) {
			ctk_msg_err_op(&ctl->cli, specs[nres], &e, CTK_OP_OPEN);
			ret = CTK_EXIT_FAILURE;
			break;
		}
		if (ctl->opts.enable && t[nres].hier->type != CTK_HIER_V2) {
			ctk_target_format(&t[nres], where, sizeof(where));
			ctk_msg(&ctl->cli, "%s: --enable is for cgroup v2 "
				"(v1 binds controllers at mount time)", where);
			nres++;
			ret = CTK_EXIT_UNSUPPORTED;
			break;
		}
	}
	/* --existing: every one is there before anything is written */
	for (i = 0; !ret && ctl->existing && i < n; i++) {
		int fd = ctk_container_open(&t[i]);

		if (fd < 0) {
			ctk_target_format(&t[i], where, sizeof(where));
			ctk_msg_errno(&ctl->cli, where, NULL, CTK_OP_OPEN, fd);
			ret = CTK_EXIT_FAILURE;
		} else {
			close(fd);
		}
	}
	/* systemd's tree: what it delegated only, unless --force */
	for (i = 0; !ret && i < n; i++) {
		int fd = ctk_container_open(&t[i]);

		if (fd >= 0)
			close(fd);
		/* an existing one that -p leaves as it is: nothing written */
		if (fd >= 0 && !ctl->nsets && !ctl->copy_from && !ctl->mode &&
		    !ctl->file_mode && !ctl->owner && !ctl->task_owner &&
		    !ctl->notify && !ctl->enable)
			continue;
		ret = ctk_cli_systemd_check(&ctl->cli, &t[i], fd >= 0 ?
					    CTK_SD_CHANGE : CTK_SD_MAKE,
					    ctl->force);
	}
	if (!ret && ctl->dry_run) {
		ret = dry_run(ctl, t, n);
		goto done;
	}
	for (i = 0; !ret && i < n; i++) {
		if (ctk_container_create(&t[i], &ctl->opts, &txn, &existed[i],
					 &e)) {
			ctk_target_format(&t[i], where, sizeof(where));
			ctk_msg_err_op(&ctl->cli, where, &e, CTK_OP_MKDIR);
			ret = ctk_exit_for_errno(e.code);
		}
	}
	if (!ret && ctk_create_txn_commit(&txn, &e)) {
		ctk_msg_err(&ctl->cli, NULL, &e);
		ret = CTK_EXIT_FAILURE;
	}
	if (ret) {
		ctk_create_txn_undo(&txn);
	} else {
		for (i = 0; ctl->verbose && i < n; i++)
			if (!existed[i]) {
				ctk_target_format(&t[i], where, sizeof(where));
				printf("created %s\n", ctk_safe_name(where,
						safe, sizeof(safe)));
			}
	}
done:
	for (i = 0; i < nres; i++)
		ctk_target_free(&t[i]);
	free(t);
	free(existed);
	return ret;
}

/*
 * --scope: each SPEC a transient scope systemd makes with Delegate=yes
 * (cgcreate -c), kept by an idle process. All or none: when one fails,
 * the scopes made before it end (their idle process killed).
 */
static int make_scopes(struct cmkdir_control *ctl, const char **specs,
		       size_t n)
{
	pid_t *idle = calloc(n, sizeof(*idle));
	char **spec_of = calloc(n, sizeof(*spec_of));
	char where[512], safe[600];
	struct ctk_err e;
	size_t made = 0;
	int ret = 0;

	if (!idle || !spec_of) {
		free(idle);
		free(spec_of);
		ctk_msg(&ctl->cli, "out of memory");
		return CTK_EXIT_FAILURE;
	}
	for (size_t i = 0; !ret && i < n; i++) {
		const char *spec = specs[i];
		struct ctk_target t;
		char named[700];

		/* cgcreate -c's SLICE.slice/NAME.scope, or a SPEC */
		if (!strchr(spec, ':') && spec[0] != '/' && spec[0] != '.') {
			if (ctk_sd_scope_spec(spec, named, sizeof(named), &e)) {
				ctk_msg_err(&ctl->cli, spec, &e);
				ret = CTK_EXIT_FAILURE;
				break;
			}
			spec = named;
		}
		if (ctk_target_from_string(spec, &ctl->hier, &t, &e)) {
			ctk_msg_err_op(&ctl->cli, spec, &e, CTK_OP_OPEN);
			ret = CTK_EXIT_FAILURE;
			break;
		}
		ctk_target_format(&t, where, sizeof(where));
		if (ctk_sd_make_scope(&t, ctl->props, ctl->nprops, &idle[made],
				      &e)) {
			ctk_msg_err(&ctl->cli, where, &e);
			ret = e.code == ENOTSUP ? CTK_EXIT_UNSUPPORTED :
			      CTK_EXIT_FAILURE;
		} else if (!(spec_of[made++] = strdup(where))) {
			ctk_msg(&ctl->cli, "out of memory");
			ret = CTK_EXIT_FAILURE;
		}
		ctk_target_free(&t);
	}
	/* the scopes end with their only process; systemd removes them */
	for (size_t i = 0; ret && i < made; i++)
		kill(idle[i], SIGKILL);
	/* all made: their SPECs, for the other tools (a nested slice's
	 * path is not the name typed) */
	for (size_t i = 0; i < made; i++) {
		if (!ret)
			printf("%s\n", ctk_safe_name(spec_of[i], safe,
						       sizeof(safe)));
		free(spec_of[i]);
	}
	free(spec_of);
	free(idle);
	return ret;
}

/* The options, from popt: -1 when all were read, else an exit code. */
static int read_options(struct cmkdir_control *ctl, poptContext pc)
{
	int rc;

	while ((rc = poptGetNextOpt(pc)) > 0) {
		char **slot = NULL;

		switch (rc) {
		case OPT_MODE: slot = &ctl->mode; break;
		case OPT_FMODE: slot = &ctl->file_mode; break;
		case OPT_OWNER: slot = &ctl->owner; break;
		case OPT_TOWNER: slot = &ctl->task_owner; break;
		case OPT_NOTIFY: slot = &ctl->notify; break;
		case OPT_ENABLE: slot = &ctl->enable; break;
		case OPT_CONFIG: slot = &ctl->config; break;
		case OPT_COPY: slot = &ctl->copy_from; break;
		case OPT_SET:
			ctl->sets[ctl->nsets++] = poptGetOptArg(pc);
			break;
		case OPT_PROPERTY: {
			char *kv = poptGetOptArg(pc);
			struct ctk_err e;
			char why[512];
			int bad = ctk_sd_prop_parse(kv, &ctl->props[ctl->nprops],
						    &e);

			free(kv);
			if (bad)
				return ctk_usage_error(&ctl->cli,
						       "--property: %s",
						       ctk_err_text(&e, why,
								      sizeof(why)));
			ctl->nprops++;
			break;
		}
		default: ctk_cli_handle(&ctl->cli, rc);
		}
		if (slot) {
			free(*slot);
			*slot = poptGetOptArg(pc);
		}
		/*
		 * -N takes an optional 0|1, and popt then takes the next word
		 * whatever it is: anything else is a SPEC again.
		 */
		if (rc == OPT_NOTIFY && (!ctl->notify ||
		    strspn(ctl->notify, "0123456789") != strlen(ctl->notify))) {
			if (ctl->notify)
				ctl->extra[ctl->nextra++] =
					CTK_TAKE_PTR(ctl->notify);
			ctl->notify = strdup("1");
		}
	}
	return rc < -1 ? ctk_popt_error(&ctl->cli, pc, rc) : -1;
}

/* The SPECs: what -N took back, then the operands. NULL without memory. */
static const char **gather_specs(struct cmkdir_control *ctl,
				 const char **rest, size_t *n)
{
	size_t nrest = 0;
	const char **specs;

	while (rest && rest[nrest])
		nrest++;
	specs = calloc(nrest + ctl->nextra + 1, sizeof(*specs));
	if (!specs)
		return NULL;
	for (size_t i = 0; i < ctl->nextra; i++)
		specs[(*n)++] = ctl->extra[i];
	for (size_t i = 0; i < nrest; i++)
		specs[(*n)++] = rest[i];
	return specs;
}

/*
 * The scopes of a file's systemd sections (libcgroup 3.1), each as
 * cmkdir --scope makes it, into @idle (their idle processes). All or
 * none: 0, or an exit code with the ones made ended.
 */
static int config_scopes(struct cmkdir_control *ctl, struct ctk_cgconfig *c,
			 pid_t *idle)
{
	char spec[700], where[512];
	struct ctk_err e;
	size_t i;
	int ret = 0;

	if (c->nscopes > 64) {
		ctk_msg(&ctl->cli, "%s: more than 64 systemd sections",
			ctl->config);
		return CTK_EXIT_FAILURE;
	}
	for (i = 0; !ret && i < c->nscopes; i++) {
		struct ctk_target t;

		snprintf(spec, sizeof(spec), ":/%s", c->scopes[i].cpath);
		if (ctk_target_from_string(spec, &ctl->hier, &t, &e)) {
			char file[160], why[1024];

			ctk_msg(&ctl->cli, "%s: line %d: systemd: %s",
				ctk_safe_name(c->scopes[i].file, file,
					      sizeof(file)),
				c->scopes[i].line,
				ctk_err_text(&e, why, sizeof(why)));
			ret = CTK_EXIT_FAILURE;
			continue;	/* i past it, as after a failure below */
		}
		ctk_target_format(&t, where, sizeof(where));
		if (ctk_sd_make_scope(&t, NULL, 0, &idle[i], &e)) {
			char why[512];

			ctk_msg(&ctl->cli, "%s: line %d: systemd: %s: %s",
				c->scopes[i].file, c->scopes[i].line, where,
				ctk_err_text(&e, why, sizeof(why)));
			ret = e.code == ENOTSUP ? CTK_EXIT_UNSUPPORTED :
			      CTK_EXIT_FAILURE;
		} else if (ctl->verbose) {
			char safe[600];

			printf("made %s (a scope systemd delegated)\n",
			       ctk_safe_name(where, safe, sizeof(safe)));
		}
		ctk_target_free(&t);
	}
	if (ret)
		while (i-- > 1)
			kill(idle[i - 1], SIGKILL);
	return ret;
}

/*
 * --config FILE|DIR: every file parsed before anything is made, then one
 * transaction; -u, -t, -m, -f are the defaults of the groups that have no
 * perm section (cgconfigparser's -a, -t, -d, -f).
 */
static int load_config(struct cmkdir_control *ctl)
{
	struct ctk_cgconfig c = { 0 };
	char safe[600];
	pid_t idle[64];
	struct ctk_cgc_perm def;
	struct ctk_err e;
	int ret;

	if (ctl->nsets || ctl->copy_from || ctl->enable || ctl->notify)
		return ctk_usage_error(&ctl->cli, "--config: the file gives the "
				       "values (--set, --copy-from, --enable "
				       "and -N are for SPECs)");
	ret = validate(ctl);
	if (ret)
		return ret;
	memset(&def, 0, sizeof(def));
	def.uid = ctl->opts.uid;
	def.gid = ctl->opts.gid;
	def.task_uid = ctl->opts.task_uid;
	def.task_gid = ctl->opts.task_gid;
	def.set_dir_mode = ctl->opts.set_dir_mode;
	def.dir_mode = ctl->opts.dir_mode;
	def.set_file_mode = ctl->opts.set_file_mode;
	def.file_mode = ctl->opts.file_mode;
	def.given = ctl->owner || ctl->task_owner || ctl->mode ||
		    ctl->file_mode;
	if (ctk_cgconfig_parse_path(ctl->config, &c, &e)) {
		ctk_msg_err(&ctl->cli, NULL, &e);
		ctk_cgconfig_free(&c);
		return CTK_EXIT_FAILURE;
	}
	/* what the file has that ctk does not do: named, the rest done */
	for (size_t i = 0; i < c.nwarnings; i++)
		ctk_warn(&ctl->cli, "%s", c.warnings[i]);
	if (ctk_hierarchy_load(&ctl->hier, NULL, "/proc/self/cgroup", &e)) {
		ctk_msg_err(&ctl->cli, NULL, &e);
		ctk_cgconfig_free(&c);
		return CTK_EXIT_FAILURE;
	}
	ret = CTK_EXIT_OK;
	c.systemd_check = !ctl->force;
	for (size_t i = 0; ctl->force && i < ctl->hier.n; i++)
		if (ctk_sd_manages(&ctl->hier.v[i], "/proc/1")) {
			ctk_warn(&ctl->cli, "%s: systemd's tree is written as "
				 "the file asks, delegated or not (--force)",
				 ctl->config);
			break;
		}
	/* the systemd sections' scopes first: the groups may be below them */
	ret = config_scopes(ctl, &c, idle);
	if (ret) {
		ctk_cgconfig_free(&c);
		return ret;
	}
	if (ctk_cgconfig_apply(&c, &def, &ctl->hier, &e)) {
		ctk_msg_err_op(&ctl->cli, NULL, &e, CTK_OP_MKDIR);
		ret = ctk_exit_for_errno(e.code);
		/* all or nothing: the scopes end with their idle process */
		for (size_t i = 0; i < c.nscopes; i++)
			kill(idle[i], SIGKILL);
	} else if (ctl->verbose) {
		for (size_t i = 0; i < c.n; i++)
			printf("made %s\n", ctk_safe_name(c.groups[i].name,
							    safe, sizeof(safe)));
	}
	ctk_cgconfig_free(&c);
	return ret;
}

/* What the options ask for, once read: an exit code. */
static int run(struct cmkdir_control *ctl, const char **specs, size_t nspecs)
{
	struct ctk_err e;
	int ret;

	if (ctl->nprops && !ctl->scope)
		return ctk_usage_error(&ctl->cli, "--property goes with "
				       "--scope");
	if (ctl->scope && (ctl->config || ctl->existing || ctl->dry_run ||
			   ctl->parents || ctl->mode || ctl->file_mode ||
			   ctl->owner || ctl->task_owner || ctl->notify ||
			   ctl->enable || ctl->nsets || ctl->copy_from ||
			   ctl->force))
		return ctk_usage_error(&ctl->cli, "--scope: a scope's settings "
				       "are systemd's (--property); the other "
				       "options are for containers cmkdir "
				       "makes");
	if (ctl->config) {
		if (nspecs)
			return ctk_usage_error(&ctl->cli, "--config takes no "
					       "SPEC");
		if (ctl->existing || ctl->dry_run)
			return ctk_usage_error(&ctl->cli, "--existing and "
					       "--dry-run go with SPECs, not "
					       "--config");
		return load_config(ctl);
	}
	if (!nspecs)
		return ctk_usage_error(&ctl->cli, "no container given");
	ret = validate(ctl);
	if (ret)
		return ret;
	if (ctk_hierarchy_load(&ctl->hier, NULL, "/proc/self/cgroup", &e)) {
		ctk_msg_err(&ctl->cli, NULL, &e);
		return CTK_EXIT_FAILURE;
	}
	if (ctl->scope)
		return make_scopes(ctl, specs, nspecs);
	if (ctl->copy_from && (ret = copy_values(ctl)))
		return ret;
	ctl->opts.values = &ctl->values;
	return create_all(ctl, specs, nspecs);
}

static void control_free(struct cmkdir_control *ctl)
{
	ctk_hierarchy_free(&ctl->hier);
	free(ctl->mode);
	free(ctl->file_mode);
	free(ctl->owner);
	free(ctl->task_owner);
	free(ctl->notify);
	free(ctl->enable);
	free(ctl->config);
	free(ctl->copy_from);
	ctk_values_free(&ctl->values);
	for (size_t i = 0; i < ctl->nsets; i++)
		free(ctl->sets[i]);
	free(ctl->sets);
	free(ctl->props);
	for (size_t i = 0; i < ctl->nextra; i++)
		free(ctl->extra[i]);
	free(ctl->extra);
}

int main(int argc, const char **argv)
{
	struct cmkdir_control ctl = { .cli = { .tool = "cmkdir" } };
	struct poptOption common[CTK_CLI_NOPTS];
	struct poptOption opts[] = {
		{ "parents", 'p', POPT_ARG_NONE, &ctl.parents, 0,
		  "no error if existing, make parent containers as needed",
		  NULL },
		{ "mode", 'm', POPT_ARG_STRING, NULL, OPT_MODE,
		  "mode of the new container directory (octal)", "MODE" },
		{ "owner", 'u', POPT_ARG_STRING, NULL, OPT_OWNER,
		  "owner of the directory and its control files",
		  "USER[:GROUP]" },
		{ "task-owner", 't', POPT_ARG_STRING, NULL, OPT_TOWNER,
		  "owner of the files that take tasks", "USER[:GROUP]" },
		{ "file-mode", 'f', POPT_ARG_STRING, NULL, OPT_FMODE,
		  "mode of the control files (octal)", "MODE" },
		{ "notify-on-release", 'N',
		  POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, NULL, OPT_NOTIFY,
		  "v1 notify_on_release, v2 the crelease mark (default 1)",
		  "0|1" },
		{ "enable", 'e', POPT_ARG_STRING, NULL, OPT_ENABLE,
		  "v2: enable controllers in the parents down to it",
		  "+CTRL[,+CTRL...]" },
		{ "set", 's', POPT_ARG_STRING, NULL, OPT_SET,
		  "write a control file (repeatable, in order; with -p also "
		  "in an existing container)", "FILE=VALUE" },
		{ "copy-from", '\0', POPT_ARG_STRING, NULL, OPT_COPY,
		  "copy the writable values of another container", "SPEC" },
		{ "config", '\0', POPT_ARG_STRING, NULL, OPT_CONFIG,
		  "create what a cgconfig.conf describes (DIR: each *.conf)",
		  "FILE|DIR" },
		{ "existing", '\0', POPT_ARG_NONE, &ctl.existing, 0,
		  "set values of containers that exist; make none (cgset)",
		  NULL },
		{ "scope", '\0', POPT_ARG_NONE, &ctl.scope, 0,
		  "ask systemd for each SPEC (or SLICE.slice/NAME.scope) as "
		  "a scope with Delegate=yes, and print its SPEC (cgcreate "
		  "-c)", NULL },
		{ "property", '\0', POPT_ARG_STRING, NULL, OPT_PROPERTY,
		  "with --scope: a unit property, as systemd-run -p "
		  "(repeatable)", "NAME=VALUE" },
		{ "force", '\0', POPT_ARG_NONE, &ctl.force, 0,
		  "also where systemd manages the tree outside what it "
		  "delegated (said in a warning)", NULL },
		{ "dry-run", 'n', POPT_ARG_NONE, &ctl.dry_run, 0,
		  "say what would be made and set; change nothing", NULL },
		{ "verbose", 'v', POPT_ARG_NONE, &ctl.verbose, 0,
		  "print each container created", NULL },
		{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, common, 0,
		  "Common options:", NULL },
		CTK_CLI_SPEC_HELP(CTK_SPEC_HELP),
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc;
	const char **specs = NULL;
	size_t nspecs = 0;
	int ret = CTK_EXIT_USAGE;

	ctl.extra = calloc((size_t)argc + 1, sizeof(*ctl.extra));
	ctl.sets = calloc((size_t)argc + 1, sizeof(*ctl.sets));
	ctl.props = calloc((size_t)argc + 1, sizeof(*ctl.props));
	if (!ctl.extra || !ctl.sets || !ctl.props) {
		control_free(&ctl);
		ctk_msg(&ctl.cli, "out of memory");
		return CTK_EXIT_FAILURE;
	}
	pc = ctk_cli_start(&ctl.cli, argc, argv, opts, common,
			   "[options] SPEC...", NULL);
	ret = pc ? read_options(&ctl, pc) : CTK_EXIT_FAILURE;
	if (ret >= 0)
		goto out;
	ret = CTK_EXIT_USAGE;
	specs = gather_specs(&ctl, poptGetArgs(pc), &nspecs);
	if (!specs) {
		ctk_msg(&ctl.cli, "out of memory");
		ret = CTK_EXIT_FAILURE;
		goto out;
	}
	ret = run(&ctl, specs, nspecs);
out:
	control_free(&ctl);
	free(specs);
	poptFreeContext(pc);
	return ret;
}
