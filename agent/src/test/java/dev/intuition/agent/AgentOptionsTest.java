package dev.intuition.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.agent.inventory.ServiceNaming;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {
  static ContainerInfo withLabels(Map<String, String> labels) {
    return new ContainerInfo("id", "c", "img", labels, 1, "/proc/1/ns/net", Map.of(), "bridge",
        ServiceNaming.of("c", labels));
  }

  @Test
  void labelFilter_watchIgnoreAndTheBuiltInOptOut() {
    Predicate<ContainerInfo> all = AgentCommand.labelFilter(List.of(), List.of());
    assertTrue(all.test(withLabels(Map.of())));
    assertFalse(all.test(withLabels(Map.of("intuition.ignore", "true"))));
    Predicate<ContainerInfo> stack = AgentCommand.labelFilter(
        List.of("com.docker.stack.namespace=shop"), List.of("tier=batch"));
    assertTrue(stack.test(withLabels(Map.of("com.docker.stack.namespace", "shop"))));
    assertFalse(stack.test(withLabels(Map.of("com.docker.stack.namespace", "blog"))));
    assertFalse(stack.test(withLabels(Map.of("com.docker.stack.namespace", "shop",
        "tier", "batch"))));
  }

  @Test
  void options_flagsWinOverEnvironmentAndSizesTakeSuffixes() {
    Options o = new Options("agent", new String[] {"--snaplen=1500", "--watch", "a", "--watch=b",
        "--stdout"}, Set.of("--snaplen", "--watch", "--buffer-size"), Set.of("--stdout"),
        Map.of("INTUITION_SNAPLEN", "9000", "INTUITION_WATCH", "x,y", "INTUITION_BUFFER_SIZE",
            "64m"));
    assertEquals(1500, o.integer("--snaplen", "INTUITION_SNAPLEN", 65535));
    assertEquals(64 * 1024 * 1024, o.integer("--buffer-size", "INTUITION_BUFFER_SIZE", 1));
    assertEquals(List.of("x", "y", "a", "b"), o.all("--watch", "INTUITION_WATCH"));
    assertTrue(o.has("--stdout"));
    assertThrows(CommandLineException.class, () -> new Options("agent",
        new String[] {"--bogus"}, Set.of(), Set.of(), Map.of()));
    assertThrows(CommandLineException.class, () -> new Options("agent",
        new String[] {"--snaplen"}, Set.of("--snaplen"), Set.of(), Map.of()));
  }

  @Test
  void agentCommand_refusesToStartWithoutAToken() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = new AgentCommand(new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()).run(new String[0]);
    assertEquals(2, status);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("INTUITION_TOKEN"));
  }
}
