package dev.intuition.core.graph;

import dev.intuition.wire.stats.CallStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One edge over {@code [from, to)} in steps: its statistics per step (for sparklines) and in total
 * (for its histogram). A step is a whole number of the resolution the range is kept in (1 s, 10 s or
 * a minute); the steps end at {@code to}.
 */
public record EdgeSeries(Instant from, Instant to, Duration step, List<CallStats> steps,
    CallStats total) {

  /** The edge's statistics of the bucket that starts at {@code startMicros}. */
  record Sample(long startMicros, CallStats stats) {}

  /**
   * Spreads {@code samples} (buckets of {@code resolution} microseconds) over at most
   * {@code maxSteps} steps ending at {@code to}; a bucket that only overlaps the first step
   * counts in it, one outside the range not at all.
   */
  static EdgeSeries of(List<Sample> samples, long resolution, long fromMicros, Instant to,
      int maxSteps) {
    long toMicros = GraphAggregator.micros(to);
    long span = Math.max(resolution, toMicros - fromMicros);
    long step = Math.max(resolution, (span / Math.max(1, maxSteps) + resolution - 1)
        / resolution * resolution);
    int count = (int) Math.max(1, (span + step - 1) / step);
    long first = toMicros - (long) count * step; // steps end at `to`
    List<List<CallStats>> perStep = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      perStep.add(new ArrayList<>());
    }
    for (Sample s : samples) {
      long start = s.startMicros();
      if (start + resolution <= first || start >= toMicros) {
        continue;
      }
      int i = (int) Math.min(count - 1, Math.max(0, Math.floorDiv(start - first, step)));
      perStep.get(i).add(s.stats());
    }
    CallStats.Summer summer = new CallStats.Summer();
    List<CallStats> steps = new ArrayList<>(count);
    for (List<CallStats> list : perStep) {
      list.forEach(summer::add);
      steps.add(summer.take());
    }
    steps.forEach(summer::add);
    return new EdgeSeries(GraphAggregator.instant(first), to,
        Duration.ofNanos(step * 1000), steps, summer.take());
  }
}
