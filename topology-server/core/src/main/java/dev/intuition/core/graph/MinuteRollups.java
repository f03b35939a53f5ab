package dev.intuition.core.graph;

import dev.intuition.wire.stats.CallStats;
import dev.intuition.core.graph.GraphAggregator.EdgeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The graph's minutes on their way to the history: each call is counted into its minute, and a
 * minute is handed to the {@link RollupHistory} once it is complete and its grace for late batches has
 * passed ({@link #storeComplete}). At most {@value #MAX_PENDING} minutes wait; beyond, the oldest is
 * stored at once, so memory stays bounded whatever times calls carry. A late call for a minute already
 * stored starts a supplement, stored the same way: minutes are additive. Not thread-safe.
 */
final class MinuteRollups {
  /** Pending minutes beyond this are stored at once. */
  static final int MAX_PENDING = 120;
  private static final long MINUTE = GraphAggregator.MINUTE;

  private final RollupHistory history;
  private final TreeMap<Long, Bucket> pending = new TreeMap<>();
  private long stored;

  /** @param history where complete minutes go; null to keep none */
  MinuteRollups(RollupHistory history) {
    this.history = history;
  }

  /** Counts calls (one, or an agent's summary) into the minute of {@code micros}. */
  void add(long micros, EdgeKey edge, NodeKey node, CallStats calls) {
    minute(micros).add(edge, node, calls);
    bound();
  }

  /** Merges a settled second's bucket into the minute of {@code micros}. */
  void merge(long micros, Bucket second) {
    minute(micros).merge(second);
    bound();
  }

  private Bucket minute(long micros) {
    long minute = Math.floorDiv(micros, MINUTE) * MINUTE;
    return pending.computeIfAbsent(minute, k -> new Bucket());
  }

  private void bound() {
    if (pending.size() > MAX_PENDING) {
      store(pending.pollFirstEntry());
    }
  }

  /** Stores the minutes that ended {@code graceMicros} or more before {@code now}. */
  void storeComplete(long now, long graceMicros) {
    while (!pending.isEmpty() && pending.firstKey() + MINUTE + graceMicros <= now) {
      store(pending.pollFirstEntry());
    }
  }

  /** Stores every pending minute now (at shutdown, and in tests). */
  void storeAll() {
    while (!pending.isEmpty()) {
      store(pending.pollFirstEntry());
    }
  }

  private void store(Map.Entry<Long, Bucket> minute) {
    if (history == null) {
      return;
    }
    Bucket b = minute.getValue();
    List<Rollup.EdgeStats> edges = new ArrayList<>(b.edges.size());
    b.edges.forEach((k, v) -> edges.add(new Rollup.EdgeStats(k.client(), k.server(),
        k.protocol().wireName(), k.external(), v)));
    List<Rollup.NodeStats> nodes = new ArrayList<>(b.nodes.size());
    b.nodes.forEach((k, v) -> nodes.add(new Rollup.NodeStats(k.service(), k.container(), v)));
    history.addRollup(new Rollup(GraphAggregator.instant(minute.getKey()), edges, nodes));
    stored++;
  }

  /** The minutes not stored yet, by their start in microseconds (read under the caller's lock). */
  NavigableMap<Long, Bucket> pending() {
    return pending;
  }

  /** The history minutes are read back from, or null when there is none. */
  RollupHistory history() {
    return history;
  }

  /** Minutes (and supplements) handed to the history. */
  long stored() {
    return stored;
  }
}
