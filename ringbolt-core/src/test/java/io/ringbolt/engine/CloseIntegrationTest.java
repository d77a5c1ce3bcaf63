package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every way a connection ends: peer half-close, peer reset, local close and abort, handler error. */
@Timeout(30)
class CloseIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void halfCloseGetsEveryEchoedByteThenEof(Backend backend) throws Exception {
        Recorder rec = Recorder.echo();
        byte[] payload = Payloads.random(300_000, 3);
        try (Engine engine = TestEngines.loopback(backend, rec).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            OutputStream out = s.getOutputStream();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    out.write(payload);
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            byte[] echoed = Clients.readToEof(s.getInputStream());
            writer.get();
            assertThat(echoed).isEqualTo(payload);
            Recorder.Closed closed = rec.awaitClose(WAIT);
            assertThat(closed.reason()).isEqualTo(CloseReason.PEER_CLOSED);
            Await.quiesce(engine);
            assertThat(rec.closeCalls(closed.connection())).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void peerResetClosesOnceAndTheReactorKeepsServing(Backend backend) throws Exception {
        Recorder rec = Recorder.echo();
        try (Engine engine = TestEngines.loopback(backend, rec).start()) {
            Socket s = Clients.connect(TestEngines.address(engine));
            Clients.assertEcho(s, "hello".getBytes(StandardCharsets.US_ASCII));
            Connection server = rec.awaitOpen(WAIT);
            s.setSoLinger(true, 0);
            s.close(); // RST

            Recorder.Closed closed = rec.awaitClose(WAIT);
            assertThat(closed.connection()).isSameAs(server);
            // Which one the server sees depends on whether its read meets the RST or the
            // kernel already turned it into EOF; both are a peer-side end.
            assertThat(closed.reason()).isIn(CloseReason.RESET, CloseReason.PEER_CLOSED);

            Clients.echoOnce(TestEngines.address(engine), "still serving".getBytes(StandardCharsets.US_ASCII));
            Await.quiesce(engine);
            assertThat(rec.closeCalls(server)).isEqualTo(1);
            assertThat(server.isOpen()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void serverCloseAfterFirstMessageDeliversTheReplyThenEof(Backend backend) throws Exception {
        Recorder rec = new Recorder(c -> new ConnectionHandler() {
            @Override
            public int onData(Connection connection, ByteView data) {
                connection.write(data, 0, data.length());
                connection.close(); // flushes the reply first
                return data.length();
            }
        });
        try (Engine engine = TestEngines.loopback(backend, rec).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            s.getOutputStream().write("bye-bye".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertThat(new String(Clients.readExactly(in, 7), StandardCharsets.US_ASCII)).isEqualTo("bye-bye");
            Clients.assertEof(in);
            Recorder.Closed closed = rec.awaitClose(WAIT);
            assertThat(closed.reason()).isEqualTo(CloseReason.LOCAL);
            Await.quiesce(engine);
            assertThat(rec.closeCalls(closed.connection())).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void abortResetsThePeer(Backend backend) throws Exception {
        Recorder rec = new Recorder(c -> (connection, data) -> {
            connection.write("never sent".getBytes(StandardCharsets.US_ASCII));
            connection.abort();
            return data.length();
        });
        try (Engine engine = TestEngines.loopback(backend, rec).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            s.getOutputStream().write('x');
            assertThatThrownBy(() -> s.getInputStream().read())
                    .isInstanceOf(java.net.SocketException.class)
                    .hasMessageContaining("reset");
            assertThat(rec.awaitClose(WAIT).reason()).isEqualTo(CloseReason.LOCAL);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void throwingHandlerClosesOnlyItsConnection(Backend backend) throws Exception {
        Recorder rec = new Recorder(c -> new EchoTestHandler() {
            @Override
            public int onData(Connection connection, ByteView data) {
                if (data.regionMatches(0, "boom".getBytes(StandardCharsets.US_ASCII))) {
                    throw new IllegalStateException("test handler failure (expected in this test)");
                }
                return super.onData(connection, data);
            }
        });
        try (Engine engine = TestEngines.loopback(backend, rec).start();
             Socket healthy = Clients.connect(TestEngines.address(engine));
             Socket failing = Clients.connect(TestEngines.address(engine))) {
            Clients.assertEcho(healthy, "before".getBytes(StandardCharsets.US_ASCII));
            Clients.assertEcho(failing, "fine".getBytes(StandardCharsets.US_ASCII));
            long errorsBefore = engine.stats().handlerErrors();

            failing.getOutputStream().write("boom".getBytes(StandardCharsets.US_ASCII));
            Clients.assertEof(failing.getInputStream());
            Recorder.Closed closed = rec.awaitClose(WAIT);
            assertThat(closed.reason()).isEqualTo(CloseReason.HANDLER_ERROR);
            assertThat(engine.stats().handlerErrors()).isEqualTo(errorsBefore + 1);

            Clients.assertEcho(healthy, "after".getBytes(StandardCharsets.US_ASCII));
            assertThat(engine.stats().openConnections()).isEqualTo(1);
        }
    }
}
