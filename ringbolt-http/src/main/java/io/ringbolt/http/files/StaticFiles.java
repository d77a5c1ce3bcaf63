package io.ringbolt.http.files;

import io.ringbolt.http.ContentType;
import io.ringbolt.http.HttpHandler;
import io.ringbolt.http.HttpRequest;
import io.ringbolt.http.HttpResponse;
import io.ringbolt.http.HttpStatus;
import io.ringbolt.http.codec.AcceptEncoding;
import io.ringbolt.http.codec.HttpDate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves the files below a directory, mounted on a wildcard route:
 * <pre>{@code router.get("/static/*", StaticFiles.of(Path.of("public")));}</pre>
 *
 * <ul>
 * <li>Content type by extension; {@code ETag} and {@code Last-Modified}; 304 for a matching
 *     {@code If-None-Match} (or, without it, {@code If-Modified-Since}).</li>
 * <li>A {@code name.br} or {@code name.gz} twin is sent with {@code Content-Encoding} when the
 *     client accepts it and the twin is at least as new as the file; responses for files with
 *     twins carry {@code Vary: Accept-Encoding}.</li>
 * <li>Never stale: every request checks the file's size, modification time and identity with
 *     one {@code stat}; a changed file is read again. Small files are kept in memory between
 *     changes; larger ones are read for each request.</li>
 * <li>Never outside the root: see {@link SafePaths}; a file is served only once its real path
 *     (symbolic links resolved) was seen below the real root.</li>
 * <li>The reactor never reads a file: a miss defers the response and loads on a virtual
 *     thread. The per-request {@code stat} does run on the reactor (it is a metadata lookup
 *     the kernel answers from its caches for local files).</li>
 * </ul>
 *
 * Thread-safe; one instance may serve every reactor.
 */
public final class StaticFiles implements HttpHandler {
    private static final ExecutorService LOADER =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ringbolt-static-", 0).factory());
    private static final String VARY = "Accept-Encoding";
    private static final System.Logger LOG = System.getLogger("io.ringbolt.http.files");

    private final Path realRoot;
    private final String paramName;
    private final int maxCachedFileBytes;
    private final long maxCacheBytes;
    private final ConcurrentHashMap<String, FileEntry> cache = new ConcurrentHashMap<>();
    private final AtomicLong cachedBytes = new AtomicLong();

    private StaticFiles(Path realRoot, String paramName, int maxCachedFileBytes, long maxCacheBytes) {
        this.realRoot = realRoot;
        this.paramName = paramName;
        this.maxCachedFileBytes = maxCachedFileBytes;
        this.maxCacheBytes = maxCacheBytes;
    }

    /**
     * Files below {@code root}, for a route whose wildcard is {@code *}; keeps files up to
     * 1 MiB, 64 MiB in all.
     *
     * @throws IOException when {@code root} is not a readable directory
     */
    public static StaticFiles of(Path root) throws IOException {
        Path real = root.toRealPath();
        if (!Files.isDirectory(real)) {
            throw new IOException("static-root=" + root + " (not a directory)");
        }
        return new StaticFiles(real, "*", 1 << 20, 64L << 20);
    }

    /** The same files for a route whose wildcard is {@code {name...}}. */
    public StaticFiles withParamName(String name) {
        return new StaticFiles(realRoot, name, maxCachedFileBytes, maxCacheBytes);
    }

    /** Keeps files up to {@code perFileBytes} in memory, {@code totalBytes} in all. */
    public StaticFiles withCacheLimits(int perFileBytes, long totalBytes) {
        return new StaticFiles(realRoot, paramName, perFileBytes, totalBytes);
    }

