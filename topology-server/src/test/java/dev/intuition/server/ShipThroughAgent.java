package dev.intuition.server;

import dev.intuition.agent.ship.Shipper;
import dev.intuition.decoder.Transaction;
import dev.intuition.server.ingest.IngestController;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Sends transactions to a test server through the agent's real Shipper, as an agent would. */
final class ShipThroughAgent {
  private ShipThroughAgent() {}

  /** Returns how many the server counted, after waiting (at most 20 s) for all of them. */
  static long ship(int port, String token, List<Transaction> transactions,
      IngestController ingest) throws Exception {
    return ship(port, token, transactions, ingest, java.time.Clock.systemUTC());
  }

  /** @param clock the agent's clock, as the server's is in the test */
  static long ship(int port, String token, List<Transaction> transactions,
      IngestController ingest, java.time.Clock clock) throws Exception {
    long before = ingest.ingester().transactions();
    try (Shipper s = new Shipper(new Shipper.Settings(URI.create("http://127.0.0.1:" + port),
        token, 100_000, 500, Duration.ofMillis(50), Duration.ofSeconds(5)),
        new dev.intuition.wire.AgentIdentity("test", null, null), null, clock).start()) {
      transactions.forEach(s::offer);
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (ingest.ingester().transactions() - before < transactions.size()
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }
    return ingest.ingester().transactions() - before;
  }
}
