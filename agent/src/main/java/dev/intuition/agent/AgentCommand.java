package dev.intuition.agent;

import dev.intuition.cli.Cli;
import dev.intuition.cli.CommandLineException;
import dev.intuition.agent.capture.CaptureSettings;
import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.agent.ship.Shipper;
import dev.intuition.decoder.DecoderSettings;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.json.TransactionJson;
import dev.intuition.wire.AgentIdentity;
import dev.intuition.wire.CaptureHealth;
import dev.intuition.wire.Health;
import dev.intuition.wire.ShippingHealth;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** {@code intuition agent}: the per-host capture agent. */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    abbreviateSynopsis = true, sortOptions = false,
    description = {"Capture this host's containers and send their calls to the server.", "",
        "Captures the traffic of every container on this host from inside its network"
        + " namespace (nothing is installed in the containers), decodes HTTP, Redis, PostgreSQL and"
        + " MySQL calls, names their services from Docker / Swarm / Compose labels, and sends them to"
        + " the server. Needs root, or CAP_NET_RAW + CAP_NET_ADMIN + CAP_SYS_ADMIN, and the Docker"
        + " socket.", "", "Each option falls back to the environment variable in brackets; the"
        + " command line wins. Repeatable options take a comma-separated list there.", ""})
final class AgentCommand implements Callable<Integer> {
  static final String VERSION = Cli.VERSION;

  private final PrintStream out;
  private final PrintStream err;

