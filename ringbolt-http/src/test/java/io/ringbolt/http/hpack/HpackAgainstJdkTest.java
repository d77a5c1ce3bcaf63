package io.ringbolt.http.hpack;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Cross-checks against an independent HPACK: the JDK's own, inside {@code java.net.http}
 * (opened to the tests by {@code --add-exports} in this module's surefire configuration). Our
 * encoder's blocks must decode in the JDK's decoder and the JDK encoder's in ours, for many
 * random header lists over one connection's worth of blocks.
 */
class HpackAgainstJdkTest {
    private static final String PACKAGE = "jdk.internal.net.http.hpack.";

    @Test
    void ourBlocksDecodeInTheJdkAndTheJdksInOurs() throws Exception {
        Class<?> jdkEncoderClass = Class.forName(PACKAGE + "Encoder");
        Class<?> jdkDecoderClass = Class.forName(PACKAGE + "Decoder");
        Class<?> callbackClass = Class.forName(PACKAGE + "DecodingCallback");
        Constructor<?> newJdkEncoder = jdkEncoderClass.getConstructor(int.class);
        Constructor<?> newJdkDecoder = jdkDecoderClass.getConstructor(int.class);
        Method jdkHeader = jdkEncoderClass.getMethod("header", CharSequence.class, CharSequence.class);
        Method jdkEncode = jdkEncoderClass.getMethod("encode", ByteBuffer.class);
        Method jdkDecode = jdkDecoderClass.getMethod("decode", ByteBuffer.class, boolean.class, callbackClass);

        Object jdkEncoder = newJdkEncoder.newInstance(4096);
        Object jdkDecoder = newJdkDecoder.newInstance(4096);
        HpackEncoder ourEncoder = new HpackEncoder();
        HpackDecoder ourDecoder = new HpackDecoder(4096, Integer.MAX_VALUE);

        Random random = new Random(42);
        for (int block = 0; block < 300; block++) {
            List<String[]> fields = randomFields(random);
            List<String> expected = new ArrayList<>();
            for (String[] f : fields) {
                expected.add(f[0] + ": " + f[1]);
            }

            // Ours → JDK.
            HpackBuffer out = new HpackBuffer(64);
            ourEncoder.beginBlock(out);
            for (String[] f : fields) {
                ourEncoder.encode(f[0], f[1], out);
            }
            List<String> seenByJdk = new ArrayList<>();
            Object callback = Proxy.newProxyInstance(callbackClass.getClassLoader(), new Class<?>[] {callbackClass},
                    (proxy, method, args) -> {
                        if (method.getName().equals("onDecoded") && args != null && args.length == 2) {
                            seenByJdk.add(args[0] + ": " + args[1]);
                        } else if (method.isDefault()) {
                            return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
                        }
                        return null;
                    });
            jdkDecode.invoke(jdkDecoder, ByteBuffer.wrap(out.toByteArray()), true, callback);
            assertThat(seenByJdk).as("block %d decoded by the JDK", block).isEqualTo(expected);

            // JDK → ours.
            ByteBuffer jdkBlock = ByteBuffer.allocate(64 * 1024);
            for (String[] f : fields) {
                jdkHeader.invoke(jdkEncoder, f[0], f[1]);
                assertThat((boolean) jdkEncode.invoke(jdkEncoder, jdkBlock)).isTrue();
            }
            jdkBlock.flip();
            byte[] bytes = new byte[jdkBlock.remaining()];
            jdkBlock.get(bytes);
            Blocks.Collector collector = new Blocks.Collector();
            assertThat(ourDecoder.decode(bytes, 0, bytes.length, collector)).isTrue();
            assertThat(collector.fields).map(s -> s.replace(" [never]", "")).as("block %d decoded by us", block)
                    .isEqualTo(expected);
        }
    }

    private static List<String[]> randomFields(Random random) {
        String[] names = {":method", ":path", ":status", ":authority", "content-type", "date", "cache-control",
                "x-trace", "accept", "user-agent", "content-length", "set-cookie", "vary"};
        String[] values = {"GET", "POST", "/", "/index.html", "200", "404", "text/html; charset=utf-8",
                "Mon, 21 Oct 2013 20:13:21 GMT", "no-cache", "gzip, deflate", "*/*", ""};
        List<String[]> fields = new ArrayList<>();
        int count = 1 + random.nextInt(20);
        for (int i = 0; i < count; i++) {
            String name = random.nextInt(5) == 0 ? "x-" + Long.toString(random.nextLong() & 0xFFFFF, 36) : names[random.nextInt(names.length)];
            String value;
            if (random.nextBoolean()) {
                value = values[random.nextInt(values.length)];
            } else {
                StringBuilder s = new StringBuilder();
                int length = random.nextInt(random.nextInt(10) == 0 ? 2000 : 40);
                for (int c = 0; c < length; c++) {
                    s.append((char) (0x20 + random.nextInt(0x5F)));
                }
                value = s.toString();
            }
            fields.add(new String[] {name, value});
        }
        return fields;
    }
}
