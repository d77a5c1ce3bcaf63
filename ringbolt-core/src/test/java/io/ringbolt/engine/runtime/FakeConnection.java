package io.ringbolt.engine.runtime;

import java.net.InetSocketAddress;

/**
 * A connection whose "kernel" is the test: {@link #startSend()} only records that a send of
 * everything staged is in flight, and {@link #completeSend(long)} reports it done. Reactor
 * thread only, like the real thing.
 */
final class FakeConnection extends AbstractConnection {
    int sendsStarted;
    boolean inFlight;
    Boolean closedAbortive;
    boolean kernelReading = true;
    boolean openedOk;

    FakeConnection(AbstractReactor reactor) {
        super(reactor);
    }

    @Override
    protected void startSend() {
        if (!inFlight) {
            sendsStarted++;
            inFlight = true;
        }
    }

    @Override
    protected boolean sendInFlight() {
        return inFlight;
    }

    /** The kernel accepted {@code bytes} of the send in flight. */
    void completeSend(long bytes) {
        inFlight = false;
        onSendCompleted(bytes);
    }

    @Override
    protected void closeSocket(boolean abortive) {
        closedAbortive = abortive;
        inFlight = false;
        releaseOutput();
    }

    /** Whether the socket's sending side was shut down (the lingering close, or shutdownOutput). */
    boolean outputShutdown;

    @Override
    protected void shutdownSocketOutput() {
        outputShutdown = true;
    }

    @Override
    protected void readEnabledChanged(boolean enabled) {
        kernelReading = enabled;
    }

    @Override
    protected InetSocketAddress fetchRemoteAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    protected InetSocketAddress fetchLocalAddress() {
        return new InetSocketAddress("127.0.0.1", 8080);
    }
}
