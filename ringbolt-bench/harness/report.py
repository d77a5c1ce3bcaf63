#!/usr/bin/env python3
"""Turns the harness's results.txt into report.md (Markdown tables) and chart-*.png.

results.txt holds one sample per line as space-separated key=value pairs, e.g.
  profile=echo server=netty-epoll round=2 conns=64 rps=114492.1 p50_us=510.0 ...
  profile=echo server=ringbolt-io_uring status=unavailable reason=...
Every table shows the median over rounds with min-max, and each server's ratio to Ringbolt
(io_uring when it was measured, else nio). Charts need matplotlib; without it the report says
so and carries on.
"""
import argparse
import re
import shutil
import os
import statistics
import sys
from collections import OrderedDict, defaultdict

REFERENCES = ("ringbolt-io_uring", "ringbolt-nio", "ringbolt-io_uring+tls", "ringbolt-nio+tls",
              "ringbolt-io_uring+h2c", "ringbolt-nio+h2c", "ringbolt-io_uring+h2", "ringbolt-nio+h2")


def parse(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            row = {}
            if " reason=" in line:   # free text, always last
                line, row["reason"] = line.split(" reason=", 1)
            for part in line.split(" "):
                if "=" in part:
                    k, v = part.split("=", 1)
                    row[k] = v
            rows.append(row)
    return rows


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


class Cell:
    """Samples of one metric for one server in one scenario."""

    def __init__(self, values):
        self.values = [v for v in values if v is not None and v >= 0]

    @property
    def ok(self):
        return bool(self.values)

    @property
    def median(self):
        return statistics.median(self.values) if self.values else None

    def fmt(self, digits=0, spread=True):
        if not self.values:
            return "—"
        m = fmt_num(self.median, digits)
        if spread and len(self.values) > 1:
            return f"{m} ({fmt_num(min(self.values), digits)}–{fmt_num(max(self.values), digits)})"
        return m


def fmt_num(v, digits):
    if v is None:
        return "—"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def ratio(value, ref):
    if value is None or ref is None or ref == 0:
        return "—"
    return f"{value / ref:.2f}×"


def group(rows, profile, scenario_key):
    """{scenario: {server: [rows]}} in first-seen order, plus unavailable servers."""
    data = OrderedDict()
    unavailable = OrderedDict()
    for r in rows:
        if r.get("profile") != profile:
            continue
        if r.get("status") == "unavailable":
            unavailable[r.get("server", "?")] = r.get("reason", "")
            continue
        if r.get("status"):
            continue
        scen = r.get(scenario_key, "")
        data.setdefault(scen, OrderedDict()).setdefault(r["server"], []).append(r)
    return data, unavailable


def reference_server(servers):
    for ref in REFERENCES:
        if ref in servers:
            return ref
    return None


def metric(rows, key):
    values = [num(r.get(key)) for r in rows]
    if key.startswith("p") and key.endswith("_us"):
        # wrk reports 0 for percentiles it did not record (pipelined batches): not a latency.
        values = [v for v in values if v]
    return Cell(values)


# ---- echo and http ------------------------------------------------------------------------

ECHO_INTRO = (
    "Server pinned to CPU 0 with one reactor / event loop; C epoll client (`echo_load`) pinned to "
    "CPU 1. Median over rounds, min–max in brackets. *Server CPU* is the server process's "
    "utime+stime over the measured window divided by the round trips in it (lower is better); "
    "*vs Ringbolt* divides each server's median by Ringbolt's (round trips/s: above 1 is faster "
    "than Ringbolt; CPU per round trip: above 1 costs more than Ringbolt). *Noise* is CPU used by "
    "other processes on the machine during the window, in % of one CPU; interference only ever "
    "makes a server look slower, so on a busy machine the max round trips/s and the min CPU are "
    "the least disturbed figures.")

HTTP_INTRO = (
    "Server pinned to CPU 0 with one reactor / event loop / worker; wrk (one thread) or h2load "
    "pinned to CPU 1. Median over rounds, min–max in brackets. *Server CPU µs/request* is the "
    "server process's utime+stime over the run divided by the responses wrk counted (lower is "
    "better) — the primary figure, since on two cores the client limits requests/s. *vs Ringbolt* "
    "divides by Ringbolt's median. RSS is the server's resident set after the run; *Noise* as "
    "for echo. JVM servers "
    "are warmed up until their CPU per request is steady before anything is measured. Ringbolt "
    "serialises /json with its own JSON writer, the Netty peer with Jackson (as TechEmpower's "
    "Netty entry does).")

HTTP_SCENARIO_TITLES = {
    "plaintext": "/plaintext, 256 keep-alive connections",
    "pipeline": "/plaintext pipelined 16 deep, 256 connections (wrk times whole batches)",
    "json": "/json serialised per request, 256 connections (nginx: constant body)",
    "baseline11": "/baseline11 GET and POST alternating, 256 connections",
    "churn": "/plaintext, a new connection every 10 requests (Connection: close), 256 connections",
    "rate": "/plaintext at a fixed rate (h2load --rps), 64 connections",
    "h2-m1": "HTTP/2 (h2c) /plaintext, h2load, 64 connections x 1 stream",
    "h2-m100": "HTTP/2 (h2c) /plaintext, h2load, 8 connections x 100 concurrent streams",
    "h2-static-m1": "HTTP/2 (h2c) one static file (bold.woff2, 22,528 bytes), h2load, 64 connections x 1 stream",
    "h2-static-m100": "HTTP/2 (h2c) one static file (bold.woff2, 22,528 bytes), h2load, 8 connections x 100 streams",
    "h2tls-m1": "HTTP/2 over TLS (ALPN h2) /plaintext, h2load, 64 connections x 1 stream (handshakes included)",
    "h2tls-m100": "HTTP/2 over TLS (ALPN h2) /plaintext, h2load, 8 connections x 100 concurrent streams",
}


def comparison_table(by_server, columns):
    """columns: (title, key, digits, spread, ratio?) — ratio columns compare with Ringbolt."""
    ref = reference_server(by_server)
    head = ["Server"]
    for title, key, digits, spread, with_ratio in columns:
        head.append(title)
        if with_ratio:
            head.append("vs Ringbolt")
    head.append("Rounds")
    md = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for server, rs in by_server.items():
        cells = [server]
        for title, key, digits, spread, with_ratio in columns:
            cell = metric(rs, key)
            cells.append(cell.fmt(digits, spread))
            if with_ratio:
                ref_value = metric(by_server[ref], key).median if ref else None
                cells.append(ratio(cell.median, ref_value))
        cells.append(str(len(rs)))
        md.append("| " + " | ".join(cells) + " |")
    return md + [""]


def echo_section(rows, out_dir, charts):
    data, unavailable = group(rows, "echo", "conns")
    if not data and not unavailable:
        return []
    md = ["## Echo: TCP round trips (64-byte message, one in flight per connection)", "", ECHO_INTRO, ""]
    columns = [("Round trips/s", "rps", 0, True, True),
               ("Server CPU µs/round trip", "server_cpu_us_per_rt", 2, True, True),
               ("p50 µs", "p50_us", 0, False, False), ("p99 µs", "p99_us", 0, False, False),
               ("Server CPU %", "server_cpu_pct", 0, False, False),
               ("Client CPU %", "client_cpu_pct", 0, False, False), ("Noise %", "other_cpu_pct", 0, False, False)]
    for conns, by_server in data.items():
        md += [f"### {conns} connection{'s' if conns != '1' else ''}", ""]
        md += comparison_table(by_server, columns)
    md += unavailable_lines(unavailable)
    if data:
        chart = bar_chart(out_dir, "chart-echo.png", "Echo (64 B, 1 in flight per connection)", data,
                          [("rps", "round trips/s (higher is better)"),
                           ("server_cpu_us_per_rt", "server CPU µs per round trip (lower is better)")],
                          "conns")
        charts.append(chart)
        md += [chart_line(chart), ""]
    return md


CONNECT_INTRO = (
    "The client is the contender: one reactor / event loop pinned to CPU 1 opens TCP connections "
    "to 127.0.0.1 with 1 or 64 connects in flight; each connection sends one byte and is reset "
    "(SO_LINGER 0) when the echo arrives, so a connect counts only once the server accepted it "
    "(resetting at once let a fast client overflow the server's listen queue and wait out 1 s SYN "
    "retransmits); the server is the same for all, pinned to CPU 0: a one-thread C epoll echo server "
    "(echo_ceiling.c), the cheapest per connection, so that the client rather than the server is the limit. "
    "Median over rounds, min–max in brackets. *Client CPU µs/connect* is the client JVM's CPU "
    "time over the window divided by the connects in it (lower is better); *vs Ringbolt* divides "
    "by Ringbolt's median; *Noise* as for echo.")


def connect_section(rows):
    data, unavailable = group(rows, "connect", "concurrency")
    if not data and not unavailable:
        return []
    md = ["## Connect rate: outbound connects (Ringbolt Engine.connect vs Netty Bootstrap)", "", CONNECT_INTRO, ""]
    columns = [("Connects/s", "connects_per_s", 0, True, True),
               ("Client CPU µs/connect", "client_cpu_us_per_connect", 2, True, True),
               ("Server CPU µs/connect", "server_cpu_us_per_connect", 2, False, False),
               ("Client CPU %", "client_cpu_pct", 0, False, False), ("Noise %", "other_cpu_pct", 0, False, False),
               ("Failures", "failures", 0, False, False)]
    for conc, by_server in data.items():
        md += [f"### {conc} connect{'s' if conc != '1' else ''} in flight", ""]
        md += comparison_table(by_server, columns)
    md += unavailable_lines(unavailable)
    return md


UDP_INTRO = (
    "UDP echo, 64-byte datagrams, one in flight per client socket, or bursts of B sent back to back "
    "and the next burst once all B echoes are in (udp_load, C, pinned to CPU 1); "
    "each server has one reactor / event loop and one socket pinned to CPU 0 (Ringbolt: "
    "`ringbolt udp-echo --reactors 1 --max-datagram 2048`; Netty 4.2: a `DatagramChannel` "
    "writing each packet back, one flush per read batch). *Datagrams/s* counts echoed round "
    "trips; *Server CPU µs/datagram* is the server's CPU over the window per round trip (lower "
    "is better); *Lost* counts datagrams not echoed within 200 ms. Median over rounds, min–max in "
    "brackets; *vs Ringbolt* divides by Ringbolt io_uring's median.")


def udp_section(rows):
    # "shape" (N sockets, or SxB: S sockets sending bursts of B); runs before it had only "sockets".
    data, unavailable = group(rows, "udp", "shape" if any(r.get("shape") for r in rows) else "sockets")
    if not data and not unavailable:
        return []
    md = ["## UDP echo: datagrams (64 bytes)", "", UDP_INTRO, ""]
    columns = [("Datagrams/s", "dps", 0, True, True),
               ("Server CPU µs/datagram", "server_cpu_us_per_dgram", 2, True, True),
               ("p50 µs", "p50_us", 0, False, False), ("p99 µs", "p99_us", 0, False, False),
               ("Lost", "lost", 0, False, False),
               ("Server CPU %", "server_cpu_pct", 0, False, False), ("Noise %", "other_cpu_pct", 0, False, False)]
    for shape, by_server in data.items():
        socks, _, burst = shape.partition("x")
        title = f"{socks} client socket{'s' if socks != '1' else ''}"
        if burst:
            title += f", bursts of {burst} back to back (UDP GSO applies)"
        md += [f"### {title}", ""]
        md += comparison_table(by_server, columns)
    md += unavailable_lines(unavailable)
    return md


def http_section(rows, out_dir, charts):
    data, unavailable = group(rows, "http", "scenario")
    if not data and not unavailable:
        return []
    md = ["## HTTP/1.1", "", HTTP_INTRO, ""]
    columns = [("Server CPU µs/request", "server_cpu_us_per_req", 2, True, True),
               ("Requests/s", "rps", 0, True, True),
               ("p50 µs", "p50_us", 0, False, False), ("p99 µs", "p99_us", 0, False, False),
               ("RSS KiB", "rss_kb", 0, False, False),
               ("Server CPU %", "server_cpu_pct", 0, False, False),
               ("Client CPU %", "client_cpu_pct", 0, False, False), ("Noise %", "other_cpu_pct", 0, False, False)]
    for scen, by_server in data.items():
        md += [f"### {scen}: {HTTP_SCENARIO_TITLES.get(scen, scen)}", ""]
        md += comparison_table(by_server, columns)
    md += unavailable_lines(unavailable)
    if data:
        chart = bar_chart(out_dir, "chart-http.png", "HTTP/1.1", data,
                          [("server_cpu_us_per_req", "server CPU µs per request (lower is better)"),
                           ("rps", "requests/s (higher is better)")], "scenario")
        charts.append(chart)
        md += [chart_line(chart), ""]
    return md


PROXY_INTRO = (
    "wrk (one thread, 64 keep-alive connections, /plaintext) → TCP proxy → a fixed backend (nginx "
    "returning a constant body, one worker, no master). The proxy is the contender, pinned to CPU 0 "
    "with one reactor / thread / worker: Ringbolt's `./ringbolt proxy` on io_uring and on NIO, "
    "HAProxy (`mode tcp`, `nbthread 1`) and nginx's `stream` module (`proxy_pass`, one worker, no "
    "master); the backend and wrk share CPU 1, so requests/s is capped by that CPU for everyone. "
    "*Proxy CPU µs/request* is the proxy process's utime+stime over the window divided by the "
    "responses wrk counted (lower is better); *vs Ringbolt* divides by Ringbolt io_uring's median. "
    "RSS is the proxy's after the window; *Noise* as for echo.")


def proxy_section(rows):
    data, unavailable = group(rows, "proxy", "profile")
    if not data and not unavailable:
        return []
    md = ["## TCP proxy: CPU per proxied HTTP request", "", PROXY_INTRO, ""]
    columns = [("Proxy CPU µs/request", "server_cpu_us_per_req", 2, True, True),
               ("Requests/s", "rps", 0, True, True),
               ("p50 µs", "p50_us", 0, False, False), ("p99 µs", "p99_us", 0, False, False),
               ("RSS KiB", "rss_kb", 0, False, False),
               ("Proxy CPU %", "server_cpu_pct", 0, False, False),
               ("Client CPU %", "client_cpu_pct", 0, False, False), ("Noise %", "other_cpu_pct", 0, False, False)]
    for _, by_server in data.items():
        md += comparison_table(by_server, columns)
    md += unavailable_lines(unavailable)
    return md


# ---- ops profile (#15): cost of metrics and the access log ----------------------------------

OPS_INTRO = (
    "What operating features cost: the same `ringbolt serve` (one reactor, pinned to CPU 0) in five "
    "configurations, all up at once and measured in interleaved rounds (each round starts with a "
    "different one) under the same load — wrk (one thread, pinned to CPU 1), /plaintext, 256 keep-alive "
    "connections. *metrics-off*: `--metrics off` (no per-request HTTP metrics, no `/metrics`); "
    "*metrics-on*: the default (requests by method × status class, duration histogram, in-flight); "
    "*metrics-on+scrape*: the same while curl (on CPU 1) GETs `/metrics` about once a second, its "
    "cost spread over the /plaintext requests; *access-log* / *access-log-json*: metrics on plus "
    "`--access-log` to a file on /dev/shm in combined / JSON format (the writer thread runs in the "
    "server process, so its CPU is counted). *Server CPU µs/request* is the server process's "
    "utime+stime over the window divided by the responses wrk counted; *vs off* divides by "
    "metrics-off's median. Median over rounds, min–max in brackets; *Noise* as for echo. "
    "The bar for metrics (#15): within noise and under 2 %.")

OPS_VARIANTS = ("metrics-off", "metrics-on", "metrics-on+scrape", "access-log", "access-log-json")


def ops_spread(cell):
    """Half the min–max range of a cell's samples, relative to its median (0 with one sample)."""
    if not cell.ok or len(cell.values) < 2 or not cell.median:
        return 0.0
    return (max(cell.values) - min(cell.values)) / 2 / cell.median


def ops_verdict(backend, by_variant):
    """One sentence on the 2 % bar for metrics-on (and the scrape) against metrics-off."""
    off = metric(by_variant.get("metrics-off", []), "server_cpu_us_per_req")
    if not off.ok:
        return []
    lines = []
    for v in ("metrics-on", "metrics-on+scrape"):
        on = metric(by_variant.get(v, []), "server_cpu_us_per_req")
        if not on.ok:
            continue
        delta = on.median / off.median - 1
        noise = max(ops_spread(off), ops_spread(on))
        rounds = min(len(off.values), len(on.values))
        if rounds < 2:
            verdict = "one round only, so the noise is unknown: run more rounds to judge the bar"
        elif abs(delta) <= noise and delta < 0.02:
            verdict = f"within the noise of the rounds (±{noise * 100:.1f} %) and under 2 %: the bar is met"
        elif delta < 0.02:
            verdict = (f"under 2 %, but larger than the noise of the rounds (±{noise * 100:.1f} %): a measurable "
                       "cost within the bar's limit")
        elif abs(delta) <= noise:
            verdict = (f"within the noise of the rounds (±{noise * 100:.1f} %), which is too large to "
                       "confirm the 2 % bar: measure on a quieter machine or with more rounds")
        else:
            verdict = f"above 2 % and beyond the noise (±{noise * 100:.1f} %): the bar is missed"
        lines.append(f"- {backend}, {v} vs metrics-off: {delta * 100:+.1f} % CPU per request — {verdict}.")
    return lines


def ops_section(rows):
    data, unavailable = group(rows, "ops", "backend")
    if not data and not unavailable:
        return []
    md = ["## Cost of operations: metrics and access log (/plaintext, CPU per request)", "", OPS_INTRO, ""]
    verdicts = []
    for backend, by_variant in data.items():
        ordered = OrderedDict((v, by_variant[v]) for v in OPS_VARIANTS if v in by_variant)
        ordered.update((v, rs) for v, rs in by_variant.items() if v not in ordered)
        off = metric(ordered.get("metrics-off", []), "server_cpu_us_per_req").median
        off_rps = metric(ordered.get("metrics-off", []), "rps").median
        md += [f"### {backend}", "",
               "| Configuration | Server CPU µs/request | vs off | Requests/s | vs off | Server CPU % | "
               "Noise % | /metrics scrapes | Log lines per request | Rounds |",
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for v, rs in ordered.items():
            cpu = metric(rs, "server_cpu_us_per_req")
            rps = metric(rs, "rps")
            scrapes = sum(int(num(r.get("scrapes")) or 0) for r in rs)
            lines_per_req = "—"
            if any(r.get("log_lines") for r in rs):
                ratios = [num(r["log_lines"]) / num(r["requests"]) for r in rs
                          if r.get("log_lines") and num(r.get("requests"))]
                lines_per_req = f"{statistics.median(ratios):.2f}" if ratios else "—"
            md.append(f"| {v} | {cpu.fmt(3)} | {ratio(cpu.median, off)} | {rps.fmt(0)} | {ratio(rps.median, off_rps)} | "
                      f"{metric(rs, 'server_cpu_pct').fmt(0, False)} | {metric(rs, 'other_cpu_pct').fmt(0)} | "
                      f"{scrapes if v.endswith('scrape') else '—'} | {lines_per_req} | {len(rs)} |")
        md.append("")
        verdicts += ops_verdict(backend, ordered)
    if verdicts:
        md += ["The bar (metrics within noise and under 2 % of CPU per request):", ""] + verdicts + [""]
    md += unavailable_lines(unavailable)
    alloc = [r for r in rows if r.get("profile") == "ops-alloc" and not r.get("status")]
    if alloc:
        md += ["Heap allocation per /plaintext request with metrics on (AllocProbe, as in the allocation "
               "section): the scrape itself allocates (it builds the Prometheus text on the reactor), so "
               "with the scraper the bytes per request are the scrapes' bytes spread over the requests.", "",
               "| Backend | Configuration | B/request | Scrapes in the run | Top allocating thread |",
               "|---|---|---:|---:|---|"]
        for r in alloc:
            md.append(f"| {r.get('backend')} | {r.get('server')} | {fmt_num(num(r.get('bytes_per_op')), 1)} | "
                      f"{r.get('scrapes', '—')} | `{r.get('top_thread', '—')}` |")
        md.append("")
    return md


def kept_ops_section():
    """The last full-length `./ringbolt bench ops` section (ringbolt-bench/harness/OPS_RESULTS.md),
    kept across full runs, which do not run the ops profile."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "OPS_RESULTS.md")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return f.read().rstrip("\n").split("\n") + [""]

# ---- end ops profile ----------------------------------------------------------------------


REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def display_path(path):
    """A chart's path relative to the repository root when it lies inside it."""
    if path.endswith(".png") and os.path.abspath(path).startswith(REPO_ROOT + os.sep):
        return os.path.relpath(path, REPO_ROOT)
    return path


def chart_line(chart):
    return f"Chart: `{display_path(chart)}`"


def doc_chart_line(chart, doc_charts_dir):
    """BENCHMARKS.md keeps its charts in the repository (doc_charts_dir), linked."""
    rel = os.path.relpath(os.path.join(doc_charts_dir, os.path.basename(chart)), REPO_ROOT)
    src = os.path.relpath(os.path.dirname(os.path.abspath(chart)), REPO_ROOT)
    return f"Chart: [{rel}]({rel}) (copied from `{src}/`)"


def unavailable_lines(unavailable):
    if not unavailable:
        return []
    md = ["Not measured:", ""]
    for server, reason in unavailable.items():
        md.append(f"- **{server}**: {reason}")
    md.append("")
    return md


# ---- memory and allocation ----------------------------------------------------------------

def memory_section(rows):
    md = []
    for kind in ("echo", "http"):
        sel = [r for r in rows if r.get("profile") == "memory" and r.get("kind") == kind]
        if not sel:
            continue
        unavailable = OrderedDict((r["server"], r.get("reason", "")) for r in sel if r.get("status") == "unavailable")
        data = [r for r in sel if not r.get("status")]
        counts = sorted({int(r["conns"]) for r in data})
        servers = list(OrderedDict.fromkeys(r["server"] for r in data))
        what = "TCP echo servers" if kind == "echo" else "HTTP servers (each connection made one keep-alive GET)"
        md += [f"## Memory per idle connection: {what}", ""]
        md += [f"Note: {r['reason']}." for r in rows if r.get("profile") == "memory" and r.get("status") == "capped"]
        if md[-1].startswith("Note:"):
            md.append("")
        md += ["Server RSS after a short warm-up, then with N idle connections open (1 s after the last "
               "one was set up). Bytes/connection = (RSS with N − RSS before) / N. Kernel socket memory "
               "is not part of RSS. JVM servers also show heap pages touched while the connections "
               "were accepted.", ""]
        if data:
            head = ["Server", "RSS before KiB"]
            for n in counts:
                head += [f"RSS @{n:,} KiB", f"bytes/conn @{n:,}"]
            head += ["vs Ringbolt"]
            md += ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
            largest = counts[-1]
            per_conn_at = {r["server"]: num(r["per_conn_bytes"]) for r in data if int(r["conns"]) == largest}
            ref = reference_server(per_conn_at)
            for server in servers:
                rs = {int(r["conns"]): r for r in data if r["server"] == server}
                base = next(iter(rs.values()))["base_rss_kb"]
                cells = [server, fmt_num(num(base), 0)]
                for n in counts:
                    r = rs.get(n)
                    cells += [fmt_num(num(r["rss_kb"]), 0) if r else "—", fmt_num(num(r["per_conn_bytes"]), 0) if r else "—"]
                cells.append(ratio(per_conn_at.get(server), per_conn_at.get(ref)) if ref else "—")
                md.append("| " + " | ".join(cells) + " |")
            md.append("")
        md += unavailable_lines(unavailable)
    return md


def alloc_section(rows):
    md = []
    for kind in ("echo", "http"):
        sel = [r for r in rows if r.get("profile") == "alloc" and r.get("kind") == kind]
        if not sel:
            continue
        unavailable = OrderedDict((r["server"], r.get("reason", "")) for r in sel if r.get("status") == "unavailable")
        data = [r for r in sel if not r.get("status")]
        scenarios = list(OrderedDict.fromkeys(r["scenario"] for r in data))
        servers = list(OrderedDict.fromkeys(r["server"] for r in data))
        unit = "round trip (64 connections)" if kind == "echo" else "request (wrk, 256 connections)"
        md += [f"## Heap allocation per {unit}", ""]
        skip = next((r.get("skip_s") for r in data if r.get("skip_s")), "?")
        window = next((r.get("window_s") for r in data if r.get("window_s")), None)
        window = "?" if window is None else f"{float(window):.1f}"
        md += ["Bytes allocated on the Java heap by the server's threads in steady state, after a JIT "
               "warm-up, on connections that are already open: `AllocProbe` (attach API; its own JMX "
               "threads excluded) reads the exact per-thread counters of "
               f"`com.sun.management.ThreadMXBean` {skip} s into the load and again about {window} s "
               "later, while the "
               "load goes on; the bytes are divided by the operations in that window (the load's rate "
               "× the window). Connection set-up is left out (it shows in the churn profile). "
               "Lower is better; 0 means allocation-free in steady state.", ""]
        if data:
            head = ["Server"]
            for sc in scenarios:
                head += [f"{sc} B/op", "vs Ringbolt"]
            head.append("Top allocating thread")
            md += ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 2) + "---|"]
            for server in servers:
                cells = [server]
                top = "—"
                for sc in scenarios:
                    r = next((x for x in data if x["server"] == server and x["scenario"] == sc), None)
                    refs = {x["server"]: num(x["bytes_per_op"]) for x in data if x["scenario"] == sc}
                    ref = reference_server(refs)
                    v = num(r["bytes_per_op"]) if r else None
                    cells += [fmt_num(v, 1), ratio(v, refs.get(ref)) if ref else "—"]
                    if r:
                        top = r.get("top_thread", "—")
                cells.append(f"`{top}`")
                md.append("| " + " | ".join(cells) + " |")
            md.append("")
        md += unavailable_lines(unavailable)
    return md


