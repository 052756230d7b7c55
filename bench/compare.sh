#!/usr/bin/env bash
# The comparison run: builds serverfork with and without shims (Release),
# starts every contender once on loopback, runs msgbench against them
# interleaved (A B C ... A B C ...) for several rounds, stops each by its pid,
# and prints medians, spreads and ratios to the lean C server, of ops/s and of
# the server's CPU time per op. Compare ratios from one invocation only, never
# absolute numbers across runs.
#
# usage: bench/compare.sh [--rounds N] [--msg-repeat K] [--seconds S]
#                         [--clients "1 2 4 8"] [--msg-clients "1 4"]
#                         [--pin none|same|split] [--out DIR] [--replot]
#   --msg-repeat K  msg mode K times per round (default 3): unpinned, its
#                   ops/s swing between two levels with where the scheduler
#                   puts clients and children, so it needs more runs
#   --pin same   server and clients on CPU 0 (no cross-core wake-ups)
#   --pin split  server on CPU 0, clients on CPU 1 (every wake-up crosses)
#   --replot     only redraw DIR's PNG from its summary.tsv
set -u
cd "$(dirname "$0")/.."
root=$PWD

rounds=3 msg_repeat=3 seconds=2 warmup=1 clients="1 2 4 8" msg_clients="1 4" pin=none out=bench/results replot=0
while [ $# -gt 0 ]; do
    case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --msg-repeat) msg_repeat=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --msg-clients) msg_clients=$2; shift 2 ;;
    --pin) pin=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --replot) replot=1; shift ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
case $pin in
none) server_cpu=() client_cpu=() ;;
same) server_cpu=(taskset -c 0) client_cpu=(taskset -c 0) ;;
split) server_cpu=(taskset -c 0) client_cpu=(taskset -c 1) ;;
*) echo "compare.sh: --pin must be none, same or split" >&2; exit 2 ;;
esac

missing=()
command -v socat >/dev/null || missing+=(socat)
command -v tcpserver >/dev/null || missing+=(ucspi-tcp)
command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
command -v ss >/dev/null || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
    echo "compare.sh: missing ${missing[*]}; install with:" >&2
    echo "  apt-get install -y ${missing[*]}" >&2
    exit 1
fi

# Both builds Release, so that only the shims differ between them.
# The plot: connections/s and p99 latency against the number of clients.
plot_png() { # SUMMARY PNG WORKDIR
    local summary=$1 png=$2 work=$3
    awk -F'\t' '$1 == "conn"' "$summary" >"$work/conn.tsv"
    for name in lean serverfork serverfork-quiet serverfork-noshims socat tcpserver iterative; do
        grep -q "	$name	" "$work/conn.tsv" || continue
        awk -F'\t' -v n="$name" '$3 == n' "$work/conn.tsv" >"$work/$name.dat"
    done
    gnuplot <<EOF
set terminal pngcairo size 1000,420 font ",9"
set output "$png"
set datafile separator "\t"
set multiplot layout 1,2 title "fork-per-connection servers, conn mode (connect, one message, reply, close), pin=$pin, median of each"
set xlabel "clients"; set logscale x 2; set xrange [0.8:10]; set xtics (1,2,4,8); set key top left; set grid
set ylabel "connections/s"; set yrange [0:*]
plot for [n in "lean serverfork serverfork-quiet serverfork-noshims socat tcpserver iterative"] "$work/".n.".dat" using 2:4 with linespoints title n
set ylabel "p99 latency (µs)"; set logscale y; set yrange [*:*]; set key top left
plot for [n in "lean serverfork serverfork-quiet serverfork-noshims socat tcpserver iterative"] "$work/".n.".dat" using 2:6 with linespoints title n
unset multiplot
EOF
}

if [ "$replot" = 1 ]; then
    work=$(mktemp -d)
    plot_png "$out/summary.tsv" "$out/compare-$pin.png" "$work"
    rm -rf "$work"
    exit 0
fi

build() { # DIR SHIMS
    cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFORKCHECK_TESTS=OFF \
        -DFORKCHECK_SHIMS="$2" >/dev/null &&
        cmake --build "$1" --target serverfork msgbench lean_server iterative_server fork_loop \
            >/dev/null
}
build build/bench ON && build build/bench-noshims OFF || { echo "compare.sh: build failed" >&2; exit 1; }
B=$root/build/bench
NB=$root/build/bench-noshims

mkdir -p "$out"
work=$(mktemp -d)
declare -A pid port
cleanup() {
    for name in "${!pid[@]}"; do stop "$name"; done
    rm -rf "$work"
}
trap cleanup EXIT

