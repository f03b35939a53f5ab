package dev.intuition.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Backoff doubles to its cap with half of each wait random, and never undercuts Retry-After. */
class BackoffTest {
  @Test
  void doublesToTheCapWithJitter() {
    Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30),
        new SplittableRandom(7));
    long expected = 500;
    for (int i = 0; i < 12; i++) {
      long d = b.nextDelayMillis(0);
      assertTrue(d >= expected / 2 && d <= expected, i + ": " + d + " for " + expected);
      expected = Math.min(30_000, expected * 2);
    }
    b.reset();
    assertTrue(b.nextDelayMillis(0) <= 500);
  }

  @Test
  void jitterSpreadsAgentsApart() {
    long[] firsts = new long[50];
    SplittableRandom seeds = new SplittableRandom(1);
    for (int i = 0; i < firsts.length; i++) {
      Backoff b = new Backoff(Duration.ofSeconds(8), Duration.ofSeconds(30), seeds.split());
      firsts[i] = b.nextDelayMillis(0);
    }
    assertTrue(java.util.Arrays.stream(firsts).distinct().count() > 40);
  }

  @Test
  void retryAfterIsAFloorInSecondsOrAsADate() {
    Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), new SplittableRandom());
    assertEquals(7000, b.nextDelayMillis(7000));
    Instant now = Instant.parse("2026-11-30T12:00:00Z");
    assertEquals(120_000, Backoff.retryAfterMillis("120", now));
    assertEquals(90_000, Backoff.retryAfterMillis("Mon, 30 Nov 2026 12:01:30 GMT", now));
    assertEquals(0, Backoff.retryAfterMillis("soon", now));
    assertEquals(0, Backoff.retryAfterMillis(null, now));
    assertEquals(300_000, Backoff.retryAfterMillis("99999999", now), "capped at 5 minutes");
  }

  @Test
  void waitsThroughTheInjectedSleeperAndReadsDatesByTheInjectedClock() throws Exception {
    List<Long> slept = new ArrayList<>();
    Instant now = Instant.parse("2026-11-30T12:00:00Z");
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), new SplittableRandom(3),
        Clock.fixed(now, ZoneOffset.UTC), slept::add);
    for (int i = 0; i < 5; i++) {
      b.await();
    }
    assertEquals(5, b.attempts());
    long[] caps = {100, 200, 400, 400, 400};
    for (int i = 0; i < caps.length; i++) {
      assertTrue(slept.get(i) >= caps[i] / 2 && slept.get(i) <= caps[i], slept.toString());
    }
    b.await(b.retryAfterMillis("Mon, 30 Nov 2026 12:00:09 GMT"));
    assertEquals(9000, slept.get(5), "an HTTP date read by the injected clock is the floor");
    b.reset();
    assertEquals(0, b.attempts());
  }
}
