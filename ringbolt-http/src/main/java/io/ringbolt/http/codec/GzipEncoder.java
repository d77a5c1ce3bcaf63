package io.ringbolt.http.codec;

import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip (RFC 1952) of whole bodies with one reused {@link Deflater}, so compressing a response
 * allocates nothing once the output buffer has grown. Call {@link #close()} to free the
 * deflater's native memory. Not thread-safe: keep one per thread.
 */
public final class GzipEncoder implements AutoCloseable {
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final Deflater deflater;
    private final CRC32 crc = new CRC32();

    /** @param level 1 (fastest) to 9 (smallest) */
    public GzipEncoder(int level) {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("gzip-level=" + level + " (must be 1..9)");
        }
        this.deflater = new Deflater(level, true);
    }

    /** Appends the gzip form of {@code len} bytes of {@code src} from {@code off} to {@code out}. */
    public void encode(byte[] src, int off, int len, ByteBuf out) {
        out.write(HEADER);
        deflater.reset();
        deflater.setInput(src, off, len);
        deflater.finish();
        while (!deflater.finished()) {
            out.ensureWritable(Math.max(256, len / 4 + 64));
            int n = deflater.deflate(out.array(), out.length(), out.capacity() - out.length());
            out.setLength(out.length() + n);
        }
        crc.reset();
        crc.update(src, off, len);
        writeIntLE(out, (int) crc.getValue());
        writeIntLE(out, len);
    }

    private static void writeIntLE(ByteBuf out, int v) {
        out.write(v).write(v >>> 8).write(v >>> 16).write(v >>> 24);
    }

    @Override
    public void close() {
        deflater.end();
    }
}
