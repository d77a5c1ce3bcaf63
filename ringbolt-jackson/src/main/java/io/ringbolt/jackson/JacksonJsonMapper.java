package io.ringbolt.jackson;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.ringbolt.http.json.JsonMapper;
import io.ringbolt.http.json.JsonReadException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;

/**
 * {@link JsonMapper} on a Jackson {@link ObjectMapper}.
 *
 * <pre>{@code
 * router.json(JacksonJsonMapper.create());
 * router.post("/items", (req, res) -> res.status(201).json(store.add(req.bodyAs(Item.class))));
 * }</pre>
 *
 * <p>Input errors become {@link JsonReadException}s (the client gets 400) with a short message
 * that says where, never what: {@code "malformed JSON at line 1, column 9"}, {@code "JSON does
 * not match the expected type at $.items[2].price"}. A type Jackson cannot build at all
 * ({@link InvalidDefinitionException}) is the application's bug and stays an exception (500).
 * Thread-safe, as the {@code ObjectMapper} is once configured.
 */
public final class JacksonJsonMapper implements JsonMapper {
    private final ObjectMapper mapper;

    private JacksonJsonMapper(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /**
     * A mapper with Jackson's defaults, plus {@link DeserializationFeature#FAIL_ON_TRAILING_TOKENS}
     * (a body such as {@code {} garbage} is malformed, not an empty object). Unknown properties
     * fail, as in Jackson's defaults.
     */
    public static JacksonJsonMapper create() {
        return new JacksonJsonMapper(new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
    }

    /** A mapper on {@code mapper}, used as configured; do not reconfigure it afterwards. */
    public static JacksonJsonMapper of(ObjectMapper mapper) {
        return new JacksonJsonMapper(mapper);
    }

    /** The Jackson mapper underneath. */
    public ObjectMapper objectMapper() {
        return mapper;
    }

    @Override
    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + (value == null ? "null" : value.getClass().getName())
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public Object read(byte[] json, int offset, int length, Type type) {
        JavaType javaType = mapper.constructType(type);
        try {
            return mapper.readValue(json, offset, length, javaType);
        } catch (InvalidDefinitionException e) {
            throw new IllegalStateException("Jackson cannot read " + javaType + ": " + e.getOriginalMessage(), e);
        } catch (MismatchedInputException e) {
            throw new JsonReadException("JSON does not match the expected type" + where(e.getPath()));
        } catch (JsonMappingException e) {
            throw new JsonReadException("JSON does not match the expected type" + where(e.getPath()));
        } catch (JacksonException e) {
            throw new JsonReadException("malformed JSON" + at(e.getLocation()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a byte array does no I/O
        }
    }

    /** {@code " at $.a[2].b"}, or empty at the root. */
    private static String where(List<JsonMappingException.Reference> path) {
        if (path == null || path.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" at $");
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                b.append('.').append(shorten(r.getFieldName()));
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** Field names come from the client: keep them short and printable. */
    private static String shorten(String name) {
        StringBuilder b = new StringBuilder(Math.min(name.length(), 40));
        for (int i = 0; i < name.length() && b.length() < 40; i++) {
            char c = name.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return b.toString();
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
