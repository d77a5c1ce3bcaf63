"""The checks of HttpArena's echo-ws validation, re-implemented for Ringbolt's tests.

Written for Ringbolt from the description of HttpArena's checks (not a copy of their code):
  MDA2AV/HttpArena scripts/lib/validate/checks/websocket.sh (commit ce289c7cecdbd76ae28057ff7a696c4ea1a97f25)
  runs scripts/validate-ws.py (commit 28606bafd5526c28b8438f630d7dca73b2869e28, last changed in
  0cf4e841afbcf47e6857c9b22174d8c4628c2307) as `python3 validate-ws.py localhost $PORT /ws` and
  counts "N passed" / "N failed" from its output; site/content/docs/test-profiles/ws/echo/validation.md
  lists the checks. Like theirs, this is a standard-library-only client on a raw socket. It is
  stricter in places: the close answer must carry code 1000 (their page says so, their script only
  reads a frame), server frames must be unmasked with FIN set, the non-upgrade GET must get a 4xx
  (theirs also accepts a closed connection), and it adds the ping/pong their script's docstring names.

Usage: python3 echo_ws_check.py HOST PORT PATH; prints "PASS [..]"/"FAIL [..]" lines and
"=== WS Results: N passed, M failed ===", exit status 1 if anything failed.
"""

import base64
import hashlib
import os
import socket
import struct
import sys

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, label, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"  PASS [{label}]" + (f" ({detail})" if detail else ""))
        else:
            self.failed += 1
            print(f"  FAIL [{label}]" + (f": {detail}" if detail else ""))
        return ok


def read_exactly(sock, n):
    data = bytearray()
    while len(data) < n:
        part = sock.recv(n - len(data))
        if not part:
            raise EOFError(f"connection closed after {len(data)} of {n} bytes")
        data += part
    return bytes(data)


def read_head(sock):
    data = bytearray()
    while b"\r\n\r\n" not in data:
        part = sock.recv(1)
        if not part:
            break
        data += part
    return data.decode("iso-8859-1")


def masked_frame(opcode, payload):
    """A client frame (RFC 6455 5.2): FIN, the opcode, a fresh mask key, the masked payload."""
    key = os.urandom(4)
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    return head + key + bytes(b ^ key[i & 3] for i, b in enumerate(payload))


def read_frame(sock):
    """One server frame: (fin, opcode, masked, payload)."""
    b0, b1 = read_exactly(sock, 2)
    n = b1 & 0x7F
    if n == 126:
        (n,) = struct.unpack("!H", read_exactly(sock, 2))
    elif n == 127:
        (n,) = struct.unpack("!Q", read_exactly(sock, 8))
    masked = bool(b1 & 0x80)
    key = read_exactly(sock, 4) if masked else None
    payload = read_exactly(sock, n)
    if masked:
        payload = bytes(b ^ key[i & 3] for i, b in enumerate(payload))
    return bool(b0 & 0x80), b0 & 0x0F, masked, payload


def upgrade(host, port, path, report, labels=True):
    sock = socket.create_connection((host, port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    lines = read_head(sock).split("\r\n")
    status = lines[0].split(" ")
    accept = next((l.split(":", 1)[1].strip() for l in lines[1:] if l.lower().startswith("sec-websocket-accept:")), "")
    want = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    ok = len(status) > 1 and status[1] == "101"
    if labels:
        report.check("upgrade status 101", ok, lines[0])
        report.check("Sec-WebSocket-Accept", accept == want, f"expected {want}, got {accept}")
    return sock if ok and accept == want else None


def expect_echo(sock, opcode, payload):
    fin, op, masked, got = read_frame(sock)
    if masked or not fin or op != opcode or got != payload:
        return False, f"fin={fin} opcode={op} masked={masked} {len(got)} bytes, wanted {len(payload)}"
    return True, f"{len(payload)} bytes"


def main():
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    report = Report()
    print(f"[test] WebSocket echo validation (ws://{host}:{port}{path})")
    sock = upgrade(host, port, path, report)
    if sock is None:
        print(f"\n=== WS Results: {report.passed} passed, {report.failed} failed ===")
        return 1

    text = f"HttpArena-validate-{os.urandom(8).hex()}".encode()
    sock.sendall(masked_frame(TEXT, text))
    report.check("text echo", *expect_echo(sock, TEXT, text))

    data = os.urandom(256)
    sock.sendall(masked_frame(BINARY, data))
    report.check("binary echo", *expect_echo(sock, BINARY, data))

    burst = [f"msg-{i}-{os.urandom(4).hex()}".encode() for i in range(5)]
    sock.sendall(b"".join(masked_frame(TEXT, m) for m in burst))  # all five before reading any answer
    results = [expect_echo(sock, TEXT, m) for m in burst]
    report.check("multi-message echo (5 msgs)", all(ok for ok, _ in results), "; ".join(d for ok, d in results if not ok))

    sock.sendall(masked_frame(PING, b"arena"))
    fin, op, masked, got = read_frame(sock)
    report.check("ping answered with pong", op == PONG and got == b"arena" and not masked, f"opcode={op} payload={got!r}")

    sock.sendall(masked_frame(CLOSE, struct.pack("!H", 1000) + b"validate done"))
    fin, op, masked, got = read_frame(sock)
    code = struct.unpack("!H", got[:2])[0] if len(got) >= 2 else None
    eof = sock.recv(1) == b""
    report.check("close answered with 1000", op == CLOSE and code == 1000 and eof, f"opcode={op} code={code} eof={eof}")
    sock.close()

    plain = socket.create_connection((host, port), timeout=5)
    plain.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: keep-alive\r\n\r\n".encode())
    status_line = read_head(plain).split("\r\n")[0]
    parts = status_line.split(" ")
    code = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    report.check("reject non-upgrade GET /ws", 400 <= code < 500, status_line)
    plain.close()

    print("[test] post-validation health check")
    again = upgrade(host, port, path, report, labels=False)
    healthy = False
    if again is not None:
        again.sendall(masked_frame(TEXT, b"health"))
        healthy, _ = expect_echo(again, TEXT, b"health")
        again.sendall(masked_frame(CLOSE, struct.pack("!H", 1000)))
        healthy = healthy and read_frame(again)[1] == CLOSE
        again.close()
    report.check("server alive after tests", healthy)

    print(f"\n=== WS Results: {report.passed} passed, {report.failed} failed ===")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
