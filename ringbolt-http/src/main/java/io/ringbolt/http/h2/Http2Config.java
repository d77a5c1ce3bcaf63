package io.ringbolt.http.h2;

import java.time.Duration;

/**
 * Limits and settings of the server side of HTTP/2, with defaults close to nginx's and
 * Netty's. Every limit answers a known attack (RFC 9113 §10.5; CVE-2023-44487 rapid reset;
 * the 2024 CONTINUATION flood; CVE-2019-9512/9515/9518 ping, settings and empty-frame floods).
 *
 * @param maxConcurrentStreams       SETTINGS_MAX_CONCURRENT_STREAMS; streams past it are refused
 * @param initialWindowSizeBytes     SETTINGS_INITIAL_WINDOW_SIZE: how much body a stream may send unread
 * @param connectionWindowBytes      the connection's receive window, raised from 65,535 at start
 * @param maxFrameSizeBytes          SETTINGS_MAX_FRAME_SIZE this side accepts
 * @param maxHeaderListSizeBytes     SETTINGS_MAX_HEADER_LIST_SIZE: larger requests get 431
 * @param headerTableSizeBytes       SETTINGS_HEADER_TABLE_SIZE for the peer's HPACK encoder
 * @param maxContinuationFrames      CONTINUATIONs one header block may use
 * @param maxResetsPerWindow         streams the client may reset (or have refused) per window
 * @param resetWindow                the window of {@code maxResetsPerWindow}
 * @param maxControlFramesPerSecond  PING, SETTINGS, WINDOW_UPDATE, PRIORITY and empty DATA
 *                                   frames per second before the connection is ended
 * @param settingsAckTimeout         how long the peer has to acknowledge our SETTINGS
 */
public record Http2Config(
        int maxConcurrentStreams,
        int initialWindowSizeBytes,
        int connectionWindowBytes,
        int maxFrameSizeBytes,
        int maxHeaderListSizeBytes,
        int headerTableSizeBytes,
        int maxContinuationFrames,
        int maxResetsPerWindow,
        Duration resetWindow,
        int maxControlFramesPerSecond,
        Duration settingsAckTimeout) {

    public static Http2Config defaults() {
        return new Http2Config(128, 1 << 20, 16 << 20, Frames.DEFAULT_MAX_FRAME_SIZE, 64 * 1024, 4096, 64,
                400, Duration.ofSeconds(10), 2000, Duration.ofSeconds(10));
    }

    public Http2Config {
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("h2: maxConcurrentStreams=" + maxConcurrentStreams + " must be >= 1");
        }
        if (initialWindowSizeBytes < 1 || connectionWindowBytes < Frames.DEFAULT_WINDOW) {
            throw new IllegalArgumentException("h2: initialWindowSizeBytes=" + initialWindowSizeBytes
                    + " must be >= 1 and connectionWindowBytes=" + connectionWindowBytes + " >= 65535");
        }
        if (maxFrameSizeBytes < Frames.DEFAULT_MAX_FRAME_SIZE || maxFrameSizeBytes > Frames.MAX_FRAME_SIZE_LIMIT) {
            throw new IllegalArgumentException("h2: maxFrameSizeBytes=" + maxFrameSizeBytes + " must be in [16384, 16777215]");
        }
    }

    /** The largest compressed header block accepted: room for a full list that did not compress. */
    int maxHeaderBlockBytes() {
        return maxHeaderListSizeBytes + maxHeaderListSizeBytes / 2 + 1024;
    }
}
