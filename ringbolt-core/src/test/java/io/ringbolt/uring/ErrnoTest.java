package io.ringbolt.uring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ErrnoTest {

    @Test
    void shouldNameErrnoWhenPositiveOrNegative() {
        assertThat(Errno.name(Errno.ECONNRESET)).isEqualTo("ECONNRESET");
        assertThat(Errno.name(-Errno.ENOBUFS)).isEqualTo("ENOBUFS");
        assertThat(Errno.name(-Errno.ETIME)).isEqualTo("ETIME");
        assertThat(Errno.name(Errno.EPERM)).isEqualTo("EPERM");
    }

    @Test
    void shouldFallBackToNumberWhenErrnoUnknown() {
        assertThat(Errno.name(4242)).isEqualTo("errno 4242");
        assertThat(Errno.name(-4242)).isEqualTo("errno 4242");
    }

    @Test
    void shouldMatchLinuxValuesWhenComparedToKernelTable() {
        assertThat(new int[] {Errno.EAGAIN, Errno.EINVAL, Errno.ENOSYS, Errno.EBADR, Errno.ETIME,
                Errno.EOPNOTSUPP, Errno.EADDRINUSE, Errno.ECONNABORTED, Errno.ECONNREFUSED, Errno.EALREADY,
                Errno.EINPROGRESS, Errno.ECANCELED})
                .containsExactly(11, 22, 38, 53, 62, 95, 98, 103, 111, 114, 115, 125);
    }
}
