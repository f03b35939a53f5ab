package dev.intuition.core.graph;

import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Transaction;

/**
 * Statistics of a set of calls that merge exactly: counts per outcome, bytes, and a latency histogram
 * (microseconds, log-linear buckets of 1/128 relative width above 255 us, exact below: the precision
 * of an HdrHistogram with 2 significant digits), so that the percentiles of an edge over any time
 * range, or of a service over its edges, come from merged histograms and never from averaged
 * percentiles. The histogram is sparse, sorted (bucket, count) arrays: memory grows with the distinct
 * buckets seen, and a merge walks only those, which keeps graphs of thousands of bucket merges fast.
 */
public final class CallStats {
  /** Latencies above an hour are recorded as an hour. */
  static final long HIGHEST_MICROS = 3_600_000_000L;

  private long ok;
  private long warning;
  private long error;
  private long requestBytes;
  private long responseBytes;
  // One bucket to start with: most statistics of a 1-second bucket hold a call or two, and the
  // rings hold millions of them.
  private int[] buckets = new int[1];
  private long[] counts = new long[1];
  private int used;
  private long timed;

  public void add(Transaction t) {
    switch (t.outcome()) {
      case OK -> ok++;
      case WARNING -> warning++;
      case ERROR -> error++;
    }
    requestBytes += t.requestBytes();
    responseBytes += t.responseBytes();
    if (t.durationMicros() != null) {
      record(Math.min(Math.max(0, t.durationMicros()), HIGHEST_MICROS), 1);
    }
  }

  /** The bucket of a latency: the value itself below 256, else 128 buckets per power of two. */
  static int bucket(long micros) {
    if (micros < 256) {
      return (int) micros;
    }
    int shift = 63 - Long.numberOfLeadingZeros(micros) - 7;
    return 256 + (shift - 1) * 128 + (int) ((micros >>> shift) - 128);
  }

  /** The highest latency that falls in a bucket (what percentiles report, as HdrHistogram does). */
  static long highest(int bucket) {
    if (bucket < 256) {
      return bucket;
    }
    int shift = (bucket - 256) / 128 + 1;
    long mantissa = 128 + (bucket - 256) % 128;
    return (mantissa << shift) + (1L << shift) - 1;
  }

  private void record(long micros, long count) {
    int b = bucket(micros);
    int pos = java.util.Arrays.binarySearch(buckets, 0, used, b);
    if (pos >= 0) {
      counts[pos] += count;
    } else {
      insert(-pos - 1, b, count);
    }
    timed += count;
  }

  private void insert(int at, int bucket, long count) {
    if (used == buckets.length) {
      buckets = java.util.Arrays.copyOf(buckets, used * 2);
      counts = java.util.Arrays.copyOf(counts, used * 2);
    }
    System.arraycopy(buckets, at, buckets, at + 1, used - at);
    System.arraycopy(counts, at, counts, at + 1, used - at);
    buckets[at] = bucket;
    counts[at] = count;
    used++;
  }

  /**
   * Adds {@code other} into this, in place: the arrays grow only when the union of buckets does not
   * fit, and the merge runs from the back so that nothing is copied twice.
   */
  public void merge(CallStats other) {
    ok += other.ok;
    warning += other.warning;
    error += other.error;
    requestBytes += other.requestBytes;
    responseBytes += other.responseBytes;
    if (other.used == 0) {
      return;
    }
    timed += other.timed;
    int union = used + other.used; // an upper bound
    if (union > buckets.length) {
      int capacity = Math.max(union, buckets.length * 2);
      buckets = java.util.Arrays.copyOf(buckets, capacity);
      counts = java.util.Arrays.copyOf(counts, capacity);
    }
    // Count the common buckets so the merge can write each entry at its final place.
    int common = 0;
    for (int i = 0, j = 0; i < used && j < other.used; ) {
      if (buckets[i] < other.buckets[j]) {
        i++;
      } else if (buckets[i] > other.buckets[j]) {
        j++;
      } else {
        common++;
        i++;
        j++;
      }
    }
    int i = used - 1;
    int j = other.used - 1;
    int k = union - common - 1;
    used = k + 1;
    while (j >= 0) {
      if (i >= 0 && buckets[i] > other.buckets[j]) {
        buckets[k] = buckets[i];
        counts[k--] = counts[i--];
      } else if (i >= 0 && buckets[i] == other.buckets[j]) {
        buckets[k] = buckets[i];
        counts[k--] = counts[i--] + other.counts[j--];
      } else {
        buckets[k] = other.buckets[j];
        counts[k--] = other.counts[j--];
      }
    }
  }

