#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# forkcheck's false alarms, measured: runs every server of the gallery that
# passes, and the clean fixture servers, RUNS times each with random seeds
# while two CPU-bound processes compete, and counts the runs that failed.
# Usage: bench/gallery_precision.sh [-n RUNS] [-m MAX_SUCCESS] [-t SECONDS] [BUILD_DIR]
#   RUNS per server (20), cases per invariant (25), no round started after
#   SECONDS (no limit), BUILD_DIR (build/dev).
# It prints a line per run (seed, verdict, seconds) as it goes, then a table.
# Each failing run's report is kept in the log directory it prints.
set -euo pipefail
runs=20 cases=25 budget=0
while getopts n:m:t: opt; do
    case $opt in
    n) runs=$OPTARG ;;
    m) cases=$OPTARG ;;
    t) budget=$OPTARG ;;
    *) echo "usage: $0 [-n RUNS] [-m MAX_SUCCESS] [-t SECONDS] [BUILD_DIR]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/dev}
forkcheck=$build/forkcheck
servers=$build/fixtures/servers
gallery=$root/fixtures/gallery
[ -x "$forkcheck" ] || { echo "gallery_precision: $forkcheck not built (cmake --build --preset dev)" >&2; exit 1; }
for tool in tcpserver socat xinetd /usr/bin/python3 yes; do
    command -v "$tool" >/dev/null || { echo "gallery_precision: $tool not found (apt-get install ucspi-tcp socat xinetd python3)" >&2; exit 1; }
done

handler=(/usr/bin/python3 "$gallery/stdio_handler.py")
names=(tcpserver socat_t5 xinetd line_server worksheet_server)
# server_args NAME: forkcheck's arguments for that server, into args.
server_args() {
    case $1 in
    tcpserver) args=(-- tcpserver -RHl0 127.0.0.1 '{port}' "${handler[@]}") ;;
    socat_t5) args=(-- socat -t 5 'TCP-LISTEN:{port},fork,reuseaddr,bind=127.0.0.1'
                    "EXEC:${handler[*]} --delay 1") ;;
    xinetd) args=(-- "$gallery/xinetd_server.sh" '{port}') ;;
    line_server) args=(-- "$servers/line_server" '{port}') ;;
    worksheet_server) args=(--profile worksheet -- "$servers/worksheet_server" '{port}') ;;
    esac
}

logs=$(mktemp -d "${TMPDIR:-/tmp}/gallery_precision.XXXXXX")
hogs=()
stop_hogs() { [ ${#hogs[@]} -eq 0 ] || kill "${hogs[@]}" 2>/dev/null || true; }
trap stop_hogs EXIT
trap 'exit 130' INT TERM
for _ in 1 2; do
    yes >/dev/null &
    hogs+=($!)
done
echo "gallery_precision: $runs runs per server, $cases cases per invariant, 2 CPU hogs (pids ${hogs[*]}), $(nproc) cores; logs in $logs"

# Round after round, each server once per round: stopped early, every server
# has had about as many runs, each under the same load.
declare -A alarms setup failed done
start=$SECONDS
for run in $(seq 1 "$runs"); do
    if [ "$budget" -gt 0 ] && [ $((SECONDS - start)) -ge "$budget" ]; then
        echo "gallery_precision: $budget s spent, no more rounds"
        break
    fi
    for name in "${names[@]}"; do
        server_args "$name"
        seed=$(( (RANDOM << 15) | RANDOM ))
        log=$logs/$name.$run.log
        status=0 t0=$SECONDS
        timeout 1200 "$forkcheck" --seed "$seed" --max-success "$cases" -q "${args[@]}" >"$log" 2>&1 || status=$?
        case $status in
        0) rm -f "$log"; verdict=pass ;;
        1) alarms[$name]=$(( ${alarms[$name]:-0} + 1 ))
           verdict="FAIL $(sed -n 's/^FAIL  \([a-z-]*\).*/\1/p' "$log" | tr '\n' ' ')"
           failed[$name]+="${verdict#FAIL }(seed $seed) " ;;
        *) setup[$name]=$(( ${setup[$name]:-0} + 1 )); verdict="exit $status"
           failed[$name]+="exit $status (seed $seed) " ;;
        esac
        done[$name]=$(( ${done[$name]:-0} + 1 ))
        echo "run $run $name seed $seed: $verdict ($((SECONDS - t0)) s)"
    done
done
printf '%-18s %5s %13s %13s  %s\n' server runs false-alarms set-up-errors "failed invariants"
for name in "${names[@]}"; do
    printf '%-18s %5d %13d %13d  %s\n' "$name" "${done[$name]:-0}" "${alarms[$name]:-0}" \
        "${setup[$name]:-0}" "${failed[$name]:-none}"
done
echo "gallery_precision: $((SECONDS - start)) s in all; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
