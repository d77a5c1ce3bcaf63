package io.ringbolt.engine.uring;

import io.ringbolt.buffer.ChunkPool;
import io.ringbolt.buffer.NativeRegion;
import io.ringbolt.engine.EngineConfig;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.runtime.AbstractReactor;
import io.ringbolt.engine.runtime.ConnectAttempt;
import io.ringbolt.engine.runtime.ConnectErrors;
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
 * dispatching on the op tag of each {@code user_data}, returns the consumed provided buffers to
 * the buffer ring with one tail update, and re-arms the receives that ended.
 */
final class UringReactor extends AbstractReactor implements CompletionQueue.CqeHandler {
    private static final int BUFFER_GROUP = 0;
    private static final int MAX_REAP_PASSES = 8;
    private static final int REAP_BATCH = 4096;
    private static final long WAKEUP_USER_DATA = UserData.encode(UserData.OP_WAKEUP, 0, 0);

    private final int[] listenerFds;
    private final boolean[] listenerArmed;
    private final boolean[] listenerOpen;
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
    private boolean leakedMemory;

    private UringConnection[] slots = new UringConnection[256];
    private int[] generations = new int[256];
    private int[] freeSlots = new int[256];
    private int freeCount;
    private int slotHighWater;
    private int slotsInUse;

    private long enobufsCount;
    /** Tests only: rewrites CQE results before dispatch (see {@link CompletionFaults}); null in production. */
    private CompletionFaults faults;

    private UringConnection[] rearmQueue = new UringConnection[64];
    private int rearmCount;

