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
 * <p>{@code java -cp ... io.ringbolt.bench.tools.AllocProbe PID -- CMD ARGS...} runs CMD with
 * inherited I/O, then prints {@code alloc alloc_bytes=N top_thread=NAME top_thread_bytes=M}.
 */
public final class AllocProbe {
    private AllocProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || !"--".equals(args[1])) {
            System.err.println("usage: AllocProbe PID -- CMD [ARGS...]");
            System.exit(2);
        }
        String pid = args[0];
        List<String> command = List.of(args).subList(2, args.length);
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
            Map<Long, Sample> before = sample(threads);
            int status = new ProcessBuilder(command).inheritIO().start().waitFor();
            Map<Long, Sample> after = sample(threads);
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
            System.out.println("alloc alloc_bytes=" + total + " top_thread=" + topName
                    + " top_thread_bytes=" + topBytes + " command_status=" + status);
            System.exit(status);
        }
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