# ---- jmh ----------------------------------------------------------------------------------

def jmh_section(rows, out_dir):
    if not any(r.get("profile") == "jmh" and r.get("file") for r in rows):
        return []
    import json
    path = os.path.join(out_dir, "jmh.json")
    if not os.path.exists(path):
        return ["## JMH micro-benchmarks", "", f"No `{path}`.", ""]
    with open(path) as f:
        results = json.load(f)
    md = ["## JMH micro-benchmarks", ""]
    md += ["One fork pinned to CPU 0, average time per operation; *alloc B/op* is "
           "`gc.alloc.rate.norm` from `-prof gc` (≈0 means allocation-free). `UringNopBenchmark` "
           "scores are per batch of `batch` NOPs (one `io_uring_enter` per batch).", ""]
    md += ["| Benchmark | Params | Score | ± Error | Unit | Alloc B/op |", "|---|---|---:|---:|---|---:|"]
    for r in results:
        name = r["benchmark"].replace("io.ringbolt.bench.jmh.", "")
        params = ", ".join(f"{k}={v}" for k, v in (r.get("params") or {}).items()) or "—"
        pm = r["primaryMetric"]
        alloc = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm", {}).get("score")
        err = pm.get("scoreError")
        err_text = f"{err:,.2f}" if isinstance(err, (int, float)) and err == err else "—"
        md.append(f"| {name} | {params} | {pm['score']:,.2f} | {err_text} | {pm['scoreUnit']} | "
                  f"{'—' if alloc is None else f'{alloc:,.1f}'} |")
    md.append("")
    return md


