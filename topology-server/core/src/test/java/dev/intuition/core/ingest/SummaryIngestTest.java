package dev.intuition.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.core.MutableClock;
import dev.intuition.core.graph.Graph;
import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.core.inventory.AddressBook;
import dev.intuition.core.metrics.Metrics;
import dev.intuition.core.storage.InMemoryTransactionStore;
import dev.intuition.core.storage.TransactionQuery;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.wire.AgentIdentity;
import dev.intuition.wire.Batch;
import dev.intuition.wire.Container;
import dev.intuition.wire.Inventory;
import dev.intuition.wire.Sample;
import dev.intuition.wire.Summary;
import dev.intuition.wire.stats.CallStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Wire version 2: the server merges the agents' summaries into the same graph that the calls one by
 * one make (counts, bytes and every percentile equal), counts a call seen from both sides once,
 * keeps the time rules of version 1, and stores samples without counting them again.
 */
class SummaryIngestTest {
  static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  static final class Core {
    final MutableClock clock = new MutableClock(T0);
    final InMemoryTransactionStore store = new InMemoryTransactionStore(100_000,
        Duration.ofHours(24));
    final GraphAggregator graph = new GraphAggregator(clock, GraphAggregator.Settings.DEFAULT,
        store);
    final AddressBook addresses = new AddressBook(clock, Duration.ofMinutes(2));
    final Ingester ingester = new Ingester(clock, Ingester.Settings.DEFAULT, graph, store,
        addresses, Metrics.NONE, null);
    long sequence;

    Ingester.Result v1(List<Transaction> calls) {
      return ingester.apply(new Batch(1, new AgentIdentity("a", "a.example", "t"), "run", ++sequence,
          clock.instant(), calls, null, null), 0, "a", clock.instant());
    }

    Ingester.Result v2(String agent, List<Summary> summaries, List<Sample> samples) {
      return v2(agent, summaries, List.of(), samples);
    }

    Ingester.Result v2(String agent, List<Summary> summaries, List<Summary> endpoints,
        List<Sample> samples) {
      return ingester.apply(new Batch(2, new AgentIdentity(agent, agent + ".example", "t"), "run",
          ++sequence, clock.instant(), List.of(), null, null, summaries, endpoints, samples), 0,
          agent, clock.instant());
    }
  }

