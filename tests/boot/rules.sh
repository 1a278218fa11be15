#!/bin/bash
# The kernel-rules boot test: an initramfs that leans on init/initramfs.c's
# rules (hard links per archive, O_TRUNC into a shared inode, one type over
# another, a directory that is not empty, a missing parent, a symbolic link
# as parent), booted as it is and as minirt-virtio builds it (merge and
# append). Each boot must print the line build/rootfs-view predicts from
# the original: builder/initramfs/rootfs.c agrees with the kernel, and the
# builds keep all.
# Prints a PASS or FAIL line per boot.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
f=build/fixtures
src=build/rules-src
mods=cache/kernels/amd64/nodep/lib/modules/$(cat cache/kernels/amd64/kver)
export SOURCE_DATE_EPOCH=1700000000
paths="a b c c2 t d1 d1/f d1/g nop/x L s d2 d3"

rm -rf "$src" && mkdir -p "$src" "$f"
for word in first second bee x tee over gee ess y d2f; do
	printf '%s' "$word" >"$src/$word"
done
echo "$paths" | tr ' ' '\n' >"$src/paths"
# Archive 1 numbers its inodes from 1, archive 2 again: a/b and c/c2 have
# the same numbers, and are two files only because the kernel forgets hard
# links at each TRAILER!!!.
build/gen-cpio >"$src/rules.cpio" <<LIST
file /a $src/first 644 0 0 /b
dir /bin 755 0 0
file /bin/busybox /bin/busybox 755 0 0
slink /bin/sh busybox 777 0 0
slink /bin/cat busybox 777 0 0
slink /bin/readlink busybox 777 0 0
slink /bin/poweroff busybox 777 0 0
slink /bin/sleep busybox 777 0 0
file /init tests/fixtures/rules-init 755 0 0
file /rules-paths $src/paths 644 0 0
dir /d1 755 0 0
file /d1/f $src/x 644 0 0
file /t $src/tee 644 0 0
slink /s a 777 0 0
dir /d2 755 0 0
file /d2/f $src/d2f 644 0 0
dir /d3 755 0 0
trailer
file /c $src/second 644 0 0 /c2
file /b $src/bee 644 0 0
dir /t 755 0 0
file /d1 $src/over 644 0 0
file /nop/x $src/y 644 0 0
slink /L d1 777 0 0
file /L/g $src/gee 644 0 0
file /s $src/ess 644 0 0
slink /d2 t 777 0 0
slink /d3 t 777 0 0
LIST
gzip -n -9 -c "$src/rules.cpio" >"$f/rules.gz"
for layout in merge append; do
	build/minirt-virtio build --force -m "$mods" --layout "$layout" \
		"$f/rules.gz" -o "$f/rules-$layout.gz" >"$f/rules-$layout.report" 2>&1 ||
		{ echo "FAIL: boot kernel-rules-$layout (build: $(tail -n1 "$f/rules-$layout.report"))"; }
done

expect=$(build/rootfs-view "$f/rules.gz" $paths)
for layout in merge append; do
	got=$(build/rootfs-view "$f/rules-$layout.gz" $paths 2>&1)
	if [ "$got" = "$expect" ]; then
		echo "PASS: rules kept by $layout ($expect)"
	else
		echo "FAIL: rules kept by $layout (\"$got\", not \"$expect\")"
	fi
done
# The builds' pre-init must also say it loaded the drivers and saw the disk.
ready="ready:1 virtio-blk disk (vda vda1 vda2 vda3) && "
printf '%s\n' "kernel-rules|rules.gz||" \
	"kernel-rules-merge|rules-merge.gz|blk:mbr|$ready" \
	"kernel-rules-append|rules-append.gz|blk:mbr|$ready" |
	xargs -P "${BOOT_JOBS:-2}" -I{} bash -c \
		'IFS="|" read -r n i d r <<<"$1"; "$0" "$n" amd64 "$i" "$d" "" "$r$2"' \
		tests/boot/boot-one.sh {} "$expect"