# ---- method -------------------------------------------------------------------------------

def method_section(out_dir):
    md = ["## How the servers were run", ""]
    md += ["Each server gets CPU 0 (`taskset -c 0`) and one event loop / reactor / worker; load "
           "generators get CPU 1. All JVMs: same JDK and `-Xms512m -Xmx512m -XX:+UseParallelGC`; "
           "Netty additionally gets the flags it needs to run at its best on JDK 25 (Unsafe, "
           "`java.nio` opened, leak detection off). nginx runs as one process "
           "(`master_process off`, one worker). Rounds are interleaved (A B C … A B C …). Echo and "
           "memory servers are restarted for every round; HTTP servers are started once, warmed up "
           "(JIT, then each scenario that runs other code) in the first round and stay up, idle, while "
           "the others are measured. Before each server's turn the harness waits (bounded) for other "
           "processes to quiet down, and a window in which they used more than 20% of a CPU is "
           "measured once more.", ""]
    logs = os.path.join(out_dir, "logs")
    cmds = OrderedDict()
    if os.path.isdir(logs):
        for name in sorted(os.listdir(logs)):
            if name.endswith(".cmd"):
                key = re.sub(r"-r\d+\.log\.cmd$", "", name)
                if key not in cmds:
                    with open(os.path.join(logs, name)) as f:
                        cmds[key] = f.read().strip().lstrip("# ")
    if cmds:
        md += ["Command lines (first round):", "", "```"]
        md += [f"{k}: {v}" for k, v in cmds.items()]
        md += ["```", ""]
    return md


