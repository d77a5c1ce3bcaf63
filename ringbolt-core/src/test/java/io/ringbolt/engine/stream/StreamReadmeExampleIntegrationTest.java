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

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Blocking streams" examples, compiled and run here, plus a check that the README
 * shows exactly this code (every line of the section's Java blocks appears in this file).
 */
@Timeout(60)
class StreamReadmeExampleIntegrationTest {

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    // ---- README: Blocking streams ------------------------------------------------------------------

    static Engine echoServer(int port) {
        return Engine.builder()
                .bind(new InetSocketAddress("127.0.0.1", port))
                .handler(StreamHandler.serve(stream -> {                  // a virtual thread per connection
                    stream.inputStream().transferTo(stream.outputStream()); // every byte back until the peer's EOF
                }))                                                         // returning closes the connection
                .start();
    }

    static final StreamService UPPER_CASE_LINES = stream -> {
        stream.setReadTimeout(Duration.ofSeconds(30));                      // then SocketTimeoutException
        var in = new BufferedReader(new InputStreamReader(stream.inputStream(), StandardCharsets.UTF_8));
        var out = new PrintStream(new BufferedOutputStream(stream.outputStream()), true, StandardCharsets.UTF_8);
        for (String line; (line = in.readLine()) != null; ) {
            out.println(line.toUpperCase());                                // println flushes: one hand-off per line
        }
    };

    // ---- the tests ---------------------------------------------------------------------------------

    @Test
    void echoServerExampleEchoes() throws Exception {
        try (Engine engine = echoServer(0);
             Socket s = Clients.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), engine.port()))) {
            byte[] payload = Payloads.random(1024 * 1024, 21);
            Clients.assertEcho(s, payload);
            s.shutdownOutput();
            Clients.assertEof(s.getInputStream());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void upperCaseLinesExampleAnswersEachLine(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, StreamHandler.serve(UPPER_CASE_LINES)).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            s.getOutputStream().write("hello\nwörld\n".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            assertThat(new String(Clients.readToEof(s.getInputStream()), StandardCharsets.UTF_8))
                    .isEqualTo("HELLO" + System.lineSeparator() + "WÖRLD" + System.lineSeparator());
        }
    }

    @Test
    void readmeShowsTheCodeThisTestCompiles() throws Exception {
        io.ringbolt.engine.ReadmeSnippets.assertShownCodeIsCompiledBy("src/test/java/io/ringbolt/engine/stream/StreamReadmeExampleIntegrationTest.java", "## Blocking streams");
    }
}
