#!/bin/bash
# make demo: the seed's path on a stand-in VPS. Its virtio disk has GRUB 2 in
# the MBR and /boot/KNOPPIX/{linux64,minirt.gz,KNOPPIX} (KNOPPIX-6-like; the
# KNOPPIX image a cloop one holding the kernel's modules, as on a real
# medium) on vda1, with the menu entry the seed wrote by hand: booting it
# through GRUB fails. minirt-virtio rebuilds the minirt in place from those
# files alone, boot-entry prints the menu entry, and the same boot through
# GRUB finds KNOPPIX on /dev/vda1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
demo=build/demo
mkdir -p "$demo"
export FIXTURES=$root/$demo BOOT_LOGS=$root/$demo
mv=build/minirt-virtio

echo "== Fetching Debian's kernel (its virtio drivers are modules, as in KNOPPIX)"
scripts/fetch-kernels.sh
kver=$(cat cache/kernels/amd64/kver)
mods=cache/kernels/amd64/nodep/lib/modules/$kver

indent() { sed 's/^/    /'; }
# What the serial console showed: the BIOS, GRUB, the kernel, the inits.
show() {
	sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' "$1" |
		grep -aE "Booting from|GRUB loading|Booting \`|Command line:|minirt-virtio:|KNOPPIX-INIT: found|Could not mount" |
		sed 's/^ *//' | indent
}
boot() { # NAME EXPECT
	tests/boot/boot-one.sh "$1" bios - blk:vps "" "$2" >"$demo/$1.result"
	show "$demo/$1.log"
	sed 's/^/    result: /' "$demo/$1.result"
}

# The KNOPPIX image: an ISO9660 of the kernel's module tree, through
# create_compressed_fs, as KNOPPIX's own is made (kept for the next demo).
image=$demo/KNOPPIX.cloop
if [ ! -e "$image" ]; then
	echo "== Making a KNOPPIX image (cloop) of the kernel's modules"
	stage=$(mktemp -d)
	mkdir -p "$stage/lib/modules"
	cp -al "cache/kernels/amd64/dep/lib/modules/$kver" "$stage/lib/modules/"
	size=$(genisoimage -quiet -R -print-size "$stage")
	genisoimage -quiet -R "$stage" |
		create_compressed_fs -q -L 1 -B 65536 -s "${size}i" - "$image.tmp" \
			>/dev/null 2>&1
	rm -rf "$stage"
	mv "$image.tmp" "$image"
fi
export KNOPPIX_IMAGE=$root/$image

echo "== The VPS: vda1 is / with /boot/KNOPPIX/{linux64,minirt.gz,KNOPPIX}, GRUB 2 in the MBR"
rm -rf "$demo/vps" "$demo"/minirt.gz*
scripts/make-minirt.sh "$demo/minirt.gz" amd64 "$mods" knoppix6 gzip
vps=$demo/vps
knoppix=$vps/boot/KNOPPIX
cfg=$(scripts/make-grub-disk.sh tree "$vps" root grub2 "$demo/minirt.gz")
cp "$cfg" "$demo/grub-header.cfg"
cat >>"$cfg" <<'EOF'
menuentry 'KNOPPIX' {
	linux /boot/KNOPPIX/linux64 knoppix_dir=boot/KNOPPIX lang=en 2 console=ttyS0
	initrd /boot/KNOPPIX/minirt.gz
}
EOF
echo "   /boot/grub/grub.cfg (serial console for QEMU, then the seed's entry):"
indent <"$cfg"
scripts/make-grub-disk.sh image "$demo/vps.img" "$vps" root grub2

echo "== Booting the VPS in QEMU: SeaBIOS, GRUB from the virtio disk, KNOPPIX's minirt"
boot original "Could not mount disk to /mnt-system."

echo "== minirt-virtio boot-entry /boot/KNOPPIX refuses this minirt:"
"$mv" boot-entry --mount-table "$vps.mountinfo" "$knoppix" 2>&1 | indent || true

echo "== minirt-virtio build --medium /boot/KNOPPIX -o /boot/KNOPPIX/minirt.gz"
echo "   (the modules come out of /boot/KNOPPIX/KNOPPIX; no running KNOPPIX)"
"$mv" build --medium "$knoppix" -o "$knoppix/minirt.gz" | indent

echo "== minirt-virtio boot-entry /boot/KNOPPIX -- lang=en 2"
echo "   (the VPS's mount table, $vps.mountinfo: vda1 is mounted on $vps)"
"$mv" boot-entry --mount-table "$vps.mountinfo" "$knoppix" -- lang=en 2 \
	>"$demo/entry.cfg"
indent <"$demo/entry.cfg"
cat "$demo/grub-header.cfg" "$demo/entry.cfg" >"$cfg"
scripts/make-grub-disk.sh image "$demo/vps.img" "$vps" root grub2

echo "== Booting the VPS again: the same GRUB, boot-entry's entry, the rebuilt minirt"
boot rebuilt "ready:1 virtio-blk disk (vda vda1) && KNOPPIX-INIT: found boot/KNOPPIX/KNOPPIX on /dev/vda1"

echo
if grep -q PASS "$demo/original.result" && grep -q PASS "$demo/rebuilt.result"; then
	echo "Through the VPS's own GRUB, KNOPPIX's minirt could not find its virtio"
	echo "disk. After minirt-virtio build it loads the virtio drivers, makes"
	echo "/dev/vda*, and KNOPPIX's init finds KNOPPIX on /dev/vda1, from the menu"
	echo "entry boot-entry wrote. The original is kept as"
	echo "$knoppix/minirt.gz.orig; boot logs are in $demo/."
else
	echo "The demo did not go as it should; see the logs in $demo/."
	exit 1
fi
