package dev.intuition.server.ingest;

import dev.intuition.core.ingest.TransactionCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.intuition.agent.capture.NamespaceCapture;
import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.agent.inventory.Inventory;
import dev.intuition.agent.inventory.Placement;
import dev.intuition.agent.ship.Shipper;
import dev.intuition.decoder.DecoderStats;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.core.MutableClock;
import dev.intuition.core.inventory.AddressBook;
import dev.intuition.wire.AgentIdentity;
import dev.intuition.wire.Batch;
import dev.intuition.wire.Health;
import dev.intuition.wire.IngestAnswer;
import dev.intuition.wire.SwarmService;
import dev.intuition.wire.Wire;
import dev.intuition.wire.WireCodec;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import dev.intuition.wire.Sample;
import dev.intuition.wire.Summary;
import dev.intuition.wire.stats.CallStats;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The wire contract, end to end through the real code of both sides: the agent's inventory,
 * capture health, identity and transactions go out through the agent's {@link Shipper} (gzip,
 * headers and all) and the bytes it put on the wire are read by the server's {@link BatchReader},
 * field for field, and name services in the server's {@link AddressBook}. The reverse direction, the
 * server's answer, is read back by the agent's shipper into its counters. A field renamed on one side
 * only breaks the build or this test.
 */
class WireContractTest {
  static final Instant T = Instant.parse("2026-11-30T12:00:00.123456Z");

  record Posted(Map<String, String> headers, byte[] body) {}

  static Transaction call(int i) {
    return new Transaction(Protocol.values()[i % 4], new Endpoint("10.0.1." + i, 40000 + i),
        new Endpoint("10.0.1.7", 8080), T, T.plusMillis(3), 3000L, "POST", "/orders/" + i,
        "POST /orders/" + i + "?q=\u00e9\"\n", i % 3 == 0 ? "500" : "200",
        i % 3 == 0 ? Outcome.ERROR : Outcome.OK, 120, 4096, 1L, "shop", "203.0.113.9", "a=b",
        List.of("packet loss in response"), "shop_web.1.x", "shop_api.1.y", "shop_web",
        "shop_api", "server");
  }

