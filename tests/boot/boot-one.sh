#!/bin/bash
# One boot test: boot-one.sh NAME KERNEL INITRD DEVICES APPEND EXPECT
# KERNEL: a flavour of cache/kernels/ (amd64, 686), or a path below the
# fixtures (medium/flat/linux64); "i386:" in front boots it in
# qemu-system-i386 instead of qemu-system-x86_64.
# DEVICES: space-separated blk:DISK, modern:DISK, scsi:DISK (build/fixtures/
# DISK.img), mem:MiB; APPEND: more kernel command line. KERNEL bios: no
# -kernel, the BIOS boots the first disk (INITRD and APPEND unused). Passes
# only if the console shows the EXPECT line (or, for EXPECT "~TEXT", TEXT
# within a line, for full-screen programs; for "^REGEX", a line matching
# that extended regex; for "!TEXT", no line holding TEXT by then; "A && B"
# wants both); a timeout fails. Prints "PASS: NAME" or "FAIL".
# More DEVICES: cd:DISK (a CD-ROM on virtio-scsi), nvme:DISK, slow:DISK
# (virtio-blk doing 2 I/Os a second), balloon, ide:DISK (on the PC's own
# IDE controller, writes kept in a temporary file: IDE disks cannot be
# read-only). More EXPECT: "ready:DISKS",
# the pre-init's summary saying every module loaded and DISKS (e.g.
# "1 virtio-blk disk (vda vda1)") ready, with no timeout. Every case fails
# if a line of the pre-init shows a literal "<N>" level prefix.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
name=$1 kernel=$2 initrd=$3 devices=$4 append=$5 expect=$6
f=${FIXTURES:-$root/build/fixtures}
log=${BOOT_LOGS:-$root/build/boot}/$name.log
mkdir -p "$(dirname "$log")"
timeout_s=${BOOT_TIMEOUT:-120}

args=()
n=0
mem=512
for dev in $devices; do
	[ "${dev%%:*}" = mem ] && { mem=${dev#mem:}; continue; }
	# a SCSI controller without disks: a device whose disks never come
	[ "$dev" = scsi-empty ] && { args+=(-device virtio-scsi-pci); continue; }
	[ "$dev" = balloon ] && { args+=(-device virtio-balloon-pci); continue; }
	kind=${dev%%:*} img=$f/${dev#*:}.img
	if [ "$kind" = ide ]; then
		args+=(-drive "file=$img,if=ide,format=raw,snapshot=on")
		continue
	fi
	args+=(-drive "file=$img,if=none,id=d$n,format=raw,readonly=on")
	case $kind in
	blk) args+=(-device "virtio-blk-pci,drive=d$n") ;;
	modern) args+=(-device "virtio-blk-pci,drive=d$n,disable-legacy=on,disable-modern=off") ;;
	scsi) args+=(-device "virtio-scsi-pci,id=scsi$n" -device "scsi-hd,drive=d$n,bus=scsi$n.0") ;;
	cd) args+=(-device "virtio-scsi-pci,id=scsi$n" -device "scsi-cd,drive=d$n,bus=scsi$n.0") ;;
	nvme) args+=(-device "nvme,drive=d$n,serial=minirt$n") ;;
	slow) args[${#args[@]} - 1]+=",throttling.iops-total=2"
		args+=(-device "virtio-blk-pci,drive=d$n") ;;
	esac
	n=$((n + 1))
done

# Passes as soon as the line shows (some inits never power off), fails if
# the guest ends without it or the hard timeout strikes first.
# EXPECT may name several lines: "LINE && LINE".
# The pre-init's summary when all went well, DISKS taken literally.
summary_re() { # DISKS
	local disks
	disks=$(printf '%s' "$1" | sed 's/[][().*+?^$|\\{}]/\\&/g')
	echo "^minirt-virtio: [0-9]+ modules in [0-9.]+ ms, $disks ready after [0-9.]+ ms, own [0-9.]+ ms, exec /init\\.orig$"
}
# The console's lines, each whole again (console.awk).
lines() { awk -f "$root/tests/boot/console.awk" "$log"; }
seen_one() {
	if [ "${1#ready:}" != "$1" ]; then
		lines | grep -qE -- "$(summary_re "${1#ready:}")"
	elif [ "${1#!}" != "$1" ]; then
		! lines | grep -qF -- "${1#!}"
	elif [ "${1#^}" != "$1" ]; then
		lines | grep -qE -- "$1"
	elif [ "${1#\~}" != "$1" ]; then
		lines | grep -qF -- "${1#\~}"
	else
		lines | grep -qxF -- "$1"
	fi
}
seen() {
	local rest=$expect
	while [ "${rest#* && }" != "$rest" ]; do
		seen_one "${rest%% && *}" || return 1
		rest=${rest#* && }
	done
	seen_one "$rest"
}
qemu=qemu-system-x86_64
if [ "${kernel#i386:}" != "$kernel" ]; then
	qemu=qemu-system-i386
	kernel=${kernel#i386:}
fi
case $kernel in
bios) ;;
*/*) kernel=$f/$kernel ;;
*) kernel=$root/cache/kernels/$kernel/vmlinuz ;;
esac
boot=()
[ "$kernel" = bios ] || boot=(-kernel "$kernel" -initrd "$f/$initrd"
	-append "console=ttyS0 panic=-1 $append")
: >"$log"
start=$(date +%s)
timeout "$timeout_s" "$qemu" -accel tcg -m "$mem" -smp 1 -nographic \
	-no-reboot -nodefaults -serial stdio "${boot[@]}" "${args[@]}" \
	</dev/null >"$log" 2>&1 &
qemu=$!
while kill -0 "$qemu" 2>/dev/null && ! seen; do
	sleep 0.2
done
kill "$qemu" 2>/dev/null
wait "$qemu"
status=$?
secs=$(($(date +%s) - start))
lines >"$log.tmp" && mv "$log.tmp" "$log"

# A /dev/kmsg prefix the kernel did not take (one digit only before 3.5).
literal=$(grep -m1 -E '<[0-9]+>minirt-virtio:' "$log")
if [ -n "$literal" ]; then
	echo "FAIL: boot $name (a line with a literal level prefix: $literal; see $log)"
elif seen; then
	echo "PASS: boot $name (${secs}s)"
elif [ "$status" = 124 ]; then
	echo "FAIL: boot $name (timed out after ${timeout_s}s; see $log)"
else
	echo "FAIL: boot $name (no line \"$expect\"; see $log)"
	grep -E 'minirt-virtio|KNOPPIX|Could not|Kernel panic' "$log" | head -5 | sed 's/^/    /'
fi
