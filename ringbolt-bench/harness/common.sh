# Shared helpers of the benchmark harness: sourced by bench.sh, never run on its own.
# Process control (every process started here is tracked and stopped on exit), step reporting,
# CPU pinning, port checks and /proc sampling.

# ---- step reporting ---------------------------------------------------------------------------
STEP="start"
step() { STEP="$*"; log "== $*"; }
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$OUT/harness.log" >&2; }
warn() { log "WARNING: $*"; }
die() { log "FAILED at step '$STEP': $*"; exit 1; }

# ---- process control --------------------------------------------------------------------------
declare -a STARTED_PIDS=()

# start_bg LOGFILE CMD...: runs CMD in the background, records its pid in BG_PID.
start_bg() {
  local logfile="$1"; shift
  "$@" >"$logfile" 2>&1 &
  BG_PID=$!
  STARTED_PIDS+=("$BG_PID")
}

# stop_pid PID [GRACE_S]: SIGTERM, then SIGKILL after the grace period; reaps the child.
stop_pid() {
  local pid="$1" grace="${2:-5}" i
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < grace * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      warn "pid $pid ignored SIGTERM for ${grace}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  wait "$pid" 2>/dev/null || true
  local kept=() p
  for p in "${STARTED_PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  STARTED_PIDS=("${kept[@]}")
}

cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  for p in "${STARTED_PIDS[@]}"; do stop_pid "$p" 3; done
  [ -n "${SCRATCH:-}" ] && [ -d "$SCRATCH" ] && rm -rf "$SCRATCH"
  if [ $rc -ne 0 ]; then log "bench: exit status $rc (last step: $STEP); partial results in $OUT"; fi
  exit $rc
}

install_traps() {
  trap cleanup EXIT
  trap 'log "interrupted"; exit 130' INT
  trap 'log "terminated"; exit 143' TERM
}

# ---- machine ----------------------------------------------------------------------------------
# port_free PORT: true if nothing listens on 127.0.0.1:PORT (or any address).
port_free() {
  ! ss -Hltn "( sport = :$1 )" 2>/dev/null | grep -q .
}

# process_cpu_ticks PID: utime+stime of the whole process in clock ticks (fields 14, 15).
process_cpu_ticks() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo -1; return; }
  stat="${stat##*) }"
  # After "comm) ": state is field 3, so utime (14) and stime (15) are words 12 and 13.
  awk '{print $12 + $13}' <<<"$stat"
}

# process_rss_kb PID: resident set size in KiB (VmRSS).
process_rss_kb() {
  awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo -1
}

# machine_busy_ticks: busy clock ticks of all CPUs together (user nice system irq softirq steal).
machine_busy_ticks() {
  awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat
}

CLK_TCK="$(getconf CLK_TCK)"

# wait_quiet MAX_S: waits until other workloads use less than QUIET_PCT of one CPU, sampled
# over 1 s, or MAX_S passes. The machine may be shared; a busy neighbour skews every number.
# All waiting of a run, and the second windows of noisy samples, are capped together by
# QUIET_BUDGET_S, so a neighbour that never stops cannot stretch the run past its time limit;
# after that, samples are measured once and flagged.
wait_quiet() {
  local max="$1" waited=0 b0 b1 pct
  [ "$max" -gt 0 ] || return 0
  while :; do
    b0="$(machine_busy_ticks)"; sleep 1; b1="$(machine_busy_ticks)"
    pct=$(( (b1 - b0) * 100 / CLK_TCK ))
    [ "$pct" -le "$QUIET_PCT" ] && return 0
    waited=$((waited + 1))
    QUIET_BUDGET_S=$((QUIET_BUDGET_S - 1))
    if [ "$waited" -ge "$max" ] || [ "$QUIET_BUDGET_S" -le 0 ]; then
      warn "machine still busy (${pct}% of one CPU used by other processes) after ${waited}s; measuring anyway"
      return 0
    fi
    [ "$waited" -eq 1 ] && log "machine busy (${pct}% of one CPU by other processes); waiting up to ${max}s"
  done
}

# kv KEY LINE: the value of KEY in a key=value result line.
kv() {
  sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"
}

# noisy LINE: true when other processes used more than NOISE_RETRY_PCT of a CPU in the window
# (and the run still has waiting budget left for a second try).
noisy() {
  [ "$QUIET_BUDGET_S" -gt 0 ] || return 1
  local v; v="$(kv other_cpu_pct "$1")"
  [ -n "$v" ] && awk -v v="$v" -v t="$NOISE_RETRY_PCT" 'BEGIN {exit !(v > t)}'
}

