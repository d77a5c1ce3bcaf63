package io.ringbolt.http;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.files.StaticFiles;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Errors inside the middleware chain and completion listeners on a real backend over loopback:
 * Java's HttpClient for the CORS checks, raw sockets where the exact bytes on the wire are
 * compared with what the listener was told. Subclasses pick the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class HttpApiIntegrationSuite {
    /** One completion as the listener saw it. */
    record Completion(String request, int status, long bytes, long durationNs) {
    }

    final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    /** Statuses the CORS middleware saw after {@code next} returned. */
    final List<Integer> seenByMiddleware = new CopyOnWriteArrayList<>();
    Path staticDir;
    Engine engine;
    int port;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    abstract Backend backend();

    @BeforeAll
    void start() throws IOException {
        staticDir = Files.createTempDirectory("ringbolt-api-it");
        Files.writeString(staticDir.resolve("hello.txt"), "static hello\n");
        Router router = new Router();
        router.use((req, res, next) -> {
            res.header("Access-Control-Allow-Origin", "https://app.example");
            next.handle(req, res);
            seenByMiddleware.add(res.status());
        });
        router.exception(NoSuchElementException.class, (req, res, e) ->
                res.status(HttpStatus.NOT_FOUND).contentType(ContentType.TEXT_PLAIN).send("no item\n"));
        router.onComplete((req, status, bytes, ns) -> completions.add(new Completion(req.toString(), status, bytes, ns)));
        router.get("/ok", (req, res) -> res.contentType(ContentType.TEXT_PLAIN).send("ok\n"));
        router.get("/items/{id}", (req, res) -> {
            throw new NoSuchElementException("item " + req.pathParam("id"));
        });
        router.get("/boom", (req, res) -> {
            throw new IllegalStateException("unmapped (expected by the test)");
        });
        router.post("/small", (req, res) -> res.send("fits\n")).maxBodyBytes(8);
        router.get("/blocking", (req, res) -> {
            Thread.sleep(5);
            res.status(201).send("slept\n");
        }).blocking();
        router.get("/deferred", (req, res) -> {
            res.defer();
            Thread.ofVirtual().start(() -> res.status(202).send("later\n"));
        });
        router.get("/stream", (req, res) -> {
            ResponseStream s = res.status(200).contentType(ContentType.TEXT_PLAIN).stream();
            Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 3; i++) {
                    s.write("part " + i + "\n").flush();
                }
                s.close();
            });
        });
        router.get("/static/*", StaticFiles.of(staticDir));
        HttpServer http = HttpServer.create(router);
        try {
            engine = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(1)
                    .shutdownGrace(Duration.ofSeconds(2)).handler(http).start();
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
    void stop() throws IOException {
        if (engine != null) {
            engine.close();
        }
        if (staticDir != null) {
            Files.deleteIfExists(staticDir.resolve("hello.txt"));
            Files.deleteIfExists(staticDir);
        }
    }

    java.net.http.HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    // ---- CORS survives errors ----------------------------------------------------------------------

    @Test
    void corsHeaderOnAMappedNotFoundAnUnmappedErrorAnUnknownPathAndAWrongMethod() throws Exception {
        var mapped = send("GET", "/items/7");
        var unmapped = send("GET", "/boom");
        var unknown = send("GET", "/nowhere");
        var wrongMethod = send("DELETE", "/ok");
        assertThat(List.of(mapped.statusCode(), unmapped.statusCode(), unknown.statusCode(), wrongMethod.statusCode()))
                .containsExactly(404, 500, 404, 405);
        assertThat(mapped.body()).isEqualTo("no item\n");
        assertThat(unmapped.body()).isEqualTo("Internal Server Error\n").doesNotContain("Exception");
        for (var r : List.of(mapped, unmapped, unknown, wrongMethod)) {
            assertThat(r.headers().firstValue("access-control-allow-origin")).as(r.uri().getPath()).hasValue("https://app.example");
        }
        assertThat(seenByMiddleware).containsSubsequence(404, 500, 404, 405);
    }

    // ---- completion listener = what the client got ------------------------------------------------------

    /** Sends {@code request} on a fresh socket, reads to EOF, and checks the listener's status and bytes against the wire. */
    void checkCompletion(String request, int expectedStatus) throws Exception {
        completions.clear();
        byte[] wire;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            wire = readToEof(s.getInputStream());
        }
        String text = new String(wire, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(text.substring(9, 12));
        assertThat(status).as(request).isEqualTo(expectedStatus);
        Completion c = completions.poll(10, TimeUnit.SECONDS);
        assertThat(c).as("completion of " + request).isNotNull();
        assertThat(c.status()).as("listener status for " + request).isEqualTo(status);
        assertThat(c.bytes()).as("listener bytes for " + request).isEqualTo(wire.length);
        assertThat(c.durationNs()).isGreaterThanOrEqualTo(0);
        assertThat(completions.poll(50, TimeUnit.MILLISECONDS)).as("one completion per request").isNull();
    }

    static byte[] readToEof(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    }

    @Test
    void theListenerSeesWhatTheClientGotOnEveryPath() throws Exception {
        checkCompletion(get("/ok"), 200);
        checkCompletion(get("/nowhere"), 404);
        checkCompletion("PUT /ok HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 405);
        checkCompletion("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 9\r\n\r\n123456789", 413);
        checkCompletion("POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nnot-hex\r\n", 400);
        checkCompletion(get("/items/3"), 404);
        checkCompletion(get("/boom"), 500);
        checkCompletion(get("/blocking"), 201);
        checkCompletion(get("/static/hello.txt"), 200);
        checkCompletion(get("/static/missing.txt"), 404);
        checkCompletion(get("/deferred"), 202);
        checkCompletion(get("/stream"), 200);
    }

    @Test
    void aMalformedHeadIsAnsweredButNotReported() throws Exception {
        completions.clear();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nno colon here\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(new String(readToEof(s.getInputStream()), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 400 ");
        }
        assertThat(completions.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }
}
