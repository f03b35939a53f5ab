package dev.intuition.core.graph;

import static dev.intuition.core.graph.GraphAggregatorTest.T0;
import static dev.intuition.core.graph.GraphAggregatorTest.tx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.core.Json;
import dev.intuition.core.MutableClock;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stream's compact graph reads back as the same graph, whatever it holds, and is a fraction of
 * the graph's JSON; the web UI's decoder is checked against the same pair of files
 * (web-ui/test/fixtures), which this test keeps in step with the encoder.
 */
class CompactGraphFormatTest {
  private final ObjectMapper json = Json.mapper();

  /** A live graph with every kind of element: INTERNET, containers, quiet edges, odd latencies. */
  static Graph liveGraph() {
    MutableClock clock = new MutableClock(T0.plusSeconds(30));
    GraphAggregator g = new GraphAggregator(clock, GraphAggregator.Settings.DEFAULT, null);
    Random r = new Random(3);
    for (int i = 0; i < 3000; i++) {
      Outcome o = i % 31 == 0 ? Outcome.ERROR : i % 11 == 0 ? Outcome.WARNING : Outcome.OK;
      Instant end = T0.plusMillis(i * 7L).plusNanos(r.nextInt(1000) * 1000L);
      g.add(tx("web", "api", Protocol.HTTP, o, 100 + r.nextInt(40_000), end));
      g.add(tx("api", "db", Protocol.POSTGRESQL, Outcome.OK, 50 + r.nextInt(900), end));
      if (i % 3 == 0) {
        g.add(tx(null, "web", Protocol.HTTP, o, 1000 + r.nextInt(9000), end));
      }
    }
    g.add(tx("api", "cache", Protocol.REDIS, Outcome.OK, 120, T0.minusSeconds(30)));
    clock.set(T0.plusSeconds(50)); // cache's edge is quiet in the last minute, and fades later
    g.add(tx("web", "api", Protocol.HTTP, Outcome.OK, 777, T0.plusSeconds(49).plusNanos(123_000)));
    return g.graph(Duration.ofSeconds(60));
  }

  /** A graph made by hand: an external end that is no node, a rate of its own, notices, overflow. */
  static Graph handMade() {
    Instant to = Instant.parse("2026-11-21T10:01:00.250Z");
    Graph.Calls calls = new Graph.Calls(1.75, 100, 3, 2, 900, 4000, 12000, 1000, 9000);
    Graph.Calls odd = new Graph.Calls(0.1, 1, 0, 0, 5, 5, 5, 10, 20); // not 1 / 60
    return new Graph(to.minusSeconds(60), to,
        List.of(new Graph.Node("shop", Graph.SERVICE, "store", calls,
            List.of(new Graph.Container("shop.1", calls), new Graph.Container("shop.2", odd)),
            to.minusMillis(20))),
        List.of(new Graph.Edge("shop", "api.stripe.com", "tls", true, calls, to.minusMillis(3)),
            new Graph.Edge("shop", "shop", "http", false, odd, null)),
        List.of(new Notice(7, "error-rate", Notice.DANGER, "errors on shop -> api.stripe.com",
            null, "shop", "api.stripe.com", "tls", to.minusSeconds(5), null, 0.2, 0.01)),
        new GraphAggregator.Overflow(1, 2, 3, 10, 20, 5, 10, 20, 0, 1 << 20, 4096));
  }

  private Graph roundTrip(Graph g) throws Exception {
    String message = CompactGraphFormat.message("update", g, json);
    JsonNode m = json.readTree(message);
    assertEquals("update", m.get("type").asText());
    assertFalse(m.has("graph"), "the compact message carries no full graph");
    return CompactGraphFormat.read(m.get("compact"), json);
  }

  @Test
  void aLiveGraphReadsBackAsTheSameGraph() throws Exception {
    Graph g = liveGraph();
    assertTrue(g.edges().stream().anyMatch(e -> e.calls().total() == 0), "a quiet edge");
    assertTrue(g.nodes().stream().anyMatch(n -> n.kind().equals(Graph.INTERNET)));
    assertEquals(g, roundTrip(g));
    // and as the same JSON, to the byte, once written as the API writes graphs
    assertEquals(json.writeValueAsString(g), json.writeValueAsString(roundTrip(g)));
  }

