package dev.intuition.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.core.Json;
import dev.intuition.core.graph.VizceralFormat;
import dev.intuition.core.graph.Graph;
import dev.intuition.core.graph.GraphAggregator;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code GET /api/v1/graph} costs for 300 services and 1000 edges with a minute of traffic in
 * 1-second buckets (about 20 calls per edge per second): the graph merged from the buckets and
 * written as JSON. The response's size is printed at setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class GraphQueryBenchmark {
  private GraphAggregator aggregator;
  private final ObjectMapper json = Json.mapper();

  @Setup(Level.Trial)
  public void fill() throws Exception {
    Random r = new Random(1);
    int[][] edges = new int[1000][2];
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int[] e : edges) {
      do {
        e[0] = r.nextInt(300);
        e[1] = r.nextInt(300);
      } while (e[0] == e[1] || !seen.add(e[0] * 1000L + e[1]));
    }
    Instant t0 = Instant.parse("2026-11-21T10:00:00Z");
    aggregator = new GraphAggregator(Clock.fixed(t0.plusSeconds(60), ZoneOffset.UTC),
        GraphAggregator.Settings.DEFAULT, null);
    for (int i = 0; i < 1_200_000; i++) {
      int[] e = edges[i % edges.length];
      long micros = 100 + (long) (Math.abs(r.nextGaussian()) * 20_000);
      Instant end = t0.plusNanos(i * 50_000L);
      Outcome o = r.nextInt(100) < 2 ? Outcome.ERROR : Outcome.OK;
      aggregator.add(new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 40000),
          new Endpoint("10.0.1.1", 80), end.minusNanos(micros * 1000), end, micros, "GET", "/x",
          null, "200", o, 200, 800, null, null, null, null, List.of(), "svc-" + e[0] + "-1",
          "svc-" + e[1] + "-1", "svc-" + e[0], "svc-" + e[1], "server"));
    }
    byte[] body = json.writeValueAsBytes(aggregator.graph(Duration.ofSeconds(60)));
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(body);
    }
    Graph g = aggregator.graph(Duration.ofSeconds(60));
    System.out.printf("graph: %d nodes, %d edges, %d bytes of JSON, %d gzipped%n",
        g.nodes().size(), g.edges().size(), body.length, gz.size());
  }

  /** The one-minute live graph merged from its 1-second buckets, not written. */
  @Benchmark
  public Graph graph() {
    return aggregator.graph(Duration.ofSeconds(60));
  }

  /** What {@code GET /api/v1/graph} and each WebSocket update cost. */
  @Benchmark
  public byte[] graphAsJson() throws Exception {
    return json.writeValueAsBytes(aggregator.graph(Duration.ofSeconds(60)));
  }

  /** What {@code GET /api/v1/graph/vizceral} costs. */
  @Benchmark
  public byte[] vizceralAsJson() throws Exception {
    return json.writeValueAsBytes(VizceralFormat.of(aggregator.graph(Duration.ofSeconds(60))));
  }
}
