package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.DatagramHandler;
import io.ringbolt.engine.DatagramOptions;
import io.ringbolt.engine.DatagramSocket;
import io.ringbolt.engine.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./ringbolt udp-echo}: a UDP echo server, one SO_REUSEPORT socket per reactor, each
 * datagram sent back to its source from the reactor that received it.
 */
@Command(name = "udp-echo", mixinStandardHelpOptions = true,
        description = "Start the UDP echo server: every datagram goes back to its sender. One SO_REUSEPORT socket per reactor.")
final class UdpEcho implements Callable<Integer> {
    @Option(names = "--host", description = "Address to bind; 0.0.0.0 or :: for all interfaces (default: ${DEFAULT-VALUE}).",
            defaultValue = "127.0.0.1")
    String host;

    @Option(names = {"-p", "--port"}, description = "UDP port (default: ${DEFAULT-VALUE}).", defaultValue = "9000")
    int port;

    @Option(names = "--reactors", description = "Reactor threads, one socket each (default: available processors).")
    Integer reactors;

    @Option(names = "--backend", description = "io_uring, nio or auto (default: ${DEFAULT-VALUE}).", defaultValue = "auto")
    String backend;

    @Option(names = "--max-datagram", description = "Largest datagram echoed whole, bytes (default: ${DEFAULT-VALUE}).",
            defaultValue = "65507")
    int maxDatagramBytes;

    @Option(names = "--receive-buffers", description = "Receive buffers per socket, a power of 2 (default: ${DEFAULT-VALUE}).",
            defaultValue = "256")
    int receiveBuffers;

    @Option(names = "--log-level", description = "error, warning, info, debug (default: ${DEFAULT-VALUE}).", defaultValue = "info")
    String logLevel;

    /** Echoes in place: the send copies the received view before the buffer goes back to the kernel. */
    static final class Handler implements DatagramHandler {
        private static final System.Logger LOG = System.getLogger("io.ringbolt.server");

        @Override
        public void onDatagram(DatagramSocket socket, ByteView data, InetSocketAddress sender) {
            socket.send(sender, data);
        }

        @Override
        public void onTruncated(DatagramSocket socket, InetSocketAddress sender, int datagramBytes) {
            LOG.log(System.Logger.Level.DEBUG, () -> "udp-echo: dropped a truncated datagram of " + datagramBytes
                    + " bytes from " + sender + " (--max-datagram)");
        }

        @Override
        public void onError(DatagramSocket socket, java.io.IOException error) {
            LOG.log(System.Logger.Level.DEBUG, () -> "udp-echo: " + error.getMessage());
        }

        @Override
        public void onSendDropped(DatagramSocket socket, int datagramBytes) {
            LOG.log(System.Logger.Level.DEBUG, () -> "udp-echo: send queue full, dropped an echo of " + datagramBytes + " bytes");
        }
    }

    /** A running echo: its engine (close it to stop) and its sockets. */
    record Started(Engine engine, List<DatagramSocket> sockets) {
    }

    /** Starts an engine with one echoing socket per reactor on {@code address}. */
    static Started start(Backend backend, Integer reactorCount, InetSocketAddress address, DatagramOptions options) {
        Engine.Builder builder = Engine.builder().backend(backend);
        if (reactorCount != null) {
            builder.reactors(reactorCount);
        }
        Engine engine = builder.start();
        try {
            return new Started(engine, engine.bindDatagram(address, options, new Handler()));
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Main.configureLogging(logLevel);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port=" + port + " (must be 0..65535)");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("host=" + host + " (" + e.getMessage() + ")", e);
        }
        Started started = start(Backend.parse(backend), reactors, new InetSocketAddress(address, port),
                DatagramOptions.defaults().withMaxDatagramBytes(maxDatagramBytes).withReceiveBuffers(receiveBuffers));
        Engine engine = started.engine();
        List<DatagramSocket> sockets = started.sockets();
        System.getLogger("io.ringbolt.server").log(System.Logger.Level.INFO, "udp-echo: backend=" + engine.backend().displayName()
                + ", reactors=" + sockets.size() + ", listening on udp " + sockets.getFirst().localAddress());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("ringbolt-shutdown").unstarted(() -> {
            engine.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