  @Option(names = "--server", paramLabel = "URL", defaultValue = "http://localhost:8080",
      description = "topology server (default ${DEFAULT-VALUE})")
  @Cli.Env("INTUITION_SERVER")
  URI server;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "shared token the server expects (required unless --stdout)")
  @Cli.Env("INTUITION_TOKEN")
  String token;

  @Mixin
  CaptureOptions capture = new CaptureOptions();

  @Option(names = "--ignore-port", paramLabel = "N", split = ",", converter = Cli.Port.class,
      description = "leave traffic on this TCP port out, in the kernel filter; repeatable")
  @Cli.Env("INTUITION_IGNORE_PORTS")
  List<Integer> ignorePorts = new ArrayList<>();

  @Option(names = "--ignore-protocol", paramLabel = "P", split = ",",
      description = "do not report http, redis, postgresql or mysql; repeatable")
  @Cli.Env("INTUITION_IGNORE_PROTOCOLS")
  List<String> ignoreProtocols = new ArrayList<>();

  @Mixin
  ProtocolPortOptions ports = new ProtocolPortOptions();

  @Mixin
  SummaryOptions summaries = new SummaryOptions();

  @Option(names = "--queue-size", paramLabel = "N", converter = Cli.Size.class,
      defaultValue = "100000", description = "transactions held while the server is away, beyond"
          + " which they are dropped and counted (default ${DEFAULT-VALUE})")
  @Cli.Env("INTUITION_QUEUE_SIZE")
  int queueSize;

  @Option(names = "--node", paramLabel = "NAME",
      description = "this host's name in reports (default: the host name)")
  @Cli.Env("INTUITION_NODE")
  String node;

  @Option(names = "--report-interval", paramLabel = "S", converter = Cli.Size.class,
      defaultValue = "60", description = "seconds between status lines on stderr (captures,"
          + " packets, drops, transactions, shipping) (default ${DEFAULT-VALUE})")
  @Cli.Env("INTUITION_REPORT_INTERVAL")
  int reportSeconds;

  @Option(names = "--stdout", description = "print transactions as JSON lines instead of sending"
      + " them")
  boolean stdout;

  AgentCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    if (!stdout && token == null) {
      throw new CommandLineException("no token: set INTUITION_TOKEN or --token (the server"
          + " prints its token when it starts), or use --stdout");
    }
    summaries.validate();
    if (server.getScheme() == null || !server.getScheme().startsWith("http")) {
      throw new CommandLineException("--server must be an http(s) URL, got '" + server + "'");
    }
    Predicate<ContainerInfo> watched = capture.containers();
    StringBuilder filter = new StringBuilder("tcp");
    for (int p : ignorePorts) {
      filter.append(" and not port ").append(p);
    }
    Set<Protocol> ignoredProtocols = ignoreProtocols.stream().map(Protocol::fromWireName)
        .collect(Collectors.toSet());
    DecoderSettings decoder = DecoderSettings.defaults().withPortProtocols(ports.protocols());
    CaptureSettings settings = new CaptureSettings(capture.snaplen, capture.bufferSize,
        filter.toString(), false, decoder, null);
    String node = this.node != null ? this.node : hostname();

    Agent[] agent = new Agent[1];
    Shipper shipper = null;
    Consumer<Transaction> sink;
    if (stdout) {
      sink = t -> {
        synchronized (out) {
          out.println(TransactionJson.toJson(t));
        }
      };
    } else {
      Shipper[] self = new Shipper[1];
      shipper = new Shipper(summaries.apply(new Shipper.Settings(server, token, queueSize, 2000,
          java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5))),
          new AgentIdentity(machineId(node), node, VERSION), () -> metadata(agent[0], self[0]));
      self[0] = shipper;
      sink = shipper::offer;
      shipper.start();
    }
    Consumer<Transaction> filtered = t -> {
      if (!ignoredProtocols.contains(t.protocol())) {
        sink.accept(t);
      }
    };
    try {
      agent[0] = new Agent(capture.dockerHost, watched, settings, capture.hostCapture, filtered)
          .log(err::println).start();
    } catch (IOException e) {
      err.println("intuition agent: " + e.getMessage());
      if (shipper != null) {
        shipper.close();
      }
      return 1;
    }
    err.printf("intuition agent %s on %s: Docker at %s, %s%n", VERSION, node,
        capture.dockerHost == null ? "DOCKER_HOST or the default socket" : capture.dockerHost,
        stdout ? "printing transactions" : "sending to " + server);
    Shipper reportShipper = shipper;
    Thread.ofPlatform().name("status-report").daemon().start(() -> {
      while (true) {
        try {
          Thread.sleep(reportSeconds * 1000L);
        } catch (InterruptedException e) {
          return;
        }
        err.println(status(agent[0], reportShipper));
      }
    });
    CountDownLatch stopped = new CountDownLatch(1);
    Shipper finalShipper = shipper;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        agent[0].close();
      } catch (IOException e) {
        // shutting down anyway
      }
      if (finalShipper != null) {
        finalShipper.close();
      }
      stopped.countDown();
    }));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** One line for the operator: what is captured, seen, lost and shipped. */
  static String status(Agent agent, Shipper shipper) {
    long packets = 0;
    long dropped = 0;
    long transactions = 0;
    List<String> errors = new java.util.ArrayList<>();
    for (var h : agent.health()) {
      packets += h.packets();
      dropped += h.dropped() + h.droppedByInterface();
      transactions += h.decoder().getOrDefault(
          dev.intuition.decoder.DecoderStats.Counter.TRANSACTIONS, 0L);
      if (h.error() != null) {
        errors.add(h.name() + ": " + h.error());
      }
    }
    StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT,
        "status: %d namespaces captured, %d packets, %d dropped by the kernel, %d transactions",
        agent.capturing().size(), packets, dropped, transactions));
    if (shipper != null) {
      ShippingHealth c = shipper.counters();
      line.append(String.format(java.util.Locale.ROOT, "; shipped %d, queued %d, dropped %d",
          c.sent(), c.queued(), c.dropped()));
      if (c.lastError() != null) {
        line.append("; server: ").append(c.lastError());
      }
    }
    if (agent.discoveryError() != null) {
      line.append("; ").append(agent.discoveryError());
    }
    errors.forEach(e -> line.append("; ").append(e));
    return line.toString();
  }

  /** The inventory and health that ride along every few seconds (docs/wire-format.md). */
  private static Shipper.Metadata metadata(Agent agent, Shipper shipper) {
    if (agent == null) {
      return new Shipper.Metadata(dev.intuition.wire.Inventory.EMPTY,
          new Health(List.of(), shipper == null ? null : shipper.counters(), null));
    }
    List<CaptureHealth> captures = agent.health().stream()
        .map(dev.intuition.agent.capture.NamespaceCapture.Health::toWire).toList();
    return new Shipper.Metadata(agent.inventory().toWire(), new Health(captures,
        shipper == null ? null : shipper.counters(), agent.discoveryError()));
  }

  static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  private static String machineId(String fallback) {
    try {
      Path id = Path.of("/etc/machine-id");
      if (Files.isReadable(id)) {
        String v = Files.readString(id).trim();
        if (!v.isEmpty()) {
          return v;
        }
      }
    } catch (IOException e) {
      // fall back to the host name
    }
    return fallback;
  }
}
