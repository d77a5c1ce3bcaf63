package io.ringbolt.engine.nio;

import io.ringbolt.engine.runtime.ListenSocketOps;
import io.ringbolt.engine.runtime.Listeners;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** Opening and binding listening sockets; the only place listener options are chosen. */
final class ListenSockets implements ListenSocketOps<ServerSocketChannel> {
    private final int backlog;

    ListenSockets(int backlog) {
        this.backlog = backlog;
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
     * @throws IOException naming the address when opening or binding fails; nothing stays open
     */
    @Override
    public ServerSocketChannel open(InetSocketAddress address, boolean reusePort) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            // Lets a restarted server bind while old connections of the port sit in TIME_WAIT.
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (reusePort) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            ch.bind(address, backlog);
            return ch;
        } catch (BindException e) {
            closeQuietly(ch);
            BindException named = new BindException("listen on " + Listeners.describe(address) + " failed: " + e.getMessage());
            named.initCause(e);
            throw named;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw new IOException("listen on " + Listeners.describe(address) + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isInUse(InetSocketAddress address) throws IOException {
        // A TCP socket bound but not listening: SocketChannel, opened dual-stack like the listeners.
        try (SocketChannel probe = SocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(address);
            return false;
        } catch (BindException e) {
            return true;
        } catch (IOException e) {
            throw new IOException("checking whether " + Listeners.describe(address) + " is in use failed: " + e.getMessage(), e);
        }
    }

    @Override
    public InetSocketAddress localAddress(ServerSocketChannel ch, InetSocketAddress requested) throws IOException {
        return (InetSocketAddress) ch.getLocalAddress();
    }

    @Override
    public void close(ServerSocketChannel ch) {
        closeQuietly(ch);
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
