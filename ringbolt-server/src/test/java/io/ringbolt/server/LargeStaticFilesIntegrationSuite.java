package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
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
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large static files on a real backend over loopback: a 64 MiB file (far above the in-memory
 * limit) streamed to several clients at once byte-exact, a slow reader that must not make the
 * server read the file ahead of it, ranges of it, HEAD and validators, and a file changed under
 * a download (the connection is reset, never a mixed body of full length). How much of the file
 * the server read is taken from {@code /proc/self/io}'s {@code rchar} (bytes this process read
 * with read/pread; the server runs in the test's JVM): before streaming, a GET read the whole
 * file into memory first. Subclasses pick the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class LargeStaticFilesIntegrationSuite {
    static final int BIG_BYTES = 64 << 20;
    static final int MIB = 1 << 20;

    Path root;
    byte[] big;
    String bigSha;
    Engine engine;
    String base;
    int port;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    abstract Backend backend();

    @BeforeAll
    void start() throws Exception {
        root = Files.createTempDirectory("ringbolt-it-large");
        big = new byte[BIG_BYTES];
        new Random(64).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        bigSha = sha256(big, 0, big.length);
        Router router = new Router();
        router.get("/static/*", StaticFiles.of(root));
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
        if (root != null) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void severalClientsDownloadTheBigFileAtOnceByteExact() throws Exception {
        int clients = 4;
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<String[]>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                results.add(pool.submit(() -> {
                    HttpResponse<InputStream> r = client.send(get("/static/big.bin").build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream in = r.body()) {
                        return new String[] {Integer.toString(r.statusCode()),
                                r.headers().firstValue("content-length").orElse(""), sha256(in)};
                    }
                }));
            }
            for (Future<String[]> f : results) {
                String[] r = f.get();
                assertThat(r[0]).isEqualTo("200");
                assertThat(r[1]).isEqualTo(Integer.toString(BIG_BYTES));
                assertThat(r[2]).isEqualTo(bigSha);
            }
        }
    }

    /**
     * A client that takes 1 MiB and then stops reading: the server must not read (and hold)
     * the file ahead of it, only what the socket buffers and the connection's output buffer
     * take. Then it reads on and gets the whole file.
     */
    @Test
    void aSlowReaderDoesNotMakeTheServerReadTheFileAhead() throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(256 * 1024); // fixed, so the kernel does not auto-grow it
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            long before = readBytesOfThisProcess();
            send(s, "GET /static/big.bin HTTP/1.1\r\nHost: t\r\n\r\n");
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: " + BIG_BYTES);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long got = readInto(in, digest, MIB);
            Thread.sleep(1500); // the server runs ahead as far as it is allowed to
            long readByServer = readBytesOfThisProcess() - before;
            System.out.println("slow reader on " + backend().displayName() + ": client took " + got
                    + " bytes, the process read " + readByServer + " bytes of the " + BIG_BYTES + "-byte file");
            assertThat(readByServer).as("bytes read while the client held at 1 MiB of 64").isLessThan(16L * MIB);
            got += readInto(in, digest, BIG_BYTES - got);
            assertThat(got).isEqualTo(BIG_BYTES);
            assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(bigSha);
        }
        assertThat(fetch("/static/big.bin", "Range: bytes=0-9").statusCode()).isEqualTo(206); // still serving
    }

    @Test
    void rangesOfTheBigFileAreByteExact() throws Exception {
        HttpResponse<byte[]> middle = fetch("/static/big.bin", "Range: bytes=1000000-40000000");
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.headers().firstValue("content-range")).hasValue("bytes 1000000-40000000/" + BIG_BYTES);
        assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(big, 1_000_000, 40_000_001));
        HttpResponse<byte[]> suffix = fetch("/static/big.bin", "Range: bytes=-3000001");
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(big, BIG_BYTES - 3_000_001, BIG_BYTES));
        HttpResponse<byte[]> small = fetch("/static/big.bin", "Range: bytes=65536-65635");
        assertThat(small.body()).isEqualTo(Arrays.copyOfRange(big, 65536, 65636));
        assertThat(fetch("/static/big.bin", "Range: bytes=" + BIG_BYTES + "-").statusCode()).isEqualTo(416);
        String etag = fetch("/static/big.bin", "Range: bytes=0-0").headers().firstValue("etag").orElseThrow();
        HttpResponse<byte[]> kept = fetch("/static/big.bin", "Range: bytes=10-19", "If-Range: " + etag);
        assertThat(kept.statusCode()).isEqualTo(206);
        assertThat(kept.body()).isEqualTo(Arrays.copyOfRange(big, 10, 20));
        HttpResponse<byte[]> whole = fetch("/static/big.bin", "Range: bytes=10-19", "If-Range: \"other\"");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(sha256(whole.body(), 0, whole.body().length)).isEqualTo(bigSha);
        assertThat(fetch("/static/big.bin", "If-None-Match: " + etag).statusCode()).isEqualTo(304);
    }

    /** HEAD of the big file answers with its length and reads none of it. */
    @Test
    void headOfTheBigFileReadsNothing() throws Exception {
        long before = readBytesOfThisProcess();
        HttpResponse<byte[]> r = client.send(get("/static/big.bin").method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-length")).hasValue(Integer.toString(BIG_BYTES));
        assertThat(r.body()).isEmpty();
        assertThat(readBytesOfThisProcess() - before).isLessThan(MIB);
    }

    /**
     * The file is rewritten while a client is in the middle of it: the head (length,
     * validators) is already sent, so the server resets the connection; the client gets fewer
     * bytes than {@code Content-Length}, never a full-length mix of two files.
     */
    @Test
    void aFileChangedDuringTheSendClosesTheConnection() throws Exception {
        Path changing = root.resolve("changing.bin");
        byte[] original = Arrays.copyOf(big, 16 * MIB);
        Files.write(changing, original);
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(256 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            send(s, "GET /static/changing.bin HTTP/1.1\r\nHost: t\r\n\r\n");
            InputStream in = s.getInputStream();
            assertThat(readHead(in)).containsIgnoringCase("content-length: " + original.length);
            long got = readInto(in, null, MIB);
            byte[] other = original.clone();
            Arrays.fill(other, 0, other.length, (byte) 'x');
            Files.write(changing, other);
            Files.setLastModifiedTime(changing, FileTime.from(Instant.now().plusSeconds(5)));
            got += readToEnd(in);
            assertThat(got).isLessThan(original.length);
        }
        HttpResponse<byte[]> after = fetch("/static/changing.bin");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).containsOnly((byte) 'x').hasSize(original.length);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    }

    HttpResponse<byte[]> fetch(String path, String... headerPairs) throws Exception {
        HttpRequest.Builder b = get(path);
        for (String h : headerPairs) {
            int colon = h.indexOf(':');
            b.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** {@code rchar} of /proc/self/io: bytes this process has read with read(2)/pread(2) and kin. */
    static long readBytesOfThisProcess() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
            if (line.startsWith("rchar:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        throw new IOException("no rchar in /proc/self/io");
    }

    static void send(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in head: " + head);
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads exactly {@code count} bytes (less at EOF), feeding {@code digest} when not null. */
    static long readInto(InputStream in, MessageDigest digest, long count) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long done = 0;
        while (done < count) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, count - done));
            if (n < 0) {
                break;
            }
            if (digest != null) {
                digest.update(buf, 0, n);
            }
            done += n;
        }
        return done;
    }

    /** Reads until EOF or a reset; returns the bytes read. */
    static long readToEnd(InputStream in) {
        long done = 0;
        byte[] buf = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                done += n;
            }
        } catch (IOException reset) {
            // a reset is the expected end
        }
        return done;
    }

    static String sha256(byte[] b, int from, int length) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(b, from, length);
        return HexFormat.of().formatHex(d.digest());
    }

    static String sha256(InputStream in) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        readInto(in, d, Long.MAX_VALUE);
        return HexFormat.of().formatHex(d.digest());
    }
}
