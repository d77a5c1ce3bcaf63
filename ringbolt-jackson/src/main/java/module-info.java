/**
 * Jackson as Ringbolt's JSON mapper: {@code router.json(JacksonJsonMapper.create())} enables
 * {@code res.json(...)} and {@code req.bodyAs(...)}. Types read or written must be accessible to
 * Jackson: on the module path, open their packages to {@code com.fasterxml.jackson.databind}.
 */
module io.ringbolt.jackson {
    requires transitive io.ringbolt.http;
    requires transitive com.fasterxml.jackson.databind;

    exports io.ringbolt.jackson;
}
