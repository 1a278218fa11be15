#!/bin/bash
# make check: unit tests, size bounds, the bad-input catalogue, setup on
# stand-in hosts, the QEMU boot tests and the VPS round trips. Every test
# prints a PASS or FAIL line; the last line is the count, "N passed, N
# failed". Exit status 1 if anything failed. check.sh vps (make check-vps):
# the VPS round trips alone.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results=build/check-results
mkdir -p build
: >"$results"

say() { echo "$1" | tee -a "$results"; }

count() {
	local passed failed
	passed=$(grep -c '^PASS' "$results")
	failed=$(grep -c '^FAIL' "$results")
	echo
	grep '^FAIL' "$results"
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}

if [ "${1:-}" = vps ]; then
	scripts/fetch-kernels.sh
	tests/vps/cases.sh | tee -a "$results"
	count
	exit
fi

# cmocka's lines to PASS/FAIL lines; a crash fails the test it was in.
unit() { # BINARY [LABEL]
	local name current="" status
	name=${2:-}$(basename "$1")
	"$1" >"build/$name.log" 2>&1
	status=$?
	while IFS= read -r line; do
		case $line in
		"[ RUN      ] "*) current=${line#*] } ;;
		"[       OK ] "*) say "PASS: unit $name ${line#*] }"; current="" ;;
		"[  FAILED  ] $current")
			[ -n "$current" ] && say "FAIL: unit $name $current (see build/$name.log)"
			current="" ;;
		esac
	done <"build/$name.log"
	if [ -n "$current" ] || { [ "$status" != 0 ] && ! grep -q FAILED "build/$name.log"; }; then
		say "FAIL: unit $name ${current:-?} (exit $status; see build/$name.log)"
	fi
}

size_bound() { # FILE MAX
	local size
	size=$(stat -c %s "$1")
	if [ "$size" -le "$2" ]; then
		say "PASS: size $(basename "$1") $size bytes <= $2"
	else
		say "FAIL: size $(basename "$1") $size bytes > $2"
	fi
}

scripts/fetch-kernels.sh
tests/boot/fixtures.sh || say "FAIL: boot fixtures could not be made"

for t in build/tests/test_*; do unit "$t"; done
for t in build/asan/tests/test_*; do unit "$t" asan-; done

# A whole build under valgrind: no invalid access, no definite leak.
valgrind_build() {
	local mods
	mods=cache/kernels/amd64/dep/lib/modules/$(cat cache/kernels/amd64/kver)
	if valgrind -q --error-exitcode=1 --leak-check=full \
		--errors-for-leak-kinds=definite build/minirt-virtio build \
		--force -m "$mods" build/fixtures/k6-early.gz \
		-o build/valgrind-out.gz >build/valgrind.log 2>&1; then
		say "PASS: valgrind build"
	else
		say "FAIL: valgrind build (see build/valgrind.log)"
	fi
}
valgrind_build

