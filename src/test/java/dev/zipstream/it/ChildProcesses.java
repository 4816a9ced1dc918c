package dev.zipstream.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every process an IT starts dies with the test, however the test ends:
 * <ul>
 * <li>closed: {@link #stop} sends SIGTERM, waits, then kills it and everything it started;
 * <li>a failed assertion or an exception before the test could close it: the JVM's shutdown hook kills whatever is
 * still registered (each start registers);
 * <li>the test JVM killed outright (SIGKILL, an OOM kill): the kernel sends the child SIGKILL, since it is started
 * through util-linux's {@code setpriv --pdeathsig SIGKILL} (the signal is tied to the thread that started the
 * child, which for JUnit is the test runner's main thread).
 * </ul>
 */
final class ChildProcesses {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process process : LIVE) {
                kill(process);
            }
        }, "kill-test-children"));
    }

    private ChildProcesses() {
    }

    /** The command, prefixed so that the kernel kills it when this JVM dies. */
    static List<String> dyingWithTheTests(List<String> command) {
        List<String> wrapped = new ArrayList<>();
        if (Files.isExecutable(SETPRIV)) {
            // setpriv execs the command: the pid, the signals and the exit code stay the command's own.
            wrapped.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "SIGKILL", "--"));
        }
        wrapped.addAll(command);
        return wrapped;
    }

    /** Starts a process that is killed when the test JVM exits, if nothing stopped it before. */
    static Process start(ProcessBuilder builder) throws java.io.IOException {
        builder.command(dyingWithTheTests(builder.command()));
        Process process = builder.start();
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
        return process;
    }

    /** SIGTERM, up to {@code graceSeconds} to exit, then SIGKILL for it and everything it started. */
    static void stop(Process process, long graceSeconds) {
        process.destroy();
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                kill(process);
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
