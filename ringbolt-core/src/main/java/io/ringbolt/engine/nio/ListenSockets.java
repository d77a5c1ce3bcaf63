package io.ringbolt.engine.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/** Opening and binding listening sockets; the only place listener options are chosen. */
final class ListenSockets {
    private ListenSockets() {
    }

    /**
     * Why REUSEPORT mode cannot work here, or null when it can. It needs SO_REUSEPORT with
     * Linux semantics: the kernel spreads incoming connections over the sockets of the group.
     * The BSDs and macOS accept the option but hand every connection to one socket.
     */
    static String reusePortUnavailableCause() {
        try (ServerSocketChannel ch = ServerSocketChannel.open()) {
            if (!ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                return "SO_REUSEPORT is not supported on this platform";
            }
        } catch (IOException e) {
            return "SO_REUSEPORT could not be probed: " + e.getMessage();
        }
        String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux")) {
            return "SO_REUSEPORT does not spread connections over sockets on " + os;
        }
        return null;
    }

    /**
     * Opens a blocking listening socket bound to {@code address}. The JDK opens a dual-stack
     * socket where IPv6 is available, so binding {@code [::]} also accepts IPv4.
     *
     * @param reusePort set SO_REUSEPORT before binding, so that every reactor can bind the same
     *                  address and the kernel spreads connections over them
     * @throws IOException naming the address when opening or binding fails; nothing stays open
     */
    static ServerSocketChannel bind(InetSocketAddress address, int backlog, boolean reusePort) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            // Lets a restarted server bind while old connections of the port sit in TIME_WAIT.
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (reusePort) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            ch.bind(address, backlog);
            return ch;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw new IOException("listen on " + describe(address) + " failed: " + e.getMessage(), e);
        }
    }

    /** The address a listener is bound to, with the real port. */
    static InetSocketAddress localAddress(ServerSocketChannel ch) throws IOException {
        return (InetSocketAddress) ch.getLocalAddress();
    }

    /** {@code host:port}, with brackets around IPv6 literals. */
    static String describe(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Closes {@code ch}, ignoring errors (used on paths that already fail or tear down). */
    static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Nothing useful to do: the fd is released by close even when it reports an error.
        }
    }
}
