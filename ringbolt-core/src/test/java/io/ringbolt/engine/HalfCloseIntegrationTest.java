package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Connection#shutdownOutput()} and the peer's EOF with a handler that keeps writing, on
 * accepted and connected connections, over real sockets on both backends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HalfCloseIntegrationTest {
    /** Larger than the socket buffers, so the FIN must wait for the flush. */
    private static final byte[] BIG = Payloads.random(8 * 1024 * 1024, 17);

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    /** Writes BIG, shuts its output down, then collects what the peer sends until its EOF. */
    static final class SendThenListen implements ConnectionHandler {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
        volatile boolean inputClosed;
        volatile boolean writeRefusedAfterShutdown;

        @Override
        public void onOpen(Connection c) {
            c.write(BIG);
            c.shutdownOutput();
            writeRefusedAfterShutdown = !c.write(new byte[1]);
        }

        @Override
        public int onData(Connection c, ByteView data) {
            byte[] b = new byte[data.length()];
            data.copyTo(0, b, 0, b.length);
            received.writeBytes(b);
            return b.length;
        }

        @Override
        public void onInputClosed(Connection c) {
            inputClosed = true;
        }

        @Override
        public void onClose(Connection c, CloseReason reason) {
            closed.complete(reason);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shutdownOutputDeliversEverythingThenFinAndKeepsReading(Backend backend) throws Exception {
        SendThenListen handler = new SendThenListen();
        try (Engine engine = TestEngines.loopback(backend, c -> handler).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            assertThat(Clients.readToEof(s.getInputStream())).as("all the output, then EOF").isEqualTo(BIG);
            assertThat(handler.writeRefusedAfterShutdown).isTrue();
            assertThat(handler.closed).as("still open for the peer's bytes").isNotDone();
            s.getOutputStream().write("after the FIN".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertThat(handler.closed.get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.PEER_CLOSED);
            assertThat(handler.received.toString(StandardCharsets.US_ASCII)).isEqualTo("after the FIN");
            assertThat(handler.inputClosed).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void handlerKeepsWritingAfterThePeersEofThenShutsDown(Backend backend) throws Exception {
        CompletableFuture<CloseReason> closed = new CompletableFuture<>();
        ConnectionHandler answerAfterEof = new ConnectionHandler() {
            private long count;

            @Override
            public int onData(Connection c, ByteView data) {
                count += data.length();
                return data.length();
            }

            @Override
            public void onInputClosed(Connection c) {
                c.write(("counted " + count + "\n").getBytes(StandardCharsets.US_ASCII));
                c.write(BIG);
                c.shutdownOutput(); // both directions done after the flush: the connection closes
            }

            @Override
            public void onClose(Connection c, CloseReason reason) {
                closed.complete(reason);
            }
        };
        try (Engine engine = TestEngines.loopback(backend, c -> answerAfterEof).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            s.getOutputStream().write(new byte[100_000]);
            s.shutdownOutput();
            byte[] all = Clients.readToEof(s.getInputStream());
            byte[] head = "counted 100000\n".getBytes(StandardCharsets.US_ASCII);
            assertThat(all).hasSize(head.length + BIG.length);
            assertThat(java.util.Arrays.copyOf(all, head.length)).isEqualTo(head);
            assertThat(java.util.Arrays.copyOfRange(all, head.length, all.length)).isEqualTo(BIG);
            assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.PEER_CLOSED);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void overTls13ShutdownOutputSendsCloseNotifyAndReadingGoesOn(Backend backend) throws Exception {
        SelfSigned certificate = SelfSigned.create("EC");
        try {
            java.util.concurrent.CompletableFuture<CloseReason> closed = new CompletableFuture<>();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            ConnectionHandler byeThenListen = new ConnectionHandler() {
                @Override
                public void onOpen(Connection c) {
                    c.write("bye".getBytes(StandardCharsets.US_ASCII));
                    c.shutdownOutput();
                }

                @Override
                public int onData(Connection c, ByteView data) {
                    byte[] b = new byte[data.length()];
                    data.copyTo(0, b, 0, b.length);
                    received.writeBytes(b);
                    return b.length;
                }

                @Override
                public void onClose(Connection c, CloseReason reason) {
                    closed.complete(reason);
                }
            };
            io.ringbolt.engine.tls.TlsContext tls = io.ringbolt.engine.tls.TlsContext.fromKeyStore(certificate.keyStore, SelfSigned.PASSWORD);
            try (Engine engine = TestEngines.loopback(backend, tls.wrap(c -> byeThenListen)).start();
                 javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) certificate.clientContext().getSocketFactory().createSocket()) {
                s.setSoTimeout(Clients.READ_TIMEOUT_MS);
                s.connect(TestEngines.address(engine), Clients.READ_TIMEOUT_MS);
                s.setEnabledProtocols(new String[] {"TLSv1.3"});
                java.io.InputStream in = s.getInputStream(); // refused once close_notify arrived, which may be during the handshake
                java.io.OutputStream out = s.getOutputStream();
                s.startHandshake();
                assertThat(new String(Clients.readToEof(in), StandardCharsets.US_ASCII))
                        .as("the output, then close_notify as EOF").isEqualTo("bye");
                out.write("late".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.shutdownOutput(); // TLS 1.3 half-close: close_notify, then FIN
                // The TLS layer reports the close_notify as the EOF, and the default
                // onInputClosed closes (LOCAL); over plain TCP it is the kernel's EOF (PEER_CLOSED).
                assertThat(closed.get(10, TimeUnit.SECONDS)).isIn(CloseReason.PEER_CLOSED, CloseReason.LOCAL);
                assertThat(received.toString(StandardCharsets.US_ASCII)).isEqualTo("late");
            }
        } finally {
            certificate.delete();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void outboundConnectionHalfClosesToo(Backend backend) throws Exception {
        // A server that answers after the client's EOF: the engine's connected side shuts down
        // its output, then still reads the answer.
        CompletableFuture<byte[]> serverGot = new CompletableFuture<>();
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Engine engine = Engine.builder().backend(backend).reactors(1).threadNamePrefix(TestEngines.uniquePrefix()).start()) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    byte[] got = s.getInputStream().readAllBytes();
                    s.getOutputStream().write(("echo " + got.length).getBytes(StandardCharsets.US_ASCII));
                    serverGot.complete(got);
                } catch (IOException e) {
                    serverGot.completeExceptionally(e);
                }
            });
            SendThenListen handler = new SendThenListen();
            engine.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), server.getLocalPort()),
                    handler, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            assertThat(serverGot.get(20, TimeUnit.SECONDS)).isEqualTo(BIG);
            assertThat(handler.closed.get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.PEER_CLOSED);
            assertThat(handler.received.toString(StandardCharsets.US_ASCII)).isEqualTo("echo " + BIG.length);
        }
    }
}
