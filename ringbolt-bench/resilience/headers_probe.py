#!/usr/bin/env python3
"""Attributes the memory that header-only connections cost `./ringbolt serve`, per form.

For each form it starts a server with -XX:NativeMemoryTracking=summary, takes a baseline
(after a full GC), opens N connections that each send one kind of "headers only", holds them
and measures again: RSS, the NMT categories, the G1 heap (used, region size) and the class
histogram (live objects, after a full GC). Prints the differences per connection.

  ringbolt-bench/resilience/headers_probe.py [--backend io_uring|nio] [--conns N]
                                             [--forms post,post-small,incomplete,get]

127.0.0.1 only; the server runs with long header/keep-alive timeouts so that no connection is
closed while it is measured (timeouts do not change what a connection holds).
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import resilience as r  # noqa: E402

FORMS = {
    "post": (r.post_head(8388608), "complete POST /echo head, Content-Length: 8388608, no body"),
    "post-small": (r.post_head(1000), "complete POST /echo head, Content-Length: 1000, no body"),
    "incomplete": (r.post_head(8388608)[:-2], "POST /echo head without its final CRLF"),
    "get": (b"GET /plaintext HTTP/1.1\r\nHost: attacker\r\n\r\n", "complete GET /plaintext head, keep-alive"),
}


def nmt(server):
    out = server.jcmd("VM.native_memory", "summary") or ""
    cats = {}
    for m in re.finditer(r"^-\s+(.+?) \(reserved=(\d+)KB, committed=(\d+)KB\)", out, re.M):
        cats[m.group(1).strip()] = int(m.group(3)) * 1024
    return cats


def histogram(server):
    out = server.jcmd("GC.class_histogram", timeout=60) or ""
    h = {}
    for m in re.finditer(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", out, re.M):
        h[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return h


def heap(server):
    out = server.jcmd("GC.heap_info") or ""
    used = re.search(r"used (\d+)K", out)
    region = re.search(r"region size (\d+)K", out)
    humongous = re.search(r"(\d+) humongous", out)
    return {"used": int(used.group(1)) * 1024 if used else 0,
            "region_kb": int(region.group(1)) if region else None,
            "humongous": int(humongous.group(1)) if humongous else None, "raw": out.strip()}


def snapshot(server):
    server.jcmd("GC.run")
    time.sleep(1)
    st = r.proc_status(server.pid) or {}
    return {"rss": st.get("VmRSS", 0), "nmt": nmt(server), "heap": heap(server), "hist": histogram(server)}


def probe(backend, form, conns, java_opts, out_dir, settle_s):
    port = r.free_port()
    root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    cmd = [os.path.join(root, "ringbolt"), "serve", "--port", str(port), "--backend", backend,
           "--header-timeout", "300s", "--keepalive-timeout", "300s"]
    env = dict(os.environ)
    env["RINGBOLT_JAVA_OPTS"] = ("-XX:NativeMemoryTracking=summary " + java_opts).strip()
    server = r.Server(cmd, env, os.path.join(out_dir, f"probe-{backend}-{form}"))
    attack = None
    try:
        server.start()
        server.wait_ready(port)
        time.sleep(1)
        before = snapshot(server)
        attack = r.Attack(port, settle_s)
        attack.add(conns, FORMS[form][0], read="discard")
        attack.run()
        opened = attack.stats["open_at_end"]
        alive = server.alive()
        after = snapshot(server) if alive else None
        oom = server.log_counts()["oom"]
    finally:
        if attack is not None:
            attack.close()
        server.stop()
    print(f"\n## {backend}, {form}: {FORMS[form][1]} x {conns} ({opened} open when measured, server "
          f"{'alive' if alive else 'DEAD'}, OutOfMemoryError lines {oom})")
    if after is None:
        return
    n = max(1, opened)
    d_rss = after["rss"] - before["rss"]
    print(f"RSS {before['rss'] / r.MiB:.0f} -> {after['rss'] / r.MiB:.0f} MiB: {d_rss / n:,.0f} B/conn")
    hb, ha = before["heap"], after["heap"]
    print(f"G1 used after full GC {hb['used'] / r.MiB:.0f} -> {ha['used'] / r.MiB:.0f} MiB: "
          f"{(ha['used'] - hb['used']) / n:,.0f} B/conn (region size {ha['region_kb']} KiB, "
          f"humongous regions {hb['humongous']} -> {ha['humongous']})")
    rows = []
    for cat in sorted(set(before["nmt"]) | set(after["nmt"])):
        d = after["nmt"].get(cat, 0) - before["nmt"].get(cat, 0)
        if abs(d) >= 64 * 1024:
            rows.append((d, cat))
    print("NMT committed, changes >= 64 KiB: " + ", ".join(
        f"{cat} {d / r.MiB:+.1f} MiB ({d / n:,.0f} B/conn)" for d, cat in sorted(rows, reverse=True)))
    deltas = []
    total = 0
    for cls in set(before["hist"]) | set(after["hist"]):
        ib, bb = before["hist"].get(cls, (0, 0))
        ia, ba = after["hist"].get(cls, (0, 0))
        total += ba - bb
        if ba - bb > 0:
            deltas.append((ba - bb, ia - ib, cls))
    print(f"live heap objects (class histogram) {total / r.MiB:+.1f} MiB: {total / n:,.0f} B/conn; top:")
    for d, di, cls in sorted(deltas, reverse=True)[:8]:
        print(f"  {cls:70s} {di:+8d} instances {d / r.MiB:+9.1f} MiB  {d / n:>10,.0f} B/conn")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backend", action="append", choices=["io_uring", "nio"])
    p.add_argument("--forms", default="post,post-small,incomplete,get")
    p.add_argument("--conns", type=int, default=1000)
    p.add_argument("--settle", type=float, default=6, help="seconds to connect and send before measuring")
    p.add_argument("--java-opts", default=os.environ.get("RINGBOLT_JAVA_OPTS", ""))
    p.add_argument("--out", default="/tmp/ringbolt-headers-probe")
    o = p.parse_args()
    os.makedirs(o.out, exist_ok=True)
    r.raise_fd_limit()
    print(f"# headers-only probe: {o.conns} connections per form, RINGBOLT_JAVA_OPTS='{o.java_opts}' (+NMT)")
    for backend in o.backend or ["io_uring", "nio"]:
        for form in o.forms.split(","):
            probe(backend, form, o.conns, o.java_opts, o.out, o.settle)


if __name__ == "__main__":
    try:
        main()
    finally:
        r.stop_children()
