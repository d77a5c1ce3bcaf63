#!/usr/bin/env bash
# Ringbolt side-by-side benchmark harness (run through `./ringbolt bench`, which builds first).
#
#   ./ringbolt bench [--quick] [PROFILE...] [options]
#
# Profiles (default: all; with --quick: echo and http): echo, http, memory, alloc, jmh, proxy.
#   echo    TCP echo round trips/s and server CPU per round trip at 1, 64 and 512 connections:
#           ringbolt io_uring/nio against Netty 4.2 io_uring/epoll/nio
#   http    wrk/h2load scenarios against Ringbolt serve, Netty HTTP, nginx and a C epoll ceiling
#   memory  server RSS with 10,000 and 50,000 idle keep-alive connections
#   alloc   Ringbolt heap allocation per request in steady state
#   jmh     JMH micro-benchmarks of the engine's building blocks
#   tls     HTTPS /plaintext keep-alive and churn (a TLS handshake every 10 requests): Ringbolt
#           on both backends and Netty epoll, all on the JDK's SSLEngine, and nginx on OpenSSL
#           (not part of the default run: `./ringbolt bench tls`)
#   resilience  bounded attacks (partial bodies, headers-only floods, a pipeliner that never
#           reads, slow bodies, bad Content-Type, EMFILE) on a fresh `ringbolt serve` per
#           scenario, with a canary's success rate, peak/after RSS and liveness; both backends
#           (not part of the default run: `./ringbolt bench resilience`; options for
#           resilience/run.sh go in RESILIENCE_ARGS, the server's heap in RINGBOLT_JAVA_OPTS)
#   h2      HTTP/2 with h2load, 64 connections x 1 stream and 8 connections x 100 concurrent
#           streams: h2c (prior knowledge) on /plaintext and on a /static file, and h2 over TLS
#           (ALPN) on /plaintext; Ringbolt on both backends against Netty's Http2FrameCodec +
#           multiplex handler on its three transports and nginx http2. JVMs are warmed up until
#           their JIT is quiet (not part of the default run: `./ringbolt bench h2`)
#   connect outbound connects/s and client CPU per connect: Ringbolt's Engine.connect on
#           io_uring/nio against Netty 4.2's Bootstrap on io_uring/epoll/nio, 1 and 64 connects
#           in flight, against one fixed server (a C epoll echo server; CONNECT_SERVER=netty-epoll
#           for Netty's) (not part of the default run:
#           `./ringbolt bench connect`)
#   udp     UDP echo datagrams/s and server CPU per datagram, 64-byte datagrams, 1 and 64
#           client sockets (C client): ringbolt udp-echo io_uring/nio against Netty 4.2's
#           DatagramChannel on io_uring/epoll/nio (not part of the default run: `./ringbolt bench udp`)
#   ws      WebSocket echo of 5-byte text messages over 256 connections, 1 in flight and
#           pipelined 16 deep (ws_load, C): messages/s and server CPU µs per message, Ringbolt
#           serve /ws on io_uring/nio against Netty 4.2's WebSocketServerProtocolHandler on
#           io_uring/epoll/nio; then a broadcast fan-out of one message to 10,000 connections on
#           /chat (Netty: ChannelGroup): time to deliver and server CPU per broadcast (not part
#           of the default run: `./ringbolt bench ws`)
#   proxy   server CPU µs per proxied request: wrk through a TCP proxy to a fixed nginx backend,
#           Ringbolt's `proxy` (io_uring, nio) against HAProxy (mode tcp, nbthread 1) and
#           nginx's stream module (1 worker), all pinned to CPU 0; backend and wrk on CPU 1
#   ops     cost of operating features: server CPU µs per /plaintext request (wrk, the http
#           profile's connections) of `ringbolt serve` with --metrics off, metrics on (default),
#           metrics on with GET /metrics scraped every second, and --access-log to a file in
#           combined and JSON format; io_uring and nio, interleaved rounds; then heap bytes per
#           request with metrics on, without and with the scraper (io_uring). Not part of the
#           default run: `./ringbolt bench ops`; a full-length run of it (no --quick, no
#           --servers) keeps its section in ringbolt-bench/harness/OPS_RESULTS.md, which full
#           runs put into BENCHMARKS.md (--servers ringbolt-io_uring picks one backend).
# Options:
#   --quick              short windows and fewer scenarios (the whole run stays under 3 minutes)
#   --rounds N           interleaved rounds (default 3)
#   --servers a,b,...    restrict the contenders (names as in the result tables)
#   --out DIR            results directory (default bench-results/<timestamp>)
#   --no-doc             do not rewrite BENCHMARKS.md and docs/benchmarks/*.png (full runs
#                        rewrite them; quick runs, runs of chosen profiles and runs with
#                        --servers never do)
# Environment: BENCH_PORT_BASE (default 19100), BENCH_SERVER_CPU (0), BENCH_CLIENT_CPU (1),
#   BENCH_ECHO_CONNS (echo connection counts, default "1 64 512"),
#   JMH_FILTER (a JMH benchmark regexp, default io.ringbolt.bench.jmh).
#
# Every process started here is pinned, bounded by a timeout and stopped on exit; all load
# targets 127.0.0.1.
set -uo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
HARNESS="$BENCH_DIR/harness"
NATIVE="$BENCH_DIR/target/native"
cd "$ROOT"

