package io.ringbolt.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(20)
class RouterTest {
    final FakeReactor reactor = new FakeReactor();
    final Router router = new Router();

    RawResponse call(String method, String target) {
        FakeConnection c = new FakeConnection(reactor, HttpServer.create(router));
        c.receive(method + " " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
        return RawResponse.parseAll(c.takeSent(), method.equals("HEAD")).getFirst();
    }

    String body(String target) {
        return call("GET", target).body();
    }

    @Test
    void matchesExactParamWildcardAndRegexRoutes() {
        router.get("/", (q, s) -> s.send("root"));
        router.get("/users", (q, s) -> s.send("users"));
        router.get("/users/{id}", (q, s) -> s.send("user " + q.pathParam("id")));
        router.get("/users/{id}/files/{name}", (q, s) -> s.send(q.pathParam("id") + "/" + q.pathParam("name")));
        router.get("/files/*", (q, s) -> s.send("rest=" + q.pathParam("*")));
        router.get("/docs/{path...}", (q, s) -> s.send("doc=" + q.pathParam("path")));
        router.regex("GET", "/v(?<major>[0-9]+)/items", (q, s) -> s.send("v" + q.pathParam("major")));
        router.get("/caf\u00e9", (q, s) -> s.send("coffee"));
        assertThat(body("/")).isEqualTo("root");
        assertThat(body("/users")).isEqualTo("users");
        assertThat(body("/users/42")).isEqualTo("user 42");
        assertThat(body("/users/a%20b")).isEqualTo("user a b");
        assertThat(body("/users/7/files/x.txt")).isEqualTo("7/x.txt");
        assertThat(body("/files/a/b/c.css")).isEqualTo("rest=a/b/c.css");
        assertThat(body("/docs/guide/intro")).isEqualTo("doc=guide/intro");
        assertThat(body("/v2/items")).isEqualTo("v2");
        assertThat(body("/caf%C3%A9")).isEqualTo("coffee");
        assertThat(body("/users/42?x=1")).isEqualTo("user 42");
        assertThat(call("GET", "/users/42/nope").status()).isEqualTo(404);
        assertThat(call("GET", "/v2/other").status()).isEqualTo(404);
        assertThat(call("GET", "/users/").status()).isEqualTo(404);
    }

    /** All-literal paths are looked up whole; a method that does not fit must still reach other routes. */
    @Test
    void wholeLiteralPathsFallBackToParametersWildcardsAndAllow() {
        router.get("/users/me", (q, s) -> s.send("me"));
        router.post("/users/{id}", (q, s) -> s.send("posted " + q.pathParam("id")));
        router.put("/users/*", (q, s) -> s.send("put " + q.pathParam("*")));
        router.get("/a/", (q, s) -> s.send("a-slash"));
        router.get("/a", (q, s) -> s.send("a"));
        router.get("/%25x", (q, s) -> s.send("percent"));
        assertThat(body("/users/me")).isEqualTo("me");
        assertThat(call("POST", "/users/me").body()).isEqualTo("posted me");
        assertThat(call("PUT", "/users/me").body()).isEqualTo("put me");
        assertThat(call("DELETE", "/users/me").status()).isEqualTo(405);
        assertThat(call("DELETE", "/users/me").header("Allow")).contains("GET", "POST", "PUT");
        assertThat(body("/users/m%65")).isEqualTo("me");
        assertThat(body("/a/")).isEqualTo("a-slash");
        assertThat(body("/a")).isEqualTo("a");
        assertThat(call("GET", "/a//").status()).isEqualTo(404);
        assertThat(body("/%2525x")).isEqualTo("percent");
        assertThat(call("GET", "/users/me?x=1").body()).isEqualTo("me");
    }

    @Test
    void literalsBeatParametersAndBacktrack() {
        router.get("/a/{x}/c", (q, s) -> s.send("param " + q.pathParam("x")));
        router.get("/a/b/d", (q, s) -> s.send("literal"));
        router.get("/a/*", (q, s) -> s.send("wild"));
        assertThat(body("/a/b/d")).isEqualTo("literal");
        assertThat(body("/a/b/c")).isEqualTo("param b");
        assertThat(body("/a/b/e")).isEqualTo("wild");
    }

    @Test
    void methodsGive405WithAllowAndHeadAndOptionsWork() {
        router.get("/thing", (q, s) -> s.send("got"));
        router.post("/thing", (q, s) -> s.send("posted"));
        router.route("PURGE", "/thing", (q, s) -> s.send("purged"));
        RawResponse r = call("DELETE", "/thing");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("allow")).isEqualTo("GET, HEAD, POST, OPTIONS, PURGE");
        RawResponse head = call("HEAD", "/thing");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-length")).isEqualTo("3");
        RawResponse options = call("OPTIONS", "/thing");
        assertThat(options.status()).isEqualTo(204);
        assertThat(options.header("allow")).contains("POST");
        assertThat(call("PURGE", "/thing").body()).isEqualTo("purged");
        assertThat(call("REPORT", "/thing").status()).isEqualTo(501);
        assertThat(call("REPORT", "/other").status()).isEqualTo(501);
        assertThat(call("PURGE", "/other").status()).isEqualTo(404);
    }

