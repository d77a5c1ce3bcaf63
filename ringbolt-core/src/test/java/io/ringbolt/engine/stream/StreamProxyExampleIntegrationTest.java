package io.ringbolt.engine.stream;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.Clients;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.Payloads;
import io.ringbolt.engine.TestBackends;
import io.ringbolt.engine.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's blocking TCP proxy ("TCP proxy"), compiled and run here on both backends in front
 * of the engine's own stream echo server, plus a check that the README shows exactly this code.
 */
@Timeout(60)
class StreamProxyExampleIntegrationTest {

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    // ---- README: TCP proxy ---------------------------------------------------------------------------

    static StreamService proxyTo(InetSocketAddress upstream) {
        return client -> {                                            // a virtual thread per client
            var handler = new StreamHandler();
            try {
                client.connection().reactor().connect(upstream, c -> handler, Duration.ofSeconds(5)).join();
            } catch (CompletionException refused) {
                return;                                               // returning closes the client at once
            }
            try (ConnectionStream up = handler.stream()) {
                Thread upward = Thread.ofVirtual().start(() -> relay(client, up));
                relay(up, client);                                    // upstream → client, to the upstream's EOF
                upward.join();
            }
        };
    }

    static void relay(ConnectionStream from, ConnectionStream to) {
        try {
            from.inputStream().transferTo(to.outputStream());        // back-pressure: writes block, reads wait
            to.shutdownOutput();                                      // pass the EOF on; the other way goes on
        } catch (IOException resetOrClosed) {
            from.abort();                                             // a reset on one side resets both
            to.abort();
        }
    }

    // ---- the tests ---------------------------------------------------------------------------------

    private static Engine echoUpstream(Backend backend) {
        return TestEngines.loopback(backend, StreamHandler.serve(s -> s.inputStream().transferTo(s.outputStream()))).start();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void relaysBothWaysAndPassesTheHalfCloseOn(Backend backend) throws Exception {
        try (Engine upstream = echoUpstream(backend);
             Engine proxy = TestEngines.loopback(backend, StreamHandler.serve(proxyTo(TestEngines.address(upstream)))).start();
             Socket s = Clients.connect(TestEngines.address(proxy))) {
            byte[] payload = Payloads.random(2 * 1024 * 1024, 5);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(payload);
                    s.shutdownOutput(); // the echo server sees EOF only if the proxy passes it on
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(Clients.readToEof(s.getInputStream())).isEqualTo(payload);
            writer.join();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void upstreamDownClosesTheClient(Backend backend) throws Exception {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        InetSocketAddress nowhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort);
        try (Engine proxy = TestEngines.loopback(backend, StreamHandler.serve(proxyTo(nowhere))).start();
             Socket s = Clients.connect(TestEngines.address(proxy))) {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void outputStreamCloseHalfClosesAndReadingGoesOn(Backend backend) throws Exception {
        // The stream server answers after the client's EOF; its own output close is a FIN, after
        // which it still reads what the client sends.
        java.util.concurrent.CompletableFuture<String> afterFin = new java.util.concurrent.CompletableFuture<>();
        try (Engine server = TestEngines.loopback(backend, StreamHandler.serve(stream -> {
                 stream.outputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                 stream.outputStream().close(); // half-close
                 afterFin.complete(new String(stream.inputStream().readAllBytes(), StandardCharsets.US_ASCII));
             })).start();
             Socket s = Clients.connect(TestEngines.address(server))) {
            assertThat(new String(Clients.readToEof(s.getInputStream()), StandardCharsets.US_ASCII)).isEqualTo("bye");
            s.getOutputStream().write("late".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertThat(afterFin.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("late");
        }
    }

    @Test
    void readmeShowsTheCodeThisTestCompiles() throws Exception {
        io.ringbolt.engine.ReadmeSnippets.assertShownCodeIsCompiledBy("src/test/java/io/ringbolt/engine/stream/StreamProxyExampleIntegrationTest.java", "## TCP proxy");
    }
}
