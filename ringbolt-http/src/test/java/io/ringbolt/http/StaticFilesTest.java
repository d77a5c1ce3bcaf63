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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void directoriesServeTheirIndexAndWithoutTheSlashRedirectLikeNginx() throws Exception {
        Files.writeString(root.resolve("index.html"), "<p>home</p>");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/index.html"), "<p>docs</p>");
        RawResponse home = fetch("/static/");
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body()).isEqualTo("<p>home</p>");
        assertThat(home.header("content-type")).startsWith("text/html");
        assertThat(fetch("/static/docs/").body()).isEqualTo("<p>docs</p>");
        RawResponse redirect = fetch("/static/docs?lang=en");
        assertThat(redirect.status()).isEqualTo(301);
        assertThat(redirect.header("location")).isEqualTo("docs/?lang=en");
        assertThat(fetch("/static/sub").status()).as("no index: no redirect").isEqualTo(404);
        assertThat(fetch("/static/sub/").status()).isEqualTo(404);
        assertThat(fetch("/static/style.css/").status()).as("a file asked as a directory").isEqualTo(404);
        assertThat(fetch("/static/docs//").status()).isEqualTo(404);
    }

    @Test
    void indexFilesCanBeRenamedOrTurnedOff() throws Exception {
        Files.writeString(root.resolve("sub/default.htm"), "<p>default</p>");
        Files.writeString(root.resolve("index.html"), "<p>home</p>");
        Router router = new Router();
        router.get("/renamed/*", StaticFiles.of(root).withIndexFile("default.htm"));
        router.get("/off/*", StaticFiles.of(root).withIndexFile(null));
        c = new FakeConnection(reactor, HttpServer.create(router));
        assertThat(fetch("/renamed/sub/").body()).isEqualTo("<p>default</p>");
        assertThat(fetch("/renamed/sub").header("location")).isEqualTo("sub/");
        assertThat(fetch("/off/").status()).isEqualTo(404);
        assertThat(fetch("/off/sub").status()).isEqualTo(404);
        assertThat(fetch("/off/index.html").body()).isEqualTo("<p>home</p>");
        for (String bad : new String[] {"a/index.html", ".index", "", "%2e%2e"}) {
            assertThatThrownBy(() -> StaticFiles.of(root).withIndexFile(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anIndexBehindALinkOutOfTheRootIsNotServedNorRedirectedTo() throws Exception {
        Files.writeString(dir.resolve("index.html"), "top secret index");
        Files.createSymbolicLink(root.resolve("escape-dir"), dir);
        assertThat(fetch("/static/escape-dir/").status()).isEqualTo(404);
        assertThat(fetch("/static/escape-dir").status()).isEqualTo(404);
    }

    @Test
    void cacheControlIsSentAsConfiguredAndNotByDefault() throws Exception {
        assertThat(fetch("/static/style.css").header("cache-control")).isNull();
        Router router = new Router();
        router.get("/static/*", StaticFiles.of(root).withCacheControl("public, max-age=3600"));
        c = new FakeConnection(reactor, HttpServer.create(router));
        RawResponse r = fetch("/static/style.css");
        assertThat(r.header("cache-control")).isEqualTo("public, max-age=3600");
        assertThat(fetch("/static/style.css", "If-None-Match: " + r.header("etag")).header("cache-control"))
                .as("a 304 carries what the 200 would (RFC 9110 15.4.5)").isEqualTo("public, max-age=3600");
        assertThat(fetch("/static/style.css", "Range: bytes=0-1").header("cache-control")).isEqualTo("public, max-age=3600");
        assertThat(fetch("/static/nope.css").header("cache-control")).isNull();
        assertThatThrownBy(() -> StaticFiles.of(root).withCacheControl("a\r\nSet-Cookie: x=1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registeredExtensionsWinThenTheBuiltInTableThenTheJdk() throws Exception {
        Files.writeString(root.resolve("scene.rbscene"), "scene");
        Files.writeString(root.resolve("notes.txt"), "n");
        Files.writeString(root.resolve("scan.tiff"), "II*");
        Files.writeString(root.resolve("blob.nosuchtype"), "?");
        assertThat(fetch("/static/scene.rbscene").header("content-type")).isEqualTo("application/octet-stream");
        Router router = new Router();
        router.get("/static/*", StaticFiles.of(root)
                .withContentType("rbscene", ContentType.of("model/x-ringbolt-scene"))
                .withContentType(".TXT", ContentType.of("text/plain; charset=iso-8859-1")));
        c = new FakeConnection(reactor, HttpServer.create(router));
        assertThat(fetch("/static/scene.rbscene").header("content-type")).isEqualTo("model/x-ringbolt-scene");
        assertThat(fetch("/static/notes.txt").header("content-type")).isEqualTo("text/plain; charset=iso-8859-1");
        assertThat(fetch("/static/style.css").header("content-type")).isEqualTo("text/css; charset=utf-8");
        assertThat(fetch("/static/scan.tiff").header("content-type")).as("the JDK's table").isEqualTo("image/tiff");
        assertThat(fetch("/static/blob.nosuchtype").header("content-type")).isEqualTo("application/octet-stream");
        assertThatThrownBy(() -> StaticFiles.of(root).withContentType("tar.gz", ContentType.TEXT_PLAIN))
                .isInstanceOf(IllegalArgumentException.class);
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
