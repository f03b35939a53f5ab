package dev.intuition.decoder;

import static dev.intuition.decoder.Traffic.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.link.LinkType;
import dev.intuition.decoder.pcap.SyntheticConnection;
import dev.intuition.decoder.pcap.SyntheticConnection.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Capture-time timeouts, bounded tables, and protocol forced by port. */
class TimeoutsAndOverridesTest {
  private static final String GET = "GET /slow HTTP/1.1\r\n\r\n";

  @Test
  void requestWithoutResponse_reportedAfterTheTransactionTimeoutOnALiveConnection() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(80).handshake().client(ascii(GET));
    c.advance(61_000_000).client(ascii("GET /fast HTTP/1.1\r\n\r\n"))
        .server(ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    // Pipelined: the server answers the first request it got, /slow, late. With a 60 s timeout the
    // decoder has already given up on /slow, so the late answer pairs with /fast.
    List<Transaction> ts = t.decode(DecoderSettings.defaults(), f -> f).transactions();
    assertEquals("/slow", ts.get(0).resource());
    assertEquals(List.of("no response: timeout"), ts.get(0).notes());
    assertEquals(Outcome.ERROR, ts.get(0).outcome());
  }

  @Test
  void idleConnection_expiresOnCaptureTimeAndOnTick() {
    List<Transaction> out = new ArrayList<>();
    DecoderSettings settings = DecoderSettings.defaults()
        .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60));
    TrafficDecoder d = new TrafficDecoder(settings, out::add);
    Traffic t = new Traffic();
    t.connect(80).handshake().client(ascii(GET));
    long last = 0;
    for (Frame f : t.frames) {
      d.packet(LinkType.ETHERNET, f.timestampMicros(), f.bytes(), 0, f.bytes().length);
      last = f.timestampMicros();
    }
    assertEquals(1, d.activeConnections());
    d.tick(last + 9_000_000);
    assertEquals(1, d.activeConnections(), "not idle long enough");
    d.tick(last + 11_000_000);
    assertEquals(0, d.activeConnections());
    assertEquals(1, out.size());
    assertEquals(List.of("no response: timeout"), out.get(0).notes());
    assertEquals(0, d.bufferedBytes());
  }

  @Test
  void connectionTable_isBoundedAndEvictsTheLeastRecentlyActive() {
    List<Transaction> out = new ArrayList<>();
    DecoderSettings settings = DecoderSettings.defaults().withLimits(10, 4096, 4096, 1 << 20, 8);
    TrafficDecoder d = new TrafficDecoder(settings, out::add);
    Traffic t = new Traffic();
    for (int i = 0; i < 50; i++) {
      t.connect(80).handshake().client(ascii(GET));
    }
    for (Frame f : t.frames) {
      d.packet(LinkType.ETHERNET, f.timestampMicros(), f.bytes(), 0, f.bytes().length);
      assertTrue(d.activeConnections() <= 10);
    }
    assertEquals(40, d.stats().get(DecoderStats.Counter.CONNECTIONS_EVICTED));
    assertEquals(40, out.size(), "evicted connections report their pending requests");
    assertTrue(out.stream().allMatch(x -> x.outcome() == Outcome.WARNING));
  }

  @Test
  void pendingRequests_areBounded() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(80).handshake();
    for (int i = 0; i < 20; i++) {
      c.client(ascii("GET /" + i + " HTTP/1.1\r\n\r\n"));
    }
    DecoderSettings settings = DecoderSettings.defaults().withLimits(100, 4096, 4096, 1 << 20, 5);
    Captures.Decoded d = t.decode(settings, f -> f);
    assertEquals(20, d.transactions().size());
    assertEquals(15, d.transactions().stream()
        .filter(x -> x.notes().contains("no response: too many pending requests")).count());
  }

  @Test
  void portOverride_winsOverWellKnownPortsAndContent() {
    Traffic t = new Traffic();
    t.connect(6379).handshake().client(ascii(GET))
        .server(ascii("HTTP/1.1 204 No Content\r\n\r\n")).close();
    assertEquals(0, t.decode().stats().get(DecoderStats.Counter.HTTP_TRANSACTIONS),
        "6379 is Redis by default");
    Captures.Decoded forced = t.decode(DecoderSettings.defaults().withPortProtocols(
        DecoderSettings.parsePortOptions(List.of("http=6379"))), f -> f);
    assertEquals(1, forced.stats().get(DecoderStats.Counter.HTTP_TRANSACTIONS));
    assertEquals("204", forced.transactions().get(0).status());
    assertEquals(Map.of(6379, Protocol.HTTP, 7000, Protocol.HTTP),
        DecoderSettings.parsePortOptions(List.of("http=6379,7000")));
  }

  @Test
  void unknownProtocol_isCountedAndHoldsNoMemory() {
    Traffic t = new Traffic();
    t.connect(9999).handshake().client(new byte[] {0x01, 0x02, 0x03})
        .server(new byte[] {0x7f, 0x00}).client(new byte[5000]).close();
    Captures.Decoded d = t.decode();
    assertEquals(0, d.transactions().size());
    assertEquals(1, d.stats().get(DecoderStats.Counter.UNKNOWN_PROTOCOL_CONNECTIONS));
  }

  /**
   * The decoder takes a packet's connection from the packet before when they match: a connection
   * that ended in between must not be found that way. Here the packet after the end is the first of
   * the same addresses and ports again.
   */
  @Test
  void packetsAfterAConnectionEndedOnTheSamePortsAreNotTakenForIt() {
    String ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    Traffic t = new Traffic();
    int port = 40000;
    SyntheticConnection first = new SyntheticConnection(Traffic.CLIENT, port, Traffic.SERVER, 80,
        1_700_000_000_000_000L, t.frames::add);
    first.handshake().client(ascii("GET /a HTTP/1.1\r\n\r\n")).server(ascii(ok)).close();
    // After TIME-WAIT, the same ports (and here the same initial sequence numbers) again.
    SyntheticConnection second = new SyntheticConnection(Traffic.CLIENT, port, Traffic.SERVER, 80,
        first.now() + 300_000_000L, t.frames::add);
    second.handshake().client(ascii("GET /b HTTP/1.1\r\n\r\n")).server(ascii(ok)).reset(true);
    // Within TIME-WAIT after the reset: a late segment of the reset connection, not a new one.
    second.advance(1_000).client(ascii("GET /c HTTP/1.1\r\n\r\n"));
    Captures.Decoded d = t.decode(DecoderSettings.defaults(), f -> f);
    assertEquals(List.of("/a", "/b"), d.transactions().stream().map(Transaction::resource).toList());
    assertEquals(2, d.stats().get(DecoderStats.Counter.CONNECTIONS));
    assertTrue(d.stats().get(DecoderStats.Counter.RETRANSMITTED_SEGMENTS) >= 1);
  }
}
