#!/bin/bash
# The static build's libraries, built with musl from Debian's own source
# packages, at the versions Debian ships, for one architecture:
#   static-libs.sh x86_64|i386
# prints the prefix that holds their lib/*.a and include/. Cached in
# ${MINIRT_VIRTIO_CACHE:-/var/cache/minirt-virtio}/static, keyed by this
# recipe and every source version, so the next make static builds only
# the project. Sources come from apt-get source (deps.sh adds the deb-src
# entry): the newest version the archive still has the files of.
# Only what the builder uses is built: no programs, no optional codecs
# inside libarchive and libkmod (the builder unpacks modules itself).
# Needs musl-tools, gcc-i686-linux-gnu with musl-dev:i386, autoconf,
# automake, libtool, autopoint and gtk-doc-tools (the autoreconf Debian runs), dpkg-dev.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:-}
cache=${MINIRT_VIRTIO_CACHE:-/var/cache/minirt-virtio}/static
case $arch in
x86_64) cc=musl-gcc host=x86_64-linux-musl asm=/usr/include/x86_64-linux-gnu/asm ;;
i386) cc=i386-linux-musl-gcc host=i686-linux-musl asm=/usr/include/i386-linux-gnu/asm ;;
*) echo "usage: static-libs.sh x86_64|i386" >&2 && exit 2 ;;
esac
# Source packages, in the order they are built.
libs=(zlib xz-utils libzstd lz4 bzip2 lzo2 libdeflate libmd kmod libarchive
	libcdio)
recipe=static-libs-1
say() { echo "static-libs: $*" >&2; }
die() { say "$*" && exit 1; }

src=$cache/src
mkdir -p "$src"

# The versions of a source package the sources list knows, newest first.
versions() { # SOURCE
	apt-cache showsrc --only-source "$1" 2>/dev/null |
		sed -n 's/^Version: //p' | sort -u |
		while read -r v; do echo "$v"; done |
		sort -r -V
}

# The .dsc of the source package: the newest version whose files the
# archive still has (a security update's may be gone from the mirror).
fetch() { # SOURCE
	local dsc v
	dsc=$(ls "$src/$1"_*.dsc 2>/dev/null | head -1)
	[ -n "$dsc" ] && { echo "$dsc"; return; }
	: >"$src/$1.log"
	for v in $(versions "$1"); do
		(cd "$src" && apt-get source --download-only -q "$1=$v" \
			>>"$src/$1.log" 2>&1) && break
		# What a failed download left, but a .dsc whose orig came.
		ls "$src/$1_${v#*:}".dsc >/dev/null 2>&1 && break
	done
	dsc=$(ls -t "$src/$1"_*.dsc 2>/dev/null | head -1)
	[ -n "$dsc" ] || die "cannot fetch the source of $1 (see $src/$1.log)"
	echo "$dsc"
}

# The tree, Debian's patches applied; where the archive lacks the
# debian.tar (libcdio's, here), the orig tarball the .dsc names, checked.
unpack() { # DSC DIR
	local dsc=$1 dir=$2 orig
	rm -rf "$dir"
	dpkg-source -q -x "$dsc" "$dir" >/dev/null 2>&1 && return
	orig=$(awk '/^Checksums-Sha256:/ { on = 1; next } on && /orig\.tar/ { print $1, $3; exit }' "$dsc")
	[ -n "$orig" ] && (cd "$(dirname "$dsc")" &&
		echo "${orig% *}  ${orig#* }" | sha256sum -c --quiet) ||
		die "cannot unpack $dsc"
	say "$(basename "$dsc"): no debian.tar in the archive; built from ${orig#* } as the .dsc names it"
	mkdir -p "$dir"
	tar -xf "$(dirname "$dsc")/${orig#* }" -C "$dir" --strip-components=1
}

# One fetch at a time (both architectures share the sources), then one
# build of this architecture's libraries at a time.
exec 8>"$cache/.lock-src" 9>"$cache/.lock-$arch"
flock 8
dscs=()
for l in "${libs[@]}"; do dscs+=("$(fetch "$l")"); done
flock -u 8
flock 9
key=$( { echo "$recipe"; sha256sum "$0" | cut -d' ' -f1; for d in "${dscs[@]}"; do basename "$d"; done; } |
	sha256sum | cut -c1-12)
prefix=$cache/$arch-$key
if [ -e "$prefix/done" ]; then
	echo "$prefix"
	exit 0
fi

