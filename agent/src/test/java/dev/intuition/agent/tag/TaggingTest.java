package dev.intuition.agent.tag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.agent.inventory.Inventory;
import dev.intuition.agent.inventory.Placement;
import dev.intuition.agent.inventory.ServiceNaming;
import dev.intuition.wire.SwarmService;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaggingTest {
  static ContainerInfo container(String id, String name, String ip, Map<String, String> labels) {
    return new ContainerInfo(id, name, "img", labels, 100, "/proc/100/ns/net",
        ip == null ? Map.of() : Map.of("net", ip), "net", ServiceNaming.of(name, labels));
  }

  static Transaction call(String clientIp, String serverIp) {
    return new Transaction(Protocol.HTTP, new Endpoint(clientIp, 40000), new Endpoint(serverIp, 80),
        null, null, null, "GET", "/", "GET /", "200", Outcome.OK, 10, 10, null, null, null, null,
        List.of(), null, null, null, null, null);
  }

  @Test
  void serviceNames_followTheLabelsInOrderOfPrecedence() {
    assertEquals(new Placement("shop_web", "shop_web.1.x1", "shop"), ServiceNaming.of("/x",
        Map.of("com.docker.swarm.service.name", "shop_web", "com.docker.swarm.task.name",
            "shop_web.1.x1", "com.docker.stack.namespace", "shop")));
    assertEquals(new Placement("blog_db", "blog_db.2", "blog"), ServiceNaming.of("blog-db-2",
        Map.of("com.docker.compose.project", "blog", "com.docker.compose.service", "db",
            "com.docker.compose.container-number", "2")));
    assertEquals(new Placement("payments", "shop_web.1.x1", "shop"), ServiceNaming.of("/x",
        Map.of("com.docker.swarm.service.name", "shop_web", "com.docker.swarm.task.name",
            "shop_web.1.x1", "com.docker.stack.namespace", "shop", "intuition.service",
            "payments")));
    assertEquals(new Placement("lonely", null, null), ServiceNaming.of("/lonely", Map.of()));
  }

  @Test
  void aCallBetweenTwoLocalContainers_isReportedByTheServerSideOnly() {
    ContainerInfo web = container("w", "web", "10.0.0.2", Map.of());
    ContainerInfo db = container("d", "db", "10.0.0.3", Map.of());
    Inventory inv = Inventory.of(List.of(web, db), List.of());
    Transaction t = call("10.0.0.2", "10.0.0.3");
    assertNull(Tagger.tag(t, web, inv), "seen in the client's namespace: the server reports it");
    Transaction fromServer = Tagger.tag(t, db, inv);
    assertEquals("web", fromServer.clientService());
    assertEquals("db", fromServer.serverService());
    assertEquals("web", fromServer.clientContainer());
    assertEquals("server", fromServer.observedAt());
  }

  @Test
  void aCallToSomethingNotCapturedHere_isKeptFromTheClientSide() {
    ContainerInfo web = container("w", "web", "10.0.0.2", Map.of());
    Inventory inv = Inventory.of(List.of(web), List.of(new SwarmService("s1", "shop_api", "shop",
        List.of("10.0.9.9"), "vip")));
    Transaction external = Tagger.tag(call("10.0.0.2", "93.184.216.34"), web, inv);
    assertEquals("web", external.clientService());
    assertNull(external.serverService());
    assertEquals("client", external.observedAt());
    Transaction toVip = Tagger.tag(call("10.0.0.2", "10.0.9.9"), web, inv);
    assertEquals("shop_api", toVip.serverService(), "a Swarm VIP resolves to its service");
  }

  @Test
  void callersFromOutside_areKeptWithoutAClientService() {
    ContainerInfo web = container("w", "web", "10.0.0.2", Map.of());
    Transaction t = Tagger.tag(call("192.0.2.7", "10.0.0.2"), web, Inventory.of(List.of(web),
        List.of()));
    assertNull(t.clientService());
    assertEquals("web", t.serverService());
  }
}