    /** The real root directory. */
    public Path root() {
        return realRoot;
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws IOException {
        String relative = SafePaths.relative(request.rawPathParam(paramName));
        Path file = relative == null ? null : SafePaths.resolve(realRoot, relative);
        BasicFileAttributes attrs = file == null ? null : stat(file);
        if (attrs == null || !attrs.isRegularFile()) {
            if (relative != null) {
                evict(relative);
            }
            notFound(response);
            return;
        }
        Conditions conditions = Conditions.of(request);
        int first = AcceptEncoding.choose(request.head(), true, true);
        boolean gzipOk = first == AcceptEncoding.GZIP
                || (first == AcceptEncoding.BR && AcceptEncoding.choose(request.head(), false, true) == AcceptEncoding.GZIP);
        boolean brOk = first == AcceptEncoding.BR;
        FileEntry entry = cache.get(relative);
        if (entry != null && entry.content() != null && entry.matches(attrs)
                && serveCached(response, relative, entry, brOk, gzipOk, conditions)) {
            return;
        }
        response.defer();
        LOADER.execute(() -> load(response, relative, file, brOk, gzipOk, conditions));
    }

    /** Serves from memory when every piece is current; false when something must be read. */
    private boolean serveCached(HttpResponse response, String relative, FileEntry entry, boolean brOk,
                                boolean gzipOk, Conditions conditions) {
        if (brOk && entry.brTwin()) {
            FileEntry twin = cachedTwin(relative, ".br", entry);
            if (twin == MISS) {
                return false;
            }
            if (twin != null) {
                serve(response, entry, twin, "br", conditions);
                return true;
            }
        }
        if (gzipOk && entry.gzipTwin()) {
            FileEntry twin = cachedTwin(relative, ".gz", entry);
            if (twin == MISS) {
                return false;
            }
            if (twin != null) {
                serve(response, entry, twin, "gzip", conditions);
                return true;
            }
        }
        serve(response, entry, entry, null, conditions);
        return true;
    }

    /** Marks a twin that is usable but not in memory. */
    private static final FileEntry MISS = new FileEntry(null, -1, null, null, null, null, null, null, false, false);

    /** The current cached twin, {@link #MISS} when it must be read, or null when it cannot be used. */
    private FileEntry cachedTwin(String relative, String suffix, FileEntry original) {
        BasicFileAttributes a = stat(twinPath(original.path(), suffix));
        if (a == null || !a.isRegularFile() || a.lastModifiedTime().compareTo(original.modified()) < 0) {
            return null;
        }
        FileEntry twin = cache.get(relative + suffix);
        return twin != null && twin.content() != null && twin.matches(a) ? twin : MISS;
    }

    /** Runs on a virtual thread: reads what changed, then answers. */
    private void load(HttpResponse response, String relative, Path file, boolean brOk, boolean gzipOk,
                      Conditions conditions) {
        try {
            FileEntry entry = read(relative, file, "", null);
            if (entry == null) {
                notFound(response);
                return;
            }
            for (String coding : new String[] {"br", "gzip"}) {
                boolean ok = coding.equals("br") ? brOk && entry.brTwin() : gzipOk && entry.gzipTwin();
                if (!ok) {
                    continue;
                }
                String suffix = coding.equals("br") ? ".br" : ".gz";
                FileEntry twin = read(relative + suffix, twinPath(file, suffix), "-" + coding, entry);
                if (twin != null) {
                    serve(response, entry, twin, coding, conditions);
                    return;
                }
            }
            serve(response, entry, entry, null, conditions);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "static file " + relative + ": " + e);
            response.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType(ContentType.TEXT_PLAIN).send("Internal Server Error\n");
        }
    }

