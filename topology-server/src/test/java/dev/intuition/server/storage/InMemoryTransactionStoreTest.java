package dev.intuition.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryTransactionStoreTest extends TransactionStoreContract {
  @Override
  protected TransactionStore newStore() {
    return new InMemoryTransactionStore(1000);
  }

  @Test
  void boundedRing_keepsTheNewest() {
    InMemoryTransactionStore small = new InMemoryTransactionStore(10);
    for (int i = 0; i < 25; i++) {
      small.add(List.of(tx(i, "a", "b", Protocol.HTTP, Outcome.OK, 1)));
    }
    assertEquals(10, small.size());
    assertEquals(List.of(24, 23, 22), small.find(TransactionQuery.newest(3)).stream()
        .map(t -> Integer.parseInt(t.resource().substring(1))).toList());
    assertEquals(10, small.find(TransactionQuery.newest(100)).size());
  }
}