  @ParameterizedTest(name = "wire version {0}")
  @ValueSource(ints = {1, 2})
  void whatTheAgentSendsTheServerReadsFieldForField(int version) throws Exception {
    // The agent's view of its host, in the agent's own types.
    ContainerInfo web = new ContainerInfo("c1", "shop_web.1.x", "nginx:1",
        Map.of("com.docker.stack.namespace", "shop"), 100, "/proc/100/ns/net",
        Map.of("shop_net", "10.0.1.5"), "shop_net", new Placement("shop_web", "shop_web.1", "shop"));
    ContainerInfo gone = new ContainerInfo("c2", "job.1.z", "busybox", Map.of(), 0, null,
        Map.of("shop_net", "10.0.1.9"), "shop_net", new Placement("job", null, "shop"));
    Inventory inventory = Inventory.of(List.of(web), List.of(new SwarmService("s1", "shop_api",
        "shop", List.of("10.0.1.2/24"), "vip")), List.of(gone));
    Map<DecoderStats.Counter, Long> counters = new EnumMap<>(DecoderStats.Counter.class);
    counters.put(DecoderStats.Counter.PACKETS, 1234L);
    counters.put(DecoderStats.Counter.GAPS, 2L);
    NamespaceCapture.Health capture = new NamespaceCapture.Health("shop_web.1.x", 1234, 5, 1,
        counters, null);
    AgentIdentity identity = new AgentIdentity("machine-1", "node-a", "0.1.0");

    List<Posted> posted = new CopyOnWriteArrayList<>();
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(Wire.PATH, exchange -> {
      Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
      posted.add(new Posted(headers, exchange.getRequestBody().readAllBytes()));
      byte[] answer = WireCodec.toBytes(new IngestAnswer(3, 3, 0, posted.size(), false, 2, 4, 0,
          0, 0.5));
      exchange.sendResponseHeaders(202, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    http.start();
    // In version 2 a second goes out once it is complete: the agent's clock is then past it.
    Instant agentNow = version == 1 ? T : T.plusSeconds(2);
    Clock agentClock = Clock.fixed(agentNow, ZoneOffset.UTC);
    java.util.concurrent.atomic.AtomicReference<Shipper> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    Shipper shipper = new Shipper(new Shipper.Settings(URI.create("http://127.0.0.1:"
        + http.getAddress().getPort()), "contract-token", 100, 100, Duration.ofMillis(50),
        Duration.ofHours(1)).withWireVersion(version), identity,
        () -> new Shipper.Metadata(inventory.toWire(),
            new Health(List.of(capture.toWire()), self.get().counters(), "docker away")),
        agentClock);
    self.set(shipper);
    try (Shipper s = shipper.start()) {
      for (int i = 1; i <= 3; i++) {
        s.offer(call(i));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (s.counters().sent() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      // The reverse direction: the server's answer, read by the agent.
      assertEquals(3, s.counters().sent());
      assertTrue(s.counters().serverExpired() >= 4 && s.counters().serverExpired() % 4 == 0,
          s.counters().toString());
      assertEquals(s.counters().serverExpired() / 2, s.counters().serverFuture());
    } finally {
      http.stop(0);
    }

    // The server reads every batch the agent put on the wire, as the ingest endpoint does.
    BatchReader reader = new BatchReader(new TransactionCheck(TransactionCheck.Limits.DEFAULT),
        1 << 20, 1 << 22);
    InFlightBytes inFlight = new InFlightBytes(1 << 24);
    // The shipper sends what its queue holds when it wakes: on a busy machine the three calls may
    // travel in more than one batch, in order.
    Batch withCalls = null;
    List<Transaction> received = new ArrayList<>();
    List<Summary> summaries = new ArrayList<>();
    List<Summary> endpoints = new ArrayList<>();
    for (Posted p : posted) {
      assertEquals("Bearer contract-token", p.headers().get(Wire.AUTHORIZATION_HEADER));
      assertEquals(Integer.toString(version), p.headers().get(Wire.VERSION_HEADER));
      assertEquals("gzip", p.headers().get("Content-Encoding"));
      assertEquals(agentNow, WireCodec.parseInstant(p.headers().get(Wire.SENT_AT_HEADER)));
      try (InFlightBytes.Lease lease = inFlight.lease()) {
        BatchReader.Checked checked = reader.read(new ByteArrayInputStream(p.body()),
            p.body().length, p.headers().get("Content-Encoding"), lease);
        assertEquals(0, checked.truncated());
        if (!checked.batch().transactions().isEmpty()) {
          withCalls = checked.batch();
          received.addAll(checked.batch().transactions());
        }
        endpoints.addAll(checked.batch().endpoints());
        if (!checked.batch().summaries().isEmpty()) {
          withCalls = checked.batch();
          summaries.addAll(checked.batch().summaries());
          for (Sample x : checked.batch().samples()) {
            assertEquals(1, x.weight(), "one call per edge: kept, standing for itself");
            received.add(x.transaction());
          }
        }
      }
    }
    assertTrue(withCalls != null, "a batch carried the calls");
    assertEquals(identity, withCalls.agent());
    assertEquals(agentNow, withCalls.sentAt());
    if (version == 1) {
      assertEquals(List.of(call(1), call(2), call(3)), received);
    } else {
      received.sort(java.util.Comparator.comparing(t -> t.resource()));
      assertEquals(List.of(call(1), call(2), call(3)), received, "the samples, field for field");
      assertEquals(3, summaries.size(), "one per protocol");
      assertEquals(3, endpoints.size(), "one per protocol and endpoint");
      for (int i = 1; i <= 3; i++) {
        Transaction c = call(i);
        Summary x = summaries.stream().filter(y -> y.protocol() == c.protocol()).findFirst()
            .orElseThrow();
        assertEquals(T.getEpochSecond(), x.interval());
        assertEquals(1, x.seconds());
        assertEquals("server", x.observedAt());
        assertEquals(new Summary.Side("10.0.1." + i, "shop_web.1.x", "shop_web"), x.client());
        assertEquals(new Summary.Side("10.0.1.7", "shop_api.1.y", "shop_api"), x.server());
        assertEquals(null, x.endpoint(), "per second and edge");
        CallStats expected = new CallStats();
        expected.add(c);
        assertEquals(expected, x.stats());
        assertEquals(1, x.gaps(), "the call's packet loss");
        Summary e = endpoints.stream().filter(y -> y.protocol() == c.protocol()).findFirst()
            .orElseThrow(() -> new AssertionError("no endpoint summary: " + endpoints));
        assertEquals(Math.floorDiv(T.getEpochSecond(), 10) * 10, e.interval());
        assertEquals(10, e.seconds());
        assertEquals(x.client(), e.client());
        assertEquals(x.server(), e.server());
        assertEquals(dev.intuition.decoder.endpoint.Endpoints.of(c), e.endpoint());
        assertEquals(expected, e.stats());
      }
    }
    Batch first = reader.read(new ByteArrayInputStream(posted.get(0).body()),
        -1, "gzip", inFlight.lease()).batch();
    assertEquals(inventory.toWire(), first.inventory(), "the inventory, field for field");
    assertEquals(List.of(capture.toWire()), first.health().captures());
    assertEquals(1234L, first.health().captures().get(0).decoder().get("packets"));
    assertEquals("docker away", first.health().discoveryError());

    // And the inventory names what it should on the server.
    AddressBook book = new AddressBook(new MutableClock(T), Duration.ofMinutes(2));
    book.update(first.agentId(), first.agentHost(), first.inventory(), first.health());
    assertEquals(new AddressBook.Member("shop_web.1.x", "shop_web", "shop", "machine-1"),
        book.at("10.0.1.5"));
    assertEquals(new AddressBook.Member("job.1.z", "job", "shop", "machine-1", true),
        book.at("10.0.1.9"), "an exited container still names its address");
    assertEquals(new AddressBook.Member(null, "shop_api", "shop", "machine-1"),
        book.at("10.0.1.2"), "a Swarm VIP names its service");
    assertEquals("shop", book.group("shop_web"));
  }
}