  /**
   * Sums many statistics at once (the buckets of a time range): the latency counts go into one dense
   * array indexed by bucket, so a sum costs one addition per recorded bucket instead of a sorted
   * merge per operand. Reusable; not thread-safe.
   */
  public static final class Summer {
    private final long[] dense = new long[bucket(HIGHEST_MICROS) + 1];
    private int distinct;
    private int lowest = Integer.MAX_VALUE;
    private int highest = -1;
    private CallStats sum = new CallStats();

    public void add(CallStats s) {
      sum.ok += s.ok;
      sum.warning += s.warning;
      sum.error += s.error;
      sum.requestBytes += s.requestBytes;
      sum.responseBytes += s.responseBytes;
      sum.timed += s.timed;
      if (s.used == 0) {
        return;
      }
      lowest = Math.min(lowest, s.buckets[0]);
      highest = Math.max(highest, s.buckets[s.used - 1]);
      for (int i = 0; i < s.used; i++) {
        if (s.counts[i] != 0) {
          int b = s.buckets[i];
          if (dense[b] == 0) {
            distinct++;
          }
          dense[b] += s.counts[i];
        }
      }
    }

    /** The sum of everything added since the last call; the summer is empty again. */
    public CallStats take() {
      CallStats result = sum;
      result.buckets = new int[Math.max(1, distinct)];
      result.counts = new long[result.buckets.length];
      int k = 0;
      for (int b = lowest; b <= highest; b++) { // a few thousand buckets at most: cheaper than a sort
        if (dense[b] != 0) {
          result.buckets[k] = b;
          result.counts[k++] = dense[b];
          dense[b] = 0;
        }
      }
      result.used = k;
      distinct = 0;
      lowest = Integer.MAX_VALUE;
      highest = -1;
      sum = new CallStats();
      return result;
    }
  }

  /** About what this takes on the heap, in bytes: the object and its two arrays. */
  public long estimatedBytes() {
    return 72 + 32 + buckets.length * 4L + counts.length * 8L;
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
   * The latency at percentile {@code p} (0-100) in microseconds, by nearest rank, to the precision of
   * a bucket; 0 when no call had a duration.
   */
  public long percentile(double p) {
    if (timed == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * timed));
    long seen = 0;
    for (int i = 0; i < used; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return highest(buckets[i]);
      }
    }
    return highest(buckets[used - 1]);
  }

  /**
   * The latency histogram for people: {@code binsPerDoubling} bins per power of two (the highest
   * latency of each bin, microseconds, and its count), empty bins between the first and the last
   * included, so it can be drawn as is.
   */
  public java.util.List<long[]> histogram(int binsPerDoubling) {
    java.util.List<long[]> bins = new java.util.ArrayList<>();
    if (used == 0) {
      return bins;
    }
    double perLog2 = binsPerDoubling;
    int first = -1;
    long[] current = null;
    for (int i = 0; i < used; i++) {
      long high = highest(buckets[i]);
      int bin = (int) Math.ceil(Math.log(Math.max(1, high + 1)) / Math.log(2) * perLog2);
      if (first < 0) {
        first = bin;
      }
      while (first + bins.size() <= bin) {
        int b = first + bins.size();
        current = new long[] {(long) Math.ceil(Math.pow(2, b / perLog2)) - 1, 0};
        bins.add(current);
      }
      current = bins.get(bin - first);
      current[1] += counts[i];
    }
    return bins;
  }

  /** Calls that had a duration (a request whose response never came has none). */
  public long timedCount() {
    return timed;
  }

  /** The latency histogram for storage: varints of the bucket count, then (bucket gap, count). */
  public byte[] encodedLatency() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(4 + used * 3);
    varint(out, used);
    int previous = 0;
    for (int i = 0; i < used; i++) {
      varint(out, buckets[i] - previous);
      varint(out, counts[i]);
      previous = buckets[i];
    }
    return out.toByteArray();
  }

  private static void varint(java.io.ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
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
      int[] pos = {0};
      long n = readVarint(encodedLatency, pos);
      if (n < 0 || n > 10_000) {
        throw new IllegalArgumentException("not an encoded latency histogram: " + n + " buckets");
      }
      int bucket = 0;
      for (long i = 0; i < n; i++) {
        long gap = readVarint(encodedLatency, pos);
        bucket += (int) gap;
        long count = readVarint(encodedLatency, pos);
        if ((i > 0 && gap == 0) || count < 0 || bucket < 0 || bucket > bucket(HIGHEST_MICROS)) {
          throw new IllegalArgumentException("not an encoded latency histogram");
        }
        s.insert(s.used, bucket, count);
        s.timed += count;
      }
    }
    return s;
  }

  private static long readVarint(byte[] in, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= in.length) {
        throw new IllegalArgumentException("not an encoded latency histogram: truncated");
      }
      byte b = in[pos[0]++];
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("not an encoded latency histogram: bad varint");
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
