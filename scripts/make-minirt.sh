#!/bin/bash
# A KNOPPIX-like minirt from Debian packages, without root:
#   make-minirt.sh OUT ARCH MODDIR INIT COMP [early]
# ARCH amd64|i386 (busybox-static of that architecture), MODDIR a kernel's
# /lib/modules/<kver> (its filesystem modules go to /kernel-builtin, which
# the stand-in init loads first: KNOPPIX's kernel has those drivers built
# in) or "none" (a minirt for several kernels). /modules is empty, as on
# every real minirt. INIT one of
# tests/fixtures/*-init or a path, or busybox-hardlink (/init a hard link to
# /bin/busybox, which carries the data as GNU cpio writes it, and the
# KNOPPIX 7 stand-in, which scans vd names, as busybox init's /etc/init.d/rcS),
# COMP gzip|xz|zstd|none; "early" puts an
# uncompressed early cpio (a dummy microcode file) in front. EXTRA_LIST may
# name a file of more gen-cpio lines.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/cache.sh"
out=$1 arch=$2 moddir=$3 init=$4 comp=$5 early=${6:-}
gen=$root/build/gen-cpio
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

busybox_for() {
	if [ "$1" = amd64 ]; then
		echo /bin/busybox
		return
	fi
	local dir
	dir=$(cache_deb "busybox-static:$1") || exit 1
	cache_link "busybox-$1" "$dir" || true
	echo "$dir/bin/busybox"
}

{
	for d in bin sbin dev proc sys mnt-system mnt-iso modules etc tmp; do
		echo "dir /$d 755 0 0"
	done
	if [ "$init" = busybox-hardlink ]; then
		sed -f "$root/tests/fixtures/knoppix7.sed" \
			"$root/tests/fixtures/knoppix6-init" >"$work/rcS"
		echo "dir /etc/init.d 755 0 0"
		echo "file /etc/init.d/rcS $work/rcS 755 0 0"
		echo "file /init $(busybox_for "$arch") 755 0 0 /bin/busybox"
	else
		echo "file /bin/busybox $(busybox_for "$arch") 755 0 0"
	fi
	for tool in sh mount umount insmod mknod ls cat cut sleep poweroff echo \
		grep sed dmesg find env; do
		echo "slink /bin/$tool busybox 777 0 0"
	done
	case $init in
	busybox-hardlink) ;;
	*/*) echo "file /init $init 755 0 0" ;;
	*) echo "file /init $root/tests/fixtures/$init-init 755 0 0" ;;
	esac

	# The static /dev of KNOPPIX 6: no vd nodes, no kmsg.
	echo "nod /dev/console 600 0 0 c 5 1"
	echo "nod /dev/null 666 0 0 c 1 3"
	echo "nod /dev/zero 666 0 0 c 1 5"
	echo "nod /dev/tty 666 0 0 c 5 0"
	echo "nod /dev/ttyS0 660 0 0 c 4 64"
	for i in 0 1 2 3 4; do echo "nod /dev/tty$i 620 0 0 c 4 $i"; done
	majors=(3 3 22 22)
	firsts=(0 64 0 64)
	i=0
	for l in a b c d; do
		echo "nod /dev/hd$l 660 0 6 b ${majors[$i]} ${firsts[$i]}"
		for p in 1 2 3 4 5 6 7 8; do
			echo "nod /dev/hd$l$p 660 0 6 b ${majors[$i]} $((firsts[i] + p))"
		done
		echo "nod /dev/sd$l 660 0 6 b 8 $((i * 16))"
		for p in $(seq 1 15); do
			echo "nod /dev/sd$l$p 660 0 6 b 8 $((i * 16 + p))"
		done
		i=$((i + 1))
	done
	echo "nod /dev/sr0 660 0 24 b 11 0"
	echo "nod /dev/scd0 660 0 24 b 11 0"
	for i in 0 1 2 3 4 5 6 7; do echo "nod /dev/loop$i 660 0 6 b 7 $i"; done

	# Filesystem drivers (and loop, for bootfrom='s ISO files), as if
	# built into the kernel.
	order=""
	[ "$moddir" = none ] && fs_modules="" ||
		fs_modules="crc16 mbcache jbd2 crc32c_generic ext4 cdrom isofs loop"
	[ -z "$fs_modules" ] || echo "dir /kernel-builtin 755 0 0"
	for m in $fs_modules; do
		f=$(find "$moddir/kernel" -name "$m.ko" | head -n1)
		[ -n "$f" ] || { echo "make-minirt: no $m.ko in $moddir" >&2; exit 1; }
		echo "file /kernel-builtin/$m.ko $f 644 0 0"
		order="$order $m.ko"
	done
	if [ -n "$order" ]; then
		echo "$order" >"$work/order"
		echo "file /kernel-builtin/order $work/order 644 0 0"
	fi
	[ -n "${EXTRA_LIST:-}" ] && cat "$EXTRA_LIST"
} >"$work/list"

"$gen" "$work/list" >"$work/main.cpio"
case $comp in
gzip) gzip -9 -n -c "$work/main.cpio" >"$work/main" ;;
xz) xz --check=crc32 -c "$work/main.cpio" >"$work/main" ;;
zstd) zstd -q -19 -c "$work/main.cpio" >"$work/main" ;;
none) cp "$work/main.cpio" "$work/main" ;;
*) echo "make-minirt: unknown compression $comp" >&2; exit 1 ;;
esac

if [ "$early" = early ]; then
	head -c 1000 /dev/urandom >"$work/ucode"
	printf '%s\n' "dir /kernel 755 0 0" "dir /kernel/x86 755 0 0" \
		"dir /kernel/x86/microcode 755 0 0" \
		"file /kernel/x86/microcode/AuthenticAMD.bin $work/ucode 644 0 0" |
		"$gen" >"$work/early"
	cat "$work/early" "$work/main" >"$out"
else
	cp "$work/main" "$out"
fi
