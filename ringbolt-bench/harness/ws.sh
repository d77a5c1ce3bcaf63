# Profile "ws": WebSocket echo messages per second and server CPU per message, and a broadcast
# fan-out to 10,000 connections (issue #13). Not part of the default run: `./ringbolt bench ws`.
#
# Echo (HttpArena's echo-ws shape): 5-byte masked text messages over 256 connections, one in
# flight per connection (ws-1) and pipelined 16 deep (ws-16), from ws_load (C, one epoll
# thread, pinned to the client CPU) against Ringbolt's `serve` (GET /ws, one reactor, the
# http profile's JVM flags) on io_uring and NIO, and Netty 4.2's WebSocketServerProtocolHandler
# (NettyWebSocketServer, one event loop) on io_uring, epoll and nio; every server pinned to the
# server CPU. Servers start once and stay up; rounds interleave them (A B C D E, A B C D E, ...);
# in its first round each server gets 1-second ws-16 windows until its CPU per message is
# steady. Server CPU µs/message = the server's CPU over the window / messages echoed in it.
#
# Fan-out: after the echo rounds, ws_load --fanout opens 10,000 connections to /chat (Ringbolt's
# chat room; Netty's ChannelGroup) on each server in turn, one connection sends one text message
# and the time until all 10,000 (the sender included) received it, and the server CPU spent on
# it, are recorded; one unrecorded warm-up broadcast, then WS_BROADCASTS recorded ones. Needs
# ~10,000 descriptors in the server and in the client: the soft limit goes up to the hard one.

WS_SERVERS_ALL=(ringbolt-io_uring ringbolt-nio netty-io_uring netty-epoll netty-nio)
WS_SCENARIOS=(ws-1 ws-16)
WS_CONNS=256
WS_SIZE=5
WS_FANOUT_CONNS="${BENCH_WS_FANOUT_CONNS:-10000}"

# ws_settings: windows and rounds for --quick and full runs (bench.sh's QUICK and ROUNDS).
ws_settings() {
  if [ "$QUICK" = 1 ]; then
    WS_ROUNDS="${ROUNDS:-1}"; WS_JIT_MIN_S=2; WS_JIT_MAX_S=2; WS_WARMUP_S=0.3; WS_DURATION_S=1; WS_BROADCASTS=3
  else
    WS_ROUNDS="${ROUNDS:-3}"; WS_JIT_MIN_S=3; WS_JIT_MAX_S=12; WS_WARMUP_S=0.5; WS_DURATION_S=2; WS_BROADCASTS=7
  fi
}

# ws_server_cmd NAME PORT: sets SERVER_CMD. Ringbolt is the http profile's `serve` (its /ws and
# /chat are the demo app's); Netty is the WebSocket peer.
ws_server_cmd() {
  local name="$1" port="$2"
  case "$name" in
    ringbolt-*) server_cmd http "$name" "$port" ;;
    netty-*)
      SERVER_CMD=(taskset -c "$SERVER_CPU" "$JAVA_HOME/bin/java" "${JVM_COMMON[@]}" "${NETTY_FLAGS[@]}"
        -cp "$(bench_class_path)" io.ringbolt.bench.peer.NettyWebSocketServer --transport "${name#netty-}"
        --host 127.0.0.1 --port "$port" --threads 1) ;;
    *) die "ws: unknown server '$name'" ;;
  esac
}

# ws_start_server NAME PORT: starts NAME and waits until a WebSocket echo on /ws works. Sets
# SERVER_PID; returns 1 with SERVER_FAIL set when it exits or does not answer in time.
ws_start_server() {
  local name="$1" port="$2" i log="$OUT/logs/ws-$1.log"
  SERVER_FAIL=""
  mkdir -p "$OUT/logs"
  port_free "$port" || die "port $port is already in use; stop whatever listens there or set BENCH_PORT_BASE"
  ws_server_cmd "$name" "$port"
  echo "# ${SERVER_CMD[*]}" >"$log.cmd"
  start_bg "$log" "${SERVER_CMD[@]}"
  SERVER_PID=$BG_PID
  for ((i = 0; i < READY_TIMEOUT_S * 5; i++)); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      SERVER_FAIL="exited at start-up: $(grep -v '^\s*$' "$log" | tail -1 | cut -c1-200)"
      stop_pid "$SERVER_PID"
      return 1
    fi
    "$NATIVE/ws_load" --probe --port "$port" --path /ws >/dev/null 2>>"$OUT/logs/ws-$name.probe.log" && return 0
    sleep 0.2
  done
  SERVER_FAIL="no WebSocket echo on 127.0.0.1:$port/ws within ${READY_TIMEOUT_S}s (log: $log, $OUT/logs/ws-$name.probe.log)"
  stop_pid "$SERVER_PID"
  return 1
}

