package dev.intuition.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.core.Json;
import dev.intuition.core.graph.CompactGraphFormat;
import dev.intuition.core.graph.Graph;
import dev.intuition.core.graph.GraphAggregator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A real WebSocket client on a random port: a snapshot first, then an update about every second, and
 * the updates show a call that arrived after the snapshot; and the same in the compact format.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "intuition.token=t", "intuition.stream.interval=300ms"})
class GraphStreamTest {
  @LocalServerPort int port;
  @Autowired GraphAggregator aggregator;

  @Test
  void snapshotThenUpdates() throws Exception {
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    WebSocket ws = connect("/ws/graph", messages);
    ObjectMapper json = new ObjectMapper();
    JsonNode snapshot = json.readTree(messages.poll(10, TimeUnit.SECONDS));
    assertEquals("snapshot", snapshot.get("type").asText());
    assertTrue(snapshot.get("graph").has("edges"));

    Instant now = Instant.now();
    aggregator.add(new Transaction(Protocol.REDIS, new Endpoint("10.0.0.1", 1),
        new Endpoint("10.0.0.2", 6379), now.minusMillis(1), now, 1000L, "GET", "k", "GET k", "OK",
        Outcome.OK, 10, 10, null, null, null, null, List.of(), "web-1", "cache-1", "web", "cache",
        "server"));
    JsonNode update = null;
    JsonNode edge = null; // the test's own edge (the context, and its graph, are shared)
    for (int i = 0; i < 20 && edge == null; i++) {
      update = json.readTree(messages.poll(5, TimeUnit.SECONDS));
      assertEquals("update", update.get("type").asText());
      for (JsonNode e : update.get("graph").get("edges")) {
        edge = e.get("client").asText().equals("web") ? e : edge;
      }
    }
    assertEquals("web", edge.get("client").asText());
    assertEquals("cache", edge.get("server").asText());
    assertEquals("redis", edge.get("protocol").asText());
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
  }

  /** What the web UI asks for: the same graph in rows, read back by the format's own reader. */
  @Test
  void compactSnapshotThenUpdates() throws Exception {
    Instant now = Instant.now();
    aggregator.add(new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 1),
        new Endpoint("10.0.0.2", 80), now.minusMillis(2), now, 2000L, "GET", "/", "GET /", "500",
        Outcome.ERROR, 10, 10, null, null, null, null, List.of(), "shop-1", "pay-1", "shop",
        "pay", "server"));
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    WebSocket ws = connect("/ws/graph?format=compact", messages);
    ObjectMapper json = Json.mapper();
    JsonNode snapshot = json.readTree(messages.poll(10, TimeUnit.SECONDS));
    assertEquals("snapshot", snapshot.get("type").asText());
    assertTrue(!snapshot.has("graph") && snapshot.has("compact"), snapshot.toString());
    JsonNode update = json.readTree(messages.poll(10, TimeUnit.SECONDS));
    assertEquals("update", update.get("type").asText());
    Graph g = CompactGraphFormat.read(update.get("compact"), json);
    Graph.Edge edge = g.edges().stream().filter(e -> e.client().equals("shop")).findFirst()
        .orElseThrow();
    assertEquals("pay", edge.server());
    assertEquals(1, edge.calls().error());
    assertEquals(1 / 60.0, edge.calls().rate(), 1e-12);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
  }

  private WebSocket connect(String path, BlockingQueue<String> messages) throws Exception {
    return HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + path), new WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              messages.add(partial.toString());
              partial.setLength(0);
            }
            w.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
  }
}
