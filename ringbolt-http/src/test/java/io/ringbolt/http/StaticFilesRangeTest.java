package io.ringbolt.http;

import io.ringbolt.http.files.StaticFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Byte ranges of static files (RFC 9110 §14) through the handler and a connection: 206, 416,
 * {@code If-Range}, what is ignored, and that the bytes are right whether the file is kept in
 * memory or read from disk per request.
 */
@Timeout(30)
class StaticFilesRangeTest {
    /** 3000 bytes, each position distinguishable: byte i is {@code (i * 7 + i / 256) & 0xFF}. */
    static final byte[] DATA = data(3000);

    @TempDir
    Path dir;
    Path root;
    final FakeReactor reactor = new FakeReactor();
    FakeConnection cached;
    FakeConnection uncached;

    static byte[] data(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + i / 256);
        }
        return b;
    }

    static String latin1(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        writeFiles(root);
        cached = connection(reactor, StaticFiles.of(root));
        uncached = connection(reactor, StaticFiles.of(root).withCacheLimits(16, 1 << 20));
    }

    static void writeFiles(Path root) throws IOException {
        Files.write(root.resolve("data.bin"), DATA);
        Files.writeString(root.resolve("app.js"), "console.log('plain');");
        Files.writeString(root.resolve("app.js.br"), "BR-BYTES");
        Files.writeString(root.resolve("app.js.gz"), "GZ-BYTES");
        Files.write(root.resolve("empty.txt"), new byte[0]);
    }

    static FakeConnection connection(FakeReactor reactor, StaticFiles files) {
        Router router = new Router();
        router.get("/static/*", files);
        return new FakeConnection(reactor, HttpServer.create(router));
    }

    RawResponse fetch(FakeConnection c, String method, String path, String... headerLines) throws InterruptedException {
        return fetch(reactor, c, method, path, headerLines);
    }

    static RawResponse fetch(FakeReactor reactor, FakeConnection c, String method, String path, String... headerLines)
            throws InterruptedException {
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: t\r\n");
        for (String h : headerLines) {
            req.append(h).append("\r\n");
        }
        c.receive(req.append("\r\n").toString());
        String wire = c.takeSent();
        if (wire.isEmpty()) {
            reactor.awaitAndRunTasks();
            wire = c.takeSent();
        }
        return RawResponse.parseAll(wire, method.equals("HEAD")).getFirst();
    }

    List<FakeConnection> both() {
        return List.of(cached, uncached);
    }

    @Test
    void firstBytesOpenEndedAndSuffixGet206WithContentRange() throws Exception {
        for (FakeConnection c : both()) {
            RawResponse first = fetch(c, "GET", "/static/data.bin", "Range: bytes=0-99");
            assertThat(first.status()).isEqualTo(206);
            assertThat(first.header("content-range")).isEqualTo("bytes 0-99/3000");
            assertThat(first.header("content-length")).isEqualTo("100");
            assertThat(first.header("accept-ranges")).isEqualTo("bytes");
            assertThat(first.header("content-type")).isEqualTo("application/octet-stream");
            assertThat(first.header("etag")).startsWith("\"");
            assertThat(first.body()).isEqualTo(latin1(DATA, 0, 100));

            RawResponse open = fetch(c, "GET", "/static/data.bin", "Range: bytes=2990-");
            assertThat(open.status()).isEqualTo(206);
            assertThat(open.header("content-range")).isEqualTo("bytes 2990-2999/3000");
            assertThat(open.body()).isEqualTo(latin1(DATA, 2990, 3000));

            RawResponse suffix = fetch(c, "GET", "/static/data.bin", "Range: bytes=-500");
            assertThat(suffix.header("content-range")).isEqualTo("bytes 2500-2999/3000");
            assertThat(suffix.body()).isEqualTo(latin1(DATA, 2500, 3000));

            RawResponse clipped = fetch(c, "GET", "/static/data.bin", "Range: bytes=1000-999999");
            assertThat(clipped.header("content-range")).isEqualTo("bytes 1000-2999/3000");
            assertThat(clipped.body()).isEqualTo(latin1(DATA, 1000, 3000));
        }
    }

    @Test
    void aRangeStartingPastTheEndGets416WithTheLength() throws Exception {
        for (FakeConnection c : both()) {
            RawResponse r = fetch(c, "GET", "/static/data.bin", "Range: bytes=3000-");
            assertThat(r.status()).isEqualTo(416);
            assertThat(r.header("content-range")).isEqualTo("bytes */3000");
            assertThat(fetch(c, "GET", "/static/data.bin", "Range: bytes=-0").status()).isEqualTo(416);
            RawResponse empty = fetch(c, "GET", "/static/empty.txt", "Range: bytes=0-");
            assertThat(empty.status()).isEqualTo(416);
            assertThat(empty.header("content-range")).isEqualTo("bytes */0");
        }
    }

    @Test
    void ifRangeThatDoesNotMatchGetsTheWholeFile() throws Exception {
        for (FakeConnection c : both()) {
            RawResponse plain = fetch(c, "GET", "/static/data.bin");
            String etag = plain.header("etag");
            String lastModified = plain.header("last-modified");
            assertThat(fetch(c, "GET", "/static/data.bin", "Range: bytes=0-9", "If-Range: " + etag).status()).isEqualTo(206);
            assertThat(fetch(c, "GET", "/static/data.bin", "Range: bytes=0-9", "If-Range: " + lastModified).status()).isEqualTo(206);
            for (String stale : new String[] {"\"other\"", "W/" + etag, "Sun, 06 Nov 1994 08:49:37 GMT", "not a validator"}) {
                RawResponse r = fetch(c, "GET", "/static/data.bin", "Range: bytes=0-9", "If-Range: " + stale);
                assertThat(r.status()).as(stale).isEqualTo(200);
                assertThat(r.header("content-range")).as(stale).isNull();
                assertThat(r.body()).as(stale).isEqualTo(latin1(DATA, 0, DATA.length));
            }
        }
    }

    @Test
    void multipleRangesOtherUnitsAndBadSyntaxGetTheWholeFile() throws Exception {
        for (String range : new String[] {"bytes=0-9,20-29", "items=0-9", "bytes=9-0", "bytes=x-"}) {
            RawResponse r = fetch(cached, "GET", "/static/data.bin", "Range: " + range);
            assertThat(r.status()).as(range).isEqualTo(200);
            assertThat(r.body()).as(range).hasSize(DATA.length);
        }
    }

    @Test
    void headAndOtherMethodsIgnoreRange() throws Exception {
        RawResponse head = fetch(cached, "HEAD", "/static/data.bin", "Range: bytes=0-9");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-length")).isEqualTo("3000");
        assertThat(head.header("accept-ranges")).isEqualTo("bytes");
        Router router = new Router();
        router.post("/static/*", StaticFiles.of(root));
        FakeConnection c = new FakeConnection(reactor, HttpServer.create(router));
        RawResponse post = fetch(c, "POST", "/static/data.bin", "Range: bytes=0-9", "Content-Length: 0");
        assertThat(post.status()).isEqualTo(200);
        assertThat(post.body()).hasSize(DATA.length);
    }

    @Test
    void aRangeIsOfTheUnencodedFileEvenWhenATwinIsAccepted() throws Exception {
        for (FakeConnection c : both()) {
            RawResponse r = fetch(c, "GET", "/static/app.js", "Range: bytes=0-6", "Accept-Encoding: br, gzip");
            assertThat(r.status()).isEqualTo(206);
            assertThat(r.header("content-encoding")).isNull();
            assertThat(r.header("vary")).isEqualTo("Accept-Encoding");
            assertThat(r.body()).isEqualTo("console");
            assertThat(fetch(c, "GET", "/static/app.js", "Accept-Encoding: br").body()).isEqualTo("BR-BYTES");
        }
    }

    @Test
    void aNotModifiedValidatorWinsOverRange() throws Exception {
        String etag = fetch(cached, "GET", "/static/data.bin").header("etag");
        RawResponse r = fetch(cached, "GET", "/static/data.bin", "Range: bytes=0-9", "If-None-Match: " + etag);
        assertThat(r.status()).isEqualTo(304);
    }

    @Test
    void compressionPolicyDoesNotEncodeAPartialAnswer() throws Exception {
        Files.writeString(root.resolve("big.txt"), "hello world, ".repeat(500));
        Router router = new Router();
        router.get("/static/*", StaticFiles.of(root)).use(Compression.gzip().middleware());
        FakeConnection c = new FakeConnection(reactor, HttpServer.create(router));
        RawResponse r = fetch(c, "GET", "/static/big.txt", "Range: bytes=0-1999", "Accept-Encoding: gzip");
        assertThat(r.status()).isEqualTo(206);
        assertThat(r.header("content-encoding")).isNull();
        assertThat(r.body()).isEqualTo("hello world, ".repeat(500).substring(0, 2000));
    }

    /**
     * A file larger than any array: ranges of it are read from disk as they are asked for, and
     * the whole file is streamed with its real length (before, reading it whole threw
     * OutOfMemoryError on the loader thread and left the client waiting forever; then it got a
     * 500). HEAD answers with the length without reading the file.
     */
    @Test
    void aFileTooLargeForOneArrayServesRangesAndItsLength() throws Exception {
        long size = 3L << 30; // sparse: takes no disk space
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("huge.bin").toFile(), "rw")) {
            f.setLength(size);
            f.seek(size - 5);
            f.write("tail!".getBytes(StandardCharsets.US_ASCII));
        }
        RawResponse tail = fetch(cached, "GET", "/static/huge.bin", "Range: bytes=-5");
        assertThat(tail.status()).isEqualTo(206);
        assertThat(tail.header("content-range")).isEqualTo("bytes " + (size - 5) + "-" + (size - 1) + "/" + size);
        assertThat(tail.body()).isEqualTo("tail!");
        RawResponse head = fetch(cached, "HEAD", "/static/huge.bin");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-length")).isEqualTo(Long.toString(size));
        assertThat(head.body()).isEmpty();
    }
}
