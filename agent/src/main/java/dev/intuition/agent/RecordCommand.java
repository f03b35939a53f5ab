package dev.intuition.agent;

import dev.intuition.agent.bundle.BundleWriter;
import dev.intuition.agent.capture.CaptureSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code intuition record}: captures this host's containers for a while and writes a bundle (their
 * frames and the container metadata needed to name services), to analyse on another machine with
 * {@code decode} or {@code replay}. Ctrl-C (or interrupting the thread that records) stops early and
 * still writes the bundle. Progress goes to stderr every five seconds and whenever the number of
 * captured namespaces changes.
 */
final class RecordCommand {
  private static final Set<String> WITH_VALUE = Set.of("--duration", "--output", "--docker-host",
      "--watch", "--ignore", "--snaplen", "--buffer-size", "--host-capture");
  private static final Set<String> FLAGS = Set.of("--help", "-h");

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  RecordCommand(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  static String help() {
    return """
        Usage: intuition record --output FILE [--duration 60s] [OPTIONS]

        Records the traffic of this host's containers, as the agent captures it, together with the
        container and service metadata, into one bundle file. 'intuition decode FILE' and
        'intuition replay --server URL FILE' read it on any machine. Needs root (like the agent).

        Options:
          --output FILE          the bundle to write (required)
          --duration D           how long: 90, 90s, 5m, 1h (default 60s); Ctrl-C stops earlier
          --docker-host URL      Docker API [DOCKER_HOST]
          --watch LABEL[=VALUE]  record only containers with this label; repeatable [INTUITION_WATCH]
          --ignore LABEL[=VALUE] leave containers with this label out; repeatable [INTUITION_IGNORE]
          --snaplen N            bytes kept per packet (default 65535)
          --buffer-size N[k|m]   kernel capture buffer per interface (default 32m)
          --host-capture on|off  also record the host's own interfaces (default off)
          -h, --help             this help
        """;
  }

  int run(String[] args) {
    try {
      Options o = new Options("record", args, WITH_VALUE, FLAGS, env);
      if (o.has("--help") || o.has("-h")) {
        out.print(help());
        return 0;
      }
      String output = o.get("--output", null, null);
      if (output == null) {
        throw new CommandLineException("record: --output FILE is required (try --help)");
      }
      Path file = Path.of(output);
      if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
        throw new CommandLineException("record: directory " + file.getParent() + " does not exist");
      }
      Duration duration = duration(o.get("--duration", null, "60s"));
      CaptureSettings capture = new CaptureSettings(o.integer("--snaplen", null, 65535),
          o.integer("--buffer-size", null, 32 * 1024 * 1024), "tcp", false,
          dev.intuition.decoder.DecoderSettings.defaults(), null);
      return record(o, file, duration, capture);
    } catch (CommandLineException | IllegalArgumentException e) {
      err.println("intuition " + (e.getMessage().startsWith("record") ? "" : "record: ")
          + e.getMessage());
      return Main.EXIT_USAGE;
    }
  }

  private int record(Options o, Path file, Duration duration, CaptureSettings capture) {
    try (BundleWriter bundle = new BundleWriter()) {
      Agent agent = new Agent(o.get("--docker-host", "DOCKER_HOST", null),
          AgentCommand.labelFilter(o.all("--watch", "INTUITION_WATCH"),
              o.all("--ignore", "INTUITION_IGNORE")), capture,
          o.onOff("--host-capture", null, false), t -> { }).recordTo(bundle).start();
      CountDownLatch interrupted = new CountDownLatch(1);
      CountDownLatch written = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        interrupted.countDown();
        try {
          written.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Runtime.getRuntime().addShutdownHook(hook);
      long end = System.nanoTime() + duration.toNanos();
      long started = System.nanoTime();
      long nextReport = started;
      int namespaces = -1;
      boolean stop = false;
      while (!stop && System.nanoTime() < end) {
        int now = agent.capturing().size();
        if (now != namespaces || System.nanoTime() >= nextReport) {
          namespaces = now;
          nextReport = System.nanoTime() + 5_000_000_000L;
          err.printf(Locale.ROOT, "recording: %d/%d s, %d namespaces, %,d packets, %.1f MB%s%n",
              (System.nanoTime() - started) / 1_000_000_000L, duration.toSeconds(), now,
              bundle.packets(), bundle.bytes() / 1e6,
              agent.discoveryError() == null ? "" : " (" + agent.discoveryError() + ")");
        }
        try {
          stop = interrupted.await(Math.min(200_000_000L, Math.max(1, end - System.nanoTime())),
              TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          stop = true; // asked to stop: the bundle is still written
          Thread.currentThread().interrupt();
        }
      }
      boolean wasInterrupted = Thread.interrupted(); // cleared while the bundle is written
      agent.close();
      bundle.finish(file, AgentCommand.hostname());
      err.printf(Locale.ROOT, "recorded %,d packets from %d namespaces into %s (%.1f MB)%n",
          bundle.packets(), agent.capturing().size(), file, Files.size(file) / 1e6);
      written.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down (Ctrl-C)
      }
      if (wasInterrupted) {
        Thread.currentThread().interrupt();
      }
      return 0;
    } catch (IOException e) {
      err.println("intuition record: " + e.getMessage());
      return 1;
    }
  }

  static Duration duration(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (s.endsWith("ms")) {
      throw new CommandLineException("record: --duration is in seconds, minutes or hours, got '"
          + v + "'");
    }
    char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
    if (last == 's' || last == 'm' || last == 'h') {
      unit = last == 's' ? 1 : last == 'm' ? 60 : 3600;
      s = s.substring(0, s.length() - 1);
    }
    try {
      long n = Long.parseLong(s);
      if (n > 0) {
        return Duration.ofSeconds(n * unit);
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new CommandLineException("record: --duration expects e.g. 90, 90s, 5m or 1h, got '" + v
        + "'");
  }

}
