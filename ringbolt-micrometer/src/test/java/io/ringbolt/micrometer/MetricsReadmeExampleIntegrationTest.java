package io.ringbolt.micrometer;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Counter;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.EngineMetrics;
import io.ringbolt.http.HttpMethod;
import io.ringbolt.http.HttpMetrics;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's "Metrics" snippet compiles and runs: every line it shows is in {@link #example}. */
@Timeout(60)
class MetricsReadmeExampleIntegrationTest {

    @Test
    void theSnippetRuns() throws Exception {
        HttpServer httpServer = HttpServer.create(new Router());
        try (Engine engine = Engine.builder().bind("127.0.0.1", 0).backend(Backend.NIO).reactors(1)
                .handler(httpServer).start()) {
            long[] values = example(engine, httpServer);
            assertThat(values).containsExactly(0, 0, 0, 0);
        }
    }

    private static long[] example(Engine engine, HttpServer httpServer) {
        EngineMetrics m = engine.metrics();              // any thread
        long open = m.get(Counter.CONNECTIONS_OPEN);
        long reset = m.closed(CloseReason.RESET);
        HttpMetrics h = httpServer.metrics();           // requests by method and status class,
        long ok = h.requests(HttpMethod.GET, 2);         // rejections (400/408/413/414/431/501...),
        long tooBig = h.rejections(HttpMetrics.Rejection.CONTENT_TOO_LARGE); // in-flight, duration histogram
        return new long[] {open, reset, ok, tooBig};
    }

    @Test
    void everyReadmeLineIsCompiledHere() throws Exception {
        Set<String> compiled = Files.readAllLines(Path.of("src/test/java/io/ringbolt/micrometer/MetricsReadmeExampleIntegrationTest.java"))
                .stream().map(String::strip).collect(Collectors.toSet());
        List<String> shown = new ArrayList<>();
        boolean inSection = false;
        boolean inCode = false;
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            if (line.startsWith("## ")) {
                inSection = line.strip().equals("## Metrics");
            } else if (inSection && line.startsWith("```")) {
                inCode = line.equals("```java");
            } else if (inSection && inCode && !line.isBlank()) {
                shown.add(line.strip());
            }
        }
        assertThat(shown).as("README Metrics example").isNotEmpty();
        assertThat(shown).allSatisfy(line -> assertThat(compiled).as("README line compiled here").contains(line));
    }
}
