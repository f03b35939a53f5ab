package dev.intuition.bench;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.core.graph.GraphAggregator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Transactions per second the {@link GraphAggregator} takes on one thread: 300 services, 1000 edges,
 * a realistic mix of outcomes and latencies, spread over 60 one-second buckets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AggregatorBenchmark {
  static final int TRANSACTIONS = 100_000;
  private Transaction[] transactions;

  @Setup(Level.Trial)
  public void generate() {
    Random r = new Random(1);
    String[] services = new String[300];
    for (int i = 0; i < services.length; i++) {
      services[i] = "svc-" + i;
    }
    int[][] edges = new int[1000][2];
    for (int[] e : edges) {
      e[0] = r.nextInt(300);
      e[1] = r.nextInt(300);
    }
    Instant t0 = Instant.parse("2026-11-21T10:00:00Z");
    transactions = new Transaction[TRANSACTIONS];
    for (int i = 0; i < TRANSACTIONS; i++) {
      int[] e = edges[r.nextInt(edges.length)];
      long micros = 100 + (long) (Math.abs(r.nextGaussian()) * 20_000);
      Instant end = t0.plusMillis(i * 60_000L / TRANSACTIONS);
      Outcome o = r.nextInt(100) < 2 ? Outcome.ERROR : r.nextInt(100) < 5 ? Outcome.WARNING
          : Outcome.OK;
      transactions[i] = new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 40000),
          new Endpoint("10.0.1.1", 80), end.minusNanos(micros * 1000), end, micros, "GET", "/x",
          "GET /x", "200", o, 200, 800, null, null, null, null, List.of(), services[e[0]] + "-1",
          services[e[1]] + "-1", services[e[0]], services[e[1]], "server");
    }
  }

  @Benchmark
  @OperationsPerInvocation(TRANSACTIONS)
  public long add() {
    GraphAggregator g = new GraphAggregator(Clock.systemUTC(), Duration.ofSeconds(1), 300);
    for (Transaction t : transactions) {
      g.add(t);
    }
    return g.added();
  }
}
