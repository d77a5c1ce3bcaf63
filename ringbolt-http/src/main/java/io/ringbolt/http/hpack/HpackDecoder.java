package io.ringbolt.http.hpack;

import java.util.Arrays;

/**
 * Decodes HPACK header blocks (RFC 7541) received on one HTTP/2 connection.
 *
 * <p>Limits:
 * <ul>
 *   <li>The dynamic table never exceeds the size this side advertised
 *       ({@code SETTINGS_HEADER_TABLE_SIZE}); a size update above it is an error.</li>
 *   <li>The decoded header list is bounded by {@code SETTINGS_MAX_HEADER_LIST_SIZE} counted as
 *       RFC 9113 §6.5.2 does (name + value + 32 per field). Past it, the rest of the block is
 *       still decoded, so the dynamic table stays in step with the peer's, but no more fields
 *       reach the sink and {@link #decode} returns false: the caller answers the request with
 *       431 or resets the stream, and the connection goes on. This is the defence against the
 *       "HPACK bomb" (a large table entry referenced thousands of times).</li>
 *   <li>Integers past 2^31 − 1 and strings running past the block are errors.</li>
 * </ul>
 *
 * <p>Allocation: a field that comes from the tables or is sent as a plain literal is handed to
 * the sink without copying; Huffman-coded strings are decoded into two scratch arrays that grow
 * to the largest string seen. Only fields added to the dynamic table are copied. Not
 * thread-safe: one decoder per connection, used by its reactor.
 */
public final class HpackDecoder {
    /** RFC 9113 §6.5.2's initial SETTINGS_HEADER_TABLE_SIZE. */
    public static final int DEFAULT_TABLE_SIZE_BYTES = 4096;

    private final DynamicTable table;
    private int settingsTableSizeBytes;
    private int maxHeaderListSizeBytes;
    /** Set when the advertised table size shrank below the table's: the next block must say so first. */
    private boolean sizeUpdateRequired;

    private byte[] nameScratch = new byte[64];
    private byte[] valueScratch = new byte[256];

    // The string just read: array, offset, length (the block itself, a scratch array, or a table entry).
    private byte[] stringArray;
    private int stringOffset;
    private int stringLength;
    /** The string was longer than the limits allow and was skipped, not decoded. */
    private boolean stringSkipped;

    private int position;
    private int end;

    /**
     * @param tableSizeBytes         the SETTINGS_HEADER_TABLE_SIZE this side advertises
     * @param maxHeaderListSizeBytes the SETTINGS_MAX_HEADER_LIST_SIZE this side enforces
     */
    public HpackDecoder(int tableSizeBytes, int maxHeaderListSizeBytes) {
        if (tableSizeBytes < 0 || maxHeaderListSizeBytes < 0) {
            throw new IllegalArgumentException("hpack: tableSizeBytes=" + tableSizeBytes
                    + " maxHeaderListSizeBytes=" + maxHeaderListSizeBytes + " must not be negative");
        }
        this.table = new DynamicTable(tableSizeBytes);
        this.settingsTableSizeBytes = tableSizeBytes;
        this.maxHeaderListSizeBytes = maxHeaderListSizeBytes;
    }

    /**
     * Takes a new advertised table size once the peer has acknowledged the SETTINGS frame that
     * carried it. A smaller size obliges the peer to open its next block with a size update
     * (RFC 7541 §4.2).
     */
    public void setTableSizeBytes(int bytes) {
        if (bytes < table.maxSizeBytes()) {
            sizeUpdateRequired = true;
        }
        settingsTableSizeBytes = bytes;
    }

    public void setMaxHeaderListSizeBytes(int bytes) {
        maxHeaderListSizeBytes = bytes;
    }

    /** Current size of the dynamic table in RFC 7541 bytes (for tests and metrics). */
    public int tableSizeBytes() {
        return table.sizeBytes();
    }

    /** Number of dynamic table entries. */
    public int tableEntryCount() {
        return table.count();
    }

