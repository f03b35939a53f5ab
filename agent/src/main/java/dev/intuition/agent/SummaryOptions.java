package dev.intuition.agent;

import dev.intuition.agent.ship.Shipper;
import dev.intuition.agent.ship.Summarizer;
import dev.intuition.cli.Cli;
import dev.intuition.cli.CommandLineException;
import picocli.CommandLine.Option;

/**
 * How the agent and {@code replay} sum and sample the calls they send (wire version 2; see
 * docs/wire-format.md), declared once here (a picocli mixin). The defaults are
 * {@link Summarizer.Settings#DEFAULT}.
 */
final class SummaryOptions {
  @Option(names = "--wire-version", paramLabel = "N", defaultValue = "2",
      description = "2: calls summed per second plus a sample (default); 1: every call, for a"
          + " server older than this agent (one that answers 426 to 2 gets 1 anyway)")
  @Cli.Env("INTUITION_WIRE_VERSION")
  int wireVersion;

  @Option(names = "--sample-errors", paramLabel = "N", defaultValue = "10",
      description = "errors and warnings kept per edge and second (default ${DEFAULT-VALUE})")
  @Cli.Env("INTUITION_SAMPLE_ERRORS")
  int errors;

  @Option(names = "--sample-slowest", paramLabel = "N", defaultValue = "3",
      description = "slowest other calls kept per edge and second (default ${DEFAULT-VALUE})")
  @Cli.Env("INTUITION_SAMPLE_SLOWEST")
  int slowest;

  @Option(names = "--sample-ok", paramLabel = "N", defaultValue = "5",
      description = "other calls kept per edge and second, uniformly (default ${DEFAULT-VALUE})")
  @Cli.Env("INTUITION_SAMPLE_OK")
  int ok;

  @Option(names = "--sample-per-container", paramLabel = "N", defaultValue = "100",
      description = "samples one container may ship per second; past it its own are thinned and"
          + " counted (default ${DEFAULT-VALUE})")
  @Cli.Env("INTUITION_SAMPLE_PER_CONTAINER")
  int perContainer;

  @Option(names = "--max-endpoints", paramLabel = "N", defaultValue = "50",
      description = "endpoints told apart per edge and 10 seconds; the rest are summed as 'other'"
          + " (default ${DEFAULT-VALUE})")
  @Cli.Env("INTUITION_MAX_ENDPOINTS")
  int maxEndpoints;

  /** The shipper's settings with these; a value out of range is a usage error. */
  Shipper.Settings apply(Shipper.Settings base) {
    validate();
    Summarizer.Settings d = Summarizer.Settings.DEFAULT;
    return base.withWireVersion(wireVersion).withSummarizer(new Summarizer.Settings(
        d.grace(), d.maxKeys(), maxEndpoints, errors, slowest, ok, perContainer));
  }

  /** A value out of range is a usage error, before anything starts. */
  void validate() {
    if (wireVersion < 1 || wireVersion > 2) {
      throw new CommandLineException("--wire-version must be 1 or 2, got " + wireVersion);
    }
    if (errors < 0 || slowest < 0 || ok < 0 || perContainer < 0) {
      throw new CommandLineException("the sample budgets (--sample-errors, --sample-slowest,"
          + " --sample-ok, --sample-per-container) must not be negative");
    }
    if (maxEndpoints < 1) {
      throw new CommandLineException("--max-endpoints must be at least 1, got " + maxEndpoints);
    }
  }
}
