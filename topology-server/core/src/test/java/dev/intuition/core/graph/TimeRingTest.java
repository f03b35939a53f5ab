package dev.intuition.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.core.graph.GraphAggregator.EdgeKey;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The graph's pieces alone: a ring of time buckets, and the budget of names. */
class TimeRingTest {
  static final long S = 1_000_000L;
  static final EdgeKey EDGE = new EdgeKey("web", "api", Protocol.HTTP, false);
  static final NodeKey NODE = new NodeKey("api", null);

  static Transaction call() {
    return new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 1), new Endpoint("10.0.0.2", 80),
        null, null, 1000L, "GET", "/", null, "200", Outcome.OK, 1, 2, null, null, null, null,
        List.of(), null, null, "web", "api", "server");
  }

  @Test
  void aRingKeepsItsWindowAndNeverLetsAnOldCallEvictABucketStillInIt() {
    TimeRing ring = new TimeRing(S, 5); // five 1-second buckets
    long now = 100 * S;
    assertEquals(2, ring.add(now, now, EDGE, NODE, call()), "an edge and a node statistic");
    assertEquals(0, ring.add(now + 10, now, EDGE, NODE, call()), "the same bucket");
    assertEquals(TimeRing.NOT_PLACED, ring.add(now - 5 * S, now, EDGE, NODE, call()),
        "older than the window: not placed");
    assertEquals(2, ring.add(now - 4 * S, now, EDGE, NODE, call()), "the oldest second kept");
    assertEquals(4, ring.cells());
    // Five seconds on, the bucket of 'now - 4 s' is reused: its statistics are replaced.
    assertEquals(0, ring.add(now + S, now + S, EDGE, NODE, call()), "two freed, two made");
    assertTrue(ring.covers(now - 3 * S, now + S));
    assertFalse(ring.covers(now - 4 * S, now + S));
  }

  @Test
  void evictingForMemoryTakesTheOldestBucketAndTheRingThenCoversLess() {
    TimeRing ring = new TimeRing(S, 10);
    long now = 100 * S;
    for (int i = 0; i < 5; i++) {
      ring.add(now - i * S, now, EDGE, NODE, call());
    }
    assertEquals(10, ring.cells());
    assertEquals(2, ring.evictOldest(now));
    assertEquals(8, ring.cells());
    assertFalse(ring.covers(now - 4 * S, now), "the evicted second is no longer answered here");
    assertTrue(ring.covers(now - 3 * S, now));
    assertEquals(-1, new TimeRing(S, 3).evictOldest(now), "nothing to evict");
    RangeSum sum = new RangeSum();
    ring.collect(now - 10 * S, now + S, sum);
    assertEquals(4, sum.edges.get(EDGE).size(), "four buckets hold the edge");
  }

  @Test
  void aNameBudgetAdmitsUpToItsLimitSharesOneInstanceAndForgetsQuietNames() {
    NameBudget<String> budget = new NameBudget<>(2);
    String a = new String("a");
    assertSame(a, budget.admit(a, 1));
    assertSame(a, budget.admit(new String("a"), 5), "the canonical instance");
    assertEquals("b", budget.admit("b", 2));
    assertNull(budget.admit("c", 3), "past the limit");
    assertEquals(1, budget.overflow);
    assertEquals("(other)", budget.force("(other)", 3), "what overflows is always admitted");
    assertEquals(2, budget.expire(4), "b and (other) were last seen before 4");
    assertEquals("c", budget.admit("c", 6), "room again");
    assertEquals(2, budget.size());
  }
}
