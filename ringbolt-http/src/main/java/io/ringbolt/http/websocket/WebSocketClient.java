package io.ringbolt.http.websocket;

import io.ringbolt.engine.Engine;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.tls.TlsClient;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A WebSocket client (RFC 6455, RFC 7692) on an {@link Engine}'s outbound connections: the
 * opening handshake over HTTP/1.1, then the same {@link WebSocket} / {@link WebSocketHandler}
 * API as the server side, in the client role (every frame masked with a fresh random key).
 *
 * <pre>{@code
 * WebSocketClient client = WebSocketClient.of(engine);
 * WebSocket ws = client.connect(URI.create("ws://127.0.0.1:8080/ws"), new WebSocketHandler() {
 *     public void onText(WebSocket ws, String text) { System.out.println(text); }
 * }).get(5, TimeUnit.SECONDS);
 * ws.sendText("hello");
 * }</pre>
 *
 * <p>{@code wss://} URIs speak TLS underneath (the engine's {@link TlsClient}): by default with
 * the JDK's trusted CAs, the certificate checked against the URI's host (RFC 6125 host name
 * verification; the host is also sent as SNI unless it is an IP literal) and ALPN
 * {@code http/1.1}; {@link #withTls(TlsClient)} sets other trust (a private CA, a test trust
 * store), a client certificate or protocol versions. A failed TLS handshake (an untrusted
 * certificate, a name mismatch) fails the future with the {@link javax.net.ssl.SSLHandshakeException}
 * that names the server and the cause.
 *
 * <p>The {@link WebSocketOptions} mean the same as on the server, seen from the client:
 * {@link WebSocketOptions#subprotocols()} are offered in order of preference;
 * {@link WebSocketOptions#compression()} offers permessage-deflate
 * ({@link WebSocketOptions#noContextTakeover()} adds {@code client_no_context_takeover}); the
 * limits, timeouts and back-pressure apply to this side of the connection;
 * {@link WebSocketOptions#allowedOrigins()} is not used.
 *
 * <p>The returned future completes, on the connection's reactor thread, after
 * {@link WebSocketHandler#onOpen}; it fails with a {@link WebSocketHandshakeException} naming
 * the cause when the server does not answer with a valid {@code 101} (a wrong
 * {@code Sec-WebSocket-Accept}, a subprotocol or extension that was not offered, a 404...), or
 * with the engine's connect exception when the TCP connect fails. Immutable; one client may
 * open any number of connections.
 */
public final class WebSocketClient {
    private static final SecureRandom KEYS = new SecureRandom();

    private final Engine engine;
    private final WebSocketOptions options;
    private final Duration handshakeTimeout;
    private final Map<String, String> headers;
    private final TlsClient tls;

    private WebSocketClient(Engine engine, WebSocketOptions options, Duration handshakeTimeout, Map<String, String> headers,
                            TlsClient tls) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.options = Objects.requireNonNull(options, "options");
        this.handshakeTimeout = handshakeTimeout;
        this.headers = headers;
        this.tls = tls;
    }

    /** A client with the {@link WebSocketOptions#defaults() default options} and a 10 s handshake timeout. */
    public static WebSocketClient of(Engine engine) {
        return new WebSocketClient(engine, WebSocketOptions.defaults(), Duration.ofSeconds(10), Map.of(), null);
    }

    /** With {@code options} for the connections. */
    public WebSocketClient withOptions(WebSocketOptions value) {
        return new WebSocketClient(engine, value, handshakeTimeout, headers, tls);
    }

    /** With {@code timeout} (positive) for the TCP connect and the handshake together. */
    public WebSocketClient withHandshakeTimeout(Duration timeout) {
        if (timeout == null || !timeout.isPositive()) {
            throw new IllegalArgumentException("handshake-timeout=" + timeout + " (must be positive)");
        }
        return new WebSocketClient(engine, options, timeout, headers, tls);
    }

    /**
     * With one more request header field (an {@code Origin}, an {@code Authorization}). The
     * handshake's own fields (Host, Upgrade, Connection, Sec-WebSocket-*) cannot be set.
     */
    public WebSocketClient withHeader(String name, String value) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("sec-websocket-") || List.of("host", "upgrade", "connection").contains(lower)) {
            throw new IllegalArgumentException("header " + name + " is set by the handshake");
        }
        if (!isToken(name) || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new IllegalArgumentException("header " + name + " (name must be a token, value one line)");
        }
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new WebSocketClient(engine, options, handshakeTimeout, Map.copyOf(copy), tls);
    }

    /**
     * With {@code tls} for {@code wss://} URIs (whom to trust, host name verification, client
     * certificate, versions; build it with ALPN {@code http/1.1} or none, as the handshake is
     * HTTP/1.1). Without it, {@code wss://} uses the JDK's trusted CAs with host name
     * verification. {@code ws://} URIs are not affected.
     */
    public WebSocketClient withTls(TlsClient tls) {
        return new WebSocketClient(engine, options, handshakeTimeout, headers, Objects.requireNonNull(tls, "tls"));
    }

    /**
     * Opens a WebSocket to {@code uri} ({@code ws://host[:port]/path[?query]}, or
     * {@code wss://} over TLS: see {@link #withTls}) with {@code handler} on this side.
     *
     * @throws IllegalArgumentException for a URI that is not ws:// or wss:// with a host
     */
    public CompletableFuture<WebSocket> connect(URI uri, WebSocketHandler handler) {
        Objects.requireNonNull(handler, "handler");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean secure = scheme.equals("wss");
        if (!secure && !scheme.equals("ws")) {
            throw new IllegalArgumentException("uri=" + uri + " (must be ws:// or wss://)");
        }
        if (uri.getHost() == null || uri.getFragment() != null) {
            throw new IllegalArgumentException("uri=" + uri + " (needs a host and no fragment)");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : secure ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        String hostField = uri.getPort() >= 0 ? host + ":" + port : host;

        byte[] nonce = new byte[16];
        KEYS.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        StringBuilder req = new StringBuilder(256)
                .append("GET ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostField).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        List<String> protocols = options.subprotocols();
        if (!protocols.isEmpty()) {
            req.append("Sec-WebSocket-Protocol: ").append(String.join(", ", protocols)).append("\r\n");
        }
        if (options.compression()) {
            req.append("Sec-WebSocket-Extensions: ").append(PerMessageDeflate.clientOffer(options.noContextTakeover())).append("\r\n");
        }
        headers.forEach((n, v) -> req.append(n).append(": ").append(v).append("\r\n"));
        req.append("\r\n");
        byte[] request = req.toString().getBytes(StandardCharsets.UTF_8);

        CompletableFuture<WebSocket> result = new CompletableFuture<>();
        OpeningHandler opening = new OpeningHandler(handler, result);
        String where = scheme + "://" + hostField + target;
        HandlerFactory factory = c -> new ClientHandshake(request, WebSocketUpgrade.acceptKey(key), where, new ArrayList<>(protocols),
                options.compression(), options, handshakeTimeout, opening, result);
        InetSocketAddress address = InetSocketAddress.createUnresolved(uri.getHost(), port);
        var connected = secure
                ? (tls != null ? tls : DefaultTls.CLIENT).connect(engine, address, uri.getHost(), factory, handshakeTimeout)
                : engine.connect(address, factory, handshakeTimeout);
        connected.whenComplete((c, error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    }
                });
        return result;
    }

    /** The default for wss://, made on first use: the JDK's CAs, host names checked, ALPN http/1.1. */
    private static final class DefaultTls {
        static final TlsClient CLIENT = TlsClient.builder().applicationProtocols("http/1.1").build();
    }

    private static boolean isToken(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c > 0x20 && c < 0x7F && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0);
    }

    /** Completes the future once the application's onOpen ran; delegates everything else. */
    private record OpeningHandler(WebSocketHandler app, CompletableFuture<WebSocket> result) implements WebSocketHandler {
        @Override
        public void onOpen(WebSocket ws) {
            try {
                app.onOpen(ws);
            } finally {
                result.complete(ws);
            }
        }

        @Override
        public void onText(WebSocket ws, String text) {
            app.onText(ws, text);
        }

        @Override
        public void onBinary(WebSocket ws, java.nio.ByteBuffer data) {
            app.onBinary(ws, data);
        }

        @Override
        public boolean streamsMessages() {
            return app.streamsMessages();
        }

        @Override
        public void onTextFragment(WebSocket ws, String text, boolean last) {
            app.onTextFragment(ws, text, last);
        }

        @Override
        public void onBinaryFragment(WebSocket ws, java.nio.ByteBuffer data, boolean last) {
            app.onBinaryFragment(ws, data, last);
        }

        @Override
        public void onPing(WebSocket ws, java.nio.ByteBuffer data) {
            app.onPing(ws, data);
        }

        @Override
        public void onPong(WebSocket ws, java.nio.ByteBuffer data) {
            app.onPong(ws, data);
        }

        @Override
        public void onWritabilityChanged(WebSocket ws, boolean writable) {
            app.onWritabilityChanged(ws, writable);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            result.complete(ws);
            app.onClose(ws, code, reason);
        }
    }
}