# The medium's budget: both kernels' modules found and read out of a
# DVD-sized image in at most 2 s, unpacking at most 2% of its blocks (the
# report says how long and how many).
medium_budget() {
	local report=build/medium-budget.report ms blocks
	if ! build/minirt-virtio build --force --driver ext4 \
		--medium build/fixtures/medium/knoppix.iso \
		-o build/medium-budget.gz >"$report" 2>&1; then
		say "FAIL: medium budget (build failed; see $report)"
		return
	fi
	ms=$(sed -n 's/^modules for 2 kernels found and read in \([0-9]*\) ms$/\1/p' "$report")
	blocks=$(sed -n 's/^read \([0-9]*\) of \([0-9]*\) blocks.*/\1 \2/p' "$report")
	set -- $blocks
	if [ -n "$ms" ] && [ $# = 2 ] && [ "$ms" -le 2000 ] &&
		[ $(($1 * 50)) -le "$2" ]; then
		say "PASS: medium budget (2 kernels' modules in ${ms} ms, read $1 of $2 blocks)"
	else
		say "FAIL: medium budget (${ms:-?} ms, read ${1:-?} of ${2:-?} blocks; see $report)"
	fi
}
medium_budget

# A medium build under valgrind too: the cloop and ISO readers, libarchive.
valgrind_medium() {
	if valgrind -q --error-exitcode=1 --leak-check=full \
		--errors-for-leak-kinds=definite build/minirt-virtio build \
		--force --medium build/fixtures/medium/knoppix.iso \
		-o build/valgrind-medium.gz >build/valgrind-medium.log 2>&1; then
		say "PASS: valgrind medium build"
	else
		say "FAIL: valgrind medium build (see build/valgrind-medium.log)"
	fi
}
valgrind_medium

# None of our symbols may shadow a library's: libarchive calls its own
# archive_release(), and an executable's archive_release() would be called instead.
shadowing() {
	local ours libs clash
	ours=$(find build/obj/builder -name "*.o" -exec nm {} + | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort -u)
	libs=$(ldd build/minirt-virtio | awk '/=> \// { print $3 }' |
		xargs -n1 nm -D --defined-only 2>/dev/null | awk '{ print $3 }' | sort -u)
	clash=$(comm -12 <(echo "$ours") <(echo "$libs") | tr '\n' ' ')
	if [ -z "$clash" ]; then
		say "PASS: no symbol of the builder shadows a library's"
	else
		say "FAIL: the builder shadows library symbols: $clash"
	fi
}
shadowing

# Every C file in the kernel style of .clang-format, as the README asks.
formatted() {
	local bad="" f
	for f in builder/*.[ch] builder/*/*.[ch] init/*.[ch] tests/*/*.[ch]; do
		clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
	done
	if [ -z "$bad" ]; then
		say "PASS: every C file is clang-formatted"
	else
		say "FAIL: not clang-formatted (clang-format -i):$bad"
	fi
}
formatted
tests/tree/run.sh | tee -a "$results"

# The man page: mandoc's lint finds nothing at warning level or above, and
# make install puts it where man finds it.
man_page() {
	local dest=build/install-test
	rm -rf "$dest"
	if ! mandoc -Tlint -Wwarning doc/minirt-virtio.1 >build/man-lint.log 2>&1; then
		say "FAIL: man page lint (see build/man-lint.log)"
	elif ! make -s install DESTDIR="$root/$dest" PREFIX=/usr >/dev/null ||
		! MANPATH=$dest/usr/share/man man -w minirt-virtio >/dev/null 2>&1; then
		say "FAIL: man page not installed where man finds it"
	else
		say "PASS: man page lints clean and installs"
	fi
}
man_page

# Every fuzz seed and every kept finding, through the fuzz targets once.
for t in build/fuzz/fuzz_*; do
	name=${t##*/fuzz_}
	inputs=$(ls tests/fuzz/corpus/"$name"/* tests/fuzz/regressions/"$name"/* 2>/dev/null)
	if "$t" $inputs >"build/fuzz-$name-regress.log" 2>&1; then
		say "PASS: fuzz inputs $name ($(echo "$inputs" | wc -l) files)"
	else
		say "FAIL: fuzz inputs $name (see build/fuzz-$name-regress.log)"
	fi
done
# The pre-init run by hand (not PID 1) on this machine: it touches nothing
# and execs /init.orig only, never a fallback such as the host's /sbin/init.
by_hand() {
	local out status
	out=$(build/preinit-x86_64 --version 2>&1)
	status=$?
	if [ "$status" = 127 ] &&
		[ "$out" = "minirt-virtio: cannot exec /init.orig: No such file or directory" ]; then
		say "PASS: pre-init run by hand execs /init.orig or nothing"
	else
		say "FAIL: pre-init run by hand: exit $status, said: $out"
	fi
}
by_hand
size_bound build/preinit-x86_64 32768
size_bound build/preinit-i386 32768
tests/bad-inputs/run.sh | tee -a "$results"
tests/kill/run.sh | tee -a "$results"
# The boot tests read the console whole: kernel messages that the UART
# printed inside the pre-init's summary (as once in CI) leave it one line;
# the boot stub's line before the kernel's first stays as it is.
console_lines() {
	local got want stub='Probing EDD... o\033c\033[2J[    0.000000] Linux'
	got=$({ printf "$stub\r\n"; printf '%s\r\n' '[    0.1] two' \
		'minirt-virtio: 6 modules, exec /init.orig[    2.294346] tsc: Refined' \
		'[    2.29] clocksource: Switched' '' 'KNOPPIX-INIT: started'; } |
		awk -f tests/boot/console.awk)
	want=$({ printf "$stub\n"; printf '%s\n' '[    0.1] two' \
		'[    2.294346] tsc: Refined' '[    2.29] clocksource: Switched' \
		'minirt-virtio: 6 modules, exec /init.orig' 'KNOPPIX-INIT: started'; })
	if [ "$got" = "$want" ]; then
		say "PASS: console lines split by kernel messages are joined"
	else
		say "FAIL: console lines split by kernel messages: got $(echo "$got" | tr '\n' '|')"
	fi
}
console_lines
tests/setup/run.sh | tee -a "$results"
tests/static/run.sh | tee -a "$results"
tests/boot/run.sh | tee -a "$results"
tests/boot/rules.sh | tee -a "$results"
tests/boot/timing.sh | tee -a "$results"
tests/vps/cases.sh | tee -a "$results"
count
