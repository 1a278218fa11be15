#!/bin/bash
# Initramfs images nobody here wrote, for the boot tests, in build/fixtures/:
#   di-initrd.gz      Debian's d-i netboot initrd (debian-installer-12-netboot-amd64)
#   mkinitramfs.img   Debian's mkinitramfs for the cached kernel, MODULES=list
#                     with ext4 only: no virtio drivers in it
#   testroot.img      an ext4 root whose /sbin/init prints a marker
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/cache.sh
f=build/fixtures
mkdir -p "$f"
kver=$(cat cache/kernels/amd64/kver)

# An early cpio in front, as microcode packages make it.
early_cpio_hook() { # CONFDIR
	mkdir -p "$1/hooks"
	cat >"$1/hooks/early-ucode" <<'HOOK'
#!/bin/sh
[ "$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
d=$(mktemp -d)
mkdir -p "$d/kernel/x86/microcode"
echo "not really microcode" >"$d/kernel/x86/microcode/AuthenticAMD.bin"
(cd "$d" && find kernel | cpio -o -H newc --quiet >"$d.cpio")
prepend_earlyinitramfs "$d.cpio"
rm -rf "$d" "$d.cpio"
HOOK
	chmod 755 "$1/hooks/early-ucode"
}

# Only the initrd out of the package, kept once per version (cache.sh).
di=debian-installer-12-netboot-amd64
di_initrd() { # DIR
	mkdir -p "$1/deb" &&
		(cd "$1/deb" && apt-get download -q "$di=$di_version") >"$1/download.log" 2>&1 &&
		dpkg-deb --fsys-tarfile "$1"/deb/*.deb |
		tar -xO ./usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64/initrd.gz \
			>"$1/initrd.gz" && rm -rf "$1/deb" ||
		{ cat "$1/download.log" >&2; return 1; }
}
di_version=$(cache_candidate "$di")
di_dir=$(cache_entry di "${di}_$di_version" di_initrd)
cp "$di_dir/initrd.gz" "$f/di-initrd.gz"

# mkinitramfs reads /lib/modules/<kver> and /boot/config-<kver>: lend it the
# cached kernel's meanwhile, and take back exactly what was lent.
lent=()
give_back() {
	for ((i = ${#lent[@]} - 1; i >= 0; i--)); do
		rm -rf "${lent[$i]}"
	done
}
lend() { # SOURCE PATH: hard links (a symlink would leak into the image)
	local dir
	dir=$(dirname "$2")
	[ -e "$2" ] && return 0
	[ -d "$dir" ] || { mkdir -p "$dir" && lent+=("$dir"); }
	lent+=("$2")
	cp -al "$1" "$2" 2>/dev/null || cp -a "$1" "$2"
}
# "most": MODULES=most, a large image for the benchmarks (make bench).
want=(mkinitramfs)
[ "${1:-}" = most ] && want=(mkinitramfs-most)
for image in "${want[@]}"; do
	[ -e "$f/$image.img" ] && continue
	conf=$(mktemp -d)
	trap 'give_back; rm -rf "$conf"' EXIT
	cp -a /etc/initramfs-tools/. "$conf/"
	modules=list
	[ "$image" = mkinitramfs-most ] && modules=most
	sed -i "s/^MODULES=.*/MODULES=$modules/; s/^COMPRESS=.*/COMPRESS=gzip/" \
		"$conf/initramfs.conf"
	echo ext4 >"$conf/modules"
	# The large image (make bench) has none: the manual procedure timed
	# against minirt-virtio cannot read an early cpio.
	[ "$image" = mkinitramfs ] && early_cpio_hook "$conf"
	[ -e cache/kernels/amd64/config ] || { rm -rf cache/kernels/amd64 && scripts/fetch-kernels.sh; }
	lend "$root/cache/kernels/amd64/dep/lib/modules/$kver" "/lib/modules/$kver"
	lend "$root/cache/kernels/amd64/config" "/boot/config-$kver"
	mkinitramfs -d "$conf" -o "$f/$image.img.tmp" "$kver" 2>"$f/$image.log"
	mv "$f/$image.img.tmp" "$f/$image.img"
	rm -rf "$conf"
done

if [ ! -e "$f/testroot.img" ]; then
	t=$(mktemp -d)
	mkdir -p "$t/bin" "$t/sbin" "$t/proc" "$t/sys" "$t/dev" "$t/run"
	cp /bin/busybox "$t/bin/"
	ln -s busybox "$t/bin/sh"
	printf '%s\n' '#!/bin/sh' 'echo "ROOT-INIT: /sbin/init of the test root runs"' \
		'/bin/busybox poweroff -f' >"$t/sbin/init"
	chmod 755 "$t/sbin/init"
	truncate -s 64M "$f/testroot.img"
	printf '%s\n' 'label: dos' 'start=2048, type=83' | sfdisk -q "$f/testroot.img"
	mkfs.ext4 -q -F -E root_owner=0:0 -d "$t" "$t.img" 60M >/dev/null
	dd if="$t.img" of="$f/testroot.img" bs=512 seek=2048 conv=notrunc status=none
	rm -rf "$t" "$t.img"
fi
