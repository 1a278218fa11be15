#!/bin/bash
# The source tree's shape (README: Design). The builder's directories sit
# in layers, each using only its own layer and those below it:
#   shared       builder/*.c but main.c: buffer, errors, files, atomic
#                writing, the command type, the embedded pre-inits
#   subsystems   builder/{initramfs,medium,modules,grub}/
#   commands     builder/{build,list,setup,bootentry}/: the front-ends and
#                what only they need
#   main         builder/main.c, the table of commands
# Checked from the sources' #include lines and from the objects' symbols
# (who calls whom): no file calls into one that calls back into it,
# directly or around a circle (the pre-init's files too); every use goes
# to its own directory, the shared files or a layer below, or to a sibling
# directory of its layer, and the siblings use each other one way; a new
# directory must be given its layer here. Reads the objects make built in
# build/obj. Prints PASS/FAIL lines.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
export LC_ALL=C

subsystems="initramfs medium modules grub"
commands="build list setup bootentry"

# Every source's object, made after it (the pre-init's preinit.c aside:
# the others are linked into the unit tests without it, so none calls it).
sources=$(find builder init -name '*.c' ! -path init/preinit.c | sort)
objects=""
missing=""
for src in $sources; do
	o=build/obj/${src%.c}.o
	if [ "$o" -nt "$src" ]; then objects="$objects $o"; else missing="$missing $o"; fi
done

# "user definer" for every global symbol one object takes from another.
calls() {
	[ -n "$objects" ] || return 0
	{
		# shellcheck disable=SC2086 # objects: words
		nm -A -g --defined-only $objects | awk 'NF == 3 { sub(/:.*/, "", $1); print "D", $3, $1 }'
		# shellcheck disable=SC2086
		nm -A -u $objects | awk '{ sub(/:.*/, "", $1); print "U", $NF, $1 }'
	} | awk '$1 == "D" { def[$2] = $3; next }
		{ use[$3 " " $2] = 1 }
		END { for (k in use) { split(k, p, " ")
			if ((p[2] in def) && def[p[2]] != p[1])
				print p[1], def[p[2]] } }' |
		sed 's|build/obj/||g; s|\.o\b|.c|g' | sort -u
}

# tsort on "from to" lines: nothing if they have no circle, else its
# members (or tsort's complaint).
circle() {
	local said
	said=$(tsort 2>&1 >/dev/null) && return
	echo "$said" | sed 's/^tsort: //; /input contains a loop/d' |
		awk '!seen[$0]++' | tr '\n' ' '
	echo "(a circle)"
}

lines() {
	if [ -z "$1" ]; then echo 0; else echo "$1" | wc -l; fi
}

edges=$(calls)
loop=$(echo "$edges" | circle)
if [ -n "$missing" ]; then
	echo "FAIL: tree: no object, or one older than its source (make unit first):$missing"
elif [ -n "$loop" ]; then
	echo "FAIL: tree: files call into each other around a circle: $loop"
else
	echo "PASS: tree: no two files call into each other, directly or around a circle ($(lines "$sources") files, $(lines "$edges") uses)"
fi

# "FILE NAME" for every #include "NAME" of the builder's and the
# pre-init's files.
includes() {
	find builder init -name '*.[ch]' | sort | xargs grep -H -E \
		'^[[:space:]]*#[[:space:]]*include[[:space:]]*"' |
		sed 's/^\([^:]*\):[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1 \2/'
}

# The rule, over "FROM TO" uses (TO a file) and "FILE NAME" includes
# (after "--"), the files there are on the first line: prints "bad WHAT"
# for each use against the layers, "sibling A B" for each between siblings.
judge='
function dir_of(f, d) {
	if (f ~ /^builder\/main\.[ch]$/) return "main"
	if (f ~ /^builder\/[^\/]+\/[^\/]+$/) { d = f; sub(/^builder\//, "", d); sub(/\/.*/, "", d); return d }
	if (f ~ /^builder\/[^\/]+$/) return "shared"
	d = f; sub(/\/.*/, "", d); return d
}
function judge(from, to, a, b) {
	a = dir_of(from); b = dir_of(to)
	if (a == "init" || b == "init") {
		if (a != b) print "bad " from ":" to "(the pre-init is a program of its own)"
		return
	}
	if (!(a in layer)) { print "bad " from ":" to "(no layer for " a ")"; return }
	if (!(b in layer)) { print "bad " from ":" to "(no layer for " b ")"; return }
	if (a == b || layer[a] > layer[b]) return
	if (layer[a] < layer[b]) print "bad " from ":" to
	else print "sibling " a " " b
}
NR == 1 {
	for (i = 1; i <= NF; i++) exists[$i] = 1
	layer["shared"] = 0; layer["main"] = 3
	n = split(subsystems, v, " "); for (i = 1; i <= n; i++) layer[v[i]] = 1
	n = split(commands, v, " "); for (i = 1; i <= n; i++) layer[v[i]] = 2
	for (d in dirs) {}
	n = split(topdirs, v, " ")
	for (i = 1; i <= n; i++) if (!(v[i] in layer)) print "bad builder/" v[i] "(no layer: add it to tests/tree/run.sh)"
	next
}
$0 == "--" { inc = 1; next }
!inc { judge($1, $2); next }
{
	here = $1; sub(/\/[^\/]*$/, "", here)
	if (here "/" $2 in exists) to = here "/" $2
	else if ("builder/" $2 in exists) to = "builder/" $2
	else to = ""
	if (to == "" || $2 !~ /^([a-z0-9_]+\/)?[a-z0-9_]+\.h$/ ||
	    ($1 ~ /^init\// && $2 ~ /\//))
		print "bad " $1 ":" $2 "(no such file)"
	else
		judge($1, to)
}'
verdicts=$({
	find builder init -name '*.[ch]' | tr '\n' ' '
	echo
	echo "$edges"
	echo --
	includes
} | awk -v subsystems="$subsystems" -v commands="$commands" \
	-v topdirs="$(cd builder && ls -d */ | tr -d / | tr '\n' ' ')" "$judge")
bad=$(echo "$verdicts" | sed -n 's/^bad / /p' | tr -d '\n')
uses=$(echo "$verdicts" | sed -n 's/^sibling //p')
if [ -n "$bad" ]; then
	echo "FAIL: tree: uses against the layers (shared < subsystems < commands < main):$bad"
else
	echo "PASS: tree: every use goes to its own directory, a layer below, or a sibling (shared < $subsystems < $commands < main)"
fi
order=$(echo "$uses" | sed '/^$/d' | sort -u)
loop=$(echo "$order" | circle)
if [ -n "$loop" ]; then
	echo "FAIL: tree: sibling directories use each other around a circle: $loop"
else
	echo "PASS: tree: sibling directories use each other one way ($(echo "$order" | tr ' \n' '>,' | sed 's/,$//'))"
fi
