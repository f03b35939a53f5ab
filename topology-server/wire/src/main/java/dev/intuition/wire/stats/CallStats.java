package dev.intuition.wire.stats;

import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Transaction;

/**
 * Statistics of a set of calls that merge exactly: counts per outcome, bytes each way, and the
 * calls' {@link LatencyHistogram}, so that the percentiles of an edge over any time range, or of a
 * service over its edges, come from merged histograms and never from averaged percentiles.
 */
public final class CallStats extends LatencyHistogram {
  private long ok;
  private long warning;
  private long error;
  private long requestBytes;
  private long responseBytes;

  public void add(Transaction t) {
    switch (t.outcome()) {
      case OK -> ok++;
      case WARNING -> warning++;
      case ERROR -> error++;
    }
    requestBytes += t.requestBytes();
    responseBytes += t.responseBytes();
    if (t.durationMicros() != null) {
      recordMicros(t.durationMicros());
    }
  }

  /** Adds {@code other} into this, in place. */
  public void merge(CallStats other) {
    addCounters(other, 1);
    mergeLatencies(other);
  }

  /**
   * Takes {@code other} out of this, in place: the inverse of {@link #merge}, for a sum kept running
   * over a sliding range of buckets. Counts never go below zero; returns whether {@code other} was
   * wholly part of this (false: this had less of something, which was then taken as far as it went).
   */
  public boolean subtract(CallStats other) {
    boolean whole = ok >= other.ok && warning >= other.warning && error >= other.error
        && requestBytes >= other.requestBytes && responseBytes >= other.responseBytes;
    ok = Math.max(0, ok - other.ok);
    warning = Math.max(0, warning - other.warning);
    error = Math.max(0, error - other.error);
    requestBytes = Math.max(0, requestBytes - other.requestBytes);
    responseBytes = Math.max(0, responseBytes - other.responseBytes);
    return subtractLatencies(other) == 0 && whole;
  }

  private void addCounters(CallStats other, int sign) {
    ok += sign * other.ok;
    warning += sign * other.warning;
    error += sign * other.error;
    requestBytes += sign * other.requestBytes;
    responseBytes += sign * other.responseBytes;
  }

  /**
   * Sums many statistics at once (the buckets of a time range, a running sum with corrections).
   * What is added and subtracted is gathered and summed at {@link #take}, each way by what costs
   * least: one operand is copied; a few small ones are merged in order; many go through one dense
   * array indexed by bucket, one addition per recorded bucket. Reusable; not thread-safe. The
   * operands must not change between {@code add} and {@code take}.
   */
  public static final class Summer {
    private final DenseSum latencies = new DenseSum();
    private final java.util.ArrayList<CallStats> added = new java.util.ArrayList<>();
    private final java.util.ArrayList<CallStats> subtracted = new java.util.ArrayList<>();

    public void add(CallStats s) {
      added.add(s);
    }

    /** Takes {@code s} out of the sum (it must have been added, or be part of what was). */
    public void subtract(CallStats s) {
      subtracted.add(s);
    }

    /**
     * The sum of everything added since the last call, less what was subtracted (a count taken
     * below zero counts as zero); the summer is empty again.
     */
    public CallStats take() {
      CallStats result = new CallStats();
      int values = 0;
      int widest = 0;
      for (CallStats s : added) {
        result.addCounters(s, 1);
        values += s.bucketsUsed();
        widest = Math.max(widest, s.bucketsUsed());
      }
      for (CallStats s : subtracted) {
        result.addCounters(s, -1);
      }
      if (added.size() == 1 && subtracted.isEmpty()) {
        result.copyLatencies(added.get(0));
      } else if (values - widest <= widest / 4 + 8) {
        // A large operand and a few small ones (a running sum and the buckets at its ends): the
        // small ones summed apart, then one walk adds them to the large one and one takes away.
        CallStats base = null;
        for (CallStats s : added) {
          if (base == null || s.bucketsUsed() > base.bucketsUsed()) {
            base = s;
          }
        }
        CallStats more = new CallStats();
        for (CallStats s : added) {
          if (s != base) {
            more.mergeLatencies(s);
          }
        }
        if (base == null) {
          base = new CallStats();
        }
        result.unionOf(base, more);
        if (!subtracted.isEmpty()) {
          CallStats less = new CallStats();
          for (CallStats s : subtracted) {
            less.mergeLatencies(s);
          }
          result.subtractSorted(less);
        }
      } else {
        added.forEach(latencies::add);
        subtracted.forEach(latencies::subtract);
        latencies.takeInto(result);
      }
      result.ok = Math.max(0, result.ok);
      result.warning = Math.max(0, result.warning);
      result.error = Math.max(0, result.error);
      result.requestBytes = Math.max(0, result.requestBytes);
      result.responseBytes = Math.max(0, result.responseBytes);
      added.clear();
      subtracted.clear();
      return result;
    }
  }

  /** About what this takes on the heap, in bytes: the object and its two arrays. */
  public long estimatedBytes() {
    return 72 + histogramBytes();
  }

  public long count() {
    return ok + warning + error;
  }

  public long count(Outcome o) {
    return switch (o) {
      case OK -> ok;
      case WARNING -> warning;
      case ERROR -> error;
    };
  }

  public long requestBytes() {
    return requestBytes;
  }

  public long responseBytes() {
    return responseBytes;
  }

  /**
   * Statistics as stored: counts, bytes and {@link #encodedLatency()} (null or empty for none).
   *
   * @throws IllegalArgumentException when the latency bytes are not an encoded histogram
   */
  public static CallStats of(long ok, long warning, long error, long requestBytes,
      long responseBytes, byte[] encodedLatency) {
    CallStats s = new CallStats();
    s.ok = ok;
    s.warning = warning;
    s.error = error;
    s.requestBytes = requestBytes;
    s.responseBytes = responseBytes;
    if (encodedLatency != null && encodedLatency.length > 0) {
      s.decodeLatency(encodedLatency);
    }
    return s;
  }

  public long ok() {
    return ok;
  }

  public long warning() {
    return warning;
  }

  public long error() {
    return error;
  }

  /** Equal counts, bytes and latencies (the histograms compared by their encoding). */
  @Override
  public boolean equals(Object o) {
    return o instanceof CallStats c && ok == c.ok && warning == c.warning && error == c.error
        && requestBytes == c.requestBytes && responseBytes == c.responseBytes
        && java.util.Arrays.equals(encodedLatency(), c.encodedLatency());
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(ok, warning, error, requestBytes, responseBytes);
  }

  @Override
  public String toString() {
    return "CallStats[ok=" + ok + ", warning=" + warning + ", error=" + error + ", requestBytes="
        + requestBytes + ", responseBytes=" + responseBytes + ", timed=" + timedCount() + "]";
  }
}
