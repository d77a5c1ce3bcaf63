package io.ringbolt.http.websocket;

import java.time.Duration;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Handshake policy, limits and timeouts of WebSocket connections. Immutable; change a value
 * with a {@code with...} method. Invalid values are rejected with an
 * {@link IllegalArgumentException} naming their key.
 *
 * @param allowedOrigins       origins ({@code scheme://host[:port]}) whose pages may connect; empty allows any, and
 *                             {@code "*"} in the list too. A request without {@code Origin} (not from a browser) is
 *                             allowed; one from another origin gets 403
 * @param subprotocols         subprotocols the server speaks, in order of preference; the first one the client offers
 *                             is chosen
 * @param maxFrameBytes        largest frame payload accepted; larger fails the connection with 1009
 * @param maxMessageBytes      largest message (after inflating, all fragments together); larger fails with 1009
 * @param idleTimeout          time without any frame from the peer after which the server closes with 1001;
 *                             {@link Duration#ZERO} disables
 * @param pingInterval         time without any frame from the peer after which the server pings (so a live peer's
 *                             pong keeps it from idling out); {@link Duration#ZERO} disables
 * @param closeTimeout         how long the server waits for the peer's close frame after sending its own
 * @param maxOutboundBytes     unsent output above which sends return false (a peer that does not read)
 * @param compression          negotiate permessage-deflate (RFC 7692) when the client offers it
 * @param compressionLevel     deflate level 0..9, or -1 for the JDK's default
 * @param compressionMinBytes  messages shorter than this go out uncompressed
 * @param noContextTakeover    the server resets its compressor after every message (less memory per connection,
 *                             worse ratio); answered as {@code server_no_context_takeover}
 */
public record WebSocketOptions(
        List<String> allowedOrigins,
        List<String> subprotocols,
        long maxFrameBytes,
        int maxMessageBytes,
        Duration idleTimeout,
        Duration pingInterval,
        Duration closeTimeout,
        long maxOutboundBytes,
        boolean compression,
        int compressionLevel,
        int compressionMinBytes,
        boolean noContextTakeover) {

    /**
     * Any origin, no subprotocol, 4 MiB frames and messages, 120 s idle timeout, no pings, 5 s
     * close timeout, 8 MiB outbound, permessage-deflate at the JDK's default level for messages
     * of 64 bytes or more, with context takeover.
     */
    public static WebSocketOptions defaults() {
        return new WebSocketOptions(List.of(), List.of(), 4L << 20, 4 << 20, Duration.ofSeconds(120), Duration.ZERO,
                Duration.ofSeconds(5), 8L << 20, true, Deflater.DEFAULT_COMPRESSION, 64, false);
    }

    /** Validates every field. */
    public WebSocketOptions {
        allowedOrigins = List.copyOf(allowedOrigins == null ? List.of() : allowedOrigins);
        subprotocols = List.copyOf(subprotocols == null ? List.of() : subprotocols);
        for (String p : subprotocols) {
            require(!p.isEmpty() && p.chars().allMatch(c -> c > 0x20 && c < 0x7F && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0),
                    "subprotocol", p, "must be a token");
        }
        require(maxMessageBytes >= 125 && maxMessageBytes <= Integer.MAX_VALUE - 64, "max-message-bytes", maxMessageBytes,
                "must be 125..2147483583 (a message lives in one array)");
        require(maxFrameBytes >= 125, "max-frame-bytes", maxFrameBytes, "must be >= 125");
        requireNonNegative("idle-timeout", idleTimeout);
        requireNonNegative("ping-interval", pingInterval);
        require(closeTimeout != null && closeTimeout.isPositive(), "close-timeout", closeTimeout, "must be positive");
        require(maxOutboundBytes > 0, "max-outbound-bytes", maxOutboundBytes, "must be positive");
        require(compressionLevel >= -1 && compressionLevel <= 9, "compression-level", compressionLevel, "must be -1..9");
        require(compressionMinBytes >= 0, "compression-min-bytes", compressionMinBytes, "must be >= 0");
    }

    private static void require(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(key + "=" + value + " (" + rule + ")");
        }
    }

    private static void requireNonNegative(String key, Duration d) {
        require(d != null && !d.isNegative(), key, d, "must be zero (off) or positive");
    }

    /** With {@code allowedOrigins}. */
    public WebSocketOptions withAllowedOrigins(String... origins) {
        return new WebSocketOptions(List.of(origins), subprotocols, maxFrameBytes, maxMessageBytes, idleTimeout,
                pingInterval, closeTimeout, maxOutboundBytes, compression, compressionLevel, compressionMinBytes,
                noContextTakeover);
    }

    /** With {@code subprotocols}, in order of preference. */
    public WebSocketOptions withSubprotocols(String... protocols) {
        return new WebSocketOptions(allowedOrigins, List.of(protocols), maxFrameBytes, maxMessageBytes, idleTimeout,
                pingInterval, closeTimeout, maxOutboundBytes, compression, compressionLevel, compressionMinBytes,
                noContextTakeover);
    }

    /** With {@code maxFrameBytes} and {@code maxMessageBytes}. */
    public WebSocketOptions withLimits(long frameBytes, int messageBytes) {
        return new WebSocketOptions(allowedOrigins, subprotocols, frameBytes, messageBytes, idleTimeout,
                pingInterval, closeTimeout, maxOutboundBytes, compression, compressionLevel, compressionMinBytes,
                noContextTakeover);
    }

    /** With {@code idleTimeout} and {@code pingInterval}. */
    public WebSocketOptions withTimeouts(Duration idle, Duration ping) {
        return new WebSocketOptions(allowedOrigins, subprotocols, maxFrameBytes, maxMessageBytes, idle,
                ping, closeTimeout, maxOutboundBytes, compression, compressionLevel, compressionMinBytes,
                noContextTakeover);
    }

    /** With {@code closeTimeout}. */
    public WebSocketOptions withCloseTimeout(Duration timeout) {
        return new WebSocketOptions(allowedOrigins, subprotocols, maxFrameBytes, maxMessageBytes, idleTimeout,
                pingInterval, timeout, maxOutboundBytes, compression, compressionLevel, compressionMinBytes,
                noContextTakeover);
    }

    /** With {@code maxOutboundBytes}. */
    public WebSocketOptions withMaxOutboundBytes(long bytes) {
        return new WebSocketOptions(allowedOrigins, subprotocols, maxFrameBytes, maxMessageBytes, idleTimeout,
                pingInterval, closeTimeout, bytes, compression, compressionLevel, compressionMinBytes,
                noContextTakeover);
    }

    /** With permessage-deflate on or off, its level, threshold and context takeover. */
    public WebSocketOptions withCompression(boolean enabled, int level, int minBytes, boolean resetContext) {
        return new WebSocketOptions(allowedOrigins, subprotocols, maxFrameBytes, maxMessageBytes, idleTimeout,
                pingInterval, closeTimeout, maxOutboundBytes, enabled, level, minBytes, resetContext);
    }

    /** True if {@code origin} (the request's {@code Origin}, or null) may connect. */
    public boolean allowsOrigin(String origin) {
        if (origin == null || allowedOrigins.isEmpty()) {
            return true;
        }
        for (String o : allowedOrigins) {
            if (o.equals("*") || o.equalsIgnoreCase(origin)) {
                return true;
            }
        }
        return false;
    }
}