QUICK=0; ROUNDS=""; HTTP_ROUNDS_OVERRIDE=""; SERVERS_CSV=""; OUT=""; WRITE_DOC=1
PROFILES=()
ORIGINAL_ARGS="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --rounds) ROUNDS="$2"; HTTP_ROUNDS_OVERRIDE="$2"; shift ;;
    --servers) SERVERS_CSV="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --no-doc) WRITE_DOC=0 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    echo|http|memory|alloc|jmh|tls|resilience|connect|udp|h2|proxy) PROFILES+=("$1") ;;
    ws) PROFILES+=("$1") ;;   # ws profile (issue #13)
    ops) PROFILES+=("$1") ;;   # ops profile (#15)
    *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
# Only a full run (every default profile, every server) describes the product in BENCHMARKS.md.
if [ ${#PROFILES[@]} -gt 0 ] || [ -n "$SERVERS_CSV" ]; then WRITE_DOC=0; fi
if [ ${#PROFILES[@]} -eq 0 ]; then
  if [ "$QUICK" = 1 ]; then PROFILES=(echo http); else PROFILES=(echo http memory alloc jmh proxy); fi
fi
[ "$QUICK" = 1 ] && WRITE_DOC=0

STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="${OUT:-$ROOT/bench-results/$STAMP}"
mkdir -p "$OUT"
RESULTS="$OUT/results.txt"
: >"$RESULTS"
SCRATCH="$(mktemp -d /tmp/ringbolt-bench.XXXXXX)"

source "$HARNESS/common.sh"
source "$HARNESS/servers.sh"
source "$HARNESS/echo.sh"
source "$HARNESS/http.sh"
source "$HARNESS/memory.sh"
source "$HARNESS/alloc.sh"
source "$HARNESS/jmh.sh"
source "$HARNESS/connect.sh"
source "$HARNESS/udp.sh"
source "$HARNESS/proxy.sh"
source "$HARNESS/ws.sh"   # ws profile (issue #13)
source "$HARNESS/ops.sh"   # ops profile (#15)
install_traps

# ---- settings -----------------------------------------------------------------------------
PORT_BASE="${BENCH_PORT_BASE:-19100}"
SERVER_CPU="${BENCH_SERVER_CPU:-0}"
CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"
READY_TIMEOUT_S=20
QUIET_PCT=25
NOISE_RETRY_PCT=20
read -r -a ECHO_CONNS <<<"${BENCH_ECHO_CONNS:-1 64 512}"
CONNECT_CONCURRENCY=(1 64)
ECHO_SIZE=64
HTTP_CONNS=256
HTTP_PIPELINE_DEPTH=16
HTTP_RATE=20000
MEMORY_CONNS=(10000 50000)
ALLOC_SKIP_S=1
ALLOC_WINDOW_S=2
# Warm-ups run 1-second windows until the server's CPU per operation changes by less than
# STEADY_PCT between two windows (harness/common.sh steady_warmup), within these bounds.
STEADY_PCT=15
if [ "$QUICK" = 1 ]; then
  # Quick: no waiting for a quiet machine and no second tries; noise is still reported.
  ECHO_ROUNDS="${ROUNDS:-3}"; QUIET_WAIT_S=0; QUIET_BUDGET_S=0
  ECHO_JIT_MIN_S=2; ECHO_JIT_MAX_S=2; ECHO_WARMUP_S=0.2; ECHO_DURATION_S=0.8
  HTTP_ROUNDS="${HTTP_ROUNDS_OVERRIDE:-1}"; HTTP_JIT_MIN_S=2; HTTP_JIT_MAX_S=2; HTTP_SCENARIO_MAX_WARMUP_S=0; HTTP_DURATION_S=2
  HTTP_SCENARIOS=(plaintext pipeline)
  MEMORY_MAX_WARMUP_S=3; ALLOC_MAX_WARMUP_S=4
  JMH_WARMUP_ITERS=1; JMH_ITERS=2; JMH_ITER_TIME=1s
  CONNECT_ROUNDS="${ROUNDS:-1}"; CONNECT_WARMUP_S=2; CONNECT_DURATION_S=1
  UDP_ROUNDS="${ROUNDS:-1}"; UDP_JIT_S=2; UDP_WARMUP_S=0.3; UDP_DURATION_S=1
  OPS_ROUNDS="${ROUNDS:-1}"   # ops profile (#15)
else
  # Echo: five rounds of 2-second windows on servers that stay up (one connection is
  # wake-up bound and noisy on a shared VM, so more rounds buy a steadier median).
  ECHO_ROUNDS="${ROUNDS:-5}"; QUIET_WAIT_S=10; QUIET_BUDGET_S=45
  ECHO_JIT_MIN_S=3; ECHO_JIT_MAX_S=8; ECHO_WARMUP_S=0.5; ECHO_DURATION_S=2
  # Three HTTP rounds (7 servers x 6 scenarios each) fit the 20-minute budget with 2-second
  # windows because the servers stay up between rounds (warmed once, in round 1). Netty's JVMs
  # need up to ~10 s of plaintext and a few seconds per scenario to reach steady state.
  HTTP_ROUNDS="${HTTP_ROUNDS_OVERRIDE:-3}"; HTTP_JIT_MIN_S=3; HTTP_JIT_MAX_S=12; HTTP_SCENARIO_MAX_WARMUP_S=5; HTTP_DURATION_S=2
  HTTP_SCENARIOS=("${HTTP_SCENARIOS_ALL[@]}")
  MEMORY_MAX_WARMUP_S=3; ALLOC_MAX_WARMUP_S=5
  JMH_WARMUP_ITERS=1; JMH_ITERS=3; JMH_ITER_TIME=1s
  CONNECT_ROUNDS="${ROUNDS:-3}"; CONNECT_WARMUP_S=4; CONNECT_DURATION_S=3
  # udp profile (#12): one server's µs/datagram moves by 30 % between rounds on this kind of
  # machine (the batch a wakeup finds swings with timing), so 3 rounds let the ranking flip.
  UDP_ROUNDS="${ROUNDS:-7}"; UDP_JIT_S=4; UDP_WARMUP_S=0.5; UDP_DURATION_S=2
  # ops profile (#15): differences of a few % need more rounds than the comparisons do.
  OPS_ROUNDS="${ROUNDS:-5}"
fi
IFS=, read -r -a SERVER_FILTER <<<"$SERVERS_CSV"

# filter_servers NAME...: the names that pass --servers (all when it is absent).
filter_servers() {
  local n f
  for n in "$@"; do
    if [ ${#SERVER_FILTER[@]} -eq 0 ]; then echo "$n"; continue; fi
    for f in "${SERVER_FILTER[@]}"; do [ "$f" = "$n" ] && echo "$n"; done
  done
}

# ---- preflight ----------------------------------------------------------------------------
step "preflight"
command -v taskset >/dev/null || die "taskset not found (apt-get install util-linux)"
command -v gcc >/dev/null || die "gcc not found (apt-get install gcc)"
[ "$(nproc --all)" -ge 2 ] || die "needs at least 2 CPUs (server on CPU $SERVER_CPU, client on CPU $CLIENT_CPU)"
[ -x "$JAVA_HOME/bin/java" ] || die "JAVA_HOME=$JAVA_HOME has no bin/java (run through ./ringbolt bench)"
[ -d "$BENCH_DIR/target/classes" ] && [ -d "$BENCH_DIR/target/lib" ] \
  || die "ringbolt-bench is not built (run ./ringbolt bench, or mvn -DskipTests package)"

# Load generators and peers come from Debian's packages; install what the chosen profiles need
# and this machine lacks (as root, without starting any service the packages bring).
ensure_packages() {
  local want=() p tool
  for p in "${PROFILES[@]}"; do
    case "$p" in
      http) want+=(wrk:wrk nginx:nginx h2load:nghttp2-client curl:curl) ;;
      h2) want+=(nginx:nginx h2load:nghttp2-client curl:curl) ;;
      tls) want+=(wrk:wrk nginx:nginx openssl:openssl curl:curl) ;;
      memory) want+=(nginx:nginx curl:curl) ;;
      alloc) want+=(wrk:wrk curl:curl) ;;
      ops) want+=(wrk:wrk curl:curl) ;;   # ops profile (#15)
      proxy) want+=(wrk:wrk nginx:nginx haproxy:haproxy curl:curl)
        [ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || want+=(libnginx-mod-stream:libnginx-mod-stream) ;;
    esac
  done
  want+=(matplotlib:python3-matplotlib)
  local missing=()
  for p in "${want[@]}"; do
    tool="${p%%:*}"
    if [ "$tool" = matplotlib ]; then
      /usr/bin/python3 -c 'import matplotlib' 2>/dev/null && continue
    else
      command -v "$tool" >/dev/null && continue
    fi
    [[ " ${missing[*]} " == *" ${p#*:} "* ]] || missing+=("${p#*:}")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    warn "missing packages ${missing[*]} and no root apt-get to install them; the profiles that need them will say so"
    return 0
  fi
  step "install ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added_policy=1   # no service starts
  fi
  { timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq \
      --no-install-recommends "${missing[@]}"; } >>"$OUT/harness.log" 2>&1 \
    || warn "apt-get install ${missing[*]} failed (see $OUT/harness.log)"
  [ "$added_policy" = 1 ] && rm -f "$policy"
  # A package whose service started anyway (no policy-rc.d support) must not stay up.
  pgrep -x nginx >/dev/null && [ -f /run/nginx.pid ] && nginx -s stop 2>/dev/null
  return 0
}
ensure_packages

