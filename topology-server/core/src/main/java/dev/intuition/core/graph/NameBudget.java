package dev.intuition.core.graph;

import java.util.HashMap;
import java.util.Map;

/**
 * Distinct keys seen recently, at most {@code max}: a key past the limit is refused (and counted)
 * until older ones are forgotten, {@link #expire} after their last call. Admitted keys come back as
 * one canonical instance, shared by every bucket that holds them.
 */
final class NameBudget<K> {
  private static final class Slot<K> {
    final K key;
    long seen;

    Slot(K key, long seen) {
      this.key = key;
      this.seen = seen;
    }
  }

  final int max;
  final Map<K, Slot<K>> slots = new HashMap<>();
  long overflow;

  NameBudget(int max) {
    this.max = max;
  }

  /** The canonical key, or null when the budget is spent (counted). */
  K admit(K key, long micros) {
    Slot<K> slot = slots.get(key);
    if (slot != null) {
      slot.seen = Math.max(slot.seen, micros);
      return slot.key;
    }
    if (slots.size() >= max) {
      overflow++;
      return null;
    }
    slots.put(key, new Slot<>(key, micros));
    return key;
  }

  /** Admits past the limit (the few "(other)" keys that take what overflows). */
  K force(K key, long micros) {
    Slot<K> slot = slots.computeIfAbsent(key, k -> new Slot<>(k, micros));
    slot.seen = Math.max(slot.seen, micros);
    return slot.key;
  }

  int size() {
    return slots.size();
  }

  /** Forgets the keys last seen before {@code before}; returns how many. */
  int expire(long before) {
    int n = slots.size();
    slots.values().removeIf(slot -> slot.seen < before);
    return n - slots.size();
  }
}
