package io.ringbolt.engine;

/**
 * The server app's echo handler (ringbolt-server's EchoHandler, copied so core tests do not
 * depend on the server module): writes every byte back and stops reading while the peer does
 * not read its echoes.
 */
public class EchoTestHandler implements ConnectionHandler {
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
