package io.ringbolt.http.files;

import io.ringbolt.engine.RateLimitedLog;
import io.ringbolt.http.ContentType;
import io.ringbolt.http.HttpHandler;
import io.ringbolt.http.HttpRequest;
import io.ringbolt.http.HttpResponse;
import io.ringbolt.http.HttpStatus;
import io.ringbolt.http.ResponseStream;
import io.ringbolt.http.codec.AcceptEncoding;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves the files below a directory, mounted on a wildcard route:
 * <pre>{@code
 * router.get("/static/*", StaticFiles.of(Path.of("public"))
 *         .withCacheControl("public, max-age=3600")      // default: no Cache-Control
 *         .withIndexFile("index.html")                    // the default; null turns it off
 *         .withContentType("glb", ContentType.of("model/gltf-binary")));
 * }</pre>
 *
 * <ul>
 * <li>Content type by extension: the route's own registrations, then {@link ContentTypes}
 *     (a built-in table, then the JDK's lookup), else {@code application/octet-stream}.
 *     {@code ETag} and {@code Last-Modified}; 304 for a matching {@code If-None-Match} (or,
 *     without it, {@code If-Modified-Since}).</li>
 * <li>Single byte ranges (RFC 9110 §14): {@code Range: bytes=first-last}, {@code first-} and
 *     the suffix {@code -n} get 206 with {@code Content-Range}; a range that starts past the
 *     end gets 416 with {@code Content-Range: bytes *}/length. {@code If-Range} with the
 *     current strong {@code ETag} or the exact {@code Last-Modified} date keeps the range; any
 *     other value gets 200 with the whole file. More than one range, a unit other than
 *     {@code bytes} or invalid syntax also get the whole file (RFC 9110 §14.2 lets a server
 *     ignore the field; multipart/byteranges is not produced). Ranges apply to GET only (HEAD
 *     and other methods ignore the field, §14.2) and always to the unencoded file: a request
 *     with {@code Range} is answered from the file itself, never a compressed twin, so the
 *     bytes of a range do not depend on {@code Accept-Encoding}. Every answer carries
 *     {@code Accept-Ranges: bytes}.</li>
 * <li>Directories: {@code dir/} serves {@code dir/index.html} (see {@link #withIndexFile});
 *     {@code dir} without the slash is redirected (301, relative {@code Location: dir/},
 *     query kept) when that index exists, as nginx does, so relative links in the page
 *     resolve; otherwise 404. No listings.</li>
 * <li>A {@code name.br} or {@code name.gz} twin is sent with {@code Content-Encoding} when the
 *     client accepts it and the twin is at least as new as the file; responses for files with
 *     twins carry {@code Vary: Accept-Encoding}.</li>
 * <li>Never stale: every request checks the file's size, modification time and identity with
 *     one {@code stat}; a changed file is read again. Small files are kept in memory between
 *     changes; larger ones are read for each request, only the bytes the response carries (a
 *     range reads just its span, HEAD reads nothing).</li>
 * <li>Large bodies are streamed: more than {@value #READ_CHUNK_BYTES} bytes go out with
 *     {@code Content-Length} in pieces of that size, read from disk on a virtual thread only
 *     as the client takes them (back-pressure through {@link ResponseStream}), so a download
 *     holds a few pieces plus the connection's output buffer, whatever the file's size, and a
 *     slow client holds no more. A file that changes while it is being sent gets the
 *     connection reset (the head with its length and validators is already out), and a log
 *     line.</li>
 * <li>Never outside the root: see {@link SafePaths}; a file is served only once its real path
 *     (symbolic links resolved) was seen below the real root.</li>
 * <li>The reactor never reads a file: a miss defers the response and loads on a virtual
 *     thread. The per-request {@code stat} does run on the reactor (it is a metadata lookup
 *     the kernel answers from its caches for local files).</li>
 * </ul>
 *
 * Immutable and thread-safe; one instance may serve every reactor. Each {@code with...}
 * method returns a new handler with its own (empty) cache.
 */
public final class StaticFiles implements HttpHandler {
    private static final ExecutorService LOADER =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ringbolt-static-", 0).factory());
    private static final String VARY = "Accept-Encoding";
    private static final System.Logger LOG = System.getLogger("io.ringbolt.http.files");
    /** A client can repeat a failing request as fast as it likes: one line per second per kind. */
    private static final RateLimitedLog WARNINGS = new RateLimitedLog(LOG, System.Logger.Level.WARNING);
    private static final int WARN_READ_FAILED = 0, WARN_CHANGED_WHILE_SENT = 1;
    private static final int RANGE_NOT_SATISFIABLE = 416;
    /**
     * Disk reads of uncached files go in pieces of this size, bounding the JDK's temporary direct
     * buffer. A body up to this size is read into one array; a larger one is streamed in pieces
     * of this size.
     */
    static final int READ_CHUNK_BYTES = 64 * 1024;
    /** A streamed file is checked for changes ({@code stat}) after every this many bytes, and at its end. */
    private static final long CHANGE_CHECK_BYTES = 1 << 20;
    private static final byte[] NO_BYTES = new byte[0];

    private final Path realRoot;
    private final String paramName;
    private final int maxCachedFileBytes;
    private final long maxCacheBytes;
    private final String cacheControl;
    private final String indexFile;
    private final Map<String, ContentType> types;
    private final ConcurrentHashMap<String, FileEntry> cache = new ConcurrentHashMap<>();
    private final AtomicLong cachedBytes = new AtomicLong();

    private StaticFiles(Path realRoot, String paramName, int maxCachedFileBytes, long maxCacheBytes,
                        String cacheControl, String indexFile, Map<String, ContentType> types) {
        this.realRoot = realRoot;
        this.paramName = paramName;
        this.maxCachedFileBytes = maxCachedFileBytes;
        this.maxCacheBytes = maxCacheBytes;
        this.cacheControl = cacheControl;
        this.indexFile = indexFile;
        this.types = types;
    }

    /**
     * Files below {@code root}, for a route whose wildcard is {@code *}; keeps files up to
     * 1 MiB, 64 MiB in all; {@code index.html} for directories; no {@code Cache-Control}.
     *
     * @throws IOException when {@code root} is not a readable directory
     */
    public static StaticFiles of(Path root) throws IOException {
        Path real = root.toRealPath();
        if (!Files.isDirectory(real)) {
            throw new IOException("static-root=" + root + " (not a directory)");
        }
        return new StaticFiles(real, "*", 1 << 20, 64L << 20, null, "index.html", Map.of());
    }

    /** The same files for a route whose wildcard is {@code {name...}}. */
    public StaticFiles withParamName(String name) {
        return new StaticFiles(realRoot, Objects.requireNonNull(name, "name"), maxCachedFileBytes, maxCacheBytes,
                cacheControl, indexFile, types);
    }

    /** Keeps files up to {@code perFileBytes} in memory, {@code totalBytes} in all. */
    public StaticFiles withCacheLimits(int perFileBytes, long totalBytes) {
        return new StaticFiles(realRoot, paramName, perFileBytes, totalBytes, cacheControl, indexFile, types);
    }

    /**
     * Sends {@code Cache-Control: value} with every file (200, 206 and 304), e.g.
     * {@code "public, max-age=3600"}, or {@code "no-cache"} to make browsers revalidate each
     * time (cheap: a 304). Null (the default) sends none, leaving freshness to the browser's
     * heuristics (RFC 9111 §4.2.2: typically a tenth of the time since {@code Last-Modified}).
     *
     * @throws IllegalArgumentException if {@code value} is empty or not a legal field value
     */
    public StaticFiles withCacheControl(String value) {
        if (value != null && (value.isBlank() || !ContentType.isFieldValue(value))) {
            throw new IllegalArgumentException("cache-control=" + value.strip() + " (must be a non-empty field value)");
        }
        return new StaticFiles(realRoot, paramName, maxCachedFileBytes, maxCacheBytes, value, indexFile, types);
    }

    /**
     * Serves {@code dir/fileName} for a request of {@code dir/} (default {@code index.html});
     * null turns index files off, so directories are 404.
     *
     * @throws IllegalArgumentException if {@code fileName} is not a plain file name
     */
    public StaticFiles withIndexFile(String fileName) {
        if (fileName != null && !fileName.equals(SafePaths.relative(fileName))) {
            throw new IllegalArgumentException("index-file=" + fileName + " (must be a plain file name, no '/', not hidden)");
        }
        if (fileName != null && fileName.contains("/")) {
            throw new IllegalArgumentException("index-file=" + fileName + " (must be a file name, not a path)");
        }
        return new StaticFiles(realRoot, paramName, maxCachedFileBytes, maxCacheBytes, cacheControl, fileName, types);
    }

    /**
     * Serves files ending in {@code .extension} (any case; given with or without the dot) as
     * {@code type}, before the built-in table and the JDK's lookup.
     *
     * @throws IllegalArgumentException if {@code extension} is empty or contains '.' or '/'
     */
    public StaticFiles withContentType(String extension, ContentType type) {
        Objects.requireNonNull(type, "type");
        String e = extension.startsWith(".") ? extension.substring(1) : extension;
        if (e.isEmpty() || e.contains(".") || e.contains("/")) {
            throw new IllegalArgumentException("extension=" + extension + " (must be one extension, like \"glb\")");
        }
        Map<String, ContentType> more = new HashMap<>(types);
        more.put(e.toLowerCase(Locale.ROOT), type);
        return new StaticFiles(realRoot, paramName, maxCachedFileBytes, maxCacheBytes, cacheControl, indexFile,
                Map.copyOf(more));
    }

    /** The real root directory. */
    public Path root() {
        return realRoot;
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws IOException {
        String raw = request.rawPathParam(paramName);
        boolean directory = raw != null && (raw.isEmpty() || raw.endsWith("/"));
        String relative = raw == null ? null : directory ? indexBelow(raw) : SafePaths.relative(raw);
        FileEntry known = relative == null ? null : cache.get(relative);
        // A cached entry's path is this relative path resolved before: no need to do it again.
        Path file = relative == null ? null : known != null && known.path() != null ? known.path() : SafePaths.resolve(realRoot, relative);
        BasicFileAttributes attrs = file == null ? null : stat(file);
        if (attrs != null && attrs.isDirectory() && !directory && indexFile != null) {
            String query = request.rawQuery();
            String location = raw.substring(raw.lastIndexOf('/') + 1) + "/" + (query == null ? "" : "?" + query);
            response.defer();
            LOADER.execute(() -> redirectToDirectory(response, file, location));
            return;
        }
        if (attrs == null || !attrs.isRegularFile()) {
            if (relative != null) {
                evict(relative);
            }
            notFound(response);
            return;
        }
        Conditions conditions = Conditions.of(request);
        // A range is always of the unencoded file (see the class comment): no twin for it.
        boolean twinsOk = conditions.range() == null;
        int first = twinsOk ? AcceptEncoding.choose(request.head(), true, true) : AcceptEncoding.IDENTITY;
        boolean gzipOk = first == AcceptEncoding.GZIP
                || (first == AcceptEncoding.BR && AcceptEncoding.choose(request.head(), false, true) == AcceptEncoding.GZIP);
        boolean brOk = first == AcceptEncoding.BR;
        FileEntry entry = known;
        if (entry != null && entry.content() != null && entry.matches(attrs)
                && serveCached(response, relative, entry, brOk, gzipOk, conditions)) {
            return;
        }
        response.defer();
        LOADER.execute(() -> load(response, relative, file, brOk, gzipOk, conditions));
    }

    /** The index file below the still encoded directory {@code raw} (empty or ending in '/'), or null. */
    private String indexBelow(String raw) {
        if (indexFile == null) {
            return null;
        }
        if (raw.isEmpty()) {
            return indexFile;
        }
        String dir = SafePaths.relative(raw.substring(0, raw.length() - 1));
        return dir == null ? null : dir + "/" + indexFile;
    }

    /**
     * Runs on a virtual thread: 301 to {@code location} when {@code dir} (inside the root) has
     * an index file, so the page's relative links resolve below it; else 404. The location is
     * relative (the last segment plus '/'), so it cannot point at another host.
     */
    private void redirectToDirectory(HttpResponse response, Path dir, String location) {
        Path index = dir.resolve(indexFile);
        if (SafePaths.isInside(realRoot, dir) && Files.isRegularFile(index) && SafePaths.isInside(realRoot, index)) {
            response.status(HttpStatus.MOVED_PERMANENTLY).header("Location", location).end();
        } else {
            notFound(response);
        }
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
                serve(response, entry, twin, "br", conditions, twin.content(), 0, null);
                return true;
            }
        }
        if (gzipOk && entry.gzipTwin()) {
            FileEntry twin = cachedTwin(relative, ".gz", entry);
            if (twin == MISS) {
                return false;
            }
            if (twin != null) {
                serve(response, entry, twin, "gzip", conditions, twin.content(), 0, null);
                return true;
            }
        }
        serve(response, entry, entry, null, conditions, entry.content(), 0, null);
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
            for (int attempt = 0; attempt < 3; attempt++) {
                FileEntry entry = entry(relative, file, "", null);
                if (entry == null) {
                    notFound(response);
                    return;
                }
                FileEntry representation = entry;
                String coding = null;
                if (brOk && entry.brTwin()) {
                    representation = entry(relative + ".br", twinPath(file, ".br"), "-br", entry);
                    coding = representation == null ? null : "br";
                }
                if (coding == null && gzipOk && entry.gzipTwin()) {
                    representation = entry(relative + ".gz", twinPath(file, ".gz"), "-gzip", entry);
                    coding = representation == null ? null : "gzip";
                }
                if (coding == null) {
                    representation = entry;
                }
                if (readAndServe(response, entry, representation, coding, conditions)) {
                    return;
                }
            }
            throw new IOException("file=" + file + " kept changing while being read");
        } catch (IOException | RuntimeException e) {
            if (WARNINGS.isDue(WARN_READ_FAILED)) {
                WARNINGS.log(WARN_READ_FAILED, "static file " + relative + ": " + e);
            }
            response.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType(ContentType.TEXT_PLAIN).send("Internal Server Error\n");
        }
    }

    /**
     * Reads from disk the bytes of {@code representation} the answer carries, unless they are
     * in memory, and serves them: up to {@link #READ_CHUNK_BYTES} as one array, more streamed
     * from the file (opened and checked here, before the head goes out). HEAD reads nothing.
     *
     * @return false (nothing sent) when the file changed while it was read or opened
     */
    private boolean readAndServe(HttpResponse response, FileEntry file, FileEntry representation, String coding,
                                 Conditions conditions) throws IOException {
        byte[] body = representation.content();
        if (body != null) {
            serve(response, file, representation, coding, conditions, body, 0, null);
            return true;
        }
        ByteRange span = conditions.bytesToSend(file, representation, coding);
        if (span == null && !conditions.headOnly()) {
            serve(response, file, representation, coding, conditions, NO_BYTES, 0, null); // 304 or 416
            return true;
        }
        if (span != null && span.length() <= READ_CHUNK_BYTES) {
            body = readSpan(representation, span.first(), (int) span.length());
            if (body == null) {
                return false;
            }
            serve(response, file, representation, coding, conditions, body, span.first(), null);
            return true;
        }
        FileChannel source = openUnchanged(representation);
        if (source == null) {
            return false;
        }
        try (source) {
            serve(response, file, representation, coding, conditions, null, 0, source);
        }
        return true;
    }

    /** The file {@code entry} describes, opened for reading, or null when it is no longer that file. */
    private static FileChannel openUnchanged(FileEntry entry) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(entry.path(), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
        BasicFileAttributes now = stat(entry.path());
        if (now == null || !entry.matches(now) || channel.size() != entry.size()) {
            channel.close();
            return null;
        }
        return channel;
    }

    private static Path twinPath(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /**
     * The current entry for {@code file}: from the cache when unchanged; else a file that fits
     * the cache is read consistently (stat, read, stat again until both agree) and cached, and
     * a larger one described without its bytes ({@link #readSpan} reads them). For a twin
     * ({@code original} non-null) returns null when it is missing or older than the original.
     */
    private FileEntry entry(String key, Path file, String etagSuffix, FileEntry original) throws IOException {
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
            ContentType type = original != null ? original.contentType()
                    : ContentTypes.forFileName(file.getFileName().toString(), types);
            boolean gz = original == null && Files.isRegularFile(twinPath(file, ".gz"));
            boolean br = original == null && Files.isRegularFile(twinPath(file, ".br"));
            if (before.size() > maxCachedFileBytes) {
                evict(key);
                return FileEntry.of(file, before, etagSuffix, type, null, gz, br);
            }
            byte[] content = Files.readAllBytes(file);
            BasicFileAttributes after = stat(file);
            if (after == null || !sameFile(before, after) || content.length != after.size()) {
                continue;
            }
            FileEntry fresh = FileEntry.of(file, after, etagSuffix, type, content, gz, br);
            if (reserve(content.length)) {
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

    /**
     * Bytes {@code [first, first + count)} of the file {@code entry} describes, or null when the
     * file is no longer that one (changed, replaced, shortened or gone) by the end of the read.
     */
    private static byte[] readSpan(FileEntry entry, long first, int count) throws IOException {
        byte[] bytes = new byte[count];
        try (FileChannel channel = FileChannel.open(entry.path(), StandardOpenOption.READ)) {
            int done = 0;
            while (done < count) {
                int n = channel.read(ByteBuffer.wrap(bytes, done, Math.min(READ_CHUNK_BYTES, count - done)), first + done);
                if (n < 0) {
                    return null;
                }
                done += n;
            }
        } catch (NoSuchFileException e) {
            return null;
        }
        BasicFileAttributes after = stat(entry.path());
        return after != null && entry.matches(after) ? bytes : null;
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
                && Objects.equals(a.fileKey(), b.fileKey());
    }

    /**
     * Answers with {@code representation} of {@code file} (itself or a twin sent with
     * {@code coding}): 304, 416, 206 or 200. {@code body} holds the representation's bytes from
     * offset {@code bodyFirst} on, at least those {@link Conditions#bytesToSend} names; or it
     * is null and the bytes are streamed from {@code source} (on the loader's virtual thread).
     */
    private void serve(HttpResponse response, FileEntry file, FileEntry representation, String coding,
                       Conditions conditions, byte[] body, long bodyFirst, FileChannel source) {
        response.header("ETag", representation.etag());
        response.header("Last-Modified", file.lastModified());
        if (file.gzipTwin() || file.brTwin()) {
            response.header("Vary", VARY);
        }
        if (cacheControl != null) {
            response.header("Cache-Control", cacheControl);
        }
        response.header("Accept-Ranges", "bytes");
        if (conditions.notModified(representation, file)) {
            response.status(HttpStatus.NOT_MODIFIED);
            response.end();
            return;
        }
        ByteRange range = coding == null ? conditions.range(representation, file) : ByteRange.WHOLE;
        if (range == ByteRange.UNSATISFIABLE) {
            // A server compression policy must not encode a partial answer: clear it.
            response.status(RANGE_NOT_SATISFIABLE).compression(null)
                    .header("Content-Range", "bytes */" + representation.size())
                    .contentType(ContentType.TEXT_PLAIN).send("Range Not Satisfiable\n");
            return;
        }
        response.contentType(file.contentType());
        if (coding != null) {
            response.header("Content-Encoding", coding);
        }
        long first = 0;
        long count = representation.size();
        if (range != ByteRange.WHOLE) {
            first = range.first();
            count = range.length();
            response.status(HttpStatus.PARTIAL_CONTENT).compression(null)
                    .header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + representation.size());
        }
        if (body != null) {
            response.send(body, (int) (first - bodyFirst), (int) count);
            return;
        }
        ResponseStream out = response.stream(count);
        if (conditions.headOnly()) {
            out.close();
        } else {
            pump(source, representation, first, count, out);
        }
    }

    /**
     * Streams {@code count} bytes of {@code source} from {@code first}, one
     * {@link #READ_CHUNK_BYTES} piece at a time, on the loader's virtual thread: positional
     * reads into one reused buffer, and {@link ResponseStream#write} blocks while the client is
     * slow, so a download holds a few pieces plus the connection's output (up to its high water
     * mark), never the file. Stops when the client goes away. A file that changes while it is
     * sent (shorter, or its size, time or identity differ at a check) cannot be answered
     * honestly any more, since the head already went out: the connection is reset, so the
     * client sees the body end before {@code Content-Length} and never a mixed file as a
     * complete one.
     */
    private static void pump(FileChannel source, FileEntry entry, long first, long count, ResponseStream out) {
        byte[] chunk = new byte[(int) Math.min(READ_CHUNK_BYTES, count)];
        ByteBuffer buffer = ByteBuffer.wrap(chunk);
        long done = 0;
        long sinceCheck = 0;
        try {
            while (done < count) {
                if (!out.isOpen()) {
                    return; // the client went away; the connection is closing
                }
                int want = (int) Math.min(chunk.length, count - done);
                buffer.clear().limit(want);
                while (buffer.hasRemaining()) {
                    if (source.read(buffer, first + done + buffer.position()) < 0) {
                        changedWhileSent(entry, out, "ended early");
                        return;
                    }
                }
                out.write(chunk, 0, want);
                done += want;
                sinceCheck += want;
                if (sinceCheck >= CHANGE_CHECK_BYTES || done == count) {
                    sinceCheck = 0;
                    BasicFileAttributes now = stat(entry.path());
                    if (now == null || !entry.matches(now)) {
                        changedWhileSent(entry, out, "changed");
                        return;
                    }
                }
            }
            out.close();
        } catch (IOException | RuntimeException e) {
            if (WARNINGS.isDue(WARN_READ_FAILED)) {
                WARNINGS.log(WARN_READ_FAILED, "static file " + entry.path() + ": " + e);
            }
            out.abort();
        }
    }

    /** The file changed under a response whose head is sent: reset the connection, and say why. */
    private static void changedWhileSent(FileEntry entry, ResponseStream out, String how) {
        if (WARNINGS.isDue(WARN_CHANGED_WHILE_SENT)) {
            WARNINGS.log(WARN_CHANGED_WHILE_SENT, "static file " + entry.path() + " " + how
                    + " while it was being sent; connection reset (the head was already sent)");
        }
        out.abort();
    }

    private static void notFound(HttpResponse response) {
        response.status(HttpStatus.NOT_FOUND).contentType(ContentType.TEXT_PLAIN).send("Not Found\n");
    }

    private static BasicFileAttributes stat(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "StaticFiles[" + realRoot + "]";
    }
}
