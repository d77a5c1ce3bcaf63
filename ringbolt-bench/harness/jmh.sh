# Profile "jmh": micro-benchmarks of the engine's building blocks (io.ringbolt.bench.jmh.*),
# one fork pinned to SERVER_CPU, with -prof gc for bytes allocated per operation.

run_jmh_profile() {
  local filter="${JMH_FILTER:-io.ringbolt.bench.jmh}" limit=900
  step "jmh: $filter (forks=1 warmup=${JMH_WARMUP_ITERS}x${JMH_ITER_TIME} measure=${JMH_ITERS}x${JMH_ITER_TIME})"
  timeout --kill-after=10 "$limit" taskset -c "$SERVER_CPU" "$JAVA_HOME/bin/java" -cp "$(bench_class_path)" \
      org.openjdk.jmh.Main "$filter" -f 1 -wi "$JMH_WARMUP_ITERS" -w "$JMH_ITER_TIME" -i "$JMH_ITERS" -r "$JMH_ITER_TIME" \
      -prof gc -jvmArgsAppend "--enable-native-access=ALL-UNNAMED ${JVM_COMMON[*]}" \
      -rf json -rff "$OUT/jmh.json" >"$OUT/jmh.txt" 2>&1 \
    || { tail -20 "$OUT/jmh.txt" >&2; die "jmh failed (full output: $OUT/jmh.txt)"; }
  echo "profile=jmh file=jmh.json" >>"$RESULTS"
  log "jmh: results in $OUT/jmh.json"
}
