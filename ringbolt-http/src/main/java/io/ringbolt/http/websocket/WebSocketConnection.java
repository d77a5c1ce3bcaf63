package io.ringbolt.http.websocket;

import io.ringbolt.buffer.MemoryBudget;
import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.Cancellable;
import io.ringbolt.engine.CloseReason;
import io.ringbolt.engine.Connection;
import io.ringbolt.engine.ConnectionHandler;
import io.ringbolt.engine.RateLimitedLog;
import io.ringbolt.engine.Reactor;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSocket protocol on one connection after the handshake (RFC 6455 §5–§7, RFC 7692):
 * frames in and out, message assembly or streaming, UTF-8 validation, control frames, the close
 * handshake, idle timeout and keep-alive pings, back-pressure, permessage-deflate. Written for
 * both roles: a server requires masked frames and sends unmasked ones, a client the reverse.
 *
 * <p>States: {@code OPEN} → {@code CLOSE_SENT} (this side started the close handshake and waits
 * for the peer's close frame, up to the close timeout) → {@code CLOSING} (the handshake is done or
 * the connection failed; the TCP connection is closing and input is dropped) → {@code CLOSED}.
 * A peer's close frame in {@code OPEN} is echoed and goes straight to {@code CLOSING}.
 *
 * <p>Memory: input is unmasked and inflated one 16 KiB chunk at a time; whole messages are
 * assembled in one array per connection, reserved from the engine's memory budget and bounded by
 * the message limit (a refusal fails the connection with 1013). Reading pauses while output is
 * above the connection's high water mark, so an echo to a peer that does not read stays bounded.
 *
 * <p>Outgoing fragmented messages have two states: the callers' view ({@code outgoingOpcode}, the
 * message a fragment call opened and no {@code last} ended yet, kept under {@code fragmentLock} so
 * misuse throws in the caller's thread) and the wire's (in {@link FrameWriter}, on the reactor).
 * They differ while fragments queued by another thread wait for the reactor; a whole message
 * that reaches the reactor in that window is held back there until the last fragment went out,
 * so data frames never interleave.
 *
 * <p>Reactor thread only, except the {@link WebSocket} methods.
 */
final class WebSocketConnection implements ConnectionHandler, WebSocket, FrameDecoder.Listener, MessageInflater.Sink {
    static final System.Logger LOG = System.getLogger("io.ringbolt.http.websocket");
    private static final RateLimitedLog HANDLER_ERRORS = new RateLimitedLog(LOG, System.Logger.Level.WARNING);
    private static final int OPEN = 0, CLOSE_SENT = 1, CLOSING = 2, CLOSED = 3;
    private static final int PAUSED_FOR_OUTPUT = 1, PAUSED_BY_APP = 2;
    /** A message buffer up to this size is kept for the next message; larger ones are dropped. */
    private static final int RETAINED_MESSAGE_BYTES = 64 * 1024;

    private final WebSocketHandler handler;
    private final WebSocketOptions options;
    private final String subprotocol;
    private final boolean client;
    private final PerMessageDeflate deflate;
    private final FrameDecoder decoder;
    private final Utf8Validator validator = new Utf8Validator();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Object fragmentLock = new Object();
    /** Fragment sends handed to the reactor and not run yet; a reactor-thread fragment queues behind them. */
    private final AtomicInteger queuedFragments = new AtomicInteger();
    /** The callers' open fragmented message: 0, TEXT or BINARY; written under fragmentLock. */
    private volatile int outgoingOpcode;
    private final byte[] control = new byte[FrameEncoder.MAX_CONTROL_PAYLOAD];
    private final Runnable tickTask = this::tick;
    private final Runnable closeTimeoutTask = this::onCloseTimeout;
    private final long idleTimeoutNs;
    private final long pingIntervalNs;

    private Connection connection;
    private Reactor reactor;
    private MemoryBudget budget;
    private MessageInflater inflater;
    private MessageDeflater deflater;
    private boolean streaming;
    private volatile int state = OPEN;
    private int readPauses;
    private Cancellable tickTimer;
    private Cancellable closeTimer;
    private long lastReceiveNs;
    private long lastPingNs;
    private Object attachment;

