package io.ringbolt.http.codec;

import java.lang.foreign.MemorySegment;

/** Receives decoded body bytes; the bytes are valid only during the call. */
@FunctionalInterface
public interface BodyConsumer {
    /** {@code length} body bytes at {@code offset} of {@code segment}. */
    void onBodyBytes(MemorySegment segment, long offset, int length);
}
