/** Ringbolt as a library: the README's examples, compiled and tested. */
module io.ringbolt.examples {
    requires io.ringbolt.http;

    exports io.ringbolt.examples;
}
