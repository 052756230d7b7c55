#!/usr/bin/env bash
# Runs forkcheck and checks its verdict, for the mutants label:
#   expect_verdict.sh caught INVARIANT FORKCHECK [ARG]... -- SERVER [ARG]...
#     passes only if forkcheck fails and names INVARIANT as failing;
#   expect_verdict.sh clean FORKCHECK [ARG]... -- SERVER [ARG]...
#     passes only if every invariant holds.
set -u
mode=$1; shift
if [ "$mode" = caught ]; then invariant=$1; shift; fi
out=$("$@" 2>&1); status=$?
printf '%s\n' "$out"
if [ "$mode" = clean ]; then
    [ $status -eq 0 ] && exit 0
    echo "expect_verdict: forkcheck failed on a server that should pass (exit $status)"; exit 1
fi
if [ $status -eq 0 ]; then
    echo "expect_verdict: the defect went unnoticed: every invariant passed"; exit 1
fi
if ! printf '%s\n' "$out" | grep -q "^FAIL  $invariant "; then
    echo "expect_verdict: forkcheck failed (exit $status) but not on $invariant"; exit 1
fi
echo "expect_verdict: caught by $invariant"
