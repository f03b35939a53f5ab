package dev.intuition.agent;

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
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** {@code intuition agent}: the per-host capture agent. */
final class AgentCommand {
  static final String VERSION = "0.1.0";
  private static final Set<String> WITH_VALUE = Set.of("--server", "--token", "--docker-host",
      "--watch", "--ignore", "--ignore-port", "--ignore-protocol", "--port", "--snaplen",
      "--buffer-size", "--queue-size", "--host-capture", "--node", "--report-interval");
  private static final Set<String> FLAGS = Set.of("--stdout", "--help", "-h");

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  AgentCommand(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  static String help() {
    return """
        Usage: intuition agent [OPTIONS]

        Captures the traffic of every container on this host from inside its network namespace
        (nothing is installed in the containers), decodes HTTP, Redis, PostgreSQL and MySQL calls,
        names their services from Docker / Swarm / Compose labels, and sends them to the server.
        Needs root, or CAP_NET_RAW + CAP_NET_ADMIN + CAP_SYS_ADMIN, and the Docker socket.

        Options (each also read from the environment variable in brackets):
          --server URL           topology server [INTUITION_SERVER] (default http://localhost:8080)
          --token TOKEN          shared token the server expects [INTUITION_TOKEN] (required)
          --docker-host URL      Docker API [DOCKER_HOST] (default unix:///var/run/docker.sock)
          --watch LABEL[=VALUE]  capture only containers with this label; repeatable
                                 [INTUITION_WATCH, comma-separated]
          --ignore LABEL[=VALUE] never capture containers with this label; repeatable
                                 [INTUITION_IGNORE] (containers labelled intuition.ignore=true
                                 are always left out)
          --ignore-port N        leave traffic on this TCP port out, in the kernel filter;
                                 repeatable [INTUITION_IGNORE_PORTS]
          --ignore-protocol P    do not report http, redis, postgresql or mysql; repeatable
                                 [INTUITION_IGNORE_PROTOCOLS]
          --port PROTOCOL=PORT   force a protocol on a port; repeatable [INTUITION_PORTS]
          --snaplen N            bytes kept per packet [INTUITION_SNAPLEN] (default 65535)
          --buffer-size N[k|m]   kernel capture buffer per interface [INTUITION_BUFFER_SIZE]
                                 (default 32m)
          --queue-size N         transactions held while the server is away, beyond which they
                                 are dropped and counted [INTUITION_QUEUE_SIZE] (default 100000)
          --host-capture on|off  also capture the host's own interfaces (host-network containers,
                                 processes outside containers) [INTUITION_HOST_CAPTURE] (default off)
          --node NAME            this host's name in reports [INTUITION_NODE] (default: hostname)
          --report-interval S    seconds between status lines on stderr (captures, packets, drops,
                                 transactions, shipping) [INTUITION_REPORT_INTERVAL] (default 60)
          --stdout               print transactions as JSON lines instead of sending them
          -h, --help             this help
        """;
  }

  int run(String[] args) {
    Options o;
    try {
      o = new Options("agent", args, WITH_VALUE, FLAGS, env);
      if (o.has("--help") || o.has("-h")) {
        out.print(help());
        return 0;
      }
      return start(o);
    } catch (CommandLineException | IllegalArgumentException e) {
      err.println("intuition " + (e.getMessage().startsWith("agent") ? "" : "agent: ")
          + e.getMessage());
      return Main.EXIT_USAGE;
    }
  }

  private int start(Options o) {
    boolean stdout = o.has("--stdout");
    String token = o.get("--token", "INTUITION_TOKEN", null);
    if (!stdout && token == null) {
      throw new CommandLineException("agent: no token: set INTUITION_TOKEN or --token (the server"
          + " prints its token when it starts), or use --stdout");
    }
    URI server = URI.create(o.get("--server", "INTUITION_SERVER", "http://localhost:8080"));
    if (server.getScheme() == null || !server.getScheme().startsWith("http")) {
      throw new CommandLineException("agent: --server must be an http(s) URL, got '" + server + "'");
    }
    Predicate<ContainerInfo> watched = labelFilter(o.all("--watch", "INTUITION_WATCH"),
        o.all("--ignore", "INTUITION_IGNORE"));
    StringBuilder filter = new StringBuilder("tcp");
    for (String p : o.all("--ignore-port", "INTUITION_IGNORE_PORTS")) {
      filter.append(" and not port ").append(o.size("--ignore-port", p));
    }
    Set<Protocol> ignoredProtocols = o.all("--ignore-protocol", "INTUITION_IGNORE_PROTOCOLS")
        .stream().map(Protocol::fromWireName).collect(Collectors.toSet());
    DecoderSettings decoder = DecoderSettings.defaults().withPortProtocols(
        DecoderSettings.parsePortOptions(o.all("--port", "INTUITION_PORTS")));
    CaptureSettings capture = new CaptureSettings(o.integer("--snaplen", "INTUITION_SNAPLEN", 65535),
        o.integer("--buffer-size", "INTUITION_BUFFER_SIZE", 32 * 1024 * 1024), filter.toString(),
        false, decoder, null);
    boolean hostCapture = o.onOff("--host-capture", "INTUITION_HOST_CAPTURE", false);
    String node = o.get("--node", "INTUITION_NODE", hostname());
    int queue = o.integer("--queue-size", "INTUITION_QUEUE_SIZE", 100_000);
    String dockerHost = o.get("--docker-host", "DOCKER_HOST", null);

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
      shipper = new Shipper(new Shipper.Settings(server, token, queue, 2000,
          java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5)),
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
      agent[0] = new Agent(dockerHost, watched, capture, hostCapture, filtered).log(err::println)
          .start();
    } catch (IOException e) {
      err.println("intuition agent: " + e.getMessage());
      if (shipper != null) {
        shipper.close();
      }
      return 1;
    }
    err.printf("intuition agent %s on %s: Docker at %s, %s%n", VERSION, node,
        dockerHost == null ? "DOCKER_HOST or the default socket" : dockerHost,
        stdout ? "printing transactions" : "sending to " + server);
    int reportSeconds = o.integer("--report-interval", "INTUITION_REPORT_INTERVAL", 60);
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

  /** Containers to capture: every --watch label present, no --ignore label, not intuition.ignore. */
  static Predicate<ContainerInfo> labelFilter(List<String> watch, List<String> ignore) {
    Predicate<ContainerInfo> p = c -> !"true".equals(c.labels().get("intuition.ignore"));
    for (String w : watch) {
      p = p.and(c -> matches(c, w));
    }
    for (String i : ignore) {
      p = p.and(c -> !matches(c, i));
    }
    return p;
  }

  private static boolean matches(ContainerInfo c, String selector) {
    int eq = selector.indexOf('=');
    if (eq < 0) {
      return c.labels().containsKey(selector);
    }
    return selector.substring(eq + 1).equals(c.labels().get(selector.substring(0, eq)));
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
