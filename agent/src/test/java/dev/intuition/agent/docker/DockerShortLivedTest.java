package dev.intuition.agent.docker;

import static dev.intuition.agent.docker.DockerAgentTest.IMAGE;
import static dev.intuition.agent.docker.DockerAgentTest.sh;
import static dev.intuition.agent.docker.DockerAgentTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.agent.Agent;
import dev.intuition.agent.Shell;
import dev.intuition.agent.capture.CaptureSettings;
import dev.intuition.decoder.Transaction;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Containers that live a moment (a job that makes one call and exits, removed at once with --rm)
 * are still named: the server's capture sees the call, and the agent names the caller from what it
 * learnt of the container while it ran (inspected at attach, connect or start, and kept for a while
 * after it exited), waiting for a listing of the containers when it knows nothing yet. Also: calls
 * from an address that belongs to no container are sent without waiting long.
 */
@Tag("docker")
class DockerShortLivedTest {
  static final int JOBS = 5;

  @BeforeAll
  static void daemon() throws Exception {
    Shell.requireRoot("a Docker daemon, setns and packet capture");
    sh(DockerAgentTest.script().toString(), "up");
    sh("docker", "network", "create", "--label", "intuition.test=1", "short-net");
    sh("docker", "run", "-d", "--name", "short-web", "--network", "short-net", "--network-alias",
        "web", "--label", "intuition.test=1", "--label", "com.docker.compose.project=jobs",
        "--label", "com.docker.compose.service=web", "-v", "/usr:/usr:ro", IMAGE, "python3", "-m",
        "http.server", "8000", "--directory", "/usr/share");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    sh(DockerAgentTest.script().toString(), "down");
  }

  @Test
  void aContainerThatLivesAMomentIsStillNamed() throws Exception {
    List<Transaction> seen = new CopyOnWriteArrayList<>();
    try (Agent agent = new Agent(null, c -> c.name().startsWith("short-"),
        CaptureSettings.defaults(), seen::add).start()) {
      assertTrue(waitFor(() -> agent.capturing().contains("short-web"), 30_000),
          agent.capturing() + " " + agent.discoveryError());
      for (int i = 0; i < JOBS; i++) {
        // One call, then gone about 0.1 s later; removed at once (--rm).
        sh("docker", "run", "--rm", "--name", "short-job-" + i, "--network", "short-net",
            "--label", "intuition.test=1", "--label", "com.docker.compose.project=jobs",
            "--label", "com.docker.compose.service=job", "-v", "/usr:/usr:ro", IMAGE, "sh", "-c",
            "curl -s -o /dev/null http://web:8000/; sleep 0.1");
      }
      assertTrue(waitFor(() -> seen.size() >= JOBS, 60_000), "calls: " + seen);
      Thread.sleep(1000);
      assertEquals(JOBS, seen.size(), "each call once: " + seen);
      assertEquals(List.of("jobs_job -> jobs_web"), seen.stream().map(t -> t.clientService()
          + " -> " + t.serverService()).distinct().collect(Collectors.toList()),
          "every caller named, though each was gone within a second");
      assertTrue(seen.stream().allMatch(t -> t.clientContainer().startsWith("short-job-")));
      System.out.printf("short-lived callers: %d calls held for a listing%n",
          agent.pendingNames().delayed());
    }
  }
}
