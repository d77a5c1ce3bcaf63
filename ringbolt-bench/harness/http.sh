# Profile "http": HTTP/1.1 load with wrk (closed loop) and h2load (fixed rate) against
# Ringbolt's `serve`, the Netty HTTP peer on three transports, nginx and the C ceiling.
# Primary figure: server CPU µs per request (process utime+stime over the run / responses).
#
# Scenarios (name tool path connections):
#   plaintext   wrk     /plaintext   256 keep-alive
#   pipeline    wrk     /plaintext   256, 16 requests per write
#   json        wrk     /json        256 (serialised per request; nginx answers a constant)
#   baseline11  wrk     /baseline11  256, GET and POST alternating
#   churn       wrk     /plaintext   256, every 10th request closes its connection
#   rate        h2load  /plaintext   64 connections at a fixed HTTP_RATE requests/s

HTTP_SCENARIOS_ALL=(plaintext pipeline json baseline11 churn rate)

# scenario_applies SCENARIO SERVER: the C ceiling only answers fixed plaintext; nginx has no
# application logic for /baseline11.
scenario_applies() {
  case "$2:$1" in
    c-epoll:json|c-epoll:baseline11|nginx:baseline11) return 1 ;;
  esac
  return 0
}

run_http_profile() {
  local servers=("$@") round name i port sc
  [ ${#servers[@]} -gt 0 ] || servers=("${HTTP_SERVERS_ALL[@]}")
  declare -A unavailable=() pid_of=() port_of=() jit_of=()
  command -v wrk >/dev/null || { warn "wrk not found (apt-get install wrk): http profile skipped"; echo "profile=http status=skipped reason=wrk not installed" >>"$RESULTS"; return 0; }
  log "http: servers=${servers[*]} scenarios=${HTTP_SCENARIOS[*]} rounds=$HTTP_ROUNDS window=${HTTP_DURATION_S}s"
  # Every server is started once and stays up, idle, while the others are measured: rounds
  # interleave the measurements (A B C ... A B C ...) without paying each JVM's JIT warm-up
  # again in every round, which is what lets three rounds fit the time budget.
  ROUND=1
  for i in "${!servers[@]}"; do
    name="${servers[$i]}"
    port=$((PORT_BASE + 20 + i))
    step "http: start $name on :$port"
    set_scheme "$name"
    if ! start_server http "$name" "$port"; then
      warn "http: $name unavailable: $SERVER_FAIL"
      unavailable[$name]=1
      echo "profile=http server=$name status=unavailable reason=$SERVER_FAIL" >>"$RESULTS"
      continue
    fi
    pid_of[$name]=$SERVER_PID
    port_of[$name]=$port
  done
  for ((round = 1; round <= HTTP_ROUNDS; round++)); do
    ROUND=$round
    for name in "${servers[@]}"; do
      [ -z "${unavailable[$name]:-}" ] || continue
      SERVER_PID=${pid_of[$name]}
      port=${port_of[$name]}
      set_scheme "$name"
      kill -0 "$SERVER_PID" 2>/dev/null || die "http: $name died while idle (log: $OUT/logs/http-$name-r1.log)"
      wait_quiet "$QUIET_WAIT_S"
      if [ "$round" = 1 ]; then
        jit_of[$name]=0
        if [[ "$name" == ringbolt-* || "$name" == netty-* ]]; then
          step "http round 1/$HTTP_ROUNDS: $name JIT warm-up"
          steady_warmup http "$port" "${HTTP_WARMUP_SCENARIO:-plaintext}" "$HTTP_JIT_MIN_S" "$HTTP_JIT_MAX_S" \
            || die "http: $name failed during warm-up"
          jit_of[$name]=$WARMUP_S
          log "  warm-up: ${WARMUP_S}s"
        fi
      fi
      JIT_WARMUP_S=${jit_of[$name]}
      for sc in "${HTTP_SCENARIOS[@]}"; do
        scenario_applies "$sc" "$name" || continue
        step "http round $round/$HTTP_ROUNDS: $name $sc"
        http_measure "$name" "$port" "$sc" "$round" || die "http: $sc against $name failed"
        kill -0 "$SERVER_PID" 2>/dev/null || die "http: $name died during $sc"
      done
    done
  done
  for name in "${servers[@]}"; do
    [ -n "${pid_of[$name]:-}" ] || continue
    step "http: stop $name"
    stop_pid "${pid_of[$name]}"
  done
}

# set_scheme NAME: servers named *+tls speak HTTPS, *+h2c HTTP/2 in cleartext, *+h2 HTTP/2
# over TLS (ALPN); every client request uses HTTP_SCHEME (and prior knowledge when H2C=1).
set_scheme() {
  if [[ "$1" == *+tls || "$1" == *+h2 ]]; then HTTP_SCHEME=https; else HTTP_SCHEME=http; fi
  if [[ "$1" == *+h2c ]]; then H2C=1; elif [[ "$1" == *+h2 ]]; then H2C=tls; else H2C=0; fi
}

# http_measure NAME PORT SCENARIO ROUND: warm-up run, then the measured run with the server's
# CPU time and RSS sampled around it; appends one sample line to RESULTS.
http_measure() {
  local name="$1" port="$2" sc="$3" round="$4"
  # json, baseline11 and churn run other code (JSON, query and body parsing, accept/close):
  # warm them up to steady state too; the plaintext-based ones are warm after the JIT warm-up.
  # Later rounds run on the same, already warm, processes.
  WARMUP_S=0
  if [ "$round" = 1 ] && [ "$HTTP_SCENARIO_MAX_WARMUP_S" -gt 0 ] && [[ "$sc" == json || "$sc" == baseline11 || "$sc" == churn || "$sc" == h2-static-* ]]; then
    steady_warmup http "$port" "$sc" 1 "$HTTP_SCENARIO_MAX_WARMUP_S" || return 1
  fi
  local first
  http_window "$sc" "$port" || return 1
  if noisy "$SAMPLE"; then
    log "  noisy window ($(kv other_cpu_pct "$SAMPLE")% of a CPU used by other processes); measuring once more"
    first="$SAMPLE"
    wait_quiet "$QUIET_WAIT_S"
    QUIET_BUDGET_S=$((QUIET_BUDGET_S - HTTP_DURATION_S))   # the second window counts too
    http_window "$sc" "$port" || return 1
    SAMPLE="$(quieter "$first" "$SAMPLE")"
  fi
  SAMPLE+=" jit_warmup_s=$JIT_WARMUP_S scenario_warmup_s=$WARMUP_S"
  log "  $sc: $SAMPLE"
  echo "profile=http scenario=$sc server=$name round=$round $SAMPLE" >>"$RESULTS"
}

# http_window SCENARIO PORT: one measured run; sets SAMPLE to its key=value pairs.
http_window() {
  local sc="$1" port="$2" line cpu0 cpu1 ticks requests extra=""
  cpu0="$(process_cpu_ticks "$SERVER_PID")"
  client_cpu_begin
  line="$(http_load "$sc" "$port" "$HTTP_DURATION_S")" || return 1
  client_cpu_end
  cpu1="$(process_cpu_ticks "$SERVER_PID")"
  requests="$(kv requests "$line")"
  [ -n "$requests" ] && [ "$requests" -gt 0 ] || { log "  no requests completed: $line"; return 1; }
  ticks=$((cpu1 - cpu0))
  extra="server_cpu_us_per_req=$(awk -v t="$ticks" -v h="$CLK_TCK" -v r="$requests" 'BEGIN {printf "%.3f", t / h * 1e6 / r}')"
  extra+=" server_cpu_pct=$(awk -v t="$ticks" -v h="$CLK_TCK" -v d="$(kv duration_s "$line")" 'BEGIN {printf "%.1f", 100 * t / h / d}')"
  extra+=" client_cpu_pct=$(awk -v c="$CLIENT_CPU_S" -v d="$(kv duration_s "$line")" 'BEGIN {printf "%.1f", 100 * c / d}')"
  # Noise: CPU used by everything but this server and this client, in % of one CPU.
  extra+=" other_cpu_pct=$(awk -v b="$BUSY_TICKS" -v t="$ticks" -v h="$CLK_TCK" -v c="$CLIENT_CPU_S" -v d="$(kv duration_s "$line")" 'BEGIN {v = 100 * ((b - t) / h - c) / d; printf "%.1f", v < 0 ? 0 : v}')"
  extra+=" rss_kb=$(process_rss_kb "$SERVER_PID")"
  SAMPLE="${line#result } $extra"
}

# http_load SCENARIO PORT DURATION_S: runs the client pinned to CLIENT_CPU; prints a result line.
http_load() {
  local sc="$1" port="$2" dur="$3" url="${HTTP_SCHEME:-http}://127.0.0.1:$2" script args=() out limit
  limit=$(awk -v d="$dur" 'BEGIN {printf "%d", d + 30}')
  if [ "$sc" = rate ]; then
    http_rate "$port" "$dur" "$limit"
    return
  fi
  if [[ "$sc" == h2-* || "$sc" == h2tls-* ]]; then
    h2_load "$sc" "$port" "$dur" "$limit"
    return
  fi
  case "$sc" in
    plaintext) script=get.lua; url+=/plaintext ;;
    pipeline) script=pipeline.lua; url+=/plaintext; args=(-- "$HTTP_PIPELINE_DEPTH") ;;
    json) script=get.lua; url+=/json ;;
    baseline11) script=baseline11.lua; url+=/baseline11 ;;
    churn) script=churn.lua; url+=/plaintext ;;
    *) die "unknown http scenario '$sc'" ;;
  esac
  cat "$HARNESS/wrk/$script" "$HARNESS/wrk/report.lua" >"$SCRATCH/$script"
  out="$(timeout --kill-after=5 "$limit" taskset -c "$CLIENT_CPU" wrk -t1 -c"$HTTP_CONNS" \
        -d"${dur}s" --timeout 5s -s "$SCRATCH/$script" "$url" "${args[@]}" 2>>"$OUT/harness.log")" || return 1
  line="$(grep '^result ' <<<"$out")" || { log "  wrk printed no result: $(tr '\n' ' ' <<<"$out")"; return 1; }
  errors_ok "$line" || return 1
  echo "$line"
}

