package dev.intuition.core.metrics;

import dev.intuition.core.graph.Graph;
import dev.intuition.core.graph.GraphAggregator;
import dev.intuition.decoder.Transaction;
import java.util.function.Supplier;

/**
 * What the core publishes as metrics, whatever registry takes them (the server's is Micrometer's,
 * served at {@code /actuator/prometheus}). Implementations bound their series.
 */
public interface Metrics {
  /** Metrics that go nowhere (tests, benchmarks). */
  Metrics NONE = new Metrics() {
    @Override
    public void record(Transaction t) {}

    @Override
    public void agentSeries(String agent, String host, String name, String description,
        String tag, String tagValue, Supplier<Number> value, boolean counter) {}

    @Override
    public void refresh(Graph lastMinute) {}
  };

  /** One call, counted per edge and outcome. */
  void record(Transaction t);

  /** Calls an agent summed (wire version 2), counted per edge and outcome as {@link #record}. */
  default void record(GraphAggregator.Calls calls) {}

  /**
   * A series of one agent, registered once per agent, name and tag: a gauge, or a counter when
   * {@code counter}, read from {@code value}.
   */
  void agentSeries(String agent, String host, String name, String description, String tag,
      String tagValue, Supplier<Number> value, boolean counter);

  /** Publishes what is computed from the live graph of the last minute (latency percentiles). */
  void refresh(Graph lastMinute);
}
