# Sourced: what the tests download or make once, kept outside the clone in
# ${MINIRT_VIRTIO_CACHE:-/var/cache/minirt-virtio}, each entry named by
# what it was made from (a package's version, a hash of a recipe), so that
# a fresh clone takes it as it is and an archive update makes another.
# Entries are made under a temporary name and renamed when complete: a
# killed run leaves no half entry, and two runs at once make it twice at
# worst.
cache_root=${MINIRT_VIRTIO_CACHE:-/var/cache/minirt-virtio}
cache_clone=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The version apt would install, from the host's lists (updated once if
# they know nothing yet, as on a fresh machine). Asking apt takes a
# second or two: the answers are kept in cache/.candidates while the lists
# stay as they were.
cache_candidate() { # PACKAGE[:ARCH]
	local v lists memo=$cache_clone/cache/.candidates
	lists=$(stat -c '%n %Y' /var/lib/apt/lists/*Packages* 2>/dev/null | md5sum | cut -c1-16)
	v=$(awk -v p="$1" -v l="$lists" '$1 == p && $3 == l { print $2 }' "$memo" 2>/dev/null)
	[ -n "$v" ] && echo "$v" && return
	v=$(apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }')
	if [ -z "$v" ] || [ "$v" = "(none)" ]; then
		apt-get update -q >&2 || true
		v=$(apt-cache policy "$1" | awk '$1 == "Candidate:" { print $2 }')
	fi
	if [ -z "$v" ] || [ "$v" = "(none)" ]; then
		echo "cache: no candidate for $1" >&2
		return 1
	fi
	mkdir -p "${memo%/*}" && echo "$1 $v $lists" >>"$memo"
	echo "$v"
}

# The entry KIND/KEY, made by "MAKER DIR" into an empty DIR if it is not
# there yet; prints its path.
cache_entry() { # KIND KEY MAKER...
	local kind=$1 key=${2//[^A-Za-z0-9.+~_-]/_} dir tmp
	shift 2
	dir=$cache_root/$kind/$key
	if [ ! -e "$dir/.done" ]; then
		mkdir -p "$cache_root/$kind"
		tmp=$(mktemp -d "$cache_root/$kind/.partial-XXXXXX")
		if ! "$@" "$tmp"; then
			rm -rf "$tmp"
			echo "cache: could not make $kind/$key" >&2
			return 1
		fi
		touch "$tmp/.done"
		rm -rf "$dir"
		mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
		[ -e "$dir/.done" ] || return 1
	fi
	echo "$dir"
}

# Into DIR: PACKAGE's files as dpkg -x unpacks them (apt-get download).
cache_unpack_deb() { # PACKAGE[:ARCH] DIR
	mkdir -p "$2/.deb" &&
		(cd "$2/.deb" && apt-get download -q "$1") >"$2/.download.log" 2>&1 &&
		dpkg -x "$2"/.deb/*.deb "$2" && rm -rf "$2/.deb" "$2/.download.log" ||
		{ cat "$2/.download.log" >&2; return 1; }
}

# PACKAGE (at the version apt would install) unpacked; prints the path.
cache_deb() { # PACKAGE[:ARCH]
	local v
	v=$(cache_candidate "$1") || return 1
	cache_entry debs "${1/:/_}_$v" cache_unpack_deb "$1=$v"
}

# cache/NAME in the clone, a link to the entry DIR (the tests' paths);
# 0 if it was that already, 1 if it is new.
cache_link() { # NAME DIR
	local link=$cache_clone/cache/$1
	mkdir -p "$(dirname "$link")"
	[ "$(readlink "$link" 2>/dev/null)" = "$2" ] && return 0
	rm -rf "$link"
	ln -sfn "$2" "$link"
	return 1
}
