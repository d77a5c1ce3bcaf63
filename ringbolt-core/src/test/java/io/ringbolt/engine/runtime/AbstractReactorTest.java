package io.ringbolt.engine.runtime;

import io.ringbolt.engine.Engine;
import io.ringbolt.engine.EngineConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared loop: tasks, wakeups, graceful drain, through a fake backend. */
@Timeout(30)
class AbstractReactorTest {
    private final ScriptedHandler handler = new ScriptedHandler();
    private FakeReactor reactor;

    @AfterEach
    void stop() throws Exception {
        if (reactor != null) {
            reactor.requestStop(0);
            reactor.awaitTermination(TimeUnit.SECONDS.toNanos(10));
        }
    }

    private FakeReactor start() throws Exception {
        EngineConfig config = Engine.builder().reactors(1).threadNamePrefix("fake").buildConfig();
        reactor = new FakeReactor(config, c -> handler);
        reactor.start();
        return reactor;
    }

    @Test
    void noWakeupIsLostWhenTheLoopGoesToSleep() throws Exception {
        start();
        // Each task is submitted while the loop is (about to be) asleep with no timer: a lost
        // wakeup would leave it blocked forever and the get() would time out.
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 3000; i++) {
                    CompletableFuture<Void> f = new CompletableFuture<>();
                    reactor.execute(() -> f.complete(null));
                    f.orTimeout(5, TimeUnit.SECONDS).join();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(reactor.wakeups).as("wakeups issued only for a sleeping loop").isPositive().isLessThanOrEqualTo(9000);
    }

    @Test
    void throwingTaskIsCountedAndTheLoopGoesOn() throws Exception {
        start();
        reactor.execute(() -> {
            throw new IllegalStateException("task failure expected by the test");
        });
        assertThat(reactor.call(() -> "still running")).isEqualTo("still running");
        assertThat(reactor.counters().handlerErrors()).isEqualTo(1);
    }

    @Test
    void forEachConnectionIsReactorThreadOnly() throws Exception {
        start();
        reactor.open();
        assertThatThrownBy(() -> reactor.forEachConnection(c -> { })).isInstanceOf(IllegalStateException.class);
        assertThat(reactor.call(() -> {
            int[] n = {0};
            reactor.forEachConnection(c -> n[0]++);
            return n[0];
        })).isEqualTo(1);
    }

    @Test
    void gracefulDrainWaitsForConnectionsToFinish() throws Exception {
        start();
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.write(new byte[10]);
            c.flush();
        });
        reactor.requestStop(TimeUnit.SECONDS.toNanos(10));
        assertThat(reactor.call(() -> reactor.acceptingStopped)).isTrue();
        assertThat(reactor.call(reactor::isFull)).as("draining refuses new connections").isTrue();
        assertThat(handler.events).contains("shutdown").doesNotContain("close LOCAL");
        reactor.run(() -> c.completeSend(10)); // the default onShutdown closes after the flush
        assertThat(reactor.awaitTermination(TimeUnit.SECONDS.toNanos(10))).as("clean").isTrue();
        assertThat(handler.events).endsWith("close LOCAL");
        reactor = null;
    }

    @Test
    void connectionAdoptedDuringTheDrainHearsOfTheShutdownInsteadOfBeingDropped() throws Exception {
        start();
        FakeConnection busy = reactor.open();
        reactor.run(() -> {
            busy.write(new byte[10]);
            busy.flush(); // keeps the drain going
        });
        reactor.requestStop(TimeUnit.SECONDS.toNanos(10));
        assertThat(reactor.call(() -> reactor.acceptingStopped)).isTrue();
        handler.events.clear();
        // A socket the kernel accepted before the listener closed reaches the reactor now.
        assertThat(reactor.call(reactor::atConnectionLimit)).as("the limit, not the drain, refuses sockets").isFalse();
        reactor.open();
        // Its handler answers what it has and closes (ScriptedHandler: at once, nothing pending).
        assertThat(handler.events).startsWith("open", "shutdown");
        reactor.run(() -> busy.completeSend(10));
        assertThat(reactor.awaitTermination(TimeUnit.SECONDS.toNanos(10))).as("clean").isTrue();
        reactor = null;
    }

    @Test
    void drainDeadlineForcesTheRestClosed() throws Exception {
        start();
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.write(new byte[10]);
            c.flush();
        });
        long start = System.nanoTime();
        reactor.requestStop(TimeUnit.MILLISECONDS.toNanos(100)); // the send never completes
        assertThat(reactor.awaitTermination(TimeUnit.SECONDS.toNanos(10))).as("clean").isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(handler.events).endsWith("close SHUTDOWN");
        assertThat(c.closedAbortive).isTrue();
        reactor = null;
    }

    @Test
    void startFailureIsRethrownAndTheThreadEnds() throws Exception {
        EngineConfig config = Engine.builder().reactors(1).threadNamePrefix("fake-fail").buildConfig();
        FakeReactor failing = new FakeReactor(config, c -> handler) {
            @Override
            protected void onStart() {
                throw new IllegalStateException("start failure expected by the test");
            }
        };
        assertThatThrownBy(failing::start).isInstanceOf(IllegalStateException.class);
        assertThat(failing.awaitTermination(TimeUnit.SECONDS.toNanos(10))).isFalse();
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName))
                .doesNotContain("fake-fail-reactor-0");
    }
}
