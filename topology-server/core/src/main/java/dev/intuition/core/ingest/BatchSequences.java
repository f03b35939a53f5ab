package dev.intuition.core.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which batches were applied already, so that a batch sent again after its answer was lost is applied
 * once. A batch is named by its agent's id, the agent run ({@code run}, new at every start), its
 * {@code sequence} (one more per batch of a run) and a stamp of its body (its {@code sentAt}, which a
 * retry repeats byte for byte): so an agent that sends no run id and starts again from 1 is not taken
 * for its own retries. Agents send one batch at a time and retry only the last, so the last
 * {@link #WINDOW} batches of each run are enough. Bounded: {@code maxRuns} runs, the least recently
 * heard from forgotten first (about 1 KB each). Thread-safe.
 */
final class BatchSequences {
  static final int WINDOW = 64;

  private static final class Run {
    final long[] sequences = new long[WINDOW];
    final long[] stamps = new long[WINDOW];
  }

  private final int maxRuns;
  private final Map<String, Run> runs = new LinkedHashMap<>(16, 0.75f, true);

  BatchSequences(int maxRuns) {
    this.maxRuns = maxRuns;
  }

  /**
   * Marks the batch as applied; false when it already was (then it must not be applied again).
   * Batches without a positive sequence cannot be told apart and are always new.
   */
  synchronized boolean firstTime(String agent, String run, long sequence, long stamp) {
    if (sequence <= 0) {
      return true;
    }
    String key = agent + '\u0000' + (run == null ? "" : run);
    Run r = runs.get(key);
    if (r == null) {
      r = new Run();
      runs.put(key, r);
      if (runs.size() > maxRuns) {
        var eldest = runs.entrySet().iterator();
        eldest.next();
        eldest.remove();
      }
    }
    int i = (int) Math.floorMod(sequence, (long) WINDOW);
    if (r.sequences[i] == sequence && r.stamps[i] == stamp) {
      return false;
    }
    r.sequences[i] = sequence;
    r.stamps[i] = stamp;
    return true;
  }

  /** Forgets that a batch was applied (it failed after all), so that its retry is taken. */
  synchronized void forget(String agent, String run, long sequence, long stamp) {
    Run r = runs.get(agent + '\u0000' + (run == null ? "" : run));
    int i = (int) Math.floorMod(sequence, (long) WINDOW);
    if (r != null && r.sequences[i] == sequence && r.stamps[i] == stamp) {
      r.sequences[i] = 0;
    }
  }
}
