package io.ringbolt.http.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringbolt.http.hpack.HpackBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server side of RFC 9113 driven frame by frame (h2spec's case list is the map): settings,
 * streams, flow control, malformed requests, and the floods.
 */
class Http2ServerSessionTest {

    private static Http2Config config(int maxStreams, int initialWindow) {
        Http2Config d = Http2Config.defaults();
        return new Http2Config(maxStreams, initialWindow, d.connectionWindowBytes(), d.maxFrameSizeBytes(),
                d.maxHeaderListSizeBytes(), d.headerTableSizeBytes(), d.maxContinuationFrames(), d.maxResetsPerWindow(),
                d.resetWindow(), d.maxControlFramesPerSecond(), d.settingsAckTimeout());
    }

    private static H2Peer started() {
        H2Peer peer = new H2Peer();
        peer.preface();
        peer.serverFrames();
        return peer;
    }

    @Test
    void theServerSendsItsSettingsAndAcknowledgesTheClients() {
        H2Peer peer = new H2Peer();
        peer.preface(new Http2Settings().maxConcurrentStreams(10));
        assertThat(peer.serverFrames()).containsExactly(
                "SETTINGS 2=0 3=128 4=1048576 6=65536",
                "WINDOW_UPDATE 0 16711681",
                "SETTINGS ACK");
    }

    @Test
    void aGetIsAnsweredAndTheStreamCloses() {
        H2Peer peer = started();
        peer.get(1, "/hello").send();
        assertThat(peer.serverFrames()).containsExactly("HEADERS 1 :status=200 content-length=11", "DATA 1 GET /hello  END_STREAM");
        assertThat(peer.session.activeStreamCount()).isZero();
    }

    @Test
    void concurrentStreamsReuseTheDynamicTablesBothWays() {
        H2Peer peer = started();
        peer.autoRespond = false;
        peer.get(1, "/a").send();
        peer.get(3, "/b").send();
        peer.respond(peer.streams.get(3));
        peer.respond(peer.streams.get(1));
        peer.session.onOutputWritable();
        assertThat(peer.serverFrames()).containsExactly("HEADERS 3 :status=200 content-length=7", "DATA 3 GET /b  END_STREAM",
                "HEADERS 1 :status=200 content-length=7", "DATA 1 GET /a  END_STREAM");
    }

    @Test
    void aPostBodyArrivesInOrderAcrossDataFrames() {
        H2Peer peer = started();
        peer.headers(3, false, ":method", "POST", ":scheme", "http", ":path", "/echo", ":authority", "x", "content-length", "10")
                .data(3, "hello", false).data(3, "world", true).send();
        assertThat(peer.serverFrames()).containsExactly("HEADERS 3 :status=200 content-length=21", "DATA 3 POST /echo helloworld END_STREAM");
    }

    @Test
    void responsesWaitForTheClientsWindow() {
        H2Peer peer = started();
        peer.extraResponseBytes = 100_000;
        peer.get(1, "/big").send();
        List<String> first = peer.serverFrames();
        // 65,535 bytes: the client's initial stream and connection windows.
        assertThat(first).containsExactly("HEADERS 1 :status=200 content-length=100009", "DATA 1 16384 bytes", "DATA 1 16384 bytes",
                "DATA 1 16384 bytes", "DATA 1 16383 bytes");
        peer.frames.windowUpdate(0, 100_000);
        peer.send();
        assertThat(peer.serverFrames()).isEmpty();
        peer.frames.windowUpdate(1, 100_000);
        peer.send();
        assertThat(peer.serverFrames()).containsExactly("DATA 1 16384 bytes", "DATA 1 16384 bytes", "DATA 1 1706 bytes END_STREAM");
    }

    @Test
    void bigAndSmallDataFramesOfInterleavedStreamsKeepTheirBytesAndOrder() {
        H2Peer peer = started();
        peer.autoRespond = false;
        peer.get(1, "/a").send();
        peer.get(3, "/b").send();
        peer.get(5, "/c").send();
        byte[] big1 = pattern(20_000, 7);
        byte[] big3 = pattern(Http2ServerSession.DIRECT_DATA_BYTES, 11); // exactly the direct-write size
        byte[] small5 = pattern(Http2ServerSession.DIRECT_DATA_BYTES - 1, 13);
        for (int id : new int[] {5, 1, 3}) {
            byte[] body = id == 1 ? big1 : id == 3 ? big3 : small5;
            Http2Stream stream = peer.streams.get(id);
            stream.writeHeaders(new Http2Fields().add(":status", "200").add("content-length", Integer.toString(body.length)), false);
            stream.writeData(body, 0, body.length, true);
        }
        peer.session.onOutputWritable();
        assertThat(peer.serverFrames()).containsExactly(
                "HEADERS 5 :status=200 content-length=4095", "DATA 5 4095 bytes END_STREAM",
                "HEADERS 1 :status=200 content-length=20000", "DATA 1 16384 bytes", "DATA 1 3616 bytes END_STREAM",
                "HEADERS 3 :status=200 content-length=4096", "DATA 3 4096 bytes END_STREAM");
        assertThat(peer.responseBodies.get(1).toByteArray()).isEqualTo(big1);
        assertThat(peer.responseBodies.get(3).toByteArray()).isEqualTo(big3);
        assertThat(peer.responseBodies.get(5).toByteArray()).isEqualTo(small5);
    }

    /**
     * A body the windows take whole is written at once from the caller's array, one that must
     * wait is queued as a copy: either way the caller may reuse the array when writeData returns.
     */
    @Test
    void theCallersArrayMayBeReusedWhetherTheBodyLeftAtOnceOrWaitsForTheWindow() {
        H2Peer peer = started();
        peer.autoRespond = false;
        peer.get(1, "/a").send();
        peer.get(3, "/b").send();
        byte[] first = pattern(40_000, 3); // fits the 65,535-byte windows: written at once
        byte[] second = pattern(40_000, 5); // 25,535 bytes of connection window left: it waits
        byte[] buffer = new byte[40_000];
        for (int id : new int[] {1, 3}) {
            byte[] body = id == 1 ? first : second;
            System.arraycopy(body, 0, buffer, 0, body.length);
            Http2Stream stream = peer.streams.get(id);
            stream.writeHeaders(new Http2Fields().add(":status", "200").add("content-length", "40000"), false);
            stream.writeData(buffer, 0, buffer.length, true);
            java.util.Arrays.fill(buffer, (byte) 0x55); // the caller reuses its array
        }
        peer.session.onOutputWritable();
        assertThat(peer.serverFrames()).containsExactly(
                "HEADERS 1 :status=200 content-length=40000", "DATA 1 16384 bytes", "DATA 1 16384 bytes", "DATA 1 7232 bytes END_STREAM",
                "HEADERS 3 :status=200 content-length=40000", "DATA 3 16384 bytes", "DATA 3 9151 bytes");
        peer.frames.windowUpdate(0, 100_000);
        peer.frames.windowUpdate(3, 100_000);
        peer.send();
        assertThat(peer.serverFrames()).containsExactly("DATA 3 14465 bytes END_STREAM");
        assertThat(peer.responseBodies.get(1).toByteArray()).isEqualTo(first);
        assertThat(peer.responseBodies.get(3).toByteArray()).isEqualTo(second);
        assertThat(peer.session.activeStreamCount()).isZero();
    }

    private static byte[] pattern(int length, int step) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * step);
        }
        return b;
    }

    @Test
    void aZeroWindowHoldsDataAndMarksTheStreamUnwritable() {
        H2Peer peer = new H2Peer();
        peer.preface(new Http2Settings().initialWindowSize(0));
        peer.serverFrames();
        peer.autoRespond = false;
        peer.get(1, "/").send();
        Http2Stream stream = peer.streams.get(1);
        stream.writeHeaders(new Http2Fields().add(":status", "200"), false);
        byte[] chunk = new byte[64 * 1024];
        int writes = 0;
        while (stream.isWritable()) {
            stream.writeData(chunk, 0, chunk.length, false);
            writes++;
        }
        peer.session.onOutputWritable();
        assertThat(writes).isEqualTo(4);
        assertThat(peer.serverFrames()).containsExactly("HEADERS 1 :status=200");
        peer.frames.windowUpdate(1, 3 * 65_536);
        peer.frames.windowUpdate(0, 3 * 65_536);
        peer.send();
        assertThat(peer.serverFrames()).hasSize(12);
        assertThat(stream.isWritable()).isTrue();
    }

    @Test
    void pingsAreAnsweredWithTheSamePayload() {
        H2Peer peer = started();
        peer.frames.ping(false, 0x1122334455667788L);
        peer.frames.ping(true, 5);
        peer.send();
        assertThat(peer.serverFrames()).containsExactly("PING ACK 1122334455667788");
    }

    @Test
    void malformedRequestsResetTheirStreamAndTheConnectionGoesOn() {
        String[][] cases = {
                {":method", "GET", ":scheme", "http", ":path", "/", "X-Upper", "1"},
                {":method", "GET", ":scheme", "http"},
                {":method", "GET", ":scheme", "http", ":path", "/", "connection", "keep-alive"},
                {":method", "GET", ":scheme", "http", ":path", "/", "te", "gzip"},
                {":method", "GET", ":scheme", "http", "accept", "*/*", ":path", "/"},
                {":method", "GET", ":scheme", "http", ":path", "/", ":status", "200"},
                {":method", "GET", ":scheme", "http", ":path", "/", ":path", "/again"},
                {":method", "GET", ":scheme", "http", ":path", ""},
                {":method", "GET", ":scheme", "http", ":path", "/", "x", " padded"},
                {":method", "GET", ":scheme", "http", ":path", "/", "content-length", "5"},
                {":method", "CONNECT", ":authority", "x", ":path", "/"},
        };
        H2Peer peer = started();
        int id = 1;
        for (String[] fields : cases) {
            peer.headers(id, true, fields).send();
            assertThat(peer.serverFrames()).as(String.join(" ", fields)).containsExactly("RST_STREAM " + id + " 1");
            id += 2;
        }
        peer.get(id, "/after").send();
        assertThat(peer.serverFrames()).containsExactly("HEADERS " + id + " :status=200 content-length=11", "DATA " + id + " GET /after  END_STREAM");
        assertThat(peer.events).noneMatch(e -> e.startsWith("request 1 "));
    }

    @Test
    void contentLengthMustMatchTheData() {
        H2Peer peer = started();
        peer.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/", "content-length", "3")
                .data(1, "four", true).send();
        assertThat(peer.serverFrames()).containsExactly("RST_STREAM 1 1");
        peer.headers(3, false, ":method", "POST", ":scheme", "http", ":path", "/", "content-length", "5")
                .data(3, "four", true).send();
        assertThat(peer.serverFrames()).containsExactly("RST_STREAM 3 1");
    }

    @Test
    void connectIsRefusedCleanly() {
        H2Peer peer = started();
        peer.headers(1, false, ":method", "CONNECT", ":authority", "example.com:443").send();
        assertThat(peer.serverFrames()).containsExactly("HEADERS 1 :status=405 content-length=0 END_STREAM", "RST_STREAM 1 0");
        assertThat(peer.closed).isFalse();
    }

    @Test
    void tooLargeHeaderListsGet431AndTheTableStaysInStep() {
        H2Peer peer = started();
        peer.headers(1, true, ":method", "GET", ":scheme", "http", ":path", "/", "x-big", "y".repeat(70_000)).send();
        assertThat(peer.serverFrames()).containsExactly("HEADERS 1 :status=431 content-length=0 END_STREAM");
        peer.get(3, "/next").send();
        assertThat(peer.serverFrames()).containsExactly("HEADERS 3 :status=200 content-length=10", "DATA 3 GET /next  END_STREAM");
    }

    @Test
    void trailersMustEndTheStreamAndHoldNoPseudoHeaders() {
        H2Peer peer = started();
        peer.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/")
                .data(1, "a", false).headers(1, true, "x-checksum", "1").send();
        assertThat(peer.serverFrames()).containsExactly("HEADERS 1 :status=200 content-length=8", "DATA 1 POST / a END_STREAM");
        peer.headers(3, false, ":method", "POST", ":scheme", "http", ":path", "/").headers(3, false, "x-t", "1").send();
        assertThat(peer.serverFrames()).containsExactly("RST_STREAM 3 1");
        peer.headers(5, false, ":method", "POST", ":scheme", "http", ":path", "/").headers(5, true, ":path", "/x").send();
        assertThat(peer.serverFrames()).containsExactly("RST_STREAM 5 1");
    }

    @Test
    void framesOnIdleOrClosedStreams() {
        H2Peer peer = started();
        peer.get(1, "/").send();
        peer.serverFrames();
        peer.data(1, "late", false).send();
        assertThat(peer.serverFrames()).containsExactly("RST_STREAM 1 5");
        peer.frames.windowUpdate(1, 10);
        peer.frames.rstStream(1, Http2Error.CANCEL);
        peer.send();
        assertThat(peer.serverFrames()).isEmpty();
        peer.get(1, "/again").send();
        assertThat(peer.serverFrames()).containsExactly("GOAWAY 1 5");
        assertThat(peer.closed).isTrue();

        H2Peer idle = started();
        idle.data(7, "x", false).send();
        assertThat(idle.serverFrames()).containsExactly("GOAWAY 0 1");

        H2Peer even = started();
        even.get(2, "/").send();
        assertThat(even.serverFrames()).containsExactly("GOAWAY 0 1");
    }

    @Test
    void streamsBeyondTheLimitAreRefused() {
        H2Peer peer = new H2Peer(config(2, 1 << 20));
        peer.preface();
        peer.serverFrames();
        peer.autoRespond = false;
        peer.get(1, "/").get(3, "/").get(5, "/").send();
        assertThat(peer.serverFrames()).containsExactly("RST_STREAM 5 7");
        peer.respond(peer.streams.get(1));
        peer.session.onOutputWritable();
        peer.serverFrames();
        peer.get(7, "/").send();
        assertThat(peer.serverFrames()).isEmpty();
        assertThat(peer.session.activeStreamCount()).isEqualTo(2);
    }

    @Test
    void rapidResetEndsTheConnection() {
        H2Peer peer = started();
        peer.autoRespond = false;
        int id = 1;
        for (int i = 0; i < 401; i++, id += 2) {
            peer.headers(id, false, ":method", "GET", ":scheme", "http", ":path", "/");
            peer.frames.rstStream(id, Http2Error.CANCEL);
        }
        peer.send();
        List<String> frames = peer.serverFrames();
        assertThat(frames.get(frames.size() - 1)).startsWith("GOAWAY").endsWith(" 11");
        assertThat(peer.closed).isTrue();
    }

    @Test
    void controlFrameFloodsEndTheConnection() {
        H2Peer peer = started();
        for (int i = 0; i < 2001; i++) {
            peer.frames.ping(false, i);
        }
        peer.send();
        List<String> frames = peer.serverFrames();
        assertThat(frames.get(frames.size() - 1)).isEqualTo("GOAWAY 0 11");

        H2Peer empty = started();
        empty.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/");
        for (int i = 0; i < 2001; i++) {
            empty.frames.data(1, new byte[0], 0, 0, false);
        }
        empty.send();
        List<String> emptyFrames = empty.serverFrames();
        assertThat(emptyFrames.get(emptyFrames.size() - 1)).isEqualTo("GOAWAY 1 11");
    }

    @Test
    void hpackErrorsAreCompressionErrors() {
        H2Peer peer = started();
        peer.frames.headers(1, new byte[] {(byte) 0x80}, 1, true, 16_384);
        peer.send();
        assertThat(peer.serverFrames()).containsExactly("GOAWAY 1 9");
    }

    @Test
    void windowOverflowsAreFlowControlErrors() {
        H2Peer peer = started();
        peer.autoRespond = false;
        peer.get(1, "/").send();
        peer.frames.windowUpdate(1, Integer.MAX_VALUE);
        peer.send();
        assertThat(peer.serverFrames()).containsExactly("RST_STREAM 1 3");
        peer.frames.windowUpdate(0, Integer.MAX_VALUE);
        peer.send();
        assertThat(peer.serverFrames()).containsExactly("GOAWAY 1 3");
    }

    @Test
    void dataBeyondTheStreamWindowIsAStreamError() {
        H2Peer peer = new H2Peer(config(10, 100));
        peer.preface();
        peer.serverFrames();
        peer.headers(1, false, ":method", "POST", ":scheme", "http", ":path", "/").data(1, "z".repeat(101), false).send();
        assertThat(peer.serverFrames()).containsExactly("RST_STREAM 1 3");
    }

    @Test
    void gracefulShutdownFinishesStreamsUnderWayAndRefusesNewOnes() {
        H2Peer peer = started();
        peer.autoRespond = false;
        peer.get(1, "/slow").send();
        peer.session.shutdownGracefully(System.nanoTime());
        // Step one (RFC 9113 §6.8): no new streams please, and a PING to measure one round trip.
        assertThat(peer.serverFrames()).containsExactly("GOAWAY 2147483647 0", "PING 72622d647261696e");
        // A stream the client sent before it saw the GOAWAY is still served.
        peer.get(3, "/in-flight").send();
        assertThat(peer.serverFrames()).isEmpty();
        assertThat(peer.streams).containsKey(3);
        // The PING's ACK ends step one: the final GOAWAY names the last stream accepted.
        peer.frames.ping(true, Http2ServerSession.SHUTDOWN_PING);
        peer.send();
        assertThat(peer.serverFrames()).containsExactly("GOAWAY 3 0");
        peer.get(5, "/late").send();
        assertThat(peer.serverFrames()).containsExactly("RST_STREAM 5 7");
        assertThat(peer.closed).isFalse();
        peer.respond(peer.streams.get(1));
        peer.session.onOutputWritable();
        assertThat(peer.serverFrames()).containsExactly("HEADERS 1 :status=200 content-length=10", "DATA 1 GET /slow  END_STREAM");
        assertThat(peer.closed).isFalse();
        peer.respond(peer.streams.get(3));
        peer.session.onOutputWritable();
        assertThat(peer.serverFrames()).containsExactly("HEADERS 3 :status=200 content-length=15", "DATA 3 GET /in-flight  END_STREAM");
        assertThat(peer.closed).isTrue();
    }

    @Test
    void gracefulShutdownSendsTheFinalGoAwayWhenThePingIsNotAnswered() {
        H2Peer peer = started();
        long now = System.nanoTime();
        peer.session.shutdownGracefully(now);
        assertThat(peer.serverFrames()).containsExactly("GOAWAY 2147483647 0", "PING 72622d647261696e");
        peer.frames.ping(true, 12345); // an ACK of some other PING does not end step one
        peer.send();
        peer.session.onTick(now + Http2ServerSession.SHUTDOWN_PING_WAIT_NS / 2);
        assertThat(peer.serverFrames()).isEmpty();
        assertThat(peer.closed).isFalse();
        peer.session.onTick(now + Http2ServerSession.SHUTDOWN_PING_WAIT_NS);
        assertThat(peer.serverFrames()).containsExactly("GOAWAY 0 0");
        assertThat(peer.closed).as("no stream was open, so the connection closes").isTrue();
    }

    @Test
    void aClientGoAwayDuringStepOneSendsTheFinalGoAway() {
        H2Peer peer = started();
        peer.autoRespond = false;
        peer.get(1, "/slow").send();
        peer.session.shutdownGracefully(System.nanoTime());
        peer.serverFrames();
        peer.frames.goAway(1, Http2Error.NO_ERROR, null);
        peer.send();
        assertThat(peer.serverFrames()).containsExactly("GOAWAY 1 0");
        peer.respond(peer.streams.get(1));
        peer.session.onOutputWritable();
        assertThat(peer.closed).isTrue();
    }

    @Test
    void unacknowledgedSettingsTimeOut() {
        H2Peer peer = new H2Peer();
        peer.preface();
        peer.serverFrames();
        peer.session.onTick(System.nanoTime() + Duration.ofSeconds(11).toNanos());
        assertThat(peer.serverFrames()).containsExactly("GOAWAY 0 4");
        H2Peer acked = new H2Peer();
        acked.preface();
        acked.frames.settingsAck();
        acked.send();
        acked.session.onTick(System.nanoTime() + Duration.ofSeconds(11).toNanos());
        assertThat(acked.closed).isFalse();
    }

    @Test
    void aPeerTableSizeChangeIsAnnouncedInTheNextBlock() {
        H2Peer peer = new H2Peer();
        peer.preface(new Http2Settings().headerTableSize(0));
        peer.serverFrames();
        peer.get(1, "/").send();
        // The test client's decoder checks the update and decodes the block: the assertion is that it parses.
        assertThat(peer.serverFrames()).first().asString().startsWith("HEADERS 1 :status=200");
        assertThat(new HpackBuffer(1).length()).isZero();
    }
}
