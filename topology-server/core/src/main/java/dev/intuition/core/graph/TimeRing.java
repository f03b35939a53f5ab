package dev.intuition.core.graph;

import dev.intuition.wire.stats.CallStats;
import dev.intuition.core.graph.GraphAggregator.EdgeKey;
import dev.intuition.decoder.Transaction;

/** A ring of buckets of one width. */
final class TimeRing {
  static final long NOT_PLACED = Long.MIN_VALUE;
  final long width;
  final Bucket[] ring;
  /** Buckets before this were emptied for memory. */
  long validFrom = Long.MIN_VALUE;

  TimeRing(long widthMicros, int buckets) {
    this.width = widthMicros;
    this.ring = new Bucket[Math.max(1, buckets)];
    for (int i = 0; i < ring.length; i++) {
      ring[i] = new Bucket();
    }
  }

  /**
   * Places a call; returns the change in statistics held (a reused bucket loses its old ones), or
   * {@link #NOT_PLACED} when the call is older than what the ring keeps as of {@code now}: it is not
   * placed, so it never evicts a bucket that is still in the window.
   */
  long add(long micros, long now, EdgeKey edge, NodeKey node, Transaction t) {
    return add(micros, now, edge, node, t, null);
  }

  /** As {@link #add(long, long, EdgeKey, NodeKey, Transaction)}, for a summary of calls. */
  long add(long micros, long now, EdgeKey edge, NodeKey node, CallStats calls) {
    return add(micros, now, edge, node, null, calls);
  }

  private long add(long micros, long now, EdgeKey edge, NodeKey node, Transaction t,
      CallStats calls) {
    Bucket b = bucketFor(micros, now);
    if (b == null) {
      return NOT_PLACED;
    }
    long delta = reclaimed;
    reclaimed = 0;
    return delta + (t != null ? b.add(edge, node, t) : b.add(edge, node, calls));
  }

  /** As {@link #add}, for every statistic of a finer bucket (one that settled). */
  long merge(long micros, long now, Bucket finer) {
    Bucket b = bucketFor(micros, now);
    if (b == null) {
      return NOT_PLACED;
    }
    long delta = reclaimed;
    reclaimed = 0;
    return delta + b.merge(finer);
  }

  /** What {@link #bucketFor} freed by reusing a bucket (negative), for the caller's count. */
  private long reclaimed;

  /**
   * The bucket of {@code micros}, reset when it held an older one; null when {@code micros} is older
   * than what the ring keeps as of {@code now}.
   */
  private Bucket bucketFor(long micros, long now) {
    long start = Math.floorDiv(micros, width) * width;
    if (!covers(start, now)) {
      return null;
    }
    Bucket b = ring[(int) Math.floorMod(start / width, (long) ring.length)];
    reclaimed = 0;
    if (b.start != start) {
      if (b.start > start) {
        return null;
      }
      reclaimed = -b.cells();
      b.reset(start);
    }
    return b;
  }

  /** The bucket that holds {@code start} (a bucket's start), or null when none does now. */
  Bucket at(long start) {
    Bucket b = ring[(int) Math.floorMod(Math.floorDiv(start, width), (long) ring.length)];
    return b.start == start ? b : null;
  }

  /**
   * Empties the oldest bucket that starts before {@code before}, for memory: the ring then keeps
   * less (queries of the time it held go to the coarser tier or the stored minutes). Returns the
   * statistics freed, -1 when there was no such bucket.
   */
  long evictOldest(long before) {
    Bucket oldest = null;
    for (Bucket b : ring) {
      if (b.start != Long.MIN_VALUE && b.start < before
          && (oldest == null || b.start < oldest.start)) {
        oldest = b;
      }
    }
    if (oldest == null) {
      return -1;
    }
    long freed = oldest.cells();
    validFrom = Math.max(validFrom, oldest.start + width);
    oldest.reset(Long.MIN_VALUE);
    return freed;
  }

  /** Whether a range starting at {@code from} is within what this ring keeps as of now. */
  boolean covers(long from, long now) {
    return from >= Math.floorDiv(now, width) * width - (ring.length - 1) * width
        && from >= validFrom;
  }

  long cells() {
    long n = 0;
    for (Bucket b : ring) {
      n += b.cells();
    }
    return n;
  }

  void collect(long from, long to, RangeSum operands) {
    for (Bucket b : ring) {
      if (b.start == Long.MIN_VALUE || b.start + width <= from || b.start >= to) {
        continue;
      }
      operands.add(b);
    }
  }
}
