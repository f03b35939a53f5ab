package dev.intuition.decoder.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Captures;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The transaction JSON written through {@link JsonWriter} is byte for byte what the decode CLI and
 * the agent wrote before it: the files under {@code src/test/resources/json} were written by the
 * writer it replaced (a StringBuilder, then {@code String.getBytes(UTF_8)}), from every transaction of
 * the Packetbeat corpus and from 300 transactions of random texts made of every kind of character
 * (controls, quotes, line separators, two-, three- and four-byte UTF-8, lone surrogates); the new
 * writer must give the same bytes, through small and large buffers.
 */
class JsonWriterTest {
  private static byte[] golden(String name) throws IOException {
    try (var in = JsonWriterTest.class.getResourceAsStream("/json/" + name)) {
      return in.readAllBytes();
    }
  }

  /** The lines of a golden file, each with its line break. */
  private static List<byte[]> lines(byte[] all) {
    List<byte[]> out = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        out.add(java.util.Arrays.copyOfRange(all, from, i + 1));
        from = i + 1;
      }
    }
    return out;
  }

  private static byte[] written(Transaction t, int bufferSize) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonWriter w = new JsonWriter(out, bufferSize)) {
      TransactionJson.write(t, w);
      w.newline();
    }
    return out.toByteArray();
  }

  @Test
  void everyCorpusTransactionIsWrittenAsBefore() throws IOException {
    Path dir = Captures.corpus("http_post.pcap").getParent();
    List<Transaction> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        all.addAll(Captures.decode(f).transactions());
      }
    }
    assertTrue(all.size() >= 40, "the corpus yields " + all.size() + " transactions");
    byte[] expected = golden("corpus-transactions.jsonl");
    ByteArrayOutputStream actual = new ByteArrayOutputStream();
    try (JsonWriter w = new JsonWriter(actual, 4096)) {
      for (Transaction t : all) {
        TransactionJson.write(t, w);
        w.newline();
      }
    }
    assertEquals(new String(expected, StandardCharsets.UTF_8),
        actual.toString(StandardCharsets.UTF_8));
    assertArrayEquals(expected, actual.toByteArray());
  }

  private static final char[] KINDS = {'a', 'Z', '0', ' ', '/', '"', '\\', '\n', '\r', '\t', '\b',
      '\f', 0, 1, 0x1f, 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0x20ac, 0x2028, 0x2029, 0xfeff, 0xffff,
      0xd83d, 0xde00, 0xdbff, 0xdfff};

  private static String text(SplittableRandom r, int max) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(max);
    for (int i = 0; i < n; i++) {
      sb.append(r.nextInt(4) == 0 ? (char) r.nextInt(0x10000) : KINDS[r.nextInt(KINDS.length)]);
    }
    return sb.toString();
  }

  @Test
  void everyKindOfCharacterIsWrittenAsBefore() throws IOException {
    SplittableRandom r = new SplittableRandom(42);
    List<byte[]> expected = lines(golden("random-transactions.jsonl"));
    assertEquals(300, expected.size());
    for (byte[] line : expected) {
      Transaction t = randomTransaction(r);
      for (int size : new int[] {64, 100, 4096}) {
        assertArrayEquals(line, written(t, size), () -> "transaction " + new String(line,
            StandardCharsets.UTF_8) + " through a buffer of " + size);
      }
    }
  }

  /** A transaction of random texts of every kind of character, from {@code r}. */
  static Transaction randomTransaction(SplittableRandom r) {
    return new Transaction(Protocol.values()[r.nextInt(4)],
        new Endpoint(text(r, 5), r.nextInt(65536)), new Endpoint("10.0.0." + r.nextInt(256), 80),
        r.nextBoolean() ? null : Instant.ofEpochSecond(r.nextLong(0, 253402300799L),
            r.nextInt(1_000_000_000)),
        r.nextBoolean() ? null : Instant.ofEpochSecond(r.nextLong(-100_000_000_000L,
            400_000_000_000L), r.nextInt(1_000_000_000)),
        r.nextBoolean() ? null : r.nextLong(), text(r, 8), r.nextBoolean() ? null : text(r, 50),
        text(r, 300), r.nextBoolean() ? null : text(r, 10), Outcome.values()[r.nextInt(3)],
        r.nextLong(), r.nextInt(2) == 0 ? Long.MIN_VALUE : r.nextLong(0, Long.MAX_VALUE),
        r.nextBoolean() ? null : (long) r.nextInt(), text(r, 20), null, text(r, 40),
        r.nextBoolean() ? List.of() : List.of(text(r, 30), text(r, 5)), text(r, 10), null,
        text(r, 10), r.nextBoolean() ? null : text(r, 10), "server");
  }

  @Test
  void numbersBooleansNullsAndNesting() {
    JsonWriter w = new JsonWriter();
    w.beginObject().field("a", 0).field("b", -12345678901234L).field("c", Long.MAX_VALUE)
        .field("d", Long.MIN_VALUE).name("e").value(true).name("f").nullValue()
        .name("g").beginArray().value(1.5).value(Double.NaN).beginObject().endObject()
        .beginArray().endArray().endArray().field("h", (String) null).endObject();
    assertEquals("{\"a\":0,\"b\":-12345678901234,\"c\":9223372036854775807,"
        + "\"d\":-9223372036854775808,\"e\":true,\"f\":null,\"g\":[1.5,null,{},[]]}", w.toString());
    assertThrows(IllegalStateException.class, () -> new JsonWriter().endObject());
  }

  @Test
  void aNameEncodedBeforehandIsWrittenAsTheSameNameAsText() {
    String[] names = {"host", "", "a\"b\\c\n\u0001", "caf\u00e9 \u2028 \ud83d\ude00 \ud800"};
    for (String name : names) {
      JsonWriter text = new JsonWriter();
      text.beginObject().field(name, "v").field(name, 7L).field(name, (String) null)
          .field(name, (Long) null).field(name, Instant.EPOCH).endObject();
      JsonWriter encoded = new JsonWriter();
      JsonWriter.Name n = JsonWriter.Name.of(name);
      encoded.beginObject().field(n, "v").field(n, 7L).field(n, (String) null)
          .field(n, (Long) null).field(n, Instant.EPOCH).endObject();
      assertEquals(text.toString(), encoded.toString(), name);
    }
    assertEquals("\"host\"", JsonWriter.Name.of("host").toString());
  }
}
