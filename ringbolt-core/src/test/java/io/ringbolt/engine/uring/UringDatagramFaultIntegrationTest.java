package io.ringbolt.engine.uring;

import io.ringbolt.engine.Await;
import io.ringbolt.engine.Backend;
import io.ringbolt.engine.ByteView;
import io.ringbolt.engine.DatagramHandler;
import io.ringbolt.engine.DatagramOptions;
import io.ringbolt.engine.DatagramSocket;
import io.ringbolt.engine.Engine;
import io.ringbolt.engine.Fds;
import io.ringbolt.engine.Payloads;
import io.ringbolt.engine.TestEngines;
import io.ringbolt.uring.Errno;
import io.ringbolt.uring.IoUringProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fault injection into the io_uring datagram paths: real RECVMSG/SENDMSG completions rewritten
 * ({@link CompletionFaults}) into errors, the real ENOBUFS of a one-buffer ring, forged CQEs of
 * stale generations and of ops a socket never submits. After each the reactor still serves,
 * and closing leaves no slot or descriptor behind.
 */
@Timeout(60)
class UringDatagramFaultIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Engine engine;
    private UringReactor reactor;
    private java.net.DatagramSocket client;
    private int fdsBefore;

    /** Echoes, and records errors and the close. */
    static final class Echo implements DatagramHandler {
        final ConcurrentLinkedQueue<IOException> errors = new ConcurrentLinkedQueue<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        @Override
        public void onDatagram(DatagramSocket socket, ByteView data, InetSocketAddress sender) {
            socket.send(sender, data);
        }

        @Override
        public void onError(DatagramSocket socket, IOException error) {
            errors.add(error);
        }

        @Override
        public void onClose(DatagramSocket socket) {
            closed.complete(null);
        }
    }

    @BeforeAll
    static void requireIoUring() {
        assumeTrue(IoUringProbe.get().isAvailable(), () -> "io_uring unavailable: " + IoUringProbe.get().unavailabilityCause());
        assumeTrue(Fds.countable(), "needs /proc/self/fd");
    }

    @BeforeEach
    void start() throws Exception {
        engine = Engine.builder().backend(Backend.IO_URING).reactors(1).threadNamePrefix(TestEngines.uniquePrefix()).start();
        reactor = (UringReactor) engine.reactors().getFirst();
        DatagramSocket warm = open(DatagramOptions.defaults(), new Echo());
        warm.close();
        awaitNoSlots();
        client = new java.net.DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client.setSoTimeout(5000);
        fdsBefore = Fds.openCount();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private DatagramSocket open(DatagramOptions options, DatagramHandler handler) {
        return engine.bindDatagram(reactor, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), options, handler);
    }

    private void inject(CompletionFaults faults) throws Exception {
        Await.onReactor(reactor, () -> {
            reactor.injectFaults(faults);
            return null;
        });
    }

    private static CompletionFaults once(int op, int result) {
        AtomicInteger left = new AtomicInteger(1);
        return (o, res, flags) -> o == op && left.getAndDecrement() > 0 ? result : res;
    }

    private byte[] roundTrip(DatagramSocket socket, byte[] payload) throws IOException {
        client.send(new DatagramPacket(payload, payload.length, socket.localAddress()));
        DatagramPacket in = new DatagramPacket(new byte[65536], 65536);
        client.receive(in);
        return Arrays.copyOf(in.getData(), in.getLength());
    }

    private void awaitNoSlots() {
        Await.until("datagram slots released", WAIT, () -> {
            try {
                return Await.onReactor(reactor, reactor::slotsInUse) == 0;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private void closeAndAssertNothingLeaked(DatagramSocket socket, Echo echo) throws Exception {
        socket.close();
        echo.closed.get(10, TimeUnit.SECONDS);
        awaitNoSlots();
        Await.until("descriptors back to " + fdsBefore, WAIT, () -> Fds.openCount() <= fdsBefore, Fds::openCount);
    }

    @Test
    void aFailedSendIsReportedWithItsErrnoAndTheSocketGoesOn() throws Exception {
        Echo echo = new Echo();
        DatagramSocket socket = open(DatagramOptions.defaults(), echo);
        inject(once(UserData.OP_DGRAM_SEND, -Errno.EMSGSIZE));
        roundTrip(socket, new byte[10]); // the kernel did send it; only its CQE says otherwise
        Await.until("the error", WAIT, () -> !echo.errors.isEmpty());
        assertThat(echo.errors.peek().getMessage()).contains("udp send of 10 bytes to").contains("EMSGSIZE");
        byte[] payload = Payloads.random(1472, 3);
        assertThat(roundTrip(socket, payload)).isEqualTo(payload);
        closeAndAssertNothingLeaked(socket, echo);
    }

    @Test
    void aFailedReceiveIsReportedItsBufferReturnedAndReceivingGoesOn() throws Exception {
        Echo echo = new Echo();
        DatagramSocket socket = open(DatagramOptions.defaults(), echo);
        UringDatagramSocket u = (UringDatagramSocket) socket;
        inject(once(UserData.OP_DGRAM_RECV, -Errno.ECONNREFUSED));
        client.send(new DatagramPacket(new byte[5], 5, socket.localAddress())); // lost to the fault
        Await.until("the error", WAIT, () -> !echo.errors.isEmpty());
        assertThat(echo.errors.peek().getMessage()).contains("ECONNREFUSED");
        byte[] payload = Payloads.random(100, 4);
        assertThat(roundTrip(socket, payload)).isEqualTo(payload);
        assertThat(Await.onReactor(reactor, u::kernelOwnedBuffers)).as("no buffer lost").isEqualTo(64);
        closeAndAssertNothingLeaked(socket, echo);
    }

    @Test
    void anEmptyBufferRingEndsTheReceiveWhichIsReArmedWithoutLoss() throws Exception {
        Echo echo = new Echo();
        DatagramSocket socket = open(DatagramOptions.defaults().withMaxDatagramBytes(256).withReceiveBuffers(1), echo);
        UringDatagramSocket u = (UringDatagramSocket) socket;
        int burst = 100;
        for (int i = 0; i < burst; i++) {
            client.send(new DatagramPacket(new byte[]{(byte) i}, 1, socket.localAddress()));
        }
        DatagramPacket in = new DatagramPacket(new byte[64], 64);
        for (int i = 0; i < burst; i++) {
            client.receive(in);
        }
        assertThat(Await.onReactor(reactor, u::enobufsCount)).as("ENOBUFS completions").isPositive();
        closeAndAssertNothingLeaked(socket, echo);
    }

    @Test
    void staleCompletionsOfAClosedSocketAreCountedAndDropped() throws Exception {
        Echo old = new Echo();
        DatagramSocket first = open(DatagramOptions.defaults(), old);
        UringDatagramSocket u = (UringDatagramSocket) first;
        long recvUserData = u.recvUserData();
        long sendUserData = u.sendUserData(0);
        first.close();
        old.closed.get(10, TimeUnit.SECONDS);
        Echo echo = new Echo();
        DatagramSocket second = open(DatagramOptions.defaults(), echo);
        long before = Await.onReactor(reactor, reactor::staleCount);
        Await.onReactor(reactor, () -> {
            reactor.onCqe(recvUserData, 64, 0);
            reactor.onCqe(recvUserData, -Errno.ENOBUFS, 0);
            reactor.onCqe(sendUserData, 10, 0);
            return null;
        });
        assertThat(Await.onReactor(reactor, reactor::staleCount)).isEqualTo(before + 3);
        byte[] payload = Payloads.random(8192, 5);
        assertThat(roundTrip(second, payload)).isEqualTo(payload);
        closeAndAssertNothingLeaked(second, echo);
    }

    @Test
    void aCompletionOfAnOpTheSocketNeverSubmitsClosesThatSocketOnly() throws Exception {
        Echo victimHandler = new Echo();
        DatagramSocket victim = open(DatagramOptions.defaults(), victimHandler);
        Echo echo = new Echo();
        DatagramSocket bystander = open(DatagramOptions.defaults(), echo);
        long recvUserData = ((UringDatagramSocket) victim).recvUserData();
        Await.onReactor(reactor, () -> {
            reactor.onCqe((recvUserData & 0x00FF_FFFF_FFFF_FFFFL) | (0x7FL << 56), 0, 0);
            return null;
        });
        victimHandler.closed.get(10, TimeUnit.SECONDS);
        assertThat(victim.isOpen()).isFalse();
        byte[] payload = Payloads.random(512, 6);
        assertThat(roundTrip(bystander, payload)).isEqualTo(payload);
        closeAndAssertNothingLeaked(bystander, echo);
    }

    /** Sends {@code lengths.length} datagrams to {@code to} in one reactor task (one flush): datagram i is {@code lengths[i]} bytes of seed {@code seedBase + i}. */
    private void burst(DatagramSocket socket, InetSocketAddress to, int seedBase, int... lengths) throws Exception {
        Await.onReactor(reactor, () -> {
            for (int i = 0; i < lengths.length; i++) {
                assertThat(socket.send(to, Payloads.random(lengths[i], seedBase + i))).isTrue();
            }
            return null;
        });
    }

    /** Receives {@code count} datagrams on {@code on}. */
    private static java.util.List<byte[]> receive(java.net.DatagramSocket on, int count) throws IOException {
        java.util.List<byte[]> got = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            DatagramPacket in = new DatagramPacket(new byte[65536], 65536);
            on.receive(in);
            got.add(Arrays.copyOf(in.getData(), in.getLength()));
        }
        return got;
    }

    /** Receives {@code lengths.length} datagrams on {@code on}: datagram i, in order, is {@code lengths[i]} bytes of seed {@code seedBase + i}. */
    private static void assertReceivesInOrder(java.net.DatagramSocket on, int seedBase, int... lengths) throws IOException {
        java.util.List<byte[]> got = receive(on, lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            assertThat(got.get(i)).as("datagram %d, in order", i).isEqualTo(Payloads.random(lengths[i], seedBase + i));
        }
    }

    private static int[] lengths(int count, int length, int last) {
        int[] l = new int[count];
        Arrays.fill(l, length);
        l[count - 1] = last;
        return l;
    }

    @Test
    void aBurstToOnePeerLeavesInSegmentedSendsAndArrivesAsTheSameDatagrams() throws Exception {
        Echo echo = new Echo();
        DatagramSocket socket = open(DatagramOptions.defaults(), echo);
        UringDatagramSocket u = (UringDatagramSocket) socket;
        InetSocketAddress a = (InetSocketAddress) client.getLocalSocketAddress();
        try (java.net.DatagramSocket other = new java.net.DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            other.setSoTimeout(5000);
            InetSocketAddress b = (InetSocketAddress) other.getLocalSocketAddress();
            // To a: 70 of 600 bytes then one of 40 (64 + 7, the last 6 + 1 shorter one; small
            // enough that all 71 wait in the client's socket buffer); to b: 3 of 1472 (the
            // largest coalesced), then one of 1473 (too large: alone).
            int[] toA = lengths(71, 600, 40);
            burst(socket, a, 0, toA);
            burst(socket, b, 1000, 1472, 1472, 1472, 1473);
            assertReceivesInOrder(client, 0, toA);
            assertReceivesInOrder(other, 1000, 1472, 1472, 1472, 1473);
        }
        // a: 64 + 7 (two segmented sends); b: 3 (one), the 1473-byte one went alone.
        assertThat(Await.onReactor(reactor, u::segmentation)).containsExactly(3L, 74L);
        assertThat(echo.errors).isEmpty();
        closeAndAssertNothingLeaked(socket, echo);
    }

    @Test
    void datagramsOfOtherLengthsOrTargetsAreNotCoalesced() throws Exception {
        Echo echo = new Echo();
        DatagramSocket socket = open(DatagramOptions.defaults(), echo);
        UringDatagramSocket u = (UringDatagramSocket) socket;
        InetSocketAddress a = (InetSocketAddress) client.getLocalSocketAddress();
        // A longer one after a shorter one, empty ones, one datagram alone: no segmented send.
        burst(socket, a, 0, 100, 200, 0, 0, 300);
        assertReceivesInOrder(client, 0, 100, 200, 0, 0, 300);
        // Same length, alternating targets in one flush: no two neighbours share a target.
        try (java.net.DatagramSocket other = new java.net.DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            other.setSoTimeout(5000);
            InetSocketAddress b = (InetSocketAddress) other.getLocalSocketAddress();
            Await.onReactor(reactor, () -> {
                for (int i = 0; i < 6; i++) {
                    assertThat(socket.send(i % 2 == 0 ? a : b, Payloads.random(300, 10 + i))).isTrue();
                }
                return null;
            });
            java.util.List<byte[]> toA = receive(client, 3);
            java.util.List<byte[]> toB = receive(other, 3);
            for (int i = 0; i < 3; i++) {
                assertThat(toA.get(i)).isEqualTo(Payloads.random(300, 10 + 2 * i));
                assertThat(toB.get(i)).isEqualTo(Payloads.random(300, 11 + 2 * i));
            }
        }
        assertThat(Await.onReactor(reactor, u::segmentation)).containsExactly(0L, 0L);
        closeAndAssertNothingLeaked(socket, echo);
    }

    @Test
    void aSegmentedSendTheRouteRefusesIsSentAgainOneByOneAndCoalescingStops() throws Exception {
        Echo echo = new Echo();
        DatagramSocket socket = open(DatagramOptions.defaults(), echo);
        UringDatagramSocket u = (UringDatagramSocket) socket;
        InetSocketAddress a = (InetSocketAddress) client.getLocalSocketAddress();
        inject(once(UserData.OP_DGRAM_SEND, -Errno.EIO));
        burst(socket, a, 0, 500, 500, 500, 500, 500);
        // The kernel did send the segmented send; only its CQE says EIO. The five datagrams go
        // out again one by one: ten arrive, each of the five twice.
        java.util.List<byte[]> got = receive(client, 10);
        for (int i = 0; i < 5; i++) {
            byte[] expected = Payloads.random(500, i);
            assertThat(got.stream().filter(g -> Arrays.equals(g, expected)).count()).as("copies of datagram %d", i).isEqualTo(2);
        }
        assertThat(Await.onReactor(reactor, u::segmenting)).isFalse();
        assertThat(echo.errors).as("nothing lost, so nothing to report").isEmpty();
        burst(socket, a, 10, 500, 500, 500);
        assertReceivesInOrder(client, 10, 500, 500, 500);
        assertThat(Await.onReactor(reactor, u::segmentation)).as("only the refused one").containsExactly(1L, 5L);
        closeAndAssertNothingLeaked(socket, echo);
    }

    @Test
    void aSegmentedSendThatFailsOtherwiseIsReportedOnceForItsDatagrams() throws Exception {
        Echo echo = new Echo();
        DatagramSocket socket = open(DatagramOptions.defaults(), echo);
        InetSocketAddress a = (InetSocketAddress) client.getLocalSocketAddress();
        inject(once(UserData.OP_DGRAM_SEND, -Errno.ENOBUFS));
        burst(socket, a, 0, 64, 64, 64);
        receive(client, 3); // sent by the kernel; the rewritten CQE says ENOBUFS
        Await.until("the error", WAIT, () -> !echo.errors.isEmpty());
        assertThat(echo.errors).hasSize(1);
        assertThat(echo.errors.peek().getMessage()).contains("3 datagrams of 64 bytes (one segmented send)").contains("ENOBUFS");
        byte[] payload = Payloads.random(64, 9);
        assertThat(roundTrip(socket, payload)).isEqualTo(payload);
        closeAndAssertNothingLeaked(socket, echo);
    }

    @Test
    void segmentedSendsWorkOverIpv6WithTheirSmallerLargestSegment() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(new InetSocketAddress(v6, 0))) {
            probe.getLocalPort();
        } catch (IOException e) {
            assumeTrue(false, "no IPv6 loopback: " + e);
        }
        Echo echo = new Echo();
        DatagramSocket socket = engine.bindDatagram(reactor, new InetSocketAddress(v6, 0), DatagramOptions.defaults(), echo);
        UringDatagramSocket u = (UringDatagramSocket) socket;
        try (java.net.DatagramSocket peer = new java.net.DatagramSocket(new InetSocketAddress(v6, 0))) {
            peer.setSoTimeout(5000);
            InetSocketAddress to = (InetSocketAddress) peer.getLocalSocketAddress();
            // 10 of 1452 bytes (IPv6's largest coalesced) and one shorter: one segmented send;
            // then 3 of 1453 (one too many for IPv6): each alone.
            int[] first = lengths(11, 1452, 100);
            burst(socket, to, 0, first);
            burst(socket, to, 100, 1453, 1453, 1453);
            assertReceivesInOrder(peer, 0, first);
            assertReceivesInOrder(peer, 100, 1453, 1453, 1453);
        }
        assertThat(Await.onReactor(reactor, u::segmentation)).containsExactly(1L, 11L);
        assertThat(echo.errors).isEmpty();
        closeAndAssertNothingLeaked(socket, echo);
    }
}
