/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A minimal TAP producer for the unit tests (automake's tap-driver). */
#ifndef CTK_TAP_H
#define CTK_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

__attribute__((format(printf, 4, 5)))
static inline int tap_ok(int pass, const char *file, int line,
			 const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		printf("#   failed at %s:%d\n", file, line);
		tap_failed++;
	}
	fflush(stdout);
	return pass;
}

#define is_str(got, want, ...) \
	ok((got) && !strcmp((got), (want)), __VA_ARGS__) || \
	printf("#   got '%s', want '%s'\n", (got) ? (got) : "(null)", (want))
#define is_int(got, want, ...) \
	ok((long long)(got) == (long long)(want), __VA_ARGS__) || \
	printf("#   got %lld, want %lld\n", (long long)(got), \
	       (long long)(want))

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return 0;	/* the driver judges by the "not ok" lines */
}

#ifndef CTK_FIXTURES
#define CTK_FIXTURES "tests/fixtures"
#endif

/* Path of a fixture, relative to $CTK_SRCDIR when set. */
static inline const char *fixture(const char *name)
{
	static char buf[4096];
	const char *src = getenv("CTK_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/tests/fixtures/%s", src ? src : ".",
		 name);
	return buf;
}

#endif
