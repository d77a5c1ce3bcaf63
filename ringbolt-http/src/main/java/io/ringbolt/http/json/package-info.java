/**
 * The JSON mapper interface the HTTP server calls for {@code res.json(...)} and
 * {@code req.bodyAs(...)}; JDK only, implementations live in other modules (ringbolt-jackson).
 */
package io.ringbolt.http.json;
