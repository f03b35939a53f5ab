package dev.intuition.agent;

import dev.intuition.cli.Cli;
import dev.intuition.decoder.DecoderSettings;
import dev.intuition.decoder.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --port PROTOCOL=PORT[,PORT]}, a protocol forced on ports (winning over detection), as
 * {@code agent}, {@code decode} and {@code replay} all take it: declared once here (a picocli mixin).
 * {@code --port http=80,8080,redis=7000} is two options in one: a comma followed by a letter starts
 * the next protocol.
 */
final class ProtocolPortOptions {
  @Option(names = "--port", paramLabel = "PROTOCOL=PORT[,PORT]", split = ",(?=[a-zA-Z])",
      hideParamSyntax = true, description = "treat a port as a protocol (http, redis, postgresql,"
          + " mysql, tls), winning over detection; repeatable")
  @Cli.Env("INTUITION_PORTS")
  List<String> ports = new ArrayList<>();

  /** Each forced port and its protocol; a malformed option is an IllegalArgumentException. */
  Map<Integer, Protocol> protocols() {
    return DecoderSettings.parsePortOptions(ports);
  }
}
