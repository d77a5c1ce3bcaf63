# Profile "echo": TCP echo round trips, Ringbolt's engine against Netty's transports.
# Each round starts every server in turn (A B C D E, A B C D E, ...), so slow drifts of the
# machine spread over all servers instead of favouring one. Per server start: one unrecorded
# JIT warm-up at 64 connections, then for each connection count a warm-up and a measured window
# inside echo_load, which also reads the server's CPU time at the window's edges. The JIT
# warm-up runs until the server's CPU per round trip is steady (steady_warmup).

run_echo_profile() {
  local servers=("$@") round name i c line port status
  [ ${#servers[@]} -gt 0 ] || servers=("${ECHO_SERVERS_ALL[@]}")
  declare -A unavailable=()
  log "echo: servers=${servers[*]} conns=${ECHO_CONNS[*]} size=${ECHO_SIZE}B rounds=$ROUNDS warmup=${ECHO_WARMUP_S}s+window=${ECHO_DURATION_S}s per count"
  for ((round = 1; round <= ROUNDS; round++)); do
    ROUND=$round
    for i in "${!servers[@]}"; do
      name="${servers[$i]}"
      port=$((PORT_BASE + i))
      if [ -n "${unavailable[$name]:-}" ]; then continue; fi
      step "echo round $round/$ROUNDS: start $name on :$port"
      wait_quiet "$QUIET_WAIT_S"
      if ! start_server echo "$name" "$port"; then
        warn "echo: $name unavailable: $SERVER_FAIL"
        unavailable[$name]=1
        echo "profile=echo server=$name status=unavailable reason=$SERVER_FAIL" >>"$RESULTS"
        continue
      fi
      step "echo round $round/$ROUNDS: $name JIT warm-up"
      steady_warmup echo "$port" - "$ECHO_JIT_MIN_S" "$ECHO_JIT_MAX_S" \
        || { stop_pid "$SERVER_PID"; die "echo: $name failed during warm-up"; }
      log "  warm-up: ${WARMUP_S}s"
      for c in "${ECHO_CONNS[@]}"; do
        step "echo round $round/$ROUNDS: $name conns=$c"
        line="$(run_echo_load "$name" "$port" "$c" "$ECHO_WARMUP_S" "$ECHO_DURATION_S")"
        status=$?
        if [ $status -eq 0 ] && noisy "$line"; then
          log "  noisy window ($(kv other_cpu_pct "$line")% of a CPU used by other processes); measuring once more"
          wait_quiet "$QUIET_WAIT_S"
          QUIET_BUDGET_S=$((QUIET_BUDGET_S - ${ECHO_DURATION_S%.*} - 1))   # the second window counts too
          local again
          again="$(run_echo_load "$name" "$port" "$c" "$ECHO_WARMUP_S" "$ECHO_DURATION_S")"
          status=$?
          [ $status -eq 0 ] && line="$(quieter "$line" "$again")"
        fi
        if [ $status -ne 0 ] || [ -z "$line" ]; then
          stop_pid "$SERVER_PID"; die "echo: load against $name at $c connections failed (see $OUT/harness.log)"
        fi
        log "  ${line#result }"
        echo "profile=echo server=$name round=$round ${line#result } jit_warmup_s=$WARMUP_S" >>"$RESULTS"
        kill -0 "$SERVER_PID" 2>/dev/null || die "echo: $name died during the run"
      done
      step "echo round $round/$ROUNDS: stop $name"
      stop_pid "$SERVER_PID"
    done
  done
}

# run_echo_load NAME PORT CONNS WARMUP_S DURATION_S: prints echo_load's result line.
run_echo_load() {
  local name="$1" port="$2" conns="$3" warm="$4" dur="$5" limit out
  limit=$(awk -v w="$warm" -v d="$dur" 'BEGIN {printf "%d", w + d + 30}')
  out="$(timeout --kill-after=5 "$limit" taskset -c "$CLIENT_CPU" "$NATIVE/echo_load" --port "$port" \
        --conns "$conns" --size "$ECHO_SIZE" --warmup "$warm" --duration "$dur" --pid "$SERVER_PID" \
        2>>"$OUT/harness.log")" || return 1
  grep '^result ' <<<"$out"
}
