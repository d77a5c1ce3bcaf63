package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.EngineStats;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.http.HttpOptions;
import io.ringbolt.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TcpProxy} on a real backend over loopback: a plain java.net server as the upstream
 * (or the app's HTTP server for curl and wrk), real sockets as clients. Subclasses pick the backend.
 */
@Timeout(120)
abstract class ProxyIntegrationSuite {
    private static final int CHUNK = 64 * 1024;

    private Engine proxy;
    private Engine backendServer;
    private Upstream upstream;

    abstract Backend backend();

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (backendServer != null) {
            backendServer.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** The proxy in front of {@code target}, on the suite's backend, with a 64/256 KiB water mark pair. */
    private InetSocketAddress startProxy(InetSocketAddress target, int reactors) {
        HandlerFactory relay = new TcpProxy(target, Duration.ofSeconds(5));
        try {
            proxy = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(reactors)
                    .writeWaterMarks(64 * 1024, 256 * 1024).handler(relay).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend " + backend().displayName() + " unavailable here: " + e.getMessage());
        } catch (UncheckedIOException e) {
            if (String.valueOf(e.getMessage()).contains("not built yet")) {
                Assumptions.abort("backend " + backend().displayName() + " is not built yet: " + e.getMessage());
            }
            throw e;
        }
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port());
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.connect(address, 5000);
        s.setSoTimeout(30_000);
        return s;
    }

    // ---- byte-exact relay, both directions at once, with half-close -------------------------------

    @Test
    void relaysSixtyFourConnectionsOfFourMebibytesEachWayByteExactly() throws Exception {
        int connections = 64;
        long bytesEachWay = 4L << 20;
        Map<Long, Long> receivedCrcBySeed = new ConcurrentHashMap<>();
        // The upstream reads the seed, sends its own 4 MiB and FIN while it reads the client's to EOF.
        upstream = new Upstream(s -> {
            DataInputStream in = new DataInputStream(s.getInputStream());
            long seed = in.readLong();
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    sendPattern(out, ~seed, bytesEachWay);
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            receivedCrcBySeed.put(seed, crcToEof(in));
            sender.join();
        });
        InetSocketAddress address = startProxy(upstream.address(), 2);
        List<Future<Long>> clients = new ArrayList<>();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < connections; i++) {
                long seed = 1000 + i;
                clients.add(executor.submit(() -> {
                    try (Socket s = connect(address)) {
                        Thread sender = Thread.ofVirtual().start(() -> {
                            try {
                                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                                out.writeLong(seed);
                                sendPattern(out, seed, bytesEachWay);
                                s.shutdownOutput(); // half-close: the upstream's data must still arrive
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                        long crc = crcToEof(s.getInputStream());
                        sender.join();
                        return crc;
                    }
                }));
            }
            for (int i = 0; i < connections; i++) {
                long seed = 1000 + i;
                assertThat(clients.get(i).get()).as("upstream → client, connection %d", i).isEqualTo(patternCrc(~seed, bytesEachWay));
            }
        }
        for (int i = 0; i < connections; i++) {
            long seed = 1000 + i;
            assertThat(receivedCrcBySeed.get(seed)).as("client → upstream, connection %d", i).isEqualTo(patternCrc(seed, bytesEachWay));
        }
        awaitNoOpenConnections();
    }

    // ---- back-pressure ------------------------------------------------------------------------------

    @Test
    void slowClientKeepsTheProxysMemoryBounded() throws Exception {
        long total = 256L << 20;
        upstream = new Upstream(s -> {
            sendPattern(s.getOutputStream(), 7, total);
            s.shutdownOutput();
            s.getInputStream().readAllBytes();
        });
        InetSocketAddress address = startProxy(upstream.address(), 1);
        AtomicLong maxHeld = new AtomicLong();
        try (Socket s = connect(address)) {
            s.setReceiveBufferSize(64 * 1024);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[32 * 1024];
            CRC32 crc = new CRC32();
            long got = 0;
            int reads = 0;
            for (int n; (n = in.read(buf)) >= 0; ) {
                crc.update(buf, 0, n);
                got += n;
                if (++reads % 16 == 0) {
                    maxHeld.accumulateAndGet(held(), Math::max);
                }
                if (reads == 32) {
                    // A client that stops reading for a while: on loopback the upstream could
                    // push most of its 256 MiB meanwhile, unless the proxy pushes back.
                    for (int i = 0; i < 150; i++) {
                        Thread.sleep(10);
                        maxHeld.accumulateAndGet(held(), Math::max);
                    }
                }
            }
            assertThat(got).isEqualTo(total);
            assertThat(crc.getValue()).isEqualTo(patternCrc(7, total));
        }
        // Bound: the high water mark (256 KiB) plus what one read cycle may overshoot per side,
        // far below the 256 MiB the upstream pushed.
        assertThat(maxHeld.get()).as("bytes held by the proxy at most").isLessThan(4L << 20);
        System.out.println(backend() + ": slow client, most bytes the proxy held: " + maxHeld.get());
    }

    /** What the proxy holds: exactly what it received and has not sent yet. */
    private long held() {
        EngineStats st = proxy.stats();
        return st.bytesReceived() - st.bytesSent();
    }

    // ---- half-close ----------------------------------------------------------------------------------

    @Test
    void clientHalfCloseReachesTheUpstreamWhichStillAnswers() throws Exception {
        upstream = new Upstream(s -> {
            byte[] request = s.getInputStream().readAllBytes(); // to the client's FIN
            s.getOutputStream().write(("got " + new String(request, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII));
            s.close();
        });
        InetSocketAddress address = startProxy(upstream.address(), 1);
        try (Socket s = connect(address)) {
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("got ping");
        }
        awaitNoOpenConnections();
    }

    @Test
    void upstreamHalfCloseReachesTheClientWhichStillSends() throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        java.util.concurrent.CompletableFuture<String> upstreamGot = new java.util.concurrent.CompletableFuture<>();
        upstream = new Upstream(s -> {
            s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput(); // FIN first, then keep reading
            upstreamGot.complete(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        });
        InetSocketAddress address = startProxy(upstream.address(), 1);
        try (Socket s = connect(address)) {
            seen.write(s.getInputStream().readAllBytes()); // EOF after "hello", the socket still open
            s.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertThat(upstreamGot.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("still here");
        }
        assertThat(seen.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        awaitNoOpenConnections();
    }

    // ---- failures ------------------------------------------------------------------------------------

    @Test
    void upstreamDownClosesTheClientAtOnce() throws Exception {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        InetSocketAddress address = startProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort), 1);
        try (Socket s = connect(address)) {
            s.setSoTimeout(3000); // "at once": far below the 5 s connect timeout
            long startNs = System.nanoTime();
            assertThat(readToEofOrReset(s.getInputStream())).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isLessThan(Duration.ofSeconds(3));
        }
        assertThat(proxy.stats().connectFailedTotal()).isEqualTo(1);
        awaitNoOpenConnections();
    }

    @Test
    void upstreamResetClosesTheClient() throws Exception {
        upstream = new Upstream(s -> {
            s.getInputStream().read();
            s.setSoLinger(true, 0);
            s.close(); // RST
        });
        InetSocketAddress address = startProxy(upstream.address(), 1);
        try (Socket s = connect(address)) {
            s.getOutputStream().write('x');
            assertThat(readToEofOrReset(s.getInputStream())).isEmpty();
        }
        awaitNoOpenConnections();
    }

    @Test
    void clientResetClosesTheUpstream() throws Exception {
        java.util.concurrent.CompletableFuture<String> upstreamEnd = new java.util.concurrent.CompletableFuture<>();
        upstream = new Upstream(s -> {
            s.getOutputStream().write('!');
            upstreamEnd.complete(new String(readToEofOrReset(s.getInputStream()), StandardCharsets.US_ASCII));
        });
        InetSocketAddress address = startProxy(upstream.address(), 1);
        try (Socket s = connect(address)) {
            s.getOutputStream().write("ab".getBytes(StandardCharsets.US_ASCII));
            assertThat(s.getInputStream().read()).isEqualTo('!');
            s.setSoLinger(true, 0);
        } // RST
        assertThat(upstreamEnd.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("ab");
        awaitNoOpenConnections();
    }

    // ---- real HTTP clients through the proxy ------------------------------------------------------

    private InetSocketAddress startHttpBehindProxy() throws IOException {
        Path dataDir = Files.createTempDirectory("ringbolt-proxy-it");
        ServeIntegrationSuite.writeDataset(dataDir);
        HttpServer http = HttpServer.create(DemoApp.router(ArenaData.load(dataDir), 1L << 20), HttpOptions.defaults());
        backendServer = Engine.builder().bind("127.0.0.1", 0).backend(Backend.AUTO).reactors(1).handler(http).start();
        return startProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), backendServer.port()), 2);
    }

    @Test
    void curlThroughTheProxy() throws Exception {
        Processes.require("curl", "curl");
        InetSocketAddress address = startHttpBehindProxy();
        String base = "http://127.0.0.1:" + address.getPort();
        Processes.Result get = Processes.run(List.of("curl", "-sS", "--max-time", "10", base + "/"), Duration.ofSeconds(20));
        assertThat(get.exitCode()).as(get.stderr()).isZero();
        assertThat(get.stdout().strip()).isEqualTo("Hello from Ringbolt!");
        byte[] body = new byte[3 << 20];
        new Random(3).nextBytes(body);
        Path file = Files.createTempFile("proxy-body", ".bin");
        Files.write(file, body);
        Processes.Result echo = Processes.run(List.of("curl", "-sS", "--max-time", "20", "-o", file + ".out",
                "--data-binary", "@" + file, base + "/echo"), Duration.ofSeconds(30));
        assertThat(echo.exitCode()).as(echo.stderr()).isZero();
        assertThat(Files.readAllBytes(Path.of(file + ".out"))).isEqualTo(body);
    }

    @Test
    void tlsTerminatedByTheProxyInFrontOfAPlainBackend() throws Exception {
        Processes.require("openssl", "openssl");
        Processes.require("curl", "curl");
        Path dir = Files.createTempDirectory("ringbolt-proxy-tls");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        var gen = Processes.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1"), Duration.ofSeconds(30));
        assertThat(gen.exitCode()).as(gen.stderr()).isZero();
        InetSocketAddress plain = startHttpBehindProxy(); // the plain proxy, and the backend behind it
        InetSocketAddress backendAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), backendServer.port());
        var tls = io.ringbolt.engine.tls.TlsContext.fromPem(cert, key);
        try (Engine secure = Engine.builder().bind("127.0.0.1", 0).backend(backend()).reactors(1)
                .handler(tls.wrap(new TcpProxy(backendAddress, Duration.ofSeconds(5)))).start()) {
            byte[] body = new byte[1 << 20];
            new Random(9).nextBytes(body);
            Path upload = dir.resolve("upload.bin");
            Files.write(upload, body);
            String https = "https://127.0.0.1:" + secure.port();
            Processes.Result curl = Processes.run(List.of("curl", "-sS", "--max-time", "20", "--cacert", cert.toString(),
                    https + "/plaintext", "--next", "--cacert", cert.toString(), "--data-binary", "@" + upload,
                    "-o", dir.resolve("echoed.bin").toString(), https + "/echo"), Duration.ofSeconds(30));
            assertThat(curl.exitCode()).as(curl.stderr()).isZero();
            assertThat(curl.stdout()).isEqualTo("Hello, World!");
            assertThat(Files.readAllBytes(dir.resolve("echoed.bin"))).isEqualTo(body);
        }
        assertThat(plain.getPort()).isPositive();
    }

    @Test
    void wrkThroughTheProxyHasNoErrors() throws Exception {
        Processes.require("wrk", "wrk");
        InetSocketAddress address = startHttpBehindProxy();
        Processes.Result r = Processes.run(List.of("wrk", "-t2", "-c64", "-d2s", "http://127.0.0.1:" + address.getPort() + "/plaintext"),
                Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("requests in").doesNotContain("Socket errors").doesNotContain("Non-2xx");
        long requests = Long.parseLong(r.stdout().replaceAll("(?s).*?(\\d+) requests in.*", "$1"));
        assertThat(requests).isPositive();
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private void awaitNoOpenConnections() throws InterruptedException {
        long deadlineNs = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (proxy.stats().openConnections() != 0 && System.nanoTime() < deadlineNs) {
            Thread.sleep(10);
        }
        assertThat(proxy.stats().openConnections()).as("proxy connections left open").isZero();
    }

    /** Sends {@code length} bytes of the pattern seeded {@code seed}. */
    static void sendPattern(OutputStream out, long seed, long length) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[CHUNK];
        for (long sent = 0; sent < length; sent += CHUNK) {
            random.nextBytes(chunk);
            out.write(chunk, 0, (int) Math.min(CHUNK, length - sent));
        }
    }

    static long patternCrc(long seed, long length) {
        Random random = new Random(seed);
        byte[] chunk = new byte[CHUNK];
        CRC32 crc = new CRC32();
        for (long done = 0; done < length; done += CHUNK) {
            random.nextBytes(chunk);
            crc.update(chunk, 0, (int) Math.min(CHUNK, length - done));
        }
        return crc.getValue();
    }

    static long crcToEof(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[CHUNK];
        for (int n; (n = in.read(buf)) >= 0; ) {
            crc.update(buf, 0, n);
        }
        return crc.getValue();
    }

    /** Reads until EOF or a reset, whichever comes; returns what arrived. */
    static byte[] readToEofOrReset(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // a reset ends it as well as an EOF
        }
        return got.toByteArray();
    }

    /** What an upstream does with one accepted socket. */
    @FunctionalInterface
    interface Service {
        void serve(Socket s) throws Exception;
    }

    /** A blocking java.net server, a virtual thread per connection: independent of the engine. */
    static final class Upstream implements AutoCloseable {
        private final ServerSocket server;
        private final Thread acceptor;

        Upstream(Service service) throws IOException {
            server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                service.serve(s);
                            } catch (Exception e) {
                                // the test's assertions see the outcome on the client side
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            server.close();
            acceptor.interrupt();
        }
    }
}
