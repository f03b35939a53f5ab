package dev.intuition.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.intuition.core.storage.TransactionQuery;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import dev.intuition.core.storage.TransactionStore;
import dev.intuition.core.storage.TransactionStoreContract;
import dev.intuition.testsupport.es.TestElasticsearch;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The contract against a real Elasticsearch 8.19 node, started in a child JVM for this class. */
@Tag("elasticsearch")
class ElasticsearchTransactionStoreTest extends TransactionStoreContract {
  private static TestElasticsearch es;
  private static final AtomicInteger prefixes = new AtomicInteger();

  @BeforeAll
  static void startNode() throws Exception {
    es = TestElasticsearch.start(Files.createTempDirectory("intuition-es-contract"));
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (es != null) {
      es.close();
    }
  }

  @Override
  protected TransactionStore newStore() {
    // A prefix per test: every test starts with no indices of its own.
    return new ElasticsearchTransactionStore(new ElasticsearchTransactionStore.Settings(es.url(),
        null, null, null, "contract" + prefixes.incrementAndGet(), RETENTION, 1, 0, 10_000, 500,
        Duration.ofMillis(100), Duration.ofSeconds(1)));
  }

  @Test
  void theSameCallWrittenTwiceIsOneDocument() {
    // As a retry, or a second server replica given the same sample, would write it.
    List<Transaction> again = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      again.add(tx(i, "web", i % 2 == 0 ? "api" : "db", i % 2 == 0 ? Protocol.HTTP
          : Protocol.POSTGRESQL, i % 10 == 0 ? Outcome.ERROR : Outcome.OK, 1000L * i));
    }
    store.add(again);
    store.add(again);
    store.flush();
    assertEquals(100, store.find(TransactionQuery.newest(1000)).size(),
        "the 100 calls of the fixture, its first ten written twice more");
    assertEquals(ElasticsearchTransactionStore.transactionId(again.get(3)),
        ElasticsearchTransactionStore.transactionId(again.get(3)));
    assertNotEquals(ElasticsearchTransactionStore.transactionId(again.get(3)),
        ElasticsearchTransactionStore.transactionId(again.get(4)));
  }
}
