package io.ringbolt.examples;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.Engine;

/** The engine without HTTP: a TCP echo server as a {@link ConnectionHandler}. */
public final class EchoServer {
    private EchoServer() {
    }

    /** Sends every byte back; called on the connection's reactor thread, never blocks. */
    public static final class Echo implements ConnectionHandler {
        @Override
        public int onData(Connection c, ByteView data) {
            c.write(data, 0, data.length());       // copied into the connection's output buffer
            c.flush();                             // one send per loop iteration gathers it all
            return data.length();                  // consumed; unconsumed bytes come back next time
        }

        @Override
        public void onWritabilityChanged(Connection c, boolean writable) {
            c.setReadEnabled(writable);            // a peer that does not read stops being read
        }
    }

    public static void main(String[] args) {
        Engine engine = Engine.builder()
                .bind("127.0.0.1", 7007)
                .reactors(2)
                .handler(connection -> new Echo())  // one handler per connection
                .start();
        System.out.println(engine.statusLine());
    }
}
