package io.ringbolt.http.hpack;

/**
 * The static Huffman code of HPACK (RFC 7541 §5.2, Appendix B).
 *
 * <p>The code is canonical: within one length, codes go up with the symbol, and each length
 * starts where the previous one ended, shifted left. So the appendix is fully described by the
 * length of each symbol's code, which is all {@link #CODE_LENGTHS} holds; the codes themselves
 * and the decoding automaton are derived from it when the class loads. A mistyped length breaks
 * the Kraft sum, which the class checks, and the RFC's examples (Appendix C.4, C.6), which the
 * tests check.
 *
 * <p>Decoding walks a 4-bit automaton (nghttp2's technique): 256 states (the inner nodes of the
 * code tree) × 16 nibbles. Every code is at least 5 bits long, so a nibble completes at most one
 * symbol, which keeps each transition to one int.
 */
final class Huffman {
    private Huffman() {
    }

    /** Code length in bits of symbols 0–255 and EOS (256), Appendix B's last column. */
    private static final byte[] CODE_LENGTHS = {
            13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0-15
            28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16-31
            6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, //  !"#$%&'()*+,-./
            5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, // 0123456789:;<=>?
            13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, // @ABCDEFGHIJKLMNO
            7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, // PQRSTUVWXYZ[\]^_
            15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, // `abcdefghijklmno
            6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, // pqrstuvwxyz{|}~ DEL
            20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128-143
            24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144-159
            22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160-175
            21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176-191
            26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192-207
            19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208-223
            20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224-239
            26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240-255
            30 // EOS
    };

    private static final int EOS = 256;
    private static final int SYMBOLS = 257;

    /** Code of each symbol, right-aligned in its {@link #CODE_LENGTHS} bits. */
    static final int[] CODES = new int[SYMBOLS];

    /*
     * Automaton transition for (state << 4 | nibble):
     *   bits 0-8   the symbol completed by this nibble, valid when EMITS is set
     *   bit  9     EMITS
     *   bit  10    FAILS: the nibble walks into EOS (RFC 7541 §5.2: a decoding error)
     *   bits 16-23 the state after the nibble
     */
    private static final int EMITS = 1 << 9;
    private static final int FAILS = 1 << 10;
    private static final int[] TRANSITIONS;
    /** Whether a string may end in this state: at the root, or ≤ 7 bits into EOS's all-ones prefix. */
    private static final boolean[] ACCEPTS;

    static {
        assignCanonicalCodes();
        int[][] tree = buildTree();
        int[] depth = new int[256];
        boolean[] allOnes = new boolean[256];
        allOnes[0] = true;
        int[] order = new int[256];
        int count = 1;
        for (int i = 0; i < count; i++) {
            int node = order[i];
            for (int bit = 0; bit < 2; bit++) {
                int child = tree[node][bit];
                if (child > 0) {
                    depth[child] = depth[node] + 1;
                    allOnes[child] = allOnes[node] && bit == 1;
                    order[count++] = child;
                }
            }
        }
        if (count != 256) {
            throw new ExceptionInInitializerError("HPACK Huffman tree has " + count + " inner nodes, not 256");
        }
        ACCEPTS = new boolean[256];
        for (int s = 0; s < 256; s++) {
            ACCEPTS[s] = s == 0 || (allOnes[s] && depth[s] <= 7);
        }
        TRANSITIONS = new int[256 * 16];
        for (int state = 0; state < 256; state++) {
            for (int nibble = 0; nibble < 16; nibble++) {
                TRANSITIONS[state << 4 | nibble] = walk(tree, state, nibble);
            }
        }
    }

    private static void assignCanonicalCodes() {
        long kraft = 0; // sum of 2^(30 - length): exactly 2^30 for a complete prefix code
        int code = 0;
        int previousLength = 0;
        for (int length = 1; length <= 30; length++) {
            for (int symbol = 0; symbol < SYMBOLS; symbol++) {
                if (CODE_LENGTHS[symbol] == length) {
                    code <<= (length - previousLength);
                    previousLength = length;
                    CODES[symbol] = code++;
                    kraft += 1L << (30 - length);
                }
            }
        }
        if (kraft != 1L << 30) {
            throw new ExceptionInInitializerError("HPACK Huffman code lengths are not a complete code");
        }
    }

