package dev.intuition.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.intuition.agent.inventory.ContainerInfo;
import dev.intuition.cli.Cli;
import dev.intuition.decoder.Protocol;
import dev.intuition.agent.inventory.ServiceNaming;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AgentOptionsTest {
  static ContainerInfo withLabels(Map<String, String> labels) {
    return new ContainerInfo("id", "c", "img", labels, 1, "/proc/1/ns/net", Map.of(), "bridge",
        ServiceNaming.of("c", labels));
  }

  @Test
  void labelFilter_watchIgnoreAndTheBuiltInOptOut() {
    Predicate<ContainerInfo> all = CaptureOptions.labelFilter(List.of(), List.of());
    assertTrue(all.test(withLabels(Map.of())));
    assertFalse(all.test(withLabels(Map.of("intuition.ignore", "true"))));
    Predicate<ContainerInfo> stack = CaptureOptions.labelFilter(
        List.of("com.docker.stack.namespace=shop"), List.of("tier=batch"));
    assertTrue(stack.test(withLabels(Map.of("com.docker.stack.namespace", "shop"))));
    assertFalse(stack.test(withLabels(Map.of("com.docker.stack.namespace", "blog"))));
    assertFalse(stack.test(withLabels(Map.of("com.docker.stack.namespace", "shop",
        "tier", "batch"))));
  }

  @Test
  void portOption_isTheSameOnAgentDecodeAndReplay() {
    Map<Integer, Protocol> expected = Map.of(8000, Protocol.HTTP, 8001, Protocol.HTTP,
        7000, Protocol.REDIS, 3307, Protocol.MYSQL);
    String[] args = {"--port", "http=8000,8001,redis=7000", "--port=mysql=3307", "x.pcap"};
    DecodeCommand decode = new DecodeCommand(System.out, System.err);
    Cli.commandLine(new CommandLine(decode), System.out, System.err, Map.of()).parseArgs(args);
    assertEquals(expected, decode.ports.protocols());
    ReplayCommand replay = new ReplayCommand(System.out, System.err);
    Cli.commandLine(new CommandLine(replay), System.out, System.err, Map.of()).parseArgs(args);
    assertEquals(expected, replay.ports.protocols());
    AgentCommand agent = parse(Map.of(), "--port", "http=8000,8001,redis=7000", "--port=mysql=3307");
    assertEquals(expected, agent.ports.protocols());
  }

  static AgentCommand parse(Map<String, String> env, String... args) {
    AgentCommand agent = new AgentCommand(System.out, System.err);
    Cli.commandLine(new CommandLine(agent), System.out, System.err, env).parseArgs(args);
    return agent;
  }

  static int run(Map<String, String> env, ByteArrayOutputStream err, String... args) {
    return Main.run(args, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8), env);
  }

  @Test
  void options_flagsWinOverEnvironmentAndSizesTakeSuffixes() {
    Map<String, String> env = Map.of("INTUITION_SNAPLEN", "9000", "INTUITION_WATCH", "x,y",
        "INTUITION_BUFFER_SIZE", "64m", "INTUITION_PORTS", "http=8000,8001,redis=7000");
    AgentCommand o = parse(env, "--snaplen=1500", "--watch", "a", "--watch=b", "--stdout");
    assertEquals(1500, o.capture.snaplen);
    assertEquals(64 * 1024 * 1024, o.capture.bufferSize);
    assertEquals(List.of("a", "b"), o.capture.watch, "the command line wins over the environment");
    assertEquals(List.of("http=8000,8001", "redis=7000"), o.ports.ports);
    assertTrue(o.stdout);
    AgentCommand fromEnv = parse(env);
    assertEquals(List.of("x", "y"), fromEnv.capture.watch);
    assertEquals(9000, fromEnv.capture.snaplen);
    AgentCommand defaults = parse(Map.of());
    assertEquals(65535, defaults.capture.snaplen);
    assertEquals(32 * 1024 * 1024, defaults.capture.bufferSize);
    assertFalse(defaults.capture.hostCapture);
    for (String[] bad : new String[][] {{"agent", "--bogus"}, {"agent", "--snaplen"},
        {"agent", "--snaplen", "12x"}, {"agent", "--host-capture", "maybe"},
        {"agent", "--ignore-port", "70000"}}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertEquals(2, run(Map.of(), err, bad), String.join(" ", bad));
      String message = err.toString(StandardCharsets.UTF_8);
      assertEquals(1, message.strip().lines().count(), message);
      assertTrue(message.startsWith("intuition agent: "), message);
    }
  }

  /** record takes the same capture options as the agent, from the same environment variables. */
  @Test
  void recordTakesTheAgentsCaptureOptionsAndEnvironment() {
    Map<String, String> env = Map.of("INTUITION_SNAPLEN", "9000", "INTUITION_HOST_CAPTURE", "on",
        "INTUITION_IGNORE", "tier=batch", "DOCKER_HOST", "tcp://127.0.0.1:2375");
    RecordCommand record = new RecordCommand(System.out, System.err);
    Cli.commandLine(new CommandLine(record), System.out, System.err, env)
        .parseArgs("--output", "x.bundle", "--buffer-size", "8m");
    assertEquals(9000, record.capture.snaplen);
    assertEquals(8 * 1024 * 1024, record.capture.bufferSize);
    assertTrue(record.capture.hostCapture);
    assertEquals("tcp://127.0.0.1:2375", record.capture.dockerHost);
    assertFalse(record.capture.containers().test(withLabels(Map.of("tier", "batch"))));
    assertTrue(record.capture.containers().test(withLabels(Map.of("tier", "web"))));
    assertFalse(record.capture.containers().test(withLabels(Map.of("intuition.ignore", "true"))));
  }

  @Test
  void agentCommand_refusesToStartWithoutAToken() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = run(Map.of(), err, "agent");
    assertEquals(2, status);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("INTUITION_TOKEN"));
  }

  @Test
  void summaryOptions_budgetsFromFlagsOrEnvironmentAndBadValuesAreUsageErrors() {
    AgentCommand o = parse(Map.of("INTUITION_SAMPLE_ERRORS", "25"), "--sample-ok=0",
        "--max-endpoints", "7");
    dev.intuition.agent.ship.Shipper.Settings s = o.summaries.apply(
        dev.intuition.agent.ship.Shipper.Settings.defaults(java.net.URI.create("http://x"), "t"));
    assertEquals(2, s.wireVersion());
    assertEquals(25, s.summarizer().errorBudget());
    assertEquals(0, s.summarizer().okBudget());
    assertEquals(3, s.summarizer().slowest());
    assertEquals(7, s.summarizer().maxEndpointsPerEdge());
    assertEquals(100, s.summarizer().containerBudget());
    assertEquals(1, parse(Map.of(), "--wire-version=1").summaries.apply(s).wireVersion());
    for (String[] bad : new String[][] {{"--wire-version=3"}, {"--sample-errors=-1"},
        {"--max-endpoints=0"}}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      String[] args = new String[bad.length + 3];
      args[0] = "replay";
      args[1] = "--token=t";
      System.arraycopy(bad, 0, args, 2, bad.length);
      args[args.length - 1] = "nothing.pcap";
      assertEquals(2, run(Map.of(), err, args), String.join(" ", bad) + ": "
          + err.toString(StandardCharsets.UTF_8));
      String message = err.toString(StandardCharsets.UTF_8).trim();
      assertTrue(message.contains(bad[0].substring(0, bad[0].indexOf('=')))
          || message.contains("sample budgets"), message);
    }
  }
}
