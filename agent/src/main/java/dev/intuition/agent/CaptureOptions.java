package dev.intuition.agent;

import dev.intuition.cli.Cli;
import dev.intuition.agent.inventory.ContainerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import picocli.CommandLine.Option;

/**
 * What to capture on this host, as {@code agent} and {@code record} both take it: declared once here
 * (a picocli mixin) with its defaults and environment variables.
 */
final class CaptureOptions {
  @Option(names = "--docker-host", paramLabel = "URL",
      description = "Docker API (default unix:///var/run/docker.sock)")
  @Cli.Env("DOCKER_HOST")
  String dockerHost;

  @Option(names = "--watch", paramLabel = "LABEL[=VALUE]", split = ",",
      description = "capture only containers with this label; repeatable")
  @Cli.Env("INTUITION_WATCH")
  List<String> watch = new ArrayList<>();

  @Option(names = "--ignore", paramLabel = "LABEL[=VALUE]", split = ",",
      description = "never capture containers with this label; repeatable (containers labelled"
          + " intuition.ignore=true are always left out)")
  @Cli.Env("INTUITION_IGNORE")
  List<String> ignore = new ArrayList<>();

  @Option(names = "--snaplen", paramLabel = "N", converter = Cli.Size.class,
      defaultValue = "65535", description = "bytes kept per packet (default ${DEFAULT-VALUE})")
  @Cli.Env("INTUITION_SNAPLEN")
  int snaplen;

  @Option(names = "--buffer-size", paramLabel = "N[k|m]", converter = Cli.Size.class,
      defaultValue = "32m", description = "kernel capture buffer per interface (default"
          + " ${DEFAULT-VALUE})")
  @Cli.Env("INTUITION_BUFFER_SIZE")
  int bufferSize;

  @Option(names = "--host-capture", paramLabel = "on|off", arity = "1", converter = Cli.OnOff.class,
      defaultValue = "off", description = "also capture the host's own interfaces (host-network"
          + " containers, processes outside containers) (default ${DEFAULT-VALUE})")
  @Cli.Env("INTUITION_HOST_CAPTURE")
  boolean hostCapture;

  /** The containers to capture: every --watch label present, no --ignore label, not intuition.ignore. */
  Predicate<ContainerInfo> containers() {
    return labelFilter(watch, ignore);
  }

  /** Containers to capture: every --watch label present, no --ignore label, not intuition.ignore. */
  static Predicate<ContainerInfo> labelFilter(List<String> watch, List<String> ignore) {
    Predicate<ContainerInfo> p = c -> !"true".equals(c.labels().get("intuition.ignore"));
    for (String w : watch) {
      p = p.and(c -> matches(c, w));
    }
    for (String i : ignore) {
      p = p.and(c -> !matches(c, i));
    }
    return p;
  }

  private static boolean matches(ContainerInfo c, String selector) {
    int eq = selector.indexOf('=');
    if (eq < 0) {
      return c.labels().containsKey(selector);
    }
    return selector.substring(eq + 1).equals(c.labels().get(selector.substring(0, eq)));
  }
}
