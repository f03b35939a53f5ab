package dev.intuition.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * What every command of the {@code intuition} command line shares: options that fall back to an
 * environment variable ({@link Env}, declared once on the option and shown in its help), the value
 * types (sizes, on/off, durations), the version, and the error handling (one line on stderr, exit
 * status 2 for a usage error, 1 for a failure).
 */
public final class Cli {
  /** This build's version, as {@code --version} and the agents' identity say it. */
  public static final String VERSION = "0.1.0";
  /** The exit status of a usage error. */
  public static final int EXIT_USAGE = 2;

  private Cli() {}

  /** The environment variable an option falls back to when it is not on the command line. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.FIELD)
  public @interface Env {
    String value();
  }

  /** The whole command line, writing to {@code out} and {@code err}, reading {@code env}. */
  public static CommandLine commandLine(CommandLine cl, PrintStream out, PrintStream err,
      Map<String, String> env) {
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setDefaultValueProvider(new EnvDefaults(env));
    cl.setParameterExceptionHandler((e, args) -> {
      if (e instanceof CommandLine.UnmatchedArgumentException u && e.getCommandLine() == cl
          && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
        err.println(prefix(cl) + "unknown command '" + u.getUnmatched().get(0) + "' (try --help)");
        return EXIT_USAGE;
      }
      err.println(prefix(e.getCommandLine()) + oneLine(e.getMessage()) + " (try --help)");
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((e, c, parsed) -> {
      if (e instanceof CommandLineException || e instanceof IllegalArgumentException) {
        err.println(prefix(c) + oneLine(e.getMessage()));
        return EXIT_USAGE;
      }
      err.println(prefix(c) + "failed: " + e);
      return 1;
    });
    showEnvironment(cl);
    return cl;
  }

  /** {@code "intuition decode: "}: the start of every message of a command. */
  public static String prefix(CommandLine c) {
    return c.getCommandSpec().qualifiedName() + ": ";
  }

  private static String oneLine(String message) {
    String m = message == null ? "failed" : message.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }

  /** Adds " [NAME]" to the help of every option that falls back to environment variable NAME. */
  private static void showEnvironment(CommandLine cl) {
    CommandSpec spec = cl.getCommandSpec();
    List<OptionSpec> options = new ArrayList<>(spec.options());
    if (options.stream().anyMatch(o -> env(o) != null)) {
      options.forEach(spec::remove); // added back in their order, so the help keeps it
      for (OptionSpec o : options) {
        Env env = env(o);
        if (env == null) {
          spec.addOption(o);
          continue;
        }
        String[] description = o.description().length == 0 ? new String[] {""}
            : o.description().clone();
        description[description.length - 1] += " [" + env.value() + "]";
        spec.addOption(o.toBuilder().description(description).build());
      }
    }
    cl.getSubcommands().values().forEach(Cli::showEnvironment);
  }

  static Env env(ArgSpec arg) {
    return arg.userObject() instanceof Field f ? f.getAnnotation(Env.class) : null;
  }

  /** Options marked {@link Env} take the variable's value when they are not given. */
  public static final class EnvDefaults implements IDefaultValueProvider {
    private final Map<String, String> env;

    public EnvDefaults(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
      Env name = env(arg);
      if (name == null) {
        return null;
      }
      String v = env.get(name.value());
      return v == null || v.isBlank() ? null : v.trim();
    }
  }

  /** A positive number with an optional k / m / g suffix (powers of 1024): 65535, 32m. */
  public static final class Size implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String v) {
      String s = v.trim().toLowerCase(Locale.ROOT);
      long unit = 1;
      if (s.endsWith("k") || s.endsWith("m") || s.endsWith("g")) {
        unit = switch (s.charAt(s.length() - 1)) {
          case 'k' -> 1024L;
          case 'm' -> 1024L * 1024;
          default -> 1024L * 1024 * 1024;
        };
        s = s.substring(0, s.length() - 1);
      }
      try {
        long n = Long.parseLong(s) * unit;
        if (n > 0 && n <= Integer.MAX_VALUE) {
          return (int) n;
        }
      } catch (NumberFormatException e) {
        // the message below
      }
      throw new TypeConversionException("expects a positive number, got '" + v + "'");
    }
  }

  /** A TCP port, 1 to 65535. */
  public static final class Port implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String v) {
      try {
        int n = Integer.parseInt(v.trim());
        if (n >= 1 && n <= 65535) {
          return n;
        }
      } catch (NumberFormatException e) {
        // the message below
      }
      throw new TypeConversionException("expects a port number (1-65535), got '" + v + "'");
    }
  }

  /** on / off (also true / false, yes / no, 1 / 0). */
  public static final class OnOff implements ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String v) {
      return switch (v.trim().toLowerCase(Locale.ROOT)) {
        case "on", "true", "yes", "1" -> true;
        case "off", "false", "no", "0" -> false;
        default -> throw new TypeConversionException("expects on or off, got '" + v + "'");
      };
    }
  }

  /** Seconds, minutes or hours: 90, 90s, 5m, 1h. */
  public static final class Seconds implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String v) {
      String s = v.trim().toLowerCase(Locale.ROOT);
      long unit = 1;
      char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
      if (!s.endsWith("ms") && (last == 's' || last == 'm' || last == 'h')) {
        unit = last == 's' ? 1 : last == 'm' ? 60 : 3600;
        s = s.substring(0, s.length() - 1);
      }
      try {
        long n = Long.parseLong(s);
        if (n > 0) {
          return Duration.ofSeconds(n * unit);
        }
      } catch (NumberFormatException e) {
        // the message below
      }
      throw new TypeConversionException("expects e.g. 90, 90s, 5m or 1h, got '" + v + "'");
    }
  }

  /** {@code --version}: this build's version and the Java it runs on. */
  public static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"intuition " + VERSION,
          "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"};
    }
  }

  /** Fails with a usage error unless every value is a positional file that exists. */
  public static void requireFiles(CommandLine c, List<java.nio.file.Path> files) {
    for (java.nio.file.Path f : files) {
      if (!java.nio.file.Files.isRegularFile(f)) {
        throw new ParameterException(c, f + ": no such file");
      }
    }
  }
}
