package dev.intuition.core.graph;

import dev.intuition.core.graph.GraphAggregator.EdgeKey;
import dev.intuition.decoder.Transaction;
import dev.intuition.wire.Summary;
import dev.intuition.wire.stats.CallStats;
import java.util.HashMap;
import java.util.Map;

/**
 * The calls of each edge's endpoints (HTTP route, SQL statement shape, Redis command: see
 * {@link dev.intuition.decoder.endpoint.Endpoints}) in 10-second buckets over a recent window, for
 * "which route is failing?". Bounded twice: at most {@code maxPerEdge} endpoints per edge in a bucket
 * (the rest are summed as {@value Summary#OTHER_ENDPOINT}), and at most {@code maxCells} statistics in
 * all (past it, calls of endpoints a bucket does not hold yet are summed under their edge's
 * {@value Summary#OTHER_ENDPOINT}, and when even that cannot be made they are counted as
 * {@link #overflowed}). Not thread-safe: the aggregator's lock guards it.
 */
final class EndpointRing {
  static final long WIDTH = 10 * GraphAggregator.SECOND;

  private static final class Slot {
    long start = Long.MIN_VALUE;
    final Map<EdgeKey, Map<String, CallStats>> edges = new HashMap<>();
    int cells;
  }

  private final Slot[] ring;
  private final int maxPerEdge;
  private final long maxCells;
  private long cells;
  private long overflowed;

  /**
   * @param windowSeconds how far back endpoints are kept
   * @param maxPerEdge endpoints told apart per edge and bucket
   * @param maxCells statistics held at most, all buckets together
   */
  EndpointRing(long windowSeconds, int maxPerEdge, long maxCells) {
    this.ring = new Slot[(int) Math.max(1, windowSeconds / 10)];
    for (int i = 0; i < ring.length; i++) {
      ring[i] = new Slot();
    }
    this.maxPerEdge = Math.max(1, maxPerEdge);
    this.maxCells = Math.max(1, maxCells);
  }

  /** Counts {@code t}, or else merges {@code calls}, into the endpoint's bucket. */
  void add(long micros, long now, EdgeKey edge, String endpoint, Transaction t, CallStats calls) {
    long start = Math.floorDiv(micros, WIDTH) * WIDTH;
    long newest = Math.floorDiv(now, WIDTH) * WIDTH;
    if (start > newest || start <= newest - ring.length * WIDTH) {
      return; // outside the window: the graph and the history still count it
    }
    Slot slot = ring[(int) Math.floorMod(start / WIDTH, (long) ring.length)];
    if (slot.start != start) {
      if (slot.start > start) {
        return;
      }
      cells -= slot.cells;
      slot.edges.clear();
      slot.cells = 0;
      slot.start = start;
    }
    Map<String, CallStats> endpoints = slot.edges.computeIfAbsent(edge, k -> new HashMap<>());
    CallStats s = endpoints.get(endpoint);
    if (s == null) {
      if (endpoints.size() >= maxPerEdge || cells >= maxCells) {
        s = endpoints.get(Summary.OTHER_ENDPOINT);
      }
      if (s == null) {
        if (cells >= maxCells + maxPerEdge) { // "other" cells may go a little past the budget
          overflowed++;
          return;
        }
        String name = endpoints.size() >= maxPerEdge || cells >= maxCells
            ? Summary.OTHER_ENDPOINT : endpoint;
        endpoints.put(name, s = new CallStats());
        slot.cells++;
        cells++;
      }
    }
    if (t != null) {
      s.add(t);
    } else {
      s.merge(calls);
    }
  }

  /**
   * The endpoints of the edges {@code wanted} accepts over the buckets that overlap
   * {@code [from, to)} and are still in the window as of {@code now}, summed per edge and endpoint
   * into {@code out}.
   */
  void collect(long from, long to, long now, java.util.function.Predicate<EdgeKey> wanted,
      Map<EdgeKey, Map<String, CallStats.Summer>> out) {
    long oldest = coveredFrom(now);
    for (Slot slot : ring) {
      if (slot.start == Long.MIN_VALUE || slot.start < oldest || slot.start + WIDTH <= from
          || slot.start >= to) {
        continue;
      }
      slot.edges.forEach((edge, endpoints) -> {
        if (!wanted.test(edge)) {
          return;
        }
        Map<String, CallStats.Summer> sums = out.computeIfAbsent(edge, k -> new HashMap<>());
        endpoints.forEach((name, s) -> sums.computeIfAbsent(name, k -> new CallStats.Summer())
            .add(s));
      });
    }
  }

  /** The start of the oldest bucket the ring can hold as of {@code now}. */
  long coveredFrom(long now) {
    return Math.floorDiv(now, WIDTH) * WIDTH - (ring.length - 1) * WIDTH;
  }

  long cells() {
    return cells;
  }

  long overflowed() {
    return overflowed;
  }
}
