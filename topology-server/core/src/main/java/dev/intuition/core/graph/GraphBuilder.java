package dev.intuition.core.graph;

import dev.intuition.wire.stats.CallStats;
import dev.intuition.core.graph.GraphAggregator.EdgeKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link Graph} from summed statistics: every edge with its rates, every end of an edge a
 * node (callers included) with its containers, the kinds (INTERNET, external, service), and for the
 * live graph when each edge and node last carried a call, quiet edges kept until they fade out. Pure:
 * the statistics are the caller's, already summed; nothing here locks or reads a clock.
 */
final class GraphBuilder {
  private static final Comparator<Graph.Edge> EDGE_ORDER = Comparator
      .comparing(Graph.Edge::client).thenComparing(Graph.Edge::server)
      .thenComparing(Graph.Edge::protocol);

  private GraphBuilder() {}

  /**
   * The live graph's view of when edges and nodes last carried a call (microseconds), and the
   * time before which a quiet edge has faded out.
   */
  record LastSeen(Map<EdgeKey, Long> edges, Map<String, Long> nodes, long fade) {
    LastSeen(Map<EdgeKey, Long> edges, long fade) {
      this(edges, new HashMap<>(), fade);
      edges.forEach((k, micros) -> {
        nodes.merge(k.client(), micros, Math::max);
        nodes.merge(k.server(), micros, Math::max);
      });
    }

    static Instant of(Long micros) {
      return micros == null ? null : GraphAggregator.instant(micros);
    }
  }

  /**
   * @param rangeSeconds what rates are per
   * @param seen for the live graph: last calls and fading elements; null for other ranges
   */
  static Graph build(Instant from, Instant to, double rangeSeconds,
      Map<EdgeKey, CallStats> edges, Map<NodeKey, CallStats> nodeStats, LastSeen seen) {
    double seconds = Math.max(1e-6, rangeSeconds);
    Map<String, List<CallStats>> parts = new HashMap<>();
    Map<String, List<Graph.Container>> containers = new HashMap<>();
    nodeStats.forEach((k, v) -> {
      parts.computeIfAbsent(k.service(), x -> new ArrayList<>()).add(v);
      if (k.container() != null) {
        containers.computeIfAbsent(k.service(), x -> new ArrayList<>())
            .add(new Graph.Container(k.container(), Graph.Calls.of(v, seconds)));
      }
    });
    Map<String, CallStats> services = RangeSum.sum(parts, new CallStats.Summer());
    List<Graph.Edge> edgeList = new ArrayList<>();
    Set<String> external = new HashSet<>();
    edges.forEach((k, s) -> {
      edgeList.add(new Graph.Edge(k.client(), k.server(), k.protocol().wireName(), k.external(),
          Graph.Calls.of(s, seconds), seen == null ? null : LastSeen.of(seen.edges().get(k))));
      if (k.external()) {
        external.add(k.server());
      }
    });
    if (seen != null) { // quiet edges stay, with no calls, until they fade out
      seen.edges().forEach((k, micros) -> {
        if (micros >= seen.fade() && !edges.containsKey(k)) {
          edgeList.add(new Graph.Edge(k.client(), k.server(), k.protocol().wireName(),
              k.external(), Graph.Calls.NONE, GraphAggregator.instant(micros)));
          if (k.external()) {
            external.add(k.server());
          }
        }
      });
    }
    edgeList.sort(EDGE_ORDER);
    Map<String, Graph.Node> nodes = new HashMap<>();
    for (Graph.Edge e : edgeList) { // every end is a node, callers included
      for (String name : List.of(e.client(), e.server())) {
        if (!nodes.containsKey(name)) {
          List<Graph.Container> cs = new ArrayList<>(containers.getOrDefault(name, List.of()));
          cs.sort(Comparator.comparing(Graph.Container::name));
          nodes.put(name, new Graph.Node(name, kind(name, external.contains(name)), null,
              Graph.Calls.of(services.get(name), seconds), cs,
              seen == null ? null : LastSeen.of(seen.nodes().get(name))));
        }
      }
    }
    List<Graph.Node> nodeList = new ArrayList<>(nodes.values());
    nodeList.sort(Comparator.comparing(Graph.Node::name));
    return new Graph(from, to, nodeList, edgeList, List.of());
  }

  static String kind(String name, boolean external) {
    return EndpointNames.INTERNET.equals(name) ? Graph.INTERNET
        : external ? Graph.EXTERNAL : Graph.SERVICE;
  }
}
