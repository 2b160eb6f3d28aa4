#!/bin/sh
# morgana: build, run and measure Morgana appliances.
# (build/bin/morgana is generated from tools/morgana.sh by make.)
set -u

ROOT='@MORGANA_ROOT@'
TARGETS='unix hvt'
# The hvt tender, built by make (mk/tender.mk).
TENDER="$ROOT/build/bin/morgana-hvt"

usage() {
	cat <<USAGE
usage: morgana build [-t TARGET] [--san] [--zones=FILE,...] [--site=DIR] APPDIR
       morgana run IMAGE [--mem=MiB] [--net:NAME=TAP] [--block:NAME=FILE] [-- APPARGS]
       morgana size IMAGE
targets: $TARGETS
USAGE
}

die() {
	echo "morgana: $*" >&2
	exit 2
}

image_target() {
	case "$1" in
	*.unix) echo unix ;;
	*.hvt) echo hvt ;;
	*) echo unknown ;;
	esac
}

cmd_build() {
	target=unix
	san=
	appdir=
	zones=${ZONES:-}
	site=${SITE:-}
	while [ $# -gt 0 ]; do
		case "$1" in
		-t) [ $# -ge 2 ] || die "-t needs a target ($TARGETS)"
		    target=$2; shift 2 ;;
		-t*) target=${1#-t}; shift ;;
		--target=*) target=${1#--target=}; shift ;;
		--san) san=1; shift ;;
		--zones=*) zones=${1#--zones=}; shift ;;
		ZONES=*) zones=${1#ZONES=}; shift ;;
		--site=*) site=${1#--site=}; shift ;;
		SITE=*) site=${1#SITE=}; shift ;;
		-*) die "build: unknown option '$1'" ;;
		*) [ -z "$appdir" ] || die "build: one APPDIR only"
		   appdir=$1; shift ;;
		esac
	done
	[ -n "$appdir" ] || die "build: which appliance? (morgana build apps/hello)"
	case " $TARGETS " in
	*" $target "*) ;;
	*) die "unknown target '$target' (known: $TARGETS)" ;;
	esac
	[ -d "$appdir" ] || die "no appliance at '$appdir': no such directory"
	[ -f "$appdir/app.mk" ] || die "no appliance at '$appdir': it has no app.mk"
	appdir=$(cd "$appdir" && pwd) || die "cannot enter '$appdir'"
	command -v make >/dev/null 2>&1 || die "make is not installed (apt-get install make)"
	# Zone files (a DNS appliance's APP_ZONES instead): make runs in
	# $ROOT, so relative paths become absolute here.
	abszones=
	if [ -n "$zones" ]; then
		rest=$zones
		while [ -n "$rest" ]; do
			z=${rest%%,*}
			case "$rest" in *,*) rest=${rest#*,} ;; *) rest= ;; esac
			[ -n "$z" ] || continue
			[ -f "$z" ] || die "no zone file at '$z'"
			z=$(cd "$(dirname "$z")" && pwd)/$(basename "$z")
			abszones=${abszones:+$abszones,}$z
		done
	fi
	# The site folder (a web appliance's APP_SITE instead), absolute too.
	abssite=
	if [ -n "$site" ]; then
		[ -d "$site" ] || die "no site folder at '$site'"
		abssite=$(cd "$site" && pwd) || die "cannot enter '$site'"
	fi
	exec make -C "$ROOT" --no-print-directory app APP="$appdir" \
	    TARGET="$target" ${san:+SAN=1} ${abszones:+ZONES="$abszones"} \
	    ${abssite:+SITE="$abssite"}
}

cmd_run() {
	[ $# -ge 1 ] || die "run: which image? (morgana run build/unix/apps/hello/hello.unix)"
	image=$1
	shift
	[ -f "$image" ] || die "no image at '$image'"
	for a in "$@"; do
		[ "$a" = "--" ] && break
		case "$a" in
		--mem=*|--net:*=*|--block:*=*) ;;
		*) die "run: unknown option '$a' (appliance arguments go after --)" ;;
		esac
	done
	case $(image_target "$image") in
	unix)
		case "$image" in
		*/*) exec "$image" "$@" ;;
		*) exec "./$image" "$@" ;;
		esac ;;
	hvt)
		# The tender takes its options before the image:
		# morgana-hvt [--mem=MiB] [--net:NAME=TAP]... [--block:NAME=FILE]...
		#     IMAGE [-- APPARGS...]
		[ -x "$TENDER" ] || die "the hvt tender is not built: no $TENDER" \
		    "(run: make -C $ROOT build/bin/morgana-hvt)"
		# "$@" is OPTS... [-- APPARGS...]: count the options, rotate
		# them to the end, add the image, rotate the rest after it.
		n=0
		for a in "$@"; do
			[ "$a" = "--" ] && break
			n=$((n + 1))
		done
		rest=$(($# - n))
		i=0
		while [ $i -lt $n ]; do # now: [-- APPARGS...] OPTS...
			a=$1; shift; set -- "$@" "$a"; i=$((i + 1))
		done
		set -- "$@" "$image"
		i=0
		while [ $i -lt $rest ]; do # now: OPTS... IMAGE [-- APPARGS...]
			a=$1; shift; set -- "$@" "$a"; i=$((i + 1))
		done
		exec "$TENDER" "$@" ;;
	*) die "'$image' is not a Morgana image (expected .unix or .hvt)" ;;
	esac
}

cmd_size() {
	[ $# -eq 1 ] || die "size: one IMAGE"
	image=$1
	[ -f "$image" ] || die "no image at '$image'"
	tmp=$(mktemp) || exit 1
	strip -o "$tmp" "$image" 2>/dev/null || cp "$image" "$tmp"
	file_size=$(stat -c %s "$image")
	stripped=$(stat -c %s "$tmp")
	rm -f "$tmp"
	echo "image:    $image ($(image_target "$image"))"
	echo "file:     $file_size bytes"
	echo "stripped: $stripped bytes"
	echo "sections (allocated, biggest first):"
	size -A "$image" | awk '
	    $1 ~ /^\./ && $3 != 0 && $1 !~ /^\.(debug|comment|note\.gnu|gnu\.build)/ {
		printf "  %-24s %8d\n", $1, $2 }' | sort -k2 -n -r | head -12
	echo "biggest symbols:"
	nm -S --size-sort "$image" 2>/dev/null | tail -12 | tac |
	    while read -r _addr sz type name; do
		printf '  %-40s %8d %s\n' "$name" "0x$sz" "$type"
	    done
}

[ $# -ge 1 ] || { usage >&2; exit 2; }
cmd=$1
shift
case "$cmd" in
build) cmd_build "$@" ;;
run) cmd_run "$@" ;;
size) cmd_size "$@" ;;
help|-h|--help) usage ;;
*) usage >&2; die "unknown command '$cmd'" ;;
esac
