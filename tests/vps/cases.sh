#!/bin/bash
# The VPS round trips (make check-vps; make check runs them too): a real
# Debian 12 system on a QEMU disk (scripts/make-vps.sh: GRUB put in by
# grub-install inside the guest), minirt-virtio put in by make install,
# booted only by SeaBIOS from virtio-blk. In each case the VPS's own boot
# runs setup and reboots (guest/vps-test); GRUB takes the one-time entry;
# KNOPPIX's stand-in init finds its medium on /dev/vda1 (the pre-init's
# summary asserted too), mounted read-only, and reboots; GRUB boots the
# VPS's system again, whose boot runs setup --remove, finds no trace and
# powers off. The cases:
#   iso         the stand-in ISO in /root, booted in place (bootfrom=)
#   flat-boot   its files flat in /boot/KNOPPIX, /boot a partition of its own
#   orig-fails  the negative control: setup's ISO entry with the medium's
#               original minirt stops at "Could not mount disk to /mnt-system."
# cases.sh NAME... runs only those. Prints a PASS or FAIL line per case.
set -uo pipefail
names="$*"
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$root/build/vps
medium=$root/build/fixtures/vps-medium
timeout_s=${VPS_TIMEOUT:-900}
mkdir -p "$dir"

# The payload over the VPS's /: make install's files, the round trip's
# unit, its case, the medium where the user put it.
payload() { # NAME LAYOUT KIND(iso|flat) [ORIGINAL]
	local p=$dir/$1-payload units
	rm -rf "$p"
	make -s -C "$root" install DESTDIR="$p" PREFIX=/usr/local >/dev/null
	units=$p/etc/systemd/system
	mkdir -p "$p/usr/local/sbin" "$units/multi-user.target.wants" "$p/root"
	cp "$root/tests/vps/guest/vps-test" "$p/usr/local/sbin/"
	cp "$root/tests/vps/guest/vps-test.service" "$units/"
	ln -s ../vps-test.service "$units/multi-user.target.wants/"
	if [ "$3" = iso ]; then
		cp "$medium/knoppix.iso" "$p/root/KNOPPIX.iso"
		echo "MEDIUM=/root/KNOPPIX.iso" >"$p/root/vps-test.conf"
	else
		mkdir -p "$p/boot/KNOPPIX"
		cp -r "$medium"/flat/* "$p/boot/KNOPPIX/"
		echo "MEDIUM=/boot/KNOPPIX" >"$p/root/vps-test.conf"
	fi
	echo "ORIGINAL=${4:-}" >>"$p/root/vps-test.conf"
	echo "$p"
}

# The case's disk: its host kind's, provisioned once (make-vps.sh host),
# with the payload written in; its path, or nothing if that failed.
vps() { # NAME LAYOUT KIND [ORIGINAL]
	local img=$dir/$1.img p
	p=$(payload "$@") &&
		"$root/scripts/make-vps.sh" case "$img" "$2" "$p" >&2 &&
		echo "$img"
}

summary() { # DISKS: the pre-init's line when all went well
	printf '^minirt-virtio: [0-9]+ modules in [0-9.]+ ms, 1 virtio-blk disk \\(%s\\) ready after [0-9.]+ ms, own [0-9.]+ ms, exec /init\\.orig$' "$1"
}
back='^VPS-TEST: stage 3: [^ ]+ booted from its own GRUB$'
first='^VPS-TEST: stage 1: [^ ]+ booted from its own GRUB$'

iso_case() {
	local img
	img=$(vps iso root iso) || { echo "FAIL: vps iso (no image)"; return; }
	"$root/tests/vps/run.sh" iso "$img" "$timeout_s" "$first" \
		"VPS-TEST: | undo: minirt-virtio setup --remove" \
		"VPS-TEST: stage 1: rebooting into KNOPPIX" \
		"$(summary 'vda vda1')" \
		"KNOPPIX-INIT: RW=ro; /dev/vda1 mounted ro" \
		"KNOPPIX-INIT: found KNOPPIX/KNOPPIX on /dev/vda1 in /root/KNOPPIX.iso" \
		"$back" "VPS-TEST: stage 3: no trace left"
}

flat_case() {
	local img
	img=$(vps flat-boot boot flat) || { echo "FAIL: vps flat-boot (no image)"; return; }
	"$root/tests/vps/run.sh" flat-boot "$img" "$timeout_s" "$first" \
		"VPS-TEST: | undo: minirt-virtio setup --remove" \
		"VPS-TEST: stage 1: rebooting into KNOPPIX" \
		"$(summary 'vda vda1 vda2')" \
		"KNOPPIX-INIT: RW=ro; /dev/vda1 mounted ro" \
		"KNOPPIX-INIT: found KNOPPIX/KNOPPIX on /dev/vda1" \
		"$back" "VPS-TEST: stage 3: no trace left"
}

# The original minirt behind the same entry: no pre-init ran, so no
# summary line anywhere in the boot.
orig_case() {
	local img out
	img=$(vps orig-fails root iso 1) || { echo "FAIL: vps orig-fails (no image)"; return; }
	out=$("$root/tests/vps/run.sh" orig-fails "$img" "$timeout_s" "$first" \
		"VPS-TEST: stage 1: the entry boots the medium's original minirt" \
		"VPS-TEST: stage 1: rebooting into KNOPPIX" \
		"Could not mount disk to /mnt-system." \
		"$back" "VPS-TEST: stage 3: no trace left")
	if [ "${out#PASS}" != "$out" ] && grep -q '^minirt-virtio: ' "$dir/orig-fails.log"; then
		echo "FAIL: vps orig-fails (a pre-init line showed: $(grep -m1 '^minirt-virtio: ' "$dir/orig-fails.log"))"
	else
		echo "$out"
	fi
}

"$root/tests/vps/medium.sh" || { echo "FAIL: vps medium (tests/vps/medium.sh)"; exit 1; }
# Debian's tarball, then each host kind's disk, once, before two cases
# would make them at once.
"$root/scripts/make-vps.sh" base >/dev/null ||
	{ echo "FAIL: vps Debian (scripts/make-vps.sh base)"; exit 1; }
want() { [ -z "$names" ] || [[ " $names " == *" $1 "* ]]; }
layouts=$({ want iso || want orig-fails; } && echo root; want flat-boot && echo boot)
for layout in $layouts; do
	"$root/scripts/make-vps.sh" host "$layout" >/dev/null &
done
wait
for layout in $layouts; do
	"$root/scripts/make-vps.sh" host "$layout" >/dev/null ||
		{ echo "FAIL: vps host $layout (scripts/make-vps.sh host $layout)"; exit 1; }
done
# The cases named, or all, VPS_JOBS (3) at a time: on two cores, three
# round trips at once end sooner than two and then one (in 1.5 times one
# trip's time, not 2), and a case shared three ways still ends well within
# its timeout.
running=0
for c in iso:iso_case flat-boot:flat_case orig-fails:orig_case; do
	want "${c%%:*}" || continue
	if [ "$running" -ge "${VPS_JOBS:-3}" ]; then
		wait -n
		running=$((running - 1))
	fi
	"${c#*:}" &
	running=$((running + 1))
done
wait