    /**
     * Decodes one complete header block (HEADERS plus its CONTINUATIONs, padding removed).
     *
     * @return true when every field reached {@code sink}; false when the header list exceeded
     *         the limit and the fields past it were dropped (the table is still consistent)
     * @throws HpackException when the block is malformed; the connection must end
     */
    public boolean decode(byte[] block, int offset, int length, HeaderSink sink) throws HpackException {
        position = offset;
        end = offset + length;
        long listSizeBytes = 0;
        boolean withinLimit = true;
        boolean fieldSeen = false;
        while (position < end) {
            int b = block[position] & 0xFF;
            if ((b & 0xE0) == 0x20) {
                if (fieldSeen) {
                    throw new HpackException("dynamic table size update after a header field");
                }
                int size = readInteger(block, 5);
                if (size > settingsTableSizeBytes) {
                    throw new HpackException("dynamic table size update to " + size
                            + " exceeds the advertised " + settingsTableSizeBytes);
                }
                table.setMaxSizeBytes(size);
                sizeUpdateRequired = false;
                continue;
            }
            if (sizeUpdateRequired) {
                throw new HpackException("missing dynamic table size update after SETTINGS_HEADER_TABLE_SIZE shrank");
            }
            fieldSeen = true;
            byte[] name;
            int nameOffset;
            int nameLength;
            boolean nameSkipped;
            byte[] value;
            int valueOffset;
            int valueLength;
            boolean indexing = false;
            boolean neverIndexed = false;
            if ((b & 0x80) != 0) {
                int index = readInteger(block, 7);
                if (index == 0) {
                    throw new HpackException("indexed header field with index 0");
                }
                if (index <= StaticTable.LENGTH) {
                    name = StaticTable.name(index);
                    value = StaticTable.value(index);
                } else {
                    DynamicTable.Entry entry = dynamicEntry(index);
                    name = entry.name();
                    value = entry.value();
                }
                nameOffset = valueOffset = 0;
                nameLength = name.length;
                valueLength = value.length;
                nameSkipped = false;
            } else {
                int prefixBits;
                if ((b & 0xC0) == 0x40) {
                    indexing = true;
                    prefixBits = 6;
                } else {
                    neverIndexed = (b & 0xF0) == 0x10;
                    prefixBits = 4;
                }
                int nameIndex = readInteger(block, prefixBits);
                if (nameIndex == 0) {
                    readString(block, true);
                    if (!stringSkipped && stringLength == 0) {
                        throw new HpackException("empty header field name");
                    }
                } else if (nameIndex <= StaticTable.LENGTH) {
                    useWhole(StaticTable.name(nameIndex));
                } else {
                    useWhole(dynamicEntry(nameIndex).name());
                }
                name = stringArray;
                nameOffset = stringOffset;
                nameLength = stringLength;
                nameSkipped = stringSkipped;
                readString(block, false);
                value = stringArray;
                valueOffset = stringOffset;
                valueLength = stringLength;
                if (nameSkipped || stringSkipped) {
                    // Longer than both limits: the field is too large for the list, and an
                    // entry this size would empty the table (RFC 7541 §4.4).
                    withinLimit = false;
                    if (indexing) {
                        table.clear();
                    }
                    continue;
                }
                if (indexing) {
                    byte[] nameCopy = Arrays.copyOfRange(name, nameOffset, nameOffset + nameLength);
                    byte[] valueCopy = Arrays.copyOfRange(value, valueOffset, valueOffset + valueLength);
                    table.add(new DynamicTable.Entry(nameCopy, valueCopy, null, null));
                }
            }
            listSizeBytes += DynamicTable.ENTRY_OVERHEAD_BYTES + nameLength + valueLength;
            if (listSizeBytes > maxHeaderListSizeBytes) {
                withinLimit = false;
            }
            if (withinLimit) {
                sink.onHeader(name, nameOffset, nameLength, value, valueOffset, valueLength, neverIndexed);
            }
        }
        return withinLimit;
    }

    private DynamicTable.Entry dynamicEntry(int index) throws HpackException {
        int dynamicIndex = index - StaticTable.LENGTH;
        if (dynamicIndex > table.count()) {
            throw new HpackException("header table index " + index + " is past the table's "
                    + (StaticTable.LENGTH + table.count()) + " entries");
        }
        return table.get(dynamicIndex);
    }

    private void useWhole(byte[] bytes) {
        stringArray = bytes;
        stringOffset = 0;
        stringLength = bytes.length;
        stringSkipped = false;
    }

    /** RFC 7541 §5.1; the first byte's prefix is the low {@code prefixBits} bits of the current byte. */
    private int readInteger(byte[] block, int prefixBits) throws HpackException {
        int mask = (1 << prefixBits) - 1;
        int value = block[position++] & mask;
        if (value < mask) {
            return value;
        }
        long result = value;
        int shift = 0;
        while (true) {
            if (position >= end) {
                throw new HpackException("integer runs past the end of the header block");
            }
            int b = block[position++] & 0xFF;
            result += (long) (b & 0x7F) << shift;
            if (result > Integer.MAX_VALUE) {
                throw new HpackException("integer exceeds 2^31-1");
            }
            if ((b & 0x80) == 0) {
                return (int) result;
            }
            shift += 7;
        }
    }

    /** RFC 7541 §5.2. Sets the string fields; skips strings longer than both limits. */
    private void readString(byte[] block, boolean isName) throws HpackException {
        if (position >= end) {
            throw new HpackException("string literal missing at the end of the header block");
        }
        boolean huffman = (block[position] & 0x80) != 0;
        int length = readInteger(block, 7);
        if (length > end - position) {
            throw new HpackException("string literal of " + length + " bytes runs past the end of the header block");
        }
        int start = position;
        position += length;
        int limit = Math.max(maxHeaderListSizeBytes, settingsTableSizeBytes);
        stringSkipped = false;
        if (!huffman) {
            stringSkipped = length > limit;
            stringArray = block;
            stringOffset = start;
            stringLength = length;
            return;
        }
        // A Huffman code is at least 5 bits a symbol, so 8/5 of the coded length bounds the result.
        int capacity = (int) Math.min(limit, (length * 8L) / 5);
        byte[] scratch = isName ? nameScratch : valueScratch;
        if (scratch.length < capacity) {
            scratch = new byte[Math.min(limit, Math.max(capacity, scratch.length * 2))];
            if (isName) {
                nameScratch = scratch;
            } else {
                valueScratch = scratch;
            }
        }
        int decoded = Huffman.decode(block, start, length, scratch, limit);
        stringArray = scratch;
        stringOffset = 0;
        stringLength = Math.max(decoded, 0);
        stringSkipped = decoded < 0;
    }
}
