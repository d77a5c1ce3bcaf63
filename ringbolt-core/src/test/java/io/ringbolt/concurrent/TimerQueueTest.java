package io.ringbolt.concurrent;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Unit tests time out individually: jqwik properties do not take JUnit's {@code @Timeout}. */
class TimerQueueTest {
    private static final Consumer<Throwable> RETHROW = t -> {
        throw new AssertionError("task failed", t);
    };

    @Test
    @Timeout(10)
    void runsExpiredTimersInDeadlineOrder() {
        TimerQueue q = new TimerQueue();
        List<Integer> ran = new ArrayList<>();
        int[] deadlines = {50, 10, 40, 20, 30, 10};
        for (int i = 0; i < deadlines.length; i++) {
            int d = deadlines[i];
            q.schedule(d, () -> ran.add(d));
        }
        assertThat(q.nextDeadlineNs()).isEqualTo(10);
        assertThat(q.runExpired(30, 100, RETHROW)).isEqualTo(4);
        assertThat(ran).containsExactly(10, 10, 20, 30);
        assertThat(q.nextDeadlineNs()).isEqualTo(40);
        assertThat(q.runExpired(1000, 1, RETHROW)).as("limit").isEqualTo(1);
        assertThat(ran).endsWith(40);
        assertThat(q.size()).isEqualTo(1);
    }

