package dev.intuition.core.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.core.MutableClock;
import dev.intuition.wire.Inventory;
import dev.intuition.wire.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressBookTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  final MutableClock clock = new MutableClock(T0);
  final AddressBook book = new AddressBook(clock, Duration.ofMinutes(2));

  static Transaction call(String clientIp, String serverIp, String clientService,
      String serverService, String observedAt) {
    return new Transaction(Protocol.HTTP, new Endpoint(clientIp, 40000),
        new Endpoint(serverIp, 80), T0, T0.plusMillis(1), 1000L, "GET", "/", null, "200",
        Outcome.OK, 1, 1, null, null, null, null, List.of(), null, null, clientService,
        serverService, observedAt);
  }

  /** An inventory as the wire carries it, read by the wire codec as the server reads it. */
  static Inventory inventory(String json) throws Exception {
    try (JsonParser p = WireCodec.factory().createParser(json)) {
      p.nextToken();
      return WireCodec.readInventory(p);
    }
  }

  void hostA() throws Exception {
    book.update("agent-a", "host-a", inventory("""
        {"containers":[{"id":"1","name":"shop_web.1.x","service":"shop_web","group":"shop",
          "addresses":{"shop_net":"10.0.1.5"}}],
         "services":[{"id":"s1","name":"shop_api","group":"shop",
          "virtualIps":["10.0.1.2/24"],"endpointMode":"vip"}]}"""), null);
  }

  void hostB() throws Exception {
    book.update("agent-b", "host-b", inventory("""
        {"containers":[{"id":"2","name":"shop_api.1.y","service":"shop_api","group":"shop",
          "addresses":{"shop_net":"10.0.1.7"}}],"services":[]}"""), null);
  }

  @Test
  void endsTheAgentCouldNotNameComeFromOtherHostsAndVips() throws Exception {
    hostA();
    hostB();
    // Seen on host A: the client is local, the server a container of host B.
    Transaction t = book.resolve(call("10.0.1.5", "10.0.1.7", "shop_web", null, "client"));
    assertEquals("shop_api", t.serverService());
    assertEquals("shop_api.1.y", t.serverContainer());
    assertEquals("shop_web", t.clientService());
    // A call to the service's virtual IP is a call to the service.
    Transaction vip = book.resolve(call("10.0.1.5", "10.0.1.2", "shop_web", null, "client"));
    assertEquals("shop_api", vip.serverService());
    assertNull(vip.serverContainer());
    // Unknown addresses stay unnamed (external, or INTERNET).
    Transaction outside = call("203.0.113.1", "10.0.1.7", null, "shop_api", "server");
    assertNull(book.resolve(outside).clientService());
    assertEquals("shop", book.group("shop_api"));
    assertEquals("shop", book.group("shop_web"));
  }

  @Test
  void theServerSideWinsAcrossHosts() throws Exception {
    hostA();
    // Host B has no agent yet: host A's client-side observation is the only one, and is kept.
    assertFalse(book.seenByServerSide(call("10.0.1.5", "10.0.1.7", "shop_web", null, "client")));
    hostB();
    // Now host B's agent captures 10.0.1.7 and reports the same call from the server side.
    assertTrue(book.seenByServerSide(call("10.0.1.5", "10.0.1.7", "shop_web", null, "client")));
    assertFalse(book.seenByServerSide(call("10.0.1.5", "10.0.1.7", "shop_web", "shop_api",
        "server")));
    // A VIP is not a captured container: the client side is all there is.
    assertFalse(book.seenByServerSide(call("10.0.1.5", "10.0.1.2", "shop_web", null, "client")));
  }

  @Test
  void aSilentAgentIsForgotten() throws Exception {
    hostA();
    hostB();
    clock.set(T0.plusSeconds(90));
    hostA();
    clock.set(T0.plusSeconds(150));
    book.expire();
    assertEquals(List.of("agent-a"), book.agents().stream().map(AddressBook.AgentView::id)
        .toList());
    assertNull(book.at("10.0.1.7"), "host B's containers went with it");
    assertFalse(book.seenByServerSide(call("10.0.1.5", "10.0.1.7", "shop_web", null, "client")));
  }
}
