package dev.intuition.server.storage;

import dev.intuition.decoder.Transaction;
import java.util.List;

/**
 * Where transactions are kept for drill-down (the failing and slowest requests of an edge). One small
 * interface with one implementation per technology, each passing the same contract suite: in memory
 * (the default) and Elasticsearch.
 */
public interface TransactionStore {
  void add(List<Transaction> batch);

  /** Newest first. */
  List<Transaction> find(TransactionQuery query);

  /** Transactions held now. */
  long size();
}
