package dev.intuition.testsupport.es;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops a real Elasticsearch node ({@link ElasticsearchTestNode}) in a child JVM, for
 * tests. Plain JDK, so that a test classpath that uses it does not get Elasticsearch's libraries.
 *
 * <pre>
 *   try (TestElasticsearch es = TestElasticsearch.start(dir)) {
 *     client(es.url()); ...
 *     es.kill();     // an outage
 *     es.restart();  // same port, same data
 *   }
 * </pre>
 */
public final class TestElasticsearch implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Path home;
  private final int port;
  private Process process;

  private TestElasticsearch(Path home, int port) {
    this.home = home;
    this.port = port;
  }

  /** A node on a free port with its data under {@code home}; returns once its cluster is yellow. */
  public static TestElasticsearch start(Path home) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TestElasticsearch es = new TestElasticsearch(home, port);
    es.launch();
    return es;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public boolean running() {
    return process != null && process.isAlive();
  }

  /** Ends the node at once, as a crash would (SIGKILL). */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Starts the node again on the same port and data, after {@link #kill} or {@link #close}. */
  public void restart() throws IOException {
    if (running()) {
      throw new IllegalStateException("the node is running");
    }
    launch();
  }

  /** Stops the node cleanly (SIGTERM), then forcibly if it does not end within 30 s. */
  @Override
  public void close() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private void launch() throws IOException {
    Files.createDirectories(home);
    Path log = home.resolve("node.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xms256m", "-Xmx512m", "-XX:+UseSerialGC",
        "--enable-native-access=ALL-UNNAMED", "-Dlog4j2.disable.jmx=true",
        "-cp", classpath(), ElasticsearchTestNode.class.getName(),
        Integer.toString(port), home.toString()));
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    Process p = process;
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health = HttpRequest.newBuilder(
            URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=5s"))
        .timeout(Duration.ofSeconds(10)).build();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("the Elasticsearch test node exited with " + p.exitValue()
            + "; its log: " + log + "\n" + tail(log));
      }
      try {
        HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the node", e);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the node", e);
      }
    }
    p.destroyForcibly();
    throw new IOException("the Elasticsearch test node did not start within " + START_TIMEOUT
        + "; its log: " + log + "\n" + tail(log));
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** This module's classes plus the node's libraries, as Maven resolved them at build time. */
  private static String classpath() throws IOException {
    String libraries;
    try (InputStream in = TestElasticsearch.class.getResourceAsStream("node.classpath")) {
      if (in == null) {
        throw new IOException("node.classpath is missing: build es-test-node with Maven");
      }
      libraries = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .readLine().trim();
    }
    try {
      Path own = Path.of(TestElasticsearch.class.getProtectionDomain().getCodeSource()
          .getLocation().toURI());
      return own + java.io.File.pathSeparator + libraries;
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }
}
