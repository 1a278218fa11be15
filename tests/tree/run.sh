#!/bin/bash
# The source tree's shape (README: Design): no file of the builder or the
# pre-init calls into one that calls back into it, directly or around a
# circle; a subsystem's directory (builder/DIR/) includes and calls nothing
# of the pipeline above it but the shared buf.h; the subsystems use each
# other in one direction. Reads the objects make built in build/obj.
# Prints PASS/FAIL lines.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
export LC_ALL=C

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
	local o
	for o in $objects; do
		nm -g --defined-only "$o" | awk -v f="$o" 'NF == 3 { print "D", $3, f }'
		nm -u "$o" | awk -v f="$o" '{ print "U", $NF, f }'
	done | awk '$1 == "D" { def[$2] = $3; next }
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

# The subsystem a builder file is in; "top" for builder/ itself.
subsystem() {
	case $1 in
	builder/*/*) local d=${1#builder/}; echo "${d%%/*}" ;;
	builder/*) echo top ;;
	*) echo "${1%%/*}" ;;
	esac
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

# Every #include "..." of builder/DIR/: its own directory's, a sibling
# subsystem's as "DIR/name.h", or buf.h. Every call from builder/DIR/:
# into DIR, a sibling, or buf.c. "from-dir to-dir" for each use.
bad=""
uses=""
for f in $(find builder -mindepth 2 -name '*.[ch]' | sort); do
	dir=$(subsystem "$f")
	names=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
	for name in $names; do
		case $name in
		*/*) [[ $name =~ ^[a-z0-9_]+/[a-z0-9_]+\.h$ ]] && [ -e "builder/$name" ] &&
			[ "${name%%/*}" != "$dir" ] || bad="$bad $f:$name"
			uses="$uses$dir ${name%%/*}"$'\n' ;;
		buf.h | error.h | file.h | atomic.h) ;;
		*) [ -e "builder/$dir/$name" ] || bad="$bad $f:$name" ;;
		esac
	done
done
while read -r from to; do
	[ -n "$from" ] || continue
	a=$(subsystem "$from")
	b=$(subsystem "$to")
	[ "$a" = "$b" ] || [ "$a" = top ] || [ "$a" = init ] ||
		[[ $to =~ ^builder/(buf|error|file|atomic)\.c$ ]] && continue
	if [ "$b" = top ] || [ "$b" = init ]; then
		bad="$bad $from:$to"
	else
		uses="$uses$a $b"$'\n'
	fi
done <<<"$edges"
if [ -n "$bad" ]; then
	echo "FAIL: tree: uses from above their subsystem (or of no such file):$bad"
else
	echo "PASS: tree: each subsystem includes and calls its own files, its siblings' and buf.h only"
fi
order=$(echo "$uses" | sed '/^$/d' | sort -u)
loop=$(echo "$order" | circle)
if [ -n "$loop" ]; then
	echo "FAIL: tree: subsystems use each other around a circle: $loop"
else
	echo "PASS: tree: subsystems use each other one way ($(echo "$order" | tr ' \n' '>,' | sed 's/,$//'))"
fi
