package io.ringbolt.http.json;

import java.lang.reflect.Type;

/**
 * Converts between Java objects and JSON for {@code HttpResponse.json(Object)} and
 * {@code HttpRequest.bodyAs(Type)}; set one with {@code Router.json(mapper)}. ringbolt-http
 * ships none (it stays JDK-only); {@code ringbolt-jackson} provides {@code JacksonJsonMapper}.
 *
 * <p>Implementations must be thread-safe: one instance serves every reactor and virtual thread.
 */
public interface JsonMapper {
    /**
     * {@code value} as UTF-8 JSON. The array is the caller's: the server sends it as it is.
     *
     * @throws RuntimeException if {@code value} cannot be written (a programming error: the client gets 500)
     */
    byte[] write(Object value);

    /**
     * Reads {@code length} bytes of {@code json} from {@code offset} as a {@code type}.
     *
     * @throws JsonReadException if the bytes are not JSON, or not JSON of that type (the client gets 400)
     * @throws RuntimeException  for anything else, such as a type the mapper cannot build (500)
     */
    Object read(byte[] json, int offset, int length, Type type);
}
