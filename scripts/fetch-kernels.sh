#!/bin/bash
# Debian's own kernels, unpacked into cache/kernels/ (git-ignored): their
# virtio drivers are modules, the situation KNOPPIX is in.
#   cache/kernels/<flavour>/vmlinuz
#   cache/kernels/<flavour>/nodep/lib/modules/<kver>   as packaged, no modules.dep
#   cache/kernels/<flavour>/dep/lib/modules/<kver>     the same after depmod -b
set -euo pipefail
cd "$(dirname "$0")/.."
cache=cache/kernels

fetch() {
	local flavour=$1 meta=$2 dir=$cache/$1
	[ -e "$dir/done" ] && return 0
	rm -rf "$dir"
	mkdir -p "$dir/deb"
	local pkg
	pkg=$(apt-cache depends "$meta" 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$pkg" ]; then
		echo "fetch-kernels: no kernel package behind $meta" >&2
		exit 1
	fi
	(cd "$dir/deb" && apt-get download -q "$pkg") >"$dir/download.log" 2>&1 ||
		{ cat "$dir/download.log" >&2; exit 1; }
	dpkg -x "$dir"/deb/*.deb "$dir/nodep"
	rm -rf "$dir/deb"
	local kver
	kver=$(ls "$dir/nodep/lib/modules")
	mv "$dir/nodep/boot/vmlinuz-$kver" "$dir/vmlinuz"
	mv "$dir/nodep/boot/config-$kver" "$dir/config"
	rm -rf "$dir/nodep/boot" "$dir/nodep/usr"
	mkdir -p "$dir/dep/lib/modules"
	cp -al "$dir/nodep/lib/modules/$kver" "$dir/dep/lib/modules/$kver"
	depmod -b "$dir/dep" "$kver"
	echo "$kver" >"$dir/kver"
	touch "$dir/done"
	echo "fetch-kernels: $flavour $kver"
}

fetch amd64 linux-image-amd64
fetch 686 linux-image-686:i386
