package io.ringbolt.engine;

import io.ringbolt.buffer.MemoryBudget;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Validated engine settings. Built by {@link Engine.Builder}; every invalid value is rejected
 * with an {@link IllegalArgumentException} whose message names the key: {@code key=value (rule)}.
 *
 * @param bindAddresses          addresses to listen on (empty: no listener, client use only)
 * @param reactorCount           reactor threads, default the available processors
 * @param backend                requested backend
 * @param acceptMode             how accepted connections reach reactors
 * @param shareListenPort        let other processes (of the same user) listen on the same ports
 *                               with SO_REUSEPORT, for zero-downtime restarts; when false (the
 *                               default) starting on a port that another socket already listens
 *                               on fails, in every accept mode
 * @param ringEntries            io_uring submission-queue entries per reactor (power of 2)
 * @param completionEntries      io_uring completion-queue entries per reactor (power of 2, ≥ ringEntries)
 * @param bufferSize             size of one receive buffer in bytes
 * @param bufferCount            receive buffers per reactor (power of 2, io_uring: ≤ 32768)
 * @param maxConnectionsPerReactor connections one reactor may hold; further accepts are closed
 * @param backlog                listen backlog
 * @param tcpNoDelay             TCP_NODELAY on accepted sockets
 * @param writeHighWaterMark     pending-output bytes above which a connection is not writable
 * @param writeLowWaterMark      pending-output bytes below which it is writable again
 * @param maxReceiveBufferBytes  unconsumed received bytes a connection may keep before it is closed
 * @param idleTimeout            close connections with no traffic for this long (ZERO: never)
 * @param writeTimeout           abort a connection whose pending output made no progress for
 *                               this long: a peer that stops reading cannot hold a connection,
 *                               its fd and its staged output forever (ZERO: never)
 * @param lingerTimeout          after a graceful local close, how long to wait for the peer's EOF
 *                               (discarding its bytes) before closing, so that a response is not
 *                               destroyed by a reset (ZERO: close at once)
 * @param shutdownGrace          how long {@link Engine#close()} waits for connections to finish
 * @param threadNamePrefix       prefix of reactor and acceptor thread names
 * @param memoryBudget           bounds the input all connections hold at once (kept input here,
 *                               request bodies and messages in the protocols); shared by every reactor
 * @param fatalErrorHandler      what happens when a reactor dies (default: the process exits)
 */
public record EngineConfig(
        List<InetSocketAddress> bindAddresses,
        int reactorCount,
        Backend backend,
        AcceptMode acceptMode,
        boolean shareListenPort,
        int ringEntries,
        int completionEntries,
        int bufferSize,
        int bufferCount,
        int maxConnectionsPerReactor,
        int backlog,
        boolean tcpNoDelay,
        int writeHighWaterMark,
        int writeLowWaterMark,
        int maxReceiveBufferBytes,
        Duration idleTimeout,
        Duration writeTimeout,
        Duration lingerTimeout,
        Duration shutdownGrace,
        String threadNamePrefix,
        MemoryBudget memoryBudget,
        FatalErrorHandler fatalErrorHandler) {

    /** Validates every field. */
    public EngineConfig {
        bindAddresses = List.copyOf(bindAddresses);
        require(reactorCount >= 1 && reactorCount <= 1024, "reactors", reactorCount, "must be 1..1024");
        if (backend == null) {
            throw new IllegalArgumentException("backend=null (expected io_uring, nio or auto)");
        }
        if (acceptMode == null) {
            throw new IllegalArgumentException("accept-mode=null (expected reuseport or acceptor)");
        }
        require(isPowerOfTwo(ringEntries) && ringEntries >= 8 && ringEntries <= 32768,
                "ring-entries", ringEntries, "must be a power of 2 in 8..32768");
        require(isPowerOfTwo(completionEntries) && completionEntries >= ringEntries && completionEntries <= 65536,
                "completion-entries", completionEntries, "must be a power of 2 in ring-entries..65536");
        require(bufferSize >= 256 && bufferSize <= 1 << 20, "buffer-size", bufferSize, "must be 256..1048576 bytes");
        require(isPowerOfTwo(bufferCount) && bufferCount >= 2 && bufferCount <= 32768,
                "buffer-count", bufferCount, "must be a power of 2 in 2..32768");
        require(maxConnectionsPerReactor >= 1 && maxConnectionsPerReactor <= 1 << 22,
                "max-connections", maxConnectionsPerReactor, "must be 1..4194304 per reactor");
        require(backlog >= 1 && backlog <= 65535, "backlog", backlog, "must be 1..65535");
        require(writeHighWaterMark >= 1024, "write-high-water", writeHighWaterMark, "must be at least 1024 bytes");
        require(writeLowWaterMark >= 0 && writeLowWaterMark < writeHighWaterMark,
                "write-low-water", writeLowWaterMark, "must be 0..write-high-water-1");
        require(maxReceiveBufferBytes >= bufferSize, "max-receive-buffer", maxReceiveBufferBytes,
                "must be at least buffer-size");
        if (idleTimeout == null || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idle-timeout=" + idleTimeout + " (must be zero or positive)");
        }
        if (writeTimeout == null || writeTimeout.isNegative()) {
            throw new IllegalArgumentException("write-timeout=" + writeTimeout + " (must be zero or positive)");
        }
        if (lingerTimeout == null || lingerTimeout.isNegative()) {
            throw new IllegalArgumentException("linger-timeout=" + lingerTimeout + " (must be zero or positive)");
        }
        if (shutdownGrace == null || shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdown-grace=" + shutdownGrace + " (must be zero or positive)");
        }
        if (threadNamePrefix == null || threadNamePrefix.isBlank()) {
            throw new IllegalArgumentException("thread-name-prefix=" + threadNamePrefix + " (must not be blank)");
        }
        if (memoryBudget == null) {
            throw new IllegalArgumentException("memory-budget=null (use MemoryBudget.unlimited() for none)");
        }
        if (fatalErrorHandler == null) {
            throw new IllegalArgumentException("fatal-error-handler=null");
        }
    }

    private static boolean isPowerOfTwo(int v) {
        return v > 0 && (v & (v - 1)) == 0;
    }

    private static void require(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(key + "=" + value + " (" + rule + ")");
        }
    }

    /** Linger timeout in nanoseconds, 0 when disabled. */
    public long lingerTimeoutNs() {
        return lingerTimeout.toNanos();
    }

    /** Write timeout in nanoseconds, 0 when disabled. */
    public long writeTimeoutNs() {
        return writeTimeout.toNanos();
    }

    /** Idle timeout in nanoseconds, 0 when disabled. */
    public long idleTimeoutNs() {
        return idleTimeout.toNanos();
    }
}
