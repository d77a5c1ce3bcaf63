package io.ringbolt.engine.uring;

import io.ringbolt.uring.IoUring;
import io.ringbolt.uring.LinuxSocket;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * Turns a received sockaddr into an {@link InetSocketAddress} without allocating for a source
 * seen recently: a direct-mapped table of {@value #ENTRIES} entries keyed by the raw family,
 * address, port and scope. A miss (a new source, or a collision) decodes and replaces the entry.
 * Reactor thread only.
 */
final class SourceAddressCache {
    private static final int ENTRIES = 256;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private final long[] keyA = new long[ENTRIES];
    private final long[] keyB = new long[ENTRIES];
    private final long[] keyC = new long[ENTRIES];
    private final InetSocketAddress[] values = new InetSocketAddress[ENTRIES];

    /**
     * @param segment memory holding the sockaddr at {@code offset}
     * @param length  bytes of sockaddr stored there (16 or 28)
     * @return the address, or null for an unknown family
     */
    InetSocketAddress decode(MemorySegment segment, long offset, int length) {
        int family = segment.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset);
        long port = ((segment.get(ValueLayout.JAVA_BYTE, offset + 2) & 0xFFL) << 8) | (segment.get(ValueLayout.JAVA_BYTE, offset + 3) & 0xFFL);
        long a;
        long b;
        long c;
        if (family == IoUring.AF_INET && length >= LinuxSocket.SOCKADDR_IN_SIZE) {
            a = (1L << 62) | port;
            b = segment.get(INT, offset + 4) & 0xFFFF_FFFFL;
            c = 0;
        } else if (family == IoUring.AF_INET6 && length >= LinuxSocket.SOCKADDR_IN6_SIZE) {
            a = (2L << 62) | ((segment.get(INT, offset + 24) & 0xFFFF_FFFFL) << 16) | port;
            b = segment.get(LONG, offset + 8);
            c = segment.get(LONG, offset + 16);
        } else {
            return null;
        }
        long h = (a ^ b * 0x9E3779B97F4A7C15L ^ c * 0xC2B2AE3D27D4EB4FL);
        int i = (int) (h ^ (h >>> 29) ^ (h >>> 47)) & (ENTRIES - 1);
        InetSocketAddress v = values[i];
        if (v != null && keyA[i] == a && keyB[i] == b && keyC[i] == c) {
            return v;
        }
        v = LinuxSocket.decodeSockaddr(segment.asSlice(offset, length));
        keyA[i] = a;
        keyB[i] = b;
        keyC[i] = c;
        values[i] = v;
        return v;
    }
}
