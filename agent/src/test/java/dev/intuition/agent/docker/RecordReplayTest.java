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
 * transactions to a server (here a stand-in endpoint that counts them). Nothing here depends on how
 * fast the machine is: the client makes exactly ten rounds of calls once the recording captures both
 * containers, the recording is stopped once the client says it is done, and stopping reads what the
 * kernel still buffered, so the bundle holds exactly those twenty calls.
 */
@Tag("docker")
class RecordReplayTest {
  static Path signals;

  @BeforeAll
  static void containers() throws Exception {
    Shell.requireRoot("a Docker daemon, setns and packet capture");
    sh(DockerAgentTest.script().toString(), "up");
    signals = Files.createTempDirectory("rec-signals");
    sh("docker", "network", "create", "--label", "intuition.test=1", "rec-net");
    for (String[] c : List.of(
        new String[] {"web", "python3 -m http.server 8000 --directory /usr/share"},
        new String[] {"client", "while [ ! -e /sig/go ]; do sleep 0.1; done; for i in $(seq 1 10);"
            + " do curl -s -o /dev/null http://web:8000/; curl -s -o /dev/null"
            + " http://web:8000/missing; done; touch /sig/done; sleep 3600"})) {
      sh("docker", "run", "-d", "--name", "rec-" + c[0], "--network", "rec-net",
          "--network-alias", c[0], "--label", "intuition.test=1", "--label", "intuition.rec=1",
          "--label", "com.docker.compose.project=rec", "--label",
          "com.docker.compose.service=" + c[0], "-v", "/usr:/usr:ro", "-v", signals + ":/sig",
          DockerAgentTest.IMAGE, "sh", "-c", c[1]);
    }
  }

  @AfterAll
  static void cleanUp() throws Exception {
    sh(DockerAgentTest.script().toString(), "down");
  }

  record Run(int status, String out, String err) {}

  static Run intuition(String... args) {
    return intuition(new ByteArrayOutputStream(), args);
  }

  static Run intuition(ByteArrayOutputStream err, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = MainAccess.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void recordThenDecodeAndReplayTheBundle(@TempDir Path dir) throws Exception {
    Path bundle = dir.resolve("host.bundle");
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    Run[] rec = new Run[1];
    Thread recorder = Thread.ofPlatform().name("record").start(() -> rec[0] = intuition(progress,
        "record", "--duration", "10m", "--output", bundle.toString(), "--watch",
        "intuition.rec=1"));
    assertTrue(DockerAgentTest.waitFor(() -> progress.toString(StandardCharsets.UTF_8)
        .contains(" 2 namespaces"), 60_000), "both containers captured: " + progress);
    Files.createFile(signals.resolve("go"));
    assertTrue(DockerAgentTest.waitFor(() -> Files.exists(signals.resolve("done")), 120_000),
        "the client made its calls");
    recorder.interrupt(); // like Ctrl-C: stops early, and still writes the bundle
    recorder.join(60_000);
    assertEquals(0, rec[0].status(), rec[0].err());
    assertTrue(rec[0].err().contains("recorded"), rec[0].err());

    Run dec = intuition("decode", bundle.toString());
    assertEquals(0, dec.status(), dec.err());
    List<String> lines = dec.out().lines().toList();
    assertEquals(20, lines.size(), "ten rounds of two calls\n" + dec.err());
    assertTrue(lines.stream().allMatch(l -> l.contains("\"clientService\":\"rec_client\"")
        && l.contains("\"serverService\":\"rec_web\"") && l.contains("\"observedAt\":\"server\"")),
        () -> String.join("\n", lines.subList(0, 3)));
    assertEquals(10, lines.stream().filter(l -> l.contains("\"status\":\"404\"")).count());

    AtomicInteger received = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/ingest", exchange -> {
      // Wire version 2: the calls are the summaries' counts (the samples are some of them again).
      dev.intuition.wire.Batch batch = dev.intuition.wire.WireCodec.readBatch(
          new GZIPInputStream(exchange.getRequestBody()));
      received.addAndGet(batch.transactions().size());
      for (dev.intuition.wire.Summary x : batch.summaries()) {
        received.addAndGet((int) x.stats().count());
      }
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
