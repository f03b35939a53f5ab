package dev.intuition.core.graph;

import dev.intuition.wire.stats.CallStats;
import dev.intuition.core.graph.GraphAggregator.EdgeKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The statistics of a range, gathered per edge and node, to be summed in one pass each. */
final class RangeSum {
  final Map<EdgeKey, List<CallStats>> edges = new HashMap<>();
  final Map<NodeKey, List<CallStats>> nodes = new HashMap<>();

  void add(Bucket b) {
    b.edges.forEach((k, v) -> edges.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    b.nodes.forEach((k, v) -> nodes.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
  }

  static <K> Map<K, CallStats> sum(Map<K, List<CallStats>> operands, CallStats.Summer summer) {
    Map<K, CallStats> sums = HashMap.newHashMap(operands.size());
    operands.forEach((k, list) -> {
      list.forEach(summer::add);
      sums.put(k, summer.take());
    });
    return sums;
  }
}
