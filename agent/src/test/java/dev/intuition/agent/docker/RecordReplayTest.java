package dev.intuition.agent.docker;

import dev.intuition.agent.Shell;

import static dev.intuition.agent.docker.DockerAgentTest.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.intuition.agent.MainAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code intuition record} against real containers writes a bundle; {@code intuition decode} of that
 * bundle names the services as the live agent does; {@code intuition replay} sends the same
 * transactions to a server (here a stand-in endpoint: the topology server is another issue's).
 */
@Tag("docker")
class RecordReplayTest {
  @BeforeAll
  static void containers() throws Exception {
    Shell.requireRoot("a Docker daemon, setns and packet capture");
    sh(DockerAgentTest.script().toString(), "up");
    sh("docker", "network", "create", "--label", "intuition.test=1", "rec-net");
    for (String[] c : List.of(
        new String[] {"web", "python3 -m http.server 8000 --directory /usr/share"},
        new String[] {"client", "sleep 2; while true; do curl -s -o /dev/null http://web:8000/;"
            + " curl -s -o /dev/null http://web:8000/missing; sleep 0.2; done"})) {
      sh("docker", "run", "-d", "--name", "rec-" + c[0], "--network", "rec-net",
          "--network-alias", c[0], "--label", "intuition.test=1", "--label", "intuition.rec=1",
          "--label", "com.docker.compose.project=rec", "--label",
          "com.docker.compose.service=" + c[0], "-v", "/usr:/usr:ro", DockerAgentTest.IMAGE,
          "sh", "-c", c[1]);
    }
  }

  @AfterAll
  static void cleanUp() throws Exception {
    sh(DockerAgentTest.script().toString(), "down");
  }

  record Run(int status, String out, String err) {}

  static Run intuition(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = MainAccess.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void recordThenDecodeAndReplayTheBundle(@TempDir Path dir) throws Exception {
    Path bundle = dir.resolve("host.bundle");
    Run rec = intuition("record", "--duration", "6s", "--output", bundle.toString(), "--watch",
        "intuition.rec=1");
    assertEquals(0, rec.status(), rec.err());
    assertTrue(rec.err().contains("recorded"), rec.err());

    Run dec = intuition("decode", bundle.toString());
    assertEquals(0, dec.status(), dec.err());
    List<String> lines = dec.out().lines().toList();
    assertTrue(lines.size() >= 20, "transactions in 6 s: " + lines.size() + "\n" + dec.err());
    assertTrue(lines.stream().allMatch(l -> l.contains("\"clientService\":\"rec_client\"")
        && l.contains("\"serverService\":\"rec_web\"") && l.contains("\"observedAt\":\"server\"")),
        () -> String.join("\n", lines.subList(0, 3)));
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"status\":\"404\"")));

    AtomicInteger received = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/ingest", exchange -> {
      String body = new String(new GZIPInputStream(exchange.getRequestBody()).readAllBytes(),
          StandardCharsets.UTF_8);
      received.addAndGet(body.split("\"protocol\":").length - 1);
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
    });
    server.start();
    try {
      Run rep = intuition("replay", "--server", "http://127.0.0.1:" + server.getAddress().getPort(),
          "--token", "t", bundle.toString());
      assertEquals(0, rep.status(), rep.err());
      assertEquals(lines.size(), received.get(), rep.err());
    } finally {
      server.stop(0);
    }
    assertTrue(Files.size(bundle) > 1000);
  }
}
