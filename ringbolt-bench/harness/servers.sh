# Server definitions of the harness: how each contender is started, probed and stopped.
# Sourced by bench.sh. Every server runs pinned to SERVER_CPU with one event loop / reactor /
# worker; every JVM gets the same heap and GC flags (JVM_COMMON).

JVM_COMMON=(-Xms512m -Xmx512m -XX:+UseParallelGC)
# What Ringbolt's launcher passes, nothing more.
RINGBOLT_FLAGS=(--enable-native-access=io.ringbolt.core,com.aayushatharva.brotli4j)
# Netty at its best on JDK 25: Unsafe allowed, the direct-buffer constructor reachable, leak
# detection (a per-allocation sampling cost) off, as in tuned production deployments.
NETTY_FLAGS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true -Dio.netty.leakDetection.level=disabled)

ECHO_SERVERS_ALL=(ringbolt-io_uring ringbolt-nio netty-io_uring netty-epoll netty-nio)
HTTP_SERVERS_ALL=(ringbolt-io_uring ringbolt-nio netty-io_uring netty-epoll netty-nio nginx c-epoll)
# HTTPS: the same servers behind TLS (Ringbolt and Netty on the JDK's SSLEngine, nginx on
# OpenSSL), with the certificate the tls profile makes (TLS_CERT, TLS_KEY).
TLS_SERVERS_ALL=(ringbolt-io_uring+tls ringbolt-nio+tls netty-epoll+tls nginx+tls)
# HTTP/2 in cleartext with prior knowledge (h2load's default for http:// URLs): Ringbolt's
# ordinary port (it recognises the client preface), Netty's Http2FrameCodec + multiplex
# handler on its three transports, nginx with `listen ... http2`.
H2_SERVERS_ALL=(ringbolt-io_uring+h2c ringbolt-nio+h2c netty-io_uring+h2c netty-epoll+h2c netty-nio+h2c nginx+h2c)
# HTTP/2 over TLS, ALPN h2 (*+h2): Ringbolt's --h2-port, Netty with SslHandler on the JDK
# provider (as Ringbolt) and ALPN h2, nginx `listen ... ssl http2` on OpenSSL; the tls
# profile's kind of certificate (TLS_CERT, TLS_KEY).
H2TLS_SERVERS_ALL=(ringbolt-io_uring+h2 ringbolt-nio+h2 netty-io_uring+h2 netty-epoll+h2 netty-nio+h2 nginx+h2)

ringbolt_module_path() {
  echo "$ROOT/ringbolt-server/target/ringbolt-server-0.1.0-SNAPSHOT.jar:$ROOT/ringbolt-server/target/lib"
}
bench_class_path() {
  echo "$BENCH_DIR/target/classes:$BENCH_DIR/target/lib/*"
}

# server_cmd KIND NAME PORT: sets SERVER_CMD (an array) for KIND echo|http|udp.
server_cmd() {
  local kind="$1" name="${2%+tls}" port="$3" tls=() h2c=0 h2tls=0 data=()
  local pin=(taskset -c "$SERVER_CPU")
  [ "$name" != "$2" ] && tls=(--tls-cert "$TLS_CERT" --tls-key "$TLS_KEY")
  if [[ "$name" == *+h2c ]]; then name="${name%+h2c}"; h2c=1; fi
  # *+h2: HTTP/2 over TLS (ALPN h2) on PORT.
  if [[ "$name" == *+h2 ]]; then name="${name%+h2}"; h2tls=1; tls=(--tls-cert "$TLS_CERT" --tls-key "$TLS_KEY"); fi
  # The h2 profile's /static scenarios: every server serves the same directory (ARENA_STATIC).
  [ -n "${ARENA_STATIC:-}" ] && data=(--data-dir "$(dirname "$ARENA_STATIC")")
  case "$name" in
    ringbolt-*)
      local backend="${name#ringbolt-}" sub=echo udp=()
      [ "$kind" = http ] && sub=serve
      # UDP: datagrams up to 2048 bytes, as Netty's default receive allocator takes.
      [ "$kind" = udp ] && sub=udp-echo && udp=(--max-datagram 2048)
      [ "$kind" = http ] && udp=("${data[@]}")
      local main_port="$port"
      # TLS h2 is Ringbolt's --h2-port (ALPN h2, http/1.1); --port then stays cleartext, elsewhere.
      if [ "$h2tls" = 1 ]; then main_port=$((port + 1000)); udp+=(--h2-port "$port"); fi
      SERVER_CMD=("${pin[@]}" "$JAVA_HOME/bin/java" "${JVM_COMMON[@]}" "${RINGBOLT_FLAGS[@]}" ${RINGBOLT_EXTRA_OPTS:-}
        -p "$(ringbolt_module_path)" -m io.ringbolt.server/io.ringbolt.server.Main
        "$sub" --host 127.0.0.1 --port "$main_port" --backend "$backend" --reactors 1 "${udp[@]}" "${tls[@]}") ;;
    netty-*)
      local transport="${name#netty-}" main=io.ringbolt.bench.peer.NettyEchoServer
      [ "$kind" = http ] && main=io.ringbolt.bench.peer.NettyHttpServer
      [ "$h2c" = 1 ] || [ "$h2tls" = 1 ] && main=io.ringbolt.bench.peer.NettyHttp2Server
      [ -n "${ARENA_STATIC:-}" ] && [ "$main" = io.ringbolt.bench.peer.NettyHttp2Server ] && tls+=(--static-dir "$ARENA_STATIC")
      [ "$kind" = udp ] && main=io.ringbolt.bench.peer.NettyUdpEchoServer
      SERVER_CMD=("${pin[@]}" "$JAVA_HOME/bin/java" "${JVM_COMMON[@]}" "${NETTY_FLAGS[@]}"
        -cp "$(bench_class_path)" "$main" --transport "$transport" --host 127.0.0.1 --port "$port" --threads 1 "${tls[@]}") ;;
    nginx)
      nginx_config "$port" "${#tls[@]}" "$((h2c + h2tls))"
      SERVER_CMD=("${pin[@]}" nginx -p "$SCRATCH/nginx-$port" -c "$SCRATCH/nginx-$port/nginx.conf") ;;
    c-epoll)
      local ceiling=http_ceiling
      [ "$kind" = echo ] && ceiling=echo_ceiling
      SERVER_CMD=("${pin[@]}" "$NATIVE/$ceiling" --port "$port") ;;
    *) die "unknown server '$name'" ;;
  esac
}

