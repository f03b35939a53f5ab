package dev.intuition.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What the agent's infrastructure tests share: the repository's scripts, commands, waiting. */
public final class Shell {
  private Shell() {}

  /** A script under the repository's scripts/ directory, found from the working directory up. */
  public static Path script(String name) {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("scripts").resolve(name))) {
      p = p.getParent();
    }
    if (p == null) {
      fail("scripts/" + name + " not found above " + Path.of("").toAbsolutePath());
    }
    return p.resolve("scripts").resolve(name);
  }

  /** Runs a command; fails the test with its output unless it exits 0. Returns its output. */
  public static String sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
    assertEquals(0, p.exitValue(), () -> String.join(" ", command) + ":\n" + out);
    return out.trim();
  }

  /** Polls {@code condition} every 50 ms for up to {@code millis}; whether it became true. */
  public static boolean waitFor(BooleanSupplier condition, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  /** Fails (never skips) a test that needs root where it is not root. */
  public static void requireRoot(String why) {
    if (!"root".equals(System.getProperty("user.name"))) {
      fail("needs root: " + why);
    }
  }
}
