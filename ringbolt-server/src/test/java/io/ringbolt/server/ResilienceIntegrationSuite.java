package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.ContentType;
import io.ringbolt.http.HttpOptions;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks from the security review, scaled to finish in seconds, each against a real server on
 * loopback while a canary client checks that everyone else is still served. Subclasses pick
 * the backend.
 */
@Timeout(120)
abstract class ResilienceIntegrationSuite {
    static final byte[] PLAINTEXT = "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    abstract Backend backend();

    Engine start(Engine.Builder builder) {
        try {
            return builder.bind("127.0.0.1", 0).backend(backend()).shutdownGrace(Duration.ofSeconds(2)).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend " + backend().displayName() + " unavailable here: " + e.getMessage());
            throw e;
        }
    }

    // ---- heap exhaustion -------------------------------------------------------------------------

    /**
     * Regression: ~3,400 connections each sending {@code POST /echo} with an 8 MiB
     * Content-Length and the first part of the body exhausted the heap, killed both reactors
     * and left a zombie. Here `serve` runs in a child JVM with a 128 MiB heap (memory budget 32
     * MiB) while 1,500 such connections each push up to 192 KiB: 280 MB of bodies. It must keep
     * answering a canary throughout, never throw OutOfMemoryError, and answer the bodies it
     * cannot hold with 503.
     */
    @Test
    void thousandsOfPartialBodiesCannotExhaustASmallHeap() throws Exception {
        List<String> command = List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx128m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--port", "0", "--reactors", "2", "--backend", backend().name());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuffer output = new StringBuffer();
        List<SocketChannel> attackers = new ArrayList<>();
        try {
            int port = awaitPort(child, output);
            byte[] head = ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: 8388608\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer body = ByteBuffer.allocateDirect(192 * 1024);
            Canary canary = Canary.start(port);
            int opened = 0;
            for (int i = 0; i < 1500; i++) {
                try {
                    SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                    ch.configureBlocking(false);
                    ch.write(ByteBuffer.wrap(head));
                    attackers.add(ch);
                    opened++;
                } catch (IOException refusedOrReset) {
                    // a full backlog is the server pushing back too
                }
            }
            // Each attacker sends the first 192 KiB of its body, then stalls, as in the review.
            long[] sent = new long[attackers.size()];
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            long pushed = 0;
            while (System.nanoTime() < until) {
                for (int i = 0; i < attackers.size(); i++) {
                    SocketChannel ch = attackers.get(i);
                    if (!ch.isOpen() || sent[i] >= body.capacity()) {
                        continue;
                    }
                    try {
                        body.clear().position((int) sent[i]);
                        int n = ch.write(body);
                        sent[i] += n;
                        pushed += n;
                    } catch (IOException closedByServer) {
                        ch.close();
                    }
                }
                Thread.sleep(20);
                assertThat(child.isAlive()).as("server alive; output:\n" + output).isTrue();
            }
            Canary.Result during = canary.stop();
            System.out.println("partial-body attack on " + backend().displayName() + ": " + opened + " attackers pushed "
                    + (pushed >> 20) + " MiB; canary " + during);
            assertThat(opened).isGreaterThan(1000);
            assertThat(pushed).as("bytes the attackers got in").isGreaterThan(64L << 20);
            assertThat(during.failures()).as("canary failures during the attack: " + during).isZero();
            // Zero failures is the property; the count only shows the canary kept getting answers.
            // On a loaded 2-core machine (CI beside other builds) a 5 s window has seen 8 of them.
            assertThat(during.successes()).as("canary answers during the attack: " + during).isGreaterThanOrEqualTo(3);
            for (SocketChannel ch : attackers) {
                ch.close();
            }
            attackers.clear();
            assertThat(get(port, PLAINTEXT)).as("served after the attack").startsWith("HTTP/1.1 200 ");
            assertThat(child.isAlive()).isTrue();
            assertThat(output.toString()).doesNotContain("OutOfMemoryError").doesNotContain("FATAL");
        } finally {
            for (SocketChannel ch : attackers) {
                ch.close();
            }
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int awaitPort(Process child, StringBuffer output) throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.append(line).append('\n');
                    Matcher m = listening.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // the child ended
            }
            port.completeExceptionally(new AssertionError("server exited before listening:\n" + output));
        });
        return port.get(60, TimeUnit.SECONDS);
    }

    // ---- pipelining against back-pressure -----------------------------------------------------------

    /**
     * Regression: pipelined requests were answered without regard to writability, so one client
     * that wrote requests and never read grew the server by 1.4 GB. Now parsing stops above the
     * high water mark: what the server produces for a client that does not read is bounded by
     * its write buffer and the kernel's socket buffers, and every response still arrives, in
     * order, once it reads.
     */
    @Test
    void aPipeliningClientThatNeverReadsCannotMakeTheServerAnswerEverything() throws Exception {
        byte[] big = new byte[64 * 1024];
        java.util.Arrays.fill(big, (byte) 'b');
        AtomicInteger answered = new AtomicInteger();
        Router router = new Router();
        router.get("/big", (req, res) -> {
            answered.incrementAndGet();
            res.contentType(ContentType.APPLICATION_OCTET_STREAM).send(big);
        });
        router.get("/plaintext", (req, res) -> res.contentType(ContentType.TEXT_PLAIN).send("Hello, World!"));
        Engine engine = start(Engine.builder().reactors(1).handler(HttpServer.create(router)));
        int requests = 2000;
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(64 * 1024);
            stalled.connect(new InetSocketAddress("127.0.0.1", engine.port()), 10_000);
            stalled.setSoTimeout(20_000);
            byte[] one = "GET /big HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (int i = 0; i < requests; i++) {
                wire.write(one);
            }
            stalled.getOutputStream().write(wire.toByteArray());
            stalled.getOutputStream().flush();
            Thread.sleep(1000);
            assertThat(get(engine.port(), PLAINTEXT)).as("others are served meanwhile").startsWith("HTTP/1.1 200 ");
            int produced = answered.get();
            // 1 MiB high water mark + at most a few MiB of socket buffers, in 64 KiB responses.
            assertThat(produced).as("responses produced for a client that reads nothing").isLessThan(400);

            InputStream in = stalled.getInputStream();
            byte[] first = in.readNBytes(400);
            String headText = new String(first, StandardCharsets.ISO_8859_1);
            assertThat(headText).startsWith("HTTP/1.1 200 ");
            long perResponse = headText.indexOf("\r\n\r\n") + 4 + big.length;
            long total = first.length;
            byte[] buf = new byte[256 * 1024];
            while (total < perResponse * requests) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, perResponse * requests - total));
                assertThat(n).as("EOF after " + total + " of " + perResponse * requests + " bytes").isPositive();
                total += n;
            }
            assertThat(total).isEqualTo(perResponse * requests);
            assertThat(answered.get()).isEqualTo(requests);
        } finally {
            engine.stop(Duration.ofSeconds(2));
        }
    }

    // ---- body deadlines --------------------------------------------------------------------------------

    /**
     * Regression: the body timer was the keep-alive timeout re-armed on every byte, so 300
     * connections sending one body byte every 10 s were held forever. Now a body below the
     * minimum rate after the grace period gets 408 and is closed, while a fast upload at the same
     * time is unaffected.
     */
    @Test
    void aBodyTrickledBelowTheMinimumRateGets408WithinTheDeadline() throws Exception {
        HttpOptions options = HttpOptions.defaults().withBodyMinRate(2000, Duration.ofMillis(500));
        Router router = new Router();
        router.post("/echo", (req, res) -> res.send(req.body()));
        Engine engine = start(Engine.builder().reactors(2).handler(HttpServer.create(router, options)));
        try (Socket slow = new Socket("127.0.0.1", engine.port())) {
            slow.setSoTimeout(10_000);
            slow.getOutputStream().write("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            byte[] answer = null;
            slow.setSoTimeout(200);
            while (answer == null && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
                try {
                    slow.getOutputStream().write('x');
                } catch (IOException closed) {
                    // the server answered and closed; read what it said
                }
                try {
                    answer = slow.getInputStream().readAllBytes();
                } catch (SocketTimeoutException notYet) {
                    // keep trickling
                } catch (IOException reset) {
                    answer = new byte[0];
                }
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(answer).as("answered within 5 s").isNotNull();
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 408 ");
            assertThat(elapsedMs).as("not before the grace period").isGreaterThanOrEqualTo(450);

            byte[] upload = new byte[1 << 20];
            String ok = get(engine.port(), concat(("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + upload.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), upload));
            assertThat(ok).startsWith("HTTP/1.1 200 ");
        } finally {
            engine.stop(Duration.ofSeconds(2));
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Sends {@code request} on a new connection and returns the response head and the start of its body. */
    static String get(int port, byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            byte[] buf = new byte[4096];
            int n = s.getInputStream().read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    /** A client that asks for /plaintext on a fresh connection every 50 ms and counts the answers. */
    static final class Canary {
        record Result(int successes, int failures, long worstMs) {
        }

        private final int port;
        private final Thread thread;
        private volatile boolean running = true;
        private int successes;
        private int failures;
        private long worstNs;

        private Canary(int port) {
            this.port = port;
            this.thread = Thread.ofPlatform().name("canary").unstarted(this::run);
        }

        static Canary start(int port) {
            Canary c = new Canary(port);
            c.thread.start();
            return c;
        }

        private void run() {
            while (running) {
                long start = System.nanoTime();
                try {
                    if (get(port, PLAINTEXT).startsWith("HTTP/1.1 200 ")) {
                        successes++;
                    } else {
                        failures++;
                    }
                } catch (IOException e) {
                    failures++;
                }
                worstNs = Math.max(worstNs, System.nanoTime() - start);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        Result stop() throws InterruptedException {
            running = false;
            thread.join(20_000);
            return new Result(successes, failures, TimeUnit.NANOSECONDS.toMillis(worstNs));
        }
    }
}
