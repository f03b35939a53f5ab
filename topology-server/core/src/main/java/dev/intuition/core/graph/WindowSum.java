package dev.intuition.core.graph;

import dev.intuition.core.graph.GraphAggregator.EdgeKey;
import dev.intuition.wire.stats.CallStats;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The sum of the last {@code seconds} settled 1-second buckets, kept running: each second that
 * settles is added and the one that leaves the span is subtracted (statistics subtract exactly), so
 * the live graph sums this and the few buckets at the span's ends instead of every bucket of its
 * window ({@link GraphAggregator#graph(java.time.Duration)}). The buckets summed must still be in
 * the ring when they leave; one that is not (the ring reused or evicted it) makes the sum start over.
 * Not thread-safe: used under the aggregator's lock.
 */
final class WindowSum {
  private final long width;
  private final int seconds;
  /** The starts of the buckets summed, oldest first; their span is [from, to). */
  private final ArrayDeque<Long> included = new ArrayDeque<>();
  private long from = Long.MIN_VALUE;
  private long to = Long.MIN_VALUE;
  final Map<EdgeKey, CallStats> edges = new HashMap<>();
  final Map<NodeKey, CallStats> nodes = new HashMap<>();
  private long restarts;

  WindowSum(long widthMicros, int seconds) {
    this.width = widthMicros;
    this.seconds = seconds;
  }

  /** Adds the settled buckets up to {@code upTo} (exclusive) and lets the oldest go. */
  void advance(long upTo, TimeRing ring) {
    if (to == Long.MIN_VALUE || upTo - to > seconds * width) {
      restart(upTo - seconds * width);
    }
    for (long s = to; s < upTo; s += width) {
      Bucket b = ring.at(s);
      if (b != null) {
        b.edges.forEach((k, v) -> edges.computeIfAbsent(k, x -> new CallStats()).merge(v));
        b.nodes.forEach((k, v) -> nodes.computeIfAbsent(k, x -> new CallStats()).merge(v));
        included.addLast(s);
      }
    }
    to = upTo;
    from = Math.max(from, upTo - seconds * width);
    while (!included.isEmpty() && included.peekFirst() < from) {
      long s = included.pollFirst();
      Bucket b = ring.at(s);
      if (b == null) { // gone from the ring: what it added can no longer be taken out
        restart(upTo - seconds * width);
        advance(upTo, ring);
        return;
      }
      subtract(edges, b.edges);
      subtract(nodes, b.nodes);
    }
  }

  private static <K> void subtract(Map<K, CallStats> sums, Map<K, CallStats> leaving) {
    leaving.forEach((k, v) -> {
      CallStats sum = sums.get(k);
      if (sum != null) {
        sum.subtract(v);
        if (sum.count() == 0 && sum.timedCount() == 0 && sum.requestBytes() == 0
            && sum.responseBytes() == 0) {
          sums.remove(k);
        }
      }
    });
  }

  private void restart(long at) {
    edges.clear();
    nodes.clear();
    included.clear();
    from = at;
    to = at;
    restarts++;
  }

  /** A call or summary for a second already summed (a late batch): added to the sum as well. */
  void addLate(long micros, EdgeKey edge, NodeKey node, CallStats calls) {
    long start = Math.floorDiv(micros, width) * width;
    if (start >= from && start < to && included.contains(start)) {
      edges.computeIfAbsent(edge, x -> new CallStats()).merge(calls);
      nodes.computeIfAbsent(node, x -> new CallStats()).merge(calls);
    }
  }

  /** Forgets the sum when a bucket that is part of it was emptied for memory. */
  void evicted(TimeRing ring) {
    for (long s : included) {
      if (ring.at(s) == null) {
        restart(to);
        return;
      }
    }
  }

  /**
   * Gathers a live range as this sum corrected by the ring's buckets at its ends: the buckets in
   * {@code [rangeFrom, rangeTo)} that the sum lacks are added, those it has outside are
   * subtracted. Returns false, with nothing gathered, when that would take more buckets than
   * summing the range anew ({@code present} of them).
   */
  boolean collect(long rangeFrom, long rangeTo, TimeRing ring, RangeSum operands) {
    int present = 0;
    int corrections = 0;
    for (Bucket b : ring.ring) {
      if (b.start == Long.MIN_VALUE || b.start + width <= rangeFrom || b.start >= rangeTo) {
        continue;
      }
      present++;
      if (!(b.start >= from && b.start < to && included.contains(b.start))) {
        corrections++;
      }
    }
    for (long s : included) {
      if (s + width <= rangeFrom || s >= rangeTo) {
        corrections++;
      }
    }
    if (included.isEmpty() || corrections + 1 >= present) {
      return false;
    }
    edges.forEach((k, v) -> operands.add(k, v));
    nodes.forEach((k, v) -> operands.add(k, v));
    for (Bucket b : ring.ring) {
      if (b.start == Long.MIN_VALUE || b.start + width <= rangeFrom || b.start >= rangeTo) {
        continue;
      }
      if (!(b.start >= from && b.start < to && included.contains(b.start))) {
        operands.add(b);
      }
    }
    for (Iterator<Long> it = included.iterator(); it.hasNext(); ) {
      long s = it.next();
      if (s + width <= rangeFrom || s >= rangeTo) {
        operands.subtract(ring.at(s));
      }
    }
    return true;
  }

  /** How often the sum started over (a bucket it held left the ring early, or time jumped). */
  long restarts() {
    return restarts;
  }
}