# errors_ok LINE: wrk counts non-2xx answers and socket errors; any of them fails the step
# (a server that answers 404 or resets connections is not being measured fairly).
errors_ok() {
  local k v bad=""
  for k in err_connect err_status err_timeout err_write; do
    v="$(kv "$k" "$1")"
    [ "${v:-0}" = 0 ] || bad+=" $k=$v"
  done
  # A read error is how wrk sees a server closing after "Connection: close"; tolerated there.
  [ -z "$bad" ] && return 0
  log "  client reported errors:$bad"
  return 1
}

# h2_load SCENARIO PORT DURATION_S LIMIT_S: h2load closed loop, HTTP/2 by prior knowledge on
# http:// (h2c) or by ALPN on https:// (h2). h2-m1 / h2tls-m1: /plaintext, 64 connections with
# 1 stream each; h2-m100 / h2tls-m100: /plaintext, 8 connections with 100 concurrent streams
# each; h2-static-m1 / -m100: the same on /static/$H2_STATIC_FILE; h2-warm: 16 connections x
# 10 streams on /plaintext (the JIT warm-up, which runs both the one- and the many-stream
# paths). Prints a result line like wrk's.
h2_load() {
  local sc="$1" port="$2" dur="$3" limit="$4" conns streams out path=/plaintext proto=h2c
  command -v h2load >/dev/null || { log "  h2load not found (apt-get install nghttp2-client)"; return 1; }
  case "$sc" in
    h2-m1|h2tls-m1|h2-static-m1) conns=64; streams=1 ;;
    h2-m100|h2tls-m100|h2-static-m100) conns=8; streams=100 ;;
    h2-warm) conns=16; streams=10 ;;
    *) die "unknown h2 scenario '$sc'" ;;
  esac
  [[ "$sc" == h2-static-* ]] && path="/static/${H2_STATIC_FILE:-bold.woff2}"
  [ "${HTTP_SCHEME:-http}" = https ] && proto=h2
  out="$(timeout --kill-after=5 "$limit" taskset -c "$CLIENT_CPU" h2load -t 1 -c "$conns" -m "$streams" \
        -D "$dur" "${HTTP_SCHEME:-http}://127.0.0.1:$port$path" 2>>"$OUT/harness.log")" || return 1
  local succeeded failed errored secs
  succeeded="$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' <<<"$out")"
  failed="$(sed -n 's/^requests: .* \([0-9]*\) failed.*/\1/p' <<<"$out")"
  errored="$(sed -n 's/^requests: .* \([0-9]*\) errored.*/\1/p' <<<"$out")"
  secs="$(sed -n 's/^finished in \([0-9.]*\)s.*/\1/p' <<<"$out")"
  [ -n "$succeeded" ] && [ "$succeeded" -gt 0 ] && [ "${failed:-1}" = 0 ] && [ "${errored:-1}" = 0 ] \
    || { log "  h2load: $(grep -E '^(requests|status codes):' <<<"$out" | tr '\n' ' ')"; return 1; }
  # Every answer must be a 200 (a 404 for a missing static file is fast, and wrong).
  grep -qE '^status codes: [0-9]+ 2xx, 0 3xx, 0 4xx, 0 5xx' <<<"$out" \
    || { log "  h2load: not all 2xx: $(grep '^status codes:' <<<"$out")"; return 1; }
  grep -q "Application protocol: $proto\$" <<<"$out" || { log "  h2load did not speak $proto"; return 1; }
  awk -v n="$succeeded" -v s="$secs" 'BEGIN {printf "result requests=%d duration_s=%.3f rps=%.1f\n", n, s, n / s}'
}

