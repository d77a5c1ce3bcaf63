package io.ringbolt.jackson;

import com.fasterxml.jackson.core.type.TypeReference;
import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JSON through Jackson on a real backend over loopback, with Java's HttpClient and raw sockets:
 * round trips, 400 for malformed or mistyped bodies, 415 for other content types, and how much
 * a flood of bad bodies logs. Subclasses pick the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class JsonIntegrationSuite {
    record Item(String name, int price, List<String> tags) {
    }

    record Receipt(int count, int total) {
    }

    Engine engine;
    int port;
    final AtomicInteger completions400 = new AtomicInteger();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    abstract Backend backend();

    @BeforeAll
    void start() {
        Router router = new Router().json(JacksonJsonMapper.create());
        router.onComplete((req, status, bytes, ns) -> {
            if (status == 400) {
                completions400.incrementAndGet();
            }
        });
        router.post("/items", (req, res) -> {
            Item item = req.bodyAs(Item.class);
            res.status(201).json(new Item(item.name().toUpperCase(java.util.Locale.ROOT), item.price() * 2, item.tags()));
        });
        router.post("/basket", (req, res) -> {
            List<Item> items = req.bodyAs(new TypeReference<List<Item>>() { }.getType());
            res.json(new Receipt(items.size(), items.stream().mapToInt(Item::price).sum()));
        }).blocking();
        try {
            engine = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(1)
                    .shutdownGrace(Duration.ofSeconds(2)).handler(HttpServer.create(router)).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend " + backend().displayName() + " unavailable here: " + e.getMessage());
        } catch (UncheckedIOException e) {
            if (String.valueOf(e.getMessage()).contains("not built yet")) {
                Assumptions.abort("backend " + backend().displayName() + " is not built yet: " + e.getMessage());
            }
            throw e;
        }
        port = engine.port();
    }

    @AfterAll
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRecordAndAGenericListRoundTrip() throws Exception {
        HttpResponse<String> r = post("/items", "application/json", "{\"name\":\"lamp\",\"price\":12,\"tags\":[\"é\",\"b\"]}");
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(JacksonJsonMapper.create().objectMapper().readValue(r.body(), Item.class))
                .isEqualTo(new Item("LAMP", 24, List.of("é", "b")));

        HttpResponse<String> basket = post("/basket", "application/json; charset=utf-8",
                "[{\"name\":\"a\",\"price\":1,\"tags\":[]},{\"name\":\"b\",\"price\":2,\"tags\":null}]");
        assertThat(basket.statusCode()).isEqualTo(200);
        assertThat(basket.body()).isEqualTo("{\"count\":2,\"total\":3}");
    }

    @Test
    void malformedAndMistypedBodiesAre400WithAShortJsonMessage() throws Exception {
        HttpResponse<String> malformed = post("/items", "application/json", "{\"name\": \"lamp\", \"price\": 1x}");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(malformed.body()).startsWith("{\"status\":400,\"error\":\"malformed JSON at line 1, column ")
                .doesNotContain("Exception").doesNotContain("\tat ").hasSizeLessThan(120);

        HttpResponse<String> mistyped = post("/items", "application/json", "{\"name\":\"lamp\",\"price\":\"cheap\"}");
        assertThat(mistyped.statusCode()).isEqualTo(400);
        assertThat(mistyped.body()).isEqualTo("{\"status\":400,\"error\":\"JSON does not match the expected type at $.price\"}\n");

        HttpResponse<String> deep = post("/basket", "application/json", "[{\"name\":\"a\",\"price\":1,\"tags\":[{}]}]");
        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(deep.body()).contains("at $[0].tags[0]");

        HttpResponse<String> empty = post("/items", "application/json", "");
        assertThat(empty.statusCode()).isEqualTo(400);
    }

    @Test
    void aBodyDeclaredAsSomethingElseIs415() throws Exception {
        HttpResponse<String> r = post("/items", "application/x-www-form-urlencoded", "name=lamp&price=1");
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.body()).contains("application/json");
        assertThat(post("/items", null, "{\"name\":\"x\",\"price\":1,\"tags\":[]}").statusCode())
                .as("no Content-Type: read as JSON").isEqualTo(201);
    }

    /** Records of the http logger at INFO and above (its default threshold) while it runs. */
    static final class Capture extends Handler implements AutoCloseable {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();
        private final Logger logger = Logger.getLogger("io.ringbolt.http");
        private final Level before = logger.getLevel();

        Capture() {
            logger.setLevel(Level.INFO);
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
            logger.setLevel(before);
        }
    }

    @Test
    void aThousandMalformedBodiesLogNothingAtInfo() throws Exception {
        int count = 1000;
        StringBuilder pipeline = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String body = "{\"name\": \"x" + i + "\", oops}";
            pipeline.append("POST /items HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ")
                    .append(body.length()).append("\r\n\r\n").append(body);
        }
        pipeline.append("GET /bye HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        int before = completions400.get();
        try (Capture log = new Capture(); Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(pipeline.toString().getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String wire = new String(readToEof(s.getInputStream()), StandardCharsets.UTF_8);
            writer.join();
            List<String> statuses = new ArrayList<>();
            for (int p = wire.indexOf("HTTP/1.1 "); p >= 0; p = wire.indexOf("HTTP/1.1 ", p + 1)) {
                statuses.add(wire.substring(p + 9, p + 12));
            }
            assertThat(statuses).hasSize(count + 1);
            assertThat(statuses.subList(0, count)).containsOnly("400");
            assertThat(statuses.getLast()).isEqualTo("404");
            assertThat(log.records).as("log records for %d malformed bodies", count).isEmpty();
        }
        assertThat(completions400.get() - before).isEqualTo(count);
    }

    static byte[] readToEof(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
