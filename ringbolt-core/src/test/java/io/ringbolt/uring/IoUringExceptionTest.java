package io.ringbolt.uring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class IoUringExceptionTest {

    @Test
    void shouldNameSyscallErrnoAndHintWhenFormatted() {
        IoUringException e = new IoUringException("io_uring_setup", -Errno.EPERM, "io_uring is disabled");

        assertThat(e.getMessage()).isEqualTo("io_uring_setup failed: EPERM (1): io_uring is disabled");
        assertThat(e.syscall()).isEqualTo("io_uring_setup");
        assertThat(e.errno()).isEqualTo(Errno.EPERM);
        assertThat(e.hint()).isEqualTo("io_uring is disabled");
    }

    @Test
    void shouldOmitHintWhenNoneGiven() {
        assertThat(new IoUringException("mmap", Errno.ENOMEM, null).getMessage())
                .isEqualTo("mmap failed: ENOMEM (12)");
    }

    @Test
    void shouldExplainLikelyCauseWhenSetupFails() {
        assertThat(IoUringProbe.setupHint(Errno.EPERM, 8, 0, 0))
                .contains("kernel.io_uring_disabled=").contains("seccomp");
        assertThat(IoUringProbe.setupHint(Errno.ENOSYS, 8, 0, 0)).isEqualTo("kernel without io_uring");
        assertThat(IoUringProbe.setupHint(Errno.EINVAL, 8, 0, 1 << 30))
                .isEqualTo("setup flags 0x40000000 not supported by this kernel");
        assertThat(IoUringProbe.setupHint(Errno.ENOMEM, 4096, 0, 0)).contains("KiB");
    }
}
