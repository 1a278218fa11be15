#!/bin/bash
# A real Debian 12 system on a QEMU disk, standing in for a VPS, made
# without loop mounts; each stage kept in the cache (scripts/cache.sh):
#   make-vps.sh base
#     prints the path of a cached tarball of a bookworm root filesystem
#     (mmdebstrap), made first if missing; its name holds a hash of the
#     recipe and the candidate versions of linux-image-amd64 and grub-pc,
#     so an archive update (seen by the host's apt-get update) makes another.
#   make-vps.sh host LAYOUT
#     prints the path of a cached raw disk of the host kind LAYOUT, its
#     boot loader put in by its own first boot: the tarball configured
#     (fstab by UUID, hostname vps, GRUB on the serial console) on an ext4
#     made by mkfs -d, booted by -kernel into vps-provision.target, which
#     runs grub-install /dev/vda and update-grub inside the guest and powers
#     off. Made once per tarball, layout and this script's text: the cases
#     of a host kind share it.
#   make-vps.sh case OUT LAYOUT PAYLOAD_DIR
#     OUT, a copy of the host's disk with PAYLOAD_DIR's files written over
#     its / (and /boot) by debugfs, checked read back; it then boots from
#     its own GRUB (tests/vps/run.sh).
# LAYOUT root: vda1 is / and holds /boot; boot: vda1 is /boot on its own
# (300 MiB), vda2 is /.
# VPS_PROVISION_TIMEOUT: seconds for the provisioning boot (default 600).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/cache.sh"
cache=$cache_root/debian-vps

# Bump when the tarball's recipe changes (packages are hashed anyway).
recipe=vps-base-2
packages=(systemd-sysv udev kmod linux-image-amd64 grub-pc e2fsprogs util-linux
	libkmod2 libarchive13 libiso9660-11 libdeflate0 libmd0 liblzo2-2 zlib1g
	liblzma5 libzstd1 liblz4-1 libbz2-1.0 libcdio19)
# The same disk every time: the MBR's disk id, each filesystem's UUID.
label_id=0x6d727476
uuid_root=6d727476-0000-4000-8000-000000000001
uuid_boot=6d727476-0000-4000-8000-000000000002
boot_mb=300
free_mb=640 # wanted free on /, at least
flag=/var/lib/vps-provision/pending
line='VPS-PROVISION: grub installed on /dev/vda'
# What journald puts before a unit's line on the console (journal+console).
journald='s/^\[ *[0-9]+\.[0-9]+\] [^][ ]+\[[0-9]+\]: //'

say() { echo "make-vps: $*" >&2; }
die() { say "$*" && exit 1; }

# Debian's package for a command that is missing here.
need() { # COMMAND PACKAGE
	command -v "$1" >/dev/null && return
	say "installing $2"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "$2" >&2 ||
		{ apt-get update -q >&2 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
				--no-install-recommends "$2" >&2; }
}

# The host's Debian sources only (not third-party ones); none: mmdebstrap's
# own default, deb.debian.org with updates and security.
debian_sources() { # WORK
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		echo /etc/apt/sources.list.d/debian.sources
	elif grep -qsE '^deb .*debian\.org' /etc/apt/sources.list; then
		grep -E '^deb .*debian\.org' /etc/apt/sources.list >"$1/debian.list"
		echo "$1/debian.list"
	fi
}

