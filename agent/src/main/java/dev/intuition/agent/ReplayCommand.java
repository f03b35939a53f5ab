package dev.intuition.agent;

import dev.intuition.cli.Cli;
import dev.intuition.cli.CommandLineException;
import dev.intuition.agent.ship.Shipper;
import dev.intuition.decoder.DecoderSettings;
import dev.intuition.decoder.DecoderStats;
import dev.intuition.wire.AgentIdentity;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code intuition replay}: sends a capture (pcap, pcapng or a bundle from {@code record}) through the
 * agent's pipeline (decoding, tagging, shipping) to a server, as fast as it decodes, or in real time
 * as if it were happening now ({@code --realtime}), once or in a loop.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    abbreviateSynopsis = true, sortOptions = false,
    description = {"Send a capture or bundle through the agent's pipeline to a server.", "",
        "Decodes captures (pcap, pcapng, or bundles from 'intuition record', whose"
        + " transactions carry their containers and services) and sends the transactions to a server"
        + " like an agent does.", ""})
final class ReplayCommand implements Callable<Integer> {
  private final PrintStream out;
  private final PrintStream err;

  @Spec
  CommandSpec spec;

  @Option(names = "--server", paramLabel = "URL", defaultValue = "http://localhost:8080",
      description = "the server (default ${DEFAULT-VALUE})")
  @Cli.Env("INTUITION_SERVER")
  URI server;

  @Option(names = "--token", paramLabel = "TOKEN", description = "the server's token (required)")
  @Cli.Env("INTUITION_TOKEN")
  String token;

  @Option(names = "--realtime", description = "replay at the capture's pace, with times moved to"
      + " now")
  boolean realTime;

  @Option(names = "--loop", description = "start again at the end (with --realtime: a steady live"
      + " feed)")
  boolean loop;

  @Mixin
  ProtocolPortOptions ports = new ProtocolPortOptions();

  @Mixin
  SummaryOptions summaries = new SummaryOptions();

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "captures (pcap, pcapng) or"
      + " bundles")
  List<Path> files = new ArrayList<>();

  ReplayCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    if (token == null) {
      throw new CommandLineException("no token: set INTUITION_TOKEN or --token");
    }
    summaries.validate();
    DecoderSettings settings = DecoderSettings.defaults().withPortProtocols(ports.protocols());
    Cli.requireFiles(spec.commandLine(), files);
    return replay(files.stream().map(Path::toString).toList(), server, token, settings, realTime,
        loop);
  }

  private int replay(List<String> files, URI server, String token, DecoderSettings settings,
      boolean realTime, boolean loop) {
    AgentIdentity identity = new AgentIdentity("replay", "replay", AgentCommand.VERSION);
    // The bundles' containers travel with the batches as a live agent's inventory does, so the
    // server knows their stacks (islands) and can name what the bundle could not.
    Shipper.Metadata metadata = null;
    try {
      List<dev.intuition.agent.inventory.ContainerInfo> containers = new ArrayList<>();
      List<dev.intuition.wire.SwarmService> services = new ArrayList<>();
      for (String f : files) {
        if (dev.intuition.agent.bundle.Bundle.isBundle(Path.of(f))) {
          try (var b = dev.intuition.agent.bundle.Bundle.open(Path.of(f))) {
            containers.addAll(b.inventory().containers().values());
            services.addAll(b.inventory().services());
          }
        }
      }
      if (!containers.isEmpty()) {
        metadata = new Shipper.Metadata(
            dev.intuition.agent.inventory.Inventory.of(containers, services).toWire(), null);
      }
    } catch (IOException e) {
      err.println("intuition replay: " + e.getMessage());
      return 1;
    }
    Shipper.Metadata inventory = metadata;
    Shipper shipper = new Shipper(summaries.apply(new Shipper.Settings(server, token, 1_000_000,
        2000, Duration.ofMillis(realTime ? 200 : 1000), Duration.ofSeconds(5))), identity,
        () -> inventory).start();
    long transactions = 0;
    try {
      do {
        for (String f : files) {
          CaptureFiles.Summary s = CaptureFiles.decode(Path.of(f), settings, shipper::offer,
              realTime);
          long n = s.stats().getOrDefault(DecoderStats.Counter.TRANSACTIONS, 0L);
          transactions += n;
          err.printf(Locale.ROOT, "replay: %s: %,d transactions%n", f, n);
        }
      } while (loop);
    } catch (IOException e) {
      err.println("intuition replay: " + e.getMessage());
      shipper.close();
      return 1;
    }
    shipper.close();
    dev.intuition.wire.ShippingHealth c = shipper.counters();
    err.printf(Locale.ROOT, "replay: sent %,d of %,d transactions to %s (%,d dropped)%s%n",
        c.sent(), transactions, server, c.dropped(),
        c.lastError() == null ? "" : "; last error: " + c.lastError());
    if (c.serverExpired() > 0 || c.serverFuture() > 0) {
      err.printf(Locale.ROOT, "replay: the server kept out %,d calls older than its retention and "
          + "%,d from the future; to see an old capture as if it happened now, replay it with "
          + "--realtime%n", c.serverExpired(), c.serverFuture());
    }
    return c.dropped() == 0 && c.lastError() == null ? 0 : 1;
  }
}
