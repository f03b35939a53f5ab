package dev.intuition.decoder;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every limit of the decoder, named, with a documented default. The limits bound memory whatever the
 * traffic: a connection table of {@code maxConnections}, per stream at most {@code reorderWindowBytes}
 * held out of order and {@code maxMessageBytes} of one message head, {@code maxTotalBufferedBytes} over
 * all streams together, and {@code maxPendingRequests} requests waiting for their responses.
 *
 * @param maxConnections connections tracked at once; the least recently active is dropped beyond it
 *     (default 65,536)
 * @param reorderWindowBytes bytes held per direction while waiting for a missing segment; past it the
 *     missing bytes become a gap (default 256 KiB)
 * @param maxMessageBytes largest message head a decoder buffers (HTTP start line and headers, a Redis
 *     line, a SQL text message); larger ones are skipped and the stream resynchronised (default 64 KiB)
 * @param maxTotalBufferedBytes all bytes buffered by all streams together (default 256 MiB)
 * @param maxPendingRequests requests waiting for a response per connection; beyond it the oldest is
 *     reported unmatched (default 1,024)
 * @param connectionIdleTimeout a connection without packets for this long is closed; its pending requests
 *     are reported without response (default 120 s)
 * @param transactionTimeout a request without response for this long is reported as unmatched, with
 *     outcome error (default 60 s)
 * @param maxQueryLength characters of {@code query} kept; longer texts are cut and end in "..."
 *     (default 2,048)
 * @param redact whether secrets are replaced before a transaction leaves the decoder (default true)
 * @param sensitiveFields names (case-insensitive, substring match) of query-string and form fields whose
 *     values are redacted
 * @param portProtocols ports forced to a protocol ({@code --port redis=6380}); they win over detection
 */
public record DecoderSettings(
    int maxConnections,
    int reorderWindowBytes,
    int maxMessageBytes,
    long maxTotalBufferedBytes,
    int maxPendingRequests,
    Duration connectionIdleTimeout,
    Duration transactionTimeout,
    int maxQueryLength,
    boolean redact,
    List<String> sensitiveFields,
    Map<Integer, Protocol> portProtocols) {

  public static final List<String> DEFAULT_SENSITIVE_FIELDS = List.of(
      "pass", "pwd", "secret", "token", "api_key", "apikey", "api-key", "auth", "credential",
      "session", "signature", "private_key", "access_key");

  public DecoderSettings {
    requirePositive("maxConnections", maxConnections);
    requirePositive("reorderWindowBytes", reorderWindowBytes);
    requirePositive("maxMessageBytes", maxMessageBytes);
    requirePositive("maxTotalBufferedBytes", maxTotalBufferedBytes);
    requirePositive("maxPendingRequests", maxPendingRequests);
    requirePositive("maxQueryLength", maxQueryLength);
    if (connectionIdleTimeout.isNegative() || connectionIdleTimeout.isZero()
        || transactionTimeout.isNegative() || transactionTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    sensitiveFields = sensitiveFields.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    portProtocols = Map.copyOf(portProtocols);
  }

  public static DecoderSettings defaults() {
    return new DecoderSettings(65_536, 256 * 1024, 64 * 1024, 256L * 1024 * 1024, 1024,
        Duration.ofSeconds(120), Duration.ofSeconds(60), 2048, true, DEFAULT_SENSITIVE_FIELDS,
        Map.of());
  }

  public DecoderSettings withPortProtocols(Map<Integer, Protocol> ports) {
    return new DecoderSettings(maxConnections, reorderWindowBytes, maxMessageBytes,
        maxTotalBufferedBytes, maxPendingRequests, connectionIdleTimeout, transactionTimeout,
        maxQueryLength, redact, sensitiveFields, ports);
  }

  public DecoderSettings withRedact(boolean on) {
    return new DecoderSettings(maxConnections, reorderWindowBytes, maxMessageBytes,
        maxTotalBufferedBytes, maxPendingRequests, connectionIdleTimeout, transactionTimeout,
        maxQueryLength, on, sensitiveFields, portProtocols);
  }

  public DecoderSettings withLimits(int maxConnections, int reorderWindowBytes, int maxMessageBytes,
      long maxTotalBufferedBytes, int maxPendingRequests) {
    return new DecoderSettings(maxConnections, reorderWindowBytes, maxMessageBytes,
        maxTotalBufferedBytes, maxPendingRequests, connectionIdleTimeout, transactionTimeout,
        maxQueryLength, redact, sensitiveFields, portProtocols);
  }

  public DecoderSettings withTimeouts(Duration connectionIdle, Duration transaction) {
    return new DecoderSettings(maxConnections, reorderWindowBytes, maxMessageBytes,
        maxTotalBufferedBytes, maxPendingRequests, connectionIdle, transaction, maxQueryLength,
        redact, sensitiveFields, portProtocols);
  }

  public DecoderSettings withMaxQueryLength(int length) {
    return new DecoderSettings(maxConnections, reorderWindowBytes, maxMessageBytes,
        maxTotalBufferedBytes, maxPendingRequests, connectionIdleTimeout, transactionTimeout, length,
        redact, sensitiveFields, portProtocols);
  }

  /**
   * Parses {@code PROTOCOL=PORT[,PORT...]} (the {@code --port} flag) into {@code into}.
   *
   * @throws IllegalArgumentException with a one-line message saying what was expected
   */
  public static void parsePortOption(String option, Map<Integer, Protocol> into) {
    int eq = option.indexOf('=');
    if (eq <= 0 || eq == option.length() - 1) {
      throw new IllegalArgumentException(
          "--port expects PROTOCOL=PORT[,PORT...], e.g. redis=6380, but got '" + option + "'");
    }
    Protocol protocol = Protocol.fromWireName(option.substring(0, eq).trim());
    for (String p : option.substring(eq + 1).split(",")) {
      int port;
      try {
        port = Integer.parseInt(p.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--port: '" + p + "' is not a port number");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("--port: " + port + " is outside 1-65535");
      }
      into.put(port, protocol);
    }
  }

  public static Map<Integer, Protocol> parsePortOptions(List<String> options) {
    Map<Integer, Protocol> map = new HashMap<>();
    options.forEach(o -> parsePortOption(o, map));
    return map;
  }

  /** Whether a query-string or form field name is one whose value must never leave the decoder. */
  public boolean isSensitiveField(String name) {
    return isSensitiveField(name, 0, name.length());
  }

  /** {@link #isSensitiveField(String)} of {@code text[from, to)}, without taking it out. */
  public boolean isSensitiveField(String text, int from, int to) {
    for (String s : sensitiveFields) { // lower case already: compared ignoring case, no copy made
      for (int at = from; at + s.length() <= to; at++) {
        if (text.regionMatches(true, at, s, 0, s.length())) {
          return true;
        }
      }
    }
    return false;
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
