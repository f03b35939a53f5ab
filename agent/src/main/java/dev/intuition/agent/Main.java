package dev.intuition.agent;

import dev.intuition.cli.Cli;
import dev.intuition.cli.ServerCommand;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code ./intuition} command line: one picocli command per subcommand, each with its options,
 * environment variables and defaults declared once on its fields. Every command answers
 * {@code --help} and {@code --version}; a bad command line gets one line on stderr and exit status 2.
 */
public final class Main {
  static final int EXIT_USAGE = Cli.EXIT_USAGE;

  private Main() {}

  public static void main(String[] args) {
    // picocli looks for Groovy's Closure class when it first starts unless told not to: a class
    // that is not there, so the class loader opens every jar of the class path to be sure (about
    // 20 ms of every start, a tenth of decode's start-up).
    if (System.getProperty("picocli.disable.closures") == null) {
      System.setProperty("picocli.disable.closures", "true");
    }
    int status = run(args, System.out, System.err, System.getenv());
    // Success with no thread left to wait for (decode, --help, --version): main returns and the JVM
    // ends as any program does. System.exit would first look up a System.Logger to log the call,
    // and that lookup opens every jar of the class path for a logging provider (about 25 ms).
    if (status == 0 && !otherLiveThreads()) {
      System.out.flush();
      return;
    }
    System.exit(status);
  }

  /** Whether a thread other than this one would keep the JVM running (a non-daemon thread). */
  private static boolean otherLiveThreads() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 16];
    int n = root.enumerate(threads, true);
    for (int i = 0; i < n; i++) {
      Thread t = threads[i];
      if (t != Thread.currentThread() && !t.isDaemon() && t.isAlive()) {
        return true;
      }
    }
    return n == threads.length; // more threads than room: assume the worst
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, System.getenv());
  }

  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    // Building a picocli command costs reflection, which runs interpreted at start-up (about 0.3 s
    // for the whole tree): a run of one command builds only that command. Help, completion and
    // anything unknown get the whole tree.
    String only = args.length > 0 && !"completion".equals(args[0]) ? args[0] : null;
    return commandLine(out, err, env, only).execute(args);
  }

  /** The command tree, as {@code completion} and the tests see it. */
  static CommandLine commandLine(PrintStream out, PrintStream err, Map<String, String> env) {
    return commandLine(out, err, env, null);
  }

  /**
   * The command tree; with {@code only} naming a subcommand, the root and that subcommand alone
   * (any other name, or null, builds every subcommand).
   */
  static CommandLine commandLine(PrintStream out, PrintStream err, Map<String, String> env,
      String only) {
    Map<String, Supplier<CommandLine>> commands = new LinkedHashMap<>();
    commands.put("demo", () -> new CommandLine(new DemoCommand(out, err, env)));
    commands.put("server", () -> new CommandLine(new ServerCommand(new ServerProcess(env))));
    commands.put("agent", () -> new CommandLine(new AgentCommand(out, err)));
    commands.put("decode", () -> new CommandLine(new DecodeCommand(out, err)));
    commands.put("record", () -> new CommandLine(new RecordCommand(out, err)));
    commands.put("replay", () -> new CommandLine(new ReplayCommand(out, err)));
    commands.put("completion", Main::completion);
    CommandLine cl = new CommandLine(new Intuition());
    boolean one = only != null && commands.containsKey(only);
    commands.forEach((name, command) -> {
      if (!one || name.equals(only)) {
        cl.addSubcommand(name, command.get());
      }
    });
    return Cli.commandLine(cl, out, err, env);
  }

  private static CommandLine completion() {
    CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
    completion.getCommandSpec().usageMessage().hidden(false).description(
        "Print a bash / zsh completion script: source <(./intuition completion).", "",
        "Or save it as /etc/bash_completion.d/intuition.");
    return completion;
  }

  @Command(name = "intuition", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    abbreviateSynopsis = true, sortOptions = false,
      synopsisSubcommandLabel = "COMMAND", subcommands = CommandLine.HelpCommand.class,
      description = "Intuition: the live service graph of a Docker / Swarm cluster, from the traffic"
          + " of its containers.",
      footer = {"", "  test        Run the whole test suite (./intuition test --help).", "",
          "Run './intuition COMMAND --help' for a command's options. Environment: JAVA_HOME (a JDK"
              + " >= 21), JAVA_OPTS (extra JVM flags), INTUITION_AGENT_JAVA_OPTS (agent, record and"
              + " demo; default: serial GC, 128 MB heap), INTUITION_DECODE_JAVA_OPTS (decode's; default:"
              + " serial GC, 16 MB young generation, C1 only, huge pages),"
              + " INTUITION_SERVER_JAVA_OPTS (the server's; default -Xmx1g)."})
  static final class Intuition implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return EXIT_USAGE;
    }
  }
}
