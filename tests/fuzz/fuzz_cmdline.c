// SPDX-License-Identifier: MIT
/* libFuzzer: the pre-init's kernel command line parsing. */
#include "cmdline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char cmdline[4096], params[256] = "";
	struct preinit_opts opts;

	if (len >= sizeof(cmdline))
		len = sizeof(cmdline) - 1;
	memcpy(cmdline, data, len);
	cmdline[len] = '\0';
	cmdline_parse(cmdline, &opts);
	if (opts.timeout_ms > MAX_TIMEOUT_MS ||
	    strnlen(opts.modules, sizeof(opts.modules)) == sizeof(opts.modules))
		abort();
	cmdline_module_params(cmdline, "virtio_blk", params, sizeof(params));
	if (strnlen(params, sizeof(params)) == sizeof(params))
		abort();
	return 0;
}
