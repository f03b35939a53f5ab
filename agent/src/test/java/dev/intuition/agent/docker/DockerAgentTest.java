package dev.intuition.agent.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.intuition.agent.Agent;
import dev.intuition.agent.Shell;
import dev.intuition.agent.capture.CaptureSettings;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Transaction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The agent against a real Docker daemon (scripts/docker-testbed.sh): containers running a real HTTP
 * server (python3 http.server), redis-server and PostgreSQL in a Compose-labelled project, and a client
 * container, started after the agent, that calls them (some calls fail). The agent discovers them,
 * captures inside their namespaces, and reports each call once, from the server side, with the right
 * client and server services.
 */
@Tag("docker")
class DockerAgentTest {
  static final String NETWORK = "intuition-it";
  static final String IMAGE = "intuition-test-base";

  static Path script() {
    return Shell.script("docker-testbed.sh");
  }

  static String sh(String... command) throws Exception {
    return Shell.sh(command);
  }

  static void run(String name, String service, String... command) throws Exception {
    List<String> c = new ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--network",
        NETWORK, "--network-alias", service, "--label", "intuition.test=1", "--label",
        "com.docker.compose.project=shop", "--label", "com.docker.compose.service=" + service,
        "-v", "/usr:/usr:ro"));
    c.addAll(List.of(command));
    sh(c.toArray(String[]::new));
  }

  static boolean waitFor(BooleanSupplier condition, long millis) throws InterruptedException {
    return Shell.waitFor(condition, millis);
  }

  @BeforeAll
  static void daemon() throws Exception {
    Shell.requireRoot("a Docker daemon, setns and packet capture");
    sh(script().toString(), "up");
    sh("docker", "network", "create", "--label", "intuition.test=1", NETWORK);
    run("it-web", "web", IMAGE, "python3", "-m", "http.server", "8000", "--directory", "/usr/share");
    run("it-redis", "redis", IMAGE, "redis-server", "--protected-mode", "no", "--save", "");
    run("it-db", "db", "--user", "postgres", IMAGE, "sh", "-c",
        "/usr/lib/postgresql/15/bin/initdb -D /tmp/pg -A trust -U postgres --locale=C >/dev/null"
            + " && echo 'host all all 0.0.0.0/0 trust' >> /tmp/pg/pg_hba.conf && exec /usr/lib/postgresql/15/bin/postgres -D /tmp/pg -c listen_addresses='*'"
            + " -c unix_socket_directories=/tmp");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    sh(script().toString(), "down");
  }

  @Test
  void discoversCapturesAndNamesServices_newContainersWithinFiveSeconds() throws Exception {
    List<Transaction> seen = new CopyOnWriteArrayList<>();
    try (Agent agent = new Agent(null, c -> c.name().startsWith("it-"), CaptureSettings.defaults(),
        seen::add).start()) {
      assertTrue(waitFor(() -> agent.capturing().size() == 3, 15_000),
          "the three servers are captured: " + agent.capturing() + " " + agent.discoveryError());
      // A sidecar in the web container's namespace (network_mode container:it-web) is not a second
      // capture: were it one, every call to web would be counted twice below.
      sh("docker", "run", "-d", "--name", "it-sidecar", "--network", "container:it-web", "--label",
          "intuition.test=1", "-v", "/usr:/usr:ro", IMAGE, "sleep", "3600");
      assertTrue(waitFor(() -> agent.inventory().containers().values().stream()
          .anyMatch(c -> c.name().equals("it-sidecar")), 30_000));
      Thread.sleep(500);
      assertEquals(List.of("it-db", "it-redis", "it-web"), agent.capturing());
      // A client started after the agent: 20 rounds of calls, some of which fail.
      long started = System.nanoTime();
      run("it-client", "client", IMAGE, "sh", "-c", "sleep 1; for i in $(seq 1 20); do "
          + "curl -s -o /dev/null http://web:8000/; curl -s -o /dev/null http://web:8000/missing;"
          + " curl -s -o /dev/null -X POST http://web:8000/;"
          + " redis-cli -h redis SET greeting hello >/dev/null; redis-cli -h redis INCR greeting >/dev/null;"
          + " psql -h db -U postgres -c 'select 1' >/dev/null; psql -h db -U postgres -c 'select * from nope' >/dev/null 2>&1;"
          + " sleep 0.2; done; sleep 3600");
      // Generous deadlines: on a busy machine things take longer, but they must all happen.
      assertTrue(waitFor(() -> agent.capturing().contains("it-client"), 30_000),
          "a new container is captured within seconds: " + agent.capturing());
      long captureDelayMillis = (System.nanoTime() - started) / 1_000_000;
      assertTrue(waitFor(() -> count(seen, "shop_web", null) >= 60
          && count(seen, "shop_redis", null) >= 40 && count(seen, "shop_db", null) >= 40, 120_000),
          "transactions: " + seen.size());
      Thread.sleep(1000); // nothing more may come: each call is reported once
      System.out.println("it-client captured " + captureDelayMillis + " ms after docker run");

      Set<String> edges = seen.stream().map(t -> t.clientService() + " -> " + t.serverService()
          + " " + t.protocol().wireName()).collect(Collectors.toSet());
      assertEquals(Set.of("shop_client -> shop_web http", "shop_client -> shop_redis redis",
          "shop_client -> shop_db postgresql"), edges);
      assertEquals(60, count(seen, "shop_web", null), "20 x 3 HTTP calls, each once");
      assertEquals(20, count(seen, "shop_web", Outcome.WARNING), "GET /missing: 404");
      assertEquals(20, count(seen, "shop_web", Outcome.ERROR), "POST: 501 from http.server");
      assertEquals(40, count(seen, "shop_redis", null));
      assertEquals(20, count(seen, "shop_redis", Outcome.ERROR), "INCR on a string");
      assertEquals(20, count(seen, "shop_db", Outcome.ERROR), "relation nope does not exist");
      assertTrue(seen.stream().allMatch(t -> "server".equals(t.observedAt())),
          "every call reported once, by the server side");
      assertTrue(seen.stream().allMatch(t -> "it-client".equals(t.clientContainer())));
      assertEquals(Set.of("shop"), agent.inventory().containers().values().stream()
          .filter(c -> !c.name().equals("it-sidecar"))
          .map(c -> c.placement().group()).collect(Collectors.toSet()));

      sh("docker", "rm", "-f", "it-client");
      assertTrue(waitFor(() -> !agent.capturing().contains("it-client"), 30_000),
          "a stopped container's capture is released: " + agent.capturing());
      assertTrue(waitFor(() -> Thread.getAllStackTraces().keySet().stream()
          .noneMatch(t -> t.getName().startsWith("capture-it-client")), 30_000));
    }
  }

  private static long count(List<Transaction> ts, String server, Outcome outcome) {
    return ts.stream().filter(t -> server.equals(t.serverService())
        && (outcome == null || t.outcome() == outcome)).count();
  }
}