  @Test
  void everyFieldReadsBack() throws Exception {
    Graph g = handMade();
    Graph back = roundTrip(g);
    assertEquals(g, back);
    assertEquals("api.stripe.com", back.edges().get(0).server(), "an end that is no node");
    assertEquals(0.1, back.edges().get(1).calls().rate(), "a rate that is not total / seconds");
  }

  @Test
  void ratesCostNoBytesWhereTheyFollowFromTheCounts() throws Exception {
    JsonNode c = json.readTree(CompactGraphFormat.message("update", handMade(), json))
        .get("compact");
    assertEquals(8, c.get("edges").get(0).get(5).size(), "1.75 = 105 / 60: no rate written");
    assertEquals(9, c.get("edges").get(1).get(5).size(), "0.1 is not 1 / 60: written");
    assertEquals(0, c.get("edges").get(0).get(0).asInt(), "the client by its index");
    assertEquals("api.stripe.com", c.get("edges").get(0).get(1).asText());
    assertEquals(3000, c.get("edges").get(0).get(4).asLong(), "last seen 3 ms before to");
  }

  @Test
  void aThousandEdgesTakeAFractionOfTheGraphsBytes() throws Exception {
    Clock clock = Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC);
    GraphAggregator g = new GraphAggregator(clock, GraphAggregator.Settings.DEFAULT, null);
    Random r = new Random(1);
    for (int i = 0; i < 1000; i++) {
      int a = r.nextInt(300);
      int b = (a + 1 + r.nextInt(299)) % 300;
      for (int k = 0; k < 2; k++) {
        g.add(tx("svc-" + a, "svc-" + b, Protocol.HTTP, Outcome.OK, 200 + r.nextInt(20_000),
            T0.plusMillis(r.nextInt(59_000))));
      }
    }
    Graph graph = g.graph(Duration.ofSeconds(60));
    int full = json.writeValueAsString(java.util.Map.of("type", "update", "graph", graph)).length();
    int compact = CompactGraphFormat.message("update", graph, json).length();
    assertTrue(compact * 3 < full, "compact " + compact + " vs full " + full + " characters");
    assertEquals(graph, roundTrip(graph));
  }

  @Test
  void whatIsNoCompactGraphIsRefusedWithAReason() {
    JsonNode other = json.createObjectNode().put("version", 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CompactGraphFormat.read(other, json));
    assertTrue(e.getMessage().contains("version 1"), e.getMessage());
  }

  /**
   * The web UI's decoder test reads these two files: the same graph as the API writes it and as the
   * stream's compact message. They must be what the encoder writes today; run with
   * {@code -Dintuition.fixtures.write=true} to rewrite them after a change of the format.
   */
  @Test
  void theWebUisFixturesAreWhatTheEncoderWrites() throws Exception {
    Path dir = Path.of("../../web-ui/test/fixtures");
    Graph g = liveGraph().withNotices(handMade().notices());
    String full = json.writerWithDefaultPrettyPrinter().writeValueAsString(g) + "\n";
    String compact = CompactGraphFormat.message("update", g, json) + "\n";
    Path fullFile = dir.resolve("stream-graph.json");
    Path compactFile = dir.resolve("stream-compact.json");
    if (Boolean.getBoolean("intuition.fixtures.write")) {
      Files.createDirectories(dir);
      Files.writeString(fullFile, full, StandardCharsets.UTF_8);
      Files.writeString(compactFile, compact, StandardCharsets.UTF_8);
    }
    String hint = " differs from what the encoder writes; rewrite it with "
        + "-Dintuition.fixtures.write=true and check the web UI's tests";
    assertEquals(full, Files.readString(fullFile, StandardCharsets.UTF_8), fullFile + hint);
    assertEquals(compact, Files.readString(compactFile, StandardCharsets.UTF_8),
        compactFile + hint);
  }
}
