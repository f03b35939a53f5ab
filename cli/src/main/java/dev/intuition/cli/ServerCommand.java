package dev.intuition.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code intuition server}: the topology server's command line, declared once. It turns its options
 * into the server's Spring properties and hands them to a {@link Runner}: the server's own jar runs
 * the application in its JVM (so {@code ./intuition server} is the server's process), the agent's jar
 * starts that jar in a JVM of its own (the demo; {@code java -jar intuition-agent.jar server}).
 */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    abbreviateSynopsis = true, sortOptions = false,
    description = {"The topology server: ingest from agents, the service graph API and the UI.", "",
        "Starts the topology server: agents send to POST /api/v1/ingest, the graph is at"
        + " GET /api/v1/graph and the UI at /.", ""},
    footer = {"", "Any setting of the README's Configuration table can be given as --name=value,"
        + " for example --intuition.graph.live-window=30m (--server.port=N is --port N). The"
        + " server's JVM flags: INTUITION_SERVER_JAVA_OPTS (default -Xmx1g) and JAVA_OPTS."})
public final class ServerCommand implements Callable<Integer> {
  /** Runs the server with Spring properties as {@code --name=value} arguments. */
  @FunctionalInterface
  public interface Runner {
    /**
     * Runs the server; returns its exit status, or {@link #RUNNING} when it keeps running in this
     * JVM after the call.
     */
    int run(List<String> properties) throws Exception;
  }

  /** What a {@link Runner} returns when the server runs on in this JVM. */
  public static final int RUNNING = -1;

  private final Runner runner;

  @Spec
  CommandSpec spec;

  @Mixin
  ServerPort serverPort;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "the token agents must present (default: a random one, printed at start)")
  @Cli.Env("INTUITION_TOKEN")
  String token;

  @Option(names = "--viewer-token", paramLabel = "TOKEN",
      description = "readers of the UI and the API must log in with this other secret (default:"
          + " none, anyone who reaches the port can read)")
  @Cli.Env("INTUITION_VIEWER_TOKEN")
  String viewerToken;

  @Unmatched
  List<String> settings = new ArrayList<>();

  public ServerCommand(Runner runner) {
    this.runner = runner;
  }

  @Override
  public Integer call() throws Exception {
    return runner.run(properties());
  }

  /** The Spring properties this command line means. */
  public List<String> properties() {
    int listen = serverPort.port();
    List<String> rest = new ArrayList<>();
    for (String s : settings) {
      if (!s.matches("--[a-zA-Z][\\w.\\-\\[\\]]*=.*")) {
        throw new ParameterException(spec.commandLine(), s.startsWith("-")
            ? "unknown option '" + s + "' (settings are --name=value)"
            : "unexpected argument '" + s + "'");
      }
      if (s.startsWith("--server.port=")) { // Spring's own name for --port
        try {
          listen = new Cli.Port().convert(s.substring("--server.port=".length()));
        } catch (RuntimeException e) {
          throw new ParameterException(spec.commandLine(), "--server.port " + e.getMessage());
        }
      } else {
        rest.add(s);
      }
    }
    List<String> properties = new ArrayList<>(List.of("--server.port=" + listen));
    if (token != null) {
      properties.add("--intuition.token=" + token);
    }
    if (viewerToken != null) {
      properties.add("--intuition.viewer.token=" + viewerToken);
    }
    properties.addAll(rest);
    return properties;
  }
}
