package io.ringbolt.server;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Carries the chat across processes through Redis pub/sub ({@code serve --chat-redis}): every
 * local message is published on one channel, prefixed with this process's origin id; every
 * message received from the channel with another origin is handed to the local room. The
 * process's own messages come back from Redis and are dropped by origin (the room already
 * delivered them locally).
 *
 * <p>Threads: Redis is only touched from two virtual threads of this class, a publisher fed
 * by a bounded queue ({@link #publish} never blocks: a full queue drops the message for other
 * processes, it still went to local peers) and a subscriber. No reactor thread ever waits on
 * Redis.
 *
 * <p>States: {@code CONNECTING} → {@code UP} (subscribed) ⇄ {@code DOWN} (Redis unreachable:
 * one warning is logged, the chat stays local, both threads retry with back-off from 100 ms to
 * {@link #MAX_BACKOFF}; one info line when Redis is back) → {@code CLOSED}.
 */
final class RedisChatRelay implements AutoCloseable {
    static final System.Logger LOG = System.getLogger("io.ringbolt.server.chat");
    static final String CHANNEL = "ringbolt:chat";
    static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    static final int QUEUE = 4096;
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final int TIMEOUT_MS = 2000;

    enum State { CONNECTING, UP, DOWN, CLOSED }

    private final String host;
    private final int port;
    private final String origin = UUID.randomUUID().toString();
    private final Consumer<String> deliver;
    private final BlockingQueue<String> outbound = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicReference<State> state = new AtomicReference<>(State.CONNECTING);
    private final Thread publisher;
    private final Thread subscriber;
    private volatile JedisPubSub subscription;

    /**
     * Starts relaying.
     *
     * @param redis   {@code redis://host[:port]}
     * @param deliver receives every message another process published; called on the subscriber thread
     */
    RedisChatRelay(URI redis, Consumer<String> deliver) {
        if (!"redis".equals(redis.getScheme()) || redis.getHost() == null) {
            throw new IllegalArgumentException("chat-redis=" + redis + " (must be redis://host[:port])");
        }
        this.host = redis.getHost();
        this.port = redis.getPort() > 0 ? redis.getPort() : 6379;
        this.deliver = Objects.requireNonNull(deliver, "deliver");
        this.subscriber = Thread.ofVirtual().name("chat-redis-sub").start(this::subscribeLoop);
        this.publisher = Thread.ofVirtual().name("chat-redis-pub").start(this::publishLoop);
    }

    /** Where this relay connects. */
    String address() {
        return host + ":" + port;
    }

    State state() {
        return state.get();
    }

    /** Queues {@code text} for the other processes; never blocks. Any thread. */
    void publish(String text) {
        if (state.get() != State.CLOSED && !outbound.offer(text)) {
            LOG.log(System.Logger.Level.DEBUG, "chat-redis: outbound queue full, a message stays local");
        }
    }

    private void subscribeLoop() {
        Duration backoff = MIN_BACKOFF;
        while (state.get() != State.CLOSED) {
            try (Jedis jedis = new Jedis(host, port, TIMEOUT_MS, 0)) { // no read timeout: a subscription waits
                JedisPubSub sub = new JedisPubSub() {
                    @Override
                    public void onSubscribe(String channel, int count) {
                        up();
                    }

                    @Override
                    public void onMessage(String channel, String message) {
                        int sep = message.indexOf('\n');
                        boolean mine = sep == origin.length() && message.startsWith(origin);
                        if (sep > 0 && !mine) {
                            deliver.accept(message.substring(sep + 1));
                        }
                    }
                };
                subscription = sub;
                jedis.subscribe(sub, CHANNEL);
                backoff = MIN_BACKOFF; // returned normally: unsubscribed by close()
            } catch (RuntimeException e) {
                down(e);
            }
            if (state.get() == State.CLOSED) {
                return;
            }
            if (!sleep(backoff)) {
                return;
            }
            backoff = next(backoff);
        }
    }

    private void publishLoop() {
        Jedis jedis = null;
        long retryAtNs = 0;
        Duration backoff = MIN_BACKOFF;
        try {
            while (state.get() != State.CLOSED) {
                String text = outbound.poll(1, TimeUnit.SECONDS);
                if (text == null) {
                    continue;
                }
                if (jedis == null) {
                    if (System.nanoTime() - retryAtNs < 0) {
                        continue; // Redis is down: the message stays local
                    }
                    jedis = new Jedis(host, port, TIMEOUT_MS, TIMEOUT_MS);
                }
                try {
                    jedis.publish(CHANNEL, origin + "\n" + text);
                    backoff = MIN_BACKOFF;
                } catch (RuntimeException e) {
                    jedis.close();
                    jedis = null;
                    retryAtNs = System.nanoTime() + backoff.toNanos();
                    backoff = next(backoff);
                    down(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (jedis != null) {
                jedis.close();
            }
        }
    }

    private void up() {
        State was = state.getAndUpdate(s -> s == State.CLOSED ? s : State.UP);
        if (was == State.DOWN) {
            LOG.log(System.Logger.Level.INFO, "chat-redis: Redis at " + address() + " is back; the chat spans processes again");
        } else if (was == State.CONNECTING) {
            LOG.log(System.Logger.Level.INFO, "chat-redis: relaying /chat through Redis at " + address() + ", channel " + CHANNEL);
        }
    }

    private void down(RuntimeException e) {
        State was = state.getAndUpdate(s -> s == State.CLOSED ? s : State.DOWN);
        if (was == State.UP || was == State.CONNECTING) {
            LOG.log(System.Logger.Level.WARNING, "chat-redis: Redis at " + address() + " is unreachable (" + e.getMessage()
                    + "); /chat messages stay local to this process, retrying up to every " + MAX_BACKOFF.toMillis() + " ms");
        }
    }

    private static Duration next(Duration d) {
        Duration doubled = d.multipliedBy(2);
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    private boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        state.set(State.CLOSED);
        JedisPubSub sub = subscription;
        if (sub != null && sub.isSubscribed()) {
            try {
                sub.unsubscribe();
            } catch (RuntimeException e) {
                // the connection is gone already
            }
        }
        subscriber.interrupt();
        publisher.interrupt();
    }
}
