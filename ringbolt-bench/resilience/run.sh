#!/usr/bin/env bash
# Bounded attacks on `./ringbolt serve` (127.0.0.1 only), one fresh server per scenario.
#
#   ringbolt-bench/resilience/run.sh [--backend io_uring|nio]... [--scenarios s1,s3,...]
#                                    [--server-cmd 'CMD --port {port} --backend {backend}']
#                                    [--out DIR] [--s1-conns N] ...   (--help lists every option)
#
# The server's JVM options come from RINGBOLT_JAVA_OPTS (e.g. RINGBOLT_JAVA_OPTS=-Xmx1g), so
# runs of two builds are comparable. Without --server-cmd this repository's ./ringbolt is built
# first (on first use or when sources changed). Also run by `./ringbolt bench resilience`.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

# Up to 7,000 attacking connections in this process and as many accepted ones in the server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

custom_server=0
for a in "$@"; do
  case "$a" in --server-cmd|--server-cmd=*) custom_server=1 ;; -h|--help) custom_server=1 ;; esac
done
if [ "$custom_server" = 0 ]; then
  "$ROOT/ringbolt" serve --help >/dev/null || { echo "resilience: building the server failed" >&2; exit 1; }
fi
exec python3 "$HERE/resilience.py" "$@"
