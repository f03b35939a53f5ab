package dev.intuition.server.metrics;

import dev.intuition.decoder.Transaction;
import dev.intuition.server.graph.EndpointNames;
import dev.intuition.server.graph.Graph;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-edge metrics for {@code /actuator/prometheus}: {@code intuition_edge_requests_total} by client,
 * server, protocol and outcome (errors are {@code outcome="error"}), counted at ingest; and
 * {@code intuition_edge_latency_seconds} by the same edge and {@code quantile} (0.5, 0.95, 0.99),
 * the exact percentiles of the last minute, refreshed by {@link #refresh}. Series are capped at
 * {@code maxEdges} edges: calls on further edges are counted under {@code server="_other"}, so a
 * scan of many addresses cannot grow the registry without bound.
 */
public final class EdgeMetrics {
  private record Key(String client, String server, String protocol, String outcome) {}

  private final MeterRegistry registry;
  private final int maxEdges;
  private final ConcurrentHashMap<Key, Counter> counters = new ConcurrentHashMap<>();
  private final MultiGauge latency;

  public EdgeMetrics(MeterRegistry registry, int maxEdges) {
    this.registry = registry;
    this.maxEdges = maxEdges;
    this.latency = MultiGauge.builder("intuition.edge.latency")
        .description("Latency percentiles of the calls of the last minute, per edge")
        .baseUnit("seconds").register(registry);
  }

  public void record(Transaction t) {
    Key key = new Key(EndpointNames.client(t), EndpointNames.server(t), t.protocol().wireName(),
        t.outcome().wireName());
    Counter c = counters.get(key);
    if (c == null) {
      if (counters.size() >= maxEdges * 3) {
        key = new Key(key.client(), "_other", key.protocol(), key.outcome());
      }
      Key k = key;
      c = counters.computeIfAbsent(k, x -> Counter.builder("intuition.edge.requests")
          .description("Calls per edge and outcome")
          .tags("client", x.client(), "server", x.server(), "protocol", x.protocol(),
              "outcome", x.outcome())
          .register(registry));
    }
    c.increment();
  }

  /** Publishes the latency percentiles of {@code lastMinute} (the live graph of the last 60 s). */
  public void refresh(Graph lastMinute) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    int n = 0;
    for (Graph.Edge e : lastMinute.edges()) {
      if (e.calls().total() == 0 || n++ >= maxEdges) {
        continue;
      }
      Tags tags = Tags.of("client", e.client(), "server", e.server(), "protocol", e.protocol());
      rows.add(MultiGauge.Row.of(tags.and("quantile", "0.5"), e.calls().p50Micros() / 1e6));
      rows.add(MultiGauge.Row.of(tags.and("quantile", "0.95"), e.calls().p95Micros() / 1e6));
      rows.add(MultiGauge.Row.of(tags.and("quantile", "0.99"), e.calls().p99Micros() / 1e6));
    }
    latency.register(rows, true);
  }
}
