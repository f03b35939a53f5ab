package dev.intuition.server.storage;

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

}
