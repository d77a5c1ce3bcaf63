package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Work that enters a reactor from other threads: writes, broadcast, tasks and timers. */
@Timeout(60)
class CrossThreadIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    /** A frame is {@code writer:int, sequence:int}; every writer's frames must arrive in order. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void foreignThreadWritesArriveInOrderPerWriter(Backend backend) throws Exception {
        int writers = 4;
        int framesPerWriter = 5_000;
        Recorder rec = new Recorder(c -> (connection, data) -> data.length()); // ignores input
        try (Engine engine = TestEngines.loopback(backend, rec).start();
             Socket s = Clients.connect(TestEngines.address(engine))) {
            Connection server = rec.awaitOpen(WAIT);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                threads.add(Thread.ofPlatform().name("test-writer-" + w).start(() -> {
                    for (int seq = 0; seq < framesPerWriter; seq++) {
                        ByteBuffer frame = ByteBuffer.allocate(8).putInt(writer).putInt(seq).flip();
                        // Alternate the two foreign entry points: byte[] and ByteBuffer.
                        boolean ok = seq % 2 == 0 ? server.write(frame.array()) : server.write(frame);
                        if (!ok) {
                            throw new AssertionError("write refused on an open connection");
                        }
                        server.flush();
                    }
                }));
            }
            DataInputStream in = new DataInputStream(s.getInputStream());
            int[] next = new int[writers];
            for (int i = 0; i < writers * framesPerWriter; i++) {
                int writer = in.readInt();
                int seq = in.readInt();
                assertThat(seq).as("sequence of writer " + writer).isEqualTo(next[writer]);
                next[writer]++;
            }
            for (Thread t : threads) {
                t.join(WAIT.toMillis());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void broadcastReachesEveryConnectionInOrder(Backend backend) throws Exception {
        int connections = 50;
        int messages = 200;
        Recorder rec = new Recorder(c -> (connection, data) -> data.length());
        try (Engine engine = TestEngines.loopback(backend, rec).reactors(2).start()) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < connections; i++) {
                    sockets.add(Clients.connect(TestEngines.address(engine)));
                }
                for (int i = 0; i < connections; i++) {
                    rec.awaitOpen(WAIT); // every connection is registered before the broadcast
                }
                List<CompletableFuture<Void>> readers = new ArrayList<>();
                for (Socket s : sockets) {
                    readers.add(CompletableFuture.runAsync(() -> readBroadcasts(s, messages),
                            r -> Thread.ofVirtual().start(r)));
                }
                for (int m = 0; m < messages; m++) {
                    engine.broadcast(ByteBuffer.allocate(4).putInt(m).array());
                }
                CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    private static void readBroadcasts(Socket s, int messages) {
        try {
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int m = 0; m < messages; m++) {
                assertThat(in.readInt()).isEqualTo(m);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void executeFromAForeignThreadRunsOnTheReactorInOrder(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).reactors(2).start()) {
            for (Reactor reactor : engine.reactors()) {
                assertThat(reactor.inReactorThread()).isFalse();
                int tasks = 10_000;
                AtomicInteger next = new AtomicInteger();
                AtomicBoolean allOnReactor = new AtomicBoolean(true);
                CountDownLatch done = new CountDownLatch(1);
                for (int i = 0; i < tasks; i++) {
                    int expected = i;
                    reactor.execute(() -> {
                        allOnReactor.compareAndSet(true, reactor.inReactorThread()
                                && Thread.currentThread().getName().endsWith("-reactor-" + reactor.index()));
                        if (!next.compareAndSet(expected, expected + 1)) {
                            allOnReactor.set(false);
                        }
                        if (expected == tasks - 1) {
                            done.countDown();
                        }
                    });
                }
                assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(allOnReactor).as("every task on the reactor thread, in submission order").isTrue();
                assertThat(next.get()).isEqualTo(tasks);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void scheduleFiresNoEarlierThanTheDelayAndCancelPreventsIt(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).start()) {
            Reactor reactor = engine.reactors().getFirst();
            long delayNs = TimeUnit.MILLISECONDS.toNanos(50);
            AtomicLong firedAfterNs = new AtomicLong(-1);
            AtomicBoolean onReactor = new AtomicBoolean();
            AtomicBoolean cancelledRan = new AtomicBoolean();
            CountDownLatch fired = new CountDownLatch(1);
            CountDownLatch later = new CountDownLatch(1);

            long start = System.nanoTime();
            Cancellable kept = reactor.schedule(50, TimeUnit.MILLISECONDS, () -> {
                firedAfterNs.set(System.nanoTime() - start);
                onReactor.set(reactor.inReactorThread());
                fired.countDown();
            });
            Cancellable cancelled = reactor.schedule(80, TimeUnit.MILLISECONDS, () -> cancelledRan.set(true));
            reactor.schedule(150, TimeUnit.MILLISECONDS, later::countDown);
            assertThat(cancelled.cancel()).isTrue();
            assertThat(cancelled.cancel()).as("second cancel").isFalse();

            assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(firedAfterNs.get()).isGreaterThanOrEqualTo(delayNs);
            assertThat(onReactor).isTrue();
            assertThat(kept.cancel()).as("cancel after it ran").isFalse();
            // Timers run in deadline order, so once the 150 ms one ran the 80 ms one had its turn.
            assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(cancelledRan).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void scheduleFromTheReactorThreadAndCancelRacingTheRunNeverReportsBoth(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).start()) {
            Reactor reactor = engine.reactors().getFirst();
            // On the reactor thread: scheduled directly, no task hop.
            CompletableFuture<Boolean> ranOnReactor = new CompletableFuture<>();
            reactor.execute(() -> reactor.schedule(1, TimeUnit.MILLISECONDS,
                    () -> ranOnReactor.complete(reactor.inReactorThread())));
            assertThat(ranOnReactor.get(5, TimeUnit.SECONDS)).isTrue();

            // Regression: cancel() racing the timer's run could both run the task and return
            // true. Each task must either run or be cancelled, never both, never neither.
            int tasks = 100_000;
            AtomicInteger ran = new AtomicInteger();
            Cancellable[] handles = new Cancellable[tasks];
            for (int i = 0; i < tasks; i++) {
                handles[i] = reactor.schedule(0, TimeUnit.NANOSECONDS, ran::incrementAndGet);
            }
            int cancelledCount = 0;
            for (Cancellable c : handles) {
                if (c.cancel()) {
                    cancelledCount++;
                }
            }
            CountDownLatch last = new CountDownLatch(1);
            reactor.schedule(20, TimeUnit.MILLISECONDS, last::countDown);
            assertThat(last.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ran.get() + cancelledCount).isEqualTo(tasks);
        }
    }
}
