package dev.intuition.agent;

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
import java.util.Map;
import java.util.Set;

/**
 * {@code intuition replay}: sends a capture (pcap, pcapng or a bundle from {@code record}) through the
 * agent's pipeline (decoding, tagging, shipping) to a server, as fast as it decodes, or in real time
 * as if it were happening now ({@code --realtime}), once or in a loop.
 */
final class ReplayCommand {
  private static final Set<String> WITH_VALUE = Set.of("--server", "--token", "--port");
  private static final Set<String> FLAGS = Set.of("--realtime", "--loop", "--help", "-h");

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  ReplayCommand(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  static String help() {
    return """
        Usage: intuition replay --server URL [OPTIONS] FILE...

        Decodes captures (pcap, pcapng, or bundles from 'intuition record', whose transactions carry
        their containers and services) and sends the transactions to a server like an agent does.

        Options:
          --server URL          the server [INTUITION_SERVER] (default http://localhost:8080)
          --token TOKEN         the server's token [INTUITION_TOKEN] (required)
          --realtime            replay at the capture's pace, with times moved to now
          --loop                start again at the end (with --realtime: a steady live feed)
          --port PROTOCOL=PORT  force a protocol on a port; repeatable
          -h, --help            this help
        """;
  }

  int run(String[] args) {
    List<String> files = new ArrayList<>();
    List<String> options = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("-")) {
        options.add(args[i]);
        if (WITH_VALUE.contains(args[i]) && i + 1 < args.length) {
          options.add(args[++i]);
        }
      } else {
        files.add(args[i]);
      }
    }
    try {
      Options o = new Options("replay", options.toArray(String[]::new), WITH_VALUE, FLAGS, env);
      if (o.has("--help") || o.has("-h")) {
        out.print(help());
        return 0;
      }
      if (files.isEmpty()) {
        throw new CommandLineException("replay: no capture file given (try --help)");
      }
      String token = o.get("--token", "INTUITION_TOKEN", null);
      if (token == null) {
        throw new CommandLineException("replay: no token: set INTUITION_TOKEN or --token");
      }
      URI server = URI.create(o.get("--server", "INTUITION_SERVER", "http://localhost:8080"));
      DecoderSettings settings = DecoderSettings.defaults().withPortProtocols(
          DecoderSettings.parsePortOptions(o.all("--port", null)));
      for (String f : files) {
        if (!Files.isRegularFile(Path.of(f))) {
          throw new CommandLineException("replay: " + f + ": no such file");
        }
      }
      return replay(files, server, token, settings, o.has("--realtime"), o.has("--loop"));
    } catch (CommandLineException | IllegalArgumentException e) {
      err.println("intuition " + (e.getMessage().startsWith("replay") ? "" : "replay: ")
          + e.getMessage());
      return Main.EXIT_USAGE;
    }
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
    Shipper shipper = new Shipper(new Shipper.Settings(server, token, 1_000_000, 2000,
        Duration.ofMillis(realTime ? 200 : 1000), Duration.ofSeconds(5)), identity,
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
