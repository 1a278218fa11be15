// SPDX-License-Identifier: MIT
/* libFuzzer: boot-entry's mount table parser (mountinfo and /proc/mounts). */
#include "grub/mounts.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct mount_info found;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const paths[] = { "/", "/boot/KNOPPIX",
					     "/mnt/a b/KNOPPIX" };
	char inner[MOUNT_PATH_MAX];

	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		if (mount_find((const char *)data, len, paths[i], &found) < 0)
			continue;
		if (found.point[0] != '/' || found.root[0] != '/' ||
		    strlen(found.source) >= sizeof(found.source))
			abort();
		if (mount_inner_path(&found, paths[i], inner, sizeof(inner)) ==
			    0 &&
		    inner[0] != '/')
			abort();
	}
	return 0;
}
