package dev.intuition.agent.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.agent.inventory.Inventory;
import dev.intuition.agent.inventory.ServiceNaming;
import dev.intuition.decoder.link.LinkType;
import dev.intuition.decoder.pcap.SyntheticConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle written with frames seen in two containers' namespaces (the same call, from both sides) and
 * read back: decoding names both services and keeps the call once, from the server side, as the agent
 * would have live.
 */
class BundleTest {
  static ContainerInfo container(String id, String name, String ip) {
    Map<String, String> labels = Map.of("com.docker.compose.project", "shop",
        "com.docker.compose.service", name);
    return new ContainerInfo(id, name, "img", labels, 1, "/proc/1/ns/net", Map.of("shop", ip),
        "shop", ServiceNaming.of(name, labels));
  }

  @Test
  void recordedFramesDecodeWithServiceNamesAndOnceFromTheServerSide(@TempDir Path dir)
      throws Exception {
    ContainerInfo web = container("c-web", "web", "10.5.0.2");
    ContainerInfo api = container("c-api", "api", "10.5.0.3");
    Path file = dir.resolve("prod.bundle");
    try (BundleWriter w = new BundleWriter()) {
      w.inventory(Inventory.of(List.of(web, api), List.of()));
      int inWeb = w.open(web, "eth0", LinkType.ETHERNET, 65535);
      int inApi = w.open(api, "eth0", LinkType.ETHERNET, 65535);
      List<SyntheticConnection.Frame> frames = new ArrayList<>();
      new SyntheticConnection(SyntheticConnection.ip(10, 5, 0, 2), 41000,
          SyntheticConnection.ip(10, 5, 0, 3), 8080, 1_763_700_000_000_000L, frames::add)
          .handshake()
          .client("GET /orders HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))
          .server("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"
              .getBytes(StandardCharsets.ISO_8859_1)).close();
      for (SyntheticConnection.Frame f : frames) { // both namespaces see every frame
        w.frame(inWeb, f.timestampMicros(), f.bytes());
        w.frame(inApi, f.timestampMicros(), f.bytes());
      }
      w.finish(file, "node-1");
    }
    assertTrue(Bundle.isBundle(file));
    List<String> lines = new ArrayList<>();
    var out = new java.io.ByteArrayOutputStream();
    var err = new java.io.ByteArrayOutputStream();
    int status = dev.intuition.agent.MainAccess.run(new String[] {"decode", file.toString()},
        new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
    assertEquals(0, status, err.toString());
    out.toString().lines().forEach(lines::add);
    assertEquals(1, lines.size(), "once, from the server side: " + lines);
    String line = lines.get(0);
    for (String expected : new String[] {"\"clientService\":\"shop_web\"",
        "\"serverService\":\"shop_api\"", "\"observedAt\":\"server\"", "\"status\":\"503\"",
        "\"serverContainer\":\"api\""}) {
      assertTrue(line.contains(expected), expected + " in " + line);
    }
    assertFalse(Files.exists(dir.resolve("prod.bundle.tmp")));
  }
}
