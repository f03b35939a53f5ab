package dev.intuition.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import dev.intuition.server.ingest.IngestController;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Netflix's stock Vizceral (npm 4.9.0) draws {@code /api/v1/graph/vizceral} of a small shop in
 * headless Chromium without a console error: every node and connection sent is in the view. The
 * screenshot is kept as target/vizceral/vizceral.png. Needs Chromium and {@code npm ci} in
 * src/test/vizceral (scripts/test.sh does it).
 */
@Tag("browser")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "intuition.token=render-token", "intuition.graph.tick=false"})
class VizceralRenderTest {
  @LocalServerPort int port;
  @Autowired IngestController ingest;

  @Test
  void stockVizceralRendersOurGraph() throws Exception {
    // A small shop: INTERNET -> web -> api -> (db, cache, an external payment API); a third of
    // the db calls fail.
    String[][] edges = {{null, "web", "http"}, {"web", "api", "http"}, {"api", "db", "postgresql"},
        {"api", "cache", "redis"}, {"api", null, "http"}, {"worker", "db", "postgresql"},
        {"worker", "cache", "redis"}};
    List<Transaction> calls = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < 600; i++) {
      String[] e = edges[i % edges.length];
      boolean fail = e[1] != null && e[1].equals("db") && i % 3 == 0;
      Instant end = now.minusMillis(i * 50L);
      calls.add(new Transaction(Protocol.fromWireName(e[2]), new Endpoint("10.0.0." + (i % 7 + 1),
          40000 + i), new Endpoint(e[1] == null ? "198.51.100.7" : "10.0.1." + (i % 7 + 1), 80),
          end.minusMillis(3), end, 3000L + i, "GET", "/", null, fail ? "ERROR" : "200",
          fail ? Outcome.ERROR : Outcome.OK, 10, 20, null, e[1] == null ? "payments.example.com"
          : null, null, null, List.of(), e[0] == null ? null : e[0] + "-1",
          e[1] == null ? null : e[1] + "-1", e[0], e[1], "server"));
    }
    assertEquals(calls.size(), ShipThroughAgent.ship(port, "render-token", calls, ingest));

    String base = "http://127.0.0.1:" + port;
    JsonNode traffic = new ObjectMapper().readTree(HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(base + "/api/v1/graph/vizceral?window=5m")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    assertEquals("global", traffic.get("renderer").asText());
    JsonNode region = traffic.get("nodes").get(1);
    assertEquals("region", region.get("renderer").asText());
    assertEquals(7, region.get("connections").size(), region.toString());
    assertTrue(region.get("connections").toString().contains("\"class\":\"danger\""),
        "failing edges are danger");

    Path dir = Path.of("src", "test", "vizceral").toAbsolutePath();
    Path shot = Path.of("target", "vizceral", "vizceral.png").toAbsolutePath();
    Files.createDirectories(shot.getParent());
    Files.deleteIfExists(shot);
    Process node = new ProcessBuilder("node", "render.mjs", base, shot.toString())
        .directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(node.waitFor(120, TimeUnit.SECONDS), "render.mjs did not finish");
    assertEquals(0, node.exitValue(), out);
    JsonNode drawn = new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
    assertEquals(0, drawn.get("errors").size(), out);
    assertEquals("intuition", drawn.get("view").asText(), out);
    assertEquals(drawn.get("sentNodes").asInt(), drawn.get("nodes").asInt(), out);
    assertEquals(drawn.get("sentConnections").asInt(), drawn.get("connections").asInt(), out);
    assertTrue(Files.size(shot) > 10_000, "a screenshot of the drawn graph: " + shot);
    System.out.println("Vizceral drew " + out + "; screenshot " + shot + File.separator);
  }
}
