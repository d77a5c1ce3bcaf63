package io.ringbolt.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Outbound connections" and "Hand-over" examples, compiled and run here, plus a
 * check that the README shows exactly this code (every line of its Java blocks in those
 * sections appears in this file).
 */
@Timeout(60)
class ReadmeExamplesIntegrationTest {

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    // ---- README: Outbound connections ----------------------------------------------------------

    static String hello(InetSocketAddress server) throws Exception {
        try (Engine client = Engine.builder().start()) {          // no bind(): it only connects
            CompletableFuture<String> reply = new CompletableFuture<>();
            client.connect(server, new ConnectionHandler() {
                @Override
                public void onOpen(Connection c) {
                    c.writeAndFlush("hello\n".getBytes(StandardCharsets.US_ASCII));
                }

                @Override
                public int onData(Connection c, ByteView data) {
                    int nl = data.indexOf((byte) '\n', 0, data.length());
                    if (nl < 0) {
                        return 0;                                 // kept; presented again with more
                    }
                    reply.complete(data.toString(0, nl, StandardCharsets.US_ASCII));
                    c.close();
                    return nl + 1;
                }
            }, Duration.ofSeconds(5)).join();                      // throws if the connect failed
            return reply.get(5, TimeUnit.SECONDS);
        }
    }

    // ---- README: Hand-over -----------------------------------------------------------------------

    /** Reads one line; "UPGRADE" hands the connection to an echo with whatever followed it. */
    static final class Upgrader implements ConnectionHandler {
        @Override
        public int onData(Connection c, ByteView data) {
            int nl = data.indexOf((byte) '\n', 0, data.length());
            if (nl < 0) {
                return 0;
            }
            if (data.toString(0, nl, StandardCharsets.US_ASCII).equals("UPGRADE")) {
                c.handOver((conn, bytes) -> {                     // a ConnectionHandler: only onData is required
                    conn.write(bytes, 0, bytes.length());
                    conn.flush();
                    return bytes.length();
                });
            } else {
                c.close();
            }
            return nl + 1;                                        // the line is ours, the rest the echo's
        }
    }

    // ---- the tests ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void helloExampleGetsItsEcho(Backend serverBackend) throws Exception {
        try (Engine echo = TestEngines.loopback(serverBackend, c -> new EchoTestHandler()).start()) {
            assertThat(hello(TestEngines.address(echo))).isEqualTo("hello");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void upgraderExampleEchoesWhatFollowsTheUpgradeLine(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, c -> new Upgrader()).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            OutputStream out = s.getOutputStream();
            out.write("UPGRADE\nsame segment".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertThat(new String(Clients.readExactly(in, 12), StandardCharsets.US_ASCII)).isEqualTo("same segment");
        }
    }

    @Test
    void readmeShowsTheCodeThisTestCompiles() throws Exception {
        io.ringbolt.engine.ReadmeSnippets.assertShownCodeIsCompiledBy("src/test/java/io/ringbolt/engine/ReadmeExamplesIntegrationTest.java", "## Outbound connections", "## Hand-over");
    }
}
