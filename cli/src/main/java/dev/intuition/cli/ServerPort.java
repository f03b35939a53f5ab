package dev.intuition.cli;

import picocli.CommandLine.Option;

/**
 * {@code --port N}, the port the topology server listens on: one declaration for {@code server} and
 * {@code demo} (which starts a server), mixed into each with {@code @Mixin}.
 */
public final class ServerPort {
  @Option(names = "--port", paramLabel = "N", converter = Cli.Port.class, defaultValue = "8080",
      description = "the server listens on N (default ${DEFAULT-VALUE})")
  @Cli.Env("SERVER_PORT")
  int port;

  /** The port given, from {@code SERVER_PORT}, or 8080. */
  public int port() {
    return port;
  }
}