# The children of a pid, then the pid itself, sent SIGTERM and reaped; any
# child left after a second is killed.
stop() {
    local p=${pid[$1]:-} kids
    [ -n "$p" ] || return 0
    kids=$(ps -o pid= --ppid "$p")
    kill -TERM "$p" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
    for k in $kids; do kill -KILL "$k" 2>/dev/null; done
    unset "pid[$1]"
}

free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 10000))
        [ -z "$(ss -Htln "sport = :$p")" ] && { echo $p; return; }
    done
}

# NAME LOGFILE COMMAND...: starts it, learns its port from "listening on
# ADDR:PORT" on stdout, or from PORT=... given in the environment.
start() {
    local name=$1 log=$2
    shift 2
    "${server_cpu[@]}" "$@" >>"$log" 2>>"$log.err" </dev/null &
    pid[$name]=$!
    for _ in $(seq 100); do
        if [ -n "${fixed_port:-}" ]; then
            [ -n "$(ss -Htln "sport = :$fixed_port")" ] && { port[$name]=$fixed_port; return 0; }
        else
            local p
            p=$(grep -o -m1 'listening on 127\.0\.0\.1:[0-9]*' "$log" | sed 's/.*://')
            [ -z "$p" ] && p=$(grep -x -m1 '[0-9][0-9]*' "$log")  # tcpserver -1
            [ -n "$p" ] && { port[$name]=$p; return 0; }
        fi
        sleep 0.05
    done
    echo "compare.sh: $name did not start: $(cat "$log.err")" >&2
    exit 1
}

sf=(--port 0 --bind 127.0.0.1 --max-children 256 --grace 1)
start lean "$work/lean.log" "$B/bench/lean_server"
start serverfork "$work/serverfork.log" "$B/serverfork" "${sf[@]}"
start serverfork-quiet "$work/serverfork-quiet.log" "$B/serverfork" "${sf[@]}" --log-level errors
start serverfork-noshims "$work/serverfork-noshims.log" "$NB/serverfork" "${sf[@]}"
socat_port=$(free_port)
fixed_port=$socat_port start socat "$work/socat.log" \
    socat "TCP-LISTEN:$socat_port,bind=127.0.0.1,fork,reuseaddr,backlog=128" PIPE
start tcpserver "$work/tcpserver.log" tcpserver -1 -HRl0 -c 256 127.0.0.1 0 cat
start iterative "$work/iterative.log" "$B/bench/iterative_server"
fork_contenders=(lean serverfork serverfork-quiet serverfork-noshims socat tcpserver)

# CPU ticks a server has used, its reaped children's included: fields 14-17
# of /proc/PID/stat, counted after the last ')' (the name may hold anything).
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 + $14 + $15 }'; }
hz=$(getconf CLK_TCK)
# Until the server has no child left (all reaped, so counted), at most 5 s.
wait_reaped() {
    for _ in $(seq 100); do
        [ -z "$(ps -o pid= --ppid "$1")" ] && return 0
        sleep 0.05
    done
    return 1
}

results=$out/results.tsv
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo -e "mode\tclients\tcontender\tround\tops_per_s\tp99_us\terrors\tcpu_us_per_op" >"$results"
run() { # MODE CLIENTS CONTENDER ROUND
    : >"$work/$3.log.err"  # serverfork logs messages here: keep the disk small
    local json ticks0 ticks1
    wait_reaped "${pid[$3]}"
    ticks0=$(cpu_ticks "${pid[$3]}")
    json=$("${client_cpu[@]}" "$B/bench/msgbench" --port "${port[$3]}" --mode "$1" --clients "$2" \
        --seconds "$seconds" --warmup "$warmup" --label "$3" | tail -n 1)
    # The server's CPU per operation, warm-up included: a figure that the
    # scheduler's luck (which core wakes whom) moves far less than ops/s.
    local cpu=0
    wait_reaped "${pid[$3]}" && ticks1=$(cpu_ticks "${pid[$3]}") && cpu=$(awk -v t=$((ticks1 - ticks0)) \
        -v hz="$hz" -v n="$(grep -o '"all_ops":[0-9]*' <<<"$json" | cut -d: -f2)" \
        'BEGIN { printf "%.2f", (n > 0 ? t * 1e6 / hz / n : 0) }')
    local ops p99 err
    ops=$(grep -o '"ops_per_s":[0-9.]*' <<<"$json" | cut -d: -f2)
    p99=$(grep -o '"p99_us":[0-9.]*' <<<"$json" | cut -d: -f2)
    err=$(grep -o '"errors":[0-9]*' <<<"$json" | cut -d: -f2)
    echo -e "$1\t$2\t$3\t$4\t${ops:-0}\t${p99:-0}\t${err:-?}\t$cpu" | tee -a "$results" >&2
}

