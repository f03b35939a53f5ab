package dev.intuition.core.graph;

import dev.intuition.wire.stats.CallStats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GraphAggregatorTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  static Transaction tx(String client, String server, Protocol p, Outcome o, long micros,
      Instant end) {
    return new Transaction(p, new Endpoint("10.0.0.1", 40000), new Endpoint("10.0.0.2", 80),
        end.minusNanos(micros * 1000), end, micros, "GET", "/", "GET /", "200", o, 100, 300, null,
        null, null, null, List.of(), client == null ? null : client + "-1",
        server == null ? null : server + "-1", client, server, "server");
  }

  static long nearestRank(List<Long> values, double p) {
    List<Long> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  static void assertClose(long expected, long actual, String what) {
    assertTrue(Math.abs(actual - expected) <= Math.max(1, expected / 100),
        what + ": expected about " + expected + " but was " + actual);
  }

  @Test
  void edgesCountsAndPercentilesMatchTheTransactions() {
    Clock clock = Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC);
    GraphAggregator g = new GraphAggregator(clock, Duration.ofSeconds(1), 300);
    Random r = new Random(7);
    List<Long> webToApi = new ArrayList<>();
    long errors = 0;
    for (int i = 0; i < 10_000; i++) {
      long micros = 200 + (long) (Math.abs(r.nextGaussian()) * 5000);
      Outcome o = i % 20 == 0 ? Outcome.ERROR : i % 7 == 0 ? Outcome.WARNING : Outcome.OK;
      errors += o == Outcome.ERROR ? 1 : 0;
      webToApi.add(micros);
      g.add(tx("web", "api", Protocol.HTTP, o, micros, T0.plusMillis(i * 5L)));
      g.add(tx("api", "db", Protocol.POSTGRESQL, Outcome.OK, 900, T0.plusMillis(i * 5L)));
    }
    g.add(tx(null, "web", Protocol.HTTP, Outcome.OK, 1500, T0.plusSeconds(10)));
    Graph graph = g.graph(Duration.ofSeconds(60));
    assertEquals(List.of("INTERNET", "api", "db", "web"),
        graph.nodes().stream().map(Graph.Node::name).toList());
    Graph.Edge edge = graph.edges().stream().filter(e -> e.client().equals("web")).findFirst()
        .orElseThrow();
    assertEquals("api", edge.server());
    assertEquals("http", edge.protocol());
    assertEquals(10_000, edge.calls().total());
    assertEquals(errors, edge.calls().error());
    assertEquals(10_000 / 60.0, edge.calls().rate(), 1e-9);
    assertClose(nearestRank(webToApi, 50), edge.calls().p50Micros(), "p50");
    assertClose(nearestRank(webToApi, 95), edge.calls().p95Micros(), "p95");
    assertClose(nearestRank(webToApi, 99), edge.calls().p99Micros(), "p99");
    Graph.Node api = graph.nodes().stream().filter(n -> n.name().equals("api")).findFirst()
        .orElseThrow();
    assertEquals(10_000, api.served().total());
    assertEquals(List.of("api-1"), api.containers().stream().map(Graph.Container::name).toList());
    assertEquals(3, graph.edges().size());
  }

  @Test
  void anEarlierWindowShowsTheEarlierState() {
    GraphAggregator g = new GraphAggregator(Clock.fixed(T0.plusSeconds(120), ZoneOffset.UTC),
        Duration.ofSeconds(1), 300);
    for (int s = 0; s < 60; s++) {
      g.add(tx("web", "api", Protocol.HTTP, Outcome.OK, 1000, T0.plusSeconds(s)));
    }
    for (int s = 60; s < 120; s++) {
      g.add(tx("web", "api", Protocol.HTTP, Outcome.ERROR, 1000, T0.plusSeconds(s)));
      g.add(tx("web", "cache", Protocol.REDIS, Outcome.OK, 100, T0.plusSeconds(s)));
    }
    Graph before = g.graph(T0, T0.plusSeconds(60));
    assertEquals(1, before.edges().size(), "the cache edge appeared later");
    assertEquals(60, before.edges().get(0).calls().ok());
    assertEquals(0, before.edges().get(0).calls().error());
    Graph after = g.graph(Duration.ofSeconds(60));
    assertEquals(2, after.edges().size());
    assertEquals(60, after.edges().get(0).calls().error());
  }

  @Test
  void theRingIsBoundedAndLateCallsAreCounted() {
    // A fixed clock: with the system's, the test depended on the hour it ran at.
    Clock clock = Clock.fixed(T0.plusSeconds(99).plusMillis(500), ZoneOffset.UTC);
    GraphAggregator g = new GraphAggregator(clock, Duration.ofSeconds(1), 10);
    for (int s = 0; s < 100; s++) {
      g.add(tx("a", "b", Protocol.HTTP, Outcome.OK, 10, T0.plusSeconds(s)));
    }
    g.add(tx("a", "b", Protocol.HTTP, Outcome.OK, 10, T0)); // 100 s old: its bucket was reused
    // The first 90 seconds were already older than the ring's 10 as of now, and the last call too:
    // none of them took a bucket (none evicted one still in the window); all are counted as late.
    assertEquals(91, g.late());
    Graph live = g.graph(Duration.ofSeconds(9)); // buckets 90 to 99, the ring's ten
    assertEquals(10, live.edges().get(0).calls().total(), "the live ring keeps the last 10 seconds");
    Graph all = g.graph(T0, T0.plusSeconds(100)); // beyond the live ring: the 10-second tier
    assertEquals(101, all.edges().get(0).calls().total());
  }

  @Test
  void externalServersAreNamedByHostOrIp() {
    Transaction named = new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 1),
        new Endpoint("93.184.216.34", 443), T0, T0, 1L, "GET", "/", "GET /", "200", Outcome.OK, 1,
        1, null, "api.example.com:443", null, null, List.of(), "web-1", null, "web", null, "client");
    assertEquals("api.example.com", EndpointNames.server(named));
    Transaction bare = new Transaction(Protocol.REDIS, new Endpoint("10.0.0.1", 1),
        new Endpoint("10.9.9.9", 6379), T0, T0, 1L, "GET", "k", "GET k", "OK", Outcome.OK, 1, 1,
        null, null, null, null, List.of(), null, null, null, null, null);
    assertEquals("10.9.9.9", EndpointNames.server(bare));
    assertEquals("INTERNET", EndpointNames.client(bare));
  }

  @Test
  void quietEdgesFadeOutAndOlderRangesUseCoarserBuckets() {
    dev.intuition.core.MutableClock clock = new dev.intuition.core.MutableClock(T0);
    dev.intuition.core.storage.InMemoryTransactionStore store =
        new dev.intuition.core.storage.InMemoryTransactionStore(10, Duration.ofDays(1));
    GraphAggregator g = new GraphAggregator(clock, new GraphAggregator.Settings(
        Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofMinutes(2), Duration.ofSeconds(30)),
        store);
    clock.set(T0.plusSeconds(30)); // the calls are in the past, as calls are
    for (int s = 0; s < 30; s++) {
      g.add(tx("web", "api", Protocol.HTTP, Outcome.OK, 1000 + s, T0.plusSeconds(s)));
    }
    clock.set(T0.plusSeconds(100));
    Graph quiet = g.graph(Duration.ofSeconds(60));
    assertEquals(1, quiet.edges().size(), "an edge quiet for 70 s is still drawn");
    assertEquals(0, quiet.edges().get(0).calls().total());
    assertEquals(T0.plusSeconds(29), quiet.edges().get(0).lastSeen());
    clock.set(T0.plusSeconds(29 + 121));
    g.tick();
    assertEquals(0, g.graph(Duration.ofSeconds(60)).edges().size(), "faded out after 2 min");
    // 30 minutes later the 1-second buckets no longer cover the range: 10-second buckets do.
    clock.set(T0.plus(Duration.ofMinutes(30)));
    Graph recent = g.graph(T0.plusSeconds(10), T0.plusSeconds(20));
    assertEquals(10, recent.edges().get(0).calls().total());
    // Three hours later only the stored minutes do.
    clock.set(T0.plus(Duration.ofHours(3)));
    g.tick();
    assertEquals(1, g.minutesStored());
    Graph old = g.graph(T0, T0.plusSeconds(60));
    assertEquals(30, old.edges().get(0).calls().total());
    assertClose(1029, old.edges().get(0).calls().p99Micros(), "p99 from the stored minute");
  }

  @Test
  void earliestIsToTheSecondWithinTheLiveWindow() {
    Clock clock = Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC);
    GraphAggregator g = new GraphAggregator(clock, GraphAggregator.Settings.DEFAULT, null);
    assertEquals(null, g.earliest());
    g.add(tx("web", "api", Protocol.HTTP, Outcome.OK, 100, T0.plusMillis(10_300)));
    g.add(tx("web", "api", Protocol.HTTP, Outcome.OK, 100, T0.plusSeconds(40)));
    assertEquals(T0.plusSeconds(10), g.earliest());
  }

  @Test
  void anEdgeSeriesAddsUpToItsTotalAndItsHistogramToItsCalls() {
    Clock clock = Clock.fixed(T0.plusSeconds(120), ZoneOffset.UTC);
    GraphAggregator g = new GraphAggregator(clock, GraphAggregator.Settings.DEFAULT, null);
    Random r = new Random(3);
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      long micros = 100 + (long) (r.nextDouble() * 50_000);
      Instant end = T0.plusMillis(i * 55L);
      g.add(tx("web", "api", Protocol.HTTP, i % 9 == 0 ? Outcome.ERROR : Outcome.OK, micros, end));
      g.add(tx("web", "api", Protocol.REDIS, Outcome.OK, 10, end));
      latencies.add(micros);
    }
    EdgeSeries s = g.edgeSeries("web", "api", Protocol.HTTP,
        T0.plusSeconds(120).minusSeconds(180), T0.plusSeconds(120), 60);
    assertEquals(2000, s.total().count());
    assertEquals(2000, s.steps().stream().mapToLong(CallStats::count).sum());
    assertEquals(223, s.total().error()); // i % 9 == 0 for i < 2000
    assertEquals(s.steps().size() * s.step().toNanos(),
        java.time.Duration.between(s.from(), s.to()).toNanos(), "steps cover the range");
    assertTrue(s.steps().size() <= 60);
    long binned = s.total().histogram(4).stream().mapToLong(b -> b[1]).sum();
    assertEquals(2000, binned);
    long previous = -1;
    for (long[] bin : s.total().histogram(4)) {
      assertTrue(bin[0] > previous, "bins ascend");
      previous = bin[0];
    }
    assertEquals(CallStats.highest(CallStats.bucket(nearestRank(latencies, 99))),
        s.total().percentile(99));
    assertEquals(4000, g.edgeSeries("web", "api", null, T0.minusSeconds(60), T0.plusSeconds(120),
        60).total().count(), "no protocol: all of the edge's");
  }

  @Test
  void theRingsStayWithinTheirMemoryAndTheLastMinuteStaysExact() {
    dev.intuition.core.MutableClock clock = new dev.intuition.core.MutableClock(T0);
    dev.intuition.core.storage.InMemoryTransactionStore store =
        new dev.intuition.core.storage.InMemoryTransactionStore(10, Duration.ofDays(1));
    // About 16,000 statistics: more than the last minute's 12,000, far less than the rings' 160,000.
    long maxBytes = 4 << 20;
    GraphAggregator g = new GraphAggregator(clock, new GraphAggregator.Settings(
        Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofMinutes(2), Duration.ofSeconds(30),
        2000, 5000, 100, 10_000, maxBytes), store);
    // 100 edges with a call every second for ten minutes: 200 statistics a second.
    for (int s = 0; s < 600; s++) {
      clock.set(T0.plusSeconds(s + 1));
      List<Transaction> calls = new ArrayList<>();
      for (int e = 0; e < 100; e++) {
        calls.add(tx("c" + e, "s" + e, Protocol.HTTP, Outcome.OK, 1000 + e, T0.plusSeconds(s)));
      }
      g.addAll(calls);
      g.tick();
      assertTrue(g.overflow().bytesHeld() <= maxBytes, "at " + s + ": " + g.overflow());
    }
    GraphAggregator.Overflow o = g.overflow();
    assertTrue(o.bucketsEvicted() > 0 && o.any(), o.toString());
    Graph lastMinute = g.graph(Duration.ofSeconds(60));
    assertEquals(100 * 60, lastMinute.edges().stream().mapToLong(e -> e.calls().total()).sum(),
        "the last minute is exact");
    // Eight minutes ago was given up by the rings: the stored minutes answer, exactly.
    Instant from = T0.plusSeconds(60);
    Graph older = g.graph(from, from.plusSeconds(60));
    assertEquals(100 * 60, older.edges().stream().mapToLong(e -> e.calls().total()).sum(),
        "from the stored minute");
  }
}