# nginx_config PORT [TLS] [H2]: writes a one-worker, no-master nginx config into the scratch
# dir; a non-zero TLS makes the listener HTTPS with the tls profile's certificate, H2=1 adds
# `http2` to the listener (h2c by prior knowledge, or ALPN h2 with TLS). /static/ serves
# ARENA_STATIC when set.
nginx_config() {
  local dir="$SCRATCH/nginx-$1" listen="" extra="" root="${ARENA_STATIC:-/nonexistent/static}"
  mkdir -p "$dir/logs" "$dir/tmp"
  if [ "${2:-0}" != 0 ]; then
    listen=" ssl"
    extra=" ssl_certificate $TLS_CERT; ssl_certificate_key $TLS_KEY; ssl_protocols TLSv1.2 TLSv1.3;"
  fi
  [ "${3:-0}" = 1 ] && listen+=" http2"
  sed -e "s#@PORT@ backlog=8192;#@PORT@ backlog=8192$listen;$extra#" -e "s#@PORT@#$1#g" -e "s#@DIR@#$dir#g" \
    -e "s#@STATIC@#$(dirname "$root")#g" "$HARNESS/nginx.conf.template" >"$dir/nginx.conf"
}

# probe KIND PORT: one request/echo. Returns 0 for a correct answer, 1 when nothing answers
# yet (refused, timed out), 2 when something answers wrongly (e.g. not HTTP at all).
probe() {
  local kind="$1" port="$2" body rc
  if [ "$kind" = echo ]; then
    "$NATIVE/echo_load" --probe --port "$port" >/dev/null 2>&1
    return $?
  fi
  if [ "$kind" = udp ]; then
    "$NATIVE/udp_load" --probe --port "$port" >/dev/null 2>&1 && return 0
    return 1
  fi
  local h2=()
  [ "${H2C:-0}" = 1 ] && h2=(--http2-prior-knowledge)
  [ "${H2C:-0}" = tls ] && h2=(--http2)
  body="$(curl -sk "${h2[@]}" --max-time 2 "${HTTP_SCHEME:-http}://127.0.0.1:$port/plaintext" 2>/dev/null)"
  rc=$?
  [ $rc = 0 ] && [ "$body" = "Hello, World!" ] && return 0
  case $rc in
    7|28|35|52|56) return 1 ;;   # refused, timeout, TLS not up yet, empty reply, reset: not ready yet
    *) PROBE_ANSWER="curl exit $rc, body '${body:0:60}'"; return 2 ;;
  esac
}

# start_server KIND NAME PORT: starts and waits until it answers. Sets SERVER_PID; returns 1
# with SERVER_FAIL set when the server exits or does not answer within READY_TIMEOUT_S.
start_server() {
  local kind="$1" name="$2" port="$3" i wrong=0
  local log="$OUT/logs/$kind-$name-r${ROUND:-0}.log"
  SERVER_FAIL=""
  mkdir -p "$OUT/logs"
  port_free "$port" || die "port $port is already in use; stop whatever listens there or set BENCH_PORT_BASE"
  server_cmd "$kind" "$name" "$port"
  echo "# ${SERVER_CMD[*]}" >"$log.cmd"
  start_bg "$log" "${SERVER_CMD[@]}"
  SERVER_PID=$BG_PID
  for ((i = 0; i < READY_TIMEOUT_S * 5; i++)); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID" 2>/dev/null
      SERVER_FAIL="exited at start-up: $(grep -v '^\s*$' "$log" | tail -1 | cut -c1-200)"
      stop_pid "$SERVER_PID"
      return 1
    fi
    probe "$kind" "$port"
    case $? in
      0) return 0 ;;
      2) wrong=$((wrong + 1))
         if [ "$wrong" -ge 3 ]; then
           SERVER_FAIL="answers on 127.0.0.1:$port, but not correctly for $kind ($PROBE_ANSWER)"
           stop_pid "$SERVER_PID"
           return 1
         fi ;;
    esac
    sleep 0.2
  done
  SERVER_FAIL="no correct answer on 127.0.0.1:$port within ${READY_TIMEOUT_S}s (log: $log)"
  stop_pid "$SERVER_PID"
  return 1
}
