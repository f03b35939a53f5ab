package dev.intuition.server;

import dev.intuition.core.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.server.storage.ElasticsearchTransactionStore;
import dev.intuition.core.storage.TransactionStore;
import dev.intuition.testsupport.es.TestElasticsearch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole server on a real Elasticsearch node that dies during ingest and comes back: ingest and the
 * live graph go on, reads answer 503, health turns DEGRADED, documents that do not fit the bounded
 * buffer are counted as lost and reported (health and Prometheus), and writing resumes by itself with
 * every buffered document written once.
 */
@Tag("elasticsearch")
@AutoConfigureObservability(tracing = false)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "intuition.token=outage-token", "intuition.storage.type=elasticsearch",
    "intuition.storage.elasticsearch.index-prefix=outage",
    "intuition.storage.elasticsearch.buffer-documents=150",
    "intuition.storage.elasticsearch.flush-interval=100ms",
    "intuition.storage.elasticsearch.max-backoff=500ms", "intuition.graph.tick=false",
    // The store's counters are what this test reads; by default health shows only the status.
    "management.endpoint.health.show-details=always"})
class ElasticsearchOutageTest {
  static TestElasticsearch es;
  @LocalServerPort int port;
  @Autowired TransactionStore store;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = Json.mapper();

  @DynamicPropertySource
  static void elasticsearch(DynamicPropertyRegistry registry) throws Exception {
    es = TestElasticsearch.start(Files.createTempDirectory("intuition-es-outage"));
    registry.add("intuition.storage.elasticsearch.url", es::url);
  }

  @AfterAll
  static void stop() throws Exception {
    if (es != null) {
      es.close();
    }
  }

  private List<Transaction> calls(int n, int first) {
    List<Transaction> out = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < n; i++) {
      out.add(new Transaction(Protocol.HTTP, new Endpoint("10.9.0.1", 30000 + i),
          new Endpoint("10.9.0.2", 80), now.minusMillis(2), now, 2000L, "GET",
          "/call/" + (first + i), null, "200", Outcome.OK, 100, 200, null, null, null, null,
          List.of(), "shop-1", "cart-1", "shop", "cart", "server"));
    }
    return out;
  }

  private final java.util.concurrent.atomic.AtomicLong sequence =
      new java.util.concurrent.atomic.AtomicLong();

  private int ingest(List<Transaction> batch) throws Exception {
    // Each batch a new one: the same sequence again would be a retry, applied once.
    byte[] body = json.writeValueAsBytes(Map.of("version", 1, "agent", Map.of("id", "outage"),
        "sequence", sequence.incrementAndGet(), "transactions", batch));
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/api/v1/ingest")).header("Authorization", "Bearer outage-token")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private long liveCalls() throws Exception {
    long calls = 0;
    for (JsonNode e : json.readTree(get("/api/v1/graph?window=5m").body()).get("edges")) {
      calls += e.get("calls").get("ok").asLong();
    }
    return calls;
  }

  private JsonNode health() throws Exception {
    HttpResponse<String> r = get("/actuator/health");
    assertEquals(200, r.statusCode(), "health answers 200 even when degraded: " + r.body());
    return json.readTree(r.body());
  }

  private JsonNode waitForHealth(Predicate<JsonNode> condition) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    JsonNode h = health();
    while (!condition.test(h) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      h = health();
    }
    return h;
  }

  @Test
  void anOutageIsSurvivedAndItsLossCounted() throws Exception {
    assertEquals(202, ingest(calls(100, 0)));
    store.flush();
    JsonNode before = json.readTree(get("/api/v1/transactions?limit=1000").body());
    assertEquals(100, before.get("count").asInt());

    es.kill();
    assertEquals(202, ingest(calls(100, 100)), "ingest goes on without Elasticsearch");
    assertEquals(202, ingest(calls(200, 200)));
    assertEquals(400, liveCalls(), "the live graph goes on");
    HttpResponse<String> read = get("/api/v1/transactions?limit=10");
    assertEquals(503, read.statusCode(), read.body());
    assertTrue(json.readTree(read.body()).get("message").asText().contains("Elasticsearch"));

    JsonNode degraded = waitForHealth(h -> h.path("components").path("store").path("status")
        .asText().equals("DEGRADED"));
    JsonNode details = degraded.path("components").path("store").path("details");
    assertEquals("DEGRADED", degraded.path("components").path("store").path("status").asText(),
        degraded.toString());
    long lost = details.get("lost").asLong();
    assertTrue(lost >= 50, "the buffer holds 150: at least 50 of the 300 are lost, " + details);
    String prometheus = get("/actuator/prometheus").body();
    assertTrue(prometheus.contains("intuition_store_lost " + (double) lost)
        || prometheus.contains("intuition_store_lost{} " + (double) lost), prometheus);
    assertTrue(prometheus.contains("intuition_edge_requests_total{client=\"shop\",outcome=\"ok\","
        + "protocol=\"http\",server=\"cart\"} 400.0"), "per-edge metrics");

    es.restart();
    JsonNode up = waitForHealth(h -> h.path("components").path("store").path("status").asText()
        .equals("UP") && h.path("components").path("store").path("details").path("pending")
        .asLong() == 0);
    assertEquals("UP", up.path("components").path("store").path("status").asText(), up.toString());
    assertEquals(202, ingest(calls(10, 400)), "writes resume");
    store.flush();
    var status = store.status();
    long enqueued = ((ElasticsearchTransactionStore) store).enqueued();
    assertEquals(410, enqueued);
    assertEquals(enqueued, status.written() + status.lost(), status.toString());
    assertEquals(lost, status.lost(), "nothing more was lost after the restart");
    JsonNode after = json.readTree(get("/api/v1/transactions?limit=1000").body());
    assertEquals(410 - lost, after.get("count").asLong(), "every buffered document written once");
  }
}