# ---- charts -------------------------------------------------------------------------------

def bar_chart(out_dir, name, title, data, metrics, scenario_label):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "no chart (matplotlib is not installed: apt-get install python3-matplotlib)"
    scenarios = list(data.keys())
    servers = []
    for by_server in data.values():
        for s in by_server:
            if s not in servers:
                servers.append(s)
    fig, axes = plt.subplots(len(metrics), len(scenarios), figsize=(4.2 * len(scenarios), 3.6 * len(metrics)),
                             squeeze=False)
    colors = {s: c for s, c in zip(servers, plt.rcParams["axes.prop_cycle"].by_key()["color"] * 3)}
    for col, scen in enumerate(scenarios):
        by_server = data[scen]
        for row, (key, label) in enumerate(metrics):
            ax = axes[row][col]
            names, meds, lo, hi = [], [], [], []
            for s in servers:
                cell = metric(by_server.get(s, []), key)
                if not cell.ok:
                    continue
                names.append(s)
                meds.append(cell.median)
                lo.append(cell.median - min(cell.values))
                hi.append(max(cell.values) - cell.median)
            ax.bar(range(len(names)), meds, yerr=[lo, hi], capsize=3,
                   color=[colors[n] for n in names])
            ax.set_xticks(range(len(names)))
            ax.set_xticklabels(names, rotation=35, ha="right", fontsize=8)
            ax.set_title(f"{scenario_label}={scen}" if row == 0 else "", fontsize=10)
            if col == 0:
                ax.set_ylabel(label, fontsize=8)
            ax.grid(axis="y", alpha=0.3)
    fig.suptitle(title + " — median, bars show min–max over rounds", fontsize=11)
    fig.tight_layout()
    path = os.path.join(out_dir, name)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# ---- ws profile (issue #13) ----------------------------------------------------------------

