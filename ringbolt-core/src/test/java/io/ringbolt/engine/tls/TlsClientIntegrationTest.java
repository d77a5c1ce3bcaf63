package io.ringbolt.engine.tls;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Collector;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.Payloads;
import io.ringbolt.engine.Recorder;
import io.ringbolt.engine.SelfSigned;
import io.ringbolt.engine.TestBackends;
import io.ringbolt.engine.TestEngines;
import io.ringbolt.engine.stream.ConnectionStream;
import io.ringbolt.engine.stream.StreamHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLHandshakeException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TLS client on every backend against our own TLS server over loopback: byte-exact echo
 * from 1 byte to 4 MiB with back-pressure, ALPN, SNI as the server receives it (and none for an
 * IP literal), close_notify both ways, blocking streams; and the failures: an untrusted
 * certificate, a host-name mismatch (and the opt-out), an ALPN mismatch, a server that never
 * answers the ClientHello. Each failure fails the connect future, names the server, and never
 * reaches the application's handler.
 */
@Timeout(120)
class TlsClientIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static SelfSigned certificate;

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = SelfSigned.create("EC"); // CN=localhost, SAN dns:localhost, ip:127.0.0.1
    }

    @AfterAll
    static void deleteCertificate() throws Exception {
        if (certificate != null) {
            certificate.delete();
        }
    }

    static TlsContext serverTls() {
        return TlsContext.fromPem(certificate.certificatePem, certificate.privateKeyPem);
    }

    static TlsClient.Builder trustingClient() {
        return TlsContext.client().trustPem(certificate.certificatePem);
    }

    /** An engine with no listener, with low water marks so that big writes meet back-pressure. */
    static Engine clientEngine(Backend backend) {
        return Engine.builder().backend(backend).reactors(1).threadNamePrefix(TestEngines.uniquePrefix())
                .writeWaterMarks(16 * 1024, 64 * 1024).shutdownGrace(Duration.ofSeconds(2)).start();
    }

    /** The server's port on the loopback address, named "localhost" (InetAddress.getLoopbackAddress's host name). */
    static InetSocketAddress localhost(Engine server) {
        return TestEngines.address(server);
    }

    static Throwable failure(CompletableFuture<Connection> f) throws Exception {
        try {
            Connection c = f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("connect succeeded: " + c);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Sends a payload in pieces while the connection is writable, and keeps what comes back. */
    static final class EchoClient extends Collector {
        private final byte[] payload;
        private int sent;
        final AtomicInteger unwritableEvents = new AtomicInteger();

        EchoClient(byte[] payload) {
            this.payload = payload;
        }

        @Override
        public void onOpen(Connection c) {
            super.onOpen(c);
            sendMore(c);
        }

        @Override
        public void onWritabilityChanged(Connection c, boolean writable) {
            if (writable) {
                sendMore(c);
            } else {
                unwritableEvents.incrementAndGet();
            }
        }

        private void sendMore(Connection c) {
            while (sent < payload.length && c.isWritable()) {
                int n = Math.min(32 * 1024, payload.length - sent);
                c.write(payload, sent, n);
                sent += n;
                c.flush();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void echoesByteExactFromOneByteToFourMiBWithAlpnAndSni(Backend backend) throws Exception {
        Recorder server = Recorder.echo();
        TlsClient tls = trustingClient().applicationProtocols("h2", "http/1.1").build();
        int unwritable = 0;
        try (Engine engine = TestEngines.loopback(backend, serverTls().withApplicationProtocols("http/1.1").wrap(server))
                .writeWaterMarks(16 * 1024, 64 * 1024).start();
             Engine client = clientEngine(backend)) {
            for (int size : new int[] {1, 100, 16 * 1024 + 1, 1 << 20, 4 << 20}) {
                byte[] payload = Payloads.random(size, size);
                EchoClient handler = new EchoClient(payload);
                Connection c = tls.connect(client, localhost(engine), handler, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(handler.opened).as("onOpen ran before the future completed").isCompletedWithValue(c);
                SecureConnection secure = (SecureConnection) c;
                assertThat(secure.applicationProtocol()).isEqualTo("http/1.1");
                assertThat(secure.serverName()).isEqualTo("localhost");
                assertThat(secure.session().getProtocol()).isEqualTo("TLSv1.3");
                assertThat(handler.awaitBytes(size, WAIT)).as("echo of " + size + " bytes").isEqualTo(payload);
                c.close();
                assertThat(handler.awaitClose(WAIT)).isEqualTo(CloseReason.LOCAL);
                Recorder.Closed closed = server.awaitClose(WAIT);
                assertThat(closed.reason()).as("server side after our close_notify").isIn(CloseReason.LOCAL, CloseReason.PEER_CLOSED);
                SecureConnection serverSide = (SecureConnection) closed.connection();
                assertThat(serverSide.serverName()).as("SNI received").isEqualTo("localhost");
                assertThat(serverSide.applicationProtocol()).isEqualTo("http/1.1");
                unwritable += handler.unwritableEvents.get();
            }
        }
        assertThat(unwritable).as("the 4 MiB upload met back-pressure on the client").isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void anIpLiteralSendsNoSniAndIsVerifiedAgainstTheIpAddress(Backend backend) throws Exception {
        Recorder server = Recorder.echo();
        try (Engine engine = TestEngines.loopback(backend, serverTls().wrap(server)).start();
             Engine client = clientEngine(backend)) {
            InetSocketAddress ip = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), engine.port());
            assertThat(ip.getHostString()).isEqualTo("127.0.0.1");
            EchoClient handler = new EchoClient("ip".getBytes());
            SecureConnection c = (SecureConnection) trustingClient().build().connect(client, ip, handler, WAIT)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(c.serverName()).isNull();
            assertThat(c.applicationProtocol()).as("no ALPN offered").isNull();
            assertThat(handler.awaitBytes(2, WAIT)).isEqualTo("ip".getBytes());
            SecureConnection serverSide = (SecureConnection) server.awaitOpen(WAIT);
            assertThat(serverSide.serverName()).as("RFC 6066: no SNI for an IP literal").isNull();
            c.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void anUntrustedCertificateFailsTheConnectAndNoHandlerIsMade(Backend backend) throws Exception {
        Recorder server = Recorder.echo();
        AtomicInteger handlersMade = new AtomicInteger();
        try (Engine engine = TestEngines.loopback(backend, serverTls().wrap(server)).start();
             Engine client = clientEngine(backend)) {
            TlsClient jdkCasOnly = TlsClient.builder().build();
            Throwable e = failure(jdkCasOnly.connect(client, localhost(engine), null,
                    c -> { handlersMade.incrementAndGet(); return new Collector(); }, WAIT));
            assertThat(e).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageStartingWith("TLS handshake with localhost (")
                    .hasMessageContaining(":" + engine.port() + ")")
                    .hasMessageContaining("PKIX path building failed");
            assertThat(e.getCause()).isInstanceOf(SSLHandshakeException.class);
            assertThat(handlersMade).hasValue(0);
            assertThat(server.awaitClose(WAIT).reason()).isIn(CloseReason.ERROR, CloseReason.PEER_CLOSED, CloseReason.RESET);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aHostNameMismatchFailsUnlessVerificationIsTurnedOff(Backend backend) throws Exception {
        Recorder server = Recorder.echo();
        try (Engine engine = TestEngines.loopback(backend, serverTls().wrap(server)).start();
             Engine client = clientEngine(backend)) {
            Throwable e = failure(trustingClient().build().connect(client, localhost(engine), "example.com",
                    c -> new Collector(), WAIT));
            assertThat(e).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageStartingWith("TLS handshake with example.com (")
                    .hasMessageContaining("example.com found");

            TlsClient unchecked = trustingClient().verifyHostname(false).build();
            assertThat(unchecked.verifiesHostname()).isFalse();
            EchoClient handler = new EchoClient("anyway".getBytes());
            SecureConnection c = (SecureConnection) unchecked.connect(client, localhost(engine), "example.com",
                    conn -> handler, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(c.serverName()).isEqualTo("example.com");
            assertThat(handler.awaitBytes(6, WAIT)).isEqualTo("anyway".getBytes());
            c.close();

            // The opt-out is about names only: an untrusted chain still fails.
            Throwable untrusted = failure(TlsClient.builder().verifyHostname(false).build()
                    .connect(client, localhost(engine), null, conn -> new Collector(), WAIT));
            assertThat(untrusted).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void anAlpnOrVersionMismatchFailsTheHandshake(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, serverTls().withProtocols("TLSv1.2")
                        .withApplicationProtocols("http/1.1").wrap(Recorder.echo())).start();
             Engine client = clientEngine(backend)) {
            Throwable alpn = failure(trustingClient().applicationProtocols("h2").build()
                    .connect(client, localhost(engine), null, c -> new Collector(), WAIT));
            assertThat(alpn).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageStartingWith("TLS handshake with localhost")
                    .hasMessageContaining("no_application_protocol");

            Throwable version = failure(trustingClient().protocols("TLSv1.3").build()
                    .connect(client, localhost(engine), null, c -> new Collector(), WAIT));
            assertThat(version).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageStartingWith("TLS handshake with localhost")
                    .hasMessageContaining("protocol_version");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aServerThatNeverAnswersTimesTheHandshakeOut(Backend backend) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Engine client = clientEngine(backend)) {
            CompletableFuture<Connection> f = trustingClient().build().connect(client,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), null,
                    c -> new Collector(), Duration.ofSeconds(2)); // long enough for the TCP connect on a loaded machine
            try (Socket accepted = silent.accept()) {
                Throwable e = failure(f);
                assertThat(e).isInstanceOf(SocketTimeoutException.class)
                        .hasMessageStartingWith("TLS handshake with localhost (")
                        .hasMessageEndingWith("timed out after 2000 ms");
                accepted.setSoTimeout((int) WAIT.toMillis());
                InputStream in = accepted.getInputStream();
                assertThat(in.read()).as("a ClientHello record").isEqualTo(22);
                while (in.read() >= 0) {
                    // the rest of the ClientHello, then EOF or a reset when the client gives up
                }
            } catch (java.net.SocketException reset) {
                // the client aborted: a reset ends the read
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void cancellingDuringTheHandshakeClosesTheConnection(Backend backend) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Engine client = clientEngine(backend)) {
            AtomicInteger handlersMade = new AtomicInteger();
            CompletableFuture<Connection> f = trustingClient().build().connect(client.reactors().getFirst(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), null,
                    c -> { handlersMade.incrementAndGet(); return new Collector(); }, WAIT);
            try (Socket accepted = silent.accept()) {
                accepted.setSoTimeout((int) WAIT.toMillis());
                InputStream in = accepted.getInputStream();
                assertThat(in.read()).as("a ClientHello record").isEqualTo(22);
                assertThat(f.cancel(false)).isTrue();
                try {
                    while (in.read() >= 0) {
                        // the rest of the ClientHello, then EOF or a reset: the client gave up
                    }
                } catch (java.net.SocketException reset) {
                    // an abort is a reset
                }
            }
            assertThat(handlersMade).hasValue(0);
            io.ringbolt.engine.Await.until("no connection left", WAIT, () -> client.stats().openConnections() == 0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theServersCloseNotifyReachesTheClientAsEndOfInput(Backend backend) throws Exception {
        ConnectionHandler byeOnFirstByte = new ConnectionHandler() {
            @Override
            public int onData(Connection c, ByteView data) {
                c.write("bye".getBytes());
                c.close(); // the answer, then close_notify
                return data.length();
            }
        };
        try (Engine engine = TestEngines.loopback(backend, serverTls().wrap(c -> byeOnFirstByte)).start();
             Engine client = clientEngine(backend)) {
            AtomicInteger inputClosed = new AtomicInteger();
            Collector handler = new Collector() {
                @Override
                public void onInputClosed(Connection c) {
                    inputClosed.incrementAndGet();
                    super.onInputClosed(c);
                }
            };
            Connection c = trustingClient().build().connect(client, localhost(engine), handler, WAIT)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            c.writeAndFlush("x".getBytes());
            assertThat(handler.awaitBytes(3, WAIT)).isEqualTo("bye".getBytes());
            assertThat(handler.awaitClose(WAIT)).isIn(CloseReason.LOCAL, CloseReason.PEER_CLOSED);
            assertThat(inputClosed).as("close_notify arrived as onInputClosed").hasValue(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void blockingStreamsOverATlsClientConnection(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, serverTls().wrap(Recorder.echo())).start();
             Engine client = clientEngine(backend)) {
            StreamHandler handler = new StreamHandler();
            trustingClient().build().connect(client, localhost(engine), handler, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            ConnectionStream stream = handler.stream();
            stream.setReadTimeout(WAIT);
            byte[] payload = Payloads.random(2 << 20, 7);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = stream.outputStream();
                    for (int i = 0; i < payload.length; i += 50_000) {
                        out.write(payload, i, Math.min(50_000, payload.length - i));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            byte[] back = stream.inputStream().readNBytes(payload.length);
            writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(Arrays.equals(back, payload)).as("2 MiB through blocking streams over TLS").isTrue();
            stream.close();
        }
    }
}
