#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The comparison's figures, from DIR/results.tsv (one line per msgbench run:
# mode, clients, contender, round, ops/s, p99 µs, errors, server CPU µs/op):
#   DIR/summary.tsv  median, spread, p99, errors and CPU per (mode, clients, contender)
#   DIR/table.md     the same with ratios to lean
#   DIR/targets.txt  the performance targets as paired ratios with their interval
# It prints the table and the targets. compare.sh runs it after every run;
# run it alone to read a finished run again.
# usage: bench/report.sh DIR
set -u
[ $# -eq 1 ] && [ -f "$1/results.tsv" ] || { echo "usage: bench/report.sh DIR (DIR/results.tsv must exist)" >&2; exit 2; }
dir=$1 results=$1/results.tsv

# Sorts a[1..n] in place and returns its median; both awk programs below use it.
median_awk='
function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}'

# Medians per (mode, clients, contender); spread = (max - min) / median.
tail -n +2 "$results" | sort -t$'\t' -k1,1 -k2,2n -k3,3 | awk -F'\t' -v OFS='\t' "$median_awk"'
function flush() {
    if (n == 0) return
    m = median(ops, n); lo = ops[1]; hi = ops[n]
    print key_mode, key_clients, key_name, m, (m > 0 ? (hi - lo) / m * 100 : 0), median(p99, n), errs, median(cpu, n)
}
{
    k = $1 SUBSEP $2 SUBSEP $3
    if (k != prev) { flush(); n = 0; errs = 0; prev = k; key_mode = $1; key_clients = $2; key_name = $3 }
    n++; ops[n] = $5; p99[n] = $6; errs += $7; cpu[n] = $8
}
END { flush() }' >"$dir/summary.tsv"

# Ratios to lean in the same mode and client count.
{
    echo "| mode | clients | contender | ops/s (median) | spread | p99 µs (median) | × lean | errors | server CPU µs/op | CPU × lean |"
    echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' '
    NR == FNR { if ($3 == "lean") { lean[$1 SUBSEP $2] = $4; lcpu[$1 SUBSEP $2] = $8 }; next }
    {
        l = lean[$1 SUBSEP $2]; lc = lcpu[$1 SUBSEP $2]
        r = (l > 0 ? sprintf("%.2f", $4 / l) : "-")
        c = ($8 > 0 ? sprintf("%.2f", $8) : "-")
        rc = (lc > 0 && $8 > 0 ? sprintf("%.2f", $8 / lc) : "-")
        if ($1 == "fork") r = (lean["conn" SUBSEP 1] > 0 ? sprintf("%.2f (vs conn 1)", $4 / lean["conn" SUBSEP 1]) : "-")
        printf "| %s | %s | %s | %.0f | %.0f%% | %.0f | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, r, $7, c, rc
    }' "$dir/summary.tsv" "$dir/summary.tsv"
} >"$dir/table.md"
cat "$dir/table.md"

# The targets. Runs of one round are adjacent in time, so their ratio cancels
# most of what the machine does slowly (load, neighbours); each target is the
# median of those per-round ratios, with a distribution-free interval for it:
# order statistics k and n+1-k of n ratios, k the largest with
# P(Binomial(n, 1/2) < k) <= 2.5 % (the sign test). Met if the whole interval
# is at or above the goal, not met if it is all below, else undecided: the
# runs cannot tell. By CPU, the ratio is the other CPU/op over serverfork CPU/op,
# so that higher is better both ways.
awk -F'\t' "$median_awk"'
NR > 1 {
    if ($3 == "baseline") has_baseline = 1
    ops[$1 SUBSEP $2 SUBSEP $3 SUBSEP $4] = $5; cpu[$1 SUBSEP $2 SUBSEP $3 SUBSEP $4] = $8
    round[$1 SUBSEP $2 SUBSEP $4] = 1
}
function pairs(kind, m, c, a, b,   key, p, x, y, n) {
    n = 0; delete r
    for (key in round) {
        split(key, p, SUBSEP)
        if (p[1] != m || p[2] != c) continue
        x = (kind == "ops" ? ops[m SUBSEP c SUBSEP a SUBSEP p[3]] : cpu[m SUBSEP c SUBSEP b SUBSEP p[3]])
        y = (kind == "ops" ? ops[m SUBSEP c SUBSEP b SUBSEP p[3]] : cpu[m SUBSEP c SUBSEP a SUBSEP p[3]])
        if (x > 0 && y > 0) r[++n] = x / y
    }
    return n
}
function check(kind, what, m, c, a, b, goal,   n, i, med, k, below, term, conf, lo, hi, verdict) {
    n = pairs(kind, m, c, a, b)
    if (n == 0) { printf "  %-46s no pairs in this run\n", what; return }
    med = median(r, n)  # r is sorted too, for the order statistics
    k = 0; below = 0; term = 2 ^ -n
    for (i = 0; i < n / 2; i++) {
        if (below + term > 0.025) break
        below += term; k = i + 1; term = term * (n - i) / (i + 1)
    }
    if (k == 0) { k = 1; below = 2 ^ -n }  # too few rounds for 95 %: the range, and its true level
    conf = 1 - 2 * below; lo = r[k]; hi = r[n + 1 - k]
    if (conf < 0.9) verdict = "too few rounds to tell"
    else if (lo >= goal) verdict = "met"
    else if (hi < goal) verdict = "NOT met"
    else verdict = "undecided (the interval holds the goal)"
    printf "  %-46s %.2f [%.2f, %.2f] %2.0f%%, %2d rounds  goal >= %.2f  %s\n", what, med, lo, hi, conf * 100, n, goal, verdict
}
END {
    for (i = 1; i <= 2; i++) {
        kind = (i == 1 ? "ops" : "cpu")
        print (kind == "ops" ? "targets at 4 clients, by ops/s: median of per-round ratios [interval, its level]" \
                             : "the same by server CPU per op (the other CPU/op over serverfork CPU/op)")
        check(kind, "serverfork conn vs lean", "conn", 4, "serverfork", "lean", 0.90)
        check(kind, "serverfork conn vs socat", "conn", 4, "serverfork", "socat", 2.00)
        check(kind, "serverfork msg vs lean", "msg", 4, "serverfork", "lean", 0.95)
        check(kind, "serverfork --log-level errors msg vs lean", "msg", 4, "serverfork-quiet", "lean", 0.95)
        check(kind, "serverfork (shims) conn vs shims compiled out", "conn", 4, "serverfork", "serverfork-noshims", 0.98)
        check(kind, "serverfork (shims) msg vs shims compiled out", "msg", 4, "serverfork", "serverfork-noshims", 0.98)
        # compare.sh --baseline: this build against another, no slower.
        if (has_baseline) {
            check(kind, "serverfork conn vs baseline", "conn", 4, "serverfork", "baseline", 1.00)
            check(kind, "serverfork msg vs baseline", "msg", 4, "serverfork", "baseline", 1.00)
        }
    }
}' "$results" | tee "$dir/targets.txt"
