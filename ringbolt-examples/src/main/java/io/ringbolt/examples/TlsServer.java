package io.ringbolt.examples;

import io.ringbolt.engine.Engine;
import io.ringbolt.engine.HandlerFactory;
import io.ringbolt.engine.tls.TlsContext;
import io.ringbolt.http.HttpServer;
import io.ringbolt.http.Router;

import java.nio.file.Path;

/** HTTPS: TLS is a layer in front of any handler, here the HTTP server. */
public final class TlsServer {
    private TlsServer() {
    }

    /** HTTPS on the JDK's SSLEngine with a PEM certificate chain and an unencrypted PKCS#8 key. */
    public static HandlerFactory https(Path certificatePem, Path privateKeyPem) {
        Router router = new Router();
        router.get("/", (req, res) -> res.send("Hello over TLS!\n"));
        TlsContext tls = TlsContext.fromPem(certificatePem, privateKeyPem); // or fromKeyStore(p12, password)
        return tls.wrap(HttpServer.create(router));
    }

    public static void main(String[] args) {
        Engine.builder().bind("127.0.0.1", 8443).handler(https(Path.of(args[0]), Path.of(args[1]))).start();
    }
}
