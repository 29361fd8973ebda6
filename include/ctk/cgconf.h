/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcgroup's file formats: cgconfig.conf (cmkdir --config) and cgrules.conf
 * (cattach --rules), through libcgroup's own parser and loader.
 */
#ifndef CTK_CGCONF_H
#define CTK_CGCONF_H

#include <sys/types.h>

#include "ctk/c.h"

/*
 * Check @path for group names libcgroup 2.0.2 mishandles ('..' components,
 * absolute names, control characters: it creates directories outside
 * cgroupfs for them), then load it with cgroup_config_load_config().
 */
int ctk_cgconfig_load(const char *path, struct ctk_err *e);

/* Classify @pid by /etc/cgrules.conf (cgroup_change_cgroup_flags). */
int ctk_cgrules_classify(pid_t pid, struct ctk_err *e);

#endif