echo "compare.sh: $rounds rounds of ${seconds}s (+${warmup}s warm-up), pin=$pin, load $load_before" >&2
for r in $(seq "$rounds"); do
    for c in $clients; do
        for name in "${fork_contenders[@]}" iterative; do run conn "$c" "$name" "$r"; done
    done
    for k in $(seq "$msg_repeat"); do
        for c in $msg_clients; do
            for name in "${fork_contenders[@]}"; do run msg "$c" "$name" "$r.$k"; done
        done
    done
    json=$("${server_cpu[@]}" "$B/bench/fork_loop" "$seconds" | tail -n 1)
    ops=$(grep -o '"ops_per_s":[0-9.]*' <<<"$json" | cut -d: -f2)
    echo -e "fork\t1\tfork-loop\t$r\t$ops\t0\t0\t0" | tee -a "$results" >&2
done
for name in "${!pid[@]}"; do stop "$name"; done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Medians per (mode, clients, contender); spread = (max - min) / median.
summary=$out/summary.tsv
tail -n +2 "$results" | sort -t$'\t' -k1,1 -k2,2n -k3,3 | awk -F'\t' -v OFS='\t' '
function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
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
END { flush() }' >"$summary"

# Ratios to lean in the same mode and client count.
table=$out/table.md
{
    echo "| mode | clients | contender | ops/s (median) | spread | p99 µs (median) | × lean | errors | server CPU µs/op | CPU × lean |"
    echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' -v OFS=' | ' '
    NR == FNR { if ($3 == "lean") { lean[$1 SUBSEP $2] = $4; lcpu[$1 SUBSEP $2] = $8 }; next }
    {
        l = lean[$1 SUBSEP $2]; lc = lcpu[$1 SUBSEP $2]
        r = (l > 0 ? sprintf("%.2f", $4 / l) : "-")
        c = ($8 > 0 ? sprintf("%.2f", $8) : "-")
        rc = (lc > 0 && $8 > 0 ? sprintf("%.2f", $8 / lc) : "-")
        if ($1 == "fork") r = (lean["conn" SUBSEP 1] > 0 ? sprintf("%.2f (vs conn 1)", $4 / lean["conn" SUBSEP 1]) : "-")
        printf "| %s | %s | %s | %.0f | %.0f%% | %.0f | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, r, $7, c, rc
    }' "$summary" "$summary"
} >"$table"
cat "$table"

# Targets, as ratios of medians from this run, by ops/s and by the server CPU
# per op (the other CPU over serverfork CPU, so that higher is better both ways).
awk -F'\t' '
{ v["ops" SUBSEP $1 SUBSEP $2 SUBSEP $3] = $4; v["cpu" SUBSEP $1 SUBSEP $2 SUBSEP $3] = $8 }
function ratio(k, m, c, a, b,   x, y) {
    x = v[k SUBSEP m SUBSEP c SUBSEP a]; y = v[k SUBSEP m SUBSEP c SUBSEP b]
    if (k == "cpu") return (x > 0 ? y / x : 0)
    return (y > 0 ? x / y : 0)
}
function check(what, r, goal) { printf "  %-52s %.2f  (target %s %.2f) %s\n", what, r, ">=", goal, (r >= goal ? "met" : "NOT met") }
END {
    split("ops cpu", kinds, " ")
    for (i = 1; i <= 2; i++) {
        k = kinds[i]
        print (k == "ops" ? "targets (4 clients, this run), by ops/s:" : "the same by server CPU per op (the other CPU/op over serverfork CPU/op):")
        check("serverfork conn vs lean", ratio(k, "conn", 4, "serverfork", "lean"), 0.90)
        check("serverfork conn vs socat", ratio(k, "conn", 4, "serverfork", "socat"), 2.00)
        check("serverfork msg vs lean", ratio(k, "msg", 4, "serverfork", "lean"), 0.95)
        check("serverfork --log-level errors msg vs lean", ratio(k, "msg", 4, "serverfork-quiet", "lean"), 0.95)
        check("serverfork (shims) conn vs shims compiled out", ratio(k, "conn", 4, "serverfork", "serverfork-noshims"), 0.98)
        check("serverfork (shims) msg vs shims compiled out", ratio(k, "msg", 4, "serverfork", "serverfork-noshims"), 0.98)
    }
}' "$summary"
echo "load average before: $load_before; after: $load_after"

plot_png "$summary" "$out/compare-$pin.png" "$work"
echo "results: $results, $summary, $table, plot: $out/compare-$pin.png"