# A Python that has matplotlib draws the charts; any Python 3 writes the tables.
PYTHON=""
for py in /usr/bin/python3 python3; do
  if "$py" -c 'import matplotlib' 2>/dev/null; then PYTHON="$py"; break; fi
done
if [ -z "$PYTHON" ]; then
  PYTHON="$(command -v python3)" || die "python3 not found (apt-get install python3)"
  warn "matplotlib not found: no charts (apt-get install python3-matplotlib)"
fi

step "compile native load tools"
mkdir -p "$NATIVE"
for tool in echo_load echo_ceiling http_ceiling idle_conns udp_load; do
  src="$BENCH_DIR/src/main/c/$tool.c"
  [ -f "$src" ] || continue
  if [ ! -x "$NATIVE/$tool" ] || [ "$src" -nt "$NATIVE/$tool" ]; then
    gcc -O2 -Wall -Wextra -o "$NATIVE/$tool" "$src" 2>>"$OUT/harness.log" || die "gcc $tool.c failed (see $OUT/harness.log)"
  fi
done
# ---- ws profile (issue #13): the WebSocket load generator, built the same way ----
if [ ! -x "$NATIVE/ws_load" ] || [ "$BENCH_DIR/src/main/c/ws_load.c" -nt "$NATIVE/ws_load" ]; then
  gcc -O2 -Wall -Wextra -o "$NATIVE/ws_load" "$BENCH_DIR/src/main/c/ws_load.c" 2>>"$OUT/harness.log" \
    || die "gcc ws_load.c failed (see $OUT/harness.log)"
