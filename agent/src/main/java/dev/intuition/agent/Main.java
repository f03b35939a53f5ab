package dev.intuition.agent;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * The {@code ./intuition} command line for what runs in the agent's JVM. Each subcommand answers
 * {@code --help}; a bad command line gets one line on stderr and exit status 2.
 */
public final class Main {
  static final int EXIT_USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")
        || args[0].equals("help")) {
      out.print(usage());
      return args.length == 0 ? EXIT_USAGE : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return switch (args[0].toLowerCase(Locale.ROOT)) {
      case "decode" -> new DecodeCommand(out, err).run(rest);
      case "demo" -> new DemoCommand(out, err).run(rest);
      case "agent" -> new AgentCommand(out, err, System.getenv()).run(rest);
      case "record" -> new RecordCommand(out, err, System.getenv()).run(rest);
      case "replay" -> new ReplayCommand(out, err, System.getenv()).run(rest);
      default -> {
        err.println("intuition: unknown command '" + args[0] + "' (try --help)");
        yield EXIT_USAGE;
      }
    };
  }

  static String usage() {
    return """
        Usage: intuition COMMAND [OPTIONS]

        Commands run by this program:
          decode [--port PROTOCOL=PORT ...] FILE...   decode captures to one transaction JSON per line
          demo [--capture FILE]                      show what Intuition sees in a multi-service capture
          agent [OPTIONS]                            capture this host's containers and send to the server
          record --output FILE [--duration 60s]      record this host's traffic and containers (a bundle)
          replay --server URL FILE...                send a capture or bundle through the agent pipeline

        Run 'intuition COMMAND --help' for a command's options.
        """;
  }
}
