#!/bin/bash
# Stand-in KNOPPIX media from Debian's 686 and amd64 kernels, without root:
#   make-medium.sh OUTDIR
# OUTDIR/inner.iso   ISO9660 + Rock Ridge: both kernels' depmod'd module
#                    trees in lib/modules/, and filler files before and after
#                    them so that it holds more than 4 GiB, as a DVD does
# OUTDIR/tree/       the ISO's tree: boot/isolinux/{linux,linux64,minirt.gz}
#                    and KNOPPIX/ (knoppix-dir.sh): KNOPPIX/KNOPPIX (inner.iso
#                    through create_compressed_fs, cloop V2.0), kversion,
#                    modules/; linux is the 686 kernel, linux64 the amd64 one
# OUTDIR/knoppix.iso that tree as an ISO (genisoimage -R -J)
# OUTDIR/flat/       the seed's /boot/KNOPPIX: linux, linux64, minirt.gz and
#                    what KNOPPIX/ holds
# OUTDIR/modules.iso only the module trees (no filler)
# OUTDIR/KNOPPIX-v4  modules.iso as cloop V4.0, header at the end, block
#                    compressions mixed (zlib, none, xz, lz4, lzo)
# The minirt has an i386 userland and no modules of its own (test_build's
# medium_minirt_holds_modules gives a copy a 686 one in /modules).
# inner.iso is not kept (it is only filler around modules.iso's trees).
# MODULES="a b ...": a small medium instead (the VPS test's, copied onto a
# disk): only those modules and what they need in each tree, no filler.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
FILLER_MB=${FILLER_MB:-1100} # per file; four files
[ -z "${MODULES:-}" ] || FILLER_MB=0
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$out/stage
rm -rf "$work" "$out/tree" "$out/flat"
mkdir -p "$work/mods/lib/modules" "$work/dvd"
trap 'rm -rf "$work"' EXIT

# MODULES and their dependencies, by modprobe's reading of the index,
# with the files that say what is built in, indexed again.
some_modules() { # FLAVOUR KVER
	local from=$root/cache/kernels/$1/dep to=$work/mods f
	modprobe -d "$from" -S "$2" --show-depends -a $MODULES |
		awk '$1 == "insmod" { print $2 }' | sort -u |
		while read -r f; do
			mkdir -p "$(dirname "$to${f#"$from"}")"
			ln "$f" "$to${f#"$from"}"
		done
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		ln "$from/lib/modules/$2/$f" "$to/lib/modules/$2/$f"
	done
	depmod -b "$to" "$2"
}

for flavour in 686 amd64; do
	kver=$(cat "$root/cache/kernels/$flavour/kver")
	if [ -n "${MODULES:-}" ]; then
		some_modules "$flavour" "$kver"
	else
		cp -al "$root/cache/kernels/$flavour/dep/lib/modules/$kver" \
			"$work/mods/lib/modules/$kver"
	fi
done
genisoimage -quiet -R -o "$out/modules.iso" "$work/mods"
"$root/build/mkcloop4" "$out/modules.iso" "$out/KNOPPIX-v4"

# The DVD: filler (sparse, so cheap to make) before and after lib/.
cp -al "$work/mods/lib" "$work/dvd/lib"
mkdir -p "$work/dvd/bin" "$work/dvd/usr/share/filler" "$work/dvd/etc"
truncate -s "${FILLER_MB}M" "$work/dvd/bin/filler-a" "$work/dvd/bin/filler-b"
truncate -s "${FILLER_MB}M" "$work/dvd/usr/share/filler/c" "$work/dvd/usr/share/filler/d"
echo "KNOPPIX stand-in for minirt-virtio's tests" >"$work/dvd/etc/issue"
# About as many directory records as a real KNOPPIX has (100,000 files),
# before and after lib/modules: the walk reads them all.
for top in bin usr/share/doc; do
	[ "$FILLER_MB" != 0 ] || break
	seq -f "$work/dvd/$top/pkg-%04g" 1000 | xargs mkdir -p
	seq 1000 | awk -v d="$work/dvd/$top" '{
		for (i = 1; i <= 50; i++) printf "%s/pkg-%04d/file-%02d\n", d, $1, i
	}' | xargs touch
done
mkdir -p "$out/tree/boot/isolinux"
size=$(genisoimage -quiet -R -print-size "$work/dvd")
# Level 1: fast; the level changes only the size, not how it is read.
genisoimage -quiet -R "$work/dvd" |
	create_compressed_fs -q -L 1 -B 65536 -s "${size}i" - \
		"$work/KNOPPIX" >/dev/null 2>&1
"$root/scripts/knoppix-dir.sh" "$out/tree/KNOPPIX" "$work/KNOPPIX"

cp "$root/cache/kernels/686/vmlinuz" "$out/tree/boot/isolinux/linux"
cp "$root/cache/kernels/amd64/vmlinuz" "$out/tree/boot/isolinux/linux64"
"$root/scripts/make-minirt.sh" "$out/tree/boot/isolinux/minirt.gz" i386 none \
	knoppix6 gzip
genisoimage -quiet -R -J -o "$out/knoppix.iso" "$out/tree"

# The seed's flat copy: the kernels and the minirt beside what KNOPPIX/
# holds (its image, kversion, modules/).
cp -al "$out/tree/KNOPPIX" "$out/flat"
for f in boot/isolinux/linux boot/isolinux/linux64 boot/isolinux/minirt.gz; do
	ln "$out/tree/$f" "$out/flat/${f##*/}"
done