WS_INTRO = (
    "WebSocket echo (HttpArena's echo-ws shape): 5-byte masked text messages over 256 connections, "
    "one in flight per connection (ws-1) or pipelined 16 deep (ws-16), from `ws_load` (C, one epoll "
    "thread, pinned to CPU 1; it checks the 101 and Sec-WebSocket-Accept of every handshake and "
    "parses every echoed frame). Ringbolt: `ringbolt serve --reactors 1`, `GET /ws`; Netty 4.2: "
    "`HttpServerCodec` + `HttpObjectAggregator` + `WebSocketServerProtocolHandler`, the received "
    "`TextWebSocketFrame` written back as is, one flush per read batch, one event loop; every server "
    "pinned to CPU 0. *Server CPU µs/message* is the server's CPU (all its threads) over the window "
    "per echoed message (lower is better); latency runs from the send that carried a message to the "
    "read that completed its echo. Median over rounds, min–max in brackets; *vs Ringbolt* divides "
    "by Ringbolt io_uring's median; *Noise* as for echo.")

WS_SCENARIO_TITLES = {
    "ws-1": "256 connections, one message in flight each",
    "ws-16": "256 connections, 16 messages in flight each (pipelined)",
}

WS_FANOUT_INTRO = (
    "Broadcast fan-out: `ws_load --fanout` opens the connections to `/chat` (Ringbolt's chat room; "
    "Netty: a `ChannelGroup`, `writeAndFlush` with a void promise), then one connection sends one "
    "text message, which the server sends to every connection, the sender included. *Deliver ms* "
    "runs from the send to the read that completed the last connection's copy (the one-threaded "
    "client reads 10,000 sockets too, so this includes its own reading); *First ms* to the first "
    "copy; *Server CPU ms* is the server's CPU from the send until 100 ms after the last copy, "
    "less its idle rate. One unrecorded warm-up broadcast per server; median over the recorded "
    "ones, min–max in brackets; *Rounds* counts the recorded broadcasts.")


