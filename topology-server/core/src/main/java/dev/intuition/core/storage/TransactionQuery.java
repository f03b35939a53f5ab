package dev.intuition.core.storage;

import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import dev.intuition.decoder.Transaction;
import java.time.Instant;

/**
 * Which transactions to find: every given filter must hold (null means any); newest first, or the
 * slowest first ({@code slowestFirst}; calls that never got a reply come after the timed ones), at
 * most {@code limit}. Services match the names the graph shows (INTERNET, external hosts included);
 * the endpoint matches {@link dev.intuition.decoder.endpoint.Endpoints#of}.
 */
public record TransactionQuery(String clientService, String serverService, Protocol protocol,
    Outcome outcome, Long minDurationMicros, Instant from, Instant to, int limit,
    boolean slowestFirst, String endpoint) {

  /** Any endpoint. */
  public TransactionQuery(String clientService, String serverService, Protocol protocol,
      Outcome outcome, Long minDurationMicros, Instant from, Instant to, int limit,
      boolean slowestFirst) {
    this(clientService, serverService, protocol, outcome, minDurationMicros, from, to, limit,
        slowestFirst, null);
  }

  /** Newest first. */
  public TransactionQuery(String clientService, String serverService, Protocol protocol,
      Outcome outcome, Long minDurationMicros, Instant from, Instant to, int limit) {
    this(clientService, serverService, protocol, outcome, minDurationMicros, from, to, limit,
        false);
  }

  /** The order {@link TransactionStore#find} returns: slowest or newest first. */
  public java.util.Comparator<Transaction> order() {
    java.util.Comparator<Transaction> newest = (a, b) -> {
      Instant ta = time(a);
      Instant tb = time(b);
      return ta == null || tb == null ? (ta == null ? (tb == null ? 0 : 1) : -1) : tb.compareTo(ta);
    };
    if (!slowestFirst) {
      return newest;
    }
    return java.util.Comparator.<Transaction, Long>comparing(t -> t.durationMicros() == null
        ? Long.MIN_VALUE : t.durationMicros()).reversed().thenComparing(newest);
  }

  public static final int MAX_LIMIT = 10_000;

  public TransactionQuery {
    if (limit <= 0 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
    }
  }

  public static TransactionQuery newest(int limit) {
    return new TransactionQuery(null, null, null, null, null, null, null, limit);
  }

  /** When a transaction happened, for time filters and ordering: its end, else its start. */
  public static Instant time(Transaction t) {
    return t.end() != null ? t.end() : t.start();
  }

  public boolean matches(Transaction t) {
    Instant at = time(t);
    return (clientService == null || clientService.equals(
            dev.intuition.core.graph.EndpointNames.client(t)))
        && (serverService == null || serverService.equals(
            dev.intuition.core.graph.EndpointNames.server(t)))
        && (protocol == null || protocol == t.protocol())
        && (endpoint == null || endpoint.equals(
            dev.intuition.decoder.endpoint.Endpoints.of(t)))
        && (outcome == null || outcome == t.outcome())
        && (minDurationMicros == null
            || (t.durationMicros() != null && t.durationMicros() >= minDurationMicros))
        && (from == null || (at != null && !at.isBefore(from)))
        && (to == null || (at != null && at.isBefore(to)));
  }
}
