package io.ringbolt.http;

import io.ringbolt.engine.Cancellable;
import io.ringbolt.engine.Reactor;

import java.util.concurrent.TimeUnit;

/**
 * The one timer of a connection, for whichever timeout applies now (idle keep-alive, header
 * read, body read). Moving the deadline later is a field write; the armed reactor timer fires
 * at the old deadline, sees the new one and re-arms itself once. Only an earlier deadline
 * re-arms at once. So a busy keep-alive connection costs no timer work per request.
 * Reactor thread only.
 */
final class ConnectionTimer {
    /** What the deadline guards; passed back on expiry. */
    enum Kind { NONE, IDLE, HEADER, BODY }

    /** Called when a deadline passes. */
    interface Expiry {
        void onTimeout(Kind kind);
    }

    private final Reactor reactor;
    private final Expiry expiry;
    private final Runnable fire = this::onFire;
    private Kind kind = Kind.NONE;
    private long deadlineNs;
    private Cancellable armed;
    private long armedDeadlineNs;

    ConnectionTimer(Reactor reactor, Expiry expiry) {
        this.reactor = reactor;
        this.expiry = expiry;
    }

    /** Guards {@code newKind} until {@code newDeadlineNs} ({@link Reactor#nanoTime()} terms). */
    void set(Kind newKind, long newDeadlineNs) {
        kind = newKind;
        deadlineNs = newDeadlineNs;
        if (armed == null || newDeadlineNs - armedDeadlineNs < 0) {
            arm(newDeadlineNs);
        }
    }

    /** Nothing to guard; an armed timer fires once more and does nothing. */
    void clear() {
        kind = Kind.NONE;
    }

    /** The kind currently guarded. */
    Kind kind() {
        return kind;
    }

    /** Cancels the reactor timer; the connection is gone. */
    void cancel() {
        kind = Kind.NONE;
        if (armed != null) {
            armed.cancel();
            armed = null;
        }
    }

    private void arm(long atNs) {
        if (armed != null) {
            armed.cancel();
        }
        armedDeadlineNs = atNs;
        armed = reactor.schedule(Math.max(0, atNs - reactor.nanoTime()), TimeUnit.NANOSECONDS, fire);
    }

    private void onFire() {
        armed = null;
        if (kind == Kind.NONE) {
            return;
        }
        if (reactor.nanoTime() - deadlineNs >= 0) {
            Kind k = kind;
            kind = Kind.NONE;
            expiry.onTimeout(k);
        } else {
            arm(deadlineNs);
        }
    }
}
