package dev.intuition.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import dev.intuition.wire.stats.CallStats;

/** Every record of the wire model, written by the codec and read back; what the reader forgives. */
class WireCodecTest {
  static final Instant T = Instant.parse("2026-11-30T12:00:00.123456Z");

  static Transaction full(int i) {
    return new Transaction(Protocol.values()[i % 4], new Endpoint("10.0.0." + i, 40000 + i),
        new Endpoint("fd00::" + i, 5432), T, T.plusMillis(i), (long) i * 1000, "GET",
        "/p\"a\\t\nh/\u00e9\u2028\uD83D\uDE00", "GET /x?q=1", "200", Outcome.values()[i % 3],
        i * 10L, i * 20L, (long) i, "host:" + i, "1.2.3.4", "a=b", List.of("one", "two\u0001"),
        "c" + i, "s" + i, "client-svc", "server-svc", "server");
  }

  static Transaction minimal() {
    return new Transaction(Protocol.REDIS, new Endpoint("10.0.0.1", 1), new Endpoint("10.0.0.2",
        6379), null, T, null, null, null, null, null, Outcome.WARNING, 0, 0, null, null, null,
        null, List.of(), null, null, null, null, null);
  }

  static Batch everything() {
    Map<String, String> addresses = new LinkedHashMap<>();
    addresses.put("shop_net", "10.0.1.5");
    addresses.put("ingress", "10.255.0.9");
    Inventory inventory = new Inventory(List.of(
        new Container("abc", "shop_web.1.x", "nginx:1", "shop_web", "shop_web.1", "shop",
            addresses, "shop_net", Map.of("com.docker.stack.namespace", "shop"), false),
        new Container("def", "gone", null, "gone", null, null, Map.of("bridge", "172.17.0.9"),
            null, Map.of(), true)),
        List.of(new SwarmService("s1", "shop_api", "shop", List.of("10.0.1.2/24"), "vip")));
    Map<String, Long> decoder = new LinkedHashMap<>();
    decoder.put("packets", 10L);
    decoder.put("gaps", 2L);
    Health health = new Health(List.of(new CaptureHealth("shop_web.1.x", 10, 1, 2, decoder, null),
        new CaptureHealth("broken", 0, 0, 0, Map.of(), "setns failed")),
        new ShippingHealth(1, 2, 3, 4, 5, "cannot reach", 6, 7, 8, 9,
            Map.of("noisy.1", 120L)), "docker away");
    return new Batch(Wire.VERSION, new AgentIdentity("machine-1", "node-a", "0.1.0"),
        "3f1c-run", 42, T, List.of(full(1), full(2), minimal()), inventory, health,
        List.of(summary(), new Summary(1764504000, 10, Protocol.REDIS, null,
            null, new Summary.Side("10.0.0.9", null, null), null, null, new CallStats(), 0, 0)),
        List.of(new Sample(full(3), 40.5), new Sample(minimal(), 1)));
  }

  static Summary summary() {
    CallStats stats = new CallStats();
    for (int i = 0; i < 50; i++) {
      stats.add(full(i % 3));
    }
    return new Summary(1764504000, 1, Protocol.HTTP, "server",
        new Summary.Side("10.0.1.4", "shop_web.1.x", "shop_web"),
        new Summary.Side("10.0.1.5", "shop_api.1.y", "shop_api"), "api.shop:8080",
        "GET /orders/{id}", stats, 3, 1);
  }

