#!/usr/bin/env bash
# A program's --help, its man page and its README section name the same
# options, and the man page renders without warnings:
#   check_docs.sh PROGRAM MAN_PAGE README SECTION_HEADING
set -euo pipefail
program=$1 page=$2 readme=$3 heading=$4
command -v man > /dev/null || { echo "check_docs: man is not installed (apt-get install man-db)"; exit 1; }
warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 > /dev/null || true)
[ -z "$warnings" ] || { echo "check_docs: $page renders with warnings:"; echo "$warnings"; exit 1; }
help_options=$("$program" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
page_options=$(grep -oE -- '\\-\\-[a-z][a-z\\-]*' "$page" | sed 's/\\//g' | sort -u)
section=$(awk -v h="$heading" '$0 == h {on = 1; next} on && /^#/ {exit} on' "$readme")
[ -n "$section" ] || { echo "check_docs: no section '$heading' in $readme"; exit 1; }
readme_options=$(grep -oE -- '--[a-z][a-z-]*' <<< "$section" | sort -u)
status=0
for o in $help_options; do
    grep -qx -- "$o" <<< "$page_options" || { echo "check_docs: $page does not name $o"; status=1; }
    grep -qx -- "$o" <<< "$readme_options" || { echo "check_docs: README's '$heading' does not name $o"; status=1; }
done
for o in $page_options; do
    grep -qx -- "$o" <<< "$help_options" || { echo "check_docs: $page names $o, which --help does not"; status=1; }
done
[ $status -eq 0 ] && echo "check_docs: $(basename "$program") --help, $(basename "$page") and README agree"
exit $status