  static Transaction call(Random r, int second, String client, String server, String serverIp,
      String observedAt) {
    long micros = 100 + (long) Math.pow(10, 1 + r.nextDouble() * 5);
    Outcome o = r.nextInt(10) == 0 ? Outcome.ERROR : r.nextInt(10) == 0 ? Outcome.WARNING
        : Outcome.OK;
    Instant end = T0.minusSeconds(30).plusSeconds(second).plusMillis(r.nextInt(1000));
    return new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 40000),
        new Endpoint(serverIp, 80), end.minusNanos(micros * 1000), end, micros, "GET",
        "/users/" + r.nextInt(1000), "GET /users/1", o == Outcome.ERROR ? "500" : "200", o,
        100 + r.nextInt(100), 300 + r.nextInt(1000), null, null, null, null, List.of(),
        client == null ? null : client + ".1", server + ".1", client, server, observedAt);
  }

  /** The calls summed as an agent sums them: per second and key. */
  static List<Summary> summarise(List<Transaction> calls) {
    Map<List<Object>, CallStats> sums = new LinkedHashMap<>();
    Map<List<Object>, Transaction> firsts = new LinkedHashMap<>();
    for (Transaction t : calls) {
      List<Object> key = List.of(t.end().getEpochSecond(), String.valueOf(t.clientService()),
          String.valueOf(t.serverService()), t.server().ip(), t.observedAt());
      sums.computeIfAbsent(key, k -> new CallStats()).add(t);
      firsts.putIfAbsent(key, t);
    }
    List<Summary> out = new ArrayList<>();
    sums.forEach((k, s) -> {
      Transaction t = firsts.get(k);
      out.add(new Summary(t.end().getEpochSecond(), 1, t.protocol(), t.observedAt(),
          new Summary.Side(t.client().ip(), t.clientContainer(), t.clientService()),
          new Summary.Side(t.server().ip(), t.serverContainer(), t.serverService()), null,
          "GET /users/{id}", s, 0, 0));
    });
    return out;
  }

  /** The summaries of {@link #summarise} as the agent sends them: per second and edge, and per
   * 10 seconds and endpoint. */
  static List<List<Summary>> twoStreams(List<Transaction> calls) {
    List<Summary> edges = new ArrayList<>();
    for (Summary x : summarise(calls)) {
      edges.add(new Summary(x.interval(), 1, x.protocol(), x.observedAt(), x.client(), x.server(),
          null, null, x.stats(), 0, 0));
    }
    Map<List<Object>, Summary> windows = new LinkedHashMap<>();
    for (Summary x : summarise(calls)) {
      long window = Math.floorDiv(x.interval(), 10) * 10;
      windows.merge(List.of(window, x.client().toString(), x.server().toString()),
          new Summary(window, 10, x.protocol(), x.observedAt(), x.client(), x.server(), null,
              x.endpoint(), x.stats(), 0, 0), (a, b) -> {
                CallStats sum = new CallStats();
                sum.merge(a.stats());
                sum.merge(b.stats());
                return new Summary(a.interval(), 10, a.protocol(), a.observedAt(), a.client(),
                    a.server(), null, a.endpoint(), sum, 0, 0);
              });
    }
    return List.of(edges, new ArrayList<>(windows.values()));
  }

  @Test
  void endpointSummariesFillTheEndpointTablesAndAreNotCountedAgain() {
    Random r = new Random(9);
    List<Transaction> calls = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      calls.add(call(r, r.nextInt(25), "web", i % 2 == 0 ? "api" : "db", "10.0.0." + (2 + i % 2),
          "server"));
    }
    Core one = new Core();
    Core two = new Core();
    one.v1(calls);
    List<List<Summary>> streams = twoStreams(calls);
    assertTrue(streams.get(1).size() < streams.get(0).size(), "fewer per 10 seconds");
    assertEquals(3_000, two.v2("a", streams.get(0), streams.get(1), List.of()).accepted(),
        "the calls are those of the summaries, once");
    Graph a = one.graph.graph(Duration.ofSeconds(60));
    Graph b = two.graph.graph(Duration.ofSeconds(60));
    assertEquals(a.edges().stream().map(Graph.Edge::calls).toList(),
        b.edges().stream().map(Graph.Edge::calls).toList());
    Instant from = T0.minusSeconds(120);
    for (String server : List.of("api", "db")) {
      var expected = one.graph.endpoints("web", server, null, from, T0.plusSeconds(1));
      var actual = two.graph.endpoints("web", server, null, from, T0.plusSeconds(1));
      assertEquals(1, actual.size(), "one endpoint: " + actual);
      assertEquals("GET /users/{id}", actual.get(0).endpoint());
      assertEquals(expected.get(0).stats(), actual.get(0).stats(),
          "counts, bytes and latencies of the endpoint as the calls one by one make them");
    }
    // Endpoint summaries alone count nothing on the graph.
    Core only = new Core();
    assertEquals(0, only.v2("a", List.of(), streams.get(1), List.of()).accepted());
    assertEquals(0, only.graph.graph(Duration.ofSeconds(60)).edges().size());
    assertEquals(2, only.graph.endpoints("web", "api", null, from, T0.plusSeconds(1)).size()
        + only.graph.endpoints("web", "db", null, from, T0.plusSeconds(1)).size());
  }

  @Test
  void summariesMakeTheSameGraphAsTheCallsTheySum() {
    Random r = new Random(7);
    List<Transaction> calls = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      calls.add(call(r, r.nextInt(20), i % 3 == 0 ? null : "web", i % 2 == 0 ? "api" : "db",
          "10.0.0." + (2 + i % 2), "server"));
    }
    Core one = new Core();
    Core summed = new Core();
    assertEquals(5_000, one.v1(calls).accepted());
    List<Summary> summaries = summarise(calls);
    assertTrue(summaries.size() < 200, "summaries: " + summaries.size());
    assertEquals(5_000, summed.v2("a", summaries, List.of()).accepted());
    Graph a = one.graph.graph(Duration.ofSeconds(60));
    Graph b = summed.graph.graph(Duration.ofSeconds(60));
    assertEquals(a.edges().size(), b.edges().size());
    assertEquals(4, a.edges().size(), "INTERNET and web to api and db: " + a.edges());
    for (int i = 0; i < a.edges().size(); i++) {
      assertEquals(a.edges().get(i).calls(), b.edges().get(i).calls(),
          "counts, bytes and percentiles of " + a.edges().get(i));
    }
    assertEquals(a.nodes().stream().map(n -> List.of(n.name(), n.served(), n.containers()))
        .toList(), b.nodes().stream().map(n -> List.of(n.name(), n.served(), n.containers()))
        .toList(), "the nodes too (last seen is to the second with summaries)");
    one.graph.storePending();
    summed.graph.storePending();
    Graph hourA = one.graph.graph(T0.minusSeconds(3600), T0.plusSeconds(1));
    Graph hourB = summed.graph.graph(T0.minusSeconds(3600), T0.plusSeconds(1));
    assertEquals(hourA.edges(), hourB.edges(), "the minutes stored for history are equal too");
  }

  @Test
  void aCallSeenFromBothSidesIsCountedOnceFromTheServerSide() {
    Core core = new Core();
    core.ingester.apply(new Batch(2, new AgentIdentity("b", "b.example", "t"), "run", 1,
        T0, List.of(), new Inventory(List.of(new Container("c1", "api.1", null, "api", null, null,
        Map.of("net", "10.0.0.2"), null, Map.of(), false)), List.of()), null, null, null), 0, "b",
        T0);
    Random r = new Random(1);
    List<Transaction> clientSide = new ArrayList<>();
    List<Transaction> serverSide = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Transaction t = call(r, i % 10, "web", "api", "10.0.0.2", "server");
      serverSide.add(t);
      clientSide.add(t.withPlacement("web.1", null, "web", null, "client"));
    }
    Ingester.Result fromClient = core.v2("a", summarise(clientSide), List.of());
    assertEquals(300, fromClient.duplicates());
    assertEquals(0, fromClient.accepted());
    assertEquals(List.of(new dev.intuition.wire.AddressName("10.0.0.2", "api", "api.1", true)),
        fromClient.names(), "the client side's agent learns that another agent captures api");
    Ingester.Result fromServer = core.v2("b", summarise(serverSide), List.of());
    assertEquals(300, fromServer.accepted());
    Graph g = core.graph.graph(Duration.ofSeconds(60));
    assertEquals(1, g.edges().size());
    Graph.Calls c = g.edges().get(0).calls();
    assertEquals(300, c.ok() + c.warning() + c.error());
    assertEquals("web", g.edges().get(0).client());
    assertEquals("api", g.edges().get(0).server());
  }

  @Test
  void unnamedEndsAreNamedFromTheInventoriesAndExternalServersByHost() {
    Core core = new Core();
    core.ingester.apply(new Batch(2, new AgentIdentity("b", "b.example", "t"), "run", 1,
        T0, List.of(), new Inventory(List.of(new Container("c1", "web.1", null, "web", null, null,
        Map.of("net", "10.0.0.1"), null, Map.of(), false)), List.of()), null, null, null), 0, "b",
        T0);
    CallStats s = new CallStats();
    s.add(call(new Random(2), 1, null, "x", "93.184.216.34", "client"));
    long second = T0.getEpochSecond() - 5;
    Ingester.Result r = core.v2("a", List.of(new Summary(second, 1, Protocol.HTTP, "client",
        new Summary.Side("10.0.0.1", null, null), new Summary.Side("93.184.216.34", null, null),
        "api.example.com:443", "GET /", s, 0, 0)), List.of());
    assertEquals(List.of(new dev.intuition.wire.AddressName("10.0.0.1", "web", "web.1", true)),
        r.names(), "the agent learns its caller's name; the external server has none");
    Graph.Edge e = core.graph.graph(Duration.ofSeconds(60)).edges().get(0);
    assertEquals("web", e.client());
    assertEquals("api.example.com", e.server());
    assertTrue(e.external());
  }

  @Test
  void summariesFollowTheTimeRulesOfCalls() {
    Core core = new Core();
    CallStats s = new CallStats();
    s.add(call(new Random(3), 1, "web", "api", "10.0.0.2", "server"));
    Summary.Side web = new Summary.Side("10.0.0.1", "web.1", "web");
    Summary.Side api = new Summary.Side("10.0.0.2", "api.1", "api");
    Ingester.Result r = core.v2("a", List.of(
        new Summary(T0.getEpochSecond() + 86_400, 1, Protocol.HTTP, "server", web, api, null,
            "GET /", s, 0, 0),
        new Summary(T0.getEpochSecond() - 3 * 86_400, 1, Protocol.HTTP, "server", web, api, null,
            "GET /", s, 0, 0),
        new Summary(Long.MAX_VALUE / 2, 1, Protocol.HTTP, "server", web, api, null, "GET /", s, 0,
            0),
        new Summary(T0.getEpochSecond() - 600, 1, Protocol.HTTP, "server", web, api, null,
            "GET /", s, 0, 0)), List.of());
    assertEquals(2, r.future(), "a day ahead, and centuries ahead");
    assertEquals(1, r.expired(), "older than the store keeps");
    assertEquals(1, r.late(), "older than the live window: history only");
    assertEquals(1, r.accepted());
    assertEquals(0, core.graph.graph(Duration.ofSeconds(60)).edges().size());
  }

  @Test
  void samplesAreStoredForTheAccessLogAndNotCountedAgain() {
    Core core = new Core();
    Random r = new Random(4);
    List<Transaction> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      calls.add(call(r, 5, "web", "api", "10.0.0.2", "server"));
    }
    Ingester.Result result = core.v2("a", summarise(calls),
        List.of(new Sample(calls.get(0), 50), new Sample(calls.get(1), 50)));
    assertEquals(100, result.accepted());
    Graph.Calls c = core.graph.graph(Duration.ofSeconds(60)).edges().get(0).calls();
    assertEquals(100, c.ok() + c.warning() + c.error());
    assertEquals(2, core.store.find(TransactionQuery.newest(100)).size());
    assertEquals(2, core.ingester.samples());
  }
}
