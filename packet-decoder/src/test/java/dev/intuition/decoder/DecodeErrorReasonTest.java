package dev.intuition.decoder;

import static dev.intuition.decoder.Traffic.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.pcap.SyntheticConnection;
import org.junit.jupiter.api.Test;

/**
 * A decode error keeps the first reason: the protocol, what was seen and what was expected; the
 * decode CLI prints it under its summary.
 */
class DecodeErrorReasonTest {
  @Test
  void aChunkSizeThatIsNotHexSaysSo() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(80).handshake();
    c.client(ascii("GET /a HTTP/1.1\r\n\r\n"));
    c.server(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nhello\r\n0\r\n\r\n"));
    c.close();
    DecoderStats stats = t.decode().stats();
    assertEquals(1, stats.get(DecoderStats.Counter.DECODE_ERRORS));
    assertEquals("http: a chunk size that is not hexadecimal: \"ZZ\"", stats.firstDecodeError());
    assertTrue(stats.summary().endsWith("first decode error: http: a chunk size that is not "
        + "hexadecimal: \"ZZ\""), stats.summary());
  }

  @Test
  void aPostgresqlMessageOfAnUnknownTypeSaysWhichAndOnlyTheFirstIsKept() {
    Traffic t = new Traffic();
    SyntheticConnection c = t.connect(5432).handshake();
    byte[] query = {'Q', 0, 0, 0, 13, 'S', 'E', 'L', 'E', 'C', 'T', ' ', '1', 0};
    c.client(query);
    c.server(new byte[] {(byte) 0xEE, 0, 0, 0, 8, 1, 2, 3, 4});
    c.client(new byte[] {(byte) 0xEF, 0, 0, 0, 8, 1, 2, 3, 4});
    c.close();
    DecoderStats stats = t.decode().stats();
    assertTrue(stats.get(DecoderStats.Counter.DECODE_ERRORS) >= 1);
    assertTrue(stats.firstDecodeError().startsWith("postgresql: a message of type 0xee and length"
        + " 8 (expected a known type and 4 to "), stats.firstDecodeError());
  }

  @Test
  void cleanTrafficHasNoReason() {
    Traffic t = new Traffic();
    t.connect(80).handshake().client(ascii("GET / HTTP/1.1\r\n\r\n"))
        .server(ascii("HTTP/1.1 204 No Content\r\n\r\n")).close();
    DecoderStats stats = t.decode().stats();
    assertNull(stats.firstDecodeError());
    assertTrue(!stats.summary().contains("first decode error"));
  }
}
