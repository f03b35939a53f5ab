package dev.intuition.agent;

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

/**
 * {@code intuition demo}: decodes the bundled capture (real Redis, PostgreSQL, MariaDB and nginx
 * servers recorded by scripts/record-demo.sh) and shows what Intuition sees: every edge with its calls,
 * outcomes and exact latency percentiles, then the slowest and the failing requests. The live graph in
 * the browser arrives with the topology server; until then this is the demo.
 */
final class DemoCommand {
  private record EdgeKey(String client, String server, String protocol) {}

  private final PrintStream out;
  private final PrintStream err;

  DemoCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  static String help() {
    return """
        Usage: intuition demo [--capture FILE]

        Decodes a bundled multi-service capture (web front end, cache, two databases; some calls fail,
        one query is slow) and prints the service edges with their calls, errors and p50/p95/p99
        latency, then the slowest and the failing requests.

        Options:
          --capture FILE   another pcap / pcapng file to show instead of the bundled one
          -h, --help       this help
        """;
  }

  int run(String[] args) {
    Path capture = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-h", "--help" -> {
          out.print(help());
          return 0;
        }
        case "--capture" -> {
          if (i + 1 >= args.length) {
            err.println("intuition demo: --capture needs a file (try --help)");
            return Main.EXIT_USAGE;
          }
          capture = Path.of(args[++i]);
        }
        default -> {
          err.println("intuition demo: unknown option '" + args[i] + "' (try --help)");
          return Main.EXIT_USAGE;
        }
      }
    }
    if (capture == null || !Files.isRegularFile(capture)) {
      err.println("intuition demo: capture not found: " + capture);
      return 1;
    }
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
