package dev.intuition.core.storage;

import dev.intuition.core.graph.Rollup;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.wire.stats.CallStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TransactionStore} must do, whatever its technology: one suite, a short subclass per
 * backend (in memory, and a real Elasticsearch node).
 */
public abstract class TransactionStoreContract {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  /** Every store under test keeps 7 days. */
  protected static final Duration RETENTION = Duration.ofDays(7);
  protected TransactionStore store;

  /** A new, empty store with a retention of {@link #RETENTION}. */
  protected abstract TransactionStore newStore();

  protected static Transaction tx(int i, String client, String server, Protocol p, Outcome o,
      long micros) {
    return tx(T0.plusSeconds(i), i, client, server, p, o, micros);
  }

  static Transaction tx(Instant end, int i, String client, String server, Protocol p, Outcome o,
      long micros) {
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
    store.flush();
  }

  @AfterEach
  void close() {
    store.close();
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
  void aTransactionComesBackAsItWent() {
    Transaction sent = tx(99, "web", "db", Protocol.POSTGRESQL, Outcome.OK, 99_000);
    assertEquals(sent, store.find(TransactionQuery.newest(1)).get(0));
  }

  @Test
  void theFailingRequestsOfAnEdge() {
    List<Transaction> found = store.find(new TransactionQuery("web", "api", Protocol.HTTP,
        Outcome.ERROR, null, null, null, 100));
    assertEquals(List.of(90, 80, 70, 60, 50, 40, 30, 20, 10, 0), found.stream()
        .map(t -> Integer.parseInt(t.resource().substring(1))).toList());
  }

  @Test
  void theCallsOfOneEndpoint() {
    List<Transaction> found = store.find(new TransactionQuery("web", null, null, null, null,
        null, null, 100, false, "GET /{id}"));
    assertEquals(50, found.size(), "the HTTP calls: /0, /2, ... are one templated route");
    assertTrue(found.stream().allMatch(t -> t.protocol() == Protocol.HTTP));
    assertEquals(0, store.find(new TransactionQuery(null, null, null, null, null, null, null, 100,
        false, "GET /orders/{id}")).size());
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
  void theSlowestFirst() {
    store.add(List.of(new Transaction(Protocol.POSTGRESQL, new Endpoint("10.0.0.1", 1),
        new Endpoint("10.0.0.2", 5432), T0.plusSeconds(150), null, null, "SELECT", "t", null,
        null, Outcome.ERROR, 10, 0, null, null, null, null, List.of(), "web-1", "db-1", "web", "db",
        "server"))); // no reply: after every timed call
    store.flush();
    List<Transaction> slowest = store.find(new TransactionQuery("web", "db", null, null, null,
        null, null, 4, true));
    assertEquals(List.of("/99", "/97", "/95", "/93"), slowest.stream().map(Transaction::resource)
        .toList());
    List<Transaction> all = store.find(new TransactionQuery("web", "db", null, null, null, null,
        null, 100, true));
    assertEquals(51, all.size());
    assertEquals("t", all.get(50).resource(), "the call with no reply comes last");
  }

  @Test
  void theOldestStoredMinute() {
    assertEquals(null, store.oldest());
    Instant m0 = T0.plusSeconds(3600);
    store.addRollup(minute(m0.plusSeconds(60), 1));
    store.addRollup(minute(m0, 0));
    store.flush();
    assertEquals(m0, store.oldest());
    assertEquals(RETENTION, store.retention());
  }

  @Test
  void externalAndUnknownEndsAreFoundByTheirGraphNames() {
    Transaction t = new Transaction(Protocol.HTTP, new Endpoint("203.0.113.9", 5555),
        new Endpoint("198.51.100.7", 443), T0.plusSeconds(200), T0.plusSeconds(201), 1_000_000L,
        "GET", "/x", null, "200", Outcome.OK, 1, 2, null, "payments.example.com", null, null,
        List.of(), null, null, null, null, "client");
    store.add(List.of(t));
    store.flush();
    List<Transaction> found = store.find(new TransactionQuery("INTERNET", "payments.example.com",
        null, null, null, null, null, 10));
    assertEquals(List.of(t), found);
  }

  @Test
  void statusCountsWhatWasWritten() {
    TransactionStore.StoreStatus s = store.status();
    assertTrue(s.up());
    assertEquals(100, s.written());
    assertEquals(0, s.pending());
    assertEquals(0, s.lost());
  }

  static CallStats stats(int seed, int calls) {
    CallStats s = new CallStats();
    for (int i = 0; i < calls; i++) {
      s.add(tx(i, "a", "b", Protocol.HTTP, i % 7 == seed % 7 ? Outcome.ERROR : Outcome.OK,
          100L * (i + 1) * (seed + 1)));
    }
    return s;
  }

  static Rollup minute(Instant start, int seed) {
    return new Rollup(start, List.of(
        new Rollup.EdgeStats("web", "api", "http", false, stats(seed, 50)),
        new Rollup.EdgeStats("api", "payments.example.com", "http", true, stats(seed + 1, 20))),
        List.of(new Rollup.NodeStats("api", "api-1", stats(seed, 50)),
            new Rollup.NodeStats("api", null, stats(seed, 50))));
  }

  @Test
  void minutesComeBackWithExactStatistics() {
    Instant m0 = T0.plusSeconds(3600);
    store.addRollup(minute(m0, 0));
    store.addRollup(minute(m0.plusSeconds(60), 1));
    store.addRollup(minute(m0.plusSeconds(60), 2)); // a late supplement for the same minute
    store.addRollup(minute(m0.plusSeconds(120), 3));
    store.flush();
    List<Rollup> read = store.rollups(m0, m0.plusSeconds(120));
    CallStats webApi = new CallStats();
    CallStats expected = new CallStats();
    int edges = 0;
    for (Rollup r : read) {
      assertTrue(!r.start().isBefore(m0) && r.start().isBefore(m0.plusSeconds(120)));
      for (Rollup.EdgeStats e : r.edges()) {
        edges++;
        if (e.client().equals("web")) {
          webApi.merge(e.stats());
          assertTrue(!e.external());
        } else {
          assertTrue(e.external(), "an external edge stays external");
        }
      }
    }
    assertEquals(6, edges, "two minutes, one of them in two parts, two edges each");
    for (int seed = 0; seed < 3; seed++) {
      expected.merge(stats(seed, 50));
    }
    assertEquals(expected.count(), webApi.count());
    assertEquals(expected.error(), webApi.error());
    assertEquals(expected.requestBytes(), webApi.requestBytes());
    for (double p : new double[] {50, 95, 99, 100}) {
      assertEquals(expected.percentile(p), webApi.percentile(p), "p" + p);
    }
  }

  @Test
  void retentionDeletesWhatIsTooOld() {
    Instant now = T0.plus(Duration.ofDays(30));
    Instant old = now.minus(RETENTION).minus(Duration.ofDays(2));
    store.addRollup(minute(old, 0));
    store.addRollup(minute(now.minusSeconds(120), 1));
    store.add(List.of(tx(old, 7, "web", "api", Protocol.HTTP, Outcome.OK, 10),
        tx(now.minusSeconds(60), 8, "web", "api", Protocol.HTTP, Outcome.OK, 10)));
    store.flush();
    store.expire(now);
    store.flush();
    assertEquals(1, store.rollups(old.minusSeconds(1), now).size());
    List<Transaction> left = store.find(new TransactionQuery(null, null, null, null, null,
        old.minusSeconds(1), now, 100));
    assertEquals(List.of(now.minusSeconds(60)), left.stream().map(Transaction::end).toList());
  }
}