fi
# ---- end ws profile ----

step "describe machine"
"$HARNESS/machine.sh" >"$OUT/machine.md" 2>>"$OUT/harness.log" || warn "machine description incomplete"
{ echo "command: ./ringbolt bench $ORIGINAL_ARGS"; echo "started: $(date -Is)"; } >"$OUT/run.txt"
log "results in $OUT"

# ---- profiles -----------------------------------------------------------------------------
for profile in "${PROFILES[@]}"; do
  case "$profile" in
    echo) mapfile -t list < <(filter_servers "${ECHO_SERVERS_ALL[@]}"); run_echo_profile "${list[@]}" ;;
    http) mapfile -t list < <(filter_servers "${HTTP_SERVERS_ALL[@]}"); run_http_profile "${list[@]}" ;;
    memory)
      raise_fd_limit
      mapfile -t list < <(filter_servers "${ECHO_SERVERS_ALL[@]}"); run_memory_profile echo "${list[@]}"
      mapfile -t list < <(filter_servers "${HTTP_SERVERS_ALL[@]}"); run_memory_profile http "${list[@]}" ;;
    alloc)
      mapfile -t list < <(filter_servers "${ECHO_SERVERS_ALL[@]}"); run_alloc_profile echo "${list[@]}"
      mapfile -t list < <(filter_servers "${HTTP_SERVERS_ALL[@]}"); run_alloc_profile http "${list[@]}" ;;
    jmh) run_jmh_profile ;;
    connect) mapfile -t list < <(filter_servers "${CONNECT_CLIENTS_ALL[@]}"); run_connect_profile "${list[@]}" ;;
    udp) mapfile -t list < <(filter_servers "${UDP_SERVERS_ALL[@]}"); run_udp_profile "${list[@]}" ;;
    proxy) mapfile -t list < <(filter_servers "${PROXY_SERVERS_ALL[@]}"); run_proxy_profile "${list[@]}" ;;
    # ---- ws profile (issue #13) ----
    ws) mapfile -t list < <(filter_servers "${WS_SERVERS_ALL[@]}"); run_ws_profile "${list[@]}" ;;
    # ---- end ws profile ----
    # -- ops profile (#15) --
    ops) mapfile -t list < <(filter_servers "${OPS_BACKENDS_ALL[@]}"); run_ops_profile "${list[@]}" ;;
    # -- end ops profile --
    tls)
      command -v openssl >/dev/null || die "openssl not found (apt-get install openssl)"
      TLS_CERT="$SCRATCH/tls-cert.pem"; TLS_KEY="$SCRATCH/tls-key.pem"
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TLS_KEY" -out "$TLS_CERT" \
        -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 2>>"$OUT/harness.log" || die "openssl could not make a certificate"
      # Every window opens 256 new connections, and 256 handshakes take a good part of a
      # second on one core: 3-second warm-up windows and 5-second measured ones amortise them.
      saved=("${HTTP_SCENARIOS[@]}"); saved_duration=$HTTP_DURATION_S
      HTTP_SCENARIOS=(plaintext churn); HTTP_DURATION_S=5; WARMUP_WINDOW_S=3
      mapfile -t list < <(filter_servers "${TLS_SERVERS_ALL[@]}"); run_http_profile "${list[@]}"
      HTTP_SCENARIOS=("${saved[@]}"); HTTP_DURATION_S=$saved_duration; WARMUP_WINDOW_S=1 ;;
    h2)
      # JIT warm-up on a mixed load (16 x 10 streams) until the µs/request is steady AND the JVM
      # compiled (almost) nothing during the last window: Netty's HTTP/2 stack is a lot of code,
      # and a C2 still compiling on the server's one core is charged to its requests.
      saved=("${HTTP_SCENARIOS[@]}"); saved_duration=$HTTP_DURATION_S; saved_jit=("$HTTP_JIT_MIN_S" "$HTTP_JIT_MAX_S" "$HTTP_SCENARIO_MAX_WARMUP_S")
      HTTP_WARMUP_SCENARIO=h2-warm; JIT_QUIET_CHECK=1; JIT_QUIET_MAX=10; HTTP_JIT_MIN_S=3; HTTP_JIT_MAX_S=20
      # /static runs other code (files, bigger DATA): warmed up on its own first window too.
      [ "$HTTP_SCENARIO_MAX_WARMUP_S" -lt 8 ] && HTTP_SCENARIO_MAX_WARMUP_S=8
      ARENA_STATIC="$(cd "$ROOT/.." && pwd)/shared/arena-data/static"
      [ -f "$ARENA_STATIC/${H2_STATIC_FILE:-bold.woff2}" ] || die "h2: $ARENA_STATIC/${H2_STATIC_FILE:-bold.woff2} not found (../shared/arena-data)"
      HTTP_SCENARIOS=(h2-m1 h2-m100 h2-static-m1 h2-static-m100)
      # (a --servers list may name only h2c or only TLS servers: an empty half is skipped)
      mapfile -t list < <(filter_servers "${H2_SERVERS_ALL[@]}"); [ ${#list[@]} -gt 0 ] && run_http_profile "${list[@]}"
      # TLS: every window opens its connections (64 handshakes for m1), so longer windows.
      command -v openssl >/dev/null || die "openssl not found (apt-get install openssl)"
      TLS_CERT="$SCRATCH/tls-cert.pem"; TLS_KEY="$SCRATCH/tls-key.pem"
      [ -f "$TLS_CERT" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TLS_KEY" -out "$TLS_CERT" \
        -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 2>>"$OUT/harness.log" || die "openssl could not make a certificate"
      HTTP_SCENARIOS=(h2tls-m1 h2tls-m100); HTTP_DURATION_S=$((HTTP_DURATION_S + 2)); WARMUP_WINDOW_S=2; HTTP_JIT_MAX_S=10
      mapfile -t list < <(filter_servers "${H2TLS_SERVERS_ALL[@]}"); [ ${#list[@]} -gt 0 ] && run_http_profile "${list[@]}"
      HTTP_SCENARIOS=("${saved[@]}"); HTTP_DURATION_S=$saved_duration; WARMUP_WINDOW_S=1
      HTTP_JIT_MIN_S=${saved_jit[0]}; HTTP_JIT_MAX_S=${saved_jit[1]}; HTTP_SCENARIO_MAX_WARMUP_S=${saved_jit[2]}
      HTTP_WARMUP_SCENARIO=plaintext; JIT_QUIET_CHECK=0; ARENA_STATIC="" ;;
    resilience)
      # Attacks rather than throughput: resilience/run.sh starts and stops its own servers.
      read -r -a res_args <<<"${RESILIENCE_ARGS:-}"
      "$BENCH_DIR/resilience/run.sh" --out "$OUT/resilience" "${res_args[@]}" \
        | grep '^scenario=' | sed 's/^/profile=resilience /' >>"$RESULTS"
      [ "${PIPESTATUS[0]}" = 0 ] || warn "resilience run failed (see $OUT/resilience)" ;;
    *) warn "profile '$profile' is not implemented yet; skipped"; echo "profile=$profile status=skipped" >>"$RESULTS" ;;
  esac
done

# ---- report -------------------------------------------------------------------------------
step "report"
echo "finished: $(date -Is)" >>"$OUT/run.txt"
DOC_ARGS=()
# A full run rewrites BENCHMARKS.md and its charts in docs/benchmarks/ (bench-results/ is not
# in git, so the document keeps copies of the charts it links to).
[ "$WRITE_DOC" = 1 ] && DOC_ARGS=(--doc "$ROOT/BENCHMARKS.md" --doc-charts "$ROOT/docs/benchmarks")
# -- ops profile (#15): a full-length ops run on every backend keeps its section for full runs --
if [[ " ${PROFILES[*]} " == *" ops "* ]] && [ "$QUICK" = 0 ] && [ -z "$SERVERS_CSV" ]; then
  DOC_ARGS+=(--ops-keep "$HARNESS/OPS_RESULTS.md")
fi
# -- end ops profile --
"$PYTHON" "$HARNESS/report.py" --results "$RESULTS" --run "$OUT/run.txt" --machine "$OUT/machine.md" \
  --out "$OUT" "${DOC_ARGS[@]}" || die "report generation failed"
[ "$WRITE_DOC" = 1 ] && log "BENCHMARKS.md and docs/benchmarks/ updated from this run"
if [ -f "$OUT/resilience/results.md" ]; then
  { echo; echo "## Resilience"; echo; cat "$OUT/resilience/results.md"; } >>"$OUT/report.md"
fi
log "report: $OUT/report.md"
cat "$OUT/report.md"
