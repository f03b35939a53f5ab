package dev.intuition.agent;

import dev.intuition.cli.Cli;
import dev.intuition.cli.ServerPort;
import dev.intuition.decoder.DecoderSettings;
import dev.intuition.decoder.DecoderStats.Counter;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Transaction;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code intuition demo}: decodes the bundled capture (real Redis, PostgreSQL, MariaDB and nginx
 * servers recorded by scripts/record-demo.sh) and shows what Intuition sees: every edge with its calls,
 * outcomes and exact latency percentiles, then the slowest and the failing requests. The live graph in
 * the browser arrives with the topology server; until then this is the demo.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    abbreviateSynopsis = true, sortOptions = false,
    description = {"The main job: the server with the live graph of a bundled multi-service"
        + " application.", "", "Starts the topology server and replays a bundled recording of a"
        + " small shop (two Swarm stacks: nginx front ends, an API, a worker, a flaky recommendations"
        + " service, Redis, PostgreSQL, MariaDB, and an external payment provider) in real time and in"
        + " a loop, then prints the URL of the live graph. No Docker and no root needed. Ctrl-C stops"
        + " it.", ""})
final class DemoCommand implements Callable<Integer> {
  private record EdgeKey(String client, String server, String protocol) {}

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  @Spec
  CommandSpec spec;

  @Mixin
  ServerPort serverPort;

  @Option(names = "--text",
      description = "print what the capture holds (edges, percentiles, slowest and failing requests)"
          + " instead of starting the server")
  boolean text;

  @Option(names = "--capture", paramLabel = "FILE",
      description = "another capture (pcap, pcapng or bundle) to show (default: the bundled shop)")
  Path capture;

