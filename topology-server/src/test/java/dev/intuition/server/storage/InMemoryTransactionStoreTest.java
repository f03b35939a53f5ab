package dev.intuition.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryTransactionStoreTest extends TransactionStoreContract {
  @Override
  protected TransactionStore newStore() {
    return new InMemoryTransactionStore(1000, RETENTION);
  }

  @Test
  void boundedRingKeepsTheNewest() {
    InMemoryTransactionStore small = new InMemoryTransactionStore(10, RETENTION);
    List<Transaction> batch = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      batch.add(tx(i, "a", "b", Protocol.HTTP, Outcome.OK, 1));
    }
    small.add(batch);
    assertEquals(10, small.size());
    assertEquals(T0.plusSeconds(24), small.find(TransactionQuery.newest(1)).get(0).end());
    assertEquals(10, small.find(TransactionQuery.newest(100)).size());
  }
}
