package dev.intuition.wire.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CallStatsTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  static Transaction tx(String client, String server, Protocol p, Outcome o, long micros,
      Instant end) {
    return new Transaction(p, new Endpoint("10.0.0.1", 40000), new Endpoint("10.0.0.2", 80),
        end.minusNanos(micros * 1000), end, micros, "GET", "/", "GET /", "200", o, 100, 300, null,
        null, null, null, List.of(), client + "-1", server + "-1", client, server, "server");
  }

  static long nearestRank(List<Long> values, double p) {
    List<Long> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static final double[] PERCENTILES = {0.1, 1, 25, 50, 90, 95, 99, 99.9, 100};

  /** Random statistics: latencies spread over five orders of magnitude, some calls untimed. */
  private static CallStats random(Random r, int calls, List<Long> latencies) {
    CallStats s = new CallStats();
    for (int i = 0; i < calls; i++) {
      long micros = (long) Math.pow(10, 1 + r.nextDouble() * 5);
      Outcome o = Outcome.values()[r.nextInt(3)];
      s.add(tx("a", "b", Protocol.HTTP, o, micros,
          T0));
      latencies.add(micros);
    }
    return s;
  }

  private static void assertSame(CallStats expected, CallStats actual) {
    assertEquals(expected.ok(), actual.ok());
    assertEquals(expected.warning(), actual.warning());
    assertEquals(expected.error(), actual.error());
    assertEquals(expected.requestBytes(), actual.requestBytes());
    assertEquals(expected.responseBytes(), actual.responseBytes());
    assertEquals(expected.timedCount(), actual.timedCount());
    assertArrayEquals(expected.encodedLatency(), actual.encodedLatency());
  }

  @Test
  void bucketsHoldTwoSignificantDigits() {
    for (long v = 0; v < 50_000_000; v = v * 3 / 2 + 1) {
      int b = CallStats.bucket(v);
      long high = CallStats.highest(b);
      assertEquals(b, CallStats.bucket(high), "highest value of bucket of " + v);
      assertEquals(true, high >= v && high - v <= Math.max(0, v / 100), "bucket of " + v);
      assertEquals(b + 1, CallStats.bucket(high + 1), "next bucket after " + high);
    }
  }

  @Test
  void mergeInPlaceSummerAndOneRecordingAgree() {
    Random r = new Random(11);
    for (int round = 0; round < 50; round++) {
      List<Long> all = new ArrayList<>();
      List<CallStats> parts = new ArrayList<>();
      CallStats merged = new CallStats();
      CallStats.Summer summer = new CallStats.Summer();
      for (int p = 0; p < 1 + r.nextInt(12); p++) {
        CallStats part = random(r, r.nextInt(200), all);
        parts.add(part);
        merged.merge(part);
        summer.add(part);
      }
      CallStats summed = summer.take();
      CallStats direct = new CallStats();
      parts.forEach(direct::merge);
      assertSame(merged, summed);
      assertSame(merged, direct);
      long[] together = summed.percentiles(PERCENTILES);
      for (int i = 0; i < PERCENTILES.length; i++) {
        double p = PERCENTILES[i];
        long expected = all.isEmpty() ? 0
            : CallStats.highest(CallStats.bucket(nearestRank(all, p)));
        assertEquals(expected, summed.percentile(p), "p" + p + " in round " + round);
        assertEquals(expected, together[i], "p" + p + " in one walk, round " + round);
      }
      assertSame(summed, CallStats.of(summed.ok(), summed.warning(), summed.error(),
          summed.requestBytes(), summed.responseBytes(), summed.encodedLatency()));
    }
  }

  @Test
  void aSumKeptRunningOverASlidingWindowEqualsTheWindowSummedAnew() {
    Random r = new Random(17);
    List<CallStats> seconds = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      seconds.add(random(r, r.nextInt(60), new ArrayList<>()));
    }
    int window = 7;
    CallStats running = new CallStats();
    CallStats.Summer summer = new CallStats.Summer();
    for (int i = 0; i < seconds.size(); i++) {
      running.merge(seconds.get(i));
      if (i >= window) {
        assertEquals(true, running.subtract(seconds.get(i - window)), "second " + i);
      }
      CallStats anew = new CallStats();
      for (int j = Math.max(0, i - window + 1); j <= i; j++) {
        anew.merge(seconds.get(j));
      }
      assertSame(anew, running);
      // The same through the summer: the window one second back, plus the new, less the old.
      if (i > window) {
        for (int j = i - window; j < i; j++) {
          summer.add(seconds.get(j));
        }
        summer.add(seconds.get(i));
        summer.subtract(seconds.get(i - window));
        assertSame(anew, summer.take());
      }
    }
  }

  @Test
  void aLargeSumWithSmallCorrectionsSumsAsEveryOperandAnew() {
    Random r = new Random(29);
    for (int round = 0; round < 30; round++) {
      List<CallStats> seconds = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        seconds.add(random(r, 1 + r.nextInt(20), new ArrayList<>()));
      }
      CallStats window = new CallStats(); // seconds 0..59, summed running
      for (int i = 0; i < 60; i++) {
        window.merge(seconds.get(i));
      }
      // The window moved by four seconds: plus 60..63, less 0..3 (the small corrections).
      CallStats.Summer summer = new CallStats.Summer();
      summer.add(window);
      for (int i = 60; i < 64; i++) {
        summer.add(seconds.get(i));
      }
      for (int i = 0; i < 4; i++) {
        summer.subtract(seconds.get(i));
      }
      CallStats anew = new CallStats();
      for (int i = 4; i < 64; i++) {
        anew.merge(seconds.get(i));
      }
      assertSame(anew, summer.take());
    }
  }

  @Test
  void subtractingWhatWasNeverAddedStopsAtZeroAndSaysSo() {
    CallStats some = random(new Random(5), 30, new ArrayList<>());
    CallStats more = random(new Random(6), 30, new ArrayList<>());
    CallStats s = new CallStats();
    s.merge(some);
    assertEquals(false, s.subtract(more));
    assertEquals(true, s.count() <= some.count());
    assertEquals(true, s.timedCount() >= 0);
    CallStats.Summer summer = new CallStats.Summer();
    summer.add(some);
    summer.subtract(more);
    summer.subtract(more);
    CallStats left = summer.take();
    assertEquals(true, left.ok() >= 0 && left.error() >= 0 && left.requestBytes() >= 0);
    assertEquals(true, left.timedCount() <= some.timedCount());
  }

  @Test
  void theSummerStartsEmptyAfterTake() {
    CallStats.Summer summer = new CallStats.Summer();
    summer.add(random(new Random(3), 100, new ArrayList<>()));
    summer.take();
    CallStats empty = summer.take();
    assertEquals(0, empty.count());
    assertEquals(0, empty.percentile(99));
    assertEquals(0, empty.timedCount());
  }

  @Test
  void aCorruptStoredHistogramIsRefused() {
    byte[] repeated = {2, 5, 1, 0, 1}; // two entries, the second in the same bucket
    assertThrows(IllegalArgumentException.class, () -> CallStats.of(0, 0, 0, 0, 0, repeated));
    byte[] truncated = {3, 5, 1};
    assertThrows(IllegalArgumentException.class, () -> CallStats.of(0, 0, 0, 0, 0, truncated));
  }
}
