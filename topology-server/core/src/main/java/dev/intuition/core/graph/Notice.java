package dev.intuition.core.graph;

import java.time.Instant;

/**
 * Something a person should look at, in Vizceral's vocabulary: a title and a severity (0 info,
 * 1 warning, 2 danger) attached to a node ({@code service}) or to an edge ({@code client},
 * {@code server}, {@code protocol}). Events (a new edge, a new external dependency, a service gone)
 * are raised once; conditions (an error rate or a p99 that jumped against its baseline) stay active
 * until they clear.
 *
 * @param type {@code new-edge}, {@code new-external-dependency}, {@code service-gone},
 *     {@code error-rate} or {@code latency}
 * @param value the current error rate (0-1) or p99 (microseconds), for conditions
 * @param baseline the same over the recent baseline
 * @param clearedAt when a condition ended; null while active, and for events
 */
public record Notice(long id, String type, int severity, String title, String service,
    String client, String server, String protocol, Instant raisedAt, Instant clearedAt,
    Double value, Double baseline) {

  public static final int INFO = 0;
  public static final int WARNING = 1;
  public static final int DANGER = 2;

  public boolean active() {
    return clearedAt == null;
  }

  public boolean onEdge() {
    return client != null;
  }

  public Notice cleared(Instant at) {
    return new Notice(id, type, severity, title, service, client, server, protocol, raisedAt, at,
        value, baseline);
  }

  public Notice updated(int severity, String title, double value) {
    return new Notice(id, type, severity, title, service, client, server, protocol, raisedAt,
        clearedAt, value, baseline);
  }
}
