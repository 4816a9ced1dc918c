import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import dev.zipstream.plan.ArchiveFolders;
import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.storage.fs.FileSystemStorage;

/**
 * Plans one folder N times in a row and prints, per planning, the median wall time and the bytes allocated, and
 * the heap the last plan keeps (after a GC). A profiling aid for the planner, run from the repository root:
 *
 * <pre>
 * ./mvnw -B -q package -DskipTests
 * java -Xmx256m --add-opens=java.base/sun.nio.fs=ALL-UNNAMED -cp "target/classes:target/quarkus-app/lib/boot/*:target/quarkus-app/lib/main/*" bench/PlanTiming.java /tmp/bench-w64k w64k 20
 * </pre>
 */
public class PlanTiming {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toRealPath();
        String hash = args[1];
        var folders = new ArchiveFolders(new FileSystemStorage(root, java.nio.file.Files::isReadable));
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] nanos = new long[rounds];
        long allocated = 0;
        ArchivePlan plan = null;
        for (int i = 0; i < rounds; i++) {
            plan = null;
            long a0 = allocatedByAllThreads(threads);
            long t0 = System.nanoTime();
            plan = folders.plan(hash).orElseThrow();
            nanos[i] = System.nanoTime() - t0;
            allocated = allocatedByAllThreads(threads) - a0;
        }
        java.util.Arrays.sort(nanos);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long withPlan = rt.totalMemory() - rt.freeMemory();
        int entries = plan.entries().size();
        plan = null;
        System.gc();
        long without = rt.totalMemory() - rt.freeMemory();
        System.out.printf("PLAN entries=%d median_ms=%.1f min_ms=%.1f allocated_mib=%.1f retained_mib=%.1f%n", entries,
                nanos[rounds / 2] / 1e6, nanos[0] / 1e6, allocated / 1048576.0, (withPlan - without) / 1048576.0);
    }

    /** Planning stats large folders on the common pool too: count what every live thread allocated. */
    private static long allocatedByAllThreads(com.sun.management.ThreadMXBean threads) {
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(bytes, 0);
        }
        return sum;
    }
}
