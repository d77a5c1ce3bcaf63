package io.ringbolt.http.files;

import io.ringbolt.http.ContentType;
import io.ringbolt.http.codec.HttpDate;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * What is known about one file on disk at one moment: its identity (size, modification time,
 * file key), the validators derived from it, and its bytes when they are small enough to keep.
 * Immutable; a changed file gets a new entry. Any thread.
 *
 * @param path         the file (lexical path below the root)
 * @param size         size in bytes
 * @param modified     modification time
 * @param fileKey      device and inode, or null where the platform has none
 * @param etag         strong validator, quoted
 * @param lastModified IMF-fixdate of {@code modified}
 * @param contentType  type by extension
 * @param content      the bytes, or null when the file is too large to keep
 * @param gzipTwin     a {@code .gz} twin existed when the entry was made
 * @param brTwin       a {@code .br} twin existed when the entry was made
 */
record FileEntry(Path path, long size, FileTime modified, Object fileKey, String etag, String lastModified,
                 ContentType contentType, byte[] content, boolean gzipTwin, boolean brTwin) {

    static FileEntry of(Path path, BasicFileAttributes a, String etagSuffix, ContentType type, byte[] content,
                        boolean gzipTwin, boolean brTwin) {
        long nanos = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        String etag = "\"" + Long.toHexString(a.size()) + "-" + Long.toHexString(nanos) + etagSuffix + "\"";
        return new FileEntry(path, a.size(), a.lastModifiedTime(), a.fileKey(), etag,
                HttpDate.format(a.lastModifiedTime().toMillis()), type, content, gzipTwin, brTwin);
    }

    /** True if {@code a} describes the same bytes this entry was made from. */
    boolean matches(BasicFileAttributes a) {
        return a.size() == size && a.lastModifiedTime().equals(modified) && Objects.equals(a.fileKey(), fileKey);
    }

    /** Whole seconds of the modification time, as If-Modified-Since compares. */
    long modifiedSeconds() {
        return modified.toMillis() / 1000;
    }
}
