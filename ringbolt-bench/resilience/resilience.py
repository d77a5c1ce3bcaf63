#!/usr/bin/env python3
"""Bounded attack runner for `./ringbolt serve` (Python 3 standard library only).

Each scenario starts a fresh server, attacks it on 127.0.0.1 for a bounded time while a canary
process sends GET /plaintext every ~50 ms, samples the server's RSS from /proc, then checks
whether the server is still alive and answering, its RSS after the attackers left (and after a
full GC through jcmd), how many WARNING/SEVERE lines it logged, and how it stopped (SIGTERM, or
SIGKILL when it ignored SIGTERM). Output: one key=value line per scenario and a markdown table.

Run it through run.sh (which raises the fd limit and builds the server first) or
`./ringbolt bench resilience`. All traffic goes to 127.0.0.1; every process started here is
stopped before exiting, on any exit path.
"""
import argparse
import json
import os
import re
import resource
import selectors
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

MiB = 1024 * 1024
LOOPBACK = "127.0.0.1"
READY_TIMEOUT_S = 90          # first start may build; later starts take ~2 s
SIGTERM_GRACE_S = 15          # the server's default --shutdown-grace is 10 s
SETTLE_S = 3                  # after the attackers disconnect, before "RSS after"
PROBE_TIMEOUT_S = 3
CHILDREN = []                 # Popen objects to stop on any exit path


# ---- helpers ---------------------------------------------------------------------------------

def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port():
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def http_get(port, path, timeout, sock=None):
    """One GET on `sock` (or a fresh connection). Returns (status, sock or None)."""
    fresh = sock is None
    if fresh:
        sock = socket.create_connection((LOOPBACK, port), timeout=timeout)
    sock.settimeout(timeout)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: canary\r\n\r\n".encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed before the response head")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
    need = int(m.group(1)) if m else 0
    while len(rest) < need:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside the response body")
        rest += chunk
    if fresh:
        sock.close()
        return status, None
    return status, sock


