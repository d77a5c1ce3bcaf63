package io.ringbolt.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's UDP example, compiled and run on both backends; fails when the README drifts from it. */
@Timeout(60)
class DatagramReadmeExampleIntegrationTest {

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    /** Echoes every datagram to its sender, on every reactor of the engine. */
    static List<DatagramSocket> udpEcho(Engine engine, InetSocketAddress address) {
        return engine.bindDatagram(address, DatagramOptions.defaults(),
                (socket, data, sender) -> socket.send(sender, data));   // the send copies the view
    }

    /** One question, one answer, from a client-only engine. */
    static String ask(InetSocketAddress server, String question) throws Exception {
        try (Engine client = Engine.builder().reactors(1).start()) {
            CompletableFuture<String> answer = new CompletableFuture<>();
            DatagramSocket socket = client.connectDatagram(server, DatagramOptions.defaults(),
                    (s, data, sender) -> answer.complete(data.toString(0, data.length(), StandardCharsets.UTF_8)));
            socket.send(question.getBytes(StandardCharsets.UTF_8));
            return answer.get(5, TimeUnit.SECONDS);                  // UDP may lose it: always a timeout
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theEchoAnswersTheQuestion(Backend backend) throws Exception {
        try (Engine engine = Engine.builder().backend(backend).reactors(2).threadNamePrefix(TestEngines.uniquePrefix()).start()) {
            List<DatagramSocket> sockets = udpEcho(engine, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), sockets.getFirst().localAddress().getPort());
            assertThat(ask(server, "ping?")).isEqualTo("ping?");
        }
    }

    @Test
    void theReadmeShowsThisCode() throws Exception {
        ReadmeSnippets.assertShownCodeIsCompiledBy("src/test/java/io/ringbolt/engine/DatagramReadmeExampleIntegrationTest.java", "## UDP");
    }
}