    @Test
    void decodesQueryParametersOnDemand() {
        router.get("/q", (q, s) -> s.send(q.queryParam("a") + "|" + q.queryParam("b") + "|" + q.queryParams("c")
                + "|" + q.queryParam("missing") + "|" + q.queryParamLong("n", -1) + "|" + q.queryParam("e")
                + "|" + q.queryParam("sp ace")));
        assertThat(body("/q?a=1&b=x+y%21&c=1&c=2&n=-15&e=&sp+ace=ok")).isEqualTo("1|x y!|[1, 2]|null|-15||ok");
        assertThat(call("GET", "/q?n=abc").status()).isEqualTo(400);
        assertThat(body("/q")).isEqualTo("null|null|[]|null|-1|null|null");
    }

    @Test
    void middlewareRunsGlobalThenPrefixThenRouteAndCanShortCircuitOrDecorate() {
        List<String> trace = new ArrayList<>();
        router.use((q, s, next) -> {
            trace.add("global");
            next.handle(q, s);
            s.header("X-Decorated", "yes");
        });
        router.use("/admin", (q, s, next) -> {
            trace.add("admin");
            if (q.header("X-Token") == null) {
                s.status(401).send("no token");
                return;
            }
            next.handle(q, s);
        });
        router.get("/admin/panel", (q, s) -> s.send("panel")).use((q, s, next) -> {
            trace.add("route");
            next.handle(q, s);
        });
        router.get("/administrator", (q, s) -> s.send("not under /admin"));
        router.get("/open", (q, s) -> {
            s.send("first");
            s.send("replaced");
        });
        RawResponse denied = call("GET", "/admin/panel");
        assertThat(denied.status()).isEqualTo(401);
        assertThat(denied.header("x-decorated")).isEqualTo("yes");
        assertThat(trace).containsExactly("global", "admin");
        trace.clear();
        assertThat(body("/administrator")).isEqualTo("not under /admin");
        assertThat(trace).containsExactly("global");
        trace.clear();
        RawResponse missing = call("GET", "/nowhere");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("x-decorated")).isEqualTo("yes");
        assertThat(body("/open")).isEqualTo("replaced");
    }

    @Test
    void conflictingRegistrationsAreRefused() {
        router.get("/a/{x}", (q, s) -> { });
        router.get("/a/{y}/b", (q, s) -> { });
        assertThatThrownBy(() -> HttpServer.create(router)).hasMessageContaining("conflicts");
        Router twice = new Router();
        twice.get("/a", (q, s) -> { });
        twice.get("/a", (q, s) -> { });
        assertThatThrownBy(() -> HttpServer.create(twice)).hasMessageContaining("registered twice");
        assertThatThrownBy(() -> new Router().get("no-slash", (q, s) -> { })).hasMessageContaining("starts with '/'");
        assertThatThrownBy(() -> new Router().get("/a/*/b", (q, s) -> { })).hasMessageContaining("last segment");
    }

    @Test
    void responseFieldsAreValidated() {
        router.get("/bad", (q, s) -> s.header("X", "a\r\nInjected: 1"));
        router.get("/framing", (q, s) -> s.header("Content-Length", "5"));
        assertThat(call("GET", "/bad").status()).isEqualTo(500);
        assertThat(call("GET", "/framing").status()).isEqualTo(500);
    }
}
