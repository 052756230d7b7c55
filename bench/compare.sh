#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The comparison run: builds serverfork with and without shims (Release),
# starts every contender once on loopback, runs msgbench against them
# interleaved (A B C ... then B C ... A, the order turned each round) for
# several rounds, stops each by its pid, and prints medians, spreads and
# ratios to the lean C server, of ops/s and of the server's CPU time per op,
# and the targets as paired per-round ratios (bench/report.sh). Compare
# ratios from one invocation only, never absolute numbers across runs.
#
# usage: bench/compare.sh [--targets] [--rounds N] [--msg-repeat K]
#                         [--seconds S] [--warmup W] [--clients "1 2 4 8"]
#                         [--msg-clients "1 4"] [--pin none|same|split]
#                         [--out DIR] [--replot] [--baseline DIR|REV]
#   --targets       only what the targets need, many short rounds: 4 clients,
#                   lean, serverfork (as shipped, quiet, shims out) and socat,
#                   60 rounds of 1 s, no warm-up; out bench/results/targets
#   --msg-repeat K  msg mode K times per round (default 3): unpinned, its
#                   ops/s swing between two levels with where the scheduler
#                   puts clients and children, so it needs more runs
#   --pin same   server and clients on CPU 0 (no cross-core wake-ups)
#   --pin split  server on CPU 0, clients on CPU 1 (every wake-up crosses)
#   --replot     only redraw DIR's PNG from its summary.tsv
#   --baseline DIR|REV  also race another serverfork, from a build folder
#                (DIR/serverfork) or from a git revision built in a scratch
#                tree, as the contender "baseline": the A/B of a change,
#                paired per round, in one invocation
# bench/report.sh DIR prints a finished run's table and targets again.
set -u
cd "$(dirname "$0")/.."
root=$PWD

rounds=3 msg_repeat=3 seconds=2 warmup=1 clients="1 2 4 8" msg_clients="1 4" pin=none out=bench/results replot=0
contenders="lean serverfork serverfork-quiet serverfork-noshims socat tcpserver iterative" sweep=1
baseline=
# --targets first, so that any option after it (or before) still wins.
for a in "$@"; do
    if [ "$a" = --targets ]; then
        rounds=60 msg_repeat=1 seconds=1 warmup=0 clients=4 msg_clients=4 out=bench/results/targets
        contenders="lean serverfork serverfork-quiet serverfork-noshims socat" sweep=0
    fi
done
while [ $# -gt 0 ]; do
    case $1 in
    --targets) shift ;;
    --rounds) rounds=$2; shift 2 ;;
    --msg-repeat) msg_repeat=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --msg-clients) msg_clients=$2; shift 2 ;;
    --pin) pin=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --replot) replot=1; shift ;;
    --baseline) baseline=$2; shift 2 ;;
    -h | --help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
    for name in lean serverfork serverfork-quiet serverfork-noshims socat tcpserver iterative baseline; do
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
plot for [n in "lean serverfork serverfork-quiet serverfork-noshims socat tcpserver iterative baseline"] "$work/".n.".dat" using 2:4 with linespoints title n
set ylabel "p99 latency (µs)"; set logscale y; set yrange [*:*]; set key top left
plot for [n in "lean serverfork serverfork-quiet serverfork-noshims socat tcpserver iterative baseline"] "$work/".n.".dat" using 2:6 with linespoints title n
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
    cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFORKCHECK_TESTS=OFF -DFORKCHECK_CHECKER=OFF \
        -DFORKCHECK_SHIMS="$2" >/dev/null &&
        cmake --build "$1" --target serverfork msgbench lean_server iterative_server fork_loop \
            >/dev/null
}
build build/bench ON && build build/bench-noshims OFF || { echo "compare.sh: build failed" >&2; exit 1; }
B=$root/build/bench
NB=$root/build/bench-noshims

# The baseline: a build folder's serverfork as it is, or a revision's, built
# from a scratch copy of its tree in the same way as this one.
if [ -n "$baseline" ]; then
    if [ -x "$baseline/serverfork" ]; then
        BASE=$(cd "$baseline" && pwd)
    elif git rev-parse --verify --quiet "$baseline^{commit}" >/dev/null; then
        src=$root/build/baseline-src BASE=$root/build/baseline
        rm -rf "$src" && mkdir -p "$src" && git archive "$baseline" | tar -x -C "$src" &&
            (cd "$src" && build "$BASE" ON) ||
            { echo "compare.sh: building $baseline failed" >&2; exit 1; }
    else
        echo "compare.sh: --baseline '$baseline' is neither a build folder with a serverfork nor a git revision" >&2
        exit 2
    fi
    contenders="$contenders baseline"
fi

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
wanted() { [[ " $contenders " == *" $1 "* ]]; }
wanted lean && start lean "$work/lean.log" "$B/bench/lean_server"
wanted serverfork && start serverfork "$work/serverfork.log" "$B/serverfork" "${sf[@]}"
wanted serverfork-quiet && start serverfork-quiet "$work/serverfork-quiet.log" "$B/serverfork" "${sf[@]}" --log-level errors
wanted serverfork-noshims && start serverfork-noshims "$work/serverfork-noshims.log" "$NB/serverfork" "${sf[@]}"
wanted baseline && start baseline "$work/baseline.log" "$BASE/serverfork" "${sf[@]}"
if wanted socat; then
    socat_port=$(free_port)
    fixed_port=$socat_port start socat "$work/socat.log" \
        socat "TCP-LISTEN:$socat_port,bind=127.0.0.1,fork,reuseaddr,backlog=128" PIPE
fi
wanted tcpserver && start tcpserver "$work/tcpserver.log" tcpserver -1 -HRl0 -c 256 127.0.0.1 0 cat
wanted iterative && start iterative "$work/iterative.log" "$B/bench/iterative_server"
conn_contenders=() msg_contenders=()
for name in $contenders; do
    conn_contenders+=("$name")
    [ "$name" = iterative ] || msg_contenders+=("$name")  # one client at a time
done
# The list turned by N places: each contender runs first, second, ... in turn,
# so that none always runs right after the same one.
turned() { # N NAME...
    local n=$1 i
    shift
    for ((i = 0; i < $#; i++)); do echo "${@:$(((i + n) % $# + 1)):1}"; done
}

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
        for name in $(turned "$r" "${conn_contenders[@]}"); do run conn "$c" "$name" "$r"; done
    done
    for k in $(seq "$msg_repeat"); do
        for c in $msg_clients; do
            for name in $(turned "$((r + k))" "${msg_contenders[@]}"); do run msg "$c" "$name" "$r.$k"; done
        done
    done
    [ "$sweep" = 1 ] || continue  # the machine's limit: not a target
    json=$("${server_cpu[@]}" "$B/bench/fork_loop" "$seconds" | tail -n 1)
    ops=$(grep -o '"ops_per_s":[0-9.]*' <<<"$json" | cut -d: -f2)
    echo -e "fork\t1\tfork-loop\t$r\t$ops\t0\t0\t0" | tee -a "$results" >&2
done
for name in "${!pid[@]}"; do stop "$name"; done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

bench/report.sh "$out"
echo "load average before: $load_before; after: $load_after"

[ "$sweep" = 1 ] || { echo "results: $results, $out/summary.tsv, $out/table.md, $out/targets.txt"; exit 0; }
plot_png "$out/summary.tsv" "$out/compare-$pin.png" "$work"
echo "results: $results, $out/summary.tsv, $out/table.md, $out/targets.txt, plot: $out/compare-$pin.png"
