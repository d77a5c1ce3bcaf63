package io.ringbolt.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up line: what it says, and that it comes before any connection is handled. */
@Timeout(60)
class StartupLogIntegrationTest {

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void statusLineNamesVersionBackendReactorsAddressAndFeaturesInWords(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).reactors(2).start()) {
            String line = engine.statusLine();
            assertThat(line)
                    .startsWith("ringbolt " + Engine.version() + ": backend=" + backend.displayName() + " (requested), 2 reactors")
                    .contains("listening on 127.0.0.1:" + engine.port())
                    .endsWith("; " + engine.features())
                    .doesNotContain("0x");
            if (backend == Backend.IO_URING) {
                assertThat(engine.features()).startsWith("kernel ").contains("multishot accept");
            }
        }
    }

    @Test
    void versionComesFromTheBuild() {
        assertThat(Engine.version()).as("the Maven-filtered project version").matches("\\d+\\.\\d+\\.\\d+.*");
    }

    /**
     * A client connects while the start-up line is being produced (the reactors already
     * accept); its handler must not be created until the line is out.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aConnectionAcceptedDuringStartupWaitsForTheStartupLine(Backend backend) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Socket[] early = new Socket[1];
        try (Engine engine = TestEngines.loopback(backend, c -> {
                    events.add("handler");
                    return new EchoTestHandler();
                })
                .startupLog(e -> {
                    try {
                        early[0] = new Socket("127.0.0.1", e.port());
                        early[0].getOutputStream().write('x');
                        Thread.sleep(300); // time for the reactor to accept and ask for a handler
                    } catch (Exception ex) {
                        throw new AssertionError(ex);
                    }
                    events.add("startup line");
                    return e.statusLine();
                })
                .start()) {
            assertThat(early[0].getInputStream().read()).as("the early client is served").isEqualTo('x');
            assertThat(events).containsExactly("startup line", "handler");
        } finally {
            if (early[0] != null) {
                early[0].close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aNullStartupLogStartsQuietly(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).startupLog(null).start()) {
            Clients.echoOnce(TestEngines.address(engine), "ping".getBytes());
        }
    }
}
