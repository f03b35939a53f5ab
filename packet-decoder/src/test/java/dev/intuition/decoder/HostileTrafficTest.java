package dev.intuition.decoder;

import static dev.intuition.decoder.Traffic.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.DecoderStats.Counter;
import dev.intuition.decoder.link.LinkType;
import dev.intuition.decoder.pcap.SyntheticConnection;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Traffic written to hurt the decoder, each kind on its connections while a well-behaved client keeps
 * calling on another: giant HTTP headers, a chunked body that never ends, a Content-Length of 2^40,
 * a RESP bulk string claiming 2^31 bytes, RESP arrays nested a million deep, PostgreSQL and MySQL
 * messages claiming more than they carry, and tens of thousands of half-open connections. For each:
 * the decoder's buffers stay within their limits the whole time, the well-behaved calls all decode,
 * nothing fails inside the decoder, and what was cut or skipped is counted. Frames are fed as they
 * are made (hundreds of megabytes pass through; none is kept).
 */
class HostileTrafficTest {
  static final int SERVER = SyntheticConnection.ip(10, 9, 0, 1);
  static final long LIMIT = DecoderSettings.defaults().maxTotalBufferedBytes();
  static final long PER_CONNECTION = 2 * (DecoderSettings.defaults().reorderWindowBytes()
      + DecoderSettings.defaults().maxMessageBytes());

  /** The decoder, fed directly, with the most it ever buffered. */
  static final class Fed {
    final List<Transaction> out = new ArrayList<>();
    final TrafficDecoder decoder = new TrafficDecoder(DecoderSettings.defaults(), out::add);
    long peakBuffered;
    int nextPort = 20000;
    int nextClient = 1;

    final Consumer<SyntheticConnection.Frame> sink = f -> {
      decoder.packet(LinkType.ETHERNET, f.timestampMicros(), f.bytes(), 0, f.bytes().length);
      peakBuffered = Math.max(peakBuffered, decoder.bufferedBytes());
    };

    SyntheticConnection connect(int port) {
      int client = SyntheticConnection.ip(10, 8, (nextClient >> 8) & 0xff, nextClient & 0xff);
      nextClient++;
      return new SyntheticConnection(client, nextPort++ % 60000 + 1024, SERVER, port,
          1_700_000_000_000_000L, sink).mss(65_000).handshake();
    }

    /** One well-behaved HTTP call on a connection of its own. */
    void goodCall(int i) {
      connect(80).client(ascii("GET /ok/" + i + " HTTP/1.1\r\nHost: shop\r\n\r\n"))
          .server(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")).close();
    }

    long good() {
      return out.stream().filter(t -> t.resource() != null && t.resource().startsWith("/ok/"))
          .count();
    }

    long counter(Counter c) {
      return decoder.stats().get(c);
    }

    void checkBounded(String what) {
      assertTrue(peakBuffered <= LIMIT, what + ": buffered " + peakBuffered);
      assertNull(decoder.firstInternalError(), what);
      assertEquals(0, counter(Counter.INTERNAL_ERRORS), what);
    }
  }

  static byte[] repeat(String unit, int times) {
    return ascii(unit.repeat(times));
  }

