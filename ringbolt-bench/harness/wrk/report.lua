-- Appended to every wrk scenario script by the harness: one result line of key=value pairs.
-- wrk measures latency from the write of a request (a whole pipelined batch) to each response.
done = function(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "result requests=%d duration_s=%.3f rps=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f " ..
    "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, secs, summary.requests / secs, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
