package io.ringbolt.http.hpack;

/**
 * The dynamic table of RFC 7541 §2.3.2 and §4: a FIFO of fields, newest first, whose size is
 * the sum of {@code 32 + name length + value length} over its entries, kept at or below
 * {@link #maxSizeBytes()} by evicting the oldest.
 *
 * <p>A ring of slots; entries are immutable records, so a lookup hands out the arrays without
 * copying. One table per direction per connection; not thread-safe.
 */
final class DynamicTable {
    /** RFC 7541 §4.1: each entry costs 32 bytes beyond its name and value. */
    static final int ENTRY_OVERHEAD_BYTES = 32;

    /** One field; the strings are set only on the encoder's side, which compares them. */
    record Entry(byte[] name, byte[] value, String nameString, String valueString) {
        int sizeBytes() {
            return ENTRY_OVERHEAD_BYTES + name.length + value.length;
        }
    }

    private Entry[] ring = new Entry[16];
    private int newest = -1; // slot of the newest entry
    private int count;
    private int sizeBytes;
    private int maxSizeBytes;

    DynamicTable(int maxSizeBytes) {
        this.maxSizeBytes = maxSizeBytes;
    }

    int count() {
        return count;
    }

    int sizeBytes() {
        return sizeBytes;
    }

    int maxSizeBytes() {
        return maxSizeBytes;
    }

    /** Entry {@code i}, 1 = newest (dynamic index {@code 61 + i}). */
    Entry get(int i) {
        int slot = newest - (i - 1);
        if (slot < 0) {
            slot += ring.length;
        }
        return ring[slot];
    }

    /** RFC 7541 §4.3: a new maximum evicts until the table fits. */
    void setMaxSizeBytes(int bytes) {
        maxSizeBytes = bytes;
        evictTo(bytes);
    }

    /**
     * RFC 7541 §4.4: evicts until the entry fits, then adds it; an entry larger than the
     * maximum empties the table and is not added.
     */
    void add(Entry entry) {
        int entrySize = entry.sizeBytes();
        if (entrySize > maxSizeBytes) {
            evictTo(0);
            return;
        }
        evictTo(maxSizeBytes - entrySize);
        if (count == ring.length) {
            growRing();
        }
        newest = (newest + 1) % ring.length;
        ring[newest] = entry;
        count++;
        sizeBytes += entrySize;
    }

    /** Empties the table: what adding an entry larger than the maximum does (RFC 7541 §4.4). */
    void clear() {
        evictTo(0);
    }

    private void evictTo(int bytes) {
        while (sizeBytes > bytes) {
            int oldest = newest - (count - 1);
            if (oldest < 0) {
                oldest += ring.length;
            }
            sizeBytes -= ring[oldest].sizeBytes();
            ring[oldest] = null;
            count--;
        }
    }

    private void growRing() {
        Entry[] bigger = new Entry[ring.length * 2];
        for (int i = count; i >= 1; i--) {
            bigger[count - i] = get(i);
        }
        ring = bigger;
        newest = count - 1;
    }
}
