# Profile "ops": what operating features cost per request. The same `ringbolt serve` (one
# reactor, pinned to SERVER_CPU) in five configurations, under the same wrk load as the http
# profile's plaintext scenario (/plaintext, HTTP_CONNS keep-alive connections, wrk on CLIENT_CPU):
#   metrics-off         --metrics off: no per-request HTTP metrics, no GET /metrics
#   metrics-on          the default: requests by method x status class, duration histogram, in-flight
#   metrics-on+scrape   metrics on, and a scraper (curl on CLIENT_CPU) GETs /metrics every OPS_SCRAPE_S
#   access-log          metrics on + --access-log FILE (combined format), FILE on /dev/shm (or the scratch dir)
#   access-log-json     the same with --access-log-format json
# Servers start once per backend and stay up, idle, while the others are measured; rounds are
# interleaved and each round starts with a different configuration. Primary figure: server CPU
# µs per request (utime+stime of the whole process, access-log writer thread included).
# Afterwards, on io_uring, heap bytes per request with metrics on, without and with the scraper
# (AllocProbe, as the alloc profile), written as profile=ops-alloc.
# Sourced by bench.sh; uses http.sh (http_window, http_load) and common.sh.

OPS_VARIANTS=(metrics-off metrics-on metrics-on+scrape access-log access-log-json)
OPS_BACKENDS_ALL=(ringbolt-io_uring ringbolt-nio)
OPS_SCRAPE_S="${OPS_SCRAPE_S:-1}"

# ops_env VARIANT FILE: the RINGBOLT_* settings (ConfigDefaults: same as the flags) of a variant.
ops_env() {
  case "$1" in
    metrics-off) echo "RINGBOLT_METRICS=off" ;;
    metrics-on|metrics-on+scrape) echo "RINGBOLT_METRICS=on" ;;
    access-log) echo "RINGBOLT_METRICS=on RINGBOLT_ACCESS_LOG=$2 RINGBOLT_ACCESS_LOG_FORMAT=combined" ;;
    access-log-json) echo "RINGBOLT_METRICS=on RINGBOLT_ACCESS_LOG=$2 RINGBOLT_ACCESS_LOG_FORMAT=json" ;;
    *) die "ops: unknown variant '$1'" ;;
  esac
}

