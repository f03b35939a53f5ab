package dev.intuition.server;

import dev.intuition.core.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.decoder.DecoderSettings;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.TrafficDecoder;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.pcap.CaptureReader;
import dev.intuition.core.graph.EndpointNames;
import dev.intuition.server.ingest.IngestController;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import dev.intuition.core.GraphService;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The server fed through its real ingest path by the agent's shipper, with the transactions of the
 * bundled demo capture (real nginx, Redis, PostgreSQL and MariaDB traffic): the graph has the edges,
 * the counts per outcome and the percentiles computed directly from the same transactions, and a
 * window in the past shows the earlier state. Bad requests get clear 4xx answers and lose nothing else.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "intuition.token=test-token", "intuition.ingest.max-request-bytes=2000000",
    "intuition.graph.live-window=1h", "intuition.graph.tick=false"})
class IngestEndToEndTest {
  static final List<Transaction> DEMO = new ArrayList<>();
  /** The server's clock, moved to the capture's time: the capture is replayed as it happened. */
  static final MutableClock CLOCK = new MutableClock(Instant.now());

  @TestConfiguration
  static class Clocks {
    @Bean
    @Primary
    Clock testClock() {
      return CLOCK;
    }
  }

  @Autowired GraphService graphs;
  @LocalServerPort int port;
  @Autowired IngestController ingest;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void decodeDemo() throws Exception {
    TrafficDecoder d = new TrafficDecoder(DecoderSettings.defaults(), DEMO::add);
    CaptureReader.read(Path.of("..", "demo", "demo.pcap"), d::packet);
    d.finish();
  }

  private static long nearestRank(List<Long> v, double p) {
    List<Long> s = v.stream().sorted().toList();
    return s.get(Math.max(0, (int) Math.ceil(p / 100 * s.size()) - 1));
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return json.readTree(r.body());
  }

