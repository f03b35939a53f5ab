package dev.intuition.agent.docker;

import dev.intuition.agent.Shell;

import static dev.intuition.agent.docker.DockerAgentTest.sh;
import static dev.intuition.agent.docker.DockerAgentTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.agent.Agent;
import dev.intuition.agent.capture.CaptureSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 200 containers started and stopped one after the other while the agent watches: each is captured
 * while it runs and released when it stops, and the agent's threads, open file descriptors and heap
 * are where they started (measured here, not assumed).
 */
@Tag("docker")
class DockerChurnTest {
  static final int CYCLES = 200;

  @BeforeAll
  static void daemon() throws Exception {
    Shell.requireRoot("a Docker daemon, setns and packet capture");
    sh(DockerAgentTest.script().toString(), "up");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    sh(DockerAgentTest.script().toString(), "down");
  }

  static long threads() {
    return names().size();
  }

  /**
   * Live threads, except the JDK's process reaper (the docker CLI calls of this test use it) and the
   * reader of the Docker event stream, which comes and goes when the stream reconnects (counted
   * separately: never more than one).
   */
  static java.util.List<String> names() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName).filter(n -> !n.startsWith("process reaper"))
        .filter(n -> !n.startsWith("docker-java-stream")).sorted().toList();
  }

  static long eventStreamReaders() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith("docker-java-stream")).count();
  }

  static long fds() throws Exception {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }

  static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void cycle(Agent agent, String name) throws Exception {
    sh("docker", "run", "-d", "--name", name, "--label", "intuition.test=1", "-v", "/usr:/usr:ro",
        DockerAgentTest.IMAGE, "sleep", "300");
    assertTrue(waitFor(() -> agent.capturing().contains(name), 30_000),
        name + " captured: " + agent.capturing());
    sh("docker", "rm", "-f", name);
    assertTrue(waitFor(() -> !agent.capturing().contains(name), 30_000),
        name + " released: " + agent.capturing());
  }

  @Test
  void startStop200Containers_leavesThreadsFdsAndHeapWhereTheyStarted() throws Exception {
    try (Agent agent = new Agent(null, c -> c.name().startsWith("churn-"),
        CaptureSettings.defaults(), t -> { }).start()) {
      for (int i = 0; i < 5; i++) {
        cycle(agent, "churn-warmup-" + i); // load classes, pools and connections first
      }
      // Settled: the warm-up's last capture has closed its threads.
      assertTrue(waitFor(() -> names().stream().noneMatch(n -> n.startsWith("capture-churn")),
          30_000), names()::toString);
      java.util.List<String> before = names();
      long threads = threads();
      long fds = fds();
      long heap = heapAfterGc();
      long started = System.nanoTime();
      for (int i = 0; i < CYCLES; i++) {
        cycle(agent, "churn-" + i);
      }
      // The last container's capture closes its threads (after reading what its buffer held).
      waitFor(() -> before.equals(names()), 30_000);
      long seconds = (System.nanoTime() - started) / 1_000_000_000L;
      long heapAfter = heapAfterGc();
      System.out.printf("churn: %d cycles in %d s; threads %d -> %d, fds %d -> %d, heap %d KB -> %d"
          + " KB%n", CYCLES, seconds, threads, threads(), fds, fds(), heap / 1024, heapAfter / 1024);
      assertEquals(before, names(), "threads");
      assertTrue(eventStreamReaders() <= 1, "one Docker event stream at most");
      // The event stream's own connection may be between two reconnections at either moment.
      waitFor(() -> {
        try {
          return Math.abs(fds() - fds) <= 2;
        } catch (Exception e) {
          return false;
        }
      }, 10_000);
      assertTrue(Math.abs(fds() - fds) <= 2, "open file descriptors: " + fds + " -> " + fds());
      assertTrue(heapAfter < heap + 8 * 1024 * 1024, "heap after GC grew from " + heap + " to "
          + heapAfter);
      assertEquals(0, agent.capturing().size());
    }
  }
}
