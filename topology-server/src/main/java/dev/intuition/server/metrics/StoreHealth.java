package dev.intuition.server.metrics;

import dev.intuition.core.storage.TransactionStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * The store in {@code /actuator/health}: UP while it writes; DEGRADED (still HTTP 200: the live graph
 * and ingest go on, so an orchestrator must not restart the server for it) while Elasticsearch is
 * away, with what is pending and what was lost.
 */
public final class StoreHealth implements HealthIndicator {
  public static final Status DEGRADED = new Status("DEGRADED",
      "storage unreachable: the live graph goes on, writes are buffered");

  private final TransactionStore store;

  public StoreHealth(TransactionStore store) {
    this.store = store;
  }

  @Override
  public Health health() {
    TransactionStore.StoreStatus s = store.status();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("type", s.type());
    details.put("written", s.written());
    details.put("pending", s.pending());
    details.put("lost", s.lost());
    details.put("retries", s.retries());
    if (s.lastError() != null) {
      details.put("lastError", s.lastError());
    }
    return Health.status(s.up() ? Status.UP : DEGRADED).withDetails(details).build();
  }
}
