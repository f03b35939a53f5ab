package dev.intuition.server.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;

/**
 * The strict gzip reader: what RFC 1952 allows is read (several members, optional header fields),
 * everything else is refused with a message, where java.util.zip.GZIPInputStream would have let a
 * truncated or padded body through.
 */
class GzipBodyTest {
  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  static byte[] read(byte[] body) throws IOException {
    try (GzipBody in = new GzipBody(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void readsOneMemberAndMembersOneAfterAnother() throws IOException {
    String big = "{\"version\":1}".repeat(10_000);
    assertArrayEquals(big.getBytes(StandardCharsets.UTF_8), read(gzip(big)));
    assertArrayEquals("helloworld".getBytes(StandardCharsets.UTF_8),
        read(concat(gzip("hello"), gzip("world"))), "RFC 1952 2.2: members may follow each other");
  }

  @Test
  void readsTheOptionalHeaderFields() throws IOException {
    byte[] plain = gzip("abc");
    // FLG = FEXTRA | FNAME | FCOMMENT | FHCRC, with their fields after the 10 fixed bytes.
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(plain, 0, 3);
    b.write(4 | 8 | 16 | 2);
    b.write(plain, 4, 6);
    b.write(new byte[] {3, 0, 'x', 'y', 'z'}); // XLEN 3 and the extra field
    b.write("name.json\0".getBytes(StandardCharsets.US_ASCII));
    b.write("a comment\0".getBytes(StandardCharsets.US_ASCII));
    b.write(new byte[] {0, 0}); // the header CRC16 (not checked: optional in readers)
    b.write(plain, 10, plain.length - 10);
    assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), read(b.toByteArray()));
  }

  @Test
  void emptyHeaderOnlyTruncatedCorruptOrPaddedBodiesAreRefused() throws IOException {
    byte[] good = gzip("{\"version\":1,\"transactions\":[]}");
    assertTrue(message(new byte[0]).contains("empty"));
    assertTrue(message(Arrays.copyOf(good, 10)).contains("truncated"), "header only");
    assertTrue(message(Arrays.copyOf(good, 5)).contains("truncated"), "half a header");
    assertTrue(message(Arrays.copyOf(good, good.length - 8)).contains("truncated"),
        "no trailer");
    assertTrue(message(Arrays.copyOf(good, good.length - 3)).contains("truncated"),
        "half a trailer");
    byte[] badCrc = good.clone();
    badCrc[good.length - 8] ^= 1;
    assertTrue(message(badCrc).contains("CRC"));
    byte[] badLength = good.clone();
    badLength[good.length - 1] ^= 1;
    assertTrue(message(badLength).contains("length"));
    assertTrue(message(concat(good, "garbage".getBytes(StandardCharsets.US_ASCII)))
        .contains("after the gzip stream"));
    assertTrue(message(concat(good, new byte[] {0, 0, 0, 0})).contains("after the gzip stream"));
    assertTrue(message("{\"version\":1}".getBytes(StandardCharsets.US_ASCII))
        .contains("not gzip"));
    byte[] corrupt = good.clone();
    for (int i = 12; i < corrupt.length - 8; i++) {
      corrupt[i] = (byte) 0xff;
    }
    assertThrows(ZipException.class, () -> read(corrupt));
  }

  private static String message(byte[] body) {
    return assertThrows(ZipException.class, () -> read(body)).getMessage();
  }
}
