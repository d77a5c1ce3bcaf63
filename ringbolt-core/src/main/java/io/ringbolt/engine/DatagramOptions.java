package io.ringbolt.engine;

/**
 * Settings of a datagram socket.
 *
 * @param maxDatagramBytes   largest datagram received whole and accepted by {@code send}
 *                           (1..65527; 65507 is the IPv4 UDP maximum); sizes each receive buffer
 * @param receiveBuffers     receive buffers per socket (io_uring provided buffers; a power of 2)
 * @param sendQueueDatagrams datagrams that may wait to be sent, in flight included
 * @param sendQueueBytes     payload bytes that may wait to be sent
 * @param socketBufferBytes  SO_RCVBUF and SO_SNDBUF, or 0 for the kernel's default
 */
public record DatagramOptions(int maxDatagramBytes, int receiveBuffers, int sendQueueDatagrams, int sendQueueBytes,
                              int socketBufferBytes) {
    /** The largest UDP payload over IPv6 (65535 - 8); IPv4's is 65507. */
    public static final int MAX_UDP_PAYLOAD = 65527;

    /** Validates. @throws IllegalArgumentException naming the setting */
    public DatagramOptions {
        if (maxDatagramBytes < 1 || maxDatagramBytes > MAX_UDP_PAYLOAD) {
            throw new IllegalArgumentException("maxDatagramBytes=" + maxDatagramBytes + " (must be 1.." + MAX_UDP_PAYLOAD + ")");
        }
        if (receiveBuffers < 1 || receiveBuffers > 32768 || Integer.bitCount(receiveBuffers) != 1) {
            throw new IllegalArgumentException("receiveBuffers=" + receiveBuffers + " (must be a power of 2, 1..32768)");
        }
        if (sendQueueDatagrams < 1) {
            throw new IllegalArgumentException("sendQueueDatagrams=" + sendQueueDatagrams + " (must be >= 1)");
        }
        if (sendQueueBytes < maxDatagramBytes) {
            throw new IllegalArgumentException("sendQueueBytes=" + sendQueueBytes + " (must be >= maxDatagramBytes=" + maxDatagramBytes + ")");
        }
        if (socketBufferBytes < 0) {
            throw new IllegalArgumentException("socketBufferBytes=" + socketBufferBytes + " (must be >= 0)");
        }
    }

    /** 65507-byte datagrams, 64 receive buffers, a send queue of 1024 datagrams or 1 MiB, kernel socket buffers. */
    public static DatagramOptions defaults() {
        return new DatagramOptions(65507, 64, 1024, 1 << 20, 0);
    }

    /** A copy with another {@link #maxDatagramBytes()} (the send queue grows to hold one). */
    public DatagramOptions withMaxDatagramBytes(int value) {
        return new DatagramOptions(value, receiveBuffers, sendQueueDatagrams, Math.max(sendQueueBytes, value), socketBufferBytes);
    }

    /** A copy with another {@link #receiveBuffers()}. */
    public DatagramOptions withReceiveBuffers(int value) {
        return new DatagramOptions(maxDatagramBytes, value, sendQueueDatagrams, sendQueueBytes, socketBufferBytes);
    }

    /** A copy with another send queue bound. */
    public DatagramOptions withSendQueue(int datagrams, int bytes) {
        return new DatagramOptions(maxDatagramBytes, receiveBuffers, datagrams, bytes, socketBufferBytes);
    }

    /** A copy with SO_RCVBUF/SO_SNDBUF set to {@code value} bytes (0: kernel default). */
    public DatagramOptions withSocketBufferBytes(int value) {
        return new DatagramOptions(maxDatagramBytes, receiveBuffers, sendQueueDatagrams, sendQueueBytes, value);
    }
}
