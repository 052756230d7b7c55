#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A program's --help and its man page name the same options, the man page
# renders without warnings, and its README section agrees with them:
#   check_docs.sh PROGRAM MAN_PAGE README SECTION_HEADING all|man
# all: the section names every option --help names (it has the option table).
# man: the section is a summary; it names the man page, by `man NAME` and by a
#      link to its path, and every option it names is one --help names.
set -euo pipefail
program=$1 page=$2 readme=$3 heading=$4 mode=${5:-}
[[ $mode == all || $mode == man ]] || { echo "check_docs: mode must be all or man, not '$mode'"; exit 2; }
command -v man > /dev/null || { echo "check_docs: man is not installed (apt-get install man-db)"; exit 1; }
warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 > /dev/null || true)
[ -z "$warnings" ] || { echo "check_docs: $page renders with warnings:"; echo "$warnings"; exit 1; }
help_options=$("$program" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
[ -n "$help_options" ] || { echo "check_docs: $program --help names no option"; exit 1; }
page_options=$(grep -oE -- '\\-\\-[a-z][a-z\\-]*' "$page" | sed 's/\\//g' | sort -u)
section=$(awk -v h="$heading" '$0 == h {on = 1; next} on && /^#/ {exit} on' "$readme")
[ -n "$section" ] || { echo "check_docs: no section '$heading' in $readme"; exit 1; }
readme_options=$(grep -oE -- '--[a-z][a-z-]*' <<< "$section" | sort -u || true)
status=0
for o in $help_options; do
    grep -qx -- "$o" <<< "$page_options" || { echo "check_docs: $page does not name $o"; status=1; }
    if [ "$mode" = all ]; then
        grep -qx -- "$o" <<< "$readme_options" || { echo "check_docs: README's '$heading' does not name $o"; status=1; }
    fi
done
for o in $page_options; do
    grep -qx -- "$o" <<< "$help_options" || { echo "check_docs: $page names $o, which --help does not"; status=1; }
done
if [ "$mode" = man ]; then
    name=$(basename "$page" .1)
    for o in $readme_options; do
        grep -qx -- "$o" <<< "$help_options" || { echo "check_docs: README's '$heading' names $o, which --help does not"; status=1; }
    done
    grep -qF -- "\`man $name\`" <<< "$section" || { echo "check_docs: README's '$heading' does not say \`man $name\`"; status=1; }
    grep -qF -- "](man/$name.1)" <<< "$section" || { echo "check_docs: README's '$heading' does not link to man/$name.1"; status=1; }
fi
[ $status -eq 0 ] && echo "check_docs: $(basename "$program") --help, $(basename "$page") and README agree"
exit $status
