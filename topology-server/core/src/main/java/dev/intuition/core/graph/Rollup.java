package dev.intuition.core.graph;

import dev.intuition.wire.stats.CallStats;
import java.time.Instant;
import java.util.List;

/**
 * The graph's statistics for one minute, as kept for history: per edge and per node (split per
 * container). Statistics are additive, so a minute may be stored in several parts (a late batch adds a
 * supplement) and reading merges them exactly.
 */
public record Rollup(Instant start, List<EdgeStats> edges, List<NodeStats> nodes) {
  public Rollup {
    edges = List.copyOf(edges);
    nodes = List.copyOf(nodes);
  }

  /** About what this minute takes on the heap (the names are shared with the graph's). */
  public long estimatedBytes() {
    long n = 64;
    for (EdgeStats e : edges) {
      n += 48 + e.stats().estimatedBytes();
    }
    for (NodeStats s : nodes) {
      n += 40 + s.stats().estimatedBytes();
    }
    return n;
  }

  /** One edge: client service to server service over a protocol; external when no known service. */
  public record EdgeStats(String client, String server, String protocol, boolean external,
      CallStats stats) {}

  /** The calls one service (container null) or one of its containers served. */
  public record NodeStats(String service, String container, CallStats stats) {}
}
