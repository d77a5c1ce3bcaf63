package io.ringbolt.bench.tools;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Heap bytes a running JVM allocates while a load command runs, per thread.
 *
 * <p>Attaches to the target through the Attach API, starts its local JMX agent and reads
 * {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes} for every thread before and
 * after running the command. These counters are exact per-thread totals of TLAB and non-TLAB
 * allocation, independent of when GC runs. Threads that serve the JMX connection itself (RMI,
 * JMX, Attach Listener) are excluded, so the figure is what the application allocated.
 *
 * <p>{@code java -cp ... io.ringbolt.bench.tools.AllocProbe PID [--skip S --window W] -- CMD ARGS...}
 * runs CMD with inherited I/O and prints
 * {@code alloc alloc_bytes=N window_s=T top_thread=NAME top_thread_bytes=M command_status=C}.
 * Without {@code --window} the counters are read before CMD starts and after it ends, so
 * everything the load causes counts, connection set-up included. With {@code --window W} they
 * are read {@code S} seconds after CMD starts and again {@code W} seconds later, while CMD is
 * still running: the steady state on connections that are already open, with {@code window_s}
 * the measured time between the two reads. The caller turns that into bytes per operation
 * with the load's operation rate over the same steady phase.
 */
public final class AllocProbe {
    private AllocProbe() {
    }

    public static void main(String[] args) throws Exception {
        int sep = List.of(args).indexOf("--");
        if (args.length < 3 || sep < 1 || sep == args.length - 1) {
            usage();
        }
        String pid = args[0];
        double skip = 0;
        double window = 0;
        for (int i = 1; i < sep; i += 2) {
            if (i + 1 >= sep) {
                usage();
            }
            switch (args[i]) {
                case "--skip" -> skip = Double.parseDouble(args[i + 1]);
                case "--window" -> window = Double.parseDouble(args[i + 1]);
                default -> usage();
            }
        }
        List<String> command = List.of(args).subList(sep + 1, args.length);
        VirtualMachine vm = VirtualMachine.attach(pid);
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection mbs = connector.getMBeanServerConnection();
            com.sun.management.ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(
                    mbs, ManagementFactory.THREAD_MXBEAN_NAME, com.sun.management.ThreadMXBean.class);
            Map<Long, Sample> before;
            Map<Long, Sample> after;
            long windowNanos;
            int status;
            if (window > 0) {
                Process load = new ProcessBuilder(command).inheritIO().start();
                Thread.sleep((long) (skip * 1000));
                long t0 = System.nanoTime();
                before = sample(threads);
                Thread.sleep((long) (window * 1000));
                after = sample(threads);
                windowNanos = System.nanoTime() - t0;
                status = load.waitFor();
            } else {
                long t0 = System.nanoTime();
                before = sample(threads);
                status = new ProcessBuilder(command).inheritIO().start().waitFor();
                after = sample(threads);
                windowNanos = System.nanoTime() - t0;
            }
            long total = 0;
            String topName = "-";
            long topBytes = 0;
            for (Sample s : after.values()) {
                Sample b = before.get(s.id());
                long delta = s.bytes() - (b == null ? 0 : b.bytes());
                total += delta;
                if (delta > topBytes) {
                    topBytes = delta;
                    topName = s.name().replace(' ', '_');
                }
            }
            System.out.println("alloc alloc_bytes=" + total
                    + String.format(Locale.ROOT, " window_s=%.3f", windowNanos / 1e9)
                    + " top_thread=" + topName
                    + " top_thread_bytes=" + topBytes + " command_status=" + status);
            System.exit(status);
        }
    }

    private static void usage() {
        System.err.println("usage: AllocProbe PID [--skip SECONDS --window SECONDS] -- CMD [ARGS...]");
        System.exit(2);
    }

    private record Sample(long id, String name, long bytes) {
    }

    private static Map<Long, Sample> sample(com.sun.management.ThreadMXBean threads) {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        Map<Long, Sample> out = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null || bytes[i] < 0 || isMonitoringThread(infos[i].getThreadName())) {
                continue;
            }
            out.put(ids[i], new Sample(ids[i], infos[i].getThreadName(), bytes[i]));
        }
        return out;
    }

    private static boolean isMonitoringThread(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.startsWith("rmi ") || n.startsWith("jmx ") || n.startsWith("attach listener")
                || n.contains("rmi scheduler") || n.startsWith("jfr ");
    }
}
