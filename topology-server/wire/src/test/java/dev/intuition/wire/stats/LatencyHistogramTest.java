package dev.intuition.wire.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The histogram alone: exact merges, nearest-rank percentiles, its storage form and its guards. */
class LatencyHistogramTest {
  @Test
  void mergedOrRecordedTogetherItIsTheSameHistogram() {
    SplittableRandom r = new SplittableRandom(5);
    LatencyHistogram all = new LatencyHistogram();
    LatencyHistogram a = new LatencyHistogram();
    LatencyHistogram b = new LatencyHistogram();
    for (int i = 0; i < 10_000; i++) {
      long v = (long) Math.exp(r.nextDouble() * 20);
      all.recordMicros(v);
      (i % 3 == 0 ? a : b).recordMicros(v);
    }
    a.mergeLatencies(b);
    assertArrayEquals(all.encodedLatency(), a.encodedLatency());
    assertEquals(10_000, a.timedCount());
    for (double p : new double[] {0, 50, 95, 99, 99.9, 100}) {
      assertEquals(all.percentile(p), a.percentile(p), "p" + p);
    }
  }

  @Test
  void manySmallHistogramsMergedIntoALargeOneAreExact() {
    // The server's case: an agent's second of a few calls merged into an edge's minute.
    SplittableRandom r = new SplittableRandom(9);
    LatencyHistogram all = new LatencyHistogram();
    LatencyHistogram minute = new LatencyHistogram();
    for (int i = 0; i < 2_000; i++) {
      long v = (long) Math.exp(r.nextDouble() * 18);
      all.recordMicros(v);
      minute.recordMicros(v);
    }
    for (int s = 0; s < 5_000; s++) {
      LatencyHistogram second = new LatencyHistogram();
      int calls = 1 + r.nextInt(20);
      for (int i = 0; i < calls; i++) {
        long v = r.nextInt(4) == 0 ? 4_000_000_000L + i : (long) Math.exp(r.nextDouble() * 18);
        all.recordMicros(v);
        second.recordMicros(v);
      }
      minute.mergeLatencies(second);
    }
    assertArrayEquals(all.encodedLatency(), minute.encodedLatency());
    assertEquals(all.timedCount(), minute.timedCount());
    for (double p : new double[] {0, 50, 95, 99, 99.9, 100}) {
      assertEquals(all.percentile(p), minute.percentile(p), "p" + p);
    }
  }

  @Test
  void extremesAreClampedAndTheStorageFormIsChecked() {
    LatencyHistogram h = new LatencyHistogram();
    h.recordMicros(-5);
    h.recordMicros(Long.MAX_VALUE);
    assertEquals(0, h.percentile(1));
    assertEquals(LatencyHistogram.highest(LatencyHistogram.bucket(
        LatencyHistogram.HIGHEST_MICROS)), h.percentile(100));
    LatencyHistogram back = new LatencyHistogram();
    back.decodeLatency(h.encodedLatency());
    assertArrayEquals(h.encodedLatency(), back.encodedLatency());
    assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram()
        .decodeLatency(new byte[] {5, 1}));
    assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram()
        .decodeLatency(new byte[] {2, 10, 1, 0, 1}), "the same bucket twice");
    assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram()
        .decodeLatency(new byte[] {(byte) 0x80, (byte) 0x80}));
  }
}
