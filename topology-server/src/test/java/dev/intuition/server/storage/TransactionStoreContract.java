package dev.intuition.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TransactionStore} must do, whatever its technology: one suite, a short subclass per
 * backend (in memory here; Elasticsearch next).
 */
public abstract class TransactionStoreContract {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  protected TransactionStore store;

  /** A new, empty store. */
  protected abstract TransactionStore newStore();

  /** Makes what was added visible to queries (a refresh where the backend needs one). */
  protected void settle() {}

  static Transaction tx(int i, String client, String server, Protocol p, Outcome o, long micros) {
    Instant end = T0.plusSeconds(i);
    return new Transaction(p, new Endpoint("10.0.0.1", 40000 + i), new Endpoint("10.0.0.2", 80),
        end.minusNanos(micros * 1000), end, micros, "GET", "/" + i, "GET /" + i,
        o == Outcome.ERROR ? "500" : "200", o, 10, 20, null, null, null, null, List.of(),
        client + "-1", server + "-1", client, server, "server");
  }

  @BeforeEach
  void fill() {
    store = newStore();
    List<Transaction> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(tx(i, "web", i % 2 == 0 ? "api" : "db", i % 2 == 0 ? Protocol.HTTP
          : Protocol.POSTGRESQL, i % 10 == 0 ? Outcome.ERROR : Outcome.OK, 1000L * i));
    }
    store.add(batch);
    settle();
  }

  @Test
  void newestFirstAndLimited() {
    List<Transaction> found = store.find(TransactionQuery.newest(5));
    assertEquals(5, found.size());
    assertEquals(T0.plusSeconds(99), found.get(0).end());
    for (int i = 1; i < found.size(); i++) {
      assertTrue(found.get(i - 1).end().isAfter(found.get(i).end()));
    }
  }

  @Test
  void theFailingRequestsOfAnEdge() {
    List<Transaction> found = store.find(new TransactionQuery("web", "api", Protocol.HTTP,
        Outcome.ERROR, null, null, null, 100));
    assertEquals(List.of(90, 80, 70, 60, 50, 40, 30, 20, 10, 0), found.stream()
        .map(t -> Integer.parseInt(t.resource().substring(1))).toList());
  }

  @Test
  void theSlowestAndATimeRange() {
    List<Transaction> slow = store.find(new TransactionQuery(null, "db", null, null, 90_000L,
        null, null, 100));
    assertEquals(List.of(99, 97, 95, 93, 91), slow.stream()
        .map(t -> Integer.parseInt(t.resource().substring(1))).toList());
    List<Transaction> range = store.find(new TransactionQuery(null, null, null, null, null,
        T0.plusSeconds(10), T0.plusSeconds(20), 100));
    assertEquals(10, range.size(), "from is inclusive, to exclusive");
  }

  @Test
  void sizeCountsWhatIsHeld() {
    assertEquals(100, store.size());
  }
}
