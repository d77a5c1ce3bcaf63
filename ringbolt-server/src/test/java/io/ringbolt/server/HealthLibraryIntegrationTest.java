package io.ringbolt.server;

import io.ringbolt.engine.Backend;
import io.ringbolt.engine.BackendUnavailableException;
import io.ringbolt.engine.Engine;
import io.ringbolt.http.ContentType;
import io.ringbolt.http.Health;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.ConnectException;
import java.time.Duration;

import static io.ringbolt.server.HealthDrainIntegrationSuite.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Health} used as a library, as the README shows it, on both backends. */
@Timeout(60)
class HealthLibraryIntegrationTest {
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IO_URING", "NIO"})
    void mountedProbesFollowTheDrain(Backend backend) throws Exception {
        Router router = new Router();
        router.get("/plaintext", (req, res) -> res.contentType(ContentType.TEXT_PLAIN).send("Hello, World!"));
        Health health = new Health().mount(router);   // GET /health/live, GET /health/ready
        Engine engine;
        try {
            engine = Engine.builder().bind("127.0.0.1", 0).backend(backend).reactors(1).handler(HttpServer.create(router)).start();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("backend " + backend.displayName() + " unavailable here: " + e.getMessage());
            return;
        }
        int port = engine.port();
        assertThat(get(port, "/health/ready")).isEqualTo(new HealthDrainIntegrationSuite.Response(503, "starting\n"));
        assertThat(get(port, "/health/live").status()).isEqualTo(200);
        health.ready();
        assertThat(get(port, "/health/ready")).isEqualTo(new HealthDrainIntegrationSuite.Response(200, "ready\n"));

        Thread stopper = Thread.ofPlatform().start(() -> health.drainAndStop(engine, Duration.ofSeconds(1)));
        while (health.state() == Health.State.READY) {
            Thread.onSpinWait();
        }
        assertThat(get(port, "/health/ready").status()).isEqualTo(503);
        assertThat(get(port, "/plaintext").body()).isEqualTo("Hello, World!");
        stopper.join(30_000);
        assertThat(health.state()).isEqualTo(Health.State.STOPPED);
        assertThatThrownBy(() -> get(port, "/plaintext")).isInstanceOf(ConnectException.class);
    }
}
