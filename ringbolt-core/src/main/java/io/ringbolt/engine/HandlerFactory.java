package io.ringbolt.engine;

/** Creates the handler of a new connection; called on the connection's reactor thread. */
@FunctionalInterface
public interface HandlerFactory {
    /**
     * @param connection the new connection, already open
     * @return its handler, not null
     */
    ConnectionHandler newHandler(Connection connection);
}
