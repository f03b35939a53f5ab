package dev.intuition.decoder;

import static dev.intuition.decoder.Traffic.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.json.TransactionJson;
import dev.intuition.decoder.pcap.SyntheticConnection;
import dev.intuition.decoder.pcap.SyntheticConnection.Frame;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpDecodingTest {
  static final String GET = "GET /api/orders?page=2 HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer s3cr3t\r\n"
      + "Cookie: sid=abc123\r\n\r\n";
  static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: sid=zzz999\r\n\r\nhello";

  private static List<String> statuses(Captures.Decoded d) {
    return d.transactions().stream().map(Transaction::status).toList();
  }

  @Test
  void keepAlive_sequentialRequestsPairInOrderWithLatency() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(80).handshake();
    c.client(ascii(GET)).advance(1000).server(ascii(OK));
    c.advance(500).client(ascii("POST /api/orders HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd"))
        .advance(2000).server(ascii("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")).close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals(2, ts.size());
    Transaction first = ts.get(0);
    assertEquals("GET", first.method());
    assertEquals("/api/orders", first.resource());
    assertEquals("GET /api/orders?page=2", first.query());
    assertEquals("api", first.host());
    assertEquals(GET.length(), first.requestBytes());
    assertEquals(OK.length(), first.responseBytes());
    assertEquals(1005 + 5, first.durationMicros(), "first request byte to last response byte");
    assertEquals("201", ts.get(1).status());
    assertEquals(4 + "POST /api/orders HTTP/1.1\r\nContent-Length: 4\r\n\r\n".length(),
        ts.get(1).requestBytes());
  }

  @Test
  void secretsInHeadersNeverLeave() {
    Traffic t = new Traffic();
    t.connect(80).handshake().client(ascii(GET)).server(ascii(OK)).close();
    String json = TransactionJson.toJson(t.decode().transactions().get(0));
    for (String secret : List.of("s3cr3t", "abc123", "zzz999", "Bearer")) {
      assertFalse(json.contains(secret), json);
    }
  }

  @Test
  void sensitiveQueryFieldsAreRedacted() {
    Traffic t = new Traffic();
    t.connect(80).handshake()
        .client(ascii("GET /cb?code=1&access_token=XYZ&api_key=K&Password=p HTTP/1.1\r\n\r\n"))
        .server(ascii(OK)).close();
    assertEquals("GET /cb?code=1&access_token=[redacted]&api_key=[redacted]&Password=[redacted]",
        t.decode().transactions().get(0).query());
  }

  @Test
  void pipelining_responsesPairWithRequestsInOrder() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(8080).handshake();
    c.client(ascii("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nHEAD /c HTTP/1.1\r\n\r\n"));
    c.server(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
        + "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nbb"
        + "HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n")).close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals(List.of("/a", "/b", "/c"), ts.stream().map(Transaction::resource).toList());
    assertEquals(List.of("200", "404", "200"), statuses(t.decode()));
    assertEquals(Outcome.WARNING, ts.get(1).outcome());
    assertTrue(ts.get(2).notes().isEmpty(), "a HEAD response has no body despite its length");
  }

  /** The same conversation cut into segments of every size from 1 byte up decodes the same. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 7, 13, 31, 64, 200, 1448})
  void chunkedAnd100Continue_identicalAtEverySegmentSize(int mss) {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(80).handshake().mss(mss);
    c.client(ascii("PUT /upload HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n"));
    c.server(ascii("HTTP/1.1 100 Continue\r\n\r\n"));
    c.client(ascii("0123456789"));
    c.server(ascii("HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\n"));
    c.client(ascii("DELETE /x HTTP/1.1\r\n\r\n")).server(ascii("HTTP/1.1 204 No Content\r\n\r\n"));
    c.client(ascii("GET /y HTTP/1.1\r\n\r\n"))
        .server(ascii("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n")).close();
    Captures.Decoded d = t.decode();
    assertEquals(List.of("500", "204", "304"), statuses(d));
    Transaction put = d.transactions().get(0);
    assertEquals(Outcome.ERROR, put.outcome());
    assertEquals("PUT", put.method());
    assertTrue(d.transactions().stream().allMatch(x -> x.notes().isEmpty()));
    assertEquals(0, d.stats().get(DecoderStats.Counter.DECODE_ERRORS));
  }

  @Test
  void http10_bodyEndsAtClose() {
    Traffic t = new Traffic();
    t.connect(80).handshake().client(ascii("GET /old HTTP/1.0\r\n\r\n"))
        .server(ascii("HTTP/1.0 200 OK\r\n\r\n")).server(new byte[5000]).close();
    Transaction tx = t.decode().transactions().get(0);
    assertEquals("200", tx.status());
    assertEquals(5000 + "HTTP/1.0 200 OK\r\n\r\n".length(), tx.responseBytes());
    assertTrue(tx.notes().isEmpty());
  }

  @Test
  void outOfOrderAndDuplicatedSegments_sameResult() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(80).handshake().mss(10);
    for (int i = 0; i < 5; i++) {
      c.client(ascii(GET)).server(ascii(OK));
    }
    c.close();
    List<Transaction> inOrder = t.decode().transactions();
    Random random = new Random(42);
    Captures.Decoded shuffled = t.decode(DecoderSettings.defaults(), frames -> {
      List<Frame> out = new ArrayList<>();
      for (int i = 0; i < frames.size(); i++) {
        out.add(frames.get(i));
        if (random.nextInt(4) == 0) {
          out.add(frames.get(i)); // a retransmission
        }
      }
      // Swap neighbouring data segments (not the handshake).
      for (int i = 4; i + 1 < out.size() - 4; i += 3) {
        Collections.swap(out, i, i + 1);
      }
      return out;
    });
    assertEquals(5, inOrder.size());
    assertEquals(statuses(new Captures.Decoded(inOrder, List.of(), null)), statuses(shuffled));
    assertEquals(inOrder.stream().map(Transaction::responseBytes).toList(),
        shuffled.transactions().stream().map(Transaction::responseBytes).toList());
    assertTrue(shuffled.stats().get(DecoderStats.Counter.RETRANSMITTED_SEGMENTS) > 0);
    assertTrue(shuffled.stats().get(DecoderStats.Counter.OUT_OF_ORDER_SEGMENTS) > 0);
    assertTrue(shuffled.transactions().stream().allMatch(x -> x.notes().isEmpty()));
  }

  @Test
  void lossInsideBodyOfKnownLength_isSkippedAndMarked() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(80).handshake();
    c.client(ascii("GET /big HTTP/1.1\r\n\r\n"));
    c.server(ascii("HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n")).server(new byte[1000]);
    c.lose(false, 1000).server(new byte[1000]);
    c.client(ascii("GET /next HTTP/1.1\r\n\r\n")).server(ascii(OK)).close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals(2, ts.size());
    assertEquals("200", ts.get(0).status());
    assertTrue(ts.get(0).notes().contains("packet loss in response"), ts.get(0).notes().toString());
    assertEquals("/next", ts.get(1).resource());
    assertTrue(ts.get(1).notes().isEmpty());
  }

  @Test
  void lossOfAResponseHead_marksThatRequestAndResynchronises() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(80).handshake();
    c.client(ascii("GET /lost HTTP/1.1\r\n\r\n"));
    c.lose(false, OK.length());
    c.client(ascii("GET /after HTTP/1.1\r\n\r\n")).server(ascii(OK)).close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals(2, ts.size(), ts::toString);
    assertEquals("/lost", ts.get(0).resource());
    assertNull(ts.get(0).status());
    assertTrue(ts.get(0).notes().contains("packet loss in response"));
    assertEquals("/after", ts.get(1).resource());
    assertEquals("200", ts.get(1).status());
  }

  @Test
  void lossOfARequest_placeholderKeepsPairsInStep() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(80).handshake();
    c.lose(true, GET.length()).server(ascii("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"));
    c.client(ascii("GET /second HTTP/1.1\r\n\r\n")).server(ascii(OK)).close();
    List<Transaction> ts = t.decode().transactions();
    assertEquals(2, ts.size(), ts::toString);
    assertEquals("503", ts.get(0).status());
    assertNull(ts.get(0).method());
    assertTrue(ts.get(0).notes().contains("packet loss in request"));
    assertEquals("/second", ts.get(1).resource());
    assertEquals("200", ts.get(1).status());
  }

  @Test
  void snaplenCutSegments_areGapsOfKnownLength() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(80).handshake().mss(1448);
    c.client(ascii(GET)).server(ascii("HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n"))
        .server(new byte[10000]).client(ascii(GET)).server(ascii(OK)).close();
    int snap = 14 + 40 + 120; // keeps heads, cuts bodies
    Captures.Decoded d = t.decode(DecoderSettings.defaults(), frames -> frames.stream()
        .map(f -> f.bytes().length <= snap ? f : new Frame(f.timestampMicros(),
            java.util.Arrays.copyOf(f.bytes(), snap))).toList());
    assertEquals(List.of("200", "200"), statuses(d));
    assertEquals(10000 + "HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n".length(),
        d.transactions().get(0).responseBytes());
    assertTrue(d.stats().get(DecoderStats.Counter.GAP_BYTES) > 9000);
  }

  @Test
  void midStreamJoin_skipsTheRestOfABodyThenDecodes() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(8000); // no handshake: the capture starts mid-connection
    c.server(ascii("tail of an earlier body\r\nmore bytes")).client(ascii(GET)).server(ascii(OK));
    List<Transaction> ts = t.decode().transactions();
    assertEquals(1, ts.size(), ts::toString);
    assertEquals("200", ts.get(0).status());
  }

  @Test
  void requestWithoutResponse_atCloseIsAnError() {
    Traffic t = new Traffic();
    t.connect(80).handshake().client(ascii(GET)).close();
    Transaction tx = t.decode().transactions().get(0);
    assertEquals(Outcome.ERROR, tx.outcome());
    assertEquals(List.of("no response: connection closed"), tx.notes());
  }

  @Test
  void garbageOnHttpPort_countedNotEmitted() {
    Traffic t = new Traffic();
    t.connect(80).handshake().client(new byte[] {1, 2, 3, 0, 0, 9, 10, 13, 10})
        .server(ascii("\u0000\u0001garbage\r\n\r\n")).close();
    Captures.Decoded d = t.decode();
    assertEquals(List.of("packet loss in request"), d.transactions().isEmpty() ? List.of()
        : d.transactions().get(0).notes().subList(0, 1));
  }
}
