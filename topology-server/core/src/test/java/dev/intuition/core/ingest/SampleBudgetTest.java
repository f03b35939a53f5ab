package dev.intuition.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.core.MutableClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SampleBudgetTest {
  static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void agentsShareTheClustersBudgetEvenlyWhateverTheyOffer() {
    MutableClock clock = new MutableClock(T0);
    SampleBudget budget = new SampleBudget(clock, 100, 1000);
    long[] stored = new long[4];
    for (int second = 0; second < 120; second++) {
      clock.set(T0.plusSeconds(second));
      for (int a = 0; a < 4; a++) {
        stored[a] += budget.admit("agent-" + a, a == 3 ? 5 : 1000); // agent 3 is quiet
      }
    }
    assertEquals(25, budget.share(), 1e-9, "four agents, a quarter each");
    long total = stored[0] + stored[1] + stored[2] + stored[3];
    assertTrue(total <= 100 * 120 + 4 * 5 * 100, "the budget and a first burst each: " + total);
    for (int a = 0; a < 3; a++) {
      assertTrue(Math.abs(stored[a] - 25 * 120) <= 5 * 100,
          "agent " + a + " stores about its share: " + stored[a]);
    }
    assertEquals(5 * 120, stored[3], "the quiet agent stores all it offers");
    assertEquals(3 * 1000 * 120 - stored[0] - stored[1] - stored[2], budget.overBudget());
  }

  @Test
  void anAgentSilentForHalfAMinuteNoLongerSharesAndNoBudgetMeansNoLimit() {
    MutableClock clock = new MutableClock(T0);
    SampleBudget budget = new SampleBudget(clock, 60, 1000);
    budget.admit("a", 1);
    budget.admit("b", 1);
    assertEquals(30, budget.share(), 1e-9);
    clock.set(T0.plusSeconds(SampleBudget.ACTIVE_SECONDS + 1));
    budget.admit("a", 1);
    assertEquals(60, budget.share(), 1e-9, "b fell silent");
    SampleBudget none = SampleBudget.unlimited(clock);
    assertEquals(1_000_000, none.admit("a", 1_000_000));
    assertEquals(Double.POSITIVE_INFINITY, none.share());
  }

  @Test
  void theAgentsTrackedAreBounded() {
    MutableClock clock = new MutableClock(T0);
    SampleBudget budget = new SampleBudget(clock, 1000, 10);
    for (int a = 0; a < 100; a++) {
      clock.set(T0.plusMillis(a));
      budget.admit("agent-" + a, 1);
    }
    assertTrue(budget.share() >= 1000 / 11.0, "at most 10 agents share: " + budget.share());
  }
}
