package dev.intuition.agent.ship;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Waits between retries: exponential from {@code initial} to {@code max}, with "equal jitter" (half
 * the delay fixed, half random), so that agents cut off together by a server restart do not all come
 * back in the same instant. A server's Retry-After is a floor. Not thread-safe: one per retry loop.
 */
public final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private final RandomGenerator random;
  private long next;

  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initialMillis = Math.max(1, initial.toMillis());
    this.maxMillis = Math.max(initialMillis, max.toMillis());
    this.random = random;
    this.next = initialMillis;
  }

  /**
   * The wait before the next attempt, in milliseconds, and doubles the one after.
   *
   * @param retryAfterMillis what the server asked for (0 when it did not)
   */
  public long nextDelayMillis(long retryAfterMillis) {
    long delay = next;
    next = Math.min(maxMillis, next * 2);
    long jittered = delay / 2 + (delay / 2 == 0 ? 0 : random.nextLong(delay / 2 + 1));
    return Math.max(jittered, Math.min(retryAfterMillis, MAX_RETRY_AFTER_MILLIS));
  }

  /** A Retry-After longer than this is not honoured beyond it (5 minutes). */
  static final long MAX_RETRY_AFTER_MILLIS = 300_000;

  public void reset() {
    next = initialMillis;
  }

  /**
   * A Retry-After header's value in milliseconds: delay-seconds or an HTTP date (RFC 9110 10.2.3);
   * 0 when absent or unreadable.
   */
  public static long retryAfterMillis(String header, java.time.Instant now) {
    if (header == null || header.isBlank()) {
      return 0;
    }
    String v = header.trim();
    try {
      return Math.max(0, Math.min(Long.parseLong(v), MAX_RETRY_AFTER_MILLIS / 1000) * 1000);
    } catch (NumberFormatException e) {
      try {
        java.time.Instant at = java.time.ZonedDateTime.parse(v,
            java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return Math.max(0, Math.min(Duration.between(now, at).toMillis(),
            MAX_RETRY_AFTER_MILLIS));
      } catch (java.time.format.DateTimeParseException ignored) {
        return 0;
      }
    }
  }
}
