package dev.intuition.server.storage;

import dev.intuition.decoder.Transaction;
import java.util.ArrayList;
import java.util.List;

/**
 * The default store: the most recent {@code capacity} transactions in a ring, the oldest overwritten
 * first, so memory is bounded whatever the traffic. Queries scan from the newest. Thread-safe.
 */
public final class InMemoryTransactionStore implements TransactionStore {
  private final Transaction[] ring;
  private long written;

  public InMemoryTransactionStore(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.ring = new Transaction[capacity];
  }

  @Override
  public synchronized void add(List<Transaction> batch) {
    for (Transaction t : batch) {
      ring[(int) (written++ % ring.length)] = t;
    }
  }

  @Override
  public synchronized List<Transaction> find(TransactionQuery query) {
    List<Transaction> out = new ArrayList<>(Math.min(query.limit(), 256));
    long held = Math.min(written, ring.length);
    for (long i = 0; i < held && out.size() < query.limit(); i++) {
      Transaction t = ring[(int) ((written - 1 - i) % ring.length)];
      if (query.matches(t)) {
        out.add(t);
      }
    }
    // Arrival order is close to time order but not exactly (agents batch): sort what was found.
    out.sort((a, b) -> {
      var ta = TransactionQuery.time(a);
      var tb = TransactionQuery.time(b);
      return ta == null || tb == null ? 0 : tb.compareTo(ta);
    });
    return out;
  }

  @Override
  public synchronized long size() {
    return Math.min(written, ring.length);
  }
}
