package dev.intuition.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.core.MutableClock;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.wire.stats.CallStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seconds settle into the coarser tiers once, and the live graph reads a running sum: every view
 * must still equal the calls summed anew, whatever arrives late and whenever the clock ticks.
 */
class SettlingTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  static final String[][] EDGES = {{"web", "api"}, {"api", "db"}, {"api", "cache"}};

  /** One call or summary as added: when, on which edge, what. */
  record Added(long micros, String client, String server, CallStats stats) {}

  @Test
  void everyViewEqualsTheCallsSummedAnew() {
    MutableClock clock = new MutableClock(T0);
    List<Rollup> stored = new ArrayList<>();
    RollupHistory history = new RollupHistory() {
      @Override
      public void addRollup(Rollup rollup) {
        stored.add(rollup);
      }

      @Override
      public List<Rollup> rollups(Instant from, Instant to) {
        return stored.stream().filter(r -> !r.start().isBefore(from.minusSeconds(59))
            && r.start().isBefore(to)).toList();
      }
    };
    GraphAggregator g = new GraphAggregator(clock, GraphAggregator.Settings.DEFAULT, history);
    Random r = new Random(23);
    List<Added> added = new ArrayList<>();
    int liveChecks = 0;
    for (int second = 0; second < 500; second++) {
      Instant now = T0.plusSeconds(second).plusMillis(700);
      clock.set(now);
      List<GraphAggregator.Calls> summaries = new ArrayList<>();
      for (int i = 0; i < 1 + r.nextInt(6); i++) {
        String[] edge = EDGES[r.nextInt(EDGES.length)];
        // Mostly this second; some a few seconds late (after they settled); a few much later.
        int lateBy = r.nextInt(10) < 7 ? 0 : r.nextInt(10) < 8 ? 1 + r.nextInt(8)
            : 30 + r.nextInt(300);
        Instant at = now.minusSeconds(lateBy).minusMillis(r.nextInt(600));
        long micros = GraphAggregator.micros(at);
        if (r.nextBoolean()) {
          Outcome o = r.nextInt(10) == 0 ? Outcome.ERROR : Outcome.OK;
          var t = GraphAggregatorTest.tx(edge[0], edge[1], Protocol.HTTP, o,
              50 + r.nextInt(200_000), at);
          g.add(t);
          CallStats one = new CallStats();
          one.add(t);
          added.add(new Added(micros, edge[0], edge[1], one));
        } else {
          CallStats s = new CallStats();
          for (int k = 0; k < 1 + r.nextInt(30); k++) {
            s.add(GraphAggregatorTest.tx(edge[0], edge[1], Protocol.HTTP,
                r.nextInt(8) == 0 ? Outcome.ERROR : Outcome.OK, 50 + r.nextInt(900_000), at));
          }
          summaries.add(new GraphAggregator.Calls(micros, edge[0], edge[1], false, Protocol.HTTP,
              edge[1] + "-1", "GET /", s));
          added.add(new Added(micros, edge[0], edge[1], s));
        }
      }
      g.addSummaries(summaries);
      if (r.nextInt(4) != 0) { // the clock's tick is not the only thing that settles seconds
        g.tick();
      }
      if (second % 7 == 3) {
        long nowMicros = GraphAggregator.micros(now);
        // The live graph: the 1-second buckets that overlap [now - 60 s, now].
        assertEdges(expected(added, nowMicros - 60 * GraphAggregator.SECOND, nowMicros + 1,
            GraphAggregator.SECOND), g.graph(Duration.ofSeconds(60)), "live graph at " + second);
        liveChecks++;
        if (second > 330) { // a range the 10-second ring keeps, ending within its newest bucket
          Instant from = now.minusSeconds(320);
          Instant to = now.minusSeconds(2);
          assertEdges(expected(added, GraphAggregator.micros(from), GraphAggregator.micros(to),
              10 * GraphAggregator.SECOND), g.graph(from, to), "recent range at " + second);
        }
      }
    }
    assertTrue(liveChecks > 60);
    long[] running = g.runningCounters();
    assertTrue(running[0] > liveChecks - 12, "live graphs from the running sum: " + running[0]);
    assertEquals(1, running[1], "the running sum started once");
    g.storePending();
    Map<String, CallStats> all = new HashMap<>();
    for (Added a : added) {
      all.computeIfAbsent(a.client() + ">" + a.server(), k -> new CallStats()).merge(a.stats());
    }
    Map<String, CallStats> minutes = new HashMap<>();
    for (Rollup rollup : stored) {
      for (Rollup.EdgeStats e : rollup.edges()) {
        minutes.computeIfAbsent(e.client() + ">" + e.server(), k -> new CallStats())
            .merge(e.stats());
      }
    }
    assertEquals(all, minutes, "every call in exactly one stored minute");
  }

  /** The calls whose bucket of {@code width} overlaps {@code [from, to)}, summed per edge. */
  private static Map<String, CallStats> expected(List<Added> added, long from, long to,
      long width) {
    Map<String, CallStats> sums = new HashMap<>();
    for (Added a : added) {
      long start = Math.floorDiv(a.micros(), width) * width;
      if (start + width > from && start < to) {
        sums.computeIfAbsent(a.client() + ">" + a.server(), k -> new CallStats())
            .merge(a.stats());
      }
    }
    return sums;
  }

  private static void assertEdges(Map<String, CallStats> expected, Graph graph, String what) {
    Map<String, Graph.Calls> actual = new HashMap<>();
    for (Graph.Edge e : graph.edges()) {
      if (e.calls().total() > 0) {
        actual.put(e.client() + ">" + e.server(), e.calls());
      }
    }
    assertEquals(expected.keySet(), actual.keySet(), what);
    expected.forEach((k, s) -> {
      Graph.Calls c = actual.get(k);
      assertEquals(s.count(), c.total(), what + " " + k + " calls");
      assertEquals(s.error(), c.error(), what + " " + k + " errors");
      assertEquals(s.requestBytes(), c.requestBytes(), what + " " + k + " bytes");
      assertEquals(s.percentile(50), c.p50Micros(), what + " " + k + " p50");
      assertEquals(s.percentile(99), c.p99Micros(), what + " " + k + " p99");
    });
  }
}