# run_ops_profile SERVER...: every variant on each backend (ringbolt-io_uring, ringbolt-nio; default both).
run_ops_profile() {
  local backends=("$@") backend
  [ ${#backends[@]} -gt 0 ] || backends=("${OPS_BACKENDS_ALL[@]}")
  command -v wrk >/dev/null || { warn "wrk not found (apt-get install wrk): ops profile skipped"; echo "profile=ops status=skipped reason=wrk not installed" >>"$RESULTS"; return 0; }
  command -v curl >/dev/null || { warn "curl not found (apt-get install curl): ops profile skipped"; echo "profile=ops status=skipped reason=curl not installed" >>"$RESULTS"; return 0; }
  OPS_LOG_DIR="$SCRATCH"
  [ -d /dev/shm ] && [ -w /dev/shm ] && OPS_LOG_DIR="$(mktemp -d /dev/shm/ringbolt-ops.XXXXXX)"
  HTTP_SCHEME=http; H2C=0
  for backend in "${backends[@]}"; do
    ops_backend "${backend#ringbolt-}"
  done
  [[ "$OPS_LOG_DIR" == /dev/shm/* ]] && rm -rf "$OPS_LOG_DIR"
  return 0
}

# ops_backend BACKEND: starts the five servers, warms them up, measures OPS_ROUNDS interleaved
# rounds, then (io_uring) the allocation check; stops them.
ops_backend() {
  local backend="$1" name="ringbolt-$1" i v port round k env_line
  declare -A pid_of=() port_of=() logfile_of=()
  log "ops ($backend): variants=${OPS_VARIANTS[*]} rounds=$OPS_ROUNDS window=${HTTP_DURATION_S}s connections=$HTTP_CONNS"
  for i in "${!OPS_VARIANTS[@]}"; do
    v="${OPS_VARIANTS[$i]}"
    port=$((PORT_BASE + 60 + i))
    logfile_of[$v]="$OPS_LOG_DIR/access-$backend-$v.log"
    env_line="$(ops_env "$v" "${logfile_of[$v]}")"
    step "ops: start $name ($v) on :$port"
    # The variant's settings travel as RINGBOLT_* variables (the server reads them like flags);
    # ROUND names the log file after the variant.
    ROUND="1-$v"
    if ! ops_start "$env_line" "$name" "$port"; then
      warn "ops: $name ($v) unavailable: $SERVER_FAIL"
      echo "profile=ops backend=$backend server=$v status=unavailable reason=$SERVER_FAIL" >>"$RESULTS"
      continue
    fi
    echo "# variant $v: $env_line" >>"$OUT/logs/http-$name-r$ROUND.log.cmd"
    pid_of[$v]=$SERVER_PID
    port_of[$v]=$port
  done
  for ((round = 1; round <= OPS_ROUNDS; round++)); do
    ROUND=$round
    for ((k = 0; k < ${#OPS_VARIANTS[@]}; k++)); do
      # Each round starts one configuration later, so none is always measured first.
      v="${OPS_VARIANTS[$(( (k + round - 1) % ${#OPS_VARIANTS[@]} ))]}"
      [ -n "${pid_of[$v]:-}" ] || continue
      SERVER_PID=${pid_of[$v]}
      port=${port_of[$v]}
      kill -0 "$SERVER_PID" 2>/dev/null || die "ops: $name ($v) died while idle (log: $OUT/logs/http-$name-r1-$v.log)"
      wait_quiet "$QUIET_WAIT_S"
      if [ "$round" = 1 ]; then
        step "ops round 1/$OPS_ROUNDS: $name ($v) JIT warm-up"
        ops_with_scraper "$v" "$port" steady_warmup http "$port" plaintext "$HTTP_JIT_MIN_S" "$HTTP_JIT_MAX_S" \
          || die "ops: $name ($v) failed during warm-up"
        log "  warm-up: ${WARMUP_S}s"
      fi
      step "ops round $round/$OPS_ROUNDS: $name ($v)"
      ops_measure "$backend" "$v" "$port" "$round" "${logfile_of[$v]}" || die "ops: $name ($v) failed"
      kill -0 "$SERVER_PID" 2>/dev/null || die "ops: $name ($v) died during the window"
    done
  done
  if [ "$backend" = io_uring ]; then
    for v in metrics-on metrics-on+scrape; do
      [ -n "${pid_of[$v]:-}" ] || continue
      SERVER_PID=${pid_of[$v]}
      step "ops alloc: $name ($v)"
      ops_alloc "$backend" "$v" "${port_of[$v]}"
    done
  fi
  for v in "${OPS_VARIANTS[@]}"; do
    [ -n "${pid_of[$v]:-}" ] || continue
    step "ops: stop $name ($v)"
    stop_pid "${pid_of[$v]}"
  done
}

# ops_start ENV_LINE NAME PORT: start_server with the variant's RINGBOLT_* variables exported.
ops_start() {
  local env_line="$1" kv_pair rc
  local -a names=()
  for kv_pair in $env_line; do
    export "${kv_pair?}"
    names+=("${kv_pair%%=*}")
  done
  # As the launcher runs it: every module on the path resolved, so Micrometer is there and
  # GET /metrics exists (bench.sh's own command line leaves optional modules out).
  local saved_extra="${RINGBOLT_EXTRA_OPTS:-}"
  RINGBOLT_EXTRA_OPTS="$saved_extra --add-modules ALL-MODULE-PATH"
  start_server http "$2" "$3"; rc=$?
  RINGBOLT_EXTRA_OPTS="$saved_extra"
  for kv_pair in "${names[@]}"; do unset "$kv_pair"; done
  return $rc
}

# ops_with_scraper VARIANT PORT CMD...: runs CMD, with the /metrics scraper alongside for the
# scrape variant. Sets SCRAPES to the scrapes answered 200 and SCRAPE_FAILS to the others.
ops_with_scraper() {
  local v="$1" port="$2" rc scraper="" codes="$SCRATCH/scrapes-$port"; shift 2
  SCRAPES=0; SCRAPE_FAILS=0
  if [ "$v" = metrics-on+scrape ]; then
    : >"$codes"
    taskset -c "$CLIENT_CPU" bash -c 'while :; do
        curl -s -o /dev/null --max-time 5 -w "%{http_code}\n" "http://127.0.0.1:$1/metrics" >>"$2"; sleep "$3"; done' \
      ops-scraper "$port" "$codes" "$OPS_SCRAPE_S" >/dev/null 2>&1 &
    scraper=$!
    STARTED_PIDS+=("$scraper")
  fi
  "$@"; rc=$?
  if [ -n "$scraper" ]; then
    stop_pid "$scraper" 1
    SCRAPES="$(grep -c '^200$' "$codes")"
    SCRAPE_FAILS="$(grep -vc '^200$' "$codes")"
  fi
  return $rc
}

# ops_measure BACKEND VARIANT PORT ROUND ACCESS_LOG: one window (a second one when noisy), as the
# http profile's http_measure; appends a profile=ops line with the access log's lines in the window.
ops_measure() {
  local backend="$1" v="$2" port="$3" round="$4" logfile="$5" first extra
  : >"$logfile" 2>/dev/null   # the writer appends (O_APPEND), so truncating keeps it bounded and valid
  ops_with_scraper "$v" "$port" http_window plaintext "$port" || return 1
  extra=" scrapes=$SCRAPES scrape_failures=$SCRAPE_FAILS"
  if noisy "$SAMPLE"; then
    log "  noisy window ($(kv other_cpu_pct "$SAMPLE")% of a CPU used by other processes); measuring once more"
    first="$SAMPLE$extra"
    wait_quiet "$QUIET_WAIT_S"
    QUIET_BUDGET_S=$((QUIET_BUDGET_S - HTTP_DURATION_S))
    : >"$logfile" 2>/dev/null
    ops_with_scraper "$v" "$port" http_window plaintext "$port" || return 1
    SAMPLE="$(quieter "$first" "$SAMPLE scrapes=$SCRAPES scrape_failures=$SCRAPE_FAILS")"
  else
    SAMPLE+="$extra"
  fi
  if [[ "$v" == access-log* ]]; then
    sleep 0.3   # the writer drains its queue off the reactor
    SAMPLE+=" log_lines=$(wc -l <"$logfile" 2>/dev/null || echo 0)"
  fi
  [ "$(kv scrape_failures "$SAMPLE")" = 0 ] || warn "ops: $v: $(kv scrape_failures "$SAMPLE") scrapes of /metrics did not answer 200"
  log "  $v: $SAMPLE"
  echo "profile=ops backend=$backend server=$v round=$round $SAMPLE" >>"$RESULTS"
}

# ops_alloc BACKEND VARIANT PORT: heap bytes per /plaintext request in steady state (AllocProbe
# around a wrk run, as the alloc profile), with the scraper running for the scrape variant.
ops_alloc() {
  local backend="$1" v="$2" port="$3" out rate bytes window ops limit dur
  dur="$(awk -v s="$ALLOC_SKIP_S" -v w="$ALLOC_WINDOW_S" 'BEGIN {printf "%d", s + w + 1.999}')"
  limit=$((dur + 45))
  cat "$HARNESS/wrk/get.lua" "$HARNESS/wrk/report.lua" >"$SCRATCH/ops-alloc.lua"
  ops_with_scraper "$v" "$port" ops_alloc_run "$dur" "$limit" "$port"
  out="$OPS_ALLOC_OUT"
  rate="$(kv rps "$(grep '^result ' <<<"$out")")"
  bytes="$(kv alloc_bytes "$(grep '^alloc ' <<<"$out")")"
  window="$(kv window_s "$(grep '^alloc ' <<<"$out")")"
  if [ -z "$rate" ] || [ -z "$bytes" ] || [ -z "$window" ]; then
    warn "ops alloc: no counts from $v ($(tr '\n' ' ' <<<"$out" | cut -c1-300))"
    echo "profile=ops-alloc backend=$backend server=$v status=unavailable reason=no counts from AllocProbe" >>"$RESULTS"
    return 0
  fi
  ops="$(awk -v r="$rate" -v w="$window" 'BEGIN {printf "%d", r * w}')"
  local per_op; per_op="$(awk -v b="$bytes" -v n="$ops" 'BEGIN {printf "%.1f", (n > 0 ? b / n : -1)}')"
  local top; top="$(grep '^alloc ' <<<"$out")"
  log "  $v: $per_op bytes per request ($bytes bytes in ${window}s / ~$ops requests; scrapes during the run: $SCRAPES)"
  echo "profile=ops-alloc backend=$backend server=$v ops=$ops alloc_bytes=$bytes window_s=$window bytes_per_op=$per_op scrapes=$SCRAPES top_thread=$(kv top_thread "$top")" >>"$RESULTS"
}

# ops_alloc_run DURATION_S LIMIT_S PORT: AllocProbe around wrk; sets OPS_ALLOC_OUT.
ops_alloc_run() {
  OPS_ALLOC_OUT="$(timeout --kill-after=5 "$2" taskset -c "$CLIENT_CPU" "$JAVA_HOME/bin/java" -Xshare:auto -XX:TieredStopAtLevel=1 \
        -cp "$(bench_class_path)" io.ringbolt.bench.tools.AllocProbe "$SERVER_PID" \
        --skip "$ALLOC_SKIP_S" --window "$ALLOC_WINDOW_S" -- \
        wrk -t1 -c"$HTTP_CONNS" -d"${1}s" -s "$SCRATCH/ops-alloc.lua" "http://127.0.0.1:$3/plaintext" 2>>"$OUT/harness.log")"
}
