package io.ringbolt.engine;

import io.ringbolt.engine.tls.TlsContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Protocol hand-over on every backend, plain and under TLS, over real sockets: the bytes after
 * the upgrade request arrive in the same write as the request itself and must reach the next
 * handler at once, in order, nothing lost or duplicated; and a hand-over from a task presents
 * the bytes kept meanwhile.
 */
@Timeout(60)
class HandOverIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static SelfSigned certificate;

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = SelfSigned.create("EC");
    }

    @AfterAll
    static void deleteCertificate() throws IOException {
        if (certificate != null) {
            certificate.delete();
        }
    }

    /** Says "upgraded" when it takes over, then echoes. */
    static final class Upgraded extends EchoTestHandler {
        @Override
        public void onOpen(Connection connection) {
            connection.write("upgraded\n".getBytes(StandardCharsets.US_ASCII));
            connection.flush();
        }
    }

    /** Consumes a line "UPGRADE\n" and hands over from inside onData; echoes nothing itself. */
    static final class Upgrader implements ConnectionHandler {
        @Override
        public int onData(Connection connection, ByteView data) {
            int nl = data.indexOf((byte) '\n', 0, data.length());
            if (nl < 0) {
                return 0;
            }
            assertThat(data.toString(0, nl, StandardCharsets.US_ASCII)).isEqualTo("UPGRADE");
            connection.handOver(new Upgraded());
            return nl + 1;
        }
    }

    /**
     * Consumes a line "SWITCH\n", then declines everything (it is "busy") and hands over from a
     * task on the reactor, as a handler does that first finishes some work elsewhere.
     */
    static final class DeferredUpgrader implements ConnectionHandler {
        private boolean switching;

        @Override
        public int onData(Connection connection, ByteView data) {
            if (switching) {
                return 0;
            }
            int nl = data.indexOf((byte) '\n', 0, data.length());
            if (nl < 0) {
                return 0;
            }
            switching = true;
            connection.reactor().execute(() -> connection.handOver(new Upgraded()));
            return nl + 1;
        }
    }

    private static void assertUpgrade(Socket s, String request, String expected) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII)); // one write: request and next bytes together
        out.flush();
        InputStream in = s.getInputStream();
        assertThat(new String(Clients.readExactly(in, expected.length()), StandardCharsets.US_ASCII)).isEqualTo(expected);
        out.write(" and more".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(new String(Clients.readExactly(in, 9), StandardCharsets.US_ASCII)).isEqualTo(" and more");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void bytesInTheSameSegmentAsTheUpgradeReachTheNextHandler(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, c -> new Upgrader()).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            s.setTcpNoDelay(true);
            assertUpgrade(s, "UPGRADE\nhello", "upgraded\nhello");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void handOverFromATaskPresentsTheBytesKeptMeanwhile(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, c -> new DeferredUpgrader()).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            assertUpgrade(s, "SWITCH\npipelined", "upgraded\npipelined");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void plaintextIsHandedOverUnderTls(Backend backend) throws Exception {
        TlsContext tls = TlsContext.fromKeyStore(certificate.keyStore, SelfSigned.PASSWORD);
        record Case(HandlerFactory factory, String request) {
        }
        for (Case c : new Case[] {new Case(x -> new Upgrader(), "UPGRADE\nhello"), new Case(x -> new DeferredUpgrader(), "SWITCH\nhello")}) {
            try (Engine engine = TestEngines.loopback(backend, tls.wrap(c.factory())).start();
                 SSLSocket s = (SSLSocket) certificate.clientContext().getSocketFactory().createSocket()) {
                s.setSoTimeout(Clients.READ_TIMEOUT_MS);
                s.connect(TestEngines.address(engine), Clients.READ_TIMEOUT_MS);
                s.startHandshake();
                assertUpgrade(s, c.request(), "upgraded\nhello");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void anOutboundConnectionIsHandedOverToo(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).start()) {
            Collector after = new Collector();
            ConnectionHandler before = new ConnectionHandler() {
                @Override
                public void onOpen(Connection connection) {
                    connection.write("GREETING\nrest".getBytes(StandardCharsets.US_ASCII));
                    connection.flush();
                }

                @Override
                public int onData(Connection connection, ByteView data) {
                    int nl = data.indexOf((byte) '\n', 0, data.length());
                    if (nl < 0) {
                        return 0;
                    }
                    connection.handOver(after);
                    return nl + 1;
                }
            };
            engine.connect(TestEngines.address(engine), before, WAIT).get();
            after.awaitBytes(4, WAIT);
            assertThat(after.text()).isEqualTo("rest");
            assertThat(after.opened).isDone();
        }
    }
}
