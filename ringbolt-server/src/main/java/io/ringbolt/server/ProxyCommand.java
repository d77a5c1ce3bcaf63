package io.ringbolt.server;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;

/** {@code ringbolt proxy --upstream HOST:PORT}: the event-driven TCP proxy ({@link TcpProxy}). */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Start a TCP proxy: every accepted connection is relayed to --upstream, connected on the same "
                + "reactor, with back-pressure and half-close both ways. --tls-cert/--tls-key terminate TLS.")
final class ProxyCommand implements Callable<Integer> {
    @Mixin
    EngineOptions options;

    @Mixin
    TlsFlags tls;

    @Option(names = "--upstream", paramLabel = "HOST:PORT", required = true, description = "Where to relay connections.")
    String upstream;

    @Option(names = "--connect-timeout", description = "Give up on an upstream connect after this long, e.g. 5s (default: ${DEFAULT-VALUE}).",
            defaultValue = "5s")
    String connectTimeout;

    @Override
    public Integer call() throws InterruptedException {
        Main.configureLogging(options.logLevel);
        InetSocketAddress target = parseHostPort(upstream);
        TcpProxy proxy = new TcpProxy(target, EngineOptions.parseDuration("connect-timeout", connectTimeout));
        System.getLogger("io.ringbolt.server").log(System.Logger.Level.INFO, "proxy: upstream " + target);
        return Main.runEngine(options, options.builder().handler(tls.apply(proxy)));
    }

    /** Parses {@code host:port} or {@code [v6]:port}; the host is resolved now. */
    static InetSocketAddress parseHostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("upstream=" + text + " (expected HOST:PORT)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("upstream=" + text + " (expected HOST:PORT)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("upstream=" + text + " (port out of range)");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("upstream=" + text + " (host not found)");
        }
        return address;
    }
}
