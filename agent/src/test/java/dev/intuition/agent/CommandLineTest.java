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

  @Test
  void demo_reportsEdgesPercentilesAndFailures() {
    Run r = run("demo", "--capture", DEMO.toString());
    assertEquals(0, r.status(), r.err());
    for (String expected : new String[] {"10.77.0.2:80", "10.77.0.2:6379", "10.77.0.2:5432",
        "10.77.0.2:13306", "p99 ms", "Slowest requests", "pg_sleep", "Failing requests"}) {
      assertTrue(r.out().contains(expected), expected + " in\n" + r.out());
    }
  }

  @Test
  void demo_namesTheServicesOfTheBundledShop() {
    Run r = run("demo", "--capture", Path.of("..", "demo", "demo.bundle").toString());
    assertEquals(0, r.status(), r.err());
    for (String expected : new String[] {"INTERNET -> shop_web", "shop_web -> shop_api",
        "shop_api -> shop_recommendations", "shop_api -> api.payments.example",
        "shop_worker -> data_postgres", "shop_api -> data_mysql"}) {
      assertTrue(r.out().contains(expected), expected + " in\n" + r.out());
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
