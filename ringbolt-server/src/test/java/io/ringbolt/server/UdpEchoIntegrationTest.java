package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.DatagramOptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ringbolt udp-echo} as the command starts it, on both backends, with real UDP clients on loopback. */
@Timeout(60)
class UdpEchoIntegrationTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"IO_URING", "NIO"})
    void echoesEverySizeFromSeveralClients(Backend backend) throws Exception {
        UdpEcho.Started echo = UdpEcho.start(backend, 2, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                DatagramOptions.defaults());
        try {
            assertThat(echo.engine().backend()).isEqualTo(backend);
            assertThat(echo.sockets()).hasSize(2);
            InetSocketAddress server = echo.sockets().getFirst().localAddress();
            Random random = new Random(7);
            for (int c = 0; c < 8; c++) {
                try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                    client.setSoTimeout(5000);
                    for (int size : new int[]{0, 1, 1472, 8192, 65507}) {
                        byte[] payload = new byte[size];
                        random.nextBytes(payload);
                        client.send(new DatagramPacket(payload, size, server));
                        DatagramPacket in = new DatagramPacket(new byte[65536], 65536);
                        client.receive(in);
                        assertThat(Arrays.copyOf(in.getData(), in.getLength())).as("%d bytes", size).isEqualTo(payload);
                    }
                }
            }
        } finally {
            echo.engine().close();
        }
    }
}