# run_ws_load PORT DEPTH WARMUP_S DURATION_S: prints ws_load's result line.
run_ws_load() {
  local port="$1" depth="$2" warm="$3" dur="$4" limit out
  limit=$(awk -v w="$warm" -v d="$dur" 'BEGIN {printf "%d", w + d + 30}')
  out="$(timeout --kill-after=5 "$limit" taskset -c "$CLIENT_CPU" "$NATIVE/ws_load" --port "$port" --path /ws \
        --conns "$WS_CONNS" --depth "$depth" --size "$WS_SIZE" --warmup "$warm" --duration "$dur" \
        --pid "$SERVER_PID" 2>>"$OUT/harness.log")" || return 1
  grep '^result ' <<<"$out"
}

# ws_steady_warmup PORT: 1-second ws-16 windows until the server's CPU per message differs by
# less than STEADY_PCT between two windows (at least WS_JIT_MIN_S windows), or WS_JIT_MAX_S
# windows ran. Sets WARMUP_S.
ws_steady_warmup() {
  local port="$1" i prev="" cur line seen=""
  for ((i = 1; i <= WS_JIT_MAX_S; i++)); do
    line="$(run_ws_load "$port" 16 0 1)" || return 1
    cur="$(kv server_cpu_us_per_msg "$line")"
    seen+=" $cur"
    if [ "$i" -ge "$WS_JIT_MIN_S" ] && [ -n "$prev" ] \
       && awk -v a="$prev" -v b="$cur" -v t="$STEADY_PCT" 'BEGIN {if (b <= 0) exit 1; d = (a - b) / b; if (d < 0) d = -d; exit !(d * 100 < t)}'; then
      WARMUP_S=$i
      return 0
    fi
    prev="$cur"
  done
  WARMUP_S=$WS_JIT_MAX_S
  [ "$WS_JIT_MAX_S" -gt "$WS_JIT_MIN_S" ] && log "  not steady after ${WS_JIT_MAX_S} warm-up windows (µs/msg:$seen); measuring anyway"
  return 0
}

# ws_fd_limit NEED: raises the soft descriptor limit to the hard one (servers started after
# inherit it); WS_FANOUT_CONNS is capped, with a warning, when the hard limit is too low.
ws_fd_limit() {
  local need="$1" have
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  have="$(ulimit -n)"
  [ "$have" = unlimited ] && have=1048576
  if [ "$have" -lt $((need + 1000)) ]; then
    WS_FANOUT_CONNS=$((have - 1000))
    warn "ws: descriptor limit $have: fan-out capped at $WS_FANOUT_CONNS connections"
  fi
}

