package dev.intuition.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.core.Json;
import dev.intuition.core.graph.Graph;
import dev.intuition.core.graph.GraphAggregator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code GET /api/v1/graph} costs on a server pushed past its limits (default limits: 2,000
 * services, 5,000 edges), over a minute of 1-second buckets:
 * <ul>
 *   <li>{@code flood}: 100,000 distinct services, one call each (a scan; names with request ids),
 *       beside 300 services with 1,000 steady edges;
 *   <li>{@code full}: every one of the 5,000 edges between 2,000 services busy every second, the
 *       largest graph the limits allow.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class OverflowBenchmark {
  @Param({"flood", "full"})
  public String scenario;

  private GraphAggregator aggregator;
  private final ObjectMapper json = Json.mapper();

  static Transaction call(String client, String server, Instant end, Outcome o, long micros) {
    return new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 40000),
        new Endpoint("10.0.1.1", 80), end.minusNanos(micros * 1000), end, micros, "GET", "/x",
        null, "200", o, 200, 800, null, null, null, null, List.of(), client + "-1",
        server + "-1", client, server, "server");
  }

  @Setup(Level.Trial)
  public void fill() throws Exception {
    Random r = new Random(1);
    Instant t0 = Instant.parse("2026-11-21T10:00:00Z");
    aggregator = new GraphAggregator(Clock.fixed(t0.plusSeconds(60), ZoneOffset.UTC),
        GraphAggregator.Settings.DEFAULT, null);
    List<Transaction> batch = new ArrayList<>();
    if (scenario.equals("flood")) {
      for (int i = 0; i < 1_200_000; i++) {
        Instant end = t0.plusNanos(i * 50_000L);
        int a = r.nextInt(300);
        int b = (a + 1 + r.nextInt(299)) % 300;
        batch.add(call("svc-" + a, "svc-" + b, end, Outcome.OK, 100 + r.nextInt(20_000)));
        if (i % 12 == 0) { // 100,000 calls, each of a new caller and a new service
          batch.add(call("caller-" + i, "service-" + i, end, Outcome.OK, 500));
        }
        if (batch.size() >= 2000) {
          aggregator.addAll(batch);
          batch.clear();
        }
      }
    } else {
      for (int s = 0; s < 60; s++) {
        for (int e = 0; e < 5000; e++) {
          Instant end = t0.plusSeconds(s).plusNanos(e * 100_000L);
          batch.add(call("svc-" + (e % 2000), "svc-" + ((e * 7 + 1 + e / 2000) % 2000), end,
              r.nextInt(50) == 0 ? Outcome.ERROR : Outcome.OK, 100 + r.nextInt(20_000)));
          if (batch.size() >= 2000) {
            aggregator.addAll(batch);
            batch.clear();
          }
        }
      }
    }
    aggregator.addAll(batch);
    Graph g = aggregator.graph(Duration.ofSeconds(60));
    System.out.printf("%s: %d nodes, %d edges, %d bytes of JSON, overflow %s%n", scenario,
        g.nodes().size(), g.edges().size(), json.writeValueAsBytes(g).length,
        aggregator.overflow());
  }

  /** What {@code GET /api/v1/graph} and each WebSocket update cost. */
  @Benchmark
  public byte[] graphAsJson() throws Exception {
    return json.writeValueAsBytes(aggregator.graph(Duration.ofSeconds(60)));
  }
}
