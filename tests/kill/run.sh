#!/bin/bash
# The kill test: an in-place build (-o INPUT) killed with SIGKILL at each
# call by which it changes a file, and at random moments; with link()
# working, and failing as on FAT (then .orig is a copy). After every kill,
# OUTPUT must be the original or the complete new file, and OUTPUT.orig
# absent or the complete original (present once OUTPUT is new); the next
# build must finish with the same result and leave no temporary file.
# build/kill/shim.so (LD_PRELOAD) counts the calls, kills, fails link().
# Prints a PASS or FAIL line per mode.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mv=$root/build/minirt-virtio
shim=$root/build/kill/shim.so
work=$root/build/kill/work
original=$root/build/fixtures/k6.gz
tree=$root/cache/kernels/amd64/nodep/lib/modules/$(cat "$root/cache/kernels/amd64/kver")
RANDOM_KILLS=${RANDOM_KILLS:-10}
export SOURCE_DATE_EPOCH=1700000000

rm -rf "$work"
mkdir -p "$work/mods" "$work/new"
# A flat directory of the modules a build takes: a quicker build.
cp "$original" "$work/new/minirt.gz"
"$mv" build -m "$tree" --layout append "$work/new/minirt.gz" -o "$work/new/minirt.gz" |
	awk '/^  [a-z0-9_]+ +[0-9]+ bytes$/ { print $1 }' |
	while read -r m; do
		find "$tree" \( -name "$m.ko" -o -name "${m//_/-}.ko" \) -exec cp {} "$work/mods/" \;
	done
build_command() { # NO_LINK [KILL_AT]: the build, in place
	cmd=(env LD_PRELOAD="$shim" MV_NO_LINK="$1" ${2:+MV_KILL_AT=$2}
		"$mv" build -m "$work/mods" --layout append "$work/run/minirt.gz"
		-o "$work/run/minirt.gz")
}
build() { # NO_LINK [KILL_AT]
	build_command "$@"
	"${cmd[@]}" >/dev/null 2>"$work/err"
}
cp "$original" "$work/new/minirt.gz"
(mkdir -p "$work/run" && cp "$original" "$work/run/minirt.gz" && build 0) ||
	{ echo "FAIL: kill (the reference build failed: $(cat "$work/err"))"; exit 0; }
cp "$work/run/minirt.gz" "$work/new/minirt.gz"

# What a kill left, and the build after it. Empty if all is well.
verify() { # NO_LINK
	local out=$work/run/minirt.gz state
	if cmp -s "$out" "$original"; then
		state=original
	elif cmp -s "$out" "$work/new/minirt.gz"; then
		state=new
	else
		echo "OUTPUT is neither the original nor the new file"
		return
	fi
	if [ -e "$out.orig" ] && ! cmp -s "$out.orig" "$original"; then
		echo "OUTPUT.orig is not the complete original (OUTPUT $state)"
		return
	fi
	[ "$state" = new ] && [ ! -e "$out.orig" ] &&
		{ echo "OUTPUT is new, but OUTPUT.orig is missing"; return; }
	build "$1" || { echo "the next build failed: $(cat "$work/err")"; return; }
	cmp -s "$out" "$work/new/minirt.gz" && cmp -s "$out.orig" "$original" ||
		{ echo "the next build's result differs"; return; }
	if ls -A "$work/run" | grep -q '^\.'; then
		echo "a temporary file is left: $(ls -A "$work/run" | grep '^\.')"
	fi
}

fresh() {
	rm -rf "$work/run" && mkdir -p "$work/run" && cp "$original" "$work/run/minirt.gz"
}

for no_link in 0 1; do
	mode=$([ "$no_link" = 1 ] && echo "link() failing, .orig copied" || echo "link() working")
	fresh
	rm -f "$work/count"
	MV_COUNT_FILE=$work/count build "$no_link"
	steps=$(cat "$work/count" 2>/dev/null)
	steps=${steps:-0} # no count: the shim did not run, which must fail
	failed=""
	for ((step = 1; step <= steps; step++)); do
		fresh
		(build "$no_link" "$step") 2>/dev/null # the shell's "Killed"
		problem=$(verify "$no_link")
		[ -n "$problem" ] && failed="$failed; step $step: $problem"
	done
	if [ -n "$failed" ] || [ "$steps" -lt 4 ]; then
		echo "FAIL: kill at each of $steps steps, $mode${failed:- (too few steps)}"
	else
		echo "PASS: kill at each of $steps steps, $mode"
	fi

	# At random moments of the whole build (reading, modules, writing).
	start=$(date +%s%N)
	fresh
	build "$no_link"
	took=$((($(date +%s%N) - start) / 1000))
	failed=""
	for ((i = 0; i < RANDOM_KILLS; i++)); do
		fresh
		delay=$((RANDOM * took / 32768))
		build_command "$no_link"
		"${cmd[@]}" >/dev/null 2>&1 &
		pid=$!
		sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		problem=$(verify "$no_link")
		[ -n "$problem" ] && failed="$failed; after ${delay}us: $problem"
	done
	if [ -n "$failed" ]; then
		echo "FAIL: kill at $RANDOM_KILLS random moments, $mode$failed"
	else
		echo "PASS: kill at $RANDOM_KILLS random moments within ${took}us, $mode"
	fi
done
