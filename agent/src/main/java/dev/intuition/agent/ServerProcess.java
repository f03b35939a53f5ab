package dev.intuition.agent;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import dev.intuition.cli.CommandLineException;
import dev.intuition.cli.ServerCommand;

/**
 * The topology server in a JVM of its own, started from the agent's jar: what the demo runs, and what
 * {@code java -jar intuition-agent.jar server} runs ({@code ./intuition server} runs the server's jar
 * directly). Secrets go to the child in its environment, never on its command line.
 */
final class ServerProcess implements ServerCommand.Runner {
  private final Map<String, String> env;

  ServerProcess(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public int run(List<String> properties) throws Exception {
    List<String> args = new ArrayList<>();
    Map<String, String> secrets = new java.util.HashMap<>();
    for (String p : properties) { // the tokens travel in the child's environment
      if (p.startsWith("--intuition.token=")) {
        secrets.put("INTUITION_TOKEN", p.substring("--intuition.token=".length()));
      } else if (p.startsWith("--intuition.viewer.token=")) {
        secrets.put("INTUITION_VIEWER_TOKEN", p.substring("--intuition.viewer.token=".length()));
      } else {
        args.add(p);
      }
    }
    Process server = start(env, args, secrets, null);
    stopWithThisProcess(server);
    return server.waitFor();
  }

  /**
   * Starts the server with {@code args} on its command line and {@code secrets} (INTUITION_TOKEN,
   * INTUITION_VIEWER_TOKEN) in its environment; its output goes to {@code log}, or to this
   * process's when null.
   */
  static Process start(Map<String, String> env, List<String> args, Map<String, String> secrets,
      Path log) throws IOException {
    ProcessBuilder pb = launcher(env, args);
    pb.environment().putAll(secrets);
    if (log == null) {
      pb.inheritIO();
    } else {
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
    }
    return pb.start();
  }

  /**
   * A process builder for the server's JVM with {@code args}: this JVM's {@code java}, the server's
   * JVM flags ({@code INTUITION_SERVER_JAVA_OPTS}, default {@code -Xmx1g}, then {@code JAVA_OPTS})
   * and its jar ({@link #serverJar}).
   */
  private static ProcessBuilder launcher(Map<String, String> env, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String opts = env.get("INTUITION_SERVER_JAVA_OPTS");
    command.addAll(words(opts == null || opts.isBlank() ? "-Xmx1g" : opts));
    command.addAll(words(env.get("JAVA_OPTS")));
    command.add("-jar");
    command.add(serverJar().toString());
    command.addAll(args);
    return new ProcessBuilder(command).redirectInput(Redirect.INHERIT);
  }

  /**
   * The server's executable jar: {@code -Dintuition.server.jar} (the launcher sets it), else beside
   * this jar (as in the image), else where the build puts it in a checkout.
   */
  static Path serverJar() {
    String given = System.getProperty("intuition.server.jar");
    if (given != null && !given.isBlank()) {
      return Path.of(given);
    }
    try {
      Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path dir = self.getParent();
      for (Path p : List.of(dir.resolve("intuition-server.jar"),
          dir.resolve("../../topology-server/target/intuition-server-exec.jar").normalize())) {
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
    } catch (Exception e) {
      // the message below
    }
    throw new CommandLineException("the server's jar was not found; build it (./intuition builds"
        + " it) or give -Dintuition.server.jar=PATH");
  }

  /** Stops {@code child} (SIGTERM, then SIGKILL after 30 s) when this JVM is stopped. */
  static void stopWithThisProcess(Process child) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (child.isAlive()) {
        child.destroy();
        try {
          if (!child.waitFor(30, TimeUnit.SECONDS)) {
            child.destroyForcibly();
          }
        } catch (InterruptedException e) {
          child.destroyForcibly();
        }
      }
    }, "stop-server"));
  }

  private static List<String> words(String s) {
    return s == null || s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
  }

  /** Whether something answers on the loopback port (another server, an earlier demo). */
  static boolean inUse(int port) {
    try (var socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
