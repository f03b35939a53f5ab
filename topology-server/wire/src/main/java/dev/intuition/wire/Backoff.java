package dev.intuition.wire;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * How every client of Intuition waits between retries: the agent's shipper to the server, discovery
 * to the Docker API, the server's writer to Elasticsearch. Exponential from {@code initial} to
 * {@code max}, with "equal jitter" (half of each delay fixed, half random), so that agents cut off
 * together by a restart do not all come back in the same instant; a server's Retry-After is a floor.
 * Time comes from an injected {@link Clock} (for HTTP-date Retry-After values) and waits go through
 * an injected {@link Sleeper}, so tests neither read the wall clock nor sleep. Not thread-safe: one
 * per retry loop.
 */
public final class Backoff {
  /** A Retry-After longer than this is not honoured beyond it (5 minutes). */
  public static final long MAX_RETRY_AFTER_MILLIS = 300_000;

  /** How a wait is spent: {@link Thread#sleep} in production. */
  @FunctionalInterface
  public interface Sleeper {
    Sleeper THREAD = Thread::sleep;

    void sleep(long millis) throws InterruptedException;
  }

  private final long initialMillis;
  private final long maxMillis;
  private final RandomGenerator random;
  private final Clock clock;
  private final Sleeper sleeper;
  private long next;
  private long attempts;

  /** On the system clock, sleeping the thread, with its own random source. */
  public Backoff(Duration initial, Duration max) {
    this(initial, max, new SplittableRandom(), Clock.systemUTC(), Sleeper.THREAD);
  }

  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    this(initial, max, random, Clock.systemUTC(), Sleeper.THREAD);
  }

  public Backoff(Duration initial, Duration max, RandomGenerator random, Clock clock,
      Sleeper sleeper) {
    this.initialMillis = Math.max(1, initial.toMillis());
    this.maxMillis = Math.max(initialMillis, max.toMillis());
    this.random = random;
    this.clock = clock;
    this.sleeper = sleeper;
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
    attempts++;
    long jittered = delay / 2 + (delay / 2 == 0 ? 0 : random.nextLong(delay / 2 + 1));
    return Math.max(jittered, Math.min(retryAfterMillis, MAX_RETRY_AFTER_MILLIS));
  }

  public long nextDelayMillis() {
    return nextDelayMillis(0);
  }

  /** Waits the next delay (never less than {@code retryAfterMillis}). */
  public void await(long retryAfterMillis) throws InterruptedException {
    sleeper.sleep(nextDelayMillis(retryAfterMillis));
  }

  public void await() throws InterruptedException {
    await(0);
  }

  /** After a success: the next failure waits {@code initial} again. */
  public void reset() {
    next = initialMillis;
    attempts = 0;
  }

  /** Delays handed out since the last reset. */
  public long attempts() {
    return attempts;
  }

  /**
   * A Retry-After header's value in milliseconds, by this backoff's clock: delay-seconds or an HTTP
   * date (RFC 9110 10.2.3); 0 when absent or unreadable.
   */
  public long retryAfterMillis(String header) {
    return retryAfterMillis(header, clock.instant());
  }

  /** A Retry-After header's value in milliseconds at {@code now}; 0 when absent or unreadable. */
  public static long retryAfterMillis(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return 0;
    }
    String v = header.trim();
    try {
      return Math.max(0, Math.min(Long.parseLong(v), MAX_RETRY_AFTER_MILLIS / 1000) * 1000);
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return Math.max(0, Math.min(Duration.between(now, at).toMillis(),
            MAX_RETRY_AFTER_MILLIS));
      } catch (DateTimeParseException ignored) {
        return 0;
      }
    }
  }
}
