package dev.intuition.core.storage;

import dev.intuition.core.graph.Rollup;
import dev.intuition.core.graph.RollupHistory;
import dev.intuition.decoder.Transaction;
import java.time.Instant;
import java.util.List;

/**
 * Where transactions (for drill-down: the failing and slowest requests of an edge) and per-minute
 * graph statistics (for history beyond what the live graph keeps) are stored. One small interface with
 * one implementation per technology, each passing the same contract suite: in memory (the default) and
 * Elasticsearch. Writes may be buffered; {@link #flush} waits for them. A store that cannot write
 * counts what it loses and reports it in {@link #status}; it never blocks ingest.
 */
public interface TransactionStore extends RollupHistory, AutoCloseable {
  void add(List<Transaction> batch);

  /** Newest first. */
  List<Transaction> find(TransactionQuery query);

  @Override
  void addRollup(Rollup rollup);

  @Override
  List<Rollup> rollups(Instant from, Instant to);

  /** The start of the oldest stored minute, or null when none is stored (or it cannot be told). */
  Instant oldest();

  /** How long minutes and transactions are kept. */
  java.time.Duration retention();

  /** Deletes what is older than the retention, as of {@code now}. */
  void expire(Instant now);

  /** Waits until everything added so far is written, or has failed and been counted as lost. */
  void flush();

  StoreStatus status();

  @Override
  void close();

  /**
   * @param type {@code memory} or {@code elasticsearch}
   * @param up whether the last write or read reached the storage
   * @param held transactions held now (-1 when the storage cannot tell cheaply)
   * @param written transactions written
   * @param pending transactions (and rollups) waiting in the write buffer
   * @param lost transactions (and rollups) dropped: buffer full, or retries exhausted
   * @param retries write attempts that failed and were retried
   * @param lastError the last failure, or null
   */
  record StoreStatus(String type, boolean up, long held, long written, long pending, long lost,
      long retries, String lastError) {}
}
