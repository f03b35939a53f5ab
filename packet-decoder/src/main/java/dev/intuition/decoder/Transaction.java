package dev.intuition.decoder;

import java.time.Instant;
import java.util.List;

/**
 * One request and its response, the unit everything downstream counts. Field names are the JSON names
 * of every external format (DESIGN.md). Nullable fields are absent when unknown: {@code start} and
 * {@code durationMicros} for a response whose request was not seen, {@code end} for a request that never
 * got its response, and the container and service fields until the agent tags the transaction.
 *
 * <p>Beyond the fields DESIGN.md fixes, a transaction may carry {@code rows} (rows returned or
 * affected by a SQL statement, elements of a Redis array reply), {@code host} (HTTP Host header),
 * {@code forwardedFor} (the first address of X-Forwarded-For), {@code params} (an HTTP form body,
 * redacted like the query string) and {@code observedAt} (set by the agent: {@code server} or
 * {@code client}, the side whose network namespace saw the call, so that a call seen from both sides is
 * counted once, from the server side).
 */
public record Transaction(
    Protocol protocol,
    Endpoint client,
    Endpoint server,
    Instant start,
    Instant end,
    Long durationMicros,
    String method,
    String resource,
    String query,
    String status,
    Outcome outcome,
    long requestBytes,
    long responseBytes,
    Long rows,
    String host,
    String forwardedFor,
    String params,
    List<String> notes,
    String clientContainer,
    String serverContainer,
    String clientService,
    String serverService,
    String observedAt) {

  public Transaction {
    notes = notes == null ? List.of() : List.copyOf(notes);
  }

  /** A copy tagged with the containers and services of both ends and the observing side. */
  public Transaction withPlacement(String clientContainer, String serverContainer,
      String clientService, String serverService, String observedAt) {
    return new Transaction(protocol, client, server, start, end, durationMicros, method, resource,
        query, status, outcome, requestBytes, responseBytes, rows, host, forwardedFor, params, notes,
        clientContainer, serverContainer, clientService, serverService, observedAt);
  }
}
