# Profile "echo": TCP echo round trips, Ringbolt's engine against Netty's transports.
# Every server is started once, pinned to the server CPU, and stays up, idle, while the others
# are measured; rounds interleave the measurements (A B C D E, A B C D E, ...), so slow drifts
# of the machine spread over all servers instead of favouring one, and many short rounds make
# the medians robust where single windows are noisy (one connection is wake-up bound, and a
# shared VM's wake-up cost drifts). In its first round each server gets a JIT warm-up at 64
# connections until its CPU per round trip is steady (steady_warmup); every measured window
# is preceded by a short unrecorded warm-up inside echo_load, which also reads the server's CPU
# time at the window's edges.

run_echo_profile() {
  local servers=("$@") round name i c line port status
  [ ${#servers[@]} -gt 0 ] || servers=("${ECHO_SERVERS_ALL[@]}")
  declare -A unavailable=() pid_of=() port_of=() jit_of=()
  log "echo: servers=${servers[*]} conns=${ECHO_CONNS[*]} size=${ECHO_SIZE}B rounds=$ECHO_ROUNDS warmup=${ECHO_WARMUP_S}s+window=${ECHO_DURATION_S}s per count"
  ROUND=1
  for i in "${!servers[@]}"; do
    name="${servers[$i]}"
    port=$((PORT_BASE + i))
    step "echo: start $name on :$port"
    if ! start_server echo "$name" "$port"; then
      warn "echo: $name unavailable: $SERVER_FAIL"
      unavailable[$name]=1
      echo "profile=echo server=$name status=unavailable reason=$SERVER_FAIL" >>"$RESULTS"
      continue
    fi
    pid_of[$name]=$SERVER_PID
    port_of[$name]=$port
  done
  for ((round = 1; round <= ECHO_ROUNDS; round++)); do
    ROUND=$round
    for name in "${servers[@]}"; do
      [ -z "${unavailable[$name]:-}" ] || continue
      SERVER_PID=${pid_of[$name]}
      port=${port_of[$name]}
      kill -0 "$SERVER_PID" 2>/dev/null || die "echo: $name died while idle (log: $OUT/logs/echo-$name-r1.log)"
      wait_quiet "$QUIET_WAIT_S"
      if [ "$round" = 1 ]; then
        step "echo round 1/$ECHO_ROUNDS: $name JIT warm-up"
        steady_warmup echo "$port" - "$ECHO_JIT_MIN_S" "$ECHO_JIT_MAX_S" || die "echo: $name failed during warm-up"
        jit_of[$name]=$WARMUP_S
        log "  warm-up: ${WARMUP_S}s"
      fi
      for c in "${ECHO_CONNS[@]}"; do
        step "echo round $round/$ECHO_ROUNDS: $name conns=$c"
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
          die "echo: load against $name at $c connections failed (see $OUT/harness.log)"
        fi
        log "  ${line#result }"
        echo "profile=echo server=$name round=$round ${line#result } jit_warmup_s=${jit_of[$name]}" >>"$RESULTS"
        kill -0 "$SERVER_PID" 2>/dev/null || die "echo: $name died during the run"
      done
    done
  done
  for name in "${servers[@]}"; do
    [ -n "${pid_of[$name]:-}" ] || continue
    step "echo: stop $name"
    stop_pid "${pid_of[$name]}"
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