# The tarball for the archive as it is: built once, then taken from the
# cache; written under another name and renamed when complete.
base() {
	local kver gver key name out sources
	kver=$(cache_candidate linux-image-amd64) gver=$(cache_candidate grub-pc)
	key=$(printf '%s\n' "$recipe" "${packages[@]}" | sha256sum | cut -c1-10)
	name=bookworm-$key-linux_$kver-grub_$gver
	name=${name//[^A-Za-z0-9.+~_-]/_}.tar.zst
	out=$cache/$name
	if [ ! -s "$out" ]; then
		need mmdebstrap mmdebstrap
		need zstd zstd
		mkdir -p "$cache"
		# (global: the trap runs after base; under image, in a subshell)
		base_work=$(mktemp -d) base_tmp=$cache/.partial-$$-$name
		trap 'rm -rf "$base_work" "$base_tmp"' EXIT
		sources=$(debian_sources "$base_work")
		say "building $out (mmdebstrap, log in $out.log)"
		local includes=("${packages[@]}")
		includes=("${includes[@]/#linux-image-amd64/linux-image-amd64=$kver}")
		includes=("${includes[@]/#grub-pc/grub-pc=$gver}")
		local start=$SECONDS
		# The initrd made in the chroot, where / is no ext4 to probe, holds
		# e2fsck only if told the type, as an installed system's would.
		if ! mmdebstrap --variant=required --format=tar \
			--include="$(IFS=, && echo "${includes[*]}")" \
			--setup-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" &&
				echo FSTYPE=ext4 >"$1/etc/initramfs-tools/conf.d/vps-fstype"' \
			bookworm "$base_tmp" ${sources:+"$sources"} >"$out.log" 2>&1; then
			tail -20 "$out.log" >&2
			die "mmdebstrap failed (if a version is gone from the archive: apt-get update)"
		fi
		mv "$base_tmp" "$out"
		rm -rf "$base_work"
		trap - EXIT
		say "mmdebstrap took $((SECONDS - start))s, $(stat -c %s "$out") bytes"
	fi
	echo "$out"
}

# KEY=VALUE in a shell-style config: the first line setting it (or
# commented out) replaced, else appended.
set_var() { # FILE KEY VALUE
	awk -v k="$2" -v v="$3" '
		!done && $0 ~ "^#?" k "=" { print k "=" v; done = 1; next }
		{ print }
		END { if (!done) print k "=" v }' "$1" >"$1.new"
	mv "$1.new" "$1"
}

# The first boot's job: GRUB from inside the guest, then off.
provisioning() { # SYS
	local sys=$1 units=$1/etc/systemd/system
	mkdir -p "$sys/usr/local/sbin" "$sys${flag%/*}" "$units/vps-provision.target.wants"
	cat >"$sys/usr/local/sbin/vps-provision" <<EOF
#!/bin/sh
# The test VPS's first boot (vps-provision.target, while $flag exists):
# GRUB into the MBR and its menu, as the VPS's installer would, then off.
set -u
fail() {
	echo "VPS-PROVISION: FAILED: \$*"
	systemctl --no-block poweroff
	exit 1
}
udevadm settle || true
grub-install /dev/vda || fail "grub-install /dev/vda"
update-grub || fail update-grub
echo 'grub-pc grub-pc/install_devices multiselect /dev/vda' |
	debconf-set-selections || fail debconf-set-selections
rm -f $flag && sync
echo "$line"
systemctl --no-block poweroff
EOF
	chmod 755 "$sys/usr/local/sbin/vps-provision"
	cat >"$units/vps-provision.service" <<EOF
[Unit]
Description=Test VPS first boot: grub-install /dev/vda, update-grub, power off
ConditionPathExists=$flag
After=local-fs.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/vps-provision
StandardOutput=journal+console
StandardError=journal+console
EOF
	# A target of its own: the payload's units (multi-user.target) stay off.
	cat >"$units/vps-provision.target" <<EOF
[Unit]
Description=Test VPS first boot
Requires=basic.target
After=basic.target
EOF
	ln -s ../vps-provision.service "$units/vps-provision.target.wants/"
	date -u +%FT%TZ >"$sys$flag"
}

# The unpacked tarball made a VPS's system.
configure() { # SYS LAYOUT
	local sys=$1 u grub=$1/etc/default/grub
	{
		echo "UUID=$uuid_root / ext4 errors=remount-ro 0 1"
		[ "$2" = root ] || echo "UUID=$uuid_boot /boot ext4 defaults 0 2"
	} >"$sys/etc/fstab"
	echo vps >"$sys/etc/hostname"
	printf '%s\n' "127.0.0.1 localhost" "127.0.1.1 vps" >"$sys/etc/hosts"
	# A machine id: not a first boot, so systemd-firstboot asks nothing.
	echo 6d72747676707300000000000000000a >"$sys/etc/machine-id"
	[ -f "$grub" ] || die "no /etc/default/grub in the tarball"
	set_var "$grub" GRUB_TIMEOUT 1
	set_var "$grub" GRUB_TERMINAL serial
	set_var "$grub" GRUB_SERIAL_COMMAND '"serial --unit=0 --speed=115200"'
	set_var "$grub" GRUB_CMDLINE_LINUX '"console=ttyS0,115200n8"'
	# A grub.cfg made in the chroot described the build host's disk.
	rm -f "$sys/boot/grub/grub.cfg"
	# Periodic jobs that only slow a test boot down.
	for u in apt-daily.timer apt-daily-upgrade.timer man-db.timer \
		e2scrub_all.timer e2scrub_reap.service fstrim.timer \
		dpkg-db-backup.timer logrotate.timer; do
		[ -e "$sys/lib/systemd/system/$u" ] &&
			ln -sfn /dev/null "$sys/etc/systemd/system/$u"
	done
	# No logins: the serial console carries only the tests' lines (a
	# "vps login: " prompt would start one of them); no gettys on the VTs.
	ln -sfn /dev/null "$sys/etc/systemd/system/serial-getty@ttyS0.service"
	ln -sfn /dev/null "$sys/etc/systemd/system/getty-static.service"
	ln -sfn /dev/null "$sys/etc/systemd/system/getty@tty1.service"
	provisioning "$sys"
}

# An ext4 from a directory, then into place in the disk (sparse).
put_fs() { # DISK START_MB SIZE_MB DIR UUID LABEL
	local fs=$work/fs
	rm -f "$fs"
	mkfs.ext4 -q -F -U "$5" -L "$6" -E root_owner=0:0 -d "$4" "$fs" "${3}M" \
		>/dev/null
	dd if="$fs" of="$1" bs=1M seek="$2" conv=notrunc,sparse status=none
	# Free space for root in the guest (free blocks * block size).
	dumpe2fs -h "$fs" 2>/dev/null | awk -F: '
		$1 == "Free blocks" { f = $2 } $1 == "Block size" { b = $2 }
		END { printf "%d\n", f * b / 1048576 }' >"$work/free"
	rm -f "$fs"
}

# / big enough for its files and free_mb more (ext4's own share included).
root_mb() { # DIR
	local mb
	mb=$(du -sm "$1" | cut -f1)
	echo $((mb + mb / 8 + free_mb + 96))
}

image() { # OUT LAYOUT PAYLOAD_DIR
	local out=$1 layout=$2 payload=$3 tarball sys=$work/sys boot=$work/boot
	local kernel initrd size tmp=$1.tmp start=$SECONDS
	case $layout in root | boot) ;; *) die "unknown layout $layout" ;; esac
	[ -d "$payload" ] || die "no payload directory $payload"
	tarball=$(base)
	mkdir "$sys"
	tar -C "$sys" --zstd --numeric-owner --xattrs --xattrs-include='*' \
		-xpf "$tarball"
	configure "$sys" "$layout"
	# The payload's files over /, owned by root.
	cp -dR --preserve=mode,timestamps,links "$payload/." "$sys/"
	kernel=$(ls "$sys"/boot/vmlinuz-*) initrd=$(ls "$sys"/boot/initrd.img-*)
	[ "$(echo "$kernel" | wc -l)" = 1 ] && [ "$(echo "$initrd" | wc -l)" = 1 ] ||
		die "want one kernel and one initrd in /boot: $kernel $initrd"
	cp "$kernel" "$out.vmlinuz"
	cp "$initrd" "$out.initrd"
	rm -f "$tmp"
	if [ "$layout" = root ]; then
		size=$(root_mb "$sys")
		truncate -s $((1 + size))M "$tmp"
		printf '%s\n' 'label: dos' "label-id: $label_id" \
			"start=2048, size=$((size * 2048)), type=83, bootable" |
			sfdisk -q "$tmp"
		put_fs "$tmp" 1 "$size" "$sys" "$uuid_root" root
	else
		mv "$sys/boot" "$boot" && mkdir "$sys/boot"
		size=$(root_mb "$sys")
		truncate -s $((1 + boot_mb + size))M "$tmp"
		printf '%s\n' 'label: dos' "label-id: $label_id" \
			"start=2048, size=$((boot_mb * 2048)), type=83, bootable" \
			"start=$(((1 + boot_mb) * 2048)), size=$((size * 2048)), type=83" |
			sfdisk -q "$tmp"
		put_fs "$tmp" 1 "$boot_mb" "$boot" "$uuid_boot" boot
		put_fs "$tmp" $((1 + boot_mb)) "$size" "$sys" "$uuid_root" root
	fi
	[ "$(cat "$work/free")" -ge $((free_mb / 2)) ] ||
		die "only $(cat "$work/free") MiB free on /"
	mv "$tmp" "$out"
	say "image $out ($layout): $(stat -c %s "$out") bytes," \
		"$(($(stat -c %b "$out") * 512)) on disk, $(cat "$work/free") MiB free" \
		"on /, in $((SECONDS - start))s"
}

