package dev.intuition.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.core.MutableClock;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.wire.Summary;
import dev.intuition.wire.stats.CallStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which route is failing: the endpoints of a service and of an edge, by calls, bounded. */
class EndpointsTest {
  static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
  final MutableClock clock = new MutableClock(T0);
  final GraphAggregator graph = new GraphAggregator(clock, GraphAggregator.Settings.DEFAULT, null);

  static Transaction call(String client, String server, String path, Outcome o, long micros,
      Instant end) {
    return new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 40000),
        new Endpoint("10.0.0.2", 80), end.minusNanos(micros * 1000), end, micros, "GET", path,
        "GET " + path, o == Outcome.ERROR ? "500" : "200", o, 100, 300, null, null, null, null,
        List.of(), client + ".1", server + ".1", client, server, "server");
  }

  @Test
  void theEndpointsOfAnEdgeAndOfAServiceByCalls() {
    List<Transaction> calls = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      calls.add(call("web", "api", "/users/" + i, Outcome.OK, 1000, T0.minusSeconds(30)));
    }
    for (int i = 0; i < 100; i++) {
      calls.add(call("web", "api", "/orders/" + i + "/lines", i % 4 == 0 ? Outcome.ERROR
          : Outcome.OK, 50_000, T0.minusSeconds(20)));
      calls.add(call("batch", "api", "/orders/" + i + "/lines", Outcome.ERROR, 90_000,
          T0.minusSeconds(20)));
    }
    graph.addAll(calls);
    List<GraphAggregator.EndpointCalls> edge = graph.endpoints("web", "api", null,
        T0.minusSeconds(60), T0.plusSeconds(1));
    assertEquals(2, edge.size());
    assertEquals("GET /users/{id}", edge.get(0).endpoint());
    assertEquals(300, edge.get(0).stats().count());
    assertEquals("GET /orders/{id}/lines", edge.get(1).endpoint());
    assertEquals(25, edge.get(1).stats().error());
    List<GraphAggregator.EndpointCalls> service = graph.endpoints(null, "api", Protocol.HTTP,
        T0.minusSeconds(60), T0.plusSeconds(1));
    assertEquals(2, service.size(), "summed over the clients");
    GraphAggregator.EndpointCalls orders = service.stream()
        .filter(e -> e.endpoint().startsWith("GET /orders")).findFirst().orElseThrow();
    assertEquals(200, orders.stats().count());
    assertEquals(125, orders.stats().error());
    assertTrue(orders.stats().percentile(99) >= 89_000, "p99 from the merged histograms");
    assertEquals(0, graph.endpoints(null, "api", Protocol.REDIS, T0.minusSeconds(60),
        T0.plusSeconds(1)).size());
    assertEquals(1, graph.endpoints("web", "api", null, T0.minusSeconds(20),
        T0.plusSeconds(1)).size(), "only the 10-second buckets of the range");
  }

  @Test
  void summariesCarryTheirEndpoint() {
    CallStats s = new CallStats();
    s.add(call("web", "db", "/", Outcome.ERROR, 700, T0.minusSeconds(5)));
    graph.addSummaries(List.of(new GraphAggregator.Calls(
        GraphAggregator.micros(T0.minusSeconds(5)), "web", "db", false, Protocol.POSTGRESQL,
        "db.1", "SELECT * FROM t WHERE id = ?", s)));
    List<GraphAggregator.EndpointCalls> e = graph.endpoints("web", "db", null,
        T0.minusSeconds(60), T0.plusSeconds(1));
    assertEquals(1, e.size());
    assertEquals("SELECT * FROM t WHERE id = ?", e.get(0).endpoint());
    assertEquals(Protocol.POSTGRESQL, e.get(0).protocol());
    assertEquals(1, e.get(0).stats().error());
  }

  @Test
  void endpointsPerEdgeAreBoundedTheRestSummedAsOther() {
    List<Transaction> calls = new ArrayList<>();
    int n = GraphAggregator.MAX_ENDPOINTS_PER_EDGE + 30;
    for (int i = 0; i < n; i++) {
      calls.add(call("web", "api", "/route-" + (char) ('a' + i % 26) + (char) ('a' + i / 26),
          Outcome.OK, 1000, T0.minusSeconds(5)));
    }
    graph.addAll(calls);
    List<GraphAggregator.EndpointCalls> e = graph.endpoints("web", "api", null,
        T0.minusSeconds(60), T0.plusSeconds(1));
    assertEquals(GraphAggregator.MAX_ENDPOINTS_PER_EDGE + 1, e.size());
    GraphAggregator.EndpointCalls other = e.get(0);
    assertEquals(Summary.OTHER_ENDPOINT, other.endpoint());
    assertEquals(n - GraphAggregator.MAX_ENDPOINTS_PER_EDGE, other.stats().count());
    assertEquals(n, e.stream().mapToLong(x -> x.stats().count()).sum(), "no call is lost");
  }

  @Test
  void endpointsOlderThanTheWindowAreForgotten() {
    graph.add(call("web", "api", "/a", Outcome.OK, 1000, T0.minusSeconds(5)));
    clock.set(clock.instant().plusSeconds(GraphAggregator.ENDPOINT_WINDOW_SECONDS + 20));
    graph.add(call("web", "api", "/b", Outcome.OK, 1000, clock.instant().minusSeconds(1)));
    List<GraphAggregator.EndpointCalls> e = graph.endpoints("web", "api", null,
        T0.minusSeconds(60), clock.instant().plusSeconds(1));
    assertEquals(1, e.size());
    assertEquals("GET /b", e.get(0).endpoint());
    assertTrue(!graph.endpointsFrom().isBefore(T0), graph.endpointsFrom().toString());
  }
}
