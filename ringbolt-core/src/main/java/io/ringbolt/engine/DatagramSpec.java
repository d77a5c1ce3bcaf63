package io.ringbolt.engine;


import java.net.InetSocketAddress;

/**
 * What to open: a UDP socket bound to {@code local} (port 0: ephemeral), connected to
 * {@code remote} when not null, with SO_REUSEPORT when several reactors share the port.
 */
public record DatagramSpec(InetSocketAddress local, InetSocketAddress remote, boolean reusePort,
                           DatagramOptions options, DatagramHandler handler) {
}
