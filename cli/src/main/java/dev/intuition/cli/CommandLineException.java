package dev.intuition.cli;

/**
 * A command line that cannot be run: a usage error, shown as one line ({@code intuition COMMAND:
 * message}) with exit status 2.
 */
public final class CommandLineException extends RuntimeException {
  public CommandLineException(String message) {
    super(message);
  }
}
