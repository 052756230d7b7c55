#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs forkcheck and checks its verdict, for the mutants label:
#   expect_verdict.sh caught INVARIANT FORKCHECK [ARG]... -- SERVER [ARG]...
#     passes only if forkcheck fails and names INVARIANT as failing; forkcheck
#     is stopped (SIGTERM) once that verdict and its details are printed, as
#     the invariants after it cannot change the outcome;
#   expect_verdict.sh clean FORKCHECK [ARG]... -- SERVER [ARG]...
#     passes only if every invariant holds.
set -u
mode=$1; shift
if [ "$mode" = clean ]; then
    out=$("$@" 2>&1); status=$?
    printf '%s\n' "$out"
    [ $status -eq 0 ] && exit 0
    echo "expect_verdict: forkcheck failed on a server that should pass (exit $status)"; exit 1
fi
invariant=$1; shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/out"
"$@" >"$dir/out" 2>&1 &
pid=$!
exec {rd}<"$dir/out"
caught=0 failed=0
while :; do
    if [ $caught -eq 1 ]; then
        # The failure's details follow its verdict line at once.
        IFS= read -r -t 2 -u $rd line; r=$?
        if [ $r -gt 128 ]; then kill -TERM $pid; break; fi
        [ $r -eq 0 ] || break
        case $line in " "*) ;; *) kill -TERM $pid; printf '%s\n' "$line"; break ;; esac
    else
        IFS= read -r -u $rd line || break
    fi
    printf '%s\n' "$line"
    case $line in
        "FAIL  $invariant "*) caught=1 failed=1 ;;
        FAIL*) failed=1 ;;
    esac
done
wait $pid; status=$?
exec {rd}<&-
if [ $caught -eq 1 ]; then
    echo "expect_verdict: caught by $invariant (forkcheck stopped there, exit $status)"; exit 0
fi
if [ $status -eq 0 ] && [ $failed -eq 0 ]; then
    echo "expect_verdict: the defect went unnoticed: every invariant passed"; exit 1
fi
echo "expect_verdict: forkcheck failed (exit $status) but not on $invariant"; exit 1
