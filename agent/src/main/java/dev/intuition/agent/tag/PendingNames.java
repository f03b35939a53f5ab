package dev.intuition.agent.tag;

import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.agent.inventory.Inventory;
import dev.intuition.decoder.Transaction;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Names calls whose ends the inventory does not know yet, by waiting for it to catch up instead of
 * sending them unnamed. A container that starts and calls at once (a Swarm task, a cron job) is
 * captured from the other end before its own start event has been handled; its calls would leave
 * with no client name. So a call with an unknown end is held, a quick listing of the containers is
 * asked for ({@link Sync}), and the call is named and sent once a listing that started after it has
 * been published, or after {@code maxHold} at the latest. An address still unknown after that is
 * outside this host (another host's container, which the server names from that host's inventory;
 * or outside the cluster): it is remembered as such for {@code unknownTtl}, and its calls are not
 * held again meanwhile. Bounded: at most {@code maxHeld} calls wait (beyond, they are sent as they
 * are and counted) and {@code maxUnknown} addresses are remembered. Thread-safe.
 */
public final class PendingNames {
  /** The inventory's side: ask for a listing, and how many requests have been answered. */
  public interface Sync {
    /** Asks for a listing; returns the number {@link #done} reaches once it is published. */
    long request();

    long done();
  }

  /**
   * @param maxHeld calls waiting at most
   * @param maxHold the longest a call waits
   * @param unknownTtl how long an address found unknown is not waited for again
   * @param maxUnknown addresses remembered as unknown
   */
  public record Settings(int maxHeld, Duration maxHold, Duration unknownTtl, int maxUnknown) {
    public static final Settings DEFAULT = new Settings(10_000, Duration.ofSeconds(3),
        Duration.ofSeconds(30), 65_536);
  }

  private record Held(Transaction raw, ContainerInfo observer, long atNanos, long needs) {}

  private final Settings settings;
  private final Sync sync;
  private final Supplier<Inventory> inventory;
  private final Consumer<Transaction> out;
  private final LongSupplier nanos;
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private final Map<String, Long> unknown;
  private long overflowed;
  private long delayed;

  public PendingNames(Settings settings, Sync sync, Supplier<Inventory> inventory,
      Consumer<Transaction> out, LongSupplier nanos) {
    this.settings = settings;
    this.sync = sync;
    this.inventory = inventory;
    this.out = out;
    this.nanos = nanos;
    this.unknown = new LinkedHashMap<>(256, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > settings.maxUnknown();
      }
    };
  }

  /** Names a call seen by {@code observer}'s capture and sends it, now or once its ends are known. */
  public void offer(Transaction raw, ContainerInfo observer) {
    Transaction t = Tagger.tag(raw, observer, inventory.get());
    if (t == null) {
      return;
    }
    String address = unknownEnd(t);
    if (address != null) {
      long now = nanos.getAsLong();
      synchronized (this) {
        Long until = unknown.get(address);
        if ((until == null || until < now) && held.size() < settings.maxHeld()) {
          held.addLast(new Held(raw, observer, now, sync.request()));
          delayed++;
          return;
        }
        if (until == null || until < now) {
          overflowed++;
        }
      }
    }
    out.accept(t);
  }

  /** Sends the calls whose listing has come, or whose time is up. Called after each new inventory. */
  public void release() {
    release(false);
  }

  /** Sends every call that waits (at close). */
  public void flush() {
    release(true);
  }

  private void release(boolean all) {
    long done = sync.done();
    long now = nanos.getAsLong();
    long deadline = now - settings.maxHold().toNanos();
    List<Held> due = new ArrayList<>();
    synchronized (this) {
      while (!held.isEmpty()) {
        Held h = held.peekFirst();
        if (!all && h.needs() > done && h.atNanos() > deadline) {
          break; // in order: later calls need later listings and have later deadlines
        }
        due.add(held.pollFirst());
      }
    }
    if (due.isEmpty()) {
      return;
    }
    Inventory inv = inventory.get();
    for (Held h : due) {
      Transaction t = Tagger.tag(h.raw(), h.observer(), inv);
      if (t == null) {
        continue; // the server's own capture turned out to report it
      }
      String address = unknownEnd(t);
      if (address != null) {
        synchronized (this) {
          unknown.put(address, now + settings.unknownTtl().toNanos());
        }
      }
      out.accept(t);
    }
  }

  /** The address of an end the inventory could not name, or null. */
  static String unknownEnd(Transaction t) {
    if (t.serverService() == null) {
      return t.server().ip();
    }
    return t.clientService() == null ? t.client().ip() : null;
  }

  /** Calls waiting now. */
  public synchronized int waiting() {
    return held.size();
  }

  /** Calls that waited for a listing. */
  public synchronized long delayed() {
    return delayed;
  }

  /** Calls sent unnamed at once because {@code maxHeld} were waiting already. */
  public synchronized long overflowed() {
    return overflowed;
  }
}
