package dev.intuition.agent.docker;

import dev.intuition.agent.Shell;

import static dev.intuition.agent.docker.DockerAgentTest.sh;
import static dev.intuition.agent.docker.DockerAgentTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.agent.Agent;
import dev.intuition.agent.capture.CaptureSettings;
import dev.intuition.wire.SwarmService;
import dev.intuition.decoder.Transaction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Swarm mode: a stack deployed with {@code docker stack deploy} (endpoint_mode dnsrr, since this
 * kernel has no IPVS for virtual IPs) whose tasks have two interfaces each (the overlay network and
 * docker_gwbridge). The agent names services by their Swarm service, groups them by stack, and on this
 * manager node also lists the services with their endpoint mode.
 */
@Tag("docker")
class DockerSwarmTest {
  static final String STACK = """
      version: "3.8"
      services:
        web:
          image: intuition-test-base
          command: ["python3", "-m", "http.server", "8000", "--directory", "/usr/share"]
          volumes: ["/usr:/usr:ro"]
          deploy: {endpoint_mode: dnsrr}
          networks: [net]
        cache:
          image: intuition-test-base
          command: ["redis-server", "--protected-mode", "no", "--save", ""]
          volumes: ["/usr:/usr:ro"]
          deploy: {endpoint_mode: dnsrr}
          networks: [net]
        client:
          image: intuition-test-base
          command: ["sh", "-c", "sleep 2; while true; do curl -s -o /dev/null http://web:8000/; \
      curl -s -o /dev/null http://web:8000/missing; redis-cli -h cache INCR hits >/dev/null; \
      sleep 0.3; done"]
          volumes: ["/usr:/usr:ro"]
          deploy: {endpoint_mode: dnsrr}
          networks: [net]
      networks:
        net: {driver: overlay, attachable: true}
      """;
  private static boolean weInitialisedSwarm;

  @BeforeAll
  static void swarm() throws Exception {
    Shell.requireRoot("a Docker daemon, setns and packet capture");
    sh(DockerAgentTest.script().toString(), "up");
    if (!sh("docker", "info", "--format", "{{.Swarm.LocalNodeState}}").equals("active")) {
      sh("docker", "swarm", "init", "--advertise-addr", "127.0.0.1");
      weInitialisedSwarm = true;
    }
  }

  /** Runs a command whose failure is expected at times (cleanup races); its exit status. */
  static int attempt(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    // "stack rm" can report the overlay network as still in use while the tasks shut down.
    attempt("docker", "stack", "rm", "shop");
    waitFor(() -> {
      try {
        return sh("docker", "ps", "-q", "--filter", "label=com.docker.stack.namespace=shop")
            .isEmpty();
      } catch (Exception e) {
        return false;
      }
    }, 30_000);
    waitFor(() -> {
      try {
        attempt("docker", "network", "rm", "shop_net");
        return sh("docker", "network", "ls", "-q", "--filter", "name=shop_net").isEmpty();
      } catch (Exception e) {
        return false;
      }
    }, 30_000);
    if (weInitialisedSwarm) {
      sh("docker", "swarm", "leave", "--force");
    }
    sh(DockerAgentTest.script().toString(), "down");
  }

  @Test
  void stackServicesAreNamedBySwarmServiceAndGroupedByStack() throws Exception {
    List<Transaction> seen = new CopyOnWriteArrayList<>();
    try (Agent agent = new Agent(null, c -> "shop".equals(c.labels().get(
        "com.docker.stack.namespace")), CaptureSettings.defaults(), seen::add).start()) {
      Path file = Files.createTempFile("stack", ".yml");
      Files.writeString(file, STACK);
      sh("docker", "stack", "deploy", "-c", file.toString(), "shop");
      Files.delete(file);
      assertTrue(waitFor(() -> agent.capturing().size() == 3, 60_000),
          "three tasks captured: " + agent.capturing() + " " + agent.discoveryError());
      assertTrue(waitFor(() -> seen.stream().map(Transaction::serverService)
          .collect(Collectors.toSet()).size() == 2 && seen.size() >= 20, 60_000),
          "transactions: " + seen);
      Set<String> edges = seen.stream().map(t -> t.clientService() + " -> " + t.serverService()
          + " " + t.protocol().wireName()).collect(Collectors.toSet());
      assertEquals(Set.of("shop_client -> shop_web http", "shop_client -> shop_cache redis"),
          edges);
      assertTrue(seen.stream().allMatch(t -> "server".equals(t.observedAt())));
      assertEquals(Set.of("shop"), agent.inventory().containers().values().stream()
          .map(c -> c.placement().group()).collect(Collectors.toSet()));
      assertTrue(agent.inventory().containers().values().stream()
          .allMatch(c -> c.placement().task().startsWith(c.placement().service() + ".")));
      assertTrue(waitFor(() -> agent.inventory().services().size() >= 3, 5_000),
          "the manager lists the services: " + agent.inventory().services());
      assertEquals(Set.of("dnsrr"), agent.inventory().services().stream()
          .filter(s -> "shop".equals(s.group())).map(SwarmService::endpointMode)
          .collect(Collectors.toSet()));
    }
  }
}
