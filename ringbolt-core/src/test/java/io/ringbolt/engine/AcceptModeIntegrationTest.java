package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Both accept modes serve every connection on several reactors. */
@Timeout(60)
class AcceptModeIntegrationTest {
    private static final int REACTORS = 3;
    private static final int CONNECTIONS = 64;

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.ringbolt.engine.TestBackends#withAcceptModes")
    void connectionsAreServedOnEveryReactor(Backend backend, AcceptMode mode) throws Exception {
        Recorder rec = Recorder.echo();
        String prefix = TestEngines.uniquePrefix();
        try (Engine engine = TestEngines.loopback(backend, rec).reactors(REACTORS).acceptMode(mode)
                .threadNamePrefix(prefix).start()) {
            assertThat(engine.config().acceptMode()).isEqualTo(mode);
            if (backend == Backend.NIO) {
                assertThat(Threads.alive(prefix + "-acceptor")).as("acceptor thread")
                        .hasSize(mode == AcceptMode.ACCEPTOR ? 1 : 0);
            }
            InetSocketAddress address = TestEngines.address(engine);
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket s = Clients.connect(address);
                    sockets.add(s);
                    Clients.assertEcho(s, ("connection " + i).getBytes(StandardCharsets.US_ASCII));
                }
                assertThat(engine.stats().openConnections()).isEqualTo(CONNECTIONS);
                if (mode == AcceptMode.ACCEPTOR) {
                    // Round-robin: every reactor got its share. (With REUSEPORT the kernel
                    // hashes the 4-tuple, so no distribution is promised.)
                    assertThat(rec.openedPerReactor()).as("connections per reactor").hasSize(REACTORS);
                    assertThat(rec.openedPerReactor().values()).allSatisfy(n -> assertThat(n).isPositive());
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            Await.until("all closed", Duration.ofSeconds(10), () -> engine.stats().openConnections() == 0, engine::stats);
        }
        assertThat(Threads.alive(prefix + "-")).as("engine threads after stop").isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.ringbolt.engine.TestBackends#withAcceptModes")
    void fullReactorClosesNewConnectionsAtOnce(Backend backend, AcceptMode mode) throws Exception {
        Recorder rec = Recorder.echo();
        try (Engine engine = TestEngines.loopback(backend, rec).acceptMode(mode).maxConnectionsPerReactor(2).start();
             Socket first = Clients.connect(TestEngines.address(engine));
             Socket second = Clients.connect(TestEngines.address(engine))) {
            Clients.assertEcho(first, "1".getBytes(StandardCharsets.US_ASCII));
            Clients.assertEcho(second, "2".getBytes(StandardCharsets.US_ASCII));

            try (Socket third = Clients.connect(TestEngines.address(engine))) {
                // The kernel completed the handshake; the engine closes the socket unread.
                try {
                    assertThat(third.getInputStream().read()).isEqualTo(-1);
                } catch (java.net.SocketException e) {
                    assertThat(e.getMessage()).contains("reset");
                }
            }
            Await.until("the refusal to be counted", Duration.ofSeconds(10),
                    () -> engine.stats().rejectedTotal() == 1, engine::stats);
            assertThat(rec.openedConnections()).hasSize(2);

            first.close();
            Await.until("a free slot", Duration.ofSeconds(10), () -> engine.stats().openConnections() == 1, engine::stats);
            Clients.echoOnce(TestEngines.address(engine), "room again".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.ringbolt.engine.TestBackends#withAcceptModes")
    void portZeroGivesEveryReuseportListenerTheSamePort(Backend backend, AcceptMode mode) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/proc/net/tcp").canRead(), "needs /proc/net/tcp");
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler())
                .reactors(REACTORS).acceptMode(mode).start()) {
            assertThat(listeningSockets(engine.port()))
                    .as("listening sockets on port " + engine.port())
                    .isEqualTo(mode == AcceptMode.REUSEPORT ? REACTORS : 1);
        }
    }

    /**
     * LISTEN sockets (state 0A) on 127.0.0.1:{@code port} in /proc/net/tcp and tcp6 (where
     * dual-stack sockets show it as ::ffff:127.0.0.1, which also ends in 0100007F).
     */
    private static long listeningSockets(int port) throws java.io.IOException {
        String portHex = String.format("0100007F:%04X", port);
        long n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            java.nio.file.Path p = java.nio.file.Path.of(table);
            if (!java.nio.file.Files.isReadable(p)) {
                continue;
            }
            n += java.nio.file.Files.readAllLines(p).stream().skip(1)
                    .map(line -> line.trim().split("\\s+"))
                    .filter(f -> f[1].endsWith(portHex) && f[3].equals("0A"))
                    .count();
        }
        return n;
    }
}
