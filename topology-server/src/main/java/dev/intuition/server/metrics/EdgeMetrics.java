package dev.intuition.server.metrics;

import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Transaction;
import dev.intuition.wire.stats.CallStats;
import dev.intuition.core.graph.EndpointNames;
import dev.intuition.core.graph.Graph;
import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.core.metrics.Metrics;
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
 * {@code maxEdges} edges: calls on further edges are counted under {@code client="(other)",
 * server="(other)"}, so a scan of many addresses or names cannot grow the registry without bound.
 * Per-agent gauges ({@link #agentGauge}) are capped at {@link #MAX_AGENT_SERIES} agents.
 */
public final class EdgeMetrics implements Metrics {
  private record Key(String client, String server, String protocol, String outcome) {}

  private final MeterRegistry registry;
  private final int maxEdges;
  private final ConcurrentHashMap<Key, Counter> counters = new ConcurrentHashMap<>();
  private final MultiGauge latency;
  static final int MAX_AGENT_SERIES = 1000;
  private final java.util.Set<String> agentSeries = ConcurrentHashMap.newKeySet();
  private final java.util.Queue<Object> counted = new java.util.concurrent.ConcurrentLinkedQueue<>();

  public EdgeMetrics(MeterRegistry registry, int maxEdges) {
    this.registry = registry;
    this.maxEdges = maxEdges;
    this.latency = MultiGauge.builder("intuition.edge.latency")
        .description("Latency percentiles of the calls of the last minute, per edge")
        .baseUnit("seconds").register(registry);
  }

  @Override
  public void record(Transaction t) {
    counter(EndpointNames.client(t), EndpointNames.server(t), t.protocol().wireName(),
        t.outcome().wireName()).increment();
  }

  @Override
  public void record(GraphAggregator.Calls calls) {
    String protocol = calls.protocol().wireName();
    CallStats s = calls.stats();
    for (Outcome o : Outcome.values()) {
      long n = s.count(o);
      if (n > 0) {
        counter(calls.client(), calls.server(), protocol, o.wireName()).increment(n);
      }
    }
  }

  private Counter counter(String client, String server, String protocol, String outcome) {
    Key key = new Key(client, server, protocol, outcome);
    Counter c = counters.get(key);
    if (c == null) {
      if (counters.size() >= maxEdges * 3) {
        key = new Key(GraphAggregator.OTHER, GraphAggregator.OTHER, key.protocol(),
            key.outcome());
      }
      Key k = key;
      c = counters.computeIfAbsent(k, x -> Counter.builder("intuition.edge.requests")
          .description("Calls per edge and outcome")
          .tags("client", x.client(), "server", x.server(), "protocol", x.protocol(),
              "outcome", x.outcome())
          .register(registry));
    }
    return c;
  }

  /**
   * A series of one agent (its clock offset as a gauge; the calls kept out because of its clock as a
   * counter), registered once per agent, name and tag; beyond {@link #MAX_AGENT_SERIES} agents none
   * are added.
   */
  @Override
  public void agentSeries(String agent, String host, String name, String description,
      String tag, String tagValue, java.util.function.Supplier<Number> value, boolean counter) {
    String key = agent + '\u0000' + name + '\u0000' + tagValue;
    if (agentSeries.contains(key) || agentSeries.size() >= MAX_AGENT_SERIES * 4
        || !agentSeries.add(key)) {
      return;
    }
    Tags tags = Tags.of("agent", agent, "host", host == null ? agent : host);
    if (tag != null) {
      tags = tags.and(tag, tagValue);
    }
    java.util.function.ToDoubleFunction<java.util.function.Supplier<Number>> read = v -> {
      Number n = v.get();
      return n == null ? Double.NaN : n.doubleValue();
    };
    if (counter) {
      counted.add(value); // Micrometer holds a function counter's object weakly
      io.micrometer.core.instrument.FunctionCounter.builder(name, value, read)
          .description(description).tags(tags).register(registry);
    } else {
      io.micrometer.core.instrument.Gauge.builder(name, value, read).description(description)
          .tags(tags).strongReference(true).register(registry);
    }
  }

  /** Publishes the latency percentiles of {@code lastMinute} (the live graph of the last 60 s). */
  @Override
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
