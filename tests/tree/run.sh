#!/bin/bash
# The source tree's shape (README: Design): no file of the builder or the
# pre-init calls into one that calls back into it, directly or around a
# circle; a subsystem's directory includes nothing from the pipeline above
# it but the shared buf.h; the subsystems use each other in one direction.
# Reads the objects make built in build/obj. Prints PASS/FAIL lines.
set -uo pipefail
cd "$(dirname "$0")/../.."

# The object of every source (the pre-init's preinit.c aside: the
# others are linked into the unit tests without it, so none calls it).
sources=$(ls builder/*.c builder/*/*.c init/*.c | grep -v '^init/preinit\.c$')
objects=""
missing=""
for src in $sources; do
	o=build/obj/${src%.c}.o
	if [ -e "$o" ]; then objects="$objects $o"; else missing="$missing $o"; fi
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

# Nodes of a circle in "from to" lines, as tsort names them; none: "".
circle() {
	tsort 2>&1 >/dev/null | sed -n 's/^tsort: \([^-].*\)$/\1/p' |
		grep -v 'input contains a loop' | tr '\n' ' '
}

edges=$(calls)
loop=$(echo "$edges" | circle)
if [ -n "$missing" ]; then
	echo "FAIL: tree: no object (make unit first):$missing"
elif [ -n "$loop" ]; then
	echo "FAIL: tree: files call into each other around a circle: $loop"
else
	echo "PASS: tree: no two files call into each other, directly or around a circle ($(echo "$sources" | wc -l) files, $(echo "$edges" | wc -l) uses)"
fi

# Every #include "..." of builder/DIR/: its own directory's, a sibling
# subsystem's as "DIR/name.h", or buf.h; "src-dir dst-dir" per use.
bad=""
uses=""
for f in builder/*/*.[ch]; do
	dir=${f#builder/}
	dir=${dir%%/*}
	for name in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		case $name in
		*/*) [[ $name =~ ^[a-z]+/[a-z_]+\.h$ ]] && [ -e "builder/$name" ] &&
			[ "${name%%/*}" != "$dir" ] ||
			bad="$bad $f:$name"
			uses="$uses$dir ${name%%/*}"$'\n' ;;
		buf.h) ;;
		*) [ -e "builder/$dir/$name" ] || bad="$bad $f:$name" ;;
		esac
	done
done
if [ -n "$bad" ]; then
	echo "FAIL: tree: includes from above their subsystem (or none such):$bad"
else
	echo "PASS: tree: each subsystem includes its own headers, its siblings' and buf.h only"
fi
order=$(echo "$uses" | sed '/^$/d' | sort -u)
loop=$(echo "$order" | circle)
if [ -n "$loop" ]; then
	echo "FAIL: tree: subsystems include each other around a circle: $loop"
else
	echo "PASS: tree: subsystems use each other one way ($(echo "$order" | tr ' \n' '>,' | sed 's/,$//'))"
fi