    @Test
    @Timeout(10)
    void cancelledTimersNeverRunAndDoNotHoldTheNextDeadline() {
        TimerQueue q = new TimerQueue();
        List<String> ran = new ArrayList<>();
        TimerQueue.Timer a = q.schedule(10, () -> ran.add("a"));
        q.schedule(20, () -> ran.add("b"));
        assertThat(a.isPending()).isTrue();
        assertThat(a.cancel()).isTrue();
        assertThat(a.cancel()).isFalse();
        assertThat(a.isPending()).isFalse();
        assertThat(q.nextDeadlineNs()).as("cancelled head dropped").isEqualTo(20);
        q.runExpired(100, 100, RETHROW);
        assertThat(ran).containsExactly("b");
        assertThat(q.size()).isZero();
        assertThat(q.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    @Timeout(10)
    void removeTakesATimerOutAtOnce() {
        TimerQueue q = new TimerQueue();
        TimerQueue.Timer a = q.schedule(10, () -> { });
        TimerQueue.Timer b = q.schedule(20, () -> { });
        assertThat(q.remove(a)).isTrue();
        assertThat(q.remove(a)).isFalse();
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.nextDeadlineNs()).isEqualTo(b.deadlineNs());
    }

    @Test
    @Timeout(10)
    void rescheduleMovesPendingTimersAndReaddsFiredOnes() {
        TimerQueue q = new TimerQueue();
        List<String> ran = new ArrayList<>();
        TimerQueue.Timer a = q.schedule(10, () -> ran.add("a"));
        TimerQueue.Timer b = q.schedule(20, () -> ran.add("b"));
        q.reschedule(a, 30); // later
        assertThat(q.nextDeadlineNs()).isEqualTo(20);
        q.reschedule(b, 5); // earlier
        assertThat(q.nextDeadlineNs()).isEqualTo(5);
        q.runExpired(100, 100, RETHROW);
        assertThat(ran).containsExactly("b", "a");
        q.reschedule(a, 200); // fired: added again, like the idle timer does
        assertThat(a.isPending()).isTrue();
        q.runExpired(200, 100, RETHROW);
        assertThat(ran).containsExactly("b", "a", "a");
        // A cancelled timer that is rescheduled runs again.
        TimerQueue.Timer c = q.schedule(300, () -> ran.add("c"));
        c.cancel();
        q.reschedule(c, 310);
        q.runExpired(400, 100, RETHROW);
        assertThat(ran).endsWith("c");
    }

    @Test
    @Timeout(10)
    void aThrowingTaskIsReportedAndTheOthersStillRun() {
        TimerQueue q = new TimerQueue();
        List<Object> seen = new ArrayList<>();
        q.schedule(1, () -> {
            throw new IllegalStateException("boom");
        });
        q.schedule(2, () -> seen.add("after"));
        assertThat(q.runExpired(10, 10, seen::add)).isEqualTo(2);
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isInstanceOf(IllegalStateException.class);
        assertThat(seen.get(1)).isEqualTo("after");
    }

    @Test
    @Timeout(10)
    void deadlinesCompareAcrossNanoTimeWrapAround() {
        TimerQueue q = new TimerQueue();
        List<String> ran = new ArrayList<>();
        long now = Long.MAX_VALUE - 100;
        q.schedule(now + 200, () -> ran.add("after wrap")); // overflows to a negative value
        q.schedule(now + 50, () -> ran.add("before wrap"));
        assertThat(q.runExpired(now + 300, 10, RETHROW)).isEqualTo(2);
        assertThat(ran).containsExactly("before wrap", "after wrap");
    }

    /**
     * Model: a list of live timers sorted by deadline. Ops: schedule(deadline), cancel(i),
     * reschedule(i, deadline), run(now). Equal deadlines may run in any order, so each run is
     * compared as the multiset of deadlines that were due, checked to come out sorted.
     */
    @Property(tries = 300)
    void matchesASortedListModel(@ForAll("timerOps") List<Tuple.Tuple3<Integer, Integer, Integer>> ops) {
        TimerQueue q = new TimerQueue();
        List<Live> model = new ArrayList<>();
        List<long[]> ran = new ArrayList<>();
        long now = 0;
        int ids = 0;
        for (Tuple.Tuple3<Integer, Integer, Integer> op : ops) {
            int kind = op.get1();
            int pick = op.get2();
            int delta = op.get3();
            switch (kind) {
                case 0 -> {
                    int id = ids++;
                    long deadline = now + delta;
                    TimerQueue.Timer t = q.schedule(deadline, () -> ran.add(new long[] {deadline, id}));
                    model.add(new Live(t, deadline, id));
                }
                case 1 -> {
                    if (!model.isEmpty()) {
                        Live l = model.remove(pick % model.size());
                        assertThat(l.timer().cancel()).isTrue();
                    }
                }
                case 2 -> {
                    if (!model.isEmpty()) {
                        int i = pick % model.size();
                        Live l = model.get(i);
                        long deadline = now + delta;
                        q.reschedule(l.timer(), deadline);
                        int id = l.id();
                        // The task captured its original deadline; record the new one via the model.
                        model.set(i, new Live(l.timer(), deadline, id));
                    }
                }
                default -> {
                    now += delta;
                    long runNow = now;
                    List<Live> due = model.stream().filter(l -> l.deadline() <= runNow)
                            .sorted(Comparator.comparingLong(Live::deadline)).toList();
                    ran.clear();
                    q.runExpired(now, Integer.MAX_VALUE, RETHROW);
                    assertThat(ran.stream().map(r -> r[1]).sorted().toList())
                            .isEqualTo(due.stream().map(l -> (long) l.id()).sorted().toList());
                    // Order by the model's (possibly rescheduled) deadlines.
                    List<Long> ranDeadlines = ran.stream().map(r -> deadlineOf(model, (int) r[1])).toList();
                    assertThat(ranDeadlines).isSorted();
                    model.removeAll(due);
                }
            }
            long expectedNext = model.stream().mapToLong(Live::deadline).min().orElse(Long.MAX_VALUE);
            assertThat(q.nextDeadlineNs()).isEqualTo(expectedNext);
        }
    }

    /** A timer the model expects to be pending. */
    private record Live(TimerQueue.Timer timer, long deadline, int id) {
    }

    private static long deadlineOf(List<Live> model, int id) {
        return model.stream().filter(l -> l.id() == id).findFirst().orElseThrow().deadline();
    }

    @Provide
    Arbitrary<List<Tuple.Tuple3<Integer, Integer, Integer>>> timerOps() {
        Arbitrary<Integer> kind = Arbitraries.frequency(Tuple.of(5, 0), Tuple.of(1, 1), Tuple.of(2, 2), Tuple.of(2, 3));
        return net.jqwik.api.Combinators.combine(kind, Arbitraries.integers().between(0, 1000),
                        Arbitraries.integers().between(0, 100))
                .as(Tuple::of).list().ofMaxSize(150);
    }
}
