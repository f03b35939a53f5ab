package dev.intuition.decoder.tcp;

/**
 * Bytes that all streams of one decoder may hold together (out-of-order segments and partial messages).
 * A stream that cannot reserve more turns what it would have held into a gap, so memory stays bounded
 * whatever the traffic.
 */
public final class MemoryBudget {
  private final long limit;
  private long used;

  public MemoryBudget(long limit) {
    this.limit = limit;
  }

  public boolean tryReserve(long bytes) {
    if (used + bytes > limit) {
      return false;
    }
    used += bytes;
    return true;
  }

  public void release(long bytes) {
    used -= bytes;
    if (used < 0) {
      throw new IllegalStateException("memory budget released more than it reserved");
    }
  }

  public long used() {
    return used;
  }

  public long limit() {
    return limit;
  }
}
