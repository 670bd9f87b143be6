package io.wecomrelay.devstack;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The last word when the local stack stops: every process this JVM started that still runs (a service JVM, the
 * embedded redis-server) gets SIGTERM, then SIGKILL, so none outlives the stack whatever moment it was stopped at.
 */
final class ChildProcesses {

    private static final long GRACE_SECONDS = 15;

    private ChildProcesses() {
    }

    static void stopAll() {
        List<ProcessHandle> alive = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
        alive.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
        for (ProcessHandle process : alive) {
            try {
                process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
