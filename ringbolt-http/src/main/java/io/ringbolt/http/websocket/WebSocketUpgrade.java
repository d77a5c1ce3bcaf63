package io.ringbolt.http.websocket;

import io.ringbolt.http.ContentType;
import io.ringbolt.http.HttpHandler;
import io.ringbolt.http.HttpMethod;
import io.ringbolt.http.HttpRequest;
import io.ringbolt.http.HttpResponse;
import io.ringbolt.http.HttpStatus;
import io.ringbolt.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The server's side of the WebSocket opening handshake (RFC 6455 §4.2), as the handler of a
 * route: it checks the request, picks the subprotocol and permessage-deflate parameters, answers
 * {@code 101 Switching Protocols} and hands the connection to a {@link WebSocketHandler}. Bytes
 * the client sent right behind the request reach the WebSocket side first.
 *
 * <pre>{@code
 * router.get("/chat", WebSocketUpgrade.of(WebSocketOptions.defaults().withAllowedOrigins("https://example.com"),
 *         request -> new ChatHandler(room)));
 * }</pre>
 *
 * Answers: a request without {@code Upgrade: websocket} goes to the fallback handler
 * ({@link #orElse}) or gets 426 with {@code Upgrade: websocket}; a version other than 13 gets
 * 426 with {@code Sec-WebSocket-Version: 13}; a malformed handshake (not GET, not HTTP/1.1, no
 * {@code Connection: Upgrade}, a key that is not 16 bytes of base64, a body) gets 400; an
 * origin not allowed, or a factory that returns null, gets 403.
 *
 * <p>The route may be {@code blocking()}: the factory then runs on a virtual thread (it may
 * look up a session in a database) and the WebSocket side still runs on the reactor.
 */
public final class WebSocketUpgrade implements HttpHandler {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** Makes the handler of one accepted connection; null refuses it with 403. */
    @FunctionalInterface
    public interface Factory {
        /**
         * @param request     the handshake request (valid during this call only)
         * @param subprotocol the subprotocol chosen, or null
         */
        WebSocketHandler create(HttpRequest request, String subprotocol);
    }

    private final WebSocketOptions options;
    private final Factory factory;
    private final HttpHandler fallback;

    private WebSocketUpgrade(WebSocketOptions options, Factory factory, HttpHandler fallback) {
        this.options = Objects.requireNonNull(options, "options");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.fallback = fallback;
    }

    /** Upgrades with the {@link WebSocketOptions#defaults() default options}. */
    public static WebSocketUpgrade of(Factory factory) {
        return new WebSocketUpgrade(WebSocketOptions.defaults(), factory, null);
    }

    /** Upgrades with {@code options}. */
    public static WebSocketUpgrade of(WebSocketOptions options, Factory factory) {
        return new WebSocketUpgrade(options, factory, null);
    }

    /** Answers requests that do not ask for a WebSocket (a plain GET of the same path) with {@code handler}. */
    public WebSocketUpgrade orElse(HttpHandler handler) {
        return new WebSocketUpgrade(options, factory, Objects.requireNonNull(handler, "handler"));
    }

    /** The options connections get. */
    public WebSocketOptions options() {
        return options;
    }

    @Override
    public void handle(HttpRequest req, HttpResponse res) throws Exception {
        if (!req.headerHasToken("Upgrade", "websocket")) {
            if (fallback != null) {
                fallback.handle(req, res);
            } else {
                res.status(426).header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13")
                        .contentType(ContentType.TEXT_PLAIN).send("426 Upgrade Required: this is a WebSocket endpoint\n");
            }
            return;
        }
        if (req.method() != HttpMethod.GET || req.version() != HttpVersion.HTTP_1_1) {
            refuse(res, HttpStatus.BAD_REQUEST, "a WebSocket handshake is an HTTP/1.1 GET");
            return;
        }
        if (!req.headerHasToken("Connection", "upgrade")) {
            refuse(res, HttpStatus.BAD_REQUEST, "Connection must list upgrade");
            return;
        }
        List<String> versions = req.headers("Sec-WebSocket-Version");
        if (versions.size() != 1 || !versions.get(0).trim().equals("13")) {
            res.header("Sec-WebSocket-Version", "13");
            refuse(res, 426, "only WebSocket version 13 is supported");
            return;
        }
        List<String> keys = req.headers("Sec-WebSocket-Key");
        if (keys.size() != 1 || !isValidKey(keys.get(0).trim())) {
            refuse(res, HttpStatus.BAD_REQUEST, "Sec-WebSocket-Key must be 16 bytes in base64");
            return;
        }
        if (req.contentLength() > 0 || req.isChunked()) {
            refuse(res, HttpStatus.BAD_REQUEST, "a WebSocket handshake has no body");
            return;
        }
        if (!options.allowsOrigin(req.header("Origin"))) {
            refuse(res, HttpStatus.FORBIDDEN, "origin not allowed");
            return;
        }
        String subprotocol = chooseSubprotocol(req.headers("Sec-WebSocket-Protocol"), options.subprotocols());
        PerMessageDeflate deflate = options.compression()
                ? PerMessageDeflate.negotiate(req.headers("Sec-WebSocket-Extensions"), options.noContextTakeover()) : null;
        WebSocketHandler handler = factory.create(req, subprotocol);
        if (handler == null) {
            refuse(res, HttpStatus.FORBIDDEN, "refused");
            return;
        }
        res.header("Upgrade", "websocket").header("Sec-WebSocket-Accept", acceptKey(keys.get(0).trim()));
        if (subprotocol != null) {
            res.header("Sec-WebSocket-Protocol", subprotocol);
        }
        if (deflate != null) {
            res.header("Sec-WebSocket-Extensions", deflate.responseHeaderValue());
        }
        res.upgrade(new WebSocketConnection(handler, options, subprotocol, deflate, false));
    }

    private static void refuse(HttpResponse res, int status, String why) {
        res.status(status).contentType(ContentType.TEXT_PLAIN).send(status + " " + HttpStatus.reasonPhrase(status) + ": " + why + "\n");
    }

    static boolean isValidKey(String key) {
        if (key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code Sec-WebSocket-Accept} for {@code key}: base64(SHA-1(key + GUID)) (RFC 6455 §4.2.2). */
    public static String acceptKey(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }

    /** The first of the server's subprotocols, in its order of preference, that the client offered; or null. */
    static String chooseSubprotocol(List<String> offered, List<String> supported) {
        if (offered.isEmpty() || supported.isEmpty()) {
            return null;
        }
        for (String mine : supported) {
            for (String field : offered) {
                for (String p : field.split(",")) {
                    if (p.trim().equals(mine)) {
                        return mine;
                    }
                }
            }
        }
        return null;
    }
}
