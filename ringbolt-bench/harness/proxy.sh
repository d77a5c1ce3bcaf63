# Profile "proxy": a TCP proxy between wrk and a fixed HTTP backend. The contenders are the
# proxy: Ringbolt's `proxy` command (one reactor, io_uring and nio), HAProxy (`mode tcp`,
# `nbthread 1`) and nginx's `stream` module (one worker, no master), each pinned to the server
# CPU. The backend is the same for all: nginx answering /plaintext with a constant (one worker,
# no master), pinned to the client CPU together with wrk, started once. Primary figure: the
# proxy's CPU µs per proxied request (its utime+stime over the window / responses wrk counted).
# Rounds interleave the proxies, which stay up between rounds (as many as the http profile's).
# Part of the full run; alone: `./ringbolt bench proxy`.

PROXY_SERVERS_ALL=(ringbolt-io_uring ringbolt-nio haproxy nginx-stream)
PROXY_CONNS=64

run_proxy_profile() {
  local servers=("$@") round name i port backend_port backend_pid sc=plaintext
  [ ${#servers[@]} -gt 0 ] || servers=("${PROXY_SERVERS_ALL[@]}")
  declare -A unavailable=() pid_of=() port_of=() jit_of=()
  command -v wrk >/dev/null || { warn "wrk not found (apt-get install wrk): proxy profile skipped"; echo "profile=proxy status=skipped reason=wrk not installed" >>"$RESULTS"; return 0; }
  command -v nginx >/dev/null || { warn "nginx not found (apt-get install nginx): proxy profile skipped"; echo "profile=proxy status=skipped reason=nginx not installed" >>"$RESULTS"; return 0; }
  log "proxy: servers=${servers[*]} rounds=$HTTP_ROUNDS window=${HTTP_DURATION_S}s connections=$PROXY_CONNS"
  ROUND=1
  HTTP_SCHEME=http
  backend_port=$((PORT_BASE + 60))
  step "proxy: start the backend (nginx /plaintext, pinned to CPU $CLIENT_CPU) on :$backend_port"
  local saved_cpu="$SERVER_CPU"
  SERVER_CPU="$CLIENT_CPU"
  start_server http nginx "$backend_port" || die "proxy: the backend did not start: $SERVER_FAIL"
  SERVER_CPU="$saved_cpu"
  backend_pid=$SERVER_PID
  for i in "${!servers[@]}"; do
    name="${servers[$i]}"
    port=$((PORT_BASE + 61 + i))
    step "proxy: start $name on :$port"
    if ! start_proxy "$name" "$port" "$backend_port"; then
      warn "proxy: $name unavailable: $SERVER_FAIL"
      unavailable[$name]=1
      echo "profile=proxy server=$name status=unavailable reason=$SERVER_FAIL" >>"$RESULTS"
      continue
    fi
    pid_of[$name]=$SERVER_PID
    port_of[$name]=$port
  done
  local saved_conns="$HTTP_CONNS"
  HTTP_CONNS=$PROXY_CONNS
  for ((round = 1; round <= HTTP_ROUNDS; round++)); do
    ROUND=$round
    for name in "${servers[@]}"; do
      [ -z "${unavailable[$name]:-}" ] || continue
      SERVER_PID=${pid_of[$name]}
      port=${port_of[$name]}
      kill -0 "$SERVER_PID" 2>/dev/null || die "proxy: $name died while idle"
      wait_quiet "$QUIET_WAIT_S"
      if [ "$round" = 1 ]; then
        jit_of[$name]=0
        if [[ "$name" == ringbolt-* ]]; then
          step "proxy round 1/$HTTP_ROUNDS: $name JIT warm-up"
          steady_warmup http "$port" plaintext "$HTTP_JIT_MIN_S" "$HTTP_JIT_MAX_S" || die "proxy: $name failed during warm-up"
          jit_of[$name]=$WARMUP_S
          log "  warm-up: ${WARMUP_S}s"
        fi
      fi
      step "proxy round $round/$HTTP_ROUNDS: $name"
      http_window "$sc" "$port" || die "proxy: wrk through $name failed"
      SAMPLE+=" jit_warmup_s=${jit_of[$name]}"
      log "  $SAMPLE"
      echo "profile=proxy server=$name round=$round $SAMPLE" >>"$RESULTS"
      kill -0 "$SERVER_PID" 2>/dev/null || die "proxy: $name died during the run"
      kill -0 "$backend_pid" 2>/dev/null || die "proxy: the backend died during the run"
    done
  done
  HTTP_CONNS="$saved_conns"
  for name in "${servers[@]}"; do
    [ -n "${pid_of[$name]:-}" ] || continue
    step "proxy: stop $name"
    stop_pid "${pid_of[$name]}"
  done
  step "proxy: stop the backend"
  stop_pid "$backend_pid"
}

# start_proxy NAME PORT BACKEND_PORT: starts the proxy pinned to SERVER_CPU and waits until
# /plaintext answers through it. Sets SERVER_PID; returns 1 with SERVER_FAIL set otherwise.
start_proxy() {
  local name="$1" port="$2" upstream="127.0.0.1:$3" i dir="$SCRATCH/proxy-$2" cmd=()
  local log="$OUT/logs/proxy-$name.log" pin=(taskset -c "$SERVER_CPU")
  SERVER_FAIL=""
  mkdir -p "$OUT/logs" "$dir/logs"
  port_free "$port" || die "port $port is already in use; stop whatever listens there or set BENCH_PORT_BASE"
  case "$name" in
    ringbolt-*)
      cmd=("${pin[@]}" "$JAVA_HOME/bin/java" "${JVM_COMMON[@]}" "${RINGBOLT_FLAGS[@]}" ${RINGBOLT_EXTRA_OPTS:-}
        -p "$(ringbolt_module_path)" -m io.ringbolt.server/io.ringbolt.server.Main
        proxy --host 127.0.0.1 --port "$port" --backend "${name#ringbolt-}" --reactors 1 --upstream "$upstream") ;;
    haproxy)
      command -v haproxy >/dev/null || { SERVER_FAIL="haproxy not installed (apt-get install haproxy)"; return 1; }
      cat >"$dir/haproxy.cfg" <<CFG
global
    nbthread 1
    maxconn 8000
defaults
    mode tcp
    timeout connect 5s
    timeout client 300s
    timeout server 300s
listen proxy
    bind 127.0.0.1:$port
    server backend $upstream
CFG
      cmd=("${pin[@]}" haproxy -db -f "$dir/haproxy.cfg") ;;
    nginx-stream)
      local module=/usr/lib/nginx/modules/ngx_stream_module.so load=""
      if ! nginx -V 2>&1 | grep -q -- '--with-stream\b\|--with-stream '; then
        SERVER_FAIL="nginx has no stream module"; return 1
      fi
      nginx -V 2>&1 | grep -q -- '--with-stream=dynamic' && load="load_module $module;"
      if [ -n "$load" ] && [ ! -f "$module" ]; then
        SERVER_FAIL="nginx's stream module is not installed (apt-get install libnginx-mod-stream)"; return 1
      fi
      cat >"$dir/nginx.conf" <<CFG