# The first boot, by -kernel: passes if the guest says GRUB is in and
# powers itself off; IMG.provision.log keeps its console.
provision() { # IMG LAYOUT
	local img=$1 part log=$1.provision.log status start=$SECONDS
	local timeout_s=${VPS_PROVISION_TIMEOUT:-600}
	case $2 in root) part=1 ;; boot) part=2 ;; *) die "unknown layout $2" ;; esac
	[ -f "$img" ] && [ -f "$img.vmlinuz" ] && [ -f "$img.initrd" ] ||
		die "no $img with $img.vmlinuz and $img.initrd"
	timeout -k 10 "$timeout_s" qemu-system-x86_64 -accel tcg -m 1024 -smp 1 \
		-nographic -nodefaults -no-reboot -serial stdio \
		-kernel "$img.vmlinuz" -initrd "$img.initrd" \
		-append "root=/dev/vda$part console=ttyS0,115200n8 panic=-1 systemd.unit=vps-provision.target" \
		-drive "file=$img,if=none,id=d0,format=raw" \
		-device virtio-blk-pci,drive=d0 </dev/null >"$log.raw" 2>&1 && status=0 || status=$?
	awk -f "$root/tests/boot/console.awk" "$log.raw" >"$log" && rm -f "$log.raw"
	if [ "$status" = 124 ]; then
		die "provisioning $img timed out after ${timeout_s}s (see $log)"
	elif ! grep -qxF "$line" <(sed -E "$journald" "$log"); then
		grep 'VPS-PROVISION' "$log" >&2 || true
		die "provisioning $img: no line \"$line\" (QEMU status $status; see $log)"
	elif [ "$status" != 0 ] || ! grep -q 'reboot: Power down' "$log"; then
		die "provisioning $img: the guest did not power off (QEMU status $status; see $log)"
	elif ! grep -qa GRUB <(head -c 440 "$img"); then
		die "provisioning $img: no GRUB boot code in the MBR"
	fi
	say "provisioned $img in $((SECONDS - start))s"
}

