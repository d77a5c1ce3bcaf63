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
}
