package dev.intuition.wire.stats;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A latency histogram that merges exactly (microseconds, log-linear buckets of 1/128 relative width
 * above 255 us, exact below: the precision of a two-significant-digit HdrHistogram, in a bucket scheme
 * of our own that measured far faster for this use), so that the percentiles of any set of calls come
 * from merged histograms and never from averaged percentiles. It is sparse, sorted (bucket, count)
 * arrays: memory grows with the distinct buckets seen, and a merge walks only those. Its storage form
 * is {@link #encodedLatency()}: varints of the bucket count, then (bucket gap, count) pairs.
 *
 * <p>{@link CallStats} extends it rather than holding one: the graph's rings hold millions of
 * statistics, and a second object each would cost its header millions of times.
 */
public class LatencyHistogram {
  /** Latencies above an hour are recorded as an hour. */
  public static final long HIGHEST_MICROS = 3_600_000_000L;
  /** The number of buckets up to {@link #HIGHEST_MICROS}. */
  static final int BUCKETS = bucket(HIGHEST_MICROS) + 1;

  // One bucket to start with: most statistics of a 1-second bucket hold a call or two.
  private int[] buckets = new int[1];
  private long[] counts = new long[1];
  private int used;
  private long timed;
  /** Merges of at most this many buckets into a much larger histogram search rather than walk. */
  private static final int SMALL_MERGE = 16;

  /** The bucket of a latency: the value itself below 256, else 128 buckets per power of two. */
  public static int bucket(long micros) {
    if (micros < 256) {
      return (int) micros;
    }
    int shift = 63 - Long.numberOfLeadingZeros(micros) - 7;
    return 256 + (shift - 1) * 128 + (int) ((micros >>> shift) - 128);
  }

  /** The highest latency that falls in a bucket (what percentiles report). */
  public static long highest(int bucket) {
    if (bucket < 256) {
      return bucket;
    }
    int shift = (bucket - 256) / 128 + 1;
    long mantissa = 128 + (bucket - 256) % 128;
    return (mantissa << shift) + (1L << shift) - 1;
  }

  /** Records one latency, clamped to 0 .. {@link #HIGHEST_MICROS}. */
  public void recordMicros(long micros) {
    record(Math.min(Math.max(0, micros), HIGHEST_MICROS), 1);
  }

  private void record(long micros, long count) {
    int b = bucket(micros);
    int pos = Arrays.binarySearch(buckets, 0, used, b);
    if (pos >= 0) {
      counts[pos] += count;
    } else {
      insert(-pos - 1, b, count);
    }
    timed += count;
  }

  private void insert(int at, int bucket, long count) {
    if (used == buckets.length) {
      buckets = Arrays.copyOf(buckets, used * 2);
      counts = Arrays.copyOf(counts, used * 2);
    }
    System.arraycopy(buckets, at, buckets, at + 1, used - at);
    System.arraycopy(counts, at, counts, at + 1, used - at);
    buckets[at] = bucket;
    counts[at] = count;
    used++;
  }

  /**
   * Adds {@code other}'s latencies into this, in place: the arrays grow only when the union of
   * buckets does not fit, and the merge runs from the back so that nothing is copied twice.
   */
  protected void mergeLatencies(LatencyHistogram other) {
    if (other.used == 0) {
      return;
    }
    if (other.used <= SMALL_MERGE && other.used * 16 < used) {
      // A few buckets into many (an agent's summary of one second into a minute of an edge): a
      // binary search each, instead of walking all of this histogram's buckets twice.
      timed += other.timed;
      for (int j = 0; j < other.used; j++) {
        int pos = Arrays.binarySearch(buckets, 0, used, other.buckets[j]);
        if (pos >= 0) {
          counts[pos] += other.counts[j];
        } else {
          insert(-pos - 1, other.buckets[j], other.counts[j]);
        }
      }
      return;
    }
    timed += other.timed;
    int union = used + other.used; // an upper bound
    if (union > buckets.length) {
      int capacity = Math.max(union, buckets.length * 2);
      buckets = Arrays.copyOf(buckets, capacity);
      counts = Arrays.copyOf(counts, capacity);
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
   * Takes {@code other}'s latencies out of this, in place: the inverse of
   * {@link #mergeLatencies}, for sums kept running over a sliding range. Buckets that reach zero are
   * removed; a count {@code other} has that this lacks (it was never merged in) is ignored, and
   * the number of such calls returned.
   */
  protected long subtractLatencies(LatencyHistogram other) {
    long missing = 0;
    for (int j = 0; j < other.used; j++) {
      int pos = Arrays.binarySearch(buckets, 0, used, other.buckets[j]);
      long take = other.counts[j];
      if (pos < 0) {
        missing += take;
        continue;
      }
      long have = counts[pos];
      if (take > have) {
        missing += take - have;
        take = have;
      }
      counts[pos] = have - take;
      timed -= take;
    }
    int k = 0;
    for (int i = 0; i < used; i++) {
      if (counts[i] != 0) {
        buckets[k] = buckets[i];
        counts[k++] = counts[i];
      }
    }
    used = k;
    return missing;
  }

  /**
   * Sums many histograms at once: counts go into one dense array indexed by bucket, so a sum costs
   * one addition per recorded bucket instead of a sorted merge per operand. Reusable; not
   * thread-safe.
   */
  static final class DenseSum {
    private final long[] dense = new long[BUCKETS];
    private int distinct;
    private int lowest = Integer.MAX_VALUE;
    private int highest = -1;

    void add(LatencyHistogram h) {
      add(h, 1);
    }

    /**
     * Takes {@code h} out of the sum: a sum of a range of buckets kept running (a window that
     * slides) gives the buckets that left it back. Exact, since counts only add.
     */
    void subtract(LatencyHistogram h) {
      add(h, -1);
    }

    private void add(LatencyHistogram h, int sign) {
      if (h.used == 0) {
        return;
      }
      lowest = Math.min(lowest, h.buckets[0]);
      highest = Math.max(highest, h.buckets[h.used - 1]);
      for (int i = 0; i < h.used; i++) {
        long c = h.counts[i];
        if (c != 0) {
          int b = h.buckets[i];
          long before = dense[b];
          long after = before + sign * c;
          dense[b] = after;
          if (before == 0) {
            distinct++;
          } else if (after == 0) {
            distinct--;
          }
        }
      }
    }

    /**
     * Puts the sum into {@code target} (empty), and is empty again. A bucket that a subtraction took
     * below zero (what was subtracted had never been added) counts as empty.
     */
    void takeInto(LatencyHistogram target) {
      target.buckets = new int[Math.max(1, distinct)];
      target.counts = new long[target.buckets.length];
      int k = 0;
      long sum = 0;
      for (int b = lowest; b <= highest; b++) { // a few thousand buckets at most: cheaper than a sort
        long c = dense[b];
        if (c != 0) {
          dense[b] = 0;
          if (c > 0) {
            target.buckets[k] = b;
            target.counts[k++] = c;
            sum += c;
          }
        }
      }
      target.used = k;
      target.timed = sum;
      distinct = 0;
      lowest = Integer.MAX_VALUE;
      highest = -1;
    }
  }

  /**
   * Makes this (empty) histogram {@code base} plus {@code more} in one walk, into arrays of the
   * union's size: the cheapest way to add a small histogram to a copy of a large one.
   */
  protected void unionOf(LatencyHistogram base, LatencyHistogram more) {
    int[] b = new int[Math.max(1, base.used + more.used)];
    long[] c = new long[b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < base.used || j < more.used) {
      if (j >= more.used || (i < base.used && base.buckets[i] < more.buckets[j])) {
        b[k] = base.buckets[i];
        c[k++] = base.counts[i++];
      } else if (i >= base.used || more.buckets[j] < base.buckets[i]) {
        b[k] = more.buckets[j];
        c[k++] = more.counts[j++];
      } else {
        b[k] = base.buckets[i];
        c[k++] = base.counts[i++] + more.counts[j++];
      }
    }
    buckets = b;
    counts = c;
    used = k;
    timed = base.timed + more.timed;
  }

  /**
   * Takes {@code less} out of this in one walk (both sorted), the inverse of a merge: buckets that
   * reach zero go, and a count {@code less} has beyond this one's is ignored.
   */
  protected void subtractSorted(LatencyHistogram less) {
    int j = 0;
    int k = 0;
    for (int i = 0; i < used; i++) {
      long c = counts[i];
      while (j < less.used && less.buckets[j] < buckets[i]) {
        j++;
      }
      if (j < less.used && less.buckets[j] == buckets[i]) {
        long take = Math.min(c, less.counts[j++]);
        c -= take;
        timed -= take;
      }
      if (c != 0) {
        buckets[k] = buckets[i];
        counts[k++] = c;
      }
    }
    used = k;
  }

  /**
   * The latencies at several percentiles (ascending, 0-100) in one walk, as {@link #percentile}
   * gives each.
   */
  public long[] percentiles(double... ps) {
    long[] out = new long[ps.length];
    if (timed == 0) {
      return out;
    }
    long seen = 0;
    int i = 0;
    for (int p = 0; p < ps.length; p++) {
      long rank = Math.max(1, (long) Math.ceil(ps[p] / 100.0 * timed));
      while (i < used && seen + counts[i] < rank) {
        seen += counts[i++];
      }
      out[p] = highest(buckets[Math.min(i, used - 1)]);
    }
    return out;
  }

  /** The distinct latency buckets recorded. */
  protected int bucketsUsed() {
    return used;
  }

  /** Makes this (empty) histogram a copy of {@code other}'s latencies, trimmed to size. */
  protected void copyLatencies(LatencyHistogram other) {
    buckets = Arrays.copyOf(other.buckets, Math.max(1, other.used));
    counts = Arrays.copyOf(other.counts, buckets.length);
    used = other.used;
    timed = other.timed;
  }

  /** What the histogram's arrays take on the heap, in bytes. */
  protected long histogramBytes() {
    return 32 + buckets.length * 4L + counts.length * 8L;
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
   * The histogram for people: {@code binsPerDoubling} bins per power of two (the highest latency of
   * each bin, microseconds, and its count), empty bins between the first and the last included, so
   * it can be drawn as is.
   */
  public List<long[]> histogram(int binsPerDoubling) {
    List<long[]> bins = new ArrayList<>();
    if (used == 0) {
      return bins;
    }
    double perLog2 = binsPerDoubling;
    int first = -1;
    long[] current;
    for (int i = 0; i < used; i++) {
      long high = highest(buckets[i]);
      int bin = (int) Math.ceil(Math.log(Math.max(1, high + 1)) / Math.log(2) * perLog2);
      if (first < 0) {
        first = bin;
      }
      while (first + bins.size() <= bin) {
        int b = first + bins.size();
        bins.add(new long[] {(long) Math.ceil(Math.pow(2, b / perLog2)) - 1, 0});
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

  /** The histogram for storage: varints of the bucket count, then (bucket gap, count). */
  public byte[] encodedLatency() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4 + used * 3);
    varint(out, used);
    int previous = 0;
    for (int i = 0; i < used; i++) {
      varint(out, buckets[i] - previous);
      varint(out, counts[i]);
      previous = buckets[i];
    }
    return out.toByteArray();
  }

  /**
   * Reads {@link #encodedLatency()} into this empty histogram.
   *
   * @throws IllegalArgumentException when the bytes are not an encoded histogram
   */
  protected void decodeLatency(byte[] encoded) {
    int[] pos = {0};
    long n = readVarint(encoded, pos);
    if (n < 0 || n > 10_000) {
      throw new IllegalArgumentException("not an encoded latency histogram: " + n + " buckets");
    }
    int bucket = 0;
    for (long i = 0; i < n; i++) {
      long gap = readVarint(encoded, pos);
      bucket += (int) gap;
      long count = readVarint(encoded, pos);
      if ((i > 0 && gap == 0) || count < 0 || bucket < 0 || bucket >= BUCKETS) {
        throw new IllegalArgumentException("not an encoded latency histogram");
      }
      insert(used, bucket, count);
      timed += count;
    }
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
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
}
