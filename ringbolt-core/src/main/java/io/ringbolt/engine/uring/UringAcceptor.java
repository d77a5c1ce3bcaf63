package io.ringbolt.engine.uring;

import io.ringbolt.buffer.NativeRegion;
import io.ringbolt.engine.runtime.AcceptFailures;
import io.ringbolt.engine.runtime.Acceptor;
import io.ringbolt.uring.CompletionQueue;
import io.ringbolt.uring.Errno;
import io.ringbolt.uring.IoUring;
import io.ringbolt.uring.LinuxSocket;
import io.ringbolt.uring.Ring;

import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * ACCEPTOR mode (zerg's split): one platform thread with its own small ring keeps a multishot
 * accept armed on every listener and hands each accepted fd round-robin to a reactor through
 * {@link UringReactor#execute} (the reactor's many-to-one queue plus wakeup). Stopped through an
 * eventfd read armed on its ring.
 */
final class UringAcceptor implements CompletionQueue.CqeHandler, Acceptor {
    private static final System.Logger LOG = System.getLogger("io.ringbolt.engine");
    private static final long WAKE_UD = UserData.encode(UserData.OP_WAKEUP, 0, 0);
    /**
     * Accept failures of the acceptor and of all reactors, keyed by errno: EMFILE is process-wide
     * and retried every 10 ms per listener, so unlimited it would log 100 lines a second per reactor.
     */
    static final AcceptFailures ACCEPT_FAILURES = new AcceptFailures(10);

    private final int[] listenerFds;
    private final List<UringReactor> reactors;
    private final Thread thread;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final NativeRegion wakeValue = NativeRegion.allocateShared(8, 8);
    private volatile int wakeFd = -1;
    private volatile boolean stopRequested;
    private Ring ring;
    private NativeRegion wakeRead;
    private int armed;
    private boolean wakeArmed;
    private int next;
    private final boolean[] rearmPending;
    private long rearmAtNs;

    UringAcceptor(String name, int[] listenerFds, List<UringReactor> reactors) {
        this.listenerFds = listenerFds.clone();
        this.rearmPending = new boolean[listenerFds.length];
        this.reactors = reactors;
        this.thread = Thread.ofPlatform().name(name).unstarted(this::run);
        wakeValue.segment().set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    void start() throws Exception {
        thread.start();
        try {
            started.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    @Override
    public void stop() throws InterruptedException {
        stopRequested = true;
        int efd = wakeFd;
        if (efd >= 0) {
            LinuxSocket.write(efd, wakeValue.segment(), 8);
        }
        thread.join(TimeUnit.SECONDS.toMillis(10));
        UringReactor.closeWakeValueRegion(wakeValue);
    }

    private void run() {
        try {
            ring = Ring.create(64, 1024, IoUring.IORING_SETUP_SINGLE_ISSUER | IoUring.IORING_SETUP_DEFER_TASKRUN);
            wakeRead = NativeRegion.allocate(8, 8);
            int efd = LinuxSocket.eventfd(0, IoUring.EFD_CLOEXEC | IoUring.EFD_NONBLOCK);
            if (efd < 0) {
                throw new IllegalStateException("eventfd failed: " + Errno.name(efd));
            }
            wakeFd = efd;
            ring.sq().prepRead(efd, wakeRead.segment().address(), 8, 0, WAKE_UD);
            wakeArmed = true;
            for (int i = 0; i < listenerFds.length; i++) {
                arm(i);
            }
            ring.submit();
        } catch (Throwable t) {
            started.completeExceptionally(t);
            cleanup();
            return;
        }
        started.complete(null);
        try {
            while (!stopRequested) {
                long timeoutNs = rearmAtNs == 0 ? -1 : Math.max(0, rearmAtNs - System.nanoTime());
                int r = ring.submitAndWait(1, timeoutNs);
                if (r < 0 && r != -Errno.EINTR && r != -Errno.ETIME && r != -Errno.EBUSY) {
                    throw new IllegalStateException("io_uring_enter failed: " + Errno.name(r));
                }
                ring.cq().reap(this, 1024);
                if (rearmAtNs != 0 && System.nanoTime() - rearmAtNs >= 0) {
                    rearmAtNs = 0;
                    for (int i = 0; i < rearmPending.length; i++) {
                        if (rearmPending[i]) {
                            rearmPending[i] = false;
                            arm(i);
                        }
                    }
                }
            }
            for (int fd : listenerFds) {
                ring.sq().prepCancelFd(fd, IoUring.IORING_ASYNC_CANCEL_ALL, UserData.encode(UserData.OP_CANCEL, 0, 0));
            }
            if (wakeArmed) {
                ring.sq().prepCancel(WAKE_UD, 0, UserData.encode(UserData.OP_CANCEL, 0, 0));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while ((armed > 0 || wakeArmed) && System.nanoTime() - deadline < 0) {
                ring.submitAndWait(1, TimeUnit.MILLISECONDS.toNanos(20));
                ring.cq().reap(this, 1024);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, thread.getName() + " failed", t);
        } finally {
            cleanup();
        }
    }

    private void cleanup() {
        boolean safe = armed == 0 && !wakeArmed;
        if (ring != null) {
            ring.close();
        }
        for (int fd : listenerFds) {
            LinuxSocket.close(fd);
        }
        int efd = wakeFd;
        wakeFd = -1;
        if (efd >= 0) {
            LinuxSocket.close(efd);
        }
        if (wakeRead != null && safe) {
            wakeRead.close();
        }
    }

    private void arm(int listener) {
        ring.sq().prepAcceptMultishot(listenerFds[listener], IoUring.SOCK_CLOEXEC,
                UserData.encode(UserData.OP_ACCEPT, 0, listener));
        armed++;
    }

    @Override
    public void onCqe(long userData, int res, int flags) {
        switch (UserData.op(userData)) {
            case UserData.OP_ACCEPT -> {
                if (res >= 0) {
                    if (stopRequested) {
                        LinuxSocket.close(res);
                    } else {
                        UringReactor r = reactors.get(next);
                        next = next + 1 == reactors.size() ? 0 : next + 1;
                        int fd = res;
                        r.execute(() -> r.adopt(fd));
                    }
                } else if (res != -Errno.ECANCELED) {
                    boolean outOfFds = res == -Errno.EMFILE || res == -Errno.ENFILE;
                    ACCEPT_FAILURES.report(res, thread.getName(), Errno.name(res), outOfFds, outOfFds);
                }
                if ((flags & IoUring.IORING_CQE_F_MORE) == 0) {
                    armed--;
                    int listener = UserData.slot(userData);
                    if (stopRequested || res == -Errno.ECANCELED) {
                        // done with this listener
                    } else if (res == -Errno.EMFILE || res == -Errno.ENFILE) {
                        // Out of fds: re-arming at once would spin; retry after a pause.
                        rearmPending[listener] = true;
                        rearmAtNs = System.nanoTime() + ACCEPT_FAILURES.pauseNs();
                    } else {
                        arm(listener);
                    }
                }
            }
            case UserData.OP_WAKEUP -> {
                wakeArmed = false;
                if (!stopRequested && res != -Errno.ECANCELED) {
                    ring.sq().prepRead(wakeFd, wakeRead.segment().address(), 8, 0, WAKE_UD);
                    wakeArmed = true;
                }
            }
            default -> {
                // cancel results: nothing to do
            }
        }
    }
}
