package io.ringbolt.engine.runtime;

import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.EngineConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The connection state machine shared by both backends, driven through a fake backend. */
@Timeout(20)
class AbstractConnectionTest {
    private static final int LOW = 1024;
    private static final int HIGH = 4096;

    private final ScriptedHandler handler = new ScriptedHandler();
    private FakeReactor reactor;

    private FakeReactor start(Engine.Builder settings) throws Exception {
        EngineConfig config = settings.reactors(1).writeWaterMarks(LOW, HIGH).threadNamePrefix("fake").buildConfig();
        reactor = new FakeReactor(config, c -> handler);
        reactor.start();
        return reactor;
    }

    private FakeReactor start() throws Exception {
        return start(Engine.builder());
    }

    @AfterEach
    void stop() throws Exception {
        if (reactor != null) {
            reactor.requestStop(0);
            reactor.awaitTermination(TimeUnit.SECONDS.toNanos(10));
        }
    }

    private static void receive(FakeConnection c, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        c.onReceived(MemorySegment.ofArray(b), 0, b.length);
    }

    @Test
    void writesAreSentInTheFlushStepOncePerIteration() throws Exception {
        start();
        FakeConnection c = reactor.open();
        assertThat(c.openedOk).isTrue();
        int startedDuringCall = reactor.call(() -> {
            c.write(new byte[100]);
            c.flush();
            c.write(new byte[50]);
            c.flush();
            return c.sendsStarted;
        });
        assertThat(startedDuringCall).as("flush only schedules").isZero();
        assertThat(reactor.call(() -> c.sendsStarted)).as("one send for both writes").isEqualTo(1);
        assertThat(reactor.call(c::pendingWriteBytes)).isEqualTo(150);
        reactor.run(() -> c.completeSend(150));
        assertThat(reactor.call(c::pendingWriteBytes)).isZero();
        assertThat(reactor.counters().bytesSent()).isEqualTo(150);
    }

