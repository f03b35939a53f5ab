package dev.intuition.core.graph;

import dev.intuition.wire.stats.CallStats;
import dev.intuition.core.graph.GraphAggregator.EdgeKey;
import dev.intuition.decoder.Transaction;
import java.util.HashMap;
import java.util.Map;

/** The statistics of one time bucket: per edge and per node (a service, or one container of it). */
final class Bucket {
  long start = Long.MIN_VALUE;
  final Map<EdgeKey, CallStats> edges = new HashMap<>();
  final Map<NodeKey, CallStats> nodes = new HashMap<>();

  void reset(long start) {
    this.start = start;
    edges.clear();
    nodes.clear();
  }

  /** Adds a call; returns how many statistics it created (0, 1 or 2). */
  int add(EdgeKey edge, NodeKey node, Transaction t) {
    return add(edge, node, t, null);
  }

  /** Adds an agent's summary of calls; returns how many statistics it created (0, 1 or 2). */
  int add(EdgeKey edge, NodeKey node, CallStats calls) {
    return add(edge, node, null, calls);
  }

  /** Adds {@code t}, or else {@code calls}. */
  private int add(EdgeKey edge, NodeKey node, Transaction t, CallStats calls) {
    int created = 0;
    CallStats e = edges.get(edge);
    if (e == null) {
      edges.put(edge, e = new CallStats());
      created++;
    }
    if (t != null) {
      e.add(t);
    } else {
      e.merge(calls);
    }
    CallStats n = nodes.get(node);
    if (n == null) {
      nodes.put(node, n = new CallStats());
      created++;
    }
    if (t != null) {
      n.add(t);
    } else {
      n.merge(calls);
    }
    return created;
  }

  /** Merges every statistic of {@code other} into this; returns how many statistics it created. */
  int merge(Bucket other) {
    int created = 0;
    for (Map.Entry<EdgeKey, CallStats> e : other.edges.entrySet()) {
      CallStats mine = edges.get(e.getKey());
      if (mine == null) {
        edges.put(e.getKey(), mine = new CallStats());
        created++;
      }
      mine.merge(e.getValue());
    }
    for (Map.Entry<NodeKey, CallStats> e : other.nodes.entrySet()) {
      CallStats mine = nodes.get(e.getKey());
      if (mine == null) {
        nodes.put(e.getKey(), mine = new CallStats());
        created++;
      }
      mine.merge(e.getValue());
    }
    return created;
  }

  int cells() {
    return edges.size() + nodes.size();
  }
}
