/* SPDX-License-Identifier: MIT */
/* The kernel command line words the pre-init understands. */
#ifndef PREINIT_CMDLINE_H
#define PREINIT_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define DEFAULT_TIMEOUT_MS 5000u
#define MAX_TIMEOUT_MS 600000u

struct preinit_opts {
	bool debug; /* minirt_virtio.debug: print every step */
	bool no_finit; /* minirt_virtio.no_finit: test the init_module path */
	unsigned timeout_ms;
	char modules[256]; /* minirt_virtio.modules=a,b (comma separated) */
};

void cmdline_parse(const char *cmdline, struct preinit_opts *opts);

/*
 * minirt_virtio=off: only exec the original init. The kernel hands a word
 * with '=' it does not know to init's environment, not to its argv.
 */
bool cmdline_env_off(char *const *envp);

/*
 * Append " param=value" for every "MODULE.param=value" word of the command
 * line to buf (NUL-terminated, size bytes), as modprobe does; '-' and '_'
 * are the same in module names. Returns -1 if buf is too small.
 */
int cmdline_module_params(const char *cmdline, const char *module, char *buf,
			  size_t size);

/* Next word of a command line, double quotes kept; NULL at the end. */
const char *cmdline_next_word(const char *p, size_t *len);

#endif