    @Test
    void writabilityFlipsAtTheHighMarkAndBackBelowTheLowMark() throws Exception {
        start();
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.write(new byte[HIGH]);
            assertThat(c.isWritable()).as("at the mark, not above").isTrue();
            c.write(new byte[1]);
            assertThat(c.isWritable()).isFalse();
            c.write(new byte[1000]); // no second notification
            c.flush();
        });
        reactor.run(() -> {
            c.completeSend(HIGH + 1001 - LOW - 1); // LOW + 1 left
            assertThat(c.isWritable()).isFalse();
        });
        reactor.run(() -> c.completeSend(1)); // exactly LOW left
        assertThat(reactor.call(c::isWritable)).isTrue();
        assertThat(handler.events).containsSubsequence("writable false", "writable true");
        assertThat(handler.events.stream().filter(e -> e.startsWith("writable"))).hasSize(2);
    }

    @Test
    void closeWaitsForPendingOutputThenClosesOnce() throws Exception {
        start();
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.write("reply".getBytes(StandardCharsets.US_ASCII));
            c.close();
            assertThat(c.isOpen()).isFalse();
            assertThat(c.write(new byte[1])).as("write while closing").isFalse();
            c.close(); // idempotent
        });
        assertThat(reactor.call(() -> c.sendsStarted)).isEqualTo(1);
        assertThat(handler.closes()).as("not before the reply is out").isZero();
        reactor.run(() -> c.completeSend(2));
        assertThat(handler.closes()).isZero();
        reactor.run(() -> c.completeSend(3));
        // Lingering close: FIN once the reply is out, the socket closes at the peer's EOF.
        assertThat(reactor.call(() -> c.outputShutdown)).as("FIN after the reply").isTrue();
        assertThat(handler.closes()).as("not before the peer's EOF").isZero();
        reactor.run(c::onInputEnded);
        assertThat(handler.events).endsWith("close LOCAL");
        assertThat(c.closedAbortive).isFalse();
        reactor.run(() -> {
            c.close();
            c.abort();
            c.onFailed(CloseReason.RESET);
        });
        assertThat(handler.closes()).as("onClose exactly once").isEqualTo(1);
        assertThat(reactor.counters().closedTotal()).isEqualTo(1);
        assertThat(reactor.counters().openConnections()).isZero();
    }

    @Test
    void abortDropsPendingOutputAndResets() throws Exception {
        start();
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.write(new byte[50_000]);
            c.abort();
        });
        assertThat(handler.events).endsWith("close LOCAL");
        assertThat(c.closedAbortive).isTrue();
        assertThat(reactor.call(() -> reactor.chunkPool().inUse())).as("output chunks returned").isZero();
    }

    @Test
    void unconsumedInputIsPresentedAgainFollowedByNewBytes() throws Exception {
        start();
        // Consume complete lines only.
        handler.consume = v -> {
            int nl = v.indexOf((byte) '\n', 0, v.length());
            return nl < 0 ? 0 : nl + 1;
        };
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            receive(c, "hel");
            receive(c, "lo\nwor");
            receive(c, "ld\n");
        });
        assertThat(handler.events).containsExactly("open", "data hel", "data hello\nwor", "data world\n");
        assertThat(reactor.call(() -> reactor.chunkPool().inUse())).as("kept input released when consumed").isZero();
        assertThat(reactor.counters().bytesReceived()).isEqualTo(12);
    }

    @Test
    void keptInputIsPresentedAgainWhenReadingResumesWithoutNewBytes() throws Exception {
        start();
        handler.consume = v -> 0; // declines everything while "paused"
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.setReadEnabled(false);
            receive(c, "GET /a\nGET /b\n");
        });
        // Bytes that arrive while paused (an in-flight io_uring recv) are kept, not presented.
        assertThat(handler.events).containsExactly("open");
        handler.consume = v -> v.length();
        reactor.run(() -> c.setReadEnabled(true));
        reactor.run(() -> { }); // the re-presentation runs as a task of a later iteration
        assertThat(handler.events).containsExactly("open", "data GET /a\nGET /b\n");
        assertThat(reactor.call(() -> reactor.chunkPool().inUse())).isZero();
        // Enabling again with nothing kept presents nothing.
        reactor.run(() -> {
            c.setReadEnabled(false);
            c.setReadEnabled(true);
        });
        reactor.run(() -> { });
        assertThat(handler.events).hasSize(2);
    }

    @Test
    void keptInputBeyondTheLimitClosesWithOverflow() throws Exception {
        start(Engine.builder().bufferSize(256).maxReceiveBufferBytes(256));
        handler.consume = v -> 0;
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            receive(c, "x".repeat(200));
            receive(c, "y".repeat(57));
        });
        assertThat(handler.events).endsWith("close OVERFLOW");
        assertThat(reactor.call(() -> reactor.chunkPool().inUse())).isZero();
    }

    @Test
    void throwingHandlerClosesWithHandlerErrorAndIsCounted() throws Exception {
        start();
        handler.consume = v -> {
            throw new IllegalStateException("expected by the test");
        };
        FakeConnection c = reactor.open();
        reactor.run(() -> receive(c, "boom"));
        assertThat(handler.events).endsWith("close HANDLER_ERROR");
        assertThat(reactor.counters().handlerErrors()).isEqualTo(1);
        assertThat(reactor.call(reactor::connectionCount)).isZero();
    }

    @Test
    void badConsumedCountIsAHandlerError() throws Exception {
        start();
        handler.consume = v -> v.length() + 1;
        FakeConnection c = reactor.open();
        reactor.run(() -> receive(c, "abc"));
        assertThat(handler.events).endsWith("close HANDLER_ERROR");
    }

    @Test
    void handlerThatThrowsInOnOpenNeverGetsData() throws Exception {
        EngineConfig config = Engine.builder().reactors(1).threadNamePrefix("fake").buildConfig();
        reactor = new FakeReactor(config, c -> {
            throw new IllegalStateException("factory failure expected by the test");
        });
        reactor.start();
        FakeConnection c = reactor.open();
        assertThat(c.openedOk).isFalse();
        assertThat(c.isOpen()).isFalse();
        assertThat(reactor.counters().handlerErrors()).isEqualTo(1);
        assertThat(reactor.counters().openConnections()).isZero();
    }

    @Test
    void peerEofClosesAfterFlushWithPeerClosed() throws Exception {
        start();
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.write(new byte[10]);
            c.flush();
        });
        reactor.run(c::onInputEnded);
        assertThat(handler.events).contains("input closed").doesNotContain("close PEER_CLOSED");
        reactor.run(() -> c.completeSend(10));
        assertThat(handler.events).endsWith("close PEER_CLOSED");
    }

    @Test
    void eofHeldBehindKeptInputIsDeliveredAfterItWhenReadingResumes() throws Exception {
        start();
        handler.consume = v -> 0;
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.setReadEnabled(false);
            receive(c, "last words");
            c.onInputEnded();
        });
        assertThat(handler.events).containsExactly("open");
        handler.consume = v -> v.length();
        reactor.run(() -> c.setReadEnabled(true));
        reactor.run(() -> { });
        assertThat(handler.events).containsSubsequence("data last words", "input closed", "close PEER_CLOSED");
    }

    @Test
    void closeWhileAnEofIsHeldBackClosesWithoutLingeringForASecondEof() throws Exception {
        start();
        handler.consume = v -> 0;
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.setReadEnabled(false);
            receive(c, "unread");
            c.onInputEnded(); // held back behind the kept bytes
            c.close();
        });
        // The peer's EOF came already: waiting for it in a lingering close would only wait out
        // the linger timeout (2 s) before closing.
        assertThat(handler.events).endsWith("close LOCAL");
        assertThat(reactor.call(() -> c.outputShutdown)).isFalse();
    }

    @Test
    void shutdownOutputSendsFinAfterTheFlushAndKeepsReading() throws Exception {
        start();
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.write(new byte[10]);
            c.shutdownOutput();
            assertThat(c.outputShutdown).as("FIN waits for the pending output").isFalse();
            assertThat(c.isOpen()).isFalse();
            assertThat(c.write(new byte[1])).as("no writes after shutdownOutput").isFalse();
        });
        assertThat(reactor.call(() -> c.sendsStarted)).isEqualTo(1);
        reactor.run(() -> c.completeSend(10));
        assertThat(reactor.call(() -> c.outputShutdown)).isTrue();
        reactor.run(() -> receive(c, "still reading"));
        assertThat(handler.events).contains("data still reading").noneMatch(e -> e.startsWith("close"));
        reactor.run(c::onInputEnded);
        assertThat(handler.events).endsWith("input closed", "close PEER_CLOSED");
        assertThat(reactor.call(() -> c.closedAbortive)).isFalse();
    }

    @Test
    void peerEofBeforeTheFlushOfAShutdownOutputClosesOnceFlushed() throws Exception {
        start();
        handler.consume = v -> v.length();
        ScriptedHandler keepOpen = handler;
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.write(new byte[10]);
            c.shutdownOutput();
            c.onInputEnded();
        });
        assertThat(keepOpen.events).contains("input closed").noneMatch(e -> e.startsWith("close"));
        reactor.run(() -> c.completeSend(10));
        assertThat(handler.events).endsWith("close PEER_CLOSED");
        assertThat(handler.closes()).isEqualTo(1);
    }

    @Test
    void shutdownOutputAfterThePeersEofIsAClose() throws Exception {
        start();
        ScriptedHandler halfOpen = new ScriptedHandler() {
            @Override
            public void onInputClosed(io.ringbolt.engine.Connection conn) {
                events.add("input closed");
                conn.write(new byte[5]); // still writable: the input side only is closed
                conn.shutdownOutput();
            }
        };
        reactor = null;
        startWith(halfOpen);
        FakeConnection c = reactor.open();
        reactor.run(c::onInputEnded);
        assertThat(halfOpen.events).containsExactly("open", "input closed");
        reactor.run(() -> c.completeSend(5));
        assertThat(halfOpen.events).endsWith("close PEER_CLOSED");
        assertThat(reactor.call(() -> c.outputShutdown)).as("closed without lingering").isFalse();
    }

    @Test
    void eofHeldBehindKeptInputAfterShutdownOutputIsDeliveredAfterIt() throws Exception {
        start();
        handler.consume = v -> 0;
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.shutdownOutput(); // nothing pending: FIN at once
            c.setReadEnabled(false);
            receive(c, "tail");
            c.onInputEnded();
        });
        assertThat(reactor.call(() -> c.outputShutdown)).isTrue();
        assertThat(handler.events).containsExactly("open");
        handler.consume = v -> v.length();
        reactor.run(() -> c.setReadEnabled(true));
        reactor.run(() -> { });
        assertThat(handler.events).containsSubsequence("data tail", "input closed", "close PEER_CLOSED");
    }

    @Test
    void afterShutdownOutputThePeersEofWaitsUntilEveryKeptByteIsConsumed() throws Exception {
        // Regression: the EOF closed the connection at once and dropped bytes the handler had
        // declined while reading stayed enabled (a blocking stream with a full window).
        start();
        handler.consume = v -> Math.min(v.length(), 2);
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.shutdownOutput();
            receive(c, "abcdef");
            c.onInputEnded();
        });
        assertThat(handler.events).containsExactly("open", "data abcdef");
        reactor.run(c::replayKeptInput);
        reactor.run(() -> { });
        assertThat(handler.events).noneMatch(e -> e.startsWith("close"));
        handler.consume = v -> v.length();
        reactor.run(c::replayKeptInput);
        reactor.run(() -> { });
        assertThat(handler.events).containsSubsequence("data abcdef", "data cdef", "data ef", "input closed", "close PEER_CLOSED");
    }

    @Test
    void closeAfterShutdownOutputLingersForThePeersEof() throws Exception {
        start();
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            c.shutdownOutput();
            c.close();
        });
        assertThat(handler.events).noneMatch(e -> e.startsWith("close"));
        reactor.run(c::onInputEnded);
        assertThat(handler.events).endsWith("close LOCAL");
    }

    /** A handler that consumes one line ending in '\n' and hands the connection to {@code next}. */
    private static ScriptedHandler upgrader(ScriptedHandler next) {
        ScriptedHandler a = new ScriptedHandler();
        a.consume = v -> {
            int nl = v.indexOf((byte) '\n', 0, v.length());
            return nl < 0 ? 0 : nl + 1;
        };
        a.onDataHook = (c, v) -> {
            if (v.indexOf((byte) '\n', 0, v.length()) >= 0) {
                assertThat(c.handOver(next)).isTrue();
            }
        };
        return a;
    }

    private FakeReactor startWith(ScriptedHandler first) throws Exception {
        EngineConfig config = Engine.builder().reactors(1).writeWaterMarks(LOW, HIGH).threadNamePrefix("fake").buildConfig();
        reactor = new FakeReactor(config, c -> first);
        reactor.start();
        return reactor;
    }

    @Test
    void handOverInsideOnDataPresentsTheUnconsumedRestToTheNextHandlerAtOnce() throws Exception {
        ScriptedHandler b = new ScriptedHandler();
        ScriptedHandler a = upgrader(b);
        startWith(a);
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            receive(c, "UPGRADE\nhello");
            assertThat(b.events).as("in the same read").containsExactly("open", "data hello");
            receive(c, " world");
        });
        assertThat(a.events).containsExactly("open", "data UPGRADE\nhello");
        assertThat(b.events).containsExactly("open", "data hello", "data  world");
        reactor.run(c::abort);
        assertThat(a.events).as("the old handler hears nothing more, not even onClose").hasSize(2);
        assertThat(b.events).endsWith("close LOCAL");
        assertThat(reactor.call(() -> reactor.chunkPool().inUse())).isZero();
    }

    @Test
    void handOverChainWithinOneReadLosesAndDuplicatesNothing() throws Exception {
        ScriptedHandler c3 = new ScriptedHandler();
        ScriptedHandler b = upgrader(c3);
        ScriptedHandler a = upgrader(b);
        startWith(a);
        FakeConnection c = reactor.open();
        reactor.run(() -> receive(c, "one\ntwo\nthree"));
        assertThat(a.events).containsExactly("open", "data one\ntwo\nthree");
        assertThat(b.events).containsExactly("open", "data two\nthree");
        assertThat(c3.events).containsExactly("open", "data three");
    }

    @Test
    void bytesTheNextHandlerLeavesAreKeptForIt() throws Exception {
        ScriptedHandler b = new ScriptedHandler();
        b.consume = v -> 0;
        startWith(upgrader(b));
        FakeConnection c = reactor.open();
        reactor.run(() -> receive(c, "UPGRADE\nab"));
        b.consume = v -> v.length();
        reactor.run(() -> receive(c, "cd"));
        assertThat(b.events).containsExactly("open", "data ab", "data abcd");
    }

    @Test
    void handOverFromATaskPresentsTheKeptBytesAtOnce() throws Exception {
        ScriptedHandler a = new ScriptedHandler();
        a.consume = v -> 0; // keeps everything, as a handler busy with a request would
        startWith(a);
        FakeConnection c = reactor.open();
        reactor.run(() -> receive(c, "pipelined"));
        ScriptedHandler b = new ScriptedHandler();
        reactor.run(() -> {
            assertThat(c.handOver(b)).isTrue();
            assertThat(b.events).containsExactly("open", "data pipelined");
        });
        reactor.run(() -> receive(c, "+more"));
        assertThat(b.events).containsExactly("open", "data pipelined", "data +more");
        assertThat(a.events).containsExactly("open", "data pipelined");
    }

    @Test
    void handOverInsideAnotherCallbackPresentsTheKeptBytesFromATask() throws Exception {
        ScriptedHandler b = new ScriptedHandler();
        ScriptedHandler a = new ScriptedHandler() {
            @Override
            public void onWritabilityChanged(io.ringbolt.engine.Connection conn, boolean writable) {
                super.onWritabilityChanged(conn, writable);
                conn.handOver(b);
            }
        };
        a.consume = v -> 0;
        startWith(a);
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            receive(c, "kept");
            c.write(new byte[HIGH + 1]); // onWritabilityChanged(false) hands over
            assertThat(b.events).as("no onData from inside the old handler's callback").containsExactly("open");
        });
        reactor.run(() -> { });
        assertThat(b.events).containsExactly("open", "data kept");
    }

    @Test
    void handOverAfterTheEofTellsTheNextHandlerTheEofAfterTheKeptBytes() throws Exception {
        ScriptedHandler a = new ScriptedHandler() {
            @Override
            public void onInputClosed(io.ringbolt.engine.Connection conn) {
                events.add("input closed"); // stays open: half-closed
            }
        };
        a.consume = v -> 0;
        startWith(a);
        FakeConnection c = reactor.open();
        reactor.run(() -> {
            receive(c, "tail");
            c.onInputEnded();
        });
        ScriptedHandler b = new ScriptedHandler();
        reactor.run(() -> c.handOver(b));
        assertThat(b.events).containsExactly("open", "data tail", "input closed", "close PEER_CLOSED");
    }

    @Test
    void handOverThenCloseInsideOnDataDropsTheHandOver() throws Exception {
        ScriptedHandler b = new ScriptedHandler();
        ScriptedHandler a = new ScriptedHandler();
        a.onDataHook = (c, v) -> {
            c.handOver(b);
            c.abort();
        };
        startWith(a);
        FakeConnection c = reactor.open();
        reactor.run(() -> receive(c, "x"));
        assertThat(b.events).isEmpty();
        assertThat(a.events).endsWith("close LOCAL");
        assertThat(reactor.call(() -> c.handOver(b))).as("closed").isFalse();
    }

    @Test
    void handOverOffTheReactorThreadIsRefused() throws Exception {
        start();
        FakeConnection c = reactor.open();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.handOver(new ScriptedHandler()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("reactor thread");
    }

    @Test
    void foreignThreadCallsHopOntoTheReactor() throws Exception {
        start();
        FakeConnection c = reactor.open();
        assertThat(c.write("ab".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(c.write(ByteBuffer.wrap("cd".getBytes(StandardCharsets.US_ASCII)))).isTrue();
        c.setReadEnabled(false);
        assertThat(reactor.call(() -> c.pendingWriteBytes())).isEqualTo(4);
        assertThat(reactor.call(() -> c.sendsStarted)).as("foreign writes are flushed").isEqualTo(1);
        assertThat(reactor.call(() -> c.kernelReading)).isFalse();
        c.close();
        reactor.run(() -> c.completeSend(4));
        reactor.run(c::onInputEnded); // the peer's EOF ends the lingering close
        assertThat(handler.events).endsWith("close LOCAL");
        assertThat(c.write(new byte[1])).as("foreign write after close").isFalse();
    }

    @Test
    void readEnabledChangesReachTheBackendOnlyWhenTheyChange() throws Exception {
        start();
        FakeConnection c = reactor.open();
        List<Boolean> seen = reactor.call(() -> {
            java.util.ArrayList<Boolean> s = new java.util.ArrayList<>();
            c.setReadEnabled(true);
            s.add(c.kernelReading);
            c.setReadEnabled(false);
            s.add(c.kernelReading);
            s.add(c.isReadEnabled());
            return s;
        });
        assertThat(seen).containsExactly(true, false, false);
    }

    @Test
    void idleConnectionIsClosedAfterTheTimeoutButActivityPostponesIt() throws Exception {
        start(Engine.builder().idleTimeout(java.time.Duration.ofMillis(100)));
        FakeConnection busy = reactor.open();
        FakeConnection idle = reactor.open();
        long start = System.nanoTime();
        // Keep one connection busy for a while by feeding it bytes.
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(300)) {
            reactor.run(() -> receive(busy, "."));
            TimeUnit.MILLISECONDS.sleep(20); // pacing the fake traffic, not waiting for a result
        }
        assertThat(reactor.call(idle::isOpen)).isFalse();
        assertThat(reactor.call(busy::isOpen)).isTrue();
        assertThat(handler.events.stream().filter(e -> e.equals("close IDLE_TIMEOUT"))).hasSize(1);
    }
}
