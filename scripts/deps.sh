#!/bin/bash
# Install the Debian 12 packages that building and testing need.
# Quick when they are all there already; never fails on a passing index error.
# (GRUB legacy for the boot tests is unpacked, not installed: make-grub-disk.sh.)
# Adds a deb-src entry for Debian's own archive, for the static build's
# libraries (scripts/static-libs.sh: apt-get source).
set -euo pipefail

packages=(build-essential pkg-config musl-tools musl-dev:i386 gcc-i686-linux-gnu
	libkmod-dev zlib1g-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev
	liblzo2-dev libarchive-dev libiso9660-dev cloop-utils genisoimage
	libdeflate-dev
	libcmocka-dev qemu-system-x86 busybox-static e2fsprogs fdisk cpio kmod
	xz-utils zstd lz4 bzip2 gzip initramfs-tools-core clang libclang-rt-14-dev
	valgrind bc grub-pc-bin grub-common seabios libc6-i386 qemu-user-static
	mandoc man-db clang-format
	mmdebstrap qemu-utils dpkg-dev libmd-dev linux-libc-dev:i386 autoconf automake
	libtool autopoint gtk-doc-tools)

# deb-src beside each deb line of the host's Debian sources (not others').
src_list=/etc/apt/sources.list.d/minirt-virtio-src.sources
add_sources() {
	local from=/etc/apt/sources.list.d/debian.sources
	[ -e "$src_list" ] && return 1
	if [ -f "$from" ]; then
		sed 's/^Types: deb$/Types: deb-src/' "$from" >"$src_list"
	else
		sed -n 's/^deb \(.*debian\.org.*\)/deb-src \1/p' /etc/apt/sources.list \
			>"${src_list%.sources}.list"
		touch "$src_list"
	fi
}

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
new_sources=no
[ "$(id -u)" != 0 ] || ! add_sources || new_sources=yes
[ ${#missing[@]} -eq 0 ] && [ "$new_sources" = no ] && exit 0

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "deps: run as root (or install: ${missing[*]})" >&2
	exit 1
fi
dpkg --print-foreign-architectures | grep -qx i386 || dpkg --add-architecture i386
apt-get update -q || echo "deps: apt-get update reported an error; going on"
[ ${#missing[@]} -eq 0 ] && exit 0
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"${missing[@]}"
