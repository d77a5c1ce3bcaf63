package io.ringbolt.http.websocket;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Cancellable;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's side of the opening handshake (RFC 6455 §4.1) on one outbound connection: sends
 * the upgrade request, reads the response head (bounded), checks it, and hands the connection to
 * a {@link WebSocketConnection} in the client role. Bytes behind the response head (frames the
 * server sent at once) reach the WebSocket side first, through the hand-over.
 *
 * <p>States: {@code SENT} (waiting for the response head) → {@code UPGRADED} or {@code FAILED}.
 * Reactor thread only.
 */
final class ClientHandshake implements ConnectionHandler {
    static final int MAX_RESPONSE_HEAD_BYTES = 16 * 1024;
    private static final int SENT = 0, UPGRADED = 1, FAILED = 2;

    private final byte[] request;
    private final String expectedAccept;
    private final String target;
    private final List<String> offeredProtocols;
    private final boolean offeredDeflate;
    private final WebSocketOptions options;
    private final WebSocketHandler handler;
    private final CompletableFuture<WebSocket> result;
    private final Duration timeout;
    private int state = SENT;
    private Cancellable timer;

    ClientHandshake(byte[] request, String expectedAccept, String target, List<String> offeredProtocols,
                    boolean offeredDeflate, WebSocketOptions options, Duration timeout, WebSocketHandler handler,
                    CompletableFuture<WebSocket> result) {
        this.request = request;
        this.expectedAccept = expectedAccept;
        this.target = target;
        this.offeredProtocols = offeredProtocols;
        this.offeredDeflate = offeredDeflate;
        this.options = options;
        this.timeout = timeout;
        this.handler = handler;
        this.result = result;
    }

    @Override
    public void onOpen(Connection c) {
        timer = c.reactor().schedule(timeout.toNanos(), TimeUnit.NANOSECONDS,
                () -> fail(c, new WebSocketHandshakeException("WebSocket handshake with " + target
                        + " timed out after " + timeout.toMillis() + " ms", -1)));
        c.writeAndFlush(request);
    }

    @Override
    public int onData(Connection c, ByteView data) {
        if (state != SENT) {
            return data.length();
        }
        int end = headEnd(data);
        if (end < 0) {
            if (data.length() >= MAX_RESPONSE_HEAD_BYTES) {
                fail(c, new WebSocketHandshakeException("WebSocket handshake with " + target
                        + " failed: response head longer than " + MAX_RESPONSE_HEAD_BYTES + " bytes", -1));
                return data.length();
            }
            return 0; // kept and presented again with the next bytes
        }
        String text = data.toLatin1String(0, end);
        try {
            Response r = Response.parse(text);
            WebSocketConnection ws = validate(r);
            state = UPGRADED;
            cancelTimer();
            if (!c.handOver(ws)) {
                fail(c, new WebSocketHandshakeException("WebSocket handshake with " + target
                        + " failed: the connection closed", r.status));
            }
        } catch (WebSocketHandshakeException e) {
            fail(c, e);
            return data.length();
        }
        return end;
    }

    /** Index just behind the CRLFCRLF ending the head, or -1 (also when the head is too long). */
    private static int headEnd(ByteView data) {
        int limit = Math.min(data.length(), MAX_RESPONSE_HEAD_BYTES);
        for (int i = 3; i < limit; i++) {
            if (data.get(i) == '\n' && data.get(i - 1) == '\r' && data.get(i - 2) == '\n' && data.get(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private WebSocketConnection validate(Response r) throws WebSocketHandshakeException {
        if (r.status != 101) {
            throw error("the server answered " + r.statusLine + " instead of 101 Switching Protocols", r.status);
        }
        if (!r.hasToken("upgrade", "websocket")) {
            throw error("101 without Upgrade: websocket", r.status);
        }
        if (!r.hasToken("connection", "upgrade")) {
            throw error("101 without Connection: upgrade", r.status);
        }
        List<String> accepts = r.values("sec-websocket-accept");
        if (accepts.size() != 1 || !accepts.get(0).equals(expectedAccept)) {
            throw error("wrong Sec-WebSocket-Accept " + accepts + " (expected " + expectedAccept + ")", r.status);
        }
        List<String> protocols = r.values("sec-websocket-protocol");
        String subprotocol = null;
        if (!protocols.isEmpty()) {
            if (protocols.size() != 1 || !offeredProtocols.contains(protocols.get(0))) {
                throw error("the server chose subprotocol " + protocols + ", which was not offered "
                        + offeredProtocols, r.status);
            }
            subprotocol = protocols.get(0);
        }
        PerMessageDeflate deflate = null;
        List<String> extensions = r.values("sec-websocket-extensions");
        if (!extensions.isEmpty()) {
            if (!offeredDeflate || extensions.size() != 1) {
                throw error("the server chose extensions " + extensions + ", which were not offered", r.status);
            }
            deflate = PerMessageDeflate.fromResponse(extensions.get(0), options.noContextTakeover());
            if (deflate == null) {
                throw error("the server answered an invalid permessage-deflate: " + extensions.get(0), r.status);
            }
        }
        return new WebSocketConnection(handler, options, subprotocol, deflate, true);
    }

    private WebSocketHandshakeException error(String why, int status) {
        return new WebSocketHandshakeException("WebSocket handshake with " + target + " failed: " + why, status);
    }

    private void fail(Connection c, WebSocketHandshakeException e) {
        if (state != SENT) {
            return;
        }
        state = FAILED;
        cancelTimer();
        result.completeExceptionally(e);
        c.abort();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    @Override
    public void onInputClosed(Connection c) {
        fail(c, new WebSocketHandshakeException("WebSocket handshake with " + target
                + " failed: the server closed the connection before answering", -1));
    }

    @Override
    public void onShutdown(Connection c) {
        fail(c, new WebSocketHandshakeException("WebSocket handshake with " + target
                + " failed: the engine is stopping", -1));
    }

    @Override
    public void onClose(Connection c, CloseReason reason) {
        if (state == SENT) {
            state = FAILED;
            cancelTimer();
            result.completeExceptionally(new WebSocketHandshakeException("WebSocket handshake with " + target
                    + " failed: the connection closed (" + reason + ")", -1));
        }
    }

    /** A parsed response head: the status and the header fields, names lower-cased. */
    record Response(int status, String statusLine, Map<String, List<String>> fields) {
        static Response parse(String head) throws WebSocketHandshakeException {
            String[] lines = head.split("\r\n");
            String statusLine = lines[0];
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].equals("HTTP/1.1") || parts[1].length() != 3) {
                throw new WebSocketHandshakeException("WebSocket handshake failed: not an HTTP/1.1 response: "
                        + shorten(statusLine), -1);
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new WebSocketHandshakeException("WebSocket handshake failed: bad status line: " + shorten(statusLine), -1);
            }
            Map<String, List<String>> fields = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                if (lines[i].isEmpty()) {
                    continue;
                }
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    throw new WebSocketHandshakeException("WebSocket handshake failed: bad header line: "
                            + shorten(lines[i]), status);
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                fields.computeIfAbsent(name, k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
            }
            return new Response(status, statusLine, fields);
        }

        List<String> values(String name) {
            return fields.getOrDefault(name, List.of());
        }

        boolean hasToken(String name, String token) {
            for (String v : values(name)) {
                for (String t : v.split(",")) {
                    if (t.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private static String shorten(String s) {
            String printable = new String(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.US_ASCII);
            return printable.length() > 100 ? printable.substring(0, 100) + "..." : printable;
        }
    }
}
