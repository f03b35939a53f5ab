package dev.intuition.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Edge naming alone: names within the limits, what overflows under (other), room made by time. */
class EdgeNamingTest {
  static Transaction call(String client, String server, String container) {
    return new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 1), new Endpoint("10.0.0.2", 80),
        null, null, 1L, "GET", "/", null, "200", Outcome.OK, 1, 1, null, null, null, null,
        List.of(), null, container, client, server, "server");
  }

  @Test
  void namesPastTheLimitsGoToOtherAndComeBackWhenRoomIsMade() {
    EdgeNaming naming = new EdgeNaming(3, 2, 1, 100);
    EdgeNaming.Named first = naming.name(call("web", "api", "api.1"), 10);
    assertEquals("web", first.edge().client());
    assertEquals(new NodeKey("api", "api.1"), first.node());
    assertSame(first.edge(), naming.name(call("web", "api", "api.1"), 11).edge(),
        "one canonical edge");
    assertEquals(new NodeKey("api", GraphAggregator.OTHER),
        naming.name(call("web", "api", "api.2"), 12).node(), "one container per service");
    assertEquals(1, naming.containersOverflowed());
    EdgeNaming.Named third = naming.name(call("web", "db", "db.1"), 13);
    assertEquals("db", third.edge().server(), "a third service fits");
    EdgeNaming.Named fourth = naming.name(call("web", "cache", "c.1"), 14);
    assertEquals(GraphAggregator.OTHER, fourth.edge().server(), "a fourth does not");
    assertEquals(GraphAggregator.OTHER, fourth.edge().client(), "and past two edges, (other)");
    assertTrue(naming.servicesOverflowed() >= 1 && naming.edgesOverflowed() >= 1);
    naming.expire(14); // all but the last call's names are forgotten
    EdgeNaming.Named later = naming.name(call("web", "cache", "c.1"), 20);
    assertEquals("cache", later.edge().server(), "room again");
    assertFalse(GraphAggregator.OTHER.equals(later.edge().client()));
  }

  @Test
  void theInternetIsAlwaysItself() {
    EdgeNaming naming = new EdgeNaming(1, 10, 10, 10);
    naming.name(call("web", "api", null), 1);
    EdgeNaming.Named outside = naming.name(call(null, "api", null), 2);
    assertEquals(EndpointNames.INTERNET, outside.edge().client());
  }
}
