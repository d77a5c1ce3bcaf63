package io.ringbolt.engine;


import java.io.IOException;

/**
 * A reactor that can own UDP sockets (both backends' reactors). Part of the seam between
 * {@link Engine} and its backends: applications neither implement nor call it.
 */
public interface DatagramReactor {

    /**
     * Opens, binds (and connects) a datagram socket owned by this reactor and starts receiving.
     * Reactor thread.
     *
     * @throws IOException naming the address and the errno when the socket cannot be opened
     */
    DatagramSocket openDatagram(DatagramSpec spec) throws IOException;
}
