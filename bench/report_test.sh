#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/report.sh on a made-up run whose answers are known: each target's
# ratio is paired within its round, the interval is the sign test's order
# statistics, the verdict follows the interval, and CPU ratios point the
# right way.
# usage: report_test.sh REPORT_SH
set -u
report=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

{
    printf 'mode\tclients\tcontender\tround\tops_per_s\tp99_us\terrors\tcpu_us_per_op\n'
    for r in 1 2 3 4 5 6 7 8 9; do
        # lean's speed changes from round to round; serverfork is 0.95 of it
        # in every round (and socat half of serverfork), so only a ratio
        # taken within a round is steady. By CPU, serverfork costs 1.25 x lean.
        lean=$((8000 + 1000 * (r % 3)))
        printf 'conn\t4\tlean\t%d\t%d\t100\t0\t100\n' "$r" "$lean"
        printf 'conn\t4\tserverfork\t%d\t%d\t100\t0\t125\n' "$r" $((lean * 95 / 100))
        printf 'conn\t4\tsocat\t%d\t%d\t100\t0\t300\n' "$r" $((lean * 95 / 200))
        [ "$r" -le 3 ] && printf 'conn\t4\tserverfork-noshims\t%d\t%d\t100\t0\t125\n' "$r" $((lean * 95 / 100))
        # msg: serverfork 0.80 of lean; the quiet one 0.89 + r/100, so that
        # its nine ratios are 0.90 ... 0.98 in a shuffled order. By CPU the
        # quiet one's ratios are 19/19, 19/20 ... 19/27: the interval's top
        # is 19/20, the goal 0.95 exactly, which is undecided, not NOT met.
        q=$(((r * 4) % 9 + 1))
        printf 'msg\t4\tlean\t%d.1\t200000\t40\t0\t19\n' "$r"
        printf 'msg\t4\tserverfork\t%d.1\t160000\t40\t1\t5\n' "$r"
        printf 'msg\t4\tserverfork-quiet\t%d.1\t%d\t40\t0\t%d\n' "$r" $((178000 + 2000 * q)) $((18 + q))
    done
} >"$dir/results.tsv"

out=$("$report" "$dir") || { echo "FAIL: report.sh exited $?"; exit 1; }
targets=$(sed -n '/^targets/,/^the same/p' <<<"$out")
by_cpu=$(sed -n '/^the same/,$p' <<<"$out")
fail=0
expect() { # TEXT WHERE PATTERN
    if ! grep -qE -- "$3" <<<"$2"; then
        echo "FAIL: $1: no line matching '$3' in:"
        echo "$2"
        fail=1
    fi
}
expect "paired within rounds" "$targets" \
    'serverfork conn vs lean +0\.95 \[0\.95, 0\.95\] 96%,  9 rounds  goal >= 0\.90  met$'
expect "a goal reached exactly is met" "$targets" \
    'serverfork conn vs socat +2\.00 \[2\.00, 2\.00\] 96%,  9 rounds  goal >= 2\.00  met$'
expect "all below the goal" "$targets" \
    'serverfork msg vs lean +0\.80 \[0\.80, 0\.80\] 96%,  9 rounds  goal >= 0\.95  NOT met$'
expect "order statistics 2 and 8 of 9" "$targets" \
    'log-level errors msg vs lean +0\.94 \[0\.91, 0\.97\] 96%,  9 rounds  goal >= 0\.95  undecided'
expect "3 rounds decide nothing" "$targets" \
    'shims\) conn vs shims compiled out +1\.00 \[1\.00, 1\.00\] 75%,  3 rounds  goal >= 0\.98  too few rounds to tell$'
expect "a contender that did not run" "$targets" \
    'shims\) msg vs shims compiled out +no pairs in this run$'
expect "by CPU, lean's CPU over serverfork's" "$by_cpu" \
    'serverfork conn vs lean +0\.80 \[0\.80, 0\.80\] 96%,  9 rounds  goal >= 0\.90  NOT met$'
expect "a goal at the interval's top is undecided" "$by_cpu" \
    'log-level errors msg vs lean +0\.83 \[0\.73, 0\.95\] 96%,  9 rounds  goal >= 0\.95  undecided'
expect "the table: median and ratio to lean" "$(cat "$dir/table.md")" \
    '^\| conn \| 4 \| serverfork \| 8550 \| 22% \| 100 \| 0\.95 \| 0 \| 125\.00 \| 1\.25 \|$'
expect "errors are summed" "$(cat "$dir/table.md")" \
    '^\| msg \| 4 \| serverfork \| 160000 \| 0% \| 40 \| 0\.80 \| 9 \|'
[ -s "$dir/targets.txt" ] || { echo "FAIL: no targets.txt"; fail=1; }
[ "$fail" = 0 ] && echo "report.sh: all verdicts as expected"
exit "$fail"
