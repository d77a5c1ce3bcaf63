package io.ringbolt.concurrent;

import java.util.Arrays;

/**
 * A reactor's timers: a binary min-heap on deadline. A heap rather than a hashed wheel, because
 * the loop sleeps in the kernel exactly until {@link #nextDeadlineNs()} and a heap knows that in
 * O(1); scheduling and removal are O(log n). Idle timeouts avoid churn by firing at the
 * deadline, checking the last activity and {@link #reschedule rescheduling}.
 *
 * <p>Owner thread only, except {@link Timer#cancel()}, which any thread may call: it marks the
 * timer and the owner drops it when it reaches the top of the heap.
 */
public final class TimerQueue {

    /** A scheduled task. */
    public static final class Timer {
        private long deadlineNs;
        private Runnable task;
        private int heapIndex = -1;
        private volatile boolean cancelled;

        private Timer(long deadlineNs, Runnable task) {
            this.deadlineNs = deadlineNs;
            this.task = task;
        }

        /** Deadline in {@link System#nanoTime()} terms. */
        public long deadlineNs() {
            return deadlineNs;
        }

        /** True while the timer is in its queue and not cancelled. */
        public boolean isPending() {
            return heapIndex >= 0 && !cancelled;
        }

        /**
         * Prevents the run if it has not happened yet. Any thread.
         *
         * @return true if the timer was pending and is now cancelled
         */
        public boolean cancel() {
            if (cancelled || task == null) {
                return false;
            }
            cancelled = true;
            return true;
        }
    }

    private Timer[] heap = new Timer[64];
    private int size;

    /** Schedules {@code task} at {@code deadlineNs}. Owner thread only. */
    public Timer schedule(long deadlineNs, Runnable task) {
        Timer t = new Timer(deadlineNs, task);
        add(t);
        return t;
    }

    /** Moves a pending or fired timer to a new deadline (re-adds a fired one). Owner thread only. */
    public void reschedule(Timer t, long deadlineNs) {
        t.cancelled = false;
        if (t.heapIndex >= 0) {
            long old = t.deadlineNs;
            t.deadlineNs = deadlineNs;
            if (deadlineNs < old) {
                siftUp(t.heapIndex);
            } else {
                siftDown(t.heapIndex);
            }
        } else {
            t.deadlineNs = deadlineNs;
            add(t);
        }
    }

    /** Removes a timer now. Owner thread only. */
    public boolean remove(Timer t) {
        int i = t.heapIndex;
        if (i < 0) {
            return false;
        }
        removeAt(i);
        return true;
    }

    /** Deadline of the earliest timer, or {@link Long#MAX_VALUE} when empty. Owner thread only. */
    public long nextDeadlineNs() {
        while (size > 0 && heap[0].cancelled) {
            removeAt(0);
        }
        return size == 0 ? Long.MAX_VALUE : heap[0].deadlineNs;
    }

    /** Number of queued timers, cancelled ones included until dropped. */
    public int size() {
        return size;
    }

    /**
     * Runs timers whose deadline is at or before {@code nowNs}, at most {@code limit} of them.
     * A task that throws is passed to {@code onError} and the rest still run.
     *
     * @return how many ran
     */
    public int runExpired(long nowNs, int limit, java.util.function.Consumer<Throwable> onError) {
        int ran = 0;
        while (ran < limit && size > 0) {
            Timer top = heap[0];
            if (top.cancelled) {
                removeAt(0);
                continue;
            }
            if (top.deadlineNs - nowNs > 0) {
                break;
            }
            removeAt(0);
            Runnable task = top.task;
            ran++;
            try {
                task.run();
            } catch (RuntimeException | AssertionError e) {
                onError.accept(e);
            }
        }
        return ran;
    }

    private void add(Timer t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = t;
        t.heapIndex = size;
        size++;
        siftUp(size - 1);
    }

    private void removeAt(int i) {
        Timer removed = heap[i];
        removed.heapIndex = -1;
        size--;
        if (i != size) {
            Timer last = heap[size];
            heap[i] = last;
            last.heapIndex = i;
            heap[size] = null;
            siftDown(i);
            siftUp(i);
        } else {
            heap[size] = null;
        }
    }

    private void siftUp(int i) {
        Timer t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = heap[parent];
            if (p.deadlineNs - t.deadlineNs <= 0) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Timer c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].deadlineNs - c.deadlineNs < 0) {
                child = right;
                c = heap[child];
            }
            if (t.deadlineNs - c.deadlineNs <= 0) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