  DemoCommand(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  /** The repository (or installation) the launcher runs from: {@code -Dintuition.home}. */
  static Path home() {
    return Path.of(System.getProperty("intuition.home", "."));
  }

  @Override
  public Integer call() throws Exception {
    Path file = capture != null ? capture : home().resolve("demo").resolve("demo.bundle");
    if (!Files.isRegularFile(file)) {
      err.println("intuition demo: capture not found: " + file);
      return 1;
    }
    return text ? report(file) : live(file);
  }

  /**
   * The server in its own JVM (logs in target/demo/server.log), and once it answers, the capture
   * replayed into it in this one (target/demo/replay.log), until Ctrl-C.
   */
  private int live(Path file) throws IOException, InterruptedException {
    int port = serverPort.port();
    if (ServerProcess.inUse(port)) {
      err.println("intuition demo: port " + port + " is in use; choose another with --port N");
      return 1;
    }
    Path logs = home().resolve("target").resolve("demo");
    Files.createDirectories(logs);
    String token = env.getOrDefault("INTUITION_TOKEN", "");
    if (token.isBlank()) {
      byte[] random = new byte[16];
      new java.security.SecureRandom().nextBytes(random);
      token = java.util.HexFormat.of().formatHex(random);
    }
    err.println("intuition demo: starting the server on port " + port
        + " (logs in target/demo/) ...");
    Process server = ServerProcess.start(env, List.of("--server.port=" + port),
        Map.of("INTUITION_TOKEN", token, "INTUITION_VIEWER_TOKEN", ""), logs.resolve("server.log"));
    ServerProcess.stopWithThisProcess(server);
    if (!up(server, Duration.ofSeconds(120))) {
      List<String> log = Files.readAllLines(logs.resolve("server.log"));
      log.subList(Math.max(0, log.size() - 30), log.size()).forEach(err::println);
      err.println("intuition demo: the server did not start (full log: target/demo/server.log)");
      server.destroy();
      return 1;
    }
    PrintStream replayLog = new PrintStream(Files.newOutputStream(logs.resolve("replay.log")), true,
        java.nio.charset.StandardCharsets.UTF_8);
    String[] replay = {"replay", "--server", "http://127.0.0.1:" + port, "--token", token,
        "--realtime", "--loop", file.toString()};
    Thread.ofPlatform().name("replay").daemon().start(() -> {
      int status = Main.run(replay, replayLog, replayLog, env);
      replayLog.println("intuition demo: the replay ended with status " + status);
    });
    out.println("intuition demo: open http://localhost:" + port + "  (a shop of 9 services; the"
        + " graph fills within seconds; Ctrl-C stops)");
    return server.waitFor();
  }

  /** Polls the server's health until it says UP, it exits, or {@code limit} passes. */
  private boolean up(Process server, Duration limit) throws InterruptedException {
    var http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    var health = java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + serverPort.port() + "/actuator/health"))
        .timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + limit.toNanos();
    while (server.isAlive() && System.nanoTime() < deadline) {
      try {
        var r = http.send(health, java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.body().contains("\"UP\"")) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    return false;
  }

  private int report(Path capture) {
    List<Transaction> all = new ArrayList<>();
    CaptureFiles.Summary summary;
    try {
      summary = CaptureFiles.decode(capture, DecoderSettings.defaults(), all::add, false);
    } catch (IOException e) {
      err.println("intuition demo: " + e.getMessage());
      return 1;
    }
    report(capture, all, summary.stats().getOrDefault(Counter.CONNECTIONS, 0L));
    return 0;
  }

  private void report(Path capture, List<Transaction> all, long connections) {
    Duration span = all.stream().filter(t -> t.start() != null).map(Transaction::start)
        .min(Comparator.naturalOrder())
        .map(first -> Duration.between(first, all.stream().filter(t -> t.end() != null)
            .map(Transaction::end).max(Comparator.naturalOrder()).orElse(first)))
        .orElse(Duration.ZERO);
    out.printf(Locale.ROOT, "%nIntuition demo: %,d transactions in %.1f s of traffic over %,d"
            + " connections (%s)%n%n", all.size(), span.toMillis() / 1000.0,
        connections, capture);
    Map<EdgeKey, List<Transaction>> edges = new LinkedHashMap<>();
    // A bundle knows the containers: ends that are none are named as the graph names them (INTERNET,
    // the Host header); a plain capture shows addresses.
    boolean named = all.stream().anyMatch(t -> t.clientService() != null
        || t.serverService() != null);
    for (Transaction t : all) {
      String client = t.clientService() != null ? t.clientService()
          : named ? "INTERNET" : t.client().ip();
      String server = t.serverService() != null ? t.serverService()
          : named && t.host() != null ? t.host() : t.server().toString();
      edges.computeIfAbsent(new EdgeKey(client, server, t.protocol().wireName()),
          k -> new ArrayList<>()).add(t);
    }
    out.printf(Locale.ROOT, "%-40s %-10s %7s %7s %7s %7s %9s %9s %9s%n", "edge (client -> server)",
        "protocol", "calls", "ok", "warn", "error", "p50 ms", "p95 ms", "p99 ms");
    edges.entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<EdgeKey, List<Transaction>> e) -> e.getKey().server()))
        .forEach(e -> {
          List<Transaction> ts = e.getValue();
          long[] durations = ts.stream().filter(t -> t.durationMicros() != null)
              .mapToLong(Transaction::durationMicros).sorted().toArray();
          out.printf(Locale.ROOT, "%-40s %-10s %7d %7d %7d %7d %9.2f %9.2f %9.2f%n",
              e.getKey().client() + " -> " + e.getKey().server(), e.getKey().protocol(), ts.size(),
              count(ts, Outcome.OK), count(ts, Outcome.WARNING), count(ts, Outcome.ERROR),
              percentile(durations, 50), percentile(durations, 95), percentile(durations, 99));
        });
    out.printf("%nSlowest requests:%n");
    all.stream().filter(t -> t.durationMicros() != null)
        .sorted(Comparator.comparing(Transaction::durationMicros).reversed()).limit(5)
        .forEach(this::line);
    out.printf("%nFailing requests (latest 10 of %d):%n", count(all, Outcome.ERROR));
    List<Transaction> failing = all.stream().filter(t -> t.outcome() == Outcome.ERROR).toList();
    failing.subList(Math.max(0, failing.size() - 10), failing.size()).forEach(this::line);
    out.printf("%nEach line of './intuition decode %s' is one of these transactions as JSON.%n",
        capture);
  }

  private void line(Transaction t) {
    out.printf(Locale.ROOT, "  %9.2f ms  %-10s %-18s %-14s %s%n",
        t.durationMicros() == null ? 0.0 : t.durationMicros() / 1000.0, t.protocol().wireName(),
        t.server(), t.status() == null ? "-" : abbreviate(t.status(), 14),
        abbreviate(t.query() == null ? String.valueOf(t.notes()) : t.query(), 70));
  }

  private static long count(List<Transaction> ts, Outcome o) {
    return ts.stream().filter(t -> t.outcome() == o).count();
  }

  /** Nearest-rank percentile of sorted microsecond values, in milliseconds. */
  static double percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1000.0;
  }

  private static String abbreviate(String s, int max) {
    String flat = s.replaceAll("\\s+", " ").trim();
    return flat.length() <= max ? flat : flat.substring(0, max - 3) + "...";
  }
}
