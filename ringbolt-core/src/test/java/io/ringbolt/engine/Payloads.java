package io.ringbolt.engine;

import java.util.SplittableRandom;

/** Deterministic pseudo-random payloads: the same seed always gives the same bytes. */
public final class Payloads {
    private Payloads() {
    }

    /** {@code size} bytes generated from {@code seed}. */
    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Stream(seed).next(b, 0, size);
        return b;
    }

    /** An endless deterministic byte stream, for payloads too big to hold twice. */
    public static final class Stream {
        private final SplittableRandom random;

        public Stream(long seed) {
            this.random = new SplittableRandom(seed);
        }

        /** Fills {@code dst[offset, offset+length)} with the next bytes of the stream. */
        public void next(byte[] dst, int offset, int length) {
            for (int i = 0; i < length; i++) {
                dst[offset + i] = (byte) random.nextInt(256);
            }
        }
    }
}
