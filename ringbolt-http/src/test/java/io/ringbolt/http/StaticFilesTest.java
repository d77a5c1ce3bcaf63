package io.ringbolt.http;

import io.ringbolt.http.files.SafePaths;
import io.ringbolt.http.files.StaticFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(20)
class StaticFilesTest {
    @TempDir
    Path dir;
    Path root;
    final FakeReactor reactor = new FakeReactor();
    FakeConnection c;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("app.js"), "console.log('plain');");
        Files.writeString(root.resolve("app.js.gz"), "GZ-BYTES");
        Files.writeString(root.resolve("app.js.br"), "BR-BYTES");
        Files.writeString(root.resolve("style.css"), "body{}");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/page.html"), "<p>hi</p>");
        Files.writeString(root.resolve(".secret"), "hidden");
        Files.writeString(dir.resolve("outside.txt"), "top secret");
        Router router = new Router();
        router.get("/static/*", StaticFiles.of(root));
        c = new FakeConnection(reactor, HttpServer.create(router));
    }

    RawResponse fetch(String path, String... headerLines) throws InterruptedException {
        StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: t\r\n");
        for (String h : headerLines) {
            req.append(h).append("\r\n");
        }
        c.receive(req.append("\r\n").toString());
        String wire = c.takeSent();
        if (wire.isEmpty()) {
            reactor.awaitAndRunTasks();
            wire = c.takeSent();
        }
        return RawResponse.parseOne(wire);
    }

    @Test
    void servesFilesWithTypeAndValidators() throws Exception {
        RawResponse r = fetch("/static/style.css");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("body{}");
        assertThat(r.header("content-type")).startsWith("text/css");
        assertThat(r.header("etag")).startsWith("\"");
        assertThat(r.header("last-modified")).endsWith("GMT");
        assertThat(r.header("vary")).isNull();
        assertThat(fetch("/static/sub/page.html").header("content-type")).startsWith("text/html");
        RawResponse again = fetch("/static/style.css");
        assertThat(again.body()).isEqualTo("body{}");
        assertThat(again.header("etag")).isEqualTo(r.header("etag"));
    }

    @Test
    void answers304ForMatchingValidators() throws Exception {
        RawResponse r = fetch("/static/style.css");
        RawResponse byTag = fetch("/static/style.css", "If-None-Match: W/\"x\", " + r.header("etag"));
        assertThat(byTag.status()).isEqualTo(304);
        assertThat(byTag.body()).isEmpty();
        assertThat(fetch("/static/style.css", "If-Modified-Since: " + r.header("last-modified")).status()).isEqualTo(304);
        assertThat(fetch("/static/style.css", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT").status()).isEqualTo(200);
        assertThat(fetch("/static/style.css", "If-None-Match: \"other\"").status()).isEqualTo(200);
    }

    @Test
    void usesPrecompressedTwinsOnlyWhenAccepted() throws Exception {
        RawResponse br = fetch("/static/app.js", "Accept-Encoding: gzip, deflate, br");
        assertThat(br.body()).isEqualTo("BR-BYTES");
        assertThat(br.header("content-encoding")).isEqualTo("br");
        assertThat(br.header("vary")).isEqualTo("Accept-Encoding");
        assertThat(br.header("content-type")).startsWith("application/javascript");
        RawResponse gz = fetch("/static/app.js", "Accept-Encoding: gzip");
        assertThat(gz.body()).isEqualTo("GZ-BYTES");
        assertThat(gz.header("content-encoding")).isEqualTo("gzip");
        assertThat(gz.header("etag")).isNotEqualTo(br.header("etag"));
        RawResponse plain = fetch("/static/app.js");
        assertThat(plain.body()).isEqualTo("console.log('plain');");
        assertThat(plain.header("content-encoding")).isNull();
        assertThat(plain.header("vary")).isEqualTo("Accept-Encoding");
        assertThat(fetch("/static/app.js", "Accept-Encoding: br;q=0, gzip;q=0").header("content-encoding")).isNull();
    }

    @Test
    void aTwinOlderThanTheFileIsIgnored() throws Exception {
        Files.setLastModifiedTime(root.resolve("app.js.br"), FileTime.from(Instant.parse("2000-01-01T00:00:00Z")));
        RawResponse r = fetch("/static/app.js", "Accept-Encoding: br");
        assertThat(r.header("content-encoding")).isNull();
        assertThat(r.body()).isEqualTo("console.log('plain');");
    }

    @Test
    void bytesFollowTheFileOnDisk() throws Exception {
        assertThat(fetch("/static/style.css").body()).isEqualTo("body{}");
        Files.writeString(root.resolve("style.css"), "body{color:red}");
        assertThat(fetch("/static/style.css").body()).isEqualTo("body{color:red}");
        Files.writeString(root.resolve("style.css"), "BODY{COLOR:RED}");
        Files.setLastModifiedTime(root.resolve("style.css"), FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        assertThat(fetch("/static/style.css").body()).isEqualTo("BODY{COLOR:RED}");
        Files.delete(root.resolve("style.css"));
        assertThat(fetch("/static/style.css").status()).isEqualTo(404);
        assertThat(fetch("/static/app.js", "Accept-Encoding: br").body()).isEqualTo("BR-BYTES");
        Files.writeString(root.resolve("app.js.br"), "BR-NEW");
        assertThat(fetch("/static/app.js", "Accept-Encoding: br").body()).isEqualTo("BR-NEW");
    }

    @Test
    void nothingOutsideTheRootIsReachable() throws Exception {
        Files.createSymbolicLink(root.resolve("escape.txt"), dir.resolve("outside.txt"));
        Files.createSymbolicLink(root.resolve("escape-dir"), dir);
        Files.createSymbolicLink(root.resolve("inside.css"), root.resolve("style.css"));
        for (String path : new String[] {
                "/static/../outside.txt", "/static/%2e%2e/outside.txt", "/static/%2E%2E/outside.txt",
                "/static/sub/..%2f..%2foutside.txt", "/static/sub%2fpage.html", "/static/sub%5cpage.html",
                "/static/.secret", "/static/escape.txt", "/static/escape-dir/outside.txt", "/static/sub",
                "/static/sub//page.html", "/static/nope.txt", "/static/", "/static/%00"}) {
            RawResponse r = fetch(path);
            assertThat(r.status()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("top secret").doesNotContain("hidden");
        }
        assertThat(fetch("/static/inside.css").body()).isEqualTo("body{}");
    }

    @Test
    void safePathsRejectsEncodedEscapes() {
        assertThat(SafePaths.relative("a/b.css")).isEqualTo("a/b.css");
        assertThat(SafePaths.relative("a%20b.css")).isEqualTo("a b.css");
        assertThat(SafePaths.relative("%2e%2e/x")).isNull();
        assertThat(SafePaths.relative("a/%2E/x")).isNull();
        assertThat(SafePaths.relative("a%2Fb")).isNull();
        assertThat(SafePaths.relative("a\\b")).isNull();
        assertThat(SafePaths.relative("")).isNull();
        assertThat(SafePaths.resolve(Path.of("/srv/root"), "a/b")).isEqualTo(Path.of("/srv/root/a/b"));
    }
}