$load
daemon off;
master_process off;
worker_processes 1;
error_log $dir/logs/error.log warn;
pid $dir/nginx.pid;
worker_rlimit_nofile 200000;
events {
    worker_connections 65536;
    use epoll;
    multi_accept on;
}
stream {
    server {
        listen 127.0.0.1:$port backlog=8192;
        proxy_pass $upstream;
        tcp_nodelay on;
    }
}
CFG
      cmd=("${pin[@]}" nginx -p "$dir" -c "$dir/nginx.conf") ;;
    *) die "unknown proxy '$name'" ;;
  esac
  echo "# ${cmd[*]}" >"$log.cmd"
  start_bg "$log" "${cmd[@]}"
  SERVER_PID=$BG_PID
  for ((i = 0; i < READY_TIMEOUT_S * 5; i++)); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID" 2>/dev/null
      SERVER_FAIL="exited at start-up: $(grep -v '^\s*$' "$log" | tail -1 | cut -c1-200)"
      stop_pid "$SERVER_PID"
      return 1
    fi
    probe http "$port" && return 0
    sleep 0.2
  done
  SERVER_FAIL="no answer through 127.0.0.1:$port within ${READY_TIMEOUT_S}s (log: $log)"
  stop_pid "$SERVER_PID"
  return 1
}
