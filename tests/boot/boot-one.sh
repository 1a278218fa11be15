#!/bin/bash
# One boot test: boot-one.sh NAME FLAVOUR INITRD DEVICES APPEND EXPECT
# DEVICES: space-separated blk:DISK, modern:DISK, scsi:DISK (build/fixtures/
# DISK.img); APPEND: more kernel command line. Passes only if the console
# shows the EXPECT line; a timeout fails. Prints "PASS: NAME" or "FAIL: ...".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
name=$1 flavour=$2 initrd=$3 devices=$4 append=$5 expect=$6
f=${FIXTURES:-$root/build/fixtures}
log=${BOOT_LOGS:-$root/build/boot}/$name.log
mkdir -p "$(dirname "$log")"
timeout_s=${BOOT_TIMEOUT:-120}

args=()
n=0
for dev in $devices; do
	kind=${dev%%:*} img=$f/${dev#*:}.img
	args+=(-drive "file=$img,if=none,id=d$n,format=raw,readonly=on")
	case $kind in
	blk) args+=(-device "virtio-blk-pci,drive=d$n") ;;
	modern) args+=(-device "virtio-blk-pci,drive=d$n,disable-legacy=on,disable-modern=off") ;;
	scsi) args+=(-device "virtio-scsi-pci,id=scsi$n" -device "scsi-hd,drive=d$n,bus=scsi$n.0") ;;
	esac
	n=$((n + 1))
done

start=$(date +%s.%N)
timeout "$timeout_s" qemu-system-x86_64 -accel tcg -m 512 -smp 1 -nographic \
	-no-reboot -nodefaults -serial stdio -kernel "$root/cache/kernels/$flavour/vmlinuz" \
	-initrd "$f/$initrd" -append "console=ttyS0 panic=-1 $append" "${args[@]}" \
	</dev/null 2>&1 | tr -d '\r' >"$log"
status=${PIPESTATUS[0]}
secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo "?")

if [ "$status" = 124 ]; then
	echo "FAIL: boot $name (timed out after ${timeout_s}s; see $log)"
elif grep -qxF -- "$expect" "$log"; then
	echo "PASS: boot $name (${secs%.*}s)"
else
	echo "FAIL: boot $name (no line \"$expect\"; see $log)"
	grep -E 'minirt-virtio|KNOPPIX|Could not|Kernel panic' "$log" | head -5 | sed 's/^/    /'
fi
