package io.ringbolt.engine.runtime;

import io.ringbolt.buffer.ChunkPool;
import io.ringbolt.concurrent.ManyToOneQueue;
import io.ringbolt.concurrent.TimerQueue;
import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Cancellable;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Counter;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.EngineConfig;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.Reactor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The loop both backends share. One platform thread runs, per iteration: the command queue
 * (bounded), expired timers, the flush step (one send per connection with pending output),
 * then the backend's {@link #poll(long)}, which is the only place it may block.
 *
 * <p>Cross-thread work enters only through {@link #execute}: a many-to-one queue plus a
 * backend-specific {@link #wakeup()} that is issued only when the loop declared itself asleep.
 */
public abstract class AbstractReactor implements Reactor {
    /** Shared logger of the engine. */
    protected static final System.Logger LOG = System.getLogger("io.ringbolt.engine");
    /** A task that throws may do so for every request: rate-limited per exception class. */
    private static final io.ringbolt.engine.RateLimitedLog TASK_ERRORS =
            new io.ringbolt.engine.RateLimitedLog(LOG, System.Logger.Level.WARNING);
    private static final int MAX_TASKS_PER_ITERATION = 4096;
    private static final int MAX_TIMERS_PER_ITERATION = 4096;
    private static final long QUIESCE_LIMIT_NS = TimeUnit.SECONDS.toNanos(3);
    private static final int CHUNK_SIZE = 16 * 1024;
    /** How often the chunk pool is looked at for memory to give back after a spike. */
    private static final long POOL_TRIM_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /** While trimming: the pause between steps, and the most slabs one step frees (each ~0.1 ms). */
    private static final long POOL_TRIM_STEP_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int POOL_TRIM_SLABS_PER_STEP = 32;
    /** Free chunks always kept (1 MiB), besides as many as are in use. */
    private static final int POOL_RETAIN_CHUNKS = 64;
    private static final VarHandle SLEEPING;

    static {
        try {
            SLEEPING = MethodHandles.lookup().findVarHandle(AbstractReactor.class, "sleeping", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Settings of the engine. */
    protected final EngineConfig config;
    /** {@link EngineConfig#writeTimeoutNs()}, read on every flush. */
    final long writeTimeoutNs;
    private final int index;
    private final HandlerFactory handlerFactory;
    private final ManyToOneQueue<Runnable> tasks = new ManyToOneQueue<>();
    private final TimerQueue timers = new TimerQueue();
    private final ReactorCounters counters = new ReactorCounters();
    /** Hoisted: a bound method reference is a new object each time it is evaluated. */
    private final java.util.function.Consumer<Throwable> taskErrorHandler = this::onTaskError;
    private final ByteView view = new ByteView();
    private final Runnable trimTask = this::trimPool;
    private final Thread thread;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Boolean> terminated = new CompletableFuture<>();
    @SuppressWarnings("unused") // accessed through SLEEPING
    private volatile boolean sleeping;
    /** Set when the loop has ended: tasks queued from then on never run (see {@link #submitConnect}). */
    private volatile boolean stopped;
    private long nowNs = System.nanoTime();
    private long nextConnectionSeq;
    private ChunkPool chunkPool;

    private AbstractConnection[] open = new AbstractConnection[64];
    private int openCount;
    /** Outbound connections whose connect is in flight (not in {@link #open} yet). */
    private AbstractConnection[] connecting = new AbstractConnection[16];
    private int connectingCount;
    private AbstractConnection[] flushQueue = new AbstractConnection[64];
    private int flushCount;
    private AbstractConnection[] sendWatch = new AbstractConnection[64];
    private int sendWatchCount;
    /**
     * Sends started while a poll dispatched its events, where sends are only submitted by a
     * poll: the poll they started in cannot tell whether they stall, the next one can.
     */
    private AbstractConnection[] sendWatchNext = new AbstractConnection[64];
    private int sendWatchNextCount;
    /** Inside {@link #poll}: events are being dispatched. */
    private boolean polling;

    private boolean draining;
    private boolean drainClean = true;
    private long drainDeadlineNs;
    private boolean exitRequested;

    /**
     * @param config         engine settings
     * @param index          position among the engine's reactors
     * @param handlerFactory creates each connection's handler
     */
    protected AbstractReactor(EngineConfig config, int index, HandlerFactory handlerFactory) {
        this.config = config;
        this.writeTimeoutNs = config.writeTimeoutNs();
        this.index = index;
        this.handlerFactory = handlerFactory;
        this.thread = Thread.ofPlatform().name(config.threadNamePrefix() + "-reactor-" + index).unstarted(this::run);
    }

    // ---- backend hooks --------------------------------------------------------------------

    /** Creates thread-confined resources; runs first on the reactor thread. Throw to fail start. */
    protected abstract void onStart() throws Exception;

    /**
     * Submits prepared work and waits for events for at most {@code timeoutNs} (0: don't wait,
     * negative: until woken), then dispatches every event that arrived.
     */
    protected abstract void poll(long timeoutNs) throws Exception;

    /**
     * True when {@link #flushAll()}'s sends happen at once (NIO writes in the flush step), so
     * what is still pending is known before the poll; false when they are only submitted by the
     * poll (io_uring). Decides when the send watch list is looked at.
     */
    protected boolean sendsCompleteInFlush() {
        return false;
    }

    /** Makes a sleeping {@link #poll} return. Any thread; must not block. */
    protected abstract void wakeup();

    /** Stops accepting new connections (graceful stop has begun). Reactor thread. */
    protected abstract void stopAccepting();

    /** True when no kernel operation still references this reactor's memory or fds. */
    protected abstract boolean quiesced();

    /** Releases everything {@link #onStart()} created; runs last on the reactor thread. */
    protected abstract void onStop();

    /**
     * Creates a non-blocking socket for {@code attempt}'s resolved target, and a connection in
     * state CONNECTING around it (its constructor {@link AbstractConnection#AbstractConnection(AbstractReactor, ConnectAttempt)}
     * registers it), and starts the connect with a timeout of {@code timeoutNs}; the connection
     * reports the outcome. When no socket can be made, fails the attempt with
     * {@link ConnectAttempt#fail} instead. Reactor thread.
     */
    protected abstract void startConnect(ConnectAttempt attempt, long timeoutNs);

    // ---- lifecycle ------------------------------------------------------------------------

    /** Starts the thread and waits until {@link #onStart()} finished; rethrows its failure. */
    public final void start() throws Exception {
        thread.start();
        try {
            started.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /** Begins a graceful stop with {@code graceNs}; returns at once. Any thread. */
    public final void requestStop(long graceNs) {
        execute(() -> beginDrain(graceNs));
    }

    /**
     * Waits for the thread to end.
     *
     * @return true if every connection closed on its own within the grace period
     */
    public final boolean awaitTermination(long timeoutNs) throws InterruptedException {
        long deadlineNs = System.nanoTime() + timeoutNs;
        try {
            boolean clean = terminated.get(timeoutNs, TimeUnit.NANOSECONDS);
            // terminated completes in run()'s finally, while the thread still runs; callers
            // (Engine.stop) promise that the thread has ended when they return.
            if (Thread.currentThread() != thread) {
                thread.join(java.time.Duration.ofNanos(Math.max(1, deadlineNs - System.nanoTime())));
            }
            return clean;
        } catch (ExecutionException e) {
            return false;
        } catch (TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, thread.getName() + " did not stop within the timeout");
            return false;
        }
    }

    private void run() {
        try {
            chunkPool = new ChunkPool(CHUNK_SIZE, 16);
            onStart();
        } catch (Throwable t) {
            started.completeExceptionally(t);
            safeStop();
            terminated.complete(false);
            return;
        }
        started.complete(null);
        timers.schedule(System.nanoTime() + POOL_TRIM_INTERVAL_NS, trimTask);
        long quiesceDeadline = 0;
        Throwable fatal = null;
        try {
            while (true) {
                nowNs = System.nanoTime();
                runTasks();
                int fired = timers.runExpired(nowNs, MAX_TIMERS_PER_ITERATION, taskErrorHandler);
                if (fired > 0) {
                    counters.add(Counter.TIMERS_FIRED, fired);
                }
                if (draining) {
                    if (openCount > 0 && nowNs - drainDeadlineNs >= 0) {
                        drainClean = false;
                        closeAll(CloseReason.SHUTDOWN);
                    }
                    if (openCount == 0) {
                        if (quiesceDeadline == 0) {
                            quiesceDeadline = nowNs + QUIESCE_LIMIT_NS;
                        }
                        if (quiesced() || nowNs - quiesceDeadline >= 0) {
                            break;
                        }
                    }
                }
                flushAll();
                if (sendsCompleteInFlush()) {
                    checkSendWatch();
                }
                long timeoutNs = pollTimeoutNs();
                polling = true;
                poll(timeoutNs); // a throw ends the loop, so no finally is needed for the flag
                polling = false;
                SLEEPING.setOpaque(this, false);
                checkSendWatch();
                takeDeferredSendWatch();
            }
        } catch (Throwable t) {
            fatal = t;
            drainClean = false;
            try {
                LOG.log(System.Logger.Level.ERROR, thread.getName() + " failed; closing its connections", t);
                closeAll(CloseReason.SHUTDOWN);
            } catch (Throwable again) {
                t.addSuppressed(again);
            }
        } finally {
            failQueuedConnects();
            safeStop();
            terminated.complete(drainClean);
        }
        if (fatal != null) {
            // The reactor is gone: its connections, listener share and timers with it. A process
            // that lives on would hold the port while serving nothing; let the policy decide
            // (by default the process exits so that a supervisor restarts it).
            config.fatalErrorHandler().onFatalError(thread.getName(), fatal);
        }
    }

    /**
     * The loop has ended: connects queued for it would never run. Fails them, and marks the
     * reactor stopped so that {@link #submitConnect} fails those queued after this drain.
     */
    private void failQueuedConnects() {
        stopped = true;
        // StoreLoad between publishing "stopped" and draining the queue; pairs with the fence
        // in submitConnect between its offer and its read of stopped, so that each queued attempt
        // is failed by one side or the other.
        VarHandle.fullFence();
        for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
            if (r instanceof ConnectAttempt a) {
                a.failStopped();
            }
        }
        try {
            failConnecting(); // none left after a drain; after a fatal error closeAll did it already
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, thread.getName() + ": error while failing connects", e);
        }
    }

    private void safeStop() {
        try {
            onStop();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, thread.getName() + ": error while releasing resources", t);
        }
        if (chunkPool != null) {
            chunkPool.close();
        }
    }

    private long pollTimeoutNs() {
        if (flushCount > 0 || !tasks.isEmpty()) {
            return 0;
        }
        long deadline = timers.nextDeadlineNs();
        if (sendWatchCount > 0) {
            // Sends submitted by this poll that do not complete in it get their write timer
            // only after it returns, so it must return by then. A send that completes inline
            // ends the wait before the kernel arms any timeout, so this costs nothing then.
            deadline = Math.min(deadline, nowNs + writeTimeoutNs);
        }
        if (draining) {
            deadline = Math.min(deadline, openCount == 0 ? nowNs + TimeUnit.MILLISECONDS.toNanos(10) : drainDeadlineNs);
        }
        long timeout = deadline == Long.MAX_VALUE ? -1 : Math.max(0, deadline - System.nanoTime());
        if (timeout != 0) {
            SLEEPING.setVolatile(this, true);
            // StoreLoad between publishing "sleeping" and re-reading the queue; pairs with the
            // producer's getAndSet in offer() followed by its CAS on sleeping in execute().
            VarHandle.fullFence();
            if (!tasks.isEmpty()) {
                SLEEPING.setOpaque(this, false);
                return 0;
            }
        }
        return timeout;
    }

    /**
     * Gives chunk-pool memory back after a spike (slow readers that held megabytes of output
     * each, then left): frees whole slabs while more chunks are free than are in use (plus a
     * small reserve), a bounded number per step so the loop never stalls for long.
     */
    private void trimPool() {
        int retain = POOL_RETAIN_CHUNKS + chunkPool.inUse();
        long nextNs = POOL_TRIM_INTERVAL_NS;
        if (chunkPool.freeChunks() > retain + chunkPool.chunksPerSlab()) {
            int freed = chunkPool.trim(retain, POOL_TRIM_SLABS_PER_STEP);
            if (freed == POOL_TRIM_SLABS_PER_STEP * chunkPool.chunksPerSlab()) {
                nextNs = POOL_TRIM_STEP_NS; // more to give back
            }
        }
        timers.schedule(System.nanoTime() + nextNs, trimTask);
    }

    private void beginDrain(long graceNs) {
        if (draining) {
            return;
        }
        draining = true;
        drainDeadlineNs = System.nanoTime() + graceNs;
        try {
            stopAccepting();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, thread.getName() + ": error while closing listeners", e);
        }
        failConnecting();
        for (AbstractConnection c : snapshot()) {
            c.notifyShutdown();
        }
    }

    /** Ends every connect in flight: a stopping reactor makes no new connections. */
    private void failConnecting() {
        while (connectingCount > 0) {
            AbstractConnection c = connecting[connectingCount - 1];
            c.failConnect(ConnectErrors.stopping(c.connectTarget()));
        }
    }

    /** True once a graceful stop has begun; new connections are then refused. */
    protected final boolean isDraining() {
        return draining;
    }

    private void closeAll(CloseReason reason) {
        failConnecting();
        for (AbstractConnection c : snapshot()) {
            c.closeNow(reason, true);
        }
    }

    private AbstractConnection[] snapshot() {
        return Arrays.copyOf(open, openCount);
    }

    // ---- tasks and timers ------------------------------------------------------------------

    @Override
    public final void execute(Runnable task) {
        tasks.offer(Objects.requireNonNull(task, "task"));
        if (Thread.currentThread() != thread && SLEEPING.compareAndSet(this, true, false)) {
            wakeup();
        }
    }

    private void runTasks() {
        int ran = 0;
        while (ran < MAX_TASKS_PER_ITERATION) {
            Runnable r = tasks.poll();
            if (r == null) {
                break;
            }
            ran++;
            try {
                r.run();
            } catch (Throwable t) {
                onTaskError(t);
            }
        }
        if (ran > 0) {
            counters.add(Counter.TASKS_RUN, ran);
        }
    }

    private void onTaskError(Throwable t) {
        if (t instanceof VirtualMachineError vme) {
            throw vme;
        }
        counters.onError();
        int key = t.getClass().hashCode();
        if (TASK_ERRORS.isDue(key)) {
            TASK_ERRORS.log(key, thread.getName() + ": task failed", t);
        }
    }

    @Override
    public final Cancellable schedule(long delay, TimeUnit unit, Runnable task) {
        ScheduledTask st = new ScheduledTask(Objects.requireNonNull(task, "task"), System.nanoTime() + unit.toNanos(delay));
        if (inReactorThread()) {
            st.arm(timers);
        } else {
            execute(() -> st.arm(timers));
        }
        return st;
    }

    /** Timers queued on this reactor, cancelled ones included until dropped. Reactor thread (diagnostics, tests). */
    public final int queuedTimerCount() {
        return timers.size();
    }

    /** The reactor's timer queue, for backend and connection timers. Reactor thread only. */
    protected final TimerQueue timers() {
        return timers;
    }

    private static final class ScheduledTask implements Cancellable, Runnable {
        private static final VarHandle CANCELLED;

        static {
            try {
                CANCELLED = MethodHandles.lookup().findVarHandle(ScheduledTask.class, "cancelled", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Runnable task;
        private final long deadlineNs;
        /** Set once, by whichever of run() and cancel() comes first (CAS, so never both). */
        private volatile boolean cancelled;
        private volatile TimerQueue.Timer timer;

        ScheduledTask(Runnable task, long deadlineNs) {
            this.task = task;
            this.deadlineNs = deadlineNs;
        }

        void arm(TimerQueue q) {
            if (!cancelled) {
                timer = q.schedule(deadlineNs, this);
            }
        }

        @Override
        public void run() {
            if (CANCELLED.compareAndSet(this, false, true)) {
                task.run();
            }
        }

        @Override
        public boolean cancel() {
            if (!CANCELLED.compareAndSet(this, false, true)) {
                return false;
            }
            TimerQueue.Timer t = timer;
            if (t != null) {
                t.cancel();
            }
            return true;
        }
    }

    // ---- connections -------------------------------------------------------------------------

    final void register(AbstractConnection c) {
        if (openCount == open.length) {
            open = Arrays.copyOf(open, openCount * 2);
        }
        c.registryIndex = openCount;
        open[openCount++] = c;
        counters.onOpened(c.isOutbound());
    }

    final void unregister(AbstractConnection c, CloseReason reason) {
        int i = c.registryIndex;
        if (i < 0) {
            return;
        }
        AbstractConnection last = open[--openCount];
        open[i] = last;
        last.registryIndex = i;
        open[openCount] = null;
        c.registryIndex = -1;
        counters.onClosed(reason);
    }

    final void registerConnecting(AbstractConnection c) {
        if (connectingCount == connecting.length) {
            connecting = Arrays.copyOf(connecting, connectingCount * 2);
        }
        c.connectingIndex = connectingCount;
        connecting[connectingCount++] = c;
    }

    final void unregisterConnecting(AbstractConnection c) {
        int i = c.connectingIndex;
        if (i < 0) {
            return;
        }
        AbstractConnection last = connecting[--connectingCount];
        connecting[i] = last;
        last.connectingIndex = i;
        connecting[connectingCount] = null;
        c.connectingIndex = -1;
    }

    // ---- outbound connections --------------------------------------------------------------

    @Override
    public final CompletableFuture<Connection> connect(SocketAddress address, HandlerFactory handlerFactory, Duration timeout) {
        long timeoutNs = ConnectAttempt.checkArguments(address, handlerFactory, timeout);
        ConnectAttempt attempt = new ConnectAttempt(this, (InetSocketAddress) address, handlerFactory, timeoutNs);
        attempt.start();
        return attempt;
    }

    /**
     * Queues {@code attempt} to run on this reactor (always as a task, also from the reactor
     * thread, so that a handler calling connect is never re-entered by another connection's
     * callbacks). Any thread.
     */
    final void submitConnect(ConnectAttempt attempt) {
        execute(attempt);
        // Pairs with the fence in failQueuedConnects: either the loop's last drain sees the task
        // or this read sees that the loop has ended.
        VarHandle.fullFence();
        if (stopped) {
            attempt.failStopped();
        }
    }

    /** Reactor thread: the attempt's target is resolved; refuse it or let the backend connect. */
    final void beginConnect(ConnectAttempt attempt) {
        InetSocketAddress target = attempt.target();
        if (draining) {
            attempt.fail(ConnectErrors.stopping(target));
            return;
        }
        if (isFull()) {
            attempt.fail(ConnectErrors.full(target, config.maxConnectionsPerReactor()));
            return;
        }
        long remainingNs = attempt.remainingNs();
        if (remainingNs <= 0) {
            attempt.fail(ConnectErrors.timedOut(target, attempt.timeoutNs()));
            return;
        }
        startConnect(attempt, remainingNs);
    }

    /** Outbound connects in flight on this reactor. Reactor thread (diagnostics, tests). */
    public final int connectingCount() {
        return connectingCount;
    }

    final void scheduleFlush(AbstractConnection c) {
        if (flushCount == flushQueue.length) {
            flushQueue = Arrays.copyOf(flushQueue, flushCount * 2);
        }
        flushQueue[flushCount++] = c;
    }

    /**
     * A send started on {@code c}: once this iteration's poll is over, {@code c} gets its write
     * timer if the output is still pending. Most sends complete within that poll, so a
     * connection whose peer keeps up never holds a timer.
     */
    final void watchSend(AbstractConnection c) {
        if (polling && !sendsCompleteInFlush()) {
            // Started from a completion (more output was staged while a send was in flight):
            // submitted by the next poll, so judged after it.
            if (sendWatchNextCount == sendWatchNext.length) {
                sendWatchNext = Arrays.copyOf(sendWatchNext, sendWatchNextCount * 2);
            }
            sendWatchNext[sendWatchNextCount++] = c;
            return;
        }
        if (sendWatchCount == sendWatch.length) {
            sendWatch = Arrays.copyOf(sendWatch, sendWatchCount * 2);
        }
        sendWatch[sendWatchCount++] = c;
    }

    /** Moves the sends started during the last poll to the list the next poll's end looks at. */
    private void takeDeferredSendWatch() {
        if (sendWatchNextCount == 0) {
            return;
        }
        AbstractConnection[] swap = sendWatch;
        sendWatch = sendWatchNext;
        sendWatchCount = sendWatchNextCount;
        sendWatchNext = swap; // emptied by checkSendWatch
        sendWatchNextCount = 0;
    }

    private void checkSendWatch() {
        for (int i = 0; i < sendWatchCount; i++) {
            AbstractConnection c = sendWatch[i];
            sendWatch[i] = null;
            c.armWriteTimerIfPending();
        }
        sendWatchCount = 0;
    }

    private void flushAll() {
        // Connections scheduled while flushing (a handler reacting to a completed send) go out
        // in the same step.
        for (int i = 0; i < flushCount; i++) {
            AbstractConnection c = flushQueue[i];
            flushQueue[i] = null;
            c.runFlush();
        }
        flushCount = 0;
    }

    /** True when the connection limit of this reactor is reached (or it is draining). */
    protected final boolean isFull() {
        return draining || atConnectionLimit();
    }

    /**
     * True when the connection limit of this reactor is reached. An accepted socket is refused
     * only then: one the kernel completed before the listener closed for a drain is still
     * adopted, and its handler hears of the shutdown at once (see {@code AbstractConnection#open}).
     */
    protected final boolean atConnectionLimit() {
        return openCount + connectingCount >= config.maxConnectionsPerReactor();
    }

    final HandlerFactory handlerFactory() {
        return handlerFactory;
    }

    final long nextConnectionId() {
        return ((long) index << 48) | ++nextConnectionSeq;
    }

    /** The reactor's chunk pool (created on the reactor thread). */
    public final ChunkPool chunkPool() {
        return chunkPool;
    }

    final ByteView view() {
        return view;
    }

    /** This reactor's counters. Any thread. */
    public final ReactorCounters counters() {
        return counters;
    }

    final void countHandlerError() {
        counters.onError();
    }

    // ---- Reactor -----------------------------------------------------------------------------

    @Override
    public final int index() {
        return index;
    }

    @Override
    public final boolean inReactorThread() {
        return Thread.currentThread() == thread;
    }

    @Override
    public final long nanoTime() {
        return nowNs;
    }

    /** Refreshes the loop clock after a blocking wait; backends call it when poll returns. */
    protected final void updateClock() {
        nowNs = System.nanoTime();
    }

    @Override
    public final io.ringbolt.buffer.MemoryBudget memoryBudget() {
        return config.memoryBudget();
    }

    @Override
    public final int connectionCount() {
        return openCount;
    }

    @Override
    public final void forEachConnection(Consumer<Connection> action) {
        if (!inReactorThread()) {
            throw new IllegalStateException("forEachConnection: reactor thread only");
        }
        for (AbstractConnection c : snapshot()) {
            if (c.isOpen()) {
                action.accept(c);
            }
        }
    }

    /** The reactor thread's name. */
    public final String threadName() {
        return thread.getName();
    }

    @Override
    public String toString() {
        return thread.getName() + "[connections=" + openCount + ", timers=" + timers.size() + "]";
    }
}
