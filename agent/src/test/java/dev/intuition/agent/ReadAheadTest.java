package dev.intuition.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadAheadTest {
  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** Reads everything through reads of random sizes, some of them of one byte. */
  private static byte[] drain(InputStream in, long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[5000];
    while (true) {
      if (r.nextInt(10) == 0) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        out.write(c);
        continue;
      }
      int off = r.nextInt(100);
      int n = in.read(buf, off, 1 + r.nextInt(buf.length - off - 1));
      if (n < 0) {
        break;
      }
      assertTrue(n > 0, "a read of at least one byte gives at least one byte or the end");
      out.write(buf, off, n);
    }
    assertEquals(-1, in.read(buf, 0, 10), "the end stays the end");
    assertEquals(-1, in.read());
    return out.toByteArray();
  }

  @Test
  void givesTheBytesOfTheStreamInOrderWhateverTheSizes() throws IOException {
    int chunk = 1024;
    for (int size : new int[] {0, 1, chunk - 1, chunk, chunk + 1, ReadAhead.CHUNKS * chunk,
        10 * chunk + 17, 300_000}) {
      byte[] data = random(size, size);
      try (ReadAhead in = new ReadAhead(new ByteArrayInputStream(data), chunk)) {
        assertArrayEquals(data, drain(in, size), "size " + size);
      }
    }
  }

  @Test
  void anErrorOfTheStreamComesAfterTheBytesReadBeforeIt() throws IOException {
    byte[] data = random(5000, 1);
    InputStream failing = new InputStream() {
      private int pos;

      @Override
      public int read() throws IOException {
        if (pos == data.length) {
          throw new IOException("disk on fire");
        }
        return data[pos++] & 0xff;
      }
    };
    try (ReadAhead in = new ReadAhead(failing, 1024)) {
      byte[] got = in.readNBytes(data.length);
      assertArrayEquals(data, got);
      IOException e = assertThrows(IOException.class, () -> in.read(new byte[10], 0, 10));
      assertEquals("disk on fire", e.getMessage());
    }
  }

  /** The reader stays at most CHUNKS chunks ahead, and close() stops it and closes the stream. */
  @Test
  void readsAtMostItsChunksAheadAndStopsOnClose() throws Exception {
    CountDownLatch fourChunksRead = new CountDownLatch(1);
    AtomicBoolean closed = new AtomicBoolean();
    long[] served = {0};
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        synchronized (served) {
          served[0] += len;
          if (served[0] >= ReadAhead.CHUNKS * 1024L) {
            fourChunksRead.countDown();
          }
        }
        return len;
      }

      @Override
      public void close() {
        closed.set(true);
      }
    };
    ReadAhead in = new ReadAhead(endless, 1024);
    assertTrue(fourChunksRead.await(10, TimeUnit.SECONDS));
    Thread.sleep(200); // time to read more, if it would
    synchronized (served) {
      assertEquals(ReadAhead.CHUNKS * 1024L, served[0], "bounded: no more than its chunks");
    }
    assertEquals(1024, in.read(new byte[4096], 0, 4096));
    in.close();
    assertTrue(closed.get());
    assertFalse(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("decode-read") && t.isAlive()), "the reader ended");
  }
}
