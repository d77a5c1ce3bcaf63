package io.ringbolt.engine.nio;

/**
 * What a {@link java.nio.channels.SelectionKey} of a reactor's selector is attached to: a
 * connection or a listening socket. Reactor thread only.
 */
interface NioSelectable {

    /**
     * The channel is ready for {@code readyOps} ({@code SelectionKey.OP_*} bits). Must not throw
     * for I/O errors: the implementation turns them into a close of its own channel.
     */
    void onReady(int readyOps);
}