def proc_status(pid):
    """VmRSS and VmHWM in bytes, or None when the process is gone."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM", "Threads", "State"):
                    out[k] = v.strip()
    except OSError:
        return None
    if out.get("State", "").startswith("Z"):
        return None
    for k in ("VmRSS", "VmHWM"):
        if k in out:
            out[k] = int(out[k].split()[0]) * 1024
    return out


def reactor_threads(pid):
    """Live reactor threads (their names start with 'ringbolt-reactor-', cut to 15 chars)."""
    n = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/comm") as f:
                    if f.read().startswith("ringbolt-reac"):
                        n += 1
            except OSError:
                pass
    except OSError:
        return 0
    return n


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return "-"


def mb(n):
    return "-" if n is None else f"{n / MiB:.0f}"


# ---- the server ------------------------------------------------------------------------------

class Server:
    """A server under test, in its own process group; `stop` records how it ended."""

    def __init__(self, cmd, env, log_prefix, nofile=None):
        self.cmd = cmd
        if nofile:
            self.cmd = ["prlimit", f"--nofile={nofile}:{nofile}", "--"] + cmd
        self.env = env
        self.stdout_path = log_prefix + ".stdout"
        self.stderr_path = log_prefix + ".stderr"
        self.proc = None
        self.stop_how = "-"
        self.exit_code = None

    def start(self):
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                         env=self.env, start_new_session=True)
        CHILDREN.append(self.proc)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None and proc_status(self.pid) is not None

    def wait_ready(self, port):
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode} while starting; see {self.stderr_path}")
            try:
                if http_get(port, "/plaintext", 1)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not ready in {READY_TIMEOUT_S}s; see {self.stderr_path}")

    def jcmd(self, *args, timeout=20):
        """Runs the server JVM's own jcmd; returns its output or None."""
        try:
            jcmd = os.path.join(os.path.dirname(os.readlink(f"/proc/{self.pid}/exe")), "jcmd")
        except OSError:
            return None
        if not os.path.exists(jcmd):
            return None
        try:
            r = subprocess.run([jcmd, str(self.pid)] + list(args), capture_output=True, text=True, timeout=timeout)
            return r.stdout
        except (subprocess.TimeoutExpired, OSError):
            return None

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is not None:
            self.exit_code = self.proc.returncode
            self.stop_how = "exited-before"
            return
        t0 = time.monotonic()
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.exit_code = self.proc.wait(SIGTERM_GRACE_S)
            self.stop_how = f"sigterm({time.monotonic() - t0:.1f}s)"
        except subprocess.TimeoutExpired:
            self.kill()
            self.stop_how = f"SIGKILL(ignored-sigterm-{SIGTERM_GRACE_S}s)"

    def kill(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.exit_code = self.proc.wait()

    def log_counts(self):
        counts = {"warn": 0, "severe": 0, "oom": 0, "stderr_bytes": 0}
        try:
            counts["stderr_bytes"] = os.path.getsize(self.stderr_path)
            with open(self.stderr_path, "rb") as f:
                for line in f:
                    if b" WARNING " in line[:40]:
                        counts["warn"] += 1
                    elif b" SEVERE " in line[:40] or b" ERROR " in line[:40]:
                        counts["severe"] += 1
                    if b"OutOfMemoryError" in line:
                        counts["oom"] += 1
        except OSError:
            pass
        return counts


class RssSampler(threading.Thread):
    """Samples VmRSS every 100 ms; keeps the peak and the last VmHWM seen."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = 0
        self.hwm = 0
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            st = proc_status(self.pid)
            if st is None:
                return
            self.peak_rss = max(self.peak_rss, st.get("VmRSS", 0))
            self.hwm = max(self.hwm, st.get("VmHWM", 0))
            self.stopping.wait(0.1)

    def stop(self):
        self.stopping.set()
        self.join(2)


# ---- the canary (a child process, so the attacker's work does not delay it) ------------------

def canary_main(port, duration_s, interval_s, timeout_s):
    """Alternates requests on one keep-alive connection and on fresh ones; prints JSON."""
    stop = time.monotonic() + duration_s
    lat, ok, fail, errors = [], 0, 0, {}
    ka = None
    i = 0
    try:
        while time.monotonic() < stop:
            t0 = time.monotonic()
            use_ka = i % 2 == 0
            i += 1
            try:
                if use_ka:
                    if ka is None:
                        ka = socket.create_connection((LOOPBACK, port), timeout=timeout_s)
                    status, ka = http_get(port, "/plaintext", timeout_s, ka)
                else:
                    status, _ = http_get(port, "/plaintext", timeout_s)
                if status == 200:
                    ok += 1
                else:
                    fail += 1
                    errors[f"status{status}"] = errors.get(f"status{status}", 0) + 1
            except (OSError, ValueError, IndexError) as e:
                fail += 1
                name = type(e).__name__
                errors[name] = errors.get(name, 0) + 1
                if use_ka and ka is not None:
                    ka.close()
                    ka = None
            dt = time.monotonic() - t0
            lat.append(dt)
            time.sleep(max(0.0, interval_s - dt))
    except KeyboardInterrupt:
        pass
    lat.sort()
    out = {"sent": ok + fail, "ok": ok, "fail": fail, "errors": errors,
           "worst_ms": round(lat[-1] * 1000, 1) if lat else None,
           "p99_ms": round(lat[int(len(lat) * 0.99) - 1] * 1000, 1) if len(lat) >= 100 else None}
    print(json.dumps(out), flush=True)


class Canary:
    def __init__(self, port, duration_s):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "_canary", str(port),
                                      str(duration_s)], stdout=subprocess.PIPE, text=True)
        CHILDREN.append(self.proc)

    def result(self, budget_s):
        try:
            out, _ = self.proc.communicate(timeout=budget_s)
            return json.loads(out.strip().splitlines()[-1])
        except (subprocess.TimeoutExpired, ValueError, IndexError):
            self.proc.kill()
            self.proc.wait()
            return {"sent": 0, "ok": 0, "fail": 0, "errors": {"canary-hung": 1}, "worst_ms": None, "p99_ms": None}


# ---- the attacker: one selector loop over many non-blocking sockets --------------------------

class Conn:
    __slots__ = ("sock", "payload", "off", "connected", "closed", "drip", "next_drip", "read",
                 "tail", "statuses", "repeat", "sent_reqs", "opened_at")


class Attack:
    """Connections that send `payload` once connected, then optionally drip bytes or repeat the
    payload after each response; read policy 'never', 'discard' or 'count' (status lines)."""

    STATUS = re.compile(rb"HTTP/1\.[01] (\d{3}) ")

    def __init__(self, port, deadline_s, connect_batch=256):
        self.port = port
        self.drippers = []
        self.stop_when_answered = False
        self.deadline = time.monotonic() + deadline_s
        self.connect_batch = connect_batch
        self.sel = selectors.DefaultSelector()
        self.conns = []
        self.pending_specs = []
        self.stats = {"conns": 0, "connected": 0, "connect_failed": 0, "closed_by_server": 0,
                      "bytes_sent": 0, "first_server_close_s": None}
        self.statuses = {}
        self.t0 = time.monotonic()

    def add(self, count, payload, read="discard", drip=None, repeat=1):
        for _ in range(count):
            self.pending_specs.append((payload, read, drip, repeat))
        self.stats["conns"] += count

    def _open(self, payload, read, drip, repeat):
        c = Conn()
        c.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.sock.setblocking(False)
        c.payload = memoryview(payload)
        c.off = 0
        c.connected = False
        c.closed = False
        c.drip = drip
        c.next_drip = None
        c.read = read
        c.tail = b""
        c.statuses = 0
        c.repeat = repeat
        c.sent_reqs = 1
        c.opened_at = time.monotonic()
        err = c.sock.connect_ex((LOOPBACK, self.port))
        if err not in (0, 115):  # EINPROGRESS
            c.sock.close()
            self.stats["connect_failed"] += 1
            return
        self.conns.append(c)
        if drip:
            self.drippers.append(c)
        self.sel.register(c.sock, selectors.EVENT_WRITE, c)

    def _events(self, c):
        ev = 0
        if not c.connected or c.off < len(c.payload):
            ev |= selectors.EVENT_WRITE
        if c.connected and c.read != "never":
            ev |= selectors.EVENT_READ
        return ev

    def _rearm(self, c):
        ev = self._events(c)
        try:
            if ev:
                self.sel.modify(c.sock, ev, c)
            else:
                self.sel.unregister(c.sock)
        except (KeyError, ValueError):
            if ev:
                self.sel.register(c.sock, ev, c)

    def _server_closed(self, c):
        if c.closed:
            return
        c.closed = True
        self.stats["closed_by_server"] += 1
        if self.stats["first_server_close_s"] is None:
            self.stats["first_server_close_s"] = round(time.monotonic() - self.t0, 1)
        try:
            self.sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        c.sock.close()

    def _send(self, c):
        try:
            n = c.sock.send(c.payload[c.off:c.off + 1024 * 1024])
            c.off += n
            self.stats["bytes_sent"] += n
        except BlockingIOError:
            pass
        except OSError:
            self._server_closed(c)

    def _recv(self, c):
        try:
            data = c.sock.recv(256 * 1024)
        except BlockingIOError:
            return
        except OSError:
            self._server_closed(c)
            return
        if not data:
            self._server_closed(c)
            return
        if c.read == "count":
            buf = c.tail + data
            for m in self.STATUS.finditer(buf):
                code = m.group(1).decode()
                self.statuses[code] = self.statuses.get(code, 0) + 1
                c.statuses += 1
            c.tail = buf[-16:]
            if c.statuses >= c.sent_reqs and c.sent_reqs < c.repeat:
                c.sent_reqs += 1
                c.off = 0
                self._rearm(c)

    def run(self):
        """Runs until the deadline (or, with stop_when_answered, until every conn got its answers)."""
        while time.monotonic() < self.deadline:
            if self.pending_specs:
                for spec in self.pending_specs[:self.connect_batch]:
                    self._open(*spec)
                del self.pending_specs[:self.connect_batch]
            now = time.monotonic()
            for key, mask in self.sel.select(timeout=0.02):
                c = key.data
                if c.closed:
                    continue
                if not c.connected and mask & selectors.EVENT_WRITE:
                    err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        self.stats["connect_failed"] += 1
                        c.closed = True
                        self.sel.unregister(c.sock)
                        c.sock.close()
                        continue
                    c.connected = True
                    self.stats["connected"] += 1
                    if c.drip:
                        c.next_drip = now + c.drip[1]
                if mask & selectors.EVENT_READ:
                    self._recv(c)
                if not c.closed and mask & selectors.EVENT_WRITE and c.off < len(c.payload):
                    self._send(c)
                if not c.closed:
                    self._rearm(c)
            for c in self.drippers:
                if c.connected and not c.closed and c.off >= len(c.payload) and now >= c.next_drip:
                    try:
                        c.sock.send(c.drip[0])
                        self.stats["bytes_sent"] += len(c.drip[0])
                    except BlockingIOError:
                        pass
                    except OSError:
                        self._server_closed(c)
                    c.next_drip = now + c.drip[1]
            if self.stop_when_answered and not self.pending_specs and all(
                    c.closed or c.statuses >= c.repeat for c in self.conns):
                break
        self.stats["open_at_end"] = sum(1 for c in self.conns if c.connected and not c.closed)
        self.stats["elapsed_s"] = round(time.monotonic() - self.t0, 1)

    def close(self):
        for c in self.conns:
            if not c.closed:
                try:
                    c.sock.close()
                except OSError:
                    pass
        self.sel.close()


# ---- scenarios ------------------------------------------------------------------------------

def post_head(length, ctype=b"application/octet-stream"):
    return (b"POST /echo HTTP/1.1\r\nHost: attacker\r\nContent-Type: " + ctype
            + b"\r\nContent-Length: " + str(length).encode() + b"\r\n\r\n")


GET_APP_JS = b"GET /static/app.js HTTP/1.1\r\nHost: a\r\n\r\n"        # 40 bytes
GET_DELAY = b"GET /delay/1000 HTTP/1.1\r\nHost: a\r\n\r\n"


def s1_partial_body(a, o):
    body = b"x" * int(o.s1_body_bytes)
    a.add(o.s1_conns, post_head(8388608) + body, read="discard")
    return f"{o.s1_conns} conns x POST /echo CL=8MiB + {o.s1_body_bytes / 1e6:.1f} MB of body, held"


def s2_headers_post(a, o):
    a.add(o.s2_conns, post_head(8388608), read="discard")
    return f"{o.s2_conns} conns x complete POST /echo head CL=8MiB, no body"


def s2_headers_incomplete(a, o):
    a.add(o.s2_conns, post_head(8388608)[:-2], read="discard")
    return f"{o.s2_conns} conns x POST /echo head without the final CRLF"


def s2_headers_get(a, o):
    a.add(o.s2_conns, b"GET /plaintext HTTP/1.1\r\nHost: attacker\r\n\r\n", read="discard")
    return f"{o.s2_conns} conns x complete GET /plaintext head, keep-alive, idle after"


def s3_payload(total_bytes):
    n = max(1, (total_bytes - len(GET_DELAY)) // len(GET_APP_JS))
    return GET_DELAY + GET_APP_JS * n, n


def s3_pipeliner_1(a, o):
    p, n = s3_payload(307 * 1000)
    a.add(1, p, read="never")
    return f"1 client: GET /delay/1000 + {n} x GET /static/app.js pipelined ({len(p) // 1000} KB), never reads"


def s3_pipeliner_10(a, o):
    p, n = s3_payload(16 * 1024)
    a.add(10, p, read="never")
    return f"10 clients: GET /delay/1000 + {n} x GET /static/app.js each ({len(p) // 1000} KB), never read"


def s4_slow_body(a, o):
    a.add(o.s4_conns, post_head(1000), read="discard", drip=(b"x", o.s4_interval))
    return (f"{o.s4_conns} conns x POST /echo CL=1000, 1 body byte every {o.s4_interval:g}s "
            f"(server: {o.s4_server_args})")


def s5_ctype(a, o):
    types = [b"text/plain;\tcharset=utf-8", b"text/plain; charset=\xe9t\xe9"]
    per = o.s5_requests // o.s5_conns
    a.stop_when_answered = True
    for i in range(o.s5_conns):
        a.add(1, post_head(2, types[i % 2]) + b"hi", read="count", repeat=per)
    return f"{o.s5_conns} keep-alive conns x {per} POST /echo with HTAB / obs-text Content-Type"


def s6_emfile(a, o):
    a.add(o.s6_conns, b"GET /plaintext HTTP/1.1\r\nHost: attacker\r\n\r\n", read="discard")
    return f"server under prlimit --nofile={o.s6_nofile}; {o.s6_conns} conns held"


# name -> (build, option holding the attack seconds, option with extra server args, option with a nofile limit)
SCENARIOS = {
    "s1_partial_body": (s1_partial_body, "s1_seconds", None, None),
    "s2_headers_post": (s2_headers_post, "s2_seconds", None, None),
    "s2_headers_incomplete": (s2_headers_incomplete, "s2_seconds", None, None),
    "s2_headers_get": (s2_headers_get, "s2_seconds", None, None),
    "s3_pipeliner_1": (s3_pipeliner_1, "s3_seconds", None, None),
    "s3_pipeliner_10": (s3_pipeliner_10, "s3_seconds", None, None),
    "s4_slow_body": (s4_slow_body, "s4_seconds", "s4_server_args", None),
    "s5_ctype": (s5_ctype, "s5_seconds", None, None),
    "s6_emfile": (s6_emfile, "s6_seconds", None, "s6_nofile"),
}
DEFAULT_SCENARIOS = list(SCENARIOS)


def run_scenario(name, backend, o, log):
    build, seconds_attr, args_attr, nofile_attr = SCENARIOS[name]
    seconds = getattr(o, seconds_attr)
    port = free_port()
    extra = shlex.split(getattr(o, args_attr)) if args_attr else []
    cmd = [a.replace("{port}", str(port)).replace("{backend}", backend) for a in shlex.split(o.server_cmd)] + extra
    env = dict(os.environ)
    env["RINGBOLT_JAVA_OPTS"] = o.java_opts
    nofile = getattr(o, nofile_attr) if nofile_attr else None
    server = Server(cmd, env, os.path.join(o.out, f"{backend}-{name}"), nofile)
    row = {"scenario": name, "backend": backend, "java_opts": o.java_opts.replace(" ", ",") or "default"}
    attack = None
    try:
        server.start()
        server.wait_ready(port)
        row["pid"] = server.pid
        st0 = proc_status(server.pid) or {}
        row["rss_start_mb"] = mb(st0.get("VmRSS"))
        row["reactors_start"] = reactor_threads(server.pid)
        row["fds_start"] = open_fds(server.pid)
        sampler = RssSampler(server.pid)
        sampler.start()
        canary = Canary(port, seconds)
        attack = Attack(port, seconds)
        row["attack"] = build(attack, o)
        log(f"  {backend} {name}: {row['attack']} for {seconds}s")
        attack.run()
        attack.close()
        row.update({f"atk_{k}": v for k, v in attack.stats.items()})
        if attack.statuses:
            row["atk_statuses"] = ",".join(f"{k}:{v}" for k, v in sorted(attack.statuses.items()))
        c = canary.result(seconds + 10)
        row.update({"canary_sent": c["sent"], "canary_ok": c["ok"], "canary_worst_ms": c["worst_ms"],
                    "canary_p99_ms": c["p99_ms"],
                    "canary_errors": ",".join(f"{k}:{v}" for k, v in c["errors"].items()) or "-"})
        time.sleep(SETTLE_S)
        sampler.stop()
        row["rss_peak_mb"] = mb(max(sampler.peak_rss, sampler.hwm))
        st = proc_status(server.pid)
        row["rss_after_mb"] = mb(st["VmRSS"]) if st else "-"
        row["reactors_after"] = reactor_threads(server.pid) if st else 0
        row["fds_after"] = open_fds(server.pid)
        answering = False
        if server.alive():
            for _ in range(2):
                try:
                    answering = http_get(port, "/plaintext", PROBE_TIMEOUT_S)[0] == 200
                    if answering:
                        break
                except OSError:
                    pass
        row["alive_after"] = "yes" if server.alive() else "no"
        row["answering_after"] = "yes" if answering else "no"
        # jcmd hangs on a JVM out of heap, so only an answering server gets a full GC.
        if answering and not o.no_gc:
            if server.jcmd("GC.run") is not None:
                time.sleep(1)
                st = proc_status(server.pid)
                row["rss_after_gc_mb"] = mb(st["VmRSS"]) if st else "-"
        if server.proc.poll() is not None:
            row["exited_during"] = f"rc={server.proc.returncode}"
    except Exception as e:  # a broken scenario must not stop the others
        row["error"] = str(e).replace(" ", "_")[:200]
    finally:
        if attack is not None:
            attack.close()
        server.stop()
        row["stop"] = server.stop_how
        row["exit_code"] = server.exit_code
        row.update(server.log_counts())
    return row


COLUMNS = [("scenario", "scenario"), ("backend", "backend"), ("java_opts", "heap opts"),
           ("canary", "canary ok/sent"), ("canary_worst_ms", "canary worst ms"),
           ("rss_peak_mb", "peak RSS MB"), ("rss_after_mb", "RSS after leave MB"),
           ("rss_after_gc_mb", "RSS after GC MB"), ("reactors", "reactors start→after"),
           ("fds", "server fds start→after"),
           ("alive", "alive / answering after"), ("stop", "stop"), ("exit_code", "exit"),
           ("warn", "WARNING lines"), ("severe", "SEVERE lines"), ("oom", "OOM lines"),
           ("attack_result", "attack result")]


def table(rows):
    md = ["| " + " | ".join(h for _, h in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        cells = []
        for key, _ in COLUMNS:
            if key == "canary":
                v = f"{r.get('canary_ok', '-')}/{r.get('canary_sent', '-')}"
            elif key == "reactors":
                v = f"{r.get('reactors_start', '-')}→{r.get('reactors_after', '-')}"
            elif key == "fds":
                v = f"{r.get('fds_start', '-')}→{r.get('fds_after', '-')}"
            elif key == "alive":
                v = f"{r.get('alive_after', '-')} / {r.get('answering_after', '-')}"
            elif key == "attack_result":
                v = (f"{r.get('atk_connected', '-')}/{r.get('atk_conns', '-')} connected, "
                     f"{r.get('atk_closed_by_server', '-')} closed by server"
                     + (f" (first at {r['atk_first_server_close_s']}s)" if r.get("atk_first_server_close_s") else "")
                     + f", {r.get('atk_open_at_end', '-')} open at end"
                     + (f", responses {r['atk_statuses']}" if r.get("atk_statuses") else "")
                     + (f", ERROR {r['error']}" if r.get("error") else ""))
            else:
                v = r.get(key, "-")
            cells.append(str(v if v is not None else "-"))
        md.append("| " + " | ".join(cells) + " |")
    return "\n".join(md)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", ".."))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backend", action="append", choices=["io_uring", "nio"],
                   help="backend(s) to attack (repeatable; default both)")
    p.add_argument("--scenarios", default=",".join(DEFAULT_SCENARIOS),
                   help="comma-separated scenario names or prefixes (s1,s3,...); default all: "
                        + ",".join(DEFAULT_SCENARIOS))
    p.add_argument("--server-cmd", default=f"{root}/ringbolt serve --port {{port}} --backend {{backend}}",
                   help="server command; {port} and {backend} are substituted (default: this repo's ./ringbolt serve)")
    p.add_argument("--java-opts", default=os.environ.get("RINGBOLT_JAVA_OPTS", ""),
                   help="passed to the server as RINGBOLT_JAVA_OPTS (default: $RINGBOLT_JAVA_OPTS, e.g. -Xmx1g)")
    p.add_argument("--out", default=None, help="directory for server logs and results (default bench-results/resilience-<time>)")
    p.add_argument("--no-gc", action="store_true", help="skip the jcmd GC.run after the attack")
    p.add_argument("--s1-conns", type=int, default=1000)
    p.add_argument("--s1-body-bytes", type=float, default=1.1e6)
    p.add_argument("--s1-seconds", type=float, default=25)
    p.add_argument("--s2-conns", type=int, default=7000)
    p.add_argument("--s2-seconds", type=float, default=20)
    p.add_argument("--s3-seconds", type=float, default=15)
    p.add_argument("--s4-conns", type=int, default=300)
    p.add_argument("--s4-interval", type=float, default=2)
    p.add_argument("--s4-seconds", type=float, default=25)
    p.add_argument("--s4-server-args", default="--header-timeout 5s --keepalive-timeout 5s",
                   help="extra server args for s4, so that a body deadline derived from them fires inside the window")
    p.add_argument("--s5-conns", type=int, default=20)
    p.add_argument("--s5-requests", type=int, default=2000)
    p.add_argument("--s5-seconds", type=float, default=10)
    p.add_argument("--s6-nofile", type=int, default=256)
    p.add_argument("--s6-conns", type=int, default=400)
    p.add_argument("--s6-seconds", type=float, default=10)
    o = p.parse_args()
    backends = o.backend or ["io_uring", "nio"]
    wanted = []
    for s in o.scenarios.split(","):
        s = s.strip()
        match = [s] if s in SCENARIOS else [n for n in SCENARIOS if n.startswith(s + "_")]
        if not match:
            p.error(f"unknown scenario '{s}' (known: {', '.join(SCENARIOS)})")
        wanted += [n for n in match if n not in wanted]
    o.out = o.out or os.path.join(root, "bench-results", "resilience-" + time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(o.out, exist_ok=True)
    if "s6_emfile" in wanted and not shutil.which("prlimit"):
        p.error("s6_emfile needs prlimit (apt-get install util-linux)")
    limit = raise_fd_limit()
    if limit < max(o.s2_conns, o.s1_conns) + 100:
        print(f"resilience: fd soft limit {limit} is below the connection counts; raise the hard limit", file=sys.stderr)

    lines_path = os.path.join(o.out, "results.txt")
    md_path = os.path.join(o.out, "results.md")

    def log(msg):
        print(time.strftime("%H:%M:%S ") + msg, file=sys.stderr, flush=True)

    rows = []
    log(f"resilience: scenarios {','.join(wanted)} on {','.join(backends)}; "
        f"RINGBOLT_JAVA_OPTS='{o.java_opts}'; logs in {o.out}")
    with open(lines_path, "a") as lines:
        for backend in backends:
            for name in wanted:
                t0 = time.monotonic()
                row = run_scenario(name, backend, o, log)
                row["wall_s"] = round(time.monotonic() - t0, 1)
                rows.append(row)
                line = " ".join(f"{k}={str(v).replace(' ', '_')}" for k, v in row.items())
                print(line, flush=True)
                lines.write(line + "\n")
    md = [f"RINGBOLT_JAVA_OPTS='{o.java_opts}', server command `{o.server_cmd}`", "",
          table(rows), "", "Attacks:", ""]
    seen = set()
    for r in rows:
        if r["scenario"] not in seen and r.get("attack"):
            seen.add(r["scenario"])
            md.append(f"- `{r['scenario']}`: {r['attack']}")
    with open(md_path, "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))
    log(f"resilience: {lines_path} and {md_path}")


def stop_children():
    for c in CHILDREN:
        if c.poll() is None:
            try:
                if os.getpgid(c.pid) == c.pid:
                    os.killpg(c.pid, signal.SIGKILL)   # a server: its own process group
                else:
                    c.kill()
            except (ProcessLookupError, PermissionError):
                pass
            try:
                c.wait(5)
            except subprocess.TimeoutExpired:
                pass


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_canary":
        canary_main(int(sys.argv[2]), float(sys.argv[3]), 0.05, 2.0)
        sys.exit(0)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        stop_children()