  private HttpResponse<String> post(String token, String version, byte[] body, boolean gzip)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/api/v1/ingest")).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (version != null) {
      b.header("X-Intuition-Wire-Version", version);
    }
    if (gzip) {
      b.header("Content-Encoding", "gzip");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String batch(int version, int transactions) {
    Instant end = CLOCK.instant().minusSeconds(1);
    StringBuilder sb = new StringBuilder("{\"version\":" + version
        + ",\"agent\":{\"id\":\"t\"},\"transactions\":[");
    for (int i = 0; i < transactions; i++) {
      sb.append(i == 0 ? "" : ",").append("{\"protocol\":\"http\",\"client\":{\"ip\":\"10.1.1.1\","
          + "\"port\":1},\"server\":{\"ip\":\"10.1.1.2\",\"port\":80},\"start\":\""
          + end.minusNanos(500_000) + "\",\"end\":\"" + end + "\","
          + "\"durationMicros\":500,\"method\":\"GET\",\"status\":\"200\",\"outcome\":\"ok\","
          + "\"requestBytes\":1,\"responseBytes\":2,\"clientService\":\"probe\",\"serverService\":"
          + "\"target\"}");
    }
    return sb.append("]}").toString();
  }

  @Test
  void demoCaptureThroughTheIngestPath_graphMatchesTheTransactions() throws Exception {
    Instant first = DEMO.stream().map(t -> t.end() != null ? t.end() : t.start())
        .min(Comparator.naturalOrder()).orElseThrow();
    Instant last = DEMO.stream().map(t -> t.end() != null ? t.end() : t.start())
        .max(Comparator.naturalOrder()).orElseThrow();
    Instant to = last.plusSeconds(2);
    CLOCK.set(to); // the agent's clock and the server's: the capture happens now
    assertEquals(DEMO.size(), ShipThroughAgent.ship(port, "test-token", DEMO, ingest, CLOCK));

    long seconds = Duration.between(first, to).toSeconds() + 2;
    JsonNode graph = get("/api/v1/graph?window=" + seconds + "s&at=" + to);

    Map<String, List<Transaction>> byEdge = DEMO.stream().collect(Collectors.groupingBy(t ->
        EndpointNames.client(t) + " -> " + EndpointNames.server(t) + " " + t.protocol().wireName()));
    assertEquals(byEdge.size(), graph.get("edges").size(), graph.toString());
    for (JsonNode e : graph.get("edges")) {
      String key = e.get("client").asText() + " -> " + e.get("server").asText() + " "
          + e.get("protocol").asText();
      List<Transaction> ts = byEdge.get(key);
      assertTrue(ts != null, key);
      JsonNode calls = e.get("calls");
      for (Outcome o : Outcome.values()) {
        assertEquals(ts.stream().filter(t -> t.outcome() == o).count(),
            calls.get(o.wireName()).asLong(), key + " " + o);
      }
      List<Long> d = ts.stream().filter(t -> t.durationMicros() != null)
          .map(Transaction::durationMicros).toList();
      for (int p : new int[] {50, 95, 99}) {
        long expected = nearestRank(d, p);
        long actual = calls.get("p" + p + "Micros").asLong();
        assertTrue(Math.abs(actual - expected) <= Math.max(1, expected / 100),
            key + " p" + p + ": " + expected + " vs " + actual);
      }
    }
    // Which route: each edge's endpoints add up to its calls within the endpoints' window.
    for (JsonNode e : graph.get("edges")) {
      String key = e.get("client").asText() + " -> " + e.get("server").asText() + " "
          + e.get("protocol").asText();
      JsonNode answer = get("/api/v1/endpoints?client=" + enc(e.get("client").asText())
          + "&server=" + enc(e.get("server").asText()) + "&protocol=" + e.get("protocol").asText()
          + "&window=" + seconds + "s&at=" + to + "&limit=500");
      Instant covered = Instant.parse(answer.get("coveredFrom").asText());
      List<Transaction> ts = byEdge.get(key).stream().filter(t -> !(t.end() != null ? t.end()
          : t.start()).isBefore(covered.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
          .toList();
      java.util.Set<String> names = ts.stream()
          .map(dev.intuition.decoder.endpoint.Endpoints::of).collect(Collectors.toSet());
      long calls = 0;
      for (JsonNode row : answer.get("endpoints")) {
        JsonNode c = row.get("calls");
        calls += c.get("ok").asLong() + c.get("warning").asLong() + c.get("error").asLong();
        assertTrue(names.contains(row.get("endpoint").asText())
            || row.get("endpoint").asText().equals("other"), key + ": " + row);
      }
      assertEquals(ts.size(), calls, key + ": " + answer);
    }
    assertTrue(graph.get("edges").toString().contains("\"error\":"), "errors on the right edges");
    long errorsInCapture = DEMO.stream().filter(t -> t.outcome() == Outcome.ERROR).count();
    long errorsInGraph = 0;
    for (JsonNode e : graph.get("edges")) {
      errorsInGraph += e.get("calls").get("error").asLong();
    }
    assertEquals(errorsInCapture, errorsInGraph);

    // Drill-down: the failing PostgreSQL calls, newest first, and the slow ones.
    JsonNode failing = get("/api/v1/transactions?server=10.77.0.2&protocol=postgresql&outcome=error"
        + "&limit=1000");
    long expectedFailing = DEMO.stream().filter(t -> t.protocol().wireName().equals("postgresql")
        && t.outcome() == Outcome.ERROR).count();
    assertEquals(expectedFailing, failing.get("count").asLong());
    JsonNode first0 = failing.get("transactions").get(0);
    assertEquals("postgresql", first0.get("protocol").asText());
    assertEquals("error", first0.get("outcome").asText());
    JsonNode slow = get("/api/v1/transactions?minDuration=200ms");
    assertTrue(slow.get("count").asLong() > 0);
    for (JsonNode t : slow.get("transactions")) {
      assertTrue(t.get("query").asText().contains("pg_sleep"), t.toString());
    }

    // Time travel: the first five seconds of the capture hold fewer calls than the whole.
    JsonNode early = get("/api/v1/graph?window=5s&at=" + first.plusSeconds(5));
    long earlyCalls = 0;
    for (JsonNode e : early.get("edges")) {
      JsonNode c = e.get("calls");
      earlyCalls += c.get("ok").asLong() + c.get("warning").asLong() + c.get("error").asLong();
    }
    long expectedEarly = DEMO.stream().map(t -> t.end() != null ? t.end() : t.start())
        .filter(i -> !i.isBefore(first.minusSeconds(1)) && i.isBefore(first.plusSeconds(5)))
        .count();
    assertTrue(earlyCalls > 0 && earlyCalls < DEMO.size(), "early " + earlyCalls);
    assertTrue(Math.abs(earlyCalls - expectedEarly) <= expectedEarly / 5 + 5,
        earlyCalls + " vs about " + expectedEarly);

    // Two hours later the capture is older than the 1-second and 10-second buckets: its minutes
    // come from the store, with the same counts and the same percentiles (histograms merge exactly).
    CLOCK.set(to.plus(Duration.ofHours(2)));
    graphs.tick(); // complete minutes go to the store
    JsonNode history = get("/api/v1/graph?window=" + (seconds + 120) + "s&at=" + to.plusSeconds(60));
    assertEquals(graph.get("edges").size(), history.get("edges").size(), history.toString());
    for (int i = 0; i < graph.get("edges").size(); i++) {
      JsonNode live = graph.get("edges").get(i).get("calls");
      JsonNode old = history.get("edges").get(i).get("calls");
      for (String f : new String[] {"ok", "warning", "error", "p50Micros", "p95Micros",
          "p99Micros", "requestBytes", "responseBytes"}) {
        assertEquals(live.get(f).asLong(), old.get(f).asLong(), f + " of edge " + i);
      }
    }
    CLOCK.set(Instant.now());
  }

  @Test
  void badRequestsGetClear4xxAndLoseNothingElse() throws Exception {
    long before = ingest.ingester().transactions();
    assertEquals(202, post("test-token", "1", batch(1, 3).getBytes(), false).statusCode());

    HttpResponse<String> noToken = post(null, "1", batch(1, 3).getBytes(), false);
    assertEquals(401, noToken.statusCode());
    assertTrue(json.readTree(noToken.body()).get("message").asText().contains("token"));
    assertEquals(401, post("wrong", "1", batch(1, 3).getBytes(), false).statusCode());
    HttpResponse<String> malformed = post("test-token", "1", "{\"version\":1,\"transactions\":[{"
        .getBytes(), false);
    assertEquals(400, malformed.statusCode());
    assertTrue(json.readTree(malformed.body()).get("message").asText().startsWith("malformed"));
    assertEquals(400, post("test-token", "1", ("{\"version\":1,\"transactions\":[{\"protocol\":"
        + "\"http\"}]}").getBytes(), false).statusCode());
    assertEquals(400, post("test-token", "1", "not json".getBytes(), false).statusCode());
    assertEquals(400, post("test-token", "1", "{}".getBytes(), true).statusCode(), "not gzip");
    assertEquals(426, post("test-token", "3", batch(1, 3).getBytes(), false).statusCode());
    assertEquals(426, post("test-token", null, batch(7, 3).getBytes(), false).statusCode());
    assertEquals(413, post("test-token", "1", new byte[3_000_000], false).statusCode());
    // A gzip bomb: small compressed, huge decompressed.
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
      byte[] spaces = new byte[1 << 20];
      java.util.Arrays.fill(spaces, (byte) ' ');
      for (int i = 0; i < 100; i++) {
        gz.write(spaces);
      }
    }
    assertEquals(413, post("test-token", "1", bomb.toByteArray(), true).statusCode());

    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(gzipped)) {
      gz.write(batch(1, 4).getBytes());
    }
    assertEquals(202, post("test-token", "1", gzipped.toByteArray(), true).statusCode());
    assertEquals(7, ingest.ingester().transactions() - before, "the 3 before and the 4 after, nothing else");
    JsonNode error = json.readTree(http.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + port + "/api/v1/graph?window=forever")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    assertEquals(400, error.get("status").asInt());
    for (String bad : new String[] {"outcome=fine", "protocol=smtp", "limit=0", "from=yesterday",
        "minDuration=soon"}) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + port + "/api/v1/transactions?" + bad)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(400, r.statusCode(), bad);
      assertTrue(json.readTree(r.body()).get("message").asText().length() > 10, r.body());
    }
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
