#!/bin/bash
# The small stand-in KNOPPIX medium of the VPS round trips and the old-
# kernel boots, build/fixtures/vps-medium: only the drivers setup and the
# pre-init load (modules.list, ext4, loop, isofs); scripts/medium-cached.sh
# makes it once per recipe.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
medium=$root/build/fixtures/vps-medium
MODULES="$(grep -v '^#' "$root/modules.list" | cut -d' ' -f1 | tr '\n' ' ') ext4 loop isofs" \
	PATH=$PATH:/usr/sbin:/sbin "$root/scripts/medium-cached.sh" "$medium"
