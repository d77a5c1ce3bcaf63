package io.ringbolt.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The access log's lines, escaping, drops and reopen, stepped by hand on {@link FakeReactor}
 * with a real file (and a real FIFO for the stalled output). The loopback suites on both
 * backends are in ringbolt-server ({@code AccessLogIntegrationSuite}).
 */
@Timeout(30)
class AccessLogTest {
    @TempDir
    Path dir;

    final FakeReactor reactor = new FakeReactor();

    Router router() {
        Router router = new Router();
        router.get("/hello", (req, res) -> res.send("hello\n"));
        router.post("/echo", (req, res) -> res.send(req.bodyBytes()));
        return router;
    }

    FakeConnection connect(AccessLog log) {
        return new FakeConnection(reactor, HttpServer.create(router().onComplete(log)));
    }

    static List<String> awaitLines(Path file, int count) throws Exception {
        awaitTrue(() -> lines(file).size() >= count, "file " + file + " to have " + count + " lines");
        return lines(file);
    }

    static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1) : List.of();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void combinedLinesCarryTheRequestLineStatusBytesRefererAndAgent() throws Exception {
        Path file = dir.resolve("access.log");
        try (AccessLog log = AccessLog.open(file.toString(), AccessLogFormat.COMBINED)) {
            FakeConnection c = connect(log);
            c.receive("GET /hello?x=1 HTTP/1.1\r\nHost: t\r\nReferer: http://ref/\r\nUser-Agent: agent/1.0\r\n\r\n");
            String first = c.takeSent();
            c.receive("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n");
            String second = c.takeSent();
            List<String> lines = awaitLines(file, 2);
            assertThat(lines.get(0)).matches("127\\.0\\.0\\.1 - - \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}] "
                    + "\"GET /hello\\?x=1 HTTP/1\\.1\" 200 " + first.length() + " \"http://ref/\" \"agent/1\\.0\"");
            assertThat(lines.get(1)).endsWith("\"GET /nothing HTTP/1.1\" 404 " + second.length() + " \"-\" \"-\"");
            assertThat(log.droppedLines()).isZero();
        }
    }

    @Test
    void quotesBackslashesAndNonAsciiAreEscapedInBothFormats() throws Exception {
        String request = "GET /a%22b HTTP/1.1\r\nHost: t\r\nUser-Agent: say \"hi\\\" \u00e9\r\n\r\n";
        Path combined = dir.resolve("combined.log");
        try (AccessLog log = AccessLog.open(combined.toString(), AccessLogFormat.COMBINED)) {
            connect(log).receive(request);
            assertThat(awaitLines(combined, 1).getFirst()).endsWith("\"-\" \"say \\\"hi\\\\\\\" \\xe9\"");
        }
        Path json = dir.resolve("json.log");
        try (AccessLog log = AccessLog.open(json.toString(), AccessLogFormat.JSON)) {
            connect(log).receive(request);
            String line = awaitLines(json, 1).getFirst();
            assertThat(line).contains("\"user_agent\":\"say \\\"hi\\\\\\\" \\u00e9\"")
                    .contains("\"referer\":null")
                    .contains("\"method\":\"GET\",\"target\":\"/a%22b\",\"protocol\":\"HTTP/1.1\",\"status\":404")
                    .matches("\\{\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\",\"remote\":\"127\\.0\\.0\\.1\".*"
                            + "\"duration_us\":\\d+,.*}");
        }
    }

    @Test
    void aFullQueueDropsAndCountsLinesWithoutBlockingTheCaller() throws Exception {
        Path fifo = dir.resolve("stalled.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mk.waitFor() == 0, "mkfifo failed");
        // Read-write open of a FIFO does not wait for a peer: the log's open finds a reader that never reads.
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.ringbolt.http.access");
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try (RandomAccessFile neverRead = new RandomAccessFile(fifo.toFile(), "rw")) {
            AccessLog log = AccessLog.open(fifo.toString(), AccessLogFormat.COMBINED, 64);
            FakeConnection c = connect(log);
            String body = "x".repeat(512);
            int requests = 5_000; // ~3 MB of lines: far beyond the pipe's 64 KiB plus 64 queued lines
            for (int i = 0; i < requests; i++) {
                c.receive("POST /echo HTTP/1.1\r\nHost: t\r\nUser-Agent: " + body + "\r\nContent-Length: 2\r\n\r\nok");
                assertThat(c.takeSent()).startsWith("HTTP/1.1 200 ");
            }
            assertThat(log.droppedLines()).isGreaterThan(0);
            assertThat(log.writtenLines() + log.droppedLines()).isLessThanOrEqualTo(requests);
            // Rate-limited: one line per second at most, so a few here, each with the running count.
            assertThat(warnings).isNotEmpty().hasSizeLessThan(10);
            assertThat(warnings.getFirst()).contains("queue full, lines dropped (").contains(" in total)");
            log.close(); // gives up after its bound: the writer stays blocked on the FIFO
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void reopenAfterRenameWritesToANewFileOfTheOriginalName() throws Exception {
        Path file = dir.resolve("access.log");
        Path rotated = dir.resolve("access.log.1");
        try (AccessLog log = AccessLog.open(file.toString(), AccessLogFormat.JSON)) {
            FakeConnection c = connect(log);
            c.receive("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
            awaitLines(file, 1);
            Files.move(file, rotated);
            c.receive("GET /before-reopen HTTP/1.1\r\nHost: t\r\n\r\n");
            awaitLines(rotated, 2); // still the open file, now under its new name
            log.reopen();
            awaitTrue(() -> log.reopens() == 1, "the reopen");
            c.receive("GET /after-reopen HTTP/1.1\r\nHost: t\r\n\r\n");
            List<String> fresh = awaitLines(file, 1);
            assertThat(fresh).hasSize(1);
            assertThat(fresh.getFirst()).contains("\"target\":\"/after-reopen\"");
            assertThat(lines(rotated)).hasSize(2);
        }
    }

    @Test
    void badArgumentsAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AccessLog.open("", AccessLogFormat.JSON))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AccessLog.open(dir.resolve("a").toString(), AccessLogFormat.JSON, 0))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AccessLogFormat.parse("common"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("combined or json");
        assertThat(AccessLogFormat.parse("JSON")).isEqualTo(AccessLogFormat.JSON);
    }
}
