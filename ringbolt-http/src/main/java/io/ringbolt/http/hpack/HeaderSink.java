package io.ringbolt.http.hpack;

/**
 * Receives the fields of one decoded header block, in order.
 *
 * <p>The arrays are the decoder's: a field's bytes are valid only during the call (they may be a
 * table entry or the decoder's scratch space, which the next field overwrites). Names arrive as
 * sent; checking them (lower case, pseudo-header rules) is HTTP/2's job, not HPACK's.
 */
@FunctionalInterface
public interface HeaderSink {
    /**
     * One field.
     *
     * @param neverIndexed the sender marked it "never indexed" (RFC 7541 §6.2.3): an
     *                     intermediary forwarding it must keep that representation
     */
    void onHeader(byte[] name, int nameOffset, int nameLength,
                  byte[] value, int valueOffset, int valueLength, boolean neverIndexed);
}
