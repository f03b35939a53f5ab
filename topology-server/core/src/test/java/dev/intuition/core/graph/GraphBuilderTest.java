package dev.intuition.core.graph;

import dev.intuition.wire.stats.CallStats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.intuition.core.graph.GraphAggregator.EdgeKey;
import dev.intuition.decoder.Protocol;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Graph building alone: from summed statistics to nodes, edges, kinds, rates and fading. */
class GraphBuilderTest {
  static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant TO = FROM.plusSeconds(10);

  static CallStats calls(long ok, long error) {
    return CallStats.of(ok, 0, error, 100 * (ok + error), 300 * (ok + error), null);
  }

  static EdgeKey edge(String client, String server, boolean external) {
    return new EdgeKey(client, server, Protocol.HTTP, external);
  }

  @Test
  void everyEndIsANodeOfItsKindAndEdgesAreSorted() {
    Map<EdgeKey, CallStats> edges = new HashMap<>();
    edges.put(edge("web", "api", false), calls(20, 0));
    edges.put(edge("INTERNET", "web", false), calls(50, 5));
    edges.put(edge("api", "pay.example", true), calls(10, 10));
    Map<NodeKey, CallStats> nodes = new HashMap<>();
    nodes.put(new NodeKey("api", "api-2"), calls(12, 0));
    nodes.put(new NodeKey("api", "api-1"), calls(8, 0));
    Graph g = GraphBuilder.build(FROM, TO, 10, edges, nodes, null);
    assertEquals(List.of("INTERNET>web", "api>pay.example", "web>api"), g.edges().stream()
        .map(e -> e.client() + ">" + e.server()).toList());
    assertEquals(List.of("INTERNET", "api", "pay.example", "web"),
        g.nodes().stream().map(Graph.Node::name).toList());
    Map<String, String> kinds = new HashMap<>();
    g.nodes().forEach(n -> kinds.put(n.name(), n.kind()));
    assertEquals(Map.of("INTERNET", Graph.INTERNET, "api", Graph.SERVICE, "pay.example",
        Graph.EXTERNAL, "web", Graph.SERVICE), kinds);
    Graph.Node api = g.nodes().get(1);
    assertEquals(List.of("api-1", "api-2"), api.containers().stream()
        .map(Graph.Container::name).toList(), "containers sorted by name");
    assertEquals(2.0, api.served().rate(), 1e-9, "20 calls served in 10 s");
    assertEquals(5.5, g.edges().get(0).calls().rate(), 1e-9);
    assertEquals(5, g.edges().get(0).calls().error());
    assertNull(g.edges().get(0).lastSeen(), "no last call outside the live graph");
  }

  @Test
  void theLiveGraphKeepsQuietEdgesUntilTheyFadeAndSaysWhenEachLastCarriedACall() {
    long t0 = GraphAggregator.micros(FROM);
    Map<EdgeKey, Long> lastCalls = new HashMap<>();
    lastCalls.put(edge("web", "api", false), t0 + 9_000_000); // busy
    lastCalls.put(edge("web", "cache", false), t0 + 5_000_000); // quiet, still fading
    lastCalls.put(edge("web", "old", false), t0 - 60_000_000); // faded out
    Map<EdgeKey, CallStats> edges = Map.of(edge("web", "api", false), calls(3, 0));
    Graph g = GraphBuilder.build(FROM, TO, 10, edges, Map.of(),
        new GraphBuilder.LastSeen(lastCalls, t0));
    assertEquals(List.of("api", "cache"), g.edges().stream().map(Graph.Edge::server).toList());
    Graph.Edge cache = g.edges().get(1);
    assertEquals(0, cache.calls().ok() + cache.calls().error(), "a quiet edge has no calls");
    assertEquals(FROM.plusSeconds(5), cache.lastSeen());
    Graph.Node web = g.nodes().stream().filter(n -> n.name().equals("web")).findFirst()
        .orElseThrow();
    assertEquals(FROM.plusSeconds(9), web.lastSeen(), "a node's last call is its edges' latest");
    assertEquals(List.of("api", "cache", "web"), g.nodes().stream().map(Graph.Node::name)
        .toList(), "the faded edge's end is no node");
  }
}
