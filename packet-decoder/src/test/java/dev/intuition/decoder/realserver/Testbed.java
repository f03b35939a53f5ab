package dev.intuition.decoder.realserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.intuition.decoder.Captures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real servers of scripts/testbed.sh (a network namespace with Redis, PostgreSQL, MariaDB and
 * nginx), brought up once per test JVM and taken down when it exits, plus tcpdump captures of the
 * traffic to them. Needs root: the tests that use it are tagged "root" and run by .ci/run.
 */
final class Testbed {
  static final String HOST = "10.77.0.2";
  static final String INTERFACE = "intu-h";
  private static boolean up;

  private Testbed() {}

  static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("scripts/testbed.sh"))) {
      p = p.getParent();
    }
    if (p == null) {
      fail("scripts/testbed.sh not found above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  static synchronized void up() {
    if (up) {
      return;
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      fail("the real-server tests need root (network namespaces, tcpdump); run them as root");
    }
    Path script = repoRoot().resolve("scripts/testbed.sh");
    run(List.of(script.toString(), "up"), 120);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> run(List.of(script.toString(), "down"),
        60)));
    up = true;
  }

  static String run(List<String> command, int timeoutSeconds) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("timed out: " + command);
      }
      assertEquals(0, p.exitValue(), () -> command + " failed:\n" + out);
      return out;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs a command and returns its exit status and output, whatever the status. */
  static Result exec(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("timed out: " + command);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  record Result(int status, String output) {}

  /** A tcpdump capture of the testbed's traffic on some ports, running until {@link #stop}. */
  static final class Capture implements AutoCloseable {
    private final Process tcpdump;
    final Path file;

    Capture(String filter) throws IOException, InterruptedException {
      file = Files.createTempFile("intuition-realserver-", ".pcap");
      tcpdump = new ProcessBuilder("tcpdump", "-i", INTERFACE, "-s", "0", "-U", "-n", "--immediate-mode",
          "-B", "16384", "-w", file.toString(), filter)
          .redirectErrorStream(true).start();
      BufferedReader r = new BufferedReader(new InputStreamReader(tcpdump.getInputStream(),
          StandardCharsets.UTF_8));
      List<String> seen = new ArrayList<>();
      String line;
      while ((line = r.readLine()) != null) {
        seen.add(line);
        if (line.contains("listening on")) {
          Thread drain = new Thread(() -> {
            try {
              r.transferTo(java.io.Writer.nullWriter());
            } catch (IOException e) {
              // tcpdump ended
            }
          });
          drain.setDaemon(true);
          drain.start();
          return;
        }
      }
      fail("tcpdump did not start: " + seen);
    }

    /** Stops tcpdump (SIGINT, so it writes out what it holds) and decodes the capture. */
    Captures.Decoded stop() throws InterruptedException {
      Thread.sleep(500); // let the last ACKs and FINs arrive
      run(List.of("kill", "-INT", Long.toString(tcpdump.pid())), 10);
      if (!tcpdump.waitFor(10, TimeUnit.SECONDS)) {
        tcpdump.destroyForcibly();
        fail("tcpdump did not stop");
      }
      return Captures.decode(file);
    }

    @Override
    public void close() throws IOException {
      if (tcpdump.isAlive()) {
        tcpdump.destroyForcibly();
      }
      Files.deleteIfExists(file);
    }
  }
}
