package dev.intuition.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A small command-line reader: {@code --name value}, {@code --name=value} and flags, each with an
 * environment variable as fallback. Unknown options and bad values are {@link CommandLineException}s
 * with a one-line message.
 */
final class Options {
  private final String command;
  private final Map<String, List<String>> values = new HashMap<>();
  private final Map<String, String> env;

  Options(String command, String[] args, Set<String> withValue, Set<String> flags,
      Map<String, String> env) {
    this.command = command;
    this.env = env;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      if (withValue.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new CommandLineException(command + ": " + name + " needs a value (try --help)");
          }
          value = args[++i];
        }
        values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else if (flags.contains(name) && value == null) {
        values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
      } else {
        throw new CommandLineException(command + ": unknown option '" + a + "' (try --help)");
      }
    }
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The option's last value, else the environment variable, else the default. */
  String get(String name, String envName, String fallback) {
    List<String> v = values.get(name);
    if (v != null) {
      return v.get(v.size() - 1);
    }
    String e = envName == null ? null : env.get(envName);
    return e != null && !e.isBlank() ? e.trim() : fallback;
  }

  /** Every value of a repeatable option, plus the comma-separated environment variable. */
  List<String> all(String name, String envName) {
    List<String> out = new ArrayList<>();
    String e = envName == null ? null : env.get(envName);
    if (e != null && !e.isBlank()) {
      for (String part : e.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    out.addAll(values.getOrDefault(name, List.of()));
    return out;
  }

  int integer(String name, String envName, int fallback) {
    String v = get(name, envName, null);
    return v == null ? fallback : (int) size(name, v);
  }

  boolean onOff(String name, String envName, boolean fallback) {
    String v = get(name, envName, null);
    if (v == null) {
      return fallback;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "on", "true", "yes", "1" -> true;
      case "off", "false", "no", "0" -> false;
      default -> throw new CommandLineException(command + ": " + name + " expects on or off, got '"
          + v + "'");
    };
  }

  /** A positive number with an optional k / m / g suffix (powers of 1024). */
  long size(String name, String v) {
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
        return n;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new CommandLineException(command + ": " + name + " expects a positive number, got '" + v
        + "'");
  }
}
