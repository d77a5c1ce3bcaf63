package io.ringbolt.server;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;

/**
 * Writes every received byte back. Back-pressure: stops reading while the peer does not read
 * its echoes, so server memory stays bounded by the write high water mark.
 */
public final class EchoHandler implements ConnectionHandler {
    @Override
    public int onData(Connection connection, ByteView data) {
        connection.write(data, 0, data.length());
        connection.flush();
        return data.length();
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        connection.setReadEnabled(writable);
    }
}
