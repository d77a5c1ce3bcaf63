package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * UDP over real loopback sockets on both backends: byte-exact echo of every size up to the
 * IPv4 maximum from many client sockets, 100,000 paced datagrams without loss, truncation,
 * IPv6, sends from foreign threads, send-queue back-pressure, connected client sockets with
 * ICMP errors, and no descriptor left after close and stop.
 */
@Timeout(120)
class DatagramIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    /** Echoes every datagram to its sender. */
    static class Echo implements DatagramHandler {
        final AtomicInteger truncated = new AtomicInteger();
        final AtomicInteger truncatedLength = new AtomicInteger();
        final ConcurrentLinkedQueue<IOException> errors = new ConcurrentLinkedQueue<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        @Override
        public void onDatagram(DatagramSocket socket, ByteView data, InetSocketAddress sender) {
            socket.send(sender, data);
        }

        @Override
        public void onTruncated(DatagramSocket socket, InetSocketAddress sender, int datagramBytes) {
            truncatedLength.set(datagramBytes);
            truncated.incrementAndGet();
        }

        @Override
        public void onError(DatagramSocket socket, IOException error) {
            errors.add(error);
        }

        @Override
        public void onClose(DatagramSocket socket) {
            closed.complete(null);
        }
    }

    private static Engine engine(Backend backend, int reactors) {
        return Engine.builder().backend(backend).reactors(reactors).threadNamePrefix(TestEngines.uniquePrefix())
                .shutdownGrace(Duration.ofSeconds(2)).start();
    }

    private static java.net.DatagramSocket client() throws IOException {
        java.net.DatagramSocket c = new java.net.DatagramSocket(LOOPBACK_ANY_PORT);
        c.setSoTimeout(5000);
        return c;
    }

    private static byte[] roundTrip(java.net.DatagramSocket client, InetSocketAddress server, byte[] payload) throws IOException {
        client.send(new DatagramPacket(payload, payload.length, server));
        DatagramPacket in = new DatagramPacket(new byte[65536], 65536);
        client.receive(in);
        return Arrays.copyOf(in.getData(), in.getLength());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void echoesEverySizeByteExactFromManySockets(Backend backend) throws Exception {
        try (Engine engine = engine(backend, 2)) {
            List<DatagramSocket> sockets = engine.bindDatagram(LOOPBACK_ANY_PORT, DatagramOptions.defaults(), new Echo());
            assertThat(sockets).hasSize(2);
            int port = sockets.getFirst().localAddress().getPort();
            assertThat(sockets.get(1).localAddress().getPort()).as("SO_REUSEPORT shares the port").isEqualTo(port);
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            for (int c = 0; c < 16; c++) {
                try (java.net.DatagramSocket client = client()) {
                    for (int size : new int[]{0, 1, 1472, 8192, 65507}) {
                        byte[] payload = Payloads.random(size, 31L * c + size);
                        assertThat(roundTrip(client, server, payload)).as("client %d, %d bytes", c, size).isEqualTo(payload);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aHundredThousandPacedDatagramsArriveWithoutLoss(Backend backend) throws Exception {
        try (Engine engine = engine(backend, 1);
             java.net.DatagramSocket client = client()) {
            DatagramSocket socket = engine.bindDatagram(LOOPBACK_ANY_PORT, DatagramOptions.defaults(), new Echo()).getFirst();
            InetSocketAddress server = socket.localAddress();
            client.setSoTimeout(1000);
            int total = 100_000;
            int window = 32;
            byte[] out = new byte[64];
            DatagramPacket in = new DatagramPacket(new byte[256], 256);
            int sent = 0;
            int received = 0;
            int lost = 0;
            while (received + lost < total) {
                while (sent < total && sent - received - lost < window) {
                    out[0] = (byte) sent;
                    client.send(new DatagramPacket(out, out.length, server));
                    sent++;
                }
                try {
                    client.receive(in);
                    assertThat(in.getLength()).isEqualTo(64);
                    received++;
                } catch (SocketTimeoutException e) {
                    lost = sent - received; // everything still in flight is gone
                }
            }
            assertThat(lost).as("datagrams lost of %d", total).isZero();
            assertThat(received).isEqualTo(total);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aDatagramLongerThanTheLimitIsReportedTruncatedNeverPassedOn(Backend backend) throws Exception {
        Echo echo = new Echo();
        try (Engine engine = engine(backend, 1);
             java.net.DatagramSocket client = client()) {
            DatagramSocket socket = engine.bindDatagram(LOOPBACK_ANY_PORT,
                    DatagramOptions.defaults().withMaxDatagramBytes(1000), echo).getFirst();
            client.send(new DatagramPacket(new byte[2000], 2000, socket.localAddress()));
            Await.until("the truncation to be reported", WAIT, () -> echo.truncated.get() == 1);
            assertThat(socket.truncatedCount()).isEqualTo(1);
            assertThat(echo.truncatedLength.get()).isEqualTo(backend == Backend.IO_URING ? 2000 : -1);
            byte[] exact = Payloads.random(1000, 7);
            assertThat(roundTrip(client, socket.localAddress(), exact)).isEqualTo(exact);
            assertThatThrownBy(() -> socket.send(client.getLocalSocketAddress() instanceof InetSocketAddress a ? a : null,
                    new byte[1001])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDatagramBytes=1000");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void echoesOverIpv6Loopback(Backend backend) throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(new InetSocketAddress(v6, 0))) {
            probe.getLocalPort();
        } catch (IOException e) {
            assumeTrue(false, "no IPv6 loopback: " + e);
        }
        try (Engine engine = engine(backend, 1);
             java.net.DatagramSocket client = new java.net.DatagramSocket(new InetSocketAddress(v6, 0))) {
            client.setSoTimeout(5000);
            DatagramSocket socket = engine.bindDatagram(new InetSocketAddress(v6, 0), DatagramOptions.defaults(), new Echo()).getFirst();
            for (int size : new int[]{0, 1, 1452, 65507}) {
                byte[] payload = Payloads.random(size, size);
                assertThat(roundTrip(client, socket.localAddress(), payload)).isEqualTo(payload);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sendsFromForeignThreadsAllArrive(Backend backend) throws Exception {
        try (Engine engine = engine(backend, 1);
             java.net.DatagramSocket receiver = client()) {
            DatagramSocket socket = engine.bindDatagram(LOOPBACK_ANY_PORT, DatagramOptions.defaults(), (s, d, f) -> { }).getFirst();
            InetSocketAddress target = (InetSocketAddress) receiver.getLocalSocketAddress();
            int threads = 4;
            int each = 200;
            // Paced: UDP has no flow control, so senders far ahead of this reader would overflow
            // its socket buffer on a busy machine; the test is about the engine, not that.
            AtomicInteger received = new AtomicInteger();
            AtomicInteger sentTotal = new AtomicInteger();
            CompletableFuture<List<String>> got = CompletableFuture.supplyAsync(() -> {
                List<String> all = new ArrayList<>();
                DatagramPacket in = new DatagramPacket(new byte[64], 64);
                try {
                    while (all.size() < threads * each) {
                        receiver.receive(in);
                        all.add(new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII));
                        received.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return all;
            });
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                senders.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++) {
                        while (sentTotal.get() - received.get() >= 64) {
                            Thread.onSpinWait();
                        }
                        while (!socket.send(target, (id + ":" + i).getBytes(StandardCharsets.US_ASCII))) {
                            Thread.onSpinWait(); // dropped: the queue is full, try again
                        }
                        sentTotal.incrementAndGet();
                    }
                }));
            }
            for (Thread t : senders) {
                t.join();
            }
            List<String> all = got.get(20, TimeUnit.SECONDS);
            assertThat(all).hasSize(threads * each).doesNotHaveDuplicates();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aFullSendQueueDropsCountsAndReports(Backend backend) throws Exception {
        AtomicInteger droppedCallbacks = new AtomicInteger();
        DatagramHandler handler = new DatagramHandler() {
            @Override
            public void onDatagram(DatagramSocket socket, ByteView data, InetSocketAddress sender) {
            }

            @Override
            public void onSendDropped(DatagramSocket socket, int datagramBytes) {
                assertThat(datagramBytes).isEqualTo(10);
                droppedCallbacks.incrementAndGet();
            }
        };
        try (Engine engine = engine(backend, 1);
             java.net.DatagramSocket receiver = client()) {
            DatagramSocket socket = engine.bindDatagram(LOOPBACK_ANY_PORT,
                    DatagramOptions.defaults().withMaxDatagramBytes(1000).withSendQueue(8, 64 * 1024), handler).getFirst();
            InetSocketAddress target = (InetSocketAddress) receiver.getLocalSocketAddress();
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocked = new CountDownLatch(1);
            socket.reactor().execute(() -> {
                blocked.countDown();
                try {
                    release.await(); // the reactor cannot drain: sends pile up against the bound
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            blocked.await();
            int accepted = 0;
            for (int i = 0; i < 100; i++) {
                if (socket.send(target, new byte[10])) {
                    accepted++;
                }
            }
            release.countDown();
            assertThat(accepted).isEqualTo(8);
            assertThat(socket.droppedSends()).isEqualTo(92);
            assertThat(droppedCallbacks.get()).isEqualTo(92);
            DatagramPacket in = new DatagramPacket(new byte[64], 64);
            for (int i = 0; i < 8; i++) {
                receiver.receive(in);
                assertThat(in.getLength()).isEqualTo(10);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aClientOnlyEngineTalksThroughAConnectedSocketAndHearsPortUnreachable(Backend backend) throws Exception {
        try (Engine engine = engine(backend, 1);
             java.net.DatagramSocket server = client()) {
            ConcurrentLinkedQueue<String> got = new ConcurrentLinkedQueue<>();
            Echo errors = new Echo() {
                @Override
                public void onDatagram(DatagramSocket socket, ByteView data, InetSocketAddress sender) {
                    got.add(data.toString(0, data.length(), StandardCharsets.US_ASCII) + " from " + sender.getPort());
                }
            };
            InetSocketAddress serverAddress = (InetSocketAddress) server.getLocalSocketAddress();
            DatagramSocket socket = engine.connectDatagram(serverAddress, DatagramOptions.defaults(), errors);
            assertThat(socket.remoteAddress()).isEqualTo(serverAddress);
            assertThat(socket.send("hello".getBytes(StandardCharsets.US_ASCII))).isTrue();
            DatagramPacket in = new DatagramPacket(new byte[64], 64);
            server.receive(in);
            assertThat(new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII)).isEqualTo("hello");
            server.send(new DatagramPacket("back".getBytes(StandardCharsets.US_ASCII), 4, in.getSocketAddress()));
            Await.until("the reply", WAIT, () -> got.contains("back from " + serverAddress.getPort()), () -> got);
            server.close(); // the port is closed now: the next datagram draws an ICMP port unreachable
            Await.until("the ICMP error to be reported", WAIT, () -> {
                socket.send("anyone?".getBytes(StandardCharsets.US_ASCII));
                return !errors.errors.isEmpty();
            }, () -> errors.errors);
            assertThat(errors.errors.peek().getMessage()).containsAnyOf("ECONNREFUSED", "Connection refused", "Port unreachable");
            assertThat(socket.isOpen()).as("an ICMP error does not close the socket").isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void closeAndStopWithReceivesInFlightLeaveNoDescriptor(Backend backend) throws Exception {
        assumeTrue(Fds.countable(), "needs /proc/self/fd");
        // Warm-up outside the count: classes, selector providers, ring set-up paths.
        try (Engine warm = engine(backend, 1)) {
            warm.bindDatagram(LOOPBACK_ANY_PORT, DatagramOptions.defaults(), new Echo());
        }
        int before = Fds.openCount();
        Echo closedByHand = new Echo();
        Echo closedByStop = new Echo();
        Engine engine = engine(backend, 2);
        try (java.net.DatagramSocket client = client()) {
            DatagramSocket first = engine.bindDatagram(engine.reactors().getFirst(), LOOPBACK_ANY_PORT,
                    DatagramOptions.defaults(), closedByHand);
            List<DatagramSocket> rest = engine.bindDatagram(LOOPBACK_ANY_PORT, DatagramOptions.defaults(), closedByStop);
            for (int i = 0; i < 200; i++) {
                client.send(new DatagramPacket(new byte[100], 100, first.localAddress()));
                client.send(new DatagramPacket(new byte[100], 100, rest.getFirst().localAddress()));
            }
            first.close();
            closedByHand.closed.get(10, TimeUnit.SECONDS);
            assertThat(first.isOpen()).isFalse();
            assertThat(first.send(first.localAddress(), new byte[1])).as("send after close").isFalse();
        } finally {
            engine.close();
        }
        assertThat(closedByStop.closed).isDone();
        Await.until("descriptors back to " + before, WAIT, () -> Fds.openCount() <= before, Fds::openCount);
    }
}
