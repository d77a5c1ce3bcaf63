# Profile "connect": outbound TCP connects per second and client CPU per connect, Ringbolt's
# Engine.connect (one reactor) against Netty 4.2's Bootstrap (one event loop), each on its own
# transports. The client (ConnectRateClient) is the contender and runs pinned to the client
# CPU; the server is fixed for all of them and pinned to the server CPU, started once:
# CONNECT_SERVER, by default c-epoll (echo_ceiling.c, the cheapest echo server per connection, so
# that with 64 connects in flight the client rather than the server is the limit; netty-epoll
# is the other choice). Every connection sends one byte and is reset (SO_LINGER 0) when the echo
# arrives, so no TIME_WAIT builds up and only set-up, one round trip and tear-down are measured. Rounds interleave the
# clients; each run has an unrecorded JIT warm-up before its window. Not part of the default
# run: `./ringbolt bench connect`.

CONNECT_CLIENTS_ALL=(ringbolt-io_uring ringbolt-nio netty-io_uring netty-epoll netty-nio)

run_connect_profile() {
  local clients=("$@") round name c line port="$PORT_BASE" server_pid
  [ ${#clients[@]} -gt 0 ] || clients=("${CONNECT_CLIENTS_ALL[@]}")
  log "connect: clients=${clients[*]} concurrency=${CONNECT_CONCURRENCY[*]} rounds=$CONNECT_ROUNDS warmup=${CONNECT_WARMUP_S}s+window=${CONNECT_DURATION_S}s"
  ROUND=1
  local server="${CONNECT_SERVER:-c-epoll}"
  step "connect: start the server ($server echo) on :$port"
  start_server echo "$server" "$port" || die "connect: the server did not start: $SERVER_FAIL"
  server_pid=$SERVER_PID
  declare -A unavailable=()
  for ((round = 1; round <= CONNECT_ROUNDS; round++)); do
    ROUND=$round
    for name in "${clients[@]}"; do
      [ -z "${unavailable[$name]:-}" ] || continue
      for c in "${CONNECT_CONCURRENCY[@]}"; do
        wait_quiet "$QUIET_WAIT_S"
        step "connect round $round/$CONNECT_ROUNDS: $name concurrency=$c"
        if ! line="$(run_connect_client "$name" "$port" "$c" "$server_pid")" || [ -z "$line" ]; then
          warn "connect: $name failed (log: $OUT/logs/connect-$name.log)"
          unavailable[$name]=1
          echo "profile=connect server=$name status=unavailable reason=$(grep -v '^\s*$' "$OUT/logs/connect-$name.log" | tail -1 | cut -c1-200)" >>"$RESULTS"
          break
        fi
        log "  ${line#result }"
        echo "profile=connect server=$name round=$round ${line#result }" >>"$RESULTS"
        kill -0 "$server_pid" 2>/dev/null || die "connect: the server died during the run"
      done
    done
  done
  step "connect: stop the server"
  stop_pid "$server_pid"
}

# run_connect_client NAME PORT CONCURRENCY SERVER_PID: prints the client's result line.
run_connect_client() {
  local name="$1" port="$2" conc="$3" spid="$4" limit
  limit=$(awk -v w="$CONNECT_WARMUP_S" -v d="$CONNECT_DURATION_S" 'BEGIN {printf "%d", w + d + 30}')
  mkdir -p "$OUT/logs"
  timeout --kill-after=5 "$limit" taskset -c "$CLIENT_CPU" "$JAVA_HOME/bin/java" "${JVM_COMMON[@]}" "${NETTY_FLAGS[@]}" \
    -cp "$(bench_class_path)" io.ringbolt.bench.peer.ConnectRateClient --client "$name" --port "$port" \
    --concurrency "$conc" --warmup "$CONNECT_WARMUP_S" --duration "$CONNECT_DURATION_S" --server-pid "$spid" \
    >"$OUT/logs/connect-$name.log" 2>&1 || return 1
  grep '^result ' "$OUT/logs/connect-$name.log"
}
