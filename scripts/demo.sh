#!/bin/bash
# make demo: a KNOPPIX-6-like minirt fails to boot from a virtio-blk disk in
# QEMU; minirt-virtio rebuilds it in place, as the seed's manual fix did;
# then it boots.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
demo=build/demo
mkdir -p "$demo"
export FIXTURES=$root/$demo BOOT_LOGS=$root/$demo

echo "== Fetching Debian's kernel (its virtio drivers are modules, as in KNOPPIX)"
scripts/fetch-kernels.sh
kver=$(cat cache/kernels/amd64/kver)
mods=cache/kernels/amd64/nodep/lib/modules/$kver

echo "== Making a KNOPPIX-6-like minirt.gz and a disk whose vda1 holds KNOPPIX/KNOPPIX"
rm -f "$demo"/minirt.gz*
scripts/make-minirt.sh "$demo/minirt.gz" amd64 "$mods" knoppix6 gzip
[ -e "$demo/mbr.img" ] || scripts/make-disk.sh "$demo/mbr.img" mbr

show() { grep -E 'minirt-virtio:|KNOPPIX-INIT: found|Could not mount' "$1" | sed 's/^/    /'; }

echo "== Booting the original minirt in QEMU (virtio-blk disk)"
tests/boot/boot-one.sh original amd64 minirt.gz blk:mbr "" \
	"Could not mount disk to /mnt-system." >"$demo/original.result"
show "$demo/original.log"

echo "== minirt-virtio build -m $mods $demo/minirt.gz -o $demo/minirt.gz"
build/minirt-virtio build -m "$mods" "$demo/minirt.gz" -o "$demo/minirt.gz" |
	sed 's/^/    /'

echo "== Booting the rebuilt minirt in QEMU (same kernel, same disk)"
tests/boot/boot-one.sh rebuilt amd64 minirt.gz blk:mbr "" \
	"KNOPPIX-INIT: found KNOPPIX/KNOPPIX on /dev/vda1" >"$demo/rebuilt.result"
show "$demo/rebuilt.log"

echo
if grep -q PASS "$demo/original.result" && grep -q PASS "$demo/rebuilt.result"; then
	echo "The original minirt could not find its disk: it has no virtio drivers."
	echo "After one minirt-virtio command it loads them, makes /dev/vda*, and"
	echo "KNOPPIX's own init finds KNOPPIX on /dev/vda1. The original is kept"
	echo "as $demo/minirt.gz.orig; boot logs are in $demo/."
else
	cat "$demo/original.result" "$demo/rebuilt.result"
	echo "The demo did not go as it should; see the logs in $demo/."
	exit 1
fi
