package dev.intuition.core.graph;

import dev.intuition.wire.stats.CallStats;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An edge's buckets spread over steps: step size, alignment to the end, what falls outside. */
class EdgeSeriesTest {
  static final long SECOND = 1_000_000;
  static final Instant TO = Instant.parse("2026-01-01T00:01:00Z");
  static final long TO_MICROS = GraphAggregator.micros(TO);

  static List<EdgeSeries.Sample> oneCallPerSecond(long fromMicros, long toMicros) {
    return oneCallPerBucket(fromMicros, toMicros, SECOND);
  }

  static List<EdgeSeries.Sample> oneCallPerBucket(long fromMicros, long toMicros, long width) {
    List<EdgeSeries.Sample> samples = new ArrayList<>();
    for (long t = fromMicros; t < toMicros; t += width) {
      samples.add(new EdgeSeries.Sample(t, CallStats.of(1, 0, 0, 0, 0, null)));
    }
    return samples;
  }

  @Test
  void stepsAreWholeBucketsEndingAtToAndAddUpToTheTotal() {
    long from = TO_MICROS - 60 * SECOND;
    EdgeSeries s = EdgeSeries.of(oneCallPerSecond(from, TO_MICROS), SECOND, from, TO, 7);
    assertEquals(Duration.ofSeconds(9), s.step(), "60 s in at most 7 steps: 9 s each");
    assertEquals(7, s.steps().size());
    assertEquals(TO, s.to());
    assertEquals(TO.minusSeconds(63), s.from(), "the steps end at `to`");
    assertEquals(60, s.total().count());
    assertEquals(60, s.steps().stream().mapToLong(CallStats::count).sum());
    assertEquals(6, s.steps().get(0).count(), "the first step starts before the range");
    assertEquals(9, s.steps().get(6).count());
  }

  @Test
  void bucketsOutsideTheRangeAreLeftOutAndAStepIsNeverFinerThanTheResolution() {
    long from = TO_MICROS - 30 * SECOND;
    List<EdgeSeries.Sample> samples = oneCallPerBucket(from - 100 * SECOND,
        TO_MICROS + 50 * SECOND, 10 * SECOND);
    EdgeSeries s = EdgeSeries.of(samples, 10 * SECOND, from, TO, 1000);
    assertEquals(Duration.ofSeconds(10), s.step());
    assertEquals(3, s.steps().size());
    assertEquals(3, s.total().count(), "only buckets that overlap [from, to)");
    EdgeSeries shifted = EdgeSeries.of(samples, 10 * SECOND, from + 5 * SECOND, TO, 1000);
    assertEquals(3, shifted.total().count(), "a bucket that starts before `from` still counts");
  }
}
