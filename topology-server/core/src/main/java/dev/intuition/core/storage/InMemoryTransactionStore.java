package dev.intuition.core.storage;

import dev.intuition.core.graph.Rollup;
import dev.intuition.decoder.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The default store: the most recent {@code capacity} transactions in a ring, the oldest overwritten
 * first, and no more than {@code maxBytes} of them (an estimate of their heap size: long queries take
 * more room), and the per-minute graph statistics of the last {@code retention}, no more than
 * {@code maxRollupBytes} of them (the oldest minutes go first), so memory is bounded whatever the
 * traffic. Queries scan from the newest. Everything is lost when the server stops
 * (Elasticsearch keeps it). Thread-safe.
 */
public final class InMemoryTransactionStore implements TransactionStore {
  /** The default of {@code maxBytes}: 128 MiB. */
  /** Transactions kept, by default. */
  public static final int DEFAULT_CAPACITY = 100_000;
  public static final long DEFAULT_MAX_BYTES = 128L << 20;
  /** The default of {@code maxRollupBytes}: 128 MiB. */
  public static final long DEFAULT_MAX_ROLLUP_BYTES = 128L << 20;

  private final Transaction[] ring;
  private final int[] sizes;
  private final long maxBytes;
  private int newest = -1; // index of the newest transaction
  private int count;
  private long bytes;
  private long evictedForBytes;
  private final long maxRollupBytes;
  private long rollupBytes;
  private final Duration retention;
  private final TreeMap<Instant, List<Rollup>> rollups = new TreeMap<>();
  private long written;
  private long rollupsDropped;
  /** Transactions older than this are past retention: queries no longer return them. */
  private Instant cutoff = Instant.MIN;

  public InMemoryTransactionStore(int capacity) {
    this(capacity, Duration.ofHours(24));
  }

  public InMemoryTransactionStore(int capacity, Duration retention) {
    this(capacity, retention, DEFAULT_MAX_BYTES);
  }

  public InMemoryTransactionStore(int capacity, Duration retention, long maxBytes) {
    this(capacity, retention, maxBytes, DEFAULT_MAX_ROLLUP_BYTES);
  }

  public InMemoryTransactionStore(int capacity, Duration retention, long maxBytes,
      long maxRollupBytes) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive");
    }
    if (maxBytes < 1 << 20) {
      throw new IllegalArgumentException("the store's byte limit must be at least 1 MiB");
    }
    this.ring = new Transaction[capacity];
    this.sizes = new int[capacity];
    this.retention = retention;
    this.maxBytes = maxBytes;
    this.maxRollupBytes = maxRollupBytes;
  }

  @Override
  public synchronized void add(List<Transaction> batch) {
    for (Transaction t : batch) {
      int size = size(t);
      while (count > 0 && (count == ring.length || bytes + size > maxBytes)) {
        int oldest = index(count - 1);
        if (count < ring.length) {
          evictedForBytes++;
        }
        bytes -= sizes[oldest];
        ring[oldest] = null;
        count--;
      }
      newest = (newest + 1) % ring.length;
      ring[newest] = t;
      sizes[newest] = size;
      bytes += size;
      count++;
      written++;
    }
  }

  /** The ring index of the transaction {@code age} places before the newest. */
  private int index(long age) {
    return (int) Math.floorMod(newest - age, (long) ring.length);
  }

  /** About what a transaction takes on the heap: the record, its objects and its texts. */
  static int size(Transaction t) {
    long n = 320 + text(t.method()) + text(t.resource()) + text(t.query()) + text(t.status())
        + text(t.host()) + text(t.forwardedFor()) + text(t.params()) + text(t.clientContainer())
        + text(t.serverContainer()) + text(t.clientService()) + text(t.serverService())
        + text(t.observedAt());
    for (String note : t.notes()) {
      n += 8 + text(note);
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static long text(String s) {
    return s == null ? 0 : 48 + 2L * s.length(); // shared interned texts are counted as copies
  }

  @Override
  public synchronized List<Transaction> find(TransactionQuery query) {
    long held = count;
    if (query.slowestFirst()) { // every match is a candidate: keep the slowest in a bounded heap
      java.util.Comparator<Transaction> order = query.order();
      java.util.PriorityQueue<Transaction> slowest = new java.util.PriorityQueue<>(
          Math.min(query.limit(), 1024), order.reversed());
      for (long i = 0; i < held; i++) {
        Transaction t = ring[index(i)];
        Instant at = TransactionQuery.time(t);
        if (query.matches(t) && (at == null || !at.isBefore(cutoff))) {
          slowest.add(t);
          if (slowest.size() > query.limit()) {
            slowest.poll();
          }
        }
      }
      List<Transaction> out = new ArrayList<>(slowest);
      out.sort(order);
      return out;
    }
    List<Transaction> out = new ArrayList<>(Math.min(query.limit(), 256));
    for (long i = 0; i < held && out.size() < query.limit(); i++) {
      Transaction t = ring[index(i)];
      Instant at = TransactionQuery.time(t);
      if (query.matches(t) && (at == null || !at.isBefore(cutoff))) {
        out.add(t);
      }
    }
    // Arrival order is close to time order but not exactly (agents batch): sort what was found.
    out.sort(query.order());
    return out;
  }

  @Override
  public synchronized Instant oldest() {
    return rollups.isEmpty() ? null : rollups.firstKey();
  }

  @Override
  public Duration retention() {
    return retention;
  }

  @Override
  public synchronized void addRollup(Rollup rollup) {
    rollups.computeIfAbsent(rollup.start(), k -> new ArrayList<>(1)).add(rollup);
    rollupBytes += rollup.estimatedBytes();
    // Bounds that hold even if nobody calls expire: a minute per minute of retention, plus parts;
    // and the bytes.
    long max = retention.toMinutes() + 60;
    while (rollups.size() > max || (rollupBytes > maxRollupBytes && rollups.size() > 1)) {
      List<Rollup> dropped = rollups.pollFirstEntry().getValue();
      rollupsDropped += dropped.size();
      dropped.forEach(r -> rollupBytes -= r.estimatedBytes());
    }
  }

  @Override
  public synchronized List<Rollup> rollups(Instant from, Instant to) {
    List<Rollup> out = new ArrayList<>();
    for (Map.Entry<Instant, List<Rollup>> e : rollups.subMap(from, true, to, false).entrySet()) {
      out.addAll(e.getValue());
    }
    return out;
  }

  @Override
  public synchronized void expire(Instant now) {
    cutoff = now.minus(retention);
    var old = rollups.headMap(cutoff, false);
    old.values().forEach(list -> list.forEach(r -> rollupBytes -= r.estimatedBytes()));
    old.clear();
  }

  @Override
  public void flush() {
    // Writes are synchronous.
  }

  @Override
  public synchronized StoreStatus status() {
    return new StoreStatus("memory", true, count, written, 0, rollupsDropped, 0, null);
  }

  @Override
  public void close() {}

  /** Transactions held now. */
  public synchronized long size() {
    return count;
  }

  /** The estimated bytes of the transactions held now (at most {@code maxBytes}). */
  public synchronized long bytes() {
    return bytes;
  }

  /** The estimated bytes of the stored minutes (at most {@code maxRollupBytes}). */
  public synchronized long rollupBytes() {
    return rollupBytes;
  }

  /** Transactions evicted before their turn because the byte limit was reached. */
  public synchronized long evictedForBytes() {
    return evictedForBytes;
  }
}
