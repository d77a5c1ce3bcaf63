package io.ringbolt.jackson;

import io.ringbolt.engine.Engine;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "JSON and errors" example, compiled and run here; every line the README shows in
 * that section must appear in this file. (The same check as ringbolt-core's ReadmeSnippets,
 * whose test classes this module cannot see.)
 */
@Timeout(30)
class JsonReadmeExampleIntegrationTest {
    record Item(long id, String name) {
    }

    static final class Store {
        private final Map<Long, Item> items = new ConcurrentHashMap<>();
        private final AtomicLong ids = new AtomicLong();

        Item add(Item item) {
            Item stored = new Item(ids.incrementAndGet(), item.name());
            items.put(stored.id(), stored);
            return stored;
        }

        Item get(long id) {
            Item item = items.get(id);
            if (item == null) {
                throw new NoSuchElementException("item " + id);
            }
            return item;
        }
    }

    static final class Metrics {
        final List<Integer> statuses = new CopyOnWriteArrayList<>();

        void record(int status, long bytes, long ns) {
            statuses.add(status);
        }
    }

    final Store store = new Store();
    final Metrics metrics = new Metrics();

    Router readmeRouter() {
        Router router = new Router().json(JacksonJsonMapper.create());       // ringbolt-jackson
        router.use((req, res, next) -> {                                      // kept on 404, 405 and errors
            res.header("Access-Control-Allow-Origin", "*");
            next.handle(req, res);
        });
        router.post("/items", (req, res) -> res.status(201).json(store.add(req.bodyAs(Item.class))));
        router.get("/items/{id}", (req, res) -> res.json(store.get(req.pathParamLong("id"))));
        router.exception(NoSuchElementException.class, (req, res, e) -> res.status(404).json(Map.of("error", "no such item")));
        router.onComplete((req, status, bytes, ns) -> metrics.record(status, bytes, ns));
        return router;
    }

    @Test
    void theReadmeExampleServesJsonAndMapsErrors() throws Exception {
        try (Engine engine = Engine.builder().bind("127.0.0.1", 0).handler(HttpServer.create(readmeRouter())).start()) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + engine.port();
            HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(base + "/items"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":0,\"name\":\"lamp\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(created.body()).isEqualTo("{\"id\":1,\"name\":\"lamp\"}");
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(base + "/items/9")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).isEqualTo("{\"error\":\"no such item\"}");
            assertThat(missing.headers().firstValue("access-control-allow-origin")).hasValue("*");
            HttpResponse<String> bad = client.send(HttpRequest.newBuilder(URI.create(base + "/items"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.headers().firstValue("access-control-allow-origin")).hasValue("*");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (metrics.statuses.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(metrics.statuses).containsExactly(201, 404, 400);
        }
    }

    @Test
    void readmeShowsTheCodeThisTestCompiles() throws Exception {
        Set<String> compiled = Files.readAllLines(Path.of("src/test/java/io/ringbolt/jackson/JsonReadmeExampleIntegrationTest.java"))
                .stream().map(String::strip).collect(Collectors.toSet());
        List<String> shown = new ArrayList<>();
        boolean inSection = false;
        boolean inCode = false;
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            if (line.startsWith("## ")) {
                inSection = line.strip().equals("## JSON and errors");
            } else if (inSection && line.startsWith("```")) {
                inCode = line.equals("```java");
            } else if (inSection && inCode && !line.isBlank()) {
                shown.add(line.strip());
            }
        }
        assertThat(shown).as("README examples").isNotEmpty();
        assertThat(shown).allSatisfy(line -> assertThat(compiled).as("README line compiled here").contains(line));
    }
}
