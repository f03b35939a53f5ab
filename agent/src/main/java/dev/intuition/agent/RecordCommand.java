package dev.intuition.agent;

import dev.intuition.cli.Cli;
import dev.intuition.cli.CommandLineException;
import dev.intuition.agent.bundle.BundleWriter;
import dev.intuition.agent.capture.CaptureSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code intuition record}: captures this host's containers for a while and writes a bundle (their
 * frames and the container metadata needed to name services), to analyse on another machine with
 * {@code decode} or {@code replay}. Ctrl-C (or interrupting the thread that records) stops early and
 * still writes the bundle. Progress goes to stderr every five seconds and whenever the number of
 * captured namespaces changes.
 */
@Command(name = "record", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    abbreviateSynopsis = true, sortOptions = false,
    description = {"Record this host's traffic and container metadata into a bundle.", "",
        "Records the traffic of this host's containers, as the agent captures it, together"
        + " with the container and service metadata, into one bundle file. 'intuition decode FILE'"
        + " and 'intuition replay --server URL FILE' read it on any machine. Needs root (like the"
        + " agent).", ""})
final class RecordCommand implements Callable<Integer> {
  private final PrintStream out;
  private final PrintStream err;

  @Option(names = "--output", paramLabel = "FILE", required = true,
      description = "the bundle to write")
  Path file;

  @Option(names = "--duration", paramLabel = "D", converter = Cli.Seconds.class,
      defaultValue = "60s", description = "how long: 90, 90s, 5m, 1h (default ${DEFAULT-VALUE});"
          + " Ctrl-C stops earlier")
  Duration duration;

  @Mixin
  CaptureOptions capture = new CaptureOptions();

  RecordCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
      throw new CommandLineException("directory " + file.getParent() + " does not exist");
    }
    CaptureSettings settings = new CaptureSettings(capture.snaplen, capture.bufferSize, "tcp",
        false, dev.intuition.decoder.DecoderSettings.defaults(), null);
    return record(file, duration, settings);
  }

  private int record(Path file, Duration duration, CaptureSettings settings) {
    try (BundleWriter bundle = new BundleWriter()) {
      Agent agent = new Agent(capture.dockerHost, capture.containers(), settings,
          capture.hostCapture, t -> { }).recordTo(bundle).start();
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
}
