#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One second of msgbench per mode against a serverfork started here on a free
# loopback port: msgbench runs, counts operations and reports no error. The
# server is stopped by its pid and reaped; none of its children may remain,
# and its log holds one line per message served (the held lines all written).
# usage: smoke.sh MSGBENCH SERVERFORK
set -u
msgbench=$1 serverfork=$2
dir=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -KILL "$server" 2>/dev/null
        wait "$server" 2>/dev/null
    fi
    rm -rf "$dir"
}
trap cleanup EXIT

"$serverfork" --port 0 --bind 127.0.0.1 --grace 2 >"$dir/out" 2>"$dir/err" &
server=$!
server_pid=$server
port=
for _ in $(seq 100); do
    port=$(sed -n 's/^Server: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$dir/out")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: serverfork did not start"; cat "$dir/err"; exit 1; }

status=0 served=0
for mode in conn msg; do
    out=$("$msgbench" --port "$port" --mode "$mode" --clients 2 --seconds 1 --warmup 0)
    rc=$?
    echo "$out"
    json=$(tail -n 1 <<<"$out")
    if [ $rc -ne 0 ] || ! grep -q '"errors":0,' <<<"$json" || grep -q '"ops":0,' <<<"$json"; then
        echo "FAIL: msgbench --mode $mode exited $rc or reported errors"
        status=1
    fi
    served=$((served + $(grep -o '"all_ops":[0-9]*' <<<"$json" | cut -d: -f2)))
done

kill -TERM "$server"
wait "$server"
rc=$?
server=
[ $rc -eq 0 ] || { echo "FAIL: serverfork exited $rc after SIGTERM"; status=1; }
left=$(ps -o pid= --ppid "$server_pid" 2>/dev/null | wc -l)
[ "$left" -eq 0 ] || { echo "FAIL: $left children left"; status=1; }
grep -q '^Server: stopped$' "$dir/out" || { echo "FAIL: no 'Server: stopped'"; status=1; }
logged=$(grep -c '^Message received: hello$' "$dir/err")
[ "$logged" -eq "$served" ] || { echo "FAIL: $served messages served, $logged logged"; status=1; }
exit $status