  static byte[] filled(int n, char c) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) c);
    return b;
  }

  @Test
  void giantHttpHeadersAreCutAndTheConnectionResynchronises() {
    Fed f = new Fed();
    SyntheticConnection c = f.connect(80);
    c.client(Traffic.concat(ascii("GET /giant HTTP/1.1\r\nHost: shop\r\n"),
        repeat("X-Filler: " + "a".repeat(1000) + "\r\n", 4000), ascii("\r\n")));
    c.server(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    for (int i = 0; i < 20; i++) {
      f.goodCall(i);
    }
    c.client(ascii("GET /after HTTP/1.1\r\nHost: shop\r\n\r\n"))
        .server(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")).close();
    f.decoder.finish();
    f.checkBounded("4 MB of headers");
    assertEquals(20, f.good());
    assertTrue(f.counter(Counter.OVERSIZED_MESSAGES) >= 1, "the giant head is counted");
    assertTrue(f.out.stream().anyMatch(t -> "/after".equals(t.resource())),
        "the same connection decodes again afterwards");
  }

  @Test
  void aChunkedBodyThatNeverEndsAndAContentLengthOf2To40AreSkippedNotBuffered() {
    Fed f = new Fed();
    SyntheticConnection endless = f.connect(80);
    endless.client(ascii("GET /stream HTTP/1.1\r\nHost: shop\r\n\r\n"));
    endless.server(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
    SyntheticConnection huge = f.connect(80);
    huge.client(ascii("GET /huge HTTP/1.1\r\nHost: shop\r\n\r\n"));
    huge.server(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n"));
    byte[] chunk = Traffic.concat(ascii("1000\r\n"), filled(4096, 'z'), ascii("\r\n"));
    byte[] chunks = new byte[chunk.length * 15];
    for (int i = 0; i < 15; i++) {
      System.arraycopy(chunk, 0, chunks, i * chunk.length, chunk.length);
    }
    byte[] body = filled(60_000, 'y');
    for (int i = 0; i < 2000; i++) { // 120 MB on each connection
      endless.send(false, chunks, false);
      huge.send(false, body, false);
      if (i % 100 == 0) {
        f.goodCall(i);
      }
    }
    f.decoder.finish();
    f.checkBounded("endless bodies");
    assertTrue(f.peakBuffered < 4 * PER_CONNECTION, "bodies are skipped as they pass: "
        + f.peakBuffered);
    assertEquals(20, f.good());
  }

  @Test
  void redisBulkOf2To31AndArraysNestedAMillionDeep() {
    Fed f = new Fed();
    SyntheticConnection bulk = f.connect(6379);
    bulk.client(ascii("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"));
    bulk.server(ascii("$2147483648\r\n"));
    byte[] data = filled(60_000, 'v');
    for (int i = 0; i < 400; i++) { // 24 MB of the 2 GB it claims
      bulk.send(false, data, false);
    }
    SyntheticConnection nested = f.connect(6379);
    nested.client(ascii("*1\r\n$4\r\nPING\r\n"));
    byte[] deep = repeat("*1\r\n", 1_000_000);
    nested.send(false, deep, true);
    nested.client(ascii("*1\r\n$4\r\nPING\r\n")).server(ascii("+PONG\r\n"));
    for (int i = 0; i < 20; i++) {
      f.goodCall(i);
    }
    SyntheticConnection fine = f.connect(6379);
    fine.client(ascii("*2\r\n$3\r\nGET\r\n$3\r\nabc\r\n")).server(ascii("$1\r\nx\r\n")).close();
    f.decoder.finish();
    f.checkBounded("RESP");
    assertEquals(20, f.good());
    assertTrue(f.out.stream().anyMatch(t -> t.protocol() == Protocol.REDIS
        && "abc".equals(t.resource())), "another Redis connection decodes");
  }

  static byte[] pgMessage(char type, int claimedLength, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
    b.put((byte) type).putInt(claimedLength).put(payload);
    return b.array();
  }

  @Test
  void sqlMessagesClaimingMoreThanTheyCarry() {
    Fed f = new Fed();
    SyntheticConnection pg = f.connect(5432);
    ByteBuffer startup = ByteBuffer.allocate(8 + 10);
    startup.putInt(18).putInt(196608).put(ascii("user\0app\0\0"));
    pg.client(startup.array());
    pg.server(pgMessage('R', 8, new byte[] {0, 0, 0, 0}));
    pg.send(true, pgMessage('Q', Integer.MAX_VALUE, ascii("SELECT ")), false);
    byte[] filler = filled(60_000, 's');
    for (int i = 0; i < 400; i++) {
      pg.send(true, filler, false);
    }
    SyntheticConnection my = f.connect(3306);
    byte[] greeting = Traffic.concat(new byte[] {0x2e, 0, 0, 0, 10}, ascii("8.0.0\0"),
        new byte[40]);
    my.server(greeting);
    for (int i = 0; i < 30; i++) { // packets of the largest length MySQL can say, 16 MB - 1
      my.send(true, Traffic.concat(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff,
          (byte) i}, filled(60_000, 'm')), false);
    }
    for (int i = 0; i < 20; i++) {
      f.goodCall(i);
    }
    f.decoder.finish();
    f.checkBounded("SQL");
    assertEquals(20, f.good());
  }

  @Test
  void tensOfThousandsOfHalfOpenConnectionsAreEvictedNotHoarded() {
    Fed f = new Fed();
    int n = DecoderSettings.defaults().maxConnections() + 10_000;
    for (int i = 0; i < n; i++) {
      SyntheticConnection c = f.connect(80);
      c.client(ascii("GET /half-"));  // a request begun, never finished, never closed
      if (i % 5000 == 0) {
        f.goodCall(i);
      }
    }
    assertTrue(f.decoder.activeConnections() <= DecoderSettings.defaults().maxConnections(),
        "connections: " + f.decoder.activeConnections());
    assertTrue(f.counter(Counter.CONNECTIONS_EVICTED) >= 10_000,
        "evicted: " + f.counter(Counter.CONNECTIONS_EVICTED));
    f.decoder.finish();
    f.checkBounded("half-open connections");
    assertEquals((n + 4999) / 5000, f.good());
  }
}
