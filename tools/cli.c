/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "cli.h"

void ctk_cli_options(struct poptOption opts[CTK_CLI_NOPTS],
		     struct ctk_cli *cli)
{
	struct poptOption tbl[CTK_CLI_NOPTS] = {
		{ "quiet", 'q', POPT_ARG_NONE, &cli->quiet, 0,
		  "print no warnings", NULL },
		{ "version", 'V', POPT_ARG_NONE, NULL, CTK_OPT_VERSION,
		  "print the version and exit", NULL },
		POPT_TABLEEND
	};

	memcpy(opts, tbl, sizeof(tbl));
}

bool ctk_cli_handle(struct ctk_cli *cli, int val)
{
	if (val == CTK_OPT_VERSION) {
		printf("%s (ctk) %s\n", cli->tool, PACKAGE_VERSION);
		exit(CTK_EXIT_OK);
	}
	return false;
}

static void vmsg(const struct ctk_cli *cli, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "%s: %s\n", cli->tool, buf);
}

void ctk_msg(const struct ctk_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cli, fmt, ap);
	va_end(ap);
}

void ctk_warn(const struct ctk_cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->quiet)
		return;
	va_start(ap, fmt);
	vmsg(cli, fmt, ap);
	va_end(ap);
}

void ctk_msg_errno(const struct ctk_cli *cli, const char *object,
		   const char *what, enum ctk_op op, int err)
{
	char buf[512], safe[160];

	ctk_safe_name(object, safe, sizeof(safe));
	if (err < 0)
		err = -err;
	ctk_strerror(op, err, buf, sizeof(buf));
	if (what)
		ctk_msg(cli, "%s: %s: %s", safe, what, buf);
	else
		ctk_msg(cli, "%s: %s", safe, buf);
}

int ctk_usage_error(const struct ctk_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cli, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", cli->tool);
	return CTK_EXIT_USAGE;
}

int ctk_popt_error(const struct ctk_cli *cli, poptContext pc, int rc)
{
	char safe[512];

	ctk_safe_name(poptBadOption(pc, POPT_BADOPTION_NOALIAS), safe,
		      sizeof(safe));
	return ctk_usage_error(cli, "%s: %s", safe, poptStrerror(rc));
}

int ctk_exit_for_errno(int err)
{
	if (err < 0)
		err = -err;
	return (err == ENODEV || err == ENOSYS || err == EOPNOTSUPP) ?
	       CTK_EXIT_UNSUPPORTED : CTK_EXIT_FAILURE;
}

int ctk_cli_unbundle(int argc, const char **argv, const char *letters,
		     int *nargc, const char ***nargv)
{
	const char **v;
	int n = 0;
	size_t total = 1;

	for (int i = 0; i < argc; i++)
		total += strlen(argv[i]) + 1;
	v = calloc(total, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		size_t len = strlen(a);

		if (i > 0 && !strcmp(a, "--")) {
			while (i < argc)
				v[n++] = argv[i++];
			break;
		}
		if (i > 0 && len > 2 && a[0] == '-' && a[1] != '-' &&
		    strspn(a + 1, letters) == len - 1) {
			static const char flags[][3] = {
#define F(c) { '-', c, '\0' }
				F('a'), F('b'), F('c'), F('d'), F('e'), F('f'),
				F('g'), F('h'), F('i'), F('j'), F('k'), F('l'),
				F('m'), F('n'), F('o'), F('p'), F('q'), F('r'),
				F('s'), F('t'), F('u'), F('v'), F('w'), F('x'),
				F('y'), F('z'), F('A'), F('B'), F('C'), F('D'),
				F('E'), F('F'), F('G'), F('H'), F('I'), F('J'),
				F('K'), F('L'), F('M'), F('N'), F('O'), F('P'),
				F('Q'), F('R'), F('S'), F('T'), F('U'), F('V'),
				F('W'), F('X'), F('Y'), F('Z'),
#undef F
			};
			for (size_t k = 1; k < len; k++) {
				char c = a[k];
				int idx = c >= 'a' && c <= 'z' ? c - 'a' :
					  c >= 'A' && c <= 'Z' ? 26 + c - 'A' :
					  -1;

				if (idx < 0) {
					free(v);
					return -EINVAL;
				}
				v[n++] = flags[idx];
			}
			continue;
		}
		v[n++] = a;
	}
	*nargc = n;
	*nargv = v;
	return 0;
}
