package dev.intuition.agent;

/** A command line that cannot be run; the message is the one line shown to the user. */
final class CommandLineException extends RuntimeException {
  CommandLineException(String message) {
    super(message);
  }
}
