package dev.intuition.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: exit codes, one-line errors, JSON lines, the demo report. */
class CommandLineTest {
  static final Path DEMO = Path.of("..", "demo", "demo.pcap");

  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void decode_printsOneJsonObjectPerLineAndASummary() {
    Run r = run("decode", DEMO.toString());
    assertEquals(0, r.status(), r.err());
    String[] lines = r.out().split("\n");
    assertTrue(lines.length > 1000, "transactions: " + lines.length);
    for (String line : lines) {
      assertTrue(line.startsWith("{\"protocol\":\"") && line.endsWith("}"), line);
    }
    assertTrue(r.err().contains("transactions " + lines.length + " ("), r.err());
  }

  @Test
  void decode_badCommandLinesGetOneLineAndStatus2() {
    for (String[] args : new String[][] {{"decode"}, {"decode", "--port", "redis"},
        {"decode", "--port", "smtp=25", "x"}, {"decode", "--bogus", "x"}, {"nosuchcommand"}}) {
      Run r = run(args);
      assertEquals(2, r.status(), String.join(" ", args));
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
  }

  @Test
  void decode_unreadableFileIsReportedAndTheOthersStillDecoded(@TempDir Path dir) throws Exception {
    Path notACapture = dir.resolve("notes.txt");
    Files.writeString(notACapture, "hello");
    Run r = run("decode", notACapture.toString(), dir.resolve("missing.pcap").toString(),
        DEMO.toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("not a pcap or pcapng capture"), r.err());
    assertTrue(r.err().contains("missing.pcap: no such file"), r.err());
    assertTrue(r.out().lines().count() > 1000, "the good file is still decoded");
  }

  /**
   * Piped into {@code head}: once stdout fails, decoding stops (the files after it are never opened)
   * and the exit status is 1, without a false "internal decoder error". Each bundle gives about 3 MB
   * of JSON and the writer lags the decoder by at most 16 batches, so the failure is seen during the
   * first files.
   */
  @Test
  void decode_stopsWhenStdoutIsClosed(@TempDir Path dir) {
    java.io.OutputStream closed = new java.io.OutputStream() {
      @Override
      public void write(int b) throws java.io.IOException {
        throw new java.io.IOException("Broken pipe");
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String bundle = Path.of("..", "demo", "demo.bundle").toString();
    int status = Main.run(new String[] {"decode", bundle, bundle, bundle, bundle,
        dir.resolve("missing.pcap").toString()}, new PrintStream(closed, true),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String messages = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, status, messages);
    assertTrue(!messages.contains("missing.pcap"), "decoding went on after stdout closed: " + messages);
    assertTrue(!messages.contains("internal decoder error"), messages);
  }

  @Test
  void demo_reportsEdgesPercentilesAndFailures() {
    Run r = run("demo", "--text", "--capture", DEMO.toString());
    assertEquals(0, r.status(), r.err());
    for (String expected : new String[] {"10.77.0.2:80", "10.77.0.2:6379", "10.77.0.2:5432",
        "10.77.0.2:13306", "p99 ms", "Slowest requests", "pg_sleep", "Failing requests"}) {
      assertTrue(r.out().contains(expected), expected + " in\n" + r.out());
    }
  }

  @Test
  void demo_namesTheServicesOfTheBundledShop() {
    Run r = run("demo", "--text", "--capture", Path.of("..", "demo", "demo.bundle").toString());
    assertEquals(0, r.status(), r.err());
    for (String expected : new String[] {"INTERNET -> shop_web", "shop_web -> shop_api",
        "shop_api -> shop_recommendations", "shop_api -> api.payments.example",
        "shop_worker -> data_postgres", "shop_api -> data_mysql"}) {
      assertTrue(r.out().contains(expected), expected + " in\n" + r.out());
    }
  }

  @Test
  void everyCommandAnswersHelpAndVersion() {
    for (String command : new String[] {"demo", "server", "agent", "decode", "record", "replay"}) {
      Run help = run(command, "--help");
      assertEquals(0, help.status(), command + ": " + help.err());
      assertTrue(help.out().startsWith("Usage: intuition " + command), help.out());
      assertTrue(help.out().contains("-V, --version"), help.out());
      Run version = run(command, "--version");
      assertEquals(0, version.status(), command);
      assertTrue(version.out().startsWith("intuition " + AgentCommand.VERSION), version.out());
    }
    Run top = run("--help");
    assertEquals(0, top.status());
    for (String command : new String[] {"demo", "server", "agent", "decode", "record", "replay",
        "completion", "test"}) {
      assertTrue(top.out().contains("  " + command + " "), command + " in\n" + top.out());
    }
    Run none = run();
    assertEquals(2, none.status(), "no command is a usage error");
    assertTrue(none.err().contains("Usage: intuition"), none.err());
  }

  @Test
  void helpNamesEachOptionsEnvironmentVariableAndDefault() {
    String agent = run("agent", "--help").out();
    for (String expected : new String[] {"[INTUITION_TOKEN]", "[INTUITION_WATCH]",
        "(default 32m)", "(default http://localhost:8080)", "[DOCKER_HOST]"}) {
      assertTrue(agent.contains(expected), expected + " in\n" + agent);
    }
    assertTrue(run("server", "--help").out().contains("[SERVER_PORT]"));
  }

  @Test
  void usageErrorsOfEveryCommandAreOneLineWithStatus2() {
    for (String[] args : new String[][] {{"server", "--port", "http"}, {"server", "bogus"},
        {"server", "--bogus"}, {"demo", "--port", "0"}, {"demo", "--nope"},
        {"record", "--duration", "5ms", "--output", "x"}, {"record"}, {"replay"},
        {"replay", "--token", "t", "no-such-file.pcap"}, {"decode", "--max-query-length", "-1",
        "x"}}) {
      Run r = run(args);
      assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().startsWith("intuition " + args[0] + ": "), r.err());
    }
  }

  @Test
  void completionIsGeneratedFromTheCommands() {
    Run r = run("completion");
    assertEquals(0, r.status(), r.err());
    for (String expected : new String[] {"complete -F", "decode", "replay", "--max-query-length",
        "--ignore-protocol", "--viewer-token"}) {
      assertTrue(r.out().contains(expected), expected);
    }
  }

  @Test
  void percentile_nearestRank() {
    long[] sorted = {1000, 2000, 3000, 4000};
    assertEquals(2.0, DemoCommand.percentile(sorted, 50));
    assertEquals(4.0, DemoCommand.percentile(sorted, 99));
    assertEquals(1.0, DemoCommand.percentile(sorted, 1));
  }
}
