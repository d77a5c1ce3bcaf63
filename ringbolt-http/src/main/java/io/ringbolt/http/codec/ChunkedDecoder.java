package io.ringbolt.http.codec;

import io.ringbolt.http.HttpStatus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Incremental decoder of the chunked transfer coding (RFC 9112 §7.1): chunk sizes, chunk
 * extensions (validated, then ignored), data and the trailer section. It consumes every byte
 * it is given up to the end of the message, so nothing has to be presented twice; the data is
 * handed to a {@link BodyConsumer} in place, and trailer field lines are kept (they are small
 * and rare) for {@link #trailerBytes()}.
 *
 * <p>Strict: a chunk size needs at least one hex digit and fits in 60 bits, whitespace is only
 * allowed before a ';', extension names are tokens, quoted values are well-formed, every line
 * ends in CRLF and data is followed by CRLF. Errors are values ({@link #errorStatus()}: 400,
 * 413 or 431). One instance per connection; not thread-safe.
 */
public final class ChunkedDecoder {
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final int MAX_CHUNK_LINE_BYTES = 4096;
    private static final long MAX_CHUNK_SIZE = 1L << 60;

    private static final int SIZE_START = 0, SIZE = 1, EXT_BWS = 2, EXT_NAME_START = 3, EXT_NAME = 4,
            EXT_AFTER_NAME = 5, EXT_VALUE_START = 6, EXT_TOKEN = 7, EXT_QUOTED = 8, EXT_QUOTED_ESCAPE = 9,
            EXT_AFTER_VALUE = 10, SIZE_LF = 11, DATA = 12, DATA_CR = 13, DATA_LF = 14, TRAILER_START = 15,
            TRAILER_NAME = 16, TRAILER_VALUE = 17, TRAILER_LF = 18, END_LF = 19, DONE = 20, ERROR = 21;

    private final int maxTrailerBytes;
    private final int maxTrailerFields;
    private int state;
    private long chunkRemaining;
    private long bodyBytes;
    private long maxBodyBytes;
    private int lineBytes;
    private byte[] trailers = new byte[0];
    private int trailerLength;
    private int trailerFields;
    private int errorStatus;
    private String errorReason;

    /**
     * @param maxTrailerBytes  largest trailer section (larger: 431)
     * @param maxTrailerFields most trailer fields (more: 431)
     */
    public ChunkedDecoder(int maxTrailerBytes, int maxTrailerFields) {
        this.maxTrailerBytes = maxTrailerBytes;
        this.maxTrailerFields = maxTrailerFields;
        reset(Long.MAX_VALUE);
    }

    /** Starts a new body that may decode to at most {@code maxBodyBytes} (more: 413). */
    public void reset(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
        state = SIZE_START;
        chunkRemaining = 0;
        bodyBytes = 0;
        lineBytes = 0;
        trailerLength = 0;
        trailerFields = 0;
        errorStatus = 0;
        errorReason = null;
    }

    /** True once the last chunk and the trailer section were read. */
    public boolean isDone() {
        return state == DONE;
    }

    /** True after a framing error; the connection must be closed. */
    public boolean isError() {
        return state == ERROR;
    }

    /** 400, 413 or 431 after an error. */
    public int errorStatus() {
        return errorStatus;
    }

    /** Constant description of the error. */
    public String errorReason() {
        return errorReason;
    }

    /** Decoded body bytes so far. */
    public long bodyBytes() {
        return bodyBytes;
    }

    /** The raw trailer field lines (each ending in CRLF), valid until the next {@link #reset}. */
    public byte[] trailerBytes() {
        return Arrays.copyOf(trailers, trailerLength);
    }

    /** Number of bytes in {@link #trailerBytes()}. */
    public int trailerLength() {
        return trailerLength;
    }

    /**
     * Decodes up to {@code length} bytes at {@code offset} of {@code segment}, passing data to
     * {@code sink}. Stops after the message's last byte.
     *
     * @return bytes consumed; less than {@code length} only when done or on error
     */
    public int decode(MemorySegment segment, long offset, int length, BodyConsumer sink) {
        int p = 0;
        while (p < length && state < DONE) {
            if (state == DATA) {
                int n = (int) Math.min(chunkRemaining, length - p);
                sink.onBodyBytes(segment, offset + p, n);
                p += n;
                chunkRemaining -= n;
                if (chunkRemaining == 0) {
                    state = DATA_CR;
                }
                continue;
            }
            int b = segment.get(BYTE, offset + p) & 0xFF;
            p++;
            if (state < SIZE_LF && ++lineBytes > MAX_CHUNK_LINE_BYTES) {
                return fail(p, HttpStatus.BAD_REQUEST, "chunk line too long");
            }
            if (state >= TRAILER_START && state <= TRAILER_LF && !(state == TRAILER_START && b == HttpChars.CR)
                    && !keepTrailerByte(b)) {
                return p;
            }
            if (!step(b)) {
                return p;
            }
        }
        return p;
    }

    private boolean step(int b) {
        switch (state) {
            case SIZE_START -> {
                int v = HttpChars.hexValue(b);
                if (v < 0) {
                    return error(HttpStatus.BAD_REQUEST, "invalid chunk size");
                }
                chunkRemaining = v;
                state = SIZE;
            }
            case SIZE -> {
                int v = HttpChars.hexValue(b);
                if (v >= 0) {
                    if (chunkRemaining >= MAX_CHUNK_SIZE >>> 4) {
                        return error(HttpStatus.BAD_REQUEST, "chunk size overflow");
                    }
                    chunkRemaining = (chunkRemaining << 4) | v;
                } else if (b == ';') {
                    state = EXT_NAME_START;
                } else if (HttpChars.isOws(b)) {
                    state = EXT_BWS;
                } else if (b == HttpChars.CR) {
                    state = SIZE_LF;
                } else {
                    return error(HttpStatus.BAD_REQUEST, "invalid chunk size");
                }
            }
            case EXT_BWS -> {
                if (b == ';') {
                    state = EXT_NAME_START;
                } else if (!HttpChars.isOws(b)) {
                    return error(HttpStatus.BAD_REQUEST, "invalid chunk extension");
                }
            }
            case EXT_NAME_START -> {
                if (HttpChars.isTchar(b)) {
                    state = EXT_NAME;
                } else if (!HttpChars.isOws(b)) {
                    return error(HttpStatus.BAD_REQUEST, "invalid chunk extension");
                }
            }
            case EXT_NAME, EXT_TOKEN, EXT_AFTER_NAME, EXT_AFTER_VALUE -> {
                return extensionSeparator(b);
            }
            case EXT_VALUE_START -> {
                if (b == '"') {
                    state = EXT_QUOTED;
                } else if (HttpChars.isTchar(b)) {
                    state = EXT_TOKEN;
                } else if (!HttpChars.isOws(b)) {
                    return error(HttpStatus.BAD_REQUEST, "invalid chunk extension");
                }
            }
            case EXT_QUOTED -> {
                if (b == '"') {
                    state = EXT_AFTER_VALUE;
                } else if (b == '\\') {
                    state = EXT_QUOTED_ESCAPE;
                } else if (!isQdtext(b)) {
                    return error(HttpStatus.BAD_REQUEST, "invalid quoted chunk extension");
                }
            }
            case EXT_QUOTED_ESCAPE -> {
                if (!(b == HttpChars.HTAB || b == HttpChars.SP || HttpChars.isFieldVchar(b))) {
                    return error(HttpStatus.BAD_REQUEST, "invalid quoted chunk extension");
                }
                state = EXT_QUOTED;
            }
            case SIZE_LF -> {
                if (b != HttpChars.LF) {
                    return error(HttpStatus.BAD_REQUEST, "bare CR in chunk line");
                }
                lineBytes = 0;
                if (chunkRemaining == 0) {
                    state = TRAILER_START;
                } else {
                    if (chunkRemaining > maxBodyBytes - bodyBytes) {
                        return error(HttpStatus.CONTENT_TOO_LARGE, "chunked body too large");
                    }
                    bodyBytes += chunkRemaining;
                    state = DATA;
                }
            }
            case DATA_CR -> {
                if (b != HttpChars.CR) {
                    return error(HttpStatus.BAD_REQUEST, "chunk data not followed by CRLF");
                }
                state = DATA_LF;
            }
            case DATA_LF -> {
                if (b != HttpChars.LF) {
                    return error(HttpStatus.BAD_REQUEST, "chunk data not followed by CRLF");
                }
                state = SIZE_START;
            }
            case TRAILER_START -> {
                if (b == HttpChars.CR) {
                    state = END_LF;
                } else if (HttpChars.isTchar(b)) {
                    if (++trailerFields > maxTrailerFields) {
                        return error(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many trailer fields");
                    }
                    state = TRAILER_NAME;
                } else {
                    return error(HttpStatus.BAD_REQUEST, "invalid trailer field");
                }
            }
            case TRAILER_NAME -> {
                if (b == ':') {
                    state = TRAILER_VALUE;
                } else if (!HttpChars.isTchar(b)) {
                    return error(HttpStatus.BAD_REQUEST, "invalid trailer field name");
                }
            }
            case TRAILER_VALUE -> {
                if (b == HttpChars.CR) {
                    state = TRAILER_LF;
                } else if (!HttpChars.isFieldVchar(b) && !HttpChars.isOws(b)) {
                    return error(HttpStatus.BAD_REQUEST, "invalid trailer field value");
                }
            }
            case TRAILER_LF -> {
                if (b != HttpChars.LF) {
                    return error(HttpStatus.BAD_REQUEST, "bare CR in trailer");
                }
                state = TRAILER_START;
            }
            case END_LF -> {
                if (b != HttpChars.LF) {
                    return error(HttpStatus.BAD_REQUEST, "bare CR after trailers");
                }
                state = DONE;
            }
            default -> throw new IllegalStateException("state=" + state);
        }
        return true;
    }

    private boolean extensionSeparator(int b) {
        if (b == ';') {
            state = EXT_NAME_START;
        } else if (b == HttpChars.CR) {
            state = SIZE_LF;
        } else if (state == EXT_NAME && HttpChars.isTchar(b) || state == EXT_TOKEN && HttpChars.isTchar(b)) {
            return true;
        } else if (b == '=' && (state == EXT_NAME || state == EXT_AFTER_NAME)) {
            state = EXT_VALUE_START;
        } else if (HttpChars.isOws(b)) {
            state = state == EXT_NAME ? EXT_AFTER_NAME : state == EXT_TOKEN ? EXT_AFTER_VALUE : state;
        } else {
            return error(HttpStatus.BAD_REQUEST, "invalid chunk extension");
        }
        return true;
    }

    private boolean keepTrailerByte(int b) {
        if (trailerLength >= maxTrailerBytes) {
            return error(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "trailer section too large");
        }
        if (trailerLength == trailers.length) {
            trailers = Arrays.copyOf(trailers, Math.max(64, trailers.length * 2));
        }
        trailers[trailerLength++] = (byte) b;
        return true;
    }

    private static boolean isQdtext(int b) {
        return b == HttpChars.HTAB || b == HttpChars.SP || b == 0x21 || (b >= 0x23 && b <= 0x5B)
                || (b >= 0x5D && b <= 0x7E) || b >= 0x80;
    }

    private boolean error(int status, String reason) {
        state = ERROR;
        errorStatus = status;
        errorReason = reason;
        return false;
    }

    private int fail(int consumed, int status, String reason) {
        error(status, reason);
        return consumed;
    }
}
