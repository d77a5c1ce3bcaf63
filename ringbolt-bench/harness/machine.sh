#!/usr/bin/env bash
# Prints the machine and software description of a benchmark run as Markdown.
set -uo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

first_line() { "$@" 2>&1 | head -1; }
netty_version() {
  local j; j="$(ls "$BENCH_DIR"/target/lib/netty-transport-4*.jar 2>/dev/null | head -1)"
  [ -n "$j" ] && basename "$j" .jar | sed 's/^netty-transport-//' || echo "not built"
}

echo "| | |"
echo "|---|---|"
echo "| Kernel | $(uname -sr) |"
echo "| CPU | $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1) |"
hv="$(lscpu 2>/dev/null | sed -n 's/^Hypervisor vendor: *//p')"
echo "| CPUs | $(nproc --all) online${hv:+, virtual machine ($hv)} |"
echo "| Memory | $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) |"
echo "| JDK | $(first_line "$JAVA_HOME/bin/java" -version) ($("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p)) |"
echo "| Netty | $(netty_version) |"
echo "| nginx | $(first_line nginx -v | sed 's/^nginx version: //') |"
echo "| wrk | $(first_line wrk -v | awk '{print $1, $2}') |"
echo "| h2load | $(first_line h2load --version) |"
echo "| gcc | $(first_line gcc --version) |"
echo "| TCP | congestion control $(sysctl -n net.ipv4.tcp_congestion_control 2>/dev/null), somaxconn $(sysctl -n net.core.somaxconn 2>/dev/null), io_uring_disabled=$(sysctl -n kernel.io_uring_disabled 2>/dev/null || echo n/a) |"
echo "| Ringbolt | $(git -C "$BENCH_DIR/.." rev-parse --short HEAD 2>/dev/null) on branch $(git -C "$BENCH_DIR/.." rev-parse --abbrev-ref HEAD 2>/dev/null)$(git -C "$BENCH_DIR/.." diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)') |"