    UringReactor(EngineConfig config, int index, HandlerFactory handlerFactory, int[] listenerFds) {
        super(config, index, handlerFactory);
        this.listenerFds = listenerFds.clone();
        this.listenerArmed = new boolean[listenerFds.length];
        this.listenerOpen = new boolean[listenerFds.length];
        Arrays.fill(listenerOpen, true);
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
            stopAccepting(); // no-op for listeners already closed by a graceful stop
            if (wakeArmed) {
                sq.prepCancel(WAKEUP_USER_DATA, 0, UserData.encode(UserData.OP_CANCEL, 0, -1));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while ((wakeArmed || slotsInUse > 0 || listenerOps > 0) && System.nanoTime() - deadline < 0) {
                ring.submitAndWait(1, TimeUnit.MILLISECONDS.toNanos(20));
                cq.reap(this, REAP_BATCH);
            }
            leakedMemory = wakeArmed || slotsInUse > 0 || listenerOps > 0;
            if (leakedMemory) {
                LOG.log(System.Logger.Level.WARNING, threadName() + ": operations still in flight at stop ("
                        + slotsInUse + " connections); keeping their memory to stay safe");
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
        int r = ring.submitAndWait(timeoutNs == 0 ? 0 : 1, timeoutNs);
        if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR && r != -Errno.EBUSY && r != -Errno.EAGAIN) {
            throw new IllegalStateException("io_uring_enter failed: " + Errno.name(r) + " on " + ring);
        }
        updateClock();
        for (int pass = 0; pass < MAX_REAP_PASSES; pass++) {
            if (cq.reap(this, REAP_BATCH) < REAP_BATCH) {
                break;
            }
        }
        bufferRing.publish();
        runRearms();
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
        if (faults != null) {
            res = faults.result(UserData.op(userData), res, flags);
        }
        int op = UserData.op(userData);
        switch (op) {
            case UserData.OP_RECV -> {
                UringConnection c = connection(userData);
                if (c != null) {
                    c.onRecvCqe(res, flags);
                } else {
                    onStale(userData, res, flags);
                }
            }
            case UserData.OP_SEND -> {
                UringConnection c = connection(userData);
                if (c != null) {
                    c.onSendCqe(res);
                } else {
                    onStale(userData, res, flags);
                }
            }
            case UserData.OP_CONNECT -> {
                UringConnection c = connection(userData);
                if (c != null) {
                    c.onConnectCqe(res);
                } else {
                    onStale(userData, res, flags);
                }
            }
            case UserData.OP_CONNECT_TIMEOUT -> {
                UringConnection c = connection(userData);
                if (c != null) {
                    c.onConnectTimeoutCqe();
                } else {
                    onStale(userData, res, flags);
                }
            }
            case UserData.OP_CANCEL, UserData.OP_CLOSE -> {
                UringConnection c = connection(userData);
                if (c != null) {
                    c.onCancelOrCloseCqe();
                }
            }
            case UserData.OP_ACCEPT -> onAcceptCqe(UserData.slot(userData), res, flags);
            case UserData.OP_LISTENER_CLOSE -> listenerOps--;
            case UserData.OP_WAKEUP -> {
                wakeArmed = false;
                if (res != -Errno.ECANCELED && wakeFd >= 0) {
                    armWakeup();
                }
            }
            default -> throw new IllegalStateException("unknown completion " + UserData.describe(userData) + " res=" + res);
        }
        if ((flags & IoUring.IORING_CQE_F_BUFFER) != 0 && res <= 0) {
            // A buffer came back with no data in it: return it rather than lose it.
            int bid = flags >>> IoUring.IORING_CQE_BUFFER_SHIFT;
            bufferRing.onConsumed(bid);
            bufferRing.recycle(bid);
        }
    }

    private UringConnection connection(long userData) {
        int slot = UserData.slot(userData);
        if (slot < 0 || slot >= slotHighWater) {
            return null;
        }
        UringConnection c = slots[slot];
        return c != null && c.generation() == UserData.generation(userData) ? c : null;
    }

    private void onStale(long userData, int res, int flags) {
        // A slot is reused only after its last completion, so this is a bookkeeping bug; keep
        // the buffer accounting right and say so once per occurrence.
        if ((flags & IoUring.IORING_CQE_F_BUFFER) != 0 && res > 0) {
            int bid = flags >>> IoUring.IORING_CQE_BUFFER_SHIFT;
            bufferRing.onConsumed(bid);
            bufferRing.recycle(bid);
        }
        LOG.log(System.Logger.Level.WARNING, threadName() + ": stale completion " + UserData.describe(userData) + " res=" + res);
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
        for (int i = 0; i < rearmCount; i++) {
            UringConnection c = rearmQueue[i];
            rearmQueue[i] = null;
            c.armRecv();
        }
        rearmCount = 0;
    }

    private void armWakeup() {
        sq.prepRead(wakeFd, wakeReadRegion.segment().address(), 8, 0, WAKEUP_USER_DATA);
        wakeArmed = true;
    }

    // ---- accept ------------------------------------------------------------------------------------

    private void armAccept(int listener) {
        if (!listenerOpen[listener] || listenerArmed[listener] || isDraining()) {
            return;
        }
        sq.prepAcceptMultishot(listenerFds[listener], IoUring.SOCK_CLOEXEC,
                UserData.encode(UserData.OP_ACCEPT, 0, listener));
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
        if (isFull()) {
            LinuxSocket.close(fd);
            counters().onRejected();
            return;
        }
        int slot = allocateSlot();
        UringConnection c = new UringConnection(this, fd, slot, generations[slot]);
        slots[slot] = c;
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
        slots[slot] = c;
        c.startConnect(target, timeoutNs);
    }

    @Override
    protected void stopAccepting() {
        for (int i = 0; i < listenerFds.length; i++) {
            if (!listenerOpen[i]) {
                continue;
            }
            listenerOpen[i] = false;
            long ud = UserData.encode(UserData.OP_LISTENER_CLOSE, 0, i);
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
        return slotsInUse == 0 && listenerOps == 0;
    }

    // ---- slots ----------------------------------------------------------------------------------------

    private int allocateSlot() {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (slotHighWater == slots.length) {
                int n = slots.length * 2;
                slots = Arrays.copyOf(slots, n);
                generations = Arrays.copyOf(generations, n);
                freeSlots = Arrays.copyOf(freeSlots, n);
            }
            slot = slotHighWater++;
        }
        slotsInUse++;
        return slot;
    }

    void releaseSlot(UringConnection c) {
        int slot = c.slot();
        if (slots[slot] != c) {
            throw new IllegalStateException("slot " + slot + " released twice");
        }
        slots[slot] = null;
        generations[slot] = UserData.nextGeneration(generations[slot]);
        freeSlots[freeCount++] = slot;
        slotsInUse--;
    }

    // ---- accessors for connections and tests -----------------------------------------------------------

    /** Submits prepared SQEs without waiting (no task work runs, so no CQEs appear). */
    void submitNow() {
        ring.submit();
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
    }

    /** Times a receive found the buffer ring empty. Reactor thread. */
    long enobufsCount() {
        return enobufsCount;
    }

    /** Configured buffers in the ring. */
    int bufferCount() {
        return config.bufferCount();
    }

    /** Connection slots whose operations have not all completed. Reactor thread. */
    int slotsInUse() {
        return slotsInUse;
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
