package io.ringbolt.http.hpack;

import java.nio.charset.StandardCharsets;

/**
 * Encodes header blocks (RFC 7541) to send on one HTTP/2 connection.
 *
 * <p>Choices, per field:
 * <ol>
 *   <li>a field in the static or dynamic table is sent as its index (one byte, usually);</li>
 *   <li>a sensitive field ({@code authorization}, {@code proxy-authorization}, short
 *       {@code cookie} values, or one the caller marks) is a literal
 *       "never indexed" (RFC 7541 §7.1.3), so no intermediary caches it;</li>
 *   <li>fields whose values rarely repeat ({@code :path}, {@code content-length},
 *       {@code etag}, …) are literals without indexing, so they do not evict useful entries;</li>
 *   <li>everything else is added to the dynamic table (with an indexed name when there is one).</li>
 * </ol>
 * Strings are Huffman-coded unless that is longer. The table is bounded by the smaller of this
 * encoder's own cap and the peer's {@code SETTINGS_HEADER_TABLE_SIZE}; changes of the peer's
 * setting are announced at the start of the next block (the smallest value, then the final one,
 * RFC 7541 §4.2). Names must already be lower case (RFC 9113 §8.2.1) and all strings Latin-1.
 * Not thread-safe.
 */
public final class HpackEncoder {
    /** Longest string kept in {@link #STRING_CACHE}. */
    private static final int MAX_CACHED_STRING_CHARS = 96;
    /** Coded string literals (length prefix and octets) by value, direct-mapped by hash. */
    private static final EncodedString[] STRING_CACHE = new EncodedString[1024];

    private record EncodedString(String value, byte[] encoded) {
    }

    private final int capBytes;
    private final DynamicTable table;
    /** Smallest size the peer allowed since the last block, or -1 when unchanged. */
    private int smallestPendingSizeBytes = -1;
    private int pendingSizeBytes = -1;

    /** An encoder for a peer still at the default table size of 4096 bytes. */
    public HpackEncoder() {
        this(HpackDecoder.DEFAULT_TABLE_SIZE_BYTES);
    }

    /**
     * @param capBytes the most table memory this side is willing to use, whatever the peer allows
     */
    public HpackEncoder(int capBytes) {
        if (capBytes < 0) {
            throw new IllegalArgumentException("hpack: capBytes=" + capBytes + " must not be negative");
        }
        this.capBytes = capBytes;
        int initial = Math.min(capBytes, HpackDecoder.DEFAULT_TABLE_SIZE_BYTES);
        this.table = new DynamicTable(initial);
        if (initial < HpackDecoder.DEFAULT_TABLE_SIZE_BYTES) {
            // The peer's decoder starts at 4096; a smaller table must be announced or the two
            // would evict at different points (RFC 7541 §4.2).
            pendingSizeBytes = smallestPendingSizeBytes = initial;
        }
    }

    /** The peer's SETTINGS_HEADER_TABLE_SIZE changed; takes effect with the next block. */
    public void setPeerTableSizeBytes(int bytes) {
        int size = Math.min(bytes, capBytes);
        smallestPendingSizeBytes = smallestPendingSizeBytes < 0 ? size : Math.min(smallestPendingSizeBytes, size);
        pendingSizeBytes = size;
    }

    /** Starts a header block: writes the table size updates owed since the previous block. */
    public void beginBlock(HpackBuffer out) {
        if (pendingSizeBytes < 0) {
            return;
        }
        if (smallestPendingSizeBytes < pendingSizeBytes) {
            table.setMaxSizeBytes(smallestPendingSizeBytes);
            writeInteger(out, 0x20, 5, smallestPendingSizeBytes);
        }
        table.setMaxSizeBytes(pendingSizeBytes);
        writeInteger(out, 0x20, 5, pendingSizeBytes);
        pendingSizeBytes = -1;
        smallestPendingSizeBytes = -1;
    }

    /** Appends one field, choosing its representation as the class comment says. */
    public void encode(String name, String value, HpackBuffer out) {
        encode(name, value, isSensitive(name, value), out);
    }