# http_rate PORT DURATION_S LIMIT_S: h2load at HTTP_RATE requests/s over 64 connections, latency
# percentiles from its per-request log.
http_rate() {
  local port="$1" dur="$2" limit="$3" clients=64 logf="$SCRATCH/h2load-$port.log" out
  command -v h2load >/dev/null || { log "  h2load not found (apt-get install nghttp2-client)"; return 1; }
  rm -f "$logf"
  out="$(timeout --kill-after=5 "$limit" taskset -c "$CLIENT_CPU" h2load --h1 -t 1 -c "$clients" \
        --rps "$((HTTP_RATE / clients))" -D "$dur" --log-file "$logf" "http://127.0.0.1:$port/plaintext" \
        2>>"$OUT/harness.log")" || return 1
  local succeeded failed secs
  succeeded="$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' <<<"$out")"
  failed="$(sed -n 's/^requests: .* \([0-9]*\) failed.*/\1/p' <<<"$out")"
  secs="$(sed -n 's/^finished in \([0-9.]*\)s.*/\1/p' <<<"$out")"
  [ -n "$succeeded" ] && [ "${failed:-1}" = 0 ] || { log "  h2load: $(grep -E '^(requests|status codes):' <<<"$out" | tr '\n' ' ')"; return 1; }
  # Column 3 of the log: microseconds from request start to the end of the response.
  sort -n -k3,3 "$logf" | awk -v n="$succeeded" -v s="$secs" '
    { v[NR] = $3 }
    END {
      if (NR == 0) exit 1
      p50 = v[int(NR * 0.50) + 1]; p99 = v[int(NR * 0.99) + 1]; if (p99 == "") p99 = v[NR]
      printf "result requests=%d duration_s=%.3f rps=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f\n", n, s, n / s, p50, p99, v[NR]
    }'
}

# Client CPU time: user+sys of the children this shell has reaped, from the `times` builtin,
# which must run in this shell (a $(...) subshell has children of its own).
children_cpu_into() {
  times >"$SCRATCH/times"
  printf -v "$1" '%s' "$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/)
    printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$SCRATCH/times")"
}
client_cpu_begin() {
  children_cpu_into CLIENT_CPU_T0
  BUSY_T0="$(machine_busy_ticks)"
}
client_cpu_end() {
  local t1
  children_cpu_into t1
  CLIENT_CPU_S="$(awk -v a="$CLIENT_CPU_T0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')"
  BUSY_TICKS=$(( $(machine_busy_ticks) - BUSY_T0 ))
}
