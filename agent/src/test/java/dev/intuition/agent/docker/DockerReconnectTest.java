package dev.intuition.agent.docker;

import dev.intuition.agent.Shell;

import static dev.intuition.agent.docker.DockerAgentTest.IMAGE;
import static dev.intuition.agent.docker.DockerAgentTest.script;
import static dev.intuition.agent.docker.DockerAgentTest.sh;
import static dev.intuition.agent.docker.DockerAgentTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.agent.Agent;
import dev.intuition.agent.capture.CaptureSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The agent survives dockerd restarting: it notices, keeps retrying, reconnects, lists again (a
 * container that stopped with dockerd is released) and follows the new daemon's containers. Runs only
 * where scripts/docker-testbed.sh started dockerd itself (as in CI), since it stops that daemon.
 */
@Tag("docker")
class DockerReconnectTest {
  @BeforeAll
  static void daemon() throws Exception {
    Shell.requireRoot("a Docker daemon, setns and packet capture");
    sh(script().toString(), "up");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    sh(script().toString(), "down");
  }

  @Test
  void reconnectsWhenDockerdRestarts() throws Exception {
    java.util.List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Agent agent = new Agent(null, c -> c.name().startsWith("it-r"), CaptureSettings.defaults(),
        t -> { }).log(messages::add).start()) {
      sh("docker", "run", "-d", "--name", "it-r1", "--label", "intuition.test=1", "-v",
          "/usr:/usr:ro", IMAGE, "sleep", "3600");
      assertTrue(waitFor(() -> agent.capturing().contains("it-r1"), 30_000));
      sh(script().toString(), "stop-daemon");
      assertTrue(waitFor(() -> agent.discoveryError() != null, 30_000),
          "the agent notices that Docker is gone");
      assertTrue(waitFor(() -> messages.stream().anyMatch(m -> m.startsWith(
          "docker: lost the Docker API")), 5_000), "and says so: " + messages);
      sh(script().toString(), "up");
      sh("docker", "run", "-d", "--name", "it-r2", "--label", "intuition.test=1", "-v",
          "/usr:/usr:ro", IMAGE, "sleep", "3600");
      assertTrue(waitFor(() -> agent.capturing().contains("it-r2"), 60_000),
          "after reconnecting, new containers are captured: " + agent.capturing() + " "
              + agent.discoveryError() + "\n" + discoveryStack());
      assertEquals(null, agent.discoveryError());
      assertTrue(messages.stream().anyMatch(m -> m.startsWith("docker: reconnected to the Docker"
          + " API")), "says that it is back: " + messages);
      assertTrue(waitFor(() -> !agent.capturing().contains("it-r1"), 30_000),
          "it-r1 stopped with dockerd: its capture is released: " + agent.capturing());
    }
  }


  static String discoveryStack() {
    StringBuilder sb = new StringBuilder();
    Thread.getAllStackTraces().forEach((t, stack) -> {
      if (t.getName().startsWith("docker")) {
        sb.append(t.getName()).append('\n');
        for (StackTraceElement e : stack) {
          sb.append("  ").append(e).append('\n');
        }
      }
    });
    return sb.toString();
  }
}
