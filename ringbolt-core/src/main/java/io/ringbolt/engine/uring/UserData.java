package io.ringbolt.engine.uring;

/**
 * The 64-bit {@code user_data} of every SQE this backend submits:
 * {@code op:8 | generation:24 | slot:32}. The generation of a connection slot changes each time
 * the slot is reused, so a completion that arrives after its connection is gone is recognised
 * as stale instead of touching the slot's next occupant.
 */
final class UserData {
    static final int OP_ACCEPT = 1;
    static final int OP_RECV = 2;
    static final int OP_SEND = 3;
    static final int OP_CANCEL = 4;
    static final int OP_CLOSE = 5;
    static final int OP_WAKEUP = 6;
    static final int OP_LISTENER_CLOSE = 7;
    /** IORING_OP_CONNECT of an outbound connection. */
    static final int OP_CONNECT = 8;
    /** The IORING_OP_LINK_TIMEOUT linked to an OP_CONNECT. */
    static final int OP_CONNECT_TIMEOUT = 9;

    /** The multishot IORING_OP_RECVMSG of a datagram socket. */
    static final int OP_DGRAM_RECV = 10;
    /** One IORING_OP_SENDMSG of a datagram socket (its user_data names the send slot). */
    static final int OP_DGRAM_SEND = 11;

    private static final int GENERATION_MASK = 0xFF_FFFF;

    private UserData() {
    }

    static long encode(int op, int generation, int slot) {
        return ((long) op << 56) | ((long) (generation & GENERATION_MASK) << 32) | (slot & 0xFFFF_FFFFL);
    }

    static int op(long userData) {
        return (int) (userData >>> 56);
    }

    static int generation(long userData) {
        return (int) (userData >>> 32) & GENERATION_MASK;
    }

    static int slot(long userData) {
        return (int) userData;
    }

    static int nextGeneration(int generation) {
        return (generation + 1) & GENERATION_MASK;
    }

    static String describe(long userData) {
        return "op=" + op(userData) + " gen=" + generation(userData) + " slot=" + slot(userData);
    }
}