# steady_warmup KIND PORT SCENARIO MIN_S MAX_S: 1-second load windows (64-connection echo, or
# the HTTP SCENARIO) until the server's CPU per operation differs by less than STEADY_PCT between
# two consecutive windows (and at least MIN_S windows ran), or MAX_S windows ran. A JVM pinned
# to one core compiles on that core, so how long the JIT needs differs a lot between servers;
# measuring before steady state would penalise the server with more code to compile.
# Sets WARMUP_S to the windows used.
steady_warmup() {
  local kind="$1" port="$2" sc="$3" min="$4" max="$5" i prev="" cur line c0 c1 ops seen="" j0 j1 jit_quiet=1
  for ((i = 1; i <= max; i++)); do
    [ "${JIT_QUIET_CHECK:-0}" = 1 ] && j0="$(jit_compiled "$SERVER_PID")"
    c0="$(process_cpu_ticks "$SERVER_PID")"
    if [ "$kind" = echo ]; then
      line="$(run_echo_load warmup "$port" 64 0 1)" || return 1
      ops="$(kv round_trips "$line")"
    else
      line="$(http_load "$sc" "$port" "${WARMUP_WINDOW_S:-1}")" || return 1
      ops="$(kv requests "$line")"
    fi
    c1="$(process_cpu_ticks "$SERVER_PID")"
    if [ -z "$ops" ] || [ "$ops" -le 0 ]; then
      # A cold JVM can spend a whole first window on 256 TLS handshakes: keep warming up.
      [ "$i" -lt "$max" ] && [ "$i" -le 3 ] && { prev=""; continue; }
      return 1
    fi
    cur="$(awk -v c=$((c1 - c0)) -v h="$CLK_TCK" -v n="$ops" 'BEGIN {printf "%.2f", c / h * 1e6 / n}')"
    seen+=" $cur"
    if [ "${JIT_QUIET_CHECK:-0}" = 1 ]; then
      # A JVM whose JIT still compiles is not warm, whatever the µs/op says (-1: not a JVM).
      j1="$(jit_compiled "$SERVER_PID")"
      jit_quiet=1
      [ "$j0" -ge 0 ] && [ "$j1" -ge 0 ] && [ $((j1 - j0)) -gt "${JIT_QUIET_MAX:-3}" ] && jit_quiet=0
      seen+="/jit+$((j1 - j0))"
    fi
    if [ "$i" -ge "$min" ] && [ -n "$prev" ] && [ "$jit_quiet" = 1 ] \
       && awk -v a="$prev" -v b="$cur" -v t="$STEADY_PCT" 'BEGIN {d = (a - b) / b; if (d < 0) d = -d; exit !(d * 100 < t)}'; then
      WARMUP_S=$i
      return 0
    fi
    prev="$cur"
  done
  WARMUP_S=$max
  [ "$max" -gt "$min" ] && log "  not steady after ${max} warm-up windows (µs/op:$seen); measuring anyway"
  return 0
}

# jit_compiled PID: how many methods the JVM PID's JIT compiled so far (jstat), -1 if PID is
# not a JVM jstat can read.
jit_compiled() {
  local n
  n="$("$JAVA_HOME/bin/jstat" -compiler "$1" 2>/dev/null | awk 'NR == 2 {print $1}')"
  echo "${n:--1}"
}

# quieter LINE_A LINE_B: the sample during which other processes used less CPU.
quieter() {
  if awk -v a="$(kv other_cpu_pct "$1")" -v b="$(kv other_cpu_pct "$2")" 'BEGIN {exit !(b <= a)}'; then
    echo "$2"
  else
    echo "$1"
  fi
}

# raise_fd_limit: 50,000 connections need more descriptors than the usual 1024/20000; servers
# started afterwards inherit the limit. Without CAP_SYS_RESOURCE the hard limit cannot move;
# then the soft limit goes up to it and FD_LIMIT says what is possible.
raise_fd_limit() {
  local want=200000
  if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$want" ]; then
    ulimit -Hn "$want" 2>/dev/null || prlimit --pid $$ --nofile="$want:$want" 2>/dev/null || true
  fi
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  FD_LIMIT="$(ulimit -n)"
  [ "$FD_LIMIT" = unlimited ] && FD_LIMIT=1048576
  [ "$FD_LIMIT" -ge "$want" ] || warn "file descriptor limit is $FD_LIMIT (hard limit, raising it needs CAP_SYS_RESOURCE); connection counts above $((FD_LIMIT - 2000)) are capped"
}
