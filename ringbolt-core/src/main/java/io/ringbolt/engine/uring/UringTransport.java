package io.ringbolt.engine.uring;

import io.ringbolt.engine.AcceptMode;
import io.ringbolt.engine.Backend;
import io.ringbolt.engine.EngineConfig;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.Transport;
import io.ringbolt.engine.TransportServer;
import io.ringbolt.engine.runtime.Listeners;
import io.ringbolt.engine.runtime.ReactorServer;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.uring.Errno;
import io.ringbolt.uring.IoUringException;
import io.ringbolt.uring.IoUringProbe;
import io.ringbolt.uring.LinuxSocket;

import java.io.IOException;
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
        ListenSockets sockets = new ListenSockets(config.backlog(), config.tcpNoDelay());
        Listeners<Integer> listeners = Listeners.open(sockets, config.bindAddresses(), config.acceptMode(), reactorCount,
                config.shareListenPort());
        int[] acceptorFds = fds(listeners.acceptor());
        List<UringReactor> reactors = new ArrayList<>();
        UringAcceptor acceptor = null;
        try {
            for (int r = 0; r < reactorCount; r++) {
                UringReactor reactor = new UringReactor(config, r, handlerFactory, fds(listeners.perReactor().get(r)));
                reactors.add(reactor);
                reactor.start();
            }
            if (acceptorFds.length > 0) {
                acceptor = new UringAcceptor(config.threadNamePrefix() + "-acceptor", acceptorFds, List.copyOf(reactors));
                acceptor.start();
            }
        } catch (Exception e) {
            ReactorServer.stopReactors(reactors, 0, false);
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
        return new ReactorServer(reactors, acceptor, listeners.bound());
    }

    private static int[] fds(List<Integer> listeners) {
        return listeners.stream().mapToInt(Integer::intValue).toArray();
    }
}
