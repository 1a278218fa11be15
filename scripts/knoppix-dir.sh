#!/bin/bash
# The KNOPPIX directory of a stand-in medium, as the real ones hold it:
#   knoppix-dir.sh DIR [IMAGE]
# DIR/KNOPPIX (IMAGE, hard-linked where it can be, or a stand-in text),
# DIR/kversion (what KNOPPIX 7.x's findknoppix compares with its init's
# KVERSION=, here 7.6's) and DIR/modules/cloop.ko and aufs.ko, which the
# init loads from the medium, not from the minirt (stand-ins: the kernel
# the tests boot has no cloop; the stand-in init checks they are there).
set -euo pipefail
dir=$1 image=${2:-}
mkdir -p "$dir/modules"
if [ -n "$image" ]; then
	ln -f "$image" "$dir/KNOPPIX" 2>/dev/null || cp "$image" "$dir/KNOPPIX"
else
	echo "stand-in for the compressed KNOPPIX image" >"$dir/KNOPPIX"
fi
echo "7.6-2016-01-01" >"$dir/kversion"
for m in cloop aufs; do
	echo "stand-in for KNOPPIX's $m.ko" >"$dir/modules/$m.ko"
done
