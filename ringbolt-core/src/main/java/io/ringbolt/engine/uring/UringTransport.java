package io.ringbolt.engine.uring;

import io.ringbolt.engine.AcceptMode;
import io.ringbolt.engine.Backend;
import io.ringbolt.engine.EngineConfig;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.runtime.Transport;
import io.ringbolt.engine.runtime.TransportServer;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.uring.Errno;
import io.ringbolt.uring.IoUringException;
import io.ringbolt.uring.IoUringProbe;
import io.ringbolt.uring.LinuxSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** The io_uring backend: usable when the kernel probe passes and the rings fit in RLIMIT_MEMLOCK. */
public final class UringTransport implements Transport {

    /** Creates the transport; nothing is probed until asked. */
    public UringTransport() {
    }

    @Override
    public Backend backend() {
        return Backend.IO_URING;
    }

    @Override
    public String unavailabilityCause(EngineConfig config) {
        IoUringProbe probe = IoUringProbe.get();
        if (!probe.isAvailable()) {
            return probe.unavailabilityCause();
        }
        return IoUringProbe.checkMemlock(requiredMemlockBytes(config));
    }

    /** What the configured rings and buffer rings charge to RLIMIT_MEMLOCK, roughly. */
    static long requiredMemlockBytes(EngineConfig config) {
        long perReactor = IoUringProbe.estimateRingBytes(config.ringEntries(), config.completionEntries())
                + Math.max(4096L, config.bufferCount() * 16L);
        long acceptor = config.acceptMode() == AcceptMode.ACCEPTOR ? IoUringProbe.estimateRingBytes(64, 1024) : 0;
        return perReactor * config.reactorCount() + acceptor;
    }

    @Override
    public String features() {
        return IoUringProbe.get().featureDescription();
    }

    @Override
    public TransportServer start(EngineConfig config, HandlerFactory handlerFactory) throws IOException {
        int reactorCount = config.reactorCount();
        List<InetSocketAddress> requested = config.bindAddresses();
        List<InetSocketAddress> bound = new ArrayList<>();
        List<Integer> opened = new ArrayList<>();
        int[][] perReactor = new int[reactorCount][];
        int[] acceptorFds = new int[0];
        try {
            if (config.acceptMode() == AcceptMode.REUSEPORT) {
                for (int r = 0; r < reactorCount; r++) {
                    perReactor[r] = new int[requested.size()];
                }
                for (int a = 0; a < requested.size(); a++) {
                    InetSocketAddress want = requested.get(a);
                    for (int r = 0; r < reactorCount; r++) {
                        int fd = ListenSockets.open(want, config.backlog(), true, config.tcpNoDelay());
                        opened.add(fd);
                        perReactor[r][a] = fd;
                        if (r == 0) {
                            // Port 0: every reactor's listener must share the port the first one got.
                            InetSocketAddress actual = ListenSockets.boundAddress(fd, want);
                            bound.add(actual);
                            want = new InetSocketAddress(want.getAddress(), actual.getPort());
                        }
                    }
                }
            } else {
                acceptorFds = new int[requested.size()];
                for (int a = 0; a < requested.size(); a++) {
                    int fd = ListenSockets.open(requested.get(a), config.backlog(), false, config.tcpNoDelay());
                    opened.add(fd);
                    acceptorFds[a] = fd;
                    bound.add(ListenSockets.boundAddress(fd, requested.get(a)));
                }
                for (int r = 0; r < reactorCount; r++) {
                    perReactor[r] = new int[0];
                }
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(LinuxSocket::close);
            throw e;
        }
        List<UringReactor> reactors = new ArrayList<>();
        UringAcceptor acceptor = null;
        try {
            for (int r = 0; r < reactorCount; r++) {
                UringReactor reactor = new UringReactor(config, r, handlerFactory, perReactor[r]);
                reactors.add(reactor);
                reactor.start();
            }
            if (acceptorFds.length > 0) {
                acceptor = new UringAcceptor(config.threadNamePrefix() + "-acceptor", acceptorFds, List.copyOf(reactors));
                acceptor.start();
            }
        } catch (Exception e) {
            UringServer partial = new UringServer(List.copyOf(reactors), null, bound);
            partial.stop(java.time.Duration.ZERO);
            if (acceptor == null) {
                for (int fd : acceptorFds) {
                    LinuxSocket.close(fd);
                }
            }
            if (e instanceof IoUringException iue && (iue.errno() == Errno.ENOMEM || iue.errno() == Errno.EPERM
                    || iue.errno() == Errno.ENOSYS)) {
                // The probe passed but this configuration cannot get its rings: that is
                // "unavailable" (AUTO falls back), not a bug.
                throw new BackendUnavailableException(iue.getMessage());
            }
            throw new IOException("io_uring backend failed to start: " + e.getMessage(), e);
        }
        System.getLogger("io.ringbolt.engine").log(System.Logger.Level.DEBUG, () -> "ringbolt: io_uring "
                + IoUringProbe.get().featureSummary() + "; the reactors use multishot accept+recv, a provided-buffer "
                + "ring and single-issuer defer-taskrun rings");
        return new UringServer(List.copyOf(reactors), acceptor, bound);
    }
}
