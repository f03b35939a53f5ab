package dev.intuition.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.agent.Shell;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The capture path on its own, without Docker: real servers in two network namespaces made by
 * scripts/testbed.sh, captured at once by one process from inside each namespace.
 */
@Tag("root")
class NamespaceCaptureTest {
  static final Path NS_A = Path.of("/var/run/netns/intuition-test");
  static final Path NS_B = Path.of("/var/run/netns/intuition-test2");

  static Path script() {
    return Shell.script("testbed.sh");
  }

  static void sh(String... command) throws Exception {
    Shell.sh(command);
  }

  @BeforeAll
  static void up() throws Exception {
    Shell.requireRoot("setns and packet capture");
    sh(script().toString(), "up");
  }

  @AfterAll
  static void down() throws Exception {
    sh(script().toString(), "down");
  }

  static <T> T eventually(Supplier<T> value, java.util.function.Predicate<T> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    T v = value.get();
    while (!done.test(v) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      v = value.get();
    }
    return v;
  }

  @Test
  void twoNamespacesCapturedAtOnce_eachSeesItsOwnServers() throws Exception {
    long hostNamespace = NetworkNamespace.current();
    List<Transaction> a = new CopyOnWriteArrayList<>();
    List<Transaction> b = new CopyOnWriteArrayList<>();
    try (NamespaceCapture capA = new NamespaceCapture("a", NS_A, CaptureSettings.defaults(), a::add)
            .start();
        NamespaceCapture capB = new NamespaceCapture("b", NS_B, CaptureSettings.defaults(), b::add)
            .start()) {
      assertEquals(hostNamespace, NetworkNamespace.current(), "the test thread stays on the host");
      sh("curl", "-s", "-o", "/dev/null", "http://10.77.0.2/ok", "http://10.77.0.2/missing");
      sh("redis-cli", "-h", "10.77.1.2", "SET", "k", "v");
      sh("redis-cli", "-h", "10.77.1.2", "GET", "k");
      sh("redis-cli", "-h", "10.77.0.2", "-p", "6380", "PING"); // NOAUTH error, in namespace A
      eventually(() -> a.size() + b.size(), n -> n >= 5);
      NamespaceCapture.Health health = capA.health();
      assertTrue(health.packets() > 0, health.toString());
      assertEquals(0, health.dropped(), health.toString());
      assertEquals(null, health.error());
    }
    assertEquals(List.of("GET /ok 200", "GET /missing 404", "PING NOAUTH"), a.stream()
        .map(t -> t.query() + " " + t.status().split(" ")[0].replace("-", "")).toList());
    assertEquals(List.of(Protocol.REDIS, Protocol.REDIS), b.stream().map(Transaction::protocol)
        .toList());
    assertTrue(b.stream().allMatch(t -> t.server().ip().equals("10.77.1.2")), b::toString);
    assertTrue(a.stream().allMatch(t -> t.server().ip().equals("10.77.0.2")), a::toString);
  }

  @Test
  void openAndCloseRepeatedly_leavesNoThreadsOrFileDescriptors() throws Exception {
    // Warm up once so that libraries and JIT are loaded before the baseline is taken.
    new NamespaceCapture("warm", NS_A, CaptureSettings.defaults(), t -> { }).start().close();
    long threads = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).count();
    long fds = openFds();
    for (int i = 0; i < 100; i++) {
      new NamespaceCapture("churn-" + i, i % 2 == 0 ? NS_A : NS_B, CaptureSettings.defaults(),
          t -> { }).start().close();
    }
    long threadsAfter = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .count();
    assertEquals(threads, threadsAfter, "threads before and after 100 captures");
    assertEquals(fds, openFds(), "file descriptors before and after 100 captures");
    assertFalse(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("capture-churn")));
  }

  @Test
  void hostCapture_seesTheHostsOwnProcessesEvenWithoutDocker() throws Exception {
    // No Docker at that address: discovery keeps retrying, the host's interfaces are captured anyway
    // (the veth to the test namespace is one of them; container bridges would be left out).
    List<Transaction> seen = new CopyOnWriteArrayList<>();
    try (dev.intuition.agent.Agent agent = new dev.intuition.agent.Agent(
        "unix:///nonexistent/docker.sock", c -> true, CaptureSettings.defaults(), true, seen::add)
        .start()) {
      sh("curl", "-s", "-o", "/dev/null", "http://10.77.0.2/ok");
      eventually(() -> seen.size(), n -> n >= 1);
      String error = eventually(agent::discoveryError, e -> e != null);
      assertTrue(error != null && error.contains("Docker API"), "" + error);
      assertEquals(1, agent.health().size(), "the host capture");
    }
    assertEquals(List.of("GET /ok"), seen.stream().map(Transaction::query).toList());
    assertEquals(null, seen.get(0).observedAt(), "seen by the host, not by a container");
  }

  @Test
  void aNamespaceThatDoesNotExist_isAClearError() {
    IOException e = assertThrows(IOException.class, () -> new NamespaceCapture("gone",
        Path.of("/proc/999999999/ns/net"), CaptureSettings.defaults(), t -> { }).start());
    assertTrue(e.getMessage().contains("gone"), e.getMessage());
  }

  private static long openFds() throws IOException {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }
}
