package io.ringbolt.server;

import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.tls.TlsContext;
import io.ringbolt.http.HttpServer;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;

/**
 * The extra listeners of {@code serve}, one per protocol role (HttpArena's port roles): each
 * adds a listener beside {@code --port} on the same host, and the handler of a connection is
 * chosen by the local port it was accepted on.
 *
 * <ul>
 *   <li>{@code --tls-port}: HTTPS with ALPN {@code http/1.1} only;</li>
 *   <li>{@code --h2-port}: HTTPS with ALPN {@code h2}, then {@code http/1.1};</li>
 *   <li>{@code --h2c-port}: cleartext HTTP/2 only (prior knowledge); an HTTP/1.1 request there
 *       gets no answer but a GOAWAY.</li>
 * </ul>
 * With either TLS port, {@code --port} stays cleartext (HTTP/1.1 and h2c); without them, a TLS
 * flag turns {@code --port} itself into HTTPS, as before.
 */
final class HttpPorts {
    @Option(names = "--tls-port", paramLabel = "PORT", description = "Also listen for HTTPS with ALPN http/1.1 on this port (needs --tls-cert/--tls-key or --tls-keystore).")
    Integer tlsPort;

    @Option(names = "--h2-port", paramLabel = "PORT", description = "Also listen for HTTPS with ALPN h2 then http/1.1 on this port (needs --tls-cert/--tls-key or --tls-keystore).")
    Integer h2Port;

    @Option(names = "--h2c-port", paramLabel = "PORT", description = "Also listen for cleartext HTTP/2 (prior knowledge) only on this port.")
    Integer h2cPort;

    /** Whether any TLS role port was asked for (then {@code --port} stays cleartext). */
    boolean hasTlsPorts() {
        return tlsPort != null || h2Port != null;
    }

    /** Binds the extra listeners on {@code host} and returns the handler factory that serves every port. */
    HandlerFactory configure(Engine.Builder builder, String host, HttpServer server, TlsFlags tls) {
        checkPort("tls-port", tlsPort);
        checkPort("h2-port", h2Port);
        checkPort("h2c-port", h2cPort);
        TlsContext http1 = null;
        TlsContext h2 = null;
        if (hasTlsPorts()) {
            if (tls.context() == null) {
                throw new IllegalArgumentException((tlsPort != null ? "tls-port=" + tlsPort : "h2-port=" + h2Port)
                        + " (needs --tls-cert/--tls-key or --tls-keystore)");
            }
            http1 = tlsPort != null ? tls.context("http/1.1") : null;
            h2 = h2Port != null ? tls.context("h2", "http/1.1") : null;
        }
        for (Integer p : new Integer[] {tlsPort, h2Port, h2cPort}) {
            if (p != null) {
                builder.bind(host, p);
            }
        }
        if (h2cPort != null) {
            server.http2Only(h2cPort);
        }
        if (!hasTlsPorts()) {
            return tls.apply(server, "http/1.1");
        }
        HandlerFactory plain = server;
        HandlerFactory tlsHttp1 = http1 != null ? http1.wrap(server) : null;
        HandlerFactory tlsH2 = h2 != null ? h2.wrap(server) : null;
        return new HandlerFactory() {
            @Override
            public ConnectionHandler newHandler(Connection connection) {
                int local = connection.localAddress().getPort();
                if (tlsHttp1 != null && local == tlsPort) {
                    return tlsHttp1.newHandler(connection);
                }
                if (tlsH2 != null && local == h2Port) {
                    return tlsH2.newHandler(connection);
                }
                return plain.newHandler(connection);
            }
        };
    }

    /** The URL and protocols of one bound address, for the start-up line. */
    String describe(InetSocketAddress address, boolean mainPortIsTls) {
        int port = address.getPort();
        String hostPort = Engine.hostPort(address);
        if (tlsPort != null && port == tlsPort) {
            return "https://" + hostPort + "/ (HTTP/1.1)";
        }
        if (h2Port != null && port == h2Port) {
            return "https://" + hostPort + "/ (h2, HTTP/1.1)";
        }
        if (h2cPort != null && port == h2cPort) {
            return "http://" + hostPort + "/ (h2c only)";
        }
        return mainPortIsTls ? "https://" + hostPort + "/ (HTTP/1.1)" : "http://" + hostPort + "/ (HTTP/1.1, h2c)";
    }

    private static void checkPort(String key, Integer port) {
        if (port != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException(key + "=" + port + " (must be 1..65535)");
        }
    }
}
