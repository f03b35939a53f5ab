package dev.intuition.agent.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.wire.AgentIdentity;
import dev.intuition.wire.Health;
import dev.intuition.wire.Inventory;
import dev.intuition.wire.ShippingHealth;
import dev.intuition.wire.Wire;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's side of the wire format and its behaviour when the server is away or refuses: in
 * version 1 (every call, which the retry, queue and refusal cases use because they count calls one
 * by one) and in version 2 (summaries and samples). The server
 * here is a stand-in that records what it receives: the topology server's ingest endpoint is built in
 * its own issue, whose end-to-end test replaces this stand-in with the real thing.
 */
class ShipperTest {
  private HttpServer server;
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private final List<String> headers = new CopyOnWriteArrayList<>();
  private final List<Long> attempts = new CopyOnWriteArrayList<>();
  private final List<String> sentAt = new CopyOnWriteArrayList<>();
  private volatile int status = 202;
  private volatile String retryAfter;
  /** The body of a 202, if any. */
  private volatile String answerBody;
  /** Answers with {@code status} this many times, then 202. */
  private volatile int failTimes = Integer.MAX_VALUE;

  static Transaction tx(int i) {
    return new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 40000 + i % 1000),
        new Endpoint("10.0.0.2", 80), Instant.EPOCH, Instant.EPOCH.plusMillis(2), 2000L, "GET",
        "/" + i, "GET /" + i, "200", Outcome.OK, 100, 200, null, null, null, null, List.of(),
        null, null, "web", "api", "server");
  }

  private int startServer(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(Wire.PATH, exchange -> {
      attempts.add(System.nanoTime());
      sentAt.add(exchange.getRequestHeaders().getFirst(Wire.SENT_AT_HEADER));
      headers.add(exchange.getRequestHeaders().getFirst("Authorization") + " "
          + exchange.getRequestHeaders().getFirst("Content-Encoding") + " "
          + exchange.getRequestHeaders().getFirst("X-Intuition-Wire-Version"));
      byte[] raw = exchange.getRequestBody().readAllBytes();
      int answer = attempts.size() <= failTimes ? status : 202;
      if (answer / 100 == 2) {
        bodies.add(new ObjectMapper().readTree(new GZIPInputStream(
            new java.io.ByteArrayInputStream(raw))));
      }
      if (retryAfter != null && answer != 202) {
        exchange.getResponseHeaders().add("Retry-After", retryAfter);
      }
      if (answer == 202 && answerBody != null) {
        byte[] body = answerBody.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer, body.length);
        exchange.getResponseBody().write(body);
      } else {
        exchange.sendResponseHeaders(answer, -1);
      }
      exchange.close();
    });
    server.start();
    return server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static boolean waitFor(BooleanSupplier c) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  private Shipper shipper(int port, int queue) {
    return new Shipper(new Shipper.Settings(URI.create("http://127.0.0.1:" + port), "s3cret",
        queue, 500, Duration.ofMillis(100), Duration.ofSeconds(5)).withWireVersion(1),
        new AgentIdentity("host-1", "node-a", "test"),
        () -> new Shipper.Metadata(Inventory.EMPTY, new Health(List.of(), null, null))).start();
  }

  @Test
  void deliversEverythingInGzipBatchesWithTokenVersionAndMetadata() throws Exception {
    int port = startServer(0);
    try (Shipper s = shipper(port, 100_000)) {
      for (int i = 0; i < 5000; i++) {
        s.offer(tx(i));
      }
      assertTrue(waitFor(() -> s.counters().sent() == 5000), s.counters()::toString);
    }
    assertEquals(5000, bodies.stream().mapToInt(b -> b.get("transactions").size()).sum());
    assertTrue(bodies.size() >= 10, "batches of at most 500: " + bodies.size());
    assertTrue(headers.stream().allMatch(h -> h.equals("Bearer s3cret gzip 1")), headers::toString);
    JsonNode first = bodies.get(0);
    assertEquals(1, first.get("version").asInt());
    assertEquals("node-a", first.get("agent").get("host").asText());
    assertTrue(first.has("inventory") && first.has("health"), first::toString);
    JsonNode t = first.get("transactions").get(0);
    assertEquals("web", t.get("clientService").asText());
    assertEquals("server", t.get("observedAt").asText());
    long[] sequences = bodies.stream().mapToLong(b -> b.get("sequence").asLong()).toArray();
    for (int i = 1; i < sequences.length; i++) {
      assertEquals(sequences[i - 1] + 1, sequences[i]);
    }
  }

  @Test
  void serverAway_batchIsRetriedAndDeliveredWhenItComesBack() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (Shipper s = shipper(port, 100_000)) {
      for (int i = 0; i < 300; i++) {
        s.offer(tx(i));
      }
      assertTrue(waitFor(() -> s.counters().failedAttempts() >= 2), s.counters()::toString);
      assertTrue(s.counters().lastError().startsWith("cannot reach"), s.counters().lastError());
      startServer(port);
      assertTrue(waitFor(() -> s.counters().sent() == 300), s.counters()::toString);
      assertEquals(0, s.counters().dropped());
    }
    assertEquals(300, bodies.stream().mapToInt(b -> b.get("transactions").size()).sum());
  }

  @Test
  void boundedQueue_dropsWhatDoesNotFitAndCountsIt() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (Shipper s = shipper(port, 50)) {
      assertTrue(waitFor(() -> s.counters().failedAttempts() >= 1)); // a metadata batch in hand
      for (int i = 0; i < 1000; i++) {
        s.offer(tx(i));
      }
      ShippingHealth c = s.counters();
      assertEquals(50, c.queued());
      assertEquals(950, c.dropped());
      startServer(port);
      assertTrue(waitFor(() -> s.counters().sent() == 50), s.counters()::toString);
    }
  }

  @Test
  void refusedBatches_areDroppedAndSaySo() throws Exception {
    status = 401;
    int port = startServer(0);
    try (Shipper s = shipper(port, 1000)) {
      for (int i = 0; i < 20; i++) {
        s.offer(tx(i));
      }
      assertTrue(waitFor(() -> s.counters().dropped() == 20), s.counters()::toString);
      assertTrue(s.counters().lastError().contains("401"), s.counters().lastError());
    }
  }

  @Test
  void aBatchTheServerRefusesIsNeverSentAgain() throws Exception {
    for (int refusal : new int[] {400, 413, 422}) {
      status = refusal;
      attempts.clear();
      int port = startServer(0);
      try (Shipper s = shipper(port, 1000)) {
        s.offer(tx(1));
        assertTrue(waitFor(() -> s.counters().dropped() == 1), s.counters()::toString);
        Thread.sleep(1500); // a retry would come within the first backoff (0.25-0.5 s)
        assertEquals(1, s.counters().refusedBatches());
      }
      long withTheTransaction = bodies.size(); // none delivered
      assertEquals(0, withTheTransaction);
      assertTrue(attempts.size() <= 2, "the metadata batch and the refused one at most: "
          + attempts.size());
      stop();
    }
  }

  @Test
  void aBusyServerIsAskedAgainNoSoonerThanItsRetryAfter() throws Exception {
    status = 503;
    retryAfter = "2";
    failTimes = 1;
    int port = startServer(0);
    try (Shipper s = shipper(port, 1000)) {
      s.offer(tx(1));
      assertTrue(waitFor(() -> s.counters().sent() >= 1), s.counters()::toString);
    }
    assertTrue(attempts.size() >= 2);
    long waited = attempts.get(1) - attempts.get(0);
    assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(1990), "waited " + waited / 1_000_000
        + " ms for Retry-After: 2");
  }

  @Test
  void aBatchSentAgainKeepsItsRunAndSequenceAndSaysWhenEachAttemptWasSent() throws Exception {
    status = 502;
    failTimes = 2;
    int port = startServer(0);
    try (Shipper s = new Shipper(new Shipper.Settings(URI.create("http://127.0.0.1:" + port),
        "s3cret", 100, 500, Duration.ofMillis(100), Duration.ofHours(1)).withWireVersion(1),
        new AgentIdentity("host-1", null, null), null).start()) {
      s.offer(tx(1));
      assertTrue(waitFor(() -> s.counters().sent() == 1), s.counters()::toString);
      s.offer(tx(2));
      assertTrue(waitFor(() -> s.counters().sent() == 2), s.counters()::toString);
    }
    assertEquals(3, attempts.size() - 1, "two failures, then the batch, then the next");
    assertEquals(2, bodies.size());
    JsonNode first = bodies.get(0);
    JsonNode second = bodies.get(1);
    assertEquals(first.get("run").asText(), second.get("run").asText());
    assertEquals(first.get("sequence").asLong() + 1, second.get("sequence").asLong());
    assertTrue(sentAt.stream().allMatch(v -> v != null && Instant.parse(v) != null), sentAt
        .toString());
    assertTrue(Instant.parse(sentAt.get(2)).isAfter(Instant.parse(sentAt.get(0))),
        "each attempt stamped anew");
  }

  @Test
  void whatTheServerKeptOutIsCounted() throws Exception {
    status = 202;
    answerBody = "{\"accepted\":10,\"counted\":5,\"duplicates\":0,\"future\":2,"
        + "\"expired\":3,\"late\":0,\"someday\":{\"a\":[1]}}";
    int port = startServer(0);
    try (Shipper s = shipper(port, 100)) {
      s.offer(tx(1));
      assertTrue(waitFor(() -> s.counters().sent() == 1), s.counters()::toString);
      assertTrue(waitFor(() -> s.counters().serverExpired() >= 3), s.counters()::toString);
      assertEquals(0, s.counters().serverExpired() % 3, "3 per batch");
      assertEquals(s.counters().serverExpired() / 3 * 2, s.counters().serverFuture());
    }
  }

  private Shipper summarizing(int port) {
    return new Shipper(new Shipper.Settings(URI.create("http://127.0.0.1:" + port), "s3cret",
        100, 500, Duration.ofMillis(100), Duration.ofSeconds(5)),
        new AgentIdentity("host-1", "node-a", "test"),
        () -> new Shipper.Metadata(Inventory.EMPTY, new Health(List.of(), null, null))).start();
  }

  @Test
  void versionTwoSendsSummariesAndWeightedSamplesThatStandForEveryCall() throws Exception {
    int port = startServer(0);
    try (Shipper s = summarizing(port)) {
      assertEquals(2, s.wireVersion());
      for (int i = 0; i < 5000; i++) {
        s.offer(tx(i));
      }
      assertTrue(waitFor(() -> s.counters().sent() == 5000), s.counters()::toString);
    }
    assertTrue(headers.stream().allMatch(h -> h.equals("Bearer s3cret gzip 2")), headers::toString);
    long calls = 0;
    long endpointCalls = 0;
    double weights = 0;
    int summaries = 0;
    for (JsonNode b : bodies) {
      assertEquals(2, b.get("version").asInt());
      assertTrue(!b.has("transactions"), "no call goes out one by one");
      for (JsonNode x : b.get("summaries")) {
        calls += x.get("ok").asLong() + x.get("warning").asLong() + x.get("error").asLong();
        assertTrue(x.get("endpoint") == null || x.get("endpoint").isNull(), x::toString);
        assertEquals(0, x.get("interval").asLong(), "the calls' second: they ended at the epoch");
        assertEquals(1, x.get("seconds").asInt());
        summaries++;
      }
      for (JsonNode x : b.path("endpoints")) {
        endpointCalls += x.get("ok").asLong() + x.get("warning").asLong()
            + x.get("error").asLong();
        assertEquals("GET /{id}", x.get("endpoint").asText());
        assertEquals(0, x.get("interval").asLong(), "the 10 seconds from the epoch");
        assertEquals(10, x.get("seconds").asInt());
      }
      for (JsonNode x : b.get("samples")) {
        weights += x.get("weight").asDouble();
        assertEquals("api", x.get("transaction").get("serverService").asText());
      }
    }
    assertEquals(5000, calls);
    assertEquals(5000, endpointCalls, "the same calls again, per endpoint");
    assertTrue(summaries >= 1 && summaries <= 20, "one second, one key, in as many summaries as"
        + " drains fell among the offers: " + summaries);
    assertEquals(5000, weights, 1e-6, "the samples' weights add up to the calls");
  }

  @Test
  void aServerThatSpeaksOnlyVersionOneGetsVersionOneFromThenOn() throws Exception {
    int port = startServer(0);
    status = 426;
    failTimes = 1;
    try (Shipper s = summarizing(port)) {
      assertTrue(waitFor(() -> s.wireVersion() == 1), s.counters()::toString);
      assertTrue(s.counters().lastError().contains("426"), s.counters().lastError());
      s.offer(tx(1));
      s.offer(tx(2));
      assertTrue(waitFor(() -> s.counters().sent() == 2), s.counters()::toString);
    }
    JsonNode last = bodies.get(bodies.size() - 1);
    assertEquals(1, last.get("version").asInt());
    assertEquals(2, bodies.stream().filter(b -> b.has("transactions"))
        .mapToInt(b -> b.get("transactions").size()).sum());
  }

  @Test
  void theNamesAndTheSampleShareInTheServersAnswerAreLearnt() throws Exception {
    int port = startServer(0);
    answerBody = "{\"accepted\":1,\"samplesPerSecond\":2.5,\"names\":[{\"ip\":\"10.0.0.1\","
        + "\"service\":\"web\",\"container\":\"web.7\",\"monitored\":true}]}";
    try (Shipper s = summarizing(port)) {
      s.offer(tx(1));
      assertTrue(waitFor(() -> s.summarizer().names().get("10.0.0.1") != null),
          s.counters()::toString);
      assertEquals("web.7", s.summarizer().names().get("10.0.0.1").container());
      assertEquals(2.5, s.summarizer().shareOfCluster(), "the share of the sample budget");
    }
  }
}