# The host kind's disk, provisioned, into DIR (cache_entry's maker).
make_host() { # LAYOUT DIR
	local work
	mkdir "$2/payload"
	work=$(mktemp -d "$2/.work.XXXXXX")
	image "$2/disk.img" "$1" "$2/payload"
	rm -rf "$work" "$2/payload"
	provision "$2/disk.img" "$1"
	rm -f "$2/disk.img.vmlinuz" "$2/disk.img.initrd"
}

host() { # LAYOUT
	local key
	case $1 in root | boot) ;; *) die "unknown layout $1" ;; esac
	key=$({ basename "$(base)"; cat "$0"; } | sha256sum | cut -c1-12)
	cache_entry vps-hosts "$1-$key" make_host "$1"
}

# Where partition N of DISK starts, in bytes.
part_offset() { # DISK N
	sfdisk -d "$1" | awk -v n="$1$2" '$1 == n { sub(/,/, "", $4); print $4 * 512 }'
}

# debugfs commands writing the files under DIR/FROM to TO in a filesystem
# (TO "" for its root), everything under DIR/SKIP left out; owner root,
# the files' modes.
write_cmds() { # DIR FROM SKIP
	local p rel
	(cd "$1/$2" && find . -mindepth 1 | sort) | while read -r p; do
		rel=${p#.}
		[ -n "$3" ] && [[ $2$rel == $3 || $2$rel == $3/* ]] && continue
		if [ -L "$1/$2$rel" ]; then
			echo "symlink $rel $(readlink "$1/$2$rel")"
		elif [ -d "$1/$2$rel" ]; then
			echo "mkdir $rel"
		else
			echo "rm $rel"
			echo "write $1/$2$rel $rel"
		fi
	done
}

# The files under DIR/FROM written into the ext4 at OFFSET of DISK, then
# read back and compared; the filesystem checked.
put_files() { # DISK OFFSET DIR FROM SKIP
	local fs="$1?offset=$2" rel n=0 back=$work/back
	write_cmds "$3" "$4" "$5" >"$work/cmds"
	debugfs -w -f "$work/cmds" "$fs" >"$work/debugfs.log" 2>&1 ||
		die "debugfs could not write into $1 (see $work/debugfs.log)"
	mkdir -p "$back"
	(cd "$3/$4" && find . -mindepth 1 -type f | sort) | while read -r rel; do
		rel=${rel#.}
		[ -n "$5" ] && [[ $4$rel == $5/* ]] && continue
		n=$((n + 1))
		debugfs -R "dump $rel $back/$n" "$fs" >/dev/null 2>&1
		cmp -s "$3/$4$rel" "$back/$n" ||
			die "$1: $rel did not go in whole (debugfs: $(grep -i error "$work/debugfs.log" | head -1))"
	done
	e2fsck -fn "$fs" >"$work/e2fsck.log" 2>&1 ||
		die "$1: its filesystem is damaged after writing (see $work/e2fsck.log)"
}

# The case's disk: the host's, its payload written in.
case_image() { # OUT LAYOUT PAYLOAD_DIR
	local out=$1 tmp=$1.tmp host start=$SECONDS
	[ -d "$3" ] || die "no payload directory $3"
	host=$(host "$2")
	cp --sparse=always "$host/disk.img" "$tmp"
	if [ "$2" = root ]; then
		put_files "$tmp" "$(part_offset "$tmp" 1)" "$3" "" ""
	else
		put_files "$tmp" "$(part_offset "$tmp" 2)" "$3" "" /boot
		[ ! -d "$3/boot" ] ||
			put_files "$tmp" "$(part_offset "$tmp" 1)" "$3" boot ""
	fi
	mv "$tmp" "$out"
	say "case disk $out ($2) from $host in $((SECONDS - start))s"
}

case ${1:-} in
base) base ;;
host)
	[ $# = 2 ] || die "usage: make-vps.sh host LAYOUT"
	host "$2"
	;;
case)
	[ $# = 4 ] || die "usage: make-vps.sh case OUT LAYOUT PAYLOAD_DIR"
	shift
	mkdir -p "$(dirname "$1")"
	work=$(mktemp -d "$(dirname "$1")/.make-vps.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	case_image "$@"
	;;
*)
	echo "usage: make-vps.sh base" >&2
	echo "       make-vps.sh host LAYOUT" >&2
	echo "       make-vps.sh case OUT LAYOUT PAYLOAD_DIR" >&2
	exit 2
	;;
esac
