package io.ringbolt.server;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A WebSocket client over a raw socket, written from RFC 6455 for the frame-level tests: it can
 * send any frame, valid or not (reserved bits, unmasked, oversized control frames, split into
 * single bytes), and reads the server's frames as they are on the wire, checking that they are
 * unmasked.
 */
final class RawWebSocket implements AutoCloseable {
    static final int CONT = 0, TEXT = 1, BINARY = 2, CLOSE = 8, PING = 9, PONG = 10;

    /** One frame from the server. */
    record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    final Socket socket;
    final InputStream in;
    final OutputStream out;
    String responseHead;
    private final Random random = new Random(6455);

    RawWebSocket(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** A handshake request for {@code path} with extra header lines (each ending in CRLF). */
    static String request(String path, String extraHeaders) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
    }

    /** Connects and completes a handshake; fails unless the answer is 101. */
    static RawWebSocket open(int port, String path, String extraHeaders) throws IOException {
        RawWebSocket ws = new RawWebSocket(port);
        ws.out.write(request(path, extraHeaders).getBytes(StandardCharsets.US_ASCII));
        ws.readHead();
        if (!ws.responseHead.startsWith("HTTP/1.1 101 ")) {
            throw new AssertionError("expected 101, got: " + ws.responseHead);
        }
        return ws;
    }

    /** Reads the HTTP response head (through the empty line); no body bytes. */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("EOF in response head: " + head);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        responseHead = head.toString(StandardCharsets.ISO_8859_1);
        return responseHead;
    }

    /** The value of header {@code name} in the response head, or null. */
    String header(String name) {
        for (String line : responseHead.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** Encodes a client frame (masked unless told otherwise). */
    byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        int maskBit = masked ? 0x80 : 0;
        int n = payload.length;
        if (n < 126) {
            f.write(maskBit | n);
        } else if (n <= 0xFFFF) {
            f.write(maskBit | 126);
            f.write(n >>> 8);
            f.write(n);
        } else {
            f.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) n >>> shift));
            }
        }
        byte[] key = new byte[4];
        random.nextBytes(key);
        byte[] body = payload.clone();
        if (masked) {
            f.write(key, 0, 4);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= key[i & 3];
            }
        }
        f.write(body, 0, body.length);
        return f.toByteArray();
    }

    void send(boolean fin, int rsv, int opcode, byte[] payload) throws IOException {
        out.write(frame(fin, rsv, opcode, payload, true));
    }

    void send(int opcode, byte[] payload) throws IOException {
        send(true, 0, opcode, payload);
    }

    void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} one byte per write, flushing each (Autobahn's "chopped" cases). */
    void sendChopped(byte[] bytes) throws IOException {
        for (byte b : bytes) {
            out.write(b);
            out.flush();
        }
    }

    void sendClose(int code, byte[] reason) throws IOException {
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        send(CLOSE, p);
    }

    /** Reads one server frame; fails if it is masked. */
    Frame read() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        if ((b1 & 0x80) != 0) {
            throw new AssertionError("server frame is masked");
        }
        long n = b1 & 0x7F;
        if (n == 126) {
            n = (readByte() << 8) | readByte();
        } else if (n == 127) {
            n = 0;
            for (int i = 0; i < 8; i++) {
                n = (n << 8) | readByte();
            }
        }
        byte[] payload = in.readNBytes((int) n);
        if (payload.length != n) {
            throw new EOFException("EOF inside a frame");
        }
        return new Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0xF, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("EOF");
        }
        return b;
    }

    /** Reads frames until a close frame (skipping pongs/messages) and returns its code. */
    int expectClose() throws IOException {
        while (true) {
            Frame f = read();
            if (f.opcode() == CLOSE) {
                return f.closeCode();
            }
        }
    }

    /** True if the server closes the TCP connection (EOF or reset) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    static byte[] compress(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        byte[] buf = new byte[data.length + 1024];
        int n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        d.end();
        // strip 00 00 FF FF
        return java.util.Arrays.copyOf(buf, n - 4);
    }

    static byte[] inflate(byte[] data) throws Exception {
        Inflater inf = new Inflater(true);
        byte[] in = java.util.Arrays.copyOf(data, data.length + 4);
        in[data.length + 2] = (byte) 0xFF;
        in[data.length + 3] = (byte) 0xFF;
        inf.setInput(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = inf.inflate(buf)) > 0) {
            out.write(buf, 0, n);
        }
        inf.end();
        return out.toByteArray();
    }

    static String key() {
        byte[] k = new byte[16];
        new Random().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
