#!/bin/bash
# Test disks holding KNOPPIX/KNOPPIX, made without root or loop mounts:
#   make-disk.sh OUT mbr|logical|whole|empty|cd|isofile|bootdir|blank|otherversion|nocloop
# KNOPPIX/ as knoppix-dir.sh makes it (image, kversion, modules/).
# mbr: ext4 vda1 (the VPS's /boot) with KNOPPIX next to two other partitions
# logical: KNOPPIX on logical partition 12; whole: ext4 on the whole disk;
# empty: an ext4 without KNOPPIX (the first of two disks);
# cd: an ISO9660 medium with KNOPPIX/KNOPPIX (a KNOPPIX CD);
# isofile: ext4 vda1 holding that ISO as /images/knoppix.iso (bootfrom=);
# bootdir: ext4 vda1 with /boot/KNOPPIX/KNOPPIX (knoppix_dir=boot/KNOPPIX);
# blank: zeros, no partition table, no filesystem;
# otherversion: mbr with another release's KNOPPIX/kversion (7.x's
# findknoppix passes it by); nocloop: mbr without KNOPPIX/modules/.
set -euo pipefail
out=$1 kind=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/plain/etc"
"$(dirname "$0")/knoppix-dir.sh" "$work/fs/KNOPPIX"
echo "a disk without KNOPPIX" >"$work/plain/etc/motd"

mkfs() { # DIR SIZE_MB IMAGE
	rm -f "$3"
	mkfs.ext4 -q -F -E root_owner=0:0 -d "$1" "$3" "${2}M" >/dev/null
}

put() { # IMAGE DISK START_SECTOR
	dd if="$1" of="$2" bs=512 seek="$3" conv=notrunc status=none
}

# One ext4 partition holding DIR, then swap and another (the VPS's disk).
partitioned() { # DIR
	truncate -s 64M "$out"
	printf '%s\n' 'label: dos' 'start=2048, size=32M, type=83' \
		'size=8M, type=82' 'type=83' | sfdisk -q "$out"
	mkfs "$1" 32 "$work/p1"
	put "$work/p1" "$out" 2048
}

case $kind in
mbr)
	partitioned "$work/fs"
	;;
otherversion)
	echo "7.4-2014-09-29" >"$work/fs/KNOPPIX/kversion"
	partitioned "$work/fs"
	;;
nocloop)
	rm -r "$work/fs/KNOPPIX/modules"
	partitioned "$work/fs"
	;;
cd)
	genisoimage -quiet -R -o "$out" "$work/fs"
	;;
isofile)
	mkdir -p "$work/iso/images"
	genisoimage -quiet -R -o "$work/iso/images/knoppix.iso" "$work/fs"
	partitioned "$work/iso"
	;;
blank)
	truncate -s 16M "$out"
	;;
bootdir)
	mkdir -p "$work/boot/boot"
	mv "$work/fs/KNOPPIX" "$work/boot/boot/KNOPPIX"
	partitioned "$work/boot"
	;;
logical)
	truncate -s 64M "$out"
	{
		echo 'label: dos'
		echo 'start=2048, size=4M, type=83'
		echo 'type=5'
		for i in 5 6 7 8 9 10 11; do echo 'size=1M, type=83'; done
		echo 'type=83'
	} | sfdisk -q "$out"
	start=$(sfdisk -d "$out" | awk -F'[=,]' '/12 : start/ { gsub(/ /, "", $2); print $2 }')
	mkfs "$work/fs" 24 "$work/p12"
	put "$work/p12" "$out" "$start"
	;;
whole)
	mkfs "$work/fs" 32 "$out"
	;;
empty)
	mkfs "$work/plain" 16 "$out"
	;;
*)
	echo "make-disk: unknown kind $kind" >&2
	exit 1
	;;
esac
