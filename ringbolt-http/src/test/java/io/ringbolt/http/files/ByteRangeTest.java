package io.ringbolt.http.files;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code Range} parsing (RFC 9110 §14.1.2): which bytes a single range selects, and what is ignored. */
class ByteRangeTest {

    @Test
    void theThreeFormsOfASingleRange() {
        assertThat(ByteRange.parse("bytes=0-99", 1000)).isEqualTo(new ByteRange(0, 99));
        assertThat(ByteRange.parse("bytes=500-", 1000)).isEqualTo(new ByteRange(500, 999));
        assertThat(ByteRange.parse("bytes=-100", 1000)).isEqualTo(new ByteRange(900, 999));
        assertThat(ByteRange.parse("bytes=999-999", 1000)).isEqualTo(new ByteRange(999, 999));
        assertThat(ByteRange.parse("Bytes=0-0", 1000)).as("the unit is case-insensitive").isEqualTo(new ByteRange(0, 0));
    }

    @Test
    void aRangePastTheEndIsClippedAndOneStartingThereIsUnsatisfiable() {
        assertThat(ByteRange.parse("bytes=900-5000", 1000)).isEqualTo(new ByteRange(900, 999));
        assertThat(ByteRange.parse("bytes=-5000", 1000)).isEqualTo(new ByteRange(0, 999));
        assertThat(ByteRange.parse("bytes=0-99999999999999999999999", 1000)).isEqualTo(new ByteRange(0, 999));
        assertThat(ByteRange.parse("bytes=1000-", 1000)).isSameAs(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=1000-2000", 1000)).isSameAs(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=99999999999999999999999-", 1000)).isSameAs(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=-0", 1000)).isSameAs(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=0-", 0)).as("empty file").isSameAs(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=-1", 0)).as("empty file").isSameAs(ByteRange.UNSATISFIABLE);
    }

    @Test
    void multipleRangesOtherUnitsAndInvalidSyntaxAreIgnored() {
        for (String field : new String[] {"bytes=0-1,5-6", "bytes=0-0, -1", "bytes=0-1,0-1", "items=0-1", "bytes=",
                "bytes", "bytes=-", "bytes=5", "bytes=a-5", "bytes=5-x", "bytes=9-3", "bytes=1-2-3", "bytes=+1-2",
                "bytes=0x1-2", "bytes=--1", "=0-1", "bytes=1000-1,2-3"}) {
            assertThat(ByteRange.parse(field, 1000)).as(field).isSameAs(ByteRange.WHOLE);
        }
        assertThat(ByteRange.parse(null, 1000)).isSameAs(ByteRange.WHOLE);
    }

    @Test
    void emptyListElementsAndWhitespaceAroundThemAreAllowed() {
        assertThat(ByteRange.parse("bytes=, 0-9 ,", 1000)).isEqualTo(new ByteRange(0, 9));
        assertThat(ByteRange.parse("bytes = 0-9", 1000)).isEqualTo(new ByteRange(0, 9));
    }

    // ---- properties -----------------------------------------------------------------------------

    /** A satisfiable single range for a representation of {@code length} bytes, with the bytes it must select. */
    record Case(int length, String field, int from, int to) {
    }

    @Provide
    Arbitrary<Case> satisfiable() {
        return Arbitraries.integers().between(1, 5000).flatMap(n -> {
            Arbitrary<Integer> inside = Arbitraries.integers().between(0, n - 1);
            Arbitrary<Integer> anyLast = Arbitraries.integers().between(0, 3 * n);
            Arbitrary<Case> closed = Combinators.combine(inside, anyLast).filter((f, l) -> l >= f)
                    .as((f, l) -> new Case(n, "bytes=" + f + "-" + l, f, Math.min(l, n - 1) + 1));
            Arbitrary<Case> open = inside.map(f -> new Case(n, "bytes=" + f + "-", f, n));
            Arbitrary<Case> suffix = Arbitraries.integers().between(1, 3 * n)
                    .map(s -> new Case(n, "bytes=-" + s, Math.max(0, n - s), n));
            return Arbitraries.oneOf(closed, open, suffix);
        });
    }

    @Property(tries = 1000)
    void anySatisfiableSingleRangeSelectsExactlyThoseBytes(@ForAll("satisfiable") Case c) {
        byte[] content = new byte[c.length()];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + 7);
        }
        ByteRange r = ByteRange.parse(c.field(), c.length());
        assertThat(r).isNotSameAs(ByteRange.WHOLE).isNotSameAs(ByteRange.UNSATISFIABLE);
        byte[] selected = Arrays.copyOfRange(content, (int) r.first(), (int) r.last() + 1);
        assertThat(selected).isEqualTo(Arrays.copyOfRange(content, c.from(), c.to()));
        assertThat(r.length()).isEqualTo(selected.length).isPositive();
    }

    @Property(tries = 1000)
    void anyFieldGivesWholeUnsatisfiableOrARangeInside(@ForAll("fields") String field,
                                                       @ForAll @LongRange(min = 0, max = 1L << 40) long length) {
        ByteRange r = ByteRange.parse(field, length);
        if (r != ByteRange.WHOLE && r != ByteRange.UNSATISFIABLE) {
            assertThat(r.first()).isBetween(0L, r.last());
            assertThat(r.last()).isLessThan(length);
        }
    }

    @Provide
    Arbitrary<String> fields() {
        Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.longs().between(0, Long.MAX_VALUE).map(String::valueOf),
                Arbitraries.strings().withChars("0123456789").ofMaxLength(25));
        Arbitrary<String> spec = Combinators.combine(number.injectNull(0.3), number.injectNull(0.3))
                .as((a, b) -> (a == null ? "" : a) + "-" + (b == null ? "" : b));
        Arbitrary<String> junk = Arbitraries.strings().withChars("bytes=-0123456789, \t,x").ofMaxLength(20);
        return Arbitraries.oneOf(spec.map(s -> "bytes=" + s), spec.list().ofMaxSize(3).map(l -> "bytes=" + String.join(",", l)),
                junk);
    }
}