run_ws_profile() {
  local servers=("$@") round name i sc depth line port status jit
  [ ${#servers[@]} -gt 0 ] || servers=("${WS_SERVERS_ALL[@]}")
  ws_settings
  ws_fd_limit "$WS_FANOUT_CONNS"
  declare -A unavailable=() pid_of=() port_of=() jit_of=()
  log "ws: servers=${servers[*]} scenarios=${WS_SCENARIOS[*]} conns=$WS_CONNS size=${WS_SIZE}B rounds=$WS_ROUNDS warmup=${WS_WARMUP_S}s+window=${WS_DURATION_S}s; fan-out to $WS_FANOUT_CONNS x $WS_BROADCASTS"
  ROUND=1
  for i in "${!servers[@]}"; do
    name="${servers[$i]}"
    port=$((PORT_BASE + 70 + i))
    step "ws: start $name on :$port"
    if ! ws_start_server "$name" "$port"; then
      warn "ws: $name unavailable: $SERVER_FAIL"
      unavailable[$name]=1
      echo "profile=ws server=$name status=unavailable reason=$SERVER_FAIL" >>"$RESULTS"
      continue
    fi
    pid_of[$name]=$SERVER_PID
    port_of[$name]=$port
  done
  for ((round = 1; round <= WS_ROUNDS; round++)); do
    ROUND=$round
    for name in "${servers[@]}"; do
      [ -z "${unavailable[$name]:-}" ] || continue
      SERVER_PID=${pid_of[$name]}
      port=${port_of[$name]}
      kill -0 "$SERVER_PID" 2>/dev/null || die "ws: $name died while idle (log: $OUT/logs/ws-$name.log)"
      wait_quiet "$QUIET_WAIT_S"
      if [ "$round" = 1 ]; then
        step "ws round 1/$WS_ROUNDS: $name JIT warm-up"
        ws_steady_warmup "$port" || die "ws: $name failed during warm-up (see $OUT/harness.log)"
        jit_of[$name]=$WARMUP_S
        log "  warm-up: ${WARMUP_S}s"
      fi
      for sc in "${WS_SCENARIOS[@]}"; do
        depth="${sc#ws-}"
        step "ws round $round/$WS_ROUNDS: $name $sc"
        line="$(run_ws_load "$port" "$depth" "$WS_WARMUP_S" "$WS_DURATION_S")"
        status=$?
        if [ $status -eq 0 ] && noisy "$line"; then
          log "  noisy window ($(kv other_cpu_pct "$line")% of a CPU used by other processes); measuring once more"
          wait_quiet "$QUIET_WAIT_S"
          QUIET_BUDGET_S=$((QUIET_BUDGET_S - ${WS_DURATION_S%.*} - 1))
          local again
          again="$(run_ws_load "$port" "$depth" "$WS_WARMUP_S" "$WS_DURATION_S")"
          status=$?
          [ $status -eq 0 ] && line="$(quieter "$line" "$again")"
        fi
        [ $status -eq 0 ] && [ -n "$line" ] || die "ws: load against $name ($sc) failed (see $OUT/harness.log)"
        log "  ${line#result }"
        echo "profile=ws server=$name round=$round scenario=$sc ${line#result } jit_warmup_s=${jit_of[$name]}" >>"$RESULTS"
        kill -0 "$SERVER_PID" 2>/dev/null || die "ws: $name died during the run"
      done
    done
  done
  for name in "${servers[@]}"; do
    [ -z "${unavailable[$name]:-}" ] || continue
    SERVER_PID=${pid_of[$name]}
    wait_quiet "$QUIET_WAIT_S"
    step "ws fan-out: $name, $WS_FANOUT_CONNS connections"
    run_ws_fanout "$name" "${port_of[$name]}" || die "ws: fan-out against $name failed (see $OUT/harness.log)"
    kill -0 "$SERVER_PID" 2>/dev/null || die "ws: $name died during the fan-out"
  done
  for name in "${servers[@]}"; do
    [ -n "${pid_of[$name]:-}" ] || continue
    step "ws: stop $name"
    stop_pid "${pid_of[$name]}"
  done
}

# run_ws_fanout NAME PORT: one warm-up broadcast, then WS_BROADCASTS recorded ones; the client
# closes its connections when it exits (so the server is back to idle for the next one).
run_ws_fanout() {
  local name="$1" port="$2" out b
  out="$(timeout --kill-after=5 180 taskset -c "$CLIENT_CPU" "$NATIVE/ws_load" --fanout --port "$port" --path /chat \
        --conns "$WS_FANOUT_CONNS" --broadcasts $((WS_BROADCASTS + 1)) --pid "$SERVER_PID" 2>>"$OUT/harness.log")"
  local rc=$?
  while read -r line; do
    b="$(kv broadcast "$line")"
    log "  ${line#result }"
    [ "$b" = 1 ] && continue                   # the warm-up broadcast
    echo "profile=ws-fanout server=$name ${line#result mode=fanout }" >>"$RESULTS"
  done < <(grep '^result ' <<<"$out")
  # Let the server reap 10,000 closes before the next one is measured.
  sleep 1
  return $rc
}
