"""HTTP/2 client on the python-h2 state machine (Debian python3-h2), for Ringbolt's tests.

One connection, h2c by prior knowledge or h2 over TLS (ALPN): N concurrent
GET /baseline2?a=i&b=2i streams, plus one POST /echo of UPLOAD's bytes with a
trailer field, sent as the peer's flow-control windows allow. Prints one line per
stream ("path status length") and writes the echoed body to ECHOED.

usage: h2_client.py HOST PORT plain|tls STREAMS UPLOAD ECHOED
"""
import socket
import ssl
import sys

import h2.config
import h2.connection
import h2.events
import h2.settings

host, port, mode, streams, upload_path, echoed_path = sys.argv[1:7]
port, streams = int(port), int(streams)
with open(upload_path, "rb") as f:
    upload = f.read()

sock = socket.create_connection((host, port), timeout=30)
if mode == "tls":
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["h2"])
    sock = ctx.wrap_socket(sock, server_hostname=host)
    if sock.selected_alpn_protocol() != "h2":
        sys.exit("ALPN chose %r, not h2" % sock.selected_alpn_protocol())
scheme = "https" if mode == "tls" else "http"

conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
conn.initiate_connection()
sock.sendall(conn.data_to_send())

bodies = {}
statuses = {}
paths = {}
ended = set()
for i in range(streams):
    sid = conn.get_next_available_stream_id()
    path = "/baseline2?a=%d&b=%d" % (i, 2 * i)
    paths[sid] = path
    conn.send_headers(sid, [(":method", "GET"), (":scheme", scheme), (":authority", host),
                            (":path", path)], end_stream=True)
echo_id = conn.get_next_available_stream_id()
paths[echo_id] = "/echo"
conn.send_headers(echo_id, [(":method", "POST"), (":scheme", scheme), (":authority", host),
                            (":path", "/echo"), ("content-type", "application/octet-stream"),
                            ("content-length", str(len(upload))), ("te", "trailers")])
sock.sendall(conn.data_to_send())
sent = 0
trailers_sent = False


def send_upload():
    """Sends as much of the upload as both windows allow; trailers after the last byte."""
    global sent, trailers_sent
    while sent < len(upload):
        room = min(conn.local_flow_control_window(echo_id), conn.max_outbound_frame_size)
        if room <= 0:
            break
        chunk = upload[sent:sent + room]
        conn.send_data(echo_id, chunk)
        sent += len(chunk)
    if sent == len(upload) and not trailers_sent:
        conn.send_headers(echo_id, [("x-upload-bytes", str(len(upload)))], end_stream=True)
        trailers_sent = True


send_upload()
sock.sendall(conn.data_to_send())
while len(ended) < streams + 1:
    data = sock.recv(65536)
    if not data:
        sys.exit("connection closed with %d of %d streams ended" % (len(ended), streams + 1))
    for event in conn.receive_data(data):
        if isinstance(event, h2.events.ResponseReceived):
            statuses[event.stream_id] = dict(event.headers)[b":status"].decode()
        elif isinstance(event, h2.events.DataReceived):
            bodies.setdefault(event.stream_id, bytearray()).extend(event.data)
            conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.StreamEnded):
            ended.add(event.stream_id)
        elif isinstance(event, h2.events.StreamReset):
            sys.exit("stream %d reset, error %s" % (event.stream_id, event.error_code))
        elif isinstance(event, h2.events.ConnectionTerminated):
            sys.exit("GOAWAY %s" % event.error_code)
    send_upload()
    sock.sendall(conn.data_to_send())

conn.close_connection()
sock.sendall(conn.data_to_send())
sock.close()
for sid in sorted(paths):
    body = bytes(bodies.get(sid, b""))
    if sid == echo_id:
        with open(echoed_path, "wb") as f:
            f.write(body)
        print("%s %s %d" % (paths[sid], statuses.get(sid), len(body)))
    else:
        print("%s %s %s" % (paths[sid], statuses.get(sid), body.decode()))
