#!/bin/bash
# The small stand-in KNOPPIX medium of the VPS round trips and the old-
# kernel boots, build/fixtures/vps-medium: only the drivers setup and the
# pre-init load (modules.list, ext4, loop, isofs); made again when the
# stand-in init or make-medium.sh is newer.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
medium=$root/build/fixtures/vps-medium
init=$root/tests/fixtures/knoppix6-init
[ "$medium/knoppix.iso" -nt "$init" ] &&
	[ "$medium/knoppix.iso" -nt "$root/scripts/make-medium.sh" ] && exit 0
MODULES="$(grep -v '^#' "$root/modules.list" | cut -d' ' -f1 | tr '\n' ' ') ext4 loop isofs" \
	PATH=$PATH:/usr/sbin:/sbin "$root/scripts/make-medium.sh" "$medium"