    /** Appends one field; {@code sensitive} forces a never-indexed literal. */
    public void encode(String name, String value, boolean sensitive, HpackBuffer out) {
        if (!sensitive) {
            int index = indexOfField(name, value);
            if (index > 0) {
                writeInteger(out, 0x80, 7, index);
                return;
            }
        }
        int nameIndex = indexOfName(name);
        if (sensitive) {
            writeLiteral(out, 0x10, 4, nameIndex, name, value);
        } else if (isUnique(name) || 32 + name.length() + value.length() > table.maxSizeBytes() / 2) {
            writeLiteral(out, 0x00, 4, nameIndex, name, value);
        } else {
            writeLiteral(out, 0x40, 6, nameIndex, name, value);
            table.add(new DynamicTable.Entry(latin1(name), latin1(value), name, value));
        }
    }

    /** Current size of the dynamic table in RFC 7541 bytes. */
    public int tableSizeBytes() {
        return table.sizeBytes();
    }

    private int indexOfField(String name, String value) {
        int index = StaticTable.indexOfField(name, value);
        if (index > 0) {
            return index;
        }
        for (int i = 1; i <= table.count(); i++) {
            DynamicTable.Entry entry = table.get(i);
            if (entry.nameString().equals(name) && entry.valueString().equals(value)) {
                return StaticTable.LENGTH + i;
            }
        }
        return 0;
    }

    private int indexOfName(String name) {
        int index = StaticTable.indexOfName(name);
        if (index > 0) {
            return index;
        }
        for (int i = 1; i <= table.count(); i++) {
            if (table.get(i).nameString().equals(name)) {
                return StaticTable.LENGTH + i;
            }
        }
        return 0;
    }

    private static boolean isSensitive(String name, String value) {
        return switch (name) {
            case "authorization", "proxy-authorization" -> true;
            // RFC 7541 §7.1.3: short cookies can be guessed one by one if they are indexed.
            case "cookie" -> value.length() < 20;
            default -> false;
        };
    }

    private static boolean isUnique(String name) {
        return switch (name) {
            case ":path", "content-length", "content-range", "etag", "last-modified", "age",
                 "if-none-match", "if-modified-since", "range", "expires" -> true;
            default -> false;
        };
    }

    private static void writeLiteral(HpackBuffer out, int pattern, int prefixBits, int nameIndex,
                                     String name, String value) {
        writeInteger(out, pattern, prefixBits, nameIndex);
        if (nameIndex == 0) {
            writeString(out, name);
        }
        writeString(out, value);
    }

    /**
     * Writes a string literal, from {@link #STRING_CACHE} when it was written before. Literals
     * repeat on every response (a static file's etag, last-modified and content-length are
     * never indexed, by choice 3 above) and their coding depends on nothing but the string.
     */
    private static void writeString(HpackBuffer out, String s) {
        if (s.length() > MAX_CACHED_STRING_CHARS) {
            encodeString(out, s);
            return;
        }
        int slot = s.hashCode() & (STRING_CACHE.length - 1);
        EncodedString cached = STRING_CACHE[slot];
        if (cached != null && cached.value.equals(s)) {
            int at = out.reserve(cached.encoded.length);
            System.arraycopy(cached.encoded, 0, out.array(), at, cached.encoded.length);
            return;
        }
        int start = out.length();
        encodeString(out, s);
        // Racy on purpose: shared by every connection's encoder, a lost or overwritten entry
        // is only a miss, and the record's final fields publish its bytes safely.
        STRING_CACHE[slot] = new EncodedString(s, java.util.Arrays.copyOfRange(out.array(), start, out.length()));
    }

    /** RFC 7541 §5.2: Huffman unless it is longer (ties go to Huffman, as in the RFC's examples). */
    private static void encodeString(HpackBuffer out, String s) {
        int huffmanLength = Huffman.encodedLength(s);
        if (huffmanLength <= s.length() && !s.isEmpty()) {
            writeInteger(out, 0x80, 7, huffmanLength);
            Huffman.encode(s, out);
        } else {
            writeInteger(out, 0x00, 7, s.length());
            int at = out.reserve(s.length());
            byte[] bytes = out.array();
            for (int i = 0; i < s.length(); i++) {
                bytes[at + i] = (byte) s.charAt(i);
            }
        }
    }

    /** RFC 7541 §5.1, with {@code pattern} in the bits above the prefix. */
    static void writeInteger(HpackBuffer out, int pattern, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.writeByte(pattern | value);
            return;
        }
        out.writeByte(pattern | max);
        int rest = value - max;
        while (rest >= 0x80) {
            out.writeByte((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.writeByte(rest);
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