work=$cache/.build-$arch-$$
trap 'rm -rf "$work"' EXIT
rm -rf "$prefix"
mkdir -p "$work" "$prefix/lib" "$prefix/include"
# musl's headers have no kernel headers: Debian's, for this architecture.
for h in linux asm-generic mtd; do ln -sfn "/usr/include/$h" "$prefix/include/$h"; done
ln -sfn "$asm" "$prefix/include/asm"
export CC=$cc CFLAGS="-O2 -ffunction-sections -fdata-sections -I$prefix/include"
export CPPFLAGS="-I$prefix/include" LDFLAGS="-L$prefix/lib -static"
conf=(--host="$host" --prefix="$prefix" --disable-shared --enable-static)
# As Debian builds them (dh_autoreconf): the build files made again here.
configure() { autoreconf -fi >/dev/null 2>&1 && ./configure "$@"; }

build_zlib() { # its configure is no autoconf one
	./configure --static --prefix="$prefix" && make -j2 libz.a && make install
}
build_xz_utils() {
	configure "${conf[@]}" --disable-xz --disable-xzdec --disable-lzmadec \
		--disable-lzmainfo --disable-lzma-links --disable-scripts \
		--disable-doc --disable-nls && make -j2 -C src/liblzma install
}
build_libzstd() {
	make -j2 -C lib libzstd.a && make -C lib install-static install-includes \
		PREFIX="$prefix"
}
build_lz4() {
	make -j2 -C lib liblz4.a &&
		cp lib/liblz4.a "$prefix/lib/" &&
		cp lib/lz4.h lib/lz4hc.h lib/lz4frame.h "$prefix/include/"
}
build_bzip2() {
	make -j2 libbz2.a CC="$cc" CFLAGS="$CFLAGS -D_FILE_OFFSET_BITS=64" &&
		cp libbz2.a "$prefix/lib/" && cp bzlib.h "$prefix/include/"
}
build_lzo2() {
	configure "${conf[@]}" && make -j2 && make install
}
build_libdeflate() {
	make -j2 libdeflate.a CC="$cc" && cp libdeflate.a "$prefix/lib/" &&
		cp libdeflate.h "$prefix/include/"
}
build_libmd() {
	configure "${conf[@]}" && make -j2 && make install
}
# kmod builds libkmod shared only (its configure refuses --enable-static):
# the archive is made of the same objects.
build_kmod() {
	gtkdocize --docdir libkmod/docs >/dev/null &&
		configure --host="$host" --prefix="$prefix" --disable-manpages \
			--disable-test-modules --disable-tools --without-zstd \
			--without-xz --without-zlib --without-openssl &&
		make -j2 libkmod/libkmod.la &&
		ar rcs "$prefix/lib/libkmod.a" libkmod/.libs/*.o shared/.libs/*.o &&
		cp libkmod/libkmod.h "$prefix/include/"
}
build_libarchive() {
	configure "${conf[@]}" --disable-bsdtar --disable-bsdcat \
		--disable-bsdcpio --disable-bsdunzip --disable-acl --disable-xattr \
		--without-zlib --without-bz2lib --without-libb2 --without-iconv \
		--without-lz4 --without-zstd --without-lzma --without-lzo2 \
		--without-cng --without-mbedtls --without-nettle --without-openssl \
		--without-xml2 --without-expat &&
		make -j2 libarchive.la &&
		make install-libLTLIBRARIES install-includeHEADERS
}
build_libcdio() {
	configure "${conf[@]}" --disable-cxx --disable-cpp-progs \
		--disable-example-progs --without-cd-drive --without-cd-info \
		--without-cd-paranoia --without-cdda-player --without-cd-read \
		--without-iso-info --without-iso-read --disable-rpath &&
		make -j2 -C include && make -j2 -C lib/driver && make -j2 -C lib/iso9660 &&
		make -C include install && make -C lib/driver install &&
		make -C lib/iso9660 install
}

for i in "${!libs[@]}"; do
	name=${libs[i]}
	dir=$work/$name
	unpack "${dscs[i]}" "$dir"
	say "$arch: $(basename "${dscs[i]}" .dsc)"
	(cd "$dir" && "build_${name//-/_}") >"$work/$name.log" 2>&1 ||
		{ tail -30 "$work/$name.log" >&2; die "$arch: $name did not build (log above)"; }
done
rm -rf "$prefix/bin" "$prefix/share" "$prefix/lib/pkgconfig" "$prefix"/lib/*.la
touch "$prefix/done"
# Older versions' builds for this architecture are of no more use.
for old in "$cache/$arch"-*; do
	[ "$old" = "$prefix" ] || rm -rf "$old"
done
echo "$prefix"
