package io.ringbolt.uring;

import static io.ringbolt.uring.RingTestSupport.assumeIoUring;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IoUringProbeTest {

    @Test
    void shouldBeCachedAndExplainItselfWhenProbed() {
        IoUringProbe probe = IoUringProbe.get();

        assertThat(IoUringProbe.get()).isSameAs(probe);
        assertThat(probe.kernelVersion()).isNotBlank();
        if (probe.isAvailable()) {
            assertThat(probe.unavailabilityCause()).isNull();
        } else {
            assertThat(probe.unavailabilityCause()).isNotBlank();
            assertThat(probe.featureSummary()).contains("unavailable");
        }
    }

    @Test
    void shouldReportCoreOpsAndFeaturesWhenAvailable() {
        assumeIoUring();
        IoUringProbe probe = IoUringProbe.get();

        assertThat(probe.features()).isNotZero();
        assertThat(probe.hasFeature(IoUring.IORING_FEAT_SINGLE_MMAP | IoUring.IORING_FEAT_NODROP)).isTrue();
        assertThat(probe.hasFeature(IoUring.IORING_FEAT_EXT_ARG)).isTrue();
        for (int op : new int[] {IoUring.IORING_OP_NOP, IoUring.IORING_OP_ACCEPT, IoUring.IORING_OP_RECV,
                IoUring.IORING_OP_SEND, IoUring.IORING_OP_ASYNC_CANCEL, IoUring.IORING_OP_CLOSE}) {
            assertThat(probe.isOpSupported(op)).as("op %d", op).isTrue();
        }
        assertThat(probe.isOpSupported(255)).isFalse();
        assertThat(probe.isOpSupported(-1)).isFalse();
        assertThat(probe.supportsMultishotAccept()).isTrue();
        assertThat(probe.supportsMultishotRecv()).isTrue();
        assertThat(probe.supportsBufferRing()).isTrue();
        assertThat(probe.supportsRegisteredRingFd()).isTrue();
        assertThat(probe.kernelAtLeast(6, 1)).isTrue();
        assertThat(probe.kernelAtLeast(99, 0)).isFalse();
        assertThat(probe.featureSummary())
                .startsWith("kernel " + probe.kernelVersion() + ", features 0x")
                .contains("multishot accept+recv", "provided-buffer ring");
        assertThat(probe.featureDescription())
                .as("the start-up line's form: words, no raw mask")
                .startsWith("kernel " + probe.kernelVersion() + ": multishot accept+recv, provided-buffer ring")
                .doesNotContain("0x").doesNotContain(",,");
    }

    @Test
    void shouldAcceptTinyBudgetWhenCheckingMemlock() {
        assertThat(IoUringProbe.checkMemlock(1024)).isNull();
    }

    @Test
    void shouldNameRlimitWhenBudgetExceedsFiniteLimit() {
        long limit = IoUringProbe.memlockLimitBytes();
        String verdict = IoUringProbe.checkMemlock(Long.MAX_VALUE / 2);

        if (limit == Long.MAX_VALUE) {
            // Root/CAP_IPC_LOCK or an unlimited rlimit: the kernel does not charge ring memory.
            assertThat(verdict).isNull();
        } else {
            assertThat(verdict).startsWith("RLIMIT_MEMLOCK is " + (limit + 1023) / 1024 + " KiB")
                    .contains("ulimit -l", "LimitMEMLOCK=");
        }
    }

    @Test
    void shouldEstimatePageRoundedBytesWhenSizingRings() {
        long small = IoUringProbe.estimateRingBytes(64, 0);
        long large = IoUringProbe.estimateRingBytes(4096, 16384);

        assertThat(small % 4096).isZero();
        assertThat(small).isGreaterThanOrEqualTo(64 * 64 + 128 * 16 + 64 * 4);
        assertThat(large).isGreaterThanOrEqualTo(4096L * 64 + 16384L * 16 + 4096L * 4);
        assertThat(IoUringProbe.estimateRingBytes(100, 0)).isEqualTo(IoUringProbe.estimateRingBytes(128, 256));
    }
}
