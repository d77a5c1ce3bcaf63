package io.ringbolt.engine;

import io.ringbolt.buffer.ChunkPool;
import io.ringbolt.engine.runtime.AbstractReactor;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression: after slow readers that held megabytes of staged output each had left, the
 * reactors' chunk pools kept every slab (706 MB stayed resident after a spike). Now the pool
 * gives slabs back on the reactor's trim tick until what is free is about what is in use.
 */
@Timeout(60)
class PoolTrimIntegrationTest {
    static Stream<Backend> backends() {
        return TestBackends.all().stream();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void poolMemoryGoesBackAfterASpikeOfSlowReaders(Backend backend) throws Exception {
        byte[] megabyte = new byte[1 << 20];
        HandlerFactory flood = c -> new ConnectionHandler() {
            @Override
            public void onOpen(Connection connection) {
                for (int i = 0; i < 4; i++) {
                    connection.write(megabyte); // 4 MiB for a client that never reads
                }
                connection.flush();
            }

            @Override
            public int onData(Connection connection, ByteView data) {
                return data.length();
            }
        };
        try (Engine engine = TestEngines.loopback(backend, flood).reactors(1).start()) {
            AbstractReactor reactor = (AbstractReactor) engine.reactors().getFirst();
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Socket s = new Socket();
                s.setReceiveBufferSize(16 * 1024);
                s.connect(TestEngines.address(engine));
                slow.add(s);
            }
            Await.until("the spike to grow the pool past 32 MiB", Duration.ofSeconds(20),
                    () -> allocatedBytes(reactor) > 32L << 20, () -> allocatedBytes(reactor));
            long spikeBytes = allocatedBytes(reactor);
            for (Socket s : slow) {
                s.setSoLinger(true, 0);
                s.close();
            }
            Await.until("the pool to shrink from " + (spikeBytes >> 20) + " MiB to 4 MiB or less", Duration.ofSeconds(30),
                    () -> allocatedBytes(reactor) <= 4L << 20, () -> allocatedBytes(reactor));
        }
    }

    private static long allocatedBytes(AbstractReactor reactor) {
        try {
            return Await.onReactor(reactor, () -> {
                ChunkPool pool = reactor.chunkPool();
                return pool.allocatedBytes();
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
