package dev.intuition.agent.tag;

import static dev.intuition.agent.tag.TaggingTest.call;
import static dev.intuition.agent.tag.TaggingTest.container;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.agent.inventory.Inventory;
import dev.intuition.decoder.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A call from an address nobody knows yet waits for the next listing of the containers instead of
 * leaving unnamed; an address that stays unknown is outside and is not waited for again; time and
 * memory are bounded. The clock and the listing are driven by hand.
 */
class PendingNamesTest {
  final ContainerInfo web = container("w", "web", "10.0.0.2", Map.of());
  final ContainerInfo client = container("c", "client", "10.0.0.9", Map.of());
  final AtomicLong requested = new AtomicLong();
  final AtomicLong done = new AtomicLong();
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  volatile Inventory inventory = Inventory.of(List.of(web), List.of());
  final List<Transaction> sent = new ArrayList<>();

  PendingNames pending(int maxHeld) {
    return new PendingNames(new PendingNames.Settings(maxHeld, Duration.ofSeconds(3),
        Duration.ofSeconds(30), 1000), new PendingNames.Sync() {
          @Override
          public long request() {
            return requested.incrementAndGet();
          }

          @Override
          public long done() {
            return done.get();
          }
        }, () -> inventory, sent::add, nanos::get);
  }

  @Test
  void aCallerThatStartedAMomentAgoIsNamedOnceTheListingComes() {
    PendingNames p = pending(100);
    p.offer(call("10.0.0.9", "10.0.0.2"), web); // seen by web's capture; the client is new
    assertEquals(List.of(), sent, "held");
    assertEquals(1, requested.get(), "a listing was asked for");
    p.release();
    assertEquals(List.of(), sent, "the listing has not come");
    inventory = Inventory.of(List.of(web, client), List.of());
    done.set(requested.get());
    p.release();
    assertEquals(1, sent.size());
    assertEquals("client", sent.get(0).clientService());
    assertEquals("web", sent.get(0).serverService());
  }

  @Test
  void anAddressThatStaysUnknownIsOutsideAndNotWaitedForAgain() {
    PendingNames p = pending(100);
    p.offer(call("203.0.113.5", "10.0.0.2"), web);
    done.set(requested.get());
    p.release();
    assertEquals(1, sent.size());
    assertNull(sent.get(0).clientService(), "outside the host: the server names it, or INTERNET");
    p.offer(call("203.0.113.5", "10.0.0.2"), web);
    assertEquals(2, sent.size(), "not held again");
    assertEquals(1, requested.get());
    nanos.addAndGet(Duration.ofSeconds(31).toNanos());
    p.offer(call("203.0.113.5", "10.0.0.2"), web);
    assertEquals(2, sent.size(), "after the remembered time it is asked about again");
  }

  @Test
  void noCallWaitsLongerThanTheLimitAndNoMoreThanTheLimitWait() {
    PendingNames p = pending(3);
    for (int i = 0; i < 5; i++) {
      p.offer(call("10.9.9." + i, "10.0.0.2"), web);
    }
    assertEquals(3, p.waiting());
    assertEquals(2, sent.size(), "beyond three, sent at once, unnamed");
    assertEquals(2, p.overflowed());
    nanos.addAndGet(Duration.ofSeconds(3).toNanos());
    p.release(); // Docker never answered: the calls go anyway
    assertEquals(5, sent.size());
    assertEquals(0, p.waiting());
  }

  @Test
  void knownEndsAreNeverHeld() {
    PendingNames p = pending(100);
    inventory = Inventory.of(List.of(web, client), List.of());
    p.offer(call("10.0.0.9", "10.0.0.2"), web);
    assertEquals(1, sent.size());
    assertEquals(0, requested.get());
  }

  @Test
  void anExitedContainerStillNamesItsAddress() {
    PendingNames p = pending(100);
    inventory = Inventory.of(List.of(web), List.of(), List.of(client));
    p.offer(call("10.0.0.9", "10.0.0.2"), web);
    assertEquals("client", sent.get(0).clientService());
    assertEquals(false, inventory.running("10.0.0.9"));
    assertEquals(true, inventory.running("10.0.0.2"));
  }
}