  @Test
  void versionOneStaysReadableAndVersionTwoCarriesSummaries() throws IOException {
    Batch v1 = new Batch(1, null, "r", 1, T, List.of(full(1)), null, null);
    byte[] bytes = WireCodec.toBytes(v1);
    assertEquals(v1, WireCodec.readBatch(new ByteArrayInputStream(bytes)));
    assertFalse(new String(bytes, StandardCharsets.UTF_8).contains("summaries"));
    Batch v2 = new Batch(2, null, "r", 1, T, List.of(), null, null, List.of(summary()), List.of());
    String json = new String(WireCodec.toBytes(v2), StandardCharsets.UTF_8);
    assertFalse(json.contains("\"transactions\""), json);
    Batch back = read(json);
    assertEquals(v2, back);
    assertEquals(50, back.summaries().get(0).stats().count());
    assertEquals(summary().stats().percentile(99), back.summaries().get(0).stats().percentile(99));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"version\":3,\"summaries\":[]}",
      "{\"version\":1,\"transactions\":[],\"summaries\":[]}",
      "{\"version\":2,\"summaries\":{}}",
      "{\"version\":2,\"summaries\":[{\"protocol\":\"http\",\"server\":{\"ip\":\"1.1.1.1\"}}]}",
      "{\"version\":2,\"summaries\":[{\"interval\":1,\"server\":{\"ip\":\"1.1.1.1\"}}]}",
      "{\"version\":2,\"summaries\":[{\"interval\":1,\"protocol\":\"http\"}]}",
      "{\"version\":2,\"summaries\":[{\"interval\":1,\"protocol\":\"http\",\"server\":{\"ip\":\"1.1.1.1\"},\"ok\":-1}]}",
      "{\"version\":2,\"summaries\":[{\"interval\":1,\"protocol\":\"http\",\"server\":{\"ip\":\"1.1.1.1\"},\"seconds\":0}]}",
      "{\"version\":2,\"summaries\":[{\"interval\":1,\"protocol\":\"http\",\"server\":{\"ip\":\"1.1.1.1\"},\"ok\":1,\"latency\":\"!!\"}]}",
      "{\"version\":2,\"summaries\":[{\"interval\":1,\"protocol\":\"http\",\"server\":{\"ip\":\"1.1.1.1\"},\"ok\":1,\"latency\":\"/////w==\"}]}",
      "{\"version\":2,\"summaries\":[{\"interval\":1,\"protocol\":\"http\",\"server\":\"x\"}]}",
      "{\"version\":2,\"samples\":[{\"weight\":0.5,\"transaction\":{}}]}",
      "{\"version\":2,\"samples\":[{\"weight\":\"x\",\"transaction\":{}}]}",
      "{\"version\":2,\"samples\":[{\"weight\":2}]}",
      "{\"version\":2,\"samples\":[{\"weight\":2,\"transaction\":[]}]}",
  })
  void malformedSummariesAndSamplesAreRefusedWithAReason(String json) {
    IOException e = assertThrows(IOException.class, () -> read(json));
    assertFalse(e.getMessage() == null || e.getMessage().isBlank());
  }

  @Test
  void aHistogramClaimingMoreCallsThanTheSummaryIsRefused() {
    CallStats many = new CallStats();
    for (int i = 0; i < 10; i++) {
      many.recordMicros(100 + i);
    }
    String latency = java.util.Base64.getEncoder().encodeToString(many.encodedLatency());
    WireFormatException e = assertThrows(WireFormatException.class, () -> read(
        "{\"version\":2,\"summaries\":[{\"interval\":1,\"protocol\":\"http\","
        + "\"server\":{\"ip\":\"1.1.1.1\"},\"ok\":2,\"latency\":\"" + latency + "\"}]}"));
    assertTrue(e.getMessage().contains("more than"), e.getMessage());
  }

  static Batch read(String json) throws IOException {
    return WireCodec.readBatch(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void everyRecordSurvivesTheRoundTrip() throws IOException {
    Batch b = everything();
    Batch back = WireCodec.readBatch(new ByteArrayInputStream(WireCodec.toBytes(b)));
    assertEquals(b, back);
    Batch bare = new Batch(Wire.VERSION, null, null, 0, null, List.of(), null, null);
    assertEquals(bare, WireCodec.readBatch(new ByteArrayInputStream(WireCodec.toBytes(bare))));
  }

  @Test
  void theAnswerSurvivesTheRoundTrip() {
    IngestAnswer a = new IngestAnswer(1, 2, 3, 4, true, 5, 6, 7, 8, -86400.25);
    assertEquals(a, WireCodec.readAnswer(new String(WireCodec.toBytes(a),
        StandardCharsets.UTF_8)));
    IngestAnswer named = new IngestAnswer(1, 2, 3, 4, false, 5, 6, 7, 8, 0.5, List.of(
        new AddressName("10.0.1.5", "shop_api", "shop_api.1.x", true),
        new AddressName("10.0.1.2", "shop_api", null, false)));
    assertEquals(named, WireCodec.readAnswer(new String(WireCodec.toBytes(named),
        StandardCharsets.UTF_8)));
    IngestAnswer shared = new IngestAnswer(1, 2, 3, 4, false, 5, 6, 7, 8, 0.5, List.of(), 0.625);
    assertEquals(shared, WireCodec.readAnswer(new String(WireCodec.toBytes(shared),
        StandardCharsets.UTF_8)), "the agent's share of the sample budget");
    assertEquals(0, WireCodec.readAnswer("{\"samplesPerSecond\":-3}").samplesPerSecond(),
        "a share below zero is none");
    assertEquals(List.of(new AddressName("1.1.1.1", "a", null, false)), WireCodec.readAnswer(
        "{\"names\":[{\"ip\":\"1.1.1.1\",\"service\":\"a\"},{\"ip\":\"2.2.2.2\"},7]}")
        .names(), "a name without a service is no name");
    assertEquals(new IngestAnswer(0, 0, 0, 0, false, 0, 0, 0, 0, 0), WireCodec.readAnswer(null));
    assertEquals(3, WireCodec.readAnswer("{\"expired\":3,\"x\":{\"y\":[1,2]}").expired(),
        "what was read before the body broke off stands");
    assertEquals(0, WireCodec.readAnswer("<html>").expired());
  }

  @Test
  void instantsAreCutToMicroseconds() throws IOException {
    Instant nanos = Instant.parse("2026-11-30T12:00:00.123456789Z");
    Transaction t = new Transaction(Protocol.HTTP, new Endpoint("1.1.1.1", 1),
        new Endpoint("2.2.2.2", 2), nanos, nanos, 0L, null, null, null, null, Outcome.OK, 0, 0,
        null, null, null, null, List.of(), null, null, null, null, null);
    Batch back = WireCodec.readBatch(new ByteArrayInputStream(WireCodec.toBytes(new Batch(1, null,
        null, 0, nanos, List.of(t), null, null))));
    assertEquals(Instant.parse("2026-11-30T12:00:00.123456Z"), back.transactions().get(0).start());
    assertEquals(Instant.parse("2026-11-30T12:00:00.123456Z"), back.sentAt());
  }

  @Test
  void theReaderForgivesHarmlessDifferences() throws IOException {
    Batch b = read("""
        {"version":1,"agent":{"id":7,"run":"r-in-agent","extra":[1]},"sequence":null,
         "sentAt":"2026-11-30T13:00:00.5+01:00","future":{"x":1},
         "transactions":[{"protocol":"PGSQL","outcome":"Error","client":{"ip":"10.0.0.1",
           "port":"5000"},"server":{"ip":"10.0.0.2","port":5432.0},"start":1764504000,
           "end":1764504000.25,"durationMicros":"250000","status":23505,"notes":null,
           "requestBytes":1.9,"unknown":{"deep":[{"a":1}]}}],
         "inventory":{"containers":[{"id":"a","addresses":{"n":"10.0.0.2","bad":{}},
           "exited":"yes","labels":[]},7],"services":"none"},
         "health":{"captures":[{"name":"x","packets":"many","decoder":{"gaps":3}}],
           "shipping":[]}}
        """);
    assertEquals("7", b.agentId());
    assertEquals("r-in-agent", b.run());
    assertEquals(0, b.sequence());
    assertEquals(Instant.parse("2026-11-30T12:00:00.5Z"), b.sentAt());
    Transaction t = b.transactions().get(0);
    assertEquals(Protocol.POSTGRESQL, t.protocol());
    assertEquals(Outcome.ERROR, t.outcome());
    assertEquals(new Endpoint("10.0.0.1", 5000), t.client());
    assertEquals(5432, t.server().port());
    assertEquals(Instant.ofEpochSecond(1764504000), t.start());
    assertEquals(Instant.ofEpochSecond(1764504000, 250_000_000), t.end());
    assertEquals(250_000L, t.durationMicros());
    assertEquals("23505", t.status());
    assertEquals(List.of(), t.notes());
    assertEquals(1, t.requestBytes());
    assertEquals(Map.of("n", "10.0.0.2"), b.inventory().containers().get(0).addresses());
    assertEquals(1, b.inventory().containers().size());
    assertEquals(List.of(), b.inventory().services());
    assertEquals(0, b.health().captures().get(0).packets());
    assertEquals(Map.of("gaps", 3L), b.health().captures().get(0).decoder());
    assertNull(b.health().shipping());
  }

  @Test
  void whatCannotMeanAnythingIsRefusedWithAReason() {
    assertEquals("empty body: a batch is a JSON object",
        assertThrows(WireFormatException.class, () -> read("")).getMessage());
    assertTrue(assertThrows(WireFormatException.class, () -> read("[1]")).getMessage()
        .startsWith("a batch is a JSON object"));
    assertEquals("the batch has no 'version'", assertThrows(WireFormatException.class,
        () -> read("{\"transactions\":[]}")).getMessage());
    assertEquals("the batch has no 'transactions' array", assertThrows(
        WireFormatException.class, () -> read("{\"version\":1}")).getMessage());
    assertEquals("3", assertThrows(UnsupportedVersionException.class,
        () -> read("{\"version\":3,\"transactions\":[]}")).version());
    assertEquals("0", assertThrows(UnsupportedVersionException.class,
        () -> read("{\"version\":0,\"transactions\":[]}")).version());
    assertTrue(assertThrows(WireFormatException.class, () -> read(
        "{\"version\":1,\"transactions\":[]} {}")).getMessage().contains("after the batch"));
    String[][] cases = {
        {"{\"protocol\":\"kafka\"}", "transaction 0: 'protocol' unknown protocol 'kafka'"},
        {"{\"outcome\":\"fine\"}", "transaction 0: unknown outcome 'fine'"},
        {"{\"client\":\"10.0.0.1:80\"}", "transaction 0: 'client' must be an object"},
        {"{\"start\":\"yesterday\"}", "transaction 0: 'start' is not an ISO-8601 instant"},
        {"{\"start\":1e30}", "transaction 0: 'start' is out of range"},
        {"{\"durationMicros\":\"long\"}", "transaction 0: 'durationMicros' must be a number"},
        {"{\"requestBytes\":[]}", "transaction 0: 'requestBytes' must be a number, got an array"},
        {"{\"query\":{\"a\":1}}", "transaction 0: 'query' must be a text, got an object"},
        {"{\"notes\":\"one\"}", "transaction 0: 'notes' must be an array of texts"},
        {"{\"server\":{\"port\":1e300}}", "transaction 0: 'server.port' is out of range"},
        {"7", "transaction 0: a transaction is a JSON object"},
    };
    for (String[] c : cases) {
      String msg = assertThrows(WireFormatException.class, () -> read(
          "{\"version\":1,\"transactions\":[" + c[0] + "]}"), c[0]).getMessage();
      assertTrue(msg.startsWith("malformed batch: " + c[1]), msg);
    }
  }

  @Test
  void nestingIsBounded() {
    String deep = "[".repeat(10_000);
    assertThrows(JsonProcessingException.class, () -> read("{\"version\":1,\"x\":" + deep));
  }

  @Test
  void theFilterSeesEveryTransactionInOrderAndMayReplaceOrRefuse() throws IOException {
    List<Integer> seen = new ArrayList<>();
    Batch b = WireCodec.readBatch(new ByteArrayInputStream(WireCodec.toBytes(everything())),
        (i, t) -> {
          seen.add(i);
          return minimal();
        });
    assertEquals(List.of(0, 1, 2, 3, 4), seen, "the transactions, then the samples'");
    assertEquals(List.of(minimal(), minimal(), minimal()), b.transactions());
    assertEquals(List.of(new Sample(minimal(), 40.5), new Sample(minimal(), 1)), b.samples());
    assertEquals("no", assertThrows(WireFormatException.class, () -> WireCodec.readBatch(
        new ByteArrayInputStream(WireCodec.toBytes(everything())), (i, t) -> {
          throw new WireFormatException("no");
        })).getMessage());
  }

  /** Arbitrary bytes: a batch, or one of the codec's exceptions; never anything else. */
  @FuzzTest(maxDuration = "30s")
  void anyBytes(byte[] data) {
    try {
      WireCodec.readBatch(new ByteArrayInputStream(data));
    } catch (IOException e) {
      // WireFormatException or malformed JSON: the answer is a 400
    }
    WireCodec.readAnswer(new String(data, StandardCharsets.UTF_8));
  }
}
