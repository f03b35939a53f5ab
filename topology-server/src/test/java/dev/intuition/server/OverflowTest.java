package dev.intuition.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.core.GraphService;
import dev.intuition.server.ingest.IngestController;
import dev.intuition.core.graph.Notice;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A flood of names (100,000 distinct services in a few batches: a scan, or a bug that puts request
 * ids in service names) stays within the limits: the graph keeps {@code max-services} names and
 * counts the rest under (other), says so in a notice and in {@code overflow}, stays small, the
 * Prometheus series stay capped at both ends, the notices of other kinds are not pushed out, and the
 * heap grows by no more than the documented bound (here the store is limited to 32 MB).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "intuition.token=flood", "intuition.graph.tick=false",
    "intuition.storage.memory.max-bytes=32MB", "intuition.notices.warm-up=0s"})
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability
class OverflowTest {
  static final int SERVICES = 100_000;
  @LocalServerPort int port;
  @Autowired IngestController ingest;
  @Autowired GraphService graphs;
  @Autowired MeterRegistry registry;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  void send(int from, int to, Instant at) throws Exception {
    StringBuilder b = new StringBuilder("{\"version\":1,\"agent\":{\"id\":\"flood\"},"
        + "\"transactions\":[");
    for (int i = from; i < to; i++) {
      b.append(i == from ? "" : ",").append("{\"protocol\":\"http\",\"client\":{\"ip\":\"10.3.0.1\","
          + "\"port\":1},\"server\":{\"ip\":\"10.3.0.2\",\"port\":80},\"start\":\"")
          .append(at.minusMillis(2)).append("\",\"end\":\"").append(at).append("\",")
          .append("\"durationMicros\":2000,\"method\":\"GET\",\"resource\":\"/\",\"status\":")
          .append("\"200\",\"outcome\":\"ok\",\"requestBytes\":1,\"responseBytes\":1,")
          .append("\"clientService\":\"caller-").append(i).append("\",\"serverService\":")
          .append("\"service-").append(i).append("\",\"serverContainer\":\"service-")
          .append(i).append(".1\"}");
    }
    b.append("]}");
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + port + "/api/v1/ingest")).header("Authorization", "Bearer flood")
        .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(
            gz.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), r.body());
  }

  @Test
  void aHundredThousandServicesStayWithinTheLimits() throws Exception {
    long before = usedHeap();
    Instant now = Instant.now();
    for (int from = 0; from < SERVICES; from += 10_000) {
      send(from, from + 10_000, now.minusMillis(100));
    }
    assertEquals(SERVICES, ingest.ingester().transactions(), "every call is counted");
    graphs.checkNotices();
    graphs.tick();
    long t0 = System.nanoTime();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + port + "/api/v1/graph")).build(),
        HttpResponse.BodyHandlers.ofString());
    long millis = (System.nanoTime() - t0) / 1_000_000;
    JsonNode graph = json.readTree(response.body());
    System.out.printf("overflowed graph: %d nodes, %d edges, %d KB, answered in %d ms%n",
        graph.get("nodes").size(), graph.get("edges").size(), response.body().length() / 1024,
        millis);

    GraphAggregator.Settings limits = GraphAggregator.Settings.DEFAULT;
    assertTrue(graph.get("nodes").size() <= limits.maxServices() + 2, "services and (other)");
    assertTrue(graph.get("edges").size() <= limits.maxEdges() + 5);
    long total = 0;
    long underOther = 0;
    for (JsonNode e : graph.get("edges")) {
      long calls = e.get("calls").get("ok").asLong();
      total += calls;
      if (e.get("server").asText().equals(GraphAggregator.OTHER)) {
        underOther += calls;
      }
    }
    assertEquals(SERVICES, total, "no call lost: the rest is under (other)");
    assertTrue(underOther >= SERVICES - limits.maxServices(), "under (other): " + underOther);
    JsonNode overflow = graph.get("overflow");
    assertTrue(overflow != null && overflow.get("services").asLong() > 0, graph.toString()
        .substring(0, 200));
    assertTrue(graphs.notices().current().stream().anyMatch(n -> n.type().equals("limit")
        && n.active() && n.title().contains("max-services")));
    assertTrue(response.body().length() < 3_000_000, "small: " + response.body().length());

    // New-edge notices are few, and cannot push out the other kinds.
    long newEdgeNotices = graphs.notices().list(null, false, 1000).stream()
        .filter(n -> n.type().equals("new-edge")).count();
    assertTrue(newEdgeNotices <= 21, "new-edge notices: " + newEdgeNotices);
    for (int i = 0; i < 50; i++) {
      graphs.checkNotices(); // checks over and over: notices of each type stay bounded
    }
    assertTrue(graphs.notices().list(null, false, 1000).stream().anyMatch(
        (Notice n) -> n.type().equals("limit")));

    // Prometheus: capped at both ends.
    long series = registry.find("intuition.edge.requests").counters().size();
    assertTrue(series <= 3L * 2000 + 12, "edge series: " + series);
    assertTrue(registry.find("intuition.edge.requests").tag("client", GraphAggregator.OTHER)
        .tag("server", GraphAggregator.OTHER).counters().size() > 0);

    long grown = usedHeap() - before;
    System.out.printf("heap grown by %d MB after 100,000 services%n", grown >> 20);
    assertTrue(grown < 160L << 20, "heap grew by " + (grown >> 20) + " MB");
  }
}
