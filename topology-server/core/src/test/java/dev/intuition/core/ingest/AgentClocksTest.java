package dev.intuition.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The offset of an agent's clock is the largest (sent minus received) of its recent batches: transit
 * only ever makes the difference smaller. Small offsets are not corrected; garbage is ignored.
 */
class AgentClocksTest {
  static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

  @Test
  void theOffsetIsTheLeastDelayedSampleAndIsCorrectedAboveASecond() {
    AgentClocks c = new AgentClocks(true, 100);
    // A day ahead, batches in transit for 300 ms, 40 ms, 2 s.
    long day = 86_400_000_000L;
    c.observe("a", "host-a", T0.plusSeconds(86_400), T0.plusMillis(300));
    c.observe("a", "host-a", T0.plusSeconds(86_401), T0.plusSeconds(1).plusMillis(40));
    long correction = c.observe("a", "host-a", T0.plusSeconds(86_402), T0.plusSeconds(4));
    assertEquals(day - 40_000, correction);
    assertEquals(86_399.96, c.offsetSeconds("a"), 1e-9);
    assertEquals(0, c.observe("b", null, T0.plusMillis(200), T0.plusMillis(210)),
        "a few milliseconds: transit, not a clock to correct");
    assertEquals(0, c.observe("c", null, null, T0), "no send time: nothing to measure");
    assertNull(c.offsetSeconds("c"));
    assertEquals(0, c.observe("d", null, Instant.parse("+999999999-12-31T23:59:59Z"), T0),
        "a year a billion ahead is ignored, never overflows");
    assertNull(c.offsetSeconds("d"));
    AgentClocks measuringOnly = new AgentClocks(false, 100);
    assertEquals(0, measuringOnly.observe("a", null, T0.plusSeconds(60), T0));
    assertEquals(60.0, measuringOnly.offsetSeconds("a"), 1e-9);
  }

  @Test
  void oldSamplesAgeOutSoAClockThatIsSetRightIsFollowed() {
    AgentClocks c = new AgentClocks(true, 100);
    c.observe("a", null, T0.plusSeconds(3600), T0);
    assertEquals(3600.0, c.offsetSeconds("a"), 1e-9);
    // NTP sets the clock right; a minute later the hour-ahead sample has aged out.
    c.observe("a", null, T0.plusSeconds(30), T0.plusSeconds(30));
    assertEquals(3600.0, c.offsetSeconds("a"), 1e-9, "within the window the largest still counts");
    assertEquals(0, c.observe("a", null, T0.plusSeconds(90), T0.plusSeconds(90)));
    assertEquals(0.0, c.offsetSeconds("a"), 1e-9);
  }

  @Test
  void agentsAreBounded() {
    AgentClocks c = new AgentClocks(true, 10);
    for (int i = 0; i < 1000; i++) {
      c.observe("agent-" + i, null, T0, T0);
    }
    assertEquals(10, c.all().size());
    assertNull(c.offsetSeconds("agent-0"));
  }
}
