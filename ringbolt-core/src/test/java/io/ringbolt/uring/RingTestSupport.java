package io.ringbolt.uring;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared helpers for io_uring tests: probe gating, ring creation, CQE collection, loopback. */
final class RingTestSupport {

    /** The flags the engine uses. */
    static final int ENGINE_FLAGS = IoUring.IORING_SETUP_SINGLE_ISSUER | IoUring.IORING_SETUP_DEFER_TASKRUN
            | IoUring.IORING_SETUP_SUBMIT_ALL;

    private static final long WAIT_SLICE_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(5);

    private RingTestSupport() {
    }

    static void assumeIoUring() {
        IoUringProbe probe = IoUringProbe.get();
        assumeTrue(probe.isAvailable(), () -> "io_uring unavailable: " + probe.unavailabilityCause());
    }

    static Ring newRing(int sqEntries, int cqEntries) {
        assumeIoUring();
        return Ring.create(sqEntries, cqEntries, ENGINE_FLAGS);
    }

    /** One completion, copied out of the CQ. */
    record Cqe(long userData, int res, int flags) {

        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        int bid() {
            return flags >>> IoUring.IORING_CQE_BUFFER_SHIFT;
        }
    }

    /** Collects CQEs of one ring; waits with bounded enters (no sleeps), failing after 5 s. */
    static final class CqeCollector {

        private final Ring ring;
        private final List<Cqe> unclaimed = new ArrayList<>();

        CqeCollector(Ring ring) {
            this.ring = ring;
        }

        /** Submits pending SQEs and waits for {@code count} new CQEs (in arrival order). */
        List<Cqe> await(int count) {
            long deadline = System.nanoTime() + DEADLINE_NS;
            while (unclaimed.size() < count) {
                pump(deadline, count - unclaimed.size());
            }
            List<Cqe> out = new ArrayList<>(unclaimed.subList(0, count));
            unclaimed.subList(0, count).clear();
            return out;
        }

        /** Submits pending SQEs and waits for the next CQE carrying {@code userData}. */
        Cqe awaitUserData(long userData) {
            long deadline = System.nanoTime() + DEADLINE_NS;
            while (true) {
                for (int i = 0; i < unclaimed.size(); i++) {
                    if (unclaimed.get(i).userData() == userData) {
                        return unclaimed.remove(i);
                    }
                }
                pump(deadline, 1);
            }
        }

        /** CQEs received and not yet claimed. */
        List<Cqe> unclaimed() {
            return unclaimed;
        }

        private void pump(long deadline, int wanted) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for CQEs; have " + unclaimed + ", ring " + ring);
            }
            int r = ring.submitAndWait(wanted, WAIT_SLICE_NS);
            if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR) {
                throw new AssertionError("submitAndWait: " + Errno.name(r));
            }
            ring.cq().reap((ud, res, flags) -> unclaimed.add(new Cqe(ud, res, flags)), Integer.MAX_VALUE);
        }
    }

    /** A listening IPv4 socket on 127.0.0.1 plus one accepted connection from a java.net.Socket. */
    static final class Loopback implements AutoCloseable {

        final int listenFd;
        final int port;
        Socket client;
        int serverFd = -1;

        Loopback() {
            listenFd = LinuxSocket.socket(IoUring.AF_INET, IoUring.SOCK_STREAM | IoUring.SOCK_CLOEXEC, 0);
            check("socket", listenFd);
            check("setsockopt", LinuxSocket.setsockoptInt(listenFd, IoUring.SOL_SOCKET, IoUring.SO_REUSEADDR, 1));
            check("bind", LinuxSocket.bind(listenFd, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            check("listen", LinuxSocket.listen(listenFd, 16));
            port = LinuxSocket.getsockname(listenFd).getPort();
        }

        /** Connects a client and accepts it through {@code ring} with a single-shot accept. */
        Loopback acceptVia(Ring ring, CqeCollector cqes, long userData) throws IOException {
            client = new Socket(InetAddress.getLoopbackAddress(), port);
            client.setTcpNoDelay(true);
            client.setSoTimeout(5_000);
            ring.sq().prepAccept(listenFd, IoUring.SOCK_CLOEXEC, userData);
            Cqe accepted = cqes.awaitUserData(userData);
            check("accept", accepted.res());
            serverFd = accepted.res();
            return this;
        }

        @Override
        public void close() throws IOException {
            if (client != null) {
                client.close();
            }
            if (serverFd >= 0) {
                LinuxSocket.close(serverFd);
            }
            LinuxSocket.close(listenFd);
        }

        static void check(String what, int r) {
            if (r < 0) {
                throw new AssertionError(what + " failed: " + Errno.name(r));
            }
        }
    }
}
