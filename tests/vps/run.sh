#!/bin/bash
# One case on the test VPS (scripts/make-vps.sh, provisioned):
#   run.sh NAME IMG TIMEOUT_S EXPECT...
# Boots IMG as its BIOS does (SeaBIOS, the virtio-blk disk, its own GRUB),
# writing into build/vps/NAME.qcow2 over it (removed after a pass), so IMG
# stays as it is and cases can share it (one provisioned IMG); the
# guest may reboot as often as it likes. Each EXPECT is a console line
# (whole, or for "^REGEX" a line matching that extended regex); they must
# come in that order. A unit's line sent to the console through journald
# (StandardOutput=journal+console) counts without the "[  TIME] NAME[PID]: "
# journald puts in front. Stops when the last has shown, the guest powers off
# or TIMEOUT_S strikes (a timeout fails). Prints "PASS: vps NAME (Ns)" and
# when each line showed, or "FAIL: vps NAME (...)" naming the missing one.
# The console: build/vps/NAME.log. VPS_MEM: MiB (1024), VPS_SMP: CPUs (1).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 4 ] || { echo "usage: run.sh NAME IMG TIMEOUT_S EXPECT..." >&2; exit 2; }
name=$1 img=$2 timeout_s=$3
shift 3
expect=("$@")
dir=${VPS_LOGS:-$root/build/vps}
log=$dir/$name.log overlay=$dir/$name.qcow2
mkdir -p "$dir"
[ -f "$img" ] || { echo "FAIL: vps $name (no image $img)"; exit 1; }

# The console's lines, each whole again (console.awk).
lines() { awk -f "$root/tests/boot/console.awk" "$log.raw"; }
journald='s/^\[ *[0-9]+\.[0-9]+\] [^][ ]+\[[0-9]+\]: //'
# How many of the expected lines have shown, in order.
seen() {
	local from=1 n=0 e hit
	lines | sed -E "$journald" >"$log.lines"
	for e in "${expect[@]}"; do
		if [ "${e#^}" != "$e" ]; then
			hit=$(tail -n "+$from" "$log.lines" | grep -n -m1 -E -- "$e")
		else
			hit=$(tail -n "+$from" "$log.lines" | grep -n -m1 -xF -- "$e")
		fi
		[ -n "$hit" ] || break
		from=$((from + ${hit%%:*})) n=$((n + 1))
	done
	echo "$n"
}
ms() { echo $(($(date +%s%N) / 1000000)); }

rm -f "$overlay"
qemu-img create -q -f qcow2 -b "$(realpath "$img")" -F raw "$overlay" ||
	{ echo "FAIL: vps $name (no overlay on $img)"; exit 1; }
: >"$log.raw"
start=$(ms)
timeout -k 10 "$timeout_s" qemu-system-x86_64 -accel tcg \
	-m "${VPS_MEM:-1024}" -smp "${VPS_SMP:-1}" -nographic -nodefaults \
	-serial stdio -drive "file=$overlay,if=none,id=d0,format=qcow2" \
	-device virtio-blk-pci,drive=d0 </dev/null >"$log.raw" 2>&1 &
qemu=$!
trap 'kill "$qemu" 2>/dev/null' EXIT
# When each expected line first showed, in seconds from the start.
at=() n=0
while kill -0 "$qemu" 2>/dev/null && [ "$n" -lt ${#expect[@]} ]; do
	sleep 0.5
	now=$(seen)
	while [ "$n" -lt "$now" ]; do
		at+=("$(awk -v t=$(($(ms) - start)) 'BEGIN { printf "%.1fs", t / 1000 }')")
		n=$((n + 1))
	done
done
kill "$qemu" 2>/dev/null
wait "$qemu"
status=$?
trap - EXIT
secs=$((($(ms) - start) / 1000))
n=$(seen)
lines >"$log" && rm -f "$log.raw" "$log.lines"

if [ "$status" = 124 ]; then
	echo "FAIL: vps $name (timed out after ${timeout_s}s waiting for \"${expect[n]:-}\"; see $log)"
elif [ "$n" = ${#expect[@]} ]; then
	echo "PASS: vps $name (${secs}s)"
	echo "    lines at ${at[*]}"
	rm -f "$overlay"
	exit 0
else
	after='' ended="QEMU ended with status $status"
	[ "$n" = 0 ] || after=" after \"${expect[n - 1]}\""
	[ "$status" = 0 ] && ended="the guest powered off"
	echo "FAIL: vps $name (no line \"${expect[n]}\"$after; $ended after ${secs}s; see $log)"
fi
grep -E 'VPS-|Kernel panic|emergency|Failed' "$log" | tail -5 | sed 's/^/    /'
exit 1