    private int closeCode = CloseCodes.ABNORMAL;
    private String closeReason = "";
    private String failReason;

    private int frameOpcode;
    private boolean frameFin;
    private int controlLength;
    private int messageOpcode;
    private boolean messageCompressed;
    private long messageLength;
    private byte[] message = new byte[0];
    private int messageFill;
    private long reservedBytes;
    private final byte[] carry = new byte[4];
    private int carryLength;
    private FrameWriter out;

    WebSocketConnection(WebSocketHandler handler, WebSocketOptions options, String subprotocol, PerMessageDeflate deflate,
                        boolean client) {
        this.handler = handler;
        this.options = options;
        this.subprotocol = subprotocol;
        this.client = client;
        this.deflate = deflate;
        this.decoder = new FrameDecoder(!client);
        this.idleTimeoutNs = options.idleTimeout().toNanos();
        this.pingIntervalNs = options.pingInterval().toNanos();
    }

    // ---- engine callbacks ----------------------------------------------------------------------

    @Override
    public void onOpen(Connection c) {
        connection = c;
        reactor = c.reactor();
        budget = reactor.memoryBudget();
        if (deflate != null) {
            boolean inboundReset = client ? deflate.serverNoContextTakeover() : deflate.clientNoContextTakeover();
            boolean outboundReset = client ? deflate.clientNoContextTakeover() : deflate.serverNoContextTakeover();
            inflater = new MessageInflater(inboundReset);
            deflater = new MessageDeflater(options.compressionLevel(), outboundReset);
        }
        out = new FrameWriter(c, options, deflate, deflater, client);
        lastReceiveNs = lastPingNs = reactor.nanoTime();
        readPauses = c.isWritable() ? 0 : PAUSED_FOR_OUTPUT;
        c.setReadEnabled(readPauses == 0);
        scheduleTick();
        try {
            streaming = handler.streamsMessages();
            handler.onOpen(this);
        } catch (Throwable t) {
            fail(handlerFailed(t), failReason);
        }
        c.flush();
    }

    @Override
    public int onData(Connection c, ByteView data) {
        if (state >= CLOSING) {
            return data.length();
        }
        int consumed = decoder.decode(data, this);
        if (decoder.isFailed()) {
            String reason = decoder.failureReason() != null ? decoder.failureReason() : failReason;
            fail(decoder.failureCode(), reason);
            consumed = data.length();
        } else if (state >= CLOSING) {
            consumed = data.length();
        }
        c.flush();
        return consumed;
    }

    @Override
    public void onWritabilityChanged(Connection c, boolean writable) {
        pause(PAUSED_FOR_OUTPUT, !writable);
        if (state < CLOSING) {
            try {
                handler.onWritabilityChanged(this, writable);
            } catch (Throwable t) {
                fail(handlerFailed(t), failReason);
            }
        }
    }

    @Override
    public void onInputClosed(Connection c) {
        // EOF without a close frame (or after ours, while waiting): nothing more can come.
        state = CLOSING;
        c.close();
    }

    @Override
    public void onShutdown(Connection c) {
        closeOnReactor(CloseCodes.GOING_AWAY, "server shutting down");
    }

