package io.ringbolt.engine;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Byte-exact echo over real loopback sockets, for several sizes and address families. */
@Timeout(60)
class EchoIntegrationTest {

    static Stream<Arguments> backendsAndSizes() {
        int[] sizes = {1, 1024, 64 * 1024, 1024 * 1024, 10 * 1024 * 1024};
        return TestBackends.all().stream()
                .flatMap(b -> java.util.Arrays.stream(sizes).mapToObj(size -> Arguments.of(b, size)));
    }

    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @MethodSource("backendsAndSizes")
    void echoesEveryByteInOrder(Backend backend, int size) throws Exception {
        byte[] payload = Payloads.random(size, 42L + size);
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).start()) {
            assertThat(engine.backend()).isEqualTo(backend);
            Clients.echoOnce(TestEngines.address(engine), payload);
            Await.until("the connection to close", java.time.Duration.ofSeconds(10),
                    () -> engine.stats().openConnections() == 0, engine::stats);
            EngineStats stats = engine.stats();
            assertThat(stats.bytesReceived()).isEqualTo(size);
            assertThat(stats.bytesSent()).isEqualTo(size);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void portZeroBindsARealPortAndReportsIt(Backend backend) throws Exception {
        try (Engine engine = TestEngines.loopback(backend, c -> new EchoTestHandler()).start()) {
            assertThat(engine.port()).isBetween(1, 65535);
            assertThat(engine.boundAddresses()).hasSize(1);
            assertThat(engine.boundAddresses().getFirst().getPort()).isEqualTo(engine.port());
            assertThat(engine.statusLine()).contains("backend=" + backend.displayName()).contains(":" + engine.port());
            Clients.echoOnce(TestEngines.address(engine), "ping".getBytes());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void servesIpv6Loopback(Backend backend) throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        assumeTrue(ipv6LoopbackConfigured(), "no ::1 on this machine");
        try (Engine engine = Engine.builder().backend(backend).reactors(1)
                .threadNamePrefix(TestEngines.uniquePrefix())
                .bind(new InetSocketAddress(v6, 0))
                .handler(c -> new EchoTestHandler()).start()) {
            assertThat(engine.boundAddresses().getFirst().getAddress()).isInstanceOf(Inet6Address.class);
            try (Socket s = Clients.connect(new InetSocketAddress(v6, engine.port()))) {
                Clients.assertEcho(s, Payloads.random(100_000, 6));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void dualStackWildcardAcceptsIpv4AndIpv6(Backend backend) throws Exception {
        assumeTrue(ipv6LoopbackConfigured(), "no ::1 on this machine");
        try (Engine engine = Engine.builder().backend(backend).reactors(1)
                .threadNamePrefix(TestEngines.uniquePrefix())
                .bind(new InetSocketAddress(InetAddress.getByName("::"), 0))
                .handler(c -> new EchoTestHandler()).start()) {
            Clients.echoOnce(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), engine.port()), "v4".getBytes());
            Clients.echoOnce(new InetSocketAddress(InetAddress.getByName("::1"), engine.port()), "v6".getBytes());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void listensOnSeveralAddresses(Backend backend) throws Exception {
        try (Engine engine = Engine.builder().backend(backend).reactors(2)
                .threadNamePrefix(TestEngines.uniquePrefix())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))
                .handler(c -> new EchoTestHandler()).start()) {
            assertThat(engine.boundAddresses()).hasSize(2);
            for (InetSocketAddress a : engine.boundAddresses()) {
                assertThat(a.getPort()).isPositive();
                Clients.echoOnce(a, ("to " + a).getBytes());
            }
        }
    }

    static boolean ipv6LoopbackConfigured() {
        try {
            NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getByName("::1"));
            return lo != null;
        } catch (Exception e) {
            return false;
        }
    }
}
