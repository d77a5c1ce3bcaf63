package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.websocket.WebSocket;
import io.ringbolt.http.websocket.WebSocketClient;
import io.ringbolt.http.websocket.WebSocketHandler;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve --chat-redis} (issue 13): two serve processes share /chat through a real
 * {@code redis-server}; killing Redis leaves each process's chat local with one warning logged;
 * restarting it on the same port brings the cross-process delivery back.
 */
@Timeout(150)
class ChatRedisIntegrationTest {

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void awaitListening(int port, Process p, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("process for port " + port + " still running").isTrue();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nothing listening on " + port + " after " + timeout);
    }

    static Process redis(int port, Path log) throws Exception {
        Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitListening(port, p, Duration.ofSeconds(15));
        return p;
    }

    static Process serve(Backend backend, int port, int redisPort, Path log) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--port", Integer.toString(port), "--backend", backend.displayName(),
                "--reactors", "2", "--shutdown-grace", "1s", "--chat-redis", "redis://127.0.0.1:" + redisPort)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitListening(port, p, Duration.ofSeconds(30));
        return p;
    }

    static final class Inbox implements WebSocketHandler {
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();

        @Override
        public void onText(WebSocket ws, String text) {
            texts.add(text);
        }

        /** Waits for {@code text}, dropping others. */
        boolean await(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                String t = texts.poll(left, TimeUnit.NANOSECONDS);
                if (text.equals(t)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code from} sends numbered probes until {@code to} receives one, within {@code timeout}. */
    static boolean crossDelivers(WebSocket from, Inbox to, String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; System.nanoTime() < deadline; i++) {
            from.sendText(prefix + i);
            if (to.await(prefix + i, Duration.ofMillis(300))) {
                return true;
            }
        }
        return false;
    }

    static long count(Path log, String needle) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> l.contains(needle)).count();
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "NIO"})
    void twoServeProcessesShareTheChatThroughRedisAndSurviveItsRestart(Backend backend) throws Exception {
        Processes.require("redis-server", "redis-server");
        Path dir = Files.createTempDirectory("chat-redis");
        int redisPort = freePort(), portA = freePort(), portB = freePort();
        List<Process> processes = new ArrayList<>();
        Process redis = redis(redisPort, dir.resolve("redis.log"));
        Path logA = dir.resolve("a.log"), logB = dir.resolve("b.log");
        try (Engine clients = Engine.builder().backend(backend).reactors(1).start()) {
            processes.add(serve(backend, portA, redisPort, logA));
            processes.add(serve(backend, portB, redisPort, logB));
            WebSocketClient client = WebSocketClient.of(clients);
            Inbox inA = new Inbox(), inA2 = new Inbox(), inB = new Inbox();
            WebSocket a = client.connect(URI.create("ws://127.0.0.1:" + portA + "/chat"), inA).get(10, TimeUnit.SECONDS);
            WebSocket a2 = client.connect(URI.create("ws://127.0.0.1:" + portA + "/chat"), inA2).get(10, TimeUnit.SECONDS);
            WebSocket b = client.connect(URI.create("ws://127.0.0.1:" + portB + "/chat"), inB).get(10, TimeUnit.SECONDS);

            // Both relays subscribe shortly after start: probe until A -> B and B -> A both work.
            assertThat(crossDelivers(a, inB, "a-probe-", Duration.ofSeconds(20))).as("A -> B through Redis").isTrue();
            assertThat(crossDelivers(b, inA, "b-probe-", Duration.ofSeconds(20))).as("B -> A through Redis").isTrue();

            // The sender's own process delivers its message once: the copy back from Redis is dropped.
            inA.texts.clear();
            inA2.texts.clear();
            a.sendText("once");
            assertThat(inB.await("once", Duration.ofSeconds(5))).isTrue();
            assertThat(inA2.await("once", Duration.ofSeconds(5))).isTrue();
            Thread.sleep(500);
            assertThat(inA.texts.stream().filter("once"::equals).count())
                    .as("A's own message arrives once: the copy back from Redis is dropped").isEqualTo(1);
            assertThat(inA2.texts).doesNotContain("once");

            // Redis goes away: local broadcast goes on, each process logs one warning.
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (count(logA, "unreachable") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            for (int i = 0; i < 5; i++) {
                a.sendText("local-" + i);
                assertThat(inA2.await("local-" + i, Duration.ofSeconds(5))).as("local broadcast without Redis").isTrue();
            }
            assertThat(inB.texts).noneMatch(t -> t.startsWith("local-"));
            Thread.sleep(1500); // a few retries happen meanwhile
            assertThat(count(logA, "unreachable")).as("one warning while Redis is down\n" + Files.readString(logA)).isEqualTo(1);

            // Redis returns on the same port: cross-process delivery recovers by itself.
            redis = redis(redisPort, dir.resolve("redis2.log"));
            assertThat(crossDelivers(a, inB, "a-back-", Duration.ofSeconds(20))).as("A -> B after Redis restart").isTrue();
            assertThat(crossDelivers(b, inA2, "b-back-", Duration.ofSeconds(20))).as("B -> A after Redis restart").isTrue();
            assertThat(Files.readString(logA)).contains("is back");
        } finally {
            for (Process p : processes) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
