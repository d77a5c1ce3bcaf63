package io.ringbolt.http;

import io.ringbolt.engine.ByteView;

/**
 * Receives a request body as it arrives instead of having it buffered, for uploads larger
 * than memory should hold. Set per route with {@link Route#streamBody(Factory)}; the factory
 * runs when the head is complete, the sink gets every piece of the body, then the route's
 * handler runs with {@link HttpRequest#bodySink()} and {@link HttpRequest#bodyLength()} (the
 * bytes received). Reactor thread; must not block.
 */
@FunctionalInterface
public interface BodySink {
    /** A piece of the body; {@code data} is valid only during the call. */
    void onBodyData(ByteView data) throws Exception;

    /** Creates the sink of one request from its head. */
    @FunctionalInterface
    interface Factory {
        /** @return the sink for {@code request}'s body, not null */
        BodySink create(HttpRequest request) throws Exception;
    }

    /** Drops the bytes; the handler still sees how many arrived. */
    BodySink DISCARD = data -> { };

    /** A factory that always returns {@link #DISCARD}. */
    Factory DISCARDING = request -> DISCARD;
}
