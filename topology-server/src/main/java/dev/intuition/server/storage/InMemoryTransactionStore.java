package dev.intuition.server.storage;

import dev.intuition.decoder.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The default store: the most recent {@code capacity} transactions in a ring, the oldest overwritten
 * first, and the per-minute graph statistics of the last {@code retention}, so memory is bounded
 * whatever the traffic. Queries scan from the newest. Thread-safe.
 */
public final class InMemoryTransactionStore implements TransactionStore {
  private final Transaction[] ring;
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
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive");
    }
    this.ring = new Transaction[capacity];
    this.retention = retention;
  }

  @Override
  public synchronized void add(List<Transaction> batch) {
    for (Transaction t : batch) {
      ring[(int) (written++ % ring.length)] = t;
    }
  }

  @Override
  public synchronized List<Transaction> find(TransactionQuery query) {
    long held = Math.min(written, ring.length);
    if (query.slowestFirst()) { // every match is a candidate: keep the slowest in a bounded heap
      java.util.Comparator<Transaction> order = query.order();
      java.util.PriorityQueue<Transaction> slowest = new java.util.PriorityQueue<>(
          Math.min(query.limit(), 1024), order.reversed());
      for (long i = 0; i < held; i++) {
        Transaction t = ring[(int) ((written - 1 - i) % ring.length)];
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
      Transaction t = ring[(int) ((written - 1 - i) % ring.length)];
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
    // A bound that holds even if nobody calls expire: a minute per minute of retention, plus parts.
    long max = retention.toMinutes() + 60;
    while (rollups.size() > max) {
      rollupsDropped += rollups.pollFirstEntry().getValue().size();
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
    rollups.headMap(cutoff, false).clear();
  }

  @Override
  public void flush() {
    // Writes are synchronous.
  }

  @Override
  public synchronized StoreStatus status() {
    return new StoreStatus("memory", true, Math.min(written, ring.length), written, 0,
        rollupsDropped, 0, null);
  }

  @Override
  public void close() {}

  /** Transactions held now. */
  public synchronized long size() {
    return Math.min(written, ring.length);
  }
}