    /** Inner nodes 0..255 (0 = root); child {@code > 0} is an inner node, {@code <= 0} is leaf {@code -child}. */
    private static int[][] buildTree() {
        int[][] tree = new int[256][2];
        for (int[] node : tree) {
            node[0] = node[1] = Integer.MIN_VALUE;
        }
        int next = 1;
        for (int symbol = 0; symbol < SYMBOLS; symbol++) {
            int length = CODE_LENGTHS[symbol];
            int node = 0;
            for (int i = length - 1; i > 0; i--) {
                int bit = (CODES[symbol] >>> i) & 1;
                if (tree[node][bit] == Integer.MIN_VALUE) {
                    tree[node][bit] = next++;
                }
                node = tree[node][bit];
            }
            tree[node][CODES[symbol] & 1] = -symbol;
        }
        return tree;
    }

    private static int walk(int[][] tree, int state, int nibble) {
        int node = state;
        int result = 0;
        for (int i = 3; i >= 0; i--) {
            int child = tree[node][(nibble >>> i) & 1];
            if (child > 0) {
                node = child;
            } else {
                int symbol = -child;
                if (symbol == EOS) {
                    return FAILS;
                }
                result = EMITS | symbol;
                node = 0;
            }
        }
        return result | node << 16;
    }

    /** Length in bytes of {@code source[offset, offset + length)} Huffman-coded, padding included. */
    static int encodedLength(byte[] source, int offset, int length) {
        long bits = 0;
        for (int i = offset; i < offset + length; i++) {
            bits += CODE_LENGTHS[source[i] & 0xFF];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /** Length in bytes of the Latin-1 string {@code s} Huffman-coded. */
    static int encodedLength(CharSequence s) {
        long bits = 0;
        for (int i = 0; i < s.length(); i++) {
            bits += CODE_LENGTHS[s.charAt(i) & 0xFF];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /** Writes the Latin-1 string {@code s} Huffman-coded, padded with EOS's leading ones. */
    static void encode(CharSequence s, HpackBuffer out) {
        int at = out.reserve(encodedLength(s));
        byte[] dst = out.array();
        long pending = 0;
        int pendingBits = 0;
        for (int i = 0; i < s.length(); i++) {
            int symbol = s.charAt(i) & 0xFF;
            int length = CODE_LENGTHS[symbol];
            pending = pending << length | CODES[symbol];
            pendingBits += length;
            while (pendingBits >= 8) {
                pendingBits -= 8;
                dst[at++] = (byte) (pending >>> pendingBits);
            }
        }
        if (pendingBits > 0) {
            dst[at] = (byte) (pending << (8 - pendingBits) | (0xFF >>> pendingBits));
        }
    }

    /**
     * Decodes {@code source[offset, offset + length)} into {@code target} from 0, and returns the
     * decoded length, or -1 when it would exceed {@code limit}. {@code target} must hold
     * {@code min(limit, length * 8 / 5)} bytes: no symbol is shorter than 5 bits.
     *
     * @throws HpackException on EOS in the data, or padding that is longer than 7 bits or not
     *                        the most significant bits of EOS (RFC 7541 §5.2)
     */
    static int decode(byte[] source, int offset, int length, byte[] target, int limit) throws HpackException {
        int state = 0;
        int produced = 0;
        for (int i = offset; i < offset + length; i++) {
            int b = source[i] & 0xFF;
            for (int shift = 4; shift >= 0; shift -= 4) {
                int t = TRANSITIONS[state << 4 | ((b >>> shift) & 0xF)];
                if ((t & FAILS) != 0) {
                    throw new HpackException("Huffman string contains EOS");
                }
                if ((t & EMITS) != 0) {
                    if (produced == limit) {
                        return -1;
                    }
                    target[produced++] = (byte) t;
                }
                state = t >>> 16;
            }
        }
        if (!ACCEPTS[state]) {
            throw new HpackException("Huffman string has invalid padding");
        }
        return produced;
    }
}
