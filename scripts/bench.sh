#!/bin/bash
# make bench: minirt-virtio against the seed's manual procedure, in one run.
# Every figure is the median of RUNS runs (default 5); ratios compare
# figures of this run only. Writes build/bench.md and prints it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${RUNS:-5}
f=build/fixtures
b=build/bench
mkdir -p "$b"
kver=$(cat cache/kernels/amd64/kver)
# A tree with its index, as on every KNOPPIX (depmod ran on it).
mods=cache/kernels/amd64/dep/lib/modules/$kver
mv=$root/build/minirt-virtio

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

time_ms() { # RUNS times: command; prints the median milliseconds
	local t0 i
	for i in $(seq "$runs"); do
		t0=$(now_ms)
		"$@" >/dev/null 2>"$b/last.err" ||
			{ echo "bench: $* failed: $(cat "$b/last.err")" >&2; exit 1; }
		echo $(($(now_ms) - t0))
	done | median
}

# A module's file: names spell '-' as '_', files may not.
ko_path() {
	local p
	p=$(find "$mods" \( -name "$1.ko" -o -name "${1//_/-}.ko" \) | head -n1)
	[ -n "$p" ] || { echo "bench: no $1.ko in $mods" >&2; return 1; }
	echo "$p"
}

# The closure minirt-virtio adds, so the manual procedure copies the same.
closure() {
	"$mv" build --force -m "$mods" "$1" -o "$b/closure.gz" |
		awk '/^  [a-z0-9_]+ +[0-9]+ bytes( \(soft dependency\))?$/ { print $1 }'
}

# The seed's procedure, scripted: unpack, copy modules, edit /init, repack.
manual() { # IN OUT MODULE...
	local in=$1 out=$2 w=$b/manual
	shift 2
	rm -rf "$w" && mkdir -p "$w/modules/virtio"
	(cd "$w" && gzip -dc "$root/$in" | cpio -i --quiet --make-directories)
	for m in "$@"; do
		cp "$(ko_path "$m")" "$w/modules/virtio/" || return 1
	done
	local lines="" m
	for m in "$@"; do lines="$lines\\ninsmod /modules/virtio/$m.ko"; done
	sed -i "0,/^load_modules$/s||load_modules$lines|" "$w/init"
	sed -i "s/'sd\[a-z\]\[0-9\]\*')/'sd[a-z][0-9]*' 'vda' 'vda[0-9]')/" "$w/init"
	(cd "$w" && find . | cpio -o -H newc --quiet | gzip -9 >"$root/$out")
}

build_row() { # LABEL INPUT
	local label=$1 in=$2 plain floor man merge append
	local -a closure_mods
	mapfile -t closure_mods < <(closure "$in")
	plain=$(gzip -dc "$in" | wc -c)
	floor=$(time_ms sh -c "gzip -dc '$in' >/dev/null")
	man=$(time_ms manual "$in" "$b/manual.gz" "${closure_mods[@]}")
	merge=$(time_ms "$mv" build --force -m "$mods" "$in" -o "$b/merge.gz")
	append=$(time_ms "$mv" build --force --layout append -m "$mods" "$in" \
		-o "$b/append.gz")
	printf '| %s | %s | %s | %s | %s | %s | %.1fx | %.2fx | %s | %s |\n' \
		"$label" "$plain" "$floor" "$man" "$merge" "$append" \
		"$(echo "$man / $merge" | bc -l)" "$(echo "$append / $floor" | bc -l)" \
		"$(stat -c %s "$b/manual.gz")" "$(stat -c %s "$b/merge.gz")"
}

# The seed's shell edits: as this script made them before minirt-virtio
# loaded drivers by device, and with only the field note's five modules.
seed_minirts() {
	scripts/make-seed-minirt.sh "$f/k6-seed.gz"
	scripts/make-seed-minirt.sh "$f/k6-seed5.gz" virtio virtio_ring \
		virtio_balloon virtio_pci virtio_blk
}

