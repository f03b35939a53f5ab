package dev.intuition.core.graph;

import dev.intuition.core.storage.TransactionStore;
import java.time.Instant;
import java.util.List;

/**
 * Where the graph keeps its complete minutes and reads them back for time travel beyond what it holds
 * in memory. The graph defines it and the storage implements it ({@code TransactionStore}), so that
 * storage depends on the graph's model and never the reverse.
 */
public interface RollupHistory {
  /** A history that keeps nothing. */
  RollupHistory NONE = new RollupHistory() {
    @Override
    public void addRollup(Rollup rollup) {}

    @Override
    public List<Rollup> rollups(Instant from, Instant to) {
      return List.of();
    }
  };

  void addRollup(Rollup rollup);

  /** The stored minutes that start in {@code [from, to)}, oldest first; a minute may come in parts. */
  List<Rollup> rollups(Instant from, Instant to);
}
