package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.ContentType;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import io.ringbolt.http.files.StaticFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Static files on a real backend over loopback: byte ranges with curl's {@code -r} and
 * {@code -C -} (resume), {@code If-Range}, index files and the redirect to them, per-route
 * {@code Cache-Control} and content types, and raw sockets for pipelined range requests and
 * HEAD. The large file is above the in-memory limit, so its ranges are read from disk per
 * request. One server per backend for the whole suite; subclasses pick the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class StaticFilesIntegrationSuite {
    /** 5 MiB + 3: above the 1 MiB in-memory limit, not a multiple of anything. */
    static final int LARGE_BYTES = 5 * 1024 * 1024 + 3;

    Path root;
    Path downloads;
    byte[] large;
    Engine engine;
    String base;
    int port;

    abstract Backend backend();

    @BeforeAll
    void start() throws IOException {
        root = Files.createTempDirectory("ringbolt-it-static");
        downloads = Files.createTempDirectory("ringbolt-it-downloads");
        large = new byte[LARGE_BYTES];
        new Random(16).nextBytes(large);
        Files.write(root.resolve("large.bin"), large);
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/index.html"), "<h1>docs</h1>");
        Files.writeString(root.resolve("scene.rbscene"), "scene");
        Router router = new Router();
        router.get("/static/*", StaticFiles.of(root)
                .withCacheControl("public, max-age=3600")
                .withContentType("rbscene", ContentType.of("model/x-ringbolt-scene")));
        try {
            engine = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(2)
                    .shutdownGrace(Duration.ofSeconds(5)).handler(HttpServer.create(router)).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend " + backend().displayName() + " unavailable here: " + e.getMessage());
        } catch (UncheckedIOException e) {
            if (String.valueOf(e.getMessage()).contains("not built yet")) {
                Assumptions.abort("backend " + backend().displayName() + " is not built yet: " + e.getMessage());
            }
            throw e;
        }
        port = engine.port();
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    void stop() throws IOException {
        if (engine != null) {
            engine.close();
        }
        for (Path dir : new Path[] {root, downloads}) {
            if (dir != null) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** curl with {@code args} before the URL of {@code path}; the body goes to a file, the head to stdout. */
    record Fetched(int status, String head, byte[] body) {
    }

    Fetched curl(String path, String... args) throws Exception {
        Processes.require("curl", "curl");
        Path out = Files.createTempFile(downloads, "body", ".bin");
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-D", "-", "-o", out.toString()));
        command.addAll(Arrays.asList(args));
        command.add(base + path);
        var r = Processes.run(command, Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        String head = r.stdout();
        String lastHead = head.substring(head.lastIndexOf("HTTP/1.1 "));
        int status = Integer.parseInt(lastHead.substring(9, 12));
        return new Fetched(status, lastHead, Files.readAllBytes(out));
    }

    static byte[] slice(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }

    // ---- ranges with curl ----------------------------------------------------------------------

    @Test
    void curlRangeFirstBytesSuffixAndOpenEnded() throws Exception {
        Fetched first = curl("/static/large.bin", "-r", "0-99");
        assertThat(first.status()).isEqualTo(206);
        assertThat(first.head()).containsIgnoringCase("content-range: bytes 0-99/" + LARGE_BYTES)
                .containsIgnoringCase("content-length: 100").containsIgnoringCase("accept-ranges: bytes");
        assertThat(first.body()).isEqualTo(slice(large, 0, 100));

        Fetched suffix = curl("/static/large.bin", "-r", "-1000");
        assertThat(suffix.status()).isEqualTo(206);
        assertThat(suffix.head()).containsIgnoringCase("content-range: bytes " + (LARGE_BYTES - 1000) + "-"
                + (LARGE_BYTES - 1) + "/" + LARGE_BYTES);
        assertThat(suffix.body()).isEqualTo(slice(large, LARGE_BYTES - 1000, LARGE_BYTES));

        int from = 3 * 1024 * 1024 + 11;
        Fetched open = curl("/static/large.bin", "-r", from + "-");
        assertThat(open.status()).isEqualTo(206);
        assertThat(open.body()).isEqualTo(slice(large, from, LARGE_BYTES));

        Fetched small = curl("/static/index.html", "-r", "4-5");
        assertThat(small.status()).as("a file kept in memory").isEqualTo(206);
        assertThat(new String(small.body(), StandardCharsets.UTF_8)).isEqualTo("ho");
    }

    @Test
    void curlRangePastTheEndGets416() throws Exception {
        Fetched r = curl("/static/large.bin", "-r", LARGE_BYTES + "-");
        assertThat(r.status()).isEqualTo(416);
        assertThat(r.head()).containsIgnoringCase("content-range: bytes */" + LARGE_BYTES);
    }

    @Test
    void curlIfRangeMismatchGetsTheWholeFileAndAMatchGetsTheRange() throws Exception {
        Fetched stale = curl("/static/large.bin", "-r", "0-9", "-H", "If-Range: \"not-the-etag\"");
        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.head()).doesNotContainIgnoringCase("content-range");
        assertThat(stale.body()).isEqualTo(large);
        String etag = first(curl("/static/large.bin", "-r", "0-0").head(), "etag");
        Fetched current = curl("/static/large.bin", "-r", "0-9", "-H", "If-Range: " + etag);
        assertThat(current.status()).isEqualTo(206);
        assertThat(current.body()).isEqualTo(slice(large, 0, 10));
    }

    @Test
    void curlMultipleRangesGetTheWholeFile() throws Exception {
        Fetched r = curl("/static/large.bin", "-r", "0-9,100-109");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(large);
    }

    /** A download cut short is finished with {@code curl -C -}, which asks for the rest with a Range. */
    @Test
    void curlResumesAnInterruptedDownload() throws Exception {
        Processes.require("curl", "curl");
        Path file = downloads.resolve("resumed.bin");
        Files.write(file, slice(large, 0, 1_234_567));
        var r = Processes.run(List.of("curl", "-sS", "-C", "-", "-o", file.toString(), base + "/static/large.bin"),
                Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(Files.readAllBytes(file)).isEqualTo(large);
    }

    // ---- index, Cache-Control, types -------------------------------------------------------------

    @Test
    void curlGetsIndexFilesAndFollowsTheRedirectToADirectory() throws Exception {
        Fetched home = curl("/static/");
        assertThat(home.status()).isEqualTo(200);
        assertThat(new String(home.body(), StandardCharsets.UTF_8)).isEqualTo("<h1>home</h1>");
        assertThat(home.head()).containsIgnoringCase("content-type: text/html");
        Fetched followed = curl("/static/docs", "-L");
        assertThat(followed.status()).isEqualTo(200);
        assertThat(new String(followed.body(), StandardCharsets.UTF_8)).isEqualTo("<h1>docs</h1>");
        Fetched redirect = curl("/static/docs?x=1");
        assertThat(redirect.status()).isEqualTo(301);
        assertThat(redirect.head()).containsIgnoringCase("location: docs/?x=1");
    }

    @Test
    void curlSeesTheRoutesCacheControlAndRegisteredType() throws Exception {
        Fetched scene = curl("/static/scene.rbscene");
        assertThat(scene.head()).containsIgnoringCase("cache-control: public, max-age=3600")
                .containsIgnoringCase("content-type: model/x-ringbolt-scene");
        assertThat(curl("/static/large.bin", "-r", "0-0").head()).containsIgnoringCase("cache-control: public, max-age=3600");
    }

    // ---- raw sockets ------------------------------------------------------------------------------

    /** Range, HEAD with Range (ignored: 200 with the full length and no body), 416 and a plain GET, in one write. */
    @Test
    void pipelinedRangeRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
        String wire = "GET /static/large.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=10-19\r\n\r\n"
                + "HEAD /static/large.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=10-19\r\n\r\n"
                + "GET /static/large.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=999999999-\r\n\r\n"
                + "GET /static/index.html HTTP/1.1\r\nHost: t\r\nRange: bytes=-5\r\nConnection: close\r\n\r\n";
        byte[] reply;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(wire.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            s.getInputStream().transferTo(b);
            reply = b.toByteArray();
        }
        List<String> heads = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        boolean[] headRequest = {false, true, false, false};
        int p = 0;
        for (boolean isHead : headRequest) {
            String rest = new String(reply, p, reply.length - p, StandardCharsets.ISO_8859_1);
            int end = rest.indexOf("\r\n\r\n");
            String head = rest.substring(0, end);
            int length = isHead ? 0 : Integer.parseInt(first(head, "content-length"));
            heads.add(head);
            bodies.add(slice(reply, p + end + 4, p + end + 4 + length));
            p += end + 4 + length;
        }
        assertThat(p).as("nothing after the four responses").isEqualTo(reply.length);
        assertThat(heads.get(0)).startsWith("HTTP/1.1 206 ").containsIgnoringCase("content-range: bytes 10-19/" + LARGE_BYTES);
        assertThat(bodies.get(0)).isEqualTo(slice(large, 10, 20));
        assertThat(heads.get(1)).startsWith("HTTP/1.1 200 ").containsIgnoringCase("content-length: " + LARGE_BYTES)
                .containsIgnoringCase("accept-ranges: bytes").doesNotContainIgnoringCase("content-range");
        assertThat(heads.get(2)).startsWith("HTTP/1.1 416 ").containsIgnoringCase("content-range: bytes */" + LARGE_BYTES);
        assertThat(heads.get(3)).startsWith("HTTP/1.1 206 ").containsIgnoringCase("content-range: bytes 8-12/13");
        assertThat(new String(bodies.get(3), StandardCharsets.UTF_8)).isEqualTo("</h1>");
    }

    static String first(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        throw new AssertionError("no " + name + " in " + head);
    }
}
