# Profile "alloc": heap bytes allocated per request (HTTP) and per round trip (echo) in steady
# state, for every JVM server. AllocProbe attaches to the server, reads each thread's exact
# allocated-bytes counter (com.sun.management.ThreadMXBean) before and after a load run, and
# excludes the threads serving its own JMX connection. Run after a JIT warm-up, so one-off
# class loading and compilation are not counted; GC timing does not affect the counters.
# Steady state means already-open connections: the load opens its connections, runs
# ALLOC_SKIP_S seconds, then the probe reads the counters at both ends of an ALLOC_WINDOW_S
# window while the load goes on. Bytes per operation = bytes in the window / (the load's
# operations per second x the window's length). Connection set-up (a new connection's state,
# the first request's buffers) is thereby left out; the churn profile is where it shows.

run_alloc_profile() {
  local kind="$1"; shift
  local servers=() name i port sc
  for name in "$@"; do [[ "$name" == ringbolt-* || "$name" == netty-* ]] && servers+=("$name"); done
  log "alloc ($kind): servers=${servers[*]}"
  for i in "${!servers[@]}"; do
    name="${servers[$i]}"
    port=$((PORT_BASE + 80 + i))
    [ "$kind" = http ] && port=$((PORT_BASE + 90 + i))
    step "alloc $kind: start $name on :$port"
    ROUND=1
    if ! start_server "$kind" "$name" "$port"; then
      warn "alloc: $name unavailable: $SERVER_FAIL"
      echo "profile=alloc kind=$kind server=$name status=unavailable reason=$SERVER_FAIL" >>"$RESULTS"
      continue
    fi
    if [ "$kind" = echo ]; then
      step "alloc echo: $name warm-up"
      steady_warmup echo "$port" - 2 "$ALLOC_MAX_WARMUP_S" || { stop_pid "$SERVER_PID"; die "alloc: $name warm-up failed"; }
      step "alloc echo: $name measured"
      alloc_measure "$kind" "$name" echo64 rps \
        "$NATIVE/echo_load" --port "$port" --conns 64 --size "$ECHO_SIZE" --warmup 1 \
        --duration "$(awk -v s="$ALLOC_SKIP_S" -v w="$ALLOC_WINDOW_S" 'BEGIN {print s + w}')" --pid "$SERVER_PID"
    else
      for sc in plaintext json; do
        step "alloc http: $name $sc warm-up"
        steady_warmup http "$port" "$sc" 2 "$ALLOC_MAX_WARMUP_S" || { stop_pid "$SERVER_PID"; die "alloc: $name $sc warm-up failed"; }
        step "alloc http: $name $sc measured"
        cat "$HARNESS/wrk/get.lua" "$HARNESS/wrk/report.lua" >"$SCRATCH/alloc.lua"
        local path=/plaintext; [ "$sc" = json ] && path=/json
        alloc_measure "$kind" "$name" "$sc" rps \
          wrk -t1 -c"$HTTP_CONNS" -d"$(awk -v s="$ALLOC_SKIP_S" -v w="$ALLOC_WINDOW_S" 'BEGIN {printf "%d", s + w + 1.999}')s" \
          -s "$SCRATCH/alloc.lua" "http://127.0.0.1:$port$path"
      done
    fi
    step "alloc $kind: stop $name"
    stop_pid "$SERVER_PID"
  done
}

# alloc_measure KIND NAME SCENARIO RATE_KEY CMD...: runs CMD under AllocProbe with a steady
# window; records bytes per operation, where RATE_KEY of CMD's result line is its operations
# per second.
alloc_measure() {
  local kind="$1" name="$2" sc="$3" key="$4" out rate bytes window ops limit; shift 4
  limit=$(awk -v s="$ALLOC_SKIP_S" -v w="$ALLOC_WINDOW_S" 'BEGIN {printf "%d", s + w + 45}')
  out="$(timeout --kill-after=5 "$limit" taskset -c "$CLIENT_CPU" "$JAVA_HOME/bin/java" -Xshare:auto -XX:TieredStopAtLevel=1 \
        -cp "$(bench_class_path)" io.ringbolt.bench.tools.AllocProbe "$SERVER_PID" \
        --skip "$ALLOC_SKIP_S" --window "$ALLOC_WINDOW_S" -- "$@" 2>>"$OUT/harness.log")" \
    || { stop_pid "$SERVER_PID"; die "alloc: probe or load against $name failed (see $OUT/harness.log)"; }
  rate="$(kv "$key" "$(grep '^result ' <<<"$out")")"
  bytes="$(kv alloc_bytes "$(grep '^alloc ' <<<"$out")")"
  window="$(kv window_s "$(grep '^alloc ' <<<"$out")")"
  [ -n "$rate" ] && [ -n "$bytes" ] && [ -n "$window" ] || die "alloc: no counts from $name ($(tr '\n' ' ' <<<"$out" | cut -c1-300))"
  ops="$(awk -v r="$rate" -v w="$window" 'BEGIN {printf "%d", r * w}')"
  [ "$ops" -gt 0 ] || die "alloc: $name served nothing in the window ($(tr '\n' ' ' <<<"$out" | cut -c1-300))"
  local per_op; per_op="$(awk -v b="$bytes" -v n="$ops" 'BEGIN {printf "%.1f", b / n}')"
  local top; top="$(grep '^alloc ' <<<"$out")"
  log "  $name $sc: $per_op bytes per operation ($bytes bytes in ${window}s / ~$ops operations at $rate/s; top thread $(kv top_thread "$top"))"
  echo "profile=alloc kind=$kind scenario=$sc server=$name ops=$ops alloc_bytes=$bytes skip_s=$ALLOC_SKIP_S window_s=$window bytes_per_op=$per_op top_thread=$(kv top_thread "$top") top_thread_bytes=$(kv top_thread_bytes "$top")" >>"$RESULTS"
}
