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
    addCounters(other);
    mergeLatencies(other);
  }

  private void addCounters(CallStats other) {
    ok += other.ok;
    warning += other.warning;
    error += other.error;
    requestBytes += other.requestBytes;
    responseBytes += other.responseBytes;
  }

  /**
   * Sums many statistics at once (the buckets of a time range), the latencies through one dense
   * array. Reusable; not thread-safe.
   */
  public static final class Summer {
    private final DenseSum latencies = new DenseSum();
    private CallStats sum = new CallStats();

    public void add(CallStats s) {
      sum.addCounters(s);
      latencies.add(s);
    }

    /** The sum of everything added since the last call; the summer is empty again. */
    public CallStats take() {
      CallStats result = sum;
      latencies.takeInto(result);
      sum = new CallStats();
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
