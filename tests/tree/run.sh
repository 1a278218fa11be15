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

# The directory of a builder file ("shared" for builder/ itself, "main"
# for main.c), or the top directory of another (init).
dir_of() {
	case $1 in
	builder/main.[ch]) echo main ;;
	builder/*/*) local d=${1#builder/}; echo "${d%%/*}" ;;
	builder/*) echo shared ;;
	*) echo "${1%%/*}" ;;
	esac
}

# A directory's layer: 0 shared, 1 subsystem, 2 command, 3 main; nothing
# for one not in the table.
layer() {
	if [ "$1" = shared ]; then
		echo 0
	elif [[ " $subsystems " == *" $1 "* ]]; then
		echo 1
	elif [[ " $commands " == *" $1 "* ]]; then
		echo 2
	elif [ "$1" = main ]; then
		echo 3
	fi
}

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

# Where an #include "NAME" of FILE leads, as -iquote builder finds it:
# FILE's own directory first, then builder/.
resolve() { # FILE NAME
	local here
	here=$(dirname "$1")
	if [ -e "$here/$2" ]; then
		echo "$here/$2"
	elif [ -e "builder/$2" ]; then
		echo "builder/$2"
	fi
}

# One use from file A to file B: nothing if the rule allows it, else why
# not; "A-dir B-dir" is added to $uses for a sibling's.
bad=""
uses=""
judge() { # FROM TO
	local a b la lb
	a=$(dir_of "$1") b=$(dir_of "$2")
	if [ "$a" = init ] || [ "$b" = init ]; then
		[ "$a" = "$b" ] || bad="$bad $1:$2(the pre-init is a program of its own)"
		return
	fi
	la=$(layer "$a") lb=$(layer "$b")
	if [ -z "$la" ] || [ -z "$lb" ]; then
		bad="$bad $1:$2(no layer for $([ -z "$la" ] && echo "$a" || echo "$b"))"
	elif [ "$a" = "$b" ] || [ "$la" -gt "$lb" ]; then
		:
	elif [ "$la" -lt "$lb" ]; then
		bad="$bad $1:$2"
	else
		uses="$uses$a $b"$'\n'
	fi
}

for d in builder/*/; do
	d=${d%/}
	[ -n "$(layer "${d#builder/}")" ] || bad="$bad $d(no layer: add it to tests/tree/run.sh)"
done
for f in $(find builder -name '*.[ch]' | sort); do
	names=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
	for name in $names; do
		to=$(resolve "$f" "$name")
		if [ -z "$to" ] || ! [[ $name =~ ^([a-z0-9_]+/)?[a-z0-9_]+\.h$ ]]; then
			bad="$bad $f:$name(no such file)"
		else
			judge "$f" "$to"
		fi
	done
done
while read -r from to; do
	[ -n "$from" ] && judge "$from" "$to"
done <<<"$edges"
# The pre-init is a program of its own: nothing of the builder in it.
for f in $(find init -name '*.[ch]'); do
	grep -qE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z0-9_]+/' "$f" &&
		bad="$bad $f(includes from another directory)"
done
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
