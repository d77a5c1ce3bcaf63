package io.ringbolt.concurrent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Unbounded lock-free queue for many producer threads and exactly one consumer thread
 * (Vyukov's intrusive-free MPSC list). {@link #offer} is wait-free apart from one
 * {@code getAndSet}; {@link #poll} is wait-free but may briefly see the queue as empty while a
 * producer is between its two steps (the element then appears on a later poll).
 *
 * <p>Producers: any thread. Consumer methods ({@link #poll}, {@link #isEmpty}, {@link #drain}):
 * the one owner thread only.
 *
 * @param <E> element type
 */
public final class ManyToOneQueue<E> {
    private static final VarHandle PRODUCER_NODE;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PRODUCER_NODE = l.findVarHandle(ManyToOneQueue.class, "producerNode", Node.class);
            NEXT = l.findVarHandle(Node.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final class Node<E> {
        E value;
        @SuppressWarnings("unused") // accessed through NEXT
        volatile Node<E> next;

        Node(E value) {
            this.value = value;
        }
    }

    /** Last node linked by a producer; swapped atomically by {@link #offer}. */
    @SuppressWarnings("unused") // accessed through PRODUCER_NODE
    private volatile Node<E> producerNode;
    /** Consumer-owned stub: its successor is the next element. */
    private Node<E> consumerNode;

    /** An empty queue. */
    public ManyToOneQueue() {
        Node<E> stub = new Node<>(null);
        consumerNode = stub;
        producerNode = stub;
    }

    /** Appends {@code e}. Any thread. */
    public void offer(E e) {
        Objects.requireNonNull(e, "e");
        Node<E> node = new Node<>(e);
        @SuppressWarnings("unchecked")
        Node<E> prev = (Node<E>) PRODUCER_NODE.getAndSet(this, node);
        // Release pairs with the consumer's acquire read of next in poll(): it publishes node.value.
        NEXT.setRelease(prev, node);
    }

    /** Removes and returns the oldest element, or null. Consumer thread only. */
    public E poll() {
        Node<E> stub = consumerNode;
        @SuppressWarnings("unchecked")
        Node<E> next = (Node<E>) NEXT.getAcquire(stub); // pairs with setRelease in offer()
        if (next == null) {
            return null;
        }
        E value = next.value;
        next.value = null;
        consumerNode = next;
        return value;
    }

    /** True if no element is visible to the consumer. Consumer thread only. */
    public boolean isEmpty() {
        return NEXT.getAcquire(consumerNode) == null; // pairs with setRelease in offer()
    }

    /**
     * Hands at most {@code limit} elements to {@code sink} in order. Consumer thread only.
     *
     * @return how many were drained
     */
    public int drain(java.util.function.Consumer<? super E> sink, int limit) {
        int n = 0;
        while (n < limit) {
            E e = poll();
            if (e == null) {
                break;
            }
            n++;
            sink.accept(e);
        }
        return n;
    }
}
