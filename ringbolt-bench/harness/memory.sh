# Profile "memory": the server's resident set with 10,000 and 50,000 idle connections, each of
# which has completed one exchange (a keep-alive GET, or one echo) and then stays open.
# Per-connection cost = (RSS with N connections - RSS before) / N. RSS counts the process's own
# memory (heap, direct buffers, rings); kernel socket buffers are not in it.

run_memory_profile() {
  local kind="$1"; shift
  local servers=("$@") name i port n base rss setup_s line
  log "memory ($kind): servers=${servers[*]} idle connections=${MEMORY_CONNS[*]}"
  for i in "${!servers[@]}"; do
    name="${servers[$i]}"
    port=$((PORT_BASE + 40 + i))
    [ "$kind" = http ] && port=$((PORT_BASE + 60 + i))
    step "memory $kind: start $name on :$port"
    ROUND=1
    if ! start_server "$kind" "$name" "$port"; then
      warn "memory: $name unavailable: $SERVER_FAIL"
      echo "profile=memory kind=$kind server=$name status=unavailable reason=$SERVER_FAIL" >>"$RESULTS"
      continue
    fi
    step "memory $kind: $name warm-up"
    steady_warmup "$kind" "$port" plaintext 1 "$MEMORY_MAX_WARMUP_S" || { stop_pid "$SERVER_PID"; die "memory: $name warm-up failed"; }
    sleep 1
    base="$(process_rss_kb "$SERVER_PID")"
    for n in "${MEMORY_CONNS[@]}"; do
      if [ "$n" -gt $((FD_LIMIT - 2000)) ]; then
        local capped=$(((FD_LIMIT - 2000) / 1000 * 1000))
        if [ -z "${MEMORY_CAP_NOTED:-}" ]; then
          MEMORY_CAP_NOTED=1
          echo "profile=memory status=capped reason=$n connections need more file descriptors than this machine allows (hard RLIMIT_NOFILE $FD_LIMIT, raising it needs CAP_SYS_RESOURCE); measured $capped instead" >>"$RESULTS"
        fi
        n=$capped
        [ "$n" -gt 0 ] || continue
      fi
      step "memory $kind: $name with $n idle connections"
      hold_idle_connections "$kind" "$port" "$n" || { stop_pid "$SERVER_PID"; die "memory: could not hold $n connections to $name"; }
      rss="$IDLE_RSS_KB"
      line="$IDLE_LINE"
      setup_s="$(kv setup_s "$line")"
      local per_conn; per_conn="$(awk -v r="$rss" -v b="$base" -v n="$n" 'BEGIN {printf "%.0f", (r - b) * 1024 / n}')"
      log "  $name: $n idle connections: RSS $rss KiB (before $base KiB) = $per_conn bytes/connection, set up in ${setup_s}s"
      echo "profile=memory kind=$kind server=$name conns=$n rss_kb=$rss base_rss_kb=$base per_conn_bytes=$per_conn setup_s=$setup_s" >>"$RESULTS"
      kill -0 "$SERVER_PID" 2>/dev/null || die "memory: $name died with $n connections"
    done
    step "memory $kind: stop $name"
    stop_pid "$SERVER_PID"
  done
}

# hold_idle_connections KIND PORT N: opens N idle connections, reads the server's RSS into
# IDLE_RSS_KB once they are all set up (and 1 s later), closes them; IDLE_LINE is idle_conns'
# status line. Runs in this shell (not in $(...)) so the client is tracked for cleanup.
hold_idle_connections() {
  local kind="$1" port="$2" n="$3" out="$SCRATCH/idle-$port-$3.out" pid i line=""
  start_bg "$out" taskset -c "$CLIENT_CPU" "$NATIVE/idle_conns" --port "$port" --conns "$n" --mode "$kind" --timeout 90
  pid=$BG_PID
  for ((i = 0; i < 1000; i++)); do
    line="$(grep '^ready ' "$out" 2>/dev/null)" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$line" ]; then
    log "  idle_conns: $(tail -2 "$out" | tr '\n' ' ')"
    stop_pid "$pid"
    return 1
  fi
  sleep 1
  IDLE_RSS_KB="$(process_rss_kb "$SERVER_PID")"
  stop_pid "$pid"
  sleep 1   # let the server see the closes before the next step
  IDLE_LINE="$line"
}
