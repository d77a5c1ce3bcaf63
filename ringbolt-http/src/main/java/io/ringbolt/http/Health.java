package io.ringbolt.http;

import io.ringbolt.engine.Engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Liveness and readiness for load balancers and Kubernetes probes, and the drain that makes a
 * rolling restart lose no request.
 *
 * <pre>{@code
 * Health health = new Health();
 * health.mount(router);                       // GET /health/live, GET /health/ready
 * Engine engine = Engine.builder().handler(HttpServer.create(router)).start();
 * health.ready();
 * Runtime.getRuntime().addShutdownHook(new Thread(() -> health.drainAndStop(engine, Duration.ofSeconds(5))));
 * }</pre>
 *
 * <p>States, forward only: {@link State#STARTING} → {@link State#READY} →
 * {@link State#DRAINING} → {@link State#STOPPED} ({@code STARTING → DRAINING} is allowed too).
 * {@code /health/live} answers 200 until STOPPED; {@code /health/ready} answers 200 only when
 * READY and 503 otherwise. Both bodies are the state's name in lower case, never cached.
 *
 * <p>Thread-safe: the state is read by the probe handlers on any reactor and changed from any
 * thread.
 */
public final class Health {
    /** Where the process is in its life. */
    public enum State {
        /** Running, not yet accepting traffic: live, not ready. */
        STARTING,
        /** Accepting traffic: live and ready. */
        READY,
        /** Shutting down: still serving, but ready answers 503 so balancers move traffic away. */
        DRAINING,
        /** The engine is stopped (or stopping after the drain delay): neither live nor ready. */
        STOPPED;

        private final byte[] body = (name().toLowerCase(java.util.Locale.ROOT) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Path of the liveness probe. */
    public static final String LIVE_PATH = "/health/live";
    /** Path of the readiness probe. */
    public static final String READY_PATH = "/health/ready";

    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);

    /** A health in state {@link State#STARTING}. */
    public Health() {
    }

    /** The current state. */
    public State state() {
        return state.get();
    }

    /** STARTING → READY; returns false (and changes nothing) from any other state. */
    public boolean ready() {
        return state.compareAndSet(State.STARTING, State.READY);
    }

    /**
     * STARTING or READY → DRAINING: readiness turns 503 while everything else is served as
     * before. Returns false (and changes nothing) when already draining or stopped.
     */
    public boolean drain() {
        State s = state.get();
        while (s == State.STARTING || s == State.READY) {
            if (state.compareAndSet(s, State.DRAINING)) {
                return true;
            }
            s = state.get();
        }
        return false;
    }

    /** Any state → STOPPED. */
    public void stopped() {
        state.set(State.STOPPED);
    }

    /** Registers {@code GET /health/live} and {@code GET /health/ready} on {@code router}. */
    public Health mount(Router router) {
        Objects.requireNonNull(router, "router").get(LIVE_PATH, this::live);
        router.get(READY_PATH, this::readiness);
        return this;
    }

    /** Handler of the liveness probe: 200 unless STOPPED. */
    public void live(HttpRequest request, HttpResponse response) {
        State s = state.get();
        answer(response, s != State.STOPPED, s);
    }

    /** Handler of the readiness probe: 200 only when READY. */
    public void readiness(HttpRequest request, HttpResponse response) {
        State s = state.get();
        answer(response, s == State.READY, s);
    }

    private static void answer(HttpResponse response, boolean ok, State s) {
        response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .contentType(ContentType.TEXT_PLAIN)
                .header("Cache-Control", "no-store")
                .send(s.body);
    }

    /**
     * The graceful stop for a rolling restart: turns DRAINING, keeps serving normally for
     * {@code drainDelay} (long enough for the balancer to see the 503 and stop sending new
     * connections: its probe interval times its failure threshold, or Kubernetes' endpoint
     * propagation), then stops {@code engine} with its configured shutdown grace (stop
     * accepting, let in-flight requests finish, close) and turns STOPPED. Blocks until done;
     * meant for a shutdown hook. An interrupt cuts the delay short and still stops the engine.
     */
    public void drainAndStop(Engine engine, Duration drainDelay) {
        Objects.requireNonNull(engine, "engine");
        drain();
        try {
            if (drainDelay.isPositive()) {
                Thread.sleep(drainDelay);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            engine.close();
            stopped();
        }
    }
}