def ws_bar_line(scenario, by_server):
    """States whether Ringbolt's best CPU per message beats Netty's best (issue #13's bar)."""
    def best(prefix):
        cells = [(metric(rs, "server_cpu_us_per_msg").median, s) for s, rs in by_server.items()
                 if s.startswith(prefix)]
        cells = [c for c in cells if c[0] is not None]
        return min(cells) if cells else None
    rb, nt = best("ringbolt-"), best("netty-")
    if not rb or not nt:
        return []
    verdict = "met" if rb[0] < nt[0] else "not met"
    return [f"Bar (fewer server CPU µs per message than Netty's best), {scenario}: {verdict} — "
            f"{rb[1]} {rb[0]:.2f} µs against {nt[1]} {nt[0]:.2f} µs ({rb[0] / nt[0]:.2f}×).", ""]


def ws_section(rows):
    data, unavailable = group(rows, "ws", "scenario")
    fan, _ = group(rows, "ws-fanout", "conns")
    if not data and not unavailable and not fan:
        return []
    md = ["## WebSocket echo: 5-byte text messages", "", WS_INTRO, ""]
    columns = [("Messages/s", "mps", 0, True, True),
               ("Server CPU µs/message", "server_cpu_us_per_msg", 3, True, True),
               ("p50 µs", "p50_us", 0, False, False), ("p99 µs", "p99_us", 0, False, False),
               ("Server CPU %", "server_cpu_pct", 0, False, False),
               ("Client CPU %", "client_cpu_pct", 0, False, False), ("Noise %", "other_cpu_pct", 0, False, False)]
    for scen, by_server in data.items():
        md += [f"### {scen}: {WS_SCENARIO_TITLES.get(scen, scen)}", ""]
        md += comparison_table(by_server, columns)
        md += ws_bar_line(scen, by_server)
    md += unavailable_lines(unavailable)
    for conns, by_server in fan.items():
        md += [f"### Broadcast fan-out: one message to {int(conns):,} connections", "", WS_FANOUT_INTRO, ""]
        md += comparison_table(by_server, [("Deliver ms", "deliver_ms", 1, True, True),
                                           ("Server CPU ms", "server_cpu_ms", 1, True, True),
                                           ("First ms", "first_ms", 2, False, False),
                                           ("Client CPU ms", "client_cpu_ms", 1, False, False),
                                           ("Connect s", "connect_s", 1, False, False)])
    return md


