package dev.intuition.core.ingest;

import dev.intuition.decoder.Endpoint;
import dev.intuition.decoder.Transaction;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks one transaction of a batch before anything of the batch is applied, and cuts its texts to
 * the server's limits. A transaction that the graph could not count (no protocol, no outcome, an end
 * without a valid IP address or port, neither start nor end, negative durations or sizes) makes the
 * whole batch a 400 that names it; a text that is only too long is cut (ending in "...") and counted,
 * never refused, since the call itself is good. Thread-safe (no state).
 */
public final class TransactionCheck {
  /** Sizes past this are not a measurement (2^50 bytes, a petabyte per call). */
  static final long MAX_BYTES = 1L << 50;
  /** Durations past this are not a measurement (a year). */
  static final long MAX_DURATION_MICROS = 366L * 24 * 3600 * 1_000_000;

  /**
   * What the server keeps of a transaction's texts, in characters.
   *
   * @param maxNameLength service and container names, HTTP Host, X-Forwarded-For
   * @param maxResourceLength {@code resource} (a path, a key, a table) and {@code method}
   * @param maxQueryLength {@code query} and {@code params}
   * @param maxStatusLength {@code status} (a Redis error text can be long)
   * @param maxNotes notes per transaction, each cut to the status length
   */
  public record Limits(int maxNameLength, int maxResourceLength, int maxQueryLength, int maxStatusLength,
      int maxNotes) {
    public static final Limits DEFAULT = new Limits(200, 1024, 4096, 256, 16);

    public Limits {
      if (maxNameLength < 16 || maxResourceLength < 16 || maxQueryLength < 16
          || maxStatusLength < 16 || maxNotes < 1) {
        throw new IllegalArgumentException("text limits must be at least 16 characters and one "
            + "note");
      }
    }
  }

  private final Limits limits;

  public TransactionCheck(Limits limits) {
    this.limits = limits;
  }

  /** Why the graph cannot count {@code t}, or null when it can. */
  public String problem(Transaction t) {
    if (t == null) {
      return "is null";
    }
    if (t.protocol() == null) {
      return "has no protocol";
    }
    if (t.outcome() == null) {
      return "has no outcome";
    }
    String end = endpoint("client", t.client());
    if (end != null) {
      return end;
    }
    end = endpoint("server", t.server());
    if (end != null) {
      return end;
    }
    if (t.start() == null && t.end() == null) {
      return "has neither start nor end";
    }
    if (t.start() != null && t.end() != null && t.start().isAfter(t.end())) {
      return "starts after it ends";
    }
    if (t.durationMicros() != null
        && (t.durationMicros() < 0 || t.durationMicros() > MAX_DURATION_MICROS)) {
      return "has a durationMicros of " + t.durationMicros() + " (0 to a year)";
    }
    if (t.requestBytes() < 0 || t.requestBytes() > MAX_BYTES || t.responseBytes() < 0
        || t.responseBytes() > MAX_BYTES) {
      return "has negative or implausible requestBytes / responseBytes";
    }
    return null;
  }

  private static String endpoint(String side, Endpoint e) {
    if (e == null) {
      return "has no " + side;
    }
    if (e.ip() == null) {
      return "has no " + side + ".ip";
    }
    if (!IpLiteral.valid(e.ip())) {
      return "has a " + side + ".ip that is no IPv4 or IPv6 address: '" + shorten(e.ip()) + "'";
    }
    if (e.port() < 0 || e.port() > 65535) {
      return "has a " + side + ".port out of range: " + e.port();
    }
    return null;
  }

  private static String shorten(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  /** {@code t} with its texts cut to the limits, or {@code t} itself when nothing was too long. */
  public Transaction truncated(Transaction t) {
    int name = limits.maxNameLength();
    if (fits(t.method(), limits.maxResourceLength()) && fits(t.resource(),
        limits.maxResourceLength()) && fits(t.query(), limits.maxQueryLength())
        && fits(t.params(), limits.maxQueryLength()) && fits(t.status(), limits.maxStatusLength())
        && fits(t.host(), name) && fits(t.forwardedFor(), name) && fits(t.clientContainer(), name)
        && fits(t.serverContainer(), name) && fits(t.clientService(), name)
        && fits(t.serverService(), name) && fits(t.observedAt(), name) && notesFit(t.notes())) {
      return t;
    }
    List<String> notes = new ArrayList<>();
    for (String n : t.notes()) {
      if (notes.size() == limits.maxNotes()) {
        break;
      }
      notes.add(cut(n, limits.maxStatusLength()));
    }
    return new Transaction(t.protocol(), t.client(), t.server(), t.start(), t.end(),
        t.durationMicros(), cut(t.method(), limits.maxResourceLength()),
        cut(t.resource(), limits.maxResourceLength()), cut(t.query(), limits.maxQueryLength()),
        cut(t.status(), limits.maxStatusLength()), t.outcome(), t.requestBytes(),
        t.responseBytes(), t.rows(), cut(t.host(), name), cut(t.forwardedFor(), name),
        cut(t.params(), limits.maxQueryLength()), notes, cut(t.clientContainer(), name),
        cut(t.serverContainer(), name), cut(t.clientService(), name),
        cut(t.serverService(), name), cut(t.observedAt(), name));
  }

  private boolean notesFit(List<String> notes) {
    if (notes.size() > limits.maxNotes()) {
      return false;
    }
    for (String n : notes) {
      if (!fits(n, limits.maxStatusLength())) {
        return false;
      }
    }
    return true;
  }

  private static boolean fits(String s, int max) {
    return s == null || s.length() <= max;
  }

  /** At most {@code max} characters, ending in "..." when cut, never between a surrogate pair. */
  static String cut(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    int end = max - 3;
    if (Character.isLowSurrogate(s.charAt(end)) && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "...";
  }
}
