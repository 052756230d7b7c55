#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# How fast forkcheck catches each broken server in fixtures/servers, and that
# the clean ones pass.
#   mutants.sh [BUILD_DIR] [SEED]
#     every mutant of fixtures/CMakeLists.txt (FORKCHECK_MUTANTS) through
#     forkcheck --json at 25 cases per invariant, then the clean servers; one
#     table row each: the invariant that failed first, seconds from forkcheck's
#     start to that FAIL line (stdout read as it comes), cases and shrinks.
#   mutants.sh --clean-under-load N [BUILD_DIR]
#     the clean servers N times each (seeds 1..N) while two CPU-bound
#     processes compete for the cores; counts false alarms.
# BUILD_DIR defaults to build/dev. Prints a Markdown table on stdout.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
under_load=0
if [ "${1:-}" = --clean-under-load ]; then under_load=${2:?N}; shift 2; fi
build=${1:-$here/build/dev}
seed=${2:-1}
forkcheck=$build/forkcheck
servers=$build/fixtures/servers
[ -x "$forkcheck" ] || { echo "mutants.sh: no $forkcheck (build first)" >&2; exit 2; }

hogs=()
cleanup() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap cleanup EXIT
trap 'exit 143' TERM INT

# run NAME PROFILE SEED: forkcheck on one server; prints
# "first-failing-invariant seconds-to-it cases shrinks verdicts" (or "- total ...").
run() {
    local server=$1 profile=$2 s=$3 start line now first="" t="" cases="" shrinks="" all=""
    start=$(date +%s.%N)
    while IFS= read -r line; do
        now=$(date +%s.%N)
        local inv verdict
        inv=$(jq -r '.invariant // empty' <<<"$line" 2>/dev/null)
        verdict=$(jq -r '.verdict // empty' <<<"$line" 2>/dev/null)
        [ -n "$inv" ] || continue
        all+="${all:+, }$inv $verdict"
        if [ "$verdict" = FAIL ] && [ -z "$first" ]; then
            first=$inv
            t=$(echo "$now - $start" | bc)
            cases=$(jq -r '.cases' <<<"$line")
            shrinks=$(jq -r '.shrinks' <<<"$line")
        fi
    done < <("$forkcheck" --json --seed "$s" --profile "$profile" -- "$servers/$server" '{port}' 2>/dev/null)
    if [ -z "$first" ]; then
        t=$(echo "$(date +%s.%N) - $start" | bc)
        printf -- '-\t%.1f\t-\t-\t%s\n' "$t" "$all"
    else
        printf '%s\t%.1f\t%s\t%s\t%s\n' "$first" "$t" "$cases" "$shrinks" "$all"
    fi
}

if [ "$under_load" -gt 0 ]; then
    for _ in 1 2; do (while :; do :; done) & hogs+=($!); done
    echo "| Clean server | Runs | False alarms | Slowest run |"
    echo "|---|---|---|---|"
    for pair in line_server:reference worksheet_server:worksheet; do
        name=${pair%%:*} profile=${pair#*:} alarms=0 slowest=0
        for s in $(seq "$under_load"); do
            IFS=$'\t' read -r first t _ _ all < <(run "$name" "$profile" "$s")
            if [ "$first" != - ]; then
                alarms=$((alarms + 1))
                echo "mutants.sh: $name, seed $s: $all" >&2
            fi
            slowest=$(echo "if ($t > $slowest) $t else $slowest" | bc)
        done
        echo "| \`$name\` | $under_load | $alarms | $slowest s |"
    done
    exit 0
fi

echo "| Defect (\`mutant_…\`) | Expected | Caught by | Seconds to FAIL | Cases | Shrinks | Verdicts |"
echo "|---|---|---|---|---|---|---|"
missed=0
while IFS='|' read -r name _ _ profile expected; do
    IFS=$'\t' read -r first t cases shrinks all < <(run "mutant_$name" "$profile" "$seed")
    [ "$first" = "$expected" ] || missed=$((missed + 1))
    echo "| \`$name\` | $expected | $first | $t | $cases | $shrinks | $all |"
done < <(sed -n '/^set(FORKCHECK_MUTANTS$/,/)/s/^ *"\([^"]*\)".*/\1/p' "$here/fixtures/CMakeLists.txt")
for pair in line_server:reference worksheet_server:worksheet; do
    name=${pair%%:*} profile=${pair#*:}
    IFS=$'\t' read -r first t _ _ all < <(run "$name" "$profile" "$seed")
    [ "$first" = - ] || missed=$((missed + 1))
    echo "| clean \`$name\` | pass | ${first/-/nothing} | ($t s in all) | | | $all |"
done
exit $((missed > 0))
