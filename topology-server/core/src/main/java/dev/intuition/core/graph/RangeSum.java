package dev.intuition.core.graph;

import dev.intuition.core.graph.GraphAggregator.EdgeKey;
import dev.intuition.wire.stats.CallStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The statistics of a range, gathered per edge and node, to be summed in one pass each: what adds
 * up, and what is to be taken out of it (the buckets a running {@link WindowSum} holds beyond the
 * range).
 */
final class RangeSum {
  final Map<EdgeKey, List<CallStats>> edges = new HashMap<>();
  final Map<NodeKey, List<CallStats>> nodes = new HashMap<>();
  final Map<EdgeKey, List<CallStats>> edgesLess = new HashMap<>();
  final Map<NodeKey, List<CallStats>> nodesLess = new HashMap<>();

  void add(Bucket b) {
    b.edges.forEach(this::add);
    b.nodes.forEach(this::add);
  }

  void add(EdgeKey k, CallStats v) {
    edges.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
  }

  void add(NodeKey k, CallStats v) {
    nodes.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
  }

  void subtract(Bucket b) {
    b.edges.forEach((k, v) -> edgesLess.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    b.nodes.forEach((k, v) -> nodesLess.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
  }

  Map<EdgeKey, CallStats> edgeSums(CallStats.Summer summer) {
    return sum(edges, edgesLess, summer);
  }

  Map<NodeKey, CallStats> nodeSums(CallStats.Summer summer) {
    return sum(nodes, nodesLess, summer);
  }

  static <K> Map<K, CallStats> sum(Map<K, List<CallStats>> operands, CallStats.Summer summer) {
    return sum(operands, Map.of(), summer);
  }

  /** Sums per key, less what is to be taken out; a key left with nothing is left out. */
  private static <K> Map<K, CallStats> sum(Map<K, List<CallStats>> operands,
      Map<K, List<CallStats>> less, CallStats.Summer summer) {
    Map<K, CallStats> sums = HashMap.newHashMap(operands.size());
    operands.forEach((k, list) -> {
      list.forEach(summer::add);
      List<CallStats> out = less.get(k);
      if (out != null) {
        out.forEach(summer::subtract);
      }
      CallStats s = summer.take();
      if (out == null || s.count() > 0 || s.timedCount() > 0 || s.requestBytes() > 0
          || s.responseBytes() > 0) {
        sums.put(k, s);
      }
    });
    return sums;
  }
}