def kept_ws_section():
    """The last `./ringbolt bench ws` figures (ringbolt-bench/harness/WS_RESULTS.md, if the lead
    kept one), carried across full runs, which do not run the ws profile."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "WS_RESULTS.md")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return f.read().rstrip("\n").split("\n") + [""]

# ---- end ws profile ----------------------------------------------------------------------------


# ---- main ---------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--machine", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--doc", help="also write this Markdown file (BENCHMARKS.md) ...")
    ap.add_argument("--doc-charts", help="... with its charts copied into this directory")
    ap.add_argument("--ops-keep", help="write the ops section here too (ops profile, #15)")
    a = ap.parse_args()
    rows = parse(a.results)
    run = open(a.run).read().strip().splitlines() if os.path.exists(a.run) else []
    run_info = dict(l.split(": ", 1) for l in run if ": " in l)
    md = ["# Ringbolt benchmarks", ""]
    md.append(f"Command: `{run_info.get('command', '?').strip()}` — started {run_info.get('started', '?')}, "
              f"finished {run_info.get('finished', '?')}.")
    md.append("")
    md.append("Reproduce with `./ringbolt bench` (full run, rewrites this file, under 20 minutes) or "
              "`./ringbolt bench --quick [echo|http|memory|alloc|jmh]` (under 3 minutes, writes only "
              "`bench-results/<timestamp>/`). Harness: `ringbolt-bench/bench.sh`; method notes at the end.")
    md.append("")
    noise = [num(r.get("other_cpu_pct")) for r in rows if r.get("other_cpu_pct") is not None]
    noisy = [v for v in noise if v is not None and v > 20]
    if noise:
        md.append(f"Interference: in {len(noisy)} of {len(noise)} measured windows other processes on "
                  "this (shared) machine used more than 20% of a CPU; see the *Noise %* columns.")
        md.append("")
    md.append("## Machine")
    md.append("")
    if os.path.exists(a.machine):
        md += open(a.machine).read().strip().splitlines()
    md.append("")
    charts = []
    md += echo_section(rows, a.out, charts)
    md += http_section(rows, a.out, charts)
    md += memory_section(rows)
    md += alloc_section(rows)
    md += connect_section(rows)
    udp = udp_section(rows)
    md += udp if udp else kept_udp_section()
    md += proxy_section(rows)
    ws = ws_section(rows)  # ws profile (issue #13)
    md += ws if ws else kept_ws_section()  # ws profile (issue #13)
    # -- ops profile (#15) --
    ops = ops_section(rows)
    if ops and a.ops_keep:
        kept = ops[:2] + [f"Measured by `{run_info.get('command', './ringbolt bench ops').strip()}`, started "
                          f"{run_info.get('started', '?')}; full runs, which do not run this profile, repeat it "
                          "from `ringbolt-bench/harness/OPS_RESULTS.md`.", ""] + ops[2:]
        with open(a.ops_keep, "w") as f:
            f.write("\n".join(kept).rstrip("\n") + "\n")
    md += ops if ops else kept_ops_section()
    # -- end ops profile --
    md += jmh_section(rows, a.out)
    md += resilience_section()
    md += method_section(a.out)
    skipped = [r.get("profile") for r in rows if r.get("status") == "skipped"]
    if skipped:
        md += ["## Not run", ""] + [f"- profile `{p}`: not implemented in this harness version yet" for p in skipped] + [""]
    md += ["Raw samples: `results.txt` in the run's results directory; per-server logs under `logs/`.", ""]
    with open(os.path.join(a.out, "report.md"), "w") as f:
        f.write("\n".join(md))
    if a.doc:
        doc = list(md)
        for chart in charts:
            if not chart.endswith(".png"):
                continue
            if a.doc_charts:
                os.makedirs(a.doc_charts, exist_ok=True)
                shutil.copyfile(chart, os.path.join(a.doc_charts, os.path.basename(chart)))
                doc = [doc_chart_line(chart, a.doc_charts) if line == chart_line(chart) else line for line in doc]
        with open(a.doc, "w") as f:
            f.write("\n".join(doc))
    return 0


def kept_udp_section():
    """The last `./ringbolt bench udp` figures (ringbolt-bench/harness/UDP_RESULTS.md), kept across
    full runs, which do not run the udp profile."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "UDP_RESULTS.md")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return f.read().rstrip("\n").split("\n") + [""]


def resilience_section():
    """The resilience figures (ringbolt-bench/resilience/RESULTS.md): attacks measured before and
    after their fixes with their own runner, kept across full runs, which do not repeat them."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resilience", "RESULTS.md")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return f.read().rstrip("\n").split("\n") + [""]


if __name__ == "__main__":
    sys.exit(main())
