/**
 * Blocking streams over engine connections, for straight-line code on virtual threads:
 * {@link io.ringbolt.engine.stream.ConnectionStream} gives any
 * {@link io.ringbolt.engine.Connection} (accepted or connected, plain or TLS)
 * {@code InputStream}/{@code OutputStream} semantics, and
 * {@link io.ringbolt.engine.stream.StreamHandler#serve} runs user code per connection on the
 * engine's shared virtual-thread executor ({@link io.ringbolt.engine.Blocking}).
 *
 * <p>Built on the public engine API only: the reactor side is an ordinary
 * {@link io.ringbolt.engine.ConnectionHandler}, and every blocking wait happens on the
 * stream's own threads, never on a reactor.
 */
package io.ringbolt.engine.stream;
