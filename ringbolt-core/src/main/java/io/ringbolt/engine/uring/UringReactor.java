package io.ringbolt.engine.uring;

import io.ringbolt.buffer.ChunkPool;
import io.ringbolt.buffer.NativeRegion;
import io.ringbolt.engine.Counter;
import io.ringbolt.engine.EngineConfig;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.runtime.AbstractReactor;
import io.ringbolt.engine.runtime.ReactorCounters;
import io.ringbolt.engine.runtime.ConnectAttempt;
import io.ringbolt.engine.runtime.ConnectErrors;
import io.ringbolt.engine.DatagramReactor;
import io.ringbolt.engine.DatagramSpec;
import io.ringbolt.engine.DatagramSocket;
import io.ringbolt.engine.RateLimitedLog;
import io.ringbolt.uring.BufferRing;
import io.ringbolt.uring.CompletionQueue;
import io.ringbolt.uring.Errno;
import io.ringbolt.uring.IoUring;
import io.ringbolt.uring.LinuxSocket;
import io.ringbolt.uring.Ring;
import io.ringbolt.uring.SubmissionQueue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A reactor on its own io_uring ({@code SINGLE_ISSUER | DEFER_TASKRUN}, created on the reactor
 * thread). Per iteration it makes one {@code io_uring_enter} that submits everything prepared
 * and waits until the next timer deadline, then reaps the completion queue in batches,
 * dispatching each CQE to the {@link CompletionTarget} its {@code user_data} slot names
 * (connection, listener, wakeup read, datagram socket), returns the consumed provided buffers
 * to the buffer ring with one tail update, and re-arms the receives that ended.
 */
