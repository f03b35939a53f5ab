package dev.intuition.core.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A batch sent again after its answer was lost is recognised; new batches never are. */
class BatchSequencesTest {
  @Test
  void aRetriedBatchIsRecognisedAndAFailedOneCanBeRetried() {
    BatchSequences s = new BatchSequences(10);
    assertTrue(s.firstTime("a", "run-1", 1, 11));
    assertTrue(s.firstTime("a", "run-1", 2, 12));
    assertFalse(s.firstTime("a", "run-1", 2, 12), "the same batch again");
    assertTrue(s.firstTime("b", "run-1", 2, 12), "another agent");
    assertTrue(s.firstTime("a", "run-2", 2, 12), "the agent restarted: a new run");
    assertTrue(s.firstTime("a", "run-1", 3, 13));
    s.forget("a", "run-1", 3, 13);
    assertTrue(s.firstTime("a", "run-1", 3, 13), "applying it failed: its retry is taken");
    assertTrue(s.firstTime("x", null, 0, 0), "no sequence: never taken for a repeat");
    assertTrue(s.firstTime("x", null, 0, 0));
  }

  @Test
  void anAgentWithoutRunIdStartingAgainIsNotTakenForItsRetries() {
    BatchSequences s = new BatchSequences(10);
    assertTrue(s.firstTime("old", null, 1, 100));
    assertTrue(s.firstTime("old", null, 2, 200));
    assertFalse(s.firstTime("old", null, 2, 200));
    assertTrue(s.firstTime("old", null, 1, 300), "sequence 1 again, but sent at another time");
  }

  @Test
  void memoryIsBoundedByRuns() {
    BatchSequences s = new BatchSequences(3);
    for (int run = 0; run < 1000; run++) {
      assertTrue(s.firstTime("a", "run-" + run, 1, 1));
    }
    assertTrue(s.firstTime("a", "run-0", 1, 1), "the oldest runs are forgotten");
    assertFalse(s.firstTime("a", "run-999", 1, 1), "the recent ones are not");
  }
}
