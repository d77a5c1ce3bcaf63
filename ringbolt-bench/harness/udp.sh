# Profile "udp": UDP echo datagrams per second and server CPU per datagram, Ringbolt's
# udp-echo (one reactor, one socket) against Netty 4.2's DatagramChannel echo on
# io_uring/epoll/nio (one event loop), 64-byte datagrams, one in flight per client socket,
# 1 and 64 client sockets (udp_load, C, pinned to the client CPU; every server pinned to the
# server CPU). Servers start once and stay up; rounds interleave them; each server gets a JIT
# warm-up window before its first measurement. A datagram not echoed within 200 ms is counted
# lost and resent. Shapes: N client sockets with one datagram in flight each, and SxB: S
# sockets sending bursts of B back to back (a server answering a flow with several datagrams
# at once, where UDP GSO applies). Not part of the default run: `./ringbolt bench udp`.

UDP_SERVERS_ALL=(ringbolt-io_uring ringbolt-nio netty-io_uring netty-epoll netty-nio)
UDP_SOCKETS=(1 64 1x32)

run_udp_profile() {
  local servers=("$@") round name i s line port
  [ ${#servers[@]} -gt 0 ] || servers=("${UDP_SERVERS_ALL[@]}")
  declare -A unavailable=() pid_of=() port_of=()
  log "udp: servers=${servers[*]} sockets=${UDP_SOCKETS[*]} size=${ECHO_SIZE}B rounds=$UDP_ROUNDS warmup=${UDP_WARMUP_S}s+window=${UDP_DURATION_S}s"
  ROUND=1
  for i in "${!servers[@]}"; do
    name="${servers[$i]}"
    port=$((PORT_BASE + 50 + i))
    step "udp: start $name on udp :$port"
    if ! start_server udp "$name" "$port"; then
      warn "udp: $name unavailable: $SERVER_FAIL"
      unavailable[$name]=1
      echo "profile=udp server=$name status=unavailable reason=$SERVER_FAIL" >>"$RESULTS"
      continue
    fi
    pid_of[$name]=$SERVER_PID
    port_of[$name]=$port
  done
  for ((round = 1; round <= UDP_ROUNDS; round++)); do
    ROUND=$round
    for name in "${servers[@]}"; do
      [ -z "${unavailable[$name]:-}" ] || continue
      SERVER_PID=${pid_of[$name]}
      port=${port_of[$name]}
      kill -0 "$SERVER_PID" 2>/dev/null || die "udp: $name died while idle"
      wait_quiet "$QUIET_WAIT_S"
      if [ "$round" = 1 ]; then
        step "udp round 1/$UDP_ROUNDS: $name JIT warm-up"
        run_udp_load "$port" 64 0 "$UDP_JIT_S" >/dev/null || die "udp: $name failed during warm-up"
      fi
      for s in "${UDP_SOCKETS[@]}"; do
        step "udp round $round/$UDP_ROUNDS: $name sockets=$s"
        line="$(run_udp_load "$port" "$s" "$UDP_WARMUP_S" "$UDP_DURATION_S")" || die "udp: load against $name at $s sockets failed (see $OUT/harness.log)"
        log "  ${line#result }"
        echo "profile=udp server=$name round=$round shape=$s ${line#result }" >>"$RESULTS"
        kill -0 "$SERVER_PID" 2>/dev/null || die "udp: $name died during the run"
      done
    done
  done
  for name in "${servers[@]}"; do
    [ -n "${pid_of[$name]:-}" ] || continue
    step "udp: stop $name"
    stop_pid "${pid_of[$name]}"
  done
}

# run_udp_load PORT SHAPE WARMUP_S DURATION_S: prints udp_load's result line (SHAPE: N or SxB).
run_udp_load() {
  local port="$1" socks="${2%x*}" burst=1 warm="$3" dur="$4" limit out
  [[ "$2" == *x* ]] && burst="${2#*x}"
  limit=$(awk -v w="$warm" -v d="$dur" 'BEGIN {printf "%d", w + d + 30}')
  out="$(timeout --kill-after=5 "$limit" taskset -c "$CLIENT_CPU" "$NATIVE/udp_load" --port "$port" \
        --sockets "$socks" --burst "$burst" --size "$ECHO_SIZE" --warmup "$warm" --duration "$dur" --pid "$SERVER_PID" \
        2>>"$OUT/harness.log")" || return 1
  grep '^result ' <<<"$out"
}
