package io.ringbolt.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * A snapshot of the engine's counters, summed over reactors. Each reactor's values are read
 * without stopping it, so while traffic flows the snapshot mixes slightly different instants
 * (a connection may already count as closed but not yet by reason, for a moment). Immutable.
 */
public final class EngineMetrics {
    private static final Counter[] COUNTERS = Counter.values();
    private static final CloseReason[] REASONS = CloseReason.values();

    private final long[] values;
    private final long[] closedBy;

    private EngineMetrics(long[] values, long[] closedBy) {
        this.values = values;
        this.closedBy = closedBy;
    }

    /** A builder that sums per-reactor values. */
    public static Builder builder() {
        return new Builder();
    }

    /** The value of one counter. */
    public long get(Counter counter) {
        return values[counter.ordinal()];
    }

    /** Connections closed for one reason since start. */
    public long closed(CloseReason reason) {
        return closedBy[reason.ordinal()];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("EngineMetrics[");
        for (Counter c : COUNTERS) {
            sb.append(c.name().toLowerCase()).append('=').append(values[c.ordinal()]).append(", ");
        }
        sb.append("closedBy={");
        for (CloseReason r : REASONS) {
            long v = closedBy[r.ordinal()];
            if (v != 0) {
                sb.append(r.name().toLowerCase()).append('=').append(v).append(' ');
            }
        }
        return sb.append("}]").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EngineMetrics m && Arrays.equals(values, m.values) && Arrays.equals(closedBy, m.closedBy);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(values) + Arrays.hashCode(closedBy);
    }

    /** Sums per-reactor values into one snapshot. Not thread-safe; one per snapshot. */
    public static final class Builder {
        private final long[] values = new long[COUNTERS.length];
        private final long[] closedBy = new long[REASONS.length];

        private Builder() {
        }

        /** Adds {@code delta} to a counter. */
        public Builder add(Counter counter, long delta) {
            values[Objects.requireNonNull(counter, "counter").ordinal()] += delta;
            return this;
        }

        /** Adds {@code delta} to the closes for one reason. */
        public Builder addClosed(CloseReason reason, long delta) {
            closedBy[Objects.requireNonNull(reason, "reason").ordinal()] += delta;
            return this;
        }

        /** The snapshot. */
        public EngineMetrics build() {
            return new EngineMetrics(values.clone(), closedBy.clone());
        }
    }
}
