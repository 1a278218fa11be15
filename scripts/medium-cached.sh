#!/bin/bash
# make-medium.sh's medium, made once per recipe in the cache (scripts/
# cache.sh: the DVD-sized one takes two minutes) and copied to OUTDIR
# unless OUTDIR holds that very one already:
#   medium-cached.sh OUTDIR        (MODULES= as make-medium.sh takes it)
# The recipe: the scripts and sources that make it, the kernels, the
# versions of the tools and of busybox.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/cache.sh
out=$1

key=$({
	echo "MODULES=${MODULES:-}"
	cat scripts/make-medium.sh scripts/knoppix-dir.sh scripts/make-minirt.sh \
		tests/fixtures/knoppix6-init tests/tools/mkcloop4.c tests/tools/gen-cpio.c
	readlink cache/kernels/amd64 cache/kernels/686
	dpkg-query -W genisoimage cloop-utils busybox-static
	cache_candidate busybox-static:i386
} | sha256sum | cut -c1-16)
[ "$(cat "$out/.recipe" 2>/dev/null)" = "$key" ] && exit 0
made=$(cache_entry media "${MODULES:+small-}$key" scripts/make-medium.sh)
rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -a "$made" "$out.tmp"
echo "$key" >"$out.tmp/.recipe"
mv "$out.tmp" "$out"
