package io.ringbolt.server;

import io.ringbolt.engine.AcceptMode;
import io.ringbolt.engine.Engine;

import java.net.InetSocketAddress;
import java.util.StringJoiner;

/**
 * The one INFO line {@code serve} and {@code echo} log once the engine is up, before any
 * connection reaches a handler, e.g.
 *
 * <pre>{@code
 * ringbolt 0.1.0 serve: backend=io_uring (auto: io_uring probe passed), 2 reactors, memory budget 256 MiB,
 *   listening on http://127.0.0.1:8080/ (HTTP/1.1, no TLS); kernel 6.8.0: multishot accept+recv, ...
 * }</pre>
 *
 * (one line in the log). The kernel features are named once, in words; the raw feature mask is
 * logged at DEBUG by the engine.
 */
final class StartupLine {

    /** What the listeners speak: the URL scheme without and with TLS, and a protocol name. */
    record Protocol(String plainScheme, String tlsScheme, String name, boolean trailingSlash) {
        static final Protocol HTTP = new Protocol("http", "https", "HTTP/1.1", true);
        static final Protocol ECHO = new Protocol("tcp", "tls", "TCP echo", false);
    }

    private StartupLine() {
    }

    /**
     * @param command the subcommand ({@code serve}, {@code echo})
     * @param tls     the TLS description ({@link TlsFlags#describe}), or null without TLS
     */
    static String of(String command, Engine engine, Protocol protocol, String tls) {
        StringBuilder sb = new StringBuilder("ringbolt ").append(Engine.version()).append(' ').append(command)
                .append(": backend=").append(engine.backend().displayName())
                .append(" (").append(engine.backendReason()).append("), ");
        int reactors = engine.config().reactorCount();
        sb.append(reactors).append(reactors == 1 ? " reactor" : " reactors");
        if (engine.config().acceptMode() != AcceptMode.REUSEPORT) {
            sb.append(", accept=").append(engine.config().acceptMode().name().toLowerCase(java.util.Locale.ROOT));
        }
        long budget = engine.config().memoryBudget().limitBytes();
        sb.append(", memory budget ").append(budget == Long.MAX_VALUE ? "unlimited" : (budget >> 20) + " MiB");
        StringJoiner urls = new StringJoiner(", ");
        for (InetSocketAddress a : engine.boundAddresses()) {
            urls.add(url(protocol, tls != null, a));
        }
        sb.append(", listening on ").append(urls)
                .append(" (").append(protocol.name()).append(", ").append(tls != null ? tls : "no TLS").append(')');
        return sb.append("; ").append(engine.features()).toString();
    }

    /**
     * The line for listeners that differ per port: {@code listener} describes each bound address
     * (URL and protocols); {@code tls} is the TLS description, or null without TLS.
     */
    static String of(String command, Engine engine, java.util.function.Function<InetSocketAddress, String> listener, String tls) {
        String line = of(command, engine, Protocol.HTTP, null);
        int at = line.indexOf(", listening on ");
        int end = line.indexOf("; ", at);
        StringJoiner each = new StringJoiner(", ");
        for (InetSocketAddress a : engine.boundAddresses()) {
            each.add(listener.apply(a));
        }
        return line.substring(0, at) + ", listening on " + each + (tls != null ? " (" + tls + ")" : "") + line.substring(end);
    }

    /** {@code http://127.0.0.1:8080/}, {@code https://[::1]:8443/}, {@code tcp://127.0.0.1:7000}. */
    static String url(Protocol protocol, boolean tls, InetSocketAddress address) {
        return (tls ? protocol.tlsScheme() : protocol.plainScheme()) + "://" + Engine.hostPort(address)
                + (protocol.trailingSlash() ? "/" : "");
    }
}
