package io.ringbolt.http.codec;

import java.nio.charset.StandardCharsets;

/** Frames for the chunked transfer coding of responses (RFC 9112 §7.1). Stateless. */
public final class ChunkedEncoder {
    /** The last chunk with an empty trailer section: {@code 0\r\n\r\n}. Shared; never modify. */
    public static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private ChunkedEncoder() {
    }

    /** Appends the chunk-size line for {@code size} (&gt; 0) bytes of data. */
    public static void writeChunkHeader(ByteBuf out, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size=" + size + " (a data chunk is never empty)");
        }
        out.writeHex(size).crlf();
    }

    /** Appends one whole chunk: size line, data, CRLF. */
    public static void writeChunk(ByteBuf out, byte[] data, int offset, int length) {
        if (length == 0) {
            return;
        }
        writeChunkHeader(out, length);
        out.write(data, offset, length).crlf();
    }

    /** Appends the last chunk followed by trailer fields (name/value pairs) and the final CRLF. */
    public static void writeLastChunk(ByteBuf out, String... trailerNamesAndValues) {
        if (trailerNamesAndValues.length == 0) {
            out.write(LAST_CHUNK);
            return;
        }
        out.write('0').crlf();
        for (int i = 0; i + 1 < trailerNamesAndValues.length; i += 2) {
            out.writeLatin1(trailerNamesAndValues[i]).write(':').write(' ').writeLatin1(trailerNamesAndValues[i + 1]).crlf();
        }
        out.crlf();
    }
}