# Boot: the minirts one after the other, RUNS rounds; per minirt the medians
# of the pre-init's own and total time, the time from the kernel's "Run
# /init" to the found line (tests/boot/measure.sh) and /proc/uptime there.
. tests/boot/measure.sh
boot_rows() { # LABEL INITRD ... (the first is compared with the others)
	local -a labels=() initrds=()
	local i k log what own total found up first=""
	while [ $# -gt 0 ]; do labels+=("$1") initrds+=("$2"); shift 2; done
	for i in $(seq "$runs"); do
		for k in "${!labels[@]}"; do
			tests/boot/boot-one.sh "bench-boot$k" amd64 "${initrds[$k]}" \
				blk:mbr "" "KNOPPIX-INIT: found KNOPPIX/KNOPPIX on /dev/vda1" \
				>/dev/null
			log=build/boot/bench-boot$k.log
			echo "$k own $(sed -n 's/^minirt-virtio: .*, own \([0-9.]*\) ms, exec .*/\1/p' "$log")"
			echo "$k total $(preinit_ms "$log")"
			echo "$k found $(to_found_ms "$log")"
			echo "$k up $(awk '/^KNOPPIX-INIT: uptime/ { print $3 * 1000 }' "$log")"
		done
	done >"$b/boot-times"
	for k in "${!labels[@]}"; do
		for what in own total found up; do
			declare "$what=$(awk -v k="$k" -v w="$what" '$1 == k && $2 == w && NF == 3 { print $3 }' \
				"$b/boot-times" | median)"
		done
		first=${first:-$found}
		printf '| %s | %s | %s | %s | %.2f | %s |\n' "${labels[$k]}" "${own:--}" \
			"${total:--}" "$found" "$(echo "$first / $found" | bc -l)" "$up"
	done
}

# From the medium alone: a DVD-sized KNOPPIX image, two kernels' modules,
# against unpacking the whole image once (extract_compressed_fs).
medium_row() { # LABEL MEDIUM
	local label=$1 medium=$2 img=$f/medium/flat/KNOPPIX ours whole read
	ours=$(time_ms "$mv" build --force --driver ext4 --medium "$medium" \
		-o "$b/medium.gz")
	whole=$(time_ms sh -c "extract_compressed_fs '$img' - 2>/dev/null >/dev/null")
	read=$("$mv" build --force --driver ext4 --medium "$medium" -o "$b/medium.gz" |
		sed -n 's/^read \([0-9]*\) of \([0-9]*\) blocks.*/\1 \2/p')
	set -- $read
	printf '| %s | %s | %s | %s | %s | %.2f%% | %s | %s | %.1fx |\n' "$label" \
		"$(stat -c %s "$img")" "$(($2 * 65536))" "$2" "$1" \
		"$(echo "100 * $1 / $2" | bc -l)" "$ours" "$whole" \
		"$(echo "$whole / $ours" | bc -l)"
}

# The static executables (make static) against the dynamic one, the same
# build; each ratio: the static one's time over the dynamic one's.
static_row() { # LABEL ARGS...
	local label=$1 dyn x64 x32
	shift
	dyn=$(time_ms "$mv" build --force "$@" -o "$b/static.gz")
	x64=$(time_ms build/minirt-virtio-x86_64 build --force "$@" -o "$b/static.gz")
	x32=$(time_ms scripts/run-i386 build/minirt-virtio-i386 build --force "$@" -o "$b/static.gz")
	printf '| %s | %s | %s | %s | %.2fx | %.2fx |\n' "$label" "$dyn" "$x64" \
		"$x32" "$(echo "$x64 / $dyn" | bc -l)" "$(echo "$x32 / $dyn" | bc -l)"
}

{
	echo "minirt-virtio benchmark, $(date -u +%Y-%m-%d), $(nproc) cores," \
		"$(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n1), median of $runs"
	echo
	echo "Build (ms): floor is one \`gzip -dc INPUT >/dev/null\`; manual is the seed's procedure scripted."
	echo
	echo "| input | bytes unpacked | floor | manual | merge | append | manual/merge | append/floor | manual bytes | merge bytes |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	build_row "KNOPPIX-like minirt" "$f/k6.gz"
	scripts/make-real-initrds.sh most
	build_row "mkinitramfs MODULES=most" "$f/mkinitramfs-most.img"
	echo
	echo "From the medium (ms): a whole \`build --medium\` for both kernels against"
	echo "\`extract_compressed_fs\` unpacking the image once, to /dev/null."
	echo
	echo "| medium | cloop bytes | unpacked bytes | blocks | blocks read | read | build --medium | extract_compressed_fs | extract/build |"
	echo "|---|---|---|---|---|---|---|---|---|"
	medium_row "stand-in DVD, ISO file" "$f/medium/knoppix.iso"
	medium_row "stand-in DVD, flat copy" "$f/medium/flat"
	echo
	echo "The static executables (musl, make static) against the dynamic one (glibc),"
	echo "the same build (ms)$(/lib/ld-linux.so.2 --version >/dev/null 2>&1 ||
		echo "; i386 emulated by qemu-i386-static: this kernel runs no 32-bit code"):"
	echo
	echo "| build | dynamic | static x86_64 | static i386 | x86_64/dynamic | i386/dynamic |"
	echo "|---|---|---|---|---|---|"
	static_row "KNOPPIX-like minirt, merge" -m "$mods" "$f/k6.gz"
	static_row "stand-in DVD, ISO file" --driver ext4 --medium "$f/medium/knoppix.iso"
	echo
	echo "Boot (QEMU TCG, same kernel and virtio-blk disk, in turns): the pre-init's"
	echo "own time (total less module loading and waiting for disks) and total, the"
	echo "time from the kernel's \"Run /init\" to KNOPPIX's found line (and minirt-virtio's"
	echo "as a fraction of it), /proc/uptime at the found line (ms)."
	echo
	echo "| minirt | pre-init own | pre-init total | to found | minirt-virtio's to found / this | uptime at found |"
	echo "|---|---|---|---|---|---|"
	seed_minirts
	boot_rows "minirt-virtio (merge)" k6-built.gz \
		"seed's shell edits, the drivers minirt-virtio shipped before" k6-seed.gz \
		"seed's shell edits, the field note's five modules" k6-seed5.gz
	echo
	echo "Sizes (bytes): pre-init x86_64 $(stat -c %s build/preinit-x86_64)," \
		"i386 $(stat -c %s build/preinit-i386); the build adds" \
		"$(($(stat -c %s "$b/merge.gz") - $(stat -c %s "$f/mkinitramfs-most.img"))) (merge)" \
		"to the large image; to the KNOPPIX-like minirt" \
		"$(($(stat -c %s "$f/k6-built.gz") - $(stat -c %s "$f/k6.gz"))) (merge) and" \
		"$(($(stat -c %s "$f/k6-append.gz") - $(stat -c %s "$f/k6.gz"))) (append)."
} | tee "$b/../bench.md"
