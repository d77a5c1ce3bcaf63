package io.ringbolt.engine;

import io.ringbolt.engine.tls.TlsContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS in front of the echo handler on every backend, against the JDK's SSLSocket: byte-exact
 * echo from 1 byte to 8 MiB (back-pressure included) on TLS 1.3 and 1.2, many concurrent
 * handshakes, close_notify in both directions, and a client that does not speak TLS, which is
 * refused while everyone else is served.
 */
@Timeout(120)
class TlsIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static SelfSigned certificate;
    private static SSLContext client;

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = SelfSigned.create("EC");
        client = certificate.clientContext();
    }

    @AfterAll
    static void deleteCertificate() throws IOException {
        if (certificate != null) {
            certificate.delete();
        }
    }

    private static TlsContext serverTls() {
        return TlsContext.fromKeyStore(certificate.keyStore, SelfSigned.PASSWORD);
    }

    private static SSLSocket connect(Engine engine, String protocol) throws IOException {
        SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket();
        s.setSoTimeout(Clients.READ_TIMEOUT_MS);
        s.connect(TestEngines.address(engine), Clients.READ_TIMEOUT_MS);
        s.setEnabledProtocols(new String[] {protocol});
        s.startHandshake();
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void echoesByteExactOnTls13And12(Backend backend) throws Exception {
        Recorder rec = Recorder.echo();
        // Low water marks, so that the 8 MiB echo meets back-pressure on every backend.
        try (Engine engine = TestEngines.loopback(backend, serverTls().wrap(rec)).writeWaterMarks(16 * 1024, 64 * 1024).start()) {
            for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
                try (SSLSocket s = connect(engine, protocol)) {
                    assertThat(s.getSession().getProtocol()).isEqualTo(protocol);
                    for (int size : new int[] {1, 100, 16 * 1024 + 1, 1 << 20, 8 << 20}) {
                        Clients.assertEcho(s, Payloads.random(size, size));
                    }
                }
            }
            assertThat(rec.unwritableEvents()).as("8 MiB echo met back-pressure").isPositive();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void manyConcurrentHandshakes(Backend backend) throws Exception {
        int clients = 64;
        try (Engine engine = TestEngines.loopback(backend, serverTls().wrap(Recorder.echo())).reactors(2).start()) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                byte[] payload = Payloads.random(32 * 1024, i);
                all.add(CompletableFuture.runAsync(() -> {
                    try (SSLSocket s = connect(engine, "TLSv1.3")) {
                        Clients.assertEcho(s, payload);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, r -> Thread.ofVirtual().start(r)));
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void closeNotifyBothWays(Backend backend) throws Exception {
        Recorder rec = new Recorder(c -> new ConnectionHandler() {
            @Override
            public int onData(Connection conn, ByteView data) {
                if (data.toLatin1String(0, data.length()).contains("bye")) {
                    conn.write("goodbye".getBytes(StandardCharsets.US_ASCII));
                    conn.close(); // the answer, then close_notify
                }
                return data.length();
            }
        });
        try (Engine engine = TestEngines.loopback(backend, serverTls().wrap(rec)).start()) {
            // Server-initiated: the peer reads the answer, then a clean end of stream.
            try (SSLSocket s = connect(engine, "TLSv1.3")) {
                s.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("goodbye");
            }
            Recorder.Closed first = rec.awaitClose(WAIT);
            assertThat(first.reason()).isIn(CloseReason.LOCAL, CloseReason.PEER_CLOSED);

            // Client-initiated (TLS 1.3 half-close): the server's handler sees the input end and
            // closes in turn, so the client reads EOF.
            try (SSLSocket s = connect(engine, "TLSv1.3")) {
                s.shutdownOutput(); // sends close_notify
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            Recorder.Closed second = rec.awaitClose(WAIT);
            assertThat(second.reason()).isIn(CloseReason.LOCAL, CloseReason.PEER_CLOSED);
            assertThat(rec.closeCallsTotal()).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aClientThatDoesNotSpeakTlsIsRefusedAndOthersAreServed(Backend backend) throws Exception {
        Recorder rec = Recorder.echo();
        try (Engine engine = TestEngines.loopback(backend, serverTls().wrap(rec)).start()) {
            try (Socket plain = Clients.connect(TestEngines.address(engine))) {
                plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = plain.getInputStream();
                byte[] reply = in.readAllBytes(); // a TLS alert at most, then EOF
                assertThat(new String(reply, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1");
            } catch (java.net.SocketException reset) {
                // a reset is an acceptable refusal too
            }
            Recorder.Closed refused = rec.awaitClose(WAIT);
            assertThat(refused.reason()).isEqualTo(CloseReason.ERROR);
            try (SSLSocket s = connect(engine, "TLSv1.3")) {
                Clients.assertEcho(s, Payloads.random(4096, 3));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aClientThatDistrustsTheCertificateFailsTheHandshakeCleanly(Backend backend) throws Exception {
        Recorder rec = Recorder.echo();
        try (Engine engine = TestEngines.loopback(backend, serverTls().wrap(rec)).start()) {
            SSLContext trustsNothing = SSLContext.getInstance("TLS");
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            java.security.KeyStore empty = java.security.KeyStore.getInstance("PKCS12");
            empty.load(null, null);
            tmf.init(empty);
            trustsNothing.init(null, tmf.getTrustManagers(), null);
            try (SSLSocket s = (SSLSocket) trustsNothing.getSocketFactory().createSocket()) {
                s.setSoTimeout(Clients.READ_TIMEOUT_MS);
                s.connect(TestEngines.address(engine), Clients.READ_TIMEOUT_MS);
                org.assertj.core.api.Assertions.assertThatThrownBy(s::startHandshake).isInstanceOf(SSLException.class);
            }
            Recorder.Closed closed = rec.awaitClose(WAIT);
            assertThat(closed.reason()).isIn(CloseReason.ERROR, CloseReason.PEER_CLOSED, CloseReason.RESET);
            try (SSLSocket s = connect(engine, "TLSv1.3")) {
                Clients.assertEcho(s, Payloads.random(100, 4));
            }
        }
    }

    /** Decrypted bytes a handler never consumes are bounded like the engine's kept input. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aHandlerThatNeverConsumesIsClosedWithOverflow(Backend backend) throws Exception {
        Recorder rec = new Recorder(c -> (conn, data) -> 0);
        try (Engine engine = TestEngines.loopback(backend, serverTls().wrap(rec)).start();
             SSLSocket s = connect(engine, "TLSv1.3")) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    byte[] block = new byte[64 * 1024];
                    for (int i = 0; i < 256; i++) { // 16 MiB, twice the bound
                        s.getOutputStream().write(block);
                    }
                } catch (IOException expected) {
                    // the server gave up on this connection
                }
            }, r -> Thread.ofVirtual().start(r));
            assertThat(rec.awaitClose(WAIT).reason()).isEqualTo(CloseReason.OVERFLOW);
            writer.get(30, TimeUnit.SECONDS);
        }
    }
}
