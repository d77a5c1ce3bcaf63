package io.ringbolt.engine.stream;

import java.time.Duration;

/**
 * Per-connection limits and timeouts of a {@link ConnectionStream}. Together with the engine's
 * write water marks they bound what one stream holds: at most {@code receiveWindowBytes} of
 * received bytes copied for its readers, about {@code maxKeptInputBytes} more left with the
 * engine before reading pauses, and at most the high water mark plus
 * {@code maxQueuedWriteChunks × writeChunkBytes} of output.
 *
 * @param receiveWindowBytes   received bytes copied aside for the readers (a power of 2,
 *                             1 KiB..16 MiB); what does not fit stays with the engine
 * @param maxKeptInputBytes    bytes the engine may keep beyond the window before the stream
 *                             pauses reading (the peer is then held back by TCP); keep it well
 *                             below the engine's max-receive-buffer, which closes the connection
 *                             with OVERFLOW
 * @param writeChunkBytes      bytes one hand-off of written bytes to the reactor carries
 *                             (1 KiB..16 MiB); small writes are gathered into one chunk
 * @param maxQueuedWriteChunks chunks handed to the reactor and not yet staged, at most (1..64);
 *                             a writer blocks beyond it, as it does above the high water mark
 * @param readTimeout          how long a read waits for bytes before it throws
 *                             {@code SocketTimeoutException} (ZERO: forever)
 * @param writeTimeout         how long a write waits for room before it throws
 *                             {@code SocketTimeoutException} (ZERO: forever; the engine's own
 *                             write timeout still resets a connection whose peer stopped reading)
 */
public record StreamOptions(
        int receiveWindowBytes,
        int maxKeptInputBytes,
        int writeChunkBytes,
        int maxQueuedWriteChunks,
        Duration readTimeout,
        Duration writeTimeout) {

    private static final StreamOptions DEFAULTS = new StreamOptions(
            64 * 1024, 256 * 1024, 64 * 1024, 2, Duration.ZERO, Duration.ZERO);

    /** Validates every field; a violation names the key: {@code key=value (rule)}. */
    public StreamOptions {
        require(Integer.bitCount(receiveWindowBytes) == 1 && receiveWindowBytes >= 1024 && receiveWindowBytes <= 1 << 24,
                "receive-window-bytes", receiveWindowBytes, "must be a power of 2 in 1024..16777216");
        require(maxKeptInputBytes >= 0, "max-kept-input-bytes", maxKeptInputBytes, "must be zero or positive");
        require(writeChunkBytes >= 1024 && writeChunkBytes <= 1 << 24,
                "write-chunk-bytes", writeChunkBytes, "must be 1024..16777216");
        require(maxQueuedWriteChunks >= 1 && maxQueuedWriteChunks <= 64,
                "max-queued-write-chunks", maxQueuedWriteChunks, "must be 1..64");
        require(readTimeout != null && !readTimeout.isNegative(), "read-timeout", readTimeout, "must be zero or positive");
        require(writeTimeout != null && !writeTimeout.isNegative(), "write-timeout", writeTimeout, "must be zero or positive");
    }

    /** 64 KiB window, 256 KiB kept before pausing, 2 × 64 KiB write chunks, no timeouts. */
    public static StreamOptions defaults() {
        return DEFAULTS;
    }

    /** These options with another receive window and kept-input limit. */
    public StreamOptions withReceiveLimits(int windowBytes, int keptInputBytes) {
        return new StreamOptions(windowBytes, keptInputBytes, writeChunkBytes, maxQueuedWriteChunks, readTimeout, writeTimeout);
    }

    /** These options with another write chunk size and queue depth. */
    public StreamOptions withWriteChunks(int chunkBytes, int maxQueuedChunks) {
        return new StreamOptions(receiveWindowBytes, maxKeptInputBytes, chunkBytes, maxQueuedChunks, readTimeout, writeTimeout);
    }

    /** These options with another read timeout (ZERO: none). */
    public StreamOptions withReadTimeout(Duration timeout) {
        return new StreamOptions(receiveWindowBytes, maxKeptInputBytes, writeChunkBytes, maxQueuedWriteChunks, timeout, writeTimeout);
    }

    /** These options with another write timeout (ZERO: none). */
    public StreamOptions withWriteTimeout(Duration timeout) {
        return new StreamOptions(receiveWindowBytes, maxKeptInputBytes, writeChunkBytes, maxQueuedWriteChunks, readTimeout, timeout);
    }

    private static void require(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(key + "=" + value + " (" + rule + ")");
        }
    }
}
