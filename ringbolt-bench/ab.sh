#!/usr/bin/env bash
# Same-run A/B of two Ringbolt checkouts: server CPU µs per request on /plaintext (wrk -t1 -c256)
# and pipelined /plaintext (16 deep), rounds interleaved with the order alternating, both servers
# up at once and pinned to the same CPU, wrk on the other. For "this change costs nothing
# measurable" claims.
#
#   ringbolt-bench/ab.sh BASE_DIR CANDIDATE_DIR [ROUNDS] [BACKEND]
#
# Each DIR is a checkout (e.g. `git worktree add /tmp/base <rev>`); each is built by its own
# launcher on first use. Servers run with the same heap (-Xmx1g). Load targets 127.0.0.1 only.
set -euo pipefail
BASE="$(cd "$1" && pwd)"; CAND="$(cd "$2" && pwd)"; ROUNDS="${3:-6}"; BACKEND="${4:-io_uring}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVER_CPU="${BENCH_SERVER_CPU:-0}"; CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

start() { # dir port -> pid
  (cd "$1" && RINGBOLT_JAVA_OPTS="-Xmx1g" exec taskset -c "$SERVER_CPU" ./ringbolt serve --port "$2" --backend "$BACKEND" --reactors 1 \
     >"/tmp/ab-$2.log" 2>&1) &
  local pid=$!
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "http://127.0.0.1:$2/plaintext" && break
    sleep 0.2
  done
  # the launcher execs java, but the subshell's pid is the parent: find the JVM
  JPID="$(pgrep -f -- "serve --port $2 " | while read -r p; do [ "$(cat /proc/$p/comm)" = java ] && echo "$p"; done | head -1)"
  PIDS+=("$pid" "$JPID")
}
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
measure() { # pid port [depth] -> "µs/request requests"
  local pid="$1" port="$2" depth="${3:-}"
  local t0 t1 out n wrk_args=(-t1 -c256 -d2s)
  [ -n "$depth" ] && wrk_args+=(-s "$HERE/harness/wrk/pipeline.lua")
  wrk_args+=("http://127.0.0.1:$port/plaintext")
  [ -n "$depth" ] && wrk_args+=(-- "$depth")
  t0="$(ticks "$pid")"
  out="$(taskset -c "$CLIENT_CPU" wrk "${wrk_args[@]}" 2>&1)"
  t1="$(ticks "$pid")"
  n="$(echo "$out" | awk '/requests in/ {print $1}')"
  awk -v d=$((t1 - t0)) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f %d\n", d * 1e6 / hz / n, n}'
}

start "$BASE" 19301; BPID="$JPID"
start "$CAND" 19302; CPID="$JPID"
echo "base=$BASE (pid $BPID) candidate=$CAND (pid $CPID) backend=$BACKEND rounds=$ROUNDS"
for scenario in plaintext pipelined; do
  depth=""; [ "$scenario" = pipelined ] && depth=16
  for p in "$BPID:19301" "$CPID:19302"; do measure "${p%%:*}" "${p##*:}" "$depth" >/dev/null; done # warm-up
  for r in $(seq 1 "$ROUNDS"); do
    order=("base:$BPID:19301" "cand:$CPID:19302")
    [ $((r % 2)) = 0 ] && order=("cand:$CPID:19302" "base:$BPID:19301")
    for o in "${order[@]}"; do
      IFS=: read -r name pid port <<<"$o"
      echo "scenario=$scenario round=$r server=$name $(measure "$pid" "$port" "$depth" | awk '{print "us_per_req=" $1 " requests=" $2}')"
    done
  done
done | tee /tmp/ab-results.txt
echo "medians (server CPU µs per request):"
for scenario in plaintext pipelined; do
  for name in base cand; do
    grep "scenario=$scenario " /tmp/ab-results.txt | grep "server=$name " | sed 's/.*us_per_req=\([0-9.]*\).*/\1/' | sort -n \
      | awk -v s="$scenario" -v n="$name" '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "  %-9s %-4s %.3f  (min %.3f, max %.3f, %d rounds)\n", s, n, m, a[1], a[NR], NR}'
  done
done