    private static Path twinPath(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /**
     * Reads {@code file} consistently (stat, read, stat again until both agree) and caches it
     * when small enough. For a twin ({@code original} non-null) returns null when it is missing
     * or older than the original.
     */
    private FileEntry read(String key, Path file, String etagSuffix, FileEntry original) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            BasicFileAttributes before = stat(file);
            if (before == null || !before.isRegularFile()) {
                evict(key);
                return null;
            }
            if (original != null && before.lastModifiedTime().compareTo(original.modified()) < 0) {
                return null;
            }
            FileEntry cached = cache.get(key);
            if (cached != null && cached.matches(before) && cached.content() != null) {
                return cached;
            }
            if (!SafePaths.isInside(realRoot, file)) {
                evict(key);
                return null;
            }
            byte[] content = Files.readAllBytes(file);
            BasicFileAttributes after = stat(file);
            if (after == null || !sameFile(before, after) || content.length != after.size()) {
                continue;
            }
            boolean keep = content.length <= maxCachedFileBytes;
            ContentType type = original != null ? original.contentType() : ContentTypes.forFileName(file.getFileName().toString());
            boolean gz = original == null && Files.isRegularFile(twinPath(file, ".gz"));
            boolean br = original == null && Files.isRegularFile(twinPath(file, ".br"));
            FileEntry fresh = FileEntry.of(file, after, etagSuffix, type, content, gz, br);
            if (keep && reserve(content.length)) {
                FileEntry old = cache.put(key, fresh);
                if (old != null && old.content() != null) {
                    cachedBytes.addAndGet(-old.content().length);
                }
            } else {
                evict(key);
            }
            return fresh;
        }
        throw new IOException("file=" + file + " kept changing while being read");
    }

    private boolean reserve(long bytes) {
        while (true) {
            long now = cachedBytes.get();
            if (now + bytes > maxCacheBytes) {
                return false;
            }
            if (cachedBytes.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    private void evict(String key) {
        FileEntry old = cache.remove(key);
        if (old != null && old.content() != null) {
            cachedBytes.addAndGet(-old.content().length);
        }
    }

    private static boolean sameFile(BasicFileAttributes a, BasicFileAttributes b) {
        return a.size() == b.size() && a.lastModifiedTime().equals(b.lastModifiedTime())
                && java.util.Objects.equals(a.fileKey(), b.fileKey());
    }

    private static void serve(HttpResponse response, FileEntry file, FileEntry representation, String coding,
                              Conditions conditions) {
        response.header("ETag", representation.etag());
        response.header("Last-Modified", file.lastModified());
        if (file.gzipTwin() || file.brTwin()) {
            response.header("Vary", VARY);
        }
        if (conditions.notModified(representation, file)) {
            response.status(HttpStatus.NOT_MODIFIED);
            response.end();
            return;
        }
        response.contentType(file.contentType());
        if (coding != null) {
            response.header("Content-Encoding", coding);
        }
        response.send(representation.content());
    }

    private static void notFound(HttpResponse response) {
        response.status(HttpStatus.NOT_FOUND).contentType(ContentType.TEXT_PLAIN).send("Not Found\n");
    }

    private static BasicFileAttributes stat(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The request's validators, read on the reactor before any hand-off. */
    private record Conditions(String ifNoneMatch, long ifModifiedSinceSeconds) {
        static final Conditions NONE = new Conditions(null, -1);

        static Conditions of(HttpRequest request) {
            String inm = request.header("If-None-Match");
            String ims = inm == null ? request.header("If-Modified-Since") : null;
            if (inm == null && ims == null) {
                return NONE;
            }
            long millis = ims == null ? -1 : HttpDate.parse(ims);
            return new Conditions(inm, millis < 0 ? -1 : millis / 1000);
        }

        boolean notModified(FileEntry representation, FileEntry file) {
            if (ifNoneMatch != null) {
                return etagMatches(ifNoneMatch, representation.etag());
            }
            return ifModifiedSinceSeconds >= 0 && file.modifiedSeconds() <= ifModifiedSinceSeconds;
        }

        /** Weak comparison over a list of entity tags (RFC 9110 §13.1.2). */
        static boolean etagMatches(String header, String etag) {
            String h = header.trim();
            if (h.equals("*")) {
                return true;
            }
            for (String candidate : h.split(",")) {
                String c = candidate.trim();
                if (c.startsWith("W/")) {
                    c = c.substring(2);
                }
                if (c.equals(etag)) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public String toString() {
        return "StaticFiles[" + realRoot + "]";
    }

}