final class UringReactor extends AbstractReactor implements CompletionQueue.CqeHandler, DatagramReactor {
    private static final int BUFFER_GROUP = 0;
    private static final int MAX_REAP_PASSES = 8;
    private static final int REAP_BATCH = 4096;
    private static final long WAKEUP_USER_DATA = UserData.encode(UserData.OP_WAKEUP, 0, 0);
    private static final long ACCEPT_BACKOFF_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * Accept failures of all reactors, keyed by errno: EMFILE is process-wide and retried every
     * {@link #ACCEPT_BACKOFF_NS} per listener, so unlimited it would log 100 lines a second per reactor.
     */
    private static final RateLimitedLog ACCEPT_WARNINGS = new RateLimitedLog(LOG, System.Logger.Level.WARNING);
    /**
     * Completions no target expected (an unknown op, an errno outside an op's reaction table, a
     * throwing target, a stale generation), keyed by op: each closes one target, never the reactor.
     */
    private static final RateLimitedLog UNEXPECTED = new RateLimitedLog(LOG, System.Logger.Level.WARNING);

    private final int[] listenerFds;
    private final boolean[] listenerArmed;
    private final boolean[] listenerOpen;
    /** The target slot of each listener (their user_data names it). */
    private final int[] listenerSlots;
    private int listenerOps;

    private Ring ring;
    private SubmissionQueue sq;
    private CompletionQueue cq;
    private NativeRegion bufferRingRegion;
    private NativeRegion bufferRegion;
    private BufferRing bufferRing;
    private MemorySegment bufferMemory;
    private ChunkPool msgPool;
    private NativeRegion wakeReadRegion;
    private final NativeRegion wakeValueRegion;
    private volatile int wakeFd = -1;
    private boolean wakeArmed;
    private long wakeupUserData;
    private boolean leakedMemory;

    private CompletionTarget[] targets = new CompletionTarget[256];
    private int[] generations = new int[256];
    private int[] freeSlots = new int[256];
    private int freeCount;
    private int slotHighWater;
    private int slotsInUse;
    /** Slots held for the reactor's whole life (wakeup, listeners); not counted by {@link #slotsInUse()}. */
    private int fixedSlots;

    private long enobufsCount;
    private long staleCount;
    private long unexpectedCount;
    /** Tests only: rewrites CQE results before dispatch (see {@link CompletionFaults}); null in production. */
    private CompletionFaults faults;

    private UringConnection[] rearmQueue = new UringConnection[64];
    private int rearmCount;

    private final java.util.List<UringDatagramSocket> datagramSockets = new java.util.ArrayList<>();
    /** Buffer group ids in use by datagram sockets (the connections' ring is group 0). */
    private final java.util.BitSet bufferGroups = new java.util.BitSet();
    private UringDatagramSocket[] datagramFlushQueue = new UringDatagramSocket[8];
    private int datagramFlushCount;
    private UringDatagramSocket[] datagramPublishQueue = new UringDatagramSocket[8];
    private int datagramPublishCount;
    private UringDatagramSocket[] datagramRearmQueue = new UringDatagramSocket[8];
    private int datagramRearmCount;

    UringReactor(EngineConfig config, int index, HandlerFactory handlerFactory, int[] listenerFds) {
        super(config, index, handlerFactory);
        this.listenerFds = listenerFds.clone();
        this.listenerArmed = new boolean[listenerFds.length];
        this.listenerOpen = new boolean[listenerFds.length];
        this.listenerSlots = new int[listenerFds.length];
        Arrays.fill(listenerOpen, true);
        int wakeSlot = register(new WakeupTarget());
        wakeupUserData = UserData.encode(UserData.OP_WAKEUP, generations[wakeSlot], wakeSlot);
        for (int i = 0; i < listenerFds.length; i++) {
            listenerSlots[i] = register(new ListenerTarget(i));
        }
        fixedSlots = slotsInUse;
        this.wakeValueRegion = NativeRegion.allocateShared(8, 8);
        wakeValueRegion.segment().set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    // ---- lifecycle -------------------------------------------------------------------------------

    @Override
    protected void onStart() {
        ring = Ring.create(config.ringEntries(), config.completionEntries(),
                IoUring.IORING_SETUP_SINGLE_ISSUER | IoUring.IORING_SETUP_DEFER_TASKRUN | IoUring.IORING_SETUP_SUBMIT_ALL);
        ring.registerRingFd(); // optional: saves ~10 ns per enter; failure just means plain fd enters
        sq = ring.sq();
        cq = ring.cq();
        int count = config.bufferCount();
        bufferRingRegion = NativeRegion.allocate(Math.max(4096L, count * 16L), 4096);
        bufferRegion = NativeRegion.allocate((long) count * config.bufferSize(), 4096);
        bufferMemory = bufferRegion.segment();
        bufferRing = BufferRing.register(ring, BUFFER_GROUP, count, config.bufferSize(),
                bufferRingRegion.segment(), bufferMemory);
        msgPool = new ChunkPool(1024, 64);
        wakeReadRegion = NativeRegion.allocate(8, 8);
        int efd = LinuxSocket.eventfd(0, IoUring.EFD_CLOEXEC | IoUring.EFD_NONBLOCK);
        if (efd < 0) {
            throw new IllegalStateException("eventfd failed: " + Errno.name(efd));
        }
        wakeFd = efd;
        armWakeup();
        for (int i = 0; i < listenerFds.length; i++) {
            armAccept(i);
        }
        ring.submit();
    }

    @Override
    protected void onStop() {
        if (ring != null && !ring.isClosed()) {
            stopAccepting(); // no-op for listeners and datagram sockets already closed by a graceful stop
            if (wakeArmed) {
                sq.prepCancel(wakeupUserData, 0, UserData.encode(UserData.OP_CANCEL, 0, -1));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while ((wakeArmed || slotsInUse > fixedSlots || listenerOps > 0) && System.nanoTime() - deadline < 0) {
                ring.submitAndWait(1, TimeUnit.MILLISECONDS.toNanos(20));
                cq.reap(this, REAP_BATCH);
                datagramPublishCount = 0; // closing: nothing to give back or re-arm
                datagramRearmCount = 0;
                datagramFlushCount = 0;
            }
            leakedMemory = wakeArmed || slotsInUse > fixedSlots || listenerOps > 0;
            if (leakedMemory) {
                LOG.log(System.Logger.Level.WARNING, threadName() + ": operations still in flight at stop ("
                        + (slotsInUse - fixedSlots) + " connections); keeping their memory to stay safe");
            }
            if (bufferRing != null) {
                bufferRing.close();
            }
            ring.close();
        } else {
            for (int i = 0; i < listenerFds.length; i++) {
                if (listenerOpen[i]) {
                    listenerOpen[i] = false;
                    LinuxSocket.close(listenerFds[i]);
                }
            }
        }
        // A foreign thread may be inside wakeup(): its write holds the shared region's session,
        // so closing the region waits that write out and makes later ones fail before the
        // syscall. Only then is the eventfd number safe to close (and to be reused).
        closeWakeValueRegion(wakeValueRegion);
        int efd = wakeFd;
        if (efd >= 0) {
            wakeFd = -1;
            LinuxSocket.close(efd);
        }
        if (!leakedMemory) {
            closeQuietly(bufferRegion);
            closeQuietly(bufferRingRegion);
            closeQuietly(wakeReadRegion);
            if (msgPool != null) {
                msgPool.close();
            }
        }
    }

    /** Closes a region written by foreign threads, waiting out a write in progress. */
    static void closeWakeValueRegion(NativeRegion region) {
        while (true) {
            try {
                region.close();
                return;
            } catch (IllegalStateException inUse) {
                Thread.onSpinWait();
            }
        }
    }

    private static void closeQuietly(NativeRegion r) {
        if (r != null) {
            r.close();
        }
    }

    // ---- the loop --------------------------------------------------------------------------------

    @Override
    protected void poll(long timeoutNs) {
        flushDatagrams();
        int r = ring.submitAndWait(timeoutNs == 0 ? 0 : 1, timeoutNs);
        ReactorCounters counters = counters();
        counters.increment(Counter.URING_ENTER_CALLS);
        if (r > 0) {
            counters.add(Counter.URING_SUBMISSIONS, r);
        }
        if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR && r != -Errno.EBUSY && r != -Errno.EAGAIN) {
            throw new IllegalStateException("io_uring_enter failed: " + Errno.name(r) + " on " + ring);
        }
        updateClock();
        int reaped = 0;
        for (int pass = 0; pass < MAX_REAP_PASSES; pass++) {
            int n = cq.reap(this, REAP_BATCH);
            reaped += n;
            if (n < REAP_BATCH) {
                break;
            }
        }
        if (reaped > 0) {
            counters.add(Counter.URING_COMPLETIONS, reaped);
        }
        bufferRing.publish();
        runRearms();
        publishDatagramBuffers();
    }

    @Override
    protected void wakeup() {
        int efd = wakeFd;
        if (efd >= 0) {
            try {
                LinuxSocket.write(efd, wakeValueRegion.segment(), 8);
            } catch (IllegalStateException stopped) {
                // The region is closed: the reactor has stopped and there is nothing to wake.
            }
        }
    }

    @Override
    public void onCqe(long userData, int res, int flags) {
        int op = UserData.op(userData);
        if (faults != null) {
            res = faults.result(op, res, flags);
        }
        CompletionTarget t = target(userData);
        if (t == null) {
            onOrphan(userData, res, flags);
            return;
        }
        try {
            // Connections are nearly every CQE: a type test keeps that call monomorphic and
            // inlinable; the rest go through the (megamorphic) interface call.
            if (t instanceof UringConnection c) {
                c.onCompletion(op, res, flags);
            } else {
                t.onCompletion(op, res, flags);
            }
        } catch (RuntimeException e) {
            reportUnexpected(op, res, "completion " + UserData.describe(userData) + " res=" + res + " failed in " + t, e);
            t.onDispatchFailure(op, res);
        }
    }

    private CompletionTarget target(long userData) {
        int slot = UserData.slot(userData);
        if (slot < 0 || slot >= slotHighWater) {
            return null;
        }
        return generations[slot] == UserData.generation(userData) ? targets[slot] : null;
    }

    /** A completion whose target is gone: expected for cancels; otherwise a bookkeeping bug, counted and logged. */
    private void onOrphan(long userData, int res, int flags) {
        int op = UserData.op(userData);
        if (op == UserData.OP_CANCEL || op == UserData.OP_CLOSE) {
            return;
        }
        // A slot is reused only after its last completion, so this is a bookkeeping bug; keep
        // the buffer accounting right (only the reactor's own group is left to return to) and say so.
        if (op == UserData.OP_RECV && (flags & IoUring.IORING_CQE_F_BUFFER) != 0) {
            returnBuffer(flags);
        }
        staleCount++;
        reportUnexpected(op, res, "stale completion " + UserData.describe(userData) + " res=" + res, null);
    }

    /**
     * Logs (rate-limited per op, with the values) a completion its target did not expect. The
     * caller then closes that one target. Reactor thread.
     */
    void reportUnexpected(int op, int res, String what, Throwable cause) {
        unexpectedCount++;
        if (UNEXPECTED.isDue(op)) {
            String message = threadName() + ": unexpected " + what + (res < 0 ? " (" + Errno.name(res) + ")" : "");
            if (cause != null) {
                UNEXPECTED.log(op, message + ": " + cause);
                LOG.log(System.Logger.Level.DEBUG, message, cause);
            } else {
                UNEXPECTED.log(op, message);
            }
        }
    }

    /** Returns the provided buffer named by a CQE's flags, unused, to the reactor's ring. */
    void returnBuffer(int flags) {
        int bid = flags >>> IoUring.IORING_CQE_BUFFER_SHIFT;
        bufferRing.onConsumed(bid);
        bufferRing.recycle(bid);
    }

    /** Hands a received provided buffer to its connection, then stages it back to the ring. */
    void deliverBuffer(UringConnection c, int bid, int length) {
        bufferRing.onConsumed(bid);
        try {
            c.deliver(bufferMemory, bufferRing.bufferOffset(bid), length);
        } finally {
            bufferRing.recycle(bid);
        }
    }

    void queueRearm(UringConnection c) {
        if (rearmCount == rearmQueue.length) {
            rearmQueue = Arrays.copyOf(rearmQueue, rearmCount * 2);
        }
        rearmQueue[rearmCount++] = c;
    }

    private void runRearms() {
        if (rearmCount > 0) {
            counters().add(Counter.URING_RECV_REARMS, rearmCount);
        }
        for (int i = 0; i < rearmCount; i++) {
            UringConnection c = rearmQueue[i];
            rearmQueue[i] = null;
            c.armRecv();
        }
        rearmCount = 0;
    }

    // ---- datagram sockets ---------------------------------------------------------------------

    @Override
    public DatagramSocket openDatagram(DatagramSpec spec) throws java.io.IOException {
        if (isDraining()) {
            throw new java.io.IOException("udp " + spec.local() + ": the engine is stopping");
        }
        UringDatagramSocket s = new UringDatagramSocket(this, spec);
        datagramSockets.add(s);
        s.start();
        return s;
    }

    private void closeDatagramSockets() {
        for (UringDatagramSocket s : java.util.List.copyOf(datagramSockets)) {
            s.closeOnReactor();
        }
    }

    void removeDatagram(UringDatagramSocket s) {
        datagramSockets.remove(s);
    }

    Ring ring() {
        return ring;
    }

    int allocateBufferGroup() {
        int g = bufferGroups.nextClearBit(BUFFER_GROUP + 1);
        if (g > 0xFFFF) {
            throw new IllegalStateException("no free buffer group id");
        }
        bufferGroups.set(g);
        return g;
    }

    void releaseBufferGroup(int group) {
        bufferGroups.clear(group);
    }

    void queueDatagramFlush(UringDatagramSocket s) {
        if (datagramFlushCount == datagramFlushQueue.length) {
            datagramFlushQueue = Arrays.copyOf(datagramFlushQueue, datagramFlushCount * 2);
        }
        datagramFlushQueue[datagramFlushCount++] = s;
    }

    void queueDatagramPublish(UringDatagramSocket s) {
        if (datagramPublishCount == datagramPublishQueue.length) {
            datagramPublishQueue = Arrays.copyOf(datagramPublishQueue, datagramPublishCount * 2);
        }
        datagramPublishQueue[datagramPublishCount++] = s;
    }

    void queueDatagramRearm(UringDatagramSocket s) {
        if (datagramRearmCount == datagramRearmQueue.length) {
            datagramRearmQueue = Arrays.copyOf(datagramRearmQueue, datagramRearmCount * 2);
        }
        datagramRearmQueue[datagramRearmCount++] = s;
    }

    /** One batch of SENDMSGs per socket with queued datagrams, submitted by the coming enter. */
    private void flushDatagrams() {
        int n = datagramFlushCount;
        if (n == 0) {
            return;
        }
        datagramFlushCount = 0;
        for (int i = 0; i < n; i++) {
            UringDatagramSocket s = datagramFlushQueue[i];
            datagramFlushQueue[i] = null;
            s.flush();
        }
    }

    /** Gives the buffers the reap consumed back to each datagram socket's ring, then re-arms ended receives. */
    private void publishDatagramBuffers() {
        for (int i = 0; i < datagramPublishCount; i++) {
            datagramPublishQueue[i].publish();
            datagramPublishQueue[i] = null;
        }
        datagramPublishCount = 0;
        for (int i = 0; i < datagramRearmCount; i++) {
            datagramRearmQueue[i].armRecv();
            datagramRearmQueue[i] = null;
        }
        datagramRearmCount = 0;
    }

    private void armWakeup() {
        sq.prepRead(wakeFd, wakeReadRegion.segment().address(), 8, 0, wakeupUserData);
        wakeArmed = true;
    }

    /** The eventfd read that wakes the loop; re-armed after each completion until cancelled at stop. */
    private final class WakeupTarget implements CompletionTarget {
        @Override
        public void onCompletion(int op, int res, int flags) {
            wakeArmed = false;
            if (op != UserData.OP_WAKEUP) {
                reportUnexpected(op, res, "completion op=" + op + " on the wakeup read", null);
            }
            if (res != -Errno.ECANCELED && wakeFd >= 0) {
                armWakeup();
            }
        }

        @Override
        public void onDispatchFailure(int op, int res) {
            // Nothing to close: the next wakeup re-arms, or the stop cancels it.
        }

        @Override
        public String toString() {
            return "wakeup";
        }
    }

    /** One listening socket of this reactor: its multishot accept and its closing ops. */
    private final class ListenerTarget implements CompletionTarget {
        private final int listener;

        ListenerTarget(int listener) {
            this.listener = listener;
        }

        @Override
        public void onCompletion(int op, int res, int flags) {
            switch (op) {
                case UserData.OP_ACCEPT -> onAcceptCqe(listener, res, flags);
                case UserData.OP_LISTENER_CLOSE -> listenerOps--;
                default -> reportUnexpected(op, res, "completion op=" + op + " on listener " + listener, null);
            }
        }

        @Override
        public void onDispatchFailure(int op, int res) {
            // adopt() failing leaves the accept armed; nothing of the listener's is inconsistent.
        }

        @Override
        public String toString() {
            return "listener " + listener;
        }
    }

    // ---- accept ------------------------------------------------------------------------------------

    private void armAccept(int listener) {
        if (!listenerOpen[listener] || listenerArmed[listener] || isDraining()) {
            return;
        }
        sq.prepAcceptMultishot(listenerFds[listener], IoUring.SOCK_CLOEXEC,
                UserData.encode(UserData.OP_ACCEPT, generations[listenerSlots[listener]], listenerSlots[listener]));
        listenerArmed[listener] = true;
        listenerOps++;
    }

    private void onAcceptCqe(int listener, int res, int flags) {
        if (res >= 0) {
            adopt(res);
        } else if (res == -Errno.EMFILE || res == -Errno.ENFILE) {
            UringAcceptor.ACCEPT_FAILURES.report(res, threadName(), Errno.name(res), true, true);
        } else if (res != -Errno.ECANCELED && res != -Errno.ECONNABORTED) {
            UringAcceptor.ACCEPT_FAILURES.report(res, threadName(), Errno.name(res), false, false);
        }
        if ((flags & IoUring.IORING_CQE_F_MORE) == 0) {
            listenerArmed[listener] = false;
            listenerOps--;
            if (listenerOpen[listener] && !isDraining()) {
                if (res == -Errno.EMFILE || res == -Errno.ENFILE) {
                    timers().schedule(System.nanoTime() + UringAcceptor.ACCEPT_FAILURES.pauseNs(), () -> armAccept(listener));
                } else {
                    armAccept(listener);
                }
            }
        }
    }

    /** Takes ownership of an accepted socket. Reactor thread. */
    void adopt(int fd) {
        if (atConnectionLimit()) {
            LinuxSocket.close(fd);
            counters().onRejected();
            return;
        }
        int slot = allocateSlot();
        UringConnection c = new UringConnection(this, fd, slot, generations[slot]);
        targets[slot] = c;
        c.start();
    }

    // ---- connect --------------------------------------------------------------------------------

    @Override
    protected void startConnect(ConnectAttempt attempt, long timeoutNs) {
        InetSocketAddress target = attempt.target();
        int domain = target.getAddress() instanceof Inet6Address ? IoUring.AF_INET6 : IoUring.AF_INET;
        int fd = LinuxSocket.socket(domain, IoUring.SOCK_STREAM | IoUring.SOCK_NONBLOCK | IoUring.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            attempt.fail(ConnectErrors.failed(target, Errno.name(fd), null));
            return;
        }
        if (config.tcpNoDelay()) {
            LinuxSocket.setsockoptInt(fd, IoUring.IPPROTO_TCP, IoUring.TCP_NODELAY, 1);
        }
        int slot = allocateSlot();
        UringConnection c = new UringConnection(this, fd, slot, generations[slot], attempt);
        targets[slot] = c;
        c.startConnect(target, timeoutNs);
    }

    @Override
    protected void stopAccepting() {
        closeDatagramSockets();
        for (int i = 0; i < listenerFds.length; i++) {
            if (!listenerOpen[i]) {
                continue;
            }
            listenerOpen[i] = false;
            long ud = UserData.encode(UserData.OP_LISTENER_CLOSE, generations[listenerSlots[i]], listenerSlots[i]);
            if (listenerArmed[i]) {
                sq.prepCancelFd(listenerFds[i], IoUring.IORING_ASYNC_CANCEL_ALL, ud);
                sq.setLastSqeFlags(IoUring.IOSQE_IO_HARDLINK);
                listenerOps++;
            }
            sq.prepClose(listenerFds[i], ud);
            listenerOps++;
        }
    }

    @Override
    protected boolean quiesced() {
        return slotsInUse == fixedSlots && listenerOps == 0;
    }

    // ---- slots ----------------------------------------------------------------------------------------

    private int allocateSlot() {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (slotHighWater == targets.length) {
                int n = targets.length * 2;
                targets = Arrays.copyOf(targets, n);
                generations = Arrays.copyOf(generations, n);
                freeSlots = Arrays.copyOf(freeSlots, n);
            }
            slot = slotHighWater++;
        }
        slotsInUse++;
        return slot;
    }

    /** Allocates a slot for {@code target}; its user_data carries the slot and {@code generation(slot)}. */
    int register(CompletionTarget target) {
        int slot = allocateSlot();
        targets[slot] = target;
        return slot;
    }

    /** The current generation of a slot (for a target's user_data). */
    int generation(int slot) {
        return generations[slot];
    }

    void releaseSlot(UringConnection c) {
        release(c.slot(), c);
    }

    /** Frees {@code slot} once the last completion of {@code target} arrived; later ones are stale. */
    void release(int slot, CompletionTarget target) {
        if (targets[slot] != target) {
            throw new IllegalStateException("slot " + slot + " released twice");
        }
        targets[slot] = null;
        generations[slot] = UserData.nextGeneration(generations[slot]);
        freeSlots[freeCount++] = slot;
        slotsInUse--;
    }

    // ---- accessors for connections and tests -----------------------------------------------------------

    /** Submits prepared SQEs without waiting (no task work runs, so no CQEs appear). */
    void submitNow() {
        int r = ring.submit();
        if (r != 0) {
            // 0: nothing was pending, so no system call was made (or the kernel took none).
            ReactorCounters counters = counters();
            counters.increment(Counter.URING_ENTER_CALLS);
            if (r > 0) {
                counters.add(Counter.URING_SUBMISSIONS, r);
            }
        }
    }

    SubmissionQueue sq() {
        return sq;
    }

    int bufferGroup() {
        return BUFFER_GROUP;
    }

    ChunkPool msgPool() {
        return msgPool;
    }

    /** Buffers the kernel owns now (for accounting checks). Reactor thread. */
    int kernelOwnedBuffers() {
        return bufferRing.kernelOwned() + bufferRing.staged();
    }

    void countEnobufs() {
        enobufsCount++;
        counters().increment(Counter.URING_BUFFER_EXHAUSTED);
    }

    /** Times a receive found the buffer ring empty. Reactor thread. */
    long enobufsCount() {
        return enobufsCount;
    }

    /** Configured buffers in the ring. */
    int bufferCount() {
        return config.bufferCount();
    }

    /** Slots of connections and datagram sockets whose operations have not all completed. Reactor thread. */
    int slotsInUse() {
        return slotsInUse - fixedSlots;
    }

    /** Completions that named a released slot or generation. Reactor thread. */
    long staleCount() {
        return staleCount;
    }

    /** Completions a target did not expect (see {@link #reportUnexpected}). Reactor thread. */
    long unexpectedCount() {
        return unexpectedCount;
    }

    /** Chunks of the sendmsg/connect pool in use (for accounting checks). Reactor thread. */
    int msgChunksInUse() {
        return msgPool.inUse();
    }

    /** Tests only: rewrites the results of the CQEs this reactor reaps from now on (null: none). Reactor thread. */
    void injectFaults(CompletionFaults value) {
        faults = value;
    }
}
