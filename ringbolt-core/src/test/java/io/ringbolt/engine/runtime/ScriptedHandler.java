package io.ringbolt.engine.runtime;

import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;

/** Records every callback as a line of text; what onData consumes is up to the test. */
class ScriptedHandler implements ConnectionHandler {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile ToIntFunction<ByteView> consume = ByteView::length;
    /** Runs inside onData, after the event is recorded and before {@link #consume}. */
    volatile java.util.function.BiConsumer<Connection, ByteView> onDataHook = (c, v) -> { };

    @Override
    public void onOpen(Connection c) {
        events.add("open");
    }

    @Override
    public int onData(Connection c, ByteView data) {
        events.add("data " + data.toString(0, data.length(), StandardCharsets.US_ASCII));
        onDataHook.accept(c, data);
        return consume.applyAsInt(data);
    }

    @Override
    public void onWritabilityChanged(Connection c, boolean writable) {
        events.add("writable " + writable);
    }

    @Override
    public void onInputClosed(Connection c) {
        events.add("input closed");
        ConnectionHandler.super.onInputClosed(c);
    }

    @Override
    public void onShutdown(Connection c) {
        events.add("shutdown");
        ConnectionHandler.super.onShutdown(c);
    }

    @Override
    public void onClose(Connection c, CloseReason reason) {
        events.add("close " + reason);
    }

    /** How many times onClose ran. */
    long closes() {
        return events.stream().filter(e -> e.startsWith("close ")).count();
    }
}
