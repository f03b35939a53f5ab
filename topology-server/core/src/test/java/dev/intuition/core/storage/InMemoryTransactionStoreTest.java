package dev.intuition.core.storage;

import dev.intuition.core.graph.Rollup;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

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

  @Test
  void storedMinutesStayWithinTheirBytesOldestGoingFirst() {
    InMemoryTransactionStore store = new InMemoryTransactionStore(10, Duration.ofDays(1),
        1 << 20, 1 << 20);
    java.time.Instant t0 = java.time.Instant.parse("2026-11-30T00:00:00Z");
    for (int m = 0; m < 200; m++) {
      java.util.List<Rollup.EdgeStats> edges = new java.util.ArrayList<>();
      for (int e = 0; e < 100; e++) {
        dev.intuition.wire.stats.CallStats s = new dev.intuition.wire.stats.CallStats();
        s.add(new dev.intuition.decoder.Transaction(dev.intuition.decoder.Protocol.HTTP,
            new dev.intuition.decoder.Endpoint("10.0.0.1", 1),
            new dev.intuition.decoder.Endpoint("10.0.0.2", 80), t0, t0, 100L + e, "GET", "/",
            null, "200", dev.intuition.decoder.Outcome.OK, 1, 1, null, null, null, null,
            java.util.List.of(), null, null, "a", "b", "server"));
        edges.add(new Rollup.EdgeStats("a" + e, "b", "http", false, s));
      }
      store.addRollup(new Rollup(t0.plusSeconds(60L * m), edges, java.util.List.of()));
      assertTrue(store.rollupBytes() <= 1 << 20, "minute " + m + ": " + store.rollupBytes());
    }
    assertTrue(store.status().lost() > 0, "what went is counted");
    assertEquals(t0.plusSeconds(60L * 199), store.rollups(t0, t0.plusSeconds(60L * 200))
        .get(store.rollups(t0, t0.plusSeconds(60L * 200)).size() - 1).start(), "the newest stay");
    assertTrue(store.oldest().isAfter(t0), "the oldest went");
  }
}
