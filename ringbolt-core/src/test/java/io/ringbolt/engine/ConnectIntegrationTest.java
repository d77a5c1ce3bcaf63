package io.ringbolt.engine;

import io.ringbolt.engine.runtime.AbstractReactor;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Outbound connections on every backend, over loopback only: success against the engine's own
 * listener and a plain {@link ServerSocket}, refusal, timeout (a full accept queue), reset,
 * storms of concurrent and of failing connects with descriptor counts, cancellation, stopping,
 * and an engine without listeners.
 */
@Timeout(120)
class ConnectIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    /** An engine with no listener: a client. */
    private static Engine client(Backend backend) {
        return Engine.builder().backend(backend).reactors(1).threadNamePrefix(TestEngines.uniquePrefix())
                .shutdownGrace(Duration.ofSeconds(2)).start();
    }

    /** A port on 127.0.0.1 nothing listens on (free a moment ago). */
    private static InetSocketAddress closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return new InetSocketAddress(LOOPBACK, s.getLocalPort());
        }
    }

    private static Throwable failure(CompletableFuture<Connection> f) {
        try {
            Connection c = f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("connect succeeded: " + c);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int connecting(Engine engine) throws Exception {
        int n = 0;
        for (Reactor r : engine.reactors()) {
            n += Await.onReactor(r, ((AbstractReactor) r)::connectingCount);
        }
        return n;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void connectsToItsOwnListenerAndEchoes(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).start()) {
            Collector client = new Collector();
            Connection c = engine.connect(TestEngines.address(engine), client, WAIT).get(10, TimeUnit.SECONDS);
            assertThat(client.opened).as("onOpen before the future completes").isDone();
            assertThat(c.isOpen()).isTrue();
            assertThat(c.remoteAddress()).isEqualTo(TestEngines.address(engine));
            assertThat(c.localAddress().getAddress()).isEqualTo(LOOPBACK);
            byte[] payload = Payloads.random(1 << 20, 7);
            assertThat(c.write(payload)).isTrue(); // a foreign write: copied and flushed on the reactor
            assertThat(client.awaitBytes(payload.length, WAIT)).isEqualTo(payload);
            c.close();
            assertThat(client.awaitClose(WAIT)).isEqualTo(CloseReason.LOCAL);
            EngineStats stats = engine.stats();
            assertThat(stats.connectedTotal()).isEqualTo(1);
            assertThat(stats.acceptedTotal()).isEqualTo(1);
            assertThat(stats.connectFailedTotal()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void clientOnlyEngineTalksToAPlainServerSocket(Backend backend) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK); Engine engine = client(backend)) {
            assertThat(engine.boundAddresses()).isEmpty();
            assertThat(engine.statusLine()).contains("no listener");
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                    s.getOutputStream().write(("pong " + line + "\n").getBytes(StandardCharsets.US_ASCII));
                    return line;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            Collector client = new Collector() {
                @Override
                public void onOpen(Connection connection) {
                    super.onOpen(connection);
                    connection.write("ping\n".getBytes(StandardCharsets.US_ASCII)); // like an accepted one: write in onOpen
                    connection.flush();
                }
            };
            Connection c = engine.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()), client, WAIT)
                    .get(10, TimeUnit.SECONDS);
            assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo("ping");
            client.awaitBytes(10, WAIT);
            assertThat(client.text()).isEqualTo("pong ping\n");
            // The server closed after its reply: the default onInputClosed closes our side.
            assertThat(client.awaitClose(WAIT)).isEqualTo(CloseReason.PEER_CLOSED);
            assertThat(c.isOpen()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void refusedConnectFailsNamingTheAddressAndTheErrno(Backend backend) throws Exception {
        InetSocketAddress closed = closedPort();
        try (Engine engine = client(backend)) {
            Throwable e = failure(engine.connect(closed, new Collector(), WAIT));
            assertThat(e).isInstanceOf(ConnectException.class)
                    .hasMessage("connect to " + closed + " failed: ECONNREFUSED (connection refused)");
            assertThat(engine.stats().connectFailedTotal()).isEqualTo(1);
            assertThat(engine.stats().openConnections()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void connectToAFullAcceptQueueTimesOut(Backend backend) throws Exception {
        try (FullBacklogListener full = new FullBacklogListener(); Engine engine = client(backend)) {
            Collector handler = new Collector();
            Throwable e = failure(engine.connect(full.address(), handler, Duration.ofMillis(300)));
            assertThat(e).isInstanceOf(SocketTimeoutException.class)
                    .hasMessage("connect to " + full.address() + " timed out after 300 ms");
            assertThat(handler.opened).as("no handler for a failed connect").isNotDone();
            assertThat(connecting(engine)).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void resetRightAfterTheConnectFailsItOrClosesWithReset(Backend backend) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK); Engine engine = client(backend)) {
            Collector client = new Collector();
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, server.getLocalPort());
            CompletableFuture<Connection> f = engine.connect(address, client, WAIT);
            try (Socket s = server.accept()) {
                s.setSoLinger(true, 0); // close sends RST
            }
            // The kernel completed the handshake before accept; whether the client side learns
            // of it before the reset arrives is a race: either the connect fails naming the
            // reset, or the connection opens and then closes with RESET.
            try {
                assertThat(f.get(10, TimeUnit.SECONDS)).isNotNull();
                assertThat(client.awaitClose(WAIT)).isEqualTo(CloseReason.RESET);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(ConnectException.class)
                        .hasMessage("connect to " + address + " failed: ECONNRESET (connection reset by peer)");
                assertThat(client.opened).isNotDone();
            }
            assertThat(engine.stats().openConnections()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void thousandConcurrentConnectsWhileServing(Backend backend) throws Exception {
        int count = 1000;
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).reactors(2).start()) {
            List<CompletableFuture<Connection>> futures = new ArrayList<>();
            List<Collector> clients = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Collector client = new Collector();
                clients.add(client);
                futures.add(engine.connect(TestEngines.address(engine), client, Duration.ofSeconds(30)));
            }
            List<Connection> connections = new ArrayList<>();
            for (CompletableFuture<Connection> f : futures) {
                connections.add(f.get(30, TimeUnit.SECONDS));
            }
            for (int i = 0; i < count; i++) {
                connections.get(i).write(("#" + i).getBytes(StandardCharsets.US_ASCII));
            }
            for (int i = 0; i < count; i++) {
                String expected = "#" + i;
                clients.get(i).awaitBytes(expected.length(), WAIT);
                assertThat(clients.get(i).text()).isEqualTo(expected);
            }
            assertThat(connections.stream().mapToInt(c -> c.reactor().index()).distinct().count())
                    .as("round-robin over both reactors").isEqualTo(2);
            connections.forEach(Connection::close);
            Await.until("all closed", Duration.ofSeconds(30), () -> engine.stats().openConnections() == 0, engine::stats);
            assertThat(engine.stats().connectedTotal()).isEqualTo(count);
            assertThat(engine.stats().acceptedTotal()).isEqualTo(count);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void tenThousandFailedConnectsLeaveNoDescriptorOrConnectionBehind(Backend backend) throws Exception {
        assumeTrue(Fds.countable(), "needs /proc/self/fd");
        InetSocketAddress closed = closedPort();
        try (Engine engine = client(backend)) {
            failure(engine.connect(closed, new Collector(), WAIT)); // warm-up: classes, pools
            Await.quiesce(engine);
            int fdsBefore = Fds.openCount();
            int total = 10_000;
            Semaphore window = new Semaphore(256);
            AtomicInteger refused = new AtomicInteger();
            AtomicInteger other = new AtomicInteger();
            List<CompletableFuture<?>> all = new ArrayList<>(total);
            for (int i = 0; i < total; i++) {
                window.acquire();
                all.add(engine.connect(closed, new Collector(), WAIT).handle((c, e) -> {
                    window.release();
                    if (e instanceof ConnectException && e.getMessage().contains("ECONNREFUSED")) {
                        refused.incrementAndGet();
                    } else {
                        other.incrementAndGet();
                    }
                    return null;
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(other.get()).as("connects that did not fail with ECONNREFUSED").isZero();
            assertThat(refused.get()).isEqualTo(total);
            Await.quiesce(engine); // io_uring closes the sockets asynchronously, NIO at the next select
            Await.until("descriptors back to " + fdsBefore, WAIT, () -> Fds.openCount() <= fdsBefore, Fds::openCount);
            assertThat(connecting(engine)).isZero();
            assertThat(engine.stats().openConnections()).isZero();
            assertThat(engine.stats().connectFailedTotal()).isEqualTo(total + 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void hostNamesResolveOffTheReactor(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).start()) {
            // "localhost" comes from /etc/hosts; no query leaves the machine.
            InetSocketAddress byName = InetSocketAddress.createUnresolved("localhost", engine.port());
            Collector client = new Collector();
            Connection c = engine.connect(byName, client, WAIT).get(10, TimeUnit.SECONDS);
            assertThat(c.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
            c.write("x".getBytes(StandardCharsets.US_ASCII));
            assertThat(client.awaitBytes(1, WAIT)).containsExactly('x');
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void cancellingAConnectClosesItsSocketWithoutAHandler(Backend backend) throws Exception {
        assumeTrue(Fds.countable(), "needs /proc/self/fd");
        try (FullBacklogListener full = new FullBacklogListener(); Engine engine = client(backend)) {
            int fdsBefore = Fds.openCount();
            Collector handler = new Collector();
            CompletableFuture<Connection> f = engine.connect(full.address(), handler, Duration.ofSeconds(60));
            Await.until("the connect to be in flight", WAIT, () -> {
                try {
                    return connecting(engine) == 1;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(f.cancel(false)).isTrue();
            assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
            Await.until("no connect in flight", WAIT, () -> {
                try {
                    return connecting(engine) == 0;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            Await.quiesce(engine);
            Await.until("descriptors back", WAIT, () -> Fds.openCount() <= fdsBefore, Fds::openCount);
            assertThat(handler.opened).isNotDone();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void stoppingTheEngineFailsConnectsInFlight(Backend backend) throws Exception {
        try (FullBacklogListener full = new FullBacklogListener()) {
            Engine engine = client(backend);
            CompletableFuture<Connection> f = engine.connect(full.address(), new Collector(), Duration.ofSeconds(60));
            Await.until("the connect to be in flight", WAIT, () -> {
                try {
                    return connecting(engine) == 1;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(engine.stop(Duration.ofSeconds(5))).isTrue();
            assertThat(failure(f)).isInstanceOf(ConnectException.class).hasMessageContaining("the engine is stopping");
            assertThat(failure(engine.connect(full.address(), new Collector(), WAIT)))
                    .isInstanceOf(ConnectException.class).hasMessageContaining("stopped");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void connectedConnectionHasTheEngineTimersOfAnAcceptedOne(Backend backend) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
             Engine engine = Engine.builder().backend(backend).reactors(1).threadNamePrefix(TestEngines.uniquePrefix())
                     .idleTimeout(Duration.ofMillis(200)).start()) {
            Collector client = new Collector();
            engine.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()), client, WAIT).get(10, TimeUnit.SECONDS);
            try (Socket ignored = server.accept()) {
                assertThat(client.awaitClose(WAIT)).isEqualTo(CloseReason.IDLE_TIMEOUT);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void connectOnAChosenReactor(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).reactors(2).start()) {
            Reactor second = engine.reactors().get(1);
            Connection c = engine.connect(second, TestEngines.address(engine), x -> new Collector(), WAIT).get(10, TimeUnit.SECONDS);
            assertThat(c.reactor()).isSameAs(second);
            Connection viaReactor = second.connect(TestEngines.address(engine), x -> new Collector(), WAIT).get(10, TimeUnit.SECONDS);
            assertThat(viaReactor.reactor()).isSameAs(second);
            assertThatThrownBy(() -> engine.connect(TestEngines.address(engine), new Collector(), Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connect-timeout");
        }
    }
}