    @Override
    public void onClose(Connection c, CloseReason reason) {
        state = CLOSED;
        cancelTimers();
        releaseMessage(true);
        out.discard();
        if (inflater != null) {
            inflater.close();
            deflater.close();
        }
        try {
            handler.onClose(this, closeCode, closeReason);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    // ---- frames in -------------------------------------------------------------------------------

    @Override
    public int onFrameHeader(boolean fin, int rsv, int opcode, long payloadLength) {
        lastReceiveNs = reactor.nanoTime();
        if ((rsv & 0x3) != 0) {
            return protocolError("RSV2/RSV3 set without an extension that defines them");
        }
        boolean rsv1 = (rsv & FrameEncoder.RSV1) != 0;
        frameOpcode = opcode;
        frameFin = fin;
        if (FrameEncoder.isControl(opcode)) {
            if (opcode > FrameEncoder.PONG) {
                return protocolError("reserved control opcode " + opcode);
            }
            if (!fin) {
                return protocolError("fragmented control frame");
            }
            if (payloadLength > FrameEncoder.MAX_CONTROL_PAYLOAD) {
                return protocolError("control frame payload longer than 125 bytes");
            }
            if (rsv1) {
                return protocolError("RSV1 set on a control frame");
            }
            controlLength = 0;
            return FrameDecoder.CONTINUE;
        }
        if (opcode > FrameEncoder.BINARY) {
            return protocolError("reserved data opcode " + opcode);
        }
        if (opcode == FrameEncoder.CONTINUATION) {
            if (messageOpcode == 0) {
                return protocolError("continuation frame without a message to continue");
            }
            if (rsv1) {
                return protocolError("RSV1 set on a continuation frame");
            }
        } else {
            if (messageOpcode != 0) {
                return protocolError("new message before the fragmented one ended");
            }
            if (rsv1 && inflater == null) {
                return protocolError("RSV1 set without permessage-deflate");
            }
            messageOpcode = opcode;
            messageCompressed = rsv1;
            messageLength = 0;
            messageFill = 0;
            carryLength = 0;
            validator.reset();
        }
        if (payloadLength > options.maxFrameBytes()) {
            return tooBig("frame of " + payloadLength + " bytes exceeds " + options.maxFrameBytes());
        }
        if (!messageCompressed && messageLength + payloadLength > options.maxMessageBytes()) {
            return tooBig("message exceeds " + options.maxMessageBytes() + " bytes");
        }
        return FrameDecoder.CONTINUE;
    }

    @Override
    public int onPayload(byte[] chunk, int offset, int length) {
        if (FrameEncoder.isControl(frameOpcode)) {
            System.arraycopy(chunk, offset, control, controlLength, length);
            controlLength += length;
            return FrameDecoder.CONTINUE;
        }
        if (state != OPEN) {
            return FrameDecoder.CONTINUE; // after our close frame, messages are dropped
        }
        int r = messageCompressed ? inflater.inflate(chunk, offset, length, this) : accept(chunk, offset, length);
        if (r == CloseCodes.INVALID_PAYLOAD && failReason == null) {
            failReason = "compressed data is not valid DEFLATE";
        }
        return r != FrameDecoder.CONTINUE ? r : readPauses != 0 ? FrameDecoder.PAUSE : FrameDecoder.CONTINUE;
    }

    /** Message bytes, inflated if the message was compressed. */
    @Override
    public int accept(byte[] bytes, int offset, int length) {
        messageLength += length;
        if (messageLength > options.maxMessageBytes()) {
            return tooBig("message exceeds " + options.maxMessageBytes() + " bytes");
        }
        if (messageOpcode == FrameEncoder.TEXT && !validator.update(bytes, offset, length)) {
            failReason = "text message is not valid UTF-8";
            return CloseCodes.INVALID_PAYLOAD;
        }
        if (streaming) {
            return deliverFragment(messageOpcode, bytes, offset, length, false);
        }
        return append(bytes, offset, length);
    }

    @Override
    public int onFrameEnd() {
        if (FrameEncoder.isControl(frameOpcode)) {
            return onControlFrame();
        }
        if (!frameFin) {
            return readPauses != 0 ? FrameDecoder.PAUSE : FrameDecoder.CONTINUE;
        }
        if (state != OPEN) {
            messageOpcode = 0;
            return FrameDecoder.CONTINUE;
        }
        if (messageCompressed) {
            int r = inflater.finish(this);
            if (r != FrameDecoder.CONTINUE) {
                if (r == CloseCodes.INVALID_PAYLOAD && failReason == null) {
                    failReason = "compressed data is not valid DEFLATE";
                }
                return r;
            }
        }
        if (messageOpcode == FrameEncoder.TEXT && !validator.isComplete()) {
            failReason = "text message ends inside a UTF-8 sequence";
            return CloseCodes.INVALID_PAYLOAD;
        }
        int opcode = messageOpcode;
        messageOpcode = 0;
        int r = streaming ? deliverFragment(opcode, null, 0, 0, true) : deliverMessage(opcode);
        if (r != FrameDecoder.CONTINUE) {
            return r;
        }
        return state >= CLOSING ? FrameDecoder.PAUSE : readPauses != 0 ? FrameDecoder.PAUSE : FrameDecoder.CONTINUE;
    }

    private int onControlFrame() {
        switch (frameOpcode) {
            case FrameEncoder.PING -> {
                if (state == OPEN) {
                    out.writeControl(FrameEncoder.PONG, control, 0, controlLength);
                }
                try {
                    handler.onPing(this, ByteBuffer.wrap(control, 0, controlLength));
                } catch (Throwable t) {
                    return handlerFailed(t);
                }
            }
            case FrameEncoder.PONG -> {
                try {
                    handler.onPong(this, ByteBuffer.wrap(control, 0, controlLength));
                } catch (Throwable t) {
                    return handlerFailed(t);
                }
            }
            default -> {
                return onCloseFrame();
            }
        }
        return readPauses != 0 ? FrameDecoder.PAUSE : FrameDecoder.CONTINUE;
    }

    /** RFC 6455 §5.5.1, §7.1.5, §7.4: validate, echo (when the peer started), close TCP. */
    private int onCloseFrame() {
        int code = CloseCodes.NO_STATUS;
        String reason = "";
        if (controlLength == 1) {
            return protocolError("close frame with a 1-byte payload");
        }
        if (controlLength >= 2) {
            code = ((control[0] & 0xFF) << 8) | (control[1] & 0xFF);
            if (!CloseCodes.isValidOnWire(code)) {
                return protocolError("invalid close code " + code);
            }
            if (!Utf8Validator.isValid(control, 2, controlLength - 2)) {
                failReason = "close reason is not valid UTF-8";
                return CloseCodes.INVALID_PAYLOAD;
            }
            reason = new String(control, 2, controlLength - 2, StandardCharsets.UTF_8);
        }
        if (state == OPEN) {
            out.writeControl(FrameEncoder.CLOSE, control, 0, controlLength);
        }
        closeCode = code;
        closeReason = reason;
        state = CLOSING;
        cancelTimers();
        connection.close();
        return FrameDecoder.PAUSE;
    }

    // ---- delivery ----------------------------------------------------------------------------------

    private int deliverMessage(int opcode) {
        try {
            if (opcode == FrameEncoder.TEXT) {
                handler.onText(this, new String(message, 0, messageFill, StandardCharsets.UTF_8));
            } else {
                handler.onBinary(this, ByteBuffer.wrap(message, 0, messageFill));
            }
        } catch (Throwable t) {
            return handlerFailed(t);
        } finally {
            releaseMessage(false);
        }
        return FrameDecoder.CONTINUE;
    }

    /** A streamed piece; text is cut after the last complete code point and the rest carried over. */
    private int deliverFragment(int opcode, byte[] bytes, int offset, int length, boolean last) {
        try {
            if (opcode == FrameEncoder.BINARY) {
                handler.onBinaryFragment(this, length == 0 ? ByteBuffer.allocate(0) : ByteBuffer.wrap(bytes, offset, length), last);
                return FrameDecoder.CONTINUE;
            }
            int total = carryLength + length;
            int keep = last ? 0 : validator.pendingBytes();
            byte[] src = bytes;
            int srcOffset = offset;
            if (carryLength > 0) {
                src = new byte[total];
                System.arraycopy(carry, 0, src, 0, carryLength);
                if (length > 0) {
                    System.arraycopy(bytes, offset, src, carryLength, length);
                }
                srcOffset = 0;
            }
            String text = total - keep == 0 ? "" : new String(src, srcOffset, total - keep, StandardCharsets.UTF_8);
            if (keep > 0) {
                System.arraycopy(src, srcOffset + total - keep, carry, 0, keep);
            }
            carryLength = keep;
            if (!text.isEmpty() || last) {
                handler.onTextFragment(this, text, last);
            }
        } catch (Throwable t) {
            return handlerFailed(t);
        }
        return FrameDecoder.CONTINUE;
    }

    private int append(byte[] bytes, int offset, int length) {
        int need = messageFill + length;
        if (need > message.length) {
            int capacity = (int) Math.min(options.maxMessageBytes(), Math.max(need, Math.max(1024L, message.length * 2L)));
            long more = capacity - (long) message.length;
            if (!budget.tryReserve(more)) {
                failReason = "server memory budget exhausted";
                return CloseCodes.TRY_AGAIN_LATER;
            }
            reservedBytes += more;
            message = Arrays.copyOf(message, capacity);
        }
        System.arraycopy(bytes, offset, message, messageFill, length);
        messageFill = need;
        return FrameDecoder.CONTINUE;
    }

    /** Drops a large message buffer after a message, any buffer when closed, and gives back its reservation. */
    private void releaseMessage(boolean all) {
        messageFill = 0;
        if (all || message.length > RETAINED_MESSAGE_BYTES) {
            message = new byte[0];
            if (reservedBytes > 0) {
                budget.release(reservedBytes);
                reservedBytes = 0;
            }
        }
    }

    // ---- failures ------------------------------------------------------------------------------------

    private int protocolError(String reason) {
        failReason = reason;
        return CloseCodes.PROTOCOL_ERROR;
    }

    private int tooBig(String reason) {
        failReason = reason;
        return CloseCodes.MESSAGE_TOO_BIG;
    }

    private int handlerFailed(Throwable t) {
        if (t instanceof VirtualMachineError vme) {
            throw vme;
        }
        int key = t.getClass().hashCode();
        if (HANDLER_ERRORS.isDue(key)) {
            HANDLER_ERRORS.log(key, "websocket " + id() + ": handler threw", t);
        }
        failReason = "internal error";
        return CloseCodes.INTERNAL_ERROR;
    }

    /** Fails the connection (RFC 6455 §7.1.7): our close frame, unless one went out already, then close TCP. */
    private void fail(int code, String reason) {
        if (state >= CLOSING) {
            return;
        }
        String why = reason == null ? "" : reason;
        LOG.log(System.Logger.Level.DEBUG, () -> "websocket " + id() + ": failing with " + code + " " + why);
        if (state == OPEN) {
            out.writeClose(code, why);
        }
        closeCode = code;
        closeReason = why;
        state = CLOSING;
        cancelTimers();
        connection.close();
    }

    // ---- timers -----------------------------------------------------------------------------------

    private void scheduleTick() {
        long periodNs = tickPeriodNs();
        if (periodNs > 0 && state == OPEN) {
            tickTimer = reactor.schedule(periodNs, TimeUnit.NANOSECONDS, tickTask);
        }
    }

    private long tickPeriodNs() {
        long p = 0;
        if (idleTimeoutNs > 0) {
            p = idleTimeoutNs;
        }
        if (pingIntervalNs > 0) {
            p = p == 0 ? pingIntervalNs : Math.min(p, pingIntervalNs);
        }
        return p == 0 ? 0 : Math.max(TimeUnit.MILLISECONDS.toNanos(10), p / 4);
    }

    private void tick() {
        tickTimer = null;
        if (state != OPEN) {
            return;
        }
        long now = reactor.nanoTime();
        long quietNs = now - lastReceiveNs;
        if (idleTimeoutNs > 0 && quietNs >= idleTimeoutNs) {
            closeOnReactor(CloseCodes.GOING_AWAY, "idle timeout");
            return;
        }
        if (pingIntervalNs > 0 && quietNs >= pingIntervalNs && now - lastPingNs >= pingIntervalNs) {
            lastPingNs = now;
            out.writeControl(FrameEncoder.PING, control, 0, 0);
            connection.flush();
        }
        scheduleTick();
    }

    private void onCloseTimeout() {
        closeTimer = null;
        if (state == CLOSE_SENT) {
            state = CLOSING;
            connection.close();
        }
    }

    private void cancelTimers() {
        if (tickTimer != null) {
            tickTimer.cancel();
            tickTimer = null;
        }
        if (closeTimer != null) {
            closeTimer.cancel();
            closeTimer = null;
        }
    }

    private void pause(int reason, boolean paused) {
        int before = readPauses;
        readPauses = paused ? before | reason : before & ~reason;
        if (state < CLOSED && (before == 0) != (readPauses == 0)) {
            connection.setReadEnabled(readPauses == 0);
        }
    }

    // ---- frames out -----------------------------------------------------------------------------------

    /** A whole data message on the reactor thread; a queued one was admitted already. */
    private boolean sendOnReactor(int opcode, byte[] payload, int offset, int length, boolean admitted) {
        if (state != OPEN || !admitted && out.isOverLimit()) {
            return false;
        }
        return out.sendMessage(opcode, payload, offset, length);
    }

    /** One fragment on the reactor thread; a queued one was admitted already (dropping it would corrupt the message). */
    private boolean sendFragmentOnReactor(int opcode, boolean first, boolean last, byte[] payload, int offset, int length,
                                          boolean admitted) {
        if (state != OPEN || !admitted && out.isOverLimit()) {
            return false;
        }
        return out.sendFragment(opcode, first, last, payload, offset, length);
    }

    private void closeOnReactor(int code, String reason) {
        if (state != OPEN) {
            return;
        }
        out.writeClose(code, reason);
        closeCode = code;
        closeReason = reason == null ? "" : reason;
        state = CLOSE_SENT;
        if (tickTimer != null) {
            tickTimer.cancel();
            tickTimer = null;
        }
        closeTimer = reactor.schedule(options.closeTimeout().toNanos(), TimeUnit.NANOSECONDS, closeTimeoutTask);
        connection.flush();
    }

    /** Runs a send on the reactor: at once on its thread, else as a task with a copy of the payload. */
    private boolean submit(int opcode, byte[] payload, int offset, int length, boolean owned) {
        requireNoFragmentedMessage();
        if (reactor.inReactorThread()) {
            return sendOnReactor(opcode, payload, offset, length, false);
        }
        if (!reserveQueued(length)) {
            return false;
        }
        byte[] copy = owned && offset == 0 ? payload : Arrays.copyOfRange(payload, offset, offset + length);
        reactor.execute(() -> {
            queuedBytes.addAndGet(-length);
            sendOnReactor(opcode, copy, 0, length, false);
        });
        return true;
    }

    /** A whole message may not go out while a fragmented one is open (RFC 6455 §5.4). */
    private void requireNoFragmentedMessage() {
        int open = outgoingOpcode;
        if (open != 0 && state == OPEN) {
            throw new IllegalStateException("websocket " + id() + ": a fragmented " + typeName(open)
                    + " message is open; end it (last = true) before sending another message");
        }
    }

    /** Counts {@code length} bytes about to be queued for the reactor; false (nothing counted) past the outbound limit. */
    private boolean reserveQueued(int length) {
        if (state != OPEN) {
            return false;
        }
        long queued = queuedBytes.addAndGet(length);
        if (queued + connection.pendingWriteBytes() > options.maxOutboundBytes()) {
            queuedBytes.addAndGet(-length);
            return false;
        }
        return true;
    }

    /**
     * One fragment of an outgoing message: checks it against the open message, runs or queues
     * it, and moves the callers' state only if it was taken. A queued fragment was admitted
     * against the outbound limit here, so the reactor sends it whatever the output is by then
     * (dropping it would corrupt the message).
     */
    private boolean submitFragment(int opcode, byte[] payload, int offset, int length, boolean owned, boolean last) {
        synchronized (fragmentLock) {
            int open = outgoingOpcode;
            if (open != 0 && open != opcode && state == OPEN) {
                throw new IllegalStateException("websocket " + id() + ": a fragmented " + typeName(open)
                        + " message is open; end it (last = true) before a " + typeName(opcode) + " fragment");
            }
            boolean first = open == 0;
            boolean taken;
            if (reactor.inReactorThread() && queuedFragments.get() == 0) {
                taken = sendFragmentOnReactor(opcode, first, last, payload, offset, length, false);
            } else if (reserveQueued(length)) {
                byte[] copy = owned && offset == 0 ? payload : Arrays.copyOfRange(payload, offset, offset + length);
                queuedFragments.incrementAndGet();
                reactor.execute(() -> {
                    queuedBytes.addAndGet(-length);
                    queuedFragments.decrementAndGet();
                    sendFragmentOnReactor(opcode, first, last, copy, 0, length, true);
                });
                taken = true;
            } else {
                taken = false;
            }
            if (taken) {
                outgoingOpcode = last ? 0 : opcode;
            }
            return taken;
        }
    }

    private static String typeName(int opcode) {
        return opcode == FrameEncoder.TEXT ? "text" : "binary";
    }

    // ---- WebSocket ------------------------------------------------------------------------------------

    @Override
    public long id() {
        return connection.id();
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }

    @Override
    public boolean isCompressed() {
        return deflate != null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public boolean sendText(CharSequence text) {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        return submit(FrameEncoder.TEXT, bytes, 0, bytes.length, true);
    }

    @Override
    public boolean sendBinary(ByteBuffer data) {
        requireNoFragmentedMessage(); // before the buffer is consumed
        int length = data.remaining();
        if (data.hasArray() && reactor.inReactorThread()) {
            boolean ok = submit(FrameEncoder.BINARY, data.array(), data.arrayOffset() + data.position(), length, false);
            data.position(data.limit());
            return ok;
        }
        byte[] copy = new byte[length];
        data.get(copy);
        return submit(FrameEncoder.BINARY, copy, 0, length, true);
    }

    @Override
    public boolean sendBinary(byte[] data, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, data.length);
        return submit(FrameEncoder.BINARY, data, offset, length, false);
    }

    @Override
    public boolean sendTextFragment(CharSequence text, boolean last) {
        int n = text.length();
        if (n > 0 && (Character.isLowSurrogate(text.charAt(0)) || Character.isHighSurrogate(text.charAt(n - 1)))) {
            throw new IllegalArgumentException("text fragment starts or ends inside a surrogate pair (cut between code points)");
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        return submitFragment(FrameEncoder.TEXT, bytes, 0, bytes.length, true, last);
    }

    @Override
    public boolean sendBinaryFragment(ByteBuffer data, boolean last) {
        int length = data.remaining();
        boolean taken;
        if (data.hasArray() && reactor.inReactorThread()) {
            taken = submitFragment(FrameEncoder.BINARY, data.array(), data.arrayOffset() + data.position(), length, false, last);
        } else {
            byte[] copy = new byte[length];
            data.duplicate().get(copy);
            taken = submitFragment(FrameEncoder.BINARY, copy, 0, length, true, last);
        }
        if (taken) {
            data.position(data.limit());
        }
        return taken;
    }

    @Override
    public boolean sendBinaryFragment(byte[] data, int offset, int length, boolean last) {
        java.util.Objects.checkFromIndexSize(offset, length, data.length);
        return submitFragment(FrameEncoder.BINARY, data, offset, length, false, last);
    }

    @Override
    public boolean ping(byte[] data) {
        if (data.length > FrameEncoder.MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("ping payload=" + data.length + " bytes (must be <= 125)");
        }
        byte[] copy = data.clone();
        if (state != OPEN) {
            return false;
        }
        onReactor(() -> {
            if (state == OPEN) {
                out.writeControl(FrameEncoder.PING, copy, 0, copy.length);
                connection.flush();
            }
        });
        return true;
    }

    @Override
    public void close(int code, String reason) {
        if (!CloseCodes.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code=" + code + " (not valid in a close frame)");
        }
        if (reason != null && reason.getBytes(StandardCharsets.UTF_8).length > FrameEncoder.MAX_CONTROL_PAYLOAD - 2) {
            throw new IllegalArgumentException("close reason longer than 123 bytes of UTF-8");
        }
        onReactor(() -> closeOnReactor(code, reason));
    }

    @Override
    public void abort() {
        connection.abort();
    }

    @Override
    public boolean isOpen() {
        return state == OPEN && connection.isOpen();
    }

    @Override
    public boolean isWritable() {
        return connection.isWritable();
    }

    @Override
    public void setReadEnabled(boolean enabled) {
        onReactor(() -> pause(PAUSED_BY_APP, !enabled));
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    private void onReactor(Runnable task) {
        if (reactor.inReactorThread()) {
            task.run();
        } else {
            reactor.execute(task);
        }
    }

    @Override
    public String toString() {
        return "WebSocket[" + (connection == null ? "new" : Long.toString(connection.id())) + "]";
    }
}
