package dev.intuition.server.graph;

import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Transaction;
import org.HdrHistogram.PackedHistogram;

/**
 * Statistics of a set of calls that merge exactly: counts per outcome, bytes, and a latency histogram
 * (HdrHistogram, microseconds, 2 significant digits), so that the percentiles of an edge over any time
 * range, or of a service over its edges, come from merged histograms and never from averaged
 * percentiles. The packed histogram keeps memory proportional to the distinct latencies seen.
 */
public final class CallStats {
  /** Latencies above an hour are recorded as an hour. */
  static final long HIGHEST_MICROS = 3_600_000_000L;

  private long ok;
  private long warning;
  private long error;
  private long requestBytes;
  private long responseBytes;
  private final PackedHistogram latency = new PackedHistogram(HIGHEST_MICROS, 2);

  public void add(Transaction t) {
    switch (t.outcome()) {
      case OK -> ok++;
      case WARNING -> warning++;
      case ERROR -> error++;
    }
    requestBytes += t.requestBytes();
    responseBytes += t.responseBytes();
    if (t.durationMicros() != null) {
      latency.recordValue(Math.min(Math.max(0, t.durationMicros()), HIGHEST_MICROS));
    }
  }

  public void merge(CallStats other) {
    ok += other.ok;
    warning += other.warning;
    error += other.error;
    requestBytes += other.requestBytes;
    responseBytes += other.responseBytes;
    latency.add(other.latency);
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

  /** The latency at percentile {@code p} (0-100) in microseconds; 0 when no call had a duration. */
  public long percentile(double p) {
    return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(p);
  }

  /** Calls that had a duration (a request whose response never came has none). */
  public long timedCount() {
    return latency.getTotalCount();
  }

  /** The latency histogram in HdrHistogram's compressed form, for storage. */
  public byte[] encodedLatency() {
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
    int n = latency.encodeIntoCompressedByteBuffer(buf, java.util.zip.Deflater.BEST_SPEED);
    return java.util.Arrays.copyOf(buf.array(), n);
  }

  /** Statistics as stored: counts, bytes and {@link #encodedLatency()} (null or empty for none). */
  public static CallStats of(long ok, long warning, long error, long requestBytes,
      long responseBytes, byte[] encodedLatency) {
    CallStats s = new CallStats();
    s.ok = ok;
    s.warning = warning;
    s.error = error;
    s.requestBytes = requestBytes;
    s.responseBytes = responseBytes;
    if (encodedLatency != null && encodedLatency.length > 0) {
      try {
        s.latency.add(org.HdrHistogram.Histogram.decodeFromCompressedByteBuffer(
            java.nio.ByteBuffer.wrap(encodedLatency), HIGHEST_MICROS));
      } catch (java.util.zip.DataFormatException | RuntimeException e) {
        throw new IllegalArgumentException("not an encoded latency histogram: " + e, e);
      }
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
}
