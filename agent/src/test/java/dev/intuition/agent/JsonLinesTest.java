package dev.intuition.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.decoder.json.JsonWriter;
import dev.intuition.decoder.json.TransactionJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesTest {
  /** More than the queue holds, and a last batch that is not full. */
  private static final int COUNT = JsonLines.BATCH * (JsonLines.QUEUED + 3) + 17;

  private static Transaction tx(int i) {
    return new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 40000 + i % 1000),
        new Endpoint("10.0.0.2", 80), Instant.EPOCH.plusNanos(i * 1000L),
        Instant.EPOCH.plusMillis(2 + i), 2000L + i, "GET", "/" + i, "GET /" + i + "?q=\"x\n",
        i % 7 == 0 ? "500" : "200", i % 7 == 0 ? Outcome.ERROR : Outcome.OK, 100, 200, null, null,
        null, null, List.of(), null, null, "web", "api", "server");
  }

  @Test
  void linesAreWhatAWriterOnTheCallersThreadWritesInTheSameOrder() {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    JsonWriter direct = new JsonWriter(expected, 4096);
    ByteArrayOutputStream actual = new ByteArrayOutputStream();
    JsonLines lines = new JsonLines(actual, 4096);
    for (int i = 0; i < COUNT; i++) {
      Transaction t = tx(i);
      TransactionJson.write(t, direct);
      direct.newline();
      lines.add(t);
    }
    direct.flush();
    lines.finish();
    assertArrayEquals(expected.toByteArray(), actual.toByteArray());
    assertEquals(COUNT, actual.toString().lines().count());
    lines.finish(); // a second finish is harmless
  }

  @Test
  void aFailedOutputIsReportedByFinishWithoutStoppingOrBlockingTheDecoder() {
    OutputStream closed = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("stdout closed");
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw new IOException("stdout closed");
      }
    };
    JsonLines lines = new JsonLines(closed, 64); // the writer fails on its first transaction
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      for (int i = 0; i < COUNT; i++) {
        lines.add(tx(i)); // never throws, never waits forever on a dead writer
      }
      UncheckedIOException e = assertThrows(UncheckedIOException.class, lines::finish);
      assertTrue(e.getCause().getMessage().contains("stdout closed"), e.toString());
    });
    assertTrue(lines.failed());
  }

  @Test
  void nothingAddedWritesNothing() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLines lines = new JsonLines(out, 64);
    assertFalse(lines.failed());
    lines.finish();
    assertEquals(0, out.size());
  }
}
