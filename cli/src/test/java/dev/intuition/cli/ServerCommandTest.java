package dev.intuition.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The server's command line: what it hands the server as properties, and what it refuses. */
class ServerCommandTest {
  record Run(int status, List<String> properties, String err) {}

  static Run run(Map<String, String> env, String... args) {
    List<String> seen = new ArrayList<>();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl = new CommandLine(new ServerCommand(p -> {
      seen.addAll(p);
      return ServerCommand.RUNNING;
    })).setCommandName("intuition server");
    int status = Cli.commandLine(cl, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8), env).execute(args);
    return new Run(status, seen, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void optionsAndSettingsBecomeProperties() {
    Run r = run(Map.of(), "--port", "9000", "--token=s3cret", "--intuition.graph.live-window=30m");
    assertEquals(ServerCommand.RUNNING, r.status(), r.err());
    assertEquals(List.of("--server.port=9000", "--intuition.token=s3cret",
        "--intuition.graph.live-window=30m"), r.properties());
  }

  @Test
  void theEnvironmentFillsWhatTheCommandLineLeavesOut() {
    Run r = run(Map.of("SERVER_PORT", "9100", "INTUITION_VIEWER_TOKEN", "v"));
    assertEquals(List.of("--server.port=9100", "--intuition.viewer.token=v"), r.properties());
    assertEquals(List.of("--server.port=9200", "--intuition.viewer.token=v"),
        run(Map.of("SERVER_PORT", "9100", "INTUITION_VIEWER_TOKEN", "v"), "--port=9200")
            .properties(), "the command line wins");
    assertEquals(List.of("--server.port=8080"), run(Map.of()).properties());
    assertEquals(List.of("--server.port=9300", "--intuition.x=1"),
        run(Map.of(), "--server.port=9300", "--intuition.x=1").properties(),
        "Spring's --server.port is the port");
  }

  @Test
  void badCommandLinesAreOneLineWithStatus2() {
    for (String[] args : new String[][] {{"--port", "x"}, {"--port", "70000"}, {"--bogus"},
        {"stray"}, {"--server.port=http"}, {"--token"}}) {
      Run r = run(Map.of(), args);
      assertEquals(Cli.EXIT_USAGE, r.status(), String.join(" ", args));
      assertTrue(r.properties().isEmpty(), "the server is not started");
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().startsWith("intuition server: "), r.err());
    }
    assertTrue(run(Map.of("SERVER_PORT", "http")).err().contains("'http'"),
        "a bad environment variable is named by its value");
  }
}
