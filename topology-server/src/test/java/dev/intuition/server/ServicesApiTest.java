package dev.intuition.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.core.graph.GraphAggregator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A service's page: its containers with their own numbers, its callers and callees. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties =
    "intuition.token=t")
class ServicesApiTest {
  @LocalServerPort int port;
  @Autowired GraphAggregator aggregator;

  static Transaction tx(String client, String server, String container, Outcome o) {
    Instant now = Instant.now();
    return new Transaction(Protocol.HTTP, new Endpoint("10.0.0.1", 1), new Endpoint("10.0.0.2", 80),
        now.minusMillis(2), now, 2000L, "GET", "/", "GET /", "200", o, 1, 1, null, null, null, null,
        List.of(), client + "-1", container, client, server, "server");
  }

  JsonNode get(String path, int status) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, r.statusCode(), r.body());
    return new ObjectMapper().readTree(r.body());
  }

  @Test
  void containersCallersAndCallees() throws Exception {
    for (int i = 0; i < 6; i++) {
      aggregator.add(tx("web", "orders", i % 3 == 0 ? "orders.1" : "orders.2",
          i == 0 ? Outcome.ERROR : Outcome.OK));
    }
    aggregator.add(tx("orders", "db", "db.1", Outcome.OK));
    JsonNode orders = get("/api/v1/services/orders", 200);
    assertEquals(6, orders.get("served").get("ok").asLong() + orders.get("served").get("error")
        .asLong());
    assertEquals(2, orders.get("containers").size());
    assertEquals("orders.1", orders.get("containers").get(0).get("name").asText());
    assertEquals(1, orders.get("containers").get(0).get("served").get("error").asLong());
    assertEquals("web", orders.get("callers").get(0).get("client").asText());
    assertEquals("db", orders.get("callees").get(0).get("server").asText());
    assertEquals(404, get("/api/v1/services/nosuch", 404).get("status").asInt());
  }
}
