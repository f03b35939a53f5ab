package dev.intuition.server.ingest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The decompressed bytes of all ingest requests being read or applied at once, capped: each request
 * takes its share as it reads its body ({@link Lease#take}) and gives it back when it is done, so that
 * many large batches arriving together cannot exhaust the heap. A request that finds the budget spent
 * is answered 503 with Retry-After and loses nothing (agents send it again). Thread-safe.
 */
final class InFlightBytes {
  private final long max;
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  InFlightBytes(long max) {
    this.max = max;
  }

  /** Thrown when the budget is spent. */
  static final class Exhausted extends java.io.IOException {
    Exhausted(long max) {
      super("more than " + max + " bytes of batches are being taken in at once");
    }
  }

  /** One request's share. */
  final class Lease implements AutoCloseable {
    private long held;

    void take(long n) throws Exhausted {
      long now;
      do {
        now = used.get();
        if (now + n > max) {
          refused.incrementAndGet();
          throw new Exhausted(max);
        }
      } while (!used.compareAndSet(now, now + n));
      held += n;
      peak.accumulateAndGet(now + n, Math::max);
    }

    @Override
    public void close() {
      used.addAndGet(-held);
      held = 0;
    }
  }

  Lease lease() {
    return new Lease();
  }

  long used() {
    return used.get();
  }

  long peak() {
    return peak.get();
  }

  long max() {
    return max;
  }

  /** Requests answered 503 because the budget was spent. */
  long refused() {
    return refused.get();
  }
}
