#!/bin/bash
# The seed's manual fix, scripted on the KNOPPIX 6.x stand-in:
#   make-seed-minirt.sh OUT [MODULE...]
# The modules go to /modules/virtio; /init gets an insmod line for each
# after its load_modules call, mknod /dev/vda../dev/vda9 with virtio_blk's
# major on this kernel (254), and 'vda' 'vda[0-9]' in its scans. MODULE...
# (default: what minirt-virtio shipped and loaded before it loaded drivers
# by device: virtio_pci virtio_blk virtio_scsi sd_mod virtio_balloon) come
# with what they need, in modprobe's order.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
shift
[ $# -gt 0 ] || set -- virtio_pci virtio_blk virtio_scsi sd_mod virtio_balloon
kver=$(cat "$root/cache/kernels/amd64/kver")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mapfile -t files < <(modprobe -a -d "$root/cache/kernels/amd64/dep" -S "$kver" \
	--show-depends "$@" | awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
lines=""
echo "dir /modules/virtio 755 0 0" >"$work/list"
for path in "${files[@]}"; do
	echo "file /modules/virtio/${path##*/} $path 644 0 0" >>"$work/list"
	lines="$lines\\ninsmod /modules/virtio/${path##*/}"
done
for i in 0 1 2 3 4 5 6 7 8 9; do
	[ $i = 0 ] && n=vda || n=vda$i
	lines="$lines\\nmknod /dev/$n b 254 $i"
done
sed -e "0,/^load_modules$/s||load_modules$lines|" \
	-e "s/'sd\[a-z\]\[0-9\]\*')/'sd[a-z][0-9]*' 'vda' 'vda[0-9]')/" \
	"$root/tests/fixtures/knoppix6-init" >"$work/init"
EXTRA_LIST=$work/list "$root/scripts/make-minirt.sh" "$out" amd64 \
	"$root/cache/kernels/amd64/nodep/lib/modules/$kver" "$work/init" gzip
